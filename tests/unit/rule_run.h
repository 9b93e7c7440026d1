/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How the rule tests run a rule the way rg_enforce() sets it up; shared by
 * isolation_harness.h and rules_fixture.h, which each fill in the context
 * (policy, host, report, file, bundle) their tests run with.
 */
#ifndef RUNGUARD_TESTS_RULE_RUN_H
#define RUNGUARD_TESTS_RULE_RUN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runguard/error.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"
#include "runguard/rules.h"

/*
 * Runs `rule` on spec under ctx: its settings and action come from
 * ctx->policy, where it must not be off. A NULL rule runs all rules in table
 * order (rg_enforce). ctx->report and *err are emptied first; returns what
 * the rule returns, with *err set on error.
 */
static inline int run_as_enforce(const struct rg_rule *rule, struct rg_rule_ctx *ctx,
				 struct rg_json *spec, struct rg_error **err)
{
	rg_report_free(ctx->report);
	rg_error_free(*err);
	*err = NULL;
	if (!rule)
		return rg_enforce(spec, ctx, err);
	ctx->rule = rule->name;
	ctx->settings = rg_policy_rule(ctx->policy, rule->name);
	ctx->action = rg_policy_action(ctx->policy, rule->name);
	assert_int_not_equal(ctx->action, RG_ACTION_OFF);
	return rule->apply(spec, ctx, err);
}

#endif
