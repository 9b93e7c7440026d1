/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the seccomp rule: the shipped profile inserted, resolved
 * for the host's architectures, kernel and the final capabilities.
 * The fixture (default policy, injected hosts): tests/unit/rules_fixture.h.
 */
#include <ctype.h>
#include <string.h>

#include "rules_fixture.h"

/* ================= seccomp ================= */

/* The entry naming exactly [name] with arguments, or NULL. */
static const struct rg_json *find_arg_entry(const struct rg_json *spec, const char *name)
{
	const struct rg_json *calls = at(spec, ".linux.seccomp.syscalls");
	for (size_t i = 0; rg_json_is(calls, RG_JSON_ARRAY) && i < calls->n; i++) {
		const struct rg_json *e = calls->u.items[i];
		if (names_has(e, name) && rg_json_get(e, "names")->n == 1 && rg_json_get(e, "args"))
			return e;
	}
	return NULL;
}

static const struct rg_json *find_action_entry(const struct rg_json *spec, const char *name,
					       const char *action)
{
	const struct rg_json *calls = at(spec, ".linux.seccomp.syscalls");
	for (size_t i = 0; rg_json_is(calls, RG_JSON_ARRAY) && i < calls->n; i++) {
		const struct rg_json *e = calls->u.items[i];
		const char *a = rg_json_str(rg_json_get(e, "action"));
		if (names_has(e, name) && a && rg_streq(a, action))
			return e;
	}
	return NULL;
}

/* No engine-only key anywhere, and no empty "flags" (it changes runc's behaviour). */
static void assert_plain_oci(const struct rg_json *j, const char *where)
{
	if (j->type == RG_JSON_ARRAY) {
		for (size_t i = 0; i < j->n; i++)
			assert_plain_oci(j->u.items[i], where);
		return;
	}
	if (j->type != RG_JSON_OBJECT)
		return;
	for (size_t i = 0; i < j->n; i++) {
		const struct rg_json_member *m = &j->u.members[i];
		if (rg_streq(m->key, "archMap") || rg_streq(m->key, "includes") ||
		    rg_streq(m->key, "excludes") || rg_streq(m->key, "comment"))
			fail_msg("%s: engine-only key \"%s\" left in the result", where, m->key);
		if (rg_streq(m->key, "flags") && rg_json_is(m->value, RG_JSON_ARRAY) &&
		    m->value->n == 0)
			fail_msg("%s: empty \"flags\" in the result", where);
		assert_plain_oci(m->value, where);
	}
}

static void test_seccomp_inserted_when_absent(void **state)
{
	static const char *const inputs[] = {
	    "{}",
	    "{\"linux\":{}}",
	    "{\"linux\":null}",
	    "{\"linux\":{\"seccomp\":null}}",
	    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]}},\"linux\":{}}",
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(inputs); i++) {
		struct rg_json *spec = parse(inputs[i]);
		expect_ok(run(NULL, spec, &host_amd64));
		const struct rg_json *sc = at(spec, ".linux.seccomp");
		assert_true(rg_json_is(sc, RG_JSON_OBJECT));
		assert_json(rg_json_get(sc, "defaultAction"), "\"SCMP_ACT_ERRNO\"");
		assert_json(rg_json_get(sc, "defaultErrnoRet"), "1");
		assert_json(rg_json_get(sc, "architectures"),
			    "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]");
		assert_null(rg_json_get(sc, "archMap"));
		assert_plain_oci(spec, inputs[i]);
		assert_true(has_syscall(spec, "read"));
		assert_true(has_syscall(spec, "execve"));
		/* Denied under any capabilities. */
		assert_false(has_syscall(spec, "keyctl"));
		assert_false(has_syscall(spec, "io_uring_setup"));
		assert_false(has_syscall(spec, "userfaultfd"));
		assert_false(has_syscall(spec, "perf_event_open"));

		const struct rg_change *ch = find_change(".linux.seccomp");
		assert_non_null(ch);
		assert_string_equal(ch->rule, "seccomp");
		assert_null(ch->before);
		assert_string_equal(ch->after, "\"embedded\"");
	}
}

static void test_seccomp_resolved_for_final_caps(void **state)
{
	/* The spec asks for CAP_SYS_ADMIN; the ceiling drops it before seccomp resolves. */
	const char *text = "{\"process\":{\"capabilities\":{"
			   "\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\",\"CAP_SYS_PTRACE\","
			   "\"CAP_SYS_CHROOT\"],\"effective\":[\"CAP_SYS_ADMIN\"]}}}";
	struct rg_json *spec = parse(text);

	expect_ok(run(NULL, spec, &host_amd64));
	assert_json(at(spec, ".process.capabilities.bounding"),
		    "[\"CAP_CHOWN\",\"CAP_SYS_CHROOT\"]");
	assert_false(has_syscall(spec, "mount"));
	assert_false(has_syscall(spec, "unshare"));
	assert_false(has_syscall(spec, "setns"));
	assert_false(has_syscall(spec, "pivot_root"));
	assert_false(has_syscall(spec, "kcmp")); /* CAP_SYS_PTRACE was dropped too */
	assert_true(has_syscall(spec, "chroot")); /* CAP_SYS_CHROOT was kept */
	/* Without CAP_SYS_ADMIN: the namespace-masked clone, and clone3 -> ENOSYS. */
	const struct rg_json *clone = find_arg_entry(spec, "clone");
	assert_non_null(clone);
	assert_json(at(clone, ".args[0].op"), "\"SCMP_CMP_MASKED_EQ\"");
	assert_json(at(clone, ".args[0].index"), "0");
	assert_json(at(clone, ".args[0].value"), "2114060288");
	const struct rg_json *clone3 = find_action_entry(spec, "clone3", "SCMP_ACT_ERRNO");
	assert_non_null(clone3);
	assert_json(rg_json_get(clone3, "errnoRet"), "38");
	assert_null(find_action_entry(spec, "clone3", "SCMP_ACT_ALLOW"));
	assert_plain_oci(spec, text);

	/* No CAP_SYS_CHROOT asked for: chroot is not allowed either. */
	spec = parse("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]}}}");
	expect_ok(run(NULL, spec, &host_amd64));
	assert_false(has_syscall(spec, "chroot"));
	/* No capabilities at all (runc then drops them all). */
	spec = parse("{\"process\":{}}");
	expect_ok(run(NULL, spec, &host_amd64));
	assert_false(has_syscall(spec, "chroot"));
	assert_false(has_syscall(spec, "mount"));
	assert_non_null(find_arg_entry(spec, "clone"));
}

/* The seccomp rule alone reads the bounding set it is given. */
static void test_seccomp_reads_bounding_set(void **state)
{
	struct rg_json *spec = parse("{\"process\":{\"capabilities\":{"
				     "\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_SYS_PTRACE\"]}}}");

	expect_ok(run(&rg_rule_seccomp, spec, &host_amd64));
	assert_true(has_syscall(spec, "mount"));
	assert_true(has_syscall(spec, "kcmp"));
	assert_null(find_arg_entry(spec, "clone"));
	assert_null(find_action_entry(spec, "clone3", "SCMP_ACT_ERRNO"));
	assert_non_null(find_action_entry(spec, "clone3", "SCMP_ACT_ALLOW"));
	/* effective is not what the profile conditions look at. */
	spec = parse("{\"process\":{\"capabilities\":{\"bounding\":[],"
		     "\"effective\":[\"CAP_SYS_ADMIN\"]}}}");
	expect_ok(run(&rg_rule_seccomp, spec, &host_amd64));
	assert_false(has_syscall(spec, "mount"));
}

static void test_seccomp_arches(void **state)
{
	static const struct {
		const struct rg_host *host;
		const char *architectures; /* NULL: key absent */
		const char *present[4];
		const char *absent[4];
	} cases[] = {
	    {&host_amd64,
	     "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]",
	     {"arch_prctl", "modify_ldt"},
	     {"cacheflush", "breakpoint", "s390_pci_mmio_read", "riscv_flush_icache"}},
	    {&host_arm64,
	     "[\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"]",
	     {"cacheflush", "breakpoint", "arm_fadvise64_64"},
	     {"arch_prctl", "modify_ldt", "s390_pci_mmio_read"}},
	    {&host_s390x,
	     "[\"SCMP_ARCH_S390X\",\"SCMP_ARCH_S390\"]",
	     {"s390_pci_mmio_read", "s390_runtime_instr"},
	     {"arch_prctl", "cacheflush"}},
	    {&host_unknown, NULL, {"read"}, {"arch_prctl", "cacheflush", "s390_pci_mmio_read"}},
	    {&host_odd, NULL, {"read"}, {"arch_prctl", "cacheflush", "s390_pci_mmio_read"}},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse("{}");
		expect_ok(run(NULL, spec, cases[i].host));
		assert_json(at(spec, ".linux.seccomp.architectures"), cases[i].architectures);
		assert_plain_oci(spec, "arch case");
		for (size_t k = 0; k < 4 && cases[i].present[k]; k++)
			if (!has_syscall(spec, cases[i].present[k]))
				fail_msg("case %zu: %s missing", i, cases[i].present[k]);
		for (size_t k = 0; k < 4 && cases[i].absent[k]; k++)
			if (has_syscall(spec, cases[i].absent[k]))
				fail_msg("case %zu: %s present", i, cases[i].absent[k]);
	}

	/* s390: the masked clone takes its flags in argument 1. */
	struct rg_json *spec = parse("{}");
	expect_ok(run(NULL, spec, &host_s390x));
	const struct rg_json *clone = find_arg_entry(spec, "clone");
	assert_non_null(clone);
	assert_json(at(clone, ".args[0].index"), "1");
}

static void test_seccomp_min_kernel(void **state)
{
	static const struct {
		int major, minor;
		bool has_ptrace;
	} cases[] = {
	    {6, 1, true},  {4, 8, true},  {4, 9, true},	  {5, 0, true},
	    {4, 7, false}, {4, 4, false}, {3, 19, false}, {0, 0, false},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_host h = host_amd64;
		h.kernel_major = cases[i].major;
		h.kernel_minor = cases[i].minor;
		struct rg_json *spec = parse("{}");
		expect_ok(run(NULL, spec, &h));
		if (has_syscall(spec, "ptrace") != cases[i].has_ptrace)
			fail_msg("kernel %d.%d: ptrace %s", cases[i].major, cases[i].minor,
				 cases[i].has_ptrace ? "missing" : "present");
	}
}

/* Profiles that let everything through are replaced. */
static void test_seccomp_allow_all_replaced(void **state)
{
	static const char *const open_profiles[] = {
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}",
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}",
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":null}",
	    "{\"defaultAction\":\"SCMP_ACT_LOG\"}",
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
	    "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\"},"
	    "{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
	    "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"]}",
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(open_profiles); i++) {
		char *text = track(rg_xasprintf("{\"linux\":{\"seccomp\":%s}}", open_profiles[i]));
		struct rg_json *spec = parse(text);
		expect_ok(run(NULL, spec, &host_amd64));
		assert_json(at(spec, ".linux.seccomp.defaultAction"), "\"SCMP_ACT_ERRNO\"");
		assert_null(at(spec, ".linux.seccomp.flags"));
		assert_plain_oci(spec, text);
		const struct rg_change *ch = find_change(".linux.seccomp");
		assert_non_null(ch);
		assert_non_null(ch->before);
		assert_string_equal(ch->after, "\"embedded\"");
	}
}

/*
 * runc's SetupSeccomp treats a linux.seccomp with an empty defaultAction and
 * no syscalls as "seccomp disabled" (`if config.DefaultAction == "" &&
 * len(config.Syscalls) == 0 { return nil, nil }`), so these run unconfined
 * and must be replaced like an absent profile.
 */
static void test_seccomp_runc_disabled_replaced(void **state)
{
	static const char *const disabled[] = {
	    "{}",
	    "{\"defaultAction\":\"\"}",
	    "{\"syscalls\":[]}",
	    "{\"defaultAction\":\"\",\"syscalls\":null}",
	    "{\"architectures\":[\"SCMP_ARCH_X86_64\"]}",
	};

	struct rg_buf left = {0};

	for (size_t i = 0; i < RG_ARRAY_SIZE(disabled); i++) {
		char *text = track(rg_xasprintf("{\"linux\":{\"seccomp\":%s}}", disabled[i]));
		struct rg_json *spec = parse(text);
		expect_ok(run(NULL, spec, &host_amd64));
		if (!rg_json_equal(at(spec, ".linux.seccomp.defaultAction"),
				   parse("\"SCMP_ACT_ERRNO\"")))
			rg_buf_printf(&left, "  %s\n", disabled[i]);
	}
	char *msg = track(rg_buf_steal(&left));
	if (*msg)
		fail_msg("runc runs these linux.seccomp values with no filter at all, but they "
			 "were left in place:\n%s",
			 msg);
}

static void test_seccomp_denying_profiles_untouched(void **state)
{
	static const char *const kept[] = {
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
	    "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
	    "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\"},"
	    "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_KILL\"}]}",
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
	    "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}",
	    "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"flags\":[],\"x-extra\":1e3}",
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
	    "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":[{\"names\":[\"clone\"],"
	    "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288,"
	    "\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}],\"includes\":{}}]}",
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(kept); i++) {
		char *text = track(rg_xasprintf("{\"linux\":{\"seccomp\":%s}}", kept[i]));
		struct rg_json *spec = parse(text);
		expect_ok(run(&rg_rule_seccomp, spec, &host_amd64));
		assert_string_equal(emit(spec), emit(parse(text)));
		assert_int_equal(report.n_changes, 0);
	}
}

static void test_seccomp_wrong_types(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} cases[] = {
	    {"{\"linux\":\"x\"}", ".linux", "expected an object, got string"},
	    {"{\"linux\":[]}", ".linux", "got array"},
	    {"{\"linux\":{\"seccomp\":[]}}", ".linux.seccomp", "expected an object, got array"},
	    {"{\"linux\":{\"seccomp\":\"unconfined\"}}", ".linux.seccomp", "got string"},
	    {"{\"linux\":{\"seccomp\":false}}", ".linux.seccomp", "got boolean"},
	    {"{\"linux\":{\"seccomp\":{\"defaultAction\":5}}}", ".linux.seccomp.defaultAction",
	     "expected a string, got number"},
	    {"{\"linux\":{\"seccomp\":{\"defaultAction\":null}}}", ".linux.seccomp.defaultAction",
	     "got null"},
	    {"{\"linux\":{\"seccomp\":{\"defaultAction\":[\"SCMP_ACT_ALLOW\"]}}}",
	     ".linux.seccomp.defaultAction", "got array"},
	    {"{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}}}",
	     ".linux.seccomp.syscalls", "expected an array, got object"},
	    {"{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[5]}}}",
	     ".linux.seccomp.syscalls[0]", "expected an object"},
	    /* Wrong types are refused whatever the default action. */
	    {"{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":{}}}}",
	     ".linux.seccomp.syscalls", "expected an array, got object"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(NULL, spec, &host_amd64), FILE_NAME, cases[i].path, cases[i].more);
	}
}

/* ---- a synthetic engine-style profile, to pin the resolution rules ---- */

static const char synthetic_profile[] =
    "{\"comment\":\"top\",\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[],"
    "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":"
    "[\"SCMP_ARCH_X86\"]},{\"architecture\":\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[]}],"
    "\"syscalls\":["
    "{\"names\":[\"always\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"c\"},"
    "{\"names\":[\"inc_two_caps\"],\"action\":\"SCMP_ACT_ALLOW\","
    "\"includes\":{\"caps\":[\"CAP_CHOWN\",\"CAP_KILL\"]}},"
    "{\"names\":[\"exc_any_cap\"],\"action\":\"SCMP_ACT_ALLOW\","
    "\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\",\"CAP_KILL\"]}},"
    "{\"names\":[\"inc_amd64\"],\"action\":\"SCMP_ACT_ALLOW\","
    "\"includes\":{\"arches\":[\"amd64\",\"x86\"]}},"
    "{\"names\":[\"exc_amd64\"],\"action\":\"SCMP_ACT_ALLOW\","
    "\"excludes\":{\"arches\":[\"amd64\"]}},"
    "{\"names\":[\"inc_k58\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"5.8\"}},"
    "{\"names\":[\"inc_k510\"],\"action\":\"SCMP_ACT_ALLOW\","
    "\"includes\":{\"minKernel\":\"5.10\"}},"
    "{\"names\":[\"exc_k58\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"minKernel\":\"5.8\"}},"
    "{\"names\":[\"inc_empty\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{},\"excludes\":{}}"
    "]}";

/* What both x86 hosts' profiles list: the native and the 32-bit architecture. */
#define X86_ARCHES "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]"

static void test_seccomp_resolution_rules(void **state)
{
	static const struct {
		const struct rg_host *host;
		int major, minor;
		const char *bounding;
		const char *want_arches;
		const char *want_names; /* the syscalls kept, in order */
	} cases[] = {
	    {&host_amd64, 6, 1, "[\"CAP_CHOWN\",\"CAP_KILL\"]", X86_ARCHES,
	     "[\"always\",\"inc_two_caps\",\"inc_amd64\",\"inc_k58\",\"inc_k510\",\"inc_empty\"]"},
	    {&host_arm64, 5, 4, "[\"CAP_CHOWN\"]", "[\"SCMP_ARCH_AARCH64\"]",
	     "[\"always\",\"exc_any_cap\",\"exc_amd64\",\"exc_k58\",\"inc_empty\"]"},
	    {&host_amd64, 5, 8, "[\"CAP_KILL\"]", X86_ARCHES,
	     "[\"always\",\"inc_amd64\",\"inc_k58\",\"inc_empty\"]"},
	    /* 5.10 > 5.9: versions compare as numbers, not as text. */
	    {&host_amd64, 5, 9, "[]", X86_ARCHES,
	     "[\"always\",\"exc_any_cap\",\"inc_amd64\",\"inc_k58\",\"inc_empty\"]"},
	    {&host_unknown, 5, 10, "[\"CAP_SYS_ADMIN\"]", NULL,
	     "[\"always\",\"exc_amd64\",\"inc_k58\",\"inc_k510\",\"inc_empty\"]"},
	};
	const struct rg_policy *p =
	    load_policy_with_profile("synthetic", synthetic_profile, strlen(synthetic_profile));

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_host h = *cases[i].host;
		h.kernel_major = cases[i].major;
		h.kernel_minor = cases[i].minor;
		char *text = track(rg_xasprintf(
		    "{\"process\":{\"capabilities\":{\"bounding\":%s}}}", cases[i].bounding));
		struct rg_json *spec = parse(text);
		expect_ok(run_policy(p, &rg_rule_seccomp, spec, &h));

		struct rg_json *got = track_json(rg_json_new(RG_JSON_ARRAY));
		const struct rg_json *calls = at(spec, ".linux.seccomp.syscalls");
		for (size_t k = 0; calls && k < calls->n; k++)
			rg_json_append(got, rg_json_clone(at(calls->u.items[k], ".names[0]")));
		if (!rg_json_equal(got, parse(cases[i].want_names)) ||
		    !rg_json_equal(at(spec, ".linux.seccomp.architectures"),
				   cases[i].want_arches ? parse(cases[i].want_arches) : NULL))
			fail_msg("case %zu: want %s arches %s\n got %s arches %s", i,
				 cases[i].want_names,
				 cases[i].want_arches ? cases[i].want_arches : "(none)", emit(got),
				 at(spec, ".linux.seccomp.architectures")
				     ? emit(at(spec, ".linux.seccomp.architectures"))
				     : "(none)");
		/* comments, conditions and the empty flags are gone */
		assert_plain_oci(spec, "synthetic profile");
		assert_null(at(spec, ".linux.seccomp.flags"));
	}
}

/* A profile's non-empty flags are kept as the operator wrote them. */
static void test_seccomp_nonempty_flags_kept(void **state)
{
	static const char prof[] = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":"
				   "[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],\"syscalls\":[]}";
	const struct rg_policy *p = load_policy_with_profile("flags", prof, strlen(prof));
	struct rg_json *spec = parse("{}");

	expect_ok(run_policy(p, NULL, spec, &host_amd64));
	assert_json(at(spec, ".linux.seccomp"), prof);
}

static int groups(void)
{
	const struct CMUnitTest seccomp[] = {
	    T(test_seccomp_inserted_when_absent),
	    T(test_seccomp_resolved_for_final_caps),
	    T(test_seccomp_reads_bounding_set),
	    T(test_seccomp_arches),
	    T(test_seccomp_min_kernel),
	    T(test_seccomp_allow_all_replaced),
	    T(test_seccomp_runc_disabled_replaced),
	    T(test_seccomp_denying_profiles_untouched),
	    T(test_seccomp_wrong_types),
	    T(test_seccomp_resolution_rules),
	    T(test_seccomp_nonempty_flags_kept),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/seccomp", seccomp, NULL, NULL);
	return failed;
}

int main(void)
{
	return fixture_main(groups);
}
