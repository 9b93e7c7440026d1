/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_GUARD_H
#define RUNGUARD_GUARD_H

#include <stdio.h>

#include "runguard/cli.h"
#include "runguard/error.h"
#include "runguard/policy.h"
#include "runguard/report.h"

/*
 * The create path: opens the bundle named by cli, loads config.json,
 * enforces the policy and, if anything changed, saves it atomically.
 * On any error config.json is left exactly as it was. The report (owned by
 * the caller, free with rg_report_free) says what changed.
 */
int rg_guard_enforce(const struct rg_cli *cli, const struct rg_policy *policy,
		     struct rg_report *report, struct rg_error **err);

/* One line summarising the report, e.g. for the runtime log. Caller frees. */
char *rg_guard_summary(const struct rg_policy *policy, const struct rg_report *report);

/* `runguard info`: prints version, configuration, policy and runtime to out. */
int rg_guard_info(FILE *out, struct rg_error **err);

#endif
