/* SPDX-License-Identifier: Apache-2.0 */
/* The noNewPrivileges rule: setuid binaries and file capabilities gain nothing. */
#include <errno.h>

#include "runguard/rule_api.h"

static int nnp_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *proc = rg_rule_object(spec, "process", ctx->file, "", false, err);
	if (!proc && *err)
		return -EINVAL;
	struct rg_json *nnp = rg_json_get(proc, "noNewPrivileges");
	if (nnp && nnp->type != RG_JSON_NULL && !rg_json_is_bool(nnp))
		return rg_error_set(err, EINVAL,
				    "%s: .process.noNewPrivileges: expected a boolean, got %s",
				    ctx->file, rg_json_type_name(nnp->type));
	if (nnp && nnp->type == RG_JSON_TRUE)
		return 0;
	if (!rg_rule_may_fix(ctx, ".process.noNewPrivileges", "privilege escalation allowed"))
		return 0;
	if (!proc)
		proc = rg_rule_object(spec, "process", ctx->file, "", true, err);
	struct rg_json *after = rg_json_new_bool(true);
	rg_rule_record(ctx, ".process.noNewPrivileges", nnp, after);
	rg_json_set(proc, "noNewPrivileges", after);
	return 0;
}

const struct rg_rule rg_rule_no_new_privileges = {"noNewPrivileges", NULL, nnp_apply};
