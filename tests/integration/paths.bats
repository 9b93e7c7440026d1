#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The paths rule with real runc containers: a config.json with empty
# maskedPaths and readonlyPaths gets the standard sets, and the container
# can no longer read what is masked or write what is read-only.
#
# /proc/kcore and /proc/sysrq-trigger are asserted on when the kernel has
# them (some, like the test VMs', are built without): every standard path
# that exists on the host is checked to be a mount point in the container
# (masked: /dev/null or an empty tmpfs over it; read-only: a read-only bind),
# and, concretely, /proc/keys and /proc/timer_list read empty, and writing a
# namespaced sysctl under /proc/sys (kernel.hostname, the container's own UTS
# namespace; no capability needed) fails. The control is the same bundle
# under plain runc.

load helpers

MASKED=(/proc/acpi /proc/asound /proc/interrupts /proc/kcore /proc/keys /proc/latency_stats
	/proc/timer_list /proc/timer_stats /proc/sched_debug /proc/scsi /sys/firmware
	/sys/devices/virtual/powercap)
READONLY=(/proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger)

PROBE='echo "keys=$(cat /proc/keys | wc -c)"
echo "timer_list=$(cat /proc/timer_list 2>/dev/null | wc -c)"
echo "keys_type=$(stat -c %F /proc/keys)"
if [ -e /proc/kcore ]; then echo "kcore=$(head -c 16 /proc/kcore 2>/dev/null | wc -c)"; fi
if [ -e /proc/sysrq-trigger ]; then echo h 2>/dev/null >/proc/sysrq-trigger; echo "sysrq_write=$?"; fi
echo rg-paths 2>/dev/null >/proc/sys/kernel/hostname; echo "sysctl_write=$?"
awk "{ print \"mount=\" \$5 }" /proc/self/mountinfo'

field() {
	sed -n "s/^$1=//p" <<<"$output" | head -n 1
}

has_mount() {
	grep -qx "mount=$1" <<<"$output"
}

empty_paths_bundle() {
	make_bundle "$1" sh -c "$PROBE"
	edit_config "$1" '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
}

@test "paths: empty maskedPaths/readonlyPaths -> the standard sets are added; masked paths read empty, read-only ones refuse writes" {
	local id p
	# Control: plain runc with the empty lists.
	empty_paths_bundle "$T/control"
	new_id id
	real_runc --root "$STATE" run -b "$T/control" "$id"
	assert_status 0
	(($(field keys) > 0)) || die "control: /proc/keys is empty already"
	[[ "$(field sysctl_write)" == 0 ]] || die "control: /proc/sys not writable"
	for p in "${MASKED[@]}" "${READONLY[@]}"; do
		! has_mount "$p" || die "control: $p is a mount point already"
	done

	empty_paths_bundle "$BUNDLE"
	run_bundle id
	assert_status 0
	[[ "$(field keys)" == 0 ]] || die "/proc/keys reads $(field keys) bytes"
	[[ "$(field keys_type)" == "character special file" ]] || die "/proc/keys is a $(field keys_type)"
	[[ "$(field timer_list)" == 0 ]] || die "/proc/timer_list reads $(field timer_list) bytes"
	[[ "$(field sysctl_write)" != 0 ]] || die "/proc/sys/kernel/hostname was writable"
	if [[ -e /proc/kcore ]]; then
		[[ "$(field kcore)" == 0 ]] || die "/proc/kcore reads $(field kcore) bytes"
	fi
	if [[ -e /proc/sysrq-trigger ]]; then
		[[ "$(field sysrq_write)" != 0 ]] || die "/proc/sysrq-trigger was writable"
	fi
	for p in "${MASKED[@]}" "${READONLY[@]}"; do
		[[ ! -e "$p" ]] || has_mount "$p" || die "$p is not masked/read-only in the container"
	done
	# config.json has both lists in full.
	local want
	want=$(printf '%s\n' "${MASKED[@]}" | jq -R . | jq -sc .)
	[[ "$(cfg "$BUNDLE" .linux.maskedPaths)" == "$want" ]] || die "maskedPaths: $(cfg "$BUNDLE" .linux.maskedPaths)"
	want=$(printf '%s\n' "${READONLY[@]}" | jq -R . | jq -sc .)
	[[ "$(cfg "$BUNDLE" .linux.readonlyPaths)" == "$want" ]] || die "readonlyPaths: $(cfg "$BUNDLE" .linux.readonlyPaths)"
}

@test "paths: runc spec's defaults get only what they lack (/proc/interrupts, powercap); entries the engine added stay" {
	make_bundle "$BUNDLE" true
	edit_config "$BUNDLE" '.linux.maskedPaths += ["/proc/x-engine"]'
	local before id
	before=$(cfg "$BUNDLE" .linux.maskedPaths)
	new_id id
	rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(cfg "$BUNDLE" .linux.maskedPaths)" == "$(jq -c '. + ["/proc/interrupts", "/sys/devices/virtual/powercap"]' <<<"$before")" ]] ||
		die "maskedPaths: $(cfg "$BUNDLE" .linux.maskedPaths)"
	[[ "$(cfg "$BUNDLE" '.linux.readonlyPaths | length')" == 5 ]]
}

@test "paths: with action reject, missing paths refuse the container: bundle untouched, no container" {
	printf '{"rules": {"paths": {"action": "reject"}}, "audit": {"file": null}}' >"$T/runguard.json"
	export RUNGUARD_CONFIG=$T/runguard.json
	empty_paths_bundle "$BUNDLE"
	expect_refused "$BUNDLE" ".linux.maskedPaths" "masked paths missing: /proc/acpi" \
		".linux.readonlyPaths" "read-only paths missing: /proc/bus, /proc/fs, /proc/irq, /proc/sys, /proc/sysrq-trigger"
}

@test "paths: a configured list replaces the default one" {
	printf '{"rules": {"paths": {"masked": ["/proc/keys"], "readonly": []}}, "audit": {"file": null}}' >"$T/runguard.json"
	export RUNGUARD_CONFIG=$T/runguard.json
	empty_paths_bundle "$BUNDLE"
	local id
	run_bundle id
	assert_status 0
	[[ "$(field keys)" == 0 ]]
	[[ "$(field timer_list)" != 0 ]] || die "/proc/timer_list masked though not configured"
	[[ "$(cfg "$BUNDLE" .linux.maskedPaths)" == '["/proc/keys"]' ]]
	[[ "$(cfg "$BUNDLE" .linux.readonlyPaths)" == '[]' ]]
}
