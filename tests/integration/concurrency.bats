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
	for ((i = 0; i < n; i++)); do
		make_bundle "$T/b$i" sleep 1000
		# Everything the policy changes: all capabilities, no seccomp, no no_new_privs.
		edit_config "$T/b$i" --argjson c "$(printf '%s\n' "${ALL_CAPS[@]}" | jq -R . | jq -sc .)" '
			.process.capabilities = {bounding: $c, effective: $c, permitted: $c}
			| .process.noNewPrivileges = false | del(.linux.seccomp)'
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

	local pid st bad=0
	for ((i = 0; i < n; i++)); do
		if [[ "$(cat "$T/rc.$i")" != 0 ]]; then
			echo "# container $i: exit $(cat "$T/rc.$i"): $(cat "$T/err.$i")" >&2
			bad=$((bad + 1))
			continue
		fi
		if grep -qE 'AddressSanitizer|runtime error:' "$T/err.$i"; then
			die "sanitizer report from container $i: $(cat "$T/err.$i")"
		fi
		# What the container's init really has, read from the host.
		pid=$("$REAL_RUNC" --root "$STATE" state "${ids[i]}" | jq -r .pid)
		[[ "$("$REAL_RUNC" --root "$STATE" state "${ids[i]}" | jq -r .status)" == running ]] ||
			die "container $i not running"
		st=$(cat "/proc/$pid/status")
		output=$st
		[[ "$(status_field Seccomp)" == 2 ]] || die "container $i: Seccomp $(status_field Seccomp)"
		[[ "$(status_field NoNewPrivs)" == 1 ]] || die "container $i: NoNewPrivs $(status_field NoNewPrivs)"
		assert_mask_within CapBnd "$CEILING_MASK" || die "container $i: CapBnd"
		assert_mask_within CapEff "$CEILING_MASK" || die "container $i: CapEff"
		# Each bundle got its own rewrite, not a neighbour's.
		[[ "$(cfg "$T/b$i" '.process.args')" == '["sleep","1000"]' ]] || die "container $i: args"
		[[ "$(cfg "$T/b$i" '.linux.resources.pids.limit')" == 2048 ]] || die "container $i: pids"
		[[ -z "$(ls -A "$T/b$i" | grep -v -e '^config.json$' -e '^rootfs$')" ]] ||
			die "container $i: files left in the bundle: $(ls -A "$T/b$i")"
	done
	((bad == 0)) || die "$bad of $n runguard run -d failed"

	# The audit log: exactly n lines, each a JSON object, one per container.
	[[ $(wc -l <"$T/audit.log") -eq $n ]] || die "audit log has $(wc -l <"$T/audit.log") lines, expected $n"
	local line k=0
	while IFS= read -r line; do
		k=$((k + 1))
		jq -ce 'select(type == "object" and .command == "run" and .decision == "fixed"
			and (.id | type) == "string" and (.changes | length) > 0)' <<<"$line" >/dev/null ||
			die "audit line $k is not a well-formed run record: $line"
	done <"$T/audit.log"
	[[ "$(jq -r .id "$T/audit.log" | sort -u | wc -l)" -eq $n ]] || die "audit ids are not $n distinct ids"
	[[ "$(jq -r .id "$T/audit.log" | sort)" == "$(printf '%s\n' "${ids[@]}" | sort)" ]] ||
		die "audit ids differ from the containers started"

	# Clean up all of them through runguard (passthrough), in parallel too.
	for ((i = 0; i < n; i++)); do
		timeout 60 "$RUNGUARD_BIN" --root "$STATE" delete -f "${ids[i]}" >/dev/null 2>"$T/del.$i" &
	done
	wait
	assert_no_containers
	# Passthrough commands write no audit records.
	[[ $(wc -l <"$T/audit.log") -eq $n ]] || die "delete added audit lines"
}
