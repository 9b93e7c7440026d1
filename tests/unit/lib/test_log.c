/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the log's time stamps (src/lib/log.c), which are made
 * without gmtime_r: they must agree with it.
 */
#include <stdio.h>
#include <time.h>

#include "runguard/log.h"
#include "rules_harness.h"

static void expect_like_gmtime(long long sec, long nsec)
{
	struct timespec ts = {(time_t)sec, nsec};
	struct tm tm;
	char want[64], got[64];
	time_t t = (time_t)sec;
	assert_non_null(gmtime_r(&t, &tm));
	size_t n = strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(want + n, sizeof(want) - n, ".%06ldZ", nsec / 1000);
	rg_log_utc_format(got, sizeof(got), &ts);
	if (!rg_streq(got, want))
		fail_msg("%lld.%09ld: %s, gmtime_r says %s", sec, nsec, got, want);
}

static void test_utc_format(void **state)
{
	(void)state;
	static const long long fixed[] = {
	    0,		-1,	      -86400,	  -86401,     951782399,
	    951782400, /* 2000-02-29 */
	    951868800,	4107542399,   4107542400, 4102444799, 4102444800, /* 2100 */
	    1796594425, 253402300799, /* 9999-12-31 */
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(fixed); i++)
		expect_like_gmtime(fixed[i], 999999999);
	/* Every day from 1900 to 2400, at a time of day that walks the clock. */
	for (long long s = -2208988800LL; s < 13569465600LL; s += 86400 + 3671)
		expect_like_gmtime(s, 123456000);

	char buf[64];
	rg_log_utc_stamp(buf, sizeof(buf));
	assert_int_equal(strlen(buf), 27);
	assert_int_equal(buf[26], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utc_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
