/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the annotations rule. The harness, policies and fake host are in
 * isolation_harness.h.
 */
#include "isolation_harness.h"

/* ================= annotations ================= */

static void test_annotations(void **state)
{
	static const struct {
		const char *key;
		bool is_denied;
	} cases[] = {
	    {"run.oci.seccomp_bpf_data", true},
	    {"run.oci.handler", true},
	    {"run.oci.hooks.prestart", true},
	    {"run.oci.keep_original_groups", true},
	    {"run.oci.no_pivot", true},
	    {"org.systemd.property.DeviceAllow", true},
	    {"org.criu.config", true},
	    {"run.oci.handler\\u0000x", true},
	    {"run.ocix", false},
	    {"org.criu.config2", false},
	    {"io.kubernetes.cri.container-type", false},
	    {"run.runguard.policy", false},
	    {"run.runguard.profile", false},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *text = track_str(rg_xasprintf(
		    "{\"annotations\":{\"a\":\"1\",\"%s\":\"v\",\"z\":\"2\"}}", cases[i].key));
		struct rg_json *spec = parse(text);
		expect_ok(run(&rg_rule_annotations, &reject, spec));
		assert_int_equal(report.n_violations, cases[i].is_denied ? 1 : 0);
		if (cases[i].is_denied) {
			assert_true(rg_startswith(report.violations[0].path, ".annotations[\""));
			assert_non_null(strstr(report.violations[0].msg, "outside the spec"));
		}
		assert_int_equal(at(spec, ".annotations")->n, 3);
		/* The default policy strips, as "fix" does; keys around it stay in order. */
		spec = parse(text);
		expect_ok(run(&rg_rule_annotations, &baseline, spec));
		expect_violation(NULL, NULL);
		assert_int_equal(at(spec, ".annotations")->n, cases[i].is_denied ? 2 : 3);
		assert_string_equal(at(spec, ".annotations")->u.members[0].key, "a");
		assert_int_equal(report.n_changes, cases[i].is_denied ? 1 : 0);
	}
	const struct rg_policy *p = policy_of(
	    "{\"rules\":{\"annotations\":{\"action\":\"reject\",\"deny\":[\"com.example.*\","
	    "\"run.oci.*\",\"*\"],\"allow\":[\"run.oci.keep_original_groups\",\"io.*\"]}}}");
	struct rg_json *spec =
	    parse("{\"annotations\":{\"run.oci.keep_original_groups\":\"1\","
		  "\"io.x\":\"y\",\"run.runguard.policy\":\"p\",\"com.example.a\":\"b\"}}");
	expect_ok(run(&rg_rule_annotations, p, spec));
	expect_violation(".annotations[\"com.example.a\"]", NULL);
	expect_ok(run(&rg_rule_annotations, &fix, parse("{}")));
	expect_ok(run(&rg_rule_annotations, &fix, parse("{\"annotations\":null}")));
	expect_error(run(&rg_rule_annotations, &fix, parse("{\"annotations\":[]}")), ".annotations",
		     "expected an object");
	expect_check_error(&rg_rule_annotations, "{\"allow\":\"x\"}",
			   ".rules.x.allow: expected an array");
	expect_check_error(&rg_rule_annotations, "{\"deny\":[\"\"]}", ".rules.x.deny[0]");
	expect_check_error(&rg_rule_annotations, "{\"deny\":[1]}", ".rules.x.deny[0]");
	expect_check_error(&rg_rule_annotations, "{\"strip\":[]}",
			   ".rules.x.strip: unknown setting");
	assert_int_equal(check(&rg_rule_annotations, "{\"deny\":[\"a*\"],\"allow\":[\"ab\"]}"), 0);
}

static int groups(void)
{
	const struct CMUnitTest annotations_tests[] = {
	    T(test_annotations),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/annotations", annotations_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return harness_main(groups);
}
