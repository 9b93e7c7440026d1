#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Host kind "cgroupv2": Debian 12's default cgroup layout (cgroup2 only,
# nothing v1). runguard's core hardening through runc and through crun
# (which refuses the hybrid layout of the CI machine, so it is proven here),
# then the integration suites that read cgroup files, unchanged.
cd /opt/rg || exit 1
. ./lib.sh

PROBE='grep -E "^(CapEff|CapBnd|Seccomp|NoNewPrivs):" /proc/self/status
echo "pids.max: $(cat /sys/fs/cgroup/pids.max)"
echo "memory.max: $(cat /sys/fs/cgroup/memory.max)"
echo "cpu.max: $(cat /sys/fs/cgroup/cpu.max)"
echo "cgroup: $(cat /proc/self/cgroup)"'

# hardened RUNTIME: a container asking for everything comes up at the ceiling.
hardened() {
	local runtime=$1 id=hard-${1##*/} mem cpus
	mk_bundle "$WORK/$id" sh -c "$PROBE" || return 1
	RUNGUARD_RUNTIME=$runtime rg_run "$WORK/$id" "$id"
	echo "$out"
	[[ $rc -eq 0 ]] || fail "run exited $rc"
	[[ "$(field CapEff)" == "${CEILING_MASK#0x}" ]] || fail "CapEff $(field CapEff)"
	[[ "$(field CapBnd)" == "${CEILING_MASK#0x}" ]] || fail "CapBnd $(field CapBnd)"
	[[ "$(field Seccomp)" == 2 ]] || fail "Seccomp $(field Seccomp)"
	[[ "$(field NoNewPrivs)" == 1 ]] || fail "NoNewPrivs $(field NoNewPrivs)"
	[[ "$(field pids.max)" == 2048 ]] || fail "pids.max $(field pids.max)"
	# memory default 50% of the host's memory (rounded down to 4 KiB)
	mem=$(awk '/^MemTotal:/ { printf "%d", int($2 * 1024 / 2 / 4096) * 4096 }' /proc/meminfo)
	[[ "$(field memory.max)" == "$mem" ]] || fail "memory.max $(field memory.max), want $mem"
	# CPU quota: half the online CPUs, at least one, period 100000
	cpus=$(nproc)
	# shellcheck disable=SC2017 # whole CPUs: half of them, rounded down
	want=$(( cpus / 2 < 1 ? 100000 : cpus / 2 * 100000 ))
	[[ "$(field cpu.max)" == "$want 100000" ]] || fail "cpu.max $(field cpu.max), want $want 100000"
	[[ "$(field cgroup)" == "0::/" ]] || fail "not in a private cgroup namespace: $(field cgroup)"
}

# update_pids RUNTIME: update is judged and reaches the cgroup v2 files.
update_limits() {
	local runtime=$1 id=upd-${1##*/} cg mem
	mk_bundle "$WORK/$id" sleep 600 || return 1
	export RUNGUARD_RUNTIME=$runtime
	"$RG" --root "$STATE" run -d --bundle "$WORK/$id" "$id" </dev/null >/dev/null 2>&1 ||
		fail "run -d failed" || return 1
	cg=$(host_cgroup "$id") || return 1
	echo "cgroup $cg: pids.max $(cat "$cg/pids.max")"
	"$RG" --root "$STATE" update --pids-limit 100 "$id" || fail "update --pids-limit 100 failed"
	[[ "$(cat "$cg/pids.max")" == 100 ]] || fail "pids.max $(cat "$cg/pids.max") after update 100"
	# above the ceiling: clamped or refused, never applied
	"$RG" --root "$STATE" update --pids-limit 1000000 "$id"
	echo "pids.max after asking 1000000: $(cat "$cg/pids.max")"
	[[ "$(cat "$cg/pids.max")" -le 4194304 && "$(cat "$cg/pids.max")" != max ]] || fail "pids.max unlimited"
	[[ "$(cat "$cg/pids.max")" != 1000000 ]] || fail "pids.max raised to 1000000"
	# crun 1.8 writes the value into JSON as given: it takes bytes only
	mem=64M
	[[ $runtime == */crun ]] && mem=67108864
	"$RG" --root "$STATE" update --memory "$mem" "$id" || fail "update --memory $mem failed"
	[[ "$(cat "$cg/memory.max")" == 67108864 ]] || fail "memory.max $(cat "$cg/memory.max") after update $mem"
	"$RG" --root "$STATE" delete -f "$id"
	unset RUNGUARD_RUNTIME
}

# The pids limit holds: forking past it fails inside the container.
pids_enforced() {
	local id=pidsenf
	mk_bundle "$WORK/$id" sh -c 'i=0; while [ $i -lt 40 ]; do sleep 60 & i=$((i+1)); done; echo done' || return 1
	edit "$WORK/$id" '.linux.resources.pids = {limit: 20}'
	rg_run "$WORK/$id" "$id"
	echo "$out"
	grep -q "can't fork\|Resource temporarily unavailable\|fork" <<<"$out" || fail "40 forks succeeded under pids 20"
}

t "cgroupv2: cgroup2 is the only cgroup file system" \
	bash -c '[[ "$(stat -f -c %T /sys/fs/cgroup)" == cgroup2fs ]] && ! grep -q "^[^ ]* [^ ]* cgroup " /proc/mounts'
t "cgroupv2 runc: a container asking everything gets the ceiling's capabilities, seccomp, no_new_privs, pids/memory/CPU limits" \
	hardened /usr/sbin/runc
t "cgroupv2 crun: a container asking everything gets the ceiling's capabilities, seccomp, no_new_privs, pids/memory/CPU limits" \
	hardened /usr/bin/crun
t "cgroupv2 runc: update reaches pids.max and memory.max, above the ceiling is not applied" update_limits /usr/sbin/runc
t "cgroupv2 crun: update reaches pids.max and memory.max, above the ceiling is not applied" update_limits /usr/bin/crun
t "cgroupv2: the pids limit is enforced inside the container" pids_enforced
done_testing
# Integration tests that read the container's cgroup files, unchanged, on
# this host kind (the CI machine is hybrid): one of each kind of read (in
# the container, from the host, the update -r test that once needed BFQ),
# since a bats test costs about a minute under TCG. Each pattern names one
# test; the plan is printed first, so that a test that did not run fails.
GUEST_BATS=(
	'^resources: no limits asked'
	'^resources: a fork bomb stops'
	'^update -r FILE: runc reads the enforced JSON'
)
cd /opt/rg/integration || exit 1
echo "1..${#GUEST_BATS[@]}"
filter=$(IFS='|' && echo "${GUEST_BATS[*]}")
RUNGUARD_BIN=/usr/local/sbin/runguard RUNGUARD_STRICT=1 RG_TIMEOUT=120 \
	bats --tap --filter "$filter" resources.bats update.bats 2>&1 | sed '/^1\.\.[0-9]*$/d'
