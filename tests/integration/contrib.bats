#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# contrib/: the engine snippets parse and say what the engines need
# (containerd reads its snippet itself; CRI-O, not packaged in Debian 12, is
# checked as TOML), the Kubernetes manifests parse (python3-yaml), and the
# node installer's install.sh does its job on a fake node root.

load helpers

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
CONTRIB=$REPO/contrib
INSTALLER=$CONTRIB/kubernetes/installer/install.sh
PY=/usr/bin/python3

# py_check FILE... -- PYTHON: runs PYTHON with the files in sys.argv[1:].
py_check() {
	local files=()
	while [[ "$1" != -- ]]; do
		files+=("$1")
		shift
	done
	shift
	run_cmd "$PY" -c "$1" "${files[@]}"
}

@test "contrib/crio/10-runguard.conf: TOML with the runtime handler CRI-O expects" {
	py_check "$CONTRIB/crio/10-runguard.conf" -- '
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
h = c["crio"]["runtime"]["runtimes"]["runguard"]
assert h["runtime_path"] == "/usr/local/sbin/runguard", h
assert h["runtime_type"] == "oci", h
assert h["runtime_root"].startswith("/"), h
assert h["allowed_annotations"] == [], h
assert set(c) == {"crio"} and set(c["crio"]) == {"runtime"}, c
print("ok")'
	assert_status 0
	[[ "$output" == ok ]] || die "check failed"
}

@test "contrib/containerd/config.toml: TOML, and containerd itself reads the runguard handler" {
	py_check "$CONTRIB/containerd/config.toml" -- '
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
assert c["version"] == 2
print("ok")'
	assert_status 0
	require_or_skip "containerd is not installed" command -v containerd
	run_cmd containerd --config "$CONTRIB/containerd/config.toml" config dump
	assert_status 0
	printf '%s\n' "$output" >"$T/dump.toml"
	py_check "$T/dump.toml" -- '
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
h = c["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["runguard"]
assert h["runtime_type"] == "io.containerd.runc.v2", h
assert h["options"]["BinaryName"] == "/usr/local/sbin/runguard", h
assert h["pod_annotations"] == ["run.runguard.profile"], h
print("ok")'
	assert_status 0
	[[ "$output" == ok ]] || die "containerd's view of the handler is not as expected"
}

@test "contrib/podman/containers.conf: TOML with the runtime and JSON log support" {
	py_check "$CONTRIB/podman/containers.conf" -- '
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
assert c["engine"]["runtimes"]["runguard"] == ["/usr/local/sbin/runguard"], c
assert "runguard" in c["engine"]["runtime_supports_json"], c
assert "runc" in c["engine"]["runtime_supports_json"], c
print("ok")'
	assert_status 0
	[[ "$output" == ok ]] || die "check failed"
}

@test "contrib/kubernetes: RuntimeClass and the installer DaemonSet parse and fit together" {
	require_or_skip "python3-yaml is not installed" "$PY" -c 'import yaml'
	py_check "$CONTRIB/kubernetes/runtimeclass.yaml" "$CONTRIB/kubernetes/installer/daemonset.yaml" -- '
import sys, yaml, json
rc = list(yaml.safe_load_all(open(sys.argv[1])))
assert len(rc) == 1 and rc[0]["kind"] == "RuntimeClass" and rc[0]["handler"] == "runguard", rc
docs = {d["kind"]: d for d in yaml.safe_load_all(open(sys.argv[2])) if d}
assert set(docs) == {"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet"}, set(docs)
sa, ds = docs["ServiceAccount"], docs["DaemonSet"]
assert docs["ClusterRoleBinding"]["subjects"][0]["name"] == sa["metadata"]["name"]
assert docs["ClusterRoleBinding"]["roleRef"]["name"] == docs["ClusterRole"]["metadata"]["name"]
assert any("nodes" in r["resources"] and "patch" in r["verbs"] for r in docs["ClusterRole"]["rules"])
spec = ds["spec"]["template"]["spec"]
assert ds["spec"]["selector"]["matchLabels"].items() <= ds["spec"]["template"]["metadata"]["labels"].items()
assert spec["serviceAccountName"] == sa["metadata"]["name"]
assert spec["hostPID"] is True
c = spec["containers"][0]
assert c["command"] == ["/opt/runguard/install.sh", "daemon"], c["command"]
assert c["securityContext"]["privileged"] is True
env = {e["name"]: e for e in c["env"]}
assert env["NODE_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "spec.nodeName"
root = env["HOST_ROOT"]["value"]
vols = {v["name"]: v for v in spec["volumes"]}
mounts = {m["mountPath"]: vols[m["name"]] for m in c["volumeMounts"]}
assert mounts[root + "/etc"]["hostPath"]["path"] == "/etc"
assert mounts[root + "/usr/local"]["hostPath"]["path"] == "/usr/local"
assert env["RUNGUARD_INSTALL_DIR"]["value"].startswith("/usr/local/")
assert mounts["/config"]["configMap"]["name"] == docs["ConfigMap"]["metadata"]["name"]
print(docs["ConfigMap"]["data"]["config.json"])'
	assert_status 0
	# The ConfigMap's configuration is one runguard accepts.
	printf '%s\n' "$output" >"$T/cm-config.json"
	rg check-config "$T/cm-config.json"
	assert_status 0
	# What the Dockerfile copies exists.
	local src
	for src in profiles contrib/kubernetes/installer/install.sh; do
		grep -q "^COPY $src" "$CONTRIB/kubernetes/installer/Dockerfile" || die "Dockerfile does not copy $src"
		[[ -e "$REPO/$src" ]] || die "$src missing"
	done
	[[ -x "$INSTALLER" ]] || die "install.sh is not executable"
}

# A fake node: $NODE (its /), artifacts in $ART, install.sh's settings.
fake_node() {
	NODE=$T/node
	ART=$T/artifacts
	mkdir -p "$NODE/etc" "$ART/profiles"
	cp "$RUNGUARD_BIN" "$ART/runguard"
	cp "$REPO"/profiles/*.json "$ART/profiles/"
	export HOST_ROOT=$NODE RUNGUARD_ARTIFACTS=$ART RUNGUARD_RESTART=none RUNGUARD_NODE_LABEL=
	export RUNGUARD_CONFIG_SRC=$T/no-configmap/config.json
	# Debian's python3 (tomllib) first, as in the installer image.
	export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
}

# The configuration Debian's containerd package installs.
DEBIAN_CONTAINERD_CONFIG='version = 2

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "/etc/cni/net.d"
  [plugins."io.containerd.internal.v1.opt"]
    path = "/var/lib/containerd/opt"
'

@test "installer: install.sh registers the containerd handler, idempotently, and uninstall restores the file" {
	fake_node
	mkdir -p "$NODE/etc/containerd"
	printf '%s' "$DEBIAN_CONTAINERD_CONFIG" >"$NODE/etc/containerd/config.toml"
	chmod 0600 "$NODE/etc/containerd/config.toml"

	run_cmd "$INSTALLER" install
	assert_status 0
	cmp "$RUNGUARD_BIN" "$NODE/usr/local/sbin/runguard" || die "binary not installed"
	[[ -x "$NODE/usr/local/sbin/runguard" ]] || die "binary not executable"
	[[ -f "$NODE/usr/local/share/runguard/profiles/baseline.json" ]] || die "profiles not installed"
	[[ ! -e "$NODE/etc/crio" ]] || die "CRI-O configured on a containerd node"
	[[ ! -e "$NODE/etc/runguard" ]] || die "a configuration was installed without a ConfigMap"
	local conf=$NODE/etc/containerd/config.toml
	[[ "$(stat -c %a "$conf")" == 600 ]] || die "config.toml mode changed"
	# Every byte of the original is still there, in front.
	[[ "$(head -c ${#DEBIAN_CONTAINERD_CONFIG} "$conf")" == "${DEBIAN_CONTAINERD_CONFIG%$'\n'}" ]] ||
		die "the original configuration was changed"
	cp "$conf" "$T/after-install.toml"

	require_or_skip "containerd is not installed" command -v containerd
	run_cmd containerd --config "$conf" config dump
	assert_status 0
	printf '%s\n' "$output" >"$T/dump.toml"
	py_check "$T/dump.toml" -- '
import sys, tomllib
cri = tomllib.load(open(sys.argv[1], "rb"))["plugins"]["io.containerd.grpc.v1.cri"]
h = cri["containerd"]["runtimes"]["runguard"]
assert h["runtime_type"] == "io.containerd.runc.v2", h
assert h["options"]["BinaryName"] == "/usr/local/sbin/runguard", h
assert h["options"]["SystemdCgroup"] is False, h
assert cri["cni"]["bin_dir"] == "/usr/lib/cni", cri["cni"]
print("ok")'
	assert_status 0

	# Again: nothing changes.
	run_cmd "$INSTALLER" install
	assert_status 0
	cmp "$conf" "$T/after-install.toml" || die "a second install changed config.toml"
	assert_contains "$stderr" "up to date" "second install"

	run_cmd "$INSTALLER" uninstall
	assert_status 0
	cmp "$conf" <(printf '%s' "$DEBIAN_CONTAINERD_CONFIG") || die "uninstall did not restore config.toml"
	[[ ! -e "$NODE/usr/local/sbin/runguard" ]] || die "binary left after uninstall"
	[[ ! -e "$NODE/usr/local/share/runguard" ]] || die "profiles left after uninstall"
}

@test "installer: systemd cgroups copied; a handler defined by the operator is left alone; v3 table name" {
	fake_node
	mkdir -p "$NODE/etc/containerd"
	local conf=$NODE/etc/containerd/config.toml
	cat >"$conf" <<'EOF'
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true
EOF
	run_cmd "$INSTALLER" install
	assert_status 0
	grep -qE '^ +SystemdCgroup = true$' <(sed -n '/^# BEGIN runguard/,/^# END runguard/p' "$conf") ||
		die "SystemdCgroup not copied into runguard's block"

	cat >"$conf" <<'EOF'
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard]
  runtime_type = "io.containerd.runc.v2"
EOF
	cp "$conf" "$T/own.toml"
	run_cmd "$INSTALLER" install
	assert_status 0
	cmp "$conf" "$T/own.toml" || die "the operator's own handler was touched"
	assert_contains "$stderr" "left alone" "install.sh"

	printf 'version = 3\n' >"$conf"
	run_cmd "$INSTALLER" install
	assert_status 0
	py_check "$conf" -- '
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
h = c["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"]["runguard"]
assert h["options"]["BinaryName"] == "/usr/local/sbin/runguard", h
print("ok")'
	assert_status 0
}

@test "installer: CRI-O drop-in; the ConfigMap's configuration is validated before anything is installed" {
	fake_node
	mkdir -p "$NODE/etc/crio"
	mkdir -p "$T/cm"
	export RUNGUARD_CONFIG_SRC=$T/cm/config.json
	# An invalid configuration: nothing at all is installed.
	echo '{"mode": "sometimes"}' >"$RUNGUARD_CONFIG_SRC"
	run_cmd "$INSTALLER" install
	assert_failed_cleanly
	assert_contains "$stderr" "not a valid runguard configuration" "install.sh"
	[[ -z "$(find "$NODE" -type f)" ]] || die "files installed despite the invalid configuration: $(find "$NODE" -type f)"

	echo '{"profile": "restricted"}' >"$RUNGUARD_CONFIG_SRC"
	run_cmd "$INSTALLER" install
	assert_status 0
	cmp "$RUNGUARD_CONFIG_SRC" "$NODE/etc/runguard/config.json" || die "configuration not installed"
	local dropin=$NODE/etc/crio/crio.conf.d/10-runguard.conf
	py_check "$dropin" -- '
import sys, tomllib
h = tomllib.load(open(sys.argv[1], "rb"))["crio"]["runtime"]["runtimes"]["runguard"]
assert h["runtime_path"] == "/usr/local/sbin/runguard" and h["runtime_type"] == "oci", h
assert h["allowed_annotations"] == [], h
print("ok")'
	assert_status 0
	[[ ! -e "$NODE/etc/containerd" ]] || die "containerd configured on a CRI-O node"

	run_cmd "$INSTALLER" uninstall
	assert_status 0
	[[ ! -e "$dropin" ]] || die "drop-in left after uninstall"
	# The configuration stays unless asked.
	[[ -f "$NODE/etc/runguard/config.json" ]] || die "uninstall removed the configuration"
}
