#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# podman through runguard: `podman --runtime /path/to/runguard` and a
# containers.conf [engine.runtimes] entry (`--runtime runguard`), on a private
# storage and configuration (engines.bash). What the container saw is read
# from its own /proc/self/status.

load helpers
load engines

setup_file() {
	PM_MISSING=""
	command -v podman >/dev/null || PM_MISSING="podman is not installed (apt-get install podman)"
	export PM_MISSING
	[[ -n "$PM_MISSING" ]] && return 0
	podman_start
}

teardown_file() {
	podman_stop
	rg_forget_caches
}

setup() {
	rg_setup
	[[ -z "$PM_MISSING" ]] || require_or_skip "$PM_MISSING" false
	rg_engine_config "$RG_ENGINE_CONFIG"
}

teardown() {
	podman_cleanup
	rg_teardown
}

CAP_SYS_ADMIN=$((1 << 21))

@test "podman --runtime PATH run --privileged: refused by default; with devices and mounts fixed, runs de-fanged" {
	# The control: the same request through plain runc gets everything.
	pm --runtime "$REAL_RUNC" run --rm --privileged --cgroup-parent "/$PM_CGROUP" "$PM_IMAGE" \
		grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	(((16#$(status_field CapEff) & CAP_SYS_ADMIN) != 0)) || die "control: plain runc did not grant CAP_SYS_ADMIN"
	[[ "$(status_field Seccomp)" == 0 ]] || die "control: plain runc --privileged has seccomp"

	# The default policy refuses the host's devices that --privileged adds.
	pm --runtime "$RUNGUARD_BIN" run --rm --privileged --cgroup-parent "/$PM_CGROUP" "$PM_IMAGE" true
	assert_status 126
	assert_contains "$stderr" "refused by policy baseline" "podman's error"
	assert_contains "$stderr" ".linux.devices" "podman's error"

	# An operator who lets such containers run, minus the host's devices and
	# writable /sys, still gets them without the privileges.
	rg_engine_config "$RG_ENGINE_CONFIG" '{"rules": {"devices": {"action": "fix"}, "mounts": {"action": "fix"}}}'
	pm --runtime "$RUNGUARD_BIN" run --rm --privileged --cgroup-parent "/$PM_CGROUP" \
		--name rg-priv "$PM_IMAGE" grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	assert_hardened

	# runguard's audit record names the bundle podman made for it.
	local rec
	rec=$(audit_lines_for '"io.container.manager":"libpod"' | grep -F '"command":"create"' | tail -n 1)
	[[ -n "$rec" ]] || die "no create record with podman's annotation in $ENGINE_AUDIT"
	jq -e '.decision == "fixed" and (.bundle | contains("/overlay-containers/")) and
		any(.changes[]; .rule == "capabilities")' <<<"$rec" >/dev/null ||
		die "unexpected audit record: $rec"
}

@test "podman --runtime runguard (containers.conf): run -d, ps, exec, stop, rm" {
	pm --runtime runguard run -d --cap-add SYS_ADMIN,NET_ADMIN --cgroup-parent "/$PM_CGROUP" \
		--name rg-svc "$PM_IMAGE"
	assert_status 0
	local id=$output
	[[ "$id" =~ ^[0-9a-f]{64}$ ]] || die "podman run -d printed '$id', not a container id"

	pm inspect --format '{{.OCIRuntime}} {{.State.Status}}' rg-svc
	assert_status 0
	[[ "$output" == "runguard running" ]] || die "inspect: '$output', expected 'runguard running'"

	pm ps --format '{{.ID}} {{.Names}} {{.Status}}'
	assert_status 0
	assert_contains "$output" "${id:0:12} rg-svc Up" "podman ps"

	# The container's init, seen from a process started by `podman exec`.
	pm exec rg-svc grep -E "$STATUS_FIELDS" /proc/1/status
	assert_status 0
	assert_hardened
	# Processes started by `podman exec`, even --privileged, get no more.
	pm exec rg-svc grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	assert_hardened
	pm exec --privileged rg-svc grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	assert_hardened

	# busybox sleep as PID 1 ignores SIGTERM: -t 1 makes podman send SIGKILL.
	pm stop -t 1 rg-svc
	assert_status 0
	pm ps -a --format '{{.Names}} {{.Status}}'
	assert_status 0
	assert_contains "$output" "rg-svc Exited" "podman ps -a after stop"
	pm ps --format '{{.Names}}'
	assert_not_contains "$output" rg-svc "podman ps after stop"

	pm rm rg-svc
	assert_status 0
	pm ps -a --format '{{.Names}}'
	assert_status 0
	assert_not_contains "$output" rg-svc "podman ps -a after rm"
}

@test "podman: a container runguard refuses fails with runguard's message" {
	rg_engine_config "$RG_ENGINE_CONFIG" '{"rules":{"noNewPrivileges":{"action":"reject"}}}'

	pm --runtime runguard run --cgroup-parent "/$PM_CGROUP" --name rg-refused "$PM_IMAGE" true
	# 126: podman's status for an OCI runtime error.
	assert_status 126
	assert_contains "$stderr" "runguard" "podman's error"
	assert_contains "$stderr" "refused by policy" "podman's error"
	assert_contains "$stderr" ".process.noNewPrivileges" "podman's error"
	assert_contains "$stderr" "rule noNewPrivileges" "podman's error"
	# One readable line, not a JSON log record.
	assert_not_contains "$stderr" '"level"' "podman's error"
	pm inspect --format '{{.State.Status}}' rg-refused
	[[ "$output" != running && "$output" != exited ]] || die "refused container ran: state $output"
	local rec
	rec=$(audit_lines_for '"decision":"rejected"' | tail -n 1)
	[[ -n "$rec" ]] || die "no rejected decision in the audit log"

	# The same policy lets a compliant container through.
	pm --runtime "$RUNGUARD_BIN" run --rm --cgroup-parent "/$PM_CGROUP" \
		--security-opt no-new-privileges "$PM_IMAGE" grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	assert_hardened
}
