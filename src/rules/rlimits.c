/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rlimits rule: process.rlimits never ask for more than the runtime's
 * own hard limits, which are runguard's (it execs the real runtime with
 * them). Raising a hard limit needs CAP_SYS_RESOURCE; without it runc fails
 * late with "error setting rlimit type 7: operation not permitted" (podman's
 * default nofile of 1048576 on a host whose hard limit is lower). fix
 * lowers the hard limit (and a soft limit above it) to runguard's; reject
 * refuses with the rlimit and both values named. The rule takes no
 * settings; the limits come from the host adapter.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "runguard/rule_api.h"
#include "runguard/util.h"

/* runc's names, numbered as this kernel numbers them. */
static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},		  {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},	  {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},	  {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},	  {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},	  {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},	  {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},	  {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static int lookup(const char *name)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(rlimit_names); i++)
		if (rg_streq(name, rlimit_names[i].name))
			return rlimit_names[i].resource;
	return -1;
}

static void show(char *buf, size_t n, unsigned long long v)
{
	if (v == RG_HOST_RLIM_INFINITY)
		snprintf(buf, n, "unlimited");
	else
		snprintf(buf, n, "%llu", v);
}

/* hard and soft of one entry; absent means 0, as Go decodes it. */
static int read_entry(const struct rg_json *e, const char *path, const char *file, int *ret_res,
		      unsigned long long v[2], struct rg_error **err)
{
	static const char *const keys[] = {"hard", "soft"};
	const char *type = rg_json_str(rg_json_get(e, "type"));

	if (!rg_json_is(e, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: %s: expected an object, got %s", file, path,
				    rg_json_type_name(e->type));
	if (!type)
		return rg_error_set(err, EINVAL, "%s: %s.type: expected an rlimit name", file,
				    path);
	*ret_res = lookup(type);
	if (*ret_res < 0 || strlen(type) != rg_json_get(e, "type")->u.s.len) {
		_cleanup_free_ char *shown = rg_json_brief(rg_json_get(e, "type"));
		return rg_error_set(err, EINVAL, "%s: %s.type: unknown rlimit %s", file, path,
				    shown);
	}
	for (size_t k = 0; k < 2; k++) {
		const struct rg_json *j = rg_json_get(e, keys[k]);
		v[k] = 0;
		if (j && rg_rule_uint64(j, &v[k]) < 0)
			return rg_error_set(
			    err, EINVAL, "%s: %s.%s: expected an unsigned integer, got %s", file,
			    path, keys[k],
			    j->type == RG_JSON_NUMBER ? j->u.s.text : rg_json_type_name(j->type));
	}
	return 0;
}

static void set_u64(struct rg_rule_ctx *ctx, struct rg_json *e, const char *path, const char *key,
		    unsigned long long v)
{
	char text[32];
	snprintf(text, sizeof(text), "%llu", v);
	struct rg_json *after = rg_json_new_number(text);
	_cleanup_free_ char *p = rg_xasprintf("%s.%s", path, key);
	rg_rule_record(ctx, p, rg_json_get(e, key), after);
	rg_json_set(e, key, after);
}

static int rlimits_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	if (!ctx->host->has_rlimits)
		return 0;
	struct rg_json *proc = rg_rule_object(spec, "process", ctx->file, "", false, err);
	if (!proc)
		return *err ? -EINVAL : 0;
	struct rg_json *rl = rg_json_get(proc, "rlimits");
	if (!rl || rl->type == RG_JSON_NULL)
		return 0;
	if (rl->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL, "%s: .process.rlimits: expected an array, got %s",
				    ctx->file, rg_json_type_name(rl->type));
	for (size_t i = 0; i < rl->n; i++) {
		char path[48], have[24], want[24];
		unsigned long long v[2];
		int res = -1;
		snprintf(path, sizeof(path), ".process.rlimits[%zu]", i);
		int r = read_entry(rl->u.items[i], path, ctx->file, &res, v, err);
		if (r < 0)
			return r;
		unsigned long long max = res >= 0 && res < RG_HOST_NRLIMITS
					     ? ctx->host->rlimit_hard[res]
					     : RG_HOST_RLIM_INFINITY;
		if (v[0] <= max && v[1] <= max)
			continue;
		/* Name the hard limit, or the soft one when only it is above. */
		size_t k = v[0] > max ? 0 : 1;
		show(have, sizeof(have), max);
		show(want, sizeof(want), v[k]);
		if (!rg_rule_may_fix(ctx, path,
				     "%s %s limit %s is above the runtime's own hard limit of %s",
				     rg_json_str(rg_json_get(rl->u.items[i], "type")),
				     k == 0 ? "hard" : "soft", want, have))
			continue;
		if (v[0] > max)
			set_u64(ctx, rl->u.items[i], path, "hard", max);
		if (v[1] > max)
			set_u64(ctx, rl->u.items[i], path, "soft", max);
	}
	return 0;
}

const struct rg_rule rg_rule_rlimits = {"rlimits", NULL, rlimits_apply};
