/* SPDX-License-Identifier: Apache-2.0 */
/* The process rule: no_new_privs, so setuid binaries and file capabilities gain nothing. */
#include <errno.h>

#include "runguard/rules.h"

static int process_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *proc = rg_rule_object(spec, "process", ctx->file, "", true, err);
	if (!proc)
		return -EINVAL;
	struct rg_json *nnp = rg_json_get(proc, "noNewPrivileges");
	if (nnp && nnp->type != RG_JSON_NULL && !rg_json_is_bool(nnp))
		return rg_error_set(err, EINVAL,
				    "%s: .process.noNewPrivileges: expected a boolean, got %s",
				    ctx->file, rg_json_type_name(nnp->type));
	if (nnp && nnp->type == RG_JSON_TRUE)
		return 0;
	struct rg_json *after = rg_json_new_bool(true);
	rg_rule_record(ctx, "process", ".process.noNewPrivileges", nnp, after);
	rg_json_set(proc, "noNewPrivileges", after);
	return 0;
}

const struct rg_rule rg_rule_process = {"process", process_apply};
