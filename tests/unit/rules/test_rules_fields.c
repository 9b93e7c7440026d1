/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the fields rule (the spec allowlist), and that README lists every field. */
#include "../../../src/rules/fields.h"
#include "runguard/fileio.h"
#include "rules_harness.h"

static const struct rg_host host_plain = {.seccomp_arch = "SCMP_ARCH_X86_64",
					  .go_arch = "amd64",
					  .kernel_major = 6,
					  .kernel_minor = 1,
					  .selinux_enabled = -1};

/* Specs every field of which is known and harmless or judged elsewhere: nothing to say. */
static const char *const clean[] = {
    "{}",
    "{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":true,\"consoleSize\":{\"height\":1,"
    "\"width\":2},\"user\":{\"uid\":0,\"gid\":0,\"umask\":18,\"additionalGids\":[1]},"
    "\"args\":[\"sh\"],\"env\":[],\"cwd\":\"/\",\"capabilities\":{\"bounding\":[]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1}],\"noNewPrivileges\":true,"
    "\"oomScoreAdj\":-997,\"apparmorProfile\":\"x\",\"selinuxLabel\":\"y\"},"
    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"h\",\"domainname\":\"d\"}",
    "{\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\","
    "\"options\":[]}],\"hooks\":{\"prestart\":[{\"path\":\"/x\",\"args\":[],\"env\":[],"
    "\"timeout\":1}]},\"annotations\":{\"any.key\":\"v\"}}",
    "{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":\"\"}],\"uidMappings\":[{"
    "\"containerID\":0,\"hostID\":1,\"size\":1}],\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\","
    "\"major\":1,\"minor\":3,\"fileMode\":438,\"uid\":0,\"gid\":0}],\"cgroupsPath\":\"/a\","
    "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],\"memory\":{\"limit\":1,"
    "\"swap\":2,\"swappiness\":0},\"cpu\":{\"shares\":2,\"cpus\":\"0\",\"idle\":0},\"pids\":{"
    "\"limit\":1},\"blockIO\":{\"weight\":10},\"hugepageLimits\":[],\"unified\":{\"a.b\":\"c\"}},"
    "\"sysctl\":{\"k\":\"v\"},\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]},"
    "\"maskedPaths\":[],\"readonlyPaths\":[],\"rootfsPropagation\":\"rprivate\","
    "\"mountLabel\":\"z\",\"timeOffsets\":{},\"memoryPolicy\":{}}}",
    /* null is absent to Go, whatever the field */
    "{\"linux\":{\"intelRdt\":null,\"netDevices\":null},\"x-unknown\":null}",
    /* safe values of the checked fields */
    "{\"process\":{\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":5,\"flags\":["
    "\"SCHED_FLAG_RESET_ON_FORK\"]},\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\","
    "\"priority\":7}},\"linux\":{\"personality\":{\"domain\":\"LINUX32\",\"flags\":[]}}}",
    /* other platforms' sections are ignored by runc and crun */
    "{\"windows\":{\"x\":1},\"solaris\":{},\"vm\":{},\"zos\":{}}",
};

static void test_fields_clean(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(clean); i++) {
		struct rg_json *spec = parse(clean[i]);
		expect_ok(run_rule(&rg_rule_fields, NULL, RG_ACTION_REJECT, spec, &host_plain));
		if (report.n_violations)
			fail_msg("case %zu: %s: %s", i, report.violations[0].path,
				 report.violations[0].msg);
		assert_int_equal(report.n_changes, 0);
		assert_json(spec, clean[i]);
	}
}

/* Refused fields and values: where, why, and what fix does. */
static const struct {
	const char *spec;
	const char *path;
	const char *more;
	bool is_fixable; /* fix removes it; else a violation whatever the action */
} refused[] = {
    {"{\"linux\":{\"intelRdt\":{\"closID\":\"x\"}}}", ".linux.intelRdt", "resctrl", true},
    {"{\"linux\":{\"intelRdt\":{}}}", ".linux.intelRdt", "resctrl", true},
    {"{\"linux\":{\"netDevices\":{\"eth0\":{}}}}", ".linux.netDevices", "network interface", true},
    {"{\"mounts\":[{\"destination\":\"/m\"},{\"destination\":\"/x\",\"uidMappings\":[]}]}",
     ".mounts[1].uidMappings", "idmapped", true},
    {"{\"mounts\":[{\"destination\":\"/x\",\"gidMappings\":[{\"containerID\":0}]}]}",
     ".mounts[0].gidMappings", "idmapped", true},
    {"{\"process\":{\"scheduler\":{\"policy\":\"SCHED_FIFO\",\"priority\":99}}}",
     ".process.scheduler", "real-time", true},
    {"{\"process\":{\"scheduler\":{\"policy\":\"SCHED_DEADLINE\"}}}", ".process.scheduler",
     "real-time", true},
    {"{\"process\":{\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":-20}}}",
     ".process.scheduler", "negative nice", true},
    {"{\"process\":{\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"flags\":["
     "\"SCHED_FLAG_RECLAIM\"]}}}",
     ".process.scheduler", "flags", true},
    {"{\"process\":{\"scheduler\":{\"nice\":1}}}", ".process.scheduler", "SCHED_OTHER", true},
    {"{\"process\":{\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\"}}}", ".process.ioPriority",
     "real-time", true},
    {"{\"process\":{\"ioPriority\":5}}", ".process.ioPriority", "expected an object", true},
    {"{\"linux\":{\"personality\":{\"domain\":\"LINUX\",\"flags\":[\"ADDR_NO_RANDOMIZE\"]}}}",
     ".linux.personality", "flags", true},
    {"{\"linux\":{\"personality\":{\"domain\":\"SVR4\"}}}", ".linux.personality", "domains", true},
    /* unknown keys, at every level the table describes */
    {"{\"x-top\":1}", ".x-top", "unknown field", false},
    {"{\"process\":{\"x\":{}}}", ".process.x", "unknown field", false},
    {"{\"process\":{\"user\":{\"uid\":0,\"groups\":[0]}}}", ".process.user.groups", "unknown field",
     false},
    {"{\"process\":{\"capabilities\":{\"all\":true}}}", ".process.capabilities.all",
     "unknown field", false},
    {"{\"linux\":{\"resources\":{\"memory\":{\"highLimit\":1}}}}",
     ".linux.resources.memory.highLimit", "unknown field", false},
    {"{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"x\":1}}}", ".linux.seccomp.x",
     "unknown field", false},
    {"{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"net\",\"flags\":1}]}}",
     ".linux.namespaces[1].flags", "unknown field", false},
    {"{\"hooks\":{\"prestart\":[{\"path\":\"/x\",\"user\":\"root\"}]}}", ".hooks.prestart[0].user",
     "unknown field", false},
    {"{\"hooks\":{\"preStart\":[]}}", ".hooks.preStart", "unknown field", false},
    {"{\"linux\":{\"Resources\":{}}}", ".linux.Resources", "unknown field", false},
};

static void test_fields_refused(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(refused); i++) {
		print_message("# %s\n", refused[i].spec);
		struct rg_json *spec = parse(refused[i].spec);
		expect_ok(run_rule(&rg_rule_fields, NULL, RG_ACTION_REJECT, spec, &host_plain));
		expect_violation(refused[i].path, refused[i].more);
		assert_int_equal(report.n_violations, 1);
		assert_json(spec, refused[i].spec);

		expect_ok(run_rule(&rg_rule_fields, NULL, RG_ACTION_FIX, spec, &host_plain));
		if (!refused[i].is_fixable) {
			/* Removing a field it does not understand would lose it. */
			expect_violation(refused[i].path, refused[i].more);
			assert_json(spec, refused[i].spec);
			continue;
		}
		assert_int_equal(report.n_violations, 0);
		const struct rg_change *c = find_change(refused[i].path);
		assert_non_null(c);
		assert_null(c->after);
		assert_null(at(spec, refused[i].path));
		expect_fixed_point(&rg_rule_fields, NULL, spec, &host_plain);
	}
}

static void test_fields_allow(void **state)
{
	static const char *const settings =
	    "{\"allow\":[\".linux.intelRdt\",\".mounts[].uidMappings\",\".x-vendor\","
	    "\".process.x\"]}";
	static const char *const text =
	    "{\"x-vendor\":{\"deep\":{\"any\":1}},\"process\":{\"x\":1,\"y\":2},\"linux\":{"
	    "\"intelRdt\":{\"closID\":\"c\"}},\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":"
	    "[]},{\"destination\":\"/b\",\"gidMappings\":[]}]}";
	struct rg_json *spec = parse(text);

	expect_ok(run_rule(&rg_rule_fields, settings, RG_ACTION_REJECT, spec, &host_plain));
	assert_int_equal(report.n_violations, 2);
	expect_violation(".process.y", "unknown field");
	expect_violation(".mounts[1].gidMappings", "idmapped");
	assert_json(spec, text);

	assert_int_equal(check_settings("fields", settings), 0);
	assert_int_equal(check_settings("fields", "{\"allow\":[]}"), 0);
	assert_int_equal(check_settings("fields", "{}"), 0);
	assert_true(check_settings("fields", "{\"allow\":\".x\"}") < 0);
	assert_true(check_settings("fields", "{\"allow\":[\"linux.intelRdt\"]}") < 0);
	assert_non_null(strstr(error->msg, ".rules.x.allow[0]"));
	assert_true(check_settings("fields", "{\"allow\":[1]}") < 0);
	assert_true(check_settings("fields", "{\"deny\":[]}") < 0);
}

/* README's table names every field with its verdict, so the documentation follows the code. */
struct doc_check {
	const char *readme;
	size_t n;
};

static void check_documented(const char *path, enum rg_field_verdict v, const char *why, void *data)
{
	static const char *const words[] = {
	    [RG_FIELD_NESTED] = "?",	      [RG_FIELD_JUDGED] = "judged",
	    [RG_FIELD_HARMLESS] = "harmless", [RG_FIELD_CHECKED] = "checked",
	    [RG_FIELD_REFUSED] = "refused",
	};
	struct doc_check *d = data;
	char *row = track(rg_xasprintf("| `%s` | %s |", path, words[v]));
	if (!strstr(d->readme, row))
		fail_msg("README.md has no row starting '%s' (%s)", row, why);
	d->n++;
}

static void test_fields_documented(void **state)
{
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(rg_file_read("README.md", 1u << 20, &text, &len, &error), 0);
	struct doc_check d = {.readme = track(text)};
	rg_fields_each(check_documented, &d);
	assert_true(d.n > 80);
}

static void test_fields_in_profiles(void **state)
{
	static const char *const names[] = {"baseline", "restricted", "privileged"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		size_t len = 0;
		const char *text = rg_embedded_profile(names[i], &len);
		struct rg_json *prof = track_json(rg_json_parse(text, len, names[i], NULL, &error));
		assert_json(at(prof, ".rules.fields.action"), i < 2 ? "\"reject\"" : "\"off\"");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_fields_clean),      T(test_fields_refused),	   T(test_fields_allow),
	    T(test_fields_documented), T(test_fields_in_profiles),
	};
	return cmocka_run_group_tests_name("rules/fields", tests, NULL, NULL);
}
