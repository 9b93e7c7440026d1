/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shipped profiles compiled into the binary (src/engine/embed.S): as
 * text, and as trees packed at build time (tools/gen_packed.c). A leaf: the
 * policy, the configuration check and the seccomp rules read them.
 */
#include "runguard/embedded.h"
#include "runguard/util.h"

/* Generated at build time from profiles/seccomp-default.json (Makefile). */
#include "embedded_digest.h"

extern const char rg_embedded_seccomp_start[], rg_embedded_seccomp_end[];
extern const char rg_embedded_baseline_start[], rg_embedded_baseline_end[];
extern const char rg_embedded_restricted_start[], rg_embedded_restricted_end[];
extern const char rg_embedded_privileged_start[], rg_embedded_privileged_end[];
extern const char rg_embedded_seccomp_packed_start[], rg_embedded_seccomp_packed_end[];
extern const char rg_embedded_baseline_packed_start[], rg_embedded_baseline_packed_end[];
extern const char rg_embedded_restricted_packed_start[], rg_embedded_restricted_packed_end[];
extern const char rg_embedded_privileged_packed_start[], rg_embedded_privileged_packed_end[];

static const struct {
	const char *name;
	const char *start;
	const char *end;
	const char *packed_start; /* the same tree packed at build time (src/lib/jsonpack.c) */
	const char *packed_end;
} embedded_profiles[] = {
    {"baseline", rg_embedded_baseline_start, rg_embedded_baseline_end,
     rg_embedded_baseline_packed_start, rg_embedded_baseline_packed_end},
    {"restricted", rg_embedded_restricted_start, rg_embedded_restricted_end,
     rg_embedded_restricted_packed_start, rg_embedded_restricted_packed_end},
    {"privileged", rg_embedded_privileged_start, rg_embedded_privileged_end,
     rg_embedded_privileged_packed_start, rg_embedded_privileged_packed_end},
    {"seccomp", rg_embedded_seccomp_start, rg_embedded_seccomp_end,
     rg_embedded_seccomp_packed_start, rg_embedded_seccomp_packed_end},
};

const char *rg_embedded_seccomp_sha256(void)
{
	return RG_EMBEDDED_SECCOMP_SHA256;
}

const char *rg_embedded_seccomp(size_t *ret_len)
{
	*ret_len = (size_t)(rg_embedded_seccomp_end - rg_embedded_seccomp_start);
	return rg_embedded_seccomp_start;
}

struct rg_json *rg_embedded_tree(const char *name)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(embedded_profiles); i++)
		if (rg_streq(name, embedded_profiles[i].name))
			return rg_json_unpack(embedded_profiles[i].packed_start,
					      (size_t)(embedded_profiles[i].packed_end -
						       embedded_profiles[i].packed_start));
	return NULL;
}

const char *rg_embedded_profile(const char *name, size_t *ret_len)
{
	/* The seccomp entry is not a policy profile. */
	if (rg_streq(name, "seccomp"))
		return NULL;
	for (size_t i = 0; i < RG_ARRAY_SIZE(embedded_profiles); i++) {
		if (rg_streq(name, embedded_profiles[i].name)) {
			*ret_len = (size_t)(embedded_profiles[i].end - embedded_profiles[i].start);
			return embedded_profiles[i].start;
		}
	}
	return NULL;
}
