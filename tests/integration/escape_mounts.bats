#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Escapes through mounts and the root file system (issue #16), as an
# attacker would write them, each refused by the default policy with
# config.json untouched and the real runtime never started; with action fix
# the mount is dropped and, inside the container, the escape did not work.
# Controls: what engines mount by default, a tmpfs, binds of a temporary
# directory and of a directory in the bundle still run unchanged.

load helpers
load isolation

# add_mount JSON: appends a mount (JSON object) to $BUNDLE's config.
add_mount() {
	edit_config "$BUNDLE" --argjson m "$1" '.mounts += [$m]'
}

# refused_each NEEDLE-PREFIX < LINES: for each line "MOUNT-JSON|NEEDLE" the
# bundle (reset to $T/orig.json) with that mount appended is refused, the
# message at .mounts[7] (after runc's seven default mounts).
refused_each() {
	local m want
	while IFS='|' read -r m want; do
		[[ -n "$m" ]] || continue
		cat "$T/orig.json" >"$BUNDLE/config.json"
		add_mount "$m"
		expect_refused "$BUNDLE" ".mounts[7]: " "$want" "(rule mounts)" || return 1
	done
}

# root_refused_each < LINES: for each line "ROOT-PATH|NEEDLE" the bundle
# with that root.path is refused.
root_refused_each() {
	local p want
	while IFS='|' read -r p want; do
		[[ -n "$p" ]] || continue
		cat "$T/orig.json" >"$BUNDLE/config.json"
		edit_config "$BUNDLE" --arg p "$p" '.root = {path: $p, readonly: false}'
		expect_refused "$BUNDLE" ".root.path: root file system of host path $want" "(rule mounts)" ||
			return 1
	done
}

save_orig() {
	cp "$BUNDLE/config.json" "$T/orig.json"
}

@test "escape: block-device file systems are refused, whatever the source and type spelling" {
	host_disk
	make_bundle "$BUNDLE"
	use_config '{}'
	save_orig
	local up=../../../../../../../../../../../..
	refused_each <<EOF
{"destination": "/mnt/host", "type": "ext4", "source": "$up$DISK_DEV"}|mount of type 'ext4' at /mnt/host: the type is not allowed (source '$up$DISK_DEV')
{"destination": "/mnt/host", "type": "ext4", "source": "$DISK_DEV", "options": ["rw"]}|mount of type 'ext4' at /mnt/host: the type is not allowed
{"destination": "/mnt/host", "type": "auto", "source": "$DISK_DEV"}|mount of type 'auto'
{"destination": "mnt/host", "type": "xfs", "source": "${DISK_DEV#/}"}|mount of type 'xfs'
{"destination": "/mnt/host", "source": "$DISK_DEV", "options": ["rw"]}|mount at /mnt/host has no type and no bind option
{"destination": "/mnt/host", "type": "", "source": "$DISK_DEV"}|has no type and no bind option
{"destination": "/mnt/host", "type": "ext4", "source": "$DISK_DEV", "options": ["bind"]}|bind mount of host path $DISK_DEV (denied: /dev)
{"destination": "/mnt/host", "type": "none", "source": "$up$DISK_DEV", "options": ["rbind", "ro"]}|bind mount of host path $DISK_DEV ($up$DISK_DEV in the bundle) (denied: /dev)
EOF
}

@test "escape: kernel file systems (devtmpfs, debugfs, tracefs, securityfs, configfs, bpf ...) are refused" {
	make_bundle "$BUNDLE"
	use_config '{}'
	save_orig
	local t
	for t in devtmpfs debugfs tracefs securityfs configfs bpf pstore efivarfs binfmt_misc fusectl \
		hugetlbfs overlay nfs cifs; do
		printf '{"destination": "/mnt/k", "type": "%s", "source": "%s"}|mount of type %s at /mnt/k: the type is not allowed\n' \
			"$t" "$t" "'$t'"
	done | refused_each
	# Mounted over an engine's usual places, or with remount: the same.
	refused_each <<'EOF'
{"destination": "/dev", "type": "devtmpfs", "source": "devtmpfs", "options": ["nosuid"]}|mount of type 'devtmpfs' at /dev
{"destination": "/sys/kernel/debug", "type": "debugfs", "source": "none"}|mount of type 'debugfs'
{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["remount", "rw"]}|mount at /sys: option 'remount' is not allowed
EOF
}

@test "escape: with fix a devtmpfs mount is dropped: the host's block devices are not visible" {
	host_disk
	local dev=${DISK_DEV#/dev/}
	make_bundle "$BUNDLE" sh -c "ls /mnt/dev/$dev >/dev/null 2>&1 && echo 'hostdev: visible' || echo 'hostdev: absent'"
	add_mount '{"destination": "/mnt/dev", "type": "devtmpfs", "source": "devtmpfs"}'
	# Premise: under plain runc the container sees the host's devices.
	local id
	new_id id
	real_runc --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(probe_field hostdev)" == visible ]] || die "premise: devtmpfs did not show $DISK_DEV under plain runc"

	use_config '{"rules": {"mounts": {"action": "fix"}}}'
	run_bundle id
	assert_status 0
	[[ "$(probe_field hostdev)" == absent ]] || die "the host's $DISK_DEV is visible in the container"
	[[ "$(cfg "$BUNDLE" '[.mounts[] | select(.type == "devtmpfs")] | length')" == 0 ]]
}

@test "escape: a second proc (at /mnt/proc, /proc/../mnt/proc, mnt/proc ...) is refused" {
	make_bundle "$BUNDLE"
	use_config '{}'
	save_orig
	refused_each <<'EOF'
{"destination": "/mnt/proc", "type": "proc", "source": "proc"}|mount of type 'proc' at /mnt/proc: proc is allowed only at /proc
{"destination": "/proc/../mnt/proc", "type": "proc", "source": "proc"}|mount of type 'proc' at /proc/../mnt/proc: proc is allowed only at /proc
{"destination": "mnt/proc", "type": "proc", "source": "proc"}|at mnt/proc: proc is allowed only at /proc
{"destination": "//mnt//proc/", "type": "proc", "source": "/proc"}|proc is allowed only at /proc
{"destination": "/proc/sys", "type": "proc", "source": "proc"}|proc is allowed only at /proc
{"destination": "/mnt/sys", "type": "sysfs", "source": "sysfs", "options": ["rw"]}|mount of type 'sysfs' at /mnt/sys: sysfs is allowed only at /sys
{"destination": "/mnt/cg", "type": "cgroup", "source": "cgroup"}|cgroup is allowed only at /sys/fs/cgroup
EOF
}

# mount_opts MOUNTPOINT: the per-mount options of MOUNTPOINT in the
# container's mountinfo ($output), e.g. "ro,nosuid,nodev,relatime".
mount_opts() {
	awk -v m="$1" '$5 == m { print $6 }' <<<"$output" | tail -n 1
}

@test "escape: with fix a second proc is dropped: core_pattern is not writable in the container" {
	# busybox's test -w is true for root whatever the mount says: read mountinfo.
	make_bundle "$BUNDLE" sh -c 'cat /proc/self/mountinfo; ls /mnt/proc/sys/kernel/core_pattern >/dev/null 2>&1 && echo "second: present" || echo "second: absent"'
	add_mount '{"destination": "/proc/../mnt/proc", "type": "proc", "source": "proc"}'
	# Premise: under plain runc the second proc is read-write with nothing over
	# its sys/, so core_pattern there is writable by the container's root.
	local id
	new_id id
	real_runc --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(probe_field second)" == present && "$(mount_opts /mnt/proc)" == rw,* &&
		-z "$(mount_opts /mnt/proc/sys)" && "$(mount_opts /proc/sys)" == ro,* ]] ||
		die "premise: plain runc did not give a writable second proc"

	use_config '{"rules": {"mounts": {"action": "fix"}}}'
	run_bundle id
	assert_status 0
	[[ "$(probe_field second)" == absent && -z "$(mount_opts /mnt/proc)" ]] || die "the second proc is there"
	[[ "$(mount_opts /proc/sys)" == ro,* ]] || die "/proc/sys is $(mount_opts /proc/sys)"
	[[ "$(cfg "$BUNDLE" '[.mounts[] | select(.type == "proc")] | length')" == 1 ]]
}

@test "escape: binds of protected host paths through the bundle (relative, symlinks) are refused" {
	make_bundle "$BUNDLE"
	use_config '{}'
	save_orig
	# runc's state directory exists once runc ran with its default root.
	if [[ ! -d /run/runc ]]; then
		mkdir -p /run/runc
		on_teardown "rmdir /run/runc 2>/dev/null"
	fi
	ln -s /run/runc "$BUNDLE/state"
	ln -s / "$BUNDLE/host"
	ln -s /usr/sbin "$BUNDLE/tools"
	local up=../../../../../../../../../../../..
	refused_each <<EOF
{"destination": "/x", "type": "bind", "source": "state", "options": ["rbind", "ro"]}|bind mount of host path $BUNDLE/state (state in the bundle), which resolves to /run/runc (denied: /run/runc)
{"destination": "/x", "source": "./state/", "options": ["bind"]}|which resolves to /run/runc (denied: /run/runc)
{"destination": "/x", "type": "bind", "source": "host", "options": ["rbind", "ro"]}|which resolves to / (denied: /)
{"destination": "/x", "type": "bind", "source": "tools", "options": ["rbind", "rw"]}|which resolves to /usr/sbin (denied: /usr)
{"destination": "/x", "type": "bind", "source": "${up}/run/runc", "options": ["rbind"]}|bind mount of host path /run/runc (${up}/run/runc in the bundle) (denied: /run/runc)
{"destination": "/x", "type": "bind", "source": "rootfs/${up}/etc", "options": ["rbind", "ro"]}|(denied: /etc)
{"destination": "/x", "type": "bind", "source": "/var/run/runc", "options": ["rbind"]}|bind mount of host path /var/run/runc (denied: /var/run/runc)
EOF
	# explain FILE resolves relative sources against the file's directory.
	mkdir -p "$T/elsewhere"
	ln -s /run/runc "$T/elsewhere/state"
	jq '.mounts += [{destination: "/x", type: "bind", source: "state", options: ["rbind", "ro"]}]' \
		"$T/orig.json" >"$T/elsewhere/spec.json"
	rg explain "$T/elsewhere/spec.json"
	[[ $status -ne 0 ]] || die "explain accepted a bind of a symlink to /run/runc"
	assert_contains "$stderr" "host path $T/elsewhere/state (state in the bundle), which resolves to /run/runc (denied: /run/runc)"
	cd "$T/elsewhere"
	rg explain spec.json
	cd "$BATS_TEST_DIRNAME"
	[[ $status -ne 0 ]] || die "explain spec.json accepted the bind"
	assert_contains "$stderr" "host path $T/elsewhere/state (state in the bundle), which resolves to /run/runc"
}

@test "escape: writable binds of host system directories and runtime or engine state are refused" {
	make_bundle "$BUNDLE"
	use_config '{}'
	save_orig
	local src want
	while IFS='|' read -r src want; do
		printf '{"destination": "/x", "type": "bind", "source": "%s", "options": ["rbind", "rw"]}|bind mount of host path %s%s\n' \
			"$src" "$src" "$want"
	done <<'EOF' | refused_each
/usr/sbin| (denied: /usr)
/usr/local/bin| (denied: /usr)
/lib/modules| (denied: /lib)
/bin| (denied: /bin)
/sbin| (denied: /sbin)
/run/runc| (denied: /run/runc)
/run/crun| (denied: /run/crun)
/var/lib/docker| (denied: /var/lib/docker/image)
/var/lib/docker/containers/0123abcd| (denied: /var/lib/docker/containers/*)
/var/lib/containerd| (denied: /var/lib/containerd
/var/lib/containers/storage| (denied: /var/lib/containers/storage/libpod)
/run/containerd/runc/k8s.io| (denied: /run/containerd/runc)
/run/podman/podman.sock| (denied: /run/podman)
/var/run/docker.sock| (denied: /var/run/docker.sock)
/var/run| (denied: /var/run/docker.sock)
EOF
}

@test "escape: with fix a writable bind of /usr/sbin is dropped: the host's binaries are not there" {
	make_bundle "$BUNDLE" sh -c 'ls /hostsbin/losetup >/dev/null 2>&1 && echo "hostsbin: visible" || echo "hostsbin: absent"'
	add_mount '{"destination": "/hostsbin", "type": "bind", "source": "/usr/sbin", "options": ["rbind", "rw"]}'
	use_config '{"rules": {"mounts": {"action": "fix"}}}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(probe_field hostsbin)" == absent ]] || die "/usr/sbin is visible in the container"
	[[ "$(cfg "$BUNDLE" '[.mounts[] | select(.destination == "/hostsbin")] | length')" == 0 ]]
}

@test "escape: root.path on a host system directory, /, or through the bundle is refused, even with fix" {
	make_bundle "$BUNDLE"
	use_config '{}'
	save_orig
	ln -s / "$BUNDLE/hostroot"
	ln -s /usr "$BUNDLE/hostusr"
	root_refused_each <<EOF
/|/ (denied: /)
/usr|/usr (denied: /usr)
/etc|/etc (denied: /etc)
/etc/..|/etc/.. (denied: /)
/lib/modules|/lib/modules (denied: /lib)
/var|/var (denied: /var/run/docker.sock)
/run|/run (denied: /run/docker.sock)
/var/lib|/var/lib (denied: /var/lib/kubelet/pki)
/proc/1/root|/proc/1/root (denied: /proc)
../../../../../../../../../../usr|/usr (../../../../../../../../../../usr in the bundle) (denied: /usr)
hostroot|$BUNDLE/hostroot (hostroot in the bundle), which resolves to / (denied: /)
hostusr|$BUNDLE/hostusr (hostusr in the bundle), which resolves to /usr (denied: /usr)
EOF
	# A root cannot be dropped: fix refuses it too.
	use_config '{"rules": {"mounts": {"action": "fix"}}}'
	cat "$T/orig.json" >"$BUNDLE/config.json"
	edit_config "$BUNDLE" '.root = {path: "/usr", readonly: false}'
	expect_refused "$BUNDLE" ".root.path: root file system of host path /usr (denied: /usr)"
}

@test "escape: with crun as the runtime, the same root and bind escapes are refused before crun runs" {
	[[ -x /usr/bin/crun ]] || skip "crun is not installed"
	make_bundle "$BUNDLE"
	use_config '{}'
	save_orig
	local RG_STATE_RUNTIME=/usr/bin/crun
	# crun follows a symlinked root (runc refuses one): runguard judges where it leads.
	ln -s / "$BUNDLE/hostroot"
	root_refused_each <<EOF
hostroot|$BUNDLE/hostroot (hostroot in the bundle), which resolves to / (denied: /)
/usr|/usr (denied: /usr)
../../../../../../../../../../etc|/etc (../../../../../../../../../../etc in the bundle) (denied: /etc)
EOF
	refused_each <<'EOF'
{"destination": "/mnt/proc", "type": "proc", "source": "proc"}|proc is allowed only at /proc
{"destination": "/mnt/dev", "type": "devtmpfs", "source": "devtmpfs"}|mount of type 'devtmpfs'
{"destination": "/x", "type": "bind", "source": "hostroot", "options": ["rbind"]}|which resolves to / (denied: /)
EOF
}

# ---- controls: what must still run unchanged ----

@test "controls: a tmpfs, a bind of a temporary directory, a relative bind in the bundle and the default /proc run unchanged" {
	mkdir -p "$T/data"
	echo from-tmp >"$T/data/file"
	make_bundle "$BUNDLE" sh -c 'cat /data/file /bdata/file; touch /scratch/x && echo "tmpfs: ok"; grep -c " /proc proc " /proc/self/mounts'
	mkdir -p "$BUNDLE/bdata"
	echo from-bundle >"$BUNDLE/bdata/file"
	add_mount '{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "size=1m"]}'
	add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$T/data\", \"options\": [\"rbind\", \"ro\", \"nosuid\", \"nodev\"]}"
	add_mount '{"destination": "/bdata", "type": "bind", "source": "bdata", "options": ["rbind", "ro", "nosuid", "nodev"]}'
	use_config '{}'
	local before id
	before=$(cfg "$BUNDLE" '.mounts')
	run_bundle id
	assert_status 0
	[[ "${lines[0]}" == from-tmp && "${lines[1]}" == from-bundle && "${lines[2]}" == "tmpfs: ok" ]] ||
		die "unexpected output: $output"
	[[ "${lines[3]}" == 1 ]] || die "not exactly one proc at /proc"
	# Already hardened: the mounts are left exactly as they were.
	[[ "$(cfg "$BUNDLE" '.mounts')" == "$before" ]] || die "the mounts were changed"
}

@test "controls: engines' default mounts and roots (podman, docker, containerd, CRI) pass explain" {
	local f
	# The mounts rule as shipped; the fixtures' network namespace paths and
	# hooks name nothing on this host, so those rules are off here, and the
	# podman fixture's vendor extension keys are let through (rule fields).
	use_config '{"rules": {"namespaces": {"action": "off"}, "hooks": {"action": "off"},
		"fields": {"allow": [".process.x-vendor-process", ".linux.org.example.linuxExtension",
			".org.example.topLevel"]}}}'
	# podman (tests/golden/enforce-podman-like) and CRI/ctr specs from the fuzz corpus
	for f in "$BATS_TEST_DIRNAME/../golden/enforce-podman-like/in.json" \
		"$BATS_TEST_DIRNAME"/../fuzz/corpus/fuzz_spec/{cri-containerd-container,cri-containerd-sandbox,crio-container,ctr-run-default}.json; do
		rg explain "$f"
		assert_status 0
		assert_not_contains "$stderr" "violation"
		assert_not_contains "$stderr" "(rule mounts)"
	done
	# docker's, containerd CRI's and podman's per-container binds and roots.
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.root.path = "/var/lib/docker/overlay2/0123abcd/merged"
		| .mounts += [
		{destination: "/etc/resolv.conf", type: "bind", source: "/var/lib/docker/containers/0123abcd/resolv.conf", options: ["rbind", "rprivate"]},
		{destination: "/etc/hostname", type: "bind", source: "/var/lib/docker/containers/0123abcd/hostname", options: ["rbind", "rprivate"]},
		{destination: "/etc/hosts", type: "bind", source: "/var/lib/docker/containers/0123abcd/hosts", options: ["rbind", "rprivate"]},
		{destination: "/dev/shm", type: "bind", source: "/var/lib/docker/containers/0123abcd/mounts/shm", options: ["rbind", "rprivate"]},
		{destination: "/data", type: "bind", source: "/var/lib/docker/volumes/data/_data", options: ["rbind"]}]'
	rg explain "$BUNDLE"
	assert_status 0
	edit_config "$BUNDLE" '.root.path = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/c1/rootfs"
		| .mounts = .mounts[0:7] + [
		{destination: "/etc/hosts", type: "bind", source: "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/hosts", options: ["rbind", "rprivate", "rw"]},
		{destination: "/etc/resolv.conf", type: "bind", source: "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/resolv.conf", options: ["rbind", "rprivate", "rw"]},
		{destination: "/dev/shm", type: "bind", source: "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/shm", options: ["rbind", "rprivate", "rw"]},
		{destination: "/v", type: "bind", source: "/var/lib/kubelet/pods/uid/volumes/kubernetes.io~empty-dir/cache", options: ["rbind", "rprivate", "rw"]}]'
	rg explain "$BUNDLE"
	assert_status 0
	edit_config "$BUNDLE" '.root.path = "/var/lib/containers/storage/overlay/4c1b2f7d/merged"
		| .mounts = .mounts[0:7] + [
		{destination: "/etc/hosts", type: "bind", source: "/run/containers/storage/overlay-containers/c1/userdata/hosts", options: ["bind", "rprivate"]},
		{destination: "/run/.containerenv", type: "bind", source: "/run/containers/storage/overlay-containers/c1/userdata/.containerenv", options: ["bind", "rprivate"]},
		{destination: "/dev/shm", type: "bind", source: "/var/lib/containers/storage/overlay-containers/c1/userdata/shm", options: ["bind", "rprivate"]}]'
	rg explain "$BUNDLE"
	assert_status 0
}

@test "controls: podman's default mount list runs in a real container" {
	mkdir -p "$T/userdata"
	echo "127.0.0.1 localhost" >"$T/userdata/hosts"
	make_bundle "$BUNDLE" sh -c 'cat /etc/hosts; ls -d /dev/pts /dev/mqueue /sys/fs/cgroup >/dev/null && echo "mounts: ok"'
	# podman's (tests/golden/enforce-podman-like) mounts, with the userdata in $T.
	jq --arg u "$T/userdata" '.mounts | map(if .type == "bind" then .source = ($u + "/hosts") else . end)' \
		"$BATS_TEST_DIRNAME/../golden/enforce-podman-like/in.json" >"$T/mounts.json"
	edit_config "$BUNDLE" --slurpfile m "$T/mounts.json" '.mounts = $m[0] + [
		{destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
		{destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]},
		{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
	use_config '{}'
	local id
	run_bundle id
	assert_status 0
	assert_contains "$output" "127.0.0.1 localhost"
	assert_contains "$output" "mounts: ok"
}
