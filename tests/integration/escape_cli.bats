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

# ---------------------------------------------------------------------------
# --criu and criu from $PATH: programs runc runs as root

# fake_criu: $T/evil/criu, a "criu" that leaves $T/criu-ran when run.
fake_criu() {
	mkdir -p "$T/evil"
	printf '#!/bin/sh\ntouch "%s"\nexit 1\n' "$T/criu-ran" >"$T/evil/criu"
	chmod 0755 "$T/evil/criu"
	rm -f "$T/criu-ran"
}

@test "escape_cli: --criu PROGRAM on checkpoint is refused in every spelling; the program never runs" {
	local id
	sleeper id
	fake_criu
	local -a spellings=("--criu $T/evil/criu" "--criu=$T/evil/criu" "-criu $T/evil/criu" "-criu=$T/evil/criu")
	local s
	for s in "${spellings[@]}"; do
		# shellcheck disable=SC2086 # the spelling is two words or one
		rg $s --root "$STATE" checkpoint --image-path "$T/img" "$id"
		assert_failed_cleanly
		assert_contains "$stderr" "--criu"
		[[ ! -e "$T/criu-ran" ]] || { die "runc ran the caller's criu ($s)"; return 1; }
	done
	[[ "$(container_status "$STATE" "$id")" == running ]]
}

@test "escape_cli: --criu PROGRAM on restore is refused; the runtime is never started" {
	local id
	fake_criu
	make_spy
	new_id id
	mkdir -p "$T/img"
	RUNGUARD_RUNTIME=$SPY rg --criu "$T/evil/criu" --root "$STATE" restore --image-path "$T/img" -b "$BUNDLE" "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "runtimeFlags"
	[[ ! -s "$SPY_LOG" ]] || die "the runtime ran: $(cat "$SPY_LOG")"
	[[ ! -e "$T/criu-ran" ]]
}

@test "escape_cli: criu from the caller's PATH is not run on checkpoint (runc alone would)" {
	local id
	sleeper id
	fake_criu
	PATH="$T/evil:$PATH" rg --root "$STATE" checkpoint --image-path "$T/img" "$id"
	[[ ! -e "$T/criu-ran" ]] || die "runguard let runc run criu from the caller's PATH"
	# the control: runc on its own runs it, so the test above can fail
	PATH="$T/evil:$PATH" real_runc --root "$STATE" checkpoint --image-path "$T/img2" --leave-running "$id"
	[[ -e "$T/criu-ran" ]] || skip "this runc does not look criu up through PATH"
}

@test "escape_cli: --criu listed in runtimeFlags.criu is passed through verbatim" {
	local id
	sleeper id
	fake_criu
	use_config '{"runtimeFlags": {"criu": ["'"$T/evil/criu"'"]}}'
	rg check-config "$RUNGUARD_CONFIG"
	assert_status 0
	rg --criu "$T/evil/criu" --root "$STATE" checkpoint --image-path "$T/img" --leave-running "$id"
	[[ -e "$T/criu-ran" ]] || die "the allowed criu did not run"
	# a relative or unlisted path stays refused
	rm -f "$T/criu-ran"
	rg --criu=criu --root "$STATE" checkpoint --image-path "$T/img" "$id"
	assert_failed_cleanly
	[[ ! -e "$T/criu-ran" ]]
	use_config '{"runtimeFlags": {"criu": ["criu"]}}'
	rg check-config "$RUNGUARD_CONFIG"
	assert_failed_cleanly
	assert_contains "$stderr" ".runtimeFlags.criu[0]"
}

# ---------------------------------------------------------------------------
# the state directory (--root) is judged

# forged_root DIR: a copy of $STATE (holding a real container's state) at DIR.
forged_root() {
	mkdir -p "$(dirname "$1")"
	cp -a "$STATE" "$1"
}

@test "escape_cli: exec with a --root others can write is refused before anything reads it" {
	local id
	sleeper id
	make_spy
	# world-writable state directory
	forged_root "$T/ww/state"
	chmod 0777 "$T/ww/state"
	RUNGUARD_RUNTIME=$SPY rg --root "$T/ww/state" exec "$id" sh -c 'grep CapEff /proc/self/status'
	assert_failed_cleanly
	assert_contains "$stderr" "writable by group or others"
	[[ ! -s "$SPY_LOG" ]] || { die "the runtime ran: $(cat "$SPY_LOG")"; return 1; }
	# a writable directory above it, spelled -root=
	chmod 0755 "$T/ww/state"
	chmod 0777 "$T/ww"
	RUNGUARD_RUNTIME=$SPY rg -root="$T/ww/state" exec "$id" true
	assert_failed_cleanly
	assert_contains "$stderr" "$T/ww is writable"
	# owned by another user
	forged_root "$T/theirs/state"
	chown -R nobody "$T/theirs"
	RUNGUARD_RUNTIME=$SPY rg --root="$T/theirs/state" update --pids-limit 10 "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "owned by another user"
	[[ ! -s "$SPY_LOG" ]] || { die "the runtime ran: $(cat "$SPY_LOG")"; return 1; }
}

@test "escape_cli: --root through a symlink in a writable directory, or relative from one, is refused" {
	local id
	sleeper id
	make_spy
	mkdir -p "$T/pub"
	chmod 0777 "$T/pub"
	ln -s "$STATE" "$T/pub/link"
	chown -h nobody "$T/pub/link"
	RUNGUARD_RUNTIME=$SPY rg --root "$T/pub/link" exec "$id" true
	assert_failed_cleanly
	[[ ! -s "$SPY_LOG" ]] || { die "the runtime ran: $(cat "$SPY_LOG")"; return 1; }
	forged_root "$T/pub/st"
	(cd "$T/pub" && RUNGUARD_RUNTIME=$SPY "$RUNGUARD_BIN" --root st exec "$id" true) && die "relative --root accepted"
	[[ ! -s "$SPY_LOG" ]] || { die "the runtime ran: $(cat "$SPY_LOG")"; return 1; }
	# passthrough commands that read the state are judged too
	RUNGUARD_RUNTIME=$SPY rg --root "$T/pub/st" delete -f "$id"
	assert_failed_cleanly
	RUNGUARD_RUNTIME=$SPY rg --root "$T/pub/st" state "$id"
	assert_failed_cleanly
	[[ ! -s "$SPY_LOG" ]] || { die "the runtime ran: $(cat "$SPY_LOG")"; return 1; }
	[[ "$(container_status "$STATE" "$id")" == running ]]
}

@test "escape_cli: control: root-owned state directories, through a root-owned symlink, keep working" {
	local id
	sleeper id
	ln -s "$STATE" "$T/rootlink"
	rg --root "$T/rootlink" exec "$id" sh -c 'grep CapEff /proc/self/status'
	assert_status 0
	assert_mask_within CapEff "$CEILING_MASK"
	rg --root "$T/rootlink" state "$id"
	assert_status 0
	# a --root that does not exist yet under a root-owned directory (runc makes it)
	local id2
	new_id id2
	use_state "$T/fresh/state"
	rg --root "$T/fresh/state" run -b "$BUNDLE" "$id2"
	assert_status 0
	assert_confined
}

# ---------------------------------------------------------------------------
# test switches: only the test build reads them

@test "escape_cli: the production binary ignores RUNGUARD_APPARMOR_ROOT (the test build does not)" {
	local fx
	fx=$(readlink -f "$BATS_TEST_DIRNAME/../fixtures/apparmor")
	rg explain "$BUNDLE"
	local plain_status=$status plain=$output
	for d in "$T/empty" "$fx/disabled" "$fx/enabled" "$fx/notloaded"; do
		mkdir -p "$T/empty"
		RUNGUARD_APPARMOR_ROOT=$d rg explain "$BUNDLE"
		[[ "$status" == "$plain_status" && "$output" == "$plain" ]] ||
			{ die "RUNGUARD_APPARMOR_ROOT=$d changed what the production binary enforces"; return 1; }
	done
	# the control: the test build reads it, so the comparison above can fail
	RUNGUARD_APPARMOR_ROOT=$fx/notloaded RUNGUARD_BIN=$RUNGUARD_TEST_BIN rg explain "$BUNDLE"
	assert_status 3
}

@test "escape_cli: the production binary ignores the SELinux test switches" {
	local fx
	fx=$(readlink -f "$BATS_TEST_DIRNAME/../fixtures/selinux")
	[[ ! -e /sys/fs/selinux/enforce ]] || skip "SELinux is enabled here: the switches are inert anyway"
	rg explain "$BUNDLE"
	local plain=$output
	RUNGUARD_SELINUX_FORCE=1 RUNGUARD_LXC_CONTEXTS=$fx/lxc_contexts RUNGUARD_MCS_DIR=$T/mcs \
		rg explain "$BUNDLE"
	assert_status 0
	[[ "$output" == "$plain" ]] || die "the SELinux switches changed the production binary's patch"
	[[ ! -e "$T/mcs" ]] || die "the production binary used RUNGUARD_MCS_DIR"
	assert_not_contains "$output" "selinuxLabel"
	# the control: the test build labels the container
	RUNGUARD_SELINUX_FORCE=1 RUNGUARD_LXC_CONTEXTS=$fx/lxc_contexts RUNGUARD_MCS_DIR=$T/mcs \
		RUNGUARD_BIN=$RUNGUARD_TEST_BIN rg explain "$BUNDLE"
	assert_contains "$output" "selinuxLabel"
}

# ---------------------------------------------------------------------------
# crun: its argp reads the same argv differently

CRUN=/usr/bin/crun

need_crun() {
	[[ -x "$CRUN" ]] || require_or_skip "crun is not installed (apt-get install crun)" false
}

# crun_containers: the ids crun keeps in $STATE.
crun_containers() {
	"$CRUN" --root "$STATE" list -q 2>/dev/null || true
}

@test "escape_cli: crun: run --help=false / -h=0 / --help=F start nothing and hand crun no unenforced bundle" {
	local id spelling
	need_crun
	for spelling in --help=false -h=0 --help=F -help=false; do
		new_id id
		RUNGUARD_RUNTIME=$CRUN rg --root "$STATE" run "$spelling" -b "$BUNDLE" "$id"
		assert_failed_cleanly
		[[ -z "$(crun_containers)" ]] || { die "crun created: $(crun_containers)"; return 1; }
	done
	# whatever reached crun, config.json was enforced first
	if [[ -n "$(cfg "$BUNDLE" '.annotations["run.runguard.policy"] // empty')" ]]; then
		[[ "$(cfg "$BUNDLE" .process.noNewPrivileges)" == true ]]
	fi
}

@test "escape_cli: crun: --rootless DIR and --ro DIR (crun's --root) are judged as state directories" {
	local id
	need_crun
	mkdir -p "$T/ww/st"
	chmod 0777 "$T/ww"
	new_id id
	local spelling
	for spelling in --rootless --ro --roo --rootl; do
		RUNGUARD_RUNTIME=$CRUN rg "$spelling" "$T/ww/st" state "$id"
		assert_failed_cleanly
		assert_contains "$stderr" "writable by group or others"
		RUNGUARD_RUNTIME=$CRUN rg "$spelling" "$T/ww/st" delete -f "$id"
		assert_failed_cleanly
		assert_contains "$stderr" "state directory"
	done
	# on exec, a --rootless crun would read differently from --root is refused
	RUNGUARD_RUNTIME=$CRUN rg --root "$STATE" --rootless "$STATE/x" exec "$id" true
	assert_failed_cleanly
	assert_contains "$stderr" "--rootless"
	# the control: a trusted one works as crun's --root
	RUNGUARD_RUNTIME=$CRUN rg --ro "$STATE" list
	assert_status 0
}

@test "escape_cli: crun mounts add and unknown subcommands are refused, the runtime never runs" {
	make_spy
	local sub
	for sub in "mounts add c1 $T/m.json" "mounts remove c1 $T/m.json" "frobnicate c1" "CREATE c1"; do
		: >"$SPY_LOG"
		# shellcheck disable=SC2086
		RUNGUARD_RUNTIME=$SPY rg --root "$STATE" $sub
		assert_failed_cleanly
		assert_contains "$stderr" "unknown subcommand"
		[[ ! -s "$SPY_LOG" ]] || { die "the runtime ran: $(cat "$SPY_LOG")"; return 1; }
	done
}

# ---------------------------------------------------------------------------
# create/run/restore read as runc reorders them

@test "escape_cli: create ID -b -- X: the bundle upstream runc would use (ID) is the one enforced" {
	local id
	make_bundle "$T/work/evil" sh -c "$PROBE_SCRIPT"
	all_caps_config "$T/work/evil"
	make_bundle "$T/work/--" true
	local decoy
	decoy=$(sha256sum <"$T/work/--/config.json")
	new_id id
	cd "$T/work"
	rg --root "$STATE" create evil -b -- "$id"
	cd "$BATS_TEST_DIRNAME"
	# upstream runc (urfave/cli 1.22.1) creates $id from ./evil; Debian's fails with a usage error
	[[ -n "$(cfg "$T/work/evil" '.annotations["run.runguard.policy"] // empty')" ]] ||
		die "./evil, the bundle runc reads, was not enforced"
	[[ "$(cfg "$T/work/evil" .process.noNewPrivileges)" == true ]]
	[[ "$(sha256sum <"$T/work/--/config.json")" == "$decoy" ]] || die "the decoy ./-- was enforced instead"
	if [[ $status -eq 0 ]]; then
		rg --root "$STATE" start "$id"
		wait_status "$STATE" "$id" stopped
	fi
}

@test "escape_cli: control: flags after the id, as engines never send but runc accepts, still work" {
	local id
	new_id id
	rg --root "$STATE" run "$id" -b "$BUNDLE"
	assert_status 0
	assert_confined
}

# ---------------------------------------------------------------------------
# controls: what the engines really send keeps working, argv unchanged

# fake_runtime: $FAKE_RT, a "runc" that records its argv in $FAKE_LOG and
# exits 0 (for argv an engine sends that the real runc cannot run here:
# --systemd-cgroup with a cgroupfs path, a console socket nobody serves).
fake_runtime() {
	mkdir -p "$T/fake"
	FAKE_RT=$T/fake/runc
	FAKE_LOG=$T/fake.log
	: >"$FAKE_LOG"
	printf '#!/bin/bash\n{ printf "argv:"; printf " %%q" "$@"; printf "\\n"; } >>"%s"\n' "$FAKE_LOG" >"$FAKE_RT"
	chmod 0755 "$FAKE_RT"
}

@test "escape_cli: control: engines' create argv is forwarded verbatim and enforced" {
	local id
	fake_runtime
	new_id id
	local -a argvs=(
		# containerd's runc shim
		"--root $STATE --log $T/log.json --log-format json create --bundle $BUNDLE --pid-file $T/pid --console-socket $T/console.sock $id"
		# containerd with SystemdCgroup, CRI-O
		"--root $STATE --log $T/log.json --log-format json --systemd-cgroup create --bundle $BUNDLE --pid-file $T/pid $id"
		# podman (runc and crun), with --no-pivot / --no-new-keyring
		"--systemd-cgroup --root $STATE create --bundle $BUNDLE --pid-file $T/pid --no-new-keyring $id"
		"--root $STATE --log $T/log create --bundle $BUNDLE --pid-file $T/pid --no-pivot $id"
		# Docker
		"--root $STATE --log $T/log.json --log-format json create --bundle $BUNDLE --pid-file $T/pid $id"
	)
	local a
	for a in "${argvs[@]}"; do
		: >"$FAKE_LOG"
		# shellcheck disable=SC2086
		RUNGUARD_RUNTIME=$FAKE_RT rg $a
		assert_status 0
		# shellcheck disable=SC2086
		[[ "$(cat "$FAKE_LOG")" == "argv:$(printf ' %q' $a)" ]] ||
			{ die "argv changed: $(cat "$FAKE_LOG")"; return 1; }
		[[ "$(cfg "$BUNDLE" .process.noNewPrivileges)" == true ]] || { die "not enforced: $a"; return 1; }
	done
}

@test "escape_cli: control: containerd's create then start on real runc; config.json enforced" {
	local id
	new_id id
	rg --root "$STATE" --log "$T/log.json" --log-format json create --bundle "$BUNDLE" --pid-file "$T/pid" "$id"
	assert_status 0
	[[ -s "$T/pid" ]]
	[[ "$(cfg "$BUNDLE" .process.noNewPrivileges)" == true ]]
	rg --root "$STATE" --log "$T/log.json" --log-format json start "$id"
	assert_status 0
	wait_status "$STATE" "$id" stopped
	rg --root "$STATE" delete "$id"
	assert_status 0
}

@test "escape_cli: ps runs no 'ps' from the caller's PATH (runc alone would)" {
	local id
	sleeper id
	mkdir -p "$T/evil"
	printf '#!/bin/sh\ntouch "%s"\n' "$T/ps-ran" >"$T/evil/ps"
	chmod 0755 "$T/evil/ps"
	PATH="$T/evil:$PATH" rg --root "$STATE" ps "$id"
	assert_status 0
	[[ ! -e "$T/ps-ran" ]] || die "runguard let runc run ps from the caller's PATH"
	PATH="$T/evil:$PATH" real_runc --root "$STATE" ps "$id"
	[[ -e "$T/ps-ran" ]] || skip "this runc does not look ps up through PATH"
}

@test "escape_cli: crun --cgroup-manager disabled (any spelling) is refused on create/run/exec/update" {
	need_crun
	make_spy
	local id spelling
	for spelling in "--cgroup-manager disabled" "--cgroup-manager=disabled" "--cg disabled" "--cgroup-m=disabled"; do
		new_id id
		: >"$SPY_LOG"
		# shellcheck disable=SC2086
		RUNGUARD_RUNTIME=$CRUN rg $spelling --root "$STATE" run -b "$BUNDLE" "$id"
		assert_failed_cleanly
		assert_contains "$stderr" "no cgroup"
		# shellcheck disable=SC2086
		RUNGUARD_RUNTIME=$CRUN rg $spelling --root "$STATE" update --pids-limit 10 "$id"
		assert_failed_cleanly
		assert_contains "$stderr" "no cgroup"
	done
	[[ -z "$(crun_containers)" ]]
	# the control: other managers are crun's business
	fake_runtime
	RUNGUARD_RUNTIME=$FAKE_RT rg --cgroup-manager=cgroupfs --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(cat "$FAKE_LOG")" == "argv:$(printf ' %q' --cgroup-manager=cgroupfs --root "$STATE" create -b "$BUNDLE" "$id")" ]]
}

@test "escape_cli: an unknown subcommand is refused with a selector in enforce mode, and passed on, recorded would-reject, when every mode is audit" {
	make_spy
	use_config '{"mode": "audit", "selectors": [{"match": {"x": "y"}, "mode": "enforce"}]}'
	: >"$SPY_LOG"
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" mounts add c1 "$T/m.json"
	assert_failed_cleanly
	[[ ! -s "$SPY_LOG" ]] || die "the runtime ran: $(cat "$SPY_LOG")"
	[[ "$(jq -r .decision "$AUDIT" | tail -n 1)" == rejected ]] || die "audit: $(tail -n 1 "$AUDIT")"
	use_config '{"mode": "audit"}'
	: >"$SPY_LOG"
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" mounts add c1 "$T/m.json"
	# runc has no "mounts": its own error, its own status.
	[[ "$status" -ne 0 && "$stderr" == *"No help topic for 'mounts'"* ]] || die "status $status, stderr: $stderr"
	grep -q "mounts add c1" "$SPY_LOG" || die "the runtime did not get the command: $(cat "$SPY_LOG")"
	[[ "$(jq -r .decision "$AUDIT" | tail -n 1)" == would-reject ]] || die "audit: $(tail -n 1 "$AUDIT")"
	[[ "$(jq -r '.violations[0].rule' "$AUDIT" | tail -n 1)" == cli ]] || die "audit: $(tail -n 1 "$AUDIT")"
	# runc's own answer for a command it does not have (runc's suite: "runc foo -h").
	RUNGUARD_RUNTIME=$REAL_RUNC rg foo -h
	[[ "$status" -ne 0 && "$stderr" == *"No help topic for 'foo'"* ]] || die "status $status, stderr: $stderr"
}
