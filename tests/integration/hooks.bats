#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The hooks rule (OCI hooks run on the host as root: only the operator's
# allow list may stay) and the annotations rule (runtime-specific
# annotations that bypass the spec are stripped or refused), with real runc
# containers. A hook here is a script that leaves a marker file on the host.

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
		expect_refused "$BUNDLE" ".hooks.$kind[0]: $kind hook $HOOK would run on the host as root" "(rule hooks)"
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
	new_id id
	rg --root "$STATE" run -b "$BUNDLE" "$id"
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
	new_id id
	rg --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	grep -q "prestart" "$HOOK_RAN" || die "the allowed hook did not run"
	# The same hook spelled with .. is the same path; another one is not allowed.
	add_hook poststart "$T/hooks/../hooks/mark"
	add_hook poststop /bin/true
	expect_refused "$BUNDLE" ".hooks.poststop[0]: poststop hook /bin/true"
	assert_not_contains "$stderr" ".hooks.poststart"
}

@test "annotations: runtime-specific ones are stripped by default; runguard's own and others stay" {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.annotations = {"run.oci.seccomp_bpf_data": "AAAA", "run.oci.handler": "krun",
		"run.oci.hooks.prestart": "[]", "org.systemd.property.DeviceAllow": "char-* rwm",
		"org.criu.config": "/tmp/criu.conf", "io.kubernetes.pod.namespace": "default",
		"run.runguard.profile": "baseline"}'
	use_config '{}'
	local id
	new_id id
	rg --root "$STATE" run -b "$BUNDLE" "$id"
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
	new_id id
	rg --root "$STATE" run -b "$BUNDLE" "$id"
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
