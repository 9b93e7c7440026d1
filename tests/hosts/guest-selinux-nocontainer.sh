#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Host kind "selinux-nocontainer": SELinux enforcing with Debian's
# selinux-policy-default as shipped, which lacks the container types although
# its lxc_contexts names them. runguard must refuse saying what to install,
# and doctor must report it, from the loaded policy.
cd /opt/rg || exit 1
. ./lib.sh

premise() {
	[[ "$(cat /sys/fs/selinux/enforce 2>&1)" == 1 ]] || fail "SELinux is not enforcing"
	grep container_t /etc/selinux/default/contexts/lxc_contexts
	# the kernel validates a context written to selinuxfs' context file
	! printf %s system_u:system_r:container_t:s0 >/sys/fs/selinux/context 2>/dev/null ||
		fail "the loaded policy has container_t"
	printf %s system_u:system_r:init_t:s0 >/sys/fs/selinux/context || fail "control: init_t invalid"
}

refused() {
	mk_bundle "$WORK/nc" sh -c 'echo ran' || return 1
	rg_run "$WORK/nc" nc
	echo "rc $rc: $out"
	[[ $rc -ne 0 && $out != *ran* ]] || fail "the container ran"
	[[ $out == *"container_t"* && $out == *"selinux-policy-src"* ]] || fail "the message does not say what is missing and what to install"
}

doctor() {
	out=$("$RG" doctor 2>&1)
	echo "$out" | grep -i selinux
	grep -qE '^FAIL +kernel: SELinux: .*container_t.*' <<<"$out" || fail "doctor reports no problem"
}

t "selinux-nocontainer: premise: the loaded policy lacks container_t, lxc_contexts names it" premise
t "selinux-nocontainer: a container is refused, saying what to install" refused
t "selinux-nocontainer: doctor reports the missing container types as a problem" doctor
dmesg | grep -o 'avc: *denied.*' | sed 's/pid=[0-9]* //; s/ino=[0-9]* //' | sort -u | sed 's/^/# /'
done_testing
