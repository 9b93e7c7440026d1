/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_GUARD_H
#define RUNGUARD_GUARD_H

#include <stdbool.h>
#include <stdio.h>

#include "runguard/cli.h"
#include "runguard/error.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"

/* What the create path decided, for the audit record. Free with rg_decision_free(). */
struct rg_decision {
	bool has_policy;
	struct rg_policy policy;
	struct rg_report report;
	struct rg_json
	    *annotations; /* the identifying annotations as read (rg_audit_annotations), or NULL */
	char *config_name; /* <bundle>/config.json */
	const char *verdict; /* "unchanged", "fixed", "rejected", "would-fix",
				"would-reject", "error" */
	/* SELinux on the host ("enforcing", "disabled", ...; static), or NULL: not determined */
	const char *selinux;
	char *input; /* exec --process / update --resources file ("-":
			stdin), or NULL */
	struct rg_json *spec; /* create: the spec as saved, kept until the exec
				 (freeing a large tree costs more than parsing it) */
};

void rg_decision_free(struct rg_decision *d);

/*
 * The create path: opens the bundle named by cli, loads config.json,
 * selects the policy from its annotations, enforces it and, in enforce mode
 * when anything changed, saves it atomically. In audit and warn mode nothing
 * is written and violations do not refuse. On any error config.json is left
 * exactly as it was; d says what was decided either way.
 */
int rg_guard_enforce(const struct rg_cli *cli, const struct rg_config *cfg, struct rg_decision *d,
		     struct rg_error **err);

/* One line summarising the decision, e.g. for the runtime log. Caller frees. */
char *rg_guard_summary(const struct rg_decision *d);

/* `runguard info`: version, configuration, policy and runtime. */
int rg_guard_info(FILE *out, struct rg_error **err);

/* `runguard check-config [FILE]`: validates, prints the effective policy as JSON. */
int rg_guard_check_config(const char *file, FILE *out, struct rg_error **err);

/*
 * `runguard explain BUNDLE|FILE`: prints the RFC 6902 JSON Patch from the
 * given config.json to the enforced one on out and a summary on `summary`.
 * Touches nothing. Returns 0 (would run), 1 (would be rejected) or a
 * negative errno with *err set.
 */
int rg_guard_explain(const char *path, FILE *out, FILE *summary, struct rg_error **err);

#endif
