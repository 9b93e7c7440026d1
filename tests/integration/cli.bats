#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# runguard must find the bundle exactly where runc will: every spelling of
# runc's global and subcommand flags. Each test runs from a decoy bundle
# (the current directory, runc's default bundle) so that a misparsed
# --bundle would enforce the wrong config.json and let runc start an
# unhardened container: the test then sees it.

load helpers

setup() {
	rg_setup
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	edit_config "$BUNDLE" '.process.noNewPrivileges = false'
	make_bundle "$T/decoy" true
	edit_config "$T/decoy" '.process.noNewPrivileges = false'
	DECOY_SUM=$(sha256sum <"$T/decoy/config.json")
	cd "$T/decoy" || return 1
}

teardown() {
	cd "$BATS_TEST_DIRNAME" || return 1
	rg_teardown
}

# assert_enforced [BUNDLE]: the bundle's config.json was enforced, the decoy was not touched.
assert_enforced() {
	local b=${1:-$BUNDLE}
	[[ -n "$(jq -r '.annotations["run.runguard.policy"] // empty' "$b/config.json")" ]] ||
		{ die "$b/config.json was not enforced"; return 1; }
	[[ "$(jq -c .process.noNewPrivileges "$b/config.json")" == true ]] ||
		{ die "$b: noNewPrivileges not set"; return 1; }
	[[ "$(sha256sum <"$T/decoy/config.json")" == "$DECOY_SUM" ]] ||
		{ die "the decoy bundle (cwd) was modified"; return 1; }
}

# assert_created ROOT ID
assert_created() {
	[[ "$(container_status "$1" "$2")" == created ]] || { die "container $2 not created in $1"; return 1; }
}

@test "cli: Go-style single-dash global flag: -root X create -b B id" {
	local id
	new_id id
	rg -root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	assert_created "$STATE" "$id"
	assert_enforced
}

@test "cli: = forms: --root=X create --bundle=B id" {
	local id
	new_id id
	rg --root="$STATE" create --bundle="$BUNDLE" "$id"
	assert_status 0
	assert_created "$STATE" "$id"
	assert_enforced
}

@test "cli: -root=X create -b=B id and -bundle B" {
	local id
	new_id id
	rg -root="$STATE" create -b="$BUNDLE" "$id"
	assert_status 0
	assert_created "$STATE" "$id"
	assert_enforced
	rg --root "$STATE" delete -f "$id"
	new_id id
	rg --root "$STATE" create -bundle "$BUNDLE" "$id"
	assert_status 0
	assert_created "$STATE" "$id"
	assert_enforced
}

@test "cli: Go-style flags on run: -root X run -bundle B id; the container is hardened" {
	local id
	new_id id
	rg -root "$STATE" run -bundle "$BUNDLE" "$id"
	assert_status 0
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is $(status_field NoNewPrivs)"
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is $(status_field Seccomp)"
	assert_enforced
}

@test "cli: global flags with values and booleans before the subcommand" {
	local id
	new_id id
	# --criu names a program runc runs as root: only a configured path passes.
	use_config '{"runtimeFlags": {"criu": ["/nonexistent/criu"]}}'
	rg --rootless false --debug --log "$T/runtime.log" --log-format json --criu /nonexistent/criu \
		--root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	assert_created "$STATE" "$id"
	assert_enforced
}

@test "cli: boolean flags with =value (--debug=true, --systemd-cgroup=false, --no-pivot=true)" {
	local id
	new_id id
	rg --root "$STATE" --debug=true --systemd-cgroup=false create --no-pivot=true --bundle "$BUNDLE" "$id"
	assert_status 0
	assert_created "$STATE" "$id"
	assert_enforced
}

@test "cli: subcommand flags before the bundle (--pid-file, --no-pivot, --no-new-keyring, --preserve-fds 0)" {
	local id
	new_id id
	rg --root "$STATE" create --pid-file "$T/pid" --no-pivot --no-new-keyring --preserve-fds 0 \
		-b "$BUNDLE" "$id"
	assert_status 0
	assert_created "$STATE" "$id"
	[[ -s "$T/pid" ]]
	assert_enforced
}

@test "cli: no --bundle: the current directory is the bundle" {
	cd "$BUNDLE"
	local id
	new_id id
	rg --root "$STATE" create "$id"
	assert_status 0
	assert_created "$STATE" "$id"
	[[ -n "$(jq -r '.annotations["run.runguard.policy"] // empty' "$BUNDLE/config.json")" ]]
	[[ "$(jq -c .process.noNewPrivileges "$BUNDLE/config.json")" == true ]]
}

@test "cli: relative --bundle path" {
	cd "$T"
	local id
	new_id id
	rg --root "$STATE" create --bundle bundle "$id"
	assert_status 0
	assert_created "$STATE" "$id"
	assert_enforced
}

@test "cli: repeated -b (Go takes the last): the bundle runc uses is the one enforced, or refused" {
	local id
	new_id id
	rg --root "$STATE" create -b "$T/decoy" -b "$BUNDLE" "$id"
	if [[ "$status" -eq 0 ]]; then
		assert_created "$STATE" "$id"
		[[ -n "$(jq -r '.annotations["run.runguard.policy"] // empty' "$BUNDLE/config.json")" ]] ||
			die "runc uses the last -b ($BUNDLE) but runguard did not enforce it"
		[[ "$(jq -c .process.noNewPrivileges "$BUNDLE/config.json")" == true ]]
	else
		assert_failed_cleanly
		assert_no_containers
	fi
}

@test "cli: restore is enforced too (bundle found from --bundle after restore flags)" {
	local id
	new_id id
	# restore is refused unless the configuration allows it (escape_exec_update.bats)
	use_config '{"restore": {"allow": true}}'
	mkdir -p "$T/checkpoint"
	rg --root "$STATE" restore --image-path "$T/checkpoint" --work-path "$T/work" --tcp-established \
		--manage-cgroups-mode soft --bundle "$BUNDLE" "$id"
	# There is no checkpoint (nor, maybe, criu): runc fails, but only after
	# runguard enforced the bundle runc was given.
	assert_enforced
	assert_no_containers
}

@test "cli: an unknown global flag before create is refused, not guessed at" {
	local id
	new_id id
	rg --root "$STATE" --no-such-flag create -b "$BUNDLE" "$id"
	assert_failed_cleanly
	assert_no_containers
}
