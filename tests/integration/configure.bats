#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# `runguard configure ENGINE` on copies of the engine configurations in
# tests/fixtures/engines: what it writes is read back by the engine itself
# where the engine is installed (`containerd config dump`) and by python3's
# tomllib otherwise (CRI-O is not packaged for Debian 12; containerd 2.x,
# whose version 3 files are merged here as 2.x merges them, is not
# packaged either); it is idempotent,
# backs up what it edits, prints a diff with --dry-run and leaves malformed
# files alone. --remove restores the files byte for byte and refuses a
# runtime for another binary; --host-root edits a node mounted elsewhere
# and writes the node's paths. The real-engine round trips are in
# docker.bats (configure, then SIGHUP) and doctor.bats. Also: the shipped
# AppArmor profile parses.

load helpers

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
FIXTURES=$REPO/tests/fixtures/engines
PY=/usr/bin/python3
BIN=/usr/local/sbin/runguard

# fixture ENGINE CASE: a copy of the fixture in $T/ENGINE-CASE; prints its path.
fixture() {
	local d=$T/$1-$2
	cp -a "$FIXTURES/$1/$2" "$d"
	printf '%s' "$d"
}

# cfg ENGINE DIR ARGS...: runguard configure, with a binary that need not exist.
configure() {
	local engine=$1 dir=$2
	shift 2
	rg configure "$engine" --config-dir "$dir" --binary "$BIN" "$@"
}

# tree_sums DIR [FIND TESTS...]: every file under DIR (that passes the
# tests) with its checksum (to prove nothing changed).
tree_sums() {
	(cd "$1" && find . -type f "${@:2}" -print0 | sort -z | xargs -0 sha256sum)
}

# sums DIR: tree_sums, backups aside.
sums() {
	tree_sums "$1" ! -name '*.runguard-bak-*'
}

# py FILE... -- PYTHON: runs PYTHON with the files in sys.argv[1:].
py() {
	local files=()
	while [[ "$1" != -- ]]; do
		files+=("$1")
		shift
	done
	shift
	run_cmd "$PY" -c "$1" "${files[@]}"
}

# dump DIR: containerd's own merged view of DIR/config.toml, as TOML in $T/dump.toml.
dump() {
	run_cmd containerd --config "$1/config.toml" config dump
	assert_status 0 || return 1
	printf '%s\n' "$output" >"$T/dump.toml"
}

# ctd2_merged CONFIG: containerd 2.x's view of CONFIG and its imports, as
# JSON in $T/merged.json: the files loaded in containerd's order (imports
# relative to their file, globs sorted), each older than version 3 moved
# from 1.x's CRI plugin name, merged key by key (tables into tables, a
# later value winning); then the CRI runtime plugin's table.
ctd2_merged() {
	py "$1" -- '
import glob, json, os, sys, tomllib
def merge(a, b):
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            merge(a[k], v)
        else:
            a[k] = v
out, pending, seen = {}, [sys.argv[1]], set()
while pending:
    p = pending.pop(0)
    if p in seen:
        continue
    seen.add(p)
    c = tomllib.load(open(p, "rb"))
    plugins = c.get("plugins", {})
    if c.get("version", 1) < 3 and "io.containerd.grpc.v1.cri" in plugins:
        old = plugins.pop("io.containerd.grpc.v1.cri")
        plugins.setdefault("io.containerd.cri.v1.runtime", {}).update(old)
    merge(out, c)
    for e in c.get("imports", []):
        e = os.path.join(os.path.dirname(p), e)
        pending += sorted(glob.glob(e)) if "*" in e else [e]
print(json.dumps(out["plugins"]["io.containerd.cri.v1.runtime"]))'
	assert_status 0 || return 1
	printf '%s\n' "$output" >"$T/merged.json"
}

@test "configure containerd: the handler goes next to runc's, with its options; containerd reads it; idempotent" {
	local d
	d=$(fixture containerd runtimes)
	cp "$d/config.toml" "$T/before.toml"
	configure containerd "$d"
	assert_status 0
	assert_contains "$output" "updated $d/config.toml (backup: $d/config.toml.runguard-bak-"
	assert_contains "$output" "systemctl restart containerd"
	assert_contains "$output" "RuntimeClass"
	# Only lines added: every original line is still there, in order.
	diff "$T/before.toml" "$d/config.toml" | grep -q '^<' && die "lines removed or changed"
	cmp "$T/before.toml" "$d"/config.toml.runguard-bak-* || die "the backup is not the original"
	[[ ! -e "$d/conf.d" ]] || die "a drop-in, although config.toml holds the CRI section"

	require_or_skip "containerd is not installed" command -v containerd
	dump "$d"
	py "$T/dump.toml" -- '
import sys, tomllib
cri = tomllib.load(open(sys.argv[1], "rb"))["plugins"]["io.containerd.grpc.v1.cri"]
rt = cri["containerd"]["runtimes"]
h = rt["runguard"]
assert h["runtime_type"] == "io.containerd.runc.v2", h
assert h["options"]["BinaryName"] == "/usr/local/sbin/runguard", h
assert h["options"]["SystemdCgroup"] is True, h
assert h["pod_annotations"] == ["run.runguard.profile"], h
assert rt["runc"]["options"]["BinaryName"] == "/usr/bin/runc", rt["runc"]
assert "kata" in rt
assert cri["containerd"]["default_runtime_name"] == "runc"
assert cri["cni"]["bin_dir"] == "/usr/lib/cni"
print("ok")'
	assert_status 0

	cp "$d/config.toml" "$T/once.toml"
	configure containerd "$d"
	assert_status 0
	assert_contains "$output" "already configured"
	cmp "$T/once.toml" "$d/config.toml" || die "a second run changed config.toml"
	[[ $(ls "$d" | grep -c runguard-bak) == 1 ]] || die "a second run made a backup"
}

@test "configure containerd: no CRI section: a drop-in imported by config.toml, runc kept; --default" {
	local d
	d=$(fixture containerd noimports)
	configure containerd "$d"
	assert_status 0
	assert_contains "$output" "created $d/conf.d/runguard.toml"
	grep -qxF "imports = [\"$d/conf.d/runguard.toml\"]" "$d/config.toml" || die "no imports line"

	require_or_skip "containerd is not installed" command -v containerd
	dump "$d"
	py "$T/dump.toml" -- '
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
rt = c["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]
assert rt["runguard"]["options"]["BinaryName"] == "/usr/local/sbin/runguard", rt
# Setting a runtime replaces the built-in list: the default runc must stay.
assert rt["runc"]["runtime_type"] == "io.containerd.runc.v2", rt
assert c["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["default_runtime_name"] == "runc"
print("ok")'
	assert_status 0

	configure containerd "$d" --default --dry-run
	assert_status 0
	assert_contains "$output" "+++ $d/conf.d/runguard.toml"
	assert_contains "$output" '+  default_runtime_name = "runguard"'
	assert_contains "$output" "dry run: nothing written"
	grep -q default_runtime_name "$d/conf.d/runguard.toml" && die "--dry-run wrote"
	configure containerd "$d" --default
	assert_status 0
	dump "$d"
	py "$T/dump.toml" -- '
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
assert c["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["default_runtime_name"] == "runguard"
print("ok")'
	assert_status 0
	configure containerd "$d" --default
	assert_contains "$output" "already configured"
}

@test "configure containerd: Debian's config.toml: the CNI settings survive (a drop-in would have dropped them)" {
	local d
	d=$(fixture containerd debian)
	configure containerd "$d" --default
	assert_status 0
	require_or_skip "containerd is not installed" command -v containerd
	dump "$d"
	py "$T/dump.toml" -- '
import sys, tomllib
cri = tomllib.load(open(sys.argv[1], "rb"))["plugins"]["io.containerd.grpc.v1.cri"]
assert cri["cni"]["bin_dir"] == "/usr/lib/cni", cri["cni"]
assert set(cri["containerd"]["runtimes"]) == {"runc", "runguard"}, cri["containerd"]["runtimes"]
assert cri["containerd"]["default_runtime_name"] == "runguard"
print("ok")'
	assert_status 0
}

@test "configure containerd version 3 (containerd 2.x): a drop-in holding the handler, imported; merged as 2.x merges it; --default; --remove" {
	local d
	d=$(fixture containerd v3)
	cp "$d/config.toml" "$T/before.toml"
	configure containerd "$d" --dry-run
	assert_status 0
	assert_contains "$output" "+++ $d/conf.d/runguard.toml"
	assert_contains "$output" '+[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runguard]'
	[[ ! -e "$d/conf.d" ]] || die "--dry-run wrote"
	configure containerd "$d"
	assert_status 0
	assert_contains "$output" "updated $d/config.toml (backup: $d/config.toml.runguard-bak-"
	assert_contains "$output" "created $d/conf.d/runguard.toml"
	# config.toml: one line added, the imports entry.
	[[ "$(diff "$T/before.toml" "$d/config.toml")" == "2a3
> imports = [\"$d/conf.d/runguard.toml\"]" ]] || die "config.toml: $(diff "$T/before.toml" "$d/config.toml")"
	[[ "$(sed -n '3p' "$d/conf.d/runguard.toml")" == "version = 3" ]] || die "drop-in: $(cat "$d/conf.d/runguard.toml")"
	ctd2_merged "$d/config.toml"
	run_cmd jq -c '[.containerd.runtimes.runguard, .containerd.runtimes.runc.options, .containerd.default_runtime_name, .cni.conf_dir]' "$T/merged.json"
	[[ "$output" == '[{"runtime_type":"io.containerd.runc.v2","runtime_path":"","pod_annotations":["run.runguard.profile"],"privileged_without_host_devices":false,"sandboxer":"podsandbox","options":{"BinaryName":"/usr/local/sbin/runguard","Root":"","SystemdCgroup":true}},{"BinaryName":"","Root":"","SystemdCgroup":true},"runc","/etc/cni/net.d"]' ]] ||
		die "merged: $output"
	configure containerd "$d"
	assert_contains "$output" "already configured"

	configure containerd "$d" --default
	assert_status 0
	cmp "$T/before.toml" "$d/config.toml.runguard-bak-"* || die "backup"
	ctd2_merged "$d/config.toml"
	[[ "$(jq -r .containerd.default_runtime_name "$T/merged.json")" == runguard ]] || die "default: $(cat "$T/merged.json")"
	grep -qxF "      default_runtime_name = 'runc'" "$d/config.toml" || die "config.toml's default changed"

	configure containerd "$d" --remove
	assert_status 0
	assert_contains "$output" "removed $d/conf.d/runguard.toml (backup: "
	cmp "$T/before.toml" "$d/config.toml" || die "config.toml not restored: $(diff "$T/before.toml" "$d/config.toml")"

	# imports = ['conf.d/*.toml'] already: config.toml untouched; runc's
	# options merged from another drop-in; a drop-in for 1.x migrated.
	d=$(fixture containerd v3-imports)
	sums "$d" >"$T/original"
	configure containerd "$d" --default
	assert_status 0
	assert_not_contains "$output" "config.toml"
	ctd2_merged "$d/config.toml"
	run_cmd jq -c '[.containerd.runtimes.runguard.options, .containerd.runtimes.runguard.privileged_without_host_devices, .containerd.runtimes.kata.runtime_type, .containerd.default_runtime_name]' "$T/merged.json"
	[[ "$output" == '[{"SystemdCgroup":true,"BinaryName":"/usr/local/sbin/runguard"},true,"io.containerd.kata.v2","runguard"]' ]] || die "merged: $output"
	configure containerd "$d" --remove
	assert_status 0
	sums "$d" >"$T/removed"
	diff "$T/original" "$T/removed" || die "--remove did not restore the files"
}

@test "configure crio and podman: drop-ins with runc's settings, valid TOML; --default; idempotent" {
	local c p
	c=$(fixture crio basic)
	configure crio "$c"
	assert_status 0
	assert_contains "$output" "systemctl restart crio"
	py "$c/crio.conf.d/10-runguard.conf" -- '
import sys, tomllib
h = tomllib.load(open(sys.argv[1], "rb"))["crio"]["runtime"]["runtimes"]["runguard"]
assert h["runtime_path"] == "/usr/local/sbin/runguard", h
assert h["runtime_type"] == "oci" and h["runtime_root"] == "/run/runguard", h
assert h["monitor_path"] == "/usr/libexec/crio/conmon", h
assert h["monitor_cgroup"] == "system.slice", h
assert h["allowed_annotations"] == ["io.kubernetes.cri-o.Devices"], h
print("ok")'
	assert_status 0
	configure crio "$c" --default
	assert_status 0
	py "$c/crio.conf.d/10-runguard.conf" -- '
import sys, tomllib
assert tomllib.load(open(sys.argv[1], "rb"))["crio"]["runtime"]["default_runtime"] == "runguard"
print("ok")'
	assert_status 0
	configure crio "$c"
	assert_contains "$output" "already configured"

	p=$(fixture podman basic)
	configure podman "$p" --default
	assert_status 0
	assert_contains "$output" "nothing to restart"
	py "$p/containers.conf.d/runguard.conf" -- '
import sys, tomllib
e = tomllib.load(open(sys.argv[1], "rb"))["engine"]
assert e["runtimes"]["runguard"] == ["/usr/local/sbin/runguard"], e
assert e["runtime_supports_json"] == ["crun", "runc", "kata", "runguard"], e
assert e["runtime_supports_nocgroups"] == ["crun", "runc", "runguard"], e
assert e["runtime"] == "runguard", e
print("ok")'
	assert_status 0
	configure podman "$p"
	assert_contains "$output" "already configured"
}

@test "configure docker: daemon.json keeps every other key and its layout; --default; a new file" {
	local d
	d=$(fixture docker other-keys)
	cp "$d/daemon.json" "$T/before.json"
	configure docker "$d"
	assert_status 0
	assert_contains "$output" "systemctl reload docker"
	# One line changed (a comma) and one added.
	[[ "$(diff "$T/before.json" "$d/daemon.json" | grep -c '^>')" == 2 ]] || die "$(diff "$T/before.json" "$d/daemon.json")"
	run_cmd jq -c '[keys_unsorted, .runtimes.runguard, .runtimes.crun]' "$d/daemon.json"
	assert_status 0
	[[ "$output" == '[["log-driver","log-opts","storage-driver","runtimes","exec-opts","live-restore"],{"path":"/usr/local/sbin/runguard"},{"path":"/usr/bin/crun","runtimeArgs":["--cgroup-manager=cgroupfs"]}]' ]] ||
		die "unexpected daemon.json: $output"
	configure docker "$d" --default
	assert_status 0
	run_cmd jq -r '."default-runtime"' "$d/daemon.json"
	[[ "$output" == runguard ]] || die "default-runtime: $output"
	configure docker "$d" --default
	assert_contains "$output" "already configured"

	mkdir "$T/empty"
	configure docker "$T/empty"
	assert_status 0
	run_cmd jq -c . "$T/empty/daemon.json"
	[[ "$output" == '{"runtimes":{"runguard":{"path":"/usr/local/sbin/runguard"}}}' ]] || die "$output"
}

@test "configure: malformed or unsupported files: an error naming the file, nothing written" {
	local cases=(
		"containerd malformed config.toml:4: unterminated string"
		"containerd v1 config.toml:3: no \`version = 2\`"
		"containerd twoholders several files"
		"containerd v3-twohandlers the handler runguard is set in several files"
		"crio malformed crio.conf:1: malformed table header"
		"podman malformed containers.conf:2: unterminated array"
		"docker malformed daemon.json:3"
		"docker bad-runtimes .runtimes: expected an object"
	)
	local c engine name what d
	for c in "${cases[@]}"; do
		read -r engine name what <<<"$c"
		d=$(fixture "$engine" "$name")
		tree_sums "$d" >"$T/sums.before"
		configure "$engine" "$d" --default
		assert_status 1
		[[ -z "$output" ]] || die "$engine $name: output on stdout: $output"
		assert_contains "$stderr" "$what" "$engine $name"
		tree_sums "$d" >"$T/sums.after"
		cmp "$T/sums.before" "$T/sums.after" || die "$engine $name: files changed"
	done
}

@test "configure: usage errors exit 2" {
	rg configure
	assert_status 2
	assert_contains "$stderr" "no engine named"
	rg configure lxc
	assert_status 2
	assert_contains "$stderr" "unknown engine 'lxc'"
	rg configure docker --binary runguard
	assert_status 2
	assert_contains "$stderr" "absolute path"
	rg configure docker --bogus
	assert_status 2
	assert_contains "$stderr" "usage: runguard configure"
	# The same option rules as doctor's (getopt_long, names in full, no empty value).
	local d
	d=$(fixture docker other-keys)
	rg configure docker --file= --binary "$BIN"
	assert_status 2
	assert_contains "$stderr" "--file: empty value"
	rg configure docker --file "" --binary "$BIN"
	assert_status 2
	assert_contains "$stderr" "--file: empty value"
	rg configure docker --file "$d/daemon.json" --binary "$BIN" --dry
	assert_status 2
	assert_contains "$stderr" "unknown option '--dry'"
	rg configure docker --file "$d/daemon.json" --binary "$BIN" --dry-run=yes
	assert_status 2
	assert_contains "$stderr" "--dry-run takes no value"
	rg configure --dry-run --file="$d/daemon.json" docker --binary="$BIN"
	assert_status 0
	assert_contains "$output" "dry run: nothing written"
}

# dry_patch DIR ENGINE ARGS...: configure's --dry-run output, applied with
# patch(1) to a copy of DIR, gives exactly what the real run then writes in
# DIR; the number of hunks is in $hunks.
dry_patch() {
	local d=$1 engine=$2
	shift 2
	configure "$engine" "$d" "$@" --dry-run
	assert_status 0 || return 1
	hunks=$(grep -c '^@@ -[0-9]*,[0-9]* +[0-9]*,[0-9]* @@$' <<<"$output")
	sed -e "s|^--- $d/|--- |" -e "s|^+++ $d/|+++ |" <<<"$output" >"$T/dry.diff"
	rm -rf "$T/copy"
	cp -a "$d" "$T/copy"
	run_cmd patch -p0 -s -d "$T/copy" -i "$T/dry.diff"
	assert_status 0 || return 1
	configure "$engine" "$d" "$@"
	assert_status 0 || return 1
	sums "$d" >"$T/real.sums"
	sums "$T/copy" >"$T/copy.sums"
	diff "$T/real.sums" "$T/copy.sums" || die "$engine $*: the patched copy differs from the real run"
}

@test "configure --dry-run: a diff with real hunks that patch(1) applies to give what the real run writes" {
	local cases=(
		"containerd runtimes --default"
		"containerd noimports"
		"containerd debian --default"
		"containerd v3 --default"
		"containerd v3-imports"
		"crio basic --default"
		"podman basic"
		"docker other-keys --default"
	)
	local c engine name def d hunks most=0
	for c in "${cases[@]}"; do
		read -r engine name def <<<"$c"
		d=$(fixture "$engine" "$name")
		dry_patch "$d" "$engine" ${def:+"$def"}
		((hunks > most)) && most=$hunks
		# And back: the removal's diff too.
		dry_patch "$d" "$engine" --remove
	done
	# Separate changes are separate hunks, with context (not one hunk for the file).
	((most >= 2)) || die "no case had two hunks"
	d=$(fixture containerd runtimes)
	configure containerd "$d" --default --dry-run
	assert_status 0
	grep -q '^ ' <<<"$output" || die "no context lines: $output"
	[[ $(grep -c '^@@ ' <<<"$output") -ge 2 ]] || die "one hunk: $output"
}

@test "configure: without --binary, the running runguard's own path" {
	local d
	d=$(fixture docker other-keys)
	rg configure docker --file "$d/daemon.json"
	assert_status 0
	run_cmd jq -r .runtimes.runguard.path "$d/daemon.json"
	[[ "$output" == "$RUNGUARD_BIN" ]] || die "path: $output"
}

@test "configure --remove: every engine's files come back byte for byte; --dry-run; idempotent" {
	local cases=(
		"containerd runtimes --default"
		"containerd noimports"
		"containerd debian --default"
		"containerd v3 --default"
		"containerd v3-nocri"
		"crio basic --default"
		"podman basic"
		"docker other-keys --default"
	)
	local c engine name def d
	for c in "${cases[@]}"; do
		read -r engine name def <<<"$c"
		d=$(fixture "$engine" "$name")
		sums "$d" >"$T/original"
		# shellcheck disable=SC2086 # $def: no argument or one option
		configure "$engine" "$d" $def
		assert_status 0
		sums "$d" >"$T/configured"
		cmp -s "$T/original" "$T/configured" && die "$engine $name: configure changed nothing"

		configure "$engine" "$d" --remove --dry-run
		assert_status 0
		assert_contains "$output" "dry run: nothing written" "$engine $name"
		grep -q '^-.*/usr/local/sbin/runguard' <<<"$output" || die "$engine $name: no removal in the diff: $output"
		sums "$d" >"$T/after-dry"
		cmp "$T/configured" "$T/after-dry" || die "$engine $name: --dry-run wrote"

		configure "$engine" "$d" --remove
		assert_status 0
		assert_contains "$output" "(backup: $d/" "$engine $name"
		sums "$d" >"$T/removed"
		diff "$T/original" "$T/removed" || die "$engine $name: --remove did not restore the files"

		configure "$engine" "$d" --remove
		assert_status 0
		assert_contains "$output" "$engine: not configured" "$engine $name"
		sums "$d" >"$T/again"
		cmp "$T/original" "$T/again" || die "$engine $name: a second --remove changed files"
	done
	# What was removed was backed up: the drop-in, as configure wrote it.
	d=$T/crio-backup
	cp -a "$FIXTURES/crio/basic" "$d"
	configure crio "$d"
	cp "$d/crio.conf.d/10-runguard.conf" "$T/dropin"
	configure crio "$d" --remove
	assert_contains "$output" "removed $d/crio.conf.d/10-runguard.conf (backup: "
	[[ ! -e "$d/crio.conf.d/10-runguard.conf" ]] || die "drop-in left"
	cmp "$T/dropin" "$d"/crio.conf.d/10-runguard.conf.runguard-bak-* || die "the backup is not the drop-in"
}

@test "configure --remove: a runguard runtime for another binary, or the operator's own, is refused; nothing written" {
	local d
	d=$(fixture containerd runtimes)
	configure containerd "$d"
	assert_status 0
	sums "$d" >"$T/before"
	ls "$d" >"$T/ls.before"
	rg configure --remove containerd --config-dir "$d" --binary /opt/other/runguard
	assert_status 1
	[[ -z "$output" ]] || die "output on stdout: $output"
	assert_contains "$stderr" "$d/config.toml:32: the runtime \"runguard\" runs '/usr/local/sbin/runguard', not '/opt/other/runguard'"
	sums "$d" >"$T/after"
	cmp "$T/before" "$T/after" || die "files changed"
	ls "$d" | cmp - "$T/ls.before" || die "a backup was made"

	# A runguard runtime that runs plain runc (the operator's own): not configure's.
	d=$(fixture docker other-keys)
	jq '.runtimes.runguard = {"path": "/usr/bin/runc"}' "$d/daemon.json" >"$T/daemon.json"
	cp "$T/daemon.json" "$d/daemon.json"
	configure docker "$d" --remove
	assert_status 1
	assert_contains "$stderr" ".runtimes.runguard: the runtime \"runguard\" runs '/usr/bin/runc'"
	cmp "$T/daemon.json" "$d/daemon.json" || die "daemon.json changed"

	rg configure --remove --default containerd
	assert_status 2
	assert_contains "$stderr" "--default and --remove exclude each other"
}

@test "configure --host-root: a node's / mounted elsewhere; files edited there, the node's paths written into them" {
	local node=$T/node
	mkdir -p "$node/etc" "$node/usr/local/sbin"
	cp -a "$FIXTURES/containerd/noimports" "$node/etc/containerd"
	cp -a "$FIXTURES/crio/basic" "$node/etc/crio"
	cp "$RUNGUARD_BIN" "$node/usr/local/sbin/runguard"
	sums "$node/etc" >"$T/original"

	# The node's own copy, without --binary: its path on the node.
	run_cmd "$node/usr/local/sbin/runguard" configure containerd --host-root "$node"
	assert_status 0
	assert_contains "$output" "updated $node/etc/containerd/config.toml (backup: "
	assert_contains "$output" "created $node/etc/containerd/conf.d/runguard.toml"
	assert_not_contains "$output" "not an executable file"
	grep -qxF 'imports = ["/etc/containerd/conf.d/runguard.toml"]' "$node/etc/containerd/config.toml" ||
		die "imports: $(cat "$node/etc/containerd/config.toml")"
	py "$node/etc/containerd/conf.d/runguard.toml" -- '
import sys, tomllib
rt = tomllib.load(open(sys.argv[1], "rb"))["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]
assert rt["runguard"]["options"]["BinaryName"] == "/usr/local/sbin/runguard", rt
assert rt["runc"]["runtime_type"] == "io.containerd.runc.v2", rt
print("ok")'
	assert_status 0
	# The node's imports entry is found under the root: nothing more to do.
	rg configure containerd --host-root "$node/" --binary /usr/local/sbin/runguard
	assert_status 0
	assert_contains "$output" "already configured"
	# This runguard is not on that node: which path should the engine run?
	rg configure containerd --host-root "$node"
	assert_status 2
	assert_contains "$stderr" "is not under --host-root $node: name the node's path of runguard with --binary"

	rg configure crio --host-root "$node" --binary /usr/local/sbin/runguard --config-dir /etc/crio
	assert_status 0
	grep -qxF 'runtime_path = "/usr/local/sbin/runguard"' "$node/etc/crio/crio.conf.d/10-runguard.conf" ||
		die "runtime_path: $(cat "$node/etc/crio/crio.conf.d/10-runguard.conf")"
	rg configure crio --host-root "$node" --config-dir etc/crio
	assert_status 2
	assert_contains "$stderr" "--config-dir must be an absolute path"

	run_cmd "$node/usr/local/sbin/runguard" configure --remove containerd --host-root "$node"
	assert_status 0
	assert_contains "$output" "removed $node/etc/containerd/conf.d/runguard.toml"
	rg configure --remove crio --host-root "$node" --binary /usr/local/sbin/runguard
	assert_status 0
	sums "$node/etc" >"$T/removed"
	diff "$T/original" "$T/removed" || die "--remove under --host-root did not restore the node's files"
}

@test "AppArmor: the shipped profile parses (apparmor_parser), and explain shows the rule on a fixture host" {
	require_or_skip "apparmor_parser is not installed (apt-get install apparmor)" command -v apparmor_parser
	run_cmd apparmor_parser -Q -K "$REPO/profiles/apparmor/runguard-default"
	assert_status 0

	# The rule on a host whose AppArmor state comes from fixture files.
	make_bundle "$BUNDLE" true
	RUNGUARD_APPARMOR_ROOT=$REPO/tests/fixtures/apparmor/enabled RUNGUARD_BIN=$RUNGUARD_TEST_BIN rg explain "$BUNDLE"
	assert_status 0
	local op
	op=$(jq -c '.[] | select(.path == "/process/apparmorProfile")' <<<"$output")
	[[ "$op" == '{"op":"add","path":"/process/apparmorProfile","value":"runguard-default"}' ]] ||
		die "no apparmorProfile in the patch: $op"
	# Not loaded: refused, and told how to load it.
	RUNGUARD_APPARMOR_ROOT=$REPO/tests/fixtures/apparmor/notloaded RUNGUARD_BIN=$RUNGUARD_TEST_BIN rg explain "$BUNDLE"
	assert_status 3
	assert_contains "$stderr" "AppArmor profile 'runguard-default' is not loaded"
	assert_contains "$stderr" "apparmor_parser -r /etc/apparmor.d/runguard-default"
	# No AppArmor: nothing about it.
	RUNGUARD_APPARMOR_ROOT=$REPO/tests/fixtures/apparmor/disabled RUNGUARD_BIN=$RUNGUARD_TEST_BIN rg explain "$BUNDLE"
	assert_status 0
	assert_not_contains "$output" "apparmorProfile"
}
