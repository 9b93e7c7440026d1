/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_UPDATE_H
#define RUNGUARD_UPDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "runguard/cli.h"
#include "runguard/error.h"
#include "runguard/guard.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"

/*
 * `update`: a running container's limits can be changed (Kubernetes'
 * in-place resize goes through here), but not past the maxima its policy's
 * "resources" rule sets at create. The values update asks for (--memory,
 * --cpu-quota, --cpu-share, --pids-limit, or the memory, cpu, pids and
 * unified members of a --resources file or stdin) are run through that
 * rule: above the maximum is clamped (fix) or refused (reject); "unlimited"
 * (-1) gets the rule's default as at create, under the swap limit; 0,
 * which runc reads as "leave as is", is left alone. devices get the
 * devices rule; members runc and crun do not define are refused.
 */

struct rg_update_check {
	const struct rg_policy *policy;
	const struct rg_host *host;
	const struct rg_json *container; /* its config.json: the cpu period and quota it has */
	struct rg_report *report; /* findings go here */
	/*
	 * The host limits memory+swap (cgroup v1 memory.memsw.*): there runc reads
	 * a memory limit of -1 with no swap given as swap -1 too, and writes swap
	 * first. When the rule turns that -1 into its default, runguard says
	 * "swap -1" itself, or the default would land above the swap limit the
	 * container has (memory.limit_in_bytes: invalid argument).
	 */
	bool has_memsw;
};

/*
 * Checks update's flags; clamped values are written into *a in place of
 * the value given (same argv shape). Returns 0, or -EINVAL with *err set
 * for a value runc would not parse either.
 */
int rg_update_check_flags(const struct rg_update_check *x, const struct rg_cli_flag *flags,
			  size_t n, struct rg_argv *a, struct rg_error **err);

/*
 * Checks a resources object (runc's `update -r` JSON, a LinuxResources) in
 * place: the resources rule, the devices rule, and every member known;
 * `name` names it in messages. Returns 0 or a negative errno (-EINVAL for
 * a member runguard does not know or a value of the wrong type).
 */
int rg_update_check_resources(const struct rg_update_check *x, struct rg_json *res,
			      const char *name, struct rg_error **err);

/*
 * runc's size syntax for --memory and --memory-swap (docker/go-units 0.4
 * RAMInBytes): digits with an optional fraction, an optional space, an
 * optional unit k, m, g, t or p (binary, any case), an optional "i" and an
 * optional "b"; or "-1". *ret_over when the value does not fit an int64.
 * Returns 0 or -EINVAL.
 */
int rg_update_parse_ram(const char *s, long long *ret, bool *ret_over);

/*
 * The update path: finds the container, selects its policy, checks flags
 * and the --resources file or stdin, and builds *ret_argv (always
 * initialised). The file or stdin is read once and the runtime gets a
 * sealed memfd holding what was judged (the enforced JSON in enforce mode):
 * as /proc/self/fd/N in place of the file's name, or as its stdin for
 * `-r -`. Returns 0, -EPERM when refused, -ESRCH when the container's
 * state cannot be read, or another negative errno.
 */
int rg_update_guard(const struct rg_cli *cli, int argc, char *const argv[],
		    const struct rg_config *cfg, const char *runtime, struct rg_decision *d,
		    struct rg_argv *ret_argv, struct rg_error **err);

#endif
