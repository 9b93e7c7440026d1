/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the noNewPrivileges rule.
 * The fixture (default policy, injected hosts): tests/unit/rules_fixture.h.
 */
#include <ctype.h>
#include <string.h>

#include "rules_fixture.h"

/* ================= process ================= */

static void test_process_no_new_privileges(void **state)
{
	static const struct {
		const char *in, *want_process;
		const char *before; /* NULL: no change expected; "-": absent before */
	} cases[] = {
	    {"{}", "{\"noNewPrivileges\":true}", "-"},
	    {"{\"process\":null}", "{\"noNewPrivileges\":true}", "-"},
	    {"{\"process\":{}}", "{\"noNewPrivileges\":true}", "-"},
	    {"{\"process\":{\"cwd\":\"/\"}}", "{\"cwd\":\"/\",\"noNewPrivileges\":true}", "-"},
	    {"{\"process\":{\"noNewPrivileges\":false,\"cwd\":\"/\"}}",
	     "{\"noNewPrivileges\":true,\"cwd\":\"/\"}", "false"},
	    {"{\"process\":{\"noNewPrivileges\":null}}", "{\"noNewPrivileges\":true}", "null"},
	    {"{\"process\":{\"noNewPrivileges\":true}}", "{\"noNewPrivileges\":true}", NULL},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].in);
		expect_ok(run(&rg_rule_no_new_privileges, spec, &host_amd64));
		assert_json(at(spec, ".process"), cases[i].want_process);
		if (!cases[i].before) {
			assert_int_equal(report.n_changes, 0);
			continue;
		}
		assert_int_equal(report.n_changes, 1);
		assert_string_equal(report.changes[0].rule, "noNewPrivileges");
		assert_string_equal(report.changes[0].path, ".process.noNewPrivileges");
		if (rg_streq(cases[i].before, "-"))
			assert_null(report.changes[0].before);
		else
			assert_string_equal(report.changes[0].before, cases[i].before);
		assert_string_equal(report.changes[0].after, "true");
	}
}

static void test_process_wrong_types(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} cases[] = {
	    {"{\"process\":{\"noNewPrivileges\":\"yes\"}}", ".process.noNewPrivileges",
	     "expected a boolean, got string"},
	    {"{\"process\":{\"noNewPrivileges\":\"true\"}}", ".process.noNewPrivileges",
	     "got string"},
	    {"{\"process\":{\"noNewPrivileges\":1}}", ".process.noNewPrivileges", "got number"},
	    {"{\"process\":{\"noNewPrivileges\":{}}}", ".process.noNewPrivileges", "got object"},
	    {"{\"process\":true}", ".process", "expected an object, got boolean"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_no_new_privileges, spec, &host_amd64), FILE_NAME,
			     cases[i].path, cases[i].more);
	}
}

static int groups(void)
{
	const struct CMUnitTest process[] = {
	    T(test_process_no_new_privileges),
	    T(test_process_wrong_types),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/noNewPrivileges", process, NULL, NULL);
	return failed;
}

int main(void)
{
	return fixture_main(groups);
}
