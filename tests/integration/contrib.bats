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

@test "contrib/containerd/runguard-v3.toml: a containerd 2.x drop-in with the handler and nothing else" {
	py_check "$CONTRIB/containerd/runguard-v3.toml" -- '
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
assert c["version"] == 3, c
assert set(c) == {"version", "plugins"} and set(c["plugins"]) == {"io.containerd.cri.v1.runtime"}, c
h = c["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"]["runguard"]
assert h["runtime_type"] == "io.containerd.runc.v2", h
assert h["options"] == {"BinaryName": "/usr/local/sbin/runguard"}, h
assert h["pod_annotations"] == ["run.runguard.profile"], h
print("ok")'
	assert_status 0
	[[ "$output" == ok ]] || die "check failed"
	# runguard configure writes the same handler into a 2.x node without one.
	local node=$T/node
	mkdir -p "$node/etc/containerd"
	printf 'version = 3\n' >"$node/etc/containerd/config.toml"
	rg configure containerd --host-root "$node" --binary /usr/local/sbin/runguard
	assert_status 0
	py_check "$CONTRIB/containerd/runguard-v3.toml" "$node/etc/containerd/conf.d/runguard.toml" -- '
import sys, tomllib
a, b = (tomllib.load(open(f, "rb")) for f in sys.argv[1:3])
key = ("plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes", "runguard")
for k in key:
    a, b = a[k], b[k]
assert a == b, (a, b)
print("ok")'
	assert_status 0
	[[ "$output" == ok ]] || die "configure wrote another handler"
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
	export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
}

# backups DIR: how many runguard configure backups DIR holds.
backups() {
	find "$1" -maxdepth 1 -name '*.runguard-bak-*' | wc -l
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

# What runguard configure adds to it: containerd's built-in runc handler
# (a runtime table replaces the built-in list) and the runguard handler,
# with the node's path of the binary.
DEBIAN_CONTAINERD_ADDED="
# containerd's built-in default handler, kept: setting any runtime replaces the built-in list
[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]
  runtime_type = \"io.containerd.runc.v2\"

# runguard: runc under runguard's policy (runguard configure)
[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runguard]
  runtime_type = \"io.containerd.runc.v2\"
  pod_annotations = [\"run.runguard.profile\"]
  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runguard.options]
    BinaryName = \"/usr/local/sbin/runguard\"
"

@test "installer: install.sh registers the containerd handler with runguard configure, idempotently; uninstall restores the file" {
	fake_node
	mkdir -p "$NODE/etc/containerd"
	local conf=$NODE/etc/containerd/config.toml
	printf '%s' "$DEBIAN_CONTAINERD_CONFIG" >"$conf"
	chmod 0600 "$conf"

	run_cmd "$INSTALLER" install
	assert_status 0
	cmp "$RUNGUARD_BIN" "$NODE/usr/local/sbin/runguard" || die "binary not installed"
	[[ -x "$NODE/usr/local/sbin/runguard" ]] || die "binary not executable"
	[[ -f "$NODE/usr/local/share/runguard/profiles/baseline.json" ]] || die "profiles not installed"
	[[ ! -e "$NODE/etc/crio" ]] || die "CRI-O configured on a containerd node"
	[[ ! -e "$NODE/etc/runguard" ]] || die "a configuration was installed without a ConfigMap"
	assert_contains "$stderr" "containerd: updated $conf (backup: $conf.runguard-bak-" "install.sh"
	assert_contains "$stderr" "not restarting containerd" "install.sh"
	# The original, then exactly what runguard configure adds.
	cmp "$conf" <(printf '%s%s' "$DEBIAN_CONTAINERD_CONFIG" "$DEBIAN_CONTAINERD_ADDED") ||
		die "config.toml is not the original plus the handler: $(cat "$conf")"
	[[ "$(stat -c %a "$conf")" == 600 ]] || die "config.toml mode changed"
	cmp "$conf".runguard-bak-* <(printf '%s' "$DEBIAN_CONTAINERD_CONFIG") || die "the backup is not the original"
	# The same edit as runguard configure run on the node itself.
	mkdir "$T/direct"
	printf '%s' "$DEBIAN_CONTAINERD_CONFIG" >"$T/direct/config.toml"
	rg configure containerd --config-dir "$T/direct" --binary /usr/local/sbin/runguard
	assert_status 0
	cmp "$conf" "$T/direct/config.toml" || die "install.sh and runguard configure disagree"
	cp "$conf" "$T/after-install.toml"

	# Again: nothing changes, nothing to restart.
	run_cmd "$INSTALLER" install
	assert_status 0
	cmp "$conf" "$T/after-install.toml" || die "a second install changed config.toml"
	assert_contains "$stderr" "containerd: already configured" "second install"
	assert_not_contains "$stderr" "restarting" "second install"
	[[ $(backups "$NODE/etc/containerd") == 1 ]] || die "a second install made a backup"

	if command -v containerd >/dev/null; then
		run_cmd containerd --config "$conf" config dump
		assert_status 0
		printf '%s\n' "$output" >"$T/dump.toml"
		py_check "$T/dump.toml" -- '
import sys, tomllib
cri = tomllib.load(open(sys.argv[1], "rb"))["plugins"]["io.containerd.grpc.v1.cri"]
rt = cri["containerd"]["runtimes"]
assert rt["runguard"]["runtime_type"] == "io.containerd.runc.v2", rt
assert rt["runguard"]["options"]["BinaryName"] == "/usr/local/sbin/runguard", rt
assert rt["runc"]["runtime_type"] == "io.containerd.runc.v2", rt
assert cri["containerd"]["default_runtime_name"] == "runc"
assert cri["cni"]["bin_dir"] == "/usr/lib/cni", cri["cni"]
print("ok")'
		assert_status 0
	fi

	run_cmd "$INSTALLER" uninstall
	assert_status 0
	cmp "$conf" <(printf '%s' "$DEBIAN_CONTAINERD_CONFIG") || die "uninstall did not restore config.toml: $(cat "$conf")"
	[[ "$(stat -c %a "$conf")" == 600 ]] || die "config.toml mode changed"
	assert_contains "$stderr" "not restarting containerd" "uninstall"
	[[ $(backups "$NODE/etc/containerd") == 2 ]] || die "uninstall made no backup"
	[[ ! -e "$NODE/usr/local/sbin/runguard" ]] || die "binary left after uninstall"
	[[ ! -e "$NODE/usr/local/share/runguard" ]] || die "profiles left after uninstall"

	# Uninstalling again: nothing to do.
	run_cmd "$INSTALLER" uninstall
	assert_status 0
	assert_contains "$stderr" "containerd: not configured" "second uninstall"
	cmp "$conf" <(printf '%s' "$DEBIAN_CONTAINERD_CONFIG") || die "a second uninstall changed config.toml"
}

@test "installer: runc's SystemdCgroup copied; no CRI section: a drop-in imported by its node path; a handler for another binary is not uninstalled" {
	fake_node
	mkdir -p "$NODE/etc/containerd"
	local conf=$NODE/etc/containerd/config.toml
	printf '%s\n' 'version = 2' \
		'[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]' \
		'  runtime_type = "io.containerd.runc.v2"' \
		'  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]' \
		'    SystemdCgroup = true' >"$conf"
	cp "$conf" "$T/systemd.toml"
	run_cmd "$INSTALLER" install
	assert_status 0
	[[ "$(sed -n '/runtimes.runguard.options]/,$p' "$conf")" == '  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runguard.options]
    SystemdCgroup = true
    BinaryName = "/usr/local/sbin/runguard"' ]] || die "runc's options not copied: $(cat "$conf")"
	run_cmd "$INSTALLER" uninstall
	assert_status 0
	cmp "$conf" "$T/systemd.toml" || die "uninstall did not restore config.toml: $(cat "$conf")"

	# No file sets the CRI plugin: a drop-in, and an imports line naming
	# it by its path on the node (not under HOST_ROOT).
	printf 'version = 2\nroot = "/var/lib/containerd"\n' >"$conf"
	run_cmd "$INSTALLER" install
	assert_status 0
	[[ "$(cat "$conf")" == 'version = 2
imports = ["/etc/containerd/conf.d/runguard.toml"]
root = "/var/lib/containerd"' ]] || die "imports line: $(cat "$conf")"
	local dropin=$NODE/etc/containerd/conf.d/runguard.toml
	assert_contains "$stderr" "containerd: created $dropin" "install.sh"
	grep -qxF '    BinaryName = "/usr/local/sbin/runguard"' "$dropin" || die "drop-in: $(cat "$dropin")"
	grep -qxF '# Written by `runguard configure containerd`; imported from /etc/containerd/config.toml.' "$dropin" ||
		die "drop-in names a path that is not the node's: $(cat "$dropin")"
	run_cmd "$INSTALLER" install
	assert_status 0
	assert_contains "$stderr" "containerd: already configured" "second install"

	# Someone pointed the handler at another binary: uninstall refuses,
	# changes nothing and keeps runguard installed.
	sed -i 's|BinaryName = "/usr/local/sbin/runguard"|BinaryName = "/opt/other/runguard"|' "$dropin"
	cp "$dropin" "$T/other.toml"
	cp "$conf" "$T/imports.toml"
	run_cmd "$INSTALLER" uninstall
	assert_failed_cleanly
	assert_contains "$stderr" "runs '/opt/other/runguard', not '/usr/local/sbin/runguard'" "install.sh"
	cmp "$dropin" "$T/other.toml" || die "the other binary's handler was changed"
	cmp "$conf" "$T/imports.toml" || die "config.toml was changed"
	[[ -x "$NODE/usr/local/sbin/runguard" ]] || die "the binary was removed despite the refusal"

	sed -i 's|/opt/other/runguard|/usr/local/sbin/runguard|' "$dropin"
	run_cmd "$INSTALLER" uninstall
	assert_status 0
	[[ ! -e "$dropin" ]] || die "drop-in left after uninstall"
	[[ "$(cat "$conf")" == $'version = 2\nroot = "/var/lib/containerd"' ]] || die "imports line left: $(cat "$conf")"
}

# A containerd 2.x node: config.toml of version 3 (as `containerd config
# default` writes it since 2.2, with the conf.d glob), runc with SystemdCgroup.
V3_CONTAINERD_CONFIG="version = 3
imports = ['/etc/containerd/conf.d/*.toml']

[plugins]
  [plugins.'io.containerd.cri.v1.runtime']
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = 'runc'

      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes]
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
          runtime_type = 'io.containerd.runc.v2'
          pod_annotations = []

          [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
            BinaryName = ''
            SystemdCgroup = true
"

# What runguard configure writes for it: the drop-in (which the glob
# already imports), with the node's paths; no runc handler (2.x keeps its
# built-in one).
V3_CONTAINERD_DROPIN="# A containerd runtime handler that runs runguard: runc under runguard's policy.
# Written by \`runguard configure containerd\`; imported from /etc/containerd/config.toml.
version = 3

# runguard: runc under runguard's policy (runguard configure)
[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runguard]
  runtime_type = 'io.containerd.runc.v2'
  pod_annotations = [\"run.runguard.profile\"]
  [plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runguard.options]
    BinaryName = \"/usr/local/sbin/runguard\"
    SystemdCgroup = true
"

@test "installer: a containerd 2.x node (version 3): the handler in a drop-in; config.toml imports it; uninstall restores the node" {
	fake_node
	mkdir -p "$NODE/etc/containerd"
	local conf=$NODE/etc/containerd/config.toml dropin=$NODE/etc/containerd/conf.d/runguard.toml
	printf '%s' "$V3_CONTAINERD_CONFIG" >"$conf"

	run_cmd "$INSTALLER" install
	assert_status 0
	assert_contains "$stderr" "containerd: created $dropin" "install.sh"
	assert_not_contains "$stderr" "updated $conf" "install.sh"
	# The glob imports it already: config.toml is untouched.
	cmp "$conf" <(printf '%s' "$V3_CONTAINERD_CONFIG") || die "config.toml changed: $(cat "$conf")"
	cmp "$dropin" <(printf '%s' "$V3_CONTAINERD_DROPIN") || die "drop-in: $(diff <(printf '%s' "$V3_CONTAINERD_DROPIN") "$dropin")"
	py_check "$dropin" -- '
import sys, tomllib
rt = tomllib.load(open(sys.argv[1], "rb"))["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"]
assert set(rt) == {"runguard"}, rt
print("ok")'
	assert_status 0
	run_cmd "$INSTALLER" install
	assert_status 0
	assert_contains "$stderr" "containerd: already configured" "second install"

	run_cmd "$INSTALLER" uninstall
	assert_status 0
	assert_contains "$stderr" "containerd: removed $dropin (backup: " "uninstall"
	[[ ! -e "$dropin" ]] || die "drop-in left after uninstall"
	cmp "$conf" <(printf '%s' "$V3_CONTAINERD_CONFIG") || die "config.toml changed: $(cat "$conf")"
	[[ $(backups "$NODE/etc/containerd") == 0 ]] || die "config.toml was backed up, so written"

	# Without the glob (containerd 2.0 and 2.1 write none): an imports
	# entry naming the drop-in by its node path; taken out again.
	local plain
	plain=$(printf '%s' "$V3_CONTAINERD_CONFIG" | sed '2d')
	printf '%s\n' "$plain" >"$conf"
	run_cmd "$INSTALLER" install
	assert_status 0
	cmp "$conf" <(printf '%s\n' "$plain" | sed '1a imports = ["/etc/containerd/conf.d/runguard.toml"]') ||
		die "config.toml is not the original plus the imports line: $(cat "$conf")"
	cmp "$dropin" <(printf '%s' "$V3_CONTAINERD_DROPIN") || die "drop-in: $(cat "$dropin")"
	run_cmd "$INSTALLER" uninstall
	assert_status 0
	cmp "$conf" <(printf '%s\n' "$plain") || die "uninstall did not restore config.toml: $(cat "$conf")"
}

@test "installer: a configuration runguard configure refuses stops the installation before anything is copied" {
	fake_node
	mkdir -p "$NODE/etc/containerd"
	local conf=$NODE/etc/containerd/config.toml
	printf 'version = 5\n' >"$conf"
	run_cmd "$INSTALLER" install
	assert_failed_cleanly
	assert_contains "$stderr" "config.toml:1: version 5: runguard configure knows versions 2 (containerd 1.x), 3 and 4 (containerd 2.x)" "install.sh"
	assert_contains "$stderr" "nothing installed" "install.sh"
	[[ "$(find "$NODE" -type f)" == "$conf" ]] || die "files written: $(find "$NODE" -type f)"
	[[ "$(cat "$conf")" == "version = 5" ]] || die "config.toml changed"

	# Only the handler name runguard configure writes.
	RUNGUARD_HANDLER=kata run_cmd "$INSTALLER" install
	assert_failed_cleanly
	assert_contains "$stderr" "RUNGUARD_HANDLER 'kata'" "install.sh"
}

@test "installer: CRI-O drop-in from runguard configure; the ConfigMap's configuration is validated before anything is installed" {
	fake_node
	mkdir -p "$NODE/etc/crio" "$T/cm"
	cp "$REPO/tests/fixtures/engines/crio/basic/crio.conf" "$NODE/etc/crio/crio.conf"
	export RUNGUARD_CONFIG_SRC=$T/cm/config.json
	# An invalid configuration: nothing at all is installed.
	echo '{"mode": "sometimes"}' >"$RUNGUARD_CONFIG_SRC"
	run_cmd "$INSTALLER" install
	assert_failed_cleanly
	assert_contains "$stderr" "not a valid runguard configuration" "install.sh"
	[[ "$(find "$NODE" -type f)" == "$NODE/etc/crio/crio.conf" ]] ||
		die "files installed despite the invalid configuration: $(find "$NODE" -type f)"

	echo '{"profile": "restricted"}' >"$RUNGUARD_CONFIG_SRC"
	run_cmd "$INSTALLER" install
	assert_status 0
	cmp "$RUNGUARD_CONFIG_SRC" "$NODE/etc/runguard/config.json" || die "configuration not installed"
	local dropin=$NODE/etc/crio/crio.conf.d/10-runguard.conf
	assert_contains "$stderr" "crio: created $dropin" "install.sh"
	# runc's runtime, with runguard's path (the node's) and its own state directory.
	[[ "$(sed -n '/^\[crio.runtime.runtimes.runguard\]$/,$p' "$dropin")" == '[crio.runtime.runtimes.runguard]
runtime_path = "/usr/local/sbin/runguard"
runtime_type = "oci"
runtime_root = "/run/runguard"
monitor_path = "/usr/libexec/crio/conmon"
allowed_annotations = [
	"io.kubernetes.cri-o.Devices",
]' ]] || die "drop-in: $(cat "$dropin")"
	py_check "$dropin" -- '
import sys, tomllib
h = tomllib.load(open(sys.argv[1], "rb"))["crio"]["runtime"]["runtimes"]["runguard"]
assert h["runtime_path"] == "/usr/local/sbin/runguard" and h["runtime_type"] == "oci", h
print("ok")'
	assert_status 0
	cmp "$NODE/etc/crio/crio.conf" "$REPO/tests/fixtures/engines/crio/basic/crio.conf" || die "crio.conf changed"
	[[ ! -e "$NODE/etc/containerd" ]] || die "containerd configured on a CRI-O node"
	run_cmd "$INSTALLER" install
	assert_status 0
	assert_contains "$stderr" "crio: already configured" "second install"

	run_cmd "$INSTALLER" uninstall
	assert_status 0
	assert_contains "$stderr" "crio: removed $dropin (backup: " "uninstall"
	[[ ! -e "$dropin" ]] || die "drop-in left after uninstall"
	[[ -z "$(find "$NODE/etc/crio/crio.conf.d" -name '*.conf')" ]] || die "a drop-in CRI-O would read is left"
	cmp "$NODE/etc/crio/crio.conf" "$REPO/tests/fixtures/engines/crio/basic/crio.conf" || die "crio.conf changed"
	# The configuration stays unless asked.
	[[ -f "$NODE/etc/runguard/config.json" ]] || die "uninstall removed the configuration"
}
