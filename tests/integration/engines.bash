# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Real container engines for runguard's engine suites (podman.bats,
# containerd.bats, cri.bats). Loaded after helpers.bash.
#
# Every engine runs on private state under a temporary directory and is
# started and stopped by the suite itself:
#   podman      CONTAINERS_CONF and CONTAINERS_STORAGE_CONF name files in
#               $PM_DIR: storage, run root, tmp dir, events log, CNI config
#               dir and volume path all live there; cgroups go under
#               /$PM_CGROUP; no network (netns "none").
#   containerd  its own root, state dir, gRPC/ttrpc sockets and config in
#               $CD_DIR, started with setsid and stopped by its PID; runc
#               state of its shims in $CD_DIR/runc; cgroups under /$CD_CGROUP.
# Neither needs an image registry: images come from a tarball of the
# busybox-static test rootfs (podman import), and containerd gets the same
# image as an OCI archive made by `podman save --format oci-archive`.
#
# What a test cannot avoid touching outside its directory: podman's blob
# info cache (/var/lib/containers/cache, created by `podman import`) and the
# containerd shims' sockets, which containerd 1.6 always puts in
# /run/containerd/s (a hash of our socket path, removed when a shim exits);
# directories under /run/containerd that did not exist before are removed.
#
# runguard's configuration reaches it through the engine's environment:
# containerd passes its own environment to the shim, and the shim to the
# runtime, so containerd is started with RUNGUARD_CONFIG=$CD_DIR/runguard.json;
# podman starts the runtime from conmon with only the variables listed in
# containers.conf's conmon_env_vars, so RUNGUARD_CONFIG is listed there.
# Tests rewrite that file (rg_engine_config) to change the policy.

RG_SLEEP_FOREVER=2147483647

# engine_dir NAME: prints a fresh directory for one suite's engine. Short
# (unix socket paths are limited to 107 bytes), under the suite's tmp dir
# when that is short enough.
engine_dir() {
	local d
	if [[ ${#BATS_FILE_TMPDIR} -le 60 ]]; then
		d=$BATS_FILE_TMPDIR/$1
		mkdir -p "$d"
	else
		d=$(mktemp -d "/tmp/rg-$1.XXXXXX")
	fi
	chmod 0711 "$d"
	readlink -f "$d"
}

# rootfs_tar OUT: the busybox-static test rootfs as a tarball.
rootfs_tar() {
	ensure_rootfs
	tar -C "$RG_ROOTFS" --exclude=./.done --numeric-owner -cf "$1" . ||
		{ die "tar of the rootfs failed"; return 1; }
}

# unmount_under DIR: unmounts everything mounted at or below DIR, deepest
# first (overlay rootfs, shm and bind mounts an engine left behind).
unmount_under() {
	local dir m
	dir=$(readlink -f "$1" 2>/dev/null) || return 0
	[[ -n "$dir" && "$dir" != / ]] || return 0
	findmnt -rn -o TARGET | awk -v d="$dir" '$0 == d || index($0, d "/") == 1' | sort -r |
		while read -r m; do
			m=$(printf '%b' "$m") # findmnt escapes blanks as \x20
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		done
}

# remove_cgroup NAME: removes /NAME (empty, no processes left) from every
# cgroup hierarchy.
remove_cgroup() {
	local h
	[[ -n "$1" ]] || return 0
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[[ -d "$h$1" ]] || continue
		find "$h$1" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
}

# kill_pidfile_procs COMM-REGEX FILE...: SIGKILLs the process named in each
# pid FILE if it is still alive and its command name matches COMM-REGEX (so a
# recycled PID is never hit).
kill_pidfile_procs() {
	local re=$1 f pid comm
	shift
	for f in "$@"; do
		[[ -f "$f" ]] || continue
		pid=$(tr -dc 0-9 <"$f")
		[[ -n "$pid" ]] || continue
		comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
		if [[ "$comm" =~ $re ]]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
}

# rg_engine_config FILE [JSON]: writes runguard's configuration for an
# engine's containers; the audit log always goes to $ENGINE_AUDIT.
rg_engine_config() {
	local json=${2:-'{}'}
	jq --arg a "$ENGINE_AUDIT" '. + {audit: ((.audit // {}) + {file: $a})}' <<<"$json" >"$1.tmp" ||
		{ die "bad runguard config: $json"; return 1; }
	chmod 0644 "$1.tmp"
	mv -f "$1.tmp" "$1"
}

# engine_cmd COMMAND...: run_cmd for engine clients. The same files,
# variables and timeout, but podman's and containerd's own "OCI runtime
# error:" must not be taken for UBSan's "file.c:1:2: runtime error:".
engine_cmd() {
	run_cmd_reporting 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|\.[ch]:[0-9]+:[0-9]+: runtime error:' "$@"
}

# audit_lines_for NEEDLE: audit records (one per line) containing NEEDLE.
audit_lines_for() {
	grep -F -- "$1" "$ENGINE_AUDIT" 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# podman

PM_IMAGE=localhost/rg-busybox:latest

# podman_start: private podman configuration and storage in $PM_DIR, the
# test image imported. For setup_file.
podman_start() {
	PM_DIR=$(engine_dir podman)
	PM_CGROUP=rgtest-podman-$$
	export PM_DIR PM_CGROUP
	export ENGINE_AUDIT=$PM_DIR/audit.log
	export RG_ENGINE_CONFIG=$PM_DIR/runguard.json
	mkdir -p "$PM_DIR"/{root,runroot,tmp,cni,volumes}
	cat >"$PM_DIR/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$PM_DIR/root"
runroot = "$PM_DIR/runroot"
EOF
	cat >"$PM_DIR/containers.conf" <<EOF
[containers]
# The open-files hard limit here is 20000 and podman's default is higher.
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
netns = "none"

[network]
network_config_dir = "$PM_DIR/cni"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PM_DIR/events.log"
tmp_dir = "$PM_DIR/tmp"
static_dir = "$PM_DIR/root/libpod"
volume_path = "$PM_DIR/volumes"
# conmon starts the runtime with only these variables.
conmon_env_vars = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "RUNGUARD_CONFIG=$RG_ENGINE_CONFIG"]
runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "runguard"]

[engine.runtimes]
runguard = ["$RUNGUARD_BIN"]
EOF
	export CONTAINERS_CONF=$PM_DIR/containers.conf
	export CONTAINERS_STORAGE_CONF=$PM_DIR/storage.conf
	rg_engine_config "$RG_ENGINE_CONFIG"
	rootfs_tar "$PM_DIR/rootfs.tar"
	podman import --quiet --change "CMD [\"/bin/sleep\", \"$RG_SLEEP_FOREVER\"]" \
		"$PM_DIR/rootfs.tar" "$PM_IMAGE" >"$PM_DIR/import.log" 2>&1 ||
		{ die "podman import failed: $(cat "$PM_DIR/import.log")"; return 1; }
}

# podman_cleanup: removes every container of the private storage (for teardown).
podman_cleanup() {
	[[ -n "${PM_DIR:-}" && -d "$PM_DIR" ]] || return 0
	timeout 60 "${RG_NS[@]}" podman rm --all --force --time 0 >/dev/null 2>&1 || true
	kill_pidfile_procs '^conmon$' "$PM_DIR"/root/overlay-containers/*/userdata/conmon.pid
}

# podman_stop: what podman_start made, gone (for teardown_file).
podman_stop() {
	[[ -n "${PM_DIR:-}" && -d "$PM_DIR" ]] || return 0
	podman_cleanup
	timeout 60 podman rmi --all --force >/dev/null 2>&1 || true
	unmount_under "$PM_DIR"
	remove_cgroup "$PM_CGROUP"
	rm -rf "$PM_DIR"
}

# pm ARGS...: podman on the private storage, through run_cmd (in $RG_NS).
pm() {
	engine_cmd "${RG_NS[@]}" podman "$@"
}

# ---------------------------------------------------------------------------
# containerd

CD_IMAGE=localhost/rg-busybox:latest

# ensure_oci_archive: $RG_OCI_ARCHIVE, the test image as an OCI archive,
# made once per run with a throwaway podman storage.
ensure_oci_archive() {
	RG_OCI_ARCHIVE=$BATS_RUN_TMPDIR/rg-busybox.oci.tar
	[[ -s "$RG_OCI_ARCHIVE" ]] && return 0
	(
		flock 9
		[[ -s "$RG_OCI_ARCHIVE" ]] && exit 0
		d=$(mktemp -d "$BATS_RUN_TMPDIR/ociimg.XXXXXX")
		trap 'unmount_under "$d"; rm -rf "$d"' EXIT
		rootfs_tar "$d/rootfs.tar" || exit 1
		mkdir -p "$d/cni"
		printf '[network]\nnetwork_config_dir = "%s"\n[engine]\nevents_logger = "file"\nevents_logfile_path = "%s"\n' \
			"$d/cni" "$d/events.log" >"$d/containers.conf"
		export CONTAINERS_CONF=$d/containers.conf
		p=(podman --root "$d/root" --runroot "$d/runroot" --tmpdir "$d/tmp" --storage-driver vfs)
		"${p[@]}" import --quiet --change "CMD [\"/bin/sleep\", \"$RG_SLEEP_FOREVER\"]" \
			"$d/rootfs.tar" "$CD_IMAGE" >"$d/log" 2>&1 &&
			"${p[@]}" save --quiet --format oci-archive -o "$d/image.tar" "$CD_IMAGE" >>"$d/log" 2>&1 ||
			{
				cat "$d/log" >&2
				exit 1
			}
		mv "$d/image.tar" "$RG_OCI_ARCHIVE"
	) 9>"$BATS_RUN_TMPDIR/oci-archive.lock" || { die "could not make the OCI archive"; return 1; }
}

# cni_fake DIR: a CNI configuration in DIR/conf whose plugin (DIR/bin/
# rg-fake-net, also serving as "loopback") configures nothing and reports an
# address, so that the CRI plugin can run pods with a private network
# namespace without touching the host's network. runguard's default policy
# refuses pods on the host network, and the CRI plugin insists on a working
# CNI network for the others.
cni_fake() {
	mkdir -p "$1/bin" "$1/conf"
	cat >"$1/bin/rg-fake-net" <<'EOF'
#!/bin/sh
# A CNI plugin (spec 0.4.0) for tests: ADD reports an address, nothing else.
case "$CNI_COMMAND" in
ADD)
	cat >/dev/null
	if [ "$CNI_IFNAME" = lo ]; then addr=127.0.0.1/8; else addr=10.255.255.2/24; fi
	printf '{"cniVersion":"0.4.0","interfaces":[{"name":"%s","sandbox":"%s"}],"ips":[{"version":"4","address":"%s","interface":0}]}\n' \
		"$CNI_IFNAME" "$CNI_NETNS" "$addr"
	;;
DEL | CHECK) cat >/dev/null ;;
VERSION) printf '{"cniVersion":"0.4.0","supportedVersions":["0.3.0","0.3.1","0.4.0"]}\n' ;;
*)
	printf '{"code":4,"msg":"unknown CNI_COMMAND %s"}\n' "$CNI_COMMAND"
	exit 1
	;;
esac
EOF
	chmod 0755 "$1/bin/rg-fake-net"
	ln -sf rg-fake-net "$1/bin/loopback"
	printf '{"cniVersion": "0.4.0", "name": "rg-fake", "plugins": [{"type": "rg-fake-net"}]}\n' \
		>"$1/conf/10-rg-fake.conflist"
}

# containerd_start: a private containerd with the CRI plugin and a runtime
# handler "runguard" (runc shim v2, BinaryName = runguard under test), the
# test image imported into namespaces "default" and "k8s.io". For setup_file.
containerd_start() {
	CD_DIR=$(engine_dir containerd)
	CD_SOCK=$CD_DIR/containerd.sock
	CD_CGROUP=rgtest-containerd-$$
	export CD_DIR CD_SOCK CD_CGROUP
	export ENGINE_AUDIT=$CD_DIR/audit.log
	export RG_ENGINE_CONFIG=$CD_DIR/runguard.json
	mkdir -p "$CD_DIR"/{root,state,runc,fifo}
	# /run/containerd/{s,fifo,runc}: note which of them the shims create.
	CD_RUN_CREATED=()
	local r
	for r in /run/containerd /run/containerd/s /run/containerd/fifo /run/containerd/runc; do
		[[ -e "$r" ]] || CD_RUN_CREATED+=("$r")
	done
	export CD_RUN_CREATED_LIST="${CD_RUN_CREATED[*]}"
	cat >"$CD_DIR/config.toml" <<EOF
version = 2
root = "$CD_DIR/root"
state = "$CD_DIR/state"
oom_score = 0

[grpc]
  address = "$CD_SOCK"
[ttrpc]
  address = "$CD_SOCK.ttrpc"
[debug]
  address = ""
  level = "info"
[metrics]
  address = ""

[plugins."io.containerd.grpc.v1.cri"]
  # No registry here: the imported busybox image, whose command sleeps for
  # ever, is the pause image.
  sandbox_image = "$CD_IMAGE"
  enable_selinux = false
  # Without CAP_SYS_RESOURCE nothing may lower its oom_score_adj, and the
  # sandbox's default is -998.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  # Pod network namespaces under our state dir, not /var/run/netns.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    # A stand-in network (cni_fake): pods get a private network namespace
    # and nothing on the host changes.
    bin_dir = "$CD_DIR/cni/bin"
    conf_dir = "$CD_DIR/cni/conf"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$CD_DIR/runc"
    # As in contrib/containerd/config.toml, with the binary under test.
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard]
      runtime_type = "io.containerd.runc.v2"
      pod_annotations = ["run.runguard.profile"]
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard.options]
        BinaryName = "$RUNGUARD_BIN"
        Root = "$CD_DIR/runc"
EOF
	cni_fake "$CD_DIR/cni"
	rg_engine_config "$RG_ENGINE_CONFIG"
	ensure_oci_archive || return 1
	RUNGUARD_CONFIG=$RG_ENGINE_CONFIG setsid containerd --config "$CD_DIR/config.toml" \
		</dev/null >"$CD_DIR/containerd.log" 2>&1 &
	CD_PID=$!
	export CD_PID
	echo "$CD_PID" >"$CD_DIR/containerd.pid"
	local i
	for ((i = 0; i < 200; i++)); do
		if [[ -S "$CD_SOCK" ]] && ctr -a "$CD_SOCK" version >/dev/null 2>&1; then
			break
		fi
		kill -0 "$CD_PID" 2>/dev/null || break
		sleep 0.1
	done
	ctr -a "$CD_SOCK" version >/dev/null 2>&1 ||
		{ die "containerd did not start: $(tail -n 20 "$CD_DIR/containerd.log")"; return 1; }
	local ns
	for ns in default k8s.io; do
		ctr -a "$CD_SOCK" -n "$ns" images import "$RG_OCI_ARCHIVE" >"$CD_DIR/import.log" 2>&1 ||
			{ die "ctr images import failed: $(cat "$CD_DIR/import.log")"; return 1; }
	done
}

# ctrc ARGS...: ctr against the private containerd, through run_cmd.
ctrc() {
	engine_cmd ctr -a "$CD_SOCK" "$@"
}

# cri METHOD [JSON]: one CRI RuntimeService call (tests/integration/cri/cri.py),
# through run_cmd; the answer (JSON) is in $output.
cri() {
	engine_cmd /usr/bin/python3 "$BATS_TEST_DIRNAME/cri/cri.py" --endpoint "unix://$CD_SOCK" \
		--gen "$CD_DIR/pb" "$@"
}

# containerd_cleanup: removes every pod, container and task the tests made
# (for teardown; containerd keeps running).
containerd_cleanup() {
	[[ -n "${CD_SOCK:-}" && -S "$CD_SOCK" ]] || return 0
	local c=(timeout 30 ctr -a "$CD_SOCK") py=(timeout 60 /usr/bin/python3 "$BATS_TEST_DIRNAME/cri/cri.py" --endpoint "unix://$CD_SOCK" --gen "$CD_DIR/pb")
	local id ns
	# Pods only where the CRI API was used (cri.bats sets CD_USES_CRI=1).
	[[ "${CD_USES_CRI:-0}" == 1 ]] || py=(false)
	"${py[@]}" RemoveAllPodSandboxes >/dev/null 2>&1 || true
	for ns in default k8s.io; do
		for id in $("${c[@]}" -n "$ns" tasks ls -q 2>/dev/null); do
			"${c[@]}" -n "$ns" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
			"${c[@]}" -n "$ns" tasks delete -f "$id" >/dev/null 2>&1 || true
		done
		for id in $("${c[@]}" -n "$ns" containers ls -q 2>/dev/null); do
			"${c[@]}" -n "$ns" containers delete "$id" >/dev/null 2>&1 || true
		done
	done
}

# containerd_stop: stops containerd by its PID, then removes what is left:
# shims, runc containers, mounts, cgroups, files (for teardown_file).
containerd_stop() {
	[[ -n "${CD_DIR:-}" && -d "$CD_DIR" ]] || return 0
	containerd_cleanup
	local i s id
	if [[ -n "${CD_PID:-}" ]] && kill -0 "$CD_PID" 2>/dev/null; then
		kill -TERM "$CD_PID" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			kill -0 "$CD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$CD_PID" 2>/dev/null || true
		wait "$CD_PID" 2>/dev/null || true
	fi
	# Anything the clean-up missed: shims by their pid files, then containers.
	kill_pidfile_procs '^containerd-shim' "$CD_DIR"/state/io.containerd.runtime.v2.task/*/*/shim.pid
	for s in "$CD_DIR"/runc/*; do
		[[ -d "$s" ]] || continue
		for id in $("$REAL_RUNC" --root "$s" list -q 2>/dev/null); do
			"$REAL_RUNC" --root "$s" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	unmount_under "$CD_DIR"
	remove_cgroup "$CD_CGROUP"
	# Only the directories we created, and only when empty (a shim removes
	# its socket as it exits, which may take a moment).
	local created left
	read -r -a created <<<"${CD_RUN_CREATED_LIST:-}"
	for ((i = 0; i < 20 && ${#created[@]} > 0; i++)); do
		left=0
		for s in "${created[@]}"; do
			[[ -e "$s" ]] || continue
			find "$s" -depth -type d -empty -delete 2>/dev/null || true
			[[ -e "$s" ]] && left=1
		done
		((left)) || break
		sleep 0.1
	done
	rm -rf "$CD_DIR"
}
