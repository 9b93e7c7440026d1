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

@test "keys: two spellings in audit mode (runc's resources.CPU test): the container runs as runc reads it, config.json untouched, audit says would-reject" {
	# runc's own suite writes linux.resources.CPU next to an existing "cpu".
	# Enforce refuses that (crun reads only "cpu"); audit changes nothing, so
	# the container must run exactly as bare runc would run it.
	use_config '{"mode": "audit"}'
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	edit_config "$BUNDLE" 'del(.linux.resources.pids) | .linux.resources.pids = {limit: 100} | .linux.resources.Pids = {limit: 0}'
	local before id
	before=$(sha256sum <"$BUNDLE/config.json")
	run_bundle id
	assert_status 0
	# Go applies the last key: Pids' 0 is "no limit", as bare runc gives it.
	[[ "$(status_field pids.max)" == max ]] || die "pids.max is $(status_field pids.max)"
	[[ "$(sha256sum <"$BUNDLE/config.json")" == "$before" ]] || die "audit mode rewrote config.json"
	[[ "$(jq -r .decision "$AUDIT" | tail -n 1)" == would-reject ]] || die "audit: $(cat "$AUDIT")"
	jq -e 'select(.decision == "would-reject") | .violations[] | select(.rule == "fields" and (.message | test("runc would apply only the last")))' "$AUDIT" >/dev/null ||
		die "audit record does not name the ambiguity: $(tail -n 1 "$AUDIT")"
}

@test "keys: two spellings with a selector in enforce mode are still refused when the base mode is audit" {
	use_config '{"mode": "audit", "selectors": [{"match": {"x": "y"}, "mode": "enforce"}]}'
	make_bundle "$BUNDLE" true
	edit_config "$BUNDLE" '.linux.resources.pids = {limit: 100} | .linux.resources.Pids = {limit: 0}'
	expect_refused "$BUNDLE" "runguard" ".linux.resources.Pids" "runc would apply only the last"
}

@test "keys: explain shows a rename as create makes it: in the patch and in the summary (rule keys)" {
	make_bundle "$BUNDLE" true
	edit_config "$BUNDLE" 'del(.linux.resources.pids) | .linux.resources.Pids = {limit: 7}'
	rg explain "$BUNDLE"
	assert_status 0
	jq -e 'any(.[]; .op == "remove" and .path == "/linux/resources/Pids")' <<<"$output" >/dev/null ||
		die "the patch does not remove Pids: $output"
	jq -e 'any(.[]; .op == "add" and .path == "/linux/resources/pids" and .value.limit == 7)' <<<"$output" >/dev/null ||
		die "the patch does not add pids with the workload's limit: $output"
	[[ "$stderr" == *'.linux.resources.Pids: "Pids" -> "pids"'* ]] || die "summary: $stderr"
}

# ---------------------------------------------------------------------------
# side by side with the real runtime

# same_as REF ARGS...: ARGS through runguard (REF as the real runtime) and
# through REF directly give the same exit status, stdout and stderr (runc's
# timestamps dropped). Each run gets --log-less argv exactly as given.
same_as() {
	local ref=$1 rs ro re
	shift
	run_cmd "$ref" "$@"
	rs=$status ro=$output re=$(strip_time <<<"$stderr")
	RUNGUARD_RUNTIME=$ref rg "$@"
	[[ "$status" == "$rs" ]] || { die "$*: exit status $status, ${ref##*/}'s is $rs"; return 1; }
	[[ "$output" == "$ro" ]] || { die "$*: stdout differs from ${ref##*/}'s:"$'\n'"$ro"; return 1; }
	[[ "$(strip_time <<<"$stderr")" == "$re" ]] ||
		{ die "$*: stderr differs from ${ref##*/}'s:"$'\n'"$re"$'\n'"runguard's:"$'\n'"$stderr"; return 1; }
}

# same_log_as REF FORMAT ARGS...: with --log FILE --log-format FORMAT in
# front of ARGS, the same as same_as and the same log file content (times
# dropped; a fresh file each side).
same_log_as() {
	local ref=$1 fmt=$2 want got
	shift 2
	rm -f "$T/ref.log" "$T/rg.log"
	run_cmd "$ref" --log "$T/ref.log" --log-format "$fmt" "$@"
	local rs=$status ro=$output re=$stderr
	RUNGUARD_RUNTIME=$ref rg --log "$T/rg.log" --log-format "$fmt" "$@"
	[[ "$status" == "$rs" && "$output" == "$ro" && "$stderr" == "$re" ]] ||
		{ die "$*: status/stdout/stderr differ: runguard $status [$output] [$stderr], ${ref##*/} $rs [$ro] [$re]"; return 1; }
	want=$(sed -E 's/"time":"[^"]*"//; s/time="[^"]*"//' "$T/ref.log" 2>/dev/null || echo "(no file)")
	got=$(sed -E 's/"time":"[^"]*"//; s/time="[^"]*"//' "$T/rg.log" 2>/dev/null || echo "(no file)")
	[[ "$got" == "$want" ]] || { die "$*: --log $fmt differs:"$'\n'"${ref##*/}: $want"$'\n'"runguard: $got"; return 1; }
}

# Argument lists that fail in the real runtime before touching a container.
# (A subcommand neither runc 1.1 nor crun 1.8 has is refused by runguard
# itself, naming runguard: escape_cli.bats.)
ERROR_ARGS=(
	"state no-such-container"
	"kill no-such-container"
	"kill no-such-container KILL"
	"delete no-such-container"
	"delete -f no-such-container"
	"pause no-such-container"
	"resume no-such-container"
	"ps no-such-container"
	"events --stats no-such-container"
	"start no-such-container"
	"state"
	"state --bogus x"
	"--bogus state x"
	"kill"
	"checkpoint no-such-container"
)

@test "fidelity: runc: errors of passthrough commands (unknown container, missing argument, bad flag, unknown command)" {
	local a
	for a in "${ERROR_ARGS[@]}"; do
		# shellcheck disable=SC2086
		same_as "$REAL_RUNC" --root "$STATE" $a
		[[ "$status" -ne 0 || "$a" == "delete -f "* ]] || die "$a: expected a failure"
	done
}

@test "fidelity: runc: help, h, --version, -v, features, spec --help, COMMAND --help, list forms" {
	local a
	for a in "help" "h" "help state" "--version" "-v" "features" "spec --help" "state --help" \
		"kill -h" "list" "list -q" "list --format json" "list -f table" "list --format yaml"; do
		# shellcheck disable=SC2086
		same_as "$REAL_RUNC" --root "$STATE" $a
	done
}

@test "fidelity: runc: --log FILE with --log-format json and text: same lines as runc's for passthrough errors" {
	local a f
	for f in json text; do
		for a in "state no-such-container" "kill no-such-container" "delete no-such-container" \
			"state --bogus x" "events --stats no-such-container"; do
			# shellcheck disable=SC2086
			same_log_as "$REAL_RUNC" "$f" --root "$STATE" $a
		done
	done
}

@test "fidelity: runc: state, ps, pause, resume, events --stats, kill, delete of a real container match runc's" {
	make_bundle "$BUNDLE" sleep 3600
	local id
	start_running id real_runc "$BUNDLE"
	same_as "$REAL_RUNC" --root "$STATE" state "$id"
	# ps's table has a CPU column (C) that moves: compare UID, PID, PPID, CMD.
	real_runc --root "$STATE" ps "$id"
	local ps_rs=$status ps_ro
	ps_ro=$(awk '{print $1, $2, $3, $NF}' <<<"$output")
	RUNGUARD_RUNTIME=$REAL_RUNC rg --root "$STATE" ps "$id"
	assert_status "$ps_rs"
	[[ "$(awk '{print $1, $2, $3, $NF}' <<<"$output")" == "$ps_ro" ]] || die "ps differs: $output"
	same_as "$REAL_RUNC" --root "$STATE" ps --format json "$id"
	same_as "$REAL_RUNC" --root "$STATE" list
	# A command that changes the container runs once, through runguard; then
	# the same command is an error both ways (already paused, not paused, ...).
	RUNGUARD_RUNTIME=$REAL_RUNC rg --root "$STATE" pause "$id"
	assert_status 0
	[[ -z "$output$stderr" ]] || die "pause printed: $output$stderr"
	[[ "$(container_status "$STATE" "$id")" == paused ]]
	same_as "$REAL_RUNC" --root "$STATE" pause "$id"
	same_as "$REAL_RUNC" --root "$STATE" state "$id"
	RUNGUARD_RUNTIME=$REAL_RUNC rg --root "$STATE" resume "$id"
	assert_status 0
	[[ "$(container_status "$STATE" "$id")" == running ]]
	same_as "$REAL_RUNC" --root "$STATE" resume "$id"
	# Statistics move between two calls: the same status and the same shape.
	real_runc --root "$STATE" events --stats "$id"
	local rs=$status rk
	rk=$(jq -c '[.type, .id, (.data | keys)]' <<<"$output")
	rg --root "$STATE" events --stats "$id"
	assert_status "$rs"
	[[ "$(jq -c '[.type, .id, (.data | keys)]' <<<"$output")" == "$rk" ]] || die "events --stats differs: $output"
	same_as "$REAL_RUNC" --root "$STATE" delete "$id" # running: refused by runc both ways
	RUNGUARD_RUNTIME=$REAL_RUNC rg --root "$STATE" kill "$id" KILL
	assert_status 0
	wait_status "$STATE" "$id" stopped
	same_as "$REAL_RUNC" --root "$STATE" kill "$id" KILL # stopped: runc's error
	RUNGUARD_RUNTIME=$REAL_RUNC rg --root "$STATE" delete "$id"
	assert_status 0
	same_as "$REAL_RUNC" --root "$STATE" state "$id"
	assert_no_containers
}

@test "fidelity: runc: run in audit mode: the process's exit status, stdout and stderr are runc's" {
	same_audit_run real_runc
}

@test "fidelity: runc: create/start with --pid-file (relative, -b and --bundle=), default policy: pid files as runc writes them" {
	make_bundle "$BUNDLE" sleep 3600
	local a b
	new_id a
	new_id b
	# Relative to the working directory, as runc resolves it (not to the bundle).
	cd "$T"
	real_runc --root "$STATE" create --pid-file ref.pid --bundle="$BUNDLE" "$a"
	assert_status 0
	rg --root "$STATE" create --pid-file rg.pid -b "$BUNDLE" "$b"
	assert_status 0
	cd - >/dev/null
	[[ -z "$output" ]] || die "create printed: $output"
	local p
	for p in "$a:ref.pid" "$b:rg.pid"; do
		[[ -f "$T/${p#*:}" ]] || die "no pid file $T/${p#*:}"
		[[ "$(cat "$T/${p#*:}")" == "$(real_runc --root "$STATE" state "${p%%:*}" >/dev/null; jq -r .pid <<<"$output")" ]] ||
			die "pid file ${p#*:} does not hold the container's pid"
		# runc writes the pid without a newline, mode 0644 under umask 022.
		[[ "$(stat -c %a "$T/${p#*:}")" == 644 && "$(tail -c 1 "$T/${p#*:}" | od -An -c | tr -d ' ')" != '\n' ]] ||
			die "pid file ${p#*:} is not runc's shape"
	done
	RUNGUARD_RUNTIME=$REAL_RUNC rg --root "$STATE" start "$b"
	assert_status 0
	wait_status "$STATE" "$b" running
}

@test "fidelity: runc: missing bundle, missing config.json: exit 1 as runc, a message that says runguard" {
	local id
	for sub in create run; do
		new_id id
		real_runc --root "$STATE" "$sub" -b "$T/no-such-bundle" "$id"
		local rs=$status
		rg --root "$STATE" "$sub" -b "$T/no-such-bundle" "$id"
		assert_status "$rs"
		assert_status 1
		assert_contains "$stderr" "runguard: " "the refusal"
		assert_contains "$stderr" "$T/no-such-bundle"
		mkdir -p "$T/empty"
		real_runc --root "$STATE" "$sub" -b "$T/empty" "$id"
		rs=$status
		rg --root "$STATE" "$sub" -b "$T/empty" "$id"
		assert_status "$rs"
		assert_contains "$stderr" "config.json"
	done
	assert_no_containers
}

# A runc-shaped logrus JSON line: exactly level, msg and time, time as RFC 3339 to the second.
assert_runc_json_line() {
	jq -e 'keys == ["level", "msg", "time"] and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$"))' \
		<<<"$1" >/dev/null || { die "not a runc-shaped JSON log line: $1"; return 1; }
}

@test "fidelity: runc: a policy refusal: exit 1, stderr and the --log json line say runguard and the rule; runc's own error line has the same shape" {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.mounts += [{"destination": "/host", "type": "bind", "source": "/", "options": ["rbind"]}]'
	local id log=$T/runtime.json
	new_id id
	rg --root "$STATE" --log "$log" --log-format json create -b "$BUNDLE" "$id"
	assert_status 1
	[[ -z "$output" ]] || die "stdout: $output"
	assert_contains "$stderr" "runguard: "
	assert_contains "$stderr" "(rule mounts)"
	local line
	line=$(tail -n 1 "$log")
	assert_runc_json_line "$line"
	[[ "$(jq -r .level <<<"$line")" == error ]]
	jq -r .msg <<<"$line" | grep -q '^runguard: .*(rule mounts)' || die "msg: $line"
	# runc's own error in the same file format, for comparison.
	real_runc --root "$STATE" --log "$log" --log-format json state no-such-container
	assert_runc_json_line "$(tail -n 1 "$log")"
	assert_no_containers
}

# ---------------------------------------------------------------------------
# crun as the real runtime (commands that touch no cgroup: crun refuses this
# hybrid host's cgroup layout, see crun.bats)

@test "fidelity: crun: errors, help, --version, list and spec through runguard are crun's" {
	[[ -x /usr/bin/crun ]] || require_or_skip "crun is not installed" false
	local a
	for a in "state no-such-container" "kill no-such-container" "delete no-such-container" \
		"delete -f no-such-container" "pause no-such-container" "resume no-such-container" \
		"ps no-such-container" "start no-such-container" "state" "--bogus state x" \
		"state --bogus x" "--version" "-V" "help" "--help" "list" "list -q" \
		"list --format json" "features" "state --help" "kill --usage"; do
		# shellcheck disable=SC2086
		same_as /usr/bin/crun --root "$STATE" $a
	done
	same_log_as /usr/bin/crun json --root "$STATE" state no-such-container
}

@test "fidelity: crun: spec writes the same config.json as crun spec" {
	[[ -x /usr/bin/crun ]] || require_or_skip "crun is not installed" false
	mkdir -p "$T/a" "$T/b"
	cd "$T/a"
	run_cmd /usr/bin/crun spec
	local rs=$status
	cd "$T/b"
	RUNGUARD_RUNTIME=/usr/bin/crun rg spec
	assert_status "$rs"
	assert_status 0
	cd - >/dev/null
	cmp "$T/a/config.json" "$T/b/config.json" || die "spec differs"
}

@test "fidelity: crun: a refusal's --log line has crun's shape (json key order, file: prefix, text), journald:/syslog: write no file" {
	[[ -x /usr/bin/crun ]] || require_or_skip "crun is not installed" false
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.mounts += [{"destination": "/host", "type": "bind", "source": "/", "options": ["rbind"]}]'
	local id
	new_id id
	# crun's own error line, for the shape.
	run_cmd /usr/bin/crun --root "$STATE" --log="file:$T/crun.json" --log-format=json state no-such-container
	local want
	want=$(jq -c 'keys_unsorted' "$T/crun.json")
	[[ "$want" == '["msg","level","time"]' ]] || die "premise: crun's JSON line is $(cat "$T/crun.json")"
	RUNGUARD_RUNTIME=/usr/bin/crun rg --root "$STATE" --log="file:$T/rg.json" --log-format=json create -b "$BUNDLE" "$id"
	assert_status 1
	assert_contains "$stderr" "(rule mounts)"
	[[ "$(jq -c 'keys_unsorted' "$T/rg.json")" == "$want" ]] || die "runguard's line: $(cat "$T/rg.json")"
	jq -r .msg "$T/rg.json" | grep -q '^runguard: .*(rule mounts)' || die "msg: $(cat "$T/rg.json")"
	jq -r .time "$T/rg.json" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$' ||
		die "time is not crun's: $(cat "$T/rg.json")"
	# Text: crun writes the bare message.
	RUNGUARD_RUNTIME=/usr/bin/crun rg --root "$STATE" --log="$T/rg.txt" create -b "$BUNDLE" "$id"
	assert_status 1
	grep -q '^runguard: .*(rule mounts)$' "$T/rg.txt" || die "text line: $(cat "$T/rg.txt")"
	# journald:/syslog: are crun's log drivers, not file names.
	mkdir -p "$T/cwd"
	cd "$T/cwd"
	RUNGUARD_RUNTIME=/usr/bin/crun rg --root "$STATE" --log=journald:rgtest create -b "$BUNDLE" "$id"
	assert_status 1
	RUNGUARD_RUNTIME=/usr/bin/crun rg --root "$STATE" --log=syslog:rgtest create -b "$BUNDLE" "$id"
	assert_status 1
	cd - >/dev/null
	[[ -z "$(ls -A "$T/cwd")" ]] || die "files made for a log driver: $(ls -A "$T/cwd")"
	assert_no_containers
}

@test "fidelity: update -r FILE with a lone case variant (\"Pids\") is applied as runc reads it, in audit and default mode" {
	# runc's decoder reads a lone "Pids" as "pids" (runc's suite: "update
	# cpuset parameters via resources.CPU"); runguard judges it as that.
	make_bundle "$BUNDLE" sleep 3600
	local id
	start_running id real_runc "$BUNDLE"
	printf '{"Pids": {"Limit": 100}}' >"$T/res.json"
	use_config '{"mode": "audit"}'
	rg --root "$STATE" update -r "$T/res.json" "$id"
	assert_status 0
	[[ "$(cg "$id" pids pids.max)" == 100 ]] || die "pids.max is $(cg "$id" pids pids.max)"
	use_config '{}'
	printf '{"Pids": {"Limit": 200}}' >"$T/res.json"
	rg --root "$STATE" update -r "$T/res.json" "$id"
	assert_status 0
	[[ "$(cg "$id" pids pids.max)" == 200 ]] || die "pids.max is $(cg "$id" pids pids.max)"
}

@test "fidelity: update and exec of a container whose config.json names a field twice: audit mode passes them (would-reject), enforce refuses" {
	# runc's "update cpuset parameters via resources.CPU" creates such a
	# container ("cpu" and "CPU") and then updates it.
	make_bundle "$BUNDLE" sleep 3600
	edit_config "$BUNDLE" '.linux.resources.pids = {limit: 1000} | .linux.resources.Pids = {limit: 900}'
	local id
	start_running id real_runc "$BUNDLE"
	use_config '{"mode": "audit"}'
	rg --root "$STATE" update --pids-limit 100 "$id"
	assert_status 0
	[[ "$(cg "$id" pids pids.max)" == 100 ]] || die "pids.max is $(cg "$id" pids pids.max)"
	[[ "$(jq -r .decision "$AUDIT" | tail -n 1)" == would-reject ]] || die "audit: $(tail -n 1 "$AUDIT")"
	rg --root "$STATE" exec "$id" true
	assert_status 0
	[[ "$(jq -r .decision "$AUDIT" | tail -n 1)" == would-reject ]] || die "audit: $(tail -n 1 "$AUDIT")"
	use_config '{}'
	rg --root "$STATE" update --pids-limit 200 "$id"
	assert_status 1
	[[ "$stderr" == *"runc would apply only the last"* ]] || die "stderr: $stderr"
	[[ "$(cg "$id" pids pids.max)" == 100 ]] || die "pids.max changed to $(cg "$id" pids pids.max)"
}
