/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for rg_statedir_check: which state directories (--root) runguard
 * trusts. Each case builds a small tree under a private directory owned by
 * the test's user and checks the verdict and the component named.
 */
#include <errno.h>
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

#include "runguard/statedir.h"
#include "runguard/util.h"

static char base[] = "/tmp/rg-statedir-XXXXXX";

static char *at(const char *rel)
{
	return rg_xasprintf("%s/%s", base, rel);
}

static void mkdir_mode(const char *rel, mode_t mode)
{
	_cleanup_free_ char *p = at(rel);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(chmod(p, mode), 0);
}

/* Checks base/rel; want_err NULL: trusted, else refused with want_err in the message. */
static void expect(const char *rel, const char *want_err)
{
	struct rg_error *err = NULL;
	_cleanup_free_ char *p = rel[0] == '/' ? rg_xstrdup(rel) : at(rel);
	int r = rg_statedir_check("--root", p, &err);
	if (!want_err) {
		if (r < 0)
			fail_msg("%s: refused: %s", p, err->msg);
		return;
	}
	if (r == 0)
		fail_msg("%s: trusted, wanted '%s'", p, want_err);
	assert_int_equal(r, -EPERM);
	if (!strstr(err->msg, want_err))
		fail_msg("%s: message '%s' lacks '%s'", p, err->msg, want_err);
	rg_error_free(err);
}

static void test_statedir(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(base));
	mkdir_mode("ok", 0711);
	mkdir_mode("ww", 0777);
	mkdir_mode("gw", 0775);
	mkdir_mode("ww/inner", 0700);
	mkdir_mode("sticky", 01777);
	mkdir_mode("sticky/mine", 0700);
	_cleanup_free_ char *lnk = at("sticky/link");
	_cleanup_free_ char *target = at("ok");
	assert_int_equal(symlink(target, lnk), 0);
	_cleanup_free_ char *file = at("file");
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);

	expect("ok", NULL);
	expect("ok/", NULL);
	expect("ok/not/yet", NULL);
	expect("ok/../ok", NULL);
	if (geteuid() == 0) {
		/* A sticky directory of root's (as /tmp) may be crossed. */
		expect("sticky/mine", NULL);
		expect("sticky/link", NULL); /* our own symlink in a sticky dir */
		expect("sticky/link/new", NULL); /* followed, then missing under ok */
		expect("sticky/missing", "does not exist yet");
	} else {
		/* Not root (a packager's `make check`): our "sticky" is not
		 * root's, so it is no exception; /tmp, crossed by every path
		 * here, still is. */
		expect("sticky/mine", "writable by group or others");
		expect("sticky/link", "writable by group or others");
		expect("sticky/link/new", "writable by group or others");
		expect("sticky/missing", "writable by group or others");
	}
	expect("ww", "writable by group or others");
	expect("gw", "writable by group or others");
	expect("ww/inner", "writable by group or others");
	expect("sticky", "writable by group or others"); /* the final one may not be sticky */
	expect("file", "not a directory");
	expect("file/x", "not a directory");
	expect("ok/../ww/inner", "writable by group or others");
	assert_int_equal(rg_statedir_check("--root", NULL, NULL), 0);

	_cleanup_free_ char *cmd = rg_xasprintf("rm -rf '%s'", base);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_statedir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
