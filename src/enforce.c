/* SPDX-License-Identifier: Apache-2.0 */
/* The rule table and the helpers rules share. Adding a rule: one line here. */
#include <errno.h>
#include <stdlib.h>

#include "runguard/rules.h"
#include "runguard/util.h"

/* Fixed order: capabilities first, since seccomp resolves against the final capabilities. */
static const struct rg_rule *const rule_table[] = {
    &rg_rule_caps, &rg_rule_seccomp, &rg_rule_process, &rg_rule_resources, &rg_rule_annotate,
};

struct rg_json *rg_rule_object(struct rg_json *obj, const char *key, const char *file,
			       const char *path, bool create, struct rg_error **err)
{
	struct rg_json *v = rg_json_get(obj, key);

	if (v && v->type == RG_JSON_OBJECT)
		return v;
	if (v && v->type != RG_JSON_NULL) {
		rg_error_set(err, EINVAL, "%s: %s.%s: expected an object, got %s", file, path, key,
			     rg_json_type_name(v->type));
		return NULL;
	}
	if (!create)
		return NULL;
	v = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(obj, key, v);
	return v;
}

void rg_rule_record(struct rg_rule_ctx *ctx, const char *rule, const char *path,
		    const struct rg_json *before, const struct rg_json *after)
{
	_cleanup_free_ char *b = before ? rg_json_brief(before) : NULL;
	_cleanup_free_ char *a = after ? rg_json_brief(after) : NULL;
	rg_report_change(ctx->report, rule, path, b, a);
}

int rg_enforce(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	if (!rg_json_is(spec, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: .: expected an object", ctx->file);
	for (size_t i = 0; i < RG_ARRAY_SIZE(rule_table); i++) {
		int r = rule_table[i]->apply(spec, ctx, err);
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
