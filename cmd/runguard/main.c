/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runguard: a drop-in OCI runtime that hardens every container it creates,
 * then hands over to the real runc or crun. main() scans argv, dispatches,
 * reports the one error and execs; the work is in src/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "runguard/audit.h"
#include "runguard/cli.h"
#include "runguard/configure.h"
#include "runguard/doctor.h"
#include "runguard/execproc.h"
#include "runguard/guard.h"
#include "runguard/libs.h"
#include "runguard/log.h"
#include "runguard/partial.h"
#include "runguard/policy.h"
#include "runguard/runtime.h"
#include "runguard/selinux.h"
#include "runguard/statedir.h"
#include "runguard/update.h"
#include "runguard/util.h"

static const char usage[] =
    "Usage: runguard [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "runguard is an OCI runtime that hardens containers: for create, run and\n"
    "restore it enforces its policy on the bundle's config.json, then executes\n"
    "the real runtime (runc or crun) with the same arguments; restore is refused\n"
    "unless the configuration allows it (CRIU restores privileges from the\n"
    "image). exec (the process file and --cap, --no-new-privs, --user,\n"
    "--process-label, --apparmor) and update (resource limits, devices) are held\n"
    "to the container's policy; their -p/-r file is read once and the runtime\n"
    "gets what was judged. The other commands runc and crun know are passed to\n"
    "the real runtime unchanged, after the global options are judged: --criu\n"
    "only as the configuration's runtimeFlags.criu allows, --root only when\n"
    "nobody but root can change it; unknown commands (crun's `mounts`) are\n"
    "refused (passed on, recorded would-reject, when every mode is audit or\n"
    "warn). --help=false is no help.\n"
    "\n"
    "runguard's own commands:\n"
    "  info                    version, configuration, policy digest, real runtime\n"
    "  check-config [FILE]     validate a configuration, print the effective policy\n"
    "  explain BUNDLE|FILE     print the JSON Patch enforcement would apply\n"
    "                          (stdout) and a summary (stderr); exit 3 if it\n"
    "                          would be refused\n"
    "  configure ENGINE        add the runguard runtime to containerd, crio,\n"
    "                          podman or docker (--default, --dry-run,\n"
    "                          --config-dir DIR, --file FILE, --binary PATH,\n"
    "                          --host-root DIR); --remove takes it out again\n"
    "  doctor                  check that engines really run runguard (--json,\n"
    "                          --canary, --engine E, --host-root DIR,\n"
    "                          --require-default, --canary-image IMAGE,\n"
    "                          --canary-cmd CMD, --canary-timeout SECONDS);\n"
    "                          exit 1 when a problem is found\n"
    "\n"
    "Options handled by runguard itself:\n"
    "  -h, --help  show this help (alone, before any command);\n"
    "              runguard COMMAND --help shows one of the commands above\n"
    "\n"
    "Everything else, including --version and `help`, is the real runtime's.\n"
    "\n"
    "Environment:\n"
    "  RUNGUARD_CONFIG   configuration file (default " RG_CONFIG_DEFAULT_PATH ")\n"
    "  RUNGUARD_RUNTIME  absolute path of the real runtime\n"
    "\n"
    "Exit status: the real runtime's; 1 when runguard refuses or fails;\n"
    "2 for a usage error of runguard's own commands; 3 when explain finds\n"
    "that the container would be refused.\n"
    "See runguard(8).\n";

/* `runguard COMMAND --help`: one text per own command, in step with its parser. */
static const char info_help[] =
    "Usage: runguard info\n"
    "\n"
    "Prints runguard's version, the configuration file and whether it was loaded,\n"
    "the mode, the policy (profile@digest), the origin of the seccomp profile, the\n"
    "audit destination, and the real runtime's path and version.\n"
    "\n"
    "Exit status: 0; 1 if the configuration cannot be loaded or no real runtime\n"
    "is found; 2 for a usage error.\n";

static const char check_config_help[] =
    "Usage: runguard check-config [FILE]\n"
    "\n"
    "Validates the configuration FILE and prints the effective policy as JSON.\n"
    "Default: $RUNGUARD_CONFIG, else " RG_CONFIG_DEFAULT_PATH ", whose\n"
    "absence means the embedded default policy.\n"
    "\n"
    "Exit status: 0 if it is valid; 1 if not (the error names the file, the line\n"
    "and the JSON path); 2 for a usage error.\n";

static const char explain_help[] =
    "Usage: runguard explain BUNDLE|FILE\n"
    "\n"
    "Prints the RFC 6902 JSON Patch that enforcement would apply to the bundle's\n"
    "config.json (or to FILE) on stdout, and a summary on stderr. Writes nothing;\n"
    "the configured mode is ignored.\n"
    "\n"
    "Exit status: 0 if the container would run; 3 if it would be refused (the\n"
    "patch is then []); 1 on an error; 2 for a usage error.\n";

static const char configure_help[] =
    "Usage: runguard configure [OPTIONS] ENGINE\n"
    "       runguard configure --remove [OPTIONS] ENGINE\n"
    "\n"
    "Adds the runtime \"runguard\" to ENGINE's configuration (containerd, crio or\n"
    "cri-o, podman, docker), copying the settings of its runc runtime; --remove\n"
    "takes out what configure added.\n"
    "\n"
    "Options (a value also as --option=VALUE; never empty; names in full):\n"
    "  --default          also make runguard the engine's default runtime\n"
    "  --remove           remove the runtime (not with --default)\n"
    "  --dry-run          print the change as a unified diff; write nothing\n"
    "  --config-dir DIR   the engine's configuration directory\n"
    "  --file FILE        the engine's main configuration file\n"
    "  --binary PATH      the path the engine should run (absolute; default:\n"
    "                     the running runguard)\n"
    "  --host-root DIR    the node's / is mounted at DIR (absolute): files are\n"
    "                     read and written under it, paths written are the node's\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 (changed, or nothing to change); 1 on an error; 2 for a\n"
    "usage error.\n";

static const char doctor_help[] =
    "Usage: runguard doctor [OPTIONS]\n"
    "\n"
    "Checks that the node runs its containers through runguard: the real\n"
    "runtime, the kernel, runguard's configuration and each engine found.\n"
    "\n"
    "Options (a value also as --option=VALUE; never empty; names in full):\n"
    "  --json                     print a JSON document\n"
    "  --engine ENGINE            check only this engine (containerd, crio,\n"
    "                             podman, docker; repeatable); missing is a problem\n"
    "  --host-root DIR            read engine configurations and binaries under DIR\n"
    "                             (absolute; --root-dir DIR is its old name)\n"
    "  --require-default          a runguard runtime that is not the engine's\n"
    "                             default is a problem, not a warning\n"
    "  --canary                   start one container through each engine's\n"
    "                             runguard runtime and look for proof\n"
    "  --canary-image IMAGE       its image (default " RG_DOCTOR_CANARY_IMAGE ")\n"
    "  --canary-cmd CMD           its command (default true)\n"
    "  --canary-timeout SECONDS   per engine command, 1-3600 (default 60)\n"
    "  -h, --help                 show this help\n"
    "\n"
    "Exit status: 0 when all is well (warnings allowed); 1 when a problem was\n"
    "found; 2 for a usage error.\n";

#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_EXPLAIN_REJECT 3

/* The real runtime once found (its --log dialect), else NULL: runc's. */
static const char *log_runtime;

/* Reports err on stderr and in the runtime's --log file, and returns the exit code. */
static int fail(const struct rg_cli *cli, struct rg_error *err)
{
	_cleanup_free_ char *msg = rg_xasprintf("runguard: %s", err->msg);
	rg_log_runtime(cli, log_runtime, "error", msg);
	rg_log_stderr("%s", err->msg);
	rg_error_free(err);
	return EXIT_REFUSED;
}

static int cmd_info(int argc, char *argv[])
{
	struct rg_error *err = NULL;
	if (argc != 0) {
		rg_log_stderr("usage: runguard info");
		return EXIT_USAGE;
	}
	if (rg_guard_info(stdout, &err) < 0)
		return fail(NULL, err);
	return 0;
}

static int cmd_check_config(int argc, char *argv[])
{
	struct rg_error *err = NULL;
	if (argc > 1) {
		rg_log_stderr("usage: runguard check-config [FILE]");
		return EXIT_USAGE;
	}
	if (rg_guard_check_config(argc ? argv[0] : NULL, stdout, &err) < 0)
		return fail(NULL, err);
	return 0;
}

static int cmd_explain(int argc, char *argv[])
{
	struct rg_error *err = NULL;
	if (argc != 1) {
		rg_log_stderr("usage: runguard explain BUNDLE|FILE");
		return EXIT_USAGE;
	}
	int r = rg_guard_explain(argv[0], stdout, stderr, &err);
	if (r < 0)
		return fail(NULL, err);
	return r == 1 ? EXIT_EXPLAIN_REJECT : 0;
}

static int cmd_configure(int argc, char *argv[])
{
	struct rg_error *err = NULL;
	struct rg_configure_opts o;
	_cleanup_free_ char *binary = NULL;
	bool is_dry_run;
	if (rg_configure_parse_args(argc, argv, &o, &is_dry_run, &binary, &err) < 0) {
		rg_log_stderr(
		    "configure: %s\nusage: runguard configure [--remove] "
		    "containerd|crio|podman|docker [--default] [--dry-run] [--config-dir DIR] "
		    "[--file FILE] [--binary PATH] [--host-root DIR]",
		    err->msg);
		rg_error_free(err);
		return EXIT_USAGE;
	}
	if (rg_configure_run(&o, is_dry_run, stdout, &err) < 0)
		return fail(NULL, err);
	return 0;
}

static int cmd_doctor(int argc, char *argv[])
{
	struct rg_error *err = NULL;
	struct rg_doctor_opts o;
	if (rg_doctor_parse_args(argc, argv, &o, &err) < 0) {
		rg_log_stderr(
		    "doctor: %s\nusage: runguard doctor [--json] [--canary] [--engine E]... "
		    "[--host-root DIR] [--require-default] [--canary-image IMAGE] "
		    "[--canary-cmd CMD] [--canary-timeout SECONDS]",
		    err->msg);
		rg_error_free(err);
		return EXIT_USAGE;
	}
	int r = rg_doctor_run(&o, stdout, &err);
	if (r < 0)
		return fail(NULL, err);
	return r;
}

/* runguard's own commands; each gets the arguments after its name. The
 * names must stay in step with own_subcommands in src/runtime/cli.c. */
static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *help;
} own_commands[] = {
    {"info", cmd_info, info_help},	    {"check-config", cmd_check_config, check_config_help},
    {"explain", cmd_explain, explain_help}, {"configure", cmd_configure, configure_help},
    {"doctor", cmd_doctor, doctor_help},
};

/* "-h" or "--help" anywhere among an own command's arguments: no file,
 * bundle or option value of these commands is reasonably spelled so. */
static bool wants_help(int argc, char *argv[])
{
	for (int i = 0; i < argc; i++)
		if (rg_streq(argv[i], "--help") || rg_streq(argv[i], "-h"))
			return true;
	return false;
}

static int run_own(const struct rg_cli *cli, int argc, char *argv[])
{
	struct rg_error *err = NULL;
	if (rg_libs_load(RG_LIBS_ALL, &err) < 0)
		return fail(NULL, err);
	if (!cli->subcmd) {
		fputs(usage, stdout);
		return 0;
	}
	int n = argc - cli->subcmd_index - 1;
	char **args = argv + cli->subcmd_index + 1;
	for (size_t i = 0; i < RG_ARRAY_SIZE(own_commands); i++) {
		if (!rg_streq(cli->subcmd, own_commands[i].name))
			continue;
		if (wants_help(n, args)) {
			fputs(own_commands[i].help, stdout);
			return 0;
		}
		return own_commands[i].fn(n, args);
	}
	rg_log_stderr("unknown command %s", cli->subcmd);
	return EXIT_USAGE;
}

/* Writes the audit record; an unwritable destination stops the container only if required. */
static int audit(const struct rg_config *cfg, const struct rg_cli *cli, const struct rg_decision *d,
		 const char *error_msg)
{
	struct rg_error *err = NULL;
	_cleanup_free_ char *line = rg_audit_line(cfg, cli, d, error_msg);

	if (rg_audit_write(cfg, line, &err) == 0)
		return 0;
	_cleanup_free_ char *msg = rg_xasprintf("runguard: warning: %s", err->msg);
	rg_log_runtime(cli, log_runtime, "warning", msg);
	rg_log_stderr("warning: %s", err->msg);
	rg_error_free(err);
	return cfg->is_audit_required ? -EIO : 0;
}

static void warn_findings(const struct rg_cli *cli, const struct rg_decision *d)
{
	/* exec and update findings are about their flags and input, not config.json. */
	_cleanup_free_ char *where = cli->kind == RG_CLI_ENFORCE
					 ? rg_xstrdup(d->config_name ? d->config_name : "")
					 : rg_xasprintf("%s %s", cli->subcmd, cli->container_id);
	for (size_t i = 0; i < d->report.n_changes; i++) {
		const struct rg_change *c = &d->report.changes[i];
		rg_log_stderr("warning: %s: %s: would change %s -> %s (rule %s)", where, c->path,
			      c->before ? c->before : "(absent)", c->after ? c->after : "(removed)",
			      c->rule);
	}
	for (size_t i = 0; i < d->report.n_violations; i++) {
		const struct rg_violation *v = &d->report.violations[i];
		rg_log_stderr("warning: %s: %s: would refuse: %s (rule %s)", where, v->path, v->msg,
			      v->rule);
	}
	_cleanup_free_ char *summary = rg_guard_summary(d);
	rg_log_runtime(cli, log_runtime, "warning", summary);
}

/*
 * Decides create/run/restore, exec or update. *a is the argv for the real
 * runtime: the original, unless exec drops a flag or update clamps a value.
 */
static int decide(const struct rg_cli *cli, int argc, char *argv[], const struct rg_config *cfg,
		  const char *runtime, struct rg_decision *d, struct rg_argv *a,
		  struct rg_error **err)
{
	switch (cli->kind) {
	case RG_CLI_EXEC:
		return rg_execproc_guard(cli, argc, argv, cfg, runtime, d, a, err);
	case RG_CLI_UPDATE:
		return rg_update_guard(cli, argc, argv, cfg, runtime, d, a, err);
	case RG_CLI_ENFORCE:
	default:
		rg_argv_init(a, argc, argv);
		return rg_guard_enforce(cli, cfg, d, err);
	}
}

/*
 * checkpoint and restore run "criu" from $PATH (unless --criu), runc's ps
 * runs "ps" from $PATH, all as root: a system PATH for them.
 */
static int pin_path(const struct rg_cli *cli, struct rg_error **err)
{
	static const char *const looks_up[] = {"checkpoint", "restore", "ps"};
	for (size_t i = 0; cli->subcmd && i < RG_ARRAY_SIZE(looks_up); i++)
		if (rg_streq(cli->subcmd, looks_up[i]))
			return rg_runtime_pin_path(err);
	return 0;
}

/* The enforced paths: decide, audit, then exec. Any error stops here: fail closed. */
static int run_enforced(const struct rg_cli *cli, int argc, char *argv[])
{
	struct rg_error *err = NULL;
	struct rg_config cfg;
	struct rg_decision d = {0};
	struct rg_argv a = {0};
	_cleanup_free_ char *runtime = NULL;

	if (rg_libs_load(RG_LIBS_ENFORCED, &err) < 0 || rg_config_load(NULL, &cfg, &err) < 0)
		return fail(cli, err);
	/* Find the runtime before touching config.json: no runtime, no change. */
	char *id = (char *)cli->container_id;
	bool is_existing = cli->kind == RG_CLI_EXEC || cli->kind == RG_CLI_UPDATE;
	int r = rg_runtime_find_for(cfg.runtime, cli->root, &id, is_existing && id ? 1 : 0,
				    &runtime, &err);
	log_runtime = runtime;
	if (r == 0)
		r = rg_globals_check(cli, &cfg, runtime, &err);
	if (r == 0)
		r = pin_path(cli, &err);
	if (r == 0)
		r = rg_cli_check_runtime(cli, runtime, &err);
	if (r == 0)
		r = decide(cli, argc, argv, &cfg, runtime, &d, &a, &err);
	/* No such container: nothing to judge; the runtime says so in its own words. */
	if (r == -ESRCH && is_existing && rg_partial_is_missing(runtime, cli)) {
		rg_error_free(err);
		err = NULL;
		rg_argv_free(&a);
		r = rg_partial_disarm(cli, argc, argv, &a, &err);
		d.verdict = "no-such-container";
	}
	if (r < 0) {
		audit(&cfg, cli, &d, err->msg);
		rg_argv_free(&a);
		rg_decision_free(&d);
		rg_config_free(&cfg);
		return fail(cli, err);
	}
	if (audit(&cfg, cli, &d, NULL) < 0) {
		rg_error_set(&err, EIO, "audit log required by the configuration but not writable");
		rg_argv_free(&a);
		rg_decision_free(&d);
		rg_config_free(&cfg);
		return fail(cli, err);
	}
	if (d.has_policy && d.policy.mode == RG_MODE_WARN)
		warn_findings(cli, &d);
	/* The summary only for a log file or --debug: it costs a printf per change. */
	if (d.has_policy && ((cli->log_path && *cli->log_path) || cli->is_debug)) {
		_cleanup_free_ char *summary = rg_guard_summary(&d);
		rg_log_runtime(cli, log_runtime, "info", summary);
		if (cli->is_debug)
			rg_log_stderr("%s", summary + sizeof("runguard: ") - 1);
	}
	/* Freed only if the exec fails: exec drops it all at no cost. */
	rg_runtime_exec(runtime, rg_argv_vector(&a), &err);
	rg_decision_free(&d);
	rg_config_free(&cfg);
	rg_argv_free(&a);
	return fail(cli, err);
}

static int run_passthrough(const struct rg_cli *cli, int argc, char *argv[])
{
	struct rg_error *err = NULL;
	struct rg_config cfg = {0};
	_cleanup_free_ char *runtime = NULL;

	/* A broken configuration must not stop state/kill/delete from cleaning up;
	 * it only loses the configured runtime path, and says so. */
	if (rg_config_load_passthrough(cli->criu != NULL, &cfg, &err) < 0) {
		rg_log_stderr("warning: %s; using the runtime search list", err->msg);
		rg_error_free(err);
		err = NULL;
	}
	/* The items after the subcommand that may be a container id. */
	_cleanup_free_ char **ids = rg_xcalloc((size_t)argc + 1, sizeof(char *));
	size_t n_ids = 0;
	for (int i = cli->subcmd_index >= 0 ? cli->subcmd_index + 1 : argc; i < argc; i++)
		if (argv[i][0] != '-')
			ids[n_ids++] = argv[i];
	int r = rg_runtime_find_for(cfg.runtime, cli->root, ids, n_ids, &runtime, &err);
	log_runtime = runtime;
	if (r == 0)
		r = rg_globals_check(cli, &cfg, runtime, &err);
	if (r == 0)
		r = pin_path(cli, &err);
	rg_config_free(&cfg);
	if (r < 0)
		return fail(cli, err);
	/* delete gives the container's MCS categories back: cheap, and never fails the delete. */
	if (cli->subcmd && rg_streq(cli->subcmd, "delete"))
		rg_selinux_on_delete(cli, argv, runtime);
	rg_runtime_exec(runtime, argv, &err);
	return fail(cli, err);
}

/*
 * A subcommand runguard does not know may start or change a container
 * outside the policy (crun's "mounts add" does): refused. When every
 * container is judged dry (audit or warn) nothing is ever changed, so it is
 * recorded as would-reject and passed on like a passthrough command.
 */
static int run_unknown(const struct rg_cli *cli, int argc, char *argv[])
{
	struct rg_error *err = NULL;
	struct rg_config cfg;
	struct rg_decision d = {0};
	_cleanup_free_ char *why = rg_cli_unknown_msg(cli);

	if (rg_libs_load(RG_LIBS_ENFORCED, &err) < 0 || rg_config_load(NULL, &cfg, &err) < 0)
		return fail(cli, err);
	int r = -EPERM;
	if (rg_config_is_dry(&cfg))
		r = rg_policy_select(&cfg, NULL, &d.policy, &err);
	if (r == 0) {
		d.has_policy = true;
		d.verdict = "would-reject";
		rg_report_violation(&d.report, "cli", cli->subcmd, "%s", why);
		r = audit(&cfg, cli, &d, NULL);
		if (r < 0)
			rg_error_set(&err, EIO,
				     "audit log required by the configuration but not writable");
	} else if (r == -EPERM) {
		rg_error_set(&err, EINVAL, "%s", why);
		d.verdict = "rejected";
		audit(&cfg, cli, &d, err->msg);
	}
	if (r == 0 && d.policy.mode == RG_MODE_WARN)
		warn_findings(cli, &d);
	rg_decision_free(&d);
	rg_config_free(&cfg);
	if (r < 0)
		return fail(cli, err);
	return run_passthrough(cli, argc, argv);
}

int main(int argc, char *argv[])
{
	struct rg_cli cli;
	struct rg_error *err = NULL;

	if (getenv(RG_RUNTIME_MARKER)) {
		rg_log_stderr("started by runguard as the real runtime: the runtime path points "
			      "at a copy of runguard; refusing to recurse");
		return EXIT_REFUSED;
	}
	if (rg_cli_scan(argc, argv, &cli, &err) < 0)
		return fail(NULL, err);
	switch (cli.kind) {
	case RG_CLI_OWN:
		return run_own(&cli, argc, argv);
	case RG_CLI_ENFORCE:
	case RG_CLI_EXEC:
	case RG_CLI_UPDATE:
		return run_enforced(&cli, argc, argv);
	case RG_CLI_UNKNOWN:
		return run_unknown(&cli, argc, argv);
	case RG_CLI_PASSTHROUGH:
	default:
		return run_passthrough(&cli, argc, argv);
	}
}
