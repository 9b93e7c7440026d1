#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The operator's policy (issue 3): modes, per-rule actions, named profiles,
# selectors by annotation, the stricter-only profile annotation, the audit
# log, explain's patch and check-config — with real runc containers,
# asserting on what the container saw, on config.json and on audit lines.

load helpers

# A container asking for CAP_SYS_ADMIN on top of runc's defaults, no seccomp,
# printing what it got.
PROBE='grep -E "^(CapEff|CapBnd|Seccomp|NoNewPrivs):" /proc/self/status; id -u'

policy_bundle() {
	rm -rf "$BUNDLE"
	make_bundle "$BUNDLE" sh -c "$PROBE"
	edit_config "$BUNDLE" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])
		| .process.noNewPrivileges = false | del(.linux.seccomp)'
}

field() {
	awk -v k="$1:" '$1 == k { print $2 }' <<<"$output"
}

# has_cap MASK BIT: whether bit BIT is set in hex MASK.
has_cap() {
	(((16#$1 >> $2) & 1))
}

last_audit() {
	tail -n 1 "$AUDIT"
}

@test "policy: enforce mode (default): CAP_SYS_ADMIN dropped, seccomp added, audit line 'fixed'" {
	use_config '{}'
	policy_bundle
	local id
	run_bundle id
	assert_status 0
	! has_cap "$(field CapEff)" 21 || die "CAP_SYS_ADMIN is effective"
	[[ "$(field Seccomp)" == 2 ]]
	[[ "$(last_audit | jq -r .decision)" == fixed ]]
	[[ "$(last_audit | jq -r .id)" == "$id" ]]
	[[ "$(last_audit | jq -r .policy)" == baseline ]]
	[[ "$(last_audit | jq -r .mode)" == enforce ]]
	last_audit | jq -e '.digest | startswith("sha256:")'
	last_audit | jq -e '[.changes[].rule] | index("capabilities") and index("seccomp")'
	[[ "$(cfg "$BUNDLE" '.annotations["run.runguard.changes"]')" == *capabilities* ]]
}

@test "policy: {\"mode\": \"audit\"} alone: container unchanged (keeps CAP_SYS_ADMIN, no seccomp), audit says would-fix" {
	use_config '{"mode": "audit"}'
	policy_bundle
	local before id
	before=$(sha256sum <"$BUNDLE/config.json")
	run_bundle id
	assert_status 0
	has_cap "$(field CapEff)" 21
	[[ "$(field Seccomp)" == 0 ]]
	[[ "$(sha256sum <"$BUNDLE/config.json")" == "$before" ]]
	[[ "$(last_audit | jq -r .decision)" == would-fix ]]
	[[ "$(last_audit | jq -r .mode)" == audit ]]
	last_audit | jq -e '.changes | length > 0'
	# Nothing on stderr in audit mode.
	[[ -z "$stderr" ]]
}

@test "policy: warn mode: container unchanged, findings on stderr and in the --log file" {
	use_config '{"mode": "warn"}'
	policy_bundle
	local id
	new_id id
	rg --root "$STATE" --log "$T/log.json" --log-format json run -b "$BUNDLE" "$id"
	assert_status 0
	has_cap "$(field CapEff)" 21
	assert_contains "$stderr" "would change" stderr
	assert_contains "$stderr" ".process.capabilities.bounding" stderr
	jq -s -e 'map(select(.level == "warning")) | length > 0' "$T/log.json"
	[[ "$(last_audit | jq -r .decision)" == would-fix ]]
}

@test "policy: action reject: refused with the violation listed, config.json untouched, audit 'rejected'" {
	use_config '{"rules": {"capabilities": {"action": "reject"}}}'
	policy_bundle
	local before id
	before=$(sha256sum <"$BUNDLE/config.json")
	run_bundle id
	assert_failed_cleanly
	assert_contains "$stderr" "capabilities beyond the ceiling: " stderr
	assert_contains "$stderr" "CAP_SYS_ADMIN" stderr
	assert_contains "$stderr" ".process.capabilities.bounding" stderr
	[[ "$(sha256sum <"$BUNDLE/config.json")" == "$before" ]]
	assert_no_containers "$STATE"
	[[ "$(last_audit | jq -r .decision)" == rejected ]]
	last_audit | jq -e '.violations[0].rule == "capabilities"'
	last_audit | jq -e '.error | contains("CAP_SYS_ADMIN")'
}

@test "policy: action off: capabilities left alone but seccomp still added" {
	use_config '{"rules": {"capabilities": {"action": "off"}}}'
	policy_bundle
	local id
	run_bundle id
	assert_status 0
	has_cap "$(field CapEff)" 21
	[[ "$(field Seccomp)" == 2 ]]
}

@test "policy: {\"profile\": \"restricted\"} alone: root refused; non-root runs with NET_BIND_SERVICE only" {
	use_config '{"profile": "restricted"}'
	policy_bundle
	local id
	run_bundle id
	assert_failed_cleanly
	assert_contains "$stderr" "non-root required" stderr
	assert_no_containers "$STATE"

	edit_config "$BUNDLE" '.process.user.uid = 1000 | .process.user.gid = 1000'
	run_bundle id
	assert_status 0
	[[ "$(field CapBnd)" == 0000000000000400 ]]
	[[ "$(field Seccomp)" == 2 ]]
	[[ "${lines[-1]}" == 1000 ]]
	[[ "$(last_audit | jq -r .policy)" == restricted ]]
}

@test "policy: profile privileged: nothing changed, still audited" {
	use_config '{"profile": "privileged"}'
	policy_bundle
	local before id
	before=$(sha256sum <"$BUNDLE/config.json")
	run_bundle id
	assert_status 0
	has_cap "$(field CapEff)" 21
	[[ "$(sha256sum <"$BUNDLE/config.json")" == "$before" ]]
	[[ "$(last_audit | jq -r .decision)" == unchanged ]]
	[[ "$(last_audit | jq -r .policy)" == privileged ]]
}

@test "policy: selector exempts a namespace; other namespaces enforced" {
	use_config '{"selectors": [{"match": {"io.kubernetes.pod.namespace": "kube-system"}, "profile": "privileged"}]}'
	policy_bundle
	edit_config "$BUNDLE" '.annotations["io.kubernetes.pod.namespace"] = "kube-system"
		| .annotations["io.kubernetes.pod.name"] = "coredns-1"'
	local id
	run_bundle id
	assert_status 0
	has_cap "$(field CapEff)" 21
	[[ "$(last_audit | jq -r .selected)" == "selector 0" ]]
	[[ "$(last_audit | jq -r '.annotations["io.kubernetes.pod.name"]')" == coredns-1 ]]

	edit_config "$BUNDLE" '.annotations["io.kubernetes.pod.namespace"] = "default"'
	run_bundle id
	assert_status 0
	! has_cap "$(field CapEff)" 21 || die "CAP_SYS_ADMIN is effective"
	[[ "$(field Seccomp)" == 2 ]]
}

@test "policy: a workload annotation may ask for a stricter profile, not a weaker one" {
	use_config '{}'
	policy_bundle
	edit_config "$BUNDLE" '.annotations["run.runguard.profile"] = "privileged"'
	local id
	run_bundle id
	assert_status 0
	! has_cap "$(field CapEff)" 21 || die "CAP_SYS_ADMIN is effective"
	[[ "$(last_audit | jq -r .policy)" == baseline ]]
	last_audit | jq -e '.selected | contains("weaker profile")'

	policy_bundle
	edit_config "$BUNDLE" '.annotations["run.runguard.profile"] = "restricted" | .process.user.uid = 1000 | .process.user.gid = 1000'
	run_bundle id
	assert_status 0
	[[ "$(field CapBnd)" == 0000000000000400 ]]
	[[ "$(last_audit | jq -r .policy)" == restricted ]]
}

@test "policy: a selector with allowWeakerProfiles lets that namespace ask for privileged" {
	use_config '{"selectors": [{"match": {"io.kubernetes.pod.namespace": "ci-*"}, "allowWeakerProfiles": true}]}'
	policy_bundle
	edit_config "$BUNDLE" '.annotations["run.runguard.profile"] = "privileged"
		| .annotations["io.kubernetes.pod.namespace"] = "ci-7"'
	local id
	run_bundle id
	assert_status 0
	has_cap "$(field CapEff)" 21
	[[ "$(last_audit | jq -r .policy)" == privileged ]]
}

@test "policy: unwritable audit log warns and starts the container; required audit refuses" {
	use_config '{"audit": {"file": "/proc/runguard-no-such-dir/audit.log"}}'
	policy_bundle
	local id
	run_bundle id
	assert_status 0
	assert_contains "$stderr" "warning: audit log" stderr
	[[ "$(field Seccomp)" == 2 ]]

	use_config '{"audit": {"file": "/proc/runguard-no-such-dir/audit.log", "required": true}}'
	policy_bundle
	run_bundle id
	assert_failed_cleanly
	assert_contains "$stderr" "audit log required" stderr
	assert_no_containers "$STATE"
}

@test "policy: audit log lines are one well-formed JSON object each, also for refusals and errors" {
	use_config '{}'
	policy_bundle
	local id
	run_bundle id
	write_config "$BUNDLE" '{"ociVersion": "1.0.2", "process": 5}'
	run_bundle id
	assert_failed_cleanly
	[[ "$(wc -l <"$AUDIT")" -eq 2 ]]
	jq -e . "$AUDIT" >/dev/null
	[[ "$(last_audit | jq -r .decision)" == error ]]
	last_audit | jq -e '.error | contains(".process")'
}

@test "policy: audit.syslog sends the same record to /dev/log (a private one, in a mount namespace)" {
	require_or_skip "unshare -m" command -v unshare
	use_config '{"audit": {"syslog": true}}'
	policy_bundle
	local id
	new_id id
	# A datagram socket standing in for the syslog daemon, at $T/dev/log;
	# runguard runs in a mount namespace where $T/dev is /dev.
	mkdir -p "$T/dev"
	touch "$T/dev/null"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "w").close()
s.settimeout(60)
with open(sys.argv[3], "wb") as out:
    out.write(s.recv(65536))
' "$T/dev/log" "$T/ready" "$T/syslog.out" &
	local listener=$!
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -e "$T/ready" ]] && break
		sleep 0.05
	done
	[[ -e "$T/ready" ]] || die "the stand-in syslog daemon did not start"
	export T BUNDLE id STATE RUNGUARD_BIN
	# shellcheck disable=SC2016
	RUNGUARD_RUNTIME=/bin/true run_cmd unshare -m sh -c 'mount --make-rprivate / &&
		mount --bind /dev/null "$T/dev/null" && mount --bind "$T/dev" /dev &&
		exec "$RUNGUARD_BIN" --root "$STATE" create -b "$BUNDLE" "$id"'
	assert_status 0
	wait "$listener" || die "no syslog message within 60 s; runguard said: $stderr"
	# "<PRI>timestamp runguard[pid]: {record}"
	local msg
	msg=$(cat "$T/syslog.out")
	[[ "$msg" == "<"*">"*"runguard["*"]: {"* ]] || die "not a syslog message: $msg"
	[[ "${msg#*]: }" == "$(last_audit)" ]] || die "syslog and the audit file differ: $msg"
	[[ "$(last_audit | jq -r .id)" == "$id" ]]
}

@test "explain: the printed patch applied to the input gives exactly what create writes" {
	use_config '{}'
	policy_bundle
	edit_config "$BUNDLE" '.annotations["org.example/x~y"] = "tilde and slash"'
	cp "$BUNDLE/config.json" "$T/orig.json"
	rg explain "$BUNDLE"
	assert_status 0
	printf '%s\n' "$output" >"$T/patch.json"
	jq -e 'length > 0' "$T/patch.json"
	assert_contains "$stderr" "capabilities" stderr
	# explain touched nothing.
	cmp "$BUNDLE/config.json" "$T/orig.json"
	# create with a no-op runtime writes the enforced config.
	local id
	new_id id
	RUNGUARD_RUNTIME=/bin/true rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	/usr/bin/python3 "$BATS_TEST_DIRNAME/jsonpatch.py" "$T/orig.json" "$T/patch.json" >"$T/applied.json"
	# Same values, same key order (python keeps insertion order).
	/usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' \
		"$BUNDLE/config.json" >"$T/written.json"
	cmp "$T/applied.json" "$T/written.json"
}

@test "explain: a config that would be refused exits 3 with the reasons; also works on a plain file" {
	use_config '{"rules": {"noNewPrivileges": {"action": "reject"}}}'
	policy_bundle
	rg explain "$BUNDLE/config.json"
	assert_status 3
	assert_contains "$stderr" "privilege escalation allowed" stderr
	[[ "$output" == "[]" ]]
	rg explain "$T/does-not-exist"
	assert_status 1
}

@test "check-config: prints the effective policy; errors name file, line and path" {
	printf '{\n  "profile": "restricted",\n  "rules": {"resources": {"pids": {"default": 64}}}\n}\n' >"$T/c.json"
	rg check-config "$T/c.json"
	assert_status 0
	[[ "$(jq -r .profile <<<"$output")" == restricted ]]
	[[ "$(jq -r .rules.resources.pids.default <<<"$output")" == 64 ]]
	printf '{\n  "mode": "enforce",\n  "rules": {"capabilities": {"allow": ["CAP_FOO"]}}\n}\n' >"$T/bad.json"
	rg check-config "$T/bad.json"
	assert_failed_cleanly
	assert_contains "$stderr" "$T/bad.json:3" stderr
	assert_contains "$stderr" ".rules.capabilities.allow[0]: unknown capability 'CAP_FOO'" stderr
}

@test "policy: a broken configuration refuses create but lets passthrough commands work" {
	printf '{"mode": "bogus"}' >"$T/broken.json"
	export RUNGUARD_CONFIG=$T/broken.json
	policy_bundle
	local id
	run_bundle id
	assert_failed_cleanly
	assert_contains "$stderr" ".mode" stderr
	assert_no_containers "$STATE"
	rg --root "$STATE" list
	assert_status 0
	assert_contains "$stderr" "warning" stderr
}

@test "check-config: the commented example in contrib/config/config.json is valid" {
	cp "$BATS_TEST_DIRNAME/../../contrib/config/config.json" "$T/example.json"
	chmod 0644 "$T/example.json"
	rg check-config "$T/example.json"
	assert_status 0
	[[ "$(jq -r .mode <<<"$output")" == enforce ]]
	[[ "$(jq -r '.selectors | length' <<<"$output")" -ge 1 ]]
}
