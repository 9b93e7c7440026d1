/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rootfs rule (Pod Security's readOnlyRootFilesystem): root.readonly
 * must be true, so a compromised process cannot plant binaries or alter
 * the image's files. Off in the shipped profiles — most images write
 * somewhere under / — and meant to be switched on per workload class.
 * fix: set root.readonly to true.
 */
#include <errno.h>

#include "runguard/rule_api.h"

static int rootfs_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *root = rg_rule_object(spec, "root", ctx->file, "", false, err);
	if (!root && *err)
		return -EINVAL;
	struct rg_json *ro = rg_json_get(root, "readonly");
	if (ro && ro->type != RG_JSON_NULL && !rg_json_is_bool(ro))
		return rg_error_set(err, EINVAL, "%s: .root.readonly: expected a boolean, got %s",
				    ctx->file, rg_json_type_name(ro->type));
	if (ro && ro->type == RG_JSON_TRUE)
		return 0;
	if (!rg_rule_may_fix(ctx, ".root.readonly", "root filesystem is writable"))
		return 0;
	if (!root)
		root = rg_rule_object(spec, "root", ctx->file, "", true, err);
	struct rg_json *after = rg_json_new_bool(true);
	rg_rule_record(ctx, ".root.readonly", ro, after);
	rg_json_set(root, "readonly", after);
	return 0;
}

const struct rg_rule rg_rule_rootfs = {"rootfs", NULL, rootfs_apply};
