/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of lexical path normalisation (src/lib/normpath.c).
 */
#include "runguard/normpath.h"
#include "rules_harness.h"

/* ================= normpath ================= */

static void test_normpath(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"/", "/"},
	    {"//", "/"},
	    {"/./", "/"},
	    {"/..", "/"},
	    {"/../..", "/"},
	    {"/etc/", "/etc"},
	    {"//etc//", "/etc"},
	    {"/etc/.", "/etc"},
	    {"/etc/..", "/"},
	    {"/a/../etc", "/etc"},
	    {"/a/./b/", "/a/b"},
	    {"/a/b/../../c", "/c"},
	    {"/a/..b", "/a/..b"},
	    {"/a/.b/", "/a/.b"},
	    {"/...", "/..."},
	    {"etc", NULL},
	    {"", NULL},
	    {"./etc", NULL},
	    {"/etc", "/etc"},
	    {"/a/b.c/*", "/a/b.c/*"},
	    {"/.a/..b", "/.a/..b"},
	    {"/a/.", "/a"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *got = rg_path_normalize(cases[i].in);
		if (!cases[i].out)
			assert_null(got);
		else if (!got || !rg_streq(got, cases[i].out))
			fail_msg("normalize(%s) = %s, want %s", cases[i].in, got ? got : "NULL",
				 cases[i].out);
		/* rg_path_is_normal: exactly the paths normalisation leaves as they are. */
		bool is_same = got && rg_streq(got, cases[i].in);
		if (rg_path_is_normal(cases[i].in) != is_same)
			fail_msg("is_normal(%s) = %d", cases[i].in, !is_same);
		free(got);
	}
	assert_null(rg_path_normalize(NULL));
	assert_true(rg_path_is_under("/etc", "/etc"));
	assert_true(rg_path_is_under("/etc/x", "/etc"));
	assert_false(rg_path_is_under("/etcx", "/etc"));
	assert_false(rg_path_is_under("/et", "/etc"));
	assert_true(rg_path_is_under("/anything", "/"));
	assert_true(rg_path_is_under("/", "/"));
}

int main(void)
{
	const struct CMUnitTest normpath_tests[] = {
	    T(test_normpath),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("normpath", normpath_tests, NULL, NULL);
	return failed ? 1 : 0;
}
