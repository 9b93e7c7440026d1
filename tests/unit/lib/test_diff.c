/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the unified diff of `runguard configure --dry-run`
 * (src/lib/diff.c): exact hunks for known edits, and for random pairs of
 * texts that patch(1) applied to the first gives the second and that no more
 * lines change than diff(1) changes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/diff.h"
#include "runguard/util.h"

static char tmpdir[] = "/tmp/rg-test-diff-XXXXXX";

static void check(const char *a, const char *b, const char *want)
{
	char *d = rg_text_diff("a", a, a ? strlen(a) : 0, "b", b, b ? strlen(b) : 0);
	assert_string_equal(d, want);
	free(d);
}

static void test_hunks(void **state)
{
	(void)state;
	check("1\n2\n3\n", "1\n2\nx\n3\n", "--- a\n+++ b\n@@ -1,3 +1,4 @@\n 1\n 2\n+x\n 3\n");
	check(NULL, "new\n", "--- /dev/null\n+++ b\n@@ -0,0 +1,1 @@\n+new\n");
	check("old\n", NULL, "--- a\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-old\n");
	check("same\n", "same\n", "");
	check("x", "y",
	      "--- a\n+++ b\n@@ -1,1 +1,1 @@\n-x\n\\ No newline at end of file\n+y\n"
	      "\\ No newline at end of file\n");
	/* Two changes 10 lines apart: two hunks, each with 3 lines of context. */
	check("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n",
	      "1\nA\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\nB\n13\n14\n",
	      "--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+A\n 3\n 4\n 5\n"
	      "@@ -10,5 +10,6 @@\n 10\n 11\n 12\n+B\n 13\n 14\n");
	/* Six kept lines between two changes: one hunk (their contexts touch). */
	check("a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n",
	      "--- a\n+++ b\n@@ -1,8 +1,8 @@\n-a\n+A\n 1\n 2\n 3\n 4\n 5\n 6\n-b\n+B\n");
	/* A line moved: the shortest script, not the whole block. */
	check("k\nx\ny\nz\n", "x\ny\nz\nk\n",
	      "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-k\n x\n y\n z\n+k\n");
}

static char *random_text(unsigned *seed, size_t max_lines)
{
	static const char *const words[] = {"a\n", "b\n", "c\n", "[t]\n", "k = 1\n", "\n", "z"};
	struct rg_buf b = {0};
	size_t n = (size_t)rand_r(seed) % (max_lines + 1);
	for (size_t i = 0; i < n; i++) {
		const char *w = words[rand_r(seed) % 6];
		rg_buf_puts(&b, w);
	}
	if (rand_r(seed) % 4 == 0)
		rg_buf_puts(&b, words[6]); /* no newline at the end */
	rg_buf_append(&b, "", 0);
	return rg_buf_steal(&b);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static size_t count_changes(const char *diff)
{
	size_t n = 0;
	for (const char *l = diff; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
		n += (l[0] == '+' || l[0] == '-') && strncmp(l, "+++ ", 4) != 0 &&
		     strncmp(l, "--- ", 4) != 0;
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct rg_buf b = {0};
	char chunk[4096];
	size_t n;
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rg_buf_append(&b, chunk, n);
	fclose(f);
	rg_buf_append(&b, "", 0);
	return rg_buf_steal(&b);
}

static void test_patch_reproduces(void **state)
{
	(void)state;
	if (access("/usr/bin/patch", X_OK) < 0 || access("/usr/bin/diff", X_OK) < 0)
		skip();
	char *a_path = rg_xasprintf("%s/a", tmpdir), *b_path = rg_xasprintf("%s/b", tmpdir);
	char *d_path = rg_xasprintf("%s/d", tmpdir), *o_path = rg_xasprintf("%s/o", tmpdir);
	char *cmd = rg_xasprintf("patch -s -o %s %s %s", o_path, a_path, d_path);
	char *cmd_diff = rg_xasprintf("diff -u %s %s > %s.gnu", a_path, b_path, d_path);
	char *gnu_path = rg_xasprintf("%s.gnu", d_path);
	unsigned seed = 11;
	for (int i = 0; i < 120; i++) {
		char *a = random_text(&seed, 40), *b = random_text(&seed, 40);
		char *d = rg_text_diff(a_path, a, strlen(a), b_path, b, strlen(b));
		write_file(a_path, a);
		write_file(b_path, b);
		write_file(d_path, d);
		unlink(o_path);
		if (*d) {
			assert_int_equal(system(cmd), 0);
			char *o = slurp(o_path);
			assert_string_equal(o, b);
			free(o);
		}
		/* Never more changed lines than GNU diff's (which is not always minimal). */
		assert_true(WEXITSTATUS(system(cmd_diff)) <= 1);
		char *gnu = slurp(gnu_path);
		assert_true(count_changes(d) <= count_changes(gnu));
		assert_int_equal(*d == '\0', *gnu == '\0');
		free(gnu);
		free(a);
		free(b);
		free(d);
	}
	free(a_path);
	free(b_path);
	free(d_path);
	free(o_path);
	free(gnu_path);
	free(cmd);
	free(cmd_diff);
}

static void test_far_apart(void **state)
{
	(void)state;
	/* More edits than RG_DIFF_MAX_EDITS: one block, still a correct diff. */
	struct rg_buf a = {0}, b = {0};
	for (int i = 0; i < RG_DIFF_MAX_EDITS; i++) {
		rg_buf_printf(&a, "a%d\n", i);
		rg_buf_printf(&b, "b%d\n", i);
	}
	rg_buf_append(&a, "", 0);
	rg_buf_append(&b, "", 0);
	char *d = rg_text_diff("a", a.data, a.len - 1, "b", b.data, b.len - 1);
	assert_int_equal(count_changes(d), 2 * RG_DIFF_MAX_EDITS);
	assert_non_null(strstr(d, "@@ -1,1000 +1,1000 @@\n-a0\n"));
	free(d);
	rg_buf_free(&a);
	rg_buf_free(&b);
}

static int setup_all(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_all(void **state)
{
	(void)state;
	char *cmd = rg_xasprintf("rm -rf '%s'", tmpdir);
	int r = system(cmd);
	free(cmd);
	return r == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hunks),
	    cmocka_unit_test(test_patch_reproduces),
	    cmocka_unit_test(test_far_apart),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
