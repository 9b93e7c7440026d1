#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# exec and update as an attacker would write them, with the real runc
# (crun.bats has the crun variants): a process or resources file read
# through a pipe, a FIFO, /proc/self/fd/N or a symlink, or swapped between
# runguard's judgement and the runtime's read, must reach the runtime as it
# was judged; an update must not widen the device cgroup.

load helpers

# The maxima of these tests: 256 MiB, 64 pids.
LIMITS='"resources": {"memory": {"default": "128M", "max": "256M"}, "pids": {"default": 32, "max": 64}}'
MIB=1048576

setup() {
	rg_setup
	use_config '{"rules": {'"$LIMITS"'}}'
}

teardown() {
	rg_teardown
}

@test "escape exec: -p <(...) (a pipe, /dev/fd/63) is read once, judged, and runs within the ceiling" {
	local id
	start_container id
	evil_process "$T/p.json"
	rg --root "$STATE" exec -p <(cat "$T/p.json") "$id"
	assert_exec_confined
	[[ "$(jq -r .input <<<"$(audit_last exec)")" == /dev/fd/* ]]
	# control: a harmless process through a pipe runs as asked
	process_file "$T/ok.json" '.args = ["echo", "hello"] | .capabilities = null | .noNewPrivileges = true'
	rg --root "$STATE" exec -p <(cat "$T/ok.json") "$id"
	assert_status 0
	[[ "$output" == hello ]] || die "output: $output"
	[[ "$(jq -r .decision <<<"$(audit_last exec)")" == unchanged ]]
}

@test "escape exec: -p FIFO and -p /proc/self/fd/N are read once and judged" {
	local id
	start_container id
	evil_process "$T/p.json"
	mkfifo "$T/fifo"
	(cat "$T/p.json" >"$T/fifo" &)
	rg --root "$STATE" exec -p "$T/fifo" "$id"
	assert_exec_confined
	# the caller's own fd 5, named through /proc/self/fd
	exec 5<"$T/p.json"
	rg --root "$STATE" exec --process=/proc/self/fd/5 "$id"
	exec 5<&-
	assert_exec_confined
	# /dev/stdin is a third spelling of the same
	rg_stdin "$T/p.json" --root "$STATE" exec -p /dev/stdin "$id"
	assert_exec_confined
}

@test "escape exec: a -p file swapped after runguard read it changes nothing" {
	local id
	start_container id
	evil_process "$T/evil.json"
	process_file "$T/p.json" '.args = ["grep", "-E", "^(Cap[A-Za-z]+|NoNewPrivs):", "/proc/self/status"] |
		.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]} |
		.noNewPrivileges = true'
	make_swapper "$T/evil.json" "$T/p.json"
	RUNGUARD_RUNTIME=$SWAPPER rg --root "$STATE" exec -p "$T/p.json" "$id"
	assert_exec_confined
	assert_mask_equal CapEff 0x20
	# the swap happened: the file now asks for everything
	jq -e '.capabilities.bounding | index("CAP_SYS_ADMIN")' "$T/p.json" >/dev/null
	# a symlink in a world-writable directory, repointed in the window
	mkdir -m 0777 "$T/ww"
	process_file "$T/ww/good.json" '.args = ["grep", "-E", "^(Cap[A-Za-z]+|NoNewPrivs):", "/proc/self/status"] |
		.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]} |
		.noNewPrivileges = true'
	ln -s "$T/ww/good.json" "$T/ww/link.json"
	make_swapper "$T/evil.json" "$T/ww/link.json"
	RUNGUARD_RUNTIME=$SWAPPER rg --root "$STATE" exec -p "$T/ww/link.json" "$id"
	assert_exec_confined
	assert_mask_equal CapEff 0x20
	[[ "$(readlink "$T/ww/link.json")" == "$T/evil.json" ]]
	# a reject policy judges the bytes read, not what the name holds later
	use_config '{"rules": {"capabilities": {"action": "reject"}}}'
	evil_process "$T/p2.json"
	RUNGUARD_RUNTIME=$SWAPPER rg --root "$STATE" exec -p <(cat "$T/p2.json") "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "CAP_SYS_ADMIN"
}

@test "escape update: -r <(...), -r FIFO and -r /proc/self/fd/N are read once and clamped" {
	local id
	start_container id
	jq -n '{memory: {limit: 1073741824}}' >"$T/r.json"
	rg --root "$STATE" update -r <(cat "$T/r.json") "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((256 * MIB)) ]]
	rg --root "$STATE" update --memory 100M "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((100 * MIB)) ]]
	mkfifo "$T/fifo"
	(cat "$T/r.json" >"$T/fifo" &)
	rg --root "$STATE" update --resources "$T/fifo" "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((256 * MIB)) ]]
	jq -n '{pids: {limit: 100000}}' >"$T/r2.json"
	exec 5<"$T/r2.json"
	rg --root "$STATE" update -r /proc/self/fd/5 "$id"
	exec 5<&-
	assert_status 0
	[[ "$(cg "$id" pids pids.max)" == 64 ]]
}

@test "escape update: a -r file swapped after runguard read it changes nothing" {
	local id
	start_container id
	jq -n '{memory: {limit: 134217728}, pids: {limit: 40}}' >"$T/r.json"
	jq -n '{memory: {limit: 4294967296}, pids: {limit: -1}}' >"$T/evil.json"
	make_swapper "$T/evil.json" "$T/r.json"
	RUNGUARD_RUNTIME=$SWAPPER rg --root "$STATE" update -r "$T/r.json" "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * MIB)) ]]
	[[ "$(cg "$id" pids pids.max)" == 40 ]]
	[[ "$(jq -r .pids.limit "$T/r.json")" == -1 ]] || die "the swap did not happen"
	# control: the same file given to runc directly is applied as it stands
	real_runc --root "$STATE" update -r "$T/evil.json" "$id"
	assert_status 0
	[[ "$(cg "$id" pids pids.max)" == max ]]
}

@test "escape update: device cgroup rules get the devices rule (allow-all, block, /dev/mem)" {
	local id
	start_container id
	local before
	before=$(cg "$id" devices devices.list)
	make_spy
	# allow-all: replaced by deny-all and the default set, whatever the action
	jq -n '{devices: [{allow: true, access: "rwm"}]}' >"$T/all.json"
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" update -r "$T/all.json" "$id"
	assert_status 0
	local call
	call=$(spy_calls update)
	[[ "$call" =~ /proc/self/fd/([0-9]+) ]] || die "forwarded: $call"
	spy_handed "${BASH_REMATCH[1]}" | jq -e '.devices[0] == {allow: false, access: "rwm"}' >/dev/null ||
		die "handed: $(spy_handed "${BASH_REMATCH[1]}")"
	spy_handed "${BASH_REMATCH[1]}" | jq -e '[.devices[] | select(.allow and (.type // "a") != "c")] == []' >/dev/null ||
		die "handed: $(spy_handed "${BASH_REMATCH[1]}")"
	[[ "$(cg "$id" devices devices.list)" == "$before" ]] || die "devices.list: $(cg "$id" devices devices.list)"
	# a lone case variant is runc's "devices": judged as such, handed over canonical
	: >"$SPY_LOG"
	jq -n '{Devices: [{allow: true, access: "rwm"}]}' >"$T/d.json"
	RUNGUARD_RUNTIME=$SPY rg_stdin "$T/d.json" --root "$STATE" update -r - "$id"
	assert_status 0
	[[ "$(cg "$id" devices devices.list)" == "$before" ]] || die "devices.list: $(cg "$id" devices devices.list)"
	# every block device; /dev/mem; two spellings on stdin: refused, runc never asked
	: >"$SPY_LOG"
	for j in '{devices: [{allow: true, type: "b", access: "rw"}]}' \
		'{devices: [{allow: true, type: "c", major: 1, minor: 1, access: "r"}]}' \
		'{devices: [], Devices: [{allow: true, access: "rwm"}]}' \
		'{memory: {limit: 1}, intelRdt: {closID: "x"}}'; do
		jq -n "$j" >"$T/d.json"
		RUNGUARD_RUNTIME=$SPY rg_stdin "$T/d.json" --root "$STATE" update -r - "$id"
		assert_failed_cleanly
	done
	[[ -z "$(spy_calls update)" ]] || die "the runtime was asked to update: $(spy_calls update)"
	[[ "$(cg "$id" devices devices.list)" == "$before" ]] || die "devices.list: $(cg "$id" devices devices.list)"
	# control: the deny-all list as containerd sends it on a resize passes
	jq -n '{devices: [{allow: false, access: "rwm"}], memory: {limit: 104857600}}' >"$T/cri.json"
	rg_stdin "$T/cri.json" --root "$STATE" update -r - "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((100 * MIB)) ]]
}

# ---------------------------------------------------------------------------
# no such container: the real runtime answers, and can run nothing

@test "missing container: exec and update give runc's own message and exit status" {
	local id
	new_id id
	make_bundle "$BUNDLE" sleep 3600
	# exec: runc exits 255 with its own message, through runguard too
	real_runc --root "$STATE" exec "$id" true
	local want_status=$status want_err
	want_err=$(strip_time <<<"$stderr")
	[[ $want_status == 255 ]] || die "control: runc exec exited $want_status"
	rg --root "$STATE" exec "$id" true
	assert_status "$want_status"
	[[ "$(strip_time <<<"$stderr")" == "$want_err" ]] || die "stderr: $stderr, runc's: $want_err"
	rg --root "$STATE" exec -p <(echo '{"args": ["true"]}') "$id"
	assert_status "$want_status"
	[[ "$(jq -r .decision <<<"$(audit_last exec)")" == no-such-container ]]
	# update: exit 1, runc's message
	real_runc --root "$STATE" update --memory 1G "$id"
	want_status=$status
	want_err=$(strip_time <<<"$stderr")
	rg --root "$STATE" update --memory 1G "$id"
	assert_status "$want_status"
	[[ "$(strip_time <<<"$stderr")" == "$want_err" ]] || die "stderr: $stderr, runc's: $want_err"
	# what runc cannot take for an id is still refused by runguard
	rg --root "$STATE" exec ../../x true
	assert_failed_cleanly
	assert_contains "$stderr" "runguard"
}

@test "missing container: a container that appears in the window runs nothing unjudged" {
	local id
	new_id id
	make_bundle "$BUNDLE" sleep 3600
	# a runtime wrapper that starts the container just before runc's exec or update
	local w=$T/appear/runc
	mkdir -p "$T/appear"
	cat >"$w" <<EOS
#!/bin/bash
printf '%q ' "\$@" >>"$T/appear.log"; echo >>"$T/appear.log"
case " \$* " in *" exec "*|*" update "*)
	"$RG_STATE_RUNTIME" --root "$STATE" run -d -b "$BUNDLE" "\$APPEAR_ID" </dev/null >/dev/null 2>&1 ;;
esac
exec "$RG_STATE_RUNTIME" "\$@"
EOS
	chmod 0755 "$w"
	APPEAR_ID=$id RUNGUARD_RUNTIME=$w rg --root "$STATE" exec --cap CAP_SYS_ADMIN "$id" sh -c 'echo ran'
	# runc found the container this time, and failed on the empty process (exit 255, EOF)
	[[ $status -ne 0 ]] || die "exec succeeded"
	assert_contains "$stderr" "EOF"
	[[ "$output" != *ran* ]] || die "an unjudged process ran: $output"
	grep -q -- "exec --process=/dev/null --cap CAP_SYS_ADMIN $id" "$T/appear.log" || die "argv: $(cat "$T/appear.log")"
	wait_status "$STATE" "$id" running
	# update of a second id that appears the same way: runc fails on the empty JSON
	local id2
	new_id id2
	APPEAR_ID=$id2 RUNGUARD_RUNTIME=$w rg --root "$STATE" update --memory 8G "$id2"
	[[ $status -ne 0 ]] || die "update succeeded"
	assert_contains "$stderr" "EOF"
	grep -q -- "update --resources=/dev/null --memory 8G $id2" "$T/appear.log" || die "argv: $(cat "$T/appear.log")"
	wait_status "$STATE" "$id2" running
	[[ "$(cg "$id2" memory memory.limit_in_bytes)" != 8589934592 ]] || die "the update was applied"
}

@test "exec into a container runguard never enforced: judged against the policy, or refused" {
	local id
	make_bundle "$BUNDLE" sleep 3600
	start_running id real_runc "$BUNDLE"
	rg --root "$STATE" exec --cap CAP_SYS_ADMIN "$id" grep -E '^(Cap[A-Za-z]+|NoNewPrivs):' /proc/self/status
	assert_status 0
	# the flag was dropped: no CAP_SYS_ADMIN (bit 21); the rest is the container's own
	(((16#$(status_field CapEff) & (1 << 21)) == 0)) || die "CapEff: $(status_field CapEff)"
	(((16#$(status_field CapBnd) & (1 << 21)) == 0)) || die "CapBnd: $(status_field CapBnd)"
	evil_process "$T/p.json"
	rg --root "$STATE" exec -p "$T/p.json" "$id"
	assert_exec_confined
	use_config '{"exec": {"unenforced": "refuse"}}'
	rg --root "$STATE" exec "$id" true
	assert_failed_cleanly
	assert_contains "$stderr" "run.runguard.policy"
	[[ "$(jq -r .decision <<<"$(audit_last exec)")" == rejected ]]
	# a container runguard started is not affected
	local id2
	start_container id2
	rg --root "$STATE" exec "$id2" true
	assert_status 0
	# the setting is validated
	use_config '{"exec": {"unenforced": "maybe"}}'
	rg check-config "$RUNGUARD_CONFIG"
	assert_failed_cleanly
	assert_contains "$stderr" ".exec.unenforced"
}

# ---------------------------------------------------------------------------
# restore

@test "restore: refused by default in enforce mode, before runc is asked" {
	make_bundle "$BUNDLE" sleep 3600
	local id
	new_id id
	make_spy
	for extra in "" "--manage-cgroups-mode=soft" "--lsm-profile=apparmor:unconfined"; do
		# shellcheck disable=SC2086 # an empty extra is no argument
		RUNGUARD_RUNTIME=$SPY rg --root "$STATE" restore --image-path "$T/img" $extra -b "$BUNDLE" "$id"
		assert_failed_cleanly
		assert_contains "$stderr" "checkpoint image"
		assert_contains "$stderr" '"restore": {"allow": true}'
	done
	[[ -z "$(spy_calls restore)" ]] || die "runc was asked to restore: $(spy_calls restore)"
	[[ "$(jq -r .decision <<<"$(audit_last restore)")" == rejected ]]
	# audit mode: recorded, not refused
	use_config '{"mode": "audit"}'
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" restore --image-path "$T/img" -b "$BUNDLE" "$id"
	[[ -n "$(spy_calls restore)" ]] || die "audit mode refused"
	[[ "$(jq -r .decision <<<"$(audit_last restore)")" == would-reject ]]
}

@test "restore allowed: --lsm-profile, --lsm-mount-context and --manage-cgroups-mode are judged" {
	make_bundle "$BUNDLE" sleep 3600
	use_config '{"restore": {"allow": true}}'
	local id
	new_id id
	make_spy
	local bad
	for bad in "--manage-cgroups-mode full" "--manage-cgroups-mode=strict" "--manage-cgroups-mode bogus" \
		"--lsm-profile apparmor:unconfined" "--lsm-profile=selinux:system_u:system_r:spc_t:s0" \
		"--lsm-profile unconfined" "--lsm-mount-context system_u:object_r:container_file_t:s0"; do
		# shellcheck disable=SC2086
		RUNGUARD_RUNTIME=$SPY rg --root "$STATE" restore --image-path "$T/img" $bad -b "$BUNDLE" "$id"
		assert_failed_cleanly
		assert_contains "$stderr" "${bad%%[ =]*}"
	done
	[[ -z "$(spy_calls restore)" ]] || die "runc was asked to restore: $(spy_calls restore)"
	# soft (the default) and ignore are fine: runc is asked, with the enforced config.json
	for ok in "" "--manage-cgroups-mode=soft" "--manage-cgroups-mode ignore"; do
		: >"$SPY_LOG"
		# shellcheck disable=SC2086
		RUNGUARD_RUNTIME=$SPY rg --root "$STATE" restore --image-path "$T/img" $ok -b "$BUNDLE" "$id"
		[[ -n "$(spy_calls restore)" ]] || die "runc was not asked to restore with '$ok': $stderr"
		jq -e '.annotations["run.runguard.policy"]' "$BUNDLE/config.json" >/dev/null
		jq -e '.process.noNewPrivileges == true' "$BUNDLE/config.json" >/dev/null
	done
	use_config '{"restore": {"allow": "yes"}}'
	rg check-config "$RUNGUARD_CONFIG"
	assert_failed_cleanly
	assert_contains "$stderr" ".restore.allow"
}

# ---------------------------------------------------------------------------
# every member of an exec'd process

@test "escape exec: process members no rule judges are refused; the harmless ones run" {
	local id
	start_container id
	make_spy
	local j
	for j in '.personality = {domain: "LINUX32"}' '.scheduler = {policy: "SCHED_FIFO", priority: 99}' \
		'.ioPriority = {class: "IOPRIO_CLASS_RT", priority: 0}' '.user.capabilities = ["CAP_SYS_ADMIN"]' \
		'.Capabilities = .capabilities'; do
		process_file "$T/p.json" ".args = [\"true\"] | $j"
		RUNGUARD_RUNTIME=$SPY rg --root "$STATE" exec -p "$T/p.json" "$id"
		assert_failed_cleanly
		grep -qE 'cannot be judged|Capabilities|rule fields' <<<"$stderr" || die "stderr: $stderr"
	done
	[[ -z "$(spy_calls exec)" ]] || die "the runtime was asked to exec: $(spy_calls exec)"
	# control: env and cwd as asked; umask, oomScoreAdj, consoleSize pass (runc 1.1 applies
	# them to exec'd processes or not, as without runguard)
	process_file "$T/ok.json" '.args = ["sh", "-c", "echo $FOO; pwd"] |
		.env = ["FOO=bar", "PATH=/bin"] | .cwd = "/tmp" | .user.umask = 63 | .oomScoreAdj = 500 |
		.consoleSize = {height: 10, width: 20} | .capabilities = null | .noNewPrivileges = true'
	rg --root "$STATE" exec -p "$T/ok.json" "$id"
	assert_status 0
	[[ "$output" == $'bar\n/tmp' ]] || die "output: $output"
}

# ---------------------------------------------------------------------------
# update --memory -1 under a memory+swap limit

@test "update --memory -1 with a swap limit (config.json's or an earlier update's): runc applies it" {
	# The rule reads -1 ("no limit") as its default (128M here), which must
	# not land above the memory+swap limit the container has. Where the host
	# limits memory+swap (cgroup v1 memsw), runc reads --memory -1 with no
	# swap as swap -1 too and writes swap first; runguard says swap -1
	# itself, as runc would have. Elsewhere the default stays under the swap.
	local memsw=false unlimited=9223372036854771712
	[[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]] && memsw=true
	make_bundle "$BUNDLE" sleep 3600
	edit_config "$BUNDLE" '.linux.resources.memory = {limit: 67108864, swap: 201326592}'
	local id
	start_running id rg "$BUNDLE"
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((64 * MIB)) ]]
	rg --root "$STATE" update --memory -1 "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * MIB)) ]] ||
		die "memory.limit_in_bytes: $(cg "$id" memory memory.limit_in_bytes)"
	if $memsw; then
		[[ "$(cg "$id" memory memory.memsw.limit_in_bytes)" == "$unlimited" ]] ||
			die "memory.memsw.limit_in_bytes: $(cg "$id" memory memory.memsw.limit_in_bytes)"
		# runc's suite: a swap limit set by an update (config.json does not
		# know it) under the default, then -1 again: --memory and -r alike
		rg --root "$STATE" update --memory 32M --memory-swap 96M "$id"
		assert_status 0
		rg --root "$STATE" update --memory=-1 "$id"
		assert_status 0
		[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * MIB)) ]]
		rg --root "$STATE" update --memory 32M --memory-swap 96M "$id"
		assert_status 0
		jq -n '{memory: {limit: -1}}' >"$T/r.json"
		rg_stdin "$T/r.json" --root "$STATE" update -r - "$id"
		assert_status 0
		[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * MIB)) ]]
		[[ "$(cg "$id" memory memory.memsw.limit_in_bytes)" == "$unlimited" ]]
	fi
	# the update's own swap wins
	rg --root "$STATE" update --memory -1 --memory-swap 100M "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((100 * MIB)) ]] ||
		die "memory.limit_in_bytes: $(cg "$id" memory memory.limit_in_bytes)"
}
