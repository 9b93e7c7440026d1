/*
 * Unit tests of the apparmor rule (src/rules/apparmor.c) and its host adapter
 * (src/host/apparmor.c). No AppArmor LSM is needed: the rule gets an
 * injected host, and the adapter reads the fixture roots in
 * tests/fixtures/apparmor (run from the repo root).
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
#include <unistd.h>

#include <cmocka.h>

#include "runguard/apparmor.h"
#include "runguard/error.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"
#include "runguard/rules.h"
#include "runguard/spec.h"
#include "runguard/util.h"

#define FILE_NAME "config.json"
#define FIXTURES "tests/fixtures/apparmor"
#define PATH ".process.apparmorProfile"

static char tmpdir[] = "/tmp/rg-test-apparmor-XXXXXX";
static struct rg_policy policy;
static struct rg_report report;
static struct rg_error *error;
static struct rg_json *spec;
static const char *loaded_names[4];
static int loaded_result; /* what is_loaded answers for names not in loaded_names */

static int fake_is_loaded(const char *name)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(loaded_names) && loaded_names[i]; i++)
		if (rg_streq(loaded_names[i], name))
			return 1;
	return loaded_result;
}

static const struct rg_host host_off = {.seccomp_arch = "SCMP_ARCH_X86_64",
					.go_arch = "amd64",
					.kernel_major = 6,
					.kernel_minor = 1,
					.selinux_enabled = -1};
static struct rg_host host_on;

static int cleanup(void **state)
{
	rg_report_free(&report);
	rg_error_free(error);
	error = NULL;
	rg_json_free(spec);
	spec = NULL;
	memset(loaded_names, 0, sizeof(loaded_names));
	loaded_names[0] = RG_APPARMOR_DEFAULT_PROFILE;
	loaded_result = 0;
	unsetenv(RG_APPARMOR_ROOT_ENV);
	return 0;
}

static struct rg_json *parse(const char *text)
{
	struct rg_error *e = NULL;
	struct rg_json *j = rg_json_parse(text, strlen(text), FILE_NAME, NULL, &e);
	if (!j)
		fail_msg("bad test input: %s", e ? e->msg : "?");
	return j;
}

/* Runs the apparmor rule with the given action and settings (JSON text, or NULL: the policy's). */
static int run_rule(const char *text, const struct rg_host *host, enum rg_action action,
		    const char *settings)
{
	struct rg_json *s = settings ? parse(settings) : NULL;
	struct rg_rule_ctx ctx = {.policy = &policy,
				  .host = host,
				  .report = &report,
				  .file = FILE_NAME,
				  .rule = "apparmor",
				  .settings = s ? s : rg_policy_rule(&policy, "apparmor"),
				  .action = action};
	rg_json_free(spec);
	spec = parse(text);
	rg_report_free(&report);
	int r = rg_rule_apparmor.apply(spec, &ctx, &error);
	rg_json_free(s);
	return r;
}

static const char *profile_of(void)
{
	return rg_json_str(rg_json_get(rg_json_get(spec, "process"), "apparmorProfile"));
}

static void test_policy_defaults(void **state)
{
	assert_int_equal(rg_policy_action(&policy, "apparmor"), RG_ACTION_FIX);
	char *p = rg_policy_apparmor_profile(&policy);
	assert_string_equal(p, RG_APPARMOR_DEFAULT_PROFILE);
	free(p);
	assert_non_null(rg_rule_find("apparmor"));
}

static void test_disabled_changes_nothing(void **state)
{
	static const char *const specs[] = {"{}", "{\"process\":{}}",
					    "{\"process\":{\"apparmorProfile\":\"unconfined\"}}"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(specs); i++) {
		assert_int_equal(run_rule(specs[i], &host_off, RG_ACTION_FIX, NULL), 0);
		assert_int_equal(report.n_changes + report.n_violations, 0);
		_cleanup_free_ char *out = rg_json_emit(spec, false, NULL);
		assert_string_equal(out, specs[i]);
	}
	/* Even when loaded profiles could be checked. */
	struct rg_host h = host_on;
	h.apparmor_enabled = 0;
	assert_int_equal(run_rule("{}", &h, RG_ACTION_REJECT, NULL), 0);
	assert_int_equal(report.n_violations, 0);
}

static void test_unconfined_gets_profile(void **state)
{
	static const struct {
		const char *spec;
		const char *before;
	} cases[] = {
	    {"{}", NULL},
	    {"{\"process\":{\"args\":[\"sh\"]}}", NULL},
	    {"{\"process\":{\"apparmorProfile\":\"\"}}", "\"\""},
	    {"{\"process\":{\"apparmorProfile\":\"unconfined\"}}", "\"unconfined\""},
	    {"{\"process\":{\"apparmorProfile\":null}}", "null"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		assert_int_equal(run_rule(cases[i].spec, &host_on, RG_ACTION_FIX, NULL), 0);
		assert_string_equal(profile_of(), RG_APPARMOR_DEFAULT_PROFILE);
		assert_int_equal(report.n_changes, 1);
		assert_int_equal(report.n_violations, 0);
		assert_string_equal(report.changes[0].path, PATH);
		assert_string_equal(report.changes[0].rule, "apparmor");
		if (cases[i].before)
			assert_string_equal(report.changes[0].before, cases[i].before);
		else
			assert_null(report.changes[0].before);
		assert_string_equal(report.changes[0].after, "\"runguard-default\"");
	}
	/* Other process keys stay where they were. */
	assert_int_equal(run_rule("{\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}}", &host_on,
				  RG_ACTION_FIX, NULL),
			 0);
	_cleanup_free_ char *out = rg_json_emit(spec, false, NULL);
	assert_string_equal(out,
			    "{\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"apparmorProfile\":"
			    "\"runguard-default\"}}");
}

static void test_named_profile_kept(void **state)
{
	static const char *const names[] = {"docker-default", "containers-default-0.50.1",
					    "runguard-default", "/usr/bin/man"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		_cleanup_free_ char *s =
		    rg_xasprintf("{\"process\":{\"apparmorProfile\":\"%s\"}}", names[i]);
		assert_int_equal(run_rule(s, &host_on, RG_ACTION_REJECT, NULL), 0);
		assert_int_equal(report.n_changes + report.n_violations, 0);
		assert_string_equal(profile_of(), names[i]);
	}
}

static void test_configured_profile(void **state)
{
	loaded_names[1] = "site-containers";
	assert_int_equal(run_rule("{}", &host_on, RG_ACTION_FIX,
				  "{\"action\":\"fix\",\"profile\":\"site-containers\"}"),
			 0);
	assert_string_equal(profile_of(), "site-containers");
}

/* Fail closed: the profile must be loaded, or the container is refused. */
static void test_not_loaded_refuses(void **state)
{
	loaded_names[0] = NULL;
	assert_int_equal(run_rule("{\"process\":{\"apparmorProfile\":\"unconfined\"}}", &host_on,
				  RG_ACTION_FIX, NULL),
			 0);
	assert_int_equal(report.n_violations, 1);
	assert_int_equal(report.n_changes, 0);
	assert_string_equal(report.violations[0].path, PATH);
	assert_non_null(strstr(report.violations[0].msg, "'runguard-default' is not loaded"));
	assert_non_null(strstr(report.violations[0].msg,
			       "apparmor_parser -r /etc/apparmor.d/runguard-default"));
	assert_string_equal(profile_of(), "unconfined");

	/* Cannot be told (the list is unreadable, or no adapter): refused too. */
	loaded_result = -EACCES;
	assert_int_equal(run_rule("{}", &host_on, RG_ACTION_FIX, NULL), 0);
	assert_int_equal(report.n_violations, 1);
	assert_non_null(strstr(report.violations[0].msg, "not verifiably loaded"));
	struct rg_host h = host_on;
	h.apparmor_is_loaded = NULL;
	assert_int_equal(run_rule("{}", &h, RG_ACTION_FIX, NULL), 0);
	assert_int_equal(report.n_violations, 1);
	assert_null(rg_json_get(spec, "process"));
}

static void test_reject_action(void **state)
{
	assert_int_equal(run_rule("{}", &host_on, RG_ACTION_REJECT, NULL), 0);
	assert_int_equal(report.n_violations, 1);
	assert_int_equal(report.n_changes, 0);
	assert_non_null(strstr(report.violations[0].msg, "unconfined by AppArmor"));
	assert_null(rg_json_get(spec, "process"));
}

static void test_wrong_types(void **state)
{
	assert_true(
	    run_rule("{\"process\":{\"apparmorProfile\":7}}", &host_on, RG_ACTION_FIX, NULL) < 0);
	assert_non_null(strstr(error->msg, "config.json: .process.apparmorProfile: expected a "
					   "string, got number"));
	rg_error_free(error);
	error = NULL;
	assert_true(run_rule("{\"process\":[]}", &host_on, RG_ACTION_FIX, NULL) < 0);
	assert_non_null(strstr(error->msg, ".process: expected an object"));
}

static void test_settings_check(void **state)
{
	static const struct {
		const char *settings;
		const char *what;
	} bad[] = {
	    {"{\"profile\":\"unconfined\"}", "expected the name of an AppArmor profile"},
	    {"{\"profile\":\"\"}", "expected the name"},
	    {"{\"profile\":\"two words\"}", "expected the name"},
	    {"{\"profile\":42}", "expected the name"},
	    {"{\"profile\":\"a\\u0000b\"}", "expected the name"},
	    {"{\"profiles\":\"x\"}", ".profiles: unknown setting"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		struct rg_json *s = parse(bad[i].settings);
		struct rg_error *e = NULL;
		assert_true(rg_rule_apparmor.check(s, "cfg.json", ".rules.apparmor", &e) < 0);
		assert_non_null(strstr(e->msg, bad[i].what));
		assert_true(rg_startswith(e->msg, "cfg.json: .rules.apparmor"));
		rg_error_free(e);
		rg_json_free(s);
	}
	struct rg_json *s = parse("{\"action\":\"fix\",\"profile\":\"runguard-default\"}");
	assert_int_equal(rg_rule_apparmor.check(s, "cfg.json", ".rules.apparmor", &error), 0);
	rg_json_free(s);
}

/* The whole policy on an AppArmor host (runc's own `runc spec`): the profile is set. */
static void test_enforce_all(void **state)
{
	struct rg_rule_ctx ctx = {.policy = &policy,
				  .host = &host_on,
				  .report = &report,
				  .file = FILE_NAME,
				  .bundle = "/srv/bundle"};
	assert_int_equal(rg_spec_load_file("tests/golden/enforce-runc-spec/in.json", &spec, &error),
			 0);
	assert_null(profile_of());
	int r = rg_enforce(spec, &ctx, &error);
	if (r < 0)
		fail_msg("%s", error->msg);
	assert_string_equal(profile_of(), RG_APPARMOR_DEFAULT_PROFILE);
	/* And enforcing the result again changes nothing. */
	rg_report_free(&report);
	assert_int_equal(rg_enforce(spec, &ctx, &error), 0);
	assert_int_equal(report.n_changes, 0);
}

/* ---- the adapter, on fixture roots ---- */

static void test_adapter_fixtures(void **state)
{
	assert_int_equal(rg_host_apparmor_enabled(FIXTURES "/enabled"), 1);
	assert_int_equal(rg_host_apparmor_enabled(FIXTURES "/disabled"), 0);
	assert_int_equal(rg_host_apparmor_enabled(FIXTURES "/absent"), 0);
	assert_int_equal(rg_host_apparmor_loaded(FIXTURES "/enabled", "runguard-default"), 1);
	assert_int_equal(rg_host_apparmor_loaded(FIXTURES "/enabled", "docker-default"), 1);
	assert_int_equal(rg_host_apparmor_loaded(FIXTURES "/enabled", "/usr/bin/man"), 1);
	assert_int_equal(rg_host_apparmor_loaded(FIXTURES "/enabled", "name with blanks"), 1);
	assert_int_equal(rg_host_apparmor_loaded(FIXTURES "/enabled", "runguard"), 0);
	assert_int_equal(rg_host_apparmor_loaded(FIXTURES "/enabled", "enforce"), 0);
	assert_int_equal(rg_host_apparmor_loaded(FIXTURES "/notloaded", "runguard-default"), 0);
	assert_int_equal(rg_host_apparmor_loaded(FIXTURES "/unreadable", "runguard-default"),
			 -ENOENT);
}

static void test_adapter_env(void **state)
{
	struct rg_host h;
	setenv(RG_APPARMOR_ROOT_ENV, FIXTURES "/enabled", 1);
	rg_host_detect(&h);
	assert_int_equal(h.apparmor_enabled, 1);
	assert_non_null(h.apparmor_is_loaded);
	assert_int_equal(h.apparmor_is_loaded("runguard-default"), 1);
	setenv(RG_APPARMOR_ROOT_ENV, FIXTURES "/notloaded", 1);
	assert_int_equal(h.apparmor_is_loaded("runguard-default"), 0);
	setenv(RG_APPARMOR_ROOT_ENV, FIXTURES "/disabled", 1);
	rg_host_detect(&h);
	assert_int_equal(h.apparmor_enabled, 0);
}

static int setup_all(void **state)
{
	struct rg_error *e = NULL;
	if (!mkdtemp(tmpdir))
		return -1;
	char *cfg = rg_xasprintf("%s/config.json", tmpdir);
	int fd = open(cfg, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || rg_write_all(fd, "{}", 2) < 0)
		return -1;
	close(fd);
	int r = rg_policy_load(cfg, &policy, &e);
	free(cfg);
	rg_error_free(e);
	host_on = host_off;
	host_on.apparmor_enabled = 1;
	host_on.apparmor_is_loaded = fake_is_loaded;
	loaded_names[0] = RG_APPARMOR_DEFAULT_PROFILE;
	return r;
}

static int teardown_all(void **state)
{
	rg_policy_free(&policy);
	char *cfg = rg_xasprintf("%s/config.json", tmpdir);
	unlink(cfg);
	free(cfg);
	rmdir(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_policy_defaults, cleanup),
	    cmocka_unit_test_teardown(test_disabled_changes_nothing, cleanup),
	    cmocka_unit_test_teardown(test_unconfined_gets_profile, cleanup),
	    cmocka_unit_test_teardown(test_named_profile_kept, cleanup),
	    cmocka_unit_test_teardown(test_configured_profile, cleanup),
	    cmocka_unit_test_teardown(test_not_loaded_refuses, cleanup),
	    cmocka_unit_test_teardown(test_reject_action, cleanup),
	    cmocka_unit_test_teardown(test_wrong_types, cleanup),
	    cmocka_unit_test_teardown(test_settings_check, cleanup),
	    cmocka_unit_test_teardown(test_enforce_all, cleanup),
	    cmocka_unit_test_teardown(test_adapter_fixtures, cleanup),
	    cmocka_unit_test_teardown(test_adapter_env, cleanup),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
