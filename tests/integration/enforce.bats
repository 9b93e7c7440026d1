#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# create/run through runguard harden real runc containers: capabilities
# ceiling, seccomp, no_new_privs, pids limit. Assertions are on what the
# container itself saw and on config.json, not on runguard's messages.

load helpers

@test "enforce: all capabilities, no seccomp, no no_new_privs -> container confined (caps, Seccomp 2, NoNewPrivs 1, pids.max 2048)" {
	# Premise: in this environment, the same container under plain runc
	# (ceiling capabilities, no seccomp) can create a user namespace, so a
	# failing `unshare -U` below is seccomp's doing.
	make_bundle "$T/control" sh -c "$PROBE_SCRIPT"
	local ceil
	ceil=$(printf '%s\n' "${CEILING_CAPS[@]}" | jq -R . | jq -sc .)
	edit_config "$T/control" --argjson c "$ceil" '
		.process.capabilities = {bounding: $c, effective: $c, inheritable: $c, permitted: $c, ambient: $c}
		| .process.noNewPrivileges = false | del(.linux.seccomp)'
	local cid
	new_id cid
	real_runc --root "$STATE" run -b "$T/control" "$cid"
	assert_status 0
	[[ "$(status_field Seccomp)" == 0 ]]
	require_or_skip "unshare -U works in an unconfined container here" grep -qx 'unshare: 0' <<<"$output"

	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	all_caps_config "$BUNDLE"
	local id
	run_bundle id
	assert_status 0

	assert_mask_equal CapEff "$CEILING_MASK"
	assert_mask_equal CapPrm "$CEILING_MASK"
	assert_mask_equal CapBnd "$CEILING_MASK"
	assert_mask_within CapInh "$CEILING_MASK"
	assert_mask_within CapAmb "$CEILING_MASK"
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is $(status_field Seccomp), expected 2"
	[[ "$(status_field Seccomp_filters)" -ge 1 ]] || die "no seccomp filter installed"
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is $(status_field NoNewPrivs)"
	[[ "$(status_field pids.max)" == 2048 ]] || die "pids.max is $(status_field pids.max)"
	# unshare(CLONE_NEWUSER) needs CAP_SYS_ADMIN under the profile: denied with EPERM.
	if grep -qx 'unshare: 0' <<<"$output"; then die "unshare -U succeeded under runguard's seccomp profile"; fi
	assert_contains "$output" "Operation not permitted" "unshare's error"
	assert_no_containers
}

@test "enforce: rewritten config.json has the policy annotation, the default seccomp profile, no_new_privs, pids 2048 and capped capability sets" {
	make_bundle "$BUNDLE" sleep 3600
	all_caps_config "$BUNDLE"
	local id
	new_id id
	rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(container_status "$STATE" "$id")" == created ]] || die "container not created"

	local ann
	ann=$(jq -r '.annotations["run.runguard.policy"] // empty' "$BUNDLE/config.json")
	[[ -n "$ann" ]] || die "no run.runguard.policy annotation"
	[[ "$(cfg "$BUNDLE" .linux.seccomp.defaultAction)" == '"SCMP_ACT_ERRNO"' ]]
	[[ "$(cfg "$BUNDLE" .process.noNewPrivileges)" == true ]]
	[[ "$(cfg "$BUNDLE" .linux.resources.pids.limit)" == 2048 ]]

	local want set got
	want=$(printf '%s\n' "${CEILING_CAPS[@]}" | jq -R . | jq -sc 'sort')
	for set in bounding effective permitted inheritable ambient; do
		got=$(cfg "$BUNDLE" ".process.capabilities.$set | sort")
		[[ "$got" == "$want" ]] || die "capabilities.$set = $got, expected $want"
	done

	# An empty "flags": [] changes runc's behaviour; never emitted by accident.
	[[ "$(cfg "$BUNDLE" '.linux.seccomp | has("flags") and (.flags | length == 0)')" == false ]] ||
		die 'seccomp has an empty "flags": []'
	# The OCI seccomp that runc reads has no engine-style conditional keys.
	[[ "$(cfg "$BUNDLE" '[.linux.seccomp.syscalls[]? | select(has("includes") or has("excludes"))] | length')" == 0 ]] ||
		die "seccomp rules still carry includes/excludes"
	if [[ "$(uname -m)" == x86_64 ]]; then
		[[ "$(cfg "$BUNDLE" '.linux.seccomp.architectures | index("SCMP_ARCH_X86_64") != null')" == true ]] ||
			die "seccomp architectures lack SCMP_ARCH_X86_64"
	fi
	# Syscalls the issue requires denied must not be allowed by any rule.
	local sc allowed
	for sc in io_uring_setup io_uring_enter io_uring_register userfaultfd keyctl add_key request_key \
		perf_event_open unshare mount setns; do
		allowed=$(jq --arg s "$sc" '[.linux.seccomp.syscalls[]? | select(.action == "SCMP_ACT_ALLOW" and (.args // [] | length == 0)) | .names[] | select(. == $s)] | length' "$BUNDLE/config.json")
		[[ "$allowed" == 0 ]] || die "seccomp profile allows $sc unconditionally"
	done
	# Nothing else is left in the bundle (atomic save cleaned its temp file).
	[[ "$(ls -A "$BUNDLE" | tr '\n' ' ')" == "config.json rootfs " ]] ||
		die "unexpected files in bundle: $(ls -A "$BUNDLE")"
}

@test "enforce: a container asking for less than the ceiling keeps exactly what it asked (CapEff 0x21)" {
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	edit_config "$BUNDLE" '
		.process.capabilities = {bounding: ["CAP_CHOWN", "CAP_KILL"],
			effective: ["CAP_CHOWN", "CAP_KILL"], permitted: ["CAP_KILL", "CAP_CHOWN"]}'
	local before
	before=$(cfg "$BUNDLE" .process.capabilities)
	local id
	run_bundle id
	assert_status 0
	assert_mask_equal CapEff 0x21
	assert_mask_equal CapPrm 0x21
	assert_mask_equal CapBnd 0x21
	assert_mask_equal CapInh 0
	assert_mask_equal CapAmb 0
	[[ "$(status_field Seccomp)" == 2 ]]
	[[ "$(status_field NoNewPrivs)" == 1 ]]
	# Sets are unchanged, in their order; absent sets are not added.
	local after
	after=$(cfg "$BUNDLE" '.process.capabilities | with_entries(select((.value | length) > 0))')
	[[ "$after" == "$before" ]] || die "capabilities changed: $before -> $after"
}

@test "enforce: an explicit pids limit of 100 is kept" {
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	edit_config "$BUNDLE" '.linux.resources.pids = {limit: 100}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(status_field pids.max)" == 100 ]] || die "pids.max is $(status_field pids.max), expected 100"
	[[ "$(cfg "$BUNDLE" .linux.resources.pids.limit)" == 100 ]]
	[[ "$(status_field Seccomp)" == 2 ]]
}

@test "enforce: a seccomp profile that allows everything is replaced" {
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	edit_config "$BUNDLE" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["read", "write"], action: "SCMP_ACT_ALLOW"}]}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is $(status_field Seccomp)"
	if grep -qx 'unshare: 0' <<<"$output"; then die "unshare -U succeeded: profile not replaced"; fi
	[[ "$(cfg "$BUNDLE" .linux.seccomp.defaultAction)" == '"SCMP_ACT_ERRNO"' ]]
}

@test "enforce: runguard writes nothing to stdout on run (container output only)" {
	make_bundle "$BUNDLE" echo hello-from-container
	local id
	run_bundle id
	assert_status 0
	[[ "$output" == hello-from-container ]] || die "stdout is '$output'"
}

@test "enforce: runguard writes nothing to stdout on create; the container's output follows start" {
	make_bundle "$BUNDLE" echo hello-from-container
	local id out
	new_id id
	rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	out=$RG_OUT
	[[ ! -s "$out" ]] || die "create wrote to stdout: $(cat "$out")"
	rg --root "$STATE" start "$id"
	assert_status 0
	[[ -z "$output" ]]
	wait_status "$STATE" "$id" stopped
	[[ "$(cat "$out")" == hello-from-container ]] || die "container stdout is '$(cat "$out")'"
}

@test "enforce: enforcing twice (create, delete, create) leaves config.json unchanged the second time" {
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	all_caps_config "$BUNDLE"
	local id1 id2 sum1 sum2 ino1 ino2
	new_id id1
	rg --root "$STATE" create -b "$BUNDLE" "$id1"
	assert_status 0
	sum1=$(sha256sum <"$BUNDLE/config.json")
	ino1=$(stat -c %i "$BUNDLE/config.json")
	rg --root "$STATE" delete "$id1"
	assert_status 0
	new_id id2
	rg --root "$STATE" create -b "$BUNDLE" "$id2"
	assert_status 0
	sum2=$(sha256sum <"$BUNDLE/config.json")
	ino2=$(stat -c %i "$BUNDLE/config.json")
	[[ "$sum1" == "$sum2" ]] || die "second enforcement changed config.json"
	# Ideally an already-enforced file is not even rewritten.
	[[ "$ino1" == "$ino2" ]] || printf '# note: config.json was rewritten (inode %s -> %s) though unchanged\n' "$ino1" "$ino2" >&2
	[[ "$(container_status "$STATE" "$id2")" == created ]]
}

@test "enforce: unknown fields, key order, number text, annotations, file mode and group survive enforcement" {
	make_bundle "$BUNDLE" true
	# The fields rule refuses unknown keys unless listed: this test is about
	# what survives once the operator lets an extension through.
	use_config '{"rules": {"fields": {"allow": [".x-runguard-test"]}}}'
	edit_config "$BUNDLE" '.annotations = {"org.example/keep": "yes"} | .process.noNewPrivileges = false'
	# Append an unknown extension with number spellings jq would normalise.
	local text
	text=$(head -n -1 "$BUNDLE/config.json")
	printf '%s,\n  "x-runguard-test": {"z": 1, "a": [1.50, 1e3, 12345678901234567890123, -0.0, "\\u00e9\\ud83d\\ude00"], "m": {}}\n}\n' \
		"$text" >"$BUNDLE/config.json"
	chown 0:65534 "$BUNDLE/config.json"
	chmod 0640 "$BUNDLE/config.json"
	jq -e . "$BUNDLE/config.json" >/dev/null
	local keys_before proc_before
	keys_before=$(cfg "$BUNDLE" '[keys_unsorted[] | select(. != "annotations")]')
	proc_before=$(cfg "$BUNDLE" '.process | keys_unsorted')
	local id
	new_id id
	rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	local f=$BUNDLE/config.json n
	for n in '1.50' '1e3' '12345678901234567890123' '-0.0'; do
		grep -qF -- "$n" "$f" || die "number text '$n' lost: $(grep -F 'x-runguard-test' "$f")"
	done
	[[ "$(cfg "$BUNDLE" '.["x-runguard-test"] | keys_unsorted')" == '["z","a","m"]' ]] || die "unknown object reordered"
	[[ "$(cfg "$BUNDLE" '.["x-runguard-test"].a[4]')" == '"é😀"' ]] || die "unicode escapes altered"
	[[ "$(cfg "$BUNDLE" '[keys_unsorted[] | select(. != "annotations")]')" == "$keys_before" ]] || die "top-level keys reordered"
	[[ "$(cfg "$BUNDLE" '.process | keys_unsorted')" == "$proc_before" ]] || die ".process keys reordered"
	[[ "$(cfg "$BUNDLE" '.annotations["org.example/keep"]')" == '"yes"' ]] || die "existing annotation lost"
	[[ "$(cfg "$BUNDLE" .process.noNewPrivileges)" == true ]]
	[[ "$(stat -c '%a %u:%g' "$f")" == "640 0:65534" ]] || die "mode/owner changed: $(stat -c '%a %u:%g' "$f")"
	[[ "$(ls -A "$BUNDLE" | tr '\n' ' ')" == "config.json rootfs " ]] || die "leftover files: $(ls -A "$BUNDLE")"
}
