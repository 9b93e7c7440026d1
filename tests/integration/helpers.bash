# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Common set-up for runguard's bats suites. Every test gets:
#   $T        its own temporary directory ($BATS_TEST_TMPDIR)
#   $STATE    a private runc --root state directory
#   $BUNDLE   a bundle path (made by make_bundle)
#   new_id    container ids unique per test and per suite run
# and teardown deletes every container in every state directory the test
# used, runs the test's registered clean-ups and removes its files.
#
# Commands are run with rg/real_runc/run_cmd, not with bats' `run`: a
# container started by `create` or `run -d` keeps its stdio open, and bats'
# `run` reads a pipe to end-of-file, so it would hang. We redirect to files
# instead and set the same variables `run` would ($status, $output, $lines)
# plus $stderr. A command that outlives $RG_TIMEOUT seconds fails the test.
#
# Strict mode: with RUNGUARD_STRICT=1 (CI sets it) a skip is a failure, so a
# machine that cannot run a test cannot report it as passed.

: "${RUNGUARD_BIN:?RUNGUARD_BIN must name the runguard binary under test}"
RUNGUARD_BIN=$(readlink -f "$RUNGUARD_BIN")

# The real runc the tests compare against: the first of runguard's search list.
if [[ -z "${REAL_RUNC:-}" ]]; then
	for REAL_RUNC in /usr/bin/runc /usr/sbin/runc /usr/local/bin/runc /usr/local/sbin/runc; do
		[[ -x "$REAL_RUNC" ]] && break
	done
fi
export REAL_RUNC

# The runtime whose state directories the tests read and clean up: runc, or
# crun in crun.bats. When RG_NS_PID names a process, that runtime (and
# whatever a suite starts through rg_ns) runs in its mount namespace; RG_NS
# is the command prefix that enters it, empty otherwise (crun.bats on a host
# whose cgroup2 hierarchy holds controllers, which crun refuses).
: "${RG_STATE_RUNTIME:=$REAL_RUNC}"
rg_ns_init() {
	RG_NS=()
	[[ -z "${RG_NS_PID:-}" ]] || RG_NS=(nsenter -t "$RG_NS_PID" -m --)
}
rg_ns_init

# The default ceiling of the embedded policy (containers-common default set).
CEILING_CAPS=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_NET_BIND_SERVICE
	CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYS_CHROOT)
# Bits 0,1,3,4,5,6,7,8,10,18,31.
CEILING_MASK=0x00000000800405fb

# All 41 capabilities of Linux 5.9+, in bit order (CAP_CHOWN = 0 ... CAP_CHECKPOINT_RESTORE = 40).
ALL_CAPS=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID
	CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN
	CAP_NET_RAW CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE
	CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME
	CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP
	CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ
	CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE)

# Applets linked into the test rootfs.
RG_APPLETS=(sh ash cat grep egrep echo sleep true false ls id unshare env printf head tail awk sed
	cut tr wc test '[' mkdir touch seq kill ps stat readlink setpriv nsenter hostname uname)

# ---------------------------------------------------------------------------
# failing, skipping

# die MESSAGE...: fail the current test with a message.
die() {
	printf '# FAIL: %s\n' "$*" >&2
	return 1
}

is_strict() {
	[[ "${RUNGUARD_STRICT:-0}" == 1 ]]
}

if is_strict; then
	# Replaces bats' skip: in strict mode a skipped test is a failed test.
	skip() {
		printf '# strict mode (RUNGUARD_STRICT=1): refusing to skip: %s\n' "${1:-no reason given}" >&2
		return 1
	}
fi

# require_or_skip REASON COMMAND...: runs COMMAND; if it fails, skips the test
# with REASON, or fails it in strict mode.
require_or_skip() {
	local reason=$1
	shift
	if "$@" >/dev/null 2>&1; then
		return 0
	fi
	if is_strict; then
		die "strict mode: requirement not met: $reason"
		return 1
	fi
	skip "$reason"
}

# ---------------------------------------------------------------------------
# running commands

RG_TIMEOUT=${RG_TIMEOUT:-60}

# run_cmd COMMAND...: runs COMMAND with stdin from /dev/null (the file
# $RG_STDIN when set) and stdout and stderr in files ($RG_OUT, $RG_ERR),
# under a timeout. Sets status, output, stderr and lines. Returns non-zero
# (failing the test) only on a timeout or, for runguard itself, a sanitizer
# report.
run_cmd() {
	run_cmd_reporting 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$@"
}

# run_cmd_reporting REGEX COMMAND...: run_cmd where a line of stderr matching
# the extended REGEX is taken for a sanitizer report.
run_cmd_reporting() {
	local report_re=$1
	shift
	RG_RUN_N=$((${RG_RUN_N:-0} + 1))
	RG_OUT=$T/cmd.$RG_RUN_N.out
	RG_ERR=$T/cmd.$RG_RUN_N.err
	status=0
	timeout --kill-after=5 "$RG_TIMEOUT" "$@" <"${RG_STDIN:-/dev/null}" >"$RG_OUT" 2>"$RG_ERR" || status=$?
	output=$(cat "$RG_OUT")
	stderr=$(cat "$RG_ERR")
	lines=()
	[[ -z "$output" ]] || mapfile -t lines <<<"$output"
	{
		printf '# $ %s%s\n' "$*" "${RG_STDIN:+ < $RG_STDIN}"
		printf '# exit %s\n' "$status"
		[[ -z "$output" ]] || sed 's/^/# stdout: /' <<<"$output" | head -n 60
		[[ -z "$stderr" ]] || sed 's/^/# stderr: /' <<<"$stderr" | head -n 60
	} >&2
	if [[ $status -eq 124 || $status -eq 137 ]]; then
		die "timed out after ${RG_TIMEOUT}s: $*"
		return 1
	fi
	if grep -qE "$report_re" "$RG_ERR"; then
		die "sanitizer report from: $*"
		return 1
	fi
	return 0
}

# rg ARGS...: runs the runguard under test (in $RG_NS).
rg() {
	run_cmd "${RG_NS[@]}" "$RUNGUARD_BIN" "$@"
}

# real_runc ARGS...: runs the real runc (the reference).
real_runc() {
	run_cmd "$REAL_RUNC" "$@"
}

# assert_status N: $status equals N.
assert_status() {
	[[ "$status" -eq "$1" ]] || { die "expected exit status $1, got $status"; return 1; }
}

# assert_failed_cleanly: non-zero exit that is not a crash or a signal.
assert_failed_cleanly() {
	[[ "$status" -ne 0 ]] || { die "expected failure, got exit 0"; return 1; }
	[[ "$status" -lt 126 ]] || { die "exit status $status looks like a crash or a signal"; return 1; }
}

# assert_contains HAYSTACK NEEDLE [what]: fixed-string containment.
assert_contains() {
	grep -qF -- "$2" <<<"$1" || { die "${3:-text} does not contain '$2'"; return 1; }
}

# assert_not_contains HAYSTACK NEEDLE [what]
assert_not_contains() {
	! grep -qF -- "$2" <<<"$1" || { die "${3:-text} unexpectedly contains '$2'"; return 1; }
}

# rg_stdin FILE ARGS...: runguard with stdin from FILE.
rg_stdin() {
	# shellcheck disable=SC2034 # read by run_cmd (helpers.bash)
	local RG_STDIN=$1
	shift
	rg "$@"
}

# strip_time: drops logrus' time="..." from runc's messages, to compare them.
strip_time() {
	sed -E 's/time="[^"]*" ?//g'
}

# ---------------------------------------------------------------------------
# rootfs, bundles, ids

# ensure_rootfs: builds the busybox-static rootfs once per suite run.
ensure_rootfs() {
	RG_ROOTFS=$BATS_RUN_TMPDIR/rootfs
	[[ -f "$RG_ROOTFS/.done" ]] && return 0
	local busybox
	busybox=$(command -v busybox || true)
	[[ -n "$busybox" ]] || busybox=/bin/busybox
	[[ -x "$busybox" ]] || { die "busybox-static is not installed (apt-get install busybox-static)"; return 1; }
	if ldd "$busybox" >/dev/null 2>&1; then
		die "$busybox is dynamically linked; install busybox-static"
		return 1
	fi
	(
		flock 9
		[[ -f "$RG_ROOTFS/.done" ]] && exit 0
		rm -rf "$RG_ROOTFS"
		mkdir -p "$RG_ROOTFS"/{bin,dev,etc,proc,sys,tmp,run,root}
		cp "$busybox" "$RG_ROOTFS/bin/busybox"
		local a
		for a in "${RG_APPLETS[@]}"; do
			ln -s busybox "$RG_ROOTFS/bin/$a"
		done
		printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
			>"$RG_ROOTFS/etc/passwd"
		printf 'root:x:0:\nnogroup:x:65534:\n' >"$RG_ROOTFS/etc/group"
		chmod 1777 "$RG_ROOTFS/tmp"
		touch "$RG_ROOTFS/.done"
	) 9>"$BATS_RUN_TMPDIR/rootfs.lock"
}

# make_bundle DIR [ARG...]: a fresh bundle in DIR with `runc spec`'s config,
# terminal false and process.args = ARG... (default: true).
make_bundle() {
	local dir=$1
	shift
	[[ $# -gt 0 ]] || set -- true
	ensure_rootfs
	mkdir -p "$dir"
	chmod 0755 "$dir"
	# Hard links share the busybox binary; the rootfs is mounted read-only.
	cp -al "$RG_ROOTFS" "$dir/rootfs" 2>/dev/null || cp -a "$RG_ROOTFS" "$dir/rootfs"
	rm -f "$dir/rootfs/.done"
	(cd "$dir" && "$REAL_RUNC" spec) || { die "runc spec failed in $dir"; return 1; }
	local args
	args=$(jq -cn '$ARGS.positional' --args -- "$@")
	edit_config "$dir" --argjson a "$args" '.process.terminal = false | .process.args = $a'
}

# edit_config DIR JQ-ARGS...: rewrites DIR/config.json with jq, in place
# (same inode and mode), with no temporary file in DIR.
edit_config() {
	local dir=$1
	shift
	jq "$@" "$dir/config.json" >"$T/.edit.json" || { die "jq failed on $dir/config.json: $*"; return 1; }
	cat "$T/.edit.json" >"$dir/config.json"
	rm -f "$T/.edit.json"
}

# cfg DIR JQ-FILTER: evaluates a jq filter on DIR/config.json (compact).
cfg() {
	jq -c "$2" "$1/config.json"
}

# new_id VAR: stores a fresh container id in VAR.
new_id() {
	RG_ID_N=$((${RG_ID_N:-0} + 1))
	printf -v "$1" 'rgt-%s-%s-%s' "$$" "${BATS_SUITE_TEST_NUMBER:-0}" "$RG_ID_N"
}

# use_state DIR: registers another runc state directory for teardown.
use_state() {
	RG_STATES+=("$1")
}

# on_teardown COMMAND-STRING: runs COMMAND-STRING (eval) in teardown, last first.
on_teardown() {
	RG_CLEANUPS+=("$1")
}

# container_status ROOT ID: prints the runtime's status of a container, or nothing.
container_status() {
	"${RG_NS[@]}" "$RG_STATE_RUNTIME" --root "$1" state "$2" 2>/dev/null | jq -r .status 2>/dev/null || true
}

# wait_status ROOT ID STATUS [SECONDS]
wait_status() {
	local i n=$((${4:-10} * 10))
	for ((i = 0; i < n; i++)); do
		[[ "$(container_status "$1" "$2")" == "$3" ]] && return 0
		sleep 0.1
	done
	die "container $2 did not reach status $3 (now: $(container_status "$1" "$2"))"
	return 1
}

# run_bundle VAR: runguard run (in the foreground) of $BUNDLE as a new
# container in $STATE; its id in VAR.
run_bundle() {
	new_id "$1"
	rg --root "$STATE" run -b "$BUNDLE" "${!1}"
}

# start_running VAR RUNNER BUNDLE: a running container (sleep 3600 from
# BUNDLE, made when missing) started by `RUNNER --root $STATE run -d`, RUNNER
# being rg or real_runc; its id in VAR.
start_running() {
	local started_id
	new_id started_id
	[[ -d "$3" ]] || make_bundle "$3" sleep 3600
	"$2" --root "$STATE" run -d -b "$3" "$started_id"
	assert_status 0 || return 1
	wait_status "$STATE" "$started_id" running || return 1
	printf -v "$1" '%s' "$started_id"
}

# same_audit_run REF_CMD: in audit mode, a container that prints on both
# streams and exits 7, run by REF_CMD (real_runc, crun_cmd) and through
# runguard: same status, stdout and stderr (runguard's warnings aside), and
# config.json untouched. Both containers are deleted.
same_audit_run() {
	use_config '{"mode": "audit"}'
	make_bundle "$BUNDLE" sh -c 'echo out; echo err >&2; exit 7'
	local a b before rs ro re
	before=$(sha256sum <"$BUNDLE/config.json")
	new_id a
	"$1" --root "$STATE" run -b "$BUNDLE" "$a"
	rs=$status ro=$output re=$stderr
	new_id b
	rg --root "$STATE" run -b "$BUNDLE" "$b"
	assert_status "$rs" || return 1
	[[ "$rs" == 7 && "$output" == "$ro" ]] || { die "stdout [$output], the runtime's [$ro] (status $rs)"; return 1; }
	# Audit mode only warns on stderr (runguard: warning: ...); the rest is the container's.
	[[ "$(grep -v '^runguard: warning: ' <<<"$stderr")" == "$re" ]] || { die "stderr [$stderr], the runtime's [$re]"; return 1; }
	[[ "$(sha256sum <"$BUNDLE/config.json")" == "$before" ]] || { die "audit mode rewrote config.json"; return 1; }
	"$1" --root "$STATE" delete "$a"
	"$1" --root "$STATE" delete "$b"
}

# start_container VAR: a running container (sleep) from $BUNDLE started by
# runguard run -d.
start_container() {
	start_running "$1" rg "$BUNDLE"
}

# containers_in ROOT: ids of the containers in a state directory.
containers_in() {
	"${RG_NS[@]}" "$RG_STATE_RUNTIME" --root "$1" list -q 2>/dev/null || true
}

# assert_no_containers [ROOT]
assert_no_containers() {
	local left
	left=$(containers_in "${1:-$STATE}")
	[[ -z "$left" ]] || { die "containers left behind in ${1:-$STATE}: $left"; return 1; }
}

# all_caps_json: ALL_CAPS as a compact JSON array.
all_caps_json() {
	printf '%s\n' "${ALL_CAPS[@]}" | jq -R . | jq -sc .
}

# all_caps_config DIR: every capability in all five sets, no seccomp,
# noNewPrivileges false, no pids limit.
all_caps_config() {
	local caps
	caps=$(all_caps_json)
	edit_config "$1" --argjson c "$caps" '
		.process.capabilities = {bounding: $c, effective: $c, inheritable: $c, permitted: $c, ambient: $c}
		| .process.noNewPrivileges = false
		| del(.linux.seccomp)
		| del(.linux.resources.pids)'
}

# process_file PATH JQ-FILTER: a process.json as containerd writes one, with
# every capability, no_new_privs off, and the probe script, then FILTER.
process_file() {
	local caps
	caps=$(all_caps_json)
	jq -n --argjson c "$caps" --arg probe "$PROBE_SCRIPT" '{
		terminal: false, user: {uid: 0, gid: 0}, args: ["sh", "-c", $probe],
		env: ["PATH=/bin"], cwd: "/",
		capabilities: {bounding: $c, effective: $c, permitted: $c, inheritable: $c},
		noNewPrivileges: false
	}' | jq "$2" >"$1"
	chmod 0640 "$1"
}

# ---------------------------------------------------------------------------
# what a container saw

# cg ID CONTROLLER FILE: the value of a cgroup v1 file of the container in
# $STATE, as the kernel applies it (path from its init's /proc/PID/cgroup).
# On a cgroup v2 host (Debian 12's default) the v1 names the tests use are
# read from their v2 files, in v1's terms: memory.limit_in_bytes from
# memory.max, cpu.cfs_quota_us and cpu.cfs_period_us from cpu.max ("max"
# as -1), memory.failcnt from memory.events' max count, pids.max as is.
cg() {
	local pid line path dir
	pid=$("${RG_NS[@]}" "$RG_STATE_RUNTIME" --root "$STATE" state "$1" | jq -r .pid)
	line=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print }' "/proc/$pid/cgroup")
	if [[ -z "$line" ]]; then
		line=$(grep '^0::' "/proc/$pid/cgroup") || { die "no $2 cgroup for pid $pid"; return 1; }
		cg_v2 "/sys/fs/cgroup${line#0::}" "$3"
		return
	fi
	path=${line#*:*:}
	for dir in "/sys/fs/cgroup/$(cut -d: -f2 <<<"$line")" "/sys/fs/cgroup/$2"; do
		if [[ -r "$dir$path/$3" ]]; then
			cat "$dir$path/$3"
			return 0
		fi
	done
	die "no $3 for $2 at $path"
}

# cg_v2 DIR V1FILE: a cgroup v1 file's value read from cgroup v2 DIR (see cg).
cg_v2() {
	local q p
	case $2 in
	memory.limit_in_bytes) cat "$1/memory.max" ;;
	pids.max) cat "$1/pids.max" ;;
	cpu.cfs_quota_us | cpu.cfs_period_us)
		read -r q p <"$1/cpu.max" || return 1
		[[ $q != max ]] || q=-1
		if [[ $2 == cpu.cfs_quota_us ]]; then echo "$q"; else echo "$p"; fi
		;;
	memory.failcnt) awk '$1 == "max" { print $2 }' "$1/memory.events" ;;
	*) die "no cgroup v2 equivalent of $2 known to the tests" ;;
	esac
}

# CG_SH: shell text defining cgv V1FILE for scripts run inside a container
# (busybox sh, its own cgroup namespace, so its cgroup is /sys/fs/cgroup's
# root): the same v1 names, read from v1 or v2 files as cg does.
CG_SH='cgv() {
	case $1 in
	memory.limit_in_bytes) c=memory v=memory.max ;;
	memory.failcnt) c=memory v= ;;
	pids.max) c=pids v=pids.max ;;
	cpu.cfs_quota_us | cpu.cfs_period_us) c=cpu v= ;;
	esac
	if [ -e "/sys/fs/cgroup/$c/$1" ]; then cat "/sys/fs/cgroup/$c/$1"; return; fi
	case $1 in
	memory.failcnt) awk '\''$1 == "max" { print $2 }'\'' /sys/fs/cgroup/memory.events ;;
	cpu.cfs_quota_us) read q p </sys/fs/cgroup/cpu.max; [ "$q" = max ] && echo -1 || echo "$q" ;;
	cpu.cfs_period_us) read q p </sys/fs/cgroup/cpu.max; echo "$p" ;;
	*) cat "/sys/fs/cgroup/$v" ;;
	esac
}'

# status_field NAME: the value of a /proc/self/status field in $output.
status_field() {
	awk -v f="$1:" '$1 == f { print $2; exit }' <<<"$output"
}

# assert_mask_within FIELD MASK: /proc status FIELD (hex) has no bit outside MASK.
assert_mask_within() {
	local v
	v=$(status_field "$1")
	[[ -n "$v" ]] || { die "no $1 in the container's /proc/self/status"; return 1; }
	(((16#$v & ~$2) == 0)) || { die "$1 = 0x$v has bits outside the ceiling $2"; return 1; }
}

# assert_mask_equal FIELD MASK
assert_mask_equal() {
	local v
	v=$(status_field "$1")
	[[ -n "$v" ]] || { die "no $1 in the container's /proc/self/status"; return 1; }
	((16#$v == $2)) || { die "$1 = 0x$v, expected $(printf '0x%016x' "$(($2))")"; return 1; }
}

STATUS_FIELDS='^(Cap[A-Za-z]+|NoNewPrivs|Seccomp):'

# assert_confined: $output (a /proc status) shows the default policy applied:
# capabilities within the ceiling, seccomp filtering, no_new_privs.
assert_confined() {
	assert_mask_within CapEff "$CEILING_MASK"
	assert_mask_within CapPrm "$CEILING_MASK"
	assert_mask_within CapBnd "$CEILING_MASK"
	assert_mask_within CapAmb "$CEILING_MASK"
	[[ "$(status_field Seccomp)" == 2 ]] || { die "Seccomp is '$(status_field Seccomp)', expected 2"; return 1; }
	[[ "$(status_field NoNewPrivs)" == 1 ]] || { die "NoNewPrivs is '$(status_field NoNewPrivs)', expected 1"; return 1; }
}

# assert_hardened: assert_confined, and no ambient capabilities (what an
# engine asks for).
assert_hardened() {
	assert_confined || return 1
	assert_mask_equal CapAmb 0
}

# A shell snippet, run inside a container, printing what the tests look at.
PROBE_SCRIPT='grep -E "^(Cap[A-Za-z]+|NoNewPrivs|Seccomp|Seccomp_filters):" /proc/self/status
echo "pids.max: $(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max 2>&1)"
e=$(unshare -U true 2>&1); echo "unshare: $?"; echo "unshare.err: $e"'

# ---------------------------------------------------------------------------
# bundle snapshots and refusals

# bundle_snapshot DIR: a description of DIR that must not change when
# runguard refuses: listing, modes, owners, config.json's content hash.
bundle_snapshot() {
	local dir=$1 c=$1/config.json
	if [[ ! -e "$dir" && ! -L "$dir" ]]; then
		echo "missing"
		return 0
	fi
	ls -A "$dir"
	stat -c '%n %F %a %u:%g' "$dir"
	if [[ -L "$c" ]]; then
		printf 'config.json -> %s\n' "$(readlink "$c")"
		[[ -f "$c" ]] && sha256sum <"$c"
	elif [[ -p "$c" || -d "$c" ]]; then
		stat -c '%n %F %a %u:%g' "$c"
	elif [[ -e "$c" ]]; then
		stat -c '%n %F %a %u:%g %i' "$c"
		sha256sum <"$c"
	fi
}

# make_spy: a bash wrapper around the real runtime (runc, or crun in
# crun.bats; same file name) that logs every call to $SPY_LOG;
# RUNGUARD_RUNTIME=$SPY makes runguard use it.
make_spy() {
	SPY=$T/spy/${RG_STATE_RUNTIME##*/}
	SPY_LOG=$T/spy.log
	mkdir -p "$T/spy"
	: >"$SPY_LOG"
	cat >"$SPY" <<EOF
#!/bin/bash
{ printf 'argv:'; printf ' %q' "\$@"; printf '\n'; printf 'marker: %s\n' "\${RUNGUARD_ACTIVE-<unset>}"; } >>"$SPY_LOG"
for a in "\$@"; do
	case \$a in
	/proc/self/fd/*|--process=/proc/self/fd/*|--resources=/proc/self/fd/*)
		cat "/proc/self/fd/\${a##*/}" >"$T/spy/handed.\${a##*/}" 2>/dev/null ;;
	esac
done
exec "$RG_STATE_RUNTIME" "\$@"
EOF
	chmod 0755 "$SPY"
}

# make_swapper FROM TO: a runtime wrapper ($SWAPPER) that copies FROM over TO
# (a file the caller named with -p or -r; a symlink is repointed) and then
# runs the real runtime: the window between runguard's read and the runtime's.
make_swapper() {
	SWAPPER=$T/swap/${RG_STATE_RUNTIME##*/}
	mkdir -p "$T/swap"
	cat >"$SWAPPER" <<EOS
#!/bin/bash
case " \$* " in *" exec "*|*" update "*)
	if [[ -L "$2" ]]; then ln -sfn "$1" "$2"; else cat "$1" >"$2"; fi ;;
esac
exec "$RG_STATE_RUNTIME" "\$@"
EOS
	chmod 0755 "$SWAPPER"
}

# evil_process FILE: every capability, no_new_privs off, prints its status.
evil_process() {
	process_file "$1" '.args = ["grep", "-E", "^(Cap[A-Za-z]+|NoNewPrivs):", "/proc/self/status"]'
}

# assert_exec_confined: $output (an exec'd process's status, from
# evil_process) shows the ceiling and no_new_privs, and the exec succeeded.
assert_exec_confined() {
	assert_status 0 || return 1
	assert_mask_within CapEff "$CEILING_MASK" || return 1
	assert_mask_within CapBnd "$CEILING_MASK" || return 1
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is $(status_field NoNewPrivs)"
}

# spy_handed N: the bytes the spy found in /proc/self/fd/N, a memfd runguard
# handed the runtime in place of a -p/-r file.
spy_handed() {
	cat "$T/spy/handed.$1"
}

# spy_calls SUBCOMMAND: the spy's argv lines that ran SUBCOMMAND.
spy_calls() {
	grep -E "^argv:.* $1( |$)" "$SPY_LOG" || true
}

# audit_last COMMAND: the last line of $AUDIT for runguard COMMAND (exec, update, ...).
audit_last() {
	jq -c --arg c "$1" 'select(.command == $c)' "$AUDIT" | tail -n 1
}

# expect_refused BUNDLE-PATH NEEDLE...: runguard `create`, `run` and `restore`
# on the bundle must each be refused: non-zero exit that is no crash, nothing
# on stdout, every NEEDLE in stderr (a needle "a|b|c" matches any of them),
# the bundle byte-identical (no temp files either), no container in $STATE,
# and the real runtime never started. RG_REFUSE_SUBCMDS overrides the list.
expect_refused() {
	local bundle=$1
	shift
	local before after sub id needle alt ok n
	before=$(bundle_snapshot "$bundle")
	make_spy
	for sub in ${RG_REFUSE_SUBCMDS:-create run restore}; do
		new_id id
		: >"$SPY_LOG"
		case $sub in
		restore)
			# restore is refused unless allowed: allow it, so that the
			# refusal looked for is config.json's, as for create
			if [[ -n "${RUNGUARD_CONFIG:-}" ]]; then
				jq '.restore.allow = true' "$RUNGUARD_CONFIG" >"$T/restore-allowed.json" 2>/dev/null ||
					cp "$RUNGUARD_CONFIG" "$T/restore-allowed.json"
			else
				echo '{"restore": {"allow": true}}' >"$T/restore-allowed.json"
			fi
			RUNGUARD_CONFIG=$T/restore-allowed.json RUNGUARD_RUNTIME=$SPY \
				rg --root "$STATE" restore --image-path "$T/checkpoint" --bundle "$bundle" "$id"
			;;
		*)
			RUNGUARD_RUNTIME=$SPY rg --root "$STATE" "$sub" -b "$bundle" "$id"
			;;
		esac
		assert_failed_cleanly || { die "runguard $sub was not refused cleanly"; return 1; }
		[[ -z "$output" ]] || { die "runguard $sub wrote to stdout: $output"; return 1; }
		[[ -n "$stderr" ]] || { die "runguard $sub: no error message on stderr"; return 1; }
		for needle in "$@"; do
			ok=0
			IFS='|' read -r -a alt <<<"$needle"
			for n in "${alt[@]}"; do
				grep -qF -- "$n" <<<"$stderr" && ok=1
			done
			[[ $ok == 1 ]] || { die "runguard $sub: stderr does not mention '$needle'"; return 1; }
		done
		[[ ! -s "$SPY_LOG" ]] || { die "runguard $sub started the real runtime: $(cat "$SPY_LOG")"; return 1; }
		after=$(bundle_snapshot "$bundle")
		if [[ "$after" != "$before" ]]; then
			die "runguard $sub changed the bundle:"$'\n'"before: $before"$'\n'"after: $after"
			return 1
		fi
		assert_no_containers || return 1
	done
}

# write_config DIR TEXT: replaces DIR/config.json's content with TEXT verbatim.
write_config() {
	printf '%s' "$2" >"$1/config.json"
}

# use_config JSON: the runguard configuration for what follows
# (RUNGUARD_CONFIG), auditing to $AUDIT ($T/audit.log) unless JSON names
# its own audit file.
use_config() {
	AUDIT=$T/audit.log
	printf '%s' "$1" | jq --arg a "$AUDIT" '.audit.file //= $a' >"$T/runguard.json" ||
		{ die "bad test configuration: $1"; return 1; }
	export RUNGUARD_CONFIG=$T/runguard.json
}

# ---------------------------------------------------------------------------
# setup and teardown

rg_setup() {
	umask 022
	T=$BATS_TEST_TMPDIR
	STATE=$T/state
	BUNDLE=$T/bundle
	mkdir -p "$STATE"
	chmod 0711 "$STATE"
	RG_STATES=("$STATE")
	RG_CLEANUPS=()
	RG_ID_N=0
	RG_RUN_N=0
	unset RUNGUARD_RUNTIME RUNGUARD_ACTIVE
	ensure_rootfs
}

# rg_forget_caches: a passthrough call as root caches a configuration file it
# parsed (one more than a second old) in /run/runguard; removes those of this
# bats run's files (the tests' and the suites' configurations). Called by
# rg_teardown and by the engine suites' teardown_file (an engine stopping
# may call runguard after the last test).
rg_forget_caches() {
	local c run=${BATS_RUN_TMPDIR:-${T:-}}
	[[ -n "$run" ]] || return 0
	for c in /run/runguard/config-*.cache; do
		grep -qsF -- "$run/" "$c" && rm -f "$c"
	done
	rmdir /run/runguard 2>/dev/null || true
}

rg_teardown() {
	local s id i
	for s in "${RG_STATES[@]}"; do
		[[ -d "$s" ]] || continue
		for id in $(containers_in "$s"); do
			"${RG_NS[@]}" "$RG_STATE_RUNTIME" --root "$s" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	rg_forget_caches
	for ((i = ${#RG_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${RG_CLEANUPS[i]}" || true
	done
	# bats removes $BATS_TEST_TMPDIR too; this covers --no-tempdir-cleanup runs
	# with read-only or odd-mode leftovers (FIFOs, 0777 dirs, hard links).
	if [[ -n "${T:-}" && -d "$T" ]]; then
		chmod -R u+rwX "$T" 2>/dev/null || true
		find "$T" -mindepth 1 -delete 2>/dev/null || rm -rf "${T:?}"/* 2>/dev/null || true
	fi
}

setup() {
	rg_setup
}

teardown() {
	rg_teardown
}
