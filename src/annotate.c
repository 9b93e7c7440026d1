/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stamps run.runguard.policy = "<policy>@<digest>" so anyone reading the
 * container's state can tell which policy shaped it. Always overwritten: a
 * workload cannot claim to be enforced.
 */
#include <errno.h>

#include "runguard/rules.h"
#include "runguard/util.h"

#define POLICY_ANNOTATION "run.runguard.policy"

static int annotate_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *ann = rg_rule_object(spec, "annotations", ctx->file, "", true, err);
	if (!ann)
		return -EINVAL;
	_cleanup_free_ char *value = rg_xasprintf("%s@%s", ctx->policy->name, ctx->policy->digest);
	struct rg_json *cur = rg_json_get(ann, POLICY_ANNOTATION);
	const char *s = rg_json_str(cur);
	if (s && rg_streq(s, value))
		return 0;
	struct rg_json *after = rg_json_new_string(value);
	rg_rule_record(ctx, "annotate", ".annotations." POLICY_ANNOTATION, cur, after);
	rg_json_set(ann, POLICY_ANNOTATION, after);
	return 0;
}

const struct rg_rule rg_rule_annotate = {"annotate", annotate_apply};
