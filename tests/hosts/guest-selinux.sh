#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Host kind "selinux": SELinux enforcing with Debian's refpolicy plus the
# container module (as Fedora/RHEL/CentOS Stream run it), init_t starting
# runguard as an init system would, cgroup v2 only.
cd /opt/rg || exit 1
. ./lib.sh

SHARE=$WORK/share
POD='{"io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.sandbox-id": "pod1"}'
APP='{"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "pod1"}'

# sel_bundle ID [JQ]: a long-running bundle whose rootfs is labelled as an
# engine would label it, with $SHARE bind-mounted at /share.
sel_bundle() {
	mkdir -p "$SHARE"
	mk_bundle "$WORK/$1" sleep 600 || return 1
	chcon -R system_u:object_r:container_file_t:s0 "$WORK/$1/rootfs" || return 1
	edit "$WORK/$1" --arg s "$SHARE" '.mounts += [{destination: "/share", type: "bind", source: $s, options: ["rbind", "ro"]}]'
	[[ -z "${2:-}" ]] || edit "$WORK/$1" "$2"
}

level() { cut -d: -f4- <<<"$1"; }

enforcing() {
	[[ "$(cat /sys/fs/selinux/enforce)" == 1 ]] || fail "not enforcing"
	# this shell's (a program it starts, tr or runguard, is bin_t: initrc_t on Debian's policy)
	[[ "$(tr -d '\0' </proc/$$/attr/current)" == *:init_t:* ]] || fail "not running as init_t: $(tr -d '\0' </proc/$$/attr/current)"
	out=$("$RG" doctor 2>&1)
	echo "$out" | grep -i selinux
	grep -qiE '^(ok|info) +kernel: SELinux: enforcing' <<<"$out" || fail "doctor does not report enforcing"
	# runguard (bin_t) runs in the domain it is started in, runc in container_engine_t
	grep -qE '^ok +kernel: SELinux: runguard runs as [^ ]+, [^ ]+/runc as [^ ]+:container_engine_t:[^ ]+: .* labelled [^ ]+:container_engine_tmpfs_t:' <<<"$out" ||
		fail "doctor does not say how the files handed to runc are labelled"
	grep -qE '^info +kernel: SELinux: runguard.s executable is [^ ]+:bin_t:[^ ]+, [^ ]+/runc is [^ ]+:container_engine_exec_t:' <<<"$out" ||
		fail "doctor does not report the executables' different labels"
}

labels() {
	local id a b p s
	mkdir -p "$SHARE"
	for id in sa sb; do sel_bundle "$id" && rg_start "$WORK/$id" "$id" || return 1; done
	sel_bundle psand ".annotations = $POD" && rg_start "$WORK/psand" psand || return 1
	sel_bundle papp ".annotations = $APP" && rg_start "$WORK/papp" papp || return 1
	a=$(proc_attr sa) b=$(proc_attr sb) p=$(proc_attr psand) s=$(proc_attr papp)
	printf 'sa: %s\nsb: %s\npsand: %s\npapp: %s\n' "$a" "$b" "$p" "$s"
	for l in "$a" "$b" "$p" "$s"; do
		[[ $l =~ ^system_u:system_r:container_t:s0:c[0-9]+,c[0-9]+$ ]] || fail "not container_t with two categories: $l"
	done
	[[ "$(level "$a")" != "$(level "$b")" ]] || fail "two containers share a level"
	[[ "$(level "$a")" != "$(level "$p")" && "$(level "$b")" != "$(level "$p")" ]] || fail "the pod shares another container's level"
	[[ "$(level "$p")" == "$(level "$s")" ]] || fail "the pod's containers have different levels"
}

# A file of sa's level: a container at sa's level reads it, one at sb's is
# denied by the policy (a real AVC). Each writes what it saw into its own
# rootfs: container_t may not use init_t's pipes. (The levels are given
# outright, which the rule keeps; `runguard exec` cannot be used here, see
# the report in guest-selinux.sh's history.)
mcs_denied() {
	local a b id l
	a=$(level "$(proc_attr sa)") b=$(level "$(proc_attr sb)") || return 1
	echo secret >"$SHARE/secret"
	chcon "system_u:object_r:container_file_t:$a" "$SHARE/secret" || return 1
	ls -Z "$SHARE/secret"
	dmesg -c >/dev/null
	for id in ra rb; do
		l=$a
		[[ $id == rb ]] && l=$b
		sel_bundle "$id" ".process.args = [\"sh\", \"-c\", \"cat /share/secret >/seen 2>&1; echo rc=\$? >>/seen\"]
			| .process.selinuxLabel = \"system_u:system_r:container_t:$l\"" || return 1
		rg_run "$WORK/$id" "$id"
		echo "$id at $l: run rc $rc $out; saw: $(cat "$WORK/$id/rootfs/seen" 2>&1)"
	done
	[[ "$(cat "$WORK/ra/rootfs/seen")" == $'secret\nrc=0' ]] || fail "the owner's level cannot read its file"
	grep -q 'Permission denied' "$WORK/rb/rootfs/seen" || fail "another level read the file"
	dmesg | grep 'avc: *denied' | grep secret || fail "no AVC denial logged"
}

# A label asking for spc_t or unconfined_t is fixed to container_t with a level.
fixed() {
	local id=$1 label=$2 l
	sel_bundle "$id" ".process.selinuxLabel = \"$label\"" && rg_start "$WORK/$id" "$id" || return 1
	l=$(proc_attr "$id")
	echo "asked $label, runs as $l"
	[[ $l =~ ^system_u:system_r:container_t:s0:c[0-9]+,c[0-9]+$ ]] || fail "runs as $l"
	"$RG" --root "$STATE" delete -f "$id"
}

released() {
	local cats
	cats=$(level "$(proc_attr sb)") || return 1
	cats=${cats#s0:}
	ls /run/runguard/mcs/pairs /run/runguard/mcs/ids
	[[ -e /run/runguard/mcs/pairs/$cats ]] || fail "no reservation of $cats while sb runs"
	"$RG" --root "$STATE" delete -f sb || fail "delete failed"
	[[ ! -e /run/runguard/mcs/pairs/$cats ]] || fail "$cats still reserved after delete"
	! compgen -G '/run/runguard/mcs/ids/sb@*' >/dev/null || fail "sb still recorded after delete"
}

# exec and update through runguard started as an init system starts it, in a
# domain other than runc's (exec'ing runc, container_engine_exec_t, moves it
# to container_engine_t): the kernel checks the fds runc inherits against its
# new domain, so the memfds runguard hands runc (the `state` output it reads,
# exec -p's process.json, update -r's resources) must carry a label runc may
# use, or runc gets none of them.
handed_over() {
	local self cg pids=
	self=$(tr -d '\0' </proc/$$/attr/current)
	ls -Z /usr/sbin/runc "$RG"
	echo "runguard starts as $self"
	[[ $self != *:container_engine_t:* && "$(ls -Z /usr/sbin/runc)" == *:container_engine_exec_t:* ]] ||
		fail "premise: runguard and runc would run in one domain" || return 1
	sel_bundle ho && rg_start "$WORK/ho" ho || return 1
	bounded 180 "$RG" --root "$STATE" exec ho sh -c 'echo plain >/exec-plain' </dev/null || fail "exec failed"
	jq '.process | .args = ["sh", "-c", "echo file >/exec-p"]' "$WORK/ho/config.json" >"$WORK/ho.process.json"
	bounded 180 "$RG" --root "$STATE" exec -p "$WORK/ho.process.json" ho </dev/null || fail "exec -p failed"
	echo '{"pids": {"limit": 123}}' >"$WORK/ho.resources.json"
	bounded 180 "$RG" --root "$STATE" update -r "$WORK/ho.resources.json" ho || fail "update -r failed"
	cg=$(host_cgroup ho) && pids=$(cat "$cg/pids.max")
	echo "exec: $(cat "$WORK/ho/rootfs/exec-plain" 2>&1); exec -p: $(cat "$WORK/ho/rootfs/exec-p" 2>&1); pids.max: $pids"
	"$RG" --root "$STATE" delete -f ho
	[[ "$(cat "$WORK/ho/rootfs/exec-plain")" == plain ]] || fail "the exec'd process did not run"
	[[ "$(cat "$WORK/ho/rootfs/exec-p")" == file ]] || fail "the exec -p process did not run"
	[[ $pids == 123 ]] || fail "update -r did not reach pids.max"
}

t "selinux: enforcing, runguard started from init_t, doctor reports enforcing" enforcing
t "selinux: exec, exec -p FILE and update -r FILE through runguard in another domain than runc's" handed_over
t "selinux: unlabelled containers get container_t, distinct levels; a pod's containers share one" labels
t "selinux: a file of one container's level is denied to another (AVC), its owner reads it" mcs_denied
t "selinux: a container asking for spc_t gets container_t and a level" fixed spc system_u:system_r:spc_t:s0
t "selinux: a container asking for unconfined_t gets container_t and a level" fixed unc unconfined_u:unconfined_r:unconfined_t:s0
t "selinux: delete releases the container's level" released
for id in sa sb psand papp; do "$RG" --root "$STATE" delete -f "$id" >/dev/null 2>&1; done
dmesg | grep -o 'avc: *denied.*' | sed 's/pid=[0-9]* //; s/ino=[0-9]* //' | sort -u | sed 's/^/# /'
done_testing
