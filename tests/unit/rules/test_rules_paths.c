/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the paths rule: the standard masked and read-only paths. */
#include "rules_harness.h"

static const struct rg_host host = {.seccomp_arch = "SCMP_ARCH_X86_64",
				    .go_arch = "amd64",
				    .kernel_major = 6,
				    .kernel_minor = 1,
				    .selinux_enabled = -1};

static const struct rg_rule *const rule = &rg_rule_paths;

#define MASKED                                                                                     \
	"[\"/proc/acpi\",\"/proc/asound\",\"/proc/interrupts\",\"/proc/kcore\",\"/proc/keys\","    \
	"\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/"              \
	"sched_debug\","                                                                           \
	"\"/proc/scsi\",\"/sys/firmware\",\"/sys/devices/virtual/powercap\"]"
#define READONLY "[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\",\"/proc/sysrq-trigger\"]"
/* runc spec's defaults (runc 1.1). */
#define RUNC_MASKED                                                                                \
	"[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\",\"/proc/latency_stats\"," \
	"\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\",\"/sys/firmware\","      \
	"\"/proc/scsi\"]"

static const struct {
	const char *name;
	const char *settings;
	const char *in; /* linux */
	const char *want; /* linux after the rule */
	size_t n_changes;
} cases[] = {
    {"nothing: both lists added", NULL, "{}",
     "{\"maskedPaths\":" MASKED ",\"readonlyPaths\":" READONLY "}", 2},
    {"null lists", NULL, "{\"maskedPaths\":null,\"readonlyPaths\":null}",
     "{\"maskedPaths\":" MASKED ",\"readonlyPaths\":" READONLY "}", 2},
    {"runc spec's lists: the two missing masked paths appended", NULL,
     "{\"maskedPaths\":" RUNC_MASKED ",\"readonlyPaths\":" READONLY "}",
     "{\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\","
     "\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\","
     "\"/sys/firmware\",\"/proc/scsi\",\"/proc/interrupts\",\"/sys/devices/virtual/powercap\"],"
     "\"readonlyPaths\":" READONLY "}",
     1},
    {"complete lists and extra entries are kept as they are", NULL,
     "{\"readonlyPaths\":[\"/x\",\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
     "\"/proc/sysrq-trigger\"],\"maskedPaths\":" MASKED "}",
     "{\"readonlyPaths\":[\"/x\",\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
     "\"/proc/sysrq-trigger\"],\"maskedPaths\":" MASKED "}",
     0},
    {"unclean spellings count as present", NULL,
     "{\"maskedPaths\":[\"/proc/acpi/\",\"//proc/asound\",\"/proc/./interrupts\","
     "\"/sys/../proc/kcore\",\"/../proc/keys\",\"/proc/latency_stats//\",\"/proc/timer_list\","
     "\"/proc/timer_stats\",\"/proc/sched_debug\",\"/proc/scsi\",\"/sys/firmware\","
     "\"/sys/devices/virtual/powercap\"],\"readonlyPaths\":" READONLY "}",
     "{\"maskedPaths\":[\"/proc/acpi/\",\"//proc/asound\",\"/proc/./interrupts\","
     "\"/sys/../proc/kcore\",\"/../proc/keys\",\"/proc/latency_stats//\",\"/proc/timer_list\","
     "\"/proc/timer_stats\",\"/proc/sched_debug\",\"/proc/scsi\",\"/sys/firmware\","
     "\"/sys/devices/virtual/powercap\"],\"readonlyPaths\":" READONLY "}",
     0},
    {"a relative or different path does not count", NULL,
     "{\"maskedPaths\":[\"proc/kcore\",\"/proc/kcore2\"],\"readonlyPaths\":" READONLY "}",
     "{\"maskedPaths\":[\"proc/kcore\",\"/proc/kcore2\",\"/proc/acpi\",\"/proc/asound\","
     "\"/proc/interrupts\",\"/proc/kcore\",\"/proc/keys\",\"/proc/latency_stats\","
     "\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\",\"/proc/scsi\","
     "\"/sys/firmware\",\"/sys/devices/virtual/powercap\"],\"readonlyPaths\":" READONLY "}",
     1},
    {"configured lists replace the defaults; a doubled entry is added once",
     "{\"masked\":[\"/proc/kcore\",\"/proc/kcore\",\"/proc/x\"],\"readonly\":[]}",
     "{\"maskedPaths\":[\"/proc/x\"]}", "{\"maskedPaths\":[\"/proc/x\",\"/proc/kcore\"]}", 1},
    {"empty configured lists: nothing to do", "{\"masked\":[],\"readonly\":[]}", "{}", "{}", 0},
};

static void test_paths_cases(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		print_message("# %s\n", cases[i].name);
		char *text = track(rg_xasprintf("{\"linux\":%s,\"x\":1}", cases[i].in));
		struct rg_json *spec = parse(text);
		expect_ok(run_rule(rule, cases[i].settings, RG_ACTION_FIX, spec, &host));
		assert_json(at(spec, ".linux"), cases[i].want);
		assert_json(at(spec, ".x"), "1");
		assert_int_equal(report.n_changes, cases[i].n_changes);
		expect_fixed_point(rule, cases[i].settings, spec, &host);

		spec = parse(text);
		expect_ok(run_rule(rule, cases[i].settings, RG_ACTION_REJECT, spec, &host));
		assert_json(spec, text);
		assert_int_equal(report.n_violations, cases[i].n_changes);
	}
}

static void test_paths_absent_linux(void **state)
{
	struct rg_json *spec = parse("{}");
	expect_ok(run_rule(rule, NULL, RG_ACTION_FIX, spec, &host));
	assert_json(spec,
		    "{\"linux\":{\"maskedPaths\":" MASKED ",\"readonlyPaths\":" READONLY "}}");
	const struct rg_change *c = find_change(".linux.maskedPaths");
	assert_non_null(c);
	assert_null(c->before);
	assert_string_equal(c->rule, "paths");

	/* reject: the message lists what is missing; nothing is made. */
	spec = parse("{}");
	expect_ok(run_rule(rule, NULL, RG_ACTION_REJECT, spec, &host));
	assert_json(spec, "{}");
	expect_violation(".linux.maskedPaths", "masked paths missing: /proc/acpi, /proc/asound, ");
	expect_violation(".linux.readonlyPaths",
			 "read-only paths missing: /proc/bus, /proc/fs, /proc/irq, /proc/sys, "
			 "/proc/sysrq-trigger");
	spec =
	    parse("{\"linux\":{\"maskedPaths\":" RUNC_MASKED ",\"readonlyPaths\":" READONLY "}}");
	expect_ok(run_rule(rule, NULL, RG_ACTION_REJECT, spec, &host));
	assert_int_equal(report.n_violations, 1);
	expect_violation(".linux.maskedPaths",
			 "masked paths missing: /proc/interrupts, /sys/devices/virtual/powercap");
}

static void test_paths_spec_errors(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} errors[] = {
	    {"{\"linux\":\"x\"}", ".linux", "expected an object, got string"},
	    {"{\"linux\":{\"maskedPaths\":\"/proc/kcore\"}}", ".linux.maskedPaths",
	     "expected an array, got string"},
	    {"{\"linux\":{\"maskedPaths\":{}}}", ".linux.maskedPaths", "got object"},
	    {"{\"linux\":{\"maskedPaths\":[\"/a\",5]}}", ".linux.maskedPaths[1]",
	     "expected a string, got number"},
	    {"{\"linux\":{\"readonlyPaths\":[null]}}", ".linux.readonlyPaths[0]", "got null"},
	    {"{\"linux\":{\"readonlyPaths\":true}}", ".linux.readonlyPaths", "got boolean"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(errors); i++) {
		struct rg_json *spec = parse(errors[i].spec);
		expect_error(run_rule(rule, NULL, RG_ACTION_FIX, spec, &host), FILE_NAME,
			     errors[i].path, errors[i].more);
	}
}

static void test_paths_settings(void **state)
{
	static const char *const good[] = {
	    "{}",
	    "{\"masked\":[],\"readonly\":[]}",
	    "{\"masked\":" MASKED ",\"readonly\":" READONLY ",\"action\":\"reject\"}",
	    "{\"masked\":[\"/proc/x y\"]}",
	};
	static const struct {
		const char *settings, *path, *more;
	} bad[] = {
	    {"{\"mask\":[]}", ".rules.x.mask", "unknown setting"},
	    {"{\"masked\":\"/proc/kcore\"}", ".rules.x.masked", "expected an array of paths"},
	    {"{\"readonly\":{}}", ".rules.x.readonly", "expected an array of paths"},
	    {"{\"masked\":[5]}", ".rules.x.masked[0]", "expected an absolute path"},
	    {"{\"masked\":[\"proc/kcore\"]}", ".rules.x.masked[0]", "expected an absolute path"},
	    {"{\"masked\":[\"/proc/kcore/\"]}", ".rules.x.masked[0]", "trailing"},
	    {"{\"masked\":[\"/proc//kcore\"]}", ".rules.x.masked[0]", "expected an absolute path"},
	    {"{\"masked\":[\"/proc/./kcore\"]}", ".rules.x.masked[0]", "expected an absolute path"},
	    {"{\"readonly\":[\"/sys\",\"/proc/../etc\"]}", ".rules.x.readonly[1]",
	     "expected an absolute path"},
	    {"{\"readonly\":[\"/\"]}", ".rules.x.readonly[0]", "other than \"/\""},
	    {"{\"readonly\":[\"\"]}", ".rules.x.readonly[0]", "expected an absolute path"},
	    {"{\"readonly\":[\"/proc\\u0000/x\"]}", ".rules.x.readonly[0]",
	     "expected an absolute path"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(good); i++) {
		int r = check_settings("paths", good[i]);
		if (r < 0)
			fail_msg("refused %s: %s", good[i], error ? error->msg : "?");
	}
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++)
		expect_error(check_settings("paths", bad[i].settings), CFG_NAME, bad[i].path,
			     bad[i].more);
}

static void test_paths_profiles(void **state)
{
	static const char *const names[] = {"baseline", "restricted", "privileged"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		size_t len = 0;
		const char *text = rg_embedded_profile(names[i], &len);
		struct rg_json *prof = track_json(rg_json_parse(text, len, names[i], NULL, &error));
		const struct rg_json *s = at(prof, ".rules.paths");
		assert_non_null(s);
		reset_result();
		expect_ok(rg_config_check_rule("paths", s, names[i], ".rules.paths", &error));
		assert_json(rg_json_get(s, "action"), i < 2 ? "\"fix\"" : "\"off\"");
		if (i < 2) {
			assert_json(rg_json_get(s, "masked"), MASKED);
			assert_json(rg_json_get(s, "readonly"), READONLY);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_paths_cases),    T(test_paths_absent_linux), T(test_paths_spec_errors),
	    T(test_paths_settings), T(test_paths_profiles),
	};
	return cmocka_run_group_tests_name("rules/paths", tests, NULL, NULL);
}
