/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the configuration file (src/engine/config.c) and of profile
 * selection (src/engine/policy.c): every error path names the file, the line and
 * the JSON path; selectors, the workload's profile annotation (stricter
 * only, unless allowed), modes and rule overrides.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/util.h"

static char tmpdir[] = "/tmp/rg-test-config-XXXXXX";
static char path[512];

static const char *write_config(const char *text)
{
	snprintf(path, sizeof(path), "%s/config.json", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0644);
	return path;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	unsetenv("RUNGUARD_CONFIG");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

/*
 * Loads the configuration text from a file, as the engine does, into *c and
 * selects the policy for annotations (NULL: none) into *p; fails on any
 * error. The caller frees both.
 */
static void load_and_select(const char *text, const struct rg_json *annotations,
			    struct rg_config *c, struct rg_policy *p)
{
	struct rg_error *err = NULL;
	int r = rg_config_load(write_config(text), c, &err);
	if (r != 0)
		fail_msg("config %s: %d (%s)", text, r, err ? err->msg : "-");
	r = rg_policy_select(c, annotations, p, &err);
	if (r != 0)
		fail_msg("config %s: select: %d (%s)", text, r, err ? err->msg : "-");
}

struct bad_case {
	const char *text;
	const char *want; /* substring of the message after "file:" */
};

/* Each bad configuration, and the part of the message that must name where and why. */
static const struct bad_case bad[] = {
    {"[]", ".: expected an object"},
    {"{\"mode\": \"strict\"}", ":1: .mode: expected \"enforce\", \"audit\" or \"warn\""},
    {"{\"mode\": 1}", ".mode: expected"},
    {"{\"profile\": \"nope\"}", ".profile: unknown profile"},
    {"{\"profile\": null}", ".profile: unknown profile"},
    {"{\"runtime\": \"runc\"}", ".runtime: \"runc\" is not an absolute path"},
    {"{\"runtime\": 5}", ".runtime: expected a string"},
    {"{\"bogus\": 1}", ".bogus: unknown configuration key"},
    {"{\"Mode\": \"audit\"}", ".Mode: unknown configuration key"},
    {"{\"rules\": []}", ".rules: expected an object"},
    {"{\"rules\": {\"nope\": {}}}", ".rules.nope: unknown rule"},
    {"{\"rules\": {\"capabilities\": 1}}", ".rules.capabilities: expected an object"},
    {"{\"rules\": {\"capabilities\": {\"action\": \"drop\"}}}",
     ".rules.capabilities.action: expected \"fix\", \"reject\" or \"off\""},
    {"{\"rules\": {\"capabilities\": {\"allow\": [\"CAP_FOO\"]}}}",
     ".rules.capabilities.allow[0]: unknown capability 'CAP_FOO'"},
    {"{\"rules\": {\"capabilities\": {\"allow\": [\"cap_chown\"]}}}",
     ".rules.capabilities.allow[0]: unknown capability"},
    {"{\"rules\": {\"capabilities\": {\"allow\": \"CAP_CHOWN\"}}}",
     ".rules.capabilities.allow: expected an array"},
    {"{\"rules\": {\"capabilities\": {\"ceiling\": []}}}",
     ".rules.capabilities.ceiling: unknown setting"},
    {"{\"rules\": {\"seccomp\": {\"profile\": \"rel/path.json\"}}}",
     ".rules.seccomp.profile: expected \"default\" or an absolute path"},
    {"{\"rules\": {\"resources\": {\"pids\": {\"default\": 0}}}}",
     ".rules.resources.pids.default: expected a positive integer"},
    {"{\"rules\": {\"resources\": {\"pids\": {\"default\": \"10\"}}}}",
     ".rules.resources.pids.default"},
    {"{\"rules\": {\"user\": {\"uid\": 0}}}", ".rules.user.uid: expected a non-zero"},
    {"{\"rules\": {\"noNewPrivileges\": {\"x\": 1}}}", ".rules.noNewPrivileges.x: unknown setting"},
    {"{\"selectors\": {}}", ".selectors: expected an array"},
    {"{\"selectors\": [1]}", ".selectors[0]: expected an object"},
    {"{\"selectors\": [{\"profile\": \"privileged\"}]}", ".selectors[0]: missing \"match\""},
    {"{\"selectors\": [{\"match\": {}}]}", ".selectors[0].match: expected a non-empty object"},
    {"{\"selectors\": [{\"match\": {\"a\": 1}}]}",
     ".selectors[0].match.a: expected a string or a non-empty array"},
    {"{\"selectors\": [{\"match\": {\"a\": []}}]}",
     ".selectors[0].match.a: expected a string or a non-empty array"},
    {"{\"selectors\": [{\"match\": {\"a\": \"b\"}, \"profile\": \"x\"}]}",
     ".selectors[0].profile: unknown profile"},
    {"{\"selectors\": [{\"match\": {\"a\": \"b\"}, \"mode\": \"x\"}]}",
     ".selectors[0].mode: expected"},
    {"{\"selectors\": [{\"match\": {\"a\": \"b\"}, \"allowWeakerProfiles\": \"yes\"}]}",
     ".selectors[0].allowWeakerProfiles: expected a boolean"},
    {"{\"selectors\": [{\"match\": {\"a\": \"b\"}, \"exempt\": true}]}",
     ".selectors[0].exempt: unknown key"},
    {"{\"audit\": []}", ".audit: expected an object"},
    {"{\"audit\": {\"file\": \"x.log\"}}", ".audit.file: \"x.log\" is not an absolute path"},
    {"{\"audit\": {\"syslog\": 1}}", ".audit.syslog: expected a boolean"},
    {"{\"audit\": {\"required\": \"no\"}}", ".audit.required: expected a boolean"},
    {"{\"audit\": {\"path\": \"/x\"}}", ".audit.path: unknown key"},
    {"{\"runtimeFlags\": []}", ".runtimeFlags: expected an object"},
    {"{\"runtimeFlags\": {\"criu\": \"/usr/sbin/criu\"}}", ".runtimeFlags.criu: expected an array"},
    {"{\"runtimeFlags\": {\"criu\": [\"criu\"]}}",
     ".runtimeFlags.criu[0]: \"criu\" is not an absolute path"},
    {"{\"runtimeFlags\": {\"criu\": [1]}}", ".runtimeFlags.criu[0]: expected a string"},
    {"{\"runtimeFlags\": {\"root\": [\"/run/runc\"]}}", ".runtimeFlags.root: unknown runtime flag"},
    {"{\"mode\": \"audit\",}", "invalid JSON"},
    {"{\"mode\": \"audit\", \"mode\": \"enforce\"}", "duplicate key \"mode\""},
    {"", "empty file"},
    /* The line number points at the offending value. */
    {"{\n  \"mode\": \"enforce\",\n  \"profile\": \"bogus\"\n}", ":3: .profile: unknown profile"},
};

static void test_bad_configs(void **state)
{
	(void)state;
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		struct rg_config c;
		struct rg_error *err = NULL;
		int r = rg_config_load(write_config(bad[i].text), &c, &err);
		if (r >= 0)
			fail_msg("case %zu (%s): accepted", i, bad[i].text);
		assert_non_null(err);
		if (!rg_startswith(err->msg, path))
			fail_msg("case %zu: message does not name the file: %s", i, err->msg);
		if (!strstr(err->msg, bad[i].want))
			fail_msg("case %zu (%s): message lacks '%s': %s", i, bad[i].text,
				 bad[i].want, err->msg);
		rg_error_free(err);
	}
}

static void test_minimal_configs(void **state)
{
	(void)state;
	struct rg_config c;
	struct rg_policy p;

	/* {"mode": "audit"} alone is complete: change nothing, record everything. */
	load_and_select("{\"mode\": \"audit\"}", NULL, &c, &p);
	assert_int_equal(c.mode, RG_MODE_AUDIT);
	assert_string_equal(p.name, "baseline");
	assert_int_equal(p.mode, RG_MODE_AUDIT);
	rg_policy_free(&p);
	rg_config_free(&c);

	/* {"profile": "restricted"} alone: enforce the restricted profile. */
	load_and_select("{\"profile\": \"restricted\"}", NULL, &c, &p);
	assert_string_equal(p.name, "restricted");
	assert_int_equal(p.mode, RG_MODE_ENFORCE);
	assert_int_equal(rg_policy_action(&p, "user"), RG_ACTION_REJECT);
	const struct rg_json *allow = rg_json_get(rg_policy_rule(&p, "capabilities"), "allow");
	assert_int_equal(allow->n, 1);
	assert_string_equal(rg_json_str(allow->u.items[0]), "CAP_NET_BIND_SERVICE");
	rg_policy_free(&p);
	rg_config_free(&c);

	/* Comments are allowed in the configuration (not in config.json). */
	struct rg_error *err = NULL;
	assert_int_equal(
	    rg_config_load(write_config("// c\n{/* x */ \"mode\": \"warn\"}"), &c, &err), 0);
	assert_int_equal(c.mode, RG_MODE_WARN);
	rg_config_free(&c);
}

/* runtimeFlags.criu: only a listed absolute path, byte for byte. */
static void test_runtime_flags(void **state)
{
	static const char text[] = "{\"runtimeFlags\": {\"criu\": [\"/usr/sbin/criu\"]}}";
	struct rg_config c;
	struct rg_error *err = NULL;
	(void)state;

	assert_int_equal(rg_config_parse_buffer("t", text, strlen(text), &c, &err), 0);
	assert_true(rg_config_allows_flag(&c, "criu", "/usr/sbin/criu"));
	assert_false(rg_config_allows_flag(&c, "criu", "/usr/sbin/criu/"));
	assert_false(rg_config_allows_flag(&c, "criu", "criu"));
	assert_false(rg_config_allows_flag(&c, "criu", NULL));
	assert_false(rg_config_allows_flag(&c, "root", "/usr/sbin/criu"));
	rg_config_free(&c);
	assert_int_equal(rg_config_parse_buffer("t", "{}", 2, &c, &err), 0);
	assert_false(rg_config_allows_flag(&c, "criu", "/usr/sbin/criu"));
	rg_config_free(&c);
	assert_false(rg_config_allows_flag(NULL, "criu", "/usr/sbin/criu"));
}

static void test_missing_files(void **state)
{
	(void)state;
	struct rg_config c;
	struct rg_error *err = NULL;
	char missing[600];

	snprintf(missing, sizeof(missing), "%s/absent.json", tmpdir);
	/* Named explicitly: an error. */
	assert_true(rg_config_load(missing, &c, &err) < 0);
	assert_non_null(strstr(err->msg, "absent.json"));
	rg_error_free(err);
	err = NULL;
	/* Through $RUNGUARD_CONFIG: also explicit. */
	setenv("RUNGUARD_CONFIG", missing, 1);
	assert_true(rg_config_load(NULL, &c, &err) < 0);
	rg_error_free(err);
	err = NULL;
	unsetenv("RUNGUARD_CONFIG");
}

static void test_writable_config_refused(void **state)
{
	(void)state;
	struct rg_config c;
	struct rg_error *err = NULL;

	write_config("{}");
	chmod(path, 0666);
	assert_true(rg_config_load(path, &c, &err) < 0);
	assert_non_null(strstr(err->msg, "writable by nobody else"));
	rg_error_free(err);
}

static void test_overrides_merge(void **state)
{
	(void)state;
	struct rg_config c;
	struct rg_policy p;

	load_and_select("{\"rules\": {\"capabilities\": {\"action\": "
			"\"reject\"}, \"resources\": {\"pids\": {\"default\": 99}}}}",
			NULL, &c, &p);
	/* The action changed; the profile's allow list stayed. */
	assert_int_equal(rg_policy_action(&p, "capabilities"), RG_ACTION_REJECT);
	assert_int_equal(rg_json_get(rg_policy_rule(&p, "capabilities"), "allow")->n, 11);
	long long v = 0;
	assert_int_equal(
	    rg_json_int64(
		rg_json_get(rg_json_get(rg_policy_rule(&p, "resources"), "pids"), "default"), &v),
	    0);
	assert_int_equal(v, 99);
	rg_policy_free(&p);
	rg_config_free(&c);
}

/* Selects the profile for the given annotations JSON under the given config. */
static void expect_profile(const char *config, const char *annotations, const char *want,
			   enum rg_mode want_mode)
{
	struct rg_config c;
	struct rg_policy p;
	struct rg_error *err = NULL;
	struct rg_json *ann =
	    annotations ? rg_json_parse(annotations, strlen(annotations), "a", NULL, &err) : NULL;

	load_and_select(config, ann, &c, &p);
	if (strcmp(p.name, want) != 0 || p.mode != want_mode)
		fail_msg("config %s, annotations %s: got %s/%s (%s), want %s/%s", config,
			 annotations ? annotations : "(none)", p.name, rg_mode_name(p.mode),
			 p.reason, want, rg_mode_name(want_mode));
	rg_policy_free(&p);
	rg_config_free(&c);
	rg_json_free(ann);
}

static void test_selection(void **state)
{
	(void)state;
	const char *cfg =
	    "{\"selectors\": ["
	    "{\"match\": {\"io.kubernetes.pod.namespace\": \"kube-system\"},"
	    " \"profile\": \"privileged\", \"mode\": \"audit\"},"
	    "{\"match\": {\"io.kubernetes.pod.namespace\": [\"dev-*\", \"test\"]},"
	    " \"profile\": \"baseline\", \"allowWeakerProfiles\": true},"
	    "{\"match\": {\"io.kubernetes.cri.container-type\": \"sandbox\","
	    " \"io.kubernetes.pod.namespace\": \"prod\"}, \"profile\": \"privileged\"}"
	    "]}";

	static const struct {
		const char *annotations, *want;
		enum rg_mode mode;
	} cases[] = {
	    {NULL, "baseline", RG_MODE_ENFORCE},
	    {"{\"io.kubernetes.pod.namespace\": \"kube-system\"}", "privileged", RG_MODE_AUDIT},
	    {"{\"io.kubernetes.pod.namespace\": \"default\"}", "baseline", RG_MODE_ENFORCE},
	    /* Globs and lists. */
	    {"{\"io.kubernetes.pod.namespace\": \"dev-42\"}", "baseline", RG_MODE_ENFORCE},
	    /* All keys of a match must match. */
	    {"{\"io.kubernetes.pod.namespace\": \"prod\"}", "baseline", RG_MODE_ENFORCE},
	    {"{\"io.kubernetes.pod.namespace\": \"prod\","
	     " \"io.kubernetes.cri.container-type\": \"sandbox\"}",
	     "privileged", RG_MODE_ENFORCE},
	    /* A workload may ask for a stricter profile... */
	    {"{\"run.runguard.profile\": \"restricted\"}", "restricted", RG_MODE_ENFORCE},
	    /* ...never a weaker one... */
	    {"{\"run.runguard.profile\": \"privileged\"}", "baseline", RG_MODE_ENFORCE},
	    /* ...unless its selector allows it. */
	    {"{\"io.kubernetes.pod.namespace\": \"test\","
	     " \"run.runguard.profile\": \"privileged\"}",
	     "privileged", RG_MODE_ENFORCE},
	    /* An unknown profile name asked for is ignored (the selected one is kept). */
	    {"{\"run.runguard.profile\": \"nope\"}", "baseline", RG_MODE_ENFORCE},
	    /* Stricter than an exemption is still allowed. */
	    {"{\"io.kubernetes.pod.namespace\": \"kube-system\","
	     " \"run.runguard.profile\": \"restricted\"}",
	     "restricted", RG_MODE_AUDIT},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++)
		expect_profile(cfg, cases[i].annotations, cases[i].want, cases[i].mode);
}

static void test_digest(void **state)
{
	(void)state;
	struct rg_policy a, b, c;
	struct rg_error *err = NULL;

	assert_int_equal(rg_policy_load(write_config("{}"), &a, &err), 0);
	assert_int_equal(rg_policy_load(write_config("{}"), &b, &err), 0);
	assert_string_equal(a.digest, b.digest);
	assert_int_equal(rg_policy_load(write_config("{\"mode\": \"audit\"}"), &c, &err), 0);
	assert_string_not_equal(a.digest, c.digest);
	assert_true(rg_startswith(a.digest, "sha256:") && strlen(a.digest) == 7 + 64);
	rg_policy_free(&a);
	rg_policy_free(&b);
	rg_policy_free(&c);
}

static void test_describe(void **state)
{
	(void)state;
	struct rg_config c;
	struct rg_policy p;
	struct rg_error *err = NULL;

	load_and_select("{\"profile\": \"privileged\"}", NULL, &c, &p);
	char *text = rg_policy_describe(&c, &p);
	struct rg_json *j = rg_json_parse(text, strlen(text), "describe", NULL, &err);
	assert_non_null(j);
	assert_string_equal(rg_json_str(rg_json_get(j, "profile")), "privileged");
	assert_string_equal(rg_json_str(rg_json_get(j, "mode")), "enforce");
	assert_true(rg_json_is(rg_json_get(j, "rules"), RG_JSON_OBJECT));
	rg_json_free(j);
	free(text);
	rg_policy_free(&p);
	rg_config_free(&c);
}

/* Every shipped profile is a valid set of rule settings. */
static void test_shipped_profiles_valid(void **state)
{
	(void)state;
	static const char *const names[] = {"baseline", "restricted", "privileged"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		char *text = rg_xasprintf("{\"profile\": \"%s\"}", names[i]);
		struct rg_policy p;
		struct rg_error *err = NULL;
		int r = rg_policy_load(write_config(text), &p, &err);
		if (r < 0)
			fail_msg("profile %s: %s", names[i], err->msg);
		assert_string_equal(p.name, names[i]);
		rg_policy_free(&p);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_configs),
	    cmocka_unit_test(test_minimal_configs),
	    cmocka_unit_test(test_missing_files),
	    cmocka_unit_test(test_runtime_flags),
	    cmocka_unit_test(test_writable_config_refused),
	    cmocka_unit_test(test_overrides_merge),
	    cmocka_unit_test(test_selection),
	    cmocka_unit_test(test_digest),
	    cmocka_unit_test(test_describe),
	    cmocka_unit_test(test_shipped_profiles_valid),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
