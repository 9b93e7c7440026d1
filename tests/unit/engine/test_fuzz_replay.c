/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replays the fuzz targets' seed corpus (tests/fuzz/corpus/<target>/) and
 * every kept crasher (tests/fuzz/regressions/<target>/) through the targets
 * themselves, without libFuzzer, so `make unit` (and the ASan+UBSan build of
 * `make check SANITIZE=1`) checks them on every run. A target signals a
 * failed property by abort(): the binary then dies and run-unit.sh reports
 * the missing tests. Run from the repository root.
 */
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* Each target defines the libFuzzer entry points; give each its own name. */
#define LLVMFuzzerTestOneInput fuzz_spec_one
#define LLVMFuzzerInitialize fuzz_spec_init
#include "../../fuzz/fuzz_spec.c"
#undef LLVMFuzzerTestOneInput
#undef LLVMFuzzerInitialize

#define LLVMFuzzerTestOneInput fuzz_config_one
#include "../../fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerTestOneInput fuzz_cli_one
#include "../../fuzz/fuzz_cli.c"
#undef LLVMFuzzerTestOneInput

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint8_t *read_whole(const char *path, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	uint8_t *buf = rg_xmalloc((size_t)st.st_size + 1);
	size_t len = 0;
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r < 0 && errno == EINTR)
			continue;
		assert_true(r > 0);
		len += (size_t)r;
	}
	close(fd);
	*ret_len = len;
	return buf;
}

/* Runs fn on every regular file in dir (sorted); returns how many. */
static size_t replay_dir(const char *dir, fuzz_fn fn)
{
	char **names = NULL;
	size_t n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		names = rg_xrealloc(names, sizeof(*names) * (n + 1));
		names[n++] = rg_xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			size_t len = 0;
			uint8_t *data = read_whole(names[i], &len);
			/* Printed first, so a crash names its input. */
			fprintf(stderr, "# replay %s (%zu bytes)\n", names[i], len);
			assert_int_equal(fn(data, len), 0);
			free(data);
			done++;
		}
		free(names[i]);
	}
	free(names);
	return done;
}

static void replay(const char *target, fuzz_fn fn)
{
	char dir[256];

	snprintf(dir, sizeof(dir), "tests/fuzz/corpus/%s", target);
	size_t seeds = replay_dir(dir, fn);
	snprintf(dir, sizeof(dir), "tests/fuzz/regressions/%s", target);
	size_t crashers = replay_dir(dir, fn);
	print_message("# %s: %zu seed(s), %zu regression input(s)\n", target, seeds, crashers);
	assert_true(seeds > 0);
}

static void test_fuzz_spec(void **state)
{
	int argc = 0;
	char **argv = NULL;
	fuzz_spec_init(&argc, &argv);
	replay("fuzz_spec", fuzz_spec_one);
}

static void test_fuzz_config(void **state)
{
	replay("fuzz_config", fuzz_config_one);
}

static void test_fuzz_cli(void **state)
{
	replay("fuzz_cli", fuzz_cli_one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fuzz_spec),
	    cmocka_unit_test(test_fuzz_config),
	    cmocka_unit_test(test_fuzz_cli),
	};
	return cmocka_run_group_tests_name("fuzz/replay", tests, NULL, NULL);
}
