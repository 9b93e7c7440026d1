/* SPDX-License-Identifier: Apache-2.0 */
/* The resources rule: a pids limit, so a fork bomb stays inside its container. */
#include <errno.h>
#include <stdio.h>

#include "runguard/rules.h"

static int resources_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
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
	char text[32];
	snprintf(text, sizeof(text), "%lld", ctx->policy->pids_default);
	struct rg_json *after = rg_json_new_number(text);
	rg_rule_record(ctx, "resources", ".linux.resources.pids.limit", limit, after);
	rg_json_set(pids, "limit", after);
	return 0;
}

const struct rg_rule rg_rule_resources = {"resources", resources_apply};
