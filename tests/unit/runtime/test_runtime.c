/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of rg_runtime_find_for (src/runtime/runtime.c): for a command on an
 * existing container, with no runtime named, the runtime whose state the
 * container has under --root (crun's "status", runc's "state.json").
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

#include "runguard/runtime.h"
#include "runguard/util.h"

static char root[] = "/tmp/rg-test-runtime-XXXXXX";

/* <root>/<id>/<file> */
static void make_state(const char *id, const char *file)
{
	_cleanup_free_ char *dir = rg_xasprintf("%s/%s", root, id);
	_cleanup_free_ char *path = rg_xasprintf("%s/%s", dir, file);
	assert_int_equal(mkdir(dir, 0700), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{}", f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	unsetenv("RUNGUARD_RUNTIME");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	_cleanup_free_ char *cmd = rg_xasprintf("rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* What rg_runtime_find picks with nothing named. */
static char *default_runtime(void)
{
	char *rt = NULL;
	assert_int_equal(rg_runtime_find(NULL, &rt, NULL), 0);
	return rt;
}

static char *find_for(const char *configured, char *id1, char *id2)
{
	char *ids[] = {id1, id2};
	char *rt = NULL;
	assert_int_equal(rg_runtime_find_for(configured, root, ids, id2 ? 2 : 1, &rt, NULL), 0);
	return rt;
}

static void test_by_state(void **state)
{
	(void)state;
	if (access("/usr/bin/crun", X_OK) != 0 ||
	    (access("/usr/bin/runc", X_OK) != 0 && access("/usr/sbin/runc", X_OK) != 0))
		skip(); /* needs both runtimes installed (scripts/deps.sh) */
	_cleanup_free_ char *dflt = default_runtime();
	make_state("c-crun", "status");
	make_state("c-runc", "state.json");

	/* kill c-crun KILL: the id of crun's container decides */
	_cleanup_free_ char *a = find_for(NULL, (char *)"c-crun", (char *)"KILL");
	assert_string_equal(a, "/usr/bin/crun");
	/* runc's container, an unknown id, a path: the search list as before */
	_cleanup_free_ char *b = find_for(NULL, (char *)"c-runc", NULL);
	assert_string_equal(b, dflt);
	_cleanup_free_ char *c = find_for(NULL, (char *)"nothing", NULL);
	assert_string_equal(c, dflt);
	_cleanup_free_ char *d = find_for(NULL, (char *)"../c-crun", NULL);
	assert_string_equal(d, dflt);
	/* both kinds named: no guess */
	_cleanup_free_ char *e = find_for(NULL, (char *)"c-crun", (char *)"c-runc");
	assert_string_equal(e, dflt);
	/* a runtime named in the configuration or the environment wins */
	_cleanup_free_ char *f = find_for("/usr/bin/crun", (char *)"c-runc", NULL);
	assert_string_equal(f, "/usr/bin/crun");
	setenv("RUNGUARD_RUNTIME", dflt, 1);
	_cleanup_free_ char *g = find_for(NULL, (char *)"c-crun", NULL);
	unsetenv("RUNGUARD_RUNTIME");
	assert_string_equal(g, dflt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_by_state, setup, teardown),
	};
	return cmocka_run_group_tests_name("runtime", tests, NULL, NULL);
}
