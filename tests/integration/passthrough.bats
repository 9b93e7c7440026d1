#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Every subcommand but create/run/restore is the real runc's: same stdout,
# same exit status, argv forwarded untouched, no JSON parsed. Plus
# runguard's own `info` and `--help`.

load helpers

# same_as_runc ARGS...: runguard ARGS and runc ARGS give the same exit
# status and stdout, and the same stderr once runc's timestamps are dropped.
same_as_runc() {
	local rs ro re
	real_runc "$@"
	rs=$status ro=$output re=$(strip_time <<<"$stderr")
	rg "$@"
	[[ "$status" == "$rs" ]] || { die "exit status $status, runc's is $rs"; return 1; }
	[[ "$output" == "$ro" ]] || { die "stdout differs from runc's:"$'\n'"$ro"; return 1; }
	[[ "$(strip_time <<<"$stderr")" == "$re" ]] || { die "stderr differs from runc's:"$'\n'"$re"; return 1; }
}

# start_sleeper VAR: a running container (created by the real runc) in $STATE.
start_sleeper() {
	start_running "$1" real_runc "$BUNDLE"
}

@test "passthrough: state (created, running, missing container)" {
	make_bundle "$BUNDLE" sleep 3600
	local a b
	new_id a
	real_runc --root "$STATE" create -b "$BUNDLE" "$a"
	assert_status 0
	same_as_runc --root "$STATE" state "$a"
	[[ "$(jq -r .status <<<"$output")" == created ]]
	start_sleeper b
	same_as_runc --root "$STATE" state "$b"
	[[ "$(jq -r .status <<<"$output")" == running ]]
	same_as_runc --root "$STATE" state no-such-container
	[[ "$status" -ne 0 ]]
}

@test "passthrough: list (table, -q, --format json, -f json, empty root)" {
	local a b
	start_sleeper a
	start_sleeper b
	same_as_runc --root "$STATE" list
	assert_contains "$output" "$a"
	same_as_runc --root "$STATE" list -q
	[[ "$(sort <<<"$output")" == "$(printf '%s\n' "$a" "$b" | sort)" ]]
	same_as_runc --root "$STATE" list --format json
	[[ "$(jq length <<<"$output")" == 2 ]]
	same_as_runc --root "$STATE" list -f json
	same_as_runc --root "$T/empty-root" list
	same_as_runc --root "$STATE" list --no-such-flag
	[[ "$status" -ne 0 ]]
}

@test "passthrough: kill and delete behave as runc's" {
	local a b
	start_sleeper a
	start_sleeper b
	rg --root "$STATE" kill "$a" KILL
	assert_status 0
	[[ -z "$output" ]]
	real_runc --root "$STATE" kill "$b" KILL
	assert_status 0
	wait_status "$STATE" "$a" stopped
	wait_status "$STATE" "$b" stopped
	same_as_runc --root "$STATE" kill no-such-container KILL
	[[ "$status" -ne 0 ]]

	rg --root "$STATE" delete "$a"
	assert_status 0
	[[ -z "$output" ]]
	real_runc --root "$STATE" delete "$b"
	assert_status 0
	assert_no_containers
	same_as_runc --root "$STATE" delete "$a"
	[[ "$status" -ne 0 ]]
}

@test "passthrough: delete -f of a running container" {
	local a
	start_sleeper a
	rg --root "$STATE" delete -f "$a"
	assert_status 0
	[[ -z "$output" ]]
	assert_no_containers
}

@test "passthrough: exec into a running container" {
	local a ro
	start_sleeper a
	real_runc --root "$STATE" exec "$a" sh -c 'echo exec-ok; id -u'
	assert_status 0
	ro=$output
	rg --root "$STATE" exec "$a" sh -c 'echo exec-ok; id -u'
	assert_status 0
	[[ "$output" == "$ro" ]] || die "exec output differs: '$output' vs '$ro'"
	[[ "$output" == $'exec-ok\n0' ]]
}

@test "passthrough: state/kill/delete parse no JSON (bundle config.json corrupted after create)" {
	local a
	start_sleeper a
	printf '{ this is not json' >"$BUNDLE/config.json"
	same_as_runc --root "$STATE" state "$a"
	[[ "$(jq -r .status <<<"$output")" == running ]]
	rg --root "$STATE" kill "$a" KILL
	assert_status 0
	wait_status "$STATE" "$a" stopped
	rg --root "$STATE" delete "$a"
	assert_status 0
	assert_no_containers
	[[ "$(cat "$BUNDLE/config.json")" == '{ this is not json' ]]
}

# named_runtime NAME: $T/rt/NAME/runc, a runtime that appends NAME to
# $T/ran and runs the real runc.
named_runtime() {
	mkdir -p "$T/rt/$1"
	printf '#!/bin/sh\necho %s >>"%s"\nexec "%s" "$@"\n' "$1" "$T/ran" "$REAL_RUNC" >"$T/rt/$1/runc"
	chmod 0755 "$T/rt/$1/runc"
}

# cached_state EXPECTED: the test build's `state` of no container ran the
# runtime named EXPECTED (and only it).
cached_state() {
	: >"$T/ran"
	RUNGUARD_BIN=$RUNGUARD_TEST_BIN rg --root "$STATE" state nonesuch
	[[ "$status" -ne 0 ]] || { die "state of no container succeeded"; return 1; }
	[[ "$(cat "$T/ran")" == "$1" ]] || { die "ran '$(cat "$T/ran")', not '$1'; stderr: $stderr"; return 1; }
}

# set_cached_runtime NAME: the cache's runtime line (its last) names NAME's runtime.
set_cached_runtime() {
	sed -i '$d' "$CACHE" && echo "$T/rt/$1/runc" >>"$CACHE"
}

# cache_of FILE: the cache of configuration FILE in $RUNGUARD_CACHE_DIR:
# config-<FNV-1a of the path, 16 hex digits>.cache (bash wraps its 64-bit
# arithmetic as C does unsigned).
cache_of() {
	local s=$1 h=-3750763034362895579 i c
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$(((h ^ c) * 1099511628211))
	done
	printf '%s/config-%016x.cache\n' "$RUNGUARD_CACHE_DIR" "$h"
}

@test "passthrough: the configuration is parsed once, then taken from the cache until the file changes" {
	local n
	for n in a b c d; do named_runtime "$n"; done
	export RUNGUARD_CACHE_DIR=$T/cache
	use_config "{\"runtime\": \"$T/rt/a/runc\"}"
	# a file changed in the last second is parsed every time, never cached
	cached_state a
	[[ ! -e "$RUNGUARD_CACHE_DIR" ]] || die "a configuration written just now was cached"
	sleep 1.1
	cached_state a
	CACHE=$(cache_of "$RUNGUARD_CONFIG")
	[[ "$(ls "$RUNGUARD_CACHE_DIR")" == "${CACHE##*/}" ]] || die "cache: $(ls "$RUNGUARD_CACHE_DIR")"
	[[ "$(stat -c '%a %u' "$CACHE")" == "600 0" ]] || die "cache: $(stat -c '%a %u' "$CACHE")"
	[[ "$(sed -n 2p "$CACHE")" == "$RUNGUARD_CONFIG" ]]
	[[ "$(tail -n 1 "$CACHE")" == "$T/rt/a/runc" ]]
	# The cache answers (it is not parsed again): a runtime put in it runs.
	set_cached_runtime b
	cached_state b
	# Any change to the file is seen by the next call: a new runtime, then a chmod.
	use_config "{\"runtime\": \"$T/rt/c/runc\"}"
	cached_state c
	set_cached_runtime d
	chmod 0600 "$RUNGUARD_CONFIG"
	cached_state c
	# Two files (RUNGUARD_CONFIG per runtime class) keep a cache each.
	cp -p "$RUNGUARD_CONFIG" "$T/class2.json"
	sed -i "s|/rt/c/|/rt/a/|" "$T/class2.json"
	sleep 1.1
	cached_state c
	RUNGUARD_CONFIG=$T/class2.json cached_state a
	CACHE=$(cache_of "$RUNGUARD_CONFIG") && set_cached_runtime b
	CACHE=$(cache_of "$T/class2.json") && set_cached_runtime d
	cached_state b
	RUNGUARD_CONFIG=$T/class2.json cached_state d
	# The production binary never reads RUNGUARD_CACHE_DIR.
	rm -rf "$RUNGUARD_CACHE_DIR"
	rg --root "$STATE" state nonesuch
	[[ ! -e "$RUNGUARD_CACHE_DIR" ]] || die "the production binary used RUNGUARD_CACHE_DIR"
}

@test "passthrough: a cache anyone but root could have written, or that reads wrong, is ignored" {
	local n
	for n in a b; do named_runtime "$n"; done
	export RUNGUARD_CACHE_DIR=$T/cache
	use_config "{\"runtime\": \"$T/rt/a/runc\"}"
	sleep 1.1
	cached_state a
	CACHE=$(cache_of "$RUNGUARD_CONFIG")
	cp -p "$CACHE" "$T/good"
	set_cached_runtime b
	cached_state b # the control: this cache is read
	chmod 0620 "$CACHE"
	cached_state a
	cp -p "$T/good" "$CACHE" && set_cached_runtime b && chown 65534 "$CACHE"
	cached_state a
	cp -p "$T/good" "$CACHE" && set_cached_runtime b && truncate -s -1 "$CACHE"
	cached_state a
	cp -p "$T/good" "$CACHE" && set_cached_runtime b && echo "$T/rt/b/runc" >>"$CACHE"
	cached_state a
	cp -p "$T/good" "$CACHE" && sed -i '$d' "$CACHE" && echo "rt/b/runc" >>"$CACHE"
	cached_state a
	cp -p "$T/good" "$CACHE" && set_cached_runtime b && sed -i '1s/$/x/' "$CACHE"
	cached_state a
	# another file's cache answers nothing for this one
	cp -p "$T/good" "$CACHE" && set_cached_runtime b && cp -p "$RUNGUARD_CONFIG" "$T/other.json"
	local other
	other=$(cache_of "$T/other.json")
	cp -p "$CACHE" "$other"
	RUNGUARD_CONFIG=$T/other.json cached_state a
	rm -f "$other"
	# a broken configuration is parsed (and warned about) on every call, never cached
	rm -f "$CACHE"
	printf '{"runtime": ' >"$RUNGUARD_CONFIG"
	sleep 1.1
	cached_state ""
	assert_contains "$stderr" "using the runtime search list"
	[[ ! -e "$CACHE" ]] || die "a broken configuration was cached"
}

@test "passthrough: spec writes the same config.json as runc spec" {
	mkdir -p "$T/a" "$T/b" "$T/c" "$T/d"
	(cd "$T/a" && "$REAL_RUNC" spec)
	cd "$T/b"
	rg spec
	assert_status 0
	[[ -z "$output" ]]
	cmp "$T/a/config.json" "$T/b/config.json" || die "spec output differs"
	# --rootless and --bundle forms
	"$REAL_RUNC" spec --rootless --bundle "$T/c"
	rg spec --rootless --bundle "$T/d"
	assert_status 0
	cmp "$T/c/config.json" "$T/d/config.json" || die "spec --rootless output differs"
	# runc refuses to overwrite; so does runguard, identically
	cd "$T/b"
	same_as_runc spec
	[[ "$status" -ne 0 ]]
	cd "$BATS_TEST_DIRNAME"
}

@test "passthrough: features is runc's, verbatim" {
	same_as_runc features
	assert_status 0
	jq -e .ociVersionMax <<<"$output" >/dev/null
}

@test "passthrough: --version starts with runc's version (go-runc parses the first line)" {
	real_runc --version
	local ro=$output
	rg --version
	assert_status 0
	[[ "${lines[0]}" == "runc version "* ]] || die "first line is '${lines[0]}'"
	[[ "${lines[0]}" == "$(head -n 1 <<<"$ro")" ]] || die "first line differs from runc's"
	# every line runc prints is there, in order, at the start
	[[ "$output" == "$ro"* ]] || die "runc's --version output is not forwarded verbatim"
	rg -v
	assert_status 0
	[[ "${lines[0]}" == "runc version "* ]] || die "-v: first line is '${lines[0]}'"
}

@test "passthrough: argv reaches the real runtime untouched (unknown flags, odd values, -- )" {
	make_spy
	local args=(--root "$STATE" --log "$T/log file" --log-format json --debug list --format json -q)
	RUNGUARD_RUNTIME=$SPY rg "${args[@]}"
	local want
	want="argv:$(printf ' %q' "${args[@]}")"
	[[ "$(head -n 1 "$SPY_LOG")" == "$want" ]] || die "forwarded: $(head -n 1 "$SPY_LOG")"$'\n'"wanted:    $want"
	[[ "$(sed -n 2p "$SPY_LOG")" != "marker: <unset>" ]] || die "RUNGUARD_ACTIVE not set for the real runtime"

	: >"$SPY_LOG"
	args=(-root "$STATE" state -- --weird-id)
	RUNGUARD_RUNTIME=$SPY rg "${args[@]}"
	want="argv:$(printf ' %q' "${args[@]}")"
	[[ "$(head -n 1 "$SPY_LOG")" == "$want" ]] || die "forwarded: $(head -n 1 "$SPY_LOG")"$'\n'"wanted:    $want"

	: >"$SPY_LOG"
	args=(--root "$STATE" events --stats --interval 1s no-such-container)
	RUNGUARD_RUNTIME=$SPY rg "${args[@]}"
	want="argv:$(printf ' %q' "${args[@]}")"
	[[ "$(head -n 1 "$SPY_LOG")" == "$want" ]] || die "forwarded: $(head -n 1 "$SPY_LOG")"$'\n'"wanted:    $want"
}

@test "passthrough: create's argv is forwarded unchanged after enforcement" {
	make_bundle "$BUNDLE" true
	make_spy
	local id
	new_id id
	local args=(--root "$STATE" --log "$T/runtime.log" --log-format json create --pid-file "$T/pid" --bundle "$BUNDLE" "$id")
	RUNGUARD_RUNTIME=$SPY rg "${args[@]}"
	assert_status 0
	local want
	want="argv:$(printf ' %q' "${args[@]}")"
	[[ "$(head -n 1 "$SPY_LOG")" == "$want" ]] || die "forwarded: $(head -n 1 "$SPY_LOG")"$'\n'"wanted:    $want"
	[[ -s "$T/pid" ]]
	[[ "$(container_status "$STATE" "$id")" == created ]]
	[[ -n "$(jq -r '.annotations["run.runguard.policy"] // empty' "$BUNDLE/config.json")" ]]
}

@test "own: runguard --help exits 0 and mentions info" {
	rg --help
	assert_status 0
	assert_contains "$output$stderr" info "--help output"
}

@test "own: runguard COMMAND --help (or -h, anywhere) prints that command's usage, exit 0, and does nothing else" {
	local c
	for c in info check-config explain configure doctor; do
		rg "$c" --help
		assert_status 0
		assert_contains "$output" "Usage: runguard $c" "$c --help"
		[[ -z "$stderr" ]] || die "$c --help wrote to stderr: $stderr"
	done
	# Not a file, bundle or engine named -h; not a check run.
	rg check-config -h
	assert_status 0
	assert_contains "$output" "Usage: runguard check-config" "check-config -h"
	rg configure containerd --dry-run --help
	assert_status 0
	assert_contains "$output" "Usage: runguard configure" "configure ... --help"
	rg doctor --json -h
	assert_status 0
	assert_contains "$output" "Usage: runguard doctor" "doctor ... -h"
}

@test "own: every option an own command's --help names is in the man page and the README" {
	local top=$BATS_TEST_DIRNAME/../.. c o man readme
	# The man page's source with roff's \- and \% spelled out.
	man=$(sed -e 's/\\-/-/g' -e 's/\\%//g' "$top/doc/runguard.8")
	readme=$(cat "$top/README.md")
	for c in configure doctor; do
		rg "$c" --help
		assert_status 0
		# The option table: lines that start with blanks and the option.
		# shellcheck disable=SC2013 # one option a word
		for o in $(sed -nE 's/^ +(-h, )?(--[a-z][a-z-]+).*/\2/p' <<<"$output"); do
			[[ "$o" == --help ]] && continue
			assert_contains "$man" "$o" "doc/runguard.8 ($c $o)"
			assert_contains "$readme" "$o" "README.md ($c $o)"
		done
	done
}

@test "own: runguard info prints version, config path, policy digest and the real runtime" {
	rg info
	assert_status 0
	local info=$output$'\n'$stderr version
	version=$(sed -n 's/^VERSION ?= *//p' "$BATS_TEST_DIRNAME/../../Makefile")
	[[ -n "$version" ]] && assert_contains "$info" "$version" "info"
	assert_contains "$info" config "info"
	grep -qF -e "$REAL_RUNC" -e "$(readlink -f "$REAL_RUNC")" <<<"$info" || die "info does not name the real runtime $REAL_RUNC"
	local rv
	rv=$("$REAL_RUNC" --version | head -n 1 | awk '{print $3}')
	assert_contains "$info" "$rv" "info (runtime version)"
	grep -qE '[0-9a-f]{12,}' <<<"$info" || die "no policy digest in info"

	# the digest in info is the one stamped into config.json
	make_bundle "$BUNDLE" true
	local id ann digest
	new_id id
	rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	ann=$(jq -r '.annotations["run.runguard.policy"]' "$BUNDLE/config.json")
	digest=$(grep -oE '[0-9a-f]{12,}' <<<"$ann" | head -n 1)
	[[ -n "$digest" ]] || die "no digest in annotation '$ann'"
	assert_contains "$info" "$digest" "info (policy digest of the annotation)"
}

@test "own: runguard info names RUNGUARD_RUNTIME when set" {
	make_spy
	RUNGUARD_RUNTIME=$SPY rg info
	assert_status 0
	assert_contains "$output$stderr" "$SPY" "info"
	[[ ! -s "$SPY_LOG" ]] || grep -q -- '--version' "$SPY_LOG" || die "info ran the runtime with: $(cat "$SPY_LOG")"
}
