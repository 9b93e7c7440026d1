#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The sysctls rule with real runc containers: only the Kubernetes safe,
# namespaced set passes; by default anything else refuses the container,
# with action fix it is removed and the container runs without it.

load helpers

PROBE='echo "somaxconn=$(cat /proc/sys/net/core/somaxconn)"
echo "port_start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)"
echo "ping=$(cat /proc/sys/net/ipv4/ping_group_range | tr "\t" " ")"'

field() {
	sed -n "s/^$1=//p" <<<"$output" | head -n 1
}

sysctl_bundle() {
	make_bundle "$1" sh -c "$PROBE"
	edit_config "$1" --argjson s "$2" '.linux.sysctl = $s'
}

@test "sysctls: safe namespaced sysctls are applied in the container" {
	sysctl_bundle "$BUNDLE" '{"net.ipv4.ip_unprivileged_port_start": "80", "net.ipv4.ping_group_range": "0 0"}'
	local before id
	before=$(cfg "$BUNDLE" .linux.sysctl)
	run_bundle id
	assert_status 0
	[[ "$(field port_start)" == 80 ]] || die "ip_unprivileged_port_start is $(field port_start)"
	[[ "$(field ping)" == "0 0" ]] || die "ping_group_range is $(field ping)"
	[[ "$(cfg "$BUNDLE" .linux.sysctl)" == "$before" ]]
}

@test "sysctls: an unsafe sysctl is refused by default: message names it, bundle untouched, no container" {
	sysctl_bundle "$BUNDLE" '{"net.ipv4.ping_group_range": "0 0", "net.ipv4.ip_forward": "1", "kernel/msgmax": "1"}'
	expect_refused "$BUNDLE" ".linux.sysctl" "sysctls outside the allowed (namespaced, safe) set" \
		'"net.ipv4.ip_forward"' '"kernel/msgmax"'
	assert_not_contains "$stderr" '"net.ipv4.ping_group_range"'
}

@test "sysctls: with action fix the unsafe sysctl is removed and the container runs without it (plain runc would apply it)" {
	local id
	# Control: plain runc applies net.core.somaxconn (per network namespace,
	# not in the safe set) in the container's network namespace.
	sysctl_bundle "$T/control" '{"net.core.somaxconn": "1234", "net.ipv4.ip_unprivileged_port_start": "80"}'
	new_id id
	real_runc --root "$STATE" run -b "$T/control" "$id"
	assert_status 0
	[[ "$(field somaxconn)" == 1234 ]] || die "control: somaxconn is $(field somaxconn)"

	printf '{"rules": {"sysctls": {"action": "fix"}}, "audit": {"file": null}}' >"$T/runguard.json"
	export RUNGUARD_CONFIG=$T/runguard.json
	sysctl_bundle "$BUNDLE" '{"net.core.somaxconn": "1234", "net.ipv4.ip_unprivileged_port_start": "80"}'
	run_bundle id
	assert_status 0
	[[ "$(field somaxconn)" != 1234 ]] || die "somaxconn was applied"
	[[ "$(field port_start)" == 80 ]] || die "the safe sysctl was lost: $(field port_start)"
	[[ "$(cfg "$BUNDLE" .linux.sysctl)" == '{"net.ipv4.ip_unprivileged_port_start":"80"}' ]]
}

@test "sysctls: a configured allow list (with a prefix entry) replaces the safe set" {
	printf '{"rules": {"sysctls": {"allow": ["net.core.somax*"]}}, "audit": {"file": null}}' >"$T/runguard.json"
	export RUNGUARD_CONFIG=$T/runguard.json
	sysctl_bundle "$BUNDLE" '{"net.core.somaxconn": "1234"}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(field somaxconn)" == 1234 ]] || die "somaxconn is $(field somaxconn)"
	sysctl_bundle "$T/b2" '{"net.ipv4.ip_unprivileged_port_start": "80"}'
	expect_refused "$T/b2" '"net.ipv4.ip_unprivileged_port_start"'
}
