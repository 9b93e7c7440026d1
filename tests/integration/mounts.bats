#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The mounts rule with real runc containers: mounts of sensitive host paths
# refused (or dropped with fix), bind mounts nosuid,nodev, shared
# propagation made private, /sys and cgroup read-only; and the optional
# rootfs rule (read-only root filesystem).

load helpers
load isolation

# bind DEST SOURCE [OPTION...]: appends a bind mount to $BUNDLE's config.
bind() {
	local dest=$1 src=$2
	shift 2
	local opts
	opts=$(jq -cn '$ARGS.positional' --args -- "${@:-rbind}")
	edit_config "$BUNDLE" --arg d "$dest" --arg s "$src" --argjson o "$opts" \
		'.mounts += [{destination: $d, type: "bind", source: $s, options: $o}]'
}

# mount_opts MOUNTPOINT: the per-mount options of MOUNTPOINT in the
# container's mountinfo ($output), e.g. "ro,nosuid,nodev,relatime".
mount_opts() {
	awk -v m="$1" '$5 == m { print $6 }' <<<"$output" | tail -n 1
}

# mount_tags MOUNTPOINT: the optional fields (shared:N, master:N) of MOUNTPOINT.
mount_tags() {
	awk -v m="$1" '$5 == m { t = ""; for (i = 7; $i != "-"; i++) t = t $i " "; print t }' <<<"$output" | tail -n 1
}

@test "mounts: binds of sensitive host paths are refused by default, in any spelling" {
	make_bundle "$BUNDLE"
	use_config '{}'
	cp "$BUNDLE/config.json" "$T/orig.json"
	local src want
	while IFS='|' read -r src want; do
		cat "$T/orig.json" >"$BUNDLE/config.json"
		bind /host "$src"
		expect_refused "$BUNDLE" ".mounts[7]: bind mount of host path $src (denied: $want)" "(rule mounts)"
	done <<'EOF'
/|/
//|/
/etc/..|/
/etc|/etc
/etc/ssl/./certs/|/etc
/proc|/proc
/dev|/dev
/root|/root
/boot|/boot
/var/run/docker.sock|/var/run/docker.sock
/run|/run/docker.sock
/var/lib/kubelet|/var/lib/kubelet
/run/containerd/containerd.sock|/run/containerd/containerd.sock
EOF
	# Read-write /sys is refused; read-only too, since an rbind carries the
	# file systems mounted under it (debugfs, cgroup ...) and "ro" stays on top.
	cat "$T/orig.json" >"$BUNDLE/config.json"
	bind /host-sys /sys rbind rw
	expect_refused "$BUNDLE" "bind mount of host path /sys (denied: /sys)"
	cat "$T/orig.json" >"$BUNDLE/config.json"
	bind /host-sys /sys rbind ro
	expect_refused "$BUNDLE" "bind mount of host path /sys (denied: /sys/kernel/debug)"
}

@test "mounts: a symlink on the host that points to / is refused (resolved before comparing)" {
	make_bundle "$BUNDLE"
	use_config '{}'
	ln -s / "$T/innocent"
	bind /host "$T/innocent"
	expect_refused "$BUNDLE" "bind mount of host path $T/innocent, which resolves to / (denied: /)"
}

@test "mounts: with action fix a bind of host / is dropped: the host's files are not visible" {
	make_bundle "$BUNDLE" sh -c 'ls /host/etc/hostname 2>&1; ls /host 2>&1 | head -n 3'
	use_config '{"rules": {"mounts": {"action": "fix"}}}'
	bind /host /
	local id
	run_bundle id
	assert_status 0
	assert_contains "$output" "No such file or directory"
	[[ "$(cfg "$BUNDLE" '[.mounts[] | select(.destination == "/host")] | length')" == 0 ]]
	jq -e '.changes[] | select(.rule == "mounts" and .path == ".mounts[7]" and .after == null)' \
		"$AUDIT" >/dev/null || die "no audit record of the dropped mount"
}

@test "mounts: allowed binds get nosuid,nodev: a device node on the host directory cannot be opened" {
	mkdir -p "$T/data"
	mknod "$T/data/null" c 1 3
	make_bundle "$BUNDLE" sh -c 'cat /proc/self/mountinfo; echo x >/data/null && echo "write: ok" || echo "write: failed"'
	bind /data "$T/data" rbind rw
	# Premise: under plain runc the node works.
	local id
	new_id id
	real_runc --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(probe_field write)" == ok ]] || die "premise: the device node does not work under plain runc"
	[[ "$(mount_opts /data)" != *nodev* ]] || die "premise: /data is already nodev"

	use_config '{}'
	run_bundle id
	assert_status 0
	[[ "$(mount_opts /data)" == *nosuid* ]] || die "/data is not nosuid: $(mount_opts /data)"
	[[ "$(mount_opts /data)" == *nodev* ]] || die "/data is not nodev: $(mount_opts /data)"
	[[ "$(probe_field write)" == failed ]] || die "the device node on a nodev bind could be opened"
	[[ "$(cfg "$BUNDLE" '.mounts[-1].options')" == '["rbind","rw","nosuid","nodev"]' ]]
}

@test "mounts: shared propagation becomes private (mounts and rootfsPropagation)" {
	mkdir -p "$T/data"
	make_bundle "$BUNDLE" cat /proc/self/mountinfo
	bind /data "$T/data" rbind rshared
	edit_config "$BUNDLE" '.linux.rootfsPropagation = "rshared"'
	local id
	new_id id
	real_runc --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(mount_tags /data)" == *shared:* ]] || die "premise: /data is not shared under plain runc"
	use_config '{}'
	run_bundle id
	assert_status 0
	[[ "$(mount_tags /data)" != *shared:* ]] || die "/data is still shared: $(mount_tags /data)"
	[[ "$(mount_tags /)" != *shared:* ]] || die "/ is still shared: $(mount_tags /)"
	[[ "$(cfg "$BUNDLE" '.mounts[-1].options')" == '["rbind","rprivate","nosuid","nodev"]' ]]
	[[ "$(cfg "$BUNDLE" '.linux.rootfsPropagation')" == '"rprivate"' ]]
}

@test "mounts: /sys and cgroup mounts asked read-write are read-only" {
	make_bundle "$BUNDLE" sh -c 'cat /proc/self/mountinfo; touch /sys/fs/cgroup/x 2>/dev/null && echo "cg-write: ok" || echo "cg-write: failed"'
	edit_config "$BUNDLE" '.mounts |= map(if .type == "sysfs" or .type == "cgroup"
		then .options = ((.options // []) - ["ro"] + ["rw"]) else . end)'
	use_config '{}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(mount_opts /sys)" == ro,* ]] || die "/sys is $(mount_opts /sys)"
	# On cgroup v1 runc mounts a private tmpfs at /sys/fs/cgroup (rw whatever
	# the options say) and each controller under it with the options.
	local cg=/sys/fs/cgroup
	[[ -z "$(mount_opts /sys/fs/cgroup/pids)" ]] || cg=/sys/fs/cgroup/pids
	[[ "$(mount_opts $cg)" == ro,* ]] || die "$cg is $(mount_opts $cg)"
	[[ "$(probe_field cg-write)" == failed ]]
	[[ "$(cfg "$BUNDLE" '[.mounts[] | select(.type == "sysfs" or .type == "cgroup") | .options | index("rw")] | unique')" == '[null]' ]]
}

@test "mounts: ordinary binds (a data directory, a CRI volume path) run, and explain agrees" {
	mkdir -p "$T/data"
	echo hello >"$T/data/file"
	make_bundle "$BUNDLE" cat /data/file
	bind /data "$T/data" rbind ro
	use_config '{}'
	local id
	run_bundle id
	assert_status 0
	[[ "$output" == hello ]]
	# What CRI mounts from under /var/lib/kubelet and /run/containerd is not refused.
	cp "$BUNDLE/config.json" "$T/c.json"
	jq '.mounts += [{destination: "/v", type: "bind", source: "/var/lib/kubelet/pods/u/volumes/x", options: ["rbind"]},
		{destination: "/dev/shm", type: "bind", source: "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/s/shm", options: ["rbind"]}]' \
		"$T/c.json" >"$T/explain.json"
	rg explain "$T/explain.json"
	assert_status 0
}

@test "rootfs: off by default; with the rule on, root.readonly is set and / cannot be written" {
	make_bundle "$BUNDLE" sh -c 'touch /newfile 2>/dev/null && echo "root-write: ok" || echo "root-write: failed"'
	edit_config "$BUNDLE" '.root.readonly = false'
	use_config '{}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(probe_field root-write)" == ok ]] || die "premise: / not writable with the rule off"
	rm -f "$BUNDLE/rootfs/newfile"

	use_config '{"rules": {"rootfs": {"action": "fix"}}}'
	run_bundle id
	assert_status 0
	[[ "$(probe_field root-write)" == failed ]] || die "/ writable with the rootfs rule on"
	[[ "$(cfg "$BUNDLE" .root.readonly)" == true ]]

	edit_config "$BUNDLE" '.root.readonly = false'
	use_config '{"rules": {"rootfs": {"action": "reject"}}}'
	expect_refused "$BUNDLE" ".root.readonly: root filesystem is writable (rule rootfs)"
}
