/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the resources rule (memory, CPU, pids and
 * linux.resources.unified): defaults, maxima, percentages of the injected
 * host's totals, fix and reject, every error path of the spec and of the
 * settings; and of the host adapter's resource facts.
 */
#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

#include "rules_harness.h"

#define GIB 1073741824ULL

/* 8 GiB, 4 CPUs, pid_max 32768. */
static const struct rg_host host_big = {
    .seccomp_arch = "SCMP_ARCH_X86_64",
    .go_arch = "amd64",
    .kernel_major = 6,
    .kernel_minor = 1,
    .selinux_enabled = -1,
    .memory_bytes = 8 * GIB,
    .cpus = 4,
    .pid_max = 32768,
};
/* 1 CPU, 1 GiB + 12345 bytes (percentages round down to 4 KiB), pid_max 100. */
static const struct rg_host host_small = {
    .seccomp_arch = "SCMP_ARCH_X86_64",
    .go_arch = "amd64",
    .kernel_major = 6,
    .kernel_minor = 1,
    .selinux_enabled = -1,
    .memory_bytes = GIB + 12345,
    .cpus = 1,
    .pid_max = 100,
};
/* What an injected test host that sets no totals looks like. */
static const struct rg_host host_unknown = {
    .seccomp_arch = "SCMP_ARCH_X86_64",
    .go_arch = "amd64",
    .kernel_major = 6,
    .kernel_minor = 1,
    .selinux_enabled = -1,
};

/* The shipped baseline's settings. */
#define BASELINE                                                                                   \
	"{\"memory\":{\"default\":\"50%\",\"max\":\"100%\"},\"cpu\":{\"default\":\"50%\","         \
	"\"max\":\"100%\",\"period\":100000},\"pids\":{\"default\":2048,\"max\":\"100%\"}}"

static const struct rg_rule *const rule = &rg_rule_resources;

/* ================= fix and reject, table-driven ================= */

static const struct {
	const char *name;
	const char *settings;
	enum rg_action action;
	const struct rg_host *host;
	const char *in;
	const char *want; /* the whole spec after the rule */
	size_t n_changes;
	const char *violation; /* "path|text" of one expected violation, or NULL */
} cases[] = {
    {"empty spec gets every default", BASELINE, RG_ACTION_FIX, &host_big, "{}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":4294967296},\"cpu\":{\"period\":100000,"
     "\"quota\":200000},\"pids\":{\"limit\":2048}}}}",
     4, NULL},
    {"null linux and resources", BASELINE, RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":null}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":4294967296},\"cpu\":{\"period\":100000,"
     "\"quota\":200000},\"pids\":{\"limit\":2048}}}}",
     4, NULL},
    {"built-in defaults when the settings leave them out", "{}", RG_ACTION_FIX, &host_big, "{}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":4294967296},\"cpu\":{\"period\":100000,"
     "\"quota\":200000},\"pids\":{\"limit\":2048}}}}",
     4, NULL},
    {"limits within the maxima are kept, siblings untouched", BASELINE, RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":536870912,\"swap\":1073741824,\"x\":1e3},"
     "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000},\"pids\":{\"limit\":4096}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":536870912,\"swap\":1073741824,\"x\":1e3},"
     "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000},\"pids\":{\"limit\":4096}}}}",
     0, NULL},
    {"exactly the maxima are kept", BASELINE, RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":8589934592},\"cpu\":{\"quota\":400000},"
     "\"pids\":{\"limit\":32768}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":8589934592},\"cpu\":{\"quota\":400000},"
     "\"pids\":{\"limit\":32768}}}}",
     0, NULL},
    {"unlimited (-1) and 0 mean none", BASELINE, RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":-1},\"cpu\":{\"quota\":-1},"
     "\"pids\":{\"limit\":0}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":4294967296},\"cpu\":{\"quota\":200000,"
     "\"period\":100000},\"pids\":{\"limit\":2048}}}}",
     4, NULL},
    {"over the maxima: clamped", BASELINE, RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":17179869184},\"cpu\":{\"quota\":800000,"
     "\"period\":100000},\"pids\":{\"limit\":9223372036854775807}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":8589934592},\"cpu\":{\"quota\":400000,"
     "\"period\":100000},\"pids\":{\"limit\":32768}}}}",
     3, NULL},
    {"absolute maxima",
     "{\"memory\":{\"max\":\"64M\"},\"cpu\":{\"max\":0.5},\"pids\":{\"max\":20}}", RG_ACTION_FIX,
     &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1073741824},\"cpu\":{\"quota\":100000,"
     "\"period\":200000},\"pids\":{\"limit\":1000}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":67108864},\"cpu\":{\"quota\":100000,"
     "\"period\":200000},\"pids\":{\"limit\":20}}}}",
     2, NULL},
    {"a default above the maximum is the maximum",
     "{\"memory\":{\"default\":\"6G\",\"max\":\"50%\"},\"cpu\":{\"default\":2,\"max\":\"25%\"},"
     "\"pids\":{\"default\":2048,\"max\":\"50%\"}}",
     RG_ACTION_FIX, &host_big, "{\"linux\":{\"resources\":{}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":4294967296},\"cpu\":{\"period\":100000,"
     "\"quota\":100000},\"pids\":{\"limit\":2048}}}}",
     4, NULL},
    {"no default but a maximum: unlimited becomes the maximum",
     "{\"memory\":{\"default\":null,\"max\":\"3G\"},\"cpu\":{\"default\":null,\"max\":1.25},"
     "\"pids\":{\"default\":null,\"max\":77}}",
     RG_ACTION_FIX, &host_big, "{\"linux\":{\"resources\":{\"memory\":{\"limit\":-1}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":3221225472},\"cpu\":{\"period\":100000,"
     "\"quota\":125000},\"pids\":{\"limit\":77}}}}",
     4, NULL},
    {"all null: nothing to do, nothing made",
     "{\"memory\":{\"default\":null,\"max\":null},"
     "\"cpu\":{\"default\":null,\"max\":null},\"pids\":{\"default\":null,\"max\":null}}",
     RG_ACTION_FIX, &host_big, "{}", "{}", 0, NULL},
    {"all null keeps a null linux null",
     "{\"memory\":{\"default\":null,\"max\":null},"
     "\"cpu\":{\"default\":null,\"max\":null},\"pids\":{\"default\":null,\"max\":null}}",
     RG_ACTION_FIX, &host_big, "{\"linux\":null,\"x\":1}", "{\"linux\":null,\"x\":1}", 0, NULL},
    {"unknown host totals: percentages skipped, absolute settings applied",
     "{\"memory\":{\"default\":\"50%\",\"max\":\"1G\"},\"cpu\":{\"default\":\"50%\"},"
     "\"pids\":{\"max\":\"100%\"}}",
     RG_ACTION_FIX, &host_unknown,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":4294967296},\"cpu\":{\"quota\":-5},"
     "\"pids\":{\"limit\":99999}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1073741824},\"cpu\":{\"quota\":-5},"
     "\"pids\":{\"limit\":99999}}}}",
     1, NULL},
    {"unknown host: a sibling 1e3 is not read", BASELINE, RG_ACTION_FIX, &host_unknown,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1e3},\"pids\":{\"limit\":0,\"x\":1.50},"
     "\"cpu\":{}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1e3},\"pids\":{\"limit\":2048,\"x\":1.50},"
     "\"cpu\":{}}}}",
     1, NULL},
    {"percentages of a small host: memory rounded to 4 KiB, at least one CPU", BASELINE,
     RG_ACTION_FIX, &host_small, "{}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":536875008},\"cpu\":{\"period\":100000,"
     "\"quota\":100000},\"pids\":{\"limit\":100}}}}",
     4, NULL},
    {"an absolute CPU default below one CPU is kept", "{\"cpu\":{\"default\":0.5}}", RG_ACTION_FIX,
     &host_small,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1000000},\"pids\":{\"limit\":5}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1000000},\"pids\":{\"limit\":5},"
     "\"cpu\":{\"period\":100000,\"quota\":50000}}}}",
     2, NULL},
    {"the spec's period is kept and the quota scaled to it", BASELINE, RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"cpu\":{\"period\":50000}}}}",
     "{\"linux\":{\"resources\":{\"cpu\":{\"period\":50000,\"quota\":100000},\"memory\":"
     "{\"limit\":4294967296},\"pids\":{\"limit\":2048}}}}",
     3, NULL},
    {"the configured period for a quota runguard sets",
     "{\"cpu\":{\"default\":1,\"period\":20000}}", RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"period\":20000,\"quota\":20000}}}}",
     2, NULL},
    {"over the maximum without a period: the kernel's 100000", "{\"cpu\":{\"max\":1}}",
     RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":150000}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":100000}}}}",
     1, NULL},
    {"memory+swap below the default caps the default", BASELINE, RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"swap\":104857600}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"swap\":104857600,\"limit\":104857600},"
     "\"cpu\":{\"period\":100000,\"quota\":200000},\"pids\":{\"limit\":2048}}}}",
     4, NULL},
    {"cpu shares: default when absent",
     "{\"cpu\":{\"default\":null,\"max\":null,\"shares\":{\"default\":512,\"max\":1024}}}",
     RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"shares\":512}}}}",
     1, NULL},
    {"cpu shares: clamped to the maximum",
     "{\"cpu\":{\"default\":null,\"max\":null,\"shares\":{\"max\":1024}}}", RG_ACTION_FIX,
     &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"shares\":262144}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"shares\":1024}}}}",
     1, NULL},
    {"cpu shares: only a maximum, none asked: nothing made",
     "{\"cpu\":{\"default\":null,\"max\":null,\"shares\":{\"max\":1024}}}", RG_ACTION_FIX,
     &host_big, "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1}}}}", 0, NULL},
    {"unified within the maxima is kept", BASELINE, RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1000},\"unified\":{\"memory.max\":\"8589934592\",\"pids.max\":\"10\","
     "\"cpu.max\":\"400000 100000\",\"memory.high\":\"max\",\"io.weight\":\"x\"}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1000},\"unified\":{\"memory.max\":\"8589934592\",\"pids.max\":\"10\","
     "\"cpu.max\":\"400000 100000\",\"memory.high\":\"max\",\"io.weight\":\"x\"}}}}",
     0, NULL},
    {"unified \"max\" and over-max values are clamped", BASELINE, RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1000},\"unified\":{\"memory.max\":\"max\",\"pids.max\":\"32769\","
     "\"cpu.max\":\"max 50000\"}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1000},\"unified\":{\"memory.max\":\"8589934592\",\"pids.max\":"
     "\"32768\",\"cpu.max\":\"200000 50000\"}}}}",
     3, NULL},
    {"unified cpu.max without a period", "{\"cpu\":{\"max\":1}}", RG_ACTION_FIX, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1000},\"unified\":{\"cpu.max\":\"100001\"}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1000},\"unified\":{\"cpu.max\":\"100000 100000\"}}}}",
     1, NULL},
    {"unified cpu.weight against the shares maximum",
     "{\"cpu\":{\"default\":null,\"max\":null,\"shares\":{\"max\":1024}}}", RG_ACTION_FIX,
     &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"unified\":{\"cpu.weight\":\"10000\"}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"unified\":{\"cpu.weight\":\"39\"}}}}",
     1, NULL},
    {"unified with no maxima known is not judged", BASELINE, RG_ACTION_FIX, &host_unknown,
     "{\"linux\":{\"resources\":{\"pids\":{\"limit\":1},\"unified\":{\"memory.max\":\"max\","
     "\"pids.max\":\"max\",\"cpu.max\":\"max\"}}}}",
     "{\"linux\":{\"resources\":{\"pids\":{\"limit\":1},\"unified\":{\"memory.max\":\"max\","
     "\"pids.max\":\"max\",\"cpu.max\":\"max\"}}}}",
     0, NULL},
    /* reject: nothing rewritten, one violation per finding */
    {"reject: over the memory maximum", BASELINE, RG_ACTION_REJECT, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":17179869184},\"cpu\":{\"quota\":1},"
     "\"pids\":{\"limit\":1}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":17179869184},\"cpu\":{\"quota\":1},"
     "\"pids\":{\"limit\":1}}}}",
     0,
     ".linux.resources.memory.limit|memory limit 17179869184 bytes is above the maximum of "
     "8589934592 bytes (100% of host memory)"},
    {"reject: no memory limit", BASELINE, RG_ACTION_REJECT, &host_big,
     "{\"linux\":{\"resources\":{\"cpu\":{\"quota\":1},\"pids\":{\"limit\":1}}}}",
     "{\"linux\":{\"resources\":{\"cpu\":{\"quota\":1},\"pids\":{\"limit\":1}}}}", 0,
     ".linux.resources.memory.limit|no memory limit"},
    {"reject: over the pids maximum", "{\"pids\":{\"max\":50}}", RG_ACTION_REJECT, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"cpu\":{\"quota\":1},"
     "\"pids\":{\"limit\":1000}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"cpu\":{\"quota\":1},"
     "\"pids\":{\"limit\":1000}}}}",
     0, ".linux.resources.pids.limit|pids limit 1000 is above the maximum of 50"},
    {"reject: no cpu quota, nothing made", BASELINE, RG_ACTION_REJECT, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1}}}}", 0,
     ".linux.resources.cpu.quota|no cpu quota"},
    {"reject: over the cpu maximum", BASELINE, RG_ACTION_REJECT, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":500000,\"period\":100000}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":500000,\"period\":100000}}}}",
     0,
     ".linux.resources.cpu.quota|cpu quota 500000 over a period of 100000 is above the "
     "maximum of 4 CPUs (100% of the host's CPUs)"},
    {"reject: over the shares maximum",
     "{\"cpu\":{\"default\":null,\"max\":null,\"shares\":{\"max\":1024}}}", RG_ACTION_REJECT,
     &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"shares\":2048}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"shares\":2048}}}}",
     0, ".linux.resources.cpu.shares|cpu shares 2048 are above the maximum of 1024"},
    {"reject: unified memory.max \"max\"", BASELINE, RG_ACTION_REJECT, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1},\"unified\":{\"memory.max\":\"max\"}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1},\"unified\":{\"memory.max\":\"max\"}}}}",
     0,
     ".linux.resources.unified[\"memory.max\"]|memory.max \"max\" is above the maximum of "
     "8589934592 bytes"},
    {"reject: unified cpu.max", BASELINE, RG_ACTION_REJECT, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1},\"unified\":{\"cpu.max\":\"900000 100000\"}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1},\"unified\":{\"cpu.max\":\"900000 100000\"}}}}",
     0, ".linux.resources.unified[\"cpu.max\"]|cpu.max \"900000 100000\" is above"},
    {"reject: unified pids.max", BASELINE, RG_ACTION_REJECT, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1},\"unified\":{\"pids.max\":\"max\"}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"cpu\":{\"quota\":1},\"unified\":{\"pids.max\":\"max\"}}}}",
     0, ".linux.resources.unified[\"pids.max\"]|pids.max \"max\" is above the maximum of 32768"},
    {"reject: cpu.weight", "{\"cpu\":{\"default\":null,\"max\":null,\"shares\":{\"max\":2}}}",
     RG_ACTION_REJECT, &host_big,
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"unified\":{\"cpu.weight\":\"2\"}}}}",
     "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"pids\":{\"limit\":1},"
     "\"unified\":{\"cpu.weight\":\"2\"}}}}",
     0, ".linux.resources.unified[\"cpu.weight\"]|cpu.weight 2 is above 1"},
    {"reject with nothing to say leaves an empty spec alone", BASELINE, RG_ACTION_REJECT,
     &host_unknown, "{\"linux\":{\"resources\":{\"pids\":{\"limit\":3}}}}",
     "{\"linux\":{\"resources\":{\"pids\":{\"limit\":3}}}}", 0, NULL},
};

static void test_resources_cases(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		print_message("# %s\n", cases[i].name);
		struct rg_json *spec = parse(cases[i].in);
		expect_ok(run_rule(rule, cases[i].settings, cases[i].action, spec, cases[i].host));
		assert_json(spec, cases[i].want);
		assert_int_equal(report.n_changes, cases[i].n_changes);
		for (size_t k = 0; k < report.n_changes; k++)
			assert_string_equal(report.changes[k].rule, "resources");
		if (!cases[i].violation) {
			assert_int_equal(report.n_violations, 0);
		} else {
			char *v = track(rg_xstrdup(cases[i].violation));
			char *bar = strchr(v, '|');
			*bar = '\0';
			assert_int_equal(report.n_violations, 1);
			expect_violation(v, bar + 1);
		}
		if (cases[i].action == RG_ACTION_FIX)
			expect_fixed_point(rule, cases[i].settings, spec, cases[i].host);
	}
}

/* What a change records: the path and both values. */
static void test_resources_change_records(void **state)
{
	struct rg_json *spec = parse("{\"linux\":{\"resources\":{\"memory\":{\"limit\":-1},"
				     "\"unified\":{\"memory.max\":\"max\"}}}}");
	expect_ok(run_rule(rule, BASELINE, RG_ACTION_FIX, spec, &host_big));
	const struct rg_change *c = find_change(".linux.resources.memory.limit");
	assert_non_null(c);
	assert_string_equal(c->before, "-1");
	assert_string_equal(c->after, "4294967296");
	c = find_change(".linux.resources.cpu.period");
	assert_non_null(c);
	assert_null(c->before);
	assert_string_equal(c->after, "100000");
	c = find_change(".linux.resources.unified[\"memory.max\"]");
	assert_non_null(c);
	assert_string_equal(c->before, "\"max\"");
	assert_string_equal(c->after, "\"8589934592\"");
}

/* ================= spec errors ================= */

static const struct {
	const char *spec, *path, *more;
} spec_errors[] = {
    {"{\"linux\":7}", ".linux", "expected an object, got number"},
    {"{\"linux\":{\"resources\":[]}}", ".linux.resources", "expected an object, got array"},
    {"{\"linux\":{\"resources\":{\"memory\":\"1G\"}}}", ".linux.resources.memory",
     "expected an object, got string"},
    {"{\"linux\":{\"resources\":{\"memory\":{\"limit\":\"1G\"}}}}", ".linux.resources.memory.limit",
     "expected an integer, got string"},
    {"{\"linux\":{\"resources\":{\"memory\":{\"limit\":1e9}}}}", ".linux.resources.memory.limit",
     "expected an integer"},
    {"{\"linux\":{\"resources\":{\"memory\":{\"limit\":9223372036854775808}}}}",
     ".linux.resources.memory.limit", "expected an integer"},
    {"{\"linux\":{\"resources\":{\"memory\":{\"swap\":true}}}}", ".linux.resources.memory.swap",
     "got boolean"},
    {"{\"linux\":{\"resources\":{\"cpu\":5}}}", ".linux.resources.cpu",
     "expected an object, got number"},
    {"{\"linux\":{\"resources\":{\"cpu\":{\"quota\":1.5}}}}", ".linux.resources.cpu.quota",
     "expected an integer"},
    {"{\"linux\":{\"resources\":{\"cpu\":{\"period\":-1}}}}", ".linux.resources.cpu.period",
     "expected an unsigned integer"},
    {"{\"linux\":{\"resources\":{\"cpu\":{\"period\":\"100000\"}}}}", ".linux.resources.cpu.period",
     "got string"},
    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":\"100\"}}}}", ".linux.resources.pids.limit",
     "expected an integer, got string"},
    {"{\"linux\":{\"resources\":{\"pids\":[]}}}", ".linux.resources.pids", "got array"},
    {"{\"linux\":{\"resources\":{\"unified\":\"x\"}}}", ".linux.resources.unified",
     "expected an object, got string"},
    {"{\"linux\":{\"resources\":{\"unified\":{\"memory.max\":5}}}}",
     ".linux.resources.unified[\"memory.max\"]", "expected a string, got number"},
    {"{\"linux\":{\"resources\":{\"unified\":{\"memory.max\":\"1G\"}}}}",
     ".linux.resources.unified[\"memory.max\"]", "expected \"max\" or a number"},
    {"{\"linux\":{\"resources\":{\"unified\":{\"memory.max\":\"-1\"}}}}",
     ".linux.resources.unified[\"memory.max\"]", "expected \"max\" or a number"},
    {"{\"linux\":{\"resources\":{\"unified\":{\"pids.max\":\"\"}}}}",
     ".linux.resources.unified[\"pids.max\"]", "expected \"max\" or a number"},
    {"{\"linux\":{\"resources\":{\"unified\":{\"cpu.max\":\"max 0\"}}}}",
     ".linux.resources.unified[\"cpu.max\"]", "expected \"max\" or a quota"},
    {"{\"linux\":{\"resources\":{\"unified\":{\"cpu.max\":\"1000 max\"}}}}",
     ".linux.resources.unified[\"cpu.max\"]", "expected \"max\" or a quota"},
    {"{\"linux\":{\"resources\":{\"unified\":{\"cpu.max\":\"a b\"}}}}",
     ".linux.resources.unified[\"cpu.max\"]", "expected \"max\" or a quota"},
    {"{\"linux\":{\"resources\":{\"unified\":{\"cpu.max\":\"1000  100000\"}}}}",
     ".linux.resources.unified[\"cpu.max\"]", "expected \"max\" or a quota"},
    {"{\"linux\":{\"resources\":{\"unified\":{\"memory.max\":\"1\\u00002\"}}}}",
     ".linux.resources.unified[\"memory.max\"]", "NUL"},
};

static void test_resources_spec_errors(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(spec_errors); i++) {
		struct rg_json *spec = parse(spec_errors[i].spec);
		expect_error(run_rule(rule, BASELINE, RG_ACTION_FIX, spec, &host_big), FILE_NAME,
			     spec_errors[i].path, spec_errors[i].more);
	}
	/* cpu.weight is only read against a shares maximum. */
	static const char shares[] = "{\"cpu\":{\"shares\":{\"max\":1024}}}";
	struct rg_json *spec =
	    parse("{\"linux\":{\"resources\":{\"unified\":{\"cpu.weight\":\"max\"}}}}");
	expect_error(run_rule(rule, shares, RG_ACTION_FIX, spec, &host_big), FILE_NAME,
		     ".linux.resources.unified[\"cpu.weight\"]", "expected a number");
	spec = parse("{\"linux\":{\"resources\":{\"cpu\":{\"shares\":-2}}}}");
	expect_error(run_rule(rule, shares, RG_ACTION_FIX, spec, &host_big), FILE_NAME,
		     ".linux.resources.cpu.shares", "expected an unsigned integer");
}

/* ================= settings ================= */

static const char *const good_settings[] = {
    "{}",
    "{\"action\":\"reject\"}",
    BASELINE,
    "{\"memory\":{\"default\":\"512M\",\"max\":\"2g\"}}",
    "{\"memory\":{\"default\":1073741824,\"max\":\"1073741824\"}}",
    "{\"memory\":{\"default\":\"1k\",\"max\":\"1T\"}}",
    "{\"memory\":{\"default\":null,\"max\":null}}",
    "{\"memory\":{\"default\":\"100%\",\"max\":\"100%\"}}",
    "{\"memory\":{\"default\":\"2G\",\"max\":\"50%\"}}",
    "{\"cpu\":{\"default\":0.5,\"max\":2,\"period\":1000}}",
    "{\"cpu\":{\"default\":0.125,\"max\":\"25%\",\"period\":1000000}}",
    "{\"cpu\":{\"shares\":{\"default\":2,\"max\":262144}}}",
    "{\"cpu\":{\"shares\":{}}}",
    "{\"pids\":{\"default\":1,\"max\":1}}",
    "{\"pids\":{\"default\":\"1%\",\"max\":32768}}",
    "{\"pids\":{\"default\":4096}}",
};

static void test_resources_settings_valid(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(good_settings); i++) {
		int r = check_settings("resources", good_settings[i]);
		if (r < 0)
			fail_msg("refused %s: %s", good_settings[i], error ? error->msg : "?");
	}
}

static const struct {
	const char *settings, *path, *more;
} bad_settings[] = {
    {"{\"memroy\":{}}", ".rules.x.memroy", "unknown setting"},
    {"{\"action\":\"clamp\"}", ".rules.x.action", "expected \"fix\", \"reject\" or \"off\""},
    {"{\"memory\":\"50%\"}", ".rules.x.memory", "expected an object, got string"},
    {"{\"memory\":{\"limit\":1}}", ".rules.x.memory.limit", "unknown setting"},
    {"{\"memory\":{\"default\":\"12X\"}}", ".rules.x.memory.default", "expected a size"},
    {"{\"memory\":{\"default\":\"12MB\"}}", ".rules.x.memory.default", "expected a size"},
    {"{\"memory\":{\"default\":\"0\"}}", ".rules.x.memory.default", "expected a size"},
    {"{\"memory\":{\"default\":0}}", ".rules.x.memory.default", "expected a size"},
    {"{\"memory\":{\"default\":-5}}", ".rules.x.memory.default", "expected a size"},
    {"{\"memory\":{\"default\":1.5}}", ".rules.x.memory.default", "expected a size"},
    {"{\"memory\":{\"default\":true}}", ".rules.x.memory.default", "expected a size"},
    {"{\"memory\":{\"default\":\"\"}}", ".rules.x.memory.default", "expected a size"},
    {"{\"memory\":{\"default\":\" 1G\"}}", ".rules.x.memory.default", "expected a size"},
    {"{\"memory\":{\"max\":\"0%\"}}", ".rules.x.memory.max", "expected a size"},
    {"{\"memory\":{\"max\":\"101%\"}}", ".rules.x.memory.max", "expected a size"},
    {"{\"memory\":{\"max\":\"050%\"}}", ".rules.x.memory.max", "expected a size"},
    {"{\"memory\":{\"max\":\"50 %\"}}", ".rules.x.memory.max", "expected a size"},
    {"{\"memory\":{\"max\":\"9000000000T\"}}", ".rules.x.memory.max", "expected a size"},
    {"{\"memory\":{\"max\":\"99999999999999999999\"}}", ".rules.x.memory.max", "expected a size"},
    {"{\"memory\":{\"max\":\"1G\\u0000\"}}", ".rules.x.memory.max", "expected a size"},
    {"{\"memory\":{\"default\":\"2G\",\"max\":\"1G\"}}", ".rules.x.memory.default",
     "above .rules.x.memory.max"},
    {"{\"memory\":{\"default\":\"60%\",\"max\":\"50%\"}}", ".rules.x.memory.default",
     "above .rules.x.memory.max"},
    {"{\"cpu\":[]}", ".rules.x.cpu", "expected an object, got array"},
    {"{\"cpu\":{\"quota\":1}}", ".rules.x.cpu.quota", "unknown setting"},
    {"{\"cpu\":{\"default\":\"2\"}}", ".rules.x.cpu.default", "expected a number of CPUs"},
    {"{\"cpu\":{\"default\":0}}", ".rules.x.cpu.default", "expected a number of CPUs"},
    {"{\"cpu\":{\"default\":0.0001}}", ".rules.x.cpu.default", "expected a number of CPUs"},
    {"{\"cpu\":{\"default\":1e2}}", ".rules.x.cpu.default", "expected a number of CPUs"},
    {"{\"cpu\":{\"default\":-1}}", ".rules.x.cpu.default", "expected a number of CPUs"},
    {"{\"cpu\":{\"max\":\"150%\"}}", ".rules.x.cpu.max", "expected a number of CPUs"},
    {"{\"cpu\":{\"max\":10000001}}", ".rules.x.cpu.max", "expected a number of CPUs"},
    {"{\"cpu\":{\"default\":4,\"max\":2}}", ".rules.x.cpu.default", "above .rules.x.cpu.max"},
    {"{\"cpu\":{\"period\":999}}", ".rules.x.cpu.period", "from 1000 to 1000000"},
    {"{\"cpu\":{\"period\":1000001}}", ".rules.x.cpu.period", "from 1000 to 1000000"},
    {"{\"cpu\":{\"period\":\"100000\"}}", ".rules.x.cpu.period", "from 1000 to 1000000"},
    {"{\"cpu\":{\"period\":null}}", ".rules.x.cpu.period", "from 1000 to 1000000"},
    {"{\"cpu\":{\"shares\":1024}}", ".rules.x.cpu.shares", "expected an object, got number"},
    {"{\"cpu\":{\"shares\":{\"min\":2}}}", ".rules.x.cpu.shares.min", "unknown setting"},
    {"{\"cpu\":{\"shares\":{\"default\":1}}}", ".rules.x.cpu.shares.default", "from 2 to 262144"},
    {"{\"cpu\":{\"shares\":{\"max\":262145}}}", ".rules.x.cpu.shares.max", "from 2 to 262144"},
    {"{\"cpu\":{\"shares\":{\"max\":null}}}", ".rules.x.cpu.shares.max", "from 2 to 262144"},
    {"{\"cpu\":{\"shares\":{\"default\":2048,\"max\":1024}}}", ".rules.x.cpu.shares.default",
     "above .rules.x.cpu.shares.max"},
    {"{\"pids\":5}", ".rules.x.pids", "expected an object, got number"},
    {"{\"pids\":{\"limit\":5}}", ".rules.x.pids.limit", "unknown setting"},
    {"{\"pids\":{\"default\":0}}", ".rules.x.pids.default", "expected a positive integer"},
    {"{\"pids\":{\"default\":\"100\"}}", ".rules.x.pids.default", "expected a positive integer"},
    {"{\"pids\":{\"max\":1.5}}", ".rules.x.pids.max", "expected a positive integer"},
    {"{\"pids\":{\"default\":100,\"max\":10}}", ".rules.x.pids.default", "above .rules.x.pids.max"},
};

static void test_resources_settings_errors(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad_settings); i++)
		expect_error(check_settings("resources", bad_settings[i].settings), CFG_NAME,
			     bad_settings[i].path, bad_settings[i].more);
}

/* A bad setting in a real configuration file names the file, its line and the path. */
static void test_resources_config_file_error(void **state)
{
	char dir[] = "/tmp/rg-test-resources-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = track(rg_xasprintf("%s/config.json", dir));
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs("{\n  \"rules\": {\n    \"resources\": {\"memory\": {\"max\": \"12X\"}}\n  }\n}\n",
	      f);
	fclose(f);
	struct rg_config c;
	int r = rg_config_load(path, &c, &error);
	unlink(path);
	rmdir(dir);
	assert_true(r < 0);
	assert_non_null(error);
	char *want =
	    track(rg_xasprintf("%s:3: .rules.resources.memory.max: expected a size", path));
	if (!strstr(error->msg, want))
		fail_msg("'%s' not in '%s'", want, error->msg);
}

/* ================= the shipped profiles ================= */

static struct rg_json *profile_rules(const char *name)
{
	size_t len = 0;
	const char *text = rg_embedded_profile(name, &len);
	assert_non_null(text);
	struct rg_json *p = track_json(rg_json_parse(text, len, name, NULL, &error));
	assert_non_null(p);
	return rg_json_get(p, "rules");
}

static void test_resources_profiles(void **state)
{
	static const char *const names[] = {"baseline", "restricted", "privileged"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		const struct rg_json *s = rg_json_get(profile_rules(names[i]), "resources");
		assert_non_null(s);
		reset_result();
		int r = rg_config_check_rule("resources", s, names[i], ".rules.resources", &error);
		if (r < 0)
			fail_msg("%s: %s", names[i], error->msg);
	}
	const struct rg_json *b = rg_json_get(profile_rules("baseline"), "resources");
	assert_json(rg_json_get(b, "memory"), "{\"default\":\"50%\",\"max\":\"100%\"}");
	assert_json(rg_json_get(b, "cpu"),
		    "{\"default\":\"50%\",\"max\":\"100%\",\"period\":100000}");
	assert_json(rg_json_get(b, "pids"), "{\"default\":2048,\"max\":\"100%\"}");
	assert_json(rg_json_get(b, "action"), "\"fix\"");
	/* restricted: the same or tighter, and enforced. */
	const struct rg_json *rs = rg_json_get(profile_rules("restricted"), "resources");
	assert_json(rg_json_get(rs, "action"), "\"fix\"");
	assert_json(rg_json_get(rs, "memory"), "{\"default\":\"50%\",\"max\":\"100%\"}");
	assert_json(rg_json_get(rs, "pids"), "{\"default\":1024,\"max\":\"100%\"}");
	assert_json(rg_json_get(rg_json_get(profile_rules("privileged"), "resources"), "action"),
		    "\"off\"");
}

/* ================= the host adapter ================= */

static void test_host_detect_resources(void **state)
{
	struct rg_host h;
	rg_host_detect(&h);
	assert_true(h.memory_bytes > 0);
	assert_int_equal(h.memory_bytes, (unsigned long long)sysconf(_SC_PHYS_PAGES) *
					     (unsigned long long)sysconf(_SC_PAGESIZE));
	assert_int_equal(h.cpus, (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	assert_true(h.pid_max > 0);
	assert_true(h.has_rlimits);
	for (int i = 0; i < RLIM_NLIMITS && i < RG_HOST_NRLIMITS; i++) {
		struct rlimit rl;
		assert_int_equal(getrlimit(i, &rl), 0);
		unsigned long long want = rl.rlim_max == RLIM_INFINITY
					      ? RG_HOST_RLIM_INFINITY
					      : (unsigned long long)rl.rlim_max;
		assert_int_equal(h.rlimit_hard[i], want);
	}
}

/* The default policy (baseline) on a host that sets no totals: pids. */
static void test_resources_pids_limit(void **state)
{
	static const struct {
		const char *in;
		const char *want_limit;
		bool is_changed;
	} pids_cases[] = {
	    {"{}", "2048", true},
	    {"{\"linux\":{}}", "2048", true},
	    {"{\"linux\":{\"resources\":null}}", "2048", true},
	    {"{\"linux\":{\"resources\":{}}}", "2048", true},
	    {"{\"linux\":{\"resources\":{\"pids\":null}}}", "2048", true},
	    {"{\"linux\":{\"resources\":{\"pids\":{}}}}", "2048", true},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":null}}}}", "2048", true},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":0}}}}", "2048", true},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":-0}}}}", "2048", true},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":-1}}}}", "2048", true},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":-9223372036854775808}}}}", "2048",
	     true},
	    /* What the container asked for is kept, above or below the default. */
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":100}}}}", "100", false},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":1}}}}", "1", false},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":4096}}}}", "4096", false},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":9223372036854775807}}}}",
	     "9223372036854775807", false},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(pids_cases); i++) {
		struct rg_json *spec = parse(pids_cases[i].in);
		expect_ok(run_rule(rule, BASELINE, RG_ACTION_FIX, spec, &host_unknown));
		/* assert_json compares number text, so "2048" must be exactly that. */
		assert_json(at(spec, ".linux.resources.pids.limit"), pids_cases[i].want_limit);
		assert_int_equal(report.n_changes, pids_cases[i].is_changed ? 1 : 0);
		if (pids_cases[i].is_changed) {
			assert_string_equal(report.changes[0].rule, "resources");
			assert_string_equal(report.changes[0].path, ".linux.resources.pids.limit");
			assert_string_equal(report.changes[0].after, "2048");
		}
	}

	/* Siblings keep their place and text. */
	struct rg_json *spec = parse("{\"linux\":{\"resources\":{\"memory\":{\"limit\":1e3},"
				     "\"pids\":{\"limit\":0,\"x\":1.50},\"cpu\":{}}}}");
	expect_ok(run_rule(rule, BASELINE, RG_ACTION_FIX, spec, &host_unknown));
	assert_string_equal(emit(spec), "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1e3},"
					"\"pids\":{\"limit\":2048,\"x\":1.50},\"cpu\":{}}}}");
}

static void test_resources_wrong_types(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} type_cases[] = {
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":\"100\"}}}}",
	     ".linux.resources.pids.limit", "got string"},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":1.5}}}}",
	     ".linux.resources.pids.limit", "expected an integer"},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":1e3}}}}",
	     ".linux.resources.pids.limit", "expected an integer"},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":100.0}}}}",
	     ".linux.resources.pids.limit", "expected an integer"},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":9223372036854775808}}}}",
	     ".linux.resources.pids.limit", NULL},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":-9223372036854775809}}}}",
	     ".linux.resources.pids.limit", NULL},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"limit\":true}}}}",
	     ".linux.resources.pids.limit", "got boolean"},
	    {"{\"linux\":{\"resources\":{\"pids\":5}}}", ".linux.resources.pids",
	     "expected an object, got number"},
	    {"{\"linux\":{\"resources\":\"x\"}}", ".linux.resources",
	     "expected an object, got string"},
	    {"{\"linux\":{\"resources\":[]}}", ".linux.resources", "got array"},
	    {"{\"linux\":7}", ".linux", "expected an object, got number"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(type_cases); i++) {
		struct rg_json *spec = parse(type_cases[i].spec);
		expect_error(run_rule(rule, BASELINE, RG_ACTION_FIX, spec, &host_unknown),
			     FILE_NAME, type_cases[i].path, type_cases[i].more);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_resources_cases),	       T(test_resources_change_records),
	    T(test_resources_spec_errors),     T(test_resources_settings_valid),
	    T(test_resources_settings_errors), T(test_resources_config_file_error),
	    T(test_resources_profiles),	       T(test_host_detect_resources),
	    T(test_resources_pids_limit),      T(test_resources_wrong_types),
	};
	return cmocka_run_group_tests_name("rules/resources (memory, cpu, pids, unified)", tests,
					   NULL, NULL);
}
