#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/run.sh [RUNGUARD_BIN]: what runguard costs, measured in one run,
# printed as a table of figures and ratios (Markdown, for README.md).
#
#   1. create path of runguard alone (RUNGUARD_RUNTIME=/bin/true) for a
#      config.json of ~3 KB (runc spec), ~40 KB (a full seccomp profile) and
#      ~400 KB (bench/make-configs.sh), config.json put back unenforced before
#      every run, against /bin/true as the floor of one process start and a
#      one-line `#!/bin/sh exec /bin/true` wrapper as the baseline of what
#      any wrapper costs; the same on an already enforced config.json
#      (nothing to save). Own costs are medians of paired differences to
#      /bin/true (bench/rgbench.c);
#   2. end to end: `runguard run` against `runc run` of the same trivial
#      busybox container (runc gets the config runguard would write, so both
#      start the same hardened container), and a `#!/bin/sh exec runc`
#      wrapper, interleaved; twice: bundles and runc's state on a tmpfs of
#      the benchmark's own (as containerd and CRI-O keep them, under /run),
#      then on the file system of $TMPDIR (as podman keeps its bundles);
#   3. passthrough: `runguard state` against `runc state`;
#   4. peak RSS of runguard's create on each config (target <= 4 MiB up to
#      400 KB);
#   5. with valgrind installed (BENCH_CALLGRIND=0 skips it), callgrind's
#      instruction counts of runguard's own work up to the exec, for each
#      config and for passthrough: unlike times, they do not depend on how
#      busy the machine is.
#
# Targets (reported, not asserted): passthrough <= 0.25 M instructions
# before the exec (state, kill, delete, start, --version; a whole /bin/true
# run and a whole `crun state` are printed as references); create <= 2.0 M
# (small) and <= 3.0 M (medium); runguard's end-to-end overhead at most 1.5
# times a `#!/bin/sh exec runc` wrapper's, measured in the same run; peak RSS
# <= 4 MiB.
# Run it on an otherwise idle machine, as root (runc needs it).
# BENCH_RUNS (default 200) sets the runs per figure, BENCH_E2E_RUNS (default
# 150) those of the end-to-end trio (runc, runguard, the shell wrapper).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
rg=$(readlink -f "${1:-$here/../build/runguard}")
runs=${BENCH_RUNS:-200}
e2e_runs=${BENCH_E2E_RUNS:-150}
runc=${REAL_RUNC:-}
if [[ -z "$runc" ]]; then
	for runc in /usr/bin/runc /usr/sbin/runc /usr/local/bin/runc /usr/local/sbin/runc; do
		[[ -x "$runc" ]] && break
	done
fi
[[ -x "$rg" ]] || { echo "bench: no runguard binary at $rg (make first)" >&2; exit 2; }
[[ -x "$runc" ]] || { echo "bench: runc not found" >&2; exit 2; }
busybox=$(command -v busybox || echo /bin/busybox)

tmp=$(mktemp -d /tmp/rg-bench.XXXXXX)
state=$tmp/state
cid=
tmpfs_mounted=
cleanup() {
	[[ -z "$cid" ]] || "$runc" --root "$state" delete -f "$cid" >/dev/null 2>&1 || true
	[[ -z "$tmpfs_mounted" ]] || umount "$tmp/tmpfs" || true
	# the configuration cache the passthrough calls left for our file
	local c
	for c in /run/runguard/config-*.cache; do
		grep -qsF -- "$tmp/" "$c" && rm -f "$c"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

cc -O2 -o "$tmp/rgbench" "$here/rgbench.c"
# The baseline of a wrapper's own cost: a one-line shell script that execs.
printf '#!/bin/sh\nexec /bin/true "$@"\n' >"$tmp/true-wrapper"
chmod 0755 "$tmp/true-wrapper"
"$here/make-configs.sh" "$tmp/configs" >/dev/null
# The audit record is part of the create path: write it, to a file of ours.
printf '{"audit": {"file": "%s/audit.log"}}\n' "$tmp" >"$tmp/rg.json"
export RUNGUARD_CONFIG=$tmp/rg.json
mkdir -m 0711 "$state"

# bench ARGS...: runs rgbench, prints its lines.
bench() {
	"$tmp/rgbench" "$@"
}

# field LINES N CMD: column N (2 = median, 3 = p10, 4 = p90, 5 = mean, 6 = peak
# RSS, 7 = median CPU time) of cmdCMD's line.
field() {
	awk -v c="cmd$3" -v n="$2" '$1 == c { print $n }' <<<"$1"
}

# diff_field LINES N: the median paired difference of command N to command 0.
diff_field() {
	awk -v c="diff$2" '$1 == c { print $2 }' <<<"$1"
}

ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
sub_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (a - b) / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo "runguard benchmark: $("$rg" --version 2>/dev/null | head -n 1 || true); $("$runc" --version | head -n 1)"
echo "$(nproc) CPUs, $(uname -r), $runs runs per figure (median, p10-p90 in brackets), file system of $tmp: $(stat -f -c %T "$tmp")"
echo

# ---- 1. create path ------------------------------------------------------
rows=()
declare -A own rss
for size in small medium large; do
	b=$tmp/b-$size
	mkdir -m 0755 "$b"
	src=$tmp/configs/$size.json
	cp "$src" "$b/config.json"
	bytes=$(stat -c %s "$src")
	# Enforced once, for the "already enforced" figure.
	RUNGUARD_RUNTIME=/bin/true "$rg" create -b "$b" warm
	cp "$b/config.json" "$tmp/enforced-$size.json"
	out=$(RUNGUARD_RUNTIME=/bin/true bench -n "$runs" -w 10 -c "$src:$b/config.json" \
		/bin/true ::: "$rg" create -b "$b" bench ::: "$tmp/true-wrapper" create -b "$b" bench)
	out2=$(RUNGUARD_RUNTIME=/bin/true bench -n "$runs" -w 10 -c "$tmp/enforced-$size.json:$b/config.json" \
		/bin/true ::: "$rg" create -b "$b" bench)
	floor=$(field "$out" 2 0)
	t_rg=$(field "$out" 2 1)
	own[$size]=$(ms "$(diff_field "$out" 1)")
	own_sh=$(ms "$(diff_field "$out" 2)")
	idem=$(ms "$(diff_field "$out2" 1)")
	own_cpu=$(sub_ms "$(field "$out" 7 1)" "$(field "$out" 7 0)")
	rows+=("| create path, $size config.json ($((bytes / 1024)) KB) | $(ms "$t_rg") ms [$(ms "$(field "$out" 3 1)")-$(ms "$(field "$out" 4 1)")] | $(ms "$floor") ms | **${own[$size]} ms** | $own_cpu ms | $own_sh ms | $(ratio "${own[$size]}" "$own_sh") | $idem ms |")
	rss[$size]=$(field "$out" 6 1)
	rss_floor=$(field "$out" 6 0)
done
# A passthrough call's own cost the same way (runguard takes the runtime of
# its configuration file from its cache in /run/runguard, then execs; the
# first warm-up call parses the file and writes the cache).
out=$(RUNGUARD_RUNTIME=/bin/true bench -n "$runs" -w 10 /bin/true state bench \
	::: "$rg" state bench ::: "$tmp/true-wrapper" state bench)
own_pt=$(ms "$(diff_field "$out" 1)")
own_sh=$(ms "$(diff_field "$out" 2)")
rows+=("| passthrough \`state\` | $(ms "$(field "$out" 2 1)") ms [$(ms "$(field "$out" 3 1)")-$(ms "$(field "$out" 4 1)")] | $(ms "$(field "$out" 2 0)") ms | **$own_pt ms** | $(sub_ms "$(field "$out" 7 1)" "$(field "$out" 7 0)") ms | $own_sh ms | $(ratio "$own_pt" "$own_sh") | |")

# ---- 2. end to end --------------------------------------------------------
mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/proc" "$tmp/rootfs/dev" "$tmp/rootfs/sys"
cp "$busybox" "$tmp/rootfs/bin/busybox"
ln -s busybox "$tmp/rootfs/bin/true"
ln -s busybox "$tmp/rootfs/bin/sleep"
# e2e DIR STATE: the trio with bundles under DIR and runc's state in STATE;
# sets e2e_runc, e2e_rg, e2e_sh (medians) and e2e_rg_d, e2e_sh_d (what each
# adds to runc, as the median of paired differences: iteration i's run minus
# runc's run i, steadier than a difference of medians).
e2e() {
	local d=$1 st=$2 who out
	for who in rg runc sh; do
		mkdir -m 0755 "$d/e2e-$who"
		cp -a "$tmp/rootfs" "$d/e2e-$who/rootfs"
		jq '.process.terminal = false | .process.args = ["true"]' "$tmp/configs/small.json" \
			>"$d/e2e-$who/config.json"
	done
	cp "$d/e2e-rg/config.json" "$d/e2e-orig.json"
	# runc (and the shell wrapper) get exactly what runguard writes.
	RUNGUARD_RUNTIME=/bin/true "$rg" create -b "$d/e2e-runc" warm
	cp "$d/e2e-runc/config.json" "$d/e2e-sh/config.json"
	out=$(bench -n "$e2e_runs" -w 3 -c "$d/e2e-orig.json:$d/e2e-rg/config.json" \
		"$runc" --root "$st" run -b "$d/e2e-runc" bench-runc \
		::: "$rg" --root "$st" run -b "$d/e2e-rg" bench-rg \
		::: "$tmp/runc-wrapper" --root "$st" run -b "$d/e2e-sh" bench-sh)
	e2e_runc=$(field "$out" 2 0)
	e2e_rg=$(field "$out" 2 1)
	e2e_sh=$(field "$out" 2 2)
	e2e_rg_d=$(diff_field "$out" 1)
	e2e_sh_d=$(diff_field "$out" 2)
	e2e_rg_cpu=$(awk '$1 == "diff1" { print $5 }' <<<"$out")
	e2e_sh_cpu=$(awk '$1 == "diff2" { print $5 }' <<<"$out")
}
# The baseline of a wrapper: a one-line shell script that execs runc.
printf '#!/bin/sh\nexec %s "$@"\n' "$runc" >"$tmp/runc-wrapper"
chmod 0755 "$tmp/runc-wrapper"
# e2e_rows LABEL: the table rows and the ratio line of the last e2e.
e2e_rows() {
	e2e_table+=("| end to end, $1: \`run\` of a busybox \`true\` container | $(ms "$e2e_rg") ms | $(ms "$e2e_runc") ms | $(sub_ms "$e2e_rg" "$e2e_runc") ms | **$(ratio "$e2e_rg" "$e2e_runc")** |")
	e2e_table+=("| end to end, $1, baseline: a \`#!/bin/sh exec runc\` wrapper | $(ms "$e2e_sh") ms | $(ms "$e2e_runc") ms | $(sub_ms "$e2e_sh" "$e2e_runc") ms | $(ratio "$e2e_sh" "$e2e_runc") |")
	local x
	x=$(awk -v r="$e2e_rg_d" -v s="$e2e_sh_d" 'BEGIN { if (s > 0) printf "%.2f", r / s; else printf "n/a" }')
	e2e_ratios+=("$1: $x")
	e2e_lines+=("$1: runguard adds $(ms "$e2e_rg_d") ms to a run, the shell wrapper $(ms "$e2e_sh_d") ms (medians of paired differences): $x times the wrapper's overhead (target <= 1.5; from the medians above: $(awk -v r="$e2e_rg" -v s="$e2e_sh" -v c="$e2e_runc" 'BEGIN { if (s - c > 0) printf "%.2f", (r - c) / (s - c); else printf "n/a" }')). In CPU time (user and system, the whole process tree; a busy machine disturbs it far less): runguard adds $(ms "$e2e_rg_cpu") ms, the wrapper $(ms "$e2e_sh_cpu") ms, $(awk -v r="$e2e_rg_cpu" -v s="$e2e_sh_cpu" 'BEGIN { if (s > 0) printf "%.2f", r / s; else printf "n/a" }') times")
}
e2e_table=() e2e_ratios=() e2e_lines=()
# Bundles and runc's state on a tmpfs, as containerd and CRI-O keep them
# (under /run, a tmpfs on a systemd host); then on $tmp's file system, as
# podman keeps its bundles (under /var/lib/containers).
mkdir -m 0711 "$tmp/tmpfs"
mount -t tmpfs -o size=256m,mode=0711 runguard-bench "$tmp/tmpfs"
tmpfs_mounted=1
mkdir -m 0711 "$tmp/tmpfs/state"
e2e "$tmp/tmpfs" "$tmp/tmpfs/state"
e2e_rows "tmpfs"
e2e "$tmp" "$state"
e2e_rows "$(stat -f -c %T "$tmp")"

# ---- 3. passthrough -------------------------------------------------------
cid=bench-state
jq '.process.args = ["sleep", "1000"]' "$tmp/e2e-runc/config.json" >"$tmp/state.json"
cp "$tmp/state.json" "$tmp/e2e-runc/config.json"
"$runc" --root "$state" create -b "$tmp/e2e-runc" "$cid" </dev/null >/dev/null 2>&1
out=$(bench -n "$runs" -w 10 "$runc" --root "$state" state "$cid" ::: "$rg" --root "$state" state "$cid")
st_runc=$(field "$out" 2 0)
st_rg=$(field "$out" 2 1)

# ---- 5. instruction counts -------------------------------------------------
ir_rows=()
if [[ ${BENCH_CALLGRIND:-1} == 1 ]] && command -v valgrind >/dev/null; then
	# runguard's own work ends at its execv of the runtime (/bin/true here):
	# callgrind dumps the profile up to there into cg.out.1.
	ir() {
		rm -f "$tmp"/cg.out*
		RUNGUARD_RUNTIME=/bin/true valgrind --tool=callgrind --dump-before=execv \
			--callgrind-out-file="$tmp/cg.out" "$@" >/dev/null 2>&1 || true
		awk '/^summary:/ { print $2 }' "$tmp/cg.out.1"
	}
	for size in small medium large; do
		cp "$tmp/configs/$size.json" "$tmp/b-$size/config.json"
		n=$(ir "$rg" create -b "$tmp/b-$size" bench)
		cp "$tmp/enforced-$size.json" "$tmp/b-$size/config.json"
		n2=$(ir "$rg" create -b "$tmp/b-$size" bench)
		case $size in
		small) target=" (target <= 2.0 M)" ;;
		medium) target=" (target <= 3.0 M)" ;;
		*) target=" (linear or better)" ;;
		esac
		ir_rows+=("| create, $size config.json$target | $(awk -v n="$n" 'BEGIN { printf "%.2f", n / 1e6 }') M | $(awk -v n="$n2" 'BEGIN { printf "%.2f", n / 1e6 }') M |")
	done
	# The configuration file's runtime comes from the cache (written by an
	# earlier call: the file is older than a second by now).
	"$rg" --root "$state" state "$cid" >/dev/null 2>&1
	for cmd in "state $cid" "kill $cid 0" "delete $cid" "start $cid" "--version"; do
		# shellcheck disable=SC2086 # the subcommand and its arguments
		n=$(ir "$rg" --root "$state" $cmd)
		ir_rows+=("| passthrough \`${cmd%% *}\` (target <= 0.25 M) | $(awk -v n="$n" 'BEGIN { printf "%.3f", n / 1e6 }') M | |")
	done
	if [[ ! -e /etc/runguard/config.json ]]; then
		n=$(RUNGUARD_CONFIG='' ir "$rg" --root "$state" state "$cid")
		ir_rows+=("| passthrough \`state\`, no configuration file | $(awk -v n="$n" 'BEGIN { printf "%.3f", n / 1e6 }') M | |")
	fi
	# A change of the file (here a chmod) makes the next call parse it again.
	chmod 0600 "$tmp/rg.json"
	n=$(ir "$rg" --root "$state" state "$cid")
	ir_rows+=("| passthrough \`state\`, the configuration file just changed (parsed, not cached) | $(awk -v n="$n" 'BEGIN { printf "%.3f", n / 1e6 }') M | |")
	# References: whole runs, no exec to stop at.
	irall() {
		rm -f "$tmp"/cg.out*
		valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" >/dev/null 2>&1 || true
		awk '/^summary:/ { print $2 }' "$tmp/cg.out"
	}
	n=$(irall /bin/true)
	ir_rows+=("| reference: a whole \`/bin/true\` run | $(awk -v n="$n" 'BEGIN { printf "%.3f", n / 1e6 }') M | |")
	if command -v crun >/dev/null; then
		n=$(irall crun --root "$tmp/crun-state" state nonesuch)
		ir_rows+=("| reference: a whole \`crun state\` run (no such container) | $(awk -v n="$n" 'BEGIN { printf "%.3f", n / 1e6 }') M | |")
	fi
fi

# ---- table ------------------------------------------------------------------
echo "| measurement | runguard | /bin/true (floor) | runguard's own cost | own CPU time | a \`#!/bin/sh exec /bin/true\` wrapper's own cost | ratio | own cost, already enforced (no save) |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "| measurement | runguard | runc | difference | ratio |"
echo "|---|---|---|---|---|"
printf '%s\n' "${e2e_table[@]}"
echo
printf '%s\n' "${e2e_lines[@]}"
echo "| passthrough: \`state\` | $(ms "$st_rg") ms | $(ms "$st_runc") ms | **$(sub_ms "$st_rg" "$st_runc") ms** | $(ratio "$st_rg" "$st_runc") |"
echo
mib() { awk -v k="$1" 'BEGIN { printf "%.2f MiB", k / 1024 }'; }
echo "peak RSS of runguard create (target <= 4 MiB): small $(mib "${rss[small]}"), medium $(mib "${rss[medium]}"), **large $(mib "${rss[large]}")** (${rss[small]}/${rss[medium]}/${rss[large]} KiB; /bin/true alone: $rss_floor KiB)"
if [[ ${#ir_rows[@]} -gt 0 ]]; then
	echo
	echo "| instructions before the exec (callgrind Ir) | to enforce and save | already enforced |"
	echo "|---|---|---|"
	printf '%s\n' "${ir_rows[@]}"
fi
echo
echo "targets: end to end at most 1.5 times the shell wrapper's overhead:" \
	"$(printf '%s; ' "${e2e_ratios[@]}")peak RSS <= 4 MiB: ${rss[large]} KiB; instructions: see the table above"
