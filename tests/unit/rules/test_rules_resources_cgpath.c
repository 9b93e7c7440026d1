/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of linux.cgroupsPath (src/rules/resources_cgpath.c), alone
 * and through the resources rule. The harness, policies and fake host are in isolation_harness.h.
 */
#include "../../../src/rules/resources_cgpath.h"
#include "isolation_harness.h"

/* ================= linux.cgroupsPath ================= */

static void test_cgroups_path(void **state)
{
	static const struct {
		const char *value;
		const char *why; /* a piece of the reason, or NULL: safe */
	} cases[] = {
	    /* What engines write, and the runtime's default. */
	    {"", NULL},
	    {"/docker/0123abcd", NULL},
	    {"system.slice:docker:0123abcd", NULL},
	    {"machine.slice:libpod:0123abcd", NULL},
	    {"/libpod_parent/libpod-0123abcd", NULL},
	    {"/default/0123abcd", NULL},
	    {"/k8s.io/0123abcd", NULL},
	    {"kubepods-besteffort-pod1234_5678.slice:cri-containerd:0123abcd", NULL},
	    {"/kubepods/besteffort/pod1234-5678/0123abcd", NULL},
	    {"user.slice:podman:x", NULL},
	    {"relative/child", NULL},
	    {"::x", NULL},
	    {"/a/./b", NULL},
	    /* The root cgroup, however spelled. */
	    {"/", "root cgroup"},
	    {"//", "root cgroup"},
	    {"/./", "root cgroup"},
	    {"/..", "'..'"},
	    {"/a/../..", "'..'"},
	    {"/a/..", "'..'"},
	    {"/a/../../..", "'..'"},
	    {"../..", "'..'"},
	    {"../../", "'..'"},
	    {"/docker/../../../sys", "'..'"},
	    /* The caller's own cgroup. */
	    {".", "runtime's own cgroup"},
	    {"./", "runtime's own cgroup"},
	    {"./.", "runtime's own cgroup"},
	    /* systemd: the root slice, path syntax, a slice as the unit. */
	    {"-.slice:x:y", "root"},
	    {"-.slice", "root"},
	    {"-.slice:docker", "root"},
	    {"system.slice:docker:-.slice", "ending in .slice"},
	    {"system.slice:x:system.slice", "ending in .slice"},
	    {"system.slice:x:a/b", "'/' or '..'"},
	    {"system.slice:..:x", "'/' or '..'"},
	    {"a/b.slice:x:y", "'/' or '..'"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		const char *why = rg_cgroups_path_unsafe(cases[i].value);
		if (!cases[i].why ? why != NULL : !why || !strstr(why, cases[i].why))
			fail_msg("cgroupsPath '%s': got %s, want %s", cases[i].value,
				 why ? why : "safe", cases[i].why ? cases[i].why : "safe");
	}
	/* Through the resources rule: refused whatever the action, config untouched. */
	const struct rg_policy *p = policy_of("{\"rules\":{\"resources\":{\"action\":\"fix\"}}}");
	struct rg_json *spec = parse("{\"linux\":{\"cgroupsPath\":\"/a/../..\"}}");
	expect_ok(run(&rg_rule_resources, p, spec));
	assert_true(report.n_violations == 1);
	assert_string_equal(report.violations[0].path, ".linux.cgroupsPath");
	assert_json(at(spec, ".linux.cgroupsPath"), "\"/a/../..\"");
	spec = parse("{\"linux\":{\"cgroupsPath\":\"/docker/x\"}}");
	expect_ok(run(&rg_rule_resources, p, spec));
	assert_int_equal(report.n_violations, 0);
	spec = parse("{\"linux\":{\"cgroupsPath\":5}}");
	expect_error(run(&rg_rule_resources, p, spec), ".linux.cgroupsPath", "expected a string");
	spec = parse("{\"linux\":{\"cgroupsPath\":\"/a\\u0000/..\"}}");
	expect_error(run(&rg_rule_resources, p, spec), ".linux.cgroupsPath", "NUL");
}

static int groups(void)
{
	const struct CMUnitTest cgroups_tests[] = {
	    T(test_cgroups_path),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/cgroupsPath", cgroups_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return harness_main(groups);
}
