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

# make_swapper FROM TO: a runtime wrapper that copies FROM over TO (a
# file the caller named with -p or -r, or repoints a symlink) and then runs
# the real runtime: the window between runguard's read and the runtime's.
make_swapper() {
	SWAPPER=$T/swap/${RG_STATE_RUNTIME##*/}
	mkdir -p "$T/swap"
	cat >"$SWAPPER" <<EOS
#!/bin/bash
case " \$* " in *" exec "*|*" update "*)
	if [[ -L "$2" ]]; then ln -sfn "$1" "$2"; else cat "$1" >"$2"; fi ;;
esac
exec "$RG_STATE_RUNTIME" "\$@"
EOS
	chmod 0755 "$SWAPPER"
}

# evil_process FILE: every capability, no_new_privs off, prints its status.
evil_process() {
	process_file "$1" '.args = ["grep", "-E", "^(Cap[A-Za-z]+|NoNewPrivs):", "/proc/self/status"]'
}

assert_exec_confined() {
	assert_status 0 || return 1
	assert_mask_within CapEff "$CEILING_MASK" || return 1
	assert_mask_within CapBnd "$CEILING_MASK" || return 1
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is $(status_field NoNewPrivs)"
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
	# every block device; /dev/mem; on stdin with a case variant: refused, runc never asked
	: >"$SPY_LOG"
	for j in '{devices: [{allow: true, type: "b", access: "rw"}]}' \
		'{devices: [{allow: true, type: "c", major: 1, minor: 1, access: "r"}]}' \
		'{Devices: [{allow: true, access: "rwm"}]}' \
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
