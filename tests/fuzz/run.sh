#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# run.sh BUILD_DIR SECONDS TARGET...: runs each libFuzzer target (built by
# `make FUZZ=1 fuzz-bins` into BUILD_DIR/fuzz/) for SECONDS on its seed
# corpus (tests/fuzz/corpus/TARGET) and the kept crashers
# (tests/fuzz/regressions/TARGET). New interesting inputs go to
# BUILD_DIR/fuzz-corpus/TARGET, crashes to BUILD_DIR/fuzz-artifacts/TARGET/,
# the log to BUILD_DIR/fuzz-logs/TARGET.log. FUZZ_JOBS=2 runs two targets
# at a time. Exits non-zero if any target found a crash, a leak, a sanitizer
# report or a timeout; copy the artifact into tests/fuzz/regressions/TARGET/
# to keep it as a regression test (replayed by `make unit`).
set -uo pipefail

if [[ $# -lt 3 ]]; then
	echo "usage: $0 BUILD_DIR SECONDS TARGET..." >&2
	exit 2
fi
build=$1
secs=$2
shift 2
cd "$(dirname "$0")/../.." || exit 2
jobs=${FUZZ_JOBS:-1}

run_one() {
	local t=$1 bin=$build/fuzz/$1 dict=() rc
	local corpus=$build/fuzz-corpus/$t arts=$build/fuzz-artifacts/$t log=$build/fuzz-logs/$t.log
	mkdir -p "$corpus" "$arts" "$(dirname "$log")" "tests/fuzz/regressions/$t"
	[[ -f tests/fuzz/$t.dict ]] && dict=(-dict="tests/fuzz/$t.dict")
	# -timeout: one input taking 25 s is a bug (quadratic paths); the RSS cap
	# catches unbounded allocation; leaks are reported (ASan's LSan).
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$arts/" "${dict[@]}" \
		"$corpus" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" >"$log" 2>&1
	rc=$?
	echo "$rc" >"$log.rc"
	local execs
	execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -n 1)
	if [[ $rc -eq 0 ]]; then
		echo "fuzz: $t: ok, ${execs:-?} executions in ${secs}s"
	else
		echo "fuzz: $t: FAILED (exit $rc); log $log; artifacts:"
		# shellcheck disable=SC2012 # a listing for the reader
		ls -l "$arts" | sed 's/^/    /'
		grep -E 'ERROR|SUMMARY|assertion failed|runtime error|#[0-9]+ 0x' "$log" | head -n 40 | sed 's/^/    /'
	fi
	return $rc
}

failed=0
names=()
for t in "$@"; do
	if [[ ! -x "$build/fuzz/$t" ]]; then
		echo "fuzz: $t: $build/fuzz/$t is missing (make FUZZ=1 fuzz-bins)"
		failed=1
		continue
	fi
	rm -f "$build/fuzz-logs/$t.log.rc"
	run_one "$t" &
	names+=("$t")
	while [[ $(jobs -rp | wc -l) -ge $jobs ]]; do
		wait -n || true
	done
done
wait
for t in "${names[@]}"; do
	[[ "$(cat "$build/fuzz-logs/$t.log.rc" 2>/dev/null)" == 0 ]] || failed=1
done
exit $failed
