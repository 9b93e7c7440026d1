/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exec path: hold a new process in a running container to the policy
 * the container was created under. (src/runtime/runtime.c's rg_runtime_exec is the
 * execv of the real runtime; this is runc's `exec` subcommand.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runguard/argfile.h"
#include "runguard/capnames.h"
#include "runguard/container.h"
#include "runguard/execproc.h"
#include "runguard/partial.h"
#include "runguard/rules.h"
#include "runguard/runtime.h"
#include "runguard/spec.h"
#include "runguard/util.h"

/* The container's value of process.<key>, or "" when unset. */
static const char *container_process_str(const struct rg_exec_check *x, const char *key)
{
	const char *s = rg_json_str(rg_json_get(rg_json_get(x->container, "process"), key));
	return s ? s : "";
}

/*
 * An LSM label other than the container's is refused whatever the rule's
 * action: there is nothing to fix it to but the container's own, which is
 * what leaving it out gives. Only a policy that turns the rule off lets it
 * through. (A policy without the rule checks too.)
 */
static bool is_lsm_checked(const struct rg_policy *p, const char *rule)
{
	return !rg_policy_rule(p, rule) || rg_policy_action(p, rule) != RG_ACTION_OFF;
}

static void check_lsm(const struct rg_exec_check *x, const char *rule, const char *key,
		      const char *value, const char *shown)
{
	const char *have = container_process_str(x, key);

	if (!value || !*value || rg_streq(value, have) || !is_lsm_checked(x->policy, rule))
		return;
	_cleanup_free_ char *had = *have ? rg_xasprintf("'%s'", have) : rg_xstrdup("none");
	rg_report_violation(x->report, rule, shown,
			    "'%s' is not the container's %s (%s): the process would leave the "
			    "container's confinement",
			    value, key, had);
}

/*
 * Runs `rule` on a partial spec made from one flag. Returns 1 when the rule
 * objects (its violations are copied to x->report under `shown`), 0 when
 * not, or a negative errno. *ret_fix: the rule would fix (not refuse) it.
 */
static int probe(const struct rg_exec_check *x, const char *rule, struct rg_json *spec,
		 const char *shown, bool *ret_fix, struct rg_error **err)
{
	struct rg_report tmp = {0};
	int r = rg_partial_run(x->policy, x->host, rule, spec, "exec", &tmp, err);

	if (r < 0) {
		rg_report_free(&tmp);
		return r;
	}
	for (size_t i = 0; i < tmp.n_violations; i++)
		rg_report_violation(x->report, tmp.violations[i].rule, shown, "%s",
				    tmp.violations[i].msg);
	bool is_bad = tmp.n_changes > 0 || tmp.n_violations > 0;
	*ret_fix = tmp.n_changes > 0 && tmp.n_violations == 0;
	rg_report_free(&tmp);
	return is_bad;
}

/* Removes the flag (and its separate value) from the argv, and records it. */
static void drop_flag(const struct rg_exec_check *x, const char *rule, const struct rg_cli_flag *f,
		      const char *shown, struct rg_argv *a)
{
	_cleanup_json_ struct rg_json *v = f->value ? rg_json_new_string(f->value) : NULL;
	_cleanup_free_ char *before = v ? rg_json_brief(v) : rg_xstrdup("true");
	rg_report_change(x->report, rule, shown, before, NULL);
	for (int i = f->index; i <= f->value_index; i++)
		rg_argv_remove(a, i);
}

/* probe() for one flag: with fix, the flag is dropped from the argv. 0 or a negative errno. */
static int probe_flag(const struct rg_exec_check *x, const char *rule, struct rg_json *spec,
		      const struct rg_cli_flag *f, const char *shown, struct rg_argv *a,
		      struct rg_error **err)
{
	bool is_fix;
	int r = probe(x, rule, spec, shown, &is_fix, err);
	if (r > 0 && is_fix)
		drop_flag(x, rule, f, shown, a);
	return r < 0 ? r : 0;
}

/*
 * {"process": proc} plus what the user rule reads of the container: its
 * namespaces (a user namespace or not) and id mappings. Owns proc.
 */
static struct rg_json *wrap_process(const struct rg_exec_check *x, struct rg_json *proc)
{
	static const char *const keys[] = {"namespaces", "uidMappings", "gidMappings"};
	struct rg_json *spec = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(spec, "process", proc);
	const struct rg_json *from = rg_json_get(x->container, "linux");
	struct rg_json *linux_ = NULL;
	for (size_t i = 0; i < RG_ARRAY_SIZE(keys); i++) {
		const struct rg_json *v = rg_json_get(from, keys[i]);
		if (!v)
			continue;
		if (!linux_) {
			linux_ = rg_json_new(RG_JSON_OBJECT);
			rg_json_set(spec, "linux", linux_);
		}
		rg_json_set(linux_, keys[i], rg_json_clone(v));
	}
	return spec;
}

/* A partial spec whose process has just {key: value} (owned). */
static struct rg_json *partial_process(const struct rg_exec_check *x, const char *key,
				       struct rg_json *value)
{
	struct rg_json *proc = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(proc, key, value);
	return wrap_process(x, proc);
}

static int check_cap(const struct rg_exec_check *x, const struct rg_cli_flag *f, struct rg_argv *a,
		     struct rg_error **err)
{
	if (rg_capnames_lookup(f->value) < 0)
		return rg_error_set(err, EINVAL,
				    "exec --cap '%s': unknown capability (names are spelled "
				    "CAP_UPPER_CASE)",
				    f->value);
	struct rg_json *set = rg_json_new(RG_JSON_ARRAY);
	rg_json_append(set, rg_json_new_string(f->value));
	struct rg_json *caps = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(caps, "bounding", set);
	_cleanup_json_ struct rg_json *spec = partial_process(x, "capabilities", caps);
	return probe_flag(x, "capabilities", spec, f, "--cap", a, err);
}

static int check_nnp(const struct rg_exec_check *x, const struct rg_cli_flag *f, struct rg_argv *a,
		     struct rg_error **err)
{
	bool v = true;
	if (f->value && rg_cli_parse_bool(f->value, &v) < 0)
		return rg_error_set(err, EINVAL, "exec --no-new-privs=%s: not a boolean", f->value);
	_cleanup_json_ struct rg_json *spec =
	    partial_process(x, "noNewPrivileges", rg_json_new_bool(v));
	return probe_flag(x, "noNewPrivileges", spec, f, "--no-new-privs", a, err);
}

/* Go's strconv.Atoi: optional sign, decimal digits, in range. */
static bool parse_atoi(const char *s, size_t len, long long *ret)
{
	size_t i = (len > 0 && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
	if (i == len || len > 20)
		return false;
	for (size_t k = i; k < len; k++)
		if (s[k] < '0' || s[k] > '9')
			return false;
	_cleanup_free_ char *t = rg_xstrndup(s, len);
	errno = 0;
	*ret = strtoll(t, NULL, 10);
	return errno == 0;
}

static int check_user(const struct rg_exec_check *x, const struct rg_cli_flag *f, struct rg_argv *a,
		      struct rg_error **err)
{
	long long uid, gid;
	size_t n = strcspn(f->value, ":");

	/* runc refuses what it cannot parse, so that cannot run as anyone. */
	if (!*f->value || !parse_atoi(f->value, n, &uid) ||
	    (f->value[n] && !parse_atoi(f->value + n + 1, strlen(f->value + n + 1), &gid)))
		return 0;
	/* runc stores uint32(uid): 4294967296 is root too. */
	char text[16];
	snprintf(text, sizeof(text), "%u", (unsigned)(unsigned long long)uid);
	struct rg_json *user = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(user, "uid", rg_json_new_number(text));
	/* Without ":gid" runc runs the process with gid 0 (the user rule's default too). */
	if (f->value[n]) {
		snprintf(text, sizeof(text), "%u", (unsigned)(unsigned long long)gid);
		rg_json_set(user, "gid", rg_json_new_number(text));
	}
	_cleanup_json_ struct rg_json *spec = partial_process(x, "user", user);
	return probe_flag(x, "user", spec, f, "--user", a, err);
}

/*
 * runc exec --additional-gids (-g): Go's ParseInt, refused when negative,
 * then uint32(g), so 4294967296 is gid 0. Judged by the user rule as the
 * only thing a partial process with a placeholder non-root uid and gid has.
 */
static int check_additional_gid(const struct rg_exec_check *x, const struct rg_cli_flag *f,
				struct rg_argv *a, struct rg_error **err)
{
	long long gid;
	if (!f->value || !parse_atoi(f->value, strlen(f->value), &gid) || gid < 0)
		return 0; /* runc refuses it */
	char text[16];
	snprintf(text, sizeof(text), "%u", (unsigned)(unsigned long long)gid);
	struct rg_json *user = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(user, "uid", rg_json_new_number("65534"));
	rg_json_set(user, "gid", rg_json_new_number("65534"));
	struct rg_json *gids = rg_json_new(RG_JSON_ARRAY);
	rg_json_append(gids, rg_json_new_number(text));
	rg_json_set(user, "additionalGids", gids);
	_cleanup_json_ struct rg_json *spec = partial_process(x, "user", user);
	return probe_flag(x, "user", spec, f, "--additional-gids", a, err);
}

/*
 * runc's exec without --process starts the process with the container's
 * noNewPrivileges; crun's (1.8) sets it only when --no-new-privs is given.
 * For any runtime but runc, a container created with no_new_privs gets the
 * flag added after "exec", so its exec'd processes keep it as with runc.
 */
void rg_execproc_keep_nnp(const struct rg_exec_check *x, const struct rg_cli *cli,
			  const char *runtime, const struct rg_cli_flag *flags, size_t n,
			  struct rg_argv *a)
{
	const struct rg_json *nnp =
	    rg_json_get(rg_json_get(x->container, "process"), "noNewPrivileges");
	if (cli->process || rg_runtime_is_runc(runtime) || !nnp || nnp->type != RG_JSON_TRUE)
		return;
	for (size_t i = 0; i < n; i++)
		if (rg_streq(flags[i].name, "no-new-privs"))
			return; /* runguard's check of the flag decides */
	rg_report_change(x->report, "noNewPrivileges", "--no-new-privs", NULL, "true");
	rg_argv_insert_after(a, cli->subcmd_index, "--no-new-privs");
}

int rg_execproc_check_flags(const struct rg_exec_check *x, const struct rg_cli_flag *flags,
			    size_t n, struct rg_argv *a, struct rg_error **err)
{
	for (size_t i = 0; i < n; i++) {
		const struct rg_cli_flag *f = &flags[i];
		int r = 0;
		if (rg_streq(f->name, "cap"))
			r = check_cap(x, f, a, err);
		else if (rg_streq(f->name, "no-new-privs"))
			r = check_nnp(x, f, a, err);
		else if (rg_streq(f->name, "user"))
			r = check_user(x, f, a, err);
		else if (rg_streq(f->name, "additional-gids"))
			r = check_additional_gid(x, f, a, err);
		else if (rg_streq(f->name, "process-label"))
			check_lsm(x, "selinux", "selinuxLabel", f->value, "--process-label");
		else if (rg_streq(f->name, "apparmor"))
			check_lsm(x, "apparmor", "apparmorProfile", f->value, "--apparmor");
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The rules of config.json's process that a process file is held to.
 * "fields" is the spec allowlist rule where the build has it: it judges
 * scheduler, ioPriority and execCPUAffinity as at create.
 */
static const char *const process_rules[] = {"fields", "capabilities", "noNewPrivileges", "user",
					    "rlimits"};

/*
 * Every member of a process (runtime-spec 1.0.2 to 1.2) runc or crun read
 * for exec. The first group is judged by the rules above or the LSM check;
 * the second gives the new process nothing the container's own processes
 * could not have (its command, environment, directory, terminal, OOM score
 * within the container's cgroup; user.username is Windows-only). The third
 * only the "fields" rule judges: without it in the build they are refused.
 * Anything else is refused: runguard cannot tell what the runtime would do.
 */
static const char *const judged_members[] = {"capabilities",
					     "noNewPrivileges",
					     "user",
					     "rlimits",
					     "apparmorProfile",
					     "selinuxLabel",
					     "args",
					     "commandLine",
					     "env",
					     "cwd",
					     "terminal",
					     "consoleSize",
					     "oomScoreAdj",
					     NULL};
static const char *const fields_members[] = {"scheduler", "ioPriority", "execCPUAffinity", NULL};
static const char *const user_members[] = {"uid",      "gid", "umask", "additionalGids",
					   "username", NULL};

static bool is_one_of(const char *key, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (rg_streq(key, set[i]))
			return true;
	return false;
}

static int check_members(const struct rg_json *p, const char *name, struct rg_error **err)
{
	bool has_fields = rg_rule_find("fields") != NULL;
	for (size_t i = 0; i < p->n; i++) {
		const struct rg_json_member *m = &p->u.members[i];
		if (is_one_of(m->key, judged_members) ||
		    (is_one_of(m->key, fields_members) &&
		     (has_fields || m->value->type == RG_JSON_NULL)))
			continue;
		return rg_error_set(
		    err, EINVAL, "%s: .%s: %s; refusing, it cannot be judged", name, m->key,
		    is_one_of(m->key, fields_members) ? "this runguard has no rule for it"
						      : "not a member of process runguard knows");
	}
	const struct rg_json *u = rg_json_get(p, "user");
	for (size_t i = 0; rg_json_is(u, RG_JSON_OBJECT) && i < u->n; i++)
		if (!is_one_of(u->u.members[i].key, user_members))
			return rg_error_set(err, EINVAL,
					    "%s: .user.%s: not a member of process.user runguard "
					    "knows; refusing, it cannot be judged",
					    name, u->u.members[i].key);
	return 0;
}

int rg_execproc_check_process(const struct rg_exec_check *x, struct rg_json **process,
			      const char *name, struct rg_error **err)
{
	struct rg_json *p = *process;

	if (!rg_json_is(p, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: .: expected a process object, got %s", name,
				    rg_json_type_name(p->type));
	/* Go matches keys case-insensitively: a lone "Capabilities" is judged as runc's. */
	static const char *const at[] = {"process", NULL};
	int r = rg_spec_canon_keys_at(p, at, name, err);
	if (r == 0)
		r = check_members(p, name, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < 2; i++) {
		static const char *const keys[] = {"selinuxLabel", "apparmorProfile"};
		const struct rg_json *v = rg_json_get(p, keys[i]);
		if (v && v->type != RG_JSON_STRING)
			return rg_error_set(err, EINVAL, "%s: .%s: expected a string, got %s", name,
					    keys[i], rg_json_type_name(v->type));
	}
	/* The rules see {"process": <file>, "linux": {"uidMappings": <container's>}}. */
	_cleanup_json_ struct rg_json *spec = wrap_process(x, steal_ptr(process));
	struct rg_report tmp = {0};
	for (size_t i = 0; i < RG_ARRAY_SIZE(process_rules) && r == 0; i++)
		r = rg_partial_run(x->policy, x->host, process_rules[i], spec, name, &tmp, err);
	/* Paths relative to the file: ".process.user.uid" is the file's ".user.uid". */
	rg_partial_take_all(x->report, &tmp, ".process");
	rg_report_free(&tmp);
	*process = rg_json_clone(rg_json_get(spec, "process"));
	if (r < 0)
		return r;
	check_lsm(x, "selinux", "selinuxLabel", rg_json_str(rg_json_get(*process, "selinuxLabel")),
		  ".selinuxLabel");
	check_lsm(x, "apparmor", "apparmorProfile",
		  rg_json_str(rg_json_get(*process, "apparmorProfile")), ".apparmorProfile");
	return 0;
}

/*
 * Reads (once) and checks the --process file; *ret_text is what was read.
 * crun reads "-" as its standard input, runc as a file named "-".
 */
static int guard_process_file(const struct rg_exec_check *x, const char *path, const char *runtime,
			      char **ret_text, size_t *ret_len, struct rg_json **ret,
			      struct rg_error **err)
{
	bool is_stdin = rg_streq(path, "-") && !rg_runtime_is_runc(runtime);
	int r = is_stdin ? rg_argfile_read_fd(STDIN_FILENO, "exec --process -", RG_JSON_MAX_SIZE,
					      ret_text, ret_len, err)
			 : rg_argfile_read(path, "exec --process", RG_JSON_MAX_SIZE, ret_text,
					   ret_len, err);
	if (r < 0)
		return r;
	*ret = rg_json_parse(*ret_text, *ret_len, path, NULL, err);
	if (!*ret)
		return -EINVAL;
	return rg_execproc_check_process(x, ret, path, err);
}

/*
 * The fds runc and crun hand on to the new process: 3 up to 3 + --preserve-fds
 * (Go's strconv.ParseUint; crun's strtoul). The memfd goes above them.
 */
static int first_free_fd(const struct rg_cli_flag *flags, size_t n)
{
	const struct rg_cli_flag *f = rg_argfile_flag(flags, n, "preserve-fds");
	unsigned long v = 0;
	if (f && f->value && f->value[0] >= '0' && f->value[0] <= '9') {
		errno = 0;
		v = strtoul(f->value, NULL, 10);
		if (errno || v > 1u << 20)
			v = 1u << 20;
	}
	return 3 + (int)v;
}

/* Hands the runtime the process it is to run: what was read, or the enforced tree. */
static int deliver_process(const char *text, size_t len, const struct rg_json *enforced,
			   const struct rg_cli_flag *flags, size_t n, const char *runtime,
			   struct rg_argv *a, struct rg_error **err)
{
	_cleanup_free_ char *out = NULL;
	int fd = -1;

	if (enforced) {
		out = rg_json_emit(enforced, false, &len);
		out = rg_xrealloc(out, len + 2);
		out[len++] = '\n';
		out[len] = '\0';
		text = out;
	}
	int r = rg_argfile_sealed("runguard-process", text, len, first_free_fd(flags, n), runtime,
				  &fd, err);
	if (r < 0)
		return r;
	r = rg_argfile_hand_over(a, rg_argfile_flag(flags, n, "process"), fd, err);
	if (r < 0)
		close(fd);
	return r;
}

/*
 * A container whose config.json has no run.runguard.policy annotation was
 * never enforced by runguard (started before it was installed, or by
 * another runtime). Its exec is judged like any other, against the policy
 * the configuration selects for it; with "exec": {"unenforced": "refuse"}
 * it is refused.
 */
static int check_unenforced(const struct rg_config *cfg, const struct rg_container *c,
			    struct rg_decision *d, struct rg_error **err)
{
	const struct rg_json *ann = rg_json_get(c->spec, "annotations");
	if (!cfg->is_unenforced_exec_refused || rg_json_get(ann, "run.runguard.policy"))
		return 0;
	d->verdict = "rejected";
	return rg_error_set(err, EPERM,
			    "%s: no run.runguard.policy annotation: the container "
			    "was not started through runguard; refused by the configuration "
			    "(\"exec\": {\"unenforced\": \"refuse\"})",
			    c->config_name ? c->config_name : "config.json");
}

int rg_execproc_guard(const struct rg_cli *cli, int argc, char *const argv[],
		      const struct rg_config *cfg, const char *runtime, struct rg_decision *d,
		      struct rg_argv *ret_argv, struct rg_error **err)
{
	struct rg_container c = {0};
	_cleanup_json_ struct rg_json *process = NULL;
	_cleanup_free_ struct rg_cli_flag *flags = NULL;
	_cleanup_free_ char *what = rg_xasprintf("exec %s", cli->container_id);
	_cleanup_free_ char *text = NULL;
	struct rg_host host;
	size_t n = 0, len = 0;
	bool is_apply = false;

	rg_argv_init(ret_argv, argc, argv);
	int r = rg_partial_begin(runtime, cli, cfg, cli->process, &c, d, &host, err);
	if (r < 0)
		goto out;
	const struct rg_exec_check x = {&d->policy, &host, c.spec, &d->report};
	r = check_unenforced(cfg, &c, d, err);
	if (r == 0)
		r = rg_cli_flags(argc, argv, cli, &flags, &n, err);
	if (r == 0)
		r = rg_execproc_check_flags(&x, flags, n, ret_argv, err);
	if (r == 0)
		rg_execproc_keep_nnp(&x, cli, runtime, flags, n, ret_argv);
	size_t n_flag_changes = d->report.n_changes;
	if (r == 0 && cli->process)
		r = guard_process_file(&x, cli->process, runtime, &text, &len, &process, err);
	if (r == 0)
		r = rg_partial_conclude(d, what, &is_apply, err);
	if (r < 0 || !is_apply) {
		/* Refused, failed or a dry run: the runtime gets the argv as it came. */
		rg_argv_free(ret_argv);
		rg_argv_init(ret_argv, argc, argv);
	}
	/* The file was read once (it may be a pipe): the runtime gets what was judged. */
	if (r == 0 && cli->process)
		r = deliver_process(
		    text, len, is_apply && d->report.n_changes > n_flag_changes ? process : NULL,
		    flags, n, runtime, ret_argv, err);
out:
	if (r < 0 && !rg_streq(d->verdict, "rejected"))
		d->verdict = "error";
	rg_container_free(&c);
	return r;
}
