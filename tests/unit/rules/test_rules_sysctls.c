/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the sysctls rule (the safe namespaced set); the shipped
 * profiles' sysctls and rlimits settings. The rlimits rule: test_rules_rlimits.c.
 */
#include <sys/resource.h>

#include "rules_harness.h"

static const struct rg_host host_plain = {.seccomp_arch = "SCMP_ARCH_X86_64",
					  .go_arch = "amd64",
					  .kernel_major = 6,
					  .kernel_minor = 1,
					  .selinux_enabled = -1};

/* ================= sysctls ================= */

static const struct {
	const char *name;
	const char *settings;
	const char *in; /* linux.sysctl */
	const char *want; /* after fix */
} sysctl_cases[] = {
    {"the safe set is kept", NULL,
     "{\"kernel.shm_rmid_forced\":\"1\",\"net.ipv4.ip_local_port_range\":\"1024 65000\","
     "\"net.ipv4.tcp_syncookies\":\"1\",\"net.ipv4.ping_group_range\":\"0 0\","
     "\"net.ipv4.ip_unprivileged_port_start\":\"0\",\"net.ipv4.ip_local_reserved_ports\":"
     "\"8080\",\"net.ipv4.tcp_keepalive_time\":\"60\",\"net.ipv4.tcp_fin_timeout\":\"30\","
     "\"net.ipv4.tcp_keepalive_intvl\":\"10\",\"net.ipv4.tcp_keepalive_probes\":\"3\"}",
     NULL},
    {"others are removed, order of the rest kept", NULL,
     "{\"net.ipv4.ip_forward\":\"1\",\"net.ipv4.tcp_syncookies\":\"1\",\"kernel.msgmax\":"
     "\"65536\",\"net.core.somaxconn\":\"1024\",\"kernel.shm_rmid_forced\":\"1\"}",
     "{\"net.ipv4.tcp_syncookies\":\"1\",\"kernel.shm_rmid_forced\":\"1\"}"},
    {"runc's slash form is read as dots", NULL,
     "{\"net/ipv4/ip_forward\":\"1\",\"net/ipv4/tcp_syncookies\":\"1\"}",
     "{\"net/ipv4/tcp_syncookies\":\"1\"}"},
    {"no key walks out of an allowed file", NULL,
     "{\"net.ipv4.tcp_syncookies/../../kernel/core_pattern\":\"|/x\",\"net.ipv4.tcp_syncookies.\":"
     "\"1\",\".net.ipv4.tcp_syncookies\":\"1\",\"net..ipv4.tcp_syncookies\":\"1\",\"\":\"1\","
     "\"net.ipv4.tcp_syncookies\\u0000x\":\"1\",\"NET.ipv4.tcp_syncookies\":\"1\"}",
     "{}"},
    {"a configured list with a prefix entry", "{\"allow\":[\"net.ipv4.conf.*\",\"kernel.msg*\"]}",
     "{\"net.ipv4.conf.all.forwarding\":\"1\",\"kernel.msgmax\":\"1\",\"kernel.shm_rmid_forced\":"
     "\"1\",\"net.ipv4.conf\":\"1\",\"kernel.msg/../core_pattern\":\"x\"}",
     "{\"net.ipv4.conf.all.forwarding\":\"1\",\"kernel.msgmax\":\"1\"}"},
    {"an empty list allows nothing", "{\"allow\":[]}", "{\"kernel.shm_rmid_forced\":\"1\"}", "{}"},
    {"an empty map is fine", NULL, "{}", NULL},
};

static void test_sysctls_cases(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(sysctl_cases); i++) {
		print_message("# %s\n", sysctl_cases[i].name);
		const char *want = sysctl_cases[i].want ? sysctl_cases[i].want : sysctl_cases[i].in;
		char *text = track(rg_xasprintf("{\"linux\":{\"sysctl\":%s}}", sysctl_cases[i].in));
		struct rg_json *spec = parse(text);
		expect_ok(run_rule(&rg_rule_sysctls, sysctl_cases[i].settings, RG_ACTION_FIX, spec,
				   &host_plain));
		assert_json(at(spec, ".linux.sysctl"), want);
		size_t removed = parse(sysctl_cases[i].in)->n - parse(want)->n;
		assert_int_equal(report.n_changes, removed);
		for (size_t k = 0; k < report.n_changes; k++) {
			assert_true(rg_startswith(report.changes[k].path, ".linux.sysctl[\""));
			assert_null(report.changes[k].after);
		}
		expect_fixed_point(&rg_rule_sysctls, sysctl_cases[i].settings, spec, &host_plain);

		spec = parse(text);
		expect_ok(run_rule(&rg_rule_sysctls, sysctl_cases[i].settings, RG_ACTION_REJECT,
				   spec, &host_plain));
		assert_json(spec, text);
		assert_int_equal(report.n_violations, removed ? 1 : 0);
	}
}

static void test_sysctls_messages(void **state)
{
	struct rg_json *spec =
	    parse("{\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"1\","
		  "\"kernel.shm_rmid_forced\":\"1\",\"vm.overcommit_memory\":\"1\"}}}");
	expect_ok(run_rule(&rg_rule_sysctls, NULL, RG_ACTION_REJECT, spec, &host_plain));
	expect_violation(".linux.sysctl", "sysctls outside the allowed (namespaced, safe) set: "
					  "\"net.ipv4.ip_forward\", \"vm.overcommit_memory\"");
	expect_ok(run_rule(&rg_rule_sysctls, NULL, RG_ACTION_FIX, spec, &host_plain));
	const struct rg_change *c = find_change(".linux.sysctl[\"net.ipv4.ip_forward\"]");
	assert_non_null(c);
	assert_string_equal(c->before, "\"1\"");
	assert_string_equal(c->rule, "sysctls");

	/* No linux, no sysctl, null: nothing to do. */
	static const char *const empty[] = {"{}", "{\"linux\":null}", "{\"linux\":{}}",
					    "{\"linux\":{\"sysctl\":null}}"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(empty); i++) {
		spec = parse(empty[i]);
		expect_ok(run_rule(&rg_rule_sysctls, NULL, RG_ACTION_REJECT, spec, &host_plain));
		assert_int_equal(report.n_violations, 0);
		assert_json(spec, empty[i]);
	}
}

static void test_sysctls_errors(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} errors[] = {
	    {"{\"linux\":5}", ".linux", "expected an object, got number"},
	    {"{\"linux\":{\"sysctl\":[]}}", ".linux.sysctl", "expected an object, got array"},
	    {"{\"linux\":{\"sysctl\":{\"kernel.shm_rmid_forced\":1}}}",
	     ".linux.sysctl[\"kernel.shm_rmid_forced\"]", "expected a string, got number"},
	    {"{\"linux\":{\"sysctl\":{\"x\":\"1\",\"y\":null}}}", ".linux.sysctl[\"y\"]",
	     "got null"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(errors); i++) {
		struct rg_json *spec = parse(errors[i].spec);
		expect_error(run_rule(&rg_rule_sysctls, NULL, RG_ACTION_FIX, spec, &host_plain),
			     FILE_NAME, errors[i].path, errors[i].more);
		assert_json(spec, errors[i].spec);
	}

	static const char *const good[] = {
	    "{}",
	    "{\"allow\":[],\"action\":\"fix\"}",
	    "{\"allow\":[\"net.ipv4.conf.*\",\"kernel.msg*\",\"net.ipv4.ip-x_9\"]}",
	};
	static const struct {
		const char *settings, *path, *more;
	} bad[] = {
	    {"{\"safe\":[]}", ".rules.x.safe", "unknown setting"},
	    {"{\"allow\":\"kernel.msgmax\"}", ".rules.x.allow",
	     "expected an array of sysctl names"},
	    {"{\"allow\":[1]}", ".rules.x.allow[0]", "expected a dotted sysctl name"},
	    {"{\"allow\":[\"\"]}", ".rules.x.allow[0]", "expected a dotted sysctl name"},
	    {"{\"allow\":[\"*\"]}", ".rules.x.allow[0]", "expected a dotted sysctl name"},
	    {"{\"allow\":[\"net/ipv4/ip_forward\"]}", ".rules.x.allow[0]", "dotted"},
	    {"{\"allow\":[\"net..ipv4\"]}", ".rules.x.allow[0]", "dotted"},
	    {"{\"allow\":[\".net\"]}", ".rules.x.allow[0]", "dotted"},
	    {"{\"allow\":[\"net.\"]}", ".rules.x.allow[0]", "dotted"},
	    {"{\"allow\":[\"net.*.x\"]}", ".rules.x.allow[0]", "dotted"},
	    {"{\"allow\":[\"net.ipv4 x\"]}", ".rules.x.allow[0]", "dotted"},
	    {"{\"allow\":[\"net.ipv4\\u0000\"]}", ".rules.x.allow[0]", "dotted"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(good); i++) {
		int r = check_settings("sysctls", good[i]);
		if (r < 0)
			fail_msg("refused %s: %s", good[i], error ? error->msg : "?");
	}
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++)
		expect_error(check_settings("sysctls", bad[i].settings), CFG_NAME, bad[i].path,
			     bad[i].more);
}

static void test_profiles(void **state)
{
	static const char *const names[] = {"baseline", "restricted", "privileged"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		size_t len = 0;
		const char *text = rg_embedded_profile(names[i], &len);
		struct rg_json *prof = track_json(rg_json_parse(text, len, names[i], NULL, &error));
		static const char *const rules[] = {"sysctls", "rlimits"};
		for (size_t k = 0; k < 2; k++) {
			const struct rg_json *s = rg_json_get(at(prof, ".rules"), rules[k]);
			assert_non_null(s);
			reset_result();
			expect_ok(rg_config_check_rule(rules[k], s, names[i], rules[k], &error));
		}
		assert_json(at(prof, ".rules.sysctls.action"), i < 2 ? "\"reject\"" : "\"off\"");
		assert_json(at(prof, ".rules.rlimits.action"), i < 2 ? "\"fix\"" : "\"off\"");
		if (i < 2)
			assert_int_equal(at(prof, ".rules.sysctls.allow")->n, 10);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_sysctls_cases),
	    T(test_sysctls_messages),
	    T(test_sysctls_errors),
	    T(test_profiles),
	};
	return cmocka_run_group_tests_name("rules/sysctls", tests, NULL, NULL);
}
