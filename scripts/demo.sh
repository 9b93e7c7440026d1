#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# See runguard work: builds it, makes a busybox-static bundle that asks for
# every capability, no seccomp and no no_new_privs, runs it through
# build/runguard with the real runc, and shows what the container saw and
# what runguard changed in config.json. Root on Debian 12. Cleans up.
set -euo pipefail

cd "$(dirname "$0")/.."
bash scripts/deps.sh >/dev/null
make >/dev/null
RG=${RUNGUARD_BIN:-$PWD/build/runguard}

work=$(mktemp -d /tmp/runguard-demo.XXXXXX)
chmod 0755 "$work"
state=$work/state
bundle=$work/bundle
id=runguard-demo-$$
cleanup() {
	runc --root "$state" delete -f "$id" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

# A busybox-static root filesystem.
mkdir -p "$bundle/rootfs"/{bin,proc,sys,dev,tmp,etc}
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for a in sh cat grep echo unshare; do ln -s busybox "$bundle/rootfs/bin/$a"; done

# A careless config: every capability, no seccomp, no no_new_privs, no pids limit.
(cd "$bundle" && runc spec)
caps=$(for i in $(seq 0 "$(cat /proc/sys/kernel/cap_last_cap)"); do
	capsh --decode="$(printf '%x' $((1 << i)))" | sed 's/.*=//' | tr '[:lower:]' '[:upper:]'
done | jq -R . | jq -sc .)
probe='grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status
echo "pids.max: $(cat /sys/fs/cgroup/pids/pids.max)"
if unshare -U true 2>/dev/null; then echo "unshare -U: allowed"; else echo "unshare -U: denied"; fi'
jq --argjson c "$caps" --arg p "$probe" '
	.process.terminal = false | .process.args = ["sh", "-c", $p]
	| .process.capabilities = {bounding: $c, effective: $c, inheritable: $c, permitted: $c, ambient: $c}
	| .process.noNewPrivileges = false | del(.linux.seccomp) | del(.linux.resources.pids)' \
	"$bundle/config.json" >"$work/config.tmp"
cat "$work/config.tmp" >"$bundle/config.json"
cp "$bundle/config.json" "$work/before.json"

summary='{
	capabilities: (.process.capabilities | map_values(length) | tostring),
	noNewPrivileges: .process.noNewPrivileges,
	seccomp: (if .linux.seccomp then "defaultAction \(.linux.seccomp.defaultAction), \(.linux.seccomp.syscalls | length) rules" else "none" end),
	pids: (.linux.resources.pids.limit // "no limit"),
	policy: (.annotations["run.runguard.policy"] // "-")
}'

echo "== config.json asks for:"
jq -r "$summary | to_entries[] | \"   \(.key): \(.value)\"" "$bundle/config.json"

echo
echo "== $RG --root $state run -b $bundle $id   (real runtime: runc)"
out=$("$RG" --root "$state" run -b "$bundle" "$id")
echo "== the container saw:"
while IFS= read -r line; do
	case $line in
	CapEff:*)
		v=${line##*[[:space:]]}
		echo "   $line = $(capsh --decode="$v" | sed 's/.*=//')"
		;;
	*) echo "   $line" ;;
	esac
done <<<"$out"

echo
echo "== config.json after runguard:"
jq -r "$summary | to_entries[] | \"   \(.key): \(.value)\"" "$bundle/config.json"

echo
echo "== capabilities dropped from the bounding set:"
jq -rn --slurpfile b "$work/before.json" --slurpfile a "$bundle/config.json" \
	'($b[0].process.capabilities.bounding // []) - ($a[0].process.capabilities.bounding // []) | "   " + join(" ")'

echo
echo "== diff (jq -S; capability sets and seccomp rules summarised):"
squash='(if .process.capabilities then .process.capabilities |= map_values("<\(length) capabilities>") else . end)
	| (if .linux.seccomp.syscalls then .linux.seccomp.syscalls = "<\(.linux.seccomp.syscalls | length) syscall rules>" else . end)'
diff -u --label before --label after <(jq -S "$squash" "$work/before.json") \
	<(jq -S "$squash" "$bundle/config.json") || true
