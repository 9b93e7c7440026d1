#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Escapes by identity, written as an attacker would (issue #16, items 3, 4,
# 6, 7), through runguard with real runc (crun where it reads the spec
# differently): namespace paths that are relative or spell the host's
# namespace another way, cgroupsPath values that name the root cgroup,
# uids and gids that are host root through (or despite) the mappings, and
# an engine's weak seccomp profile. Each is refused with config.json
# untouched, or the escape visibly fails inside the container; controls
# that real engines send run unchanged.

load helpers
load isolation

NS_PROBE='for t in pid net ipc uts mnt; do echo "$t: $(readlink /proc/self/ns/$t)"; done
echo "pids: $(ls /proc | grep -c "^[0-9][0-9]*$")"'

# set_ns TYPE PATH: linux.namespaces' TYPE entry joins PATH.
set_ns() {
	edit_config "$BUNDLE" --arg t "$1" --arg p "$2" \
		'.linux.namespaces |= map(if .type == $t then .path = $p else . end)'
}

# ---------------------------------------------------------------------------
# namespace paths

@test "escape: relative namespace paths (runc opens them from the bundle) are refused" {
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	use_config '{}'
	cp "$BUNDLE/config.json" "$T/orig.json"
	# From the bundle directory, runc would reach the host's namespaces.
	ln -s "/proc/$$/ns/pid" "$BUNDLE/nslink"
	local v
	for v in "pid proc/1/ns/pid" "network ../../../../../../proc/1/ns/net" "pid nslink" \
		"network proc/self/ns/net" "ipc ./proc/thread-self/ns/ipc" "user proc/1/ns/user"; do
		cat "$T/orig.json" >"$BUNDLE/config.json"
		if [[ ${v%% *} == user ]]; then
			edit_config "$BUNDLE" --arg p "${v#* }" '.linux.namespaces += [{type: "user", path: $p}]'
		else
			set_ns "${v%% *}" "${v#* }"
		fi
		expect_refused "$BUNDLE" "namespace path '${v#* }' is not absolute"
	done
}

@test "escape: the host's namespaces spelled another way (/proc/self, thread-self, any host pid, a symlink) are refused" {
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	use_config '{}'
	cp "$BUNDLE/config.json" "$T/orig.json"
	sleep 300 &
	local host_pid=$!
	on_teardown "kill $host_pid"
	ln -s "/proc/$host_pid/ns/pid" "$T/pidlink"
	local v
	for v in "network /proc/self/ns/net" "ipc /proc/thread-self/ns/ipc" "pid /proc/$host_pid/ns/pid" \
		"pid $T/pidlink" "uts /proc/self/../self/ns/uts" "network /proc//$host_pid/./ns/net" \
		"mount /proc/$host_pid/root/proc/self/ns/mnt"; do
		cat "$T/orig.json" >"$BUNDLE/config.json"
		set_ns "${v%% *}" "${v#* }"
		expect_refused "$BUNDLE" "joins the host's ${v%% *} namespace (${v#* })"
	done
	# Not a namespace file of that type: setns would fail; judged as nothing else.
	for v in "uts /etc/hostname" "pid /proc/$host_pid/ns/net" "ipc /dev/null"; do
		cat "$T/orig.json" >"$BUNDLE/config.json"
		set_ns "${v%% *}" "${v#* }"
		expect_refused "$BUNDLE" "${v#* } is not a ${v%% *} namespace"
	done
}

@test "escape control: a CRI sandbox's /proc/<pid>/ns paths and a /run/netns file (through a symlink, resolved) are joined" {
	make_bundle "$T/sandbox" sleep 3600
	use_config '{}'
	local sid id pid netns
	new_id sid
	rg --root "$STATE" run -d -b "$T/sandbox" "$sid"
	assert_status 0
	pid=$("$REAL_RUNC" --root "$STATE" state "$sid" | jq -r .pid)
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	set_ns network "/proc/$pid/ns/net"
	set_ns ipc "/proc/$pid/ns/ipc"
	set_ns uts "/proc/$pid/ns/uts"
	run_bundle id
	assert_status 0
	[[ "$(probe_field net)" == "$(readlink "/proc/$pid/ns/net")" ]] || die "not in the sandbox's network namespace"
	[[ "$(probe_field ipc)" == "$(readlink "/proc/$pid/ns/ipc")" ]] || die "not in the sandbox's ipc namespace"
	[[ "$(probe_field net)" != "$(ns_id net)" ]]

	# A network namespace bind-mounted under /run/netns (ip netns add).
	netns=rgt-$$-$BATS_SUITE_TEST_NUMBER
	ip netns add "$netns" || die "ip netns add failed"
	on_teardown "ip netns del $netns"
	BUNDLE=$T/bundle2
	make_bundle "$BUNDLE" sh -c "$NS_PROBE"
	# Through a symlink the caller could swap after the check: runc is
	# handed the resolved path, not the link.
	ln -s "/run/netns/$netns" "$T/netlink"
	set_ns network "$T/netlink"
	run_bundle id
	assert_status 0
	[[ "$(probe_field net)" == "$(readlink "/proc/$pid/ns/net")" ]] && die "in the sandbox's namespace"
	[[ "$(probe_field net)" != "$(ns_id net)" ]] || die "in the host's network namespace"
	[[ "$(cfg "$BUNDLE" '.linux.namespaces[] | select(.type == "network") | .path')" == "\"/run/netns/$netns\"" ]]
}

# ---------------------------------------------------------------------------
# cgroupsPath

@test "escape: a cgroupsPath naming the root cgroup or climbing out of it is refused (both readings)" {
	make_bundle "$BUNDLE" true
	use_config '{}'
	local v
	for v in / // /.. ../.. ../../ /a/../../.. . ./ /docker/../../.. -.slice:docker:x -.slice \
		system.slice:docker:-.slice system.slice:x:system.slice 'system.slice:x:../../..'; do
		edit_config "$BUNDLE" --arg v "$v" '.linux.cgroupsPath = $v'
		expect_refused "$BUNDLE" ".linux.cgroupsPath: '$v'"
	done
}

@test "escape control: engines' cgroupsPath forms run, in the cgroup they name" {
	make_bundle "$BUNDLE" cat /proc/self/cgroup
	use_config '{}'
	local id v want
	on_teardown "rmdir /sys/fs/cgroup/*/rgt-*-$$ 2>/dev/null"
	for v in "/rgt-docker-$$/ID" "/rgt-libpod_parent-$$/libpod-ID" "/rgt-k8s.io-$$/ID" \
		"machine.slice:libpod:ID" ""; do
		new_id id
		edit_config "$BUNDLE" --arg v "${v//ID/$id}" '.linux.cgroupsPath = $v | del(.linux.namespaces[] | select(.type == "cgroup"))'
		# No cgroup namespace: the container sees its path as the host does.
		use_config '{"rules": {"namespaces": {"add": []}}}'
		rg --root "$STATE" run -b "$BUNDLE" "$id"
		assert_status 0
		want=${v//ID/$id}
		[[ -n "$want" && "$want" != /* ]] && want="/$want" # relative: under runguard's own (here /)
		[[ -n "$want" ]] || want="/$id"
		grep -q ":pids:$want\$" <<<"$output" || die "pids cgroup is not $want: $output"
	done
}

# ---------------------------------------------------------------------------
# identity by the host's view (restricted: the user rule rejects)

RESTRICTED='{"profile": "restricted"}'
USERNS_MAPS='.linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'

@test "escape: ids that are host root through or despite the mappings are refused" {
	make_bundle "$BUNDLE" id
	use_config "$RESTRICTED"
	cp "$BUNDLE/config.json" "$T/orig.json"
	local line filter needle
	while read -r line; do
		[[ -n "$line" ]] || continue
		filter=${line% => *}
		needle=${line##* => }
		cat "$T/orig.json" >"$BUNDLE/config.json"
		edit_config "$BUNDLE" "$filter"
		expect_refused "$BUNDLE" "$needle"
	done <<EOF
$USERNS_MAPS | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 1}, {containerID: 1, hostID: 0, size: 1}] | .process.user = {uid: 1, gid: 1} => maps container uid 1 to host uid 0
$USERNS_MAPS | .linux.uidMappings += [{containerID: 70000, hostID: 0, size: 1}] | .process.user = {uid: 1000, gid: 1000} => maps container uid 70000 to host uid 0
$USERNS_MAPS | .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}] | .process.user = {uid: 1000, gid: 1000} => maps container gid 0 to host gid 0
.process.user = {uid: 1000, gid: 1000, additionalGids: [0]} => additional gid 0 is host gid 0
.process.user = {uid: 1000, gid: 0} => host gid 0 (the root group)
.process.user = {uid: 0, gid: 1000} | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}] => runs as root (uid 0)
$USERNS_MAPS | .linux.uidMappings += [{containerID: 1000, hostID: 300000, size: 1}] | .process.user = {uid: 1000, gid: 1000} => overlapping
$USERNS_MAPS | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 0}] | .process.user = {uid: 0, gid: 0} => empty range
.linux.namespaces += [{type: "user", path: "/proc/self/ns/user"}] | .process.user = {uid: 1000, gid: 1000} => user namespace joined by path
EOF
}

@test "escape: uidMappings without a user namespace refused with crun as the runtime too (crun ignores them)" {
	[[ -x /usr/bin/crun ]] || skip "crun is not installed"
	make_bundle "$BUNDLE" id
	use_config "$RESTRICTED"
	edit_config "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	RG_STATE_RUNTIME=/usr/bin/crun expect_refused "$BUNDLE" "runs as root (uid 0)" "runs with gid 0"
}

@test "escape: with the user rule fixing, host root despite the mappings runs as nobody; files on a bind mount are not root's" {
	make_bundle "$BUNDLE" sh -c 'touch /shared/f && id -u && id -g'
	use_config '{"profile": "restricted", "rules": {"user": {"action": "fix"}}}'
	mkdir -m 0777 "$T/shared"
	edit_config "$BUNDLE" --arg s "$T/shared" '.process.user = {uid: 0, gid: 0, additionalGids: [0]}
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]'
	local id
	run_bundle id
	assert_status 0
	[[ "$(stat -c %u:%g "$T/shared/f")" == 65534:65534 ]] || die "file owned by $(stat -c %u:%g "$T/shared/f")"
	[[ "$(cfg "$BUNDLE" .process.user)" == '{"uid":65534,"gid":65534,"additionalGids":[]}' ]]
}

@test "escape control: a proper user namespace (root mapped to 100000) runs unchanged under restricted" {
	make_bundle "$BUNDLE" sh -c 'touch /shared/f; id -u; cat /proc/self/uid_map'
	use_config "$RESTRICTED"
	mkdir -m 0777 "$T/shared"
	# The mapped root must reach the rootfs: the test's own directories only.
	chmod o+x "$BATS_RUN_TMPDIR" "$BATS_RUN_TMPDIR/test" "$T" "$BUNDLE"
	mkdir "$BUNDLE/rootfs/shared"
	edit_config "$BUNDLE" --arg s "$T/shared" "$USERNS_MAPS"' | .process.user = {uid: 0, gid: 0}
		| .mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]'
	cp "$BUNDLE/config.json" "$T/orig.json"
	local id
	run_bundle id
	assert_status 0
	[[ "${lines[0]}" == 0 ]] || die "uid inside is ${lines[0]}"
	[[ "$(stat -c %u:%g "$T/shared/f")" == 100000:100000 ]] || die "file owned by $(stat -c %u:%g "$T/shared/f")"
	[[ "$(cfg "$BUNDLE" .process.user)" == '{"uid":0,"gid":0}' ]]
	[[ "$(cfg "$BUNDLE" .linux.uidMappings)" == "$(jq -c .linux.uidMappings "$T/orig.json")" ]]
}

# ---------------------------------------------------------------------------
# seccomp: an engine's weak profile

# What fails inside: mount and umount on a missing path, setns on a file that
# is no namespace. Without a filter the kernel answers ENOENT/EINVAL before
# it checks a capability; with one the call never reaches it (EPERM).
SYSCALL_PROBE='busybox mount -t tmpfs none /nonexistent 2>&1
busybox umount /nonexistent 2>&1
busybox nsenter --net=/dev/null true 2>&1
true'

weak_profile() {
	edit_config "$BUNDLE" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["acct"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
}

@test "escape: an engine profile allowing everything still denies mount, umount2, setns without CAP_SYS_ADMIN" {
	make_bundle "$BUNDLE" sh -c "$SYSCALL_PROBE"
	weak_profile
	cp "$BUNDLE/config.json" "$T/orig.json"
	local id
	# Control first: with the capability-derived list off, the kernel answers.
	use_config '{"rules": {"seccompDeny": {"denyByCapability": false}}}'
	run_bundle id
	assert_status 0
	assert_contains "$output" "mounting none on /nonexistent failed: No such file or directory"
	assert_contains "$output" "reassociate to namespace 'net': Invalid argument"

	cat "$T/orig.json" >"$BUNDLE/config.json"
	use_config '{}'
	run_bundle id
	assert_status 0
	assert_contains "$output" "mount: permission denied"
	assert_contains "$output" "can't unmount /nonexistent: Operation not permitted"
	assert_contains "$output" "reassociate to namespace 'net': Operation not permitted"
	assert_not_contains "$output" "Invalid argument"
	# What runc was given: one EPERM entry with them, the engine's own entry kept.
	jq -e '.linux.seccomp.syscalls | map(select(.action == "SCMP_ACT_ERRNO" and .errnoRet == 1) | .names[])
		| (index("mount") and index("umount2") and index("setns") and index("swapon")
			and index("pivot_root") and index("ptrace") == null)' "$BUNDLE/config.json" >/dev/null ||
		die "no EPERM entry for them: $(cfg "$BUNDLE" .linux.seccomp.syscalls)"
	[[ "$(cfg "$BUNDLE" .linux.seccomp.syscalls[0])" == '{"names":["acct"],"action":"SCMP_ACT_ERRNO","errnoRet":1}' ]]
}

@test "escape: with seccompDeny rejecting, a profile allowing mount to a container without CAP_SYS_ADMIN is refused" {
	make_bundle "$BUNDLE" true
	weak_profile
	use_config '{"rules": {"seccompDeny": {"action": "reject", "syscalls": []}}}'
	expect_refused "$BUNDLE" "permits syscalls that must be denied" "mount" "setns"
}

@test "escape control: an allowlist with CAP_SYS_ADMIN granted keeps mount allowed" {
	make_bundle "$BUNDLE" sh -c "$SYSCALL_PROBE"
	use_config '{"rules": {"capabilities": {"allow": ["CAP_SYS_ADMIN"]}}}'
	weak_profile
	edit_config "$BUNDLE" '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	local id
	run_bundle id
	assert_status 0
	assert_contains "$output" "mounting none on /nonexistent failed: No such file or directory"
	jq -e '[.linux.seccomp.syscalls[] | .names[]] | index("mount") == null' "$BUNDLE/config.json" >/dev/null ||
		die "mount denied although CAP_SYS_ADMIN is held"
}

@test "escape control: joining a sandbox's user namespace by /proc/<pid>/ns/user runs under restricted (its maps judged)" {
	use_config "$RESTRICTED"
	chmod o+x "$BATS_RUN_TMPDIR" "$BATS_RUN_TMPDIR/test" "$T"
	make_bundle "$T/sandbox" sleep 3600
	chmod o+x "$T/sandbox"
	edit_config "$T/sandbox" "$USERNS_MAPS"' | .process.user = {uid: 0, gid: 0}'
	local sid id pid
	new_id sid
	# Its own state directory: expect_refused wants none left in $STATE.
	mkdir -m 0711 "$T/sandbox-state"
	use_state "$T/sandbox-state"
	rg --root "$T/sandbox-state" run -d -b "$T/sandbox" "$sid"
	assert_status 0
	pid=$("$REAL_RUNC" --root "$T/sandbox-state" state "$sid" | jq -r .pid)
	make_bundle "$BUNDLE" sh -c 'touch /shared/f; id -u'
	mkdir -m 0777 "$T/shared"
	chmod o+x "$BUNDLE"
	mkdir "$BUNDLE/rootfs/shared"
	edit_config "$BUNDLE" --arg s "$T/shared" --arg u "/proc/$pid/ns/user" "$USERNS_MAPS"' | .process.user = {uid: 0, gid: 0}
		| .linux.namespaces |= map(if .type == "user" then .path = $u else . end)
		| .mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]'
	run_bundle id
	assert_status 0
	[[ "$(stat -c %u:%g "$T/shared/f")" == 100000:100000 ]] || die "file owned by $(stat -c %u:%g "$T/shared/f")"
	# The host's user namespace joined the same way is host root: refused.
	edit_config "$BUNDLE" --arg u "/proc/$$/ns/user" \
		'.linux.namespaces |= map(if .type == "user" then .path = $u else . end)'
	expect_refused "$BUNDLE" "maps container uid 0 to host uid 0"
}
