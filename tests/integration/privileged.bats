#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Issue 4's "done means": a container from the "privileged" request shape
# (every capability, no seccomp, no masked paths, all devices allowed plus
# the host's disk, the host's PID namespace, host / bound read-write) is
# refused with each violation listed by default, and with the isolation
# rules set to fix it runs with none of that power — shown from inside.
# The same shape under plain runc first shows that the power is real.

load helpers
load isolation

# privileged_bundle: the shape, running POWER_PROBE, with a marker file on the host.
privileged_bundle() {
	make_bundle "$BUNDLE" sh -c "$POWER_PROBE"
	privileged_shape "$BUNDLE"
	MARKER=$T/host-marker
	touch "$MARKER"
	edit_config "$BUNDLE" --arg maj "$DISK_MAJ" --arg min "$DISK_MIN" --arg m "$MARKER" \
		'.process.env += ["DISK_MAJ=" + $maj, "DISK_MIN=" + $min, "MARKER=" + $m]'
}

@test "privileged: premise: under plain runc the shape can mount, read the host disk, see host processes and host /" {
	privileged_bundle
	# Every capability this machine can grant (plain runc cannot grant more).
	edit_config "$BUNDLE" --argjson c "$(own_caps)" \
		'.process.capabilities = {bounding: $c, effective: $c, inheritable: $c, permitted: $c, ambient: $c}'
	local id
	new_id id
	real_runc --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(probe_field mount)" == ok ]] || die "mount: $(probe_field mount)"
	[[ "$(probe_field hostdisk)" == "$DISK_SECRET" ]] || die "host disk not readable"
	[[ "$(probe_field mknod-read)" == "$DISK_SECRET" ]] || die "mknod + read of the disk failed"
	[[ "$(probe_field pid1)" != sh ]] || die "PID 1 is the container's shell: not the host's PID namespace"
	(($(probe_field pids) > 5)) || die "only $(probe_field pids) processes visible"
	[[ "$(probe_field host-root)" == visible ]] || die "host / not visible at /host"
}

@test "privileged: refused by default, every violation listed (namespaces, mounts, devices), nothing started" {
	privileged_bundle
	use_config '{}'
	expect_refused "$BUNDLE" "refused by policy baseline" \
		".linux.namespaces: no private pid namespace" "(rule namespaces)" \
		".mounts[7]: bind mount of host path / (denied: /)" "(rule mounts)" \
		"/dev/hostdisk (b $DISK_MAJ:$DISK_MIN, block device" "(rule devices)"
	# What is fixed by default is not reported as a violation.
	assert_not_contains "$stderr" "(rule capabilities)"
	assert_not_contains "$stderr" "(rule seccomp)"
}

@test "privileged: with the rules set to fix it runs with none of that power (mount, disk, mknod, host pids, host /)" {
	privileged_bundle
	use_config "$FIX_ALL"
	local id
	run_bundle id
	assert_status 0
	[[ "$(probe_field mount)" == failed* ]] || die "mount succeeded inside the container"
	assert_not_contains "$output" "$DISK_SECRET" "the container's output"
	[[ "$(probe_field hostdisk)" == *"No such file"* ]] || die "/dev/hostdisk: $(probe_field hostdisk)"
	[[ "$(probe_field mknod)" == failed* ]] || die "mknod of the host's block device succeeded"
	[[ "$(probe_field pid1)" == sh ]] || die "PID 1 is '$(probe_field pid1)', not the container's shell"
	# Only the container's own few processes (the shell and its pipeline).
	(($(probe_field pids) <= 5)) || die "$(probe_field pids) processes visible: host PIDs leak"
	[[ "$(probe_field host-root)" == hidden ]] || die "host / visible at /host"
	# And config.json says why.
	[[ "$(cfg "$BUNDLE" '[.linux.namespaces[].type] | index("pid") != null')" == true ]]
	[[ "$(cfg "$BUNDLE" '[.mounts[] | select(.destination == "/host")] | length')" == 0 ]]
	[[ "$(cfg "$BUNDLE" '.linux.devices')" == '[]' ]]
	[[ "$(cfg "$BUNDLE" '.linux.resources.devices[0]')" == '{"allow":false,"access":"rwm"}' ]]
	jq -e '.decision == "fixed"' "$AUDIT" >/dev/null
	assert_no_containers
}

@test "privileged: explain lists the violations and exits non-zero; with fix it prints the patch and exits 0" {
	privileged_bundle
	use_config '{}'
	rg explain "$BUNDLE"
	assert_failed_cleanly
	assert_contains "$stderr" "(rule namespaces)"
	assert_contains "$stderr" "(rule mounts)"
	assert_contains "$stderr" "(rule devices)"
	use_config "$FIX_ALL"
	rg explain "$BUNDLE"
	assert_status 0
	jq -e 'any(.[]; .path == "/linux/namespaces") and any(.[]; .path == "/linux/devices")' \
		<<<"$output" >/dev/null || die "patch does not touch namespaces and devices"
}
