#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Regenerates the machine-made part of the seed corpus in tests/fuzz/corpus/
# (what `runc spec` and `crun spec` write, runguard-enforced outputs, the
# golden inputs, the benchmark's configs). The hand-written seeds next to
# them (containerd ctr, CRI, CRI-O, podman, runguard configurations, argv
# lines) are kept as they are. Needs runc, crun, jq and build/runguard.
set -euo pipefail

cd "$(dirname "$0")/../.."
c=tests/fuzz/corpus
mkdir -p "$c/fuzz_spec" "$c/fuzz_config" "$c/fuzz_cli"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && runc spec && mv config.json runc.json && runc spec --rootless && mv config.json runc-rootless.json)
(cd "$tmp" && crun spec && mv config.json crun.json && crun spec --rootless && mv config.json crun-rootless.json)
for f in runc runc-rootless crun crun-rootless; do
	cp "$tmp/$f.json" "$c/fuzz_spec/$f-spec.json"
done
for d in tests/golden/*/; do
	cp "$d/in.json" "$c/fuzz_spec/golden-$(basename "$d").json"
done
bench/make-configs.sh "$tmp/bench"
cp "$tmp/bench/medium.json" "$c/fuzz_spec/bench-medium-seccomp.json"

# What runguard writes: enforced outputs (tabs, the resolved profile, the annotation).
for f in runc crun; do
	mkdir -p "$tmp/b-$f"
	cp "$tmp/$f.json" "$tmp/b-$f/config.json"
	echo '{}' >"$tmp/none.json"
	RUNGUARD_CONFIG=$tmp/none.json RUNGUARD_RUNTIME=/bin/true build/runguard create -b "$tmp/b-$f" x
	cp "$tmp/b-$f/config.json" "$c/fuzz_spec/enforced-$f-spec.json"
done
# The workload asks for the restricted profile, and runs as a non-root user.
jq '.annotations["run.runguard.profile"] = "restricted" | .process.user = {uid: 1000, gid: 1000}' \
	"$tmp/runc.json" >"$c/fuzz_spec/annotation-restricted.json"
jq -c '.annotations["run.runguard.profile"] = "privileged"' "$tmp/runc.json" \
	>"$c/fuzz_spec/annotation-privileged-compact.json"
