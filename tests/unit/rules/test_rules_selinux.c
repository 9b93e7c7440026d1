/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of SELinux labelling: label and level parsing, lxc_contexts
 * files (tests/fixtures/selinux/, malformed ones included), the selinux rule
 * on an injected host (SELinux on or off, a fake MCS allocator), and the
 * host adapter driven by its test switches (RUNGUARD_SELINUX_FORCE=1,
 * RUNGUARD_LXC_CONTEXTS, RUNGUARD_MCS_DIR), since the test machines run
 * with SELinux disabled. The MCS store itself is tested in test_mcs.c.
 *
 * Run from the top of the repository (the fixtures are read by path).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <selinux/selinux.h>

#include "runguard/error.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "../../../src/host/mcs.h"
#include "runguard/policy.h"
#include "runguard/report.h"
#include "runguard/rules.h"
#include "runguard/selinux.h"
#include "runguard/selinux_label.h"
#include "runguard/util.h"

#define FILE_NAME "config.json"
#define FIXTURES "tests/fixtures/selinux"
#define PROC_CTX "system_u:system_r:container_t:s0"
#define FILE_CTX "system_u:object_r:container_file_t:s0"

static char tmpdir[] = "/tmp/rg-test-selinux-XXXXXX";

/* ---- per-test state, freed by teardown ---- */

static struct rg_json *spec;
static struct rg_json *settings;
static struct rg_report report;
static struct rg_error *error;
static char *scratch[64];
static size_t n_scratch;

static char *keep(char *s)
{
	assert_true(n_scratch < RG_ARRAY_SIZE(scratch));
	scratch[n_scratch++] = s;
	return s;
}

static int cleanup(void **state)
{
	rg_json_free(spec);
	rg_json_free(settings);
	spec = settings = NULL;
	rg_report_free(&report);
	rg_error_free(error);
	error = NULL;
	for (size_t i = 0; i < n_scratch; i++)
		free(scratch[i]);
	n_scratch = 0;
	unsetenv(RG_ENV_SELINUX_FORCE);
	unsetenv(RG_ENV_LXC_CONTEXTS);
	unsetenv(RG_ENV_MCS_DIR);
	return 0;
}

static struct rg_json *parse(const char *text)
{
	struct rg_error *e = NULL;
	struct rg_json *j = rg_json_parse(text, strlen(text), FILE_NAME, NULL, &e);
	if (!j) {
		char *m = keep(rg_xstrdup(e ? e->msg : "?"));
		rg_error_free(e);
		fail_msg("test input does not parse: %s\n%s", m, text);
	}
	return j;
}

static const char *str_at(const char *obj, const char *key)
{
	return rg_json_str(rg_json_get(rg_json_get(spec, obj), key));
}

/* ---- a fake allocator ---- */

struct fake_alloc {
	int calls;
	char sandbox[64];
	bool has_sandbox;
	bool is_sandbox;
	int fail;
};

static int fake_reserve(void *data, const char *sandbox_id, bool is_sandbox, char **ret_cats,
			struct rg_error **err)
{
	struct fake_alloc *a = data;
	a->calls++;
	a->has_sandbox = sandbox_id != NULL;
	snprintf(a->sandbox, sizeof(a->sandbox), "%s", sandbox_id ? sandbox_id : "");
	a->is_sandbox = is_sandbox;
	if (a->fail)
		return rg_error_set(err, a->fail, "MCS store: all pairs are reserved");
	*ret_cats = rg_xasprintf("c%d,c%d", 100 + a->calls, 500 + a->calls);
	return 0;
}

static struct fake_alloc alloc;
static struct rg_selinux_facts facts;

static void reset_facts(void)
{
	memset(&alloc, 0, sizeof(alloc));
	facts = (struct rg_selinux_facts){
	    .state = "enforcing",
	    .contexts_path = "/etc/selinux/targeted/contexts/lxc_contexts",
	    .process_label = PROC_CTX,
	    .file_label = FILE_CTX,
	    .mcs = {fake_reserve, &alloc},
	};
}

/* Runs the selinux rule alone on spec_text with settings_text (NULL: {}) and action. */
static int run_rule(const char *spec_text, const char *settings_text, enum rg_action action,
		    int enabled)
{
	struct rg_host host = {.selinux_enabled = enabled, .selinux = &facts};
	struct rg_policy p = {.name = "test", .digest = "sha256:0"};
	struct rg_rule_ctx ctx = {
	    .policy = &p, .host = &host, .report = &report, .file = FILE_NAME};

	rg_json_free(spec);
	rg_json_free(settings);
	rg_report_free(&report);
	rg_error_free(error);
	error = NULL;
	spec = parse(spec_text);
	settings = parse(settings_text ? settings_text : "{}");
	ctx.rule = "selinux";
	ctx.settings = settings;
	ctx.action = action;
	const struct rg_rule *rule = rg_rule_find("selinux");
	assert_non_null(rule);
	return rule->apply(spec, &ctx, &error);
}

#define expect_ok(r) expect_ok_at(r, __LINE__)
static void expect_ok_at(int r, int line)
{
	if (r < 0)
		fail_msg("line %d: unexpected error %d: %s", line, r, error ? error->msg : "?");
	assert_null(error);
}

#define expect_error(r, needle) expect_error_at(r, needle, __LINE__)
static void expect_error_at(int r, const char *needle, int line)
{
	if (r >= 0 || !error)
		fail_msg("line %d: expected an error mentioning '%s'", line, needle);
	if (!strstr(error->msg, needle))
		fail_msg("line %d: error lacks '%s': %s", line, needle, error->msg);
}

static void expect_violation(const char *path, const char *needle)
{
	for (size_t i = 0; i < report.n_violations; i++)
		if (rg_streq(report.violations[i].path, path) &&
		    strstr(report.violations[i].msg, needle))
			return;
	fail_msg("no violation at %s mentioning '%s' (%zu violations%s%s)", path, needle,
		 report.n_violations, report.n_violations ? ", first: " : "",
		 report.n_violations ? report.violations[0].msg : "");
}

/* ================= labels ================= */

static void test_label_parse(void **state)
{
	static const struct {
		const char *s;
		const char *type, *level;
		enum rg_selinux_level_kind kind;
	} good[] = {
	    {"system_u:system_r:container_t:s0", "container_t", "s0", RG_SELINUX_LEVEL_NO_CATS},
	    {"system_u:system_r:container_t:s0:c1,c2", "container_t", "s0:c1,c2",
	     RG_SELINUX_LEVEL_OWN},
	    {"u:r:t:s0:c0,c1023", "t", "s0:c0,c1023", RG_SELINUX_LEVEL_OWN},
	    {"u:r:t:s0:c5", "t", "s0:c5", RG_SELINUX_LEVEL_OWN},
	    {"u:r:t:s0:c1,c2,c3", "t", "s0:c1,c2,c3", RG_SELINUX_LEVEL_OWN},
	    {"unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023", "unconfined_t",
	     "s0-s0:c0.c1023", RG_SELINUX_LEVEL_RANGE},
	    {"u:r:t:s0:c0.c5", "t", "s0:c0.c5", RG_SELINUX_LEVEL_RANGE},
	    {"u:r:t:s0-s15", "t", "s0-s15", RG_SELINUX_LEVEL_RANGE},
	    {"u.x:r-1:t_2:s15", "t_2", "s15", RG_SELINUX_LEVEL_NO_CATS},
	};
	static const char *const bad[] = {
	    "",		 "container_t",	    "u:r:t",	    "u:r:t:",
	    ":r:t:s0",	 "u::t:s0",	    "u:r::s0",	    "u:r:t:c1",
	    "u:r:t:s",	 "u:r:t:s0:",	    "u:r:t:s0:c1,", "u:r:t:s0:c1024",
	    "u:r:t:s16", "u:r:t:s0:c1,,c2", "u:r:t:s0:d1",  "u:r:t:s0 ",
	    "u:r:t :s0", "u/x:r:t:s0",	    "u:r:t:s0:c1.", "u:r:t:s00000",
	    "u:r:t:s0-", "u:r:t:s0:c1:c2",
	};
	struct rg_selinux_label l;

	for (size_t i = 0; i < RG_ARRAY_SIZE(good); i++) {
		if (!rg_selinux_label_parse(good[i].s, &l))
			fail_msg("'%s' should parse", good[i].s);
		assert_string_equal(l.type, good[i].type);
		assert_string_equal(l.level, good[i].level);
		assert_int_equal(rg_selinux_level_kind(l.level), good[i].kind);
		rg_selinux_label_free(&l);
	}
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++)
		if (rg_selinux_label_parse(bad[i], &l)) {
			rg_selinux_label_free(&l);
			fail_msg("'%s' should not parse", bad[i]);
		}
	char *huge = keep(rg_xmalloc(2048));
	memset(huge, 'u', 2047);
	memcpy(huge + 2040, ":r:t:s0", 8);
	assert_false(rg_selinux_label_parse(huge, &l));
}

/* ================= lxc_contexts ================= */

static void test_contexts_fixtures_valid(void **state)
{
	static const char *const files[] = {FIXTURES "/lxc_contexts",
					    FIXTURES "/lxc_contexts.odd-but-valid"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(files); i++) {
		char *p = NULL, *f = NULL;
		int r = rg_selinux_read_contexts(files[i], &p, &f, &error);
		if (r < 0)
			fail_msg("%s: %s", files[i], error ? error->msg : "?");
		keep(p);
		keep(f);
		assert_string_equal(p, PROC_CTX);
		assert_string_equal(f, FILE_CTX);
	}
}

static void test_contexts_fixtures_malformed(void **state)
{
	static const struct {
		const char *file, *needle;
	} cases[] = {
	    {"lxc_contexts.missing-file", "no \"file\" context"},
	    {"lxc_contexts.missing-process", "no \"process\" context"},
	    {"lxc_contexts.empty", "no \"process\" context"},
	    {"lxc_contexts.no-equals", "lxc_contexts.no-equals:2: expected key = \"context\""},
	    {"lxc_contexts.unterminated", "lxc_contexts.unterminated:1: expected key"},
	    {"lxc_contexts.empty-value", "lxc_contexts.empty-value:1: expected key"},
	    {"lxc_contexts.not-a-context", ":1: process context 'container_t' is not"},
	    {"lxc_contexts.bad-level", ":1: process context"},
	    {"lxc_contexts.duplicate", "lxc_contexts.duplicate:3: \"process\" given twice"},
	    {"does-not-exist", "No such file or directory"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *path = keep(rg_xasprintf(FIXTURES "/%s", cases[i].file));
		char *p = (char *)0x1, *f = (char *)0x1;
		rg_error_free(error);
		error = NULL;
		int r = rg_selinux_read_contexts(path, &p, &f, &error);
		if (r >= 0 || !error)
			fail_msg("%s: expected an error", path);
		if (!strstr(error->msg, cases[i].needle))
			fail_msg("%s: error lacks '%s': %s", path, cases[i].needle, error->msg);
		/* Out-parameters are written only on success. */
		assert_ptr_equal(p, (char *)0x1);
		assert_ptr_equal(f, (char *)0x1);
	}
}

static void write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(rg_write_all(fd, text, len), 0);
	assert_int_equal(close(fd), 0);
}

static void test_contexts_hostile_files(void **state)
{
	char *p = NULL, *f = NULL;
	char *nul = keep(rg_xasprintf("%s/nul", tmpdir));
	static const char with_nul[] = "process = \"" PROC_CTX "\"\n\0file = \"" FILE_CTX "\"\n";
	write_file(nul, with_nul, sizeof(with_nul) - 1);
	expect_error(rg_selinux_read_contexts(nul, &p, &f, &error), "NUL byte");

	char *big = keep(rg_xasprintf("%s/big", tmpdir));
	size_t n = 70 * 1024;
	char *text = keep(rg_xmalloc(n));
	memset(text, '#', n);
	write_file(big, text, n);
	rg_error_free(error);
	error = NULL;
	expect_error(rg_selinux_read_contexts(big, &p, &f, &error), "larger than");

	rg_error_free(error);
	error = NULL;
	expect_error(rg_selinux_read_contexts(tmpdir, &p, &f, &error), "not a regular file");
	assert_null(p);
	assert_null(f);
}

/* ================= the rule, SELinux on ================= */

static void test_rule_assigns_unique_labels(void **state)
{
	reset_facts();
	expect_ok(run_rule("{\"process\": {\"args\": [\"sh\"]}}", NULL, RG_ACTION_FIX, 1));
	assert_string_equal(str_at("process", "selinuxLabel"), PROC_CTX ":c101,c501");
	assert_string_equal(str_at("linux", "mountLabel"), FILE_CTX ":c101,c501");
	assert_int_equal(alloc.calls, 1);
	assert_false(alloc.has_sandbox);
	assert_false(alloc.is_sandbox);
	assert_int_equal(report.n_changes, 2);
	assert_string_equal(report.changes[0].path, ".process.selinuxLabel");
	assert_null(report.changes[0].before);
	assert_string_equal(report.changes[1].path, ".linux.mountLabel");

	/* "" is no label for runc; null too. No process object at all as well. */
	static const char *const empties[] = {
	    "{\"process\": {\"selinuxLabel\": \"\"}}",
	    "{\"process\": {\"selinuxLabel\": null}, \"linux\": {\"mountLabel\": null}}",
	    "{}",
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(empties); i++) {
		reset_facts();
		expect_ok(run_rule(empties[i], NULL, RG_ACTION_FIX, 1));
		assert_string_equal(str_at("process", "selinuxLabel"), PROC_CTX ":c101,c501");
		assert_string_equal(str_at("linux", "mountLabel"), FILE_CTX ":c101,c501");
	}
}

static void test_rule_idempotent(void **state)
{
	reset_facts();
	expect_ok(run_rule("{}", NULL, RG_ACTION_FIX, 1));
	char *once = keep(rg_json_emit(spec, false, NULL));
	rg_report_free(&report);
	expect_ok(run_rule(once, NULL, RG_ACTION_FIX, 1));
	assert_int_equal(report.n_changes, 0);
	assert_int_equal(alloc.calls, 1); /* nothing reserved the second time */
	char *twice = keep(rg_json_emit(spec, false, NULL));
	assert_string_equal(once, twice);
}

static void test_rule_pods_share(void **state)
{
	static const struct {
		const char *ann;
		const char *sandbox;
		bool is_sandbox;
	} cases[] = {
	    {"{\"io.kubernetes.cri.sandbox-id\": \"abc\", "
	     "\"io.kubernetes.cri.container-type\": \"container\"}",
	     "abc", false},
	    {"{\"io.kubernetes.cri.sandbox-id\": \"abc\", "
	     "\"io.kubernetes.cri.container-type\": \"sandbox\"}",
	     "abc", true},
	    {"{\"io.kubernetes.cri-o.SandboxID\": \"pod1\", "
	     "\"io.kubernetes.cri-o.ContainerType\": \"sandbox\"}",
	     "pod1", true},
	    {"{\"io.kubernetes.cri-o.ContainerType\": \"sandbox\"}", NULL, true},
	    {"{\"io.kubernetes.pod.name\": \"x\"}", NULL, false},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		reset_facts();
		char *text = keep(rg_xasprintf("{\"annotations\": %s}", cases[i].ann));
		expect_ok(run_rule(text, NULL, RG_ACTION_FIX, 1));
		assert_int_equal(alloc.calls, 1);
		assert_int_equal(alloc.has_sandbox, cases[i].sandbox != NULL);
		if (cases[i].sandbox)
			assert_string_equal(alloc.sandbox, cases[i].sandbox);
		assert_int_equal(alloc.is_sandbox, cases[i].is_sandbox);
	}
}

static void test_rule_given_label_kept(void **state)
{
	static const char *const ok[] = {
	    "{\"process\": {\"selinuxLabel\": \"system_u:system_r:container_t:s0:c1,c2\"}}",
	    "{\"process\": {\"selinuxLabel\": \"system_u:system_r:container_init_t:s0:c3,c9\"},"
	    " \"linux\": {\"mountLabel\": \"system_u:object_r:container_file_t:s0:c3,c9\"}}",
	    /* An engine's process label without a mount label is the engine's choice. */
	    "{\"process\": {\"selinuxLabel\": \"u:r:container_t:s0:c7\"}}",
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(ok); i++) {
		reset_facts();
		expect_ok(run_rule(ok[i], NULL, RG_ACTION_REJECT, 1));
		assert_int_equal(report.n_violations, 0);
		expect_ok(run_rule(ok[i], NULL, RG_ACTION_FIX, 1));
		assert_int_equal(report.n_changes, 0);
		assert_int_equal(alloc.calls, 0);
	}
}

static void test_rule_forbidden_types(void **state)
{
	static const char *const types[] = {"spc_t", "unconfined_t", "kernel_t", "svirt_t",
					    "container_runtime_t"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(types); i++) {
		char *in = keep(rg_xasprintf("{\"process\": {\"selinuxLabel\": "
					     "\"system_u:system_r:%s:s0:c4,c8\"}}",
					     types[i]));
		reset_facts();
		expect_ok(run_rule(in, NULL, RG_ACTION_REJECT, 1));
		char *msg = keep(rg_xasprintf("type '%s' is not allowed", types[i]));
		expect_violation(".process.selinuxLabel", msg);
		expect_violation(".process.selinuxLabel", "container_t, container_init_t");
		assert_int_equal(report.n_changes, 0);
		assert_int_equal(alloc.calls, 0);

		/* fix: the container context's user:role:type, the given categories kept. */
		expect_ok(run_rule(in, NULL, RG_ACTION_FIX, 1));
		assert_int_equal(report.n_violations, 0);
		assert_string_equal(str_at("process", "selinuxLabel"), PROC_CTX ":c4,c8");
		assert_int_equal(alloc.calls, 0);
	}
	/* Both wrong: type replaced and unique categories reserved. */
	reset_facts();
	expect_ok(run_rule("{\"process\": {\"selinuxLabel\": "
			   "\"unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023\"}}",
			   NULL, RG_ACTION_FIX, 1));
	assert_string_equal(str_at("process", "selinuxLabel"), PROC_CTX ":c101,c501");
	expect_ok(run_rule("{\"process\": {\"selinuxLabel\": "
			   "\"unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023\"}}",
			   NULL, RG_ACTION_REJECT, 1));
	assert_int_equal(report.n_violations, 2);
	expect_violation(".process.selinuxLabel", "is a range");
}

static void test_rule_allow_types_setting(void **state)
{
	const char *in = "{\"process\": {\"selinuxLabel\": \"system_u:system_r:spc_t:s0:c1,c2\"}}";
	reset_facts();
	expect_ok(run_rule(in, "{\"allowTypes\": [\"spc_t\"]}", RG_ACTION_REJECT, 1));
	assert_int_equal(report.n_violations, 0);
	/* The list replaces the default: container_t is no longer allowed... */
	expect_ok(run_rule("{\"process\": {\"selinuxLabel\": \"u:r:container_t:s0:c1,c2\"}}",
			   "{\"allowTypes\": [\"spc_t\"]}", RG_ACTION_REJECT, 1));
	expect_violation(".process.selinuxLabel", "(allowed: spc_t)");
	/* ...and a host context of a type not allowed cannot be used: fail closed. */
	expect_error(run_rule("{}", "{\"allowTypes\": [\"spc_t\"]}", RG_ACTION_FIX, 1),
		     "has type 'container_t', which the policy does not allow");
}

/*
 * `in` has a process and a mount label that cannot be kept: reject finds
 * both (needle in each message), changes nothing and reserves nothing; fix
 * replaces both with the container contexts and one fresh pair of
 * categories, and leaves no violation.
 */
static void expect_both_labels_replaced(const char *in, const char *needle)
{
	reset_facts();
	expect_ok(run_rule(in, NULL, RG_ACTION_REJECT, 1));
	expect_violation(".process.selinuxLabel", needle);
	expect_violation(".linux.mountLabel", needle);
	assert_int_equal(report.n_changes, 0);
	assert_int_equal(alloc.calls, 0);

	expect_ok(run_rule(in, NULL, RG_ACTION_FIX, 1));
	assert_int_equal(report.n_violations, 0);
	assert_string_equal(str_at("process", "selinuxLabel"), PROC_CTX ":c101,c501");
	assert_string_equal(str_at("linux", "mountLabel"), FILE_CTX ":c101,c501");
	assert_int_equal(alloc.calls, 1);
}

static void test_rule_levels(void **state)
{
	static const struct {
		const char *level, *needle;
	} cases[] = {
	    {"s0", "has no MCS categories"},
	    {"s0-s0:c0.c1023", "is a range"},
	    {"s0:c0.c5", "is a range"},
	    {"s0-s1:c1,c2", "is a range"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *in = keep(rg_xasprintf(
		    "{\"process\": {\"selinuxLabel\": \"system_u:system_r:container_t:%s\"},"
		    " \"linux\": {\"mountLabel\": \"system_u:object_r:container_file_t:%s\"}}",
		    cases[i].level, cases[i].level));
		expect_both_labels_replaced(in, cases[i].needle);
	}
	/* A mount label that lacks categories follows the process's given ones. */
	reset_facts();
	expect_ok(run_rule("{\"process\": {\"selinuxLabel\": \"u:r:container_t:s0:c1,c2\"},"
			   " \"linux\": {\"mountLabel\": \"u:object_r:container_file_t:s0\"}}",
			   NULL, RG_ACTION_FIX, 1));
	assert_string_equal(str_at("linux", "mountLabel"), "u:object_r:container_file_t:s0:c1,c2");
	assert_int_equal(alloc.calls, 0);
	/* A process level chosen here carries an engine's mount label along. */
	reset_facts();
	expect_ok(
	    run_rule("{\"process\": {\"selinuxLabel\": \"u:r:container_t:s0\"},"
		     " \"linux\": {\"mountLabel\": \"u:object_r:container_file_t:s0:c3,c4\"}}",
		     NULL, RG_ACTION_FIX, 1));
	assert_string_equal(str_at("process", "selinuxLabel"), "u:r:container_t:s0:c101,c501");
	assert_string_equal(str_at("linux", "mountLabel"),
			    "u:object_r:container_file_t:s0:c101,c501");
}

static void test_rule_malformed_labels(void **state)
{
	static const char *const bad[] = {"container_t", "u:r:t", "garbage:::", "u:r:t:s0:c9999"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		char *in = keep(rg_xasprintf("{\"process\": {\"selinuxLabel\": \"%s\"},"
					     " \"linux\": {\"mountLabel\": \"%s\"}}",
					     bad[i], bad[i]));
		expect_both_labels_replaced(in, "malformed SELinux label");
	}
}

static void test_rule_wrong_types(void **state)
{
	reset_facts();
	expect_error(run_rule("{\"process\": {\"selinuxLabel\": 42}}", NULL, RG_ACTION_FIX, 1),
		     "config.json: .process.selinuxLabel: expected a string, got number");
	expect_error(run_rule("{\"linux\": {\"mountLabel\": []}}", NULL, RG_ACTION_FIX, 1),
		     "config.json: .linux.mountLabel: expected a string, got array");
	expect_error(run_rule("{\"process\": []}", NULL, RG_ACTION_FIX, 1),
		     ".process: expected an object");
	expect_error(run_rule("{\"linux\": 1}", NULL, RG_ACTION_FIX, 1),
		     ".linux: expected an object");
}

static void test_rule_fails_closed(void **state)
{
	/* No usable contexts: refuse rather than start unlabelled. */
	reset_facts();
	facts.process_label = facts.file_label = NULL;
	facts.contexts_error = "/etc/selinux/x/lxc_contexts:2: expected key = \"context\"";
	expect_error(run_rule("{}", NULL, RG_ACTION_FIX, 1), "lxc_contexts:2: expected key");
	assert_int_equal(alloc.calls, 0);
	/* A label that is fine needs no contexts. */
	expect_ok(run_rule("{\"process\": {\"selinuxLabel\": \"u:r:container_t:s0:c1,c2\"}}", NULL,
			   RG_ACTION_FIX, 1));

	/* The allocator fails (store full, unwritable): the error says so. */
	reset_facts();
	alloc.fail = ENOSPC;
	expect_error(run_rule("{}", NULL, RG_ACTION_FIX, 1),
		     ".process.selinuxLabel: reserving MCS categories: MCS store: all pairs");
	/* No allocator at all. */
	reset_facts();
	facts.mcs.reserve = NULL;
	expect_error(run_rule("{}", NULL, RG_ACTION_FIX, 1), "no MCS allocator");
	/* A malformed host context. */
	reset_facts();
	facts.file_label = "container_file_t";
	expect_error(run_rule("{}", NULL, RG_ACTION_FIX, 1),
		     "container context 'container_file_t'");
}

/* ================= the rule, SELinux off ================= */

static void test_rule_disabled_leaves_labels(void **state)
{
	static const char *const in[] = {
	    "{}",
	    "{\"process\": {\"selinuxLabel\": \"system_u:system_r:spc_t:s0\"}}",
	    "{\"process\": {\"selinuxLabel\": 42}}",
	};
	for (int enabled = -1; enabled <= 0; enabled++) {
		for (size_t i = 0; i < RG_ARRAY_SIZE(in); i++) {
			reset_facts();
			expect_ok(run_rule(in[i], NULL, RG_ACTION_REJECT, enabled));
			char *out = keep(rg_json_emit(spec, false, NULL));
			struct rg_json *want = parse(in[i]);
			bool same = rg_json_equal(spec, want);
			rg_json_free(want);
			if (!same)
				fail_msg("changed %s into %s", in[i], out);
			assert_int_equal(report.n_changes + report.n_violations, 0);
			assert_int_equal(alloc.calls, 0);
		}
	}
	/* Enabled but no facts: as off. */
	struct rg_host host = {.selinux_enabled = 1};
	struct rg_policy p = {.name = "test"};
	struct rg_rule_ctx ctx = {.policy = &p,
				  .host = &host,
				  .report = &report,
				  .file = FILE_NAME,
				  .rule = "selinux",
				  .action = RG_ACTION_FIX};
	rg_json_free(spec);
	spec = parse("{}");
	expect_ok(rg_rule_find("selinux")->apply(spec, &ctx, &error));
	assert_int_equal(spec->n, 0);
}

static void test_rule_required(void **state)
{
	reset_facts();
	facts.state = "disabled";
	for (enum rg_action a = RG_ACTION_FIX; a <= RG_ACTION_REJECT; a++) {
		expect_ok(run_rule("{}", "{\"required\": true}", a, 0));
		assert_int_equal(report.n_violations, 1);
		expect_violation(".process.selinuxLabel",
				 "SELinux is required by the policy (rules.selinux.required) but "
				 "is disabled on this host");
		assert_int_equal(spec->n, 0);
	}
	expect_ok(run_rule("{}", "{\"required\": false}", RG_ACTION_FIX, 0));
	assert_int_equal(report.n_violations, 0);
	/* On: required is met. */
	reset_facts();
	expect_ok(run_rule("{}", "{\"required\": true}", RG_ACTION_FIX, 1));
	assert_int_equal(report.n_violations, 0);
	assert_int_equal(alloc.calls, 1);
}

/* ================= settings and profiles ================= */

static void test_settings_check(void **state)
{
	const struct rg_rule *rule = rg_rule_find("selinux");
	static const struct {
		const char *settings, *needle;
	} bad[] = {
	    {"{\"allowTypes\": \"container_t\"}", ".allowTypes: expected a non-empty array"},
	    {"{\"allowTypes\": []}", ".allowTypes: expected a non-empty array"},
	    {"{\"allowTypes\": [\"container_t\", 1]}", ".allowTypes[1]: expected an SELinux type"},
	    {"{\"allowTypes\": [\"container-t\"]}", ".allowTypes[0]: expected an SELinux type"},
	    {"{\"allowTypes\": [\"\"]}", ".allowTypes[0]: expected an SELinux type"},
	    {"{\"required\": \"yes\"}", ".required: expected a boolean"},
	    {"{\"level\": \"s0\"}", ".level: unknown setting"},
	};
	assert_non_null(rule);
	assert_non_null(rule->check);
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		rg_json_free(settings);
		settings = parse(bad[i].settings);
		rg_error_free(error);
		error = NULL;
		int r = rule->check(settings, "runguard.json", ".rules.selinux", &error);
		if (r >= 0 || !error || !strstr(error->msg, bad[i].needle))
			fail_msg("%s: expected an error with '%s', got %s", bad[i].settings,
				 bad[i].needle, error ? error->msg : "success");
		assert_true(rg_startswith(error->msg, "runguard.json: .rules.selinux"));
	}
	rg_json_free(settings);
	settings = parse("{\"action\": \"reject\", \"allowTypes\": [\"container_t\", \"spc_t\"],"
			 " \"required\": true}");
	rg_error_free(error);
	error = NULL;
	expect_ok(rule->check(settings, "runguard.json", ".rules.selinux", &error));
}

static void test_profiles(void **state)
{
	static const struct {
		const char *profile;
		enum rg_action action;
	} want[] = {
	    {"privileged", RG_ACTION_OFF},
	    {"baseline", RG_ACTION_FIX},
	    {"restricted", RG_ACTION_FIX},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(want); i++) {
		char *cfg = keep(rg_xasprintf("%s/%s.json", tmpdir, want[i].profile));
		char *text = keep(rg_xasprintf("{\"profile\": \"%s\"}", want[i].profile));
		write_file(cfg, text, strlen(text));
		struct rg_policy p;
		int r = rg_policy_load(cfg, &p, &error);
		expect_ok(r);
		enum rg_action a = rg_policy_action(&p, "selinux");
		rg_policy_free(&p);
		assert_int_equal(a, want[i].action);
	}
}

/* ================= the host adapter and its test switches ================= */

/* The switches take absolute paths only. */
static const char *fixture(const char *name)
{
	char *cwd = keep(getcwd(NULL, 0));
	return keep(rg_xasprintf("%s/" FIXTURES "/%s", cwd, name));
}

static void test_adapter_switches(void **state)
{
	struct rg_selinux_host sh;
	struct rg_host host = {.selinux_enabled = -1};
	char *mcs = keep(rg_xasprintf("%s/mcs", tmpdir));

	if (is_selinux_enabled() == 1)
		skip(); /* the switches are inert on an SELinux host, by design */

	/* Off, whatever the other switches say. */
	setenv(RG_ENV_LXC_CONTEXTS, fixture("lxc_contexts"), 1);
	setenv(RG_ENV_MCS_DIR, mcs, 1);
	static const char *const not_one[] = {NULL, "0", "", "yes", "true", "1 "};
	for (size_t i = 0; i < RG_ARRAY_SIZE(not_one); i++) {
		if (not_one[i])
			setenv(RG_ENV_SELINUX_FORCE, not_one[i], 1);
		else
			unsetenv(RG_ENV_SELINUX_FORCE);
		assert_false(rg_selinux_is_test_mode());
		rg_selinux_host_init(&sh, NULL, NULL);
		rg_selinux_host_attach(&sh, &host, true);
		assert_int_equal(host.selinux_enabled, 0);
		assert_string_equal(sh.facts.state, "disabled");
		assert_null(sh.facts.process_label);
		rg_selinux_host_free(&sh);
	}

	/* Forced on: the fixture's contexts; dry runs only peek. */
	setenv(RG_ENV_SELINUX_FORCE, "1", 1);
	assert_true(rg_selinux_is_test_mode());
	rg_selinux_host_init(&sh, NULL, NULL);
	rg_selinux_host_attach(&sh, &host, true);
	assert_int_equal(host.selinux_enabled, 1);
	assert_ptr_equal(host.selinux, &sh.facts);
	assert_string_equal(sh.facts.state, "forced-for-tests");
	assert_string_equal(sh.facts.process_label, PROC_CTX);
	assert_string_equal(sh.facts.file_label, FILE_CTX);
	assert_null(sh.facts.contexts_error);
	char *cats = NULL;
	expect_ok(sh.facts.mcs.reserve(sh.facts.mcs.data, NULL, false, &cats, &error));
	keep(cats);
	assert_true(strlen(cats) >= 5 && cats[0] == 'c' && strchr(cats, ','));
	struct stat st;
	assert_int_equal(stat(mcs, &st), -1); /* a dry run creates no store */
	rg_selinux_host_free(&sh);

	/* A malformed fixture: the facts carry the reason, the rule fails closed on it. */
	setenv(RG_ENV_LXC_CONTEXTS, fixture("lxc_contexts.no-equals"), 1);
	rg_selinux_host_init(&sh, NULL, NULL);
	assert_null(sh.facts.process_label);
	assert_non_null(strstr(sh.facts.contexts_error, "lxc_contexts.no-equals:2"));
	rg_selinux_host_free(&sh);

	/* A relative path is not honoured: libselinux's own path is used instead. */
	setenv(RG_ENV_LXC_CONTEXTS, "tests/fixtures/selinux/lxc_contexts", 1);
	rg_selinux_host_init(&sh, NULL, NULL);
	assert_true(sh.contexts_path == NULL ||
		    !rg_streq(sh.contexts_path, "tests/fixtures/selinux/lxc_contexts"));
	rg_selinux_host_free(&sh);
}

static void test_adapter_reserves_and_rolls_back(void **state)
{
	char *mcs = keep(rg_xasprintf("%s/mcs-live", tmpdir));
	char *root = keep(rg_xasprintf("%s/runc-root", tmpdir));
	struct rg_cli cli = {.container_id = "ctr-1", .root = root};
	struct rg_selinux_host sh;
	struct rg_host host = {0};

	if (is_selinux_enabled() == 1)
		skip();
	setenv(RG_ENV_SELINUX_FORCE, "1", 1);
	setenv(RG_ENV_LXC_CONTEXTS, fixture("lxc_contexts"), 1);
	setenv(RG_ENV_MCS_DIR, mcs, 1);
	rg_selinux_host_init(&sh, &cli, NULL);
	rg_selinux_host_attach(&sh, &host, false);
	char *cats = NULL;
	expect_ok(sh.facts.mcs.reserve(sh.facts.mcs.data, NULL, false, &cats, &error));
	keep(cats);
	char *pair = keep(rg_xasprintf("%s/pairs/%s", mcs, cats));
	struct stat st;
	assert_int_equal(stat(pair, &st), 0);
	/* The create failed before the runtime ran: the pair goes back at once. */
	rg_selinux_host_rollback(&sh);
	assert_int_equal(stat(pair, &st), -1);
	rg_selinux_host_free(&sh);
}

static void test_runtime_root(void **state)
{
	static const struct {
		const char *root, *runtime, *want;
	} cases[] = {
	    {NULL, NULL, "/run/runc"},
	    {NULL, "/usr/bin/runc", "/run/runc"},
	    {NULL, "/usr/bin/crun", "/run/crun"},
	    {"", "/usr/local/bin/crun", "/run/crun"},
	    {"/run/containerd/runc/k8s.io", NULL, "/run/containerd/runc/k8s.io"},
	    {"/a//b/./c/../d/", NULL, "/a/b/d"},
	    {"/..", NULL, "/"},
	    {"/", NULL, "/"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *got = keep(rg_selinux_runtime_root(cases[i].root, cases[i].runtime));
		assert_string_equal(got, cases[i].want);
	}
	char *cwd = keep(getcwd(NULL, 0));
	char *want = keep(rg_xasprintf("%s/state", cwd));
	assert_string_equal(keep(rg_selinux_runtime_root("./x/../state", NULL)), want);
}

/* ---- fixture ---- */

static void rm_tree(const char *path)
{
	char *cmd = rg_xasprintf("rm -rf -- '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
	free(cmd);
}

#define T(f) cmocka_unit_test_teardown(f, cleanup)

int main(void)
{
	const struct CMUnitTest labels[] = {
	    T(test_label_parse),
	    T(test_contexts_fixtures_valid),
	    T(test_contexts_fixtures_malformed),
	    T(test_contexts_hostile_files),
	};
	const struct CMUnitTest rule[] = {
	    T(test_rule_assigns_unique_labels),
	    T(test_rule_idempotent),
	    T(test_rule_pods_share),
	    T(test_rule_given_label_kept),
	    T(test_rule_forbidden_types),
	    T(test_rule_allow_types_setting),
	    T(test_rule_levels),
	    T(test_rule_malformed_labels),
	    T(test_rule_wrong_types),
	    T(test_rule_fails_closed),
	    T(test_rule_disabled_leaves_labels),
	    T(test_rule_required),
	    T(test_settings_check),
	    T(test_profiles),
	};
	const struct CMUnitTest adapter[] = {
	    T(test_adapter_switches),
	    T(test_adapter_reserves_and_rolls_back),
	    T(test_runtime_root),
	};
	int failed = 0;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	failed += cmocka_run_group_tests_name("selinux/labels", labels, NULL, NULL);
	failed += cmocka_run_group_tests_name("selinux/rule", rule, NULL, NULL);
	failed += cmocka_run_group_tests_name("selinux/adapter", adapter, NULL, NULL);
	rm_tree(tmpdir);
	return failed ? 1 : 0;
}
