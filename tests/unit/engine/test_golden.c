/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden round trips of the JSON tree: for every directory
 * tests/golden/roundtrip-* (other golden cases belong to other drivers),
 * parse in.json, emit it indented and compare byte for byte with out.json.
 * out.json must also be a fixed point: parsing and emitting it again gives
 * it back, and it parses to the same tree as in.json.
 *
 * Run from the top of the repository, or set RG_GOLDEN_DIR.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#include "runguard/error.h"
#include "runguard/json.h"
#include "runguard/util.h"

#include "golden_harness.h"

#define CASE_PREFIX "roundtrip-"

/* Reads a whole file; fails the test on error. */
static char *read_file(const char *path, size_t *ret_len)
{
	char *buf = golden_read(path, ret_len);
	if (!buf)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	return buf;
}

static struct rg_json *parse_file(const char *path, const char *name)
{
	size_t len = 0;
	char *buf = read_file(path, &len);
	struct rg_error *err = NULL;
	struct rg_json *j = rg_json_parse(buf, len, name, NULL, &err);
	free(buf);
	if (!j) {
		print_error("%s\n", err ? err->msg : "(no error)");
		rg_error_free(err);
		fail_msg("cannot parse %s", path);
	}
	return j;
}

/* Prints where two outputs first differ, with line numbers. */
static void report_diff(const char *what, const char *want, size_t want_len, const char *got,
			size_t got_len)
{
	size_t i = 0, line = 1, col = 1;
	while (i < want_len && i < got_len && want[i] == got[i]) {
		if (want[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		i++;
	}
	size_t ws = i > 20 ? i - 20 : 0;
	print_error("%s: first difference at byte %zu (line %zu, column %zu)\n"
		    "  want: ...%.*s...\n"
		    "  got:  ...%.*s...\n",
		    what, i, line, col, (int)((want_len - ws) < 60 ? want_len - ws : 60), want + ws,
		    (int)((got_len - ws) < 60 ? got_len - ws : 60), got + ws);
}

static void run_case(void **state)
{
	const char *name = *state;
	char *in_path = rg_xasprintf("%s/%s/in.json", golden_dir(), name);
	char *out_path = rg_xasprintf("%s/%s/out.json", golden_dir(), name);
	size_t want_len = 0, got_len = 0, again_len = 0;
	bool ok = true;

	struct rg_json *in = parse_file(in_path, "in.json");
	char *want = read_file(out_path, &want_len);
	char *got = rg_json_emit(in, true, &got_len);
	if (got_len != want_len || memcmp(got, want, got_len) != 0) {
		report_diff(out_path, want, want_len, got, got_len);
		ok = false;
	}

	/* out.json is a fixed point of parse+emit and holds the same tree. */
	struct rg_json *out = parse_file(out_path, "out.json");
	char *again = rg_json_emit(out, true, &again_len);
	if (again_len != want_len || memcmp(again, want, again_len) != 0) {
		report_diff("out.json re-emitted", want, want_len, again, again_len);
		ok = false;
	}
	if (!rg_json_equal(in, out)) {
		print_error("%s and %s parse to different trees\n", in_path, out_path);
		ok = false;
	}

	free(again);
	rg_json_free(out);
	free(got);
	free(want);
	rg_json_free(in);
	free(in_path);
	free(out_path);
	assert_true(ok);
}

int main(void)
{
	return golden_main("test_golden", CASE_PREFIX, "golden", run_case, NULL);
}
