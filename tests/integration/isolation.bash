# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Shared by the isolation suites (namespaces, mounts, devices, hooks,
# privileged): configurations, the host's disk, the "privileged" request
# shape. Load after helpers.

# The isolation rules set to fix: what they would otherwise refuse is
# rewritten instead.
FIX_ALL='{"rules": {"namespaces": {"action": "fix"}, "mounts": {"action": "fix"},
	"devices": {"action": "fix"}, "hooks": {"action": "fix"}, "annotations": {"action": "fix"}}}'

# host_disk: a block device on the host holding a known secret: a loop
# device over an image in $T (detached in teardown), its DISK_DEV, DISK_MAJ,
# DISK_MIN and DISK_SECRET (the first bytes). A loop device rather than the
# machine's own disk: test VMs may refuse even root to open that, and a
# secret of our own proves what a container read.
DISK_SECRET=RUNGUARD-SECRET
host_disk() {
	[[ -n "${DISK_DEV:-}" ]] && return 0
	head -c 1048576 /dev/zero >"$T/disk.img"
	printf '%s' "$DISK_SECRET" | dd of="$T/disk.img" conv=notrunc status=none
	DISK_DEV=$(losetup -f --show "$T/disk.img") || { die "losetup failed"; return 1; }
	on_teardown "losetup -d $DISK_DEV"
	DISK_MAJ=$((16#$(stat -c %t "$DISK_DEV")))
	DISK_MIN=$((16#$(stat -c %T "$DISK_DEV")))
}

# ns_id TYPE: the host's (this shell's) namespace id, e.g. "pid:[4026531836]".
ns_id() {
	readlink "/proc/self/ns/$1"
}

# privileged_shape DIR: the "privileged" request shape: every capability,
# no seccomp, no masked or read-only paths, all devices allowed and a
# host block device (host_disk) as /dev/hostdisk, the host's PID namespace, host / bound at
# /host read-write, no_new_privileges off.
privileged_shape() {
	host_disk || return 1
	local caps
	caps=$(all_caps_json)
	edit_config "$1" --argjson c "$caps" --argjson maj "$DISK_MAJ" --argjson min "$DISK_MIN" '
		.process.capabilities = {bounding: $c, effective: $c, inheritable: $c, permitted: $c, ambient: $c}
		| .process.noNewPrivileges = false
		| del(.linux.seccomp)
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .linux.resources.devices = [{allow: true, access: "rwm"}]
		| .linux.devices = [{path: "/dev/hostdisk", type: "b", major: $maj, minor: $min,
			fileMode: 384, uid: 0, gid: 0}]
		| .linux.namespaces |= map(select(.type != "pid"))
		| .mounts += [{destination: "/host", type: "bind", source: "/", options: ["rbind", "rw"]}]
		| .root.readonly = false'
}

# What a container tries, one line each, in the privileged suites. The
# marker file is made on the host by the test and looked for under /host.
POWER_PROBE='mkdir -p /tmp/m; m=$(busybox mount -t tmpfs none /tmp/m 2>&1) && echo "mount: ok" || echo "mount: failed $m"
echo "hostdisk: $(head -c 15 /dev/hostdisk 2>&1)"
m=$(busybox mknod /tmp/blk b "$DISK_MAJ" "$DISK_MIN" 2>&1) || echo "mknod: failed $m"
echo "mknod-read: $(head -c 15 /tmp/blk 2>&1)"
echo "pids: $(ls /proc | grep -c "^[0-9][0-9]*$")"
echo "pid1: $(cat /proc/1/comm 2>&1)"
[ -e "/host$MARKER" ] && echo "host-root: visible" || echo "host-root: hidden"'

# own_caps: JSON array of the capabilities in this shell's bounding set (a
# test machine may lack some, e.g. CAP_SYS_RESOURCE, and plain runc then
# cannot grant them).
own_caps() {
	local bnd i
	bnd=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)
	for i in "${!ALL_CAPS[@]}"; do
		(((16#$bnd >> i) & 1)) && printf '%s\n' "${ALL_CAPS[i]}"
	done | jq -R . | jq -sc .
}

# probe_field NAME: the value after "NAME: " in $output.
probe_field() {
	sed -n "s/^$1: //p" <<<"$output" | head -n 1
}
