#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The resources rule with real runc containers: what the kernel applies
# (memory.limit_in_bytes, pids.max, cpu.cfs_quota_us read inside the
# container), a memory hog and a fork bomb stopped by the limits, the clamp
# of an over-maximum request, the reject path, and linux.resources.unified
# (which runc refuses on this hybrid host, so it is checked with explain).

load helpers

# Prints the limits the container's cgroups hold (v1, or v2 read in v1's
# terms: cgv in helpers.bash).
LIMITS_SCRIPT="$CG_SH
echo memory=\$(cgv memory.limit_in_bytes)
echo pids=\$(cgv pids.max)
echo quota=\$(cgv cpu.cfs_quota_us)
echo period=\$(cgv cpu.cfs_period_us)"

# field NAME: the value of NAME=... in $output.
field() {
	sed -n "s/^$1=//p" <<<"$output" | head -n 1
}

# no_limits DIR: runc spec's config has none; make sure of it.
no_limits() {
	edit_config "$1" 'del(.linux.resources.memory, .linux.resources.cpu, .linux.resources.pids)'
}

host_memory() {
	echo $(($(getconf _PHYS_PAGES) * $(getconf PAGESIZE)))
}

@test "resources: no limits asked -> memory 50% of host memory, CPU quota of half the CPUs (>= 1), pids 2048, as the kernel applies them" {
	make_bundle "$BUNDLE" sh -c "$LIMITS_SCRIPT"
	no_limits "$BUNDLE"
	local id
	run_bundle id
	assert_status 0
	local mem cpus millis
	mem=$(($(host_memory) * 50 / 100 / 4096 * 4096))
	cpus=$(getconf _NPROCESSORS_ONLN)
	millis=$((cpus * 500))
	((millis >= 1000)) || millis=1000
	[[ "$(field memory)" == "$mem" ]] || die "memory.limit_in_bytes is $(field memory), expected $mem"
	[[ "$(field pids)" == 2048 ]] || die "pids.max is $(field pids)"
	[[ "$(field period)" == 100000 ]] || die "cfs_period_us is $(field period)"
	[[ "$(field quota)" == $((millis * 100)) ]] || die "cfs_quota_us is $(field quota), expected $((millis * 100))"
	# ... and config.json says so.
	[[ "$(cfg "$BUNDLE" .linux.resources.memory.limit)" == "$mem" ]]
	[[ "$(cfg "$BUNDLE" .linux.resources.cpu)" == "{\"period\":100000,\"quota\":$((millis * 100))}" ]]
	[[ "$(cfg "$BUNDLE" .linux.resources.pids.limit)" == 2048 ]]
}

@test "resources: limits within the maxima are kept exactly" {
	make_bundle "$BUNDLE" sh -c "$LIMITS_SCRIPT"
	edit_config "$BUNDLE" '.linux.resources.memory = {limit: 268435456}
		| .linux.resources.pids = {limit: 300} | .linux.resources.cpu = {quota: 50000, period: 100000}'
	local before id
	before=$(cfg "$BUNDLE" .linux.resources)
	run_bundle id
	assert_status 0
	[[ "$(field memory)" == 268435456 ]]
	[[ "$(field pids)" == 300 ]]
	[[ "$(field quota)" == 50000 ]]
	[[ "$(cfg "$BUNDLE" .linux.resources)" == "$before" ]] || die "resources changed: $(cfg "$BUNDLE" .linux.resources)"
}

@test "resources: a memory hog is OOM-killed at a 32M policy default; with 512M it completes" {
	# 200 MB without a newline: grep holds it all as one line. The hog runs
	# with oom_score_adj 1000 so that the OOM killer takes it, never the
	# container's init (the kernel may pick again while grep's memory is
	# being freed; with init gone nothing reports).
	local hog='(echo 1000 >/proc/self/oom_score_adj && head -c 200000000 /dev/zero | grep -c x); echo "hog=$?"; echo "memory=$(cgv memory.limit_in_bytes)"; echo "failcnt=$(cgv memory.failcnt)"'
	use_config '{"rules": {"resources": {"memory": {"default": "32M"}}}}'
	hog="$CG_SH
$hog"
	make_bundle "$BUNDLE" sh -c "$hog"
	no_limits "$BUNDLE"
	local id
	run_bundle id
	assert_status 0
	[[ "$(field memory)" == 33554432 ]] || die "memory.limit_in_bytes is $(field memory)"
	[[ "$(field hog)" == 137 ]] || die "the hog was not killed (exit $(field hog))"
	(($(field failcnt) > 0)) || die "memory.failcnt is $(field failcnt)"

	# Control: the same hog under a 512M limit runs to the end (grep finds no x: 1).
	make_bundle "$T/control" sh -c "$hog"
	edit_config "$T/control" '.linux.resources.memory = {limit: 536870912}'
	new_id id
	rg --root "$STATE" run -b "$T/control" "$id"
	assert_status 0
	[[ "$(field memory)" == 536870912 ]]
	[[ "$(field hog)" == 1 ]] || die "the hog did not complete under 512M (exit $(field hog))"
}

@test "resources: a fork bomb stops at pids.max 20 (bounded: at most 100 forks, all killed with the container)" {
	# Every fork is a sleeping child; the shell stops at the first failed fork.
	local bomb='echo "pids=$(cgv pids.max)"; i=0; while [ $i -lt 100 ]; do sleep 60 & i=$((i+1)); echo "forked=$i"; done; echo done'
	bomb="$CG_SH
$bomb"
	make_bundle "$BUNDLE" sh -c "$bomb"
	edit_config "$BUNDLE" '.linux.resources.pids = {limit: 20}'
	local id n
	run_bundle id
	[[ "$(field pids)" == 20 ]] || die "pids.max is $(field pids)"
	n=$(sed -n 's/^forked=//p' <<<"$output" | tail -n 1)
	# pids.max counts the shell too: at most 19 children.
	((n >= 10 && n <= 19)) || die "forked $n times under pids.max 20"
	assert_not_contains "$output" "done" "output"
	assert_contains "$stderr" "can't fork" "stderr"
	assert_failed_cleanly
	assert_no_containers

	# Control: 200 lets all 100 forks through.
	make_bundle "$T/control" sh -c "$bomb"
	edit_config "$T/control" '.linux.resources.pids = {limit: 200}'
	new_id id
	rg --root "$STATE" run -b "$T/control" "$id"
	assert_status 0
	[[ "$(sed -n 's/^forked=//p' <<<"$output" | tail -n 1)" == 100 ]]
	assert_contains "$output" "done" "output"
}

@test "resources: requests over the configured maxima are clamped (memory 1G -> 64M, pids 1000 -> 50, cpu 4 -> 0.5)" {
	use_config '{"rules": {"resources": {"memory": {"max": "64M"}, "pids": {"max": 50}, "cpu": {"max": 0.5}}}}'
	make_bundle "$BUNDLE" sh -c "$LIMITS_SCRIPT"
	edit_config "$BUNDLE" '.linux.resources.memory = {limit: 1073741824}
		| .linux.resources.pids = {limit: 1000} | .linux.resources.cpu = {quota: 400000, period: 100000}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(field memory)" == 67108864 ]] || die "memory.limit_in_bytes is $(field memory)"
	[[ "$(field pids)" == 50 ]] || die "pids.max is $(field pids)"
	[[ "$(field quota)" == 50000 ]] || die "cfs_quota_us is $(field quota)"
	[[ "$(cfg "$BUNDLE" .linux.resources.memory.limit)" == 67108864 ]]
	[[ "$(cfg "$BUNDLE" .linux.resources.pids.limit)" == 50 ]]
	[[ "$(cfg "$BUNDLE" .linux.resources.cpu.quota)" == 50000 ]]
	# The audit record has the changes, before and after.
	tail -n 1 "$T/audit.log" | jq -e '.changes[] | select(.rule == "resources" and .path == ".linux.resources.memory.limit" and .before == "1073741824" and .after == "67108864")'
}

@test "resources: with action reject, a request over the maximum is refused: exit non-zero, config.json unchanged, no container" {
	use_config '{"rules": {"resources": {"action": "reject", "pids": {"max": 50}}}}'
	make_bundle "$BUNDLE" true
	edit_config "$BUNDLE" '.linux.resources.memory = {limit: 268435456}
		| .linux.resources.pids = {limit: 1000} | .linux.resources.cpu = {quota: 50000}'
	expect_refused "$BUNDLE" ".linux.resources.pids.limit" "pids limit 1000 is above the maximum of 50"
	# Missing limits are refused too under reject.
	edit_config "$BUNDLE" 'del(.linux.resources.memory) | .linux.resources.pids = {limit: 10}'
	expect_refused "$BUNDLE" ".linux.resources.memory.limit" "no memory limit"
}

@test "resources: linux.resources.unified cannot bypass the maxima (explain shows the clamp; runc refuses unified on cgroup v1)" {
	make_bundle "$BUNDLE" true
	edit_config "$BUNDLE" '.linux.resources.memory = {limit: 268435456} | .linux.resources.pids = {limit: 10}
		| .linux.resources.cpu = {quota: 50000}
		| .linux.resources.unified = {"memory.max": "max", "pids.max": "max", "memory.high": "max"}'
	local before
	before=$(sha256sum <"$BUNDLE/config.json")
	rg explain "$BUNDLE"
	assert_status 0
	local mem pidmax
	mem=$(host_memory)
	mem=$((mem / 4096 * 4096))
	pidmax=$(cat /proc/sys/kernel/pid_max)
	jq -e --arg m "$mem" '.[] | select(.path == "/linux/resources/unified/memory.max" and .value == $m)' <<<"$output"
	jq -e --arg p "$pidmax" '.[] | select(.path == "/linux/resources/unified/pids.max" and .value == $p)' <<<"$output"
	jq -e 'all(.[]; .path != "/linux/resources/unified/memory.high")' <<<"$output"
	[[ "$(sha256sum <"$BUNDLE/config.json")" == "$before" ]] || die "explain changed config.json"

	use_config '{"rules": {"resources": {"action": "reject"}}}'
	rg explain "$BUNDLE"
	assert_failed_cleanly
	assert_contains "$stderr" 'unified["memory.max"]'
}

@test "resources: bad resource settings in the configuration are refused with file, line and path" {
	use_config '{"rules": {"resources": {"memory": {"default": "12X"}}}}'
	rg check-config "$RUNGUARD_CONFIG"
	assert_failed_cleanly
	assert_contains "$stderr" ".rules.resources.memory.default"
	assert_contains "$stderr" "$RUNGUARD_CONFIG"
	make_bundle "$BUNDLE" true
	expect_refused "$BUNDLE" ".rules.resources.memory.default"
}
