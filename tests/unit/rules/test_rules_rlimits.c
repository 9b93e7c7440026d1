/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rlimits rule: limits above runguard's own hard limit lowered. */
#include <sys/resource.h>

#include "rules_harness.h"

static const struct rg_host host_plain = {.seccomp_arch = "SCMP_ARCH_X86_64",
					  .go_arch = "amd64",
					  .kernel_major = 6,
					  .kernel_minor = 1,
					  .selinux_enabled = -1};

/* ================= rlimits ================= */

static struct rg_host host_limits(unsigned long long nofile)
{
	struct rg_host h = host_plain;
	h.has_rlimits = true;
	for (int i = 0; i < RG_HOST_NRLIMITS; i++)
		h.rlimit_hard[i] = RG_HOST_RLIM_INFINITY;
	h.rlimit_hard[RLIMIT_NOFILE] = nofile;
	h.rlimit_hard[RLIMIT_NPROC] = 96365;
	return h;
}

static const struct {
	const char *name;
	const char *in; /* process.rlimits */
	const char *want; /* after fix; NULL: unchanged */
	size_t n_changes;
	const char *violation;
} rlimit_cases[] = {
    {"within the limits: kept",
     "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024},{\"type\":\"RLIMIT_CORE\","
     "\"hard\":18446744073709551615,\"soft\":0}]",
     NULL, 0, NULL},
    {"exactly the limit: kept", "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":20000,\"soft\":20000}]",
     NULL, 0, NULL},
    {"podman's default nofile: both lowered",
     "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1048576,\"soft\":1048576},{\"type\":\"RLIMIT_NPROC\","
     "\"hard\":4096,\"soft\":4096}]",
     "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":20000,\"soft\":20000},{\"type\":\"RLIMIT_NPROC\","
     "\"hard\":4096,\"soft\":4096}]",
     2, "RLIMIT_NOFILE hard limit 1048576 is above the runtime's own hard limit of 20000"},
    {"hard above, soft below: only hard lowered",
     "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":30000,\"soft\":1024,\"x\":1e3}]",
     "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":20000,\"soft\":1024,\"x\":1e3}]", 1,
     "RLIMIT_NOFILE hard limit 30000 is above"},
    {"soft above the limit alone", "[{\"type\":\"RLIMIT_NPROC\",\"hard\":1,\"soft\":100000}]",
     "[{\"type\":\"RLIMIT_NPROC\",\"hard\":1,\"soft\":96365}]", 1,
     "RLIMIT_NPROC soft limit 100000 is above the runtime's own hard limit of 96365"},
    {"unlimited asked of a limited host",
     "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551615,\"soft\":18446744073709551615}]",
     "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":20000,\"soft\":20000}]", 2,
     "hard limit unlimited is above"},
    {"absent hard and soft are 0", "[{\"type\":\"RLIMIT_NOFILE\"}]", NULL, 0, NULL},
    {"none", "[]", NULL, 0, NULL},
    {"null", "null", NULL, 0, NULL},
};

static void test_rlimits_cases(void **state)
{
	struct rg_host h = host_limits(20000);
	for (size_t i = 0; i < RG_ARRAY_SIZE(rlimit_cases); i++) {
		print_message("# %s\n", rlimit_cases[i].name);
		const char *want = rlimit_cases[i].want ? rlimit_cases[i].want : rlimit_cases[i].in;
		char *text =
		    track(rg_xasprintf("{\"process\":{\"rlimits\":%s}}", rlimit_cases[i].in));
		struct rg_json *spec = parse(text);
		expect_ok(run_rule(&rg_rule_rlimits, NULL, RG_ACTION_FIX, spec, &h));
		assert_json(at(spec, ".process.rlimits"), want);
		assert_int_equal(report.n_changes, rlimit_cases[i].n_changes);
		expect_fixed_point(&rg_rule_rlimits, NULL, spec, &h);

		spec = parse(text);
		expect_ok(run_rule(&rg_rule_rlimits, NULL, RG_ACTION_REJECT, spec, &h));
		assert_json(spec, text);
		if (rlimit_cases[i].violation)
			expect_violation(".process.rlimits[0]", rlimit_cases[i].violation);
		else
			assert_int_equal(report.n_violations, 0);
	}
}

static void test_rlimits_unknown_host(void **state)
{
	/* No limits captured (an injected host): nothing is judged, nothing read. */
	static const char text[] = "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_FOO\","
				   "\"hard\":-1}]}}";
	struct rg_json *spec = parse(text);
	expect_ok(run_rule(&rg_rule_rlimits, NULL, RG_ACTION_FIX, spec, &host_plain));
	assert_json(spec, text);
	/* A host without limits anywhere keeps everything. */
	struct rg_host h = host_limits(RG_HOST_RLIM_INFINITY);
	spec = parse("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":"
		     "18446744073709551615,\"soft\":1}]}}");
	expect_ok(run_rule(&rg_rule_rlimits, NULL, RG_ACTION_FIX, spec, &h));
	assert_int_equal(report.n_changes, 0);
	/* No process: nothing. */
	spec = parse("{}");
	expect_ok(run_rule(&rg_rule_rlimits, NULL, RG_ACTION_FIX, spec, &h));
	assert_json(spec, "{}");
}

static void test_rlimits_errors(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} errors[] = {
	    {"{\"process\":[]}", ".process", "expected an object, got array"},
	    {"{\"process\":{\"rlimits\":{}}}", ".process.rlimits", "expected an array, got object"},
	    {"{\"process\":{\"rlimits\":[5]}}", ".process.rlimits[0]", "expected an object"},
	    {"{\"process\":{\"rlimits\":[{\"hard\":1}]}}", ".process.rlimits[0].type",
	     "expected an rlimit name"},
	    {"{\"process\":{\"rlimits\":[{\"type\":5}]}}", ".process.rlimits[0].type",
	     "expected an rlimit name"},
	    {"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_FOO\"}]}}", ".process.rlimits[0].type",
	     "unknown rlimit \"RLIMIT_FOO\""},
	    {"{\"process\":{\"rlimits\":[{\"type\":\"rlimit_nofile\"}]}}",
	     ".process.rlimits[0].type", "unknown rlimit"},
	    {"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\\u0000\"}]}}",
	     ".process.rlimits[0].type", "unknown rlimit"},
	    {"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":-1}]}}",
	     ".process.rlimits[0].hard", "expected an unsigned integer, got -1"},
	    {"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":\"1\"}]}}",
	     ".process.rlimits[0].soft", "expected an unsigned integer, got string"},
	    {"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1.5}]}}",
	     ".process.rlimits[0].hard", "got 1.5"},
	    {"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":"
	     "18446744073709551616}]}}",
	     ".process.rlimits[0].hard", "expected an unsigned integer"},
	    {"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CPU\"},{\"type\":\"RLIMIT_X\"}]}}",
	     ".process.rlimits[1].type", "unknown rlimit"},
	};
	struct rg_host h = host_limits(20000);
	for (size_t i = 0; i < RG_ARRAY_SIZE(errors); i++) {
		struct rg_json *spec = parse(errors[i].spec);
		expect_error(run_rule(&rg_rule_rlimits, NULL, RG_ACTION_FIX, spec, &h), FILE_NAME,
			     errors[i].path, errors[i].more);
	}
	/* Every name runc knows is known here. */
	static const char *const names[] = {
	    "RLIMIT_CPU",      "RLIMIT_FSIZE", "RLIMIT_DATA",	"RLIMIT_STACK",
	    "RLIMIT_CORE",     "RLIMIT_RSS",   "RLIMIT_NPROC",	"RLIMIT_NOFILE",
	    "RLIMIT_MEMLOCK",  "RLIMIT_AS",    "RLIMIT_LOCKS",	"RLIMIT_SIGPENDING",
	    "RLIMIT_MSGQUEUE", "RLIMIT_NICE",  "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		char *text = track(rg_xasprintf(
		    "{\"process\":{\"rlimits\":[{\"type\":\"%s\",\"hard\":1,\"soft\":1}]}}",
		    names[i]));
		expect_ok(run_rule(&rg_rule_rlimits, NULL, RG_ACTION_FIX, parse(text), &h));
	}
	/* The rule takes no settings. */
	expect_ok(check_settings("rlimits", "{\"action\":\"reject\"}"));
	expect_error(check_settings("rlimits", "{\"max\":{}}"), CFG_NAME, ".rules.x.max",
		     "unknown setting");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_rlimits_cases),
	    T(test_rlimits_unknown_host),
	    T(test_rlimits_errors),
	};
	return cmocka_run_group_tests_name("rules/rlimits", tests, NULL, NULL);
}
