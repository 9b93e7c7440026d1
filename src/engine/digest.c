/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy digest's arithmetic, shared by rg_policy_select and the
 * build-time generator of the embedded profiles' digests
 * (tools/gen_policy_digests.c), so that both compute the same value.
 */
#include <stdio.h>
#include <string.h>

#include "runguard/policy.h"
#include "runguard/sha256.h"

void rg_policy_digest_of(const char *name, const char *mode, const char *rules, size_t rules_len,
			 const char *seccomp_hex, char out[72])
{
	struct rg_sha256 s;
	char hex[65];

	rg_sha256_init(&s);
	rg_sha256_update(&s, name, strlen(name) + 1);
	rg_sha256_update(&s, mode, strlen(mode) + 1);
	rg_sha256_update(&s, rules, rules_len + 1);
	if (seccomp_hex)
		rg_sha256_update(&s, seccomp_hex, 64);
	rg_sha256_hex(&s, hex);
	snprintf(out, 72, "sha256:%s", hex);
}
