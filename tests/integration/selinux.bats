#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# SELinux labels with unique MCS categories (issue 5). The test machines run
# with SELinux compiled in but disabled, so:
# - with SELinux off, labels are left alone, the audit says so, and a policy
#   requiring SELinux refuses every container (real runc);
# - with the test switch RUNGUARD_SELINUX_FORCE=1 (read only by the test
#   build, $RUNGUARD_TEST_BIN, and honoured only while the kernel reports
#   SELinux disabled), a fixture lxc_contexts and a private MCS
#   store (RUNGUARD_MCS_DIR), runguard labels containers as on an SELinux
#   host. A label it writes is shown to be what the real runc is given (runc
#   then refuses it, SELinux being off). The store is exercised with a
#   stand-in runtime that keeps runc's state layout (<root>/<id>/state.json):
#   200 parallel creates, deletes, pods, a crash between reservation and exec.

load helpers

FIXTURES=$(readlink -f "$BATS_TEST_DIRNAME/../fixtures/selinux")
LABEL_RE='^system_u:system_r:container_t:s0:c([0-9]+),c([0-9]+)$'

setup() {
	rg_setup
	use_config '{}'
	ROOT=$T/fake-root
	MCS=$T/mcs
}

teardown() {
	rg_teardown
}

last_audit() {
	tail -n 1 "$AUDIT"
}

# selinux_on: act as an SELinux host (test switches), with the fixture contexts.
selinux_on() {
	if [[ -e /sys/fs/selinux/enforce ]]; then
		skip "SELinux is enabled here: the test switches are inert by design"
	fi
	export RUNGUARD_SELINUX_FORCE=1
	export RUNGUARD_LXC_CONTEXTS=$FIXTURES/lxc_contexts
	export RUNGUARD_MCS_DIR=$MCS
	# Only the test build reads the switches (make integration sets RUNGUARD_TEST_BIN).
	RUNGUARD_BIN=${RUNGUARD_TEST_BIN:?the test build (make build/runguard-test)}
}

# make_fake_runtime: $FAKE, a stand-in for runc that keeps runc's state
# layout: create/run make <root>/<id>/state.json, delete removes <root>/<id>.
make_fake_runtime() {
	FAKE=$T/fake-runc
	cat >"$FAKE" <<'EOF'
#!/bin/bash
root=/run/runc
while [[ $# -gt 0 && $1 == -* ]]; do
	case $1 in
	--root) root=$2; shift 2 ;;
	--root=*) root=${1#--root=}; shift ;;
	*) shift ;;
	esac
done
sub=$1
shift
id=${!#}
case $sub in
create | run)
	mkdir -p "$root/$id" &&
		printf '{"init_process_pid":%s,"init_process_start":%s}' \
			"${FAKE_INIT_PID:-0}" "${FAKE_INIT_START:-0}" >"$root/$id/state.json"
	;;
delete) rm -rf "${root:?}/${id:?}" ;;
esac
EOF
	chmod 0755 "$FAKE"
	export RUNGUARD_RUNTIME=$FAKE
}

# small_bundle DIR: a bundle with runc's default config and no rootfs (the
# stand-in runtime needs none).
small_bundle() {
	mkdir -p "$1"
	chmod 0755 "$1"
	if [[ ! -f "$T/spec.json" ]]; then
		(cd "$T" && "$REAL_RUNC" spec && mv config.json spec.json)
	fi
	cp "$T/spec.json" "$1/config.json"
	chmod 0644 "$1/config.json"
}

# pair_of LABEL: "cA,cB" of a label's level.
pair_of() {
	[[ "$1" =~ :s0:(c[0-9]+,c[0-9]+)$ ]] || { die "no MCS pair in '$1'"; return 1; }
	printf '%s\n' "${BASH_REMATCH[1]}"
}

# record_of ID: the store's record file of container ID (any root).
record_of() {
	local f
	for f in "$MCS"/ids/"$1"@*; do
		[[ -f "$f" ]] && printf '%s\n' "$f"
	done
}

count_in() {
	find "$MCS/$1" -mindepth 1 -maxdepth 1 | wc -l
}

# ---------------------------------------------------------------------------
# SELinux off (this host as it is)

@test "selinux off: labels are left alone, the container runs (real runc), the audit says SELinux was off" {
	make_bundle "$BUNDLE" true
	local id
	run_bundle id
	assert_status 0
	[[ "$(cfg "$BUNDLE" '.process.selinuxLabel // "none"')" == '"none"' ]]
	[[ "$(cfg "$BUNDLE" '.linux.mountLabel // "none"')" == '"none"' ]]
	[[ "$(last_audit | jq -r .selinux)" == disabled ]]
	last_audit | jq -e '[.changes[] | select(.rule == "selinux")] | length == 0'
	[[ ! -e "$MCS" ]]
	! compgen -G "/run/runguard/mcs/ids/$id@*" >/dev/null || die "a reservation was made"

	# A label given in config.json is not touched either (runc would refuse it
	# here; that is the engine's business).
	edit_config "$BUNDLE" '.process.selinuxLabel = "system_u:system_r:spc_t:s0"'
	rg explain "$BUNDLE"
	assert_status 0
	[[ "$(jq '[.[] | select(.path | test("selinux|mountLabel"; "i"))] | length' <<<"$output")" == 0 ]] ||
		die "explain would change a label with SELinux off: $output"
}

@test "selinux off: \"required\": true refuses every container and says why" {
	use_config '{"rules": {"selinux": {"action": "fix", "required": true}}}'
	make_bundle "$BUNDLE" true
	expect_refused "$BUNDLE" "SELinux is required by the policy" "disabled on this host" \
		".process.selinuxLabel"
	[[ "$(last_audit | jq -r .decision)" == rejected ]]
	[[ "$(last_audit | jq -r .selinux)" == disabled ]]
	# check-config accepts the setting; a wrong type is an error naming it.
	rg check-config "$T/runguard.json"
	assert_status 0
	use_config '{"rules": {"selinux": {"required": "yes"}}}'
	rg check-config "$T/runguard.json"
	assert_failed_cleanly
	assert_contains "$stderr" ".rules.selinux.required: expected a boolean"
}

# ---------------------------------------------------------------------------
# SELinux forced on (test switch)

@test "selinux on: a label runguard writes is what the real runc is given" {
	selinux_on
	make_bundle "$BUNDLE" true
	# A spy that keeps the config.json runc is about to read, then becomes runc.
	local spy=$T/spy-runc
	cat >"$spy" <<EOF
#!/bin/bash
cp "$BUNDLE/config.json" "$T/given.json"
exec "$REAL_RUNC" "\$@"
EOF
	chmod 0755 "$spy"
	local id label
	new_id id
	RUNGUARD_RUNTIME=$spy rg --root "$STATE" run -b "$BUNDLE" "$id"
	# runc read the label and, SELinux being off here, refused to go on.
	assert_failed_cleanly
	assert_contains "$stderr" "selinux label is specified in config, but selinux is disabled"
	[[ -f "$T/given.json" ]] || die "the real runtime was not started"
	cmp "$T/given.json" "$BUNDLE/config.json" || die "runc was given another config.json"
	label=$(jq -r .process.selinuxLabel "$T/given.json")
	[[ "$label" =~ $LABEL_RE ]] || die "process label '$label'"
	((BASH_REMATCH[1] < BASH_REMATCH[2])) || die "categories not ordered in '$label'"
	[[ "$(jq -r .linux.mountLabel "$T/given.json")" == \
		"system_u:object_r:container_file_t:s0:$(pair_of "$label")" ]]
	# The level is the one reserved for this container, under runc's root.
	local rec
	rec=$(record_of "$id")
	[[ -n "$rec" ]] || die "no reservation for $id"
	grep -qx "pair $(pair_of "$label")" "$rec"
	grep -qx "root $STATE" "$rec"
	[[ -f "$MCS/pairs/$(pair_of "$label")" ]]
	[[ "$(last_audit | jq -r .selinux)" == forced-for-tests ]]
	last_audit | jq -e '[.changes[] | select(.rule == "selinux") | .path] ==
		[".process.selinuxLabel", ".linux.mountLabel"]'
	assert_no_containers

	# runc failed, so no container holds the pair: the next allocation collects it.
	make_fake_runtime
	small_bundle "$T/next"
	rg --root "$ROOT" create -b "$T/next" next-one
	assert_status 0
	[[ -z "$(record_of "$id")" ]] || die "reservation of the failed container not collected"
	[[ ! -e "$MCS/pairs/$(pair_of "$label")" ]]
}

@test "selinux on: create reserves a unique level in the store, delete releases it" {
	selinux_on
	make_fake_runtime
	small_bundle "$BUNDLE"
	rg --root "$ROOT" create -b "$BUNDLE" ctr-1
	assert_status 0
	local label pair
	label=$(jq -r .process.selinuxLabel "$BUNDLE/config.json")
	[[ "$label" =~ $LABEL_RE ]] || die "process label '$label'"
	pair=$(pair_of "$label")
	[[ "$(cat "$MCS/pairs/$pair")" == ctr-1@* ]]
	[[ "$(stat -c %a "$MCS")" == 700 ]]
	# Enforcing again changes nothing and reserves nothing more.
	local before
	before=$(sha256sum <"$BUNDLE/config.json")
	rg explain "$BUNDLE"
	assert_status 0
	[[ "$output" == "[]" ]] || die "explain of an enforced config: $output"
	[[ "$(count_in pairs)" == 1 ]]

	rg --root "$ROOT" delete ctr-1
	assert_status 0
	[[ "$(count_in pairs)" == 0 && "$(count_in ids)" == 0 ]] || die "not released: $(ls -R "$MCS")"
	[[ ! -e "$ROOT/ctr-1" ]] || die "the runtime's delete did not run"
	[[ "$(sha256sum <"$BUNDLE/config.json")" == "$before" ]]
}

@test "selinux on: 200 parallel creates get 200 distinct pairs; all are released after delete" {
	selinux_on
	make_fake_runtime
	local i n=200
	for ((i = 1; i <= n; i++)); do
		small_bundle "$T/b/$i"
	done
	export RUNGUARD_BIN ROOT T
	# shellcheck disable=SC2016
	seq "$n" | timeout 600 xargs -P 16 -I{} sh -c \
		'"$RUNGUARD_BIN" --root "$ROOT" create -b "$T/b/$1" "par-$1" 2>>"$T/par.err" ||
		 echo "create $1 failed: $?" >>"$T/par.fail"' _ {}
	[[ ! -s "$T/par.fail" ]] || die "$(cat "$T/par.fail") $(tail -5 "$T/par.err")"
	! grep -qE 'AddressSanitizer|runtime error:' "$T/par.err" || die "sanitizer: $(cat "$T/par.err")"

	local labels pairs
	labels=$(for ((i = 1; i <= n; i++)); do jq -r .process.selinuxLabel "$T/b/$i/config.json"; done)
	[[ "$(grep -cE "$LABEL_RE" <<<"$labels")" == "$n" ]] || die "not all labelled"
	[[ "$(sort -u <<<"$labels" | wc -l)" == "$n" ]] || die "duplicate levels: $(sort <<<"$labels" | uniq -d)"
	if [[ "$(count_in pairs)" != "$n" || "$(count_in ids)" != "$n" ]]; then
		for ((i = 1; i <= n; i++)); do
			[[ -n "$(record_of "par-$i")" ]] || echo "# no record for par-$i" >&2
		done
		die "store: $(count_in pairs) pairs, $(count_in ids) records; $(tail -5 "$T/par.err")"
	fi
	# Each container's level is the pair its record holds, and its mount label's.
	for ((i = 1; i <= n; i += 37)); do
		local l
		l=$(jq -r .process.selinuxLabel "$T/b/$i/config.json")
		grep -qx "pair $(pair_of "$l")" "$(record_of "par-$i")"
		[[ "$(jq -r .linux.mountLabel "$T/b/$i/config.json")" == *":s0:$(pair_of "$l")" ]]
	done

	# shellcheck disable=SC2016
	seq "$n" | timeout 600 xargs -P 16 -I{} sh -c \
		'"$RUNGUARD_BIN" --root "$ROOT" delete "par-$1" 2>>"$T/del.err" ||
		 echo "delete $1 failed: $?" >>"$T/del.fail"' _ {}
	[[ ! -s "$T/del.fail" ]] || die "$(cat "$T/del.fail")"
	[[ "$(count_in pairs)" == 0 && "$(count_in ids)" == 0 ]] ||
		die "left after delete: $(count_in pairs) pairs, $(count_in ids) records"
	[[ -z "$(ls -A "$ROOT")" ]] || die "containers left: $(ls "$ROOT")"
}

@test "selinux on: runguard killed between reservation and exec; the pair is collected later" {
	selinux_on
	make_fake_runtime
	small_bundle "$BUNDLE"
	local before
	before=$(bundle_snapshot "$BUNDLE")
	# Not through rg/run_cmd, which takes a SIGKILL for its own timeout.
	status=0
	RUNGUARD_TEST_CRASH_AFTER_RESERVE=1 timeout 60 "$RUNGUARD_BIN" --root "$ROOT" create \
		-b "$BUNDLE" crashed </dev/null >"$T/crash.out" 2>"$T/crash.err" || status=$?
	[[ "$status" == 137 ]] || die "expected SIGKILL (137), got $status: $(cat "$T/crash.err")"
	[[ "$(bundle_snapshot "$BUNDLE")" == "$before" ]] || die "config.json changed"
	[[ ! -e "$ROOT/crashed" ]]
	local rec pair
	rec=$(record_of crashed)
	[[ -n "$rec" ]] || die "no reservation was made before the crash"
	pair=$(awk '$1 == "pair" { print $2 }' "$rec")
	[[ -f "$MCS/pairs/$pair" ]]

	# The next allocation collects it: no container, no reserving process.
	small_bundle "$T/other"
	rg --root "$ROOT" create -b "$T/other" other
	assert_status 0
	[[ -z "$(record_of crashed)" ]] || die "crashed reservation still there"
	[[ ! -e "$MCS/pairs/$pair" ]] || die "crashed pair $pair still reserved"
	[[ "$(count_in ids)" == 1 ]]
	# The engine retries the create: it gets a fresh reservation and runs.
	rg --root "$ROOT" create -b "$BUNDLE" crashed
	assert_status 0
	[[ "$(count_in ids)" == 2 ]]
}

@test "selinux on: containers of a pod share the sandbox's level (containerd and CRI-O annotations)" {
	selinux_on
	make_fake_runtime
	local b
	for b in sb app1 app2 crio-sb crio-app solo; do
		small_bundle "$T/$b"
	done
	local cri='.annotations["io.kubernetes.cri.sandbox-id"] = "sb"'
	edit_config "$T/sb" "$cri"' | .annotations["io.kubernetes.cri.container-type"] = "sandbox"'
	edit_config "$T/app1" "$cri"' | .annotations["io.kubernetes.cri.container-type"] = "container"'
	edit_config "$T/app2" "$cri"' | .annotations["io.kubernetes.cri.container-type"] = "container"'
	edit_config "$T/crio-sb" '.annotations["io.kubernetes.cri-o.SandboxID"] = "crio-sb"
		| .annotations["io.kubernetes.cri-o.ContainerType"] = "sandbox"'
	edit_config "$T/crio-app" '.annotations["io.kubernetes.cri-o.SandboxID"] = "crio-sb"
		| .annotations["io.kubernetes.cri-o.ContainerType"] = "container"'
	for b in sb app1 app2 crio-sb crio-app solo; do
		rg --root "$ROOT" create -b "$T/$b" "$b"
		assert_status 0
	done
	local -A level
	for b in sb app1 app2 crio-sb crio-app solo; do
		level[$b]=$(pair_of "$(jq -r .process.selinuxLabel "$T/$b/config.json")")
	done
	[[ "${level[app1]}" == "${level[sb]}" && "${level[app2]}" == "${level[sb]}" ]] ||
		die "pod levels differ: ${level[*]}"
	[[ "${level[crio-app]}" == "${level[crio-sb]}" ]]
	[[ "${level[crio-sb]}" != "${level[sb]}" && "${level[solo]}" != "${level[sb]}" &&
		"${level[solo]}" != "${level[crio-sb]}" ]] || die "pods share a level: ${level[*]}"
	[[ "$(count_in pairs)" == 3 && "$(count_in ids)" == 6 ]]

	# The pair stays reserved until the pod's last container is deleted.
	rg --root "$ROOT" delete sb
	[[ -f "$MCS/pairs/${level[sb]}" ]]
	rg --root "$ROOT" delete app1
	[[ -f "$MCS/pairs/${level[sb]}" ]]
	rg --root "$ROOT" delete -f app2
	[[ ! -e "$MCS/pairs/${level[sb]}" ]]
}

@test "selinux on: given labels: forbidden types replaced or rejected, a level without categories gets unique ones" {
	selinux_on
	make_fake_runtime
	small_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.process.selinuxLabel = "system_u:system_r:spc_t:s0:c3,c7"'
	rg --root "$ROOT" create -b "$BUNDLE" given-1
	assert_status 0
	[[ "$(jq -r .process.selinuxLabel "$BUNDLE/config.json")" == \
		system_u:system_r:container_t:s0:c3,c7 ]] || die "type not replaced"
	[[ "$(count_in pairs)" == 0 ]] # the given categories are the engine's

	small_bundle "$T/nocats"
	edit_config "$T/nocats" '.process.selinuxLabel = "system_u:system_r:container_t:s0"
		| .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	rg --root "$ROOT" create -b "$T/nocats" given-2
	assert_status 0
	local label
	label=$(jq -r .process.selinuxLabel "$T/nocats/config.json")
	[[ "$label" =~ $LABEL_RE ]] || die "no unique categories: $label"
	[[ "$(jq -r .linux.mountLabel "$T/nocats/config.json")" == *":s0:$(pair_of "$label")" ]]

	# Action reject: refused, with the reason; nothing reserved.
	use_config '{"rules": {"selinux": {"action": "reject"}}}'
	small_bundle "$T/spc"
	edit_config "$T/spc" '.process.selinuxLabel = "system_u:system_r:unconfined_t:s0"'
	expect_refused "$T/spc" "SELinux type 'unconfined_t' is not allowed" "has no MCS categories"
	[[ "$(count_in pairs)" == 1 ]]

	# An operator may allow another type.
	use_config '{"rules": {"selinux": {"allowTypes": ["container_t", "spc_t"]}}}'
	small_bundle "$T/allowed"
	edit_config "$T/allowed" '.process.selinuxLabel = "system_u:system_r:spc_t:s0:c1,c2"'
	rg --root "$ROOT" create -b "$T/allowed" given-3
	assert_status 0
	[[ "$(jq -r .process.selinuxLabel "$T/allowed/config.json")" == system_u:system_r:spc_t:s0:c1,c2 ]]
}

@test "selinux on: malformed lxc_contexts: containers are refused (fail closed), nothing reserved" {
	selinux_on
	make_bundle "$BUNDLE" true
	local f
	for f in no-equals missing-file not-a-context empty spc; do
		export RUNGUARD_LXC_CONTEXTS=$FIXTURES/lxc_contexts.$f
		RG_REFUSE_SUBCMDS=create expect_refused "$BUNDLE" ".process.selinuxLabel|.linux.mountLabel" \
			"lxc_contexts.$f"
	done
	[[ ! -e "$MCS/pairs" || "$(count_in pairs)" == 0 ]]
}

@test "selinux on: delete without --force keeps the pair of a container that still runs" {
	selinux_on
	make_fake_runtime
	small_bundle "$BUNDLE"
	# shellcheck disable=SC2217 # stdin too: none of bats' descriptors stays open
	sleep 300 </dev/null >/dev/null 2>&1 3>&- &
	local init=$!
	on_teardown "kill $init"
	export FAKE_INIT_PID=$init
	FAKE_INIT_START=$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$init/stat")
	export FAKE_INIT_START
	rg --root "$ROOT" create -b "$BUNDLE" busy
	assert_status 0
	local pair
	pair=$(pair_of "$(jq -r .process.selinuxLabel "$BUNDLE/config.json")")
	# runc would refuse this delete (the container runs); the stand-in does not,
	# so the record stays until collection sees the container gone.
	rg --root "$ROOT" delete busy
	[[ -f "$MCS/pairs/$pair" ]] || die "released while the container still ran"
	# --force kills and deletes: released.
	mkdir -p "$ROOT/busy"
	rg --root "$ROOT" delete --force busy
	[[ ! -e "$MCS/pairs/$pair" ]] || die "delete --force did not release"
}

@test "selinux on: audit and warn modes reserve nothing and change nothing" {
	selinux_on
	make_fake_runtime
	local mode
	for mode in audit warn; do
		use_config "{\"mode\": \"$mode\"}"
		small_bundle "$T/$mode"
		local before
		before=$(sha256sum <"$T/$mode/config.json")
		rg --root "$ROOT" create -b "$T/$mode" "m-$mode"
		assert_status 0
		[[ "$(sha256sum <"$T/$mode/config.json")" == "$before" ]]
		[[ "$(last_audit | jq -r .decision)" == would-fix ]]
		last_audit | jq -e '[.changes[] | select(.rule == "selinux")] | length == 2'
		[[ ! -e "$MCS/pairs" || "$(count_in pairs)" == 0 ]]
	done
}
