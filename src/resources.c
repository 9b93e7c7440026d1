/* SPDX-License-Identifier: Apache-2.0 */
/* The resources rule: a pids limit, so a fork bomb stays inside its container. */
#include <errno.h>
#include <stdio.h>

#include "runguard/rules.h"
#include "runguard/util.h"

#define DEFAULT_PIDS 2048 /* as podman */

static int resources_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	const struct rg_json *pids_settings = rg_json_get(ctx->settings, "pids");
	long long def = rg_settings_int(pids_settings, "default", DEFAULT_PIDS);
	struct rg_json *linux_ = rg_rule_object(spec, "linux", ctx->file, "", true, err);
	if (!linux_)
		return -EINVAL;
	struct rg_json *res = rg_rule_object(linux_, "resources", ctx->file, ".linux", true, err);
	if (!res)
		return -EINVAL;
	struct rg_json *pids =
		rg_rule_object(res, "pids", ctx->file, ".linux.resources", true, err);
	if (!pids)
		return -EINVAL;
	struct rg_json *limit = rg_json_get(pids, "limit");
	long long v = 0;

	if (limit && limit->type != RG_JSON_NULL) {
		int r = rg_json_int64(limit, &v);
		if (r < 0)
			return rg_error_set(err, EINVAL,
					    "%s: .linux.resources.pids.limit: expected an integer, "
					    "got %s",
					    ctx->file, rg_json_type_name(limit->type));
		/* 0 means "not set" to runc and negative means unlimited. */
		if (v > 0)
			return 0;
	}
	if (!rg_rule_may_fix(ctx, ".linux.resources.pids.limit", "no pids limit"))
		return 0;
	char text[32];
	snprintf(text, sizeof(text), "%lld", def);
	struct rg_json *after = rg_json_new_number(text);
	rg_rule_record(ctx, ".linux.resources.pids.limit", limit, after);
	rg_json_set(pids, "limit", after);
	return 0;
}

static int resources_check(const struct rg_json *settings, const char *file, const char *path,
			   struct rg_error **err)
{
	static const char *const keys[] = {"pids", NULL};
	static const char *const pid_keys[] = {"default", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	const struct rg_json *pids = rg_json_get(settings, "pids");
	if (!pids)
		return 0;
	_cleanup_free_ char *sub = rg_xasprintf("%s.pids", path);
	if (!rg_json_is(pids, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: %s: expected an object", file, sub);
	for (size_t i = 0; i < pids->n; i++)
		if (!rg_streq(pids->u.members[i].key, pid_keys[0]))
			return rg_error_set(err, EINVAL, "%s: %s.%s: unknown setting", file, sub,
					    pids->u.members[i].key);
	long long v;
	const struct rg_json *d = rg_json_get(pids, "default");
	if (d && (rg_json_int64(d, &v) < 0 || v <= 0))
		return rg_error_set(err, EINVAL, "%s: %s.default: expected a positive integer",
				    file, sub);
	return 0;
}

const struct rg_rule rg_rule_resources = {"resources", resources_check, resources_apply};
