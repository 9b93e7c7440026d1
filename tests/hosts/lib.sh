# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Helpers for the guest scripts of the host matrix (run inside the guest,
# as root, from /opt/rg). Output is TAP on stdout: `t NAME FUNCTION ARGS...`
# runs one test; `done_testing` prints the plan.

RG=/usr/local/sbin/runguard
# Where an engine keeps them, so that the SELinux policy labels them for runc.
STATE=/var/lib/containers/rg-state
WORK=/var/lib/containers/rg-work
mkdir -p "$STATE" "$WORK"
# The default ceiling of the embedded policy (helpers.bash: CEILING_MASK).
CEILING_MASK=0x00000000800405fb
# All 41 capabilities of Linux 5.9+ (helpers.bash: ALL_CAPS), so that what the
# container gets is the ceiling itself.
ALL_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_LINUX_IMMUTABLE","CAP_NET_BIND_SERVICE","CAP_NET_BROADCAST","CAP_NET_ADMIN","CAP_NET_RAW","CAP_IPC_LOCK","CAP_IPC_OWNER","CAP_SYS_MODULE","CAP_SYS_RAWIO","CAP_SYS_CHROOT","CAP_SYS_PTRACE","CAP_SYS_PACCT","CAP_SYS_ADMIN","CAP_SYS_BOOT","CAP_SYS_NICE","CAP_SYS_RESOURCE","CAP_SYS_TIME","CAP_SYS_TTY_CONFIG","CAP_MKNOD","CAP_LEASE","CAP_AUDIT_WRITE","CAP_AUDIT_CONTROL","CAP_SETFCAP","CAP_MAC_OVERRIDE","CAP_MAC_ADMIN","CAP_SYSLOG","CAP_WAKE_ALARM","CAP_BLOCK_SUSPEND","CAP_AUDIT_READ","CAP_PERFMON","CAP_BPF","CAP_CHECKPOINT_RESTORE"]'

tap_n=0
t() {
	local name=$1 out rc t0=$SECONDS
	shift
	tap_n=$((tap_n + 1))
	# Any fail() fails the test, not only the last command's status.
	out=$(
		failed=
		"$@" 2>&1
		r=$?
		[[ -z $failed ]] || r=1
		exit $r
	)
	rc=$?
	echo "# $((SECONDS - t0)) s"
	if [[ $rc -eq 0 ]]; then
		echo "ok $tap_n $name"
	else
		echo "not ok $tap_n $name"
		sed 's/^/# /' <<<"$out"
	fi
}
done_testing() { echo "1..$tap_n"; }

# bounded SECS CMD...: CMD, killed after SECS seconds. A command that hangs
# fails its test, listing the guest's processes (pid, state, kernel wait
# channel, command line), instead of stalling the guest until the host
# kills it with nothing to show (a selinux guest once hung in test 2).
bounded() {
	local secs=$1 rc p st
	shift
	timeout -k 5 "$secs" "$@"
	rc=$?
	[[ $rc -eq 124 || $rc -eq 137 ]] || return $rc
	echo "HUNG after $secs s: $*"
	for p in /proc/[0-9]*; do
		read -r _ _ st _ <"$p/stat" 2>/dev/null || continue
		echo "${p#/proc/} $st $(cat "$p/wchan" 2>/dev/null) $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-150)"
	done
	fail "hung: $*"
}

# fail MSG: says what failed and fails the test being run (see t), whatever
# the test function returns after it.
fail() {
	echo "FAIL: $*"
	failed=1
	return 1
}

# mk_bundle DIR ARGS...: a busybox bundle from `runc spec`, running ARGS
# without a terminal (and with every capability asked for, so that the
# ceiling is what is tested).
mk_bundle() {
	local b=$1 a args
	shift
	rm -rf "$b" && mkdir -p "$b/rootfs/bin" "$b/rootfs/proc" "$b/rootfs/sys" "$b/rootfs/dev" "$b/rootfs/tmp"
	cp /opt/rg/busybox/bin/busybox "$b/rootfs/bin/busybox"
	for a in sh cat grep echo sleep id ls head touch mkdir tr sed awk; do
		ln -sf busybox "$b/rootfs/bin/$a"
	done
	(cd "$b" && runc spec) || return 1
	# jq would take a "-c" among the args for its own option: build the array here.
	args=$(for a in "$@"; do jq -n --arg a "$a" '$a'; done | jq -s -c .)
	jq --argjson caps "$ALL_CAPS" --argjson args "$args" '.process.terminal = false | .process.args = $args
		| .process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps}
		| .process.noNewPrivileges = false | .root.readonly = false' \
		<"$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# edit B JQ_FILTER [jq args]: edits B/config.json.
edit() {
	local b=$1
	shift
	jq "$@" <"$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# field NAME: the value after "NAME:" in $out (first match).
field() { sed -n "s/^$1:[[:space:]]*//p" <<<"$out" | head -1; }

# rg_run B ID: runs the bundle through runguard in the foreground; $out holds
# stdout+stderr, $rc the exit code.
rg_run() {
	out=$("$RG" --root "$STATE" run --bundle "$1" "$2" 2>&1)
	rc=$?
	"$RG" --root "$STATE" delete -f "$2" >/dev/null 2>&1
	return 0
}

# host_cgroup ID: the container's cgroup v2 directory on the host (from its
# init's /proc/PID/cgroup); ID must be running.
host_cgroup() {
	local pid
	pid=$("$RG" --root "$STATE" state "$1" | jq -r .pid) || return 1
	echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")"
}

# rg_start B ID: starts the bundle detached (stdio on /dev/null).
rg_start() {
	bounded 180 "$RG" --root "$STATE" run -d --bundle "$1" "$2" </dev/null >/dev/null 2>"$WORK/$2.err" || {
		cat "$WORK/$2.err"
		fail "run -d $2 failed"
	}
}

# proc_attr ID: the LSM context of the container's init (/proc/PID/attr/current).
proc_attr() {
	local pid
	pid=$("$RG" --root "$STATE" state "$1" | jq -r .pid) || return 1
	tr -d '\0' <"/proc/$pid/attr/current"
}

# rg_exec ID CMD...: runs CMD in the container; $out and $rc as rg_run.
rg_exec() {
	local id=$1
	shift
	out=$("$RG" --root "$STATE" exec "$id" "$@" </dev/null 2>&1)
	rc=$?
}
