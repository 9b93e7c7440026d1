/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runner: every rule of the registry whose action is not off, in table
 * order, each with its settings and action from the policy; then the
 * violations, if any, as one error.
 */
#include <errno.h>

#include "runguard/policy.h"
#include "runguard/rules.h"
#include "runguard/util.h"

int rg_enforce(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	if (!rg_json_is(spec, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: .: expected an object", ctx->file);
	size_t n;
	const struct rg_rule *const *table = rg_rules_all(&n);
	for (size_t i = 0; i < n; i++) {
		const struct rg_rule *rule = table[i];
		enum rg_action a = rg_policy_action(ctx->policy, rule->name);
		if (a == RG_ACTION_OFF)
			continue;
		ctx->rule = rule->name;
		ctx->settings = rg_policy_rule(ctx->policy, rule->name);
		ctx->action = a;
		int r = rule->apply(spec, ctx, err);
		ctx->rule = NULL;
		ctx->settings = NULL;
		if (r < 0)
			return r;
	}
	if (ctx->report->n_violations > 0) {
		struct rg_buf b = {0};
		rg_buf_printf(&b, "%s: refused by policy %s:", ctx->file, ctx->policy->name);
		for (size_t i = 0; i < ctx->report->n_violations; i++) {
			const struct rg_violation *v = &ctx->report->violations[i];
			rg_buf_printf(&b, "%s %s: %s (rule %s)", i ? ";" : "", v->path, v->msg,
				      v->rule);
		}
		_cleanup_free_ char *msg = rg_buf_steal(&b);
		return rg_error_set(err, EPERM, "%s", msg);
	}
	return 0;
}
