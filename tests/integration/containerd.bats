#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# containerd through the runc shim v2: `ctr run --runc-binary runguard`, the
# same path a containerd runtime handler with options.BinaryName takes. The
# suite starts its own containerd (own root, state, sockets and config in a
# temporary directory, engines.bash) and stops it by PID at the end.

load helpers
load engines

setup_file() {
	CD_MISSING=""
	local b
	for b in containerd ctr containerd-shim-runc-v2 podman; do
		command -v "$b" >/dev/null || CD_MISSING+="$b is not installed; "
	done
	export CD_MISSING
	[[ -n "$CD_MISSING" ]] && return 0
	containerd_start
}

teardown_file() {
	containerd_stop
	rg_forget_caches
}

setup() {
	rg_setup
	[[ -z "$CD_MISSING" ]] || require_or_skip "${CD_MISSING}apt-get install containerd podman" false
	rg_engine_config "$RG_ENGINE_CONFIG"
}

teardown() {
	containerd_cleanup
	rg_teardown
}

STATUS_FIELDS='^(Cap[A-Za-z]+|NoNewPrivs|Seccomp):'

# ctr_run ID [--runc-binary B] [ctr-run-flags...] -- CMD...: a container
# through the private containerd, its runc state in $CD_DIR/runc and its
# cgroup under /$CD_CGROUP.
ctr_run() {
	local id=$1 flags=()
	shift
	while [[ $# -gt 0 && "$1" != -- ]]; do
		flags+=("$1")
		shift
	done
	shift
	ctrc run --runc-root "$CD_DIR/runc" --fifo-dir "$CD_DIR/fifo" --cgroup "/$CD_CGROUP/$id" \
		"${flags[@]}" "$CD_IMAGE" "$id" "$@"
}

@test "ctr run --runc-binary runguard: a container created with no seccomp gets one" {
	local id
	# The control: ctr's default spec through plain runc has no seccomp and
	# capabilities beyond the ceiling (NET_RAW, MKNOD, AUDIT_WRITE).
	new_id id
	ctr_run "$id" --rm -- grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	[[ "$(status_field Seccomp)" == 0 ]] || die "control: ctr's default spec has seccomp"
	(((16#$(status_field CapEff) & ~CEILING_MASK) != 0)) || die "control: no capability above the ceiling"

	new_id id
	ctr_run "$id" --rm --runc-binary "$RUNGUARD_BIN" -- grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is '$(status_field Seccomp)', expected 2"
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is '$(status_field NoNewPrivs)'"
	assert_mask_within CapEff "$CEILING_MASK"
	assert_mask_within CapBnd "$CEILING_MASK"

	local rec
	rec=$(audit_lines_for "\"id\":\"$id\"")
	[[ -n "$rec" ]] || die "no audit record for $id"
	jq -e --arg b "$CD_DIR/state/io.containerd.runtime.v2.task/default/$id/config.json" \
		'.command == "create" and .decision == "fixed" and .bundle == $b and
		 any(.changes[]; .rule == "seccomp")' <<<"$rec" >/dev/null ||
		die "unexpected audit record: $rec"
}

@test "ctr run -d --privileged through runguard: the running task is hardened; kill, delete" {
	# The default policy refuses the host's devices --privileged adds (see
	# podman.bats); this operator lets them be removed instead.
	rg_engine_config "$RG_ENGINE_CONFIG" '{"rules": {"devices": {"action": "fix"}, "mounts": {"action": "fix"}}}'
	local id
	new_id id
	ctr_run "$id" -d --privileged --runc-binary "$RUNGUARD_BIN" -- sleep "$RG_SLEEP_FOREVER"
	assert_status 0
	ctrc tasks ls
	assert_status 0
	grep -qE "^$id +[0-9]+ +RUNNING" <<<"$output" || die "task $id is not RUNNING"

	# What the container's init got, seen from an exec'd process.
	ctrc tasks exec --exec-id probe "$id" grep -E "$STATUS_FIELDS" /proc/1/status
	assert_status 0
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is '$(status_field Seccomp)', expected 2"
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is '$(status_field NoNewPrivs)'"
	assert_mask_within CapEff "$CEILING_MASK"
	assert_mask_within CapBnd "$CEILING_MASK"

	# runc's state (what the shim's runc --root holds) carries the stamp.
	run_cmd "$REAL_RUNC" --root "$CD_DIR/runc/default" state "$id"
	assert_status 0
	jq -e '.annotations["run.runguard.policy"] | startswith("baseline@sha256:")' <<<"$output" >/dev/null ||
		die "no run.runguard.policy annotation in runc state"

	ctrc tasks kill -s SIGKILL "$id"
	assert_status 0
	local i
	for ((i = 0; i < 50; i++)); do
		ctrc tasks ls
		grep -qE "^$id +[0-9]+ +STOPPED" <<<"$output" && break
		sleep 0.1
	done
	grep -qE "^$id +[0-9]+ +STOPPED" <<<"$output" || die "task $id did not stop"
	ctrc tasks delete "$id"
	assert_status 0
	ctrc containers delete "$id"
	assert_status 0
	ctrc containers ls -q
	assert_not_contains "$output" "$id" "ctr containers ls"
	[[ -z "$(containers_in "$CD_DIR/runc/default")" ]] || die "runc containers left: $(containers_in "$CD_DIR/runc/default")"
}

@test "ctr run: runguard's refusal reaches ctr through runc's --log file" {
	rg_engine_config "$RG_ENGINE_CONFIG" '{"rules":{"seccomp":{"action":"reject"}}}'
	local id
	new_id id
	ctr_run "$id" --rm --runc-binary "$RUNGUARD_BIN" -- true
	assert_failed_cleanly
	# The shim reports the last error of the runtime's log file (log.json).
	assert_contains "$stderr" "OCI runtime create failed" "ctr's error"
	assert_contains "$stderr" "runguard: $CD_DIR/state/io.containerd.runtime.v2.task/default/$id/config.json: refused by policy baseline" "ctr's error"
	assert_contains "$stderr" ".linux.seccomp" "ctr's error"
	assert_contains "$stderr" "(rule seccomp)" "ctr's error"
	ctrc tasks ls -q
	assert_not_contains "$output" "$id" "ctr tasks ls"
	[[ -z "$(containers_in "$CD_DIR/runc/default")" ]] || die "runc created a container"
	jq -e 'select(.decision == "rejected")' <<<"$(audit_lines_for "\"id\":\"$id\"")" >/dev/null ||
		die "no rejected audit record for $id"

	# Under the same policy, a container that asks for seccomp is accepted.
	new_id id
	ctr_run "$id" --rm --seccomp --runc-binary "$RUNGUARD_BIN" -- grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is '$(status_field Seccomp)', expected 2"
}
