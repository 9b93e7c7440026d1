#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Drop-in fidelity: where the policy has nothing to say, runguard behaves as
# the real runtime (exit status, stdout, stderr, --log files, pid files);
# where it must differ, the refusal says runguard and the rule, with runc's
# exit status. Same command through runguard and directly, side by side.
# Also: config.json keys that Go's decoder folds (case, U+017F, U+212A) are
# judged as the field runc reads and written back in its spelling.

load helpers

# variant_config DIR: the ceiling capabilities plus CAP_SYS_ADMIN, no
# seccomp, no no_new_privs, no pids limit, with "Process", "Capabilities",
# "LINUX", "Resources" and a "Pids" limit of 0 (unlimited) in case-variant
# spellings runc reads as the fields.
variant_config() {
	local caps
	caps=$(printf '%s\n' "${CEILING_CAPS[@]}" CAP_SYS_ADMIN | jq -R . | jq -sc .)
	edit_config "$1" --argjson c "$caps" '
		.process.capabilities = {bounding: $c, effective: $c, inheritable: $c, permitted: $c, ambient: $c}
		| .process.noNewPrivileges = false | del(.linux.seccomp) | del(.linux.resources.pids)
		| .process.Capabilities = .process.capabilities | del(.process.capabilities)
		| .Process = .process | del(.process)
		| .linux.Resources = ((.linux.resources // {}) + {Pids: {limit: 0}}) | del(.linux.resources)
		| .LINUX = .linux | del(.linux)'
}

@test "keys: a lone case variant is judged as the field runc reads (caps ceiling, pids.max 2048) and written back canonically" {
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	variant_config "$BUNDLE"
	# Premise: runc reads the variants as the fields (all caps, no pids limit).
	make_bundle "$T/control" sh -c "$PROBE_SCRIPT"
	variant_config "$T/control"
	local cid
	new_id cid
	real_runc --root "$STATE" run -b "$T/control" "$cid"
	assert_status 0
	[[ "$(status_field pids.max)" == max ]] || die "premise: runc's pids.max is $(status_field pids.max)"
	((16#$(status_field CapEff) != CEILING_MASK)) || die "premise: runc did not grant all caps"

	local id
	run_bundle id
	assert_status 0
	assert_mask_equal CapEff "$CEILING_MASK"
	assert_mask_equal CapBnd "$CEILING_MASK"
	[[ "$(status_field pids.max)" == 2048 ]] || die "pids.max is $(status_field pids.max)"
	# Written back in runc's spelling: no variant left for anyone to read differently.
	[[ "$(cfg "$BUNDLE" '[.Process, .LINUX, .process.Capabilities, .linux.Resources] | map(select(. != null)) | length')" == 0 ]] ||
		die "variant keys left in config.json: $(cat "$BUNDLE/config.json")"
	[[ "$(cfg "$BUNDLE" .linux.resources.pids.limit)" == 2048 ]]
	[[ "$(cfg "$BUNDLE" '.annotations["run.runguard.changes"]')" == *keys:* ]] ||
		die "the renames are not recorded as changes"
	assert_no_containers
}

@test "keys: Go's special folds (U+017F long s, U+212A Kelvin sign) are judged as the field" {
	local probe='grep -E "^(CapEff|NoNewPrivs):" /proc/self/status; stat -c "%n: %F" /proc/keys'
	# "proce\u017fs" is runc's process, "mas\u212aedPaths" its maskedPaths (empty: nothing masked).
	local fold='.["proce\u017fs"] = .Process | del(.Process)
		| .LINUX["mas\u212aedPaths"] = [] | del(.LINUX.maskedPaths)'
	make_bundle "$T/control" sh -c "$probe"
	variant_config "$T/control"
	edit_config "$T/control" "$fold"
	local cid
	new_id cid
	real_runc --root "$STATE" run -b "$T/control" "$cid"
	assert_status 0
	assert_contains "$output" "/proc/keys: regular" "premise: runc masks nothing"
	((16#$(status_field CapEff) != CEILING_MASK)) || die "premise: runc did not grant CAP_SYS_ADMIN"

	make_bundle "$BUNDLE" sh -c "$probe"
	variant_config "$BUNDLE"
	edit_config "$BUNDLE" "$fold"
	local id
	run_bundle id
	assert_status 0
	assert_mask_equal CapEff "$CEILING_MASK"
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is $(status_field NoNewPrivs)"
	assert_contains "$output" "/proc/keys: character special file" "masked by runguard"
	[[ "$(cfg "$BUNDLE" '[has("proce\u017fs"), (.linux | has("mas\u212aedPaths"))]')" == '[false,false]' ]] ||
		die "folded keys left in config.json"
}

@test "keys: audit mode changes nothing: the variant config.json is left byte for byte and runc reads it" {
	use_config '{"mode": "audit"}'
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	variant_config "$BUNDLE"
	local before
	before=$(sha256sum <"$BUNDLE/config.json")
	local id
	run_bundle id
	assert_status 0
	[[ "$(status_field pids.max)" == max ]] || die "pids.max is $(status_field pids.max)"
	[[ "$(sha256sum <"$BUNDLE/config.json")" == "$before" ]] || die "audit mode rewrote config.json"
	[[ "$(jq -r .decision "$AUDIT" | tail -n 1)" == would-fix ]] || die "audit: $(cat "$AUDIT")"
}

@test "keys: two spellings of one field (resources.pids and Pids) are refused, config.json untouched" {
	make_bundle "$BUNDLE" true
	edit_config "$BUNDLE" '.linux.resources.pids = {limit: 100} | .linux.resources.Pids = {limit: 0}'
	expect_refused "$BUNDLE" "runguard" ".linux.resources.Pids" "runc would apply only the last"
}
