/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the buffer's number writers (src/lib/util.c), which do
 * without printf: they must agree with it.
 */
#include <limits.h>
#include <stdio.h>

#include "rules_harness.h"
#include "runguard/util.h"

static void test_buf_numbers(void **state)
{
	(void)state;
	static const unsigned long long values[] = {
	    0, 9, 10, 99, 100, 999, 1000, 65535, 4294967296u, ULLONG_MAX,
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(values); i++) {
		char want[64];
		struct rg_buf b = {0};
		rg_buf_puts(&b, "x");
		rg_buf_put_uint(&b, values[i]);
		rg_buf_put_index(&b, (size_t)values[i]);
		snprintf(want, sizeof(want), "x%llu[%zu]", values[i], (size_t)values[i]);
		assert_string_equal(b.data, want);
		assert_int_equal(b.len, strlen(want));
		rg_buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
