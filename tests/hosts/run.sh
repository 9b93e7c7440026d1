#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The host matrix: boots the guest built by build.sh under
# qemu-system-x86_64 (TCG; KVM when /dev/kvm is usable) once per host kind,
# and prints the guests' results as one TAP stream ("ok N [kind] name"),
# which scripts/test.sh counts. A guest that does not finish within
# RG_HOSTS_TIMEOUT seconds (default 600), or reports fewer tests than its
# plan, counts as failed.
#
#   tests/hosts/run.sh RUNGUARD_BINARY [KIND...]
# Kinds: cgroupv2 selinux selinux-nocontainer apparmor (default: all).
set -uo pipefail

RG_BIN=${1:?usage: run.sh RUNGUARD_BINARY [KIND...]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${RG_HOSTS_CACHE:-/var/tmp/runguard-hosts}
TIMEOUT=${RG_HOSTS_TIMEOUT:-600}
kinds=("$@")
[[ ${#kinds[@]} -gt 0 ]] || kinds=(cgroupv2 selinux selinux-nocontainer apparmor)

n=0
fails=0
# tap_line TEXT: one more TAP result, numbered in this stream.
tap_line() {
	n=$((n + 1))
	echo "${1/@N@/$n}"
}

start=$(date +%s)
if ! "$HERE/build.sh" "$RG_BIN"; then
	tap_line "not ok @N@ hosts: the guest image could not be built"
	echo "1..$n"
	exit 1
fi
echo "# hosts: guest built in $(($(date +%s) - start)) s"

accel=tcg
[[ -w /dev/kvm ]] && accel=kvm
declare -A cmdline=(
	[cgroupv2]="apparmor=0"
	[selinux]="security=selinux selinux=1 enforcing=1"
	[selinux-nocontainer]="security=selinux selinux=1 enforcing=1"
	[apparmor]="apparmor=1 security=apparmor"
)

for kind in "${kinds[@]}"; do
	log=$CACHE/$kind.console
	tap=$CACHE/$kind.tap
	rm -f "$log" "$tap"
	t0=$(date +%s)
	timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 -accel "$accel" -m 2048 -smp 2 \
		-nographic -no-reboot -snapshot \
		-kernel "$CACHE/kernel/vmlinuz" -initrd "$CACHE/initrd.img" \
		-drive "file=$CACHE/disk.img,format=raw,if=virtio" \
		-serial "file:$log" -serial "file:$tap" -monitor none -nic none \
		-append "console=ttyS0 panic=-1 quiet loglevel=3 rg.kind=$kind ${cmdline[$kind]:-}" \
		</dev/null >/dev/null 2>&1
	qrc=$?
	secs=$(($(date +%s) - t0))
	tr -d '\r' <"$tap" 2>/dev/null >"$tap.txt"
	got=0
	plan=0
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok\ [0-9]+\ (.*)$ ]]; then
			got=$((got + 1))
			[[ -z "${BASH_REMATCH[1]}" ]] || fails=$((fails + 1))
			tap_line "${BASH_REMATCH[1]}ok @N@ [$kind] ${BASH_REMATCH[2]}"
		elif [[ $line =~ ^1\.\.([0-9]+) ]]; then
			plan=$((plan + BASH_REMATCH[1]))
		elif [[ $line == '#'* ]]; then
			echo "$line"
		elif [[ -n $line ]]; then
			echo "# $line"
		fi
	done <"$tap.txt"
	echo "# hosts: $kind: $got results in ${secs} s (qemu exit $qrc)"
	if ! grep -q '^# rg-hosts: done' "$tap.txt" || [[ $plan -eq 0 || $got -lt $plan ]]; then
		fails=$((fails + 1))
		tap_line "not ok @N@ [$kind] the guest finished and reported all its tests ($got of $plan; qemu exit $qrc after ${secs} s; console: $log)"
		tail -20 "$log" 2>/dev/null | tr -d '\r' | sed 's/^/# console: /'
	fi
done
echo "1..$n"
echo "# hosts: matrix took $(($(date +%s) - start)) s"
[[ $fails -eq 0 ]]
