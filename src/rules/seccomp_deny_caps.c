/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The capability -> syscalls map of the shipped seccomp profile, for the
 * seccompDeny rule's defence in depth: an engine's profile that allows
 * mount, setns or ptrace to a container without CAP_SYS_ADMIN or
 * CAP_SYS_PTRACE lets the kernel's capability check be the only barrier
 * left; the default profile does not even let the call reach it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/embedded.h"
#include "seccomp_deny_caps.h"
#include "runguard/util.h"

static bool has_str(const struct rg_json *arr, const char *s)
{
	for (size_t i = 0; s && rg_json_is(arr, RG_JSON_ARRAY) && i < arr->n; i++)
		if (rg_streq(rg_json_str(arr->u.items[i]), s))
			return true;
	return false;
}

/* An allowing entry whose includes.caps the bounding set does not all hold. */
static bool needs_missing_cap(const struct rg_json *e, const struct rg_json *bounding)
{
	const struct rg_json *caps = rg_json_get(rg_json_get(e, "includes"), "caps");
	for (size_t i = 0; rg_json_is(caps, RG_JSON_ARRAY) && i < caps->n; i++)
		if (!has_str(bounding, rg_json_str(caps->u.items[i])))
			return true;
	return false;
}

static bool is_allow(const struct rg_json *e)
{
	return rg_streq(rg_json_str(rg_json_get(e, "action")), "SCMP_ACT_ALLOW");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The names of the allowing entries the container qualifies for, sorted for
 * bsearch (borrowed from calls; caller frees the array). One pass: asking
 * every entry for every name was a third of a small create.
 */
static const char **allowed_names(const struct rg_json *calls, const struct rg_json *bounding,
				  size_t *ret_n)
{
	size_t n = 0, cap = 0;
	const char **v = NULL;
	for (size_t i = 0; i < calls->n; i++) {
		const struct rg_json *e = calls->u.items[i];
		const struct rg_json *names = rg_json_get(e, "names");
		if (!is_allow(e) || needs_missing_cap(e, bounding) ||
		    !rg_json_is(names, RG_JSON_ARRAY))
			continue;
		for (size_t k = 0; k < names->n; k++) {
			const char *name = rg_json_str(names->u.items[k]);
			if (!name)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				v = rg_xrealloc(v, cap * sizeof(*v));
			}
			v[n++] = name;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*ret_n = n;
	return v;
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
	_cleanup_json_ struct rg_json *prof = rg_embedded_tree("seccomp");
	const struct rg_json *calls = rg_json_get(prof, "syscalls");
	if (!rg_json_is(calls, RG_JSON_ARRAY))
		return rg_error_set(err, EINVAL, "embedded seccomp profile: no syscalls array");
	size_t n_allowed = 0;
	_cleanup_free_ const char **allowed = allowed_names(calls, bounding, &n_allowed);
	for (size_t i = 0; i < calls->n; i++) {
		const struct rg_json *e = calls->u.items[i];
		if (!is_allow(e) || !needs_missing_cap(e, bounding))
			continue;
		const struct rg_json *names = rg_json_get(e, "names");
		for (size_t k = 0; rg_json_is(names, RG_JSON_ARRAY) && k < names->n; k++) {
			const char *n = rg_json_str(names->u.items[k]);
			if (n && !(n_allowed &&
				   bsearch(&n, allowed, n_allowed, sizeof(*allowed), cmp_str)))
				add_name(out, n);
		}
	}
	if (!has_str(bounding, "CAP_SYS_ADMIN"))
		for (size_t i = 0; i < RG_ARRAY_SIZE(sys_admin_extra); i++)
			add_name(out, sys_admin_extra[i]);
	return 0;
}
