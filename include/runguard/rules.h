/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_RULES_H
#define RUNGUARD_RULES_H

#include "runguard/error.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"

/*
 * Rules are pure transformations of the spec tree under a policy. Each one
 * records what it changed (fix) or why it refuses (violation) in the report.
 * A rule returns a negative errno with *err set only when the spec cannot be
 * understood (wrong type, unknown name); a policy refusal is a violation.
 */
struct rg_rule_ctx {
	const struct rg_policy *policy;
	const struct rg_host *host;
	struct rg_report *report;
	const char *file; /* name of the config file, for messages */
};

struct rg_rule {
	const char *name;
	int (*apply)(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err);
};

/* Each rule module exports one of these. */
extern const struct rg_rule rg_rule_caps;
extern const struct rg_rule rg_rule_seccomp;
extern const struct rg_rule rg_rule_process;
extern const struct rg_rule rg_rule_resources;
extern const struct rg_rule rg_rule_annotate;

/*
 * Runs every rule in the fixed order of the rule table. Returns 0 when the
 * spec may run (possibly changed); -EPERM with *err set when a rule recorded
 * violations; another negative errno when the spec could not be enforced.
 */
int rg_enforce(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err);

/*
 * Helpers for rules: get or create the object at key (error if the member
 * exists with another type). `path` is the JSON path of obj for messages.
 */
struct rg_json *rg_rule_object(struct rg_json *obj, const char *key, const char *file,
			       const char *path, bool create, struct rg_error **err);
/* Records a change of path from `before` (NULL: absent) to `after` (NULL: removed). */
void rg_rule_record(struct rg_rule_ctx *ctx, const char *rule, const char *path,
		    const struct rg_json *before, const struct rg_json *after);

#endif
