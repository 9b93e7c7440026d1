#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Finding the real runtime: RUNGUARD_RUNTIME, the search list, and never
# runguard itself -- installing runguard *as* runc must not recurse. The
# install scenarios run in a private mount namespace (tmpfs and bind mounts
# over /usr/local/{bin,sbin} and /usr/sbin/runc), so the host's runc is
# never touched and nothing is left behind if a test dies.

load helpers

# start_sleeper VAR: a running container (created by the real runc) in $STATE.
start_sleeper() {
	start_running "$1" real_runc "$T/sleeper"
}

# in_mount_ns SCRIPT: runs bash SCRIPT in a private mount namespace, with
# RUNGUARD_BIN, REAL_RUNC, STATE, T and BUNDLE in its environment.
in_mount_ns() {
	require_or_skip "unshare -m (private mount namespace) works here" \
		unshare -m --propagation private true || return 1
	STATE=$STATE T=$T BUNDLE=$BUNDLE RUNGUARD_BIN=$RUNGUARD_BIN REAL_RUNC=$REAL_RUNC \
		run_cmd unshare -m --propagation private bash -euc "$1"
}

# Mounts shared by the install scenarios.
NS_PATH='export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
# Keeps the real runc reachable as /usr/local/bin/runc (a tmpfs file bound
# to the real binary), then binds $1 over /usr/sbin/runc and /usr/bin/runc.
NS_SHADOW_RUNC='
real=$(readlink -f "$REAL_RUNC")
mount -t tmpfs -o mode=0755 tmpfs /usr/local/bin
touch /usr/local/bin/runc
mount --bind "$real" /usr/local/bin/runc
for p in /usr/sbin/runc /usr/bin/runc; do
	if [ -e "$p" ] && [ "$(readlink -f "$p")" = "$real" ]; then mount --bind "$SHADOW" "$p"; fi
done
[ "$(stat -L -c %i /usr/sbin/runc)" = "$(stat -L -c %i "$SHADOW")" ] || { echo "shadow mount failed" >&2; exit 99; }
'

@test "runtime: RUNGUARD_RUNTIME names a runc-like wrapper: it runs, with the argv unchanged and RUNGUARD_ACTIVE set" {
	make_bundle "$BUNDLE" true
	make_spy
	local id
	new_id id
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(container_status "$STATE" "$id")" == created ]]
	[[ "$(head -n 1 "$SPY_LOG")" == "argv:$(printf ' %q' --root "$STATE" create -b "$BUNDLE" "$id")" ]] ||
		die "spy saw: $(cat "$SPY_LOG")"
	grep -q '^marker: ' "$SPY_LOG"
	! grep -qx 'marker: <unset>' "$SPY_LOG" || die "RUNGUARD_ACTIVE not set for the real runtime"
	[[ -n "$(jq -r '.annotations["run.runguard.policy"] // empty' "$BUNDLE/config.json")" ]]

	: >"$SPY_LOG"
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" list -q
	assert_status 0
	[[ "$output" == "$id" ]]
	[[ -s "$SPY_LOG" ]] || die "passthrough did not use RUNGUARD_RUNTIME"
}

@test "runtime: RUNGUARD_RUNTIME=<real runc path> runs a hardened container" {
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	local id
	new_id id
	RUNGUARD_RUNTIME=$(readlink -f "$REAL_RUNC") rg --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(status_field NoNewPrivs)" == 1 ]]
	[[ "$(status_field Seccomp)" == 2 ]]
}

@test "runtime: RUNGUARD_RUNTIME pointing to runguard itself (or a symlink to it) is an error, no recursion" {
	make_bundle "$BUNDLE" true
	ln -s "$RUNGUARD_BIN" "$T/runc-link"
	local rt id
	for rt in "$RUNGUARD_BIN" "$T/runc-link"; do
		RG_TIMEOUT=10 RUNGUARD_RUNTIME=$rt rg --root "$STATE" list
		assert_failed_cleanly
		[[ -n "$stderr" ]]
		[[ -z "$output" ]]
		new_id id
		RG_TIMEOUT=10 RUNGUARD_RUNTIME=$rt rg --root "$STATE" create -b "$BUNDLE" "$id"
		assert_failed_cleanly
		[[ -n "$stderr" ]]
		assert_no_containers
	done
}

@test "runtime: RUNGUARD_RUNTIME pointing to a copy of runguard terminates (RUNGUARD_ACTIVE), no loop" {
	cp "$RUNGUARD_BIN" "$T/runguard-copy"
	local ref
	real_runc --root "$STATE" list
	ref=$output
	RG_TIMEOUT=10 RUNGUARD_RUNTIME=$T/runguard-copy rg --root "$STATE" list
	if [[ "$status" -ne 0 ]]; then
		assert_failed_cleanly
		[[ -n "$stderr" ]] || die "no error message"
	else
		[[ "$output" == "$ref" ]] || die "copy produced something else than runc's list"
	fi
}

@test "runtime: RUNGUARD_RUNTIME that does not exist is an error naming it" {
	make_bundle "$BUNDLE" true
	local id before
	before=$(sha256sum <"$BUNDLE/config.json")
	RUNGUARD_RUNTIME=$T/no/such/runc rg --root "$STATE" list
	assert_failed_cleanly
	assert_contains "$stderr" "$T/no/such/runc" stderr
	new_id id
	RUNGUARD_RUNTIME=$T/no/such/runc rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "$T/no/such/runc" stderr
	assert_no_containers
}

@test "runtime: runguard symlinked as runc in a PATH directory: \`runc list\` runs the real runc" {
	local a ref
	start_sleeper a
	real_runc --root "$STATE" list
	ref=$output
	in_mount_ns "$NS_PATH"'
		mount -t tmpfs -o mode=0755 tmpfs /usr/local/sbin
		ln -s "$RUNGUARD_BIN" /usr/local/sbin/runc
		[ "$(command -v runc)" = /usr/local/sbin/runc ]
		runc --root "$STATE" list'
	assert_status 0
	[[ "$output" == "$ref" ]] || die "runc list via runguard differs from the real runc's"
	assert_contains "$output" "$a"
	# and it really was runguard answering as runc
	in_mount_ns "$NS_PATH"'
		mount -t tmpfs -o mode=0755 tmpfs /usr/local/sbin
		ln -s "$RUNGUARD_BIN" /usr/local/sbin/runc
		runc info'
	assert_status 0
	grep -qiE 'runguard|policy' <<<"$output$stderr" || die "runc info did not reach runguard"
}

@test "runtime: runguard copied as runc in a PATH directory: \`runc list\` runs the real runc" {
	local a ref
	start_sleeper a
	real_runc --root "$STATE" list
	ref=$output
	in_mount_ns "$NS_PATH"'
		mount -t tmpfs -o mode=0755 tmpfs /usr/local/sbin
		cp "$RUNGUARD_BIN" /usr/local/sbin/runc
		[ "$(command -v runc)" = /usr/local/sbin/runc ]
		runc --root "$STATE" list'
	assert_status 0
	[[ "$output" == "$ref" ]] || die "runc list via a runguard copy differs from the real runc's"
}

@test "runtime: runguard bound over the real runc path: the search skips itself (device+inode) and finds the next runc" {
	local a ref
	start_sleeper a
	real_runc --root "$STATE" list
	ref=$output
	in_mount_ns "$NS_PATH"'
		SHADOW=$RUNGUARD_BIN'"$NS_SHADOW_RUNC"'
		/usr/bin/runc --root "$STATE" list'
	assert_status 0
	[[ "$output" == "$ref" ]] || die "list through runguard-as-/usr/sbin/runc differs from the real runc's"

	in_mount_ns "$NS_PATH"'
		SHADOW=$RUNGUARD_BIN'"$NS_SHADOW_RUNC"'
		/usr/bin/runc info'
	assert_status 0
	assert_contains "$output$stderr" /usr/local/bin/runc "runguard info (runtime found after skipping itself)"
}

@test "runtime: runguard installed as the system runc runs hardened containers (drop-in)" {
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	edit_config "$BUNDLE" '.process.noNewPrivileges = false'
	local id
	new_id id
	in_mount_ns "$NS_PATH"'
		SHADOW=$RUNGUARD_BIN'"$NS_SHADOW_RUNC"'
		/usr/bin/runc --root "$STATE" run -b "$BUNDLE" '"$id"
	assert_status 0
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is $(status_field NoNewPrivs)"
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is $(status_field Seccomp)"
	[[ "$(status_field pids.max)" == 2048 ]]
	assert_no_containers
}

@test "runtime: a copy of runguard ahead of the real runc in the search list: no loop (refused via RUNGUARD_ACTIVE, or skipped)" {
	local a ref
	start_sleeper a
	real_runc --root "$STATE" list
	ref=$output
	cp "$RUNGUARD_BIN" "$T/runguard-copy"
	RG_TIMEOUT=15 in_mount_ns "$NS_PATH"'
		SHADOW=$T/runguard-copy'"$NS_SHADOW_RUNC"'
		exec "$RUNGUARD_BIN" --root "$STATE" list'
	if [[ "$status" -ne 0 ]]; then
		[[ "$status" -ne 99 ]] || die "mount set-up failed"
		assert_failed_cleanly
		[[ -n "$stderr" ]] || die "no error message"
	else
		[[ "$output" == "$ref" ]] || die "output is not the real runc's list"
	fi
}
