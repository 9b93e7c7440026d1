/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capability names: libcap's table (taken at build time), spelled as runc spells them. runc looks
 * capabilities up by the exact string "CAP_" + upper-case name; anything
 * else (lower case, numbers, blanks) is not a capability to runc.
 */
#include <stdlib.h>
#include <string.h>

#include "runguard/capnames.h"
#include "runguard/util.h"

/* libcap's names, made at build time by tools/gen_cap_names.c (Makefile). */
static const char *const names[] = {
#include "cap_names.h"
};

int rg_capnames_lookup(const char *name)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++)
		if (rg_streq(names[i], name))
			return (int)i;
	return -1;
}

const char *rg_capnames_name(int cap)
{
	return cap >= 0 && (size_t)cap < RG_ARRAY_SIZE(names) ? names[cap] : NULL;
}

int rg_capnames_count(void)
{
	return (int)RG_ARRAY_SIZE(names);
}
