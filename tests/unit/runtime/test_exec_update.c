/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for exec and update: the flag reading (rg_cli_flags, the argv
 * builder), runc's number syntaxes, the exec checks of flags and process
 * files, the update checks of flags and resources JSON, the runtime's state
 * output, and the argfile's trust checks and atomic rewrite.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/argfile.h"
#include "runguard/cli.h"
#include "runguard/container.h"
#include "runguard/execproc.h"
#include "runguard/policy.h"
#include "runguard/update.h"
#include "runguard/util.h"

/* A host with round numbers: 8 GiB, 4 CPUs, pid_max 32768. */
static const struct rg_host test_host = {
    .seccomp_arch = "SCMP_ARCH_X86_64",
    .go_arch = "amd64",
    .selinux_enabled = 0,
    .memory_bytes = 8ULL << 30,
    .cpus = 4,
    .pid_max = 32768,
};

/* ---- fixtures ---- */

struct fixture {
	struct rg_config cfg;
	struct rg_policy policy;
	struct rg_json *container;
	struct rg_report report;
	struct rg_argv argv;
	char **args; /* argv as main() gets it */
	int argc;
	struct rg_cli cli;
	struct rg_cli_flag *flags;
	size_t n_flags;
};

static struct rg_json *parse(const char *text)
{
	struct rg_error *err = NULL;
	struct rg_json *j = rg_json_parse(text, strlen(text), "test", NULL, &err);
	if (!j)
		fail_msg("parse: %s", err->msg);
	return j;
}

/* Sets up policy from a configuration text and a container config.json. */
static void fx_init(struct fixture *f, const char *config, const char *container)
{
	struct rg_error *err = NULL;

	memset(f, 0, sizeof(*f));
	if (rg_config_parse_buffer("test-config", config, strlen(config), &f->cfg, &err) < 0)
		fail_msg("config: %s", err->msg);
	f->container = parse(container);
	if (rg_policy_select(&f->cfg, rg_json_get(f->container, "annotations"), &f->policy, &err) <
	    0)
		fail_msg("policy: %s", err->msg);
}

/* Scans "runc ARGS..." and reads its exec/update flags. */
static void fx_argv(struct fixture *f, const char *const *args)
{
	struct rg_error *err = NULL;
	int n = 0;

	while (args[n])
		n++;
	f->argc = n + 1;
	f->args = rg_xcalloc((size_t)f->argc + 1, sizeof(char *));
	f->args[0] = rg_xstrdup("runc");
	for (int i = 0; i < n; i++)
		f->args[i + 1] = rg_xstrdup(args[i]);
	if (rg_cli_scan(f->argc, f->args, &f->cli, &err) < 0)
		fail_msg("scan: %s", err->msg);
	if (rg_cli_flags(f->argc, f->args, &f->cli, &f->flags, &f->n_flags, &err) < 0)
		fail_msg("flags: %s", err->msg);
	rg_argv_init(&f->argv, f->argc, f->args);
}

static void fx_free(struct fixture *f)
{
	rg_config_free(&f->cfg);
	rg_policy_free(&f->policy);
	rg_json_free(f->container);
	rg_report_free(&f->report);
	rg_argv_free(&f->argv);
	for (int i = 0; i < f->argc; i++)
		free(f->args[i]);
	free(f->args);
	free(f->flags);
}

/* The argv the runtime would get, joined by spaces (without argv[0]). Caller frees. */
static char *joined(struct fixture *f)
{
	struct rg_buf b = {0};
	char **v = rg_argv_vector(&f->argv);
	for (int i = 1; v[i]; i++)
		rg_buf_printf(&b, "%s%s", i > 1 ? " " : "", v[i]);
	rg_buf_puts(&b, "");
	return rg_buf_steal(&b);
}

static const struct rg_change *change_at(const struct rg_report *r, const char *path)
{
	for (size_t i = 0; i < r->n_changes; i++)
		if (strcmp(r->changes[i].path, path) == 0)
			return &r->changes[i];
	return NULL;
}

static const struct rg_violation *violation_at(const struct rg_report *r, const char *path)
{
	for (size_t i = 0; i < r->n_violations; i++)
		if (strcmp(r->violations[i].path, path) == 0)
			return &r->violations[i];
	return NULL;
}

/* ---- rg_cli_flags and rg_argv ---- */

static void test_flags_exec(void **state)
{
	struct fixture f;
	(void)state;
	fx_init(&f, "{}", "{}");
	const char *args[] = {"--root",	     "/r", "exec", "--cap", "CAP_A", "-c",    "CAP_B",
			      "--cap=CAP_C", "-t", "c1",   "sh",    "-c",    "--cap", NULL};
	fx_argv(&f, args);
	assert_int_equal(f.cli.kind, RG_CLI_EXEC);
	assert_int_equal(f.cli.id_index, 10);
	/* The command's "-c --cap" are not flags. */
	assert_int_equal(f.n_flags, 4);
	assert_string_equal(f.flags[0].name, "cap");
	assert_string_equal(f.flags[0].value, "CAP_A");
	assert_int_equal(f.flags[0].index, 4);
	assert_int_equal(f.flags[0].value_index, 5);
	assert_string_equal(f.flags[1].name, "cap"); /* -c is --cap */
	assert_int_equal(f.flags[1].index, 6);
	assert_string_equal(f.flags[2].value, "CAP_C");
	assert_int_equal(f.flags[2].index, f.flags[2].value_index);
	assert_string_equal(f.flags[3].name, "tty");
	assert_null(f.flags[3].value);
	fx_free(&f);
}

static void test_flags_update_reordered(void **state)
{
	struct fixture f;
	(void)state;
	fx_init(&f, "{}", "{}");
	/* runc's urfave/cli moves the flags before "c1"; the indices stay argv's. */
	const char *ok[] = {"update", "c1", "--memory", "1G", "--pids-limit=5", NULL};
	fx_argv(&f, ok);
	assert_int_equal(f.cli.kind, RG_CLI_UPDATE);
	assert_int_equal(f.cli.id_index, 2);
	assert_int_equal(f.n_flags, 2);
	assert_string_equal(f.flags[0].name, "memory");
	assert_int_equal(f.flags[0].value_index, 4);
	assert_string_equal(f.flags[1].value, "5");
	fx_free(&f);
}

static void test_argv_edits(void **state)
{
	char *in[] = {(char *)"runc",
		      (char *)"exec",
		      (char *)"--cap",
		      (char *)"X",
		      (char *)"c1",
		      (char *)"true",
		      NULL};
	struct rg_argv a;
	(void)state;

	rg_argv_init(&a, 6, in);
	assert_false(a.is_changed);
	rg_argv_remove(&a, 2);
	rg_argv_remove(&a, 3);
	rg_argv_set(&a, 5, rg_xstrdup("false"));
	assert_true(a.is_changed);
	char **v = rg_argv_vector(&a);
	assert_string_equal(v[0], "runc");
	assert_string_equal(v[1], "exec");
	assert_string_equal(v[2], "c1");
	assert_string_equal(v[3], "false");
	assert_null(v[4]);
	rg_argv_free(&a);

	/* an insertion follows its original index, removals around it */
	rg_argv_init(&a, 6, in);
	rg_argv_insert_after(&a, 1, "--no-new-privs");
	rg_argv_remove(&a, 2);
	rg_argv_remove(&a, 3);
	assert_true(a.is_changed);
	v = rg_argv_vector(&a);
	assert_string_equal(v[1], "exec");
	assert_string_equal(v[2], "--no-new-privs");
	assert_string_equal(v[3], "c1");
	assert_string_equal(v[4], "true");
	assert_null(v[5]);
	/* the original is untouched */
	assert_string_equal(in[2], "--cap");
	assert_string_equal(in[5], "true");
	rg_argv_free(&a);
}

static void test_parse_bool(void **state)
{
	static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
	static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
	static const char *const bad[] = {"", "yes", "tRUE", "2", " true", "true "};
	bool v;
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(yes); i++) {
		assert_int_equal(rg_cli_parse_bool(yes[i], &v), 0);
		assert_true(v);
	}
	for (size_t i = 0; i < RG_ARRAY_SIZE(no); i++) {
		assert_int_equal(rg_cli_parse_bool(no[i], &v), 0);
		assert_false(v);
	}
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++)
		assert_int_equal(rg_cli_parse_bool(bad[i], &v), -EINVAL);
}

/* ---- runc's size syntax ---- */

static void test_parse_ram(void **state)
{
	static const struct {
		const char *in;
		long long want; /* -2: invalid */
		bool over;
	} cases[] = {
	    {"0", 0, false},
	    {"1", 1, false},
	    {"-1", -1, false},
	    {"1k", 1024, false},
	    {"1K", 1024, false},
	    {"1kb", 1024, false},
	    {"1KiB", 1024, false},
	    {"1i", 1, false},
	    {"1b", 1, false},
	    {"2M", 2LL << 20, false},
	    {"1 m", 1LL << 20, false},
	    {"1.5G", 3LL << 29, false},
	    {"1.1G", 1181116006LL, false}, /* truncated, as Go's int64(float64) */
	    {"100g", 100LL << 30, false},
	    {"1t", 1LL << 40, false},
	    {"1P", 1LL << 50, false},
	    {"8191P", 8191LL << 50, false},
	    {"8192P", 0, true},
	    {"99999999999999999999", 0, true},
	    {"", -2, false},
	    {"k", -2, false},
	    {"-2", -2, false},
	    {"+1", -2, false},
	    {"1x", -2, false},
	    {"1.", -2, false},
	    {".5", -2, false},
	    {"1.2.3", -2, false},
	    {"1kk", -2, false},
	    {"1  k", -2, false},
	    {" 1", -2, false},
	    {"1 ", 1, false},
	    {"1e3", -2, false},
	    {"0x10", -2, false},
	};
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		long long v = 0;
		bool over = false;
		int r = rg_update_parse_ram(cases[i].in, &v, &over);
		if (cases[i].want == -2) {
			if (r != -EINVAL)
				fail_msg("'%s': accepted as %lld", cases[i].in, v);
			continue;
		}
		if (r != 0)
			fail_msg("'%s': refused", cases[i].in);
		assert_int_equal(over, cases[i].over);
		if (!cases[i].over && v != cases[i].want)
			fail_msg("'%s': %lld, want %lld", cases[i].in, v, cases[i].want);
	}
}

/* ---- exec flags ---- */

static const char container_plain[] =
    "{\"process\":{\"selinuxLabel\":\"system_u:system_r:container_t:s0:c1,c2\","
    "\"user\":{\"uid\":1000}}}";

/*
 * Runs exec's flag check (update's when is_update) on args under config,
 * for a container whose config.json is `container`; fails unless it returns
 * want_r.
 */
/* rg_update_check.has_memsw in these tests: does the host limit memory+swap (cgroup v1)? */
static bool test_memsw;

static void check_flags(struct fixture *f, bool is_update, const char *config,
			const char *container, const char *const *args, int want_r)
{
	struct rg_error *err = NULL;
	int r;
	fx_init(f, config, container);
	fx_argv(f, args);
	if (is_update) {
		const struct rg_update_check x = {&f->policy, &test_host, f->container, &f->report,
						  test_memsw};
		r = rg_update_check_flags(&x, f->flags, f->n_flags, &f->argv, &err);
	} else {
		const struct rg_exec_check x = {&f->policy, &test_host, f->container, &f->report};
		r = rg_execproc_check_flags(&x, f->flags, f->n_flags, &f->argv, &err);
	}
	if (r != want_r)
		fail_msg("check_flags: %d (%s), want %d", r, err ? err->msg : "-", want_r);
	rg_error_free(err);
}

static void exec_flags(struct fixture *f, const char *config, const char *container,
		       const char *const *args, int want_r)
{
	check_flags(f, false, config, container, args, want_r);
}

static void test_exec_cap_fix_drops(void **state)
{
	struct fixture f;
	const char *args[] = {"exec",
			      "--cap",
			      "CAP_SYS_ADMIN",
			      "--cap=CAP_KILL",
			      "-c",
			      "CAP_NET_ADMIN",
			      "c1",
			      "sh",
			      "-c",
			      "true",
			      NULL};
	(void)state;
	exec_flags(&f, "{}", container_plain, args, 0);
	_cleanup_free_ char *got = joined(&f);
	assert_string_equal(got, "exec --cap=CAP_KILL c1 sh -c true");
	assert_int_equal(f.report.n_changes, 2);
	assert_int_equal(f.report.n_violations, 0);
	assert_string_equal(f.report.changes[0].path, "--cap");
	assert_string_equal(f.report.changes[0].before, "\"CAP_SYS_ADMIN\"");
	assert_null(f.report.changes[0].after);
	assert_string_equal(f.report.changes[0].rule, "capabilities");
	fx_free(&f);
}

/*
 * What one run of exec's flag check must leave. The report and the argv are
 * checked in full: no argv means it is handed on unchanged, no change or
 * violation path means there is none.
 */
struct exec_want {
	int r; /* not 0: only the result is checked */
	const char *argv; /* the argv handed on, joined; NULL: unchanged */
	const char *change; /* a change there; NULL: no change */
	const char *violation; /* a violation there; NULL: none */
	size_t n_violations; /* with a violation: how many in all; 0: not checked */
	const char *rule; /* the rule of that change or violation; NULL: not checked */
};

struct exec_row {
	const char *config, *container;
	const char *args[10];
	struct exec_want want;
};

static void check_exec_outcome(struct fixture *f, const struct exec_want *w, size_t i)
{
	const struct rg_report *r = &f->report;
	_cleanup_free_ char *got = joined(f);
	if (w->argv ? strcmp(got, w->argv) != 0 : f->argv.is_changed)
		fail_msg("row %zu: '%s', want '%s'", i, got, w->argv ? w->argv : "unchanged");
	const struct rg_change *c = w->change ? change_at(r, w->change) : NULL;
	if (w->change ? !c : r->n_changes != 0)
		fail_msg("row %zu: %zu changes, want one at %s", i, r->n_changes,
			 w->change ? w->change : "none");
	const struct rg_violation *v = w->violation ? violation_at(r, w->violation) : NULL;
	if (w->violation ? !v : r->n_violations != 0)
		fail_msg("row %zu: %zu violations, want one at %s", i, r->n_violations,
			 w->violation ? w->violation : "none");
	if (v && w->n_violations && r->n_violations != w->n_violations)
		fail_msg("row %zu: %zu violations, want %zu", i, r->n_violations, w->n_violations);
	const char *by = c ? c->rule : v ? v->rule : "nothing";
	if (w->rule && strcmp(by, w->rule) != 0)
		fail_msg("row %zu: by %s, want %s", i, by, w->rule);
}

/* Runs each row's exec flag check; fails at the first row that leaves something else. */
static void check_exec_rows(const struct exec_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct fixture f;
		exec_flags(&f, rows[i].config, rows[i].container, rows[i].args, rows[i].want.r);
		if (rows[i].want.r == 0)
			check_exec_outcome(&f, &rows[i].want, i);
		fx_free(&f);
	}
}

static void test_exec_cap_reject(void **state)
{
	struct fixture f;
	const char *args[] = {"exec", "--cap", "CAP_SYS_ADMIN", "c1", "true", NULL};
	(void)state;
	exec_flags(&f, "{\"rules\":{\"capabilities\":{\"action\":\"reject\"}}}", container_plain,
		   args, 0);
	assert_false(f.argv.is_changed);
	assert_int_equal(f.report.n_violations, 1);
	assert_non_null(violation_at(&f.report, "--cap"));
	assert_non_null(strstr(f.report.violations[0].msg, "CAP_SYS_ADMIN"));
	fx_free(&f);
}

static void test_exec_cap_privileged_allows(void **state)
{
	struct fixture f;
	const char *args[] = {"exec", "--cap", "CAP_SYS_ADMIN", "c1", "true", NULL};
	(void)state;
	exec_flags(&f, "{\"profile\":\"privileged\"}", container_plain, args, 0);
	assert_false(f.argv.is_changed);
	assert_int_equal(f.report.n_changes + f.report.n_violations, 0);
	fx_free(&f);
}

static void test_exec_cap_unknown(void **state)
{
	struct fixture f;
	const char *args[] = {"exec", "--cap", "cap_sys_admin", "c1", "true", NULL};
	(void)state;
	exec_flags(&f, "{}", container_plain, args, -EINVAL);
	fx_free(&f);
}

static void test_exec_no_new_privs(void **state)
{
	static const struct exec_row rows[] = {
	    {"{}",
	     container_plain,
	     {"exec", "--no-new-privs=false", "c1", "true"},
	     {.argv = "exec c1 true", .change = "--no-new-privs"}},
	    {"{}",
	     container_plain,
	     {"exec", "--no-new-privs", "--no-new-privs=1", "c1", "true"},
	     {0}},
	    {"{}", container_plain, {"exec", "--no-new-privs=maybe", "c1", "true"}, {.r = -EINVAL}},
	};
	(void)state;
	check_exec_rows(rows, RG_ARRAY_SIZE(rows));
}

/* exec without --process: crun gets --no-new-privs when the container has it; runc nothing. */
static void test_exec_keep_nnp(void **state)
{
	static const char nnp[] = "{\"process\":{\"noNewPrivileges\":true}}";
	static const struct {
		const char *runtime, *container, *want;
		const char *args[6];
	} rows[] = {
	    {"/usr/bin/crun",
	     nnp,
	     "exec --no-new-privs -e A=1 c1 true",
	     {"exec", "-e", "A=1", "c1", "true", NULL}},
	    {"/opt/bin/other",
	     nnp,
	     "--root /r exec --no-new-privs c1 true",
	     {"--root", "/r", "exec", "c1", "true", NULL}},
	    {"/usr/sbin/runc", nnp, NULL, {"exec", "c1", "true", NULL}},
	    {"/usr/bin/crun", container_plain, NULL, {"exec", "c1", "true", NULL}},
	    {"/usr/bin/crun", nnp, NULL, {"exec", "--no-new-privs", "c1", "true", NULL}},
	    {"/usr/bin/crun", nnp, NULL, {"exec", "-p", "/p.json", "c1", NULL}},
	};
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(rows); i++) {
		struct fixture f;
		exec_flags(&f, "{}", rows[i].container, rows[i].args, 0);
		const struct rg_exec_check x = {&f.policy, &test_host, f.container, &f.report};
		rg_execproc_keep_nnp(&x, &f.cli, rows[i].runtime, f.flags, f.n_flags, &f.argv);
		_cleanup_free_ char *got = joined(&f);
		if (rows[i].want) {
			assert_string_equal(got, rows[i].want);
			const struct rg_change *c = change_at(&f.report, "--no-new-privs");
			assert_non_null(c);
			assert_string_equal(c->rule, "noNewPrivileges");
		} else {
			assert_false(f.argv.is_changed);
			assert_int_equal(f.report.n_changes, 0);
		}
		fx_free(&f);
	}
}

static void test_exec_labels(void **state)
{
	static const struct exec_row rows[] = {
	    /* The last --process-label wins in runc, but each is checked: both fine here. */
	    {"{}",
	     container_plain,
	     {"exec", "--process-label", "system_u:system_r:container_t:s0:c1,c2",
	      "--process-label=", "c1", "true"},
	     {0}},
	    {"{}",
	     container_plain,
	     {"exec", "--process-label", "system_u:system_r:spc_t:s0", "c1", "true"},
	     {.violation = "--process-label", .n_violations = 1, .rule = "selinux"}},
	    /* The container has no AppArmor profile: any is a different one. */
	    {"{}",
	     container_plain,
	     {"exec", "--apparmor", "unconfined", "c1", "true"},
	     {.violation = "--apparmor", .n_violations = 1}},
	    /* A policy that turns the selinux rule off lets the label through. */
	    {"{\"rules\":{\"selinux\":{\"action\":\"off\"}}}",
	     container_plain,
	     {"exec", "--process-label", "system_u:system_r:spc_t:s0", "c1", "true"},
	     {0}},
	};
	(void)state;
	check_exec_rows(rows, RG_ARRAY_SIZE(rows));
}

static void test_exec_user(void **state)
{
	static const char fix[] = "{\"rules\":{\"user\":{\"action\":\"fix\"}}}";
	static const char reject[] = "{\"rules\":{\"user\":{\"action\":\"reject\"}}}";
	static const char mapped[] = "{\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
				     "\"uidMappings\":[{\"containerID\":0,"
				     "\"hostID\":100000,\"size\":65536}],"
				     "\"gidMappings\":[{\"containerID\":0,"
				     "\"hostID\":100000,\"size\":65536}]}}";
	/* Mappings without a user namespace: the runtime ignores them. */
	static const char unapplied[] = "{\"linux\":{\"uidMappings\":[{\"containerID\":0,"
					"\"hostID\":100000,\"size\":65536}]}}";
	static const struct exec_row rows[] = {
	    /* Off (baseline): not looked at. */
	    {"{}", container_plain, {"exec", "-u", "0:0", "c1", "true"}, {0}},
	    {fix,
	     container_plain,
	     {"exec", "-u", "0:0", "c1", "true"},
	     {.argv = "exec c1 true", .change = "--user"}},
	    /* runc stores uint32(uid): 2^32 is uid 0. */
	    {reject,
	     container_plain,
	     {"exec", "--user=4294967296", "c1", "true"},
	     {.violation = "--user"}},
	    /* -u 1000 runs with gid 0, the root group. */
	    {reject,
	     container_plain,
	     {"exec", "-u", "1000", "c1", "true"},
	     {.violation = "--user", .n_violations = 1}},
	    {reject, container_plain, {"exec", "-u", "1000:1000", "c1", "true"}, {0}},
	    /* gid 2^32 is gid 0 to runc. */
	    {reject,
	     container_plain,
	     {"exec", "-u", "1000:4294967296", "c1", "true"},
	     {.violation = "--user", .n_violations = 1}},
	    /* runc cannot parse it, so it runs as no one: nothing to judge. */
	    {reject, container_plain, {"exec", "-u", "root", "c1", "true"}, {0}},
	    /* Container root mapped to an unprivileged host uid. */
	    {reject, mapped, {"exec", "-u", "0:0", "c1", "true"}, {0}},
	    {reject,
	     container_plain,
	     {"exec", "-u", "1000:1000", "-g", "10", "--additional-gids=4294967296", "c1", "true"},
	     {.violation = "--additional-gids", .n_violations = 1}},
	    {fix,
	     container_plain,
	     {"exec", "-u", "1000:1000", "-g", "10", "--additional-gids=4294967296", "c1", "true"},
	     {.argv = "exec -u 1000:1000 -g 10 c1 true", .change = "--additional-gids"}},
	    {reject, unapplied, {"exec", "-u", "0:0", "c1", "true"}, {.violation = "--user"}},
	};
	(void)state;
	check_exec_rows(rows, RG_ARRAY_SIZE(rows));
}

/* ---- exec process files ---- */

/*
 * Judges `in` as update's resources JSON (is_update) or exec's process file
 * under config, for a container whose config.json is `container`; *ret is
 * the JSON that would be handed on. Returns what the check returns.
 */
static int judge_json(struct fixture *f, bool is_update, const char *config, const char *container,
		      const char *in, struct rg_json **ret)
{
	struct rg_error *err = NULL;
	int r;
	fx_init(f, config, container);
	*ret = parse(in);
	if (is_update) {
		const struct rg_update_check x = {&f->policy, &test_host, f->container, &f->report,
						  test_memsw};
		r = rg_update_check_resources(&x, *ret, "-r -", &err);
	} else {
		const struct rg_exec_check x = {&f->policy, &test_host, f->container, &f->report};
		r = rg_execproc_check_process(&x, ret, "p.json", &err);
	}
	rg_error_free(err);
	return r;
}

/* Fails unless every text in bad is refused as malformed (see judge_json). */
static void expect_malformed(bool is_update, const char *config, const char *container,
			     const char *const *bad, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct fixture f;
		struct rg_json *j = NULL;
		int r = judge_json(&f, is_update, config, container, bad[i], &j);
		/* -ENOTUNIQ: two spellings of one field */
		if (r != -EINVAL && r != -ENOTUNIQ)
			fail_msg("'%s': %d, want -EINVAL or -ENOTUNIQ", bad[i], r);
		rg_json_free(j);
		fx_free(&f);
	}
}

static int exec_process(struct fixture *f, const char *config, const char *container,
			const char *process, struct rg_json **ret)
{
	return judge_json(f, false, config, container, process, ret);
}

static void test_exec_process_fixed(void **state)
{
	struct fixture f;
	struct rg_json *p = NULL;
	(void)state;

	assert_int_equal(
	    exec_process(&f, "{}", container_plain,
			 "{\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\","
			 "\"CAP_KILL\"],\"effective\":[\"CAP_SYS_ADMIN\"],\"ambient\":[\"CAP_SYS_"
			 "ADMIN\"]},\"noNewPrivileges\":false,\"env\":[\"A=1\"]}",
			 &p),
	    0);
	_cleanup_free_ char *text = rg_json_emit(p, false, NULL);
	assert_string_equal(text,
			    "{\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[\"CAP_KILL\"],"
			    "\"effective\":[],\"ambient\":[]},\"noNewPrivileges\":true,"
			    "\"env\":[\"A=1\"]}");
	/* Paths are the file's own. */
	assert_non_null(change_at(&f.report, ".capabilities.bounding"));
	assert_non_null(change_at(&f.report, ".noNewPrivileges"));
	assert_int_equal(f.report.n_violations, 0);
	rg_json_free(p);
	fx_free(&f);
}

static void test_exec_process_missing_nnp(void **state)
{
	struct fixture f;
	struct rg_json *p = NULL;
	(void)state;

	/* runc reads an absent noNewPrivileges as false. */
	assert_int_equal(exec_process(&f, "{}", container_plain, "{\"args\":[\"sh\"]}", &p), 0);
	assert_true(rg_json_get(p, "noNewPrivileges")->type == RG_JSON_TRUE);
	rg_json_free(p);
	fx_free(&f);
}

/*
 * A process file judged under config for container_plain: accepted, with a
 * violation at each path given (none given: no violation at all) and, when
 * is_unchanged, no change.
 */
struct process_row {
	const char *config, *process;
	const char *violations[2];
	bool is_unchanged;
};

static void check_process_rows(const struct process_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct fixture f;
		struct rg_json *p = NULL;
		int r = exec_process(&f, rows[i].config, container_plain, rows[i].process, &p);
		if (r != 0)
			fail_msg("'%s': %d, want 0", rows[i].process, r);
		for (size_t k = 0; k < RG_ARRAY_SIZE(rows[i].violations); k++)
			if (rows[i].violations[k] &&
			    !violation_at(&f.report, rows[i].violations[k]))
				fail_msg("'%s': no violation at %s", rows[i].process,
					 rows[i].violations[k]);
		if (!rows[i].violations[0] && f.report.n_violations)
			fail_msg("'%s': violation at %s", rows[i].process,
				 f.report.violations[0].path);
		if (rows[i].is_unchanged && f.report.n_changes)
			fail_msg("'%s': change at %s", rows[i].process, f.report.changes[0].path);
		rg_json_free(p);
		fx_free(&f);
	}
}

static void test_exec_process_labels(void **state)
{
	static const struct process_row rows[] = {
	    {"{}",
	     "{\"noNewPrivileges\":true,\"selinuxLabel\":\"system_u:system_r:spc_t:s0\","
	     "\"apparmorProfile\":\"unconfined\"}",
	     {".selinuxLabel", ".apparmorProfile"},
	     false},
	    {"{}",
	     "{\"noNewPrivileges\":true,\"selinuxLabel\":\"system_u:system_r:container_t:s0:c1,"
	     "c2\"}",
	     {NULL},
	     true},
	};
	(void)state;
	check_process_rows(rows, RG_ARRAY_SIZE(rows));
}

static void test_exec_process_user_reject(void **state)
{
	/* No user at all is uid 0 to runc. */
	static const struct process_row row = {
	    "{\"profile\":\"restricted\"}", "{\"noNewPrivileges\":true}", {".user.uid"}, false};
	(void)state;
	check_process_rows(&row, 1);
}

/* Every member runc or crun reads is known; the harmless ones pass as they are. */
static void test_exec_process_members(void **state)
{
	static const struct process_row row = {
	    "{}",
	    "{\"terminal\":false,\"consoleSize\":{\"height\":1,\"width\":1},\"user\":{"
	    "\"uid\":1000,\"gid\":1000,\"umask\":18,\"additionalGids\":[5],\"username\":"
	    "\"x\"},\"args\":[\"true\"],\"commandLine\":\"\",\"env\":[\"A=b\"],\"cwd\":"
	    "\"/\",\"capabilities\":{\"bounding\":[],\"effective\":[],\"inheritable\":[],"
	    "\"permitted\":[],\"ambient\":[]},\"rlimits\":[],\"noNewPrivileges\":true,"
	    "\"oomScoreAdj\":5,\"scheduler\":null}",
	    {NULL},
	    true};
	(void)state;
	check_process_rows(&row, 1);
}

/* The members only the fields rule judges: unsafe values are its violations. */
static void test_exec_process_fields(void **state)
{
	static const struct process_row rows[] = {
	    {"{}",
	     "{\"scheduler\":{\"policy\":\"SCHED_FIFO\",\"priority\":99}}",
	     {".scheduler"},
	     false},
	    {"{}", "{\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\"}}", {".ioPriority"}, false},
	    {"{}", "{\"execCPUAffinity\":{\"initial\":\"0\"}}", {NULL}, false},
	    {"{}", "{\"scheduler\":{\"policy\":\"SCHED_BATCH\"}}", {NULL}, false},
	};
	(void)state;
	check_process_rows(rows, RG_ARRAY_SIZE(rows));
}

static void test_exec_process_bad(void **state)
{
	static const char *const bad[] = {
	    "[]",
	    "{\"capabilities\":{},\"Capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}}",
	    "{\"capabilities\":{\"bounding\":[\"cap_sys_admin\"]}}",
	    "{\"selinuxLabel\":5}",
	    "{\"noNewPrivileges\":\"yes\"}",
	    /* what no rule judges: unknown members */
	    "{\"args\":[\"true\"],\"personality\":{\"domain\":\"LINUX32\"}}",
	    "{\"user\":{\"uid\":1000,\"capabilities\":[]}}",
	};
	(void)state;

	expect_malformed(false, "{}", container_plain, bad, RG_ARRAY_SIZE(bad));
}

/* ---- update flags ---- */

static const char limits_fix[] =
    "{\"rules\":{\"resources\":{\"action\":\"fix\",\"memory\":{\"default\":\"512M\",\"max\":"
    "\"1G\"},\"cpu\":{\"max\":1},\"pids\":{\"default\":50,\"max\":100}}}}";
static const char limits_reject[] =
    "{\"rules\":{\"resources\":{\"action\":\"reject\",\"memory\":{\"max\":\"1G\"},\"cpu\":{"
    "\"max\":1},\"pids\":{\"max\":100}}}}";
static const char container_cpu[] =
    "{\"linux\":{\"resources\":{\"cpu\":{\"quota\":100000,\"period\":100000}}}}";

static void update_flags(struct fixture *f, const char *config, const char *container,
			 const char *const *args, int want_r)
{
	check_flags(f, true, config, container, args, want_r);
}

/*
 * Case i of an update check left `got` to hand on: fails unless it was
 * refused when want is NULL, or else accepted and got is want.
 */
static void check_verdict(const struct rg_report *r, const char *got, const char *want, size_t i)
{
	if (!want) {
		if (r->n_violations == 0)
			fail_msg("case %zu: not refused: %s", i, got);
		return;
	}
	if (r->n_violations)
		fail_msg("case %zu: refused: %s", i, r->violations[0].msg);
	if (strcmp(got, want) != 0)
		fail_msg("case %zu: '%s', want '%s'", i, got, want);
}

static void test_update_flags_table(void **state)
{
	static const struct {
		const char *config;
		const char *args[12];
		const char *want; /* the argv after; NULL: refused */
	} cases[] = {
	    {limits_fix, {"update", "--memory", "2G", "c1"}, "update --memory 1073741824 c1"},
	    {limits_fix, {"update", "--memory=2G", "c1"}, "update --memory=1073741824 c1"},
	    {limits_fix, {"update", "-memory=3g", "c1"}, "update -memory=1073741824 c1"},
	    {limits_fix, {"update", "c1", "--memory", "2G"}, "update c1 --memory 1073741824"},
	    {limits_fix, {"update", "--memory", "512M", "c1"}, "update --memory 512M c1"},
	    {limits_fix, {"update", "--memory", "0", "c1"}, "update --memory 0 c1"},
	    /* unlimited gets the default, as at create */
	    {limits_fix, {"update", "--memory=-1", "c1"}, "update --memory=536870912 c1"},
	    {limits_fix, {"update", "--memory", "-1", "c1"}, "update --memory 536870912 c1"},
	    /* only the last of a repeated flag counts, and only it is rewritten */
	    {limits_fix,
	     {"update", "--memory", "2G", "--memory", "4G", "c1"},
	     "update --memory 2G --memory 1073741824 c1"},
	    {limits_fix, {"update", "--pids-limit", "1000", "c1"}, "update --pids-limit 100 c1"},
	    {limits_fix, {"update", "--pids-limit", "0x400", "c1"}, "update --pids-limit 100 c1"},
	    {limits_fix, {"update", "--pids-limit", "-1", "c1"}, "update --pids-limit 50 c1"},
	    {limits_fix, {"update", "--pids-limit", "99", "c1"}, "update --pids-limit 99 c1"},
	    /* one CPU over the container's period (100000) */
	    {limits_fix, {"update", "--cpu-quota", "200000", "c1"}, "update --cpu-quota 100000 c1"},
	    {limits_fix,
	     {"update", "--cpu-quota", "200000", "--cpu-period", "50000", "c1"},
	     "update --cpu-quota 50000 --cpu-period 50000 c1"},
	    {limits_fix, {"update", "--cpu-quota", "90000", "c1"}, "update --cpu-quota 90000 c1"},
	    {limits_fix, {"update", "--memory-swap", "10G", "c1"}, "update --memory-swap 10G c1"},
	    /* a period alone that makes the container's quota more than one CPU */
	    {limits_fix, {"update", "--cpu-period", "10000", "c1"}, NULL},
	    {limits_fix,
	     {"update", "--cpu-period", "200000", "c1"},
	     "update --cpu-period 200000 c1"},
	    {limits_reject, {"update", "--memory", "2G", "c1"}, NULL},
	    {limits_reject, {"update", "--memory", "1G", "c1"}, "update --memory 1G c1"},
	    {limits_reject, {"update", "--pids-limit", "-1", "c1"}, NULL},
	    {"{\"profile\":\"privileged\"}",
	     {"update", "--memory", "2000G", "c1"},
	     "update --memory 2000G c1"},
	    /* the host's totals are the default maxima: 8 GiB here */
	    {"{}", {"update", "--memory", "100G", "c1"}, "update --memory 8589934592 c1"},
	};
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct fixture f;
		update_flags(&f, cases[i].config, container_cpu, cases[i].args, 0);
		_cleanup_free_ char *got = joined(&f);
		check_verdict(&f.report, got, cases[i].want, i);
		fx_free(&f);
	}
}

/* update -r with {"memory":{"limit":-1}} on `container`: the JSON handed on is `want`. */
static void expect_minus1_resources(const char *container, const char *want)
{
	struct fixture f;
	struct rg_error *err = NULL;
	fx_init(&f, limits_fix, container);
	struct rg_json *j = parse("{\"memory\":{\"limit\":-1}}");
	const struct rg_update_check x = {&f.policy, &test_host, f.container, &f.report,
					  test_memsw};
	assert_int_equal(rg_update_check_resources(&x, j, "-r -", &err), 0);
	_cleanup_free_ char *got = rg_json_emit(j, false, NULL);
	assert_string_equal(got, want);
	rg_json_free(j);
	fx_free(&f);
}

/* update args under limits_fix on `container`: fails unless the argv handed on is want (case i). */
static void expect_update_argv(const char *container, const char *const *args, const char *want,
			       size_t i)
{
	struct fixture f;
	update_flags(&f, limits_fix, container, args, 0);
	_cleanup_free_ char *got = joined(&f);
	if (strcmp(got, want) != 0)
		fail_msg("case %zu: '%s', want '%s'", i, got, want);
	fx_free(&f);
}

/* --memory -1 with a memory+swap limit: the default stays under the swap that will apply. */
static void test_update_memory_unlimited_swap(void **state)
{
	static const char with_swap[] =
	    "{\"linux\":{\"resources\":{\"memory\":{\"limit\":268435456,\"swap\":268435456}}}}";
	static const struct {
		const char *container;
		const char *args[8];
		const char *want;
	} cases[] = {
	    /* the container's swap (256M) caps the default (512M) */
	    {with_swap, {"update", "--memory", "-1", "c1"}, "update --memory 268435456 c1"},
	    {with_swap, {"update", "--memory=-1", "c1"}, "update --memory=268435456 c1"},
	    /* the update's own swap wins over the container's */
	    {with_swap,
	     {"update", "--memory", "-1", "--memory-swap", "300M", "c1"},
	     "update --memory 314572800 --memory-swap 300M c1"},
	    {with_swap,
	     {"update", "--memory", "-1", "--memory-swap", "-1", "c1"},
	     "update --memory 536870912 --memory-swap -1 c1"},
	    /* no swap limit anywhere: the default */
	    {container_cpu, {"update", "--memory", "-1", "c1"}, "update --memory 536870912 c1"},
	    /* a positive limit is judged as it is */
	    {with_swap, {"update", "--memory", "100M", "c1"}, "update --memory 100M c1"},
	};
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++)
		expect_update_argv(cases[i].container, cases[i].args, cases[i].want, i);
	/* the same through -r */
	expect_minus1_resources(with_swap, "{\"memory\":{\"limit\":268435456}}");
}

/* Where the host limits memory+swap, -1 with no swap is runc's "swap -1 too": said outright. */
static void test_update_memory_unlimited_memsw(void **state)
{
	static const char with_swap[] =
	    "{\"linux\":{\"resources\":{\"memory\":{\"limit\":268435456,\"swap\":268435456}}}}";
	static const struct {
		const char *args[8];
		const char *want;
	} cases[] = {
	    {{"update", "--memory", "-1", "c1"}, "update --memory 536870912 --memory-swap=-1 c1"},
	    {{"update", "--memory=-1", "c1"}, "update --memory=536870912 --memory-swap=-1 c1"},
	    /* the update's own swap: as it is */
	    {{"update", "--memory", "-1", "--memory-swap", "300M", "c1"},
	     "update --memory 314572800 --memory-swap 300M c1"},
	    /* a positive limit: nothing added */
	    {{"update", "--memory", "100M", "c1"}, "update --memory 100M c1"},
	};
	(void)state;

	test_memsw = true;
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++)
		expect_update_argv(with_swap, cases[i].args, cases[i].want, i);
	expect_minus1_resources(with_swap, "{\"memory\":{\"limit\":536870912,\"swap\":-1}}");
	test_memsw = false;
}

static void test_update_flags_invalid(void **state)
{
	static const char *const bad[][5] = {
	    {"update", "--memory", "lots", "c1"},    {"update", "--pids-limit", "1_000", "c1"},
	    {"update", "--cpu-quota", "0x10", "c1"}, {"update", "--cpu-period", "-5", "c1"},
	    {"update", "--cpu-share", "+5", "c1"},
	};
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		struct fixture f;
		update_flags(&f, limits_fix, container_cpu, bad[i], -EINVAL);
		fx_free(&f);
	}
}

static void test_update_flags_report(void **state)
{
	struct fixture f;
	const char *args[] = {"update", "--memory", "2G", "c1", NULL};
	(void)state;

	update_flags(&f, limits_fix, container_cpu, args, 0);
	assert_int_equal(f.report.n_changes, 1);
	const struct rg_change *c = change_at(&f.report, "--memory");
	assert_non_null(c);
	assert_string_equal(c->rule, "resources");
	assert_string_equal(c->before, "2147483648");
	assert_string_equal(c->after, "1073741824");
	fx_free(&f);
}

/* ---- update resources JSON ---- */

static int update_json(struct fixture *f, const char *config, const char *in, struct rg_json **ret)
{
	return judge_json(f, true, config, container_cpu, in, ret);
}

static void test_update_resources(void **state)
{
	static const struct {
		const char *config, *in, *want; /* want NULL: refused */
	} cases[] = {
	    {limits_fix,
	     "{\"memory\":{\"limit\":2147483648,\"swap\":4294967296},\"pids\":{\"limit\":-1}}",
	     "{\"memory\":{\"limit\":1073741824,\"swap\":4294967296},\"pids\":{\"limit\":50}}"},
	    /* absent and 0 mean "leave as is": nothing is added */
	    {limits_fix, "{\"memory\":{\"limit\":0},\"blockIO\":{\"weight\":10}}",
	     "{\"memory\":{\"limit\":0},\"blockIO\":{\"weight\":10}}"},
	    {limits_fix, "{}", "{}"},
	    {limits_fix, "{\"cpu\":{\"quota\":-1,\"period\":50000,\"shares\":1024}}",
	     "{\"cpu\":{\"quota\":50000,\"period\":50000,\"shares\":1024}}"},
	    {limits_fix, "{\"memory\":null,\"cpu\":{\"quota\":null}}",
	     "{\"memory\":null,\"cpu\":{\"quota\":null}}"},
	    {limits_fix,
	     "{\"unified\":{\"memory.max\":\"max\",\"pids.max\":\"5\",\"cpu.max\":\"max 100000\","
	     "\"io.weight\":\"10\"}}",
	     "{\"unified\":{\"memory.max\":\"1073741824\",\"pids.max\":\"5\",\"cpu.max\":\"100000 "
	     "100000\",\"io.weight\":\"10\"}}"},
	    {limits_reject, "{\"memory\":{\"limit\":2147483648}}", NULL},
	    {limits_reject, "{\"unified\":{\"pids.max\":\"max\"}}", NULL},
	    {limits_reject, "{\"memory\":{\"limit\":1073741824}}",
	     "{\"memory\":{\"limit\":1073741824}}"},
	};
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct fixture f;
		struct rg_json *j = NULL;
		int r = update_json(&f, cases[i].config, cases[i].in, &j);
		if (r != 0)
			fail_msg("case %zu: error %d", i, r);
		_cleanup_free_ char *got = rg_json_emit(j, false, NULL);
		check_verdict(&f.report, got, cases[i].want, i);
		rg_json_free(j);
		fx_free(&f);
	}
}

static void test_update_resources_paths(void **state)
{
	struct fixture f;
	struct rg_json *j = NULL;
	(void)state;

	assert_int_equal(update_json(&f, limits_fix,
				     "{\"memory\":{\"limit\":2147483648},\"unified\":{\"pids.max\":"
				     "\"max\"}}",
				     &j),
			 0);
	assert_non_null(change_at(&f.report, ".memory.limit"));
	assert_non_null(change_at(&f.report, ".unified[\"pids.max\"]"));
	assert_int_equal(f.report.n_changes, 2);
	rg_json_free(j);
	fx_free(&f);
}

static void test_update_resources_bad(void **state)
{
	static const char *const bad[] = {
	    "[]",
	    /* two spellings of one field: runc would merge them (refused) */
	    "{\"memory\":{\"limit\":1},\"Memory\":{\"limit\":1}}",
	    "{\"memory\":{\"limit\":1,\"LIMIT\":1}}",
	    "{\"memory\":{\"limit\":1.5}}",
	    "{\"memory\":{\"limit\":\"1G\"}}",
	    "{\"cpu\":{\"period\":-1}}",
	    "{\"memory\":5}",
	    "{\"unified\":[]}",
	    "{\"unified\":{\"memory.max\":5}}",
	};
	(void)state;

	expect_malformed(true, limits_fix, container_cpu, bad, RG_ARRAY_SIZE(bad));
}

/* devices on update get the devices rule, as at create (crun applies them). */
static void test_update_devices(void **state)
{
	static const char devices_fix[] = "{\"rules\":{\"devices\":{\"action\":\"fix\"}}}";
	static const char devices_reject[] = "{\"rules\":{\"devices\":{\"action\":\"reject\"}}}";
	static const char devices_off[] = "{\"rules\":{\"devices\":{\"action\":\"off\"}}}";
	static const struct {
		const char *config, *in;
		bool is_refused;
		const char *path; /* a change or violation there */
	} cases[] = {
	    /* allow-all: whatever the action, deny-all and runc's default set */
	    {devices_reject, "{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}", false,
	     ".devices[0]"},
	    {devices_reject, "{\"devices\":[{\"allow\":true,\"type\":\"a\",\"access\":\"\"}]}",
	     false, ".devices[0]"},
	    /* every block device, /dev/mem, a block device by number */
	    {devices_reject, "{\"devices\":[{\"allow\":true,\"type\":\"b\",\"access\":\"rw\"}]}",
	     true, ".devices"},
	    {devices_reject,
	     "{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":1,\"access\":"
	     "\"r\"}]}",
	     true, ".devices"},
	    {devices_fix,
	     "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\","
	     "\"major\":8,\"minor\":0,\"access\":\"rw\"}]}",
	     false, ".devices[1]"},
	};
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct fixture f;
		struct rg_json *j = NULL;
		int r = update_json(&f, cases[i].config, cases[i].in, &j);
		if (r != 0)
			fail_msg("case %zu: error %d", i, r);
		if ((f.report.n_violations > 0) != cases[i].is_refused)
			fail_msg("case %zu: %zu violations", i, f.report.n_violations);
		bool is_found = false;
		for (size_t k = 0; k < f.report.n_changes; k++)
			is_found |= rg_streq(f.report.changes[k].path, cases[i].path);
		for (size_t k = 0; k < f.report.n_violations; k++)
			is_found |= rg_streq(f.report.violations[k].path, cases[i].path);
		if (!is_found)
			fail_msg("case %zu: nothing at %s", i, cases[i].path);
		/* what fix leaves grants no block device and no allow-all */
		_cleanup_free_ char *got = rg_json_emit(j, false, NULL);
		if (!cases[i].is_refused &&
		    (strstr(got, "\"type\":\"b\"") || strstr(got, "{\"allow\":true,\"access\"")))
			fail_msg("case %zu: left %s", i, got);
		rg_json_free(j);
		fx_free(&f);
	}
	/* the container's own kind of list passes unchanged; with the rule off, anything */
	static const char cri[] =
	    "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":"
	    "true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]}";
	struct fixture f;
	struct rg_json *j = NULL;
	assert_int_equal(update_json(&f, devices_reject, cri, &j), 0);
	assert_int_equal(f.report.n_violations + f.report.n_changes, 0);
	rg_json_free(j);
	fx_free(&f);
	assert_int_equal(
	    update_json(&f, devices_off, "{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}", &j),
	    0);
	assert_int_equal(f.report.n_violations + f.report.n_changes, 0);
	rg_json_free(j);
	fx_free(&f);
}

/* Every member runc or crun applies is known; anything else cannot be judged. */
static void test_update_resources_members(void **state)
{
	static const char all[] =
	    "{\"devices\":[],\"memory\":{\"limit\":1,\"reservation\":1,\"swap\":1,\"kernel\":1,"
	    "\"kernelTCP\":1,\"swappiness\":1,\"disableOOMKiller\":false,\"useHierarchy\":true,"
	    "\"checkBeforeUpdate\":true},\"cpu\":{\"shares\":2,\"quota\":1000,\"burst\":0,"
	    "\"period\":100000,\"realtimeRuntime\":0,\"realtimePeriod\":0,\"cpus\":\"0\",\"mems\":"
	    "\"0\",\"idle\":0},\"pids\":{\"limit\":5},\"blockIO\":{\"weight\":10},"
	    "\"hugepageLimits\":[],\"network\":{\"classID\":1},\"rdma\":{},\"unified\":{}}";
	static const char *const unknown[] = {
	    "{\"intelRdt\":{}}",
	    "{\"memory\":{\"limits\":1}}",
	    "{\"cpu\":{\"quotas\":1}}",
	    "{\"pids\":{\"max\":1}}",
	    "{\"devices\":[],\"Devices\":[{\"allow\":true}]}",
	};
	struct fixture f;
	struct rg_json *j = NULL;
	(void)state;

	assert_int_equal(update_json(&f, limits_fix, all, &j), 0);
	rg_json_free(j);
	fx_free(&f);
	expect_malformed(true, limits_fix, container_cpu, unknown, RG_ARRAY_SIZE(unknown));
}

/* A lone case variant is the field runc reads: judged, and handed over canonical. */
static void test_case_variants_judged(void **state)
{
	struct fixture f;
	struct rg_json *j = NULL;
	(void)state;

	assert_int_equal(update_json(&f, limits_fix, "{\"Pids\":{\"Limit\":999999999}}", &j), 0);
	assert_null(rg_json_get(j, "Pids"));
	assert_non_null(rg_json_get(rg_json_get(j, "pids"), "limit"));
	assert_true(f.report.n_changes > 0);
	rg_json_free(j);
	fx_free(&f);

	assert_int_equal(exec_process(&f, "{}", container_plain,
				      "{\"Capabilities\":{\"Bounding\":[\"CAP_SYS_ADMIN\"]}}", &j),
			 0);
	assert_null(rg_json_get(j, "Capabilities"));
	const struct rg_json *b = rg_json_get(rg_json_get(j, "capabilities"), "bounding");
	assert_non_null(b);
	for (size_t i = 0; i < b->n; i++)
		assert_string_not_equal(rg_json_str(b->u.items[i]), "CAP_SYS_ADMIN");
	rg_json_free(j);
	fx_free(&f);
}

/* "restore" and "exec" in the configuration. */
static void test_config_restore_exec(void **state)
{
	static const char *const bad[] = {
	    "{\"restore\":{\"allow\":\"yes\"}}",
	    "{\"restore\":{\"allowed\":true}}",
	    "{\"restore\":true}",
	    "{\"exec\":{\"unenforced\":\"maybe\"}}",
	    "{\"exec\":{\"unenforced\":true}}",
	    "{\"exec\":{\"other\":\"judge\"}}",
	};
	struct rg_config c;
	struct rg_error *err = NULL;
	(void)state;

	assert_int_equal(rg_config_parse_buffer("t", "{}", 2, &c, &err), 0);
	assert_false(c.is_restore_allowed);
	assert_false(c.is_unenforced_exec_refused);
	rg_config_free(&c);
	static const char ok[] =
	    "{\"restore\":{\"allow\":true},\"exec\":{\"unenforced\":\"refuse\"}}";
	assert_int_equal(rg_config_parse_buffer("t", ok, strlen(ok), &c, &err), 0);
	assert_true(c.is_restore_allowed);
	assert_true(c.is_unenforced_exec_refused);
	rg_config_free(&c);
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		if (rg_config_parse_buffer("t", bad[i], strlen(bad[i]), &c, &err) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strstr(err->msg, bad[i][2] == 'r' ? ".restore" : ".exec"));
		rg_error_free(steal_ptr(&err));
	}
}

/* ---- the runtime's state ---- */

static void test_state_parse(void **state)
{
	static const char ok[] = "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"pid\":42,\"status\":"
				 "\"running\",\"bundle\":\"/run/b\",\"rootfs\":\"/run/b/rootfs\"}";
	static const char *const bad[] = {"{}", "{\"bundle\":\"relative\"}", "{\"bundle\":5}",
					  "not json", "{\"bundle\":\"/a\\u0000b\"}"};
	struct rg_container c = {0};
	struct rg_error *err = NULL;
	(void)state;

	assert_int_equal(rg_container_parse_state(ok, strlen(ok), &c, &err), 0);
	assert_string_equal(c.bundle, "/run/b");
	assert_string_equal(c.status, "running");
	rg_container_free(&c);
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		assert_int_equal(rg_container_parse_state(bad[i], strlen(bad[i]), &c, &err),
				 -EINVAL);
		assert_non_null(err);
		rg_error_free(err);
		err = NULL;
	}
}

/* ---- argfile ---- */

static char *make_dir(mode_t mode)
{
	char tmpl[] = "/tmp/rg-argfile-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	assert_int_equal(chmod(d, mode), 0);
	return rg_xstrdup(d);
}

static char *put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *p = rg_xasprintf("%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(rg_write_all(fd, text, strlen(text)), 0);
	close(fd);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static void remove_dir(char *dir)
{
	_cleanup_free_ char *cmd = rg_xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static void test_argfile_read(void **state)
{
	struct rg_error *err = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	(void)state;

	char *dir = make_dir(0700);
	/* a regular file, any owner and mode: it is read once, never again */
	_cleanup_free_ char *p = put_file(dir, "p.json", "{\"a\":1}", 0666);
	assert_int_equal(rg_argfile_read(p, "exec --process", 1024, &text, &len, &err), 0);
	assert_string_equal(text, "{\"a\":1}");
	assert_int_equal(len, 7);
	free(steal_ptr(&text));
	/* through a symlink, as os.Open follows it */
	_cleanup_free_ char *ln = rg_xasprintf("%s/ln.json", dir);
	assert_int_equal(symlink(p, ln), 0);
	assert_int_equal(rg_argfile_read(ln, "x", 1024, &text, &len, &err), 0);
	assert_string_equal(text, "{\"a\":1}");
	free(steal_ptr(&text));
	/* too big */
	_cleanup_free_ char *big = put_file(dir, "big.json", "[1,2,3,4,5,6,7,8,9]", 0600);
	assert_int_equal(rg_argfile_read(big, "x", 8, &text, &len, &err), -EFBIG);
	rg_error_free(steal_ptr(&err));
	/* a directory, a device */
	assert_int_equal(rg_argfile_read(dir, "x", 1024, &text, &len, &err), -EINVAL);
	rg_error_free(steal_ptr(&err));
	assert_int_equal(rg_argfile_read("/dev/null", "x", 1024, &text, &len, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "not a regular file nor a pipe"));
	rg_error_free(steal_ptr(&err));
	remove_dir(dir);
}

/* `exec -p <(...)`: /dev/fd/N of a pipe, which can be read once. */
static void test_argfile_read_pipe(void **state)
{
	struct rg_error *err = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int fds[2];
	(void)state;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(rg_write_all(fds[1], "{\"b\":2}", 7), 0);
	close(fds[1]);
	_cleanup_free_ char *path = rg_xasprintf("/dev/fd/%d", fds[0]);
	assert_int_equal(rg_argfile_read(path, "x", 1024, &text, &len, &err), 0);
	assert_string_equal(text, "{\"b\":2}");
	close(fds[0]);
}

static void test_argfile_sealed(void **state)
{
	struct rg_error *err = NULL;
	int fd = -1;
	char buf[16] = {0};
	(void)state;

	assert_int_equal(rg_argfile_sealed("t", "{\"c\":3}", 7, 40, NULL, &fd, &err), 0);
	assert_true(fd >= 40);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fcntl(fd, F_GET_SEALS),
			 F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
	/* no way to change it: not through this fd, nor a new open of /proc/self/fd/N */
	assert_int_equal(pwrite(fd, "x", 1, 0), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(ftruncate(fd, 0), -1);
	_cleanup_free_ char *path = rg_xasprintf("/proc/self/fd/%d", fd);
	int w = open(path, O_WRONLY | O_CLOEXEC);
	if (w >= 0) {
		assert_int_equal(write(w, "x", 1), -1);
		close(w);
	}
	/* a new open reads it from the start, as the runtime does */
	int r = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(r >= 0);
	assert_int_equal(read(r, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "{\"c\":3}");
	close(r);

	/* handed over: inheritable, its path where the flag's value was */
	char *argv[] = {"runc", "exec", "--process=/tmp/p.json", "c1", NULL};
	const struct rg_cli_flag f = {"process", "/tmp/p.json", 2, 2};
	struct rg_argv a;
	rg_argv_init(&a, 4, argv);
	assert_int_equal(rg_argfile_hand_over(&a, &f, fd, &err), 0);
	assert_false(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	_cleanup_free_ char *want = rg_xasprintf("--process=/proc/self/fd/%d", fd);
	assert_string_equal(rg_argv_vector(&a)[2], want);
	rg_argv_free(&a);
	char *argv2[] = {"runc", "update", "-r", "/tmp/r.json", "c1", NULL};
	const struct rg_cli_flag f2 = {"resources", "/tmp/r.json", 2, 3};
	rg_argv_init(&a, 5, argv2);
	assert_int_equal(rg_argfile_hand_over(&a, &f2, fd, &err), 0);
	assert_string_equal(rg_argv_vector(&a)[3], path);
	assert_string_equal(rg_argv_vector(&a)[2], "-r");
	rg_argv_free(&a);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flags_exec),
	    cmocka_unit_test(test_flags_update_reordered),
	    cmocka_unit_test(test_argv_edits),
	    cmocka_unit_test(test_parse_bool),
	    cmocka_unit_test(test_parse_ram),
	    cmocka_unit_test(test_exec_cap_fix_drops),
	    cmocka_unit_test(test_exec_cap_reject),
	    cmocka_unit_test(test_exec_cap_privileged_allows),
	    cmocka_unit_test(test_exec_cap_unknown),
	    cmocka_unit_test(test_exec_keep_nnp),
	    cmocka_unit_test(test_exec_no_new_privs),
	    cmocka_unit_test(test_exec_labels),
	    cmocka_unit_test(test_exec_user),
	    cmocka_unit_test(test_exec_process_fixed),
	    cmocka_unit_test(test_exec_process_missing_nnp),
	    cmocka_unit_test(test_exec_process_labels),
	    cmocka_unit_test(test_exec_process_user_reject),
	    cmocka_unit_test(test_exec_process_bad),
	    cmocka_unit_test(test_exec_process_fields),
	    cmocka_unit_test(test_case_variants_judged),
	    cmocka_unit_test(test_exec_process_members),
	    cmocka_unit_test(test_update_flags_table),
	    cmocka_unit_test(test_update_memory_unlimited_swap),
	    cmocka_unit_test(test_update_memory_unlimited_memsw),
	    cmocka_unit_test(test_update_flags_invalid),
	    cmocka_unit_test(test_update_flags_report),
	    cmocka_unit_test(test_update_resources),
	    cmocka_unit_test(test_update_resources_paths),
	    cmocka_unit_test(test_update_resources_bad),
	    cmocka_unit_test(test_update_devices),
	    cmocka_unit_test(test_update_resources_members),
	    cmocka_unit_test(test_config_restore_exec),
	    cmocka_unit_test(test_state_parse),
	    cmocka_unit_test(test_argfile_read),
	    cmocka_unit_test(test_argfile_read_pipe),
	    cmocka_unit_test(test_argfile_sealed),
	};
	return cmocka_run_group_tests_name("exec_update", tests, NULL, NULL);
}
