/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the golden drivers (test_golden.c, test_enforce_golden.c): where
 * the cases are (tests/golden, or $RG_GOLDEN_DIR), reading their files, and
 * one cmocka test per case directory of the driver's prefix.
 */
#ifndef RUNGUARD_TESTS_GOLDEN_HARNESS_H
#define RUNGUARD_TESTS_GOLDEN_HARNESS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/util.h"

static inline const char *golden_dir(void)
{
	const char *d = getenv("RG_GOLDEN_DIR");
	return d && *d ? d : "tests/golden";
}

/* Reads a whole file, NUL-terminated (not counted in *ret_len); NULL with errno set on error. */
static inline char *golden_read(const char *path, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct rg_buf b = {0};
	char chunk[65536];

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			rg_buf_free(&b);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		rg_buf_append(&b, chunk, (size_t)n);
	}
	rg_buf_append(&b, "", 0);
	*ret_len = b.len;
	return rg_buf_steal(&b);
}

static inline int golden_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The driver's main: runs test_func once per directory of golden_dir()
 * whose name starts with prefix, in name order, as the cmocka group `group`,
 * each test's state being its case name. setup (NULL: none) runs after the
 * cases are found and before the tests; its failure fails the run. prog
 * names the driver in messages. Returns the exit status: 1 when a test
 * failed, the directory cannot be read or holds no case, else 0.
 */
static inline int golden_main(const char *prog, const char *prefix, const char *group,
			      CMUnitTestFunction test_func, int (*setup)(void))
{
	const char *dir = golden_dir();
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "%s: cannot open %s: %s (run from the repository top)\n", prog, dir,
			strerror(errno));
		return 1;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (!rg_startswith(e->d_name, prefix))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = rg_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = rg_xstrdup(e->d_name);
	}
	closedir(d);
	if (n == 0) {
		/* No cases is a broken checkout, not a pass. */
		fprintf(stderr, "%s: no %s* cases in %s\n", prog, prefix, dir);
		return 1;
	}
	qsort(names, n, sizeof(*names), golden_cmp_str);

	int failed = 1;
	struct CMUnitTest *tests = rg_xcalloc(n, sizeof(*tests));
	if (!setup || setup() == 0) {
		for (size_t i = 0; i < n; i++) {
			tests[i].name = names[i];
			tests[i].test_func = test_func;
			tests[i].initial_state = names[i];
		}
		failed = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	}
	free(tests);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return failed ? 1 : 0;
}

#endif
