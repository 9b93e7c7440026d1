#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs every test on a fresh Debian 12 machine (as root): installs the
# dependencies, builds, runs `make check-root` (the header check, the C unit
# tests and every bats integration suite, against real runc, crun and the
# engines), `make check` as nobody in the tarball `make dist` makes (what a
# packager runs), then `make check-root` with the ASan+UBSan build, and ends
# with one line "N passed, N failed" summing all of it (`make format-check`
# and `make shellcheck` count as one test each). Exits non-zero on any
# failure. RUNGUARD_STRICT=1 makes skipped integration tests fail.
# FUZZ_SMOKE=1 (CI sets it) also runs `make fuzz-smoke`: each libFuzzer
# target for 60 s, each counted as one test. The host matrix
# (tests/hosts/run.sh: SELinux enforcing, SELinux without the container
# types, AppArmor, cgroup v2 only, each booted under qemu) runs last and is
# counted the same way; RG_HOSTS=0 leaves it out.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

passed=0
failed=0
problems=()

finish() {
	if [[ ${#problems[@]} -gt 0 ]]; then
		printf 'problem: %s\n' "${problems[@]}"
	fi
	echo "$passed passed, $failed failed"
	if [[ $failed -eq 0 && ${#problems[@]} -eq 0 ]]; then
		exit 0
	fi
	exit 1
}

# count LOG LABEL MAKE_STATUS: adds the unit and bats results in LOG.
count() {
	local log=$1 label=$2 rc=$3 u_ok u_nok b_ok b_nok b_plan missing
	# "unit: N passed, N failed" from tests/run-unit.sh
	read -r u_ok u_nok < <(sed -nE 's/^unit: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$log" |
		awk '{ a += $1; b += $2 } END { print a + 0, b + 0 }')
	# bats TAP at column 0 (the unit output is indented)
	b_ok=$(grep -cE '^ok [0-9]+' "$log")
	b_nok=$(grep -cE '^not ok [0-9]+' "$log")
	b_plan=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
	missing=$((b_plan - b_ok - b_nok))
	((missing > 0)) || missing=0
	local skipped
	skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$log")
	echo "== $label: unit $u_ok passed, $u_nok failed; integration $b_ok passed ($skipped skipped), $b_nok failed$( ((missing)) && echo ", $missing did not run")"
	passed=$((passed + u_ok + b_ok))
	failed=$((failed + u_nok + b_nok + missing))
	if [[ $rc -ne 0 && $((u_nok + b_nok + missing)) -eq 0 ]]; then
		problems+=("$label: make exited $rc with no failing test counted (build or harness error)")
	fi
	if ! grep -qE '^unit: ' "$log"; then
		problems+=("$label: the unit tests did not run")
	fi
	if [[ $b_plan -eq 0 ]]; then
		problems+=("$label: the integration tests did not run")
	fi
}

echo "== dependencies"
if ! bash scripts/deps.sh; then
	problems+=("scripts/deps.sh failed")
	finish
fi

echo "== make"
if ! make; then
	problems+=("make failed")
	finish
fi

# The lint gates, one test each: the C sources formatted as .clang-format
# says, and shellcheck on every shell script (.shellcheckrc).
for t in format-check shellcheck; do
	echo "== make $t"
	if make --no-print-directory "$t"; then
		passed=$((passed + 1))
	else
		echo "== make $t: FAILED"
		failed=$((failed + 1))
	fi
done

echo "== make check-root"
make -k check-root 2>&1 | tee "$logdir/check.log"
rc=${PIPESTATUS[0]}
count "$logdir/check.log" "make check-root" "$rc"

# A packager's `make check`: as nobody, in the tree `make dist` ships (no
# git checkout, no root, no engine started). Strict mode is off for this
# pass: the Debian package test skips outside a git checkout, and the root
# pass above ran the same suites strictly.
echo "== make check (as nobody, in make dist's tarball)"
pkdir=$(mktemp -d)
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$pkdir" RUNGUARD_STRICT=0 "$@"
}
if make -s dist DIST_DIR="$pkdir" >/dev/null && chown -R 65534:65534 "$pkdir" &&
	(cd "$pkdir" && as_nobody tar -xzf runguard-*.tar.gz); then
	(cd "$pkdir"/runguard-*/ && as_nobody make -k check) 2>&1 | tee "$logdir/check-nobody.log"
	rc=${PIPESTATUS[0]}
	count "$logdir/check-nobody.log" "make check (nobody)" "$rc"
else
	problems+=("make check (nobody): make dist or unpacking its tarball failed")
fi
rm -rf "$pkdir"

# The sanitizer pass runs every unit test and the suites that drive runguard's
# own code paths hard (argv, JSON, rules, policy, hostile input, configure's
# and doctor's file editing, parallel creates); the engine suites exercise
# the same code through podman/containerd/docker and would only double the
# run time.
SAN_BATS=""
for f in cli enforce refuse passthrough runtime policy hostile exec update selinux privileged \
	resources seccomp_deny paths sysctls mounts namespaces devices hooks rlimits configure contrib \
	concurrency crun; do
	[[ -f tests/integration/$f.bats ]] && SAN_BATS+=" tests/integration/$f.bats"
done
echo "== make check-root SANITIZE=1"
make -k check-root SANITIZE=1 BATS="$SAN_BATS" 2>&1 | tee "$logdir/check-san.log"
rc=${PIPESTATUS[0]}
count "$logdir/check-san.log" "make check-root SANITIZE=1" "$rc"

if [[ "${FUZZ_SMOKE:-0}" == 1 ]]; then
	echo "== make fuzz-smoke"
	make fuzz-smoke 2>&1 | tee "$logdir/fuzz.log"
	rc=${PIPESTATUS[0]}
	f_ok=$(grep -cE '^fuzz: [a-z_]+: ok' "$logdir/fuzz.log")
	f_nok=$(grep -cE '^fuzz: [a-z_]+: (FAILED|.* is missing)' "$logdir/fuzz.log")
	echo "== make fuzz-smoke: $f_ok passed, $f_nok failed"
	passed=$((passed + f_ok))
	failed=$((failed + f_nok))
	if [[ $rc -ne 0 && $f_nok -eq 0 ]]; then
		problems+=("make fuzz-smoke exited $rc with no failing target counted (build error?)")
	fi
fi

if [[ "${RG_HOSTS:-1}" == 1 ]]; then
	echo "== host matrix"
	tests/hosts/run.sh build/runguard 2>&1 | tee "$logdir/hosts.log"
	rc=${PIPESTATUS[0]}
	h_ok=$(grep -cE '^ok [0-9]+' "$logdir/hosts.log")
	h_nok=$(grep -cE '^not ok [0-9]+' "$logdir/hosts.log")
	echo "== host matrix: $h_ok passed, $h_nok failed"
	passed=$((passed + h_ok))
	failed=$((failed + h_nok))
	if [[ $rc -ne 0 && $h_nok -eq 0 ]]; then
		problems+=("host matrix exited $rc with no failing test counted (harness error)")
	fi
	if [[ $((h_ok + h_nok)) -eq 0 ]]; then
		problems+=("host matrix: no test ran")
	fi
fi

finish
