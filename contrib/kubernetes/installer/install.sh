#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# runguard node installer: copies runguard (and, if given, its configuration)
# onto a node and registers it as the container runtime handler "runguard"
# with containerd and/or CRI-O, the way kata-deploy installs Kata. Run by the
# DaemonSet in daemonset.yaml with the node's root filesystem at $HOST_ROOT;
# also usable by hand on a node (HOST_ROOT=/).
#
#   install.sh install     install or update, then exit
#   install.sh uninstall   remove the handler and the binary, then exit
#   install.sh daemon      install, then wait; on SIGTERM uninstall if
#                          RUNGUARD_UNINSTALL_ON_STOP=true (the DaemonSet's
#                          command)
#
# Settings (environment; paths other than HOST_ROOT and the artifacts are
# paths on the node):
#   HOST_ROOT                    the node's / as this process sees it (/host)
#   RUNGUARD_ARTIFACTS           directory with runguard and profiles/ (/opt/runguard)
#   RUNGUARD_INSTALL_DIR         where the binary goes (/usr/local/sbin)
#   RUNGUARD_DATA_DIR            where the profiles go (/usr/local/share/runguard)
#   RUNGUARD_CONFIG_SRC          a config.json to install as /etc/runguard/config.json
#                                (the ConfigMap, /config/config.json); validated
#                                with `runguard check-config` first; absent or
#                                empty: the node's file is left alone
#   RUNGUARD_HANDLER             the runtime handler name (runguard)
#   RUNGUARD_ENGINES             containerd, crio, both ("containerd crio") or
#                                auto: those whose configuration directory exists
#   CONTAINERD_CONFIG            containerd's configuration (/etc/containerd/config.toml)
#   CRIO_DROPIN_DIR              CRI-O's drop-in directory (/etc/crio/crio.conf.d)
#   RUNGUARD_RESTART             auto: restart the engines whose configuration
#                                changed, with systemctl in the node's namespaces
#                                (needs hostPID); none: do not
#   RUNGUARD_NODE_LABEL          label set on the node when installed
#                                (runguard.run/installed=true) through the API
#                                server, if NODE_NAME and a service account
#                                token are there; empty: no label
#   RUNGUARD_REMOVE_CONFIG       true: uninstall removes /etc/runguard/config.json too
#
# The containerd entry is a block between "# BEGIN runguard" and "# END
# runguard" at the end of the configuration, replaced on update and removed
# on uninstall, leaving every other byte as it was. A configuration that
# already defines the handler outside that block is not touched. The result
# is checked as TOML (python3's tomllib) before it replaces the original.
set -euo pipefail

HOST_ROOT=${HOST_ROOT-/host}
HOST_ROOT=${HOST_ROOT%/}
ARTIFACTS=${RUNGUARD_ARTIFACTS:-/opt/runguard}
INSTALL_DIR=${RUNGUARD_INSTALL_DIR:-/usr/local/sbin}
DATA_DIR=${RUNGUARD_DATA_DIR:-/usr/local/share/runguard}
CONFIG_SRC=${RUNGUARD_CONFIG_SRC:-/config/config.json}
HANDLER=${RUNGUARD_HANDLER:-runguard}
ENGINES=${RUNGUARD_ENGINES:-auto}
CONTAINERD_CONFIG=${CONTAINERD_CONFIG:-/etc/containerd/config.toml}
CRIO_DROPIN_DIR=${CRIO_DROPIN_DIR:-/etc/crio/crio.conf.d}
RESTART=${RUNGUARD_RESTART:-auto}
NODE_LABEL=${RUNGUARD_NODE_LABEL-runguard.run/installed}
REMOVE_CONFIG=${RUNGUARD_REMOVE_CONFIG:-false}

BEGIN_MARK="# BEGIN runguard (managed by runguard's installer: edits between these lines are lost)"
END_MARK="# END runguard"
BINARY=$INSTALL_DIR/runguard
RESTART_LIST=()

log() { printf 'runguard-installer: %s\n' "$*" >&2; }
fail() {
	log "error: $*"
	exit 1
}

# h PATH: PATH on the node, as seen from here.
h() { printf '%s%s' "$HOST_ROOT" "$1"; }

[[ "$HANDLER" =~ ^[A-Za-z0-9_.-]+$ ]] || fail "RUNGUARD_HANDLER '$HANDLER': letters, digits, _ . - only"
[[ "$INSTALL_DIR" == /* ]] || fail "RUNGUARD_INSTALL_DIR must be absolute"

# atomic_write DEST MODE < content: replaces DEST by a complete new file.
atomic_write() {
	local dest=$1 mode=$2 tmp
	mkdir -p "$(dirname "$dest")"
	tmp=$(mktemp "$(dirname "$dest")/.runguard-installer.XXXXXX")
	cat >"$tmp"
	chmod "$mode" "$tmp"
	mv -f "$tmp" "$dest"
}

# check_toml FILE: FILE parses as TOML (skipped without python3).
check_toml() {
	if command -v python3 >/dev/null && python3 -c 'import tomllib' 2>/dev/null; then
		python3 -c 'import sys, tomllib; tomllib.load(open(sys.argv[1], "rb"))' "$1"
	else
		log "warning: python3 with tomllib not found; $1 not checked as TOML"
	fi
}

engines() {
	if [[ "$ENGINES" != auto ]]; then
		echo "$ENGINES"
		return
	fi
	local e=()
	[[ -d "$(h "$(dirname "$CONTAINERD_CONFIG")")" ]] && e+=(containerd)
	[[ -d "$(h /etc/crio)" ]] && e+=(crio)
	[[ ${#e[@]} -gt 0 ]] || fail "neither containerd ($(dirname "$CONTAINERD_CONFIG")) nor CRI-O (/etc/crio) found on the node"
	echo "${e[*]}"
}

# ---------------------------------------------------------------------------
# containerd

# strip_block < config: the configuration without our block.
strip_block() {
	awk -v b="$BEGIN_MARK" -v e="$END_MARK" '
		$0 == b { skip = 1; next }
		skip && $0 == e { skip = 0; next }
		!skip { print }'
}

containerd_block() {
	local conf=$1 table systemd=false
	# The CRI plugin's name in each configuration version.
	case "$(sed -nE 's/^[[:space:]]*version[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p' "$conf" 2>/dev/null | head -n 1)" in
	3) table='plugins."io.containerd.cri.v1.runtime".containerd.runtimes' ;;
	2) table='plugins."io.containerd.grpc.v1.cri".containerd.runtimes' ;;
	*) table='plugins.cri.containerd.runtimes' ;;
	esac
	# Same cgroup driver as the node's runc handler.
	grep -qE '^[[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*true' "$conf" 2>/dev/null && systemd=true
	cat <<EOF
$BEGIN_MARK
[$table.$HANDLER]
  runtime_type = "io.containerd.runc.v2"
  # A workload may ask runguard for a stricter profile with this annotation.
  pod_annotations = ["run.runguard.profile"]
  [$table.$HANDLER.options]
    BinaryName = "$BINARY"
    SystemdCgroup = $systemd
$END_MARK
EOF
}

containerd_install() {
	local conf old new
	conf=$(h "$CONTAINERD_CONFIG")
	if [[ -e "$conf" ]]; then
		old=$(cat "$conf"; echo x)
		old=${old%x}
	else
		# containerd's default configuration plus our handler.
		old=$'version = 2\n'
	fi
	local rest
	rest=$(printf '%s' "$old" | strip_block; echo x)
	rest=${rest%x}
	if grep -qE "^[[:space:]]*\\[.*\\.runtimes\\.\"?$HANDLER\"?[].]" <<<"$rest"; then
		log "containerd: $CONTAINERD_CONFIG already defines the handler $HANDLER outside runguard's block; left alone"
		return 0
	fi
	# Keep the file's last line ended before our block.
	[[ -z "$rest" || "$rest" == *$'\n' ]] || rest+=$'\n'
	local tmp block
	tmp=$(mktemp)
	printf '%s' "$rest" >"$tmp"
	block=$(containerd_block "$tmp")
	new="$rest$block"$'\n'
	if [[ "$new" == "$old" ]]; then
		rm -f "$tmp"
		log "containerd: $CONTAINERD_CONFIG is up to date"
		return 0
	fi
	printf '%s' "$new" >"$tmp"
	if ! check_toml "$tmp"; then
		rm -f "$tmp"
		fail "containerd: the edited $CONTAINERD_CONFIG would not be valid TOML; left unchanged"
	fi
	local mode=0644
	[[ -e "$conf" ]] && mode=$(stat -c %a "$conf")
	atomic_write "$conf" "$mode" <"$tmp"
	rm -f "$tmp"
	log "containerd: handler $HANDLER (BinaryName $BINARY) in $CONTAINERD_CONFIG"
	RESTART_LIST+=(containerd)
}

containerd_uninstall() {
	local conf new
	conf=$(h "$CONTAINERD_CONFIG")
	[[ -e "$conf" ]] || return 0
	grep -qxF "$BEGIN_MARK" "$conf" || return 0
	new=$(strip_block <"$conf"; echo x)
	new=${new%x}
	atomic_write "$conf" "$(stat -c %a "$conf")" <<<"${new%$'\n'}"
	log "containerd: handler $HANDLER removed from $CONTAINERD_CONFIG"
	RESTART_LIST+=(containerd)
}

# ---------------------------------------------------------------------------
# CRI-O

crio_dropin() {
	cat <<EOF
# Written by runguard's installer; removed when it uninstalls.
[crio.runtime.runtimes.$HANDLER]
runtime_path = "$BINARY"
runtime_type = "oci"
runtime_root = "/run/$HANDLER"
allowed_annotations = []
EOF
}

crio_install() {
	local f
	f=$(h "$CRIO_DROPIN_DIR/10-$HANDLER.conf")
	if [[ -e "$f" ]] && [[ "$(cat "$f")" == "$(crio_dropin)" ]]; then
		log "crio: $CRIO_DROPIN_DIR/10-$HANDLER.conf is up to date"
		return 0
	fi
	crio_dropin | atomic_write "$f" 0644
	check_toml "$f" || fail "crio: $f is not valid TOML"
	log "crio: handler $HANDLER in $CRIO_DROPIN_DIR/10-$HANDLER.conf"
	RESTART_LIST+=(crio)
}

crio_uninstall() {
	local f
	f=$(h "$CRIO_DROPIN_DIR/10-$HANDLER.conf")
	[[ -e "$f" ]] || return 0
	rm -f "$f"
	log "crio: $CRIO_DROPIN_DIR/10-$HANDLER.conf removed"
	RESTART_LIST+=(crio)
}

# ---------------------------------------------------------------------------
# node

restart_engines() {
	local e
	[[ ${#RESTART_LIST[@]} -gt 0 ]] || return 0
	if [[ "$RESTART" == none ]]; then
		log "not restarting ${RESTART_LIST[*]} (RUNGUARD_RESTART=none): restart them to apply"
		return 0
	fi
	for e in "${RESTART_LIST[@]}"; do
		# Running containers survive: their shims (containerd) or conmon
		# (CRI-O) keep them while the engine restarts.
		log "restarting $e"
		nsenter --target 1 --mount --uts --ipc --net --pid -- systemctl restart "$e" ||
			fail "could not restart $e (is hostPID set?)"
	done
}

# label_node VALUE|-: sets (or with -, removes) $NODE_LABEL on $NODE_NAME.
label_node() {
	local sa=/var/run/secrets/kubernetes.io/serviceaccount value patch
	[[ -n "$NODE_LABEL" && -n "${NODE_NAME:-}" && -r "$sa/token" ]] || return 0
	command -v curl >/dev/null || { log "warning: no curl: node not labelled"; return 0; }
	value=$1
	if [[ "$value" == - ]]; then
		patch="{\"metadata\":{\"labels\":{\"$NODE_LABEL\":null}}}"
	else
		patch="{\"metadata\":{\"labels\":{\"$NODE_LABEL\":\"$value\"}}}"
	fi
	curl -fsS --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" \
		-H 'Content-Type: application/merge-patch+json' -X PATCH --data "$patch" \
		"https://${KUBERNETES_SERVICE_HOST}:${KUBERNETES_SERVICE_PORT}/api/v1/nodes/$NODE_NAME" >/dev/null ||
		log "warning: could not label node $NODE_NAME"
}

install_files() {
	[[ -x "$ARTIFACTS/runguard" ]] || fail "$ARTIFACTS/runguard not found"
	if [[ -s "$CONFIG_SRC" ]]; then
		"$ARTIFACTS/runguard" check-config "$CONFIG_SRC" >/dev/null ||
			fail "$CONFIG_SRC is not a valid runguard configuration; nothing installed"
	fi
	mkdir -p "$(h "$INSTALL_DIR")"
	# A new inode: a runguard starting right now keeps the old one.
	atomic_write "$(h "$BINARY")" 0755 <"$ARTIFACTS/runguard"
	log "installed $BINARY"
	if [[ -d "$ARTIFACTS/profiles" ]]; then
		local p
		for p in "$ARTIFACTS"/profiles/*.json; do
			[[ -e "$p" ]] || continue
			atomic_write "$(h "$DATA_DIR/profiles/$(basename "$p")")" 0644 <"$p"
		done
	fi
	if [[ -s "$CONFIG_SRC" ]]; then
		atomic_write "$(h /etc/runguard/config.json)" 0644 <"$CONFIG_SRC"
		log "installed /etc/runguard/config.json"
	fi
}

# verify_on_node: the installed runguard runs on the node (its shared
# libraries are there) and accepts the node's configuration. Needs the
# node's namespaces (hostPID), so only when engines are restarted here.
verify_on_node() {
	[[ "$RESTART" != none ]] || return 0
	nsenter --target 1 --mount -- "$BINARY" check-config >/dev/null ||
		fail "$BINARY does not run on the node, or rejects /etc/runguard/config.json" \
			"(shared libraries: libyajl2 libseccomp2 libcap2 libselinux1); no handler registered"
}

do_install() {
	local e list
	list=$(engines) || exit 1
	install_files
	verify_on_node
	for e in $list; do
		case $e in
		containerd) containerd_install ;;
		crio) crio_install ;;
		*) fail "unknown engine '$e' (containerd, crio)" ;;
		esac
	done
	restart_engines
	label_node true
	log "done"
}

do_uninstall() {
	local e list
	list=$(engines) || exit 1
	label_node -
	for e in $list; do
		case $e in
		containerd) containerd_uninstall ;;
		crio) crio_uninstall ;;
		*) fail "unknown engine '$e' (containerd, crio)" ;;
		esac
	done
	restart_engines
	rm -f "$(h "$BINARY")"
	rm -rf "$(h "$DATA_DIR")"
	if [[ "$REMOVE_CONFIG" == true ]]; then
		rm -f "$(h /etc/runguard/config.json)"
	fi
	log "uninstalled"
}

case "${1:-}" in
install) do_install ;;
uninstall) do_uninstall ;;
daemon)
	do_install
	# Wait in the background so that the trap runs at once.
	sleep infinity &
	sleeper=$!
	if [[ "${RUNGUARD_UNINSTALL_ON_STOP:-false}" == true ]]; then
		trap 'kill "$sleeper" 2>/dev/null; do_uninstall; exit 0' TERM INT
	else
		trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM INT
	fi
	wait
	;;
*)
	echo "usage: $0 install|uninstall|daemon" >&2
	exit 2
	;;
esac
