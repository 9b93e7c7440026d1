#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The seccompDeny rule with real runc containers: a container whose given
# seccomp profile allows unshare, keyctl and clone is made to fail them
# (EPERM) inside, for a denylist and an allowlist profile alike; with the
# rule off the same container succeeds, so the failure is the rule's doing.
#
# Observables: busybox's `unshare -U` (unshare(2) with CLONE_NEWUSER, no
# capability needed), and perl's syscall() (the host's perl and its
# libraries copied into the bundle's rootfs, nothing compiled) for keyctl
# and a raw clone(CLONE_NEWUSER). Syscall numbers are x86_64's.

load helpers

# The probe: each syscall in a fresh process (after unshare(CLONE_NEWUSER)
# the caller is unmapped and a nested user namespace fails anyway).
PROBE='unshare -U true 2>/dev/null; echo "unshare_applet=$?"
perl -e '"'"'$r = syscall(272, 0x10000000); print "unshare=$r ", ($r < 0 ? $! + 0 : 0), "\n"'"'"'
perl -e '"'"'$r = syscall(250, 0, -1, 0, 0, 0); print "keyctl=$r ", $! + 0, "\n"'"'"'
perl -e '"'"'$p = syscall(56, 0x10000011, 0, 0, 0, 0); exit 0 if $p == 0; waitpid($p, 0) if $p > 0; print "clone_newuser=", ($p > 0 ? "ok" : $! + 0), "\n"'"'"'
perl -e '"'"'$p = syscall(56, 0x11, 0, 0, 0, 0); exit 0 if $p == 0; waitpid($p, 0) if $p > 0; print "clone_plain=", ($p > 0 ? "ok" : $! + 0), "\n"'"'"'
grep -E "^Seccomp:" /proc/self/status'

EPERM=1
ENOKEY=126

field() {
	sed -n "s/^$1=//p" <<<"$output" | head -n 1
}

# add_perl DIR: copies the host's perl and the libraries it loads into DIR/rootfs.
add_perl() {
	local f
	for f in /usr/bin/perl $(ldd /usr/bin/perl | grep -o '/[^ ]*'); do
		cp -L --parents "$f" "$1/rootfs/" || return 1
	done
}

require_probe_host() {
	require_or_skip "x86_64 syscall numbers" test "$(uname -m)" = x86_64
	require_or_skip "perl on the host" test -x /usr/bin/perl
}

# A denylist profile, as an engine might write one: allow by default, deny
# mount, and allow unshare, keyctl and clone explicitly.
DENYLIST='{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	{"names": ["mount"], "action": "SCMP_ACT_ERRNO"},
	{"names": ["unshare", "keyctl", "clone", "add_key"], "action": "SCMP_ACT_ALLOW"}]}'

probe_bundle() {
	make_bundle "$1" sh -c "$PROBE"
	add_perl "$1"
	edit_config "$1" --argjson p "$2" '.linux.seccomp = $p'
}

@test "seccompDeny: a denylist profile allowing unshare, keyctl and clone: they fail with EPERM inside (and work with the rule off)" {
	require_probe_host
	local id
	# Control: the same profile with the rule off; everything works.
	use_config '{"rules": {"seccompDeny": {"action": "off"}}}'
	probe_bundle "$T/control" "$DENYLIST"
	new_id id
	rg --root "$STATE" run -b "$T/control" "$id"
	assert_status 0
	require_or_skip "user namespaces usable in a container here" test "$(field unshare_applet)" = 0
	[[ "$(field unshare)" == "0 0" ]] || die "control: unshare is $(field unshare)"
	[[ "$(field keyctl)" == "-1 $ENOKEY" ]] || die "control: keyctl is $(field keyctl)"
	[[ "$(field clone_newuser)" == ok ]] || die "control: clone(CLONE_NEWUSER) is $(field clone_newuser)"
	assert_contains "$output" "Seccomp:	2"

	unset RUNGUARD_CONFIG
	probe_bundle "$BUNDLE" "$DENYLIST"
	run_bundle id
	assert_status 0
	assert_contains "$output" "Seccomp:	2"
	[[ "$(field unshare_applet)" != 0 ]] || die "unshare -U succeeded"
	[[ "$(field unshare)" == "-1 $EPERM" ]] || die "unshare is $(field unshare)"
	[[ "$(field keyctl)" == "-1 $EPERM" ]] || die "keyctl is $(field keyctl)"
	[[ "$(field clone_newuser)" == "$EPERM" ]] || die "clone(CLONE_NEWUSER) is $(field clone_newuser)"
	# Plain clone (fork) still works: the container runs at all.
	[[ "$(field clone_plain)" == ok ]] || die "plain clone is $(field clone_plain)"

	# config.json: the allow entry lost the names, ERRNO entries were added.
	[[ "$(cfg "$BUNDLE" '[.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | sort')" == '["clone"]' ]] ||
		die "allow entries: $(cfg "$BUNDLE" '[.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW")]')"
	cfg "$BUNDLE" '.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW")' |
		jq -e '.args == [{"index": 0, "value": 268435456, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]'
	cfg "$BUNDLE" '.linux.seccomp.syscalls[] | select(.errnoRet == 1 and (.names | index("keyctl")))' |
		jq -e '.names | index("unshare") and index("add_key") and index("io_uring_setup")'
	cfg "$BUNDLE" '.linux.seccomp.syscalls[] | select(.names == ["clone3"])' | jq -e '.errnoRet == 38'
}

@test "seccompDeny: an allowlist profile that allows them: they fail with EPERM inside" {
	require_probe_host
	# The embedded default profile with unshare, keyctl and clone allowed outright.
	local prof
	prof=$(jq -c '.syscalls += [{"names": ["unshare", "keyctl", "clone", "clone3"], "action": "SCMP_ACT_ALLOW"}]
		| .syscalls |= map(del(.includes, .excludes)) | del(.archMap) | .architectures = ["SCMP_ARCH_X86_64"]' \
		"$BATS_TEST_DIRNAME/../../profiles/seccomp-default.json")
	probe_bundle "$BUNDLE" "$prof"
	local id
	run_bundle id
	assert_status 0
	[[ "$(field unshare_applet)" != 0 ]] || die "unshare -U succeeded"
	[[ "$(field unshare)" == "-1 $EPERM" ]] || die "unshare is $(field unshare)"
	[[ "$(field keyctl)" == "-1 $EPERM" ]] || die "keyctl is $(field keyctl)"
	[[ "$(field clone_newuser)" == "$EPERM" ]] || die "clone(CLONE_NEWUSER) is $(field clone_newuser)"
	[[ "$(field clone_plain)" == ok ]] || die "plain clone is $(field clone_plain)"
	[[ "$(cfg "$BUNDLE" .linux.seccomp.defaultAction)" == '"SCMP_ACT_ERRNO"' ]]
}

@test "seccompDeny: with action reject, a profile allowing keyctl is refused, bundle untouched, no container" {
	use_config '{"rules": {"seccompDeny": {"action": "reject"}}}'
	make_bundle "$BUNDLE" true
	edit_config "$BUNDLE" --argjson p "$DENYLIST" '.linux.seccomp = $p'
	expect_refused "$BUNDLE" ".linux.seccomp" "permits syscalls that must be denied" "keyctl" \
		"clone with CLONE_NEWUSER"
}

@test "seccompDeny: an unknown syscall name in the configured list is a configuration error" {
	use_config '{"rules": {"seccompDeny": {"syscalls": ["keyctl", "no_such_call"]}}}'
	rg check-config "$RUNGUARD_CONFIG"
	assert_failed_cleanly
	assert_contains "$stderr" ".rules.seccompDeny.syscalls[1]: unknown syscall 'no_such_call'"
}

@test "seccompDeny: the default profile runguard inserts needs no change (idempotent create)" {
	make_bundle "$BUNDLE" true
	edit_config "$BUNDLE" 'del(.linux.seccomp)'
	local id
	new_id id
	rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(cfg "$BUNDLE" '.annotations["run.runguard.changes"]')" != *seccompDeny* ]] ||
		die "seccompDeny changed the default profile: $(cfg "$BUNDLE" '.annotations["run.runguard.changes"]')"
}
