/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the --host-root path helper (src/lib/hostpath.c), on a
 * node tree made in a temporary directory: absolute symlinks resolve
 * inside the root, relative ones from their directory, escapes and loops
 * are refused, missing tails are kept, globs match under a linked
 * directory and are spelled under the pattern's own.
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/hostpath.h"
#include "runguard/util.h"

static char tmpdir[] = "/tmp/rg-test-hostpath-XXXXXX";
static char *R; /* the node's / */

static void mk(const char *rel, const char *link_target)
{
	char *p = rg_xasprintf("%s%s", R, rel);
	if (!link_target) {
		FILE *f = fopen(p, "w");
		assert_non_null(f);
		fclose(f);
	} else if (rg_streq(link_target, "DIR")) {
		assert_int_equal(mkdir(p, 0755), 0);
	} else {
		assert_int_equal(symlink(link_target, p), 0);
	}
	free(p);
}

/* Resolves R + node: 0 and *ret with R taken off, or -errno and the message. */
static int resolve(const char *node, char **ret)
{
	char *path = rg_hostpath_join(R, node), *out = NULL;
	struct rg_error *err = NULL;
	int r = rg_hostpath_resolve(R, path, &out, &err);
	free(path);
	if (r == 0) {
		assert_null(err);
		assert_ptr_not_equal(rg_hostpath_node(R, out), out);
		*ret = rg_xstrdup(rg_hostpath_node(R, out));
		free(out);
	} else {
		assert_non_null(err);
		*ret = rg_xstrdup(err->msg);
		rg_error_free(err);
	}
	return r;
}

static void expect(const char *node, int want_r, const char *want)
{
	char *got = NULL;
	int r = resolve(node, &got);
	if (r != want_r || (want_r == 0 ? strcmp(got, want) != 0 : !strstr(got, want)))
		fail_msg("%s: got %d '%s', want %d '%s'", node, r, got, want_r, want);
	free(got);
}

static int setup_all(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	R = rg_xasprintf("%s/node", tmpdir);
	return mkdir(R, 0755);
}

static int teardown_all(void **state)
{
	(void)state;
	char *cmd = rg_xasprintf("rm -rf '%s'", tmpdir);
	int r = system(cmd);
	free(cmd);
	free(R);
	return r == 0 ? 0 : -1;
}

static void test_join(void **state)
{
	(void)state;
	char *p = rg_hostpath_join("/mnt/node/", "/etc/x");
	assert_string_equal(p, "/mnt/node/etc/x");
	assert_string_equal(rg_hostpath_node("/mnt/node/", p), "/etc/x");
	assert_string_equal(rg_hostpath_node("/mnt/node", "/mnt/nodeX/etc"), "/mnt/nodeX/etc");
	free(p);
	p = rg_hostpath_join("/", "/etc/x");
	assert_string_equal(p, "/etc/x");
	free(p);
	p = rg_hostpath_join(NULL, "/etc/x");
	assert_string_equal(p, "/etc/x");
	free(p);
	assert_false(rg_hostpath_has_root("/"));
	assert_false(rg_hostpath_has_root(""));
	assert_false(rg_hostpath_has_root(NULL));
	assert_true(rg_hostpath_has_root("/mnt/node"));
}

static void test_resolve(void **state)
{
	(void)state;
	mk("/etc", "DIR");
	mk("/data", "DIR");
	mk("/data/config.toml", NULL);
	mk("/etc/containerd", "DIR");
	/* An absolute link: the node's /data, not this machine's. */
	mk("/etc/containerd/config.toml", "/data/config.toml");
	mk("/etc/rel", "../data");
	mk("/etc/chain", "rel/config.toml");
	mk("/etc/escape", "../../..");
	mk("/etc/abs-escape", "/../../etc");
	mk("/loop1", "loop2");
	mk("/loop2", "/loop1");
	mk("/etc/file", NULL);

	expect("/etc/containerd/config.toml", 0, "/data/config.toml");
	expect("/etc/rel/config.toml", 0, "/data/config.toml");
	expect("/etc/chain", 0, "/data/config.toml");
	expect("/etc/./containerd//../containerd/config.toml", 0, "/data/config.toml");
	/* Not there yet: the rest as written, below what is resolved. */
	expect("/etc/rel/new/dir/../x.toml", 0, "/data/new/x.toml");
	expect("/", 0, "/");
	/* Out of the root: refused, whether by a link or by "..". */
	expect("/etc/escape/etc/passwd", -EXDEV, "leads above --host-root");
	expect("/etc/abs-escape", -EXDEV, "leads above --host-root");
	expect("/../etc", -EXDEV, "leads above --host-root");
	expect("/loop1", -ELOOP, "loop1");
	expect("/etc/file/x", -ENOTDIR, "/etc/file");

	/* A path that is not under the root at all. */
	char *out = NULL;
	struct rg_error *err = NULL;
	assert_int_equal(rg_hostpath_resolve(R, "/etc/passwd", &out, &err), -EXDEV);
	assert_non_null(strstr(err->msg, "not under --host-root"));
	rg_error_free(err);
	err = NULL;

	/* Without a root: this machine's paths; ".." at / stays there. */
	char *link = rg_xasprintf("%s/etc/containerd/config.toml", R);
	assert_int_equal(rg_hostpath_resolve("/", link, &out, &err), 0);
	/* The link's target is absolute: on this machine, /data/config.toml. */
	assert_string_equal(out, "/data/config.toml");
	free(out);
	char *rel = rg_xasprintf("%s/etc/chain", R);
	assert_int_equal(rg_hostpath_resolve(NULL, rel, &out, &err), 0);
	char *want = rg_xasprintf("%s/data/config.toml", R);
	assert_string_equal(out, want);
	free(out);
	assert_int_equal(rg_hostpath_resolve(NULL, "/../../etc/x", &out, &err), 0);
	assert_string_equal(out, "/etc/x");
	free(out);
	free(link);
	free(rel);
	free(want);
}

static void test_glob(void **state)
{
	(void)state;
	mk("/data/conf", "DIR");
	mk("/data/conf/b.toml", NULL);
	mk("/data/conf/a.toml", NULL);
	mk("/data/conf/a.toml.runguard-bak-1", NULL);
	mk("/etc/conf.d", "/data/conf");
	char *pat = rg_xasprintf("%s/etc/conf.d/*.toml", R);
	char **list = NULL;
	size_t n = 0;
	struct rg_error *err = NULL;
	assert_int_equal(rg_hostpath_glob(R, pat, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	char *a = rg_xasprintf("%s/etc/conf.d/a.toml", R),
	     *b = rg_xasprintf("%s/etc/conf.d/b.toml", R);
	assert_string_equal(list[0], a);
	assert_string_equal(list[1], b);
	assert_null(list[2]);
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
	free(pat);
	/* A bare relative pattern, without a root: from the working directory. */
	char *cwd = getcwd(NULL, 0), *conf = rg_xasprintf("%s/data/conf", R);
	assert_int_equal(chdir(conf), 0);
	assert_int_equal(rg_hostpath_glob(NULL, "*.toml", &list, &n, &err), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0], "a.toml");
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
	free(cwd);
	free(conf);
	/* A directory that does not exist: nothing. */
	pat = rg_xasprintf("%s/etc/none/*.toml", R);
	assert_int_equal(rg_hostpath_glob(R, pat, &list, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(list[0]);
	free(list);
	free(pat);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_join),
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_glob),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
