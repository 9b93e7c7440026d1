/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the rootfs rule. The harness, policies and fake host are in isolation_harness.h.
 */
#include "isolation_harness.h"

/* ================= rootfs ================= */

static void test_rootfs(void **state)
{
	static const struct {
		const char *spec, *want_root;
		bool is_violation;
	} cases[] = {
	    {"{\"root\":{\"path\":\"rootfs\",\"readonly\":true}}",
	     "{\"path\":\"rootfs\",\"readonly\":true}", false},
	    {"{\"root\":{\"path\":\"rootfs\",\"readonly\":false}}",
	     "{\"path\":\"rootfs\",\"readonly\":true}", true},
	    {"{\"root\":{\"path\":\"rootfs\"}}", "{\"path\":\"rootfs\",\"readonly\":true}", true},
	    {"{\"root\":{\"readonly\":null}}", "{\"readonly\":true}", true},
	    {"{}", "{\"readonly\":true}", true},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_ok(run(&rg_rule_rootfs, &reject, spec));
		expect_violation(cases[i].is_violation ? ".root.readonly" : NULL, "writable");
		spec = parse(cases[i].spec);
		expect_ok(run(&rg_rule_rootfs, &fix, spec));
		assert_json(at(spec, ".root"), cases[i].want_root);
		assert_int_equal(report.n_changes, cases[i].is_violation ? 1 : 0);
	}
	assert_int_equal(rg_policy_action(&baseline, "rootfs"), RG_ACTION_OFF);
	expect_error(run(&rg_rule_rootfs, &fix, parse("{\"root\":5}")), ".root",
		     "expected an object");
	expect_error(run(&rg_rule_rootfs, &fix, parse("{\"root\":{\"readonly\":\"yes\"}}")),
		     ".root.readonly", "expected a boolean");
}

static int groups(void)
{
	const struct CMUnitTest rootfs_tests[] = {
	    T(test_rootfs),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/rootfs", rootfs_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return harness_main(groups);
}
