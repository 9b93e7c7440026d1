/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_AUDIT_H
#define RUNGUARD_AUDIT_H

#include "runguard/cli.h"
#include "runguard/error.h"
#include "runguard/guard.h"
#include "runguard/policy.h"

/*
 * Builds the audit record of one decision: a single JSON line (no trailing
 * newline in the returned text's content but one at its end). Caller frees.
 * error_msg is the refusal or failure reason, or NULL.
 */
char *rg_audit_line(const struct rg_config *cfg, const struct rg_cli *cli,
		    const struct rg_decision *d, const char *error_msg);

/*
 * The annotations the audit record names (those that identify a pod or
 * container), copied from ann (an object, or anything else: none) as they
 * are before the rules change them: a new object the caller owns.
 */
struct rg_json *rg_audit_annotations(const struct rg_json *ann);

/*
 * Appends the record to the configured destinations: the audit file (one
 * write(2) with O_APPEND, so concurrent runguard processes never interleave
 * records) and/or syslog. Returns 0, or a negative errno with *err set when
 * the file could not be written.
 */
int rg_audit_write(const struct rg_config *cfg, const char *line, struct rg_error **err);

#endif
