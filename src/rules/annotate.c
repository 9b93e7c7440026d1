/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stamps run.runguard.policy = "<profile>@<digest>" and a short summary of
 * what changed (run.runguard.changes), so `runc state` shows how a container
 * was shaped; engines' inspect commands show the pre-enforcement spec. The
 * policy stamp is always overwritten: a workload cannot claim to be enforced.
 */
#include <errno.h>

#include "runguard/rule_api.h"
#include "runguard/util.h"

#define POLICY_ANNOTATION "run.runguard.policy"
#define CHANGES_ANNOTATION "run.runguard.changes"

static void set_annotation(struct rg_rule_ctx *ctx, struct rg_json *ann, const char *key,
			   const char *value)
{
	struct rg_json *cur = rg_json_get(ann, key);
	const char *s = rg_json_str(cur);
	if (s && rg_streq(s, value))
		return;
	struct rg_json *after = rg_json_new_string(value);
	_cleanup_free_ char *path = rg_xasprintf(".annotations[\"%s\"]", key);
	rg_rule_record(ctx, path, cur, after);
	rg_json_set(ann, key, after);
}

/* "capabilities:4,seccomp:1" — rules that changed something, with counts. */
static char *summarise(const struct rg_report *r)
{
	struct rg_buf b = {0};
	for (size_t i = 0; i < r->n_changes; i++) {
		const char *rule = r->changes[i].rule;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = rg_streq(r->changes[k].rule, rule);
		if (seen)
			continue;
		size_t n = 0;
		for (size_t k = i; k < r->n_changes; k++)
			n += rg_streq(r->changes[k].rule, rule);
		/* By hand, not printf: a create summarises every time. */
		char count[RG_INDEX_MAX];
		if (b.len)
			rg_buf_putc(&b, ',');
		rg_buf_puts(&b, rule);
		rg_buf_putc(&b, ':');
		rg_buf_append(&b, count, rg_put_uint(count, n));
	}
	return rg_buf_steal(&b);
}

static int annotate_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *ann = rg_rule_object(spec, "annotations", ctx->file, "", true, err);
	if (!ann)
		return -EINVAL;
	size_t n_before = ctx->report->n_changes;
	_cleanup_free_ char *summary = summarise(ctx->report);
	_cleanup_free_ char *value = rg_xasprintf("%s@%s", ctx->policy->name, ctx->policy->digest);
	set_annotation(ctx, ann, POLICY_ANNOTATION, value);
	/* Only a pass that changed something rewrites the summary: enforcing an
	 * enforced spec again must change nothing. */
	if (n_before > 0)
		set_annotation(ctx, ann, CHANGES_ANNOTATION, summary);
	return 0;
}

const struct rg_rule rg_rule_annotate = {"annotate", NULL, annotate_apply};
