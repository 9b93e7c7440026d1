#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# 50 containers started in parallel through runguard with the real runc
# (`run -d`, a sleeping busybox): every one hardened as if it had been
# started alone, and the audit log holds exactly 50 well-formed records, one
# per container (each record is one O_APPEND write, so parallel runguard
# processes must never interleave or lose lines).

load helpers

RG_PARALLEL=${RG_PARALLEL:-50}

@test "concurrency: 50 containers created in parallel are all hardened; the audit log has exactly one well-formed line each" {
	local n=$RG_PARALLEL i ids=()
	printf '{"audit": {"file": "%s"}}\n' "$T/audit.log" >"$T/rg.json"
	# One template (everything the policy changes: all capabilities, no
	# seccomp, no no_new_privs), copied into n bundles.
	make_bundle "$T/template" sleep 1000
	edit_config "$T/template" --argjson c "$(all_caps_json)" '
		.process.capabilities = {bounding: $c, effective: $c, permitted: $c}
		| .process.noNewPrivileges = false | del(.linux.seccomp)'
	for ((i = 0; i < n; i++)); do
		mkdir -m 0755 "$T/b$i"
		cp -al "$T/template/rootfs" "$T/b$i/rootfs"
		cp "$T/template/config.json" "$T/b$i/config.json"
		new_id "ids[$i]"
	done

	# All at once; each waits at most 120 s.
	local t0=$SECONDS
	for ((i = 0; i < n; i++)); do
		(
			RUNGUARD_CONFIG=$T/rg.json timeout --kill-after=5 120 "$RUNGUARD_BIN" --root "$STATE" \
				run -d -b "$T/b$i" "${ids[i]}" </dev/null >"$T/out.$i" 2>"$T/err.$i"
			echo $? >"$T/rc.$i"
		) &
	done
	wait
	echo "# $n parallel runguard run -d: $((SECONDS - t0)) s" >&3

	local i bad=0
	for ((i = 0; i < n; i++)); do
		if [[ "$(cat "$T/rc.$i")" != 0 ]]; then
			echo "# container $i: exit $(cat "$T/rc.$i"): $(cat "$T/err.$i")" >&2
			bad=$((bad + 1))
		fi
		! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$T/err.$i" ||
			die "sanitizer report from container $i: $(cat "$T/err.$i")"
	done
	((bad == 0)) || die "$bad of $n runguard run -d failed"

	# What each container's init really has, read on the host from
	# /proc/PID/status (bash builtins only: 50 containers on 2 CPUs).
	local id pid key val seen
	local -A want=([Seccomp:]=2 [NoNewPrivs:]=1)
	while read -r id pid; do
		seen=0
		while read -r key val _; do
			case $key in
			Seccomp: | NoNewPrivs:)
				[[ "$val" == "${want[$key]}" ]] || die "container $id: $key $val"
				seen=$((seen + 1))
				;;
			CapBnd: | CapEff: | CapPrm:)
				(((16#$val & ~CEILING_MASK) == 0)) || die "container $id: $key $val exceeds $CEILING_MASK"
				seen=$((seen + 1))
				;;
			esac
		done <"/proc/$pid/status"
		[[ $seen -eq 5 ]] || die "container $id: incomplete /proc/$pid/status"
	done < <("$REAL_RUNC" --root "$STATE" list --format json |
		jq -r '.[] | select(.status == "running") | "\(.id) \(.pid)"')
	[[ $("$REAL_RUNC" --root "$STATE" list -q | wc -l) -eq $n ]] || die "not $n containers"
	[[ $("$REAL_RUNC" --root "$STATE" list --format json | jq '[.[] | select(.status == "running")] | length') -eq $n ]] ||
		die "not all $n containers are running"

	# Each bundle got its own rewrite (not a neighbour's, no temp file left).
	[[ "$(jq -c '[.process.args, .linux.resources.pids.limit, (.annotations["run.runguard.policy"] | type)]' \
		"$T"/b*/config.json | sort | uniq -c | awk '{ print $1, $2 }')" == "$n [[\"sleep\",\"1000\"],2048,\"string\"]" ]] ||
		die "bundles not all enforced alike"
	[[ -z "$(ls -A "$T"/b*/ | grep -vE '^(config\.json|rootfs|)$' | grep -v ':$')" ]] || die "files left in bundles"

	# The audit log: exactly n lines, each one JSON object (fromjson parses
	# each line alone, so two records run together fail), one per container.
	[[ $(wc -l <"$T/audit.log") -eq $n ]] || die "audit log has $(wc -l <"$T/audit.log") lines, expected $n"
	jq -R -c 'fromjson | select(type == "object" and .command == "run" and .decision == "fixed"
		and (.changes | length) > 0) | .id' "$T/audit.log" | sort >"$T/audit.ids" ||
		die "audit log is not one JSON record per line: $(cat "$T/audit.log")"
	[[ "$(cat "$T/audit.ids")" == "$(printf '"%s"\n' "${ids[@]}" | sort)" ]] ||
		die "audit records do not match the containers started: $(cat "$T/audit.ids")"

	# Clean up all of them through runguard (passthrough), in parallel too.
	for ((i = 0; i < n; i++)); do
		timeout 60 "$RUNGUARD_BIN" --root "$STATE" delete -f "${ids[i]}" >/dev/null 2>"$T/del.$i" &
	done
	wait
	assert_no_containers
	# Passthrough commands write no audit records.
	[[ $(wc -l <"$T/audit.log") -eq $n ]] || die "delete added audit lines"
}
