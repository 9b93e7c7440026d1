/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_EXECPROC_H
#define RUNGUARD_EXECPROC_H

#include <stddef.h>

#include "runguard/cli.h"
#include "runguard/error.h"
#include "runguard/guard.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"

/*
 * `exec`: a new process in a running container gets no more than the
 * container may have. runc starts it from the host, so without this an exec
 * could add any capability (`--cap`, or a `--process` file such as
 * `podman exec --privileged` writes), turn off no_new_privs, or run under
 * another SELinux or AppArmor label than the container's.
 *
 * - A --process file gets the rules create applies to config.json's
 *   process (capabilities, noNewPrivileges, user, rlimits, and "fields"
 *   where the build has it), a selinuxLabel or apparmorProfile other than
 *   the container's is refused, and a member no rule judges is refused.
 *   The file is read once; the runtime gets a sealed memfd with what was
 *   judged (argfile.h).
 * - Inline flags: `--cap X` beyond the ceiling, `--no-new-privs=false`
 *   and `--user 0` (when the user rule is on) are dropped from the argv
 *   (action fix: the process falls back to the container's own setting)
 *   or refused (reject); `--process-label` or `--apparmor` other than the
 *   container's are refused, unless the policy turns the selinux
 *   (apparmor) rule off.
 */

/* What a check runs against. All borrowed. */
struct rg_exec_check {
	const struct rg_policy *policy;
	const struct rg_host *host;
	const struct rg_json *container; /* the container's config.json */
	struct rg_report *report; /* findings go here */
};

/*
 * Checks exec's flags (from rg_cli_flags). Flags that fix drops are removed
 * from *a. Returns 0, or -EINVAL with *err set for a value the runtime
 * would read but runguard cannot judge (an unknown capability name, a bad
 * boolean).
 */
int rg_execproc_check_flags(const struct rg_exec_check *x, const struct rg_cli_flag *flags,
			    size_t n, struct rg_argv *a, struct rg_error **err);

/*
 * exec without --process on a runtime other than runc (by name), into a
 * container whose config.json has noNewPrivileges true, and no
 * --no-new-privs flag: inserts "--no-new-privs" after the subcommand in *a
 * and records the change (crun 1.8 would start the process without it).
 */
void rg_execproc_keep_nnp(const struct rg_exec_check *x, const struct rg_cli *cli,
			  const char *runtime, const struct rg_cli_flag *flags, size_t n,
			  struct rg_argv *a);

/*
 * Enforces a process object (a --process file's content) in place; `name`
 * names the file in messages. *process is replaced by the enforced tree.
 * Returns 0 or a negative errno with *err set when it cannot be understood.
 */
int rg_execproc_check_process(const struct rg_exec_check *x, struct rg_json **process,
			      const char *name, struct rg_error **err);

/*
 * The exec path: finds the container (runtime `state`), selects its policy
 * from its config.json's annotations, checks flags and --process file,
 * and builds *ret_argv (always initialised: flags fix dropped, in enforce
 * mode; the --process value replaced by the sealed memfd's path). d says
 * what was decided. Returns 0, -EPERM when refused, -ESRCH when the
 * container's state cannot be read, or another negative errno.
 */
int rg_execproc_guard(const struct rg_cli *cli, int argc, char *const argv[],
		      const struct rg_config *cfg, const char *runtime, struct rg_decision *d,
		      struct rg_argv *ret_argv, struct rg_error **err);

#endif
