#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The devices rule with real runc containers: an allow-all device cgroup rule
# becomes deny-all plus runc's default set; block devices and /dev/mem-like
# character devices in linux.devices are refused (or removed with fix);
# the operator's allow list lets chosen devices in.

load helpers
load isolation

# device_entry PATH TYPE MAJOR MINOR: compact JSON of a linux.devices entry.
device_entry() {
	jq -cn --arg p "$1" --arg t "$2" --argjson ma "$3" --argjson mi "$4" \
		'{path: $p, type: $t, major: $ma, minor: $mi, fileMode: 438, uid: 0, gid: 0}'
}

# The probe: mknod the host's disk and read it; use the default devices.
DEV_PROBE='m=$(busybox mknod /dev/blk b "$DISK_MAJ" "$DISK_MIN" 2>&1) && echo "mknod: ok" || echo "mknod: failed $m"
echo "read: $(head -c 15 /dev/blk 2>&1)"
echo "hostdisk: $(head -c 15 /dev/hostdisk 2>&1)"
echo x >/dev/null && echo "null: ok"
[ "$(head -c 4 /dev/urandom | wc -c)" = 4 ] && echo "urandom: ok"'

# dev_bundle: $BUNDLE running DEV_PROBE with the host disk's numbers in its
# environment and CAP_MKNOD added, so that only the device cgroup stands
# between the container and the disk.
dev_bundle() {
	host_disk
	make_bundle "$BUNDLE" sh -c "$DEV_PROBE"
	edit_config "$BUNDLE" --arg maj "$DISK_MAJ" --arg min "$DISK_MIN" '
		.process.env += ["DISK_MAJ=" + $maj, "DISK_MIN=" + $min]
		| .process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
}

# A configuration that keeps CAP_MKNOD (the default ceiling drops it).
MKNOD_CONFIG='{"rules": {"capabilities": {"allow": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
	"CAP_SETUID", "CAP_SYS_CHROOT", "CAP_MKNOD"]}}}'

@test "devices: an allow-all cgroup rule is replaced: mknod of the host's disk works, reading it does not" {
	dev_bundle
	edit_config "$BUNDLE" '.linux.resources.devices = [{allow: true, access: "rwm"}]'
	# Premise: under plain runc the container reads the disk.
	local id
	new_id id
	real_runc --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(probe_field read)" == "$DISK_SECRET" ]] || die "premise: plain runc container cannot read the disk"

	use_config "$MKNOD_CONFIG"
	run_bundle id
	assert_status 0
	[[ "$(probe_field mknod)" == ok ]] || die "mknod failed: only the device cgroup was to be tested"
	assert_not_contains "$output" "$DISK_SECRET" "the container's output"
	[[ "$(probe_field read)" == *"Operation not permitted"* ]] || die "read: $(probe_field read)"
	# runc's default devices still work.
	[[ "$(probe_field null)" == ok && "$(probe_field urandom)" == ok ]] || die "default devices broken"
	[[ "$(cfg "$BUNDLE" '.linux.resources.devices[0]')" == '{"allow":false,"access":"rwm"}' ]]
	[[ "$(cfg "$BUNDLE" '[.linux.resources.devices[] | select(.allow)] | length')" == 10 ]]
}

@test "devices: block devices and /dev/mem-like devices in linux.devices are refused by default" {
	host_disk
	make_bundle "$BUNDLE"
	use_config '{}'
	cp "$BUNDLE/config.json" "$T/orig.json"
	local entry want
	while IFS='|' read -r entry want; do
		cat "$T/orig.json" >"$BUNDLE/config.json"
		edit_config "$BUNDLE" --argjson d "$entry" '.linux.devices = [$d]'
		expect_refused "$BUNDLE" ".linux.devices: devices not allowed: $want" "(rule devices)"
	done <<EOF
$(device_entry /dev/hostdisk b "$DISK_MAJ" "$DISK_MIN")|/dev/hostdisk (b $DISK_MAJ:$DISK_MIN, block device, not in the allow list)
$(device_entry /dev/mem c 1 1)|/dev/mem (c 1:1, host physical memory)
$(device_entry /dev/kmem c 1 2)|/dev/kmem (c 1:2, host kernel memory)
$(device_entry /dev/port c 1 4)|/dev/port (c 1:4, host I/O ports)
$(device_entry /dev/fuse c 10 229)|/dev/fuse (c 10:229, not in the allow list)
EOF
	# A cgroup rule granting the disk is refused too.
	cat "$T/orig.json" >"$BUNDLE/config.json"
	edit_config "$BUNDLE" --argjson ma "$DISK_MAJ" --argjson mi "$DISK_MIN" \
		'.linux.resources.devices += [{allow: true, type: "b", major: $ma, minor: $mi, access: "rw"}]'
	expect_refused "$BUNDLE" ".linux.resources.devices: device cgroup rules not allowed: allows b $DISK_MAJ:$DISK_MIN rw"
}

@test "devices: with action fix the host's disk is removed; allowed devices stay" {
	dev_bundle
	edit_config "$BUNDLE" --argjson d "$(device_entry /dev/hostdisk b "$DISK_MAJ" "$DISK_MIN")" \
		--argjson n "$(device_entry /dev/mynull c 1 3)" --argjson ma "$DISK_MAJ" --argjson mi "$DISK_MIN" '
		.linux.devices = [$d, $n]
		| .linux.resources.devices += [{allow: true, type: "b", major: $ma, minor: $mi, access: "rwm"}]'
	# Premise: under plain runc /dev/hostdisk is the disk.
	local id
	new_id id
	real_runc --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(probe_field hostdisk)" == "$DISK_SECRET" ]] || die "premise: /dev/hostdisk not readable under plain runc"

	use_config '{"rules": {"devices": {"action": "fix"}}}'
	run_bundle id
	assert_status 0
	assert_not_contains "$output" "$DISK_SECRET" "the container's output"
	[[ "$(probe_field hostdisk)" == *"No such file"* ]] || die "/dev/hostdisk: $(probe_field hostdisk)"
	[[ "$(cfg "$BUNDLE" '[.linux.devices[].path]')" == '["/dev/mynull"]' ]]
	[[ "$(cfg "$BUNDLE" '[.linux.resources.devices[] | select(.type == "b")] | length')" == 0 ]]
}

@test "devices: the allow list lets /dev/fuse in (c 10:229); /dev/mem stays out even under c 1:*" {
	[[ -c /dev/fuse ]] || skip "no /dev/fuse on this host"
	make_bundle "$BUNDLE" sh -c '[ -c /dev/fuse ] && echo "fuse: present"; echo ok'
	edit_config "$BUNDLE" --argjson d "$(device_entry /dev/fuse c 10 229)" '
		.linux.devices = [$d]
		| .linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 229, access: "rwm"}]'
	use_config '{"rules": {"devices": {"allow": ["c 10:229", "c 1:*"]}}}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(probe_field fuse)" == present ]] || die "/dev/fuse missing"
	edit_config "$BUNDLE" --argjson d "$(device_entry /dev/mem c 1 1)" '.linux.devices += [$d]'
	expect_refused "$BUNDLE" "/dev/mem (c 1:1, host physical memory)"
}
