/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_PARTIAL_H
#define RUNGUARD_PARTIAL_H

#include <stdbool.h>

#include "runguard/cli.h"
#include "runguard/container.h"
#include "runguard/error.h"
#include "runguard/guard.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"

/*
 * exec and update change a running container piecemeal: a process, a flag,
 * a few resource values. They are held to the same rules as create by
 * building a partial spec from what they ask for and running the relevant
 * rules on it; this module is that plumbing.
 */

/*
 * Runs the rule named `rule` on spec under policy p, with the rule's action
 * and settings, recording into report (`file` names the input in the
 * rule's messages). A rule that is off, or not in this build, does nothing.
 * Returns 0, or the rule's negative errno with *err set.
 */
int rg_partial_run(const struct rg_policy *p, const struct rg_host *host, const char *rule,
		   struct rg_json *spec, const char *file, struct rg_report *report,
		   struct rg_error **err);

/*
 * Copies into `to` the changes and violations of `from` whose path is
 * `path`, under the path `shown` instead. Returns how many were copied.
 */
size_t rg_partial_take(struct rg_report *to, const struct rg_report *from, const char *path,
		       const char *shown);

/*
 * Copies every entry of `from` into `to`, dropping `prefix` from the front
 * of paths that start with it.
 */
void rg_partial_take_all(struct rg_report *to, const struct rg_report *from, const char *prefix);

/* "<what>: refused by policy <name>: <path>: <msg> (rule <r>); ..." Caller frees. */
char *rg_partial_refusal(const char *what, const struct rg_policy *p, const struct rg_report *r);

/*
 * Sets d->verdict from d's report and the policy's mode, as create does:
 * in enforce mode violations refuse (-EPERM, *err says why, `what` first)
 * and changes are "fixed"; in audit and warn mode nothing refuses and the
 * verdict is "would-reject", "would-fix" or "unchanged". Returns 0 or
 * -EPERM. *ret_apply tells whether the changes are to be applied.
 */
int rg_partial_conclude(struct rg_decision *d, const char *what, bool *ret_apply,
			struct rg_error **err);

/*
 * The start of exec and update: looks up the container named on cli's
 * command line (its state and config.json, through `runtime`), records its
 * config.json and annotations in d, selects the policy for it into
 * d->policy and detects the host's facts into *host. `input` (the file given
 * with -p or -r, or NULL) is recorded as d->input. Returns 0 or a negative
 * errno with *err set; *c is the caller's to free either way.
 */
int rg_partial_begin(const char *runtime, const struct rg_cli *cli, const struct rg_config *cfg,
		     const char *input, struct rg_container *c, struct rg_decision *d,
		     struct rg_host *host, struct rg_error **err);

/*
 * Is it certain that the container cli names does not exist? Its id is one
 * runc accepts and <root>/<id> is absent, root being --root or, for root,
 * the runtime's default (/run/runc, /run/crun). Then there is nothing to
 * judge, and the real runtime gives its own error and exit status.
 */
bool rg_partial_is_missing(const char *runtime, const struct rg_cli *cli);

/*
 * The argv for exec or update of a container found missing: the caller's,
 * with the --process (--resources) file replaced by /dev/null, or
 * "--process=/dev/null" added. runc and crun look the container up first
 * and fail as they would have; should the container appear in between, they
 * fail on the empty JSON instead of running anything unjudged. *a is
 * always initialised. Returns 0 or a negative errno.
 */
int rg_partial_disarm(const struct rg_cli *cli, int argc, char *const argv[], struct rg_argv *a,
		      struct rg_error **err);

#endif
