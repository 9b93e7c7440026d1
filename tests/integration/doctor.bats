#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# `runguard doctor`: engine configurations read under a fake node root
# (--host-root) — a containerd handler that points at plain runc must fail
# and say so, a node where `runguard configure` wired every engine must pass,
# containerd 2.x's version 3 files are merged key by key
# — and `--canary` through real engines: the suite's own podman and
# containerd (engines.bash), where runguard must be proven in the path, and a
# runtime that only looks like runguard, where the path must be found open.

load helpers
load engines

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
FIXTURES=$REPO/tests/fixtures/engines

setup_file() {
	DR_PODMAN=""
	DR_CONTAINERD=""
	local b
	command -v podman >/dev/null || DR_PODMAN="podman is not installed"
	for b in containerd ctr containerd-shim-runc-v2 podman; do
		command -v "$b" >/dev/null || DR_CONTAINERD+="$b is not installed; "
	done
	export DR_PODMAN DR_CONTAINERD
	# /default: the cgroup parent ctr gives containers of namespace "default".
	DR_CG_DEFAULT_EXISTED=0
	[[ -d /sys/fs/cgroup/pids/default || -d /sys/fs/cgroup/default ]] && DR_CG_DEFAULT_EXISTED=1
	export DR_CG_DEFAULT_EXISTED
	[[ -n "$DR_PODMAN" ]] || podman_start
	[[ -n "$DR_CONTAINERD" ]] || containerd_start
}

teardown_file() {
	podman_stop
	containerd_stop
	[[ "${DR_CG_DEFAULT_EXISTED:-1}" == 1 ]] || remove_cgroup default
	rg_forget_caches
}

setup() {
	rg_setup
	# Fake-root tests read no engine configuration from the environment.
	unset CONTAINERS_CONF
	printf '{}\n' >"$T/runguard.json"
	export RUNGUARD_CONFIG=$T/runguard.json
}

teardown() {
	[[ -z "${PM_DIR:-}" ]] || podman_cleanup
	[[ -z "${CD_DIR:-}" ]] || containerd_cleanup
	rg_teardown
}

# fake_root: $FR, a node root with runguard installed as /usr/local/sbin/runguard.
fake_root() {
	FR=$T/node
	mkdir -p "$FR/usr/local/sbin" "$FR/usr/sbin"
	cp "$RUNGUARD_BIN" "$FR/usr/local/sbin/runguard"
	cp "$REAL_RUNC" "$FR/usr/sbin/runc"
}

# wire ENGINE DIR FIXTURE-CASE [ARGS...]: the fixture copied to $FR/DIR, then
# `runguard configure` on it with the node's binary path.
wire() {
	local engine=$1 dir=$2 case=$3
	shift 3
	mkdir -p "$(dirname "$FR$dir")"
	cp -a "$FIXTURES/$engine/$case" "$FR$dir"
	rg configure "$engine" --config-dir "$FR$dir" --binary /usr/local/sbin/runguard "$@"
	assert_status 0
}

@test "doctor: a containerd handler that runs plain runc is a problem, named as such" {
	fake_root
	mkdir -p "$FR/etc/containerd"
	cat >"$FR/etc/containerd/config.toml" <<'EOF'
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runguard"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard.options]
    BinaryName = "/usr/sbin/runc"
EOF
	rg doctor --host-root "$FR"
	assert_status 1
	assert_contains "$output" "FAIL  containerd: runtime runguard ($FR/etc/containerd/config.toml:7) does not run runguard: $FR/usr/sbin/runc is another program, not runguard"
	assert_contains "$output" "FAIL  containerd: no runtime runs runguard"
	assert_contains "$output" "runguard doctor: 2 problems"
	# The other engines are simply not on this node.
	assert_contains "$output" "info  docker: not found on this node"

	rg doctor --host-root "$FR" --engine containerd --json
	assert_status 1
	local e
	e=$(jq -c '.engines[0] | [.engine, .ok, .default, (.handlers[0] | [.name, .binary, .runguard, .default])]' <<<"$output")
	[[ "$e" == '["containerd",false,"runguard",["runguard","/usr/sbin/runc",false,true]]' ]] || die "engines: $e"
	[[ "$(jq -r '.ok, .problems' <<<"$output" | tr '\n' ' ')" == "false 2 " ]] || die "ok/problems"

	# configure repairs it; doctor agrees.
	rg configure containerd --config-dir "$FR/etc/containerd" --binary /usr/local/sbin/runguard
	assert_status 0
	rg doctor --host-root "$FR" --engine containerd
	assert_status 0
	assert_contains "$output" "ok    containerd: runtime runguard runs runguard (/usr/local/sbin/runguard"
	assert_contains "$output" "ok    containerd: default runtime: runguard (runguard)"
}

@test "doctor --host-root: absolute symlinks are the node's (resolved inside the root); one leading out of it is refused" {
	fake_root
	# /etc/containerd/config.toml and the handler's binary are absolute links
	# to places that exist only on the node, not on this machine.
	local node=/rg-node-$$-$BATS_TEST_NUMBER
	[[ ! -e "$node" ]] || die "$node exists on this machine"
	mkdir -p "$FR/etc/containerd" "$FR$node/bin" "$FR$node/etc"
	cp "$RUNGUARD_BIN" "$FR$node/bin/runguard"
	ln -s "$node/bin/runguard" "$FR/usr/local/sbin/rg-link"
	ln -s "$node/etc/config.toml" "$FR/etc/containerd/config.toml"
	cat >"$FR$node/etc/config.toml" <<'EOF'
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runguard"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard.options]
    BinaryName = "/usr/local/sbin/rg-link"
EOF
	rg doctor --host-root "$FR" --engine containerd
	assert_status 0
	assert_contains "$output" "ok    containerd: runtime runguard runs runguard (/usr/local/sbin/rg-link"
	# Out of the root: refused, not followed on this machine.
	ln -sfn "../../../../../../../../../../../..$RUNGUARD_BIN" "$FR/usr/local/sbin/rg-link"
	rg doctor --host-root "$FR" --engine containerd
	assert_status 1
	assert_contains "$output" "leads above --host-root"
}

@test "doctor: every engine wired by runguard configure: no problem; not the default: a warning, or with --require-default a problem" {
	fake_root
	wire containerd /etc/containerd runtimes
	wire crio /etc/crio basic
	wire podman /etc/containers basic
	wire docker /etc/docker other-keys
	rg doctor --host-root "$FR"
	assert_status 0
	local e
	for e in containerd crio podman docker; do
		assert_contains "$output" "ok    $e: runtime runguard runs runguard (/usr/local/sbin/runguard"
		assert_contains "$output" "warn  $e: default runtime:"
	done
	assert_contains "$output" "runguard doctor: 0 problems, 4 warnings"
	rg doctor --host-root "$FR" --require-default --engine docker
	assert_status 1
	assert_contains "$output" "FAIL  docker: default runtime: runc (built-in), not runguard"

	for e in containerd:/etc/containerd crio:/etc/crio podman:/etc/containers docker:/etc/docker; do
		rg configure "${e%%:*}" --config-dir "$FR${e#*:}" --binary /usr/local/sbin/runguard --default
		assert_status 0
	done
	rg doctor --host-root "$FR" --require-default --json
	assert_status 0
	local got
	got=$(jq -c '[.ok, .problems, .warnings, [.engines[] | [.engine, .found, .ok, .default]]]' <<<"$output")
	[[ "$got" == '[true,0,0,[["containerd",true,true,"runguard"],["crio",true,true,"runguard"],["podman",true,true,"runguard"],["docker",true,true,"runguard"]]]' ]] ||
		die "doctor --json: $got"
}

@test "doctor: containerd 2.x (version 3): not wired, a problem; wired by runguard configure (a drop-in), ok; files merged key by key" {
	fake_root
	mkdir -p "$FR/etc/containerd"
	cp "$FIXTURES/containerd/v3/config.toml" "$FR/etc/containerd/config.toml"
	rg doctor --host-root "$FR" --engine containerd
	assert_status 1
	assert_contains "$output" "FAIL  containerd: no runtime runs runguard"
	# A handler under containerd 1.x's plugin name in a version 3 file: 2.x ignores it.
	printf '%s\n' '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard]' \
		'  runtime_type = "io.containerd.runc.v2"' \
		'  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard.options]' \
		'    BinaryName = "/usr/local/sbin/runguard"' >>"$FR/etc/containerd/config.toml"
	rg doctor --host-root "$FR" --engine containerd
	assert_status 1
	assert_contains "$output" "warn  containerd: $FR/etc/containerd/config.toml:43: plugins.\"io.containerd.grpc.v1.cri\".containerd in a version 3 file: containerd 2.x ignores it"
	assert_contains "$output" "FAIL  containerd: no runtime runs runguard"
	cp "$FIXTURES/containerd/v3/config.toml" "$FR/etc/containerd/config.toml"

	rg configure containerd --host-root "$FR" --binary /usr/local/sbin/runguard
	assert_status 0
	rg doctor --host-root "$FR" --engine containerd
	assert_status 0
	assert_contains "$output" "ok    containerd: runtime runguard runs runguard (/usr/local/sbin/runguard, $FR/etc/containerd/conf.d/runguard.toml:13)"
	assert_contains "$output" "warn  containerd: default runtime: runc ($FR/etc/containerd/config.toml:22), not runguard"
	rg configure containerd --host-root "$FR" --binary /usr/local/sbin/runguard --default
	assert_status 0
	rg doctor --host-root "$FR" --engine containerd --require-default --json
	assert_status 0
	local e
	e=$(jq -c '.engines[0] | [.ok, .default, [.handlers[] | [.name, .binary, .runguard, .default]]]' <<<"$output")
	[[ "$e" == '[true,"runguard",[["runc","",false,false],["runguard","/usr/local/sbin/runguard",true,true]]]' ]] || die "engines: $e"

	# A later drop-in sets the handler's BinaryName to plain runc: merged
	# key by key, it wins, once imported (configure named its own drop-in).
	printf '%s\n' "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runguard.options]" \
		"  BinaryName = '/usr/sbin/runc'" >"$FR/etc/containerd/conf.d/zz-runc.toml"
	rg doctor --host-root "$FR" --engine containerd
	assert_status 0
	sed -i 's|conf.d/runguard.toml"]|conf.d/*.toml"]|' "$FR/etc/containerd/config.toml"
	rg doctor --host-root "$FR" --engine containerd
	assert_status 1
	assert_contains "$output" "FAIL  containerd: runtime runguard ($FR/etc/containerd/conf.d/zz-runc.toml:2) does not run runguard: $FR/usr/sbin/runc is another program, not runguard"
}

@test "doctor: a handler in config.toml that a later import's CRI section hides is a problem (containerd 1.x)" {
	fake_root
	mkdir -p "$FR/etc/containerd/conf.d"
	cat >"$FR/etc/containerd/config.toml" <<'EOF'
version = 2
imports = ["/etc/containerd/conf.d/*.toml"]
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard.options]
    BinaryName = "/usr/local/sbin/runguard"
EOF
	cat >"$FR/etc/containerd/conf.d/mirrors.toml" <<'EOF'
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"
EOF
	rg doctor --host-root "$FR" --engine containerd
	assert_status 1
	assert_contains "$output" "handler runguard ($FR/etc/containerd/config.toml:6) is ignored: containerd 1.x takes the CRI plugin's whole section from $FR/etc/containerd/conf.d/mirrors.toml"
	assert_contains "$output" "warn  containerd: the CRI plugin is configured in 2 files"
	# An import that does not exist stops containerd: a problem too.
	sed -i 's|conf.d/\*.toml|conf.d/missing.toml|' "$FR/etc/containerd/config.toml"
	rg doctor --host-root "$FR" --engine containerd
	assert_status 1
	assert_contains "$output" "which does not exist: containerd will not start"
}

@test "doctor: runtime, kernel and configuration facts; a broken configuration is a problem; usage errors exit 2" {
	fake_root
	rg doctor --host-root "$FR" --json
	assert_status 0
	local facts
	facts=$(jq -c '[.runtime.path, (.runtime.features.ociVersionMax | type), .kernel.seccomp, (.kernel.cgroup | type), .kernel.apparmor, .config.loaded, .config.profile]' <<<"$output")
	[[ "$facts" == "[\"$REAL_RUNC\",\"string\",true,\"string\",false,true,\"baseline\"]" ]] || die "facts: $facts"
	local digest
	digest=$(jq -r .config.digest <<<"$output")
	rg check-config "$RUNGUARD_CONFIG"
	[[ "$(jq -r .digest <<<"$output")" == "$digest" ]] || die "doctor's digest differs from check-config's"

	# AppArmor as a fixture host has it: the profile must be loaded.
	RUNGUARD_APPARMOR_ROOT=$REPO/tests/fixtures/apparmor/notloaded RUNGUARD_BIN=$RUNGUARD_TEST_BIN rg doctor --host-root "$FR"
	assert_status 1
	assert_contains "$output" "FAIL  kernel: AppArmor: enabled, but profile runguard-default is not loaded"
	RUNGUARD_APPARMOR_ROOT=$REPO/tests/fixtures/apparmor/enabled RUNGUARD_BIN=$RUNGUARD_TEST_BIN rg doctor --host-root "$FR"
	assert_status 0
	assert_contains "$output" "ok    kernel: AppArmor: enabled; profile runguard-default is loaded"

	printf '{"mode": "sometimes"}\n' >"$RUNGUARD_CONFIG"
	rg doctor --host-root "$FR"
	assert_status 1
	assert_contains "$output" "FAIL  config: $RUNGUARD_CONFIG:1: .mode: expected"

	rg doctor --engine lxc
	assert_status 2
	assert_contains "$stderr" "unknown engine 'lxc'"
	rg doctor --host-root relative/dir
	assert_status 2
	rg doctor --bogus
	assert_status 2
	assert_contains "$stderr" "usage: runguard doctor"
	# The same option rules as configure's (getopt_long, names in full, no empty value).
	rg doctor --host-root=
	assert_status 2
	assert_contains "$stderr" "--host-root: empty value"
	rg doctor --canary-image ""
	assert_status 2
	assert_contains "$stderr" "--canary-image: empty value"
	rg doctor --requ
	assert_status 2
	assert_contains "$stderr" "unknown option '--requ'"
	rg doctor --json=yes
	assert_status 2
	assert_contains "$stderr" "--json takes no value"
	rg doctor containerd
	assert_status 2
	assert_contains "$stderr" "unexpected argument 'containerd'"
	rg doctor --host-root="$FR" --engine=containerd --json
	[[ "$status" -le 1 ]] || die "doctor --opt=value: status $status"
	jq -e . <<<"$output" >/dev/null || die "not JSON: $output"
}

@test "doctor --canary through podman: runguard proven in the path; a look-alike that runs plain runc: the path is open" {
	[[ -z "$DR_PODMAN" ]] || require_or_skip "$DR_PODMAN" false
	export CONTAINERS_CONF=$PM_DIR/containers.conf
	RUNGUARD_CONFIG=$PM_DIR/runguard.json rg doctor --engine podman --canary \
		--canary-image "$PM_IMAGE" --canary-cmd true
	assert_status 0
	assert_contains "$output" "ok    podman: runtime runguard runs runguard ($RUNGUARD_BIN"
	assert_contains "$output" "ok    canary: podman: runtime runguard: runguard enforced container"
	assert_contains "$output" "audit log $PM_DIR/audit.log: decision fixed"
	# The canary is gone.
	pm ps -a -q --filter label=run.runguard.canary
	[[ -z "$output" ]] || die "canary left behind: $output"

	# A wrapper that carries runguard's identity string but runs plain runc:
	# the static check is fooled, the canary is not.
	local marker
	marker=$(sed -n 's/^static const char identity\[\] = "\(.*\)";$/\1/p' "$REPO/src/doctor/doctor.c")
	[[ -n "$marker" ]] || die "identity marker not found in src/doctor/doctor.c"
	printf '#!/bin/sh\n# %s\nexec %s "$@"\n' "$marker" "$REAL_RUNC" >"$T/look-alike"
	chmod 0755 "$T/look-alike"
	sed "s|^runguard = .*|runguard = [\"$T/look-alike\"]|" "$PM_DIR/containers.conf" >"$T/containers.conf"
	export CONTAINERS_CONF=$T/containers.conf
	RUNGUARD_CONFIG=$PM_DIR/runguard.json rg doctor --engine podman --canary \
		--canary-image "$PM_IMAGE" --canary-cmd true --json
	assert_status 1
	local c
	c=$(jq -c '.canary[0] | [.engine, .runtime, .ok, .evidence]' <<<"$output")
	[[ "$c" == '["podman","runguard",false,null]' ]] || die "canary: $c"
	assert_contains "$output" "nothing shows that runguard enforced it"
	assert_contains "$output" "the path is open"
}

@test "doctor --canary through containerd (ctr with the handler's BinaryName and Root): proven by the audit log or runc state" {
	[[ -z "$DR_CONTAINERD" ]] || require_or_skip "$DR_CONTAINERD" false
	fake_root
	mkdir -p "$FR/etc/containerd" "$FR$(dirname "$RUNGUARD_BIN")"
	# A copy: an absolute symlink to $RUNGUARD_BIN would, under --host-root, name the
	# node's own $RUNGUARD_BIN (itself), not this machine's.
	cp "$RUNGUARD_BIN" "$FR$RUNGUARD_BIN"
	cat >"$FR/etc/containerd/config.toml" <<EOF
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard.options]
    BinaryName = "$RUNGUARD_BIN"
    Root = "$CD_DIR/runc"
EOF
	CONTAINERD_ADDRESS=$CD_SOCK RUNGUARD_CONFIG=$CD_DIR/runguard.json rg doctor --host-root "$FR" \
		--engine containerd --canary --canary-image "$CD_IMAGE" --canary-cmd true --json
	assert_status 0
	local c
	c=$(jq -c '.canary[0] | [.engine, .runtime, .ok, .error]' <<<"$output")
	[[ "$c" == '["containerd","runguard",true,null]' ]] || die "canary: $c"
	jq -r '.canary[0].evidence' <<<"$output" | grep -qE "^audit log $CD_DIR/audit.log: decision fixed|run.runguard.policy=" ||
		die "evidence: $(jq -r '.canary[0].evidence' <<<"$output")"
	# Without an audit file, runc's state of the container still shows it.
	printf '{"audit": {"file": null}}\n' >"$T/noaudit.json"
	CONTAINERD_ADDRESS=$CD_SOCK RUNGUARD_CONFIG=$T/noaudit.json rg doctor --host-root "$FR" \
		--engine containerd --canary --canary-image "$CD_IMAGE" --canary-cmd true
	assert_status 0
	assert_contains "$output" "--root $CD_DIR/runc/default state runguard-canary-"
	assert_contains "$output" ": run.runguard.policy=baseline@sha256:"
	ctrc containers ls -q
	assert_not_contains "$output" "runguard-canary" "containers left"
}
