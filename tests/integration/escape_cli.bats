#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Issue #12 (items 1 and 4): the command line is read exactly as the real
# runtime reads it, and global flags and state directories are judged.
# Each escape is tried as an attacker would write it, through runguard with
# runc (and crun where its argp reads it differently); the tests look at
# what a real container saw (/proc/self/status) or at the exact argv the
# real runtime was handed. The controls are what containerd's shim,
# podman, Docker and CRI-O really send.

load helpers

setup() {
	rg_setup
	use_config '{}'
	# Asks for everything: every capability, no seccomp, no_new_privs off, no pids limit.
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	all_caps_config "$BUNDLE"
}

teardown() {
	rg_teardown
}

# sleeper VAR: a running container (sleep, every capability asked for)
# started through runguard; its id in VAR.
sleeper() {
	if [[ ! -d "$T/sleeper" ]]; then
		make_bundle "$T/sleeper" sleep 3600
		all_caps_config "$T/sleeper"
	fi
	start_running "$1" rg "$T/sleeper"
}

# ---------------------------------------------------------------------------
# help flags with a value: runc's help is a Go bool flag

@test "escape_cli: run --help=false and other false spellings run hardened (runc)" {
	local id spelling
	for spelling in --help=false -h=0 -help=F --help=FALSE -h=f -help=False; do
		new_id id
		rg --root "$STATE" run "$spelling" -b "$BUNDLE" "$id"
		assert_status 0
		assert_confined || { die "run $spelling: the container was not hardened"; return 1; }
	done
}

@test "escape_cli: the false help after the id, and the last help flag wins (runc)" {
	local id
	new_id id
	rg --root "$STATE" run -b "$BUNDLE" "$id" --help=0
	assert_status 0
	assert_confined
	new_id id
	rg --root "$STATE" run --help -b "$BUNDLE" --help=false "$id"
	assert_status 0
	assert_confined
}

@test "escape_cli: global --help=false / -h=0 before run are no help (runc)" {
	local id spelling
	for spelling in --help=false -h=0 -help=f; do
		new_id id
		rg "$spelling" --root "$STATE" run -b "$BUNDLE" "$id"
		assert_status 0
		assert_confined || { die "$spelling run: not hardened"; return 1; }
	done
}

@test "escape_cli: create --help=False: config.json is enforced before runc creates (runc)" {
	local id
	new_id id
	rg --root "$STATE" create --help=False -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(container_status "$STATE" "$id")" == created ]]
	[[ -n "$(cfg "$BUNDLE" '.annotations["run.runguard.policy"] // empty')" ]] ||
		die "config.json was not enforced"
	[[ "$(cfg "$BUNDLE" .process.noNewPrivileges)" == true ]]
	[[ "$(cfg "$BUNDLE" '.process.capabilities.bounding | index("CAP_SYS_ADMIN")')" == null ]]
}

@test "escape_cli: exec -h=0 / --help=false --cap CAP_SYS_ADMIN: the cap is not granted (runc)" {
	local id spelling
	sleeper id
	for spelling in --help=false -h=0 -help=FALSE; do
		rg --root "$STATE" exec "$spelling" --cap CAP_SYS_ADMIN "$id" \
			sh -c 'grep -E "^(Cap[A-Za-z]+|NoNewPrivs):" /proc/self/status'
		assert_status 0
		assert_mask_within CapEff "$CEILING_MASK" || { die "exec $spelling: CapEff beyond the ceiling"; return 1; }
		assert_mask_within CapBnd "$CEILING_MASK"
	done
}

@test "escape_cli: update --help=0 / -h=false --pids-limit: the limit is clamped (runc)" {
	local id
	use_config '{"rules": {"resources": {"pids": {"default": 32, "max": 64}}}}'
	sleeper id
	rg --root "$STATE" update --help=0 --pids-limit 100000 "$id"
	assert_status 0
	[[ "$(cg "$id" pids pids.max)" == 64 ]] || die "pids.max: $(cg "$id" pids pids.max)"
	rg --root "$STATE" update -h=false --pids-limit=-1 "$id"
	assert_status 0
	[[ "$(cg "$id" pids pids.max)" == 32 ]] || die "pids.max: $(cg "$id" pids pids.max)"
}

@test "escape_cli: a help value runc refuses is refused, nothing runs" {
	local id spelling
	make_spy
	for spelling in --help=maybe -h=yes --help=; do
		new_id id
		RUNGUARD_RUNTIME=$SPY rg --root "$STATE" run "$spelling" -b "$BUNDLE" "$id"
		assert_failed_cleanly
		assert_contains "$stderr" "$spelling"
		[[ ! -s "$SPY_LOG" ]] || { die "the runtime ran: $(cat "$SPY_LOG")"; return 1; }
	done
	assert_no_containers
}

@test "escape_cli: control: real help (--help, -h, --help=true, -h=1) is passed through, nothing created" {
	local id spelling
	make_spy
	for spelling in --help -h --help=true -h=1; do
		new_id id
		: >"$SPY_LOG"
		RUNGUARD_RUNTIME=$SPY rg --root "$STATE" run "$spelling" -b "$BUNDLE" "$id"
		assert_status 0
		assert_contains "$output$stderr" "USAGE"
		[[ "$(spy_calls run)" == "argv:$(printf ' %q' --root "$STATE" run "$spelling" -b "$BUNDLE" "$id")" ]] ||
			die "forwarded: $(spy_calls run)"
	done
	assert_no_containers
	[[ -z "$(cfg "$BUNDLE" '.annotations["run.runguard.policy"] // empty')" ]]
}
