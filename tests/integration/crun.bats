#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# runguard with crun as the real runtime (RUNGUARD_RUNTIME, or the
# configuration's "runtime" for podman): real containers on the busybox
# rootfs, driven with crun's own argv (argp flags, crun's global flags),
# crun's own run.oci.* annotations stripped, podman with crun underneath,
# and crun's --version and features passed on verbatim.
#
# crun refuses a hybrid cgroup host whose cgroup2 hierarchy holds a
# controller ("cgroups in hybrid mode not supported, drop all controllers
# from cgroupv2"; on the test machines hugetlb, which no v1 hierarchy took).
# There the suite runs crun, runguard and podman in a mount namespace of its
# own without /sys/fs/cgroup/unified: crun sees plain cgroup v1 and the
# host's mounts stay as they are. A `sleep` started by setup_file holds that
# namespace (RG_NS_PID, helpers.bash) and teardown_file kills it by its PID.

load helpers
load engines

CRUN=/usr/bin/crun
RG_STATE_RUNTIME=$CRUN

# crun_ns_start: the namespace described above, when this host needs it.
crun_ns_start() {
	local ctl=/sys/fs/cgroup/unified/cgroup.controllers ready=$BATS_FILE_TMPDIR/crun-ns.ready i
	[[ -r "$ctl" && -n "$(tr -d ' \n' <"$ctl")" ]] || return 0
	unshare -m --propagation private -- sh -c \
		'umount /sys/fs/cgroup/unified && touch "$1" && exec sleep 2147483647' sh "$ready" \
		</dev/null >/dev/null 2>&1 3>&- &
	RG_NS_PID=$!
	disown "$RG_NS_PID" # no "Killed" notice from bash when teardown_file ends it
	echo "$RG_NS_PID" >"$BATS_FILE_TMPDIR/crun-ns.pid"
	for ((i = 0; i < 50; i++)); do
		[[ -e "$ready" ]] && break
		sleep 0.1
	done
	[[ -e "$ready" ]] || { die "could not make a mount namespace without cgroup2"; return 1; }
	export RG_NS_PID
	rg_ns_init
}

setup_file() {
	CRUN_MISSING=""
	[[ -x "$CRUN" ]] || CRUN_MISSING="crun is not installed (apt-get install crun)"
	command -v podman >/dev/null || CRUN_MISSING="podman is not installed (apt-get install podman)"
	export CRUN_MISSING
	[[ -n "$CRUN_MISSING" ]] && return 0
	crun_ns_start
	podman_start
	# podman's own calls (rm, cleanup) reach runguard without RUNGUARD_RUNTIME.
	rg_engine_config "$RG_ENGINE_CONFIG" '{"runtime": "'"$CRUN"'"}'
}

teardown_file() {
	podman_stop
	kill_pidfile_procs '^sleep$' "$BATS_FILE_TMPDIR/crun-ns.pid"
	rg_forget_caches
}

setup() {
	rg_setup
	[[ -z "$CRUN_MISSING" ]] || require_or_skip "$CRUN_MISSING" false
	export RUNGUARD_RUNTIME=$CRUN
	use_config '{}'
}

teardown() {
	podman_cleanup
	rg_teardown
}

# crun_cmd ARGS...: plain crun (the control), in the suite's namespace.
crun_cmd() {
	run_cmd "${RG_NS[@]}" "$CRUN" "$@"
}

@test "crun: run asking for every capability, no seccomp, no no_new_privs is confined" {
	make_bundle "$BUNDLE" sh -c "$PROBE_SCRIPT"
	all_caps_config "$BUNDLE"
	local id
	run_bundle id
	assert_status 0
	assert_confined
	[[ "$(status_field Seccomp_filters)" -ge 1 ]] || die "no seccomp filter installed"
	assert_contains "$output" "Operation not permitted" "unshare -U under the seccomp profile"
	[[ "$(cfg "$BUNDLE" '.annotations["run.runguard.policy"] | type')" == '"string"' ]] ||
		die "no run.runguard.policy annotation"
	[[ "$(jq -r .decision <<<"$(audit_last run)")" == fixed ]]
	assert_no_containers
}

@test "crun: create, start, state, exec, kill, delete with crun's global flags" {
	make_bundle "$BUNDLE" sleep 3600
	all_caps_config "$BUNDLE"
	local id
	new_id id
	local g=(--root "$STATE" --log "$T/crun.log" --log-format=json --cgroup-manager=cgroupfs)
	rg "${g[@]}" create --bundle "$BUNDLE" --pid-file "$T/pid" --no-new-keyring "$id"
	assert_status 0
	[[ "$(container_status "$STATE" "$id")" == created ]]
	[[ "$(cfg "$BUNDLE" '.process.noNewPrivileges')" == true ]]
	rg "${g[@]}" start "$id"
	assert_status 0
	wait_status "$STATE" "$id" running
	rg --root "$STATE" --systemd-cgroup state "$id"
	assert_status 0
	[[ "$(jq -r '.status + " " + .bundle + " " + (.pid | tostring)' <<<"$output")" == "running $BUNDLE $(cat "$T/pid")" ]] ||
		die "state: $output"

	# the init, and an exec'd process: crun 1.8 gives it no_new_privs only
	# when asked (runc takes the container's), so runguard asks
	rg "${g[@]}" exec "$id" grep -E "$STATUS_FIELDS" /proc/1/status
	assert_status 0
	assert_confined
	rg "${g[@]}" exec "$id" grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	assert_confined
	[[ "$(jq -c '.changes[0] | [.rule, .path, .after]' <<<"$(audit_last exec)")" == '["noNewPrivileges","--no-new-privs","true"]' ]] ||
		die "audit: $(audit_last exec)"
	process_file "$T/p.json" .
	rg "${g[@]}" exec --process "$T/p.json" "$id"
	assert_status 0
	assert_confined
	# crun read the enforced process from runguard's memfd; the file is untouched
	[[ "$(jq -r .noNewPrivileges "$T/p.json")" == false ]]
	[[ "$(jq -r .decision <<<"$(audit_last exec)")" == fixed ]]
	# argp's -c, dropped with its value; the command's own -c stays
	make_spy
	RUNGUARD_RUNTIME=$SPY rg "${g[@]}" exec -c CAP_SYS_ADMIN --cap=CAP_KILL -e PATH=/bin "$id" \
		sh -c 'grep -E "$0" /proc/self/status' "$STATUS_FIELDS"
	assert_status 0
	assert_confined
	[[ "$(spy_calls exec)" == "argv:$(printf ' %q' "${g[@]}" exec --no-new-privs --cap=CAP_KILL -e PATH=/bin "$id" \
		sh -c 'grep -E "$0" /proc/self/status' "$STATUS_FIELDS")" ]] || die "forwarded: $(spy_calls exec)"
	# under reject: refused before crun is asked, the file untouched
	use_config '{"rules": {"capabilities": {"action": "reject"}}}'
	process_file "$T/q.json" .
	local before
	before=$(sha256sum <"$T/q.json")
	: >"$SPY_LOG"
	RUNGUARD_RUNTIME=$SPY rg "${g[@]}" exec -p "$T/q.json" "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "CAP_SYS_ADMIN"
	[[ -z "$(spy_calls exec)" ]] || die "crun was asked to exec: $(spy_calls exec)"
	[[ "$(sha256sum <"$T/q.json")" == "$before" ]] || die "process file changed"
	# the refusal is a JSON line in crun's --log, among crun's own
	jq -e 'select(.level == "error") | .msg | contains("CAP_SYS_ADMIN")' "$T/crun.log" >/dev/null

	rg "${g[@]}" kill "$id" KILL
	assert_status 0
	wait_status "$STATE" "$id" stopped
	rg "${g[@]}" delete "$id"
	assert_status 0
	assert_no_containers
	jq -e . "$T/crun.log" >/dev/null || die "--log has a line that is not JSON: $(cat "$T/crun.log")"
}

@test "crun: Go-style one-dash flags, which argp reads differently, are refused" {
	make_bundle "$BUNDLE"
	local before id
	before=$(bundle_snapshot "$BUNDLE")
	new_id id
	# crun would read -b=X as the bundle "=X", and -bundle as "-b undle"
	rg --root "$STATE" create -b="$BUNDLE" "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "'-b=$BUNDLE'"
	rg --root "$STATE" run -bundle "$BUNDLE" "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "two dashes"
	[[ "$(bundle_snapshot "$BUNDLE")" == "$before" ]] || die "bundle changed"
	assert_no_containers
}

@test "crun: update clamps --memory, --pids-limit and -r - to the maxima, with crun's flags" {
	use_config '{"rules": {"resources": {"memory": {"default": "128M", "max": "256M"},
		"pids": {"default": 32, "max": 64}}}}'
	local id mib=1048576
	start_container id
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * mib)) ]]
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" update --memory=1G --pids-limit 100000 "$id"
	assert_status 0
	[[ "$(spy_calls update)" == "argv:$(printf ' %q' --root "$STATE" update --memory=$((256 * mib)) --pids-limit 64 "$id")" ]] ||
		die "forwarded: $(spy_calls update)"
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((256 * mib)) ]]
	[[ "$(cg "$id" pids pids.max)" == 64 ]]
	# runc takes flags after the id; crun takes none: it refuses the command itself
	rg --root "$STATE" update "$id" --memory 200M
	assert_failed_cleanly
	assert_contains "$stderr" "crun"
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((256 * mib)) ]]
	# the resources on stdin; crun reads runguard's memfd
	jq -n '{memory: {limit: 1073741824}, pids: {limit: -1}}' >"$T/in.json"
	rg_stdin "$T/in.json" --root "$STATE" update -r - "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((256 * mib)) ]]
	[[ "$(cg "$id" pids pids.max)" == 32 ]]
	# what runc and crun would read differently is refused
	rg --root "$STATE" update "$id" -r -
	assert_failed_cleanly
	assert_contains "$stderr" "differently"
}

@test "crun: its run.oci.* annotations are stripped, and crun runs the container without them" {
	# An allow-all BPF program in place of the seccomp profile, the caller's
	# supplementary groups kept, an unknown handler, hooks' output redirected.
	local bpf
	bpf=$(printf '\x06\x00\x00\x00\x00\x00\xff\x7f' | base64)
	make_bundle "$BUNDLE" sh -c "grep Groups /proc/self/status; $PROBE_SCRIPT"
	edit_config "$BUNDLE" --arg b "$bpf" '.annotations = {"run.oci.seccomp_bpf_data": $b,
		"run.oci.keep_original_groups": "1", "run.oci.handler": "rg-none",
		"run.oci.hooks.stdout": "/tmp/rg-hooks.out", "keep.me": "yes"}'
	cp "$BUNDLE/config.json" "$T/asked.json"
	local id
	new_id id
	run_cmd "${RG_NS[@]}" setpriv --groups 4242 -- "$RUNGUARD_BIN" --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	assert_confined
	[[ "$(status_field Groups)" == "" ]] || die "the caller's groups were kept: $(status_field Groups)"
	assert_contains "$output" "Operation not permitted" "unshare -U under runguard's seccomp profile"
	[[ "$(cfg "$BUNDLE" '[.annotations | keys[] | select(startswith("run.oci."))]')" == '[]' ]] ||
		die "annotations left: $(cfg "$BUNDLE" .annotations)"
	[[ "$(cfg "$BUNDLE" '.annotations["keep.me"]')" == '"yes"' ]]
	jq -e '[.changes[] | select(.rule == "annotations")] | length == 4' <<<"$(audit_last run)" >/dev/null ||
		die "audit: $(audit_last run)"

	# The control: runguard's own config.json with two of them put back, run
	# by plain crun, gets the allow-all filter and the caller's groups.
	edit_config "$BUNDLE" --arg b "$bpf" '.annotations += {"run.oci.seccomp_bpf_data": $b,
		"run.oci.keep_original_groups": "1"}'
	new_id id
	run_cmd "${RG_NS[@]}" setpriv --groups 4242 -- "$CRUN" --root "$STATE" run -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(status_field Groups)" == 4242 ]] || die "control: crun did not keep the groups"
	grep -qx 'unshare: 0' <<<"$output" || die "control: crun did not use the BPF annotation"

	# With the rule set to reject, the container is refused, naming them.
	cp "$T/asked.json" "$BUNDLE/config.json"
	use_config '{"rules": {"annotations": {"action": "reject"}}}'
	expect_refused "$BUNDLE" run.oci.seccomp_bpf_data run.oci.keep_original_groups run.oci.handler
}

@test "crun: podman --runtime runguard over crun: --privileged is confined" {
	rg_engine_config "$RG_ENGINE_CONFIG" '{"runtime": "'"$CRUN"'",
		"rules": {"devices": {"action": "fix"}, "mounts": {"action": "fix"}}}'
	pm --runtime "$RUNGUARD_BIN" run --rm --privileged --cgroup-parent "/$PM_CGROUP" "$PM_IMAGE" \
		grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	assert_hardened
	# podman exec --privileged into a container crun runs
	pm --runtime "$RUNGUARD_BIN" run -d --cgroup-parent "/$PM_CGROUP" --name rg-crun "$PM_IMAGE"
	assert_status 0
	local cid=$output
	pm exec --privileged rg-crun grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	assert_hardened
	# crun made it: crun's state ("status"; runc's is state.json) in crun's
	# default root, podman passing no --root; and podman's start, which
	# reaches runguard with neither RUNGUARD_CONFIG nor RUNGUARD_RUNTIME,
	# went to crun too (the container runs)
	[[ -f "/run/crun/$cid/status" && ! -e "/run/runc/$cid" ]] || die "no crun state for $cid"
	pm inspect --format '{{.State.Status}}' rg-crun
	[[ "$output" == running ]] || die "podman inspect: $output"
	audit_lines_for "\"id\":\"$cid\"" | grep -qF '"decision":"fixed"' || die "no audit record for $cid"
}

@test "crun: --version and features are crun's, verbatim" {
	local sub want_out want_err want_status
	for sub in --version features; do
		crun_cmd "$sub"
		want_out=$output want_err=$stderr want_status=$status
		rg "$sub"
		[[ "$status" == "$want_status" && "$output" == "$want_out" && "$stderr" == "$want_err" ]] ||
			die "runguard $sub differs from crun's"
		[[ $sub != --version ]] || assert_contains "$output" "crun version"
	done
}

# ---------------------------------------------------------------------------
# exec and update as an attacker writes them, with crun (escape_exec_update.bats
# has the runc side)

@test "crun: update -r devices: an allow-all, block or /dev/mem rule does not reach the device cgroup" {
	local id
	start_container id
	local before
	before=$(cg "$id" devices devices.list)
	[[ "$before" != *"a *:* rwm"* ]] || die "control: the container starts with allow-all: $before"
	# allow-all: crun gets deny-all and the default set instead
	jq -n '{devices: [{allow: true, access: "rwm"}]}' >"$T/all.json"
	rg --root "$STATE" update -r "$T/all.json" "$id"
	assert_status 0
	local now
	now=$(cg "$id" devices devices.list)
	# (crun's own defaults "c *:* m" and "b *:* m" allow mknod only)
	! grep -qE '^a |^b .*[rw]' <<<"$now" || die "devices.list after update: $now"
	# every block device, /dev/mem, on stdin: refused
	for j in '{devices: [{allow: true, type: "b", access: "rw"}]}' \
		'{devices: [{allow: true, type: "c", major: 1, minor: 1, access: "rw"}]}' \
		'{devices: [{allow: false, access: "rwm"}, {allow: true, type: "b", major: 7, minor: 0, access: "rwm"}]}'; do
		jq -n "$j" >"$T/d.json"
		rg_stdin "$T/d.json" --root "$STATE" update -r - "$id"
		assert_failed_cleanly
		assert_contains "$stderr" "devices"
	done
	now=$(cg "$id" devices devices.list)
	! grep -qE '^a |^b .*[rw]|^c 1:1 ' <<<"$now" || die "devices.list: $now"
	# control: plain crun applies the allow-all rule (what runguard stops)
	crun_cmd --root "$STATE" update -r "$T/all.json" "$id"
	assert_status 0
	[[ "$(cg "$id" devices devices.list)" == *"a *:* rwm"* ]] || die "control: crun did not widen: $(cg "$id" devices devices.list)"
}

@test "crun: exec -p <(...), a FIFO, -p - and a file swapped in the window run within the ceiling" {
	local id
	start_container id
	evil_process "$T/p.json"
	rg --root "$STATE" exec -p <(cat "$T/p.json") "$id"
	assert_exec_confined
	mkfifo "$T/fifo"
	(cat "$T/p.json" >"$T/fifo" &)
	rg --root "$STATE" exec -p "$T/fifo" "$id"
	assert_exec_confined
	# crun reads "-p -" as its standard input
	rg_stdin "$T/p.json" --root "$STATE" exec -p - "$id"
	assert_exec_confined
	process_file "$T/good.json" '.args = ["grep", "-E", "^(Cap[A-Za-z]+|NoNewPrivs):", "/proc/self/status"] |
		.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]} |
		.noNewPrivileges = true'
	make_swapper "$T/p.json" "$T/good.json"
	RUNGUARD_RUNTIME=$SWAPPER rg --root "$STATE" exec -p "$T/good.json" "$id"
	assert_exec_confined
	assert_mask_equal CapEff 0x20
	jq -e '.capabilities.bounding | index("CAP_SYS_ADMIN")' "$T/good.json" >/dev/null || die "no swap happened"
}

@test "crun: update -r <(...) and a swapped -r file are clamped; --memory works" {
	use_config '{"rules": {"resources": {"memory": {"default": "128M", "max": "256M"},
		"pids": {"default": 32, "max": 64}}}}'
	local id mib=1048576
	start_container id
	rg --root "$STATE" update -r <(jq -n '{memory: {limit: 1073741824}}') "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((256 * mib)) ]]
	# (crun takes bytes only: "100M" is crun's own error, through runguard or not)
	rg --root "$STATE" update --memory $((100 * mib)) "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((100 * mib)) ]]
	jq -n '{pids: {limit: 40}}' >"$T/r.json"
	jq -n '{pids: {limit: -1}}' >"$T/evil.json"
	make_swapper "$T/evil.json" "$T/r.json"
	RUNGUARD_RUNTIME=$SWAPPER rg --root "$STATE" update -r "$T/r.json" "$id"
	assert_status 0
	[[ "$(cg "$id" pids pids.max)" == 40 ]]
	[[ "$(jq -r .pids.limit "$T/r.json")" == -1 ]] || die "no swap happened"
}

@test "crun: exec and update of a missing container: crun's own message and status" {
	local id
	new_id id
	crun_cmd --root "$STATE" exec "$id" true
	local want_status=$status want_err=$stderr
	rg --root "$STATE" exec "$id" true
	assert_status "$want_status"
	[[ "$stderr" == "$want_err" ]] || die "stderr: $stderr, crun's: $want_err"
	crun_cmd --root "$STATE" update --memory 100M "$id"
	want_status=$status
	want_err=$stderr
	rg --root "$STATE" update --memory 100M "$id"
	assert_status "$want_status"
	[[ "$stderr" == "$want_err" ]] || die "stderr: $stderr, crun's: $want_err"
}

@test "crun: restore is refused by default" {
	local id
	new_id id
	make_bundle "$BUNDLE" sleep 3600
	make_spy
	RUNGUARD_RUNTIME=$SPY rg --root "$STATE" restore --image-path "$T/img" -b "$BUNDLE" "$id"
	assert_failed_cleanly
	assert_contains "$stderr" "checkpoint image"
	[[ -z "$(spy_calls restore)" ]] || die "crun was asked to restore: $(spy_calls restore)"
}

@test "crun: update --memory -1 and -r limit -1 on a container with a swap limit: crun applies them" {
	# As with runc (escape_exec_update.bats): -1 becomes the default (128M),
	# with swap -1 said where the host limits memory+swap, else under it.
	local mib=1048576 id memsw=false
	[[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]] && memsw=true
	use_config '{"rules": {"resources": {"memory": {"default": "128M", "max": "256M"}}}}'
	make_bundle "$BUNDLE" sleep 3600
	edit_config "$BUNDLE" '.linux.resources.memory = {limit: 67108864, swap: 201326592}'
	start_running id rg "$BUNDLE"
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((64 * mib)) ]]
	rg --root "$STATE" update --memory -1 "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * mib)) ]] ||
		die "memory.limit_in_bytes: $(cg "$id" memory memory.limit_in_bytes)"
	if $memsw; then
		rg --root "$STATE" update --memory $((32 * mib)) --memory-swap $((96 * mib)) "$id"
		assert_status 0
	else
		rg --root "$STATE" update --memory $((32 * mib)) "$id"
		assert_status 0
	fi
	rg --root "$STATE" update -r <(jq -n '{memory: {limit: -1}}') "$id"
	assert_status 0
	[[ "$(cg "$id" memory memory.limit_in_bytes)" == $((128 * mib)) ]] ||
		die "memory.limit_in_bytes: $(cg "$id" memory memory.limit_in_bytes)"
	# process members no rule judges are refused with crun too
	process_file "$T/p.json" '.args = ["true"] | .personality = {domain: "LINUX32"}'
	rg --root "$STATE" exec -p "$T/p.json" "$id"
	assert_failed_cleanly
	assert_contains "$stderr" ".personality"
}

# crun_same ARGS...: ARGS through runguard (crun underneath) and through crun
# directly give the same exit status, stdout and stderr.
crun_same() {
	crun_cmd "$@"
	local rs=$status ro=$output re=$stderr
	rg "$@"
	[[ "$status" == "$rs" ]] || { die "$*: exit status $status, crun's is $rs"; return 1; }
	[[ "$output" == "$ro" ]] || { die "$*: stdout differs from crun's:"$'\n'"$ro"; return 1; }
	[[ "$stderr" == "$re" ]] || { die "$*: stderr differs from crun's:"$'\n'"$re"$'\n'"runguard's:"$'\n'"$stderr"; return 1; }
}

@test "crun: fidelity: state, ps, list, pause, resume, kill, delete of a real container match crun's, errors included" {
	make_bundle "$BUNDLE" sleep 3600
	local id
	start_running id crun_cmd "$BUNDLE"
	crun_same --root "$STATE" state "$id"
	crun_same --root "$STATE" ps "$id"
	crun_same --root "$STATE" ps --format json "$id"
	crun_same --root "$STATE" list
	crun_same --root "$STATE" list -q
	# A command that changes the container runs once, through runguard; then
	# the same command is an error both ways (already paused, not paused, ...).
	rg --root "$STATE" pause "$id"
	assert_status 0
	[[ -z "$output$stderr" ]] || die "pause printed: $output$stderr"
	[[ "$(container_status "$STATE" "$id")" == paused ]]
	crun_same --root "$STATE" pause "$id"
	crun_same --root "$STATE" state "$id"
	rg --root "$STATE" resume "$id"
	assert_status 0
	[[ "$(container_status "$STATE" "$id")" == running ]]
	crun_same --root "$STATE" resume "$id"
	crun_same --root "$STATE" delete "$id" # running: refused by crun both ways
	rg --root "$STATE" kill "$id" KILL
	assert_status 0
	wait_status "$STATE" "$id" stopped
	# Stopped: crun's error, whose wording depends on whether the process was
	# reaped yet ("kill container" or "open pidfd"): same status, same errno.
	crun_cmd --root "$STATE" kill "$id" KILL
	local ks=$status ke=$stderr
	rg --root "$STATE" kill "$id" KILL
	assert_status "$ks"
	[[ "$ke" == *"No such process" && "$stderr" == *"No such process" ]] || die "kill: crun [$ke], runguard [$stderr]"
	rg --root "$STATE" delete "$id"
	assert_status 0
	crun_same --root "$STATE" state "$id"
	crun_same --root "$STATE" delete "$id"
	assert_no_containers
}

@test "crun: fidelity: run in audit mode: the process's exit status, stdout and stderr are crun's, config.json untouched" {
	same_audit_run crun_cmd
}
