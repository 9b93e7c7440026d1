#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The rlimits rule with real runc containers: a request above the runtime's
# own hard limit (podman's nofile 1048576 on a host whose hard limit is
# lower) makes plain runc fail with an obscure error; runguard clamps it
# (fix, the default) or refuses it with the rlimit and both values named.

load helpers

PROBE='echo "hard=$(ulimit -Hn)"; echo "soft=$(ulimit -Sn)"'

field() {
	sed -n "s/^$1=//p" <<<"$output" | head -n 1
}

# over_bundle DIR: RLIMIT_NOFILE 1000 above this shell's (and so runguard's) hard limit.
over_bundle() {
	make_bundle "$1" sh -c "$PROBE"
	edit_config "$1" --argjson n "$OVER" '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: $n, soft: $n}]'
}

setup() {
	rg_setup
	HARD=$(ulimit -Hn)
	OVER=$((HARD + 1000))
}

@test "rlimits: nofile above the runtime's hard limit: plain runc fails, runguard lowers it to the hard limit" {
	[[ "$HARD" != unlimited ]] || skip "no hard limit on open files here"
	require_or_skip "the hard limit cannot be raised here (no CAP_SYS_RESOURCE)" \
		bash -c "! prlimit --pid \$\$ --nofile=$OVER:$OVER 2>/dev/null"
	local id
	over_bundle "$T/control"
	new_id id
	real_runc --root "$STATE" run -b "$T/control" "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "rlimit"

	over_bundle "$BUNDLE"
	run_bundle id
	assert_status 0
	[[ "$(field hard)" == "$HARD" ]] || die "hard nofile is $(field hard), expected $HARD"
	[[ "$(field soft)" == "$HARD" ]] || die "soft nofile is $(field soft), expected $HARD"
	[[ "$(cfg "$BUNDLE" .process.rlimits)" == "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":$HARD,\"soft\":$HARD}]" ]]
}

@test "rlimits: limits within the hard limit are kept" {
	make_bundle "$BUNDLE" sh -c "$PROBE"
	edit_config "$BUNDLE" '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: 512, soft: 256}]'
	local id
	run_bundle id
	assert_status 0
	[[ "$(field hard)" == 512 ]]
	[[ "$(field soft)" == 256 ]]
}

@test "rlimits: with action reject the message names the rlimit and both values; nothing started" {
	[[ "$HARD" != unlimited ]] || skip "no hard limit on open files here"
	printf '{"rules": {"rlimits": {"action": "reject"}}, "audit": {"file": null}}' >"$T/runguard.json"
	export RUNGUARD_CONFIG=$T/runguard.json
	over_bundle "$BUNDLE"
	expect_refused "$BUNDLE" ".process.rlimits[0]" \
		"RLIMIT_NOFILE hard limit $OVER is above the runtime's own hard limit of $HARD"
}

@test "rlimits: an unknown rlimit type is an error naming it" {
	make_bundle "$BUNDLE" true
	edit_config "$BUNDLE" '.process.rlimits = [{type: "RLIMIT_BOGUS", hard: 1, soft: 1}]'
	expect_refused "$BUNDLE" '.process.rlimits[0].type: unknown rlimit "RLIMIT_BOGUS"'
}
