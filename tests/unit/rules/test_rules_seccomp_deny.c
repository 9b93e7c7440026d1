/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the seccompDeny rule: allowlist and denylist profiles that
 * allow the must-deny set, clone with CLONE_NEWUSER under runc's argument
 * semantics on amd64 and s390x, clone3, fix and reject, the spec's and the
 * settings' error paths, and the shipped default profile (which must
 * already honour the set, so that the rule changes nothing in it).
 */
#include <errno.h>
#include <sched.h>

#include "rules_harness.h"

#define NU "268435456" /* CLONE_NEWUSER */

static const struct rg_host host_amd64 = {.seccomp_arch = "SCMP_ARCH_X86_64",
					  .go_arch = "amd64",
					  .kernel_major = 6,
					  .kernel_minor = 1,
					  .selinux_enabled = -1};
static const struct rg_host host_s390x = {.seccomp_arch = "SCMP_ARCH_S390X",
					  .go_arch = "s390x",
					  .kernel_major = 6,
					  .kernel_minor = 1,
					  .selinux_enabled = -1};

static const struct rg_rule *const rule = &rg_rule_seccomp_deny;

#define ALL16                                                                                      \
	"[\"keyctl\",\"add_key\",\"request_key\",\"bpf\",\"perf_event_open\",\"userfaultfd\","     \
	"\"io_uring_setup\",\"io_uring_enter\",\"io_uring_register\",\"kexec_load\","              \
	"\"kexec_file_load\",\"init_module\",\"finit_module\",\"delete_module\","                  \
	"\"open_by_handle_at\",\"unshare\"]"
#define ERRNO_ALL16 "{\"names\":" ALL16 ",\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}"
#define CLONE_RULE(idx)                                                                            \
	"{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"args\":[{"          \
	"\"index\":" #idx ",\"value\":" NU ",\"valueTwo\":" NU ",\"op\":\"SCMP_CMP_MASKED_EQ\"}]}"
#define CLONE3_RULE "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}"
#define MASK_ALLOW(idx)                                                                            \
	"{\"index\":" #idx ",\"value\":" NU ",\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}"
#define ALLOW "\"action\":\"SCMP_ACT_ALLOW\""
#define NOCAP "{\"denyByCapability\":false}"

/* ================= table: profile in, syscalls out ================= */

static const struct {
	const char *name;
	const char *settings;
	const struct rg_host *host;
	const char *in; /* linux.seccomp */
	const char *want; /* linux.seccomp after the rule */
} cases[] = {
    {"allowlist allowing keyctl and unshare: removed, an EPERM rule added", NULL, &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\",\"keyctl\","
     "\"write\",\"unshare\"]," ALLOW "}]}",
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\",\"write\"]," ALLOW
     "},{\"names\":[\"keyctl\",\"unshare\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}"},
    {"an entry left with no names is dropped; conditional allows count too", NULL, &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":[{\"names\":[\"bpf\"]," ALLOW
     "},{\"names\":[\"read\"]," ALLOW "},{\"names\":[\"perf_event_open\"]," ALLOW
     ",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
     "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":[{\"names\":[\"read\"]," ALLOW
     "},{\"names\":[\"bpf\",\"perf_event_open\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}"
     "]}"},
    {"an entry that had no names to begin with is left alone", NULL, &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[]," ALLOW
     "},{\"names\":[\"bpf\"]," ALLOW "}]}",
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[]," ALLOW
     "},{\"names\":[\"bpf\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}"},
    {"LOG, TRACE and NOTIFY entries let a syscall run: permissive", NULL, &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"keyctl\"],\"action\":"
     "\"SCMP_ACT_LOG\"},{\"names\":[\"add_key\"],\"action\":\"SCMP_ACT_TRACE\"},{\"names\":["
     "\"bpf\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"keyctl\",\"add_key\","
     "\"bpf\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}"},
    {"denylist: every must-deny syscall, clone with CLONE_NEWUSER and clone3 denied", NULL,
     &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mount\"],\"action\":"
     "\"SCMP_ACT_ERRNO\"}]}",
     "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mount\"],\"action\":"
     "\"SCMP_ACT_ERRNO\"}," ERRNO_ALL16 "," CLONE_RULE(0) "," CLONE3_RULE "]}"},
    {"denylist on s390x: the flags are argument 1", NULL, &host_s390x,
     "{\"defaultAction\":\"SCMP_ACT_LOG\"}",
     "{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":[" ERRNO_ALL16
     "," CLONE_RULE(1) "," CLONE3_RULE "]}"},
    {"denylist: what is denied outright already is not added again", NULL, &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"keyctl\",\"bpf\"],"
     "\"action\":\"SCMP_ACT_KILL\"},{\"names\":[\"add_key\"],\"action\":\"SCMP_ACT_ERRNO\","
     "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}," CLONE_RULE(0) "]}",
     "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"keyctl\",\"bpf\"],"
     "\"action\":\"SCMP_ACT_KILL\"},{\"names\":[\"add_key\"],\"action\":\"SCMP_ACT_ERRNO\","
     "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}," CLONE_RULE(
	 0) ",{\"names\":[\"add_key\",\"request_key\",\"perf_event_open\",\"userfaultfd\","
	    "\"io_uring_setup\",\"io_uring_enter\",\"io_uring_register\",\"kexec_load\","
	    "\"kexec_file_load\",\"init_module\",\"finit_module\",\"delete_module\","
	    "\"open_by_handle_at\",\"unshare\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}"
	    "," CLONE3_RULE "]}"},
    {"denylist allowing clone outright: the entry is narrowed", NULL, &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"clone\",\"fork\"]," ALLOW
     "}," ERRNO_ALL16 "," CLONE3_RULE "]}",
     "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"fork\"]," ALLOW
     "},{\"names\":[\"clone\"]," ALLOW ",\"args\":[" MASK_ALLOW(0) "]}," ERRNO_ALL16 "," CLONE3_RULE
								   "," CLONE_RULE(0) "]}"},
    {"empty default action with rules: read as allowing, made explicit", NULL, &host_amd64,
     "{\"defaultAction\":\"\",\"syscalls\":[{\"names\":[\"mount\"],\"action\":"
     "\"SCMP_ACT_ERRNO\"}]}",
     "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mount\"],\"action\":"
     "\"SCMP_ACT_ERRNO\"}," ERRNO_ALL16 "," CLONE_RULE(0) "," CLONE3_RULE "]}"},
    {"an allowlist that allows none of it is left alone", NULL, &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":["
     "\"read\",\"clone\"]," ALLOW ",\"args\":[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,"
     "\"op\":\"SCMP_CMP_MASKED_EQ\"}]},{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ALLOW\","
     "\"x-extension\":[1e3]}]}",
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":["
     "\"read\",\"clone\"]," ALLOW ",\"args\":[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,"
     "\"op\":\"SCMP_CMP_MASKED_EQ\"}]},{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ALLOW\","
     "\"x-extension\":[1e3]}]}"},
    {"allowlist allowing clone3: ENOSYS, so that libc falls back to clone", NULL, &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"clone3\",\"read\"]," ALLOW
     "}]}",
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"]," ALLOW
     "}," CLONE3_RULE "]}"},
    {"denyCloneNewUser false: clone and clone3 left as they are", "{\"denyCloneNewUser\":false}",
     &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"clone\",\"clone3\"]," ALLOW
     "}]}",
     "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"clone\",\"clone3\"]," ALLOW
     "}," ERRNO_ALL16 "]}"},
    {"a configured list replaces the default one",
     "{\"syscalls\":[\"mount\",\"keyctl\",\"mount\"],"
     "\"denyCloneNewUser\":false}",
     &host_amd64,
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"mount\",\"bpf\","
     "\"unshare\"]," ALLOW "}]}",
     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"bpf\",\"unshare\"]," ALLOW
     "},{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}"},
    {"an empty list and no clone rule: nothing to do",
     "{\"syscalls\":[],"
     "\"denyCloneNewUser\":false}",
     &host_amd64, "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}",
     "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"},
};

/*
 * The table's settings with denyByCapability off: these cases are about the
 * deny list and clone; the capability-derived names are tested apart.
 */
static const char *no_caps(const char *settings)
{
	if (!settings)
		return NOCAP;
	return track(rg_xasprintf("{\"denyByCapability\":false,%s", settings + 1));
}

static void test_seccomp_deny_cases(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		print_message("# %s\n", cases[i].name);
		const char *settings = no_caps(cases[i].settings);
		char *text = track(rg_xasprintf("{\"linux\":{\"seccomp\":%s}}", cases[i].in));
		struct rg_json *spec = parse(text);
		expect_ok(run_rule(rule, settings, RG_ACTION_FIX, spec, cases[i].host));
		assert_json(at(spec, ".linux.seccomp"), cases[i].want);
		bool is_changed = !rg_json_equal(parse(cases[i].in), parse(cases[i].want));
		assert_int_equal(report.n_changes > 0, is_changed);
		assert_int_equal(report.n_violations, 0);
		expect_fixed_point(rule, settings, spec, cases[i].host);

		/* reject: the same finding refuses, nothing is rewritten. */
		spec = parse(text);
		expect_ok(run_rule(rule, settings, RG_ACTION_REJECT, spec, cases[i].host));
		assert_json(at(spec, ".linux.seccomp"), cases[i].in);
		assert_int_equal(report.n_changes, 0);
		assert_int_equal(report.n_violations, is_changed ? 1 : 0);
		if (is_changed)
			expect_violation(".linux.seccomp",
					 "permits syscalls that must be denied: ");
	}
}

/* ================= clone entries under runc's semantics ================= */

static const struct {
	const char *name;
	const struct rg_host *host;
	const char *args; /* of a permissive clone entry in an allowlist */
	const char *fixed; /* the entries that replace it, as a JSON array */
} clone_cases[] = {
    {"no condition: a mask is added", &host_amd64, NULL,
     "[{\"names\":[\"clone\"]," ALLOW ",\"args\":[" MASK_ALLOW(0) "]}]"},
    {"no condition on s390x: on argument 1", &host_s390x, NULL,
     "[{\"names\":[\"clone\"]," ALLOW ",\"args\":[" MASK_ALLOW(1) "]}]"},
    {"empty args", &host_amd64, "[]",
     "[{\"names\":[\"clone\"]," ALLOW ",\"args\":[" MASK_ALLOW(0) "]}]"},
    {"a condition on another argument: ANDed with the mask", &host_amd64,
     "[{\"index\":2,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]",
     "[{\"names\":[\"clone\"]," ALLOW ",\"args\":[{\"index\":2,\"value\":0,\"op\":"
     "\"SCMP_CMP_EQ\"}," MASK_ALLOW(0) "]}]"},
    {"moby's mask over all namespace flags: safe", &host_amd64,
     "[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]", NULL},
    {"moby's s390 entry on amd64: the flags argument gets the mask", &host_amd64,
     "[{\"index\":1,\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]",
     "[{\"names\":[\"clone\"]," ALLOW ",\"args\":[{\"index\":1,\"value\":2114060288,"
     "\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}," MASK_ALLOW(0) "]}]"},
    {"a mask without CLONE_NEWUSER: merged into it", &host_amd64,
     "[{\"index\":0,\"value\":131072,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]",
     "[{\"names\":[\"clone\"]," ALLOW ",\"args\":[{\"index\":0,\"value\":268566528,"
     "\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]"},
    {"a mask that only matches CLONE_NEWUSER: dropped", &host_amd64,
     "[{\"index\":0,\"value\":" NU ",\"valueTwo\":" NU ",\"op\":\"SCMP_CMP_MASKED_EQ\"}]", "[]"},
    {"a mask that can never match: safe", &host_amd64,
     "[{\"index\":0,\"value\":1,\"valueTwo\":2,\"op\":\"SCMP_CMP_MASKED_EQ\"}]", NULL},
    {"EQ without CLONE_NEWUSER: safe", &host_amd64,
     "[{\"index\":0,\"value\":17,\"op\":\"SCMP_CMP_EQ\"}]", NULL},
    {"EQ with CLONE_NEWUSER: dropped", &host_amd64,
     "[{\"index\":0,\"value\":268435473,\"op\":\"SCMP_CMP_EQ\"}]", "[]"},
    {"LT up to the bit: safe", &host_amd64,
     "[{\"index\":0,\"value\":" NU ",\"op\":\"SCMP_CMP_LT\"}]", NULL},
    {"LT above the bit: dropped", &host_amd64,
     "[{\"index\":0,\"value\":268435457,\"op\":\"SCMP_CMP_LT\"}]", "[]"},
    {"LE below the bit: safe", &host_amd64,
     "[{\"index\":0,\"value\":268435455,\"op\":\"SCMP_CMP_LE\"}]", NULL},
    {"LE at the bit: dropped", &host_amd64,
     "[{\"index\":0,\"value\":" NU ",\"op\":\"SCMP_CMP_LE\"}]", "[]"},
    {"NE: dropped", &host_amd64, "[{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_NE\"}]", "[]"},
    {"GT: dropped", &host_amd64, "[{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_GT\"}]", "[]"},
    {"GE: dropped", &host_amd64, "[{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_GE\"}]", "[]"},
    {"two conditions on one argument are ORed by runc: fixed one by one", &host_amd64,
     "[{\"index\":0,\"value\":17,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":5,\"op\":"
     "\"SCMP_CMP_GT\"},{\"index\":3,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]",
     "[{\"names\":[\"clone\"]," ALLOW ",\"args\":[{\"index\":0,\"value\":17,\"op\":"
     "\"SCMP_CMP_EQ\"}]},{\"names\":[\"clone\"]," ALLOW ",\"args\":[{\"index\":3,\"value\":0,"
     "\"op\":\"SCMP_CMP_EQ\"}," MASK_ALLOW(0) "]}]"},
};

static void test_seccomp_deny_clone_entries(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(clone_cases); i++) {
		print_message("# %s\n", clone_cases[i].name);
		const char *args = clone_cases[i].args;
		char *entry = track(rg_xasprintf("{\"names\":[\"clone\"]," ALLOW "%s%s}",
						 args ? ",\"args\":" : "", args ? args : ""));
		char *text = track(rg_xasprintf(
		    "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		    "{\"names\":[\"read\"]," ALLOW "},%s]}}}",
		    entry));
		struct rg_json *spec = parse(text);
		expect_ok(run_rule(rule, NULL, RG_ACTION_FIX, spec, clone_cases[i].host));
		const struct rg_json *calls = at(spec, ".linux.seccomp.syscalls");
		if (!clone_cases[i].fixed) {
			assert_int_equal(report.n_changes, 0);
			assert_json(calls->u.items[1], entry);
			continue;
		}
		/* read, the replacements, then the ERRNO rule for clone(CLONE_NEWUSER). */
		struct rg_json *want = parse(clone_cases[i].fixed);
		unsigned idx = clone_cases[i].host == &host_s390x ? 1 : 0;
		assert_int_equal(calls->n, 1 + want->n + 1);
		assert_json(calls->u.items[0], "{\"names\":[\"read\"]," ALLOW "}");
		for (size_t k = 0; k < want->n; k++)
			assert_true(rg_json_equal(calls->u.items[1 + k], want->u.items[k]));
		assert_json(calls->u.items[calls->n - 1], idx ? CLONE_RULE(1) : CLONE_RULE(0));
		expect_fixed_point(rule, NULL, spec, clone_cases[i].host);
	}
}

/* What the report says: the entries changed and added, by path. */
static void test_seccomp_deny_records(void **state)
{
	struct rg_json *spec =
	    parse("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
		  "\"syscalls\":[{\"names\":[\"read\",\"keyctl\"]," ALLOW "},"
		  "{\"names\":[\"bpf\"]," ALLOW "}]}}}");
	expect_ok(run_rule(rule, NOCAP, RG_ACTION_FIX, spec, &host_amd64));
	assert_int_equal(report.n_changes, 3);
	const struct rg_change *c = find_change(".linux.seccomp.syscalls[0]");
	assert_non_null(c);
	assert_string_equal(c->before,
			    "{\"names\":[\"read\",\"keyctl\"],\"action\":\"SCMP_ACT_ALLOW\"}");
	assert_string_equal(c->after, "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}");
	c = find_change(".linux.seccomp.syscalls[1]");
	assert_non_null(c);
	assert_null(c->after); /* bpf's entry was dropped... */
	assert_non_null(report.changes[2].path);
	assert_null(report.changes[2].before); /* ...and the EPERM entry added */
	assert_string_equal(report.changes[2].rule, "seccompDeny");

	/* The violation lists every finding. */
	spec = parse("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		     "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\"}]}}}");
	expect_ok(run_rule(rule, NOCAP, RG_ACTION_REJECT, spec, &host_amd64));
	expect_violation(".linux.seccomp", "keyctl, add_key, request_key");
	expect_violation(".linux.seccomp", "unshare, clone with CLONE_NEWUSER, clone3");
}

/* ================= defence in depth: syscalls only a missing capability makes useful
 * ================= */

static bool errno_names_has(const struct rg_json *calls, const char *name, int errnum)
{
	char want[16];
	snprintf(want, sizeof(want), "%d", errnum);
	for (size_t i = 0; i < calls->n; i++) {
		const struct rg_json *e = calls->u.items[i];
		const struct rg_json *names = rg_json_get(e, "names");
		if (!rg_streq(rg_json_str(rg_json_get(e, "action")), "SCMP_ACT_ERRNO") ||
		    rg_json_get(e, "args"))
			continue;
		const struct rg_json *ret = rg_json_get(e, "errnoRet");
		if (!ret || !rg_streq(ret->u.s.text, want))
			continue;
		for (size_t k = 0; rg_json_is(names, RG_JSON_ARRAY) && k < names->n; k++)
			if (rg_streq(rg_json_str(names->u.items[k]), name))
				return true;
	}
	return false;
}

static void test_seccomp_deny_by_capability(void **state)
{
	static const char *const denied[] = {
	    "mount",
	    "umount2",
	    "setns",
	    "open_tree",
	    "move_mount",
	    "fsopen",
	    "fsconfig",
	    "fsmount",
	    "fspick",
	    "mount_setattr",
	    "pivot_root",
	    "sethostname",
	    "quotactl",
	    "name_to_handle_at",
	    "lookup_dcookie",
	    "syslog",
	    "swapon",
	    "swapoff",
	    "reboot",
	    "acct",
	    "iopl",
	    "ioperm",
	    "kcmp",
	    "process_vm_readv",
	    "process_vm_writev",
	    "clock_settime",
	    "settimeofday",
	    "vhangup",
	    "nfsservctl",
	};
	/* Allowed by the shipped profile to everyone, or needing a cap the container has. */
	static const char *const kept[] = {"ptrace",   "clone",		"clone3", "chroot",
					   "adjtimex", "clock_adjtime", "read"};
	static const char open_profile[] =
	    "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}},\"process\":{"
	    "\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_CHROOT\",\"CAP_SETUID\"]}}}";
	struct rg_json *spec = parse(open_profile);
	expect_ok(run_rule(rule, NULL, RG_ACTION_FIX, spec, &host_amd64));
	const struct rg_json *calls = at(spec, ".linux.seccomp.syscalls");
	for (size_t i = 0; i < RG_ARRAY_SIZE(denied); i++)
		if (!errno_names_has(calls, denied[i], EPERM))
			fail_msg("%s is not denied: %s", denied[i], emit(calls));
	for (size_t i = 0; i < RG_ARRAY_SIZE(kept); i++)
		if (errno_names_has(calls, kept[i], EPERM))
			fail_msg("%s is denied with EPERM: %s", kept[i], emit(calls));
	assert_true(errno_names_has(calls, "clone3", ENOSYS));
	expect_fixed_point(rule, NULL, spec, &host_amd64);

	/* reject: the finding names them. */
	spec = parse(open_profile);
	expect_ok(run_rule(rule, NULL, RG_ACTION_REJECT, spec, &host_amd64));
	expect_violation(".linux.seccomp", "mount");

	/* With the capability held, its syscalls are the kernel's to check. */
	spec = parse("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}},\"process\":{"
		     "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_SYS_TIME\"]}}}");
	expect_ok(run_rule(rule, NULL, RG_ACTION_FIX, spec, &host_amd64));
	calls = at(spec, ".linux.seccomp.syscalls");
	assert_false(errno_names_has(calls, "mount", EPERM));
	assert_false(errno_names_has(calls, "swapon", EPERM));
	assert_false(errno_names_has(calls, "settimeofday", EPERM));
	assert_true(errno_names_has(calls, "reboot", EPERM));
	assert_true(errno_names_has(calls, "ptrace", EPERM) == false);

	/* An allowlist naming mount: taken out of the allowing entry. */
	spec = parse("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{"
		     "\"names\":[\"read\",\"mount\",\"setns\",\"ptrace\"]," ALLOW "}]}}}");
	expect_ok(run_rule(rule, NULL, RG_ACTION_FIX, spec, &host_amd64));
	assert_json(at(spec, ".linux.seccomp.syscalls"),
		    "[{\"names\":[\"read\",\"ptrace\"]," ALLOW "},{\"names\":[\"mount\",\"setns\"],"
		    "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]");

	/* denyByCapability false: only the deny list. */
	spec = parse(open_profile);
	expect_ok(run_rule(rule, NOCAP, RG_ACTION_FIX, spec, &host_amd64));
	assert_false(errno_names_has(at(spec, ".linux.seccomp.syscalls"), "mount", EPERM));
	assert_true(errno_names_has(at(spec, ".linux.seccomp.syscalls"), "keyctl", EPERM));
	expect_error(check_settings("seccompDeny", "{\"denyByCapability\":1}"), CFG_NAME,
		     ".rules.x.denyByCapability", "expected a boolean");
}

/* No profile, null, or runc's "disabled": the seccomp rule's business, not this one's. */
static void test_seccomp_deny_no_profile(void **state)
{
	static const char *const inputs[] = {
	    "{}",
	    "{\"linux\":null}",
	    "{\"linux\":{}}",
	    "{\"linux\":{\"seccomp\":null}}",
	    "{\"linux\":{\"seccomp\":{}}}",
	    "{\"linux\":{\"seccomp\":{\"defaultAction\":\"\",\"syscalls\":[]}}}",
	    "{\"linux\":{\"seccomp\":{\"syscalls\":null}}}",
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(inputs); i++) {
		struct rg_json *spec = parse(inputs[i]);
		expect_ok(run_rule(rule, NULL, RG_ACTION_REJECT, spec, &host_amd64));
		assert_int_equal(report.n_violations, 0);
		expect_ok(run_rule(rule, NULL, RG_ACTION_FIX, spec, &host_amd64));
		assert_int_equal(report.n_changes, 0);
		assert_json(spec, inputs[i]);
	}
}

/* ================= errors ================= */

static const struct {
	const char *seccomp, *path, *more;
} spec_errors[] = {
    {"\"x\"", ".linux.seccomp", "expected an object, got string"},
    {"{\"defaultAction\":5}", ".linux.seccomp.defaultAction", "expected a string, got number"},
    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}", ".linux.seccomp.syscalls",
     "expected an array, got object"},
    {"{\"syscalls\":[\"read\"]}", ".linux.seccomp.syscalls[0]", "expected an object"},
    {"{\"syscalls\":[{\"names\":\"keyctl\"}]}", ".linux.seccomp.syscalls[0].names",
     "expected an array"},
    {"{\"syscalls\":[{},{\"names\":[\"read\",5]}]}", ".linux.seccomp.syscalls[1].names[1]",
     "expected a string"},
    {"{\"syscalls\":[{\"names\":[\"read\"],\"action\":1}]}", ".linux.seccomp.syscalls[0].action",
     "expected a string"},
    {"{\"syscalls\":[{\"names\":[\"read\"],\"args\":{}}]}", ".linux.seccomp.syscalls[0].args",
     "expected an array"},
    {"{\"syscalls\":[{\"names\":[\"read\"],\"args\":[7]}]}", ".linux.seccomp.syscalls[0].args[0]",
     "expected an object"},
    {"{\"syscalls\":[{\"names\":[\"read\"],\"args\":[{\"index\":\"0\",\"op\":\"SCMP_CMP_EQ\"}]}]}",
     ".linux.seccomp.syscalls[0].args[0].index", "expected an unsigned integer"},
    {"{\"syscalls\":[{\"names\":[\"read\"],\"args\":[{\"index\":6,\"op\":\"SCMP_CMP_EQ\"}]}]}",
     ".linux.seccomp.syscalls[0].args[0].index", "expected an argument index 0-5"},
    {"{\"syscalls\":[{\"names\":[\"read\"],\"args\":[{\"op\":\"SCMP_CMP_EQ\"}]}]}",
     ".linux.seccomp.syscalls[0].args[0].index", "expected an argument index 0-5"},
    {"{\"syscalls\":[{\"names\":[\"read\"],\"args\":[{\"index\":0,\"value\":-1,\"op\":"
     "\"SCMP_CMP_EQ\"}]}]}",
     ".linux.seccomp.syscalls[0].args[0].value", "expected an unsigned integer"},
    {"{\"syscalls\":[{\"names\":[\"read\"],\"args\":[{\"index\":0,\"valueTwo\":1.5,\"op\":"
     "\"SCMP_CMP_EQ\"}]}]}",
     ".linux.seccomp.syscalls[0].args[0].valueTwo", "expected an unsigned integer"},
    {"{\"syscalls\":[{\"names\":[\"read\"],\"args\":[{\"index\":0,\"value\":"
     "18446744073709551616,\"op\":\"SCMP_CMP_EQ\"}]}]}",
     ".linux.seccomp.syscalls[0].args[0].value", "expected an unsigned integer"},
    {"{\"syscalls\":[{\"names\":[\"read\"],\"args\":[{\"index\":0}]}]}",
     ".linux.seccomp.syscalls[0].args[0].op", "expected a string"},
};

static void test_seccomp_deny_spec_errors(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(spec_errors); i++) {
		char *text =
		    track(rg_xasprintf("{\"linux\":{\"seccomp\":%s}}", spec_errors[i].seccomp));
		struct rg_json *spec = parse(text);
		expect_error(run_rule(rule, NULL, RG_ACTION_FIX, spec, &host_amd64), FILE_NAME,
			     spec_errors[i].path, spec_errors[i].more);
		assert_json(spec, text);
	}
	struct rg_json *spec = parse("{\"linux\":[]}");
	expect_error(run_rule(rule, NULL, RG_ACTION_FIX, spec, &host_amd64), FILE_NAME, ".linux",
		     "expected an object, got array");
}

static void test_seccomp_deny_settings(void **state)
{
	static const char *const good[] = {
	    "{}",
	    "{\"action\":\"reject\",\"syscalls\":[],\"denyCloneNewUser\":false}",
	    "{\"syscalls\":" ALL16 ",\"denyCloneNewUser\":true}",
	    "{\"syscalls\":[\"mount\",\"ptrace\",\"setns\"]}",
	};
	static const struct {
		const char *settings, *path, *more;
	} bad[] = {
	    {"{\"names\":[]}", ".rules.x.names", "unknown setting"},
	    {"{\"syscalls\":\"keyctl\"}", ".rules.x.syscalls",
	     "expected an array of syscall names"},
	    {"{\"syscalls\":[\"keyctl\",5]}", ".rules.x.syscalls[1]", "expected a syscall name"},
	    {"{\"syscalls\":[\"no_such_syscall\"]}", ".rules.x.syscalls[0]",
	     "unknown syscall 'no_such_syscall'"},
	    {"{\"syscalls\":[\"\"]}", ".rules.x.syscalls[0]", "unknown syscall ''"},
	    {"{\"syscalls\":[\"KEYCTL\"]}", ".rules.x.syscalls[0]", "unknown syscall 'KEYCTL'"},
	    {"{\"syscalls\":[\"keyctl\\u0000x\"]}", ".rules.x.syscalls[0]",
	     "expected a syscall name"},
	    {"{\"syscalls\":[\"clone\"]}", ".rules.x.syscalls[0]", "denyCloneNewUser"},
	    {"{\"syscalls\":[\"clone3\"]}", ".rules.x.syscalls[0]", "cannot be denied outright"},
	    {"{\"denyCloneNewUser\":\"yes\"}", ".rules.x.denyCloneNewUser", "expected a boolean"},
	    {"{\"action\":\"deny\"}", ".rules.x.action", "expected \"fix\""},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(good); i++) {
		int r = check_settings("seccompDeny", good[i]);
		if (r < 0)
			fail_msg("refused %s: %s", good[i], error ? error->msg : "?");
	}
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++)
		expect_error(check_settings("seccompDeny", bad[i].settings), CFG_NAME, bad[i].path,
			     bad[i].more);
}

/* ================= with the shipped policy ================= */

static struct rg_policy *load(const char *config_text)
{
	char dir[] = "/tmp/rg-test-seccomp-deny-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = track(rg_xasprintf("%s/config.json", dir));
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(config_text, f);
	fclose(f);
	struct rg_policy *p = new_policy();
	int r = rg_policy_load(path, p, &error);
	unlink(path);
	rmdir(dir);
	expect_ok(r);
	return p;
}

static int run_with(const struct rg_policy *p, const struct rg_rule *r, struct rg_json *spec,
		    const struct rg_host *host)
{
	struct rg_rule_ctx ctx = {.policy = p,
				  .host = host,
				  .report = &report,
				  .file = FILE_NAME,
				  .rule = r->name,
				  .settings = rg_policy_rule(p, r->name),
				  .action = rg_policy_action(p, r->name)};
	reset_result();
	return r->apply(spec, &ctx, &error);
}

/*
 * The shipped default seccomp profile, resolved by the seccomp rule, already
 * honours the set on every arch: seccompDeny changes nothing in it. With a
 * ceiling that lets CAP_SYS_ADMIN through, the profile allows unshare and
 * clone outright: then it does.
 */
static void test_seccomp_deny_default_profile(void **state)
{
	static const struct rg_host *const hosts[] = {&host_amd64, &host_s390x};
	struct rg_policy *p = load("{}");
	struct rg_policy *admin =
	    load("{\"rules\":{\"capabilities\":{\"allow\":[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\"]}}}");

	assert_int_equal(rg_policy_action(p, "seccompDeny"), RG_ACTION_FIX);
	for (size_t h = 0; h < RG_ARRAY_SIZE(hosts); h++) {
		struct rg_json *spec = parse("{}");
		expect_ok(run_with(p, &rg_rule_seccomp, spec, hosts[h]));
		expect_ok(run_with(p, rule, spec, hosts[h]));
		assert_int_equal(report.n_changes, 0);

		spec = parse("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}}}");
		expect_ok(run_with(admin, &rg_rule_seccomp, spec, hosts[h]));
		expect_ok(run_with(admin, rule, spec, hosts[h]));
		assert_true(report.n_changes > 0);
		const struct rg_json *calls = at(spec, ".linux.seccomp.syscalls");
		struct rg_json *want =
		    parse(hosts[h] == &host_s390x ? CLONE_RULE(1) : CLONE_RULE(0));
		bool is_found = false;
		for (size_t i = 0; i < calls->n && !is_found; i++)
			is_found = rg_json_equal(calls->u.items[i], want);
		assert_true(is_found);
		assert_json(calls->u.items[calls->n - 1], CLONE3_RULE);
		expect_fixed_point(rule, emit(rg_policy_rule(admin, "seccompDeny")), spec,
				   hosts[h]);
	}
	/* The shipped profiles: baseline and restricted fix, privileged is off; all valid. */
	static const char *const names[] = {"baseline", "restricted", "privileged"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		size_t len = 0;
		const char *text = rg_embedded_profile(names[i], &len);
		struct rg_json *prof = track_json(rg_json_parse(text, len, names[i], NULL, &error));
		const struct rg_json *s = at(prof, ".rules.seccompDeny");
		assert_non_null(s);
		reset_result();
		expect_ok(
		    rg_config_check_rule("seccompDeny", s, names[i], ".rules.seccompDeny", &error));
		assert_json(rg_json_get(s, "action"), i < 2 ? "\"fix\"" : "\"off\"");
		if (i < 2) {
			assert_json(rg_json_get(s, "syscalls"), ALL16);
			assert_json(rg_json_get(s, "denyCloneNewUser"), "true");
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_seccomp_deny_cases),		  T(test_seccomp_deny_clone_entries),
	    T(test_seccomp_deny_records),	  T(test_seccomp_deny_no_profile),
	    T(test_seccomp_deny_spec_errors),	  T(test_seccomp_deny_settings),
	    T(test_seccomp_deny_default_profile), T(test_seccomp_deny_by_capability),
	};
	return cmocka_run_group_tests_name("rules/seccompDeny", tests, NULL, NULL);
}
