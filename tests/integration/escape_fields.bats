#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The spec allowlist (rule fields): a field of config.json that no rule
# judges refuses the container, whatever runc 1.1 itself would make of it
# (a newer runtime acts on fields runc 1.1 ignores), unless the value is a
# safe one (scheduler, ioPriority, personality) or the operator lists it.

load helpers

# refuse_each NEEDLE...: for each "PATH=JQ-FILTER" line on stdin, the bundle
# made from $T/orig.json by the filter is refused (expect_refused), with the
# path and every NEEDLE in the message.
refuse_each() {
	local path filter
	while IFS='=' read -r path filter; do
		cat "$T/orig.json" >"$BUNDLE/config.json"
		edit_config "$BUNDLE" "$filter"
		expect_refused "$BUNDLE" "$path" "$@" || return 1
	done
}

@test "fields: refused spec fields (intelRdt, netDevices, idmapped mounts) refuse the container" {
	make_bundle "$BUNDLE"
	cp "$BUNDLE/config.json" "$T/orig.json"
	refuse_each config.json "rule fields" <<'EOF'
.linux.intelRdt=.linux.intelRdt = {"closID": "guaranteed_group", "l3CacheSchema": "L3:0=ffff"}
.linux.intelRdt=.linux.intelRdt = {}
.linux.netDevices=.linux.netDevices = {"eth0": {"name": "eth9"}}
.mounts[0].uidMappings=.mounts[0].uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
.mounts[2].gidMappings=.mounts[2].gidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]
EOF
}

@test "fields: unsafe values of checked fields (real-time scheduler, negative nice, RT I/O class, personality flags) refuse" {
	make_bundle "$BUNDLE"
	cp "$BUNDLE/config.json" "$T/orig.json"
	refuse_each "rule fields" <<'EOF'
.process.scheduler=.process.scheduler = {"policy": "SCHED_FIFO", "priority": 99}
.process.scheduler=.process.scheduler = {"policy": "SCHED_RR", "priority": 1}
.process.scheduler=.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1000, "deadline": 2000, "period": 2000}
.process.scheduler=.process.scheduler = {"policy": "SCHED_OTHER", "nice": -20}
.process.ioPriority=.process.ioPriority = {"class": "IOPRIO_CLASS_RT", "priority": 0}
.linux.personality=.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}
EOF
}

@test "fields: unknown keys at any level refuse, whatever the action" {
	make_bundle "$BUNDLE"
	cp "$BUNDLE/config.json" "$T/orig.json"
	local action
	for action in reject fix; do
		use_config "{\"rules\": {\"fields\": {\"action\": \"$action\"}}}"
		refuse_each "unknown field" <<'EOF' || return 1
.linux.futureEscape=.linux.futureEscape = {"hostRoot": true}
.process.user.groups=.process.user.groups = [0]
.linux.resources.memory.highLimit=.linux.resources.memory.highLimit = 1
.linux.namespaces[0].flags=.linux.namespaces[0].flags = 1
.hooks.onBoot=.hooks.onBoot = []
EOF
	done
}

@test "fields: with action fix a refused field is removed and the container runs" {
	make_bundle "$BUNDLE" sh -c 'cat /proc/self/oom_score_adj'
	use_config '{"rules": {"fields": {"action": "fix"}}}'
	edit_config "$BUNDLE" '.linux.intelRdt = {"closID": "x"} | .process.scheduler = {"policy": "SCHED_FIFO", "priority": 1}'
	local id
	run_bundle id
	assert_status 0
	[[ "$(cfg "$BUNDLE" '.linux.intelRdt')" == null ]] || die "intelRdt still in config.json"
	[[ "$(cfg "$BUNDLE" '.process.scheduler')" == null ]] || die "scheduler still in config.json"
	[[ "$(audit_last run | jq -r .decision)" == fixed ]]
}

@test "fields: controls run unchanged (oomScoreAdj, a safe scheduler, listed vendor keys, null fields)" {
	make_bundle "$BUNDLE" sh -c 'cat /proc/self/oom_score_adj'
	use_config '{"rules": {"fields": {"allow": [".org.example.vendor", ".process.x-vendor"]}}}'
	edit_config "$BUNDLE" '.process.oomScoreAdj = 500
		| .process.scheduler = {"policy": "SCHED_BATCH", "nice": 3}
		| .process["x-vendor"] = {"a": 1} | .["org.example.vendor"] = [1]
		| .linux.intelRdt = null'
	local id
	run_bundle id
	assert_status 0
	[[ "$output" == 500 ]] || die "oom_score_adj inside is '$output'"
	[[ "$(cfg "$BUNDLE" '.["org.example.vendor"]')" == '[1]' ]] || die "vendor key lost"
	[[ "$(cfg "$BUNDLE" '.process["x-vendor"]')" == '{"a":1}' ]] || die "vendor key lost"
}
