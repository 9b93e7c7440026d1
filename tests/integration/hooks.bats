#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The hooks rule (OCI hooks run on the host as root: only the operator's
# allow list and the engines' own hooks it recognises exactly may stay) and
# the annotations rule (runtime-specific annotations that bypass the spec
# are stripped or refused), with real runc containers. A hook here is a
# script that leaves a marker file on the host, or a stand-in for dockerd
# (fake_dockerd.c) for Docker's own hook.

load helpers
load isolation

# make_hook: $HOOK, an executable that records that it ran in $HOOK_RAN.
make_hook() {
	HOOK=$T/hooks/mark
	HOOK_RAN=$T/hook-ran
	mkdir -p "$T/hooks"
	printf '#!/bin/sh\necho "$0 $*" >>%s\ncat >/dev/null\n' "$HOOK_RAN" >"$HOOK"
	chmod 0755 "$HOOK"
}

# add_hook KIND [PATH]: appends a hook of KIND running PATH (default $HOOK).
add_hook() {
	edit_config "$BUNDLE" --arg k "$1" --arg p "${2:-$HOOK}" '.hooks[$k] += [{path: $p, args: [$p, $k]}]'
}

@test "hooks: a hook of each kind is refused by default and never runs" {
	make_hook
	make_bundle "$BUNDLE"
	use_config '{}'
	cp "$BUNDLE/config.json" "$T/orig.json"
	local kind
	for kind in prestart createRuntime createContainer startContainer poststart poststop; do
		cat "$T/orig.json" >"$BUNDLE/config.json"
		add_hook "$kind"
		expect_refused "$BUNDLE" ".hooks.${kind}[0]: $kind hook $HOOK would run on the host as root" "(rule hooks)"
	done
	[[ ! -e "$HOOK_RAN" ]] || die "a hook ran: $(cat "$HOOK_RAN")"
}

@test "hooks: premise: under plain runc the hook runs on the host; with action fix it is removed and does not" {
	make_hook
	make_bundle "$BUNDLE"
	add_hook createRuntime
	add_hook poststop
	local id
	new_id id
	real_runc --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	[[ -s "$HOOK_RAN" ]] || die "premise: the hook did not run under plain runc"
	rm -f "$HOOK_RAN"

	use_config '{"rules": {"hooks": {"action": "fix"}}}'
	run_bundle id
	assert_status 0
	rg --root "$STATE" delete "$id"
	[[ ! -e "$HOOK_RAN" ]] || die "a hook ran: $(cat "$HOOK_RAN")"
	[[ "$(cfg "$BUNDLE" '.hooks')" == '{"createRuntime":[],"poststop":[]}' ]]
}

@test "hooks: a hook on the allow list runs (as the NVIDIA hook would); the others still may not" {
	make_hook
	make_bundle "$BUNDLE"
	add_hook prestart
	use_config "$(jq -cn --arg h "$HOOK" '{rules: {hooks: {allow: [$h]}}}')"
	local id
	run_bundle id
	assert_status 0
	grep -q "prestart" "$HOOK_RAN" || die "the allowed hook did not run"
	# The same hook spelled with .. is the same path; another one is not allowed.
	add_hook poststart "$T/hooks/../hooks/mark"
	add_hook poststop /bin/true
	expect_refused "$BUNDLE" ".hooks.poststop[0]: poststop hook /bin/true"
	assert_not_contains "$stderr" ".hooks.poststart"
}

# Docker's libnetwork-setkey hook. The container id is runc's (a docker id is 64 hex digits).
SETKEY_CID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
SETKEY_NETCTL=a1b2c3d4e5f6

# fake_dockerd: $FAKE_DOCKERD (tests/integration/fake_dockerd.c built as
# $T/bin/dockerd, root's, mode 0755) running; its pid in $FAKE_PID.
fake_dockerd() {
	FAKE_DOCKERD=$T/bin/dockerd
	mkdir -p "$T/bin" "$T/exec"
	cc -O2 -Wall -o "$FAKE_DOCKERD" "$BATS_TEST_DIRNAME/fake_dockerd.c" || { die "cannot build $FAKE_DOCKERD"; return 1; }
	chmod 0755 "$FAKE_DOCKERD"
	"$FAKE_DOCKERD" </dev/null >/dev/null 2>&1 &
	FAKE_PID=$!
	on_teardown "kill $FAKE_PID"
}

# add_setkey_hook PATH: the hook exactly as dockerd 20.10 writes it, running PATH, exec-root $T/exec.
add_setkey_hook() {
	edit_config "$BUNDLE" --arg p "$1" --arg r "-exec-root=$T/exec" --arg c "$SETKEY_CID" \
		--arg n "$SETKEY_NETCTL" '.hooks.prestart += [{path: $p, args: ["libnetwork-setkey", $r, $c, $n]}]'
}

# setkey_refused NEEDLE: runguard create of $BUNDLE as the hook's container is refused, naming
# .hooks.prestart[0] and NEEDLE, and the real runtime never ran (no container).
setkey_refused() {
	rg --root "$STATE" create -b "$BUNDLE" "$SETKEY_CID"
	assert_failed_cleanly
	assert_contains "$stderr" ".hooks.prestart[0]: prestart hook "
	assert_contains "$stderr" "$1"
	assert_no_containers
}

@test "hooks: Docker's libnetwork-setkey hook of a process running a root-owned dockerd passes, and runc runs it" {
	fake_dockerd
	make_bundle "$BUNDLE"
	add_setkey_hook "/proc/$FAKE_PID/exe"
	use_config '{}'
	rg --root "$STATE" run -b "$BUNDLE" "$SETKEY_CID"
	assert_status 0
	# runc ran it: the arguments, and the state of this very container on stdin.
	grep -qxF "libnetwork-setkey -exec-root=$T/exec $SETKEY_CID $SETKEY_NETCTL" "$T/exec/setkey.log" ||
		die "the hook did not run: $(cat "$T/exec/setkey.log" 2>&1)"
	grep -qF "\"id\":\"$SETKEY_CID\"" "$T/exec/setkey.log" || die "no state on stdin: $(cat "$T/exec/setkey.log")"
	[[ "$(cfg "$BUNDLE" '.hooks.prestart | length')" == 1 ]] || die "hooks: $(cfg "$BUNDLE" .hooks)"
	[[ "$(cfg "$BUNDLE" '.annotations["run.runguard.policy"]')" == '"baseline@sha256:'* ]]
	jq -e '.decision == "fixed" and ([.changes[] | select(.rule == "hooks")] | length == 0)' "$AUDIT" >/dev/null ||
		die "audit: $(cat "$AUDIT")"
}

@test "hooks: a setkey-shaped hook is refused for another container, another program, a writable or replaced dockerd, /proc/self/exe, or with engineHooks off" {
	fake_dockerd
	make_bundle "$BUNDLE"
	use_config '{}'
	cp "$BUNDLE/config.json" "$T/orig.json"
	# expect_refused creates containers of other ids than the hook's.
	add_setkey_hook "/proc/$FAKE_PID/exe"
	expect_refused "$BUNDLE" ".hooks.prestart[0]: prestart hook /proc/$FAKE_PID/exe would run on the host as root" \
		"not Docker's libnetwork-setkey hook: args[2] is not this container's id rgt-" "(rule hooks)"

	# A process that is not dockerd.
	# shellcheck disable=SC2217 # stdin too: none of bats' descriptors stays open
	sleep 300 </dev/null >/dev/null 2>&1 &
	local other=$!
	on_teardown "kill $other"
	cat "$T/orig.json" >"$BUNDLE/config.json"
	add_setkey_hook "/proc/$other/exe"
	setkey_refused "/proc/$other/exe is $(readlink "/proc/$other/exe"), not dockerd"

	cat "$T/orig.json" >"$BUNDLE/config.json"
	add_setkey_hook /proc/self/exe
	setkey_refused "path is not /proc/<pid>/exe"

	# dockerd's file writable by a group; then replaced (the process runs the old, deleted one).
	cat "$T/orig.json" >"$BUNDLE/config.json"
	add_setkey_hook "/proc/$FAKE_PID/exe"
	chmod 0775 "$FAKE_DOCKERD"
	setkey_refused "/proc/$FAKE_PID/exe: not a root-owned file writable by root only"
	chmod 0755 "$FAKE_DOCKERD"
	cp "$FAKE_DOCKERD" "$T/bin/new"
	mv -f "$T/bin/new" "$FAKE_DOCKERD"
	setkey_refused "/proc/$FAKE_PID/exe: not the file its path names on the host"
	[[ ! -e "$T/exec/setkey.log" ]] || die "a refused hook ran: $(cat "$T/exec/setkey.log")"

	# The setting off: refused like any other hook, whatever the process runs.
	"$FAKE_DOCKERD" </dev/null >/dev/null 2>&1 &
	local fresh=$!
	on_teardown "kill $fresh"
	cat "$T/orig.json" >"$BUNDLE/config.json"
	add_setkey_hook "/proc/$fresh/exe"
	use_config '{"rules": {"hooks": {"engineHooks": []}}}'
	setkey_refused "not in the allow list, and engineHooks does not name docker-libnetwork-setkey"
	[[ ! -e "$T/exec/setkey.log" ]] || die "a refused hook ran: $(cat "$T/exec/setkey.log")"
	# The same with the default: a fresh dockerd's hook passes (runc runs prestart at create).
	use_config '{}'
	rg --root "$STATE" create -b "$BUNDLE" "$SETKEY_CID"
	assert_status 0
	grep -qF "$SETKEY_CID" "$T/exec/setkey.log" || die "the hook did not run"
}

@test "annotations: runtime-specific ones are stripped by default; runguard's own and others stay" {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.annotations = {"run.oci.seccomp_bpf_data": "AAAA", "run.oci.handler": "krun",
		"run.oci.hooks.prestart": "[]", "org.systemd.property.DeviceAllow": "char-* rwm",
		"org.criu.config": "/tmp/criu.conf", "io.kubernetes.pod.namespace": "default",
		"run.runguard.profile": "baseline"}'
	use_config '{}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(cfg "$BUNDLE" '.annotations | keys_unsorted | map(select(startswith("run.runguard.") | not))')" == \
		'["io.kubernetes.pod.namespace"]' ]] || die "annotations: $(cfg "$BUNDLE" .annotations)"
	[[ "$(cfg "$BUNDLE" '.annotations["run.runguard.profile"]')" == '"baseline"' ]]
	[[ "$(cfg "$BUNDLE" '.annotations["run.runguard.changes"]')" == *annotations:5* ]]
	jq -e '[.changes[] | select(.rule == "annotations")] | length == 5' "$AUDIT" >/dev/null
}

@test "annotations: refused with action reject; allowed by name or glob" {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.annotations = {"run.oci.keep_original_groups": "1", "org.systemd.property.CPUWeight": "10"}'
	use_config '{"rules": {"annotations": {"action": "reject"}}}'
	expect_refused "$BUNDLE" '.annotations["run.oci.keep_original_groups"]' \
		'.annotations["org.systemd.property.CPUWeight"]' "(rule annotations)"
	use_config '{"rules": {"annotations": {"action": "reject", "allow": ["run.oci.keep_original_groups", "org.systemd.property.CPU*"]}}}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(cfg "$BUNDLE" '.annotations["run.oci.keep_original_groups"]')" == '"1"' ]]
}

@test "hooks, annotations: configuration errors name the file and the setting" {
	make_bundle "$BUNDLE"
	use_config '{"rules": {"hooks": {"allow": ["relative/hook"]}}}'
	rg --root "$STATE" create -b "$BUNDLE" x
	assert_failed_cleanly
	assert_contains "$stderr" ".rules.hooks.allow[0]: expected an absolute path"
	use_config '{"rules": {"annotations": {"deny": [""]}}}'
	rg check-config "$RUNGUARD_CONFIG"
	assert_failed_cleanly
	assert_contains "$stderr" ".rules.annotations.deny[0]: expected a non-empty glob pattern"
}
