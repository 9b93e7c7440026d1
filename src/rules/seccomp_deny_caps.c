/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The capability -> syscalls map of the shipped seccomp profile, for the
 * seccompDeny rule's defence in depth: an engine's profile that allows
 * mount, setns or ptrace to a container without CAP_SYS_ADMIN or
 * CAP_SYS_PTRACE lets the kernel's capability check be the only barrier
 * left; the default profile does not even let the call reach it.
 */
#include <stdbool.h>
#include <string.h>

#include "seccomp_deny_caps.h"
#include "runguard/util.h"

/* The shipped profile's allowing entries as tables, made at build time (tools/gen_seccomp_caps.c).
 */
#include "seccomp_caps_table.h"

static bool has_str(const struct rg_json *arr, const char *s)
{
	if (!s || !rg_json_is(arr, RG_JSON_ARRAY))
		return false;
	/* rg_streq on each item, its length ruling most of them out first. */
	size_t len = strlen(s);
	for (size_t i = 0; i < arr->n; i++) {
		const struct rg_json *j = arr->u.items[i];
		if (j->type == RG_JSON_STRING && j->u.s.len >= len && j->u.s.text[len] == '\0' &&
		    memcmp(j->u.s.text, s, len) == 0)
			return true;
	}
	return false;
}

static void add_name(struct rg_json *out, const char *name)
{
	if (!rg_streq(name, "clone") && !rg_streq(name, "clone3") && !has_str(out, name))
		rg_json_append(out, rg_json_new_string(name));
}

int rg_seccomp_cap_only_names(const struct rg_json *bounding, struct rg_json *out,
			      struct rg_error **err)
{
	/* Never allowed by the shipped profile; nothing but CAP_SYS_ADMIN makes them work. */
	static const char *const sys_admin_extra[] = {"swapon", "swapoff", "nfsservctl"};
	unsigned long long held = 0;
	bool allowed[RG_SCC_N_NAMES] = {false};

	/* An entry qualifies when the bounding set holds every cap of its includes.caps. */
	for (size_t i = 0; i < RG_ARRAY_SIZE(rg_scc_caps); i++)
		if (has_str(bounding, rg_scc_caps[i]))
			held |= 1ull << i;
	for (size_t i = 0; i < RG_ARRAY_SIZE(rg_scc_entries); i++) {
		const struct rg_scc_entry *e = &rg_scc_entries[i];
		if ((e->caps & ~held) == 0)
			for (unsigned k = 0; k < e->n; k++)
				allowed[rg_scc_ids[e->first + k]] = true;
	}
	/* Names only an entry the container does not qualify for allows. */
	for (size_t i = 0; i < RG_ARRAY_SIZE(rg_scc_entries); i++) {
		const struct rg_scc_entry *e = &rg_scc_entries[i];
		if ((e->caps & ~held) == 0)
			continue;
		for (unsigned k = 0; k < e->n; k++) {
			unsigned id = rg_scc_ids[e->first + k];
			if (!allowed[id])
				add_name(out, rg_scc_names + rg_scc_name_at[id]);
		}
	}
	if (!has_str(bounding, "CAP_SYS_ADMIN"))
		for (size_t i = 0; i < RG_ARRAY_SIZE(sys_admin_extra); i++)
			add_name(out, sys_admin_extra[i]);
	(void)err;
	return 0;
}
