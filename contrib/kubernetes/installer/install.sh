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
#   RUNGUARD_HANDLER             the runtime handler name: runguard, the only one
#                                `runguard configure` writes (any other is refused)
#   RUNGUARD_ENGINES             containerd, crio, both ("containerd crio") or
#                                auto: those whose configuration directory exists
#   CONTAINERD_CONFIG            containerd's configuration (/etc/containerd/config.toml)
#   CRIO_DROPIN_DIR              CRI-O's drop-in directory (/etc/crio/crio.conf.d);
#                                crio.conf is read from the directory above it
#   RUNGUARD_RESTART             auto: restart the engines whose configuration
#                                changed, with systemctl in the node's namespaces
#                                (needs hostPID); none: do not
#   RUNGUARD_NODE_LABEL          label set on the node when installed
#                                (runguard.run/installed=true) through the API
#                                server, if NODE_NAME and a service account
#                                token are there; empty: no label
#   RUNGUARD_REMOVE_CONFIG       true: uninstall removes /etc/runguard/config.json too
#
# The engines' configuration is edited by `runguard configure ENGINE
# --host-root $HOST_ROOT` (install) and `runguard configure --remove ENGINE`
# (uninstall), run from this image: one implementation of the edit, the same
# as on a node by hand. It copies the node's runc handler settings (for
# containerd 2.x, configuration version 3 or 4, into the drop-in
# conf.d/runguard.toml; for 1.x, version 2, into the file holding the CRI
# plugin's settings), keeps every other byte of the files, backs each
# changed file up next to it (FILE.runguard-bak-<time>), writes
# atomically, is idempotent, and stops with an error naming the file and
# line on anything it cannot edit safely (then the installer stops too).
# See `runguard configure` in README.md.
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

BINARY=$INSTALL_DIR/runguard
RESTART_LIST=()

log() { printf 'runguard-installer: %s\n' "$*" >&2; }
fail() {
	log "error: $*"
	exit 1
}

# h PATH: PATH on the node, as seen from here.
h() { printf '%s%s' "$HOST_ROOT" "$1"; }

[[ "$HANDLER" == runguard ]] || fail "RUNGUARD_HANDLER '$HANDLER': runguard configure registers the handler \"runguard\" only"
[[ "$INSTALL_DIR" == /* ]] || fail "RUNGUARD_INSTALL_DIR must be absolute"
[[ "$CONTAINERD_CONFIG" == /* ]] || fail "CONTAINERD_CONFIG must be absolute"
[[ "$CRIO_DROPIN_DIR" == /*/crio.conf.d ]] || fail "CRIO_DROPIN_DIR must be an absolute path ending in /crio.conf.d"
CRIO_DIR=${CRIO_DROPIN_DIR%/crio.conf.d}

# atomic_write DEST MODE < content: replaces DEST by a complete new file.
atomic_write() {
	local dest=$1 mode=$2 tmp
	mkdir -p "$(dirname "$dest")"
	tmp=$(mktemp "$(dirname "$dest")/.runguard-installer.XXXXXX")
	cat >"$tmp"
	chmod "$mode" "$tmp"
	mv -f "$tmp" "$dest"
}

engines() {
	if [[ "$ENGINES" != auto ]]; then
		echo "$ENGINES"
		return
	fi
	local e=()
	[[ -d "$(h "$(dirname "$CONTAINERD_CONFIG")")" ]] && e+=(containerd)
	[[ -d "$(h "$CRIO_DIR")" ]] && e+=(crio)
	[[ ${#e[@]} -gt 0 ]] || fail "neither containerd ($(dirname "$CONTAINERD_CONFIG")) nor CRI-O ($CRIO_DIR) found on the node"
	echo "${e[*]}"
}

# rg_configure ENGINE ARGS...: `runguard configure ARGS ENGINE` on the
# node's files (the paths it writes into them are the node's); its report
# on stdout, its error on stderr.
rg_configure() {
	local engine=$1 rg=$ARTIFACTS/runguard where
	shift
	case $engine in
	containerd) where=(--file "$CONTAINERD_CONFIG") ;;
	crio) where=(--config-dir "$CRIO_DIR") ;;
	*) fail "unknown engine '$engine' (containerd, crio)" ;;
	esac
	# Uninstalling by hand without the artifacts: the node's own copy.
	[[ -x "$rg" ]] || rg=$(h "$BINARY")
	"$rg" configure "$@" "$engine" --host-root "${HOST_ROOT:-/}" --binary "$BINARY" "${where[@]}"
}

# configure ENGINE [--remove]: applies it, logs the report and queues a
# restart of ENGINE if a file changed.
configure() {
	local engine=$1 out line
	out=$(rg_configure "$@") ||
		fail "$engine: runguard configure ${2:+$2 }failed (above); its configuration is unchanged"
	while IFS= read -r line; do
		# The installer restarts the engine itself (restart_engines).
		[[ -n "$line" && "$line" != "restart "* ]] || continue
		[[ "$line" == "$engine: "* ]] || line="$engine: $line"
		log "$line"
	done <<<"$out"
	if grep -qE '^(created|updated|removed) ' <<<"$out"; then
		RESTART_LIST+=("$engine")
	fi
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
			# shellcheck disable=SC2094 # reads $p, writes the node's copy of it
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
	[[ -x "$ARTIFACTS/runguard" ]] || fail "$ARTIFACTS/runguard not found"
	# An engine configuration runguard configure would refuse (malformed,
	# unsupported) stops the installation before anything is copied.
	for e in $list; do
		rg_configure "$e" --dry-run >/dev/null ||
			fail "$e: runguard configure cannot register the handler (above); nothing installed"
	done
	install_files
	verify_on_node
	for e in $list; do
		configure "$e"
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
		configure "$e" --remove
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
