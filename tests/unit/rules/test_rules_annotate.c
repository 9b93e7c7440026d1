/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the annotate rule: the run.runguard.policy stamp and the
 * summary of changes; a forged stamp is overwritten.
 * The fixture (default policy, injected hosts): tests/unit/rules_fixture.h.
 */
#include <ctype.h>
#include <string.h>

#include "rules_fixture.h"

/* ================= annotate ================= */

static const char *policy_stamp(void)
{
	return track(rg_xasprintf("%s@%s", policy.name, policy.digest));
}

static void assert_stamp_format(const char *s)
{
	char *prefix = track(rg_xasprintf("%s@sha256:", policy.name));
	assert_true(rg_startswith(s, prefix));
	const char *hex = s + strlen(prefix);
	assert_int_equal(strlen(hex), 64);
	for (size_t i = 0; i < 64; i++)
		assert_true(isdigit((unsigned char)hex[i]) || (hex[i] >= 'a' && hex[i] <= 'f'));
}

static void test_annotate_stamp(void **state)
{
	struct rg_json *spec = parse("{}");

	expect_ok(run(&rg_rule_annotate, spec, &host_amd64));
	const char *v = rg_json_str(rg_json_get(at(spec, ".annotations"), "run.runguard.policy"));
	assert_non_null(v);
	assert_stamp_format(v);
	assert_string_equal(v, policy_stamp());
	assert_int_equal(report.n_changes, 1);
	assert_string_equal(report.changes[0].rule, "annotate");
	assert_string_equal(report.changes[0].path, STAMP_PATH);
	assert_null(report.changes[0].before);

	/* null annotations are created too */
	spec = parse("{\"annotations\":null}");
	expect_ok(run(&rg_rule_annotate, spec, &host_amd64));
	assert_string_equal(
	    rg_json_str(rg_json_get(at(spec, ".annotations"), "run.runguard.policy")),
	    policy_stamp());
}

static void test_annotate_preserves_others(void **state)
{
	struct rg_json *spec = parse("{\"annotations\":{\"b\":\"1\",\"a\":\"2\","
				     "\"io.kubernetes.cri.sandbox-id\":\"x\\u0000y\"},\"z\":1}");

	expect_ok(run(&rg_rule_annotate, spec, &host_amd64));
	const struct rg_json *ann = at(spec, ".annotations");
	assert_int_equal(ann->n, 4);
	assert_string_equal(ann->u.members[0].key, "b");
	assert_string_equal(ann->u.members[1].key, "a");
	assert_string_equal(ann->u.members[2].key, "io.kubernetes.cri.sandbox-id");
	assert_string_equal(ann->u.members[3].key, "run.runguard.policy");
	assert_json(ann->u.members[2].value, "\"x\\u0000y\"");
	assert_string_equal(rg_json_str(ann->u.members[3].value), policy_stamp());
	assert_string_equal(spec->u.members[1].key, "z");
}

static void test_annotate_overwrites_forgery(void **state)
{
	static const char *const forged[] = {
	    "\"default@sha256:0000\"", "\"\"", "5", "null", "{\"nested\":true}",
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(forged); i++) {
		char *text = track(rg_xasprintf("{\"annotations\":{\"x\":\"1\","
						"\"run.runguard.policy\":%s,\"y\":\"2\"}}",
						forged[i]));
		struct rg_json *spec = parse(text);
		expect_ok(run(&rg_rule_annotate, spec, &host_amd64));
		const struct rg_json *ann = at(spec, ".annotations");
		assert_int_equal(ann->n, 3);
		/* Overwritten in place. */
		assert_int_equal(key_index(ann, "run.runguard.policy"), 1);
		assert_string_equal(rg_json_str(ann->u.members[1].value), policy_stamp());
		assert_int_equal(report.n_changes, 1);
		assert_non_null(report.changes[0].before);
		assert_string_equal(report.changes[0].before, emit(parse(forged[i])));
	}

	/* The right stamp already there: no change. */
	char *text = track(
	    rg_xasprintf("{\"annotations\":{\"run.runguard.policy\":\"%s\"}}", policy_stamp()));
	struct rg_json *spec = parse(text);
	expect_ok(run(&rg_rule_annotate, spec, &host_amd64));
	assert_int_equal(report.n_changes, 0);
	assert_string_equal(emit(spec), emit(parse(text)));
}

static void test_annotate_wrong_types(void **state)
{
	static const struct {
		const char *spec, *more;
	} cases[] = {
	    {"{\"annotations\":[]}", "expected an object, got array"},
	    {"{\"annotations\":\"run.runguard.policy=x\"}", "got string"},
	    {"{\"annotations\":0}", "got number"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_annotate, spec, &host_amd64), FILE_NAME, ".annotations",
			     cases[i].more);
	}
}

static int groups(void)
{
	const struct CMUnitTest annotate[] = {
	    T(test_annotate_stamp),
	    T(test_annotate_preserves_others),
	    T(test_annotate_overwrites_forgery),
	    T(test_annotate_wrong_types),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/annotate", annotate, NULL, NULL);
	return failed;
}

int main(void)
{
	return fixture_main(groups);
}
