#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Fail closed: every config.json or bundle runguard cannot trust is refused
# for create, run and restore, with an error naming the file (and the JSON
# path), the bundle left byte-identical, no container and the real runtime
# never started (a spy wrapper as RUNGUARD_RUNTIME records any start).

load helpers

# all_caps_process: a hostile .process (every capability, no no_new_privs), compact.
all_caps_process() {
	local caps
	caps=$(all_caps_json)
	jq -c --argjson c "$caps" '.process
		| .capabilities = {bounding: $c, effective: $c, inheritable: $c, permitted: $c, ambient: $c}
		| .noNewPrivileges = false' "$BUNDLE/config.json"
}

# config_without_last_brace: config.json compact, without its closing brace.
config_without_last_brace() {
	jq -c . "$BUNDLE/config.json" | sed 's/}$//'
}

@test "refuse: malformed JSON" {
	make_bundle "$BUNDLE"
	write_config "$BUNDLE" '{"ociVersion": "1.0.2", "process": {"args": ["true"], '
	expect_refused "$BUNDLE" config.json
}

@test "refuse: empty config.json, and top-level values that are not an object" {
	make_bundle "$BUNDLE"
	local v
	for v in '' '[]' 'null' '"config"' '5'; do
		write_config "$BUNDLE" "$v"
		expect_refused "$BUNDLE" config.json
	done
}

@test "refuse: wrong type .process.capabilities.bounding = \"x\"" {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.process.capabilities.bounding = "x"'
	expect_refused "$BUNDLE" config.json .process.capabilities.bounding
}

@test "refuse: wrong type .process = 5" {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.process = 5'
	expect_refused "$BUNDLE" config.json .process
}

@test "refuse: more wrong types (capability not a string, pids limit a string, noNewPrivileges a string, seccomp an array)" {
	make_bundle "$BUNDLE"
	cp "$BUNDLE/config.json" "$T/orig.json"
	local filter path
	while IFS='=' read -r path filter; do
		cat "$T/orig.json" >"$BUNDLE/config.json"
		edit_config "$BUNDLE" "$filter"
		expect_refused "$BUNDLE" config.json "$path"
	done <<'EOF'
.process.capabilities.effective=.process.capabilities.effective = [1]
.linux.resources.pids.limit=.linux.resources.pids = {"limit": "100"}
.process.noNewPrivileges=.process.noNewPrivileges = "no"
.linux.seccomp=.linux.seccomp = []
.process.capabilities=.process.capabilities = "all"
EOF
}

@test "refuse: duplicate top-level key \"process\" (Go would apply the last one)" {
	make_bundle "$BUNDLE"
	local text
	text="$(config_without_last_brace),\"process\":$(all_caps_process)}"
	write_config "$BUNDLE" "$text"
	jq -e . "$BUNDLE/config.json" >/dev/null
	expect_refused "$BUNDLE" config.json .process "duplicate|Duplicate|DUPLICATE"
}

@test "refuse: duplicate nested keys (.process.noNewPrivileges, .process.capabilities.bounding, .linux.seccomp)" {
	make_bundle "$BUNDLE"
	cp "$BUNDLE/config.json" "$T/orig.json"
	# noNewPrivileges true, then false
	jq -c '.process.noNewPrivileges = true' "$T/orig.json" |
		sed 's/"noNewPrivileges":true/"noNewPrivileges":true,"noNewPrivileges":false/' >"$BUNDLE/config.json"
	grep -q '"noNewPrivileges":false' "$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json .process.noNewPrivileges

	jq -c '.process.capabilities.bounding = ["CAP_KILL"]' "$T/orig.json" |
		sed 's/"bounding":\["CAP_KILL"\]/"bounding":["CAP_KILL"],"bounding":["CAP_SYS_ADMIN"]/' >"$BUNDLE/config.json"
	grep -q 'CAP_SYS_ADMIN' "$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json .process.capabilities.bounding

	jq -c '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO"}' "$T/orig.json" |
		sed 's/"seccomp":{"defaultAction":"SCMP_ACT_ERRNO"}/&,"seccomp":{"defaultAction":"SCMP_ACT_ALLOW"}/' >"$BUNDLE/config.json"
	grep -q 'SCMP_ACT_ALLOW' "$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json .linux.seccomp
}

@test "refuse: case-variant key \"Process\" next to \"process\"" {
	make_bundle "$BUNDLE"
	write_config "$BUNDLE" "$(config_without_last_brace),\"Process\":$(all_caps_process)}"
	expect_refused "$BUNDLE" config.json Process
}

# A lone case variant is judged as the field (fidelity.bats); two spellings of one field are refused.
@test "refuse: two case variants \"Process\" and \"PROCESS\", no exact key" {
	make_bundle "$BUNDLE"
	local p
	p=$(all_caps_process)
	edit_config "$BUNDLE" -c 'del(.process)'
	write_config "$BUNDLE" "$(config_without_last_brace),\"Process\":$p,\"PROCESS\":$p}"
	expect_refused "$BUNDLE" config.json PROCESS "runc would apply only the last"
}

@test "refuse: key \"proceſs\" (U+017F folds to s in Go) next to \"process\"" {
	make_bundle "$BUNDLE"
	write_config "$BUNDLE" "$(config_without_last_brace),\"proceſs\":$(all_caps_process)}"
	expect_refused "$BUNDLE" config.json 'proceſs|proce\u017fs|proce\u017Fs|U+017F'
}

@test "refuse: key \"proce\\u017fs\" written as a JSON escape, next to \"process\"" {
	make_bundle "$BUNDLE"
	write_config "$BUNDLE" "$(config_without_last_brace),\"proce\\u017fs\":$(all_caps_process)}"
	jq -e '.["proceſs"]' "$BUNDLE/config.json" >/dev/null
	expect_refused "$BUNDLE" config.json 'proceſs|proce\u017fs|proce\u017Fs|U+017F'
}

@test "refuse: nested case variants next to the field (.process.NoNewPrivileges, .linux.Seccomp, .linux.mas\\u212aedPaths with KELVIN SIGN)" {
	make_bundle "$BUNDLE"
	cp "$BUNDLE/config.json" "$T/orig.json"
	edit_config "$BUNDLE" '.process.noNewPrivileges = true | .process.NoNewPrivileges = false'
	expect_refused "$BUNDLE" config.json NoNewPrivileges

	cat "$T/orig.json" >"$BUNDLE/config.json"
	edit_config "$BUNDLE" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO"} | .linux.Seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}'
	expect_refused "$BUNDLE" config.json Seccomp

	cat "$T/orig.json" >"$BUNDLE/config.json"
	edit_config "$BUNDLE" '.linux.maskedPaths = ["/proc/keys"] | .linux["mas\u212aedPaths"] = []'
	expect_refused "$BUNDLE" config.json .linux
}

@test "refuse: unknown capability CAP_FOO" {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.process.capabilities.bounding += ["CAP_FOO"]'
	expect_refused "$BUNDLE" config.json CAP_FOO .process.capabilities.bounding
}

@test "refuse: lowercase capability cap_chown" {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.process.capabilities.effective += ["cap_chown"]'
	expect_refused "$BUNDLE" config.json cap_chown .process.capabilities.effective
}

@test "refuse: capability spellings only libcap accepts (\"21\", trailing space, no CAP_ prefix)" {
	make_bundle "$BUNDLE"
	cp "$BUNDLE/config.json" "$T/orig.json"
	local c
	for c in '21' 'CAP_SYS_ADMIN ' 'SYS_ADMIN' 'Cap_Kill'; do
		cat "$T/orig.json" >"$BUNDLE/config.json"
		edit_config "$BUNDLE" --arg c "$c" '.process.capabilities.permitted += [$c]'
		expect_refused "$BUNDLE" config.json .process.capabilities.permitted
	done
}

@test "refuse: config.json is a symlink" {
	make_bundle "$BUNDLE"
	mv "$BUNDLE/config.json" "$T/real-config.json"
	ln -s "$T/real-config.json" "$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json
	# the link target is untouched too
	[[ "$(jq -c .process.noNewPrivileges "$T/real-config.json")" == true ]]
	[[ -z "$(jq -r '.annotations["run.runguard.policy"] // empty' "$T/real-config.json")" ]]
}

@test "refuse: bundle directory is a symlink" {
	make_bundle "$BUNDLE"
	ln -s "$BUNDLE" "$T/bundle-link"
	expect_refused "$T/bundle-link" "$T/bundle-link|config.json|$BUNDLE"
	[[ -z "$(jq -r '.annotations["run.runguard.policy"] // empty' "$BUNDLE/config.json")" ]]
}

@test "refuse: bundle directory mode 0777" {
	make_bundle "$BUNDLE"
	chmod 0777 "$BUNDLE"
	expect_refused "$BUNDLE" "$BUNDLE"
}

@test "refuse: bundle directory owned by another user" {
	make_bundle "$BUNDLE"
	chown 65534:65534 "$BUNDLE"
	expect_refused "$BUNDLE" "$BUNDLE"
}

@test "refuse: config.json mode 0666" {
	make_bundle "$BUNDLE"
	chmod 0666 "$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json
}

@test "refuse: config.json owned by another user" {
	make_bundle "$BUNDLE"
	chown 65534:65534 "$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json
}

@test "refuse: missing bundle directory" {
	expect_refused "$T/no-such-bundle" "$T/no-such-bundle"
	[[ ! -e "$T/no-such-bundle" ]]
}

@test "refuse: bundle without config.json" {
	make_bundle "$BUNDLE"
	rm "$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json
	[[ ! -e "$BUNDLE/config.json" ]]
}

@test "refuse: config.json is a directory" {
	make_bundle "$BUNDLE"
	rm "$BUNDLE/config.json"
	mkdir "$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json
}

@test "refuse: config.json is a FIFO (no hang)" {
	make_bundle "$BUNDLE"
	rm "$BUNDLE/config.json"
	mkfifo -m 0644 "$BUNDLE/config.json"
	RG_TIMEOUT=10 expect_refused "$BUNDLE" config.json
}

@test "refuse: config.json over 8 MiB" {
	make_bundle "$BUNDLE"
	head -c $((9 * 1024 * 1024)) /dev/zero | tr '\0' a >"$T/big.txt"
	edit_config "$BUNDLE" --rawfile big "$T/big.txt" '.annotations["org.example/big"] = $big'
	[[ $(stat -c %s "$BUNDLE/config.json") -gt $((8 * 1024 * 1024)) ]]
	expect_refused "$BUNDLE" config.json
}

@test "refuse: nesting depth 100000" {
	make_bundle "$BUNDLE"
	{
		config_without_last_brace
		printf ',"x-deep":'
		head -c 100000 /dev/zero | tr '\0' '['
		head -c 100000 /dev/zero | tr '\0' ']'
		printf '}'
	} >"$T/deep.json"
	cat "$T/deep.json" >"$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json
}

@test "refuse: a moderately nested unknown field (depth 32) is still accepted" {
	make_bundle "$BUNDLE"
	use_config '{"rules": {"fields": {"allow": [".x-nested"]}}}'
	{
		config_without_last_brace
		printf ',"x-nested":'
		head -c 32 /dev/zero | tr '\0' '['
		head -c 32 /dev/zero | tr '\0' ']'
		printf '}'
	} >"$T/nested.json"
	cat "$T/nested.json" >"$BUNDLE/config.json"
	local id
	new_id id
	rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(cfg "$BUNDLE" '.["x-nested"] | [paths] | length')" == 31 ]] || die "nested field changed"
}

# ---------------------------------------------------------------------------
# the runtime log file that containerd and CRI-O read

# dup_process_config: a config.json with a duplicate "process" key.
dup_process_config() {
	make_bundle "$BUNDLE"
	write_config "$BUNDLE" "$(config_without_last_brace),\"process\":$(all_caps_process)}"
}

@test "refuse: --log FILE --log-format json gets a runc-shaped JSON error line" {
	dup_process_config
	local log=$T/runtime-log.json id before
	printf '{"level":"info","msg":"earlier line","time":"2020-01-01T00:00:00Z"}\n' >"$log"
	before=$(sha256sum <"$BUNDLE/config.json")
	new_id id
	rg --root "$STATE" --log "$log" --log-format json create -b "$BUNDLE" "$id"
	assert_failed_cleanly
	[[ -z "$output" ]]
	[[ "$(sha256sum <"$BUNDLE/config.json")" == "$before" ]]
	jq -c . "$log" >/dev/null || die "log file is not JSON lines: $(cat "$log")"
	[[ "$(head -n 1 "$log")" == *'"earlier line"'* ]] || die "earlier log content lost"
	local last
	last=$(tail -n 1 "$log")
	[[ "$(jq -r .level <<<"$last")" == error ]] || die "last log line is not level error: $last"
	[[ -n "$(jq -r '.time // empty' <<<"$last")" ]] || die "no time in: $last"
	jq -r .msg <<<"$last" | grep -qF config.json || die "msg does not name config.json: $last"
	jq -r .msg <<<"$last" | grep -qiF duplicate || die "msg does not give the reason: $last"
	jq -r .msg <<<"$last" | grep -qF .process || die "msg does not give the JSON path: $last"
	assert_no_containers
}

@test "refuse: --log=FILE --log-format=json (= forms) also get the JSON error line" {
	dup_process_config
	local log=$T/runtime-log.json id
	new_id id
	rg --root="$STATE" --log="$log" --log-format=json create --bundle="$BUNDLE" "$id"
	assert_failed_cleanly
	[[ "$(tail -n 1 "$log" | jq -r .level)" == error ]] || die "log: $(cat "$log" 2>&1)"
	tail -n 1 "$log" | jq -r .msg | grep -qiF duplicate
	assert_no_containers
}

@test "refuse: --log FILE --log-format text gets a logrus-style error line" {
	dup_process_config
	local log=$T/runtime-log.txt id
	new_id id
	rg --root "$STATE" --log "$log" --log-format text run -b "$BUNDLE" "$id"
	assert_failed_cleanly
	local last
	last=$(tail -n 1 "$log")
	[[ "$last" == *level=error* ]] || die "not a level=error line: $last"
	[[ "$last" == *msg=* ]] || die "no msg= in: $last"
	[[ "$last" == *config.json* ]] || die "does not name config.json: $last"
	grep -qi duplicate <<<"$last" || die "does not give the reason: $last"
	assert_no_containers
}

@test "refuse: --log FILE without --log-format writes text (runc's default)" {
	dup_process_config
	local log=$T/runtime-log.txt id
	new_id id
	rg --root "$STATE" --log "$log" create -b "$BUNDLE" "$id"
	assert_failed_cleanly
	[[ "$(tail -n 1 "$log")" == *level=error* ]] || die "log: $(cat "$log" 2>&1)"
	! jq -e . "$log" >/dev/null 2>&1 || die "default log format is JSON, runc's is text"
}
