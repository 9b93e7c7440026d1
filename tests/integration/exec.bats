#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# `runguard exec` into a running container started through runguard, with
# the real runc: a --process file (what containerd and podman pass) gets the
# capability ceiling and no_new_privs; --cap beyond the ceiling is dropped
# or refused; a --process-label or --apparmor other than the container's is
# refused; every decision is one audit line.

load helpers

setup() {
	rg_setup
	use_config '{}'
}

teardown() {
	rg_teardown
}

@test "exec --process: a file asking for every capability runs within the ceiling, with no_new_privs" {
	local id
	start_container id
	process_file "$T/p.json" .
	chown 0:0 "$T/p.json"
	local ino
	ino=$(stat -c %i "$T/p.json")
	rg --root "$STATE" exec --process "$T/p.json" "$id"
	assert_status 0
	assert_mask_within CapEff "$CEILING_MASK"
	assert_mask_within CapBnd "$CEILING_MASK"
	assert_mask_within CapPrm "$CEILING_MASK"
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is $(status_field NoNewPrivs)"
	[[ "$(status_field CapBnd)" != 0000000000000000 ]] || die "every capability dropped"

	# the caller's file is left alone: the runtime was handed a sealed memfd
	[[ "$(jq -r .noNewPrivileges "$T/p.json")" == false ]]
	[[ "$(stat -c '%a %u:%g %i' "$T/p.json")" == "640 0:0 $ino" ]]
	[[ -z "$(find "$T" -maxdepth 1 -name '.p.json.runguard-*')" ]] || die "temporary file left"

	local a
	a=$(audit_last exec)
	[[ "$(jq -r .decision <<<"$a")" == fixed ]] || die "audit: $a"
	[[ "$(jq -r .id <<<"$a")" == "$id" ]]
	[[ "$(jq -r .input <<<"$a")" == "$T/p.json" ]]
	[[ "$(jq -r .bundle <<<"$a")" == "$BUNDLE/config.json" ]]
	jq -e '.changes | map(.path) | index(".noNewPrivileges")' <<<"$a" >/dev/null
	jq -e '.changes | map(.path) | index(".capabilities.bounding")' <<<"$a" >/dev/null
}

@test "exec --process: the runtime reads the enforced process from a memfd in place of the file" {
	local id
	start_container id
	process_file "$T/p.json" '.args = ["true"]'
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" exec --detach=false --process "$T/p.json" "$id"
	assert_status 0
	local call n
	call=$(spy_calls exec)
	[[ "$call" =~ ^argv:\ --root\ [^\ ]+\ exec\ --detach=false\ --process\ /proc/self/fd/([0-9]+)\ $id$ ]] ||
		die "forwarded: $call"
	n=${BASH_REMATCH[1]}
	[[ "$(spy_handed "$n" | jq -r .noNewPrivileges)" == true ]] || die "handed: $(spy_handed "$n")"
	spy_handed "$n" | jq -e '.capabilities.bounding | index("CAP_SYS_ADMIN") | not' >/dev/null
	[[ "$(spy_handed "$n" | jq -c .args)" == '["true"]' ]]
}

@test "exec --process with capabilities set to reject: refused, file untouched, nothing ran" {
	local id
	start_container id
	use_config '{"rules": {"capabilities": {"action": "reject"}}}'
	process_file "$T/p.json" .
	local before
	before=$(sha256sum <"$T/p.json")
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" exec --process "$T/p.json" "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "CAP_SYS_ADMIN"
	assert_contains "$stderr" "refused"
	[[ -z "$output" ]]
	[[ -z "$(spy_calls exec)" ]] || die "the runtime was asked to exec: $(spy_calls exec)"
	[[ "$(sha256sum <"$T/p.json")" == "$before" ]] || die "process file changed"
	[[ "$(jq -r .decision <<<"$(audit_last exec)")" == rejected ]]
}

@test "exec --cap beyond the ceiling (fix): the flag is dropped, the process runs without it" {
	local id
	start_container id
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" exec --cap CAP_SYS_ADMIN --cap=CAP_KILL "$id" \
		sh -c 'grep -E "^(Cap[A-Za-z]+|NoNewPrivs):" /proc/self/status'
	assert_status 0
	assert_mask_within CapEff "$CEILING_MASK"
	assert_mask_within CapBnd "$CEILING_MASK"
	# only the offending pair is gone; the command's own "-c" is untouched
	local want
	want="argv:$(printf ' %q' --root "$STATE" exec --cap=CAP_KILL "$id" sh -c \
		'grep -E "^(Cap[A-Za-z]+|NoNewPrivs):" /proc/self/status')"
	[[ "$(spy_calls exec)" == "$want" ]] || die "forwarded: $(spy_calls exec)"$'\n'"wanted:    $want"
	local a
	a=$(audit_last exec)
	[[ "$(jq -r .decision <<<"$a")" == fixed ]]
	[[ "$(jq -c '.changes[0] | [.rule, .path, .before, .after]' <<<"$a")" == '["capabilities","--cap","\"CAP_SYS_ADMIN\"",null]' ]] ||
		die "audit: $a"
}

@test "exec --cap beyond the ceiling (reject): refused with a message, nothing ran" {
	local id
	start_container id
	use_config '{"rules": {"capabilities": {"action": "reject"}}}'
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" --log "$T/runtime.log" --log-format json \
		exec --cap CAP_SYS_ADMIN "$id" sh -c 'echo ran'
	assert_failed_cleanly
	[[ -z "$output" ]] || die "the command ran: $output"
	assert_contains "$stderr" "--cap"
	assert_contains "$stderr" "CAP_SYS_ADMIN"
	[[ -z "$(spy_calls exec)" ]] || die "the runtime was asked to exec: $(spy_calls exec)"
	# the engine sees the refusal in the runtime log, as runc's JSON
	jq -e 'select(.level == "error") | .msg | contains("CAP_SYS_ADMIN")' "$T/runtime.log" >/dev/null
	local a
	a=$(audit_last exec)
	[[ "$(jq -r .decision <<<"$a")" == rejected ]]
	[[ "$(jq -r '.violations[0].path' <<<"$a")" == --cap ]]
	# within the ceiling is fine under reject too
	rg --root "$STATE" exec --cap CAP_KILL "$id" true
	assert_status 0
}

@test "exec --process-label or --apparmor other than the container's: refused" {
	local id
	start_container id
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" exec --process-label system_u:system_r:spc_t:s0 "$id" true
	assert_failed_cleanly
	assert_contains "$stderr" "--process-label"
	assert_contains "$stderr" "confinement"
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" exec --apparmor=unconfined "$id" true
	assert_failed_cleanly
	assert_contains "$stderr" "--apparmor"
	# the same in a process file
	process_file "$T/p.json" '.args = ["true"] | .selinuxLabel = "system_u:system_r:spc_t:s0"'
	local before
	before=$(sha256sum <"$T/p.json")
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" exec -p "$T/p.json" "$id"
	assert_failed_cleanly
	assert_contains "$stderr" ".selinuxLabel"
	[[ "$(sha256sum <"$T/p.json")" == "$before" ]] || die "process file changed"
	[[ -z "$(spy_calls exec)" ]] || die "the runtime was asked to exec: $(spy_calls exec)"
	[[ "$(jq -r '.violations[0].rule' <<<"$(audit_last exec)")" == selinux ]]
}

@test "exec --no-new-privs=false is dropped: the process keeps no_new_privs" {
	local id
	start_container id
	rg --root "$STATE" exec --no-new-privs=false "$id" sh -c 'grep NoNewPrivs /proc/self/status'
	assert_status 0
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is $(status_field NoNewPrivs)"
	[[ "$(jq -r '.changes[0].path' <<<"$(audit_last exec)")" == --no-new-privs ]]
}

@test "exec with nothing to enforce: argv forwarded verbatim, output as runc's" {
	local id
	start_container id
	make_spy
	local args=(--root "$STATE" exec -e FOO=bar --cwd / "$id" sh -c 'echo "$FOO"; id -u')
	RUNGUARD_RUNTIME=$SPY rg "${args[@]}"
	assert_status 0
	[[ "$output" == $'bar\n0' ]] || die "output: $output"
	[[ "$(spy_calls exec)" == "argv:$(printf ' %q' "${args[@]}")" ]] || die "forwarded: $(spy_calls exec)"
	[[ "$(jq -r .decision <<<"$(audit_last exec)")" == unchanged ]]
}

@test "exec in audit mode: nothing changed, the audit line says what would have been" {
	local id
	start_container id
	use_config '{"mode": "audit"}'
	# (not every capability: this host cannot grant CAP_SYS_RESOURCE, and nothing clamps here)
	process_file "$T/p.json" '.capabilities = {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"],
		permitted: ["CAP_SYS_ADMIN"]} | .args = ["grep", "CapEff", "/proc/self/status"]'
	local before
	before=$(sha256sum <"$T/p.json")
	rg --root "$STATE" exec -p "$T/p.json" "$id"
	assert_status 0
	assert_mask_equal CapEff 0x200000
	[[ "$(sha256sum <"$T/p.json")" == "$before" ]] || die "process file changed in audit mode"
	local a
	a=$(audit_last exec)
	[[ "$(jq -r .decision <<<"$a")" == would-fix ]] || die "audit: $a"
	[[ "$(jq -r .mode <<<"$a")" == audit ]]
}

@test "exec: unknown flags and an unreadable process file fail cleanly" {
	local id
	start_container id
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" exec --no-such-flag "$id" true
	assert_failed_cleanly
	assert_contains "$stderr" "--no-such-flag"
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" exec -p /dev/null "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "not a regular file nor a pipe"
	[[ -z "$(spy_calls exec)" ]] || die "the runtime was asked to exec: $(spy_calls exec)"
	[[ "$(jq -r .decision <<<"$(audit_last exec)")" == error ]]
}
