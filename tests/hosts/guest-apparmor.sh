#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Host kind "apparmor": AppArmor enabled (Debian, Ubuntu), runguard-default
# loaded by the init from /etc/apparmor.d as installed, cgroup v2 only.
cd /opt/rg || exit 1
. ./lib.sh

PROBE='echo "attr: $(cat /proc/self/attr/current)"
cat /dev/null && echo "null: read" || echo "null: denied"
cat /proc/kcore && echo "kcore: read" || echo "kcore: denied"'

loaded() {
	grep '^runguard-default ' /sys/kernel/security/apparmor/profiles || fail "runguard-default not loaded"
	out=$("$RG" doctor 2>&1)
	echo "$out" | grep -i apparmor
	grep -qiE '^ok +kernel: AppArmor' <<<"$out" || fail "doctor does not report AppArmor ok"
}

applied() {
	mk_bundle "$WORK/aa" sh -c "$PROBE" || return 1
	edit "$WORK/aa" 'del(.process.apparmorProfile)'
	rg_run "$WORK/aa" aa
	echo "$out"
	[[ $rc -eq 0 ]] || fail "run exited $rc"
	[[ "$(field attr)" == "runguard-default (enforce)" ]] || fail "confined by '$(field attr)'"
	# runc masks /proc/kcore with /dev/null, which reads as empty; only the
	# profile's deny of @{PROC}/kcore stops the read
	[[ "$(field null)" == read ]] || fail "control: /dev/null not readable"
	# (a deny rule is not audited, so the kernel logs nothing)
	[[ "$(field kcore)" == denied ]] || fail "the profile's deny of /proc/kcore did not hold"
}

unconfined_fixed() {
	mk_bundle "$WORK/aau" sh -c "$PROBE" || return 1
	edit "$WORK/aau" '.process.apparmorProfile = "unconfined"'
	rg_run "$WORK/aau" aau
	echo "$out"
	[[ "$(field attr)" == "runguard-default (enforce)" ]] || fail "confined by '$(field attr)'"
}

own_kept() {
	printf '%s\n' 'abi <abi/3.0>,' 'profile rg-test-own flags=(attach_disconnected,mediate_deleted) {' \
		'  file, capability, signal, unix, network, umount, pivot_root, mount, ptrace,' \
		'  deny /tmp/** w,' '}' >"$WORK/rg-test-own"
	apparmor_parser -r "$WORK/rg-test-own" || fail "could not load the test profile" || return 1
	mk_bundle "$WORK/aao" sh -c "$PROBE"' ; touch /tmp/x && echo "tmp: written" || echo "tmp: denied"' || return 1
	edit "$WORK/aao" '.process.apparmorProfile = "rg-test-own"'
	rg_run "$WORK/aao" aao
	echo "$out"
	[[ "$(field attr)" == "rg-test-own (enforce)" ]] || fail "confined by '$(field attr)'"
	[[ "$(field tmp)" == denied ]] || fail "the container's own profile did not apply"
}

unloaded_refused() {
	mk_bundle "$WORK/aan" sh -c "$PROBE" || return 1
	edit "$WORK/aan" 'del(.process.apparmorProfile)'
	apparmor_parser -R /etc/apparmor.d/runguard-default || fail "could not unload" || return 1
	rg_run "$WORK/aan" aan
	apparmor_parser -r /etc/apparmor.d/runguard-default
	echo "rc $rc: $out"
	[[ $rc -ne 0 ]] || fail "started without its profile"
	[[ $out == *"AppArmor profile 'runguard-default' is not loaded"* ]] || fail "not the documented message"
	[[ $out != *"attr:"* ]] || fail "the container ran"
}

t "apparmor: runguard-default is loaded, doctor reports it" loaded
t "apparmor: a container without a profile runs under runguard-default (enforce), which denies inside it" applied
t "apparmor: a container asking for unconfined runs under runguard-default" unconfined_fixed
t "apparmor: a container naming its own loaded profile keeps it" own_kept
t "apparmor: with runguard-default not loaded the container is refused" unloaded_refused
done_testing
