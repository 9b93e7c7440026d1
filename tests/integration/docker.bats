#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Docker through runguard: the suite starts its own dockerd (Debian's
# docker.io, 20.10) with its own data-root, exec-root, pidfile, unix socket,
# trust key and daemon.json in a temporary directory, no iptables, no
# bridge, no IP forwarding or masquerading, the vfs storage driver, and the
# containerd dockerd starts and manages itself under its exec-root. The
# runtime "runguard" gets into daemon.json through `runguard configure
# docker` and a SIGHUP, as on a real node. runguard's configuration reaches
# it through dockerd's environment (RUNGUARD_CONFIG): dockerd passes it to
# its containerd, which passes it to the runc shim and on to runguard.
#
# The default network of a daemon without a bridge has no network
# namespace to set up and gets no hook; `--network none` gets Docker's
# libnetwork-setkey prestart hook, which the default policy lets through.
#
# What a test cannot avoid touching outside its directory: dockerd creates
# /run/docker/plugins (removed at the end if this suite created it) and the
# runc shims' sockets under /run/containerd/s.

load helpers
load engines

DK_IMAGE=localhost/rg-busybox:latest

setup_file() {
	DK_MISSING=""
	local b
	for b in dockerd containerd containerd-shim-runc-v2; do
		command -v "$b" >/dev/null || DK_MISSING+="$b is not installed; "
	done
	[[ -x /usr/bin/docker ]] || DK_MISSING+="/usr/bin/docker is not installed; "
	export DK_MISSING
	[[ -n "$DK_MISSING" ]] && return 0
	docker_start
}

teardown_file() {
	docker_stop
	rg_forget_caches
}

setup() {
	rg_setup
	[[ -z "$DK_MISSING" ]] || require_or_skip "${DK_MISSING}apt-get install docker.io" false
	rg_engine_config "$RG_ENGINE_CONFIG"
}

teardown() {
	docker_cleanup
	rg_teardown
}

# dk ARGS...: Debian's docker CLI against the suite's dockerd, through run_cmd.
dk() {
	DOCKER_HOST=unix://$DK_SOCK engine_cmd /usr/bin/docker "$@"
}

# docker_start: dockerd on private state in $DK_DIR, the runtime configured
# and the test image imported. For setup_file.
docker_start() {
	DK_DIR=$(engine_dir docker)
	DK_SOCK=$DK_DIR/docker.sock
	export DK_DIR DK_SOCK
	export ENGINE_AUDIT=$DK_DIR/audit.log
	export RG_ENGINE_CONFIG=$DK_DIR/runguard.json
	DK_RUN_CREATED=0
	[[ -e /run/docker ]] || DK_RUN_CREATED=1
	export DK_RUN_CREATED
	mkdir -p "$DK_DIR"/{data,exec}
	cat >"$DK_DIR/daemon.json" <<EOF
{
  "data-root": "$DK_DIR/data",
  "exec-root": "$DK_DIR/exec",
  "pidfile": "$DK_DIR/docker.pid",
  "hosts": ["unix://$DK_SOCK"],
  "deprecated-key-path": "$DK_DIR/key.json",
  "iptables": false,
  "ip6tables": false,
  "bridge": "none",
  "ip-forward": false,
  "ip-masq": false,
  "storage-driver": "vfs",
  "log-level": "warn"
}
EOF
	rg_engine_config "$RG_ENGINE_CONFIG"
	RUNGUARD_CONFIG=$RG_ENGINE_CONFIG setsid dockerd --config-file "$DK_DIR/daemon.json" \
		</dev/null >"$DK_DIR/dockerd.log" 2>&1 &
	echo $! >"$DK_DIR/dockerd.started"
	local i
	for ((i = 0; i < 300; i++)); do
		DOCKER_HOST=unix://$DK_SOCK /usr/bin/docker version >/dev/null 2>&1 && break
		kill -0 "$(cat "$DK_DIR/dockerd.started")" 2>/dev/null || break
		sleep 0.1
	done
	DOCKER_HOST=unix://$DK_SOCK /usr/bin/docker version >/dev/null 2>&1 ||
		{ die "dockerd did not start: $(tail -n 20 "$DK_DIR/dockerd.log")"; return 1; }
	# The runtime, the way an operator adds it: configure, then reload.
	"$RUNGUARD_BIN" configure docker --file "$DK_DIR/daemon.json" >"$DK_DIR/configure.log" 2>&1 ||
		{ die "runguard configure docker failed: $(cat "$DK_DIR/configure.log")"; return 1; }
	kill -HUP "$(cat "$DK_DIR/docker.pid")"
	for ((i = 0; i < 100; i++)); do
		DOCKER_HOST=unix://$DK_SOCK /usr/bin/docker info --format '{{json .Runtimes}}' 2>/dev/null |
			grep -q '"runguard"' && break
		sleep 0.1
	done
	rootfs_tar "$DK_DIR/rootfs.tar"
	DOCKER_HOST=unix://$DK_SOCK /usr/bin/docker import "$DK_DIR/rootfs.tar" "$DK_IMAGE" \
		>"$DK_DIR/import.log" 2>&1 || { die "docker import failed: $(cat "$DK_DIR/import.log")"; return 1; }
}

# docker_cleanup: every container of the suite's dockerd, removed (for teardown).
docker_cleanup() {
	[[ -n "${DK_SOCK:-}" && -S "$DK_SOCK" ]] || return 0
	local ids
	ids=$(DOCKER_HOST=unix://$DK_SOCK timeout 30 /usr/bin/docker ps -a -q 2>/dev/null)
	# shellcheck disable=SC2086 # one container id a word
	[[ -z "$ids" ]] || DOCKER_HOST=unix://$DK_SOCK timeout 60 /usr/bin/docker rm -f $ids >/dev/null 2>&1 || true
}

# docker_stop: dockerd stopped by its PID (its containerd goes with it), then
# what is left: shims, runc containers, mounts, files (for teardown_file).
docker_stop() {
	[[ -n "${DK_DIR:-}" && -d "$DK_DIR" ]] || return 0
	docker_cleanup
	local pid i s id
	pid=$(cat "$DK_DIR/docker.pid" 2>/dev/null || cat "$DK_DIR/dockerd.started" 2>/dev/null || true)
	if [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == dockerd ]]; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 200; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	kill_pidfile_procs '^containerd$' "$DK_DIR/exec/containerd/containerd.pid"
	kill_pidfile_procs '^containerd-shim' "$DK_DIR"/exec/containerd/daemon/io.containerd.runtime.v2.task/*/*/shim.pid
	for s in "$DK_DIR"/exec/runtime-runc/*; do
		[[ -d "$s" ]] || continue
		for id in $("$REAL_RUNC" --root "$s" list -q 2>/dev/null); do
			"$REAL_RUNC" --root "$s" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	unmount_under "$DK_DIR"
	# dockerd's plugin discovery directory, if this suite made it.
	if [[ "${DK_RUN_CREATED:-0}" == 1 ]]; then
		rmdir /run/docker/plugins /run/docker 2>/dev/null || true
	fi
	rm -rf "$DK_DIR"
}

STATUS_FIELDS='^(Cap[A-Za-z]+|NoNewPrivs|Seccomp):'
# The default policy refuses the host's devices and mounts --privileged
# adds (see podman.bats); an operator who lets such containers run, cut
# down, says so.
PRIVILEGED_OK='{"rules": {"devices": {"action": "fix"}, "mounts": {"action": "fix"}}}'

@test "docker: runguard configure + SIGHUP registered the runtime; dockerd runs it" {
	dk info --format '{{json .Runtimes}}'
	assert_status 0
	[[ "$(jq -r .runguard.path <<<"$output")" == "$RUNGUARD_BIN" ]] || die "runtimes: $output"
	# The daemon.json edit kept every other key.
	run_cmd jq -r '[."data-root", .bridge, .runtimes.runguard.path] | join(" ")' "$DK_DIR/daemon.json"
	[[ "$output" == "$DK_DIR/data none $RUNGUARD_BIN" ]] || die "daemon.json: $output"
	dk run --rm --runtime runguard "$DK_IMAGE" true
	assert_status 0
}

@test "docker run --runtime runguard --privileged: hardened inside; the same without runguard is not" {
	# The control: plain runc, no --privileged (which plain runc cannot start
	# here, where the host lacks CAP_SYS_RESOURCE): docker's own default set,
	# wider than runguard's ceiling, and no no_new_privs.
	dk run --rm "$DK_IMAGE" grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	(((16#$(status_field CapEff) & ~CEILING_MASK) != 0)) || die "control: no capability above the ceiling"
	[[ "$(status_field NoNewPrivs)" == 0 ]] || die "control: no_new_privs already set"

	rg_engine_config "$RG_ENGINE_CONFIG" "$PRIVILEGED_OK"
	dk run --rm --runtime runguard --privileged "$DK_IMAGE" grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	assert_mask_within CapEff "$CEILING_MASK"
	assert_mask_within CapPrm "$CEILING_MASK"
	assert_mask_within CapBnd "$CEILING_MASK"
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is '$(status_field Seccomp)', expected 2"
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is '$(status_field NoNewPrivs)', expected 1"
	local rec
	rec=$(audit_lines_for '"decision":"fixed"' | tail -n 1)
	[[ -n "$rec" ]] || die "no audit record of the fix"
	jq -e 'any(.changes[]; .rule == "capabilities") and any(.changes[]; .rule == "seccomp")' <<<"$rec" >/dev/null ||
		die "audit record: $rec"
}

@test "docker run --runtime runguard --network none: Docker's libnetwork-setkey hook passes by default; hardened inside" {
	dk run -d --name rg-net --runtime runguard --network none "$DK_IMAGE" sleep 300
	assert_status 0
	local id=$output dockerd_pid
	dockerd_pid=$(cat "$DK_DIR/docker.pid")
	# The premise: dockerd gave the container its hook, and the config.json
	# runguard enforced and runc ran still has it.
	local bundle=$DK_DIR/exec/containerd/daemon/io.containerd.runtime.v2.task/moby/$id
	run_cmd jq -c '[.hooks.prestart[] | [.path, .args[0], .args[2]]], .annotations["run.runguard.policy"]' \
		"$bundle/config.json"
	assert_status 0
	[[ "${lines[0]}" == "[[\"/proc/$dockerd_pid/exe\",\"libnetwork-setkey\",\"$id\"]]" ]] ||
		die "prestart hooks: ${lines[0]}"
	[[ "${lines[1]}" == '"baseline@sha256:'* ]] || die "not enforced: ${lines[1]}"
	# The hook ran: dockerd knows the container's network namespace.
	dk inspect -f '{{.NetworkSettings.SandboxKey}}' rg-net
	[[ "$output" == */netns/* ]] || die "no sandbox key: $output"
	# Hardened all the same.
	dk exec rg-net grep -E "$STATUS_FIELDS" /proc/1/status
	assert_status 0
	assert_mask_within CapEff "$CEILING_MASK"
	assert_mask_within CapBnd "$CEILING_MASK"
	[[ "$(status_field Seccomp)" == 2 ]] || die "Seccomp is '$(status_field Seccomp)', expected 2"
	[[ "$(status_field NoNewPrivs)" == 1 ]] || die "NoNewPrivs is '$(status_field NoNewPrivs)', expected 1"
	local rec
	rec=$(audit_lines_for "\"id\":\"$id\"" | grep -F '"command":"create"' | tail -n 1)
	jq -e '.decision == "fixed" and .violations == [] and ([.changes[] | select(.rule == "hooks")] == [])' \
		<<<"$rec" >/dev/null || die "audit record: $rec"
	dk rm -f rg-net
	assert_status 0

	# The operator turns it off: refused like any other hook.
	rg_engine_config "$RG_ENGINE_CONFIG" '{"rules": {"hooks": {"engineHooks": []}}}'
	dk run --rm --runtime runguard --network none "$DK_IMAGE" true
	assert_failed_cleanly
	assert_contains "$stderr" "refused by policy baseline"
	assert_contains "$stderr" ".hooks.prestart[0]: prestart hook /proc/$dockerd_pid/exe would run on the host as root"
	assert_contains "$stderr" "engineHooks does not name docker-libnetwork-setkey"
}

@test "docker exec, stop, rm on a container through runguard" {
	rg_engine_config "$RG_ENGINE_CONFIG" "$PRIVILEGED_OK"
	dk run -d --name rg-exec --runtime runguard --privileged "$DK_IMAGE" sleep 300
	assert_status 0
	local id=$output
	dk exec rg-exec grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	assert_mask_within CapEff "$CEILING_MASK"
	[[ "$(status_field Seccomp)" == 2 ]] || die "exec: Seccomp is '$(status_field Seccomp)'"
	dk exec --privileged rg-exec grep -E "$STATUS_FIELDS" /proc/self/status
	assert_status 0
	assert_mask_within CapEff "$CEILING_MASK"
	# runc's state of it carries runguard's annotation.
	run_cmd "$REAL_RUNC" --root "$DK_DIR/exec/runtime-runc/moby" state "$id"
	assert_status 0
	[[ "$(jq -r '.annotations["run.runguard.policy"]' <<<"$output")" == baseline@sha256:* ]] ||
		die "no run.runguard.policy in runc state: $output"
	dk stop -t 1 rg-exec
	assert_status 0
	dk inspect -f '{{.State.Status}}' rg-exec
	[[ "$output" == exited ]] || die "status after stop: $output"
	dk rm rg-exec
	assert_status 0
	dk ps -a -q
	[[ -z "$output" ]] || die "containers left: $output"
	[[ -z "$(containers_in "$DK_DIR/exec/runtime-runc/moby")" ]] || die "runc containers left"
}

@test "docker: a refusal by runguard surfaces in docker's error" {
	rg_engine_config "$RG_ENGINE_CONFIG" '{"rules": {"noNewPrivileges": {"action": "reject"}}}'
	dk run --rm --runtime runguard "$DK_IMAGE" true
	assert_failed_cleanly
	assert_contains "$stderr" "runguard: "
	assert_contains "$stderr" "refused by policy baseline"
	assert_contains "$stderr" ".process.noNewPrivileges: privilege escalation allowed (rule noNewPrivileges)"
	dk ps -a -q --filter status=running
	[[ -z "$output" ]] || die "a container is running: $output"
	[[ -n "$(audit_lines_for '"decision":"rejected"')" ]] || die "no audit record of the refusal"
}

@test "docker: doctor --canary proves runguard in dockerd's path" {
	local fr=$T/node
	mkdir -p "$fr/etc/docker" "$fr$(dirname "$RUNGUARD_BIN")"
	cp "$DK_DIR/daemon.json" "$fr/etc/docker/daemon.json"
	# A copy, not a link: under --host-root an absolute link is the node's own path.
	cp "$RUNGUARD_BIN" "$fr$RUNGUARD_BIN"
	DOCKER_HOST=unix://$DK_SOCK RUNGUARD_CONFIG=$RG_ENGINE_CONFIG rg doctor --host-root "$fr" \
		--engine docker --canary --canary-image "$DK_IMAGE"
	assert_status 0
	assert_contains "$output" "ok    docker: runtime runguard runs runguard"
	assert_contains "$output" "ok    canary: docker: runtime runguard: runguard enforced container"
	assert_contains "$output" "audit log $ENGINE_AUDIT: decision"
	dk ps -a -q
	[[ -z "$output" ]] || die "canary left behind: $output"
}
