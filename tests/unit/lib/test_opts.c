/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the option parser of runguard's own commands
 * (src/lib/opts.c) and of the two commands that use it, configure and
 * doctor: the same spellings are accepted and refused by both.
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

#include <cmocka.h>

#include "runguard/configure.h"
#include "runguard/doctor.h"
#include "runguard/opts.h"
#include "runguard/util.h"

#define MAX_ARGS 8

static int count(const char *const *args)
{
	int n = 0;
	while (args[n])
		n++;
	return n;
}

/* configure ENGINE with extra arguments: 0 or -errno; *ret_msg the error (owned). */
static int configure_args(const char *const *extra, struct rg_configure_opts *o, char **ret_msg)
{
	char *argv[MAX_ARGS + 2] = {(char *)"docker"};
	int argc = 1 + count(extra);
	bool dry = false;
	static char *bin; /* o->binary: kept until the next call */
	struct rg_error *err = NULL;

	free(bin);
	bin = NULL;

	for (int i = 1; i < argc; i++)
		argv[i] = (char *)extra[i - 1];
	int r = rg_configure_parse_args(argc, argv, o, &dry, &bin, &err);
	*ret_msg = err ? rg_xstrdup(err->msg) : NULL;
	rg_error_free(err);
	/* argv is the caller's: never reordered. */
	assert_string_equal(argv[0], "docker");
	return r;
}

static int doctor_args(const char *const *args, struct rg_doctor_opts *o, char **ret_msg)
{
	struct rg_error *err = NULL;
	int r = rg_doctor_parse_args(count(args), (char **)args, o, &err);
	*ret_msg = err ? rg_xstrdup(err->msg) : NULL;
	rg_error_free(err);
	return r;
}

/* The same shapes for both commands: OPT is a value option, FLAG one without. */
static const struct {
	const char *args[4];
	const char *msg; /* NULL: accepted */
} shapes[] = {
    {{"OPT", "/v", NULL}, NULL},
    {{"OPT=/v", NULL}, NULL},
    {{"OPT=/a=b", NULL}, NULL},
    {{"OPT", NULL}, "needs a value"},
    {{"OPT=", NULL}, "empty value"},
    {{"OPT", "", NULL}, "empty value"},
    {{"FLAG=yes", NULL}, "takes no value"},
    {{"--frobnicate", NULL}, "unknown option '--frobnicate'"},
    {{"--frobnicate=1", NULL}, "unknown option '--frobnicate'"},
    {{"-x", NULL}, "unknown option '-x'"},
    /* No abbreviations: a new option must not change what an old command line means. */
    {{"ABBREV", NULL}, "unknown option"},
};

static const char *spell(const char *a, const char *opt, const char *flag, const char *abbrev)
{
	static char buf[64];
	if (strncmp(a, "OPT", 3) == 0)
		snprintf(buf, sizeof(buf), "%s%s", opt, a + 3);
	else if (strncmp(a, "FLAG", 4) == 0)
		snprintf(buf, sizeof(buf), "%s%s", flag, a + 4);
	else if (strcmp(a, "ABBREV") == 0)
		snprintf(buf, sizeof(buf), "%s", abbrev);
	else
		return a;
	return buf;
}

static void test_same_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < RG_ARRAY_SIZE(shapes); i++) {
		char c_buf[4][64], d_buf[4][64];
		const char *c_args[5] = {NULL}, *d_args[5] = {NULL};
		for (int k = 0; shapes[i].args[k]; k++) {
			snprintf(c_buf[k], 64, "%s",
				 spell(shapes[i].args[k], "--file", "--dry-run", "--dry"));
			snprintf(d_buf[k], 64, "%s",
				 spell(shapes[i].args[k], "--host-root", "--json", "--requ"));
			c_args[k] = c_buf[k];
			d_args[k] = d_buf[k];
		}
		struct rg_configure_opts co;
		struct rg_doctor_opts dop;
		char *cm = NULL, *dm = NULL;
		int cr = configure_args(c_args, &co, &cm);
		int dr = doctor_args(d_args, &dop, &dm);
		if (!shapes[i].msg) {
			assert_int_equal(cr, 0);
			assert_int_equal(dr, 0);
			assert_string_equal(
			    co.file, strchr(c_buf[0], '=') ? strchr(c_buf[0], '=') + 1 : c_buf[1]);
			assert_string_equal(dop.root_dir, strchr(d_buf[0], '=')
							      ? strchr(d_buf[0], '=') + 1
							      : d_buf[1]);
		} else {
			assert_int_equal(cr, -EINVAL);
			assert_int_equal(dr, -EINVAL);
			assert_non_null(strstr(cm, shapes[i].msg));
			assert_non_null(strstr(dm, shapes[i].msg));
		}
		free(cm);
		free(dm);
	}
}

static void test_operands(void **state)
{
	(void)state;
	struct rg_configure_opts co;
	struct rg_doctor_opts dop;
	char *m = NULL;
	/* Options and operands in any order; "--" ends the options. */
	const char *a1[] = {"--remove", "--binary", "/b", NULL};
	assert_int_equal(configure_args(a1, &co, &m), 0);
	assert_true(co.is_remove);
	assert_string_equal(co.engine, "docker");
	assert_string_equal(co.binary, "/b");
	const char *a2[] = {"--binary=/b", "--", "--dry-run", NULL};
	assert_int_equal(configure_args(a2, &co, &m), -EINVAL);
	assert_non_null(strstr(m, "one engine at a time (got 'docker' and '--dry-run')"));
	free(m);
	/* A value that looks like an option is the value (as before). */
	const char *a3[] = {"--binary", "/b", "--file", "--x", NULL};
	assert_int_equal(configure_args(a3, &co, &m), 0);
	assert_string_equal(co.file, "--x");
	/* doctor takes no operand. */
	const char *d1[] = {"--json", "containerd", NULL};
	assert_int_equal(doctor_args(d1, &dop, &m), -EINVAL);
	assert_non_null(strstr(m, "unexpected argument 'containerd'"));
	free(m);
	const char *d2[] = {"--engine=docker", "--engine", "podman", "--canary-timeout=5",
			    "--root-dir",      "/r",	   NULL};
	assert_int_equal(doctor_args(d2, &dop, &m), 0);
	assert_int_equal(dop.n_engines, 2);
	assert_string_equal(dop.engines[1], "podman");
	assert_int_equal(dop.canary_timeout, 5);
	assert_string_equal(dop.root_dir, "/r");
	const char *d3[] = {"--canary-timeout", "0", NULL};
	assert_int_equal(doctor_args(d3, &dop, &m), -EINVAL);
	assert_non_null(strstr(m, "expected 1..3600"));
	free(m);
	/* A second parse starts afresh (getopt_long's state is global). */
	const char *d4[] = {"--json", NULL};
	assert_int_equal(doctor_args(d4, &dop, &m), 0);
	assert_true(dop.is_json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_rules),
	    cmocka_unit_test(test_operands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
