/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runguard: a drop-in OCI runtime that hardens every container it creates,
 * then hands over to the real runc or crun. main() scans argv, dispatches,
 * reports the one error and execs; the work is in src/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "runguard/cli.h"
#include "runguard/guard.h"
#include "runguard/log.h"
#include "runguard/policy.h"
#include "runguard/runtime.h"
#include "runguard/util.h"

static const char usage[] =
    "Usage: runguard [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "runguard is an OCI runtime that hardens containers: for create, run and\n"
    "restore it enforces its policy on the bundle's config.json, then executes\n"
    "the real runtime (runc or crun) with the same arguments. Every other\n"
    "command and option is passed to the real runtime unchanged.\n"
    "\n"
    "runguard's own commands:\n"
    "  info        show version, configuration, policy digest and real runtime\n"
    "\n"
    "Options handled by runguard itself:\n"
    "  -h, --help  show this help (alone, before any command)\n"
    "\n"
    "Everything else, including --version and `help`, is the real runtime's.\n"
    "\n"
    "Environment:\n"
    "  RUNGUARD_CONFIG   configuration file (default " RG_CONFIG_DEFAULT_PATH ")\n"
    "  RUNGUARD_RUNTIME  absolute path of the real runtime\n"
    "\n"
    "Exit status: the real runtime's; 1 when runguard refuses or fails.\n"
    "See runguard(8).\n";

/* Reports err on stderr and in the runtime's --log file, and returns the exit code. */
static int fail(const struct rg_cli *cli, struct rg_error *err)
{
	_cleanup_free_ char *msg = rg_xasprintf("runguard: %s", err->msg);
	rg_log_runtime(cli, "error", msg);
	rg_log_stderr("%s", err->msg);
	rg_error_free(err);
	return 1;
}

static int run_own(const struct rg_cli *cli)
{
	struct rg_error *err = NULL;

	if (!cli->subcmd) {
		fputs(usage, stdout);
		return 0;
	}
	if (rg_streq(cli->subcmd, "info")) {
		if (rg_guard_info(stdout, &err) < 0)
			return fail(NULL, err);
		return 0;
	}
	rg_log_stderr("unknown command %s", cli->subcmd);
	return 2;
}

/* The create path: enforce, then exec. Any error stops here: fail closed. */
static int run_enforced(const struct rg_cli *cli, char *argv[])
{
	struct rg_error *err = NULL;
	struct rg_policy policy;
	struct rg_report report = {0};
	_cleanup_free_ char *runtime = NULL;

	if (rg_policy_load(NULL, &policy, &err) < 0)
		return fail(cli, err);
	/* Find the runtime before touching config.json: no runtime, no change. */
	if (rg_runtime_find(policy.runtime, &runtime, &err) < 0 ||
	    rg_guard_enforce(cli, &policy, &report, &err) < 0) {
		rg_report_free(&report);
		rg_policy_free(&policy);
		return fail(cli, err);
	}
	_cleanup_free_ char *summary = rg_guard_summary(&policy, &report);
	rg_log_runtime(cli, "info", summary);
	if (cli->is_debug)
		rg_log_stderr("%s", summary + sizeof("runguard: ") - 1);
	rg_report_free(&report);
	rg_policy_free(&policy);
	rg_runtime_exec(runtime, argv, &err);
	return fail(cli, err);
}

static int run_passthrough(const struct rg_cli *cli, char *argv[])
{
	struct rg_error *err = NULL;
	struct rg_policy policy;
	_cleanup_free_ char *runtime = NULL;
	const char *configured = NULL;

	/* A broken configuration must not stop state/kill/delete from cleaning up;
	 * it only loses the configured runtime path, and says so. */
	if (rg_policy_load(NULL, &policy, &err) < 0) {
		rg_log_stderr("warning: %s; using the runtime search list", err->msg);
		rg_error_free(err);
		err = NULL;
		policy = (struct rg_policy){0};
	}
	configured = policy.runtime;
	int r = rg_runtime_find(configured, &runtime, &err);
	rg_policy_free(&policy);
	if (r < 0)
		return fail(cli, err);
	rg_runtime_exec(runtime, argv, &err);
	return fail(cli, err);
}

int main(int argc, char *argv[])
{
	struct rg_cli cli;
	struct rg_error *err = NULL;

	if (getenv(RG_RUNTIME_MARKER)) {
		rg_log_stderr("started by runguard as the real runtime: the runtime path points "
			      "at a copy of runguard; refusing to recurse");
		return 1;
	}
	if (rg_cli_scan(argc, argv, &cli, &err) < 0)
		return fail(NULL, err);
	switch (cli.kind) {
	case RG_CLI_OWN:
		return run_own(&cli);
	case RG_CLI_ENFORCE:
		return run_enforced(&cli, argv);
	case RG_CLI_PASSTHROUGH:
	default:
		return run_passthrough(&cli, argv);
	}
}
