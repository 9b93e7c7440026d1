#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# make-configs.sh DIR: writes realistic config.json files of three sizes,
# each one runguard's default policy accepts and rewrites (so the create
# path parses, enforces and saves):
#
#   DIR/small.json   `runc spec` (about 3 KB)
#   DIR/medium.json  + a full seccomp profile written the way podman and
#                    older Docker write it, one entry per syscall (~40 KB)
#   DIR/large.json   + a Kubernetes-style pod: 3 600 environment variables
#                    (service links), 500 mounts, 600 annotations (~400 KB)
#
# Used by bench/run.sh and tests/integration/crash.bats. Needs runc and jq.
set -euo pipefail

dir=${1:?usage: make-configs.sh DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
runc=${REAL_RUNC:-$(command -v runc || echo /usr/sbin/runc)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && "$runc" spec)
jq '.process.terminal = false' "$tmp/config.json" >"$dir/small.json"

# Every syscall name the shipped profile knows, one allow entry each, plus
# the argument-filtered entries real profiles carry (personality, clone).
jq --tab '[.syscalls[].names[]?] | unique' "$here/profiles/seccomp-default.json" >"$tmp/names.json"
jq --tab --slurpfile names "$tmp/names.json" '
	.linux.seccomp = {
		defaultAction: "SCMP_ACT_ERRNO",
		defaultErrnoRet: 1,
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: ([$names[0][] | {names: [.], action: "SCMP_ACT_ALLOW", args: []}]
			+ [0, 8, 131072, 131080, 4294967295 | {names: ["personality"],
				action: "SCMP_ACT_ALLOW",
				args: [{index: 0, value: ., valueTwo: 0, op: "SCMP_CMP_EQ"}]}]
			+ [{names: ["clone"], action: "SCMP_ACT_ALLOW",
				args: [{index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ"}]}])
	}' "$dir/small.json" >"$dir/medium.json"

jq --tab '
	.process.env += [range(0; 3600) | "SVC_\(.)_PORT_8080_TCP_ADDR=10.96.\(. / 256 | floor).\(. % 256)"]
	| .mounts += [range(0; 500) | {destination: "/var/lib/kubelet/pods/vol-\(.)",
		type: "bind", source: "/var/lib/kubelet/pods/8d3f2a1b-7c6e-4f1a-9b2d/volumes/kubernetes.io~configmap/vol-\(.)",
		options: ["rbind", "rprivate", "ro"]}]
	| .annotations = ([range(0; 600) | {key: "io.kubernetes.cri.example/key-\(.)",
		value: "value-\(.)-0123456789abcdef0123456789abcdef0123456789abcdef"}] | from_entries)
	' "$dir/medium.json" >"$dir/large.json"
