#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The namespaces rule with real runc containers: pid, ipc, uts, mount and
# network must be private (a missing one is the host's), a cgroup namespace
# is added, and joining a namespace by path is fine unless the path is the
# host's own (`ctr run --with-ns pid:/proc/1/ns/pid`).

load helpers
load isolation

# What the container is in, one "type: id" line per namespace.
NS_PROBE='for t in pid net ipc uts mnt cgroup; do echo "$t: $(readlink /proc/self/ns/$t)"; done
echo "pid1: $(cat /proc/1/comm)"'

@test "namespaces: runc spec's config gets a private cgroup namespace (and keeps its private others)" {
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	[[ "$(cfg "$BUNDLE" '[.linux.namespaces[].type] | index("cgroup")')" == null ]] ||
		die "premise: runc spec already lists a cgroup namespace"
	local id t
	run_bundle id
	assert_status 0
	for t in pid net ipc uts mnt cgroup; do
		[[ "$(probe_field "$t")" != "$(ns_id "$t")" ]] || die "the container shares the host's $t namespace"
	done
	[[ "$(cfg "$BUNDLE" '.linux.namespaces[-1]')" == '{"type":"cgroup"}' ]]
	# Inside its cgroup namespace the container's cgroup is the root.
	rg --root "$STATE" delete "$id"
	edit_config "$BUNDLE" '.process.args = ["cat", "/proc/self/cgroup"]'
	run_bundle id
	assert_status 0
	grep -q '^0::/$' <<<"$output" || die "cgroup path inside is not /: $output"
}

@test "namespaces: a missing namespace (the host's) is refused by default, each one named" {
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	use_config '{}'
	edit_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "pid" and .type != "network"))'
	expect_refused "$BUNDLE" ".linux.namespaces: no private pid, network namespaces" "(rule namespaces)"
	edit_config "$BUNDLE" '.linux.namespaces = []'
	expect_refused "$BUNDLE" "no private pid, network, mount, ipc, uts namespaces"
	edit_config "$BUNDLE" 'del(.linux.namespaces)'
	expect_refused "$BUNDLE" "no private pid, network, mount, ipc, uts namespaces"
}

@test "namespaces: joining the host's PID namespace by path (ctr run --with-ns pid:/proc/1/ns/pid) is refused" {
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	use_config '{}'
	cp "$BUNDLE/config.json" "$T/orig.json"
	# A host process's namespace: this shell's, which is the host's.
	edit_config "$BUNDLE" --arg p "/proc/$$/ns/pid" \
		'.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)'
	expect_refused "$BUNDLE" ".linux.namespaces[0].path: joins the host's pid namespace (/proc/$$/ns/pid)"
	# PID 1's. Where runguard may not look at it (a sandbox that denies
	# ptrace access to PID 1), runc could not open it either: refused as
	# unverifiable.
	cat "$T/orig.json" >"$BUNDLE/config.json"
	edit_config "$BUNDLE" '.linux.namespaces |= map(if .type == "pid" then .path = "/proc/1/ns/pid" else . end)'
	expect_refused "$BUNDLE" \
		"joins the host's pid namespace (/proc/1/ns/pid)|cannot tell whether /proc/1/ns/pid is the host's"
	# runguard's own namespace counts as the host's as well.
	cat "$T/orig.json" >"$BUNDLE/config.json"
	edit_config "$BUNDLE" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)'
	expect_refused "$BUNDLE" "joins the host's network namespace (/proc/self/ns/net)"
	# A path that cannot be checked is refused too.
	cat "$T/orig.json" >"$BUNDLE/config.json"
	edit_config "$BUNDLE" '.linux.namespaces |= map(if .type == "ipc" then .path = "/nonexistent/ns/ipc" else . end)'
	expect_refused "$BUNDLE" "cannot tell whether /nonexistent/ns/ipc is the host's ipc namespace"
}

@test "namespaces: the host's cgroup namespace joined by path is replaced by a private one, even when rejecting" {
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	use_config '{}'
	edit_config "$BUNDLE" --arg p "/proc/$$/ns/cgroup" '.linux.namespaces += [{type: "cgroup", path: $p}]'
	local id
	run_bundle id
	assert_status 0
	[[ "$(probe_field cgroup)" != "$(ns_id cgroup)" ]] || die "the container shares the host's cgroup namespace"
	[[ "$(cfg "$BUNDLE" '.linux.namespaces[-1]')" == '{"type":"cgroup"}' ]]
}

@test "namespaces: with action fix, the host PID namespace (missing or by path) becomes a private one" {
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	use_config '{"rules": {"namespaces": {"action": "fix"}}}'
	cp "$BUNDLE/config.json" "$T/orig.json"
	local id variant
	for variant in 'map(select(.type != "pid"))' \
		"map(if .type == \"pid\" then .path = \"/proc/$$/ns/pid\" else . end)"; do
		cat "$T/orig.json" >"$BUNDLE/config.json"
		edit_config "$BUNDLE" ".linux.namespaces |= $variant"
		new_id id
		rg --root "$STATE" run -b "$BUNDLE" "$id"
		assert_status 0
		[[ "$(probe_field pid)" != "$(ns_id pid)" ]] || die "the container is in the host's PID namespace"
		[[ "$(probe_field pid1)" == sh ]] || die "PID 1 is '$(probe_field pid1)', not the container's shell"
		[[ "$(cfg "$BUNDLE" '[.linux.namespaces[] | select(.type == "pid")]')" == '[{"type":"pid"}]' ]]
	done
}

@test "namespaces: joining another container's network namespace by path works (as a CRI sandbox does)" {
	make_bundle "$T/sandbox" sleep 3600
	local sid id pid
	new_id sid
	rg --root "$STATE" run -d -b "$T/sandbox" "$sid"
	assert_status 0
	pid=$("$REAL_RUNC" --root "$STATE" state "$sid" | jq -r .pid)
	[[ "$pid" -gt 0 ]] || die "no pid for the sandbox"
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	edit_config "$BUNDLE" --arg p "/proc/$pid/ns/net" \
		'.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
	run_bundle id
	assert_status 0
	[[ "$(probe_field net)" == "$(readlink "/proc/$pid/ns/net")" ]] || die "not in the sandbox's network namespace"
	[[ "$(probe_field net)" != "$(ns_id net)" ]]
	[[ "$(cfg "$BUNDLE" '.linux.namespaces[] | select(.type == "network") | .path')" == "\"/proc/$pid/ns/net\"" ]]
}

@test "namespaces: audit mode starts the host-PID container unchanged and records the would-be refusal" {
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	use_config '{"mode": "audit"}'
	edit_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "pid"))'
	local id
	run_bundle id
	assert_status 0
	[[ "$(probe_field pid)" == "$(ns_id pid)" ]] || die "audit mode changed the PID namespace"
	jq -e 'select(.decision == "would-reject") | .violations[] | select(.rule == "namespaces")' \
		"$AUDIT" >/dev/null || die "no would-reject namespaces record: $(cat "$AUDIT")"
}
