#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# `runguard update` on a running container started through runguard, with
# the real runc: values above the policy's maxima are clamped (fix) or
# refused (reject), with flags and with `-r -` (containerd and CRI-O send
# the resources on stdin), and the kernel's cgroup files show the result.

load helpers

# The maxima of these tests: 256 MiB, one CPU, 64 pids.
LIMITS='"resources": {"memory": {"default": "128M", "max": "256M"},
	"cpu": {"default": 0.5, "max": 1}, "pids": {"default": 32, "max": 64}}'
MIB=1048576

setup() {
	rg_setup
	use_config '{"rules": {'"$LIMITS"'}}'
}

teardown() {
	rg_teardown
}

# reject_config: the same maxima, action reject.
reject_config() {
	use_config '{"rules": {"resources": {"action": "reject",
		"memory": {"max": "256M"}, "cpu": {"max": 1}, "pids": {"max": 64}}}}'
}

@test "update: the container starts with the policy's defaults" {
	local id
	start_container id
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * MIB)) ]]
	[[ "$(cg "$id" pids pids.max)" == 32 ]]
	[[ "$(cg "$id" cpu cpu.cfs_quota_us)" == 50000 ]]
}

@test "update --memory above the maximum is clamped to it; below it is applied as asked" {
	local id
	start_container id
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" update --memory 1G "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((256 * MIB)) ]] ||
		die "memory.limit_in_bytes is $(cg "$id" memory memory.limit_in_bytes)"
	# the value was replaced where it stood: same argv shape
	[[ "$(spy_calls update)" == "argv:$(printf ' %q' --root "$STATE" update --memory $((256 * MIB)) "$id")" ]] ||
		die "forwarded: $(spy_calls update)"
	local a
	a=$(audit_last update)
	[[ "$(jq -r .decision <<<"$a")" == fixed ]] || die "audit: $a"
	[[ "$(jq -c '.changes[0] | [.rule, .path, .before, .after]' <<<"$a")" == "[\"resources\",\"--memory\",\"1073741824\",\"$((256 * MIB))\"]" ]] ||
		die "audit: $a"

	: >"$SPY_LOG"
	local args=(--root "$STATE" update --memory=200M "$id")
	RUNGUARD_RUNTIME=$SPY rg "${args[@]}"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((200 * MIB)) ]]
	[[ "$(spy_calls update)" == "argv:$(printf ' %q' "${args[@]}")" ]] || die "forwarded: $(spy_calls update)"
	[[ "$(jq -r .decision <<<"$(audit_last update)")" == unchanged ]]
}

@test "update --pids-limit and --cpu-quota above the maxima are clamped; -1 gets the default" {
	local id
	start_container id
	rg --root "$STATE" update --pids-limit 100000 --cpu-quota=400000 "$id"
	assert_status 0
	[[ "$(cg "$id" pids pids.max)" == 64 ]]
	[[ "$(cg "$id" cpu cpu.cfs_quota_us)" == 100000 ]]
	rg --root "$STATE" update --pids-limit=-1 --cpu-quota=-1 "$id"
	assert_status 0
	[[ "$(cg "$id" pids pids.max)" == 32 ]]
	[[ "$(cg "$id" cpu cpu.cfs_quota_us)" == 50000 ]]
	# a quota within one CPU over a longer period
	rg --root "$STATE" update --cpu-period 200000 --cpu-quota 150000 "$id"
	assert_status 0
	[[ "$(cg "$id" cpu cpu.cfs_quota_us)" == 150000 ]]
	[[ "$(cg "$id" cpu cpu.cfs_period_us)" == 200000 ]]
}

@test "update above the maximum with action reject: refused, the limit unchanged" {
	local id
	start_container id
	reject_config
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" update --memory 1G "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "--memory"
	assert_contains "$stderr" "above the maximum"
	[[ -z "$(spy_calls update)" ]] || die "the runtime was asked to update: $(spy_calls update)"
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * MIB)) ]]
	local a
	a=$(audit_last update)
	[[ "$(jq -r .decision <<<"$a")" == rejected ]] || die "audit: $a"
	[[ "$(jq -r '.violations[0].path' <<<"$a")" == --memory ]]
	# within the maximum is applied
	rg --root "$STATE" update --memory 64M "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((64 * MIB)) ]]
}

@test "update -r - (stdin, as containerd and CRI-O send it) is clamped; runc reads the enforced JSON" {
	local id
	start_container id
	jq -n '{memory: {limit: 1073741824}, cpu: {quota: 300000, period: 100000}, pids: {limit: -1}}' >"$T/in.json"
	rg_stdin "$T/in.json" --root "$STATE" update -r - "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((256 * MIB)) ]]
	[[ "$(cg "$id" cpu cpu.cfs_quota_us)" == 100000 ]]
	[[ "$(cg "$id" pids pids.max)" == 32 ]]
	local a
	a=$(audit_last update)
	[[ "$(jq -r .input <<<"$a")" == - ]]
	[[ "$(jq -c '[.changes[].path] | sort' <<<"$a")" == '[".cpu.quota",".memory.limit",".pids.limit"]' ]] || die "audit: $a"

	# within the maxima: stdin reaches runc as it came
	jq -n '{memory: {limit: 100663296}, pids: {limit: 40}}' >"$T/in2.json"
	rg_stdin "$T/in2.json" --root "$STATE" update --resources=- "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == 100663296 ]]
	[[ "$(cg "$id" pids pids.max)" == 40 ]]
	[[ "$(jq -r .decision <<<"$(audit_last update)")" == unchanged ]]
}

@test "update -r FILE: runc reads the enforced JSON from a sealed memfd; the file is left alone" {
	local id
	start_container id
	jq -n '{memory: {limit: 1073741824}, pids: {limit: 40}}' >"$T/r.json"
	chmod 0600 "$T/r.json"
	local before
	before=$(sha256sum <"$T/r.json")
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" update -r "$T/r.json" "$id"
	assert_status 0
	[[ "$(sha256sum <"$T/r.json")" == "$before" ]] || die "file changed: $(cat "$T/r.json")"
	local call
	call=$(spy_calls update)
	[[ "$call" =~ ^argv:\ --root\ [^\ ]+\ update\ -r\ /proc/self/fd/([0-9]+)\ $id$ ]] || die "forwarded: $call"
	[[ "$(spy_handed "${BASH_REMATCH[1]}" | jq -c .)" == "{\"memory\":{\"limit\":$((256 * MIB))},\"pids\":{\"limit\":40}}" ]] ||
		die "handed: $(spy_handed "${BASH_REMATCH[1]}")"
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((256 * MIB)) ]]
	[[ "$(cg "$id" pids pids.max)" == 40 ]]
}

@test "update -r - with action reject: refused before runc reads anything" {
	local id
	start_container id
	reject_config
	jq -n '{memory: {limit: 1073741824}}' >"$T/in.json"
	make_spy
	RUNGUARD_RUNTIME=$SPY rg_stdin "$T/in.json" --root "$STATE" update -r - "$id"
	assert_failed_cleanly
	assert_contains "$stderr" ".memory.limit"
	[[ -z "$(spy_calls update)" ]] || die "the runtime was asked to update: $(spy_calls update)"
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * MIB)) ]]
}

@test "update in warn mode: findings on stderr, nothing changed" {
	local id
	start_container id
	use_config '{"mode": "warn", "rules": {'"$LIMITS"'}}'
	rg --root "$STATE" update --memory 1G "$id"
	assert_status 0
	assert_contains "$stderr" "would change"
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == 1073741824 ]]
	[[ "$(jq -r .decision <<<"$(audit_last update)")" == would-fix ]]
}

@test "update: malformed input and ambiguous argv are refused, nothing updated" {
	local id
	start_container id
	make_spy
	# runc would read the file "$id" for container "-"; crun the other way round
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" update "$id" -r -
	assert_failed_cleanly
	assert_contains "$stderr" "differently"
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" update --memory lots "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "--memory"
	# two spellings of one field (runc would merge them): refused
	printf '{"memory": {"limit": 1}, "Memory": {"limit": 1073741824}}' >"$T/in.json"
	RUNGUARD_RUNTIME=$SPY rg_stdin "$T/in.json" --root "$STATE" update -r - "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "Memory"
	[[ -z "$(spy_calls update)" ]] || die "the runtime was asked to update: $(spy_calls update)"
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * MIB)) ]]
}
