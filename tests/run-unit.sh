#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# run-unit.sh BUILD_DIR BIN...: runs each cmocka unit test binary with TAP
# output from the repository root, prints its output (indented, as TAP
# subtests, so that it cannot be confused with the bats TAP that follows in
# `make check`), and ends with "unit: N passed, N failed". Exits non-zero if
# any test failed or a binary crashed, exited non-zero or reported fewer
# tests than it planned.
set -uo pipefail

if [[ $# -lt 1 ]]; then
	echo "usage: $0 BUILD_DIR [BIN...]" >&2
	exit 2
fi
build_dir=$1
shift
cd "$(dirname "$0")/.." || exit 2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
bad_bins=()
for bin in "$@"; do
	name=${bin#"$build_dir"/}
	echo "# unit: $name"
	if [[ ! -x "$bin" ]]; then
		echo "    not ok - $name is missing or not executable"
		failed=$((failed + 1))
		bad_bins+=("$name (missing)")
		continue
	fi
	rc=0
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$tmp/out" 2>&1 || rc=$?
	sed 's/^/    /' "$tmp/out"
	ok=$(grep -cE '^ok [0-9]+' "$tmp/out")
	nok=$(grep -cE '^not ok [0-9]+' "$tmp/out")
	plan=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$tmp/out" | awk '{ s += $1 } END { print s + 0 }')
	passed=$((passed + ok))
	failed=$((failed + nok))
	missing=$((plan - ok - nok))
	if ((missing > 0)); then
		echo "    not ok - $name: $missing planned test(s) did not report (crash?)"
		failed=$((failed + missing))
	fi
	if ((rc != 0)); then
		if ((rc > 128)); then
			echo "    # $name killed by signal $((rc - 128))"
		else
			echo "    # $name exited with status $rc"
		fi
		if ((nok == 0 && missing <= 0)); then
			echo "    not ok - $name exited $rc with no failing test"
			failed=$((failed + 1))
		fi
		bad_bins+=("$name (exit $rc)")
	fi
done

[[ ${#bad_bins[@]} -eq 0 ]] || echo "# unit: failing binaries: ${bad_bins[*]}"
echo "unit: $passed passed, $failed failed"
[[ $failed -eq 0 && ${#bad_bins[@]} -eq 0 ]]
