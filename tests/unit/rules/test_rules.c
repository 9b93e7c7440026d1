/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the enforcement rules, one group per rule, on small specs.
 *
 * Every test runs against the default policy, loaded from an explicit
 * configuration file holding `{}` in a temporary directory (so neither
 * $RUNGUARD_CONFIG nor /etc/runguard/config.json can change the outcome), and
 * an injected host (amd64 / Linux 6.1 unless a test says otherwise), so the
 * results do not depend on the machine the tests run on. Runs of all rules
 * use that policy with the isolation rules adjusted (ALL_RULES_CONFIG).
 *
 * Everything a test allocates is registered with track()/track_json() and
 * freed by the per-test teardown, so a failing assertion (which longjmps out
 * of the test) leaks nothing either and valgrind stays quiet.
 *
 * Some golden in.json files (tests/golden/enforce-*) double as inputs for
 * the idempotence and key-check tests; run from the repo root.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/capnames.h"
#include "runguard/embedded.h"
#include "runguard/error.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"
#include "runguard/rules.h"
#include "runguard/spec.h"
#include "runguard/util.h"

#include "rules_harness.h"

#define GOLDEN_DIR "tests/golden"
#define PROFILE_REL "profiles/seccomp-default.json"

/* ---- hosts ---- */

/* The host's own namespaces, as the injected hosts see them: /proc/1/ns/<anything>. */
static int fake_ns_is_host(const char *type, const char *path)
{
	return rg_startswith(path, "/proc/1/ns/") ? 1 : 0;
}

#define HOST(arch, go)                                                                             \
	{                                                                                          \
		.seccomp_arch = (arch), .go_arch = (go), .kernel_major = 6, .kernel_minor = 1,     \
		.selinux_enabled = -1, .ns_is_host = fake_ns_is_host,                              \
	}
static const struct rg_host host_amd64 = HOST("SCMP_ARCH_X86_64", "amd64");
static const struct rg_host host_arm64 = HOST("SCMP_ARCH_AARCH64", "arm64");
static const struct rg_host host_s390x = HOST("SCMP_ARCH_S390X", "s390x");
/* What rg_host_detect() leaves for a machine it does not know. */
static const struct rg_host host_unknown = HOST(NULL, NULL);
/* A name libseccomp-style but absent from the profile's archMap. */
static const struct rg_host host_odd = HOST("SCMP_ARCH_FOO", "foo");

/* ---- fixture: temp dir, default policy ---- */

static char tmpdir[] = "/tmp/rg-test-rules-XXXXXX";
static char empty_config[256];
static struct rg_policy policy;
/*
 * For runs of all rules: the default policy but for the namespaces rule,
 * which refuses the many specs here that list no namespaces (they would
 * share the host's), and the mounts, devices and hooks rules fixing rather
 * than refusing what the golden inputs hold (the privileged shape, the
 * podman-like hook). Those rules are tested on their own in
 * test_rules_isolation.c.
 */
/* fields off: these tests give every other rule unknown fields to keep (nothing lost);
 * the fields rule, which refuses them by default, has its own tests. */
#define ALL_RULES_CONFIG                                                                           \
	"{\"rules\":{\"fields\":{\"action\":\"off\"},"                                             \
	"\"namespaces\":{\"action\":\"off\"},\"mounts\":{\"action\":\"fix\"},"                     \
	"\"devices\":{\"action\":\"fix\"},\"hooks\":{\"action\":\"fix\"}}}\n"
static struct rg_policy policy_all;

static void write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(rg_write_all(fd, text, len), 0);
	assert_int_equal(close(fd), 0);
}

/* Reads a file into a tracked buffer; NULL when it does not exist. */
static char *read_text(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rbe");
	if (!f)
		return NULL;
	struct rg_buf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rg_buf_append(&b, chunk, n);
	fclose(f);
	if (ret_len)
		*ret_len = b.len;
	if (!b.data)
		rg_buf_append(&b, "", 0);
	return track(rg_buf_steal(&b));
}

static char *tmp_path(const char *name)
{
	return track(rg_xasprintf("%s/%s", tmpdir, name));
}

/* ---- JSON helpers ---- */

static size_t key_index(const struct rg_json *obj, const char *key)
{
	for (size_t i = 0; i < obj->n; i++)
		if (rg_streq(obj->u.members[i].key, key))
			return i;
	fail_msg("key %s not found", key);
	return 0;
}

/* ---- running rules ---- */

/*
 * Runs one rule, set up as rg_enforce() sets it up (its settings and action
 * from the policy), or all rules in table order when rule is NULL.
 */
static int run_policy(const struct rg_policy *p, const struct rg_rule *rule, struct rg_json *spec,
		      const struct rg_host *host)
{
	struct rg_rule_ctx ctx = {.policy = p,
				  .host = host,
				  .report = &report,
				  .file = FILE_NAME,
				  .bundle = "/srv/bundle"};

	rg_report_free(&report);
	rg_error_free(error);
	error = NULL;
	if (!rule)
		return rg_enforce(spec, &ctx, &error);
	ctx.rule = rule->name;
	ctx.settings = rg_policy_rule(p, rule->name);
	ctx.action = rg_policy_action(p, rule->name);
	assert_int_not_equal(ctx.action, RG_ACTION_OFF);
	return rule->apply(spec, &ctx, &error);
}

static int run(const struct rg_rule *rule, struct rg_json *spec, const struct rg_host *host)
{
	return run_policy(rule ? &policy : &policy_all, rule, spec, host);
}

/* ================= capabilities ================= */

static const char *const cap_sets[] = {"bounding", "effective", "inheritable", "permitted",
				       "ambient"};

#define ALL_CAPS                                                                                   \
	"[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_DAC_READ_SEARCH\",\"CAP_FOWNER\","              \
	"\"CAP_FSETID\",\"CAP_KILL\",\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETPCAP\","               \
	"\"CAP_LINUX_IMMUTABLE\",\"CAP_NET_BIND_SERVICE\",\"CAP_NET_BROADCAST\","                  \
	"\"CAP_NET_ADMIN\",\"CAP_NET_RAW\",\"CAP_IPC_LOCK\",\"CAP_IPC_OWNER\",\"CAP_SYS_MODULE\"," \
	"\"CAP_SYS_RAWIO\",\"CAP_SYS_CHROOT\",\"CAP_SYS_PTRACE\",\"CAP_SYS_PACCT\","               \
	"\"CAP_SYS_ADMIN\",\"CAP_SYS_BOOT\",\"CAP_SYS_NICE\",\"CAP_SYS_RESOURCE\","                \
	"\"CAP_SYS_TIME\",\"CAP_SYS_TTY_CONFIG\",\"CAP_MKNOD\",\"CAP_LEASE\","                     \
	"\"CAP_AUDIT_WRITE\",\"CAP_AUDIT_CONTROL\",\"CAP_SETFCAP\",\"CAP_MAC_OVERRIDE\","          \
	"\"CAP_MAC_ADMIN\",\"CAP_SYSLOG\",\"CAP_WAKE_ALARM\",\"CAP_BLOCK_SUSPEND\","               \
	"\"CAP_AUDIT_READ\",\"CAP_PERFMON\",\"CAP_BPF\",\"CAP_CHECKPOINT_RESTORE\"]"

/* The ceiling, in capability-number order (as the intersection keeps it from ALL_CAPS). */
#define CEILING_BY_NUMBER                                                                          \
	"[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FOWNER\",\"CAP_FSETID\",\"CAP_KILL\","          \
	"\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETPCAP\",\"CAP_NET_BIND_SERVICE\","                  \
	"\"CAP_SYS_CHROOT\",\"CAP_SETFCAP\"]"

static const struct {
	const char *in, *out;
} cap_cases[] = {
    /* Never adds: a set within the ceiling stays exactly as asked. */
    {"[\"CAP_CHOWN\"]", "[\"CAP_CHOWN\"]"},
    {"[]", "[]"},
    {"[\"CAP_SYS_ADMIN\"]", "[]"},
    /* Order of what is kept is preserved. */
    {"[\"CAP_SETUID\",\"CAP_SYS_ADMIN\",\"CAP_CHOWN\",\"CAP_NET_RAW\",\"CAP_KILL\"]",
     "[\"CAP_SETUID\",\"CAP_CHOWN\",\"CAP_KILL\"]"},
    {"[\"CAP_SYS_CHROOT\",\"CAP_SETPCAP\",\"CAP_SETFCAP\",\"CAP_DAC_OVERRIDE\"]",
     "[\"CAP_SYS_CHROOT\",\"CAP_SETPCAP\",\"CAP_SETFCAP\",\"CAP_DAC_OVERRIDE\"]"},
    /* runc spec's default set: CAP_AUDIT_WRITE is outside the ceiling. */
    {"[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]",
     "[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]"},
    /* Duplicates are runc's business; the rule only removes. */
    {"[\"CAP_CHOWN\",\"CAP_CHOWN\"]", "[\"CAP_CHOWN\",\"CAP_CHOWN\"]"},
    {ALL_CAPS, CEILING_BY_NUMBER},
};

static void test_caps_each_set(void **state)
{
	for (size_t c = 0; c < RG_ARRAY_SIZE(cap_cases); c++) {
		for (size_t s = 0; s < RG_ARRAY_SIZE(cap_sets); s++) {
			char *text =
			    track(rg_xasprintf("{\"process\":{\"capabilities\":{\"%s\":%s}}}",
					       cap_sets[s], cap_cases[c].in));
			struct rg_json *spec = parse(text);
			char *path = track(rg_xasprintf(".process.capabilities.%s", cap_sets[s]));

			expect_ok(run(&rg_rule_capabilities, spec, &host_amd64));
			assert_json(at(spec, path), cap_cases[c].out);
			/* Missing sets stay missing. */
			assert_int_equal(at(spec, ".process.capabilities")->n, 1);

			bool is_changed =
			    !rg_json_equal(parse(cap_cases[c].in), parse(cap_cases[c].out));
			assert_int_equal(report.n_changes, is_changed ? 1 : 0);
			if (is_changed) {
				const struct rg_change *ch = &report.changes[0];
				assert_string_equal(ch->rule, "capabilities");
				assert_string_equal(ch->path, path);
				char *before = track(rg_json_brief(parse(cap_cases[c].in)));
				char *after = track(rg_json_brief(parse(cap_cases[c].out)));
				assert_non_null(ch->before);
				assert_non_null(ch->after);
				assert_string_equal(ch->before, before);
				assert_string_equal(ch->after, after);
			}
		}
	}
}

static void test_caps_all_five_sets(void **state)
{
	struct rg_json *spec = parse("{\"process\":{\"capabilities\":{"
				     "\"bounding\":" ALL_CAPS ","
				     "\"effective\":[\"CAP_SYS_ADMIN\",\"CAP_KILL\"],"
				     "\"inheritable\":[\"CAP_NET_RAW\"],"
				     "\"permitted\":[\"CAP_CHOWN\",\"CAP_BPF\",\"CAP_SETUID\"],"
				     "\"ambient\":[\"CAP_SYS_CHROOT\"]},\"cwd\":\"/\"}}");

	expect_ok(run(&rg_rule_capabilities, spec, &host_amd64));
	assert_json(at(spec, ".process"), "{\"capabilities\":{\"bounding\":" CEILING_BY_NUMBER ","
					  "\"effective\":[\"CAP_KILL\"],\"inheritable\":[],"
					  "\"permitted\":[\"CAP_CHOWN\",\"CAP_SETUID\"],"
					  "\"ambient\":[\"CAP_SYS_CHROOT\"]},\"cwd\":\"/\"}");
	/* One change per modified set, in set order; ambient was not modified. */
	assert_int_equal(report.n_changes, 4);
	assert_string_equal(report.changes[0].path, ".process.capabilities.bounding");
	assert_string_equal(report.changes[1].path, ".process.capabilities.effective");
	assert_string_equal(report.changes[2].path, ".process.capabilities.inheritable");
	assert_string_equal(report.changes[3].path, ".process.capabilities.permitted");
	assert_string_equal(report.changes[1].before, "[\"CAP_SYS_ADMIN\",\"CAP_KILL\"]");
	assert_string_equal(report.changes[1].after, "[\"CAP_KILL\"]");
	assert_string_equal(report.changes[2].before, "[\"CAP_NET_RAW\"]");
	assert_string_equal(report.changes[2].after, "[]");
	/* The 41-name bounding set is too long for a brief; it is cut, not dropped. */
	assert_true(strlen(report.changes[0].before) <= 60);
	assert_true(rg_startswith(report.changes[0].before, "[\"CAP_CHOWN\","));
}

static void test_caps_absent_and_null(void **state)
{
	static const char *const unchanged[] = {
	    "{}",
	    "{\"process\":null}",
	    "{\"process\":{}}",
	    "{\"process\":{\"capabilities\":null}}",
	    "{\"process\":{\"capabilities\":{}}}",
	    "{\"process\":{\"capabilities\":{\"bounding\":null,\"effective\":[\"CAP_CHOWN\"]}}}",
	    "{\"process\":{\"capabilities\":{\"ambient\":null,\"bounding\":null,"
	    "\"effective\":null,\"inheritable\":null,\"permitted\":null}}}",
	    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\"],"
	    "\"x-unknown\":[\"CAP_SYS_ADMIN\"]}}}",
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(unchanged); i++) {
		struct rg_json *spec = parse(unchanged[i]);
		expect_ok(run(&rg_rule_capabilities, spec, &host_amd64));
		assert_string_equal(emit(spec), emit(parse(unchanged[i])));
		assert_int_equal(report.n_changes, 0);
	}
}

static const struct {
	const char *item; /* JSON text of the offending name */
	const char *shown;
} bad_names[] = {
    {"\"CAP_FOO\"", "'CAP_FOO'"},
    {"\"cap_chown\"", "'cap_chown'"},
    {"\"Cap_Chown\"", "'Cap_Chown'"},
    {"\"21\"", "'21'"},
    {"\"CAP_CHOWN \"", "'CAP_CHOWN '"},
    {"\" CAP_CHOWN\"", "' CAP_CHOWN'"},
    {"\"CAP_CHOWN\\n\"", "CAP_CHOWN"},
    {"\"CAP_CHOWN\\u0000x\"", "CAP_CHOWN"},
    {"\"CHOWN\"", "'CHOWN'"},
    {"\"SYS_ADMIN\"", "'SYS_ADMIN'"},
    {"\"CAP_\"", "'CAP_'"},
    {"\"\"", "''"},
    {"\"CAP_ALL\"", "'CAP_ALL'"},
};

static void test_caps_unknown_names(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad_names); i++) {
		for (size_t s = 0; s < RG_ARRAY_SIZE(cap_sets); s++) {
			char *text = track(rg_xasprintf(
			    "{\"process\":{\"capabilities\":{\"%s\":[\"CAP_CHOWN\",%s]}}}",
			    cap_sets[s], bad_names[i].item));
			struct rg_json *spec = parse(text);
			char *path =
			    track(rg_xasprintf(".process.capabilities.%s[1]", cap_sets[s]));

			expect_error(run(&rg_rule_capabilities, spec, &host_amd64), FILE_NAME, path,
				     bad_names[i].shown);
			assert_non_null(strstr(error->msg, "unknown capability"));
			/* Nothing was removed before the name was refused. */
			assert_string_equal(emit(spec), emit(parse(text)));
		}
	}
}

/*
 * A name with an embedded NUL is refused, but the message must not show it
 * as 'CAP_CHOWN' (a valid name): the operator could not tell what is wrong.
 */
static void test_caps_unknown_name_shown_unambiguously(void **state)
{
	static const char *const items[] = {"\"CAP_CHOWN\\u0000x\"", "\"CAP_CHOWN\\u0000\""};

	for (size_t i = 0; i < RG_ARRAY_SIZE(items); i++) {
		char *text = track(
		    rg_xasprintf("{\"process\":{\"capabilities\":{\"bounding\":[%s]}}}", items[i]));
		struct rg_json *spec = parse(text);
		expect_error(run(&rg_rule_capabilities, spec, &host_amd64), FILE_NAME,
			     ".process.capabilities.bounding[0]", "unknown capability");
		if (strstr(error->msg, "'CAP_CHOWN'"))
			fail_msg("%s is reported as if it were the valid name: %s", items[i],
				 error->msg);
	}
}

static void test_caps_wrong_types(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} cases[] = {
	    {"{\"process\":\"x\"}", ".process", "expected an object, got string"},
	    {"{\"process\":[]}", ".process", "expected an object, got array"},
	    {"{\"process\":{\"capabilities\":\"x\"}}", ".process.capabilities",
	     "expected an object, got string"},
	    {"{\"process\":{\"capabilities\":[\"CAP_CHOWN\"]}}", ".process.capabilities",
	     "got array"},
	    {"{\"process\":{\"capabilities\":{\"bounding\":{}}}}", ".process.capabilities.bounding",
	     "expected an array, got object"},
	    {"{\"process\":{\"capabilities\":{\"ambient\":\"CAP_CHOWN\"}}}",
	     ".process.capabilities.ambient", "expected an array, got string"},
	    {"{\"process\":{\"capabilities\":{\"effective\":true}}}",
	     ".process.capabilities.effective", "got boolean"},
	    {"{\"process\":{\"capabilities\":{\"bounding\":[5]}}}",
	     ".process.capabilities.bounding[0]", "expected a string, got number"},
	    {"{\"process\":{\"capabilities\":{\"permitted\":[\"CAP_KILL\",null]}}}",
	     ".process.capabilities.permitted[1]", "got null"},
	    {"{\"process\":{\"capabilities\":{\"inheritable\":[[\"CAP_KILL\"]]}}}",
	     ".process.capabilities.inheritable[0]", "got array"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_capabilities, spec, &host_amd64), FILE_NAME,
			     cases[i].path, cases[i].more);
		/* The same error comes out of the whole enforcement. */
		spec = parse(cases[i].spec);
		expect_error(run(NULL, spec, &host_amd64), FILE_NAME, cases[i].path, cases[i].more);
	}
}

static void test_caps_lookup_table(void **state)
{
	assert_true(rg_capnames_count() >= 41);
	assert_int_equal(rg_capnames_lookup("CAP_CHOWN"), 0);
	assert_int_equal(rg_capnames_lookup("CAP_SYS_ADMIN"), 21);
	assert_int_equal(rg_capnames_lookup("CAP_CHECKPOINT_RESTORE"), 40);
	assert_int_equal(rg_capnames_lookup("cap_sys_admin"), -1);
	assert_int_equal(rg_capnames_lookup("21"), -1);
	assert_int_equal(rg_capnames_lookup("CAP_SYS_ADMIN "), -1);
	assert_string_equal(rg_capnames_name(21), "CAP_SYS_ADMIN");
	assert_null(rg_capnames_name(-1));
	assert_null(rg_capnames_name(rg_capnames_count()));
	/* The default policy's ceiling is the containers-common set, spelled canonically. */
	const struct rg_json *allow = rg_json_get(rg_policy_rule(&policy, "capabilities"), "allow");
	assert_true(rg_json_is(allow, RG_JSON_ARRAY));
	assert_int_equal(allow->n, 11);
	for (size_t i = 0; i < allow->n; i++)
		assert_true(rg_capnames_lookup(rg_json_str(allow->u.items[i])) >= 0);
	struct rg_json *sorted = parse(CEILING_BY_NUMBER);
	for (size_t i = 0; i < sorted->n; i++) {
		bool is_found = false;
		for (size_t k = 0; k < allow->n && !is_found; k++)
			is_found = rg_json_equal(sorted->u.items[i], allow->u.items[k]);
		assert_true(is_found);
	}
}

/* ================= seccomp ================= */

static bool names_has(const struct rg_json *entry, const char *name)
{
	const struct rg_json *names = rg_json_get(entry, "names");
	for (size_t k = 0; rg_json_is(names, RG_JSON_ARRAY) && k < names->n; k++) {
		const char *s = rg_json_str(names->u.items[k]);
		if (s && rg_streq(s, name))
			return true;
	}
	return false;
}

/* True if some entry of the spec's linux.seccomp names the syscall. */
static bool has_syscall(const struct rg_json *spec, const char *name)
{
	const struct rg_json *calls = at(spec, ".linux.seccomp.syscalls");
	assert_true(rg_json_is(calls, RG_JSON_ARRAY));
	for (size_t i = 0; i < calls->n; i++)
		if (names_has(calls->u.items[i], name))
			return true;
	return false;
}

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

/* Loads a tracked policy from config_path; fails the test on error. */
static struct rg_policy *load_policy(const char *config_path)
{
	struct rg_policy *p = new_policy();
	int r = rg_policy_load(config_path, p, &error);
	if (r < 0)
		fail_msg("policy %s: %s", config_path ? config_path : "(default)",
			 error ? error->msg : "?");
	return p;
}

/* A policy whose configuration names a seccomp profile with the given text. */
static struct rg_policy *load_policy_with_profile(const char *name, const char *profile, size_t len)
{
	char *prof_path = tmp_path(track(rg_xasprintf("%s.profile.json", name)));
	char *cfg_path = tmp_path(track(rg_xasprintf("%s.config.json", name)));
	char *cfg = track(rg_xasprintf(
	    "{\"rules\":{\"seccomp\":{\"profile\":\"%s\"},\"namespaces\":{\"action\":\"off\"}}}",
	    prof_path));

	write_file(prof_path, profile, len);
	write_file(cfg_path, cfg, strlen(cfg));
	return load_policy(cfg_path);
}

static void test_seccomp_resolution_rules(void **state)
{
	static const struct {
		const struct rg_host *host;
		int major, minor;
		const char *bounding;
		const char *want_names; /* the syscalls kept, in order */
		const char *want_arches;
	} cases[] = {
	    {&host_amd64, 6, 1, "[\"CAP_CHOWN\",\"CAP_KILL\"]",
	     "[\"always\",\"inc_two_caps\",\"inc_amd64\",\"inc_k58\",\"inc_k510\",\"inc_empty\"]",
	     "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]"},
	    {&host_arm64, 5, 4, "[\"CAP_CHOWN\"]",
	     "[\"always\",\"exc_any_cap\",\"exc_amd64\",\"exc_k58\",\"inc_empty\"]",
	     "[\"SCMP_ARCH_AARCH64\"]"},
	    {&host_amd64, 5, 8, "[\"CAP_KILL\"]",
	     "[\"always\",\"inc_amd64\",\"inc_k58\",\"inc_empty\"]",
	     "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]"},
	    /* 5.10 > 5.9: versions compare as numbers, not as text. */
	    {&host_amd64, 5, 9, "[]",
	     "[\"always\",\"exc_any_cap\",\"inc_amd64\",\"inc_k58\",\"inc_empty\"]",
	     "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]"},
	    {&host_unknown, 5, 10, "[\"CAP_SYS_ADMIN\"]",
	     "[\"always\",\"exc_amd64\",\"inc_k58\",\"inc_k510\",\"inc_empty\"]", NULL},
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

/* ================= process ================= */

static void test_process_no_new_privileges(void **state)
{
	static const struct {
		const char *in, *want_process;
		const char *before; /* NULL: no change expected; "-": absent before */
	} cases[] = {
	    {"{}", "{\"noNewPrivileges\":true}", "-"},
	    {"{\"process\":null}", "{\"noNewPrivileges\":true}", "-"},
	    {"{\"process\":{}}", "{\"noNewPrivileges\":true}", "-"},
	    {"{\"process\":{\"cwd\":\"/\"}}", "{\"cwd\":\"/\",\"noNewPrivileges\":true}", "-"},
	    {"{\"process\":{\"noNewPrivileges\":false,\"cwd\":\"/\"}}",
	     "{\"noNewPrivileges\":true,\"cwd\":\"/\"}", "false"},
	    {"{\"process\":{\"noNewPrivileges\":null}}", "{\"noNewPrivileges\":true}", "null"},
	    {"{\"process\":{\"noNewPrivileges\":true}}", "{\"noNewPrivileges\":true}", NULL},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].in);
		expect_ok(run(&rg_rule_no_new_privileges, spec, &host_amd64));
		assert_json(at(spec, ".process"), cases[i].want_process);
		if (!cases[i].before) {
			assert_int_equal(report.n_changes, 0);
			continue;
		}
		assert_int_equal(report.n_changes, 1);
		assert_string_equal(report.changes[0].rule, "noNewPrivileges");
		assert_string_equal(report.changes[0].path, ".process.noNewPrivileges");
		if (rg_streq(cases[i].before, "-"))
			assert_null(report.changes[0].before);
		else
			assert_string_equal(report.changes[0].before, cases[i].before);
		assert_string_equal(report.changes[0].after, "true");
	}
}

static void test_process_wrong_types(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} cases[] = {
	    {"{\"process\":{\"noNewPrivileges\":\"yes\"}}", ".process.noNewPrivileges",
	     "expected a boolean, got string"},
	    {"{\"process\":{\"noNewPrivileges\":\"true\"}}", ".process.noNewPrivileges",
	     "got string"},
	    {"{\"process\":{\"noNewPrivileges\":1}}", ".process.noNewPrivileges", "got number"},
	    {"{\"process\":{\"noNewPrivileges\":{}}}", ".process.noNewPrivileges", "got object"},
	    {"{\"process\":true}", ".process", "expected an object, got boolean"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_no_new_privileges, spec, &host_amd64), FILE_NAME,
			     cases[i].path, cases[i].more);
	}
}

/* ================= resources ================= */

static void test_resources_pids_limit(void **state)
{
	static const struct {
		const char *in;
		const char *want_limit;
		bool is_changed;
	} cases[] = {
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

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].in);
		expect_ok(run(&rg_rule_resources, spec, &host_amd64));
		/* assert_json compares number text, so "2048" must be exactly that. */
		assert_json(at(spec, ".linux.resources.pids.limit"), cases[i].want_limit);
		assert_int_equal(report.n_changes, cases[i].is_changed ? 1 : 0);
		if (cases[i].is_changed) {
			assert_string_equal(report.changes[0].rule, "resources");
			assert_string_equal(report.changes[0].path, ".linux.resources.pids.limit");
			assert_string_equal(report.changes[0].after, "2048");
		}
	}

	/* Siblings keep their place and text. */
	struct rg_json *spec = parse("{\"linux\":{\"resources\":{\"memory\":{\"limit\":1e3},"
				     "\"pids\":{\"limit\":0,\"x\":1.50},\"cpu\":{}}}}");
	expect_ok(run(&rg_rule_resources, spec, &host_amd64));
	assert_string_equal(emit(spec), "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1e3},"
					"\"pids\":{\"limit\":2048,\"x\":1.50},\"cpu\":{}}}}");
}

static void test_resources_wrong_types(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} cases[] = {
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

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_resources, spec, &host_amd64), FILE_NAME, cases[i].path,
			     cases[i].more);
	}
}

/* ================= annotate ================= */

#define STAMP_PATH ".annotations[\"run.runguard.policy\"]"
#define CHANGES_PATH ".annotations[\"run.runguard.changes\"]"

static const char *policy_stamp(void)
{
	return track(rg_xasprintf("%s@%s", policy.name, policy.digest));
}

static void assert_stamp_format(const char *s)
{
	char *prefix = track(rg_xasprintf("%s@sha256:", policy.name));
	assert_true(rg_startswith(s, prefix));
	const char *hex = s + strlen(prefix);
	assert_int_equal(strlen(hex), 64);
	for (size_t i = 0; i < 64; i++)
		assert_true(isdigit((unsigned char)hex[i]) || (hex[i] >= 'a' && hex[i] <= 'f'));
}

static void test_annotate_stamp(void **state)
{
	struct rg_json *spec = parse("{}");

	expect_ok(run(&rg_rule_annotate, spec, &host_amd64));
	const char *v = rg_json_str(rg_json_get(at(spec, ".annotations"), "run.runguard.policy"));
	assert_non_null(v);
	assert_stamp_format(v);
	assert_string_equal(v, policy_stamp());
	assert_int_equal(report.n_changes, 1);
	assert_string_equal(report.changes[0].rule, "annotate");
	assert_string_equal(report.changes[0].path, STAMP_PATH);
	assert_null(report.changes[0].before);

	/* null annotations are created too */
	spec = parse("{\"annotations\":null}");
	expect_ok(run(&rg_rule_annotate, spec, &host_amd64));
	assert_string_equal(
	    rg_json_str(rg_json_get(at(spec, ".annotations"), "run.runguard.policy")),
	    policy_stamp());
}

static void test_annotate_preserves_others(void **state)
{
	struct rg_json *spec = parse("{\"annotations\":{\"b\":\"1\",\"a\":\"2\","
				     "\"io.kubernetes.cri.sandbox-id\":\"x\\u0000y\"},\"z\":1}");

	expect_ok(run(&rg_rule_annotate, spec, &host_amd64));
	const struct rg_json *ann = at(spec, ".annotations");
	assert_int_equal(ann->n, 4);
	assert_string_equal(ann->u.members[0].key, "b");
	assert_string_equal(ann->u.members[1].key, "a");
	assert_string_equal(ann->u.members[2].key, "io.kubernetes.cri.sandbox-id");
	assert_string_equal(ann->u.members[3].key, "run.runguard.policy");
	assert_json(ann->u.members[2].value, "\"x\\u0000y\"");
	assert_string_equal(rg_json_str(ann->u.members[3].value), policy_stamp());
	assert_string_equal(spec->u.members[1].key, "z");
}

static void test_annotate_overwrites_forgery(void **state)
{
	static const char *const forged[] = {
	    "\"default@sha256:0000\"", "\"\"", "5", "null", "{\"nested\":true}",
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(forged); i++) {
		char *text = track(rg_xasprintf("{\"annotations\":{\"x\":\"1\","
						"\"run.runguard.policy\":%s,\"y\":\"2\"}}",
						forged[i]));
		struct rg_json *spec = parse(text);
		expect_ok(run(&rg_rule_annotate, spec, &host_amd64));
		const struct rg_json *ann = at(spec, ".annotations");
		assert_int_equal(ann->n, 3);
		/* Overwritten in place. */
		assert_int_equal(key_index(ann, "run.runguard.policy"), 1);
		assert_string_equal(rg_json_str(ann->u.members[1].value), policy_stamp());
		assert_int_equal(report.n_changes, 1);
		assert_non_null(report.changes[0].before);
		assert_string_equal(report.changes[0].before, emit(parse(forged[i])));
	}

	/* The right stamp already there: no change. */
	char *text = track(
	    rg_xasprintf("{\"annotations\":{\"run.runguard.policy\":\"%s\"}}", policy_stamp()));
	struct rg_json *spec = parse(text);
	expect_ok(run(&rg_rule_annotate, spec, &host_amd64));
	assert_int_equal(report.n_changes, 0);
	assert_string_equal(emit(spec), emit(parse(text)));
}

static void test_annotate_wrong_types(void **state)
{
	static const struct {
		const char *spec, *more;
	} cases[] = {
	    {"{\"annotations\":[]}", "expected an object, got array"},
	    {"{\"annotations\":\"run.runguard.policy=x\"}", "got string"},
	    {"{\"annotations\":0}", "got number"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_annotate, spec, &host_amd64), FILE_NAME, ".annotations",
			     cases[i].more);
	}
}

/* ================= whole enforcement, idempotence ================= */

static const char *const idem_inputs[] = {
    "{}",
    "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"noNewPrivileges\":false}}",
    "{\"process\":{\"capabilities\":{\"bounding\":" ALL_CAPS ",\"effective\":" ALL_CAPS
    ",\"inheritable\":" ALL_CAPS ",\"permitted\":" ALL_CAPS ",\"ambient\":" ALL_CAPS "}}}",
    "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"},"
    "\"resources\":{\"pids\":{\"limit\":-1}}},\"annotations\":{\"a\":\"b\"}}",
    "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
    "[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\"}]},\"resources\":{\"pids\":{\"limit\":10}}}}",
    "{\"annotations\":{\"run.runguard.policy\":\"forged\"},\"x\":[1e3,-0,"
    "18446744073709551616]}",
};

static void check_idempotent(const char *text, const char *what)
{
	static const struct rg_host *const hosts[] = {&host_amd64, &host_arm64, &host_unknown};

	for (size_t h = 0; h < RG_ARRAY_SIZE(hosts); h++) {
		struct rg_json *spec = parse(text);
		expect_ok(run(NULL, spec, hosts[h]));
		assert_true(report.n_changes > 0 || rg_json_equal(spec, parse(text)));
		struct rg_json *once = track_json(rg_json_clone(spec));
		expect_ok(run(NULL, spec, hosts[h]));
		if (report.n_changes != 0)
			fail_msg("%s (host %zu): second enforcement changed %s (%s -> %s)", what, h,
				 report.changes[0].path,
				 report.changes[0].before ? report.changes[0].before : "(absent)",
				 report.changes[0].after ? report.changes[0].after : "(absent)");
		if (!rg_json_equal(spec, once))
			fail_msg("%s (host %zu): second enforcement changed the tree", what, h);
		/* And the enforced tree survives emit/parse unchanged. */
		char *out = track(rg_json_emit(spec, true, NULL));
		assert_true(rg_json_equal(parse(out), spec));
	}
}

static void test_idempotence_inline(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(idem_inputs); i++)
		check_idempotent(idem_inputs[i], idem_inputs[i]);
}

/* Each tests/golden/enforce-<name>/in.json, including runc spec's default config. */
static void test_idempotence_golden_inputs(void **state)
{
	DIR *d = opendir(GOLDEN_DIR);
	size_t n = 0;

	assert_non_null(d);
	for (struct dirent *de; (de = readdir(d));) {
		if (!rg_startswith(de->d_name, "enforce-"))
			continue;
		char *path = track(rg_xasprintf(GOLDEN_DIR "/%s/in.json", de->d_name));
		char *text = read_text(path, NULL);
		if (!text)
			continue;
		/* As loaded: keys in runc's spelling; an ambiguous input is a refusal case. */
		struct rg_json *spec = parse(text);
		if (rg_spec_canon_keys(spec, FILE_NAME, NULL, &error) < 0) {
			rg_error_free(error);
			error = NULL;
			continue;
		}
		check_idempotent(track(rg_json_emit(spec, false, NULL)), path);
		n++;
	}
	closedir(d);
	assert_true(n >= 1);
	/* runc spec's default config must be among them. */
	assert_non_null(read_text(GOLDEN_DIR "/enforce-runc-spec/in.json", NULL));
}

static void test_enforce_top_level(void **state)
{
	static const char *const not_objects[] = {"[]", "null", "\"x\"", "1"};

	for (size_t i = 0; i < RG_ARRAY_SIZE(not_objects); i++) {
		struct rg_json *spec = parse(not_objects[i]);
		expect_error(run(NULL, spec, &host_amd64), FILE_NAME, ".", "expected an object");
	}
}

/* Unknown fields anywhere survive enforcement untouched and in place. */
static void test_enforce_keeps_unknown_fields(void **state)
{
	struct rg_json *spec =
	    parse("{\"x-first\":{\"n\":18446744073709551616},\"process\":{\"x-p\":1e3,"
		  "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"],\"x-c\":-0}},"
		  "\"linux\":{\"x-l\":[1.50],\"resources\":{\"x-r\":true,\"pids\":{\"x-q\":null}}},"
		  "\"annotations\":{\"k\":\"v\"},\"x-last\":\"\\u2603\"}");

	expect_ok(run(NULL, spec, &host_amd64));
	assert_json(at(spec, ".x-first"), "{\"n\":18446744073709551616}");
	assert_json(at(spec, ".process.x-p"), "1e3");
	assert_json(at(spec, ".process.capabilities"), "{\"bounding\":[],\"x-c\":-0}");
	assert_json(at(spec, ".linux.x-l"), "[1.50]");
	assert_json(at(spec, ".linux.resources.x-r"), "true");
	assert_json(at(spec, ".linux.resources.pids"), "{\"x-q\":null,\"limit\":2048}");
	assert_json(at(spec, ".x-last"), "\"\\u2603\"");
	assert_int_equal(key_index(spec, "x-first"), 0);
	assert_int_equal(key_index(spec, "x-last"), spec->n - 1);
	/* every rule left its mark */
	assert_non_null(find_change(".process.capabilities.bounding"));
	assert_non_null(find_change(".linux.seccomp"));
	assert_non_null(find_change(".process.noNewPrivileges"));
	assert_non_null(find_change(".linux.resources.pids.limit"));
	assert_non_null(find_change(".linux.maskedPaths"));
	assert_non_null(find_change(".linux.readonlyPaths"));
	assert_non_null(find_change(STAMP_PATH));
	/* and the summary of what the other rules changed */
	assert_non_null(find_change(CHANGES_PATH));
	assert_int_equal(report.n_changes, 8);
	assert_int_equal(report.n_violations, 0);
	assert_json(rg_json_get(at(spec, ".annotations"), "run.runguard.changes"),
		    "\"capabilities:1,seccomp:1,noNewPrivileges:1,resources:1,paths:2\"");
}

/* ================= rg_spec_check_keys ================= */

static void test_check_keys_refused(void **state)
{
	static const struct {
		const char *spec, *path;
	} cases[] = {
	    {"{\"Process\":{}}", ".Process"},
	    {"{\"PROCESS\":{}}", ".PROCESS"},
	    {"{\"process\":{},\"Process\":{}}", ".Process"},
	    {"{\"ociversion\":\"1.0.2\"}", ".ociversion"},
	    {"{\"proce\\u017fs\":{}}", ".proce\xc5\xbfs"}, /* U+017F long s */
	    {"{\"ho\\u017ftname\":\"x\"}", ".ho\xc5\xbftname"},
	    {"{\"hoo\\u212as\":{}}", ".hoo\xe2\x84\xaas"}, /* U+212A Kelvin sign */
	    {"{\"linux\":{\"mas\\u212aedPaths\":[]}}", ".linux.mas\xe2\x84\xaa"
						       "edPaths"},
	    {"{\"process\":{\"capabilities\":{\"Bounding\":[]}}}",
	     ".process.capabilities.Bounding"},
	    {"{\"process\":{\"NoNewPrivileges\":true}}", ".process.NoNewPrivileges"},
	    {"{\"process\":{\"noNewPrivileges\":false,\"nonewprivileges\":true}}",
	     ".process.nonewprivileges"},
	    {"{\"mounts\":[{\"destination\":\"/a\"},{\"Destination\":\"/x\"}]}",
	     ".mounts[1].Destination"},
	    {"{\"linux\":{\"Seccomp\":null}}", ".linux.Seccomp"},
	    {"{\"linux\":{\"seccomp\":{\"syscalls\":[{\"Names\":[\"x\"]}]}}}",
	     ".linux.seccomp.syscalls[0].Names"},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"LIMIT\":1}}}}", ".linux.resources.pids.LIMIT"},
	    {"{\"Annotations\":{}}", ".Annotations"},
	    {"{\"linux\":{\"Sysctl\":{}}}", ".linux.Sysctl"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		rg_error_free(error);
		error = NULL;
		int r = rg_spec_check_keys(spec, FILE_NAME, &error);
		expect_error(r, FILE_NAME, cases[i].path, "only by case");
	}
}

static void test_check_keys_allowed(void **state)
{
	static const char *const ok[] = {
	    "{}",
	    "{\"ociVersion\":\"1.0.2\",\"process\":{\"noNewPrivileges\":true,\"capabilities\":"
	    "{\"bounding\":[],\"effective\":[]}},\"linux\":{\"seccomp\":{\"defaultAction\":"
	    "\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
	    "\"SCMP_ACT_ALLOW\"}]},\"resources\":{\"pids\":{\"limit\":1}}}}",
	    "{\"org.example.foo\":1,\"x\":2,\"processes\":{},\"proc\":[]}",
	    /* Not folded by Go: Cyrillic es and Latin small letter dotless i. */
	    "{\"pro\xd1\x81\x65ss\":{},\"l\xc4\xb1nux\":{}}",
	    /* Free-form maps: keys are data, not fields. */
	    "{\"annotations\":{\"Process\":\"x\",\"NoNewPrivileges\":\"y\",\"LINUX\":\"z\","
	    "\"proce\\u017fs\":\"w\"}}",
	    "{\"linux\":{\"sysctl\":{\"Kernel\":\"1\",\"NET.core.somaxconn\":\"1024\"}}}",
	    "{\"linux\":{\"resources\":{\"unified\":{\"Memory\":\"1\",\"PIDS\":\"x\"}}}}",
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(ok); i++) {
		struct rg_json *spec = parse(ok[i]);
		rg_error_free(error);
		error = NULL;
		int r = rg_spec_check_keys(spec, FILE_NAME, &error);
		if (r < 0)
			fail_msg("refused %s: %s", ok[i], error ? error->msg : "?");
	}

	/* Every golden input uses exact names (runc spec's default config among them). */
	static const char *const golden[] = {"runc-spec", "privileged", "podman-like", "minimal"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(golden); i++) {
		char *path = track(rg_xasprintf(GOLDEN_DIR "/enforce-%s/in.json", golden[i]));
		char *text = read_text(path, NULL);
		assert_non_null(text);
		struct rg_json *spec = parse(text);
		int r = rg_spec_check_keys(spec, FILE_NAME, &error);
		if (r < 0)
			fail_msg("refused %s: %s", path, error ? error->msg : "?");
	}
}

/* ================= rg_spec_canon_keys ================= */

static void expect_canon(const char *in, const char *want, size_t n_changes, const char *first_path)
{
	struct rg_json *spec = parse(in);
	struct rg_report r = {0};

	int rc = rg_spec_canon_keys(spec, FILE_NAME, &r, &error);
	if (rc < 0)
		fail_msg("refused %s: %s", in, error ? error->msg : "?");
	if (!rg_json_equal(spec, parse(want)))
		fail_msg("%s: got %s, want %s", in, track(rg_json_emit(spec, false, NULL)), want);
	assert_int_equal(r.n_changes, n_changes);
	if (first_path) {
		assert_string_equal(r.changes[0].rule, "keys");
		assert_string_equal(r.changes[0].path, first_path);
	}
	rg_report_free(&r);
	/* Idempotent, and the strict check now accepts the tree. */
	expect_ok(rg_spec_canon_keys(spec, FILE_NAME, &r, &error));
	assert_int_equal(r.n_changes, 0);
	expect_ok(rg_spec_check_keys(spec, FILE_NAME, &error));
}

static void test_canon_keys_renames(void **state)
{
	expect_canon("{\"Process\":{\"Capabilities\":{\"Bounding\":[\"CAP_SYS_ADMIN\"]}}}",
		     "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}}}", 3,
		     ".Process");
	expect_canon("{\"linux\":{\"resources\":{\"CPU\":{\"cpus\":\"0\"}}}}",
		     "{\"linux\":{\"resources\":{\"cpu\":{\"cpus\":\"0\"}}}}", 1,
		     ".linux.resources.CPU");
	expect_canon("{\"LINUX\":{\"Resources\":{\"Pids\":{\"LIMIT\":0}}}}",
		     "{\"linux\":{\"resources\":{\"pids\":{\"limit\":0}}}}", 4, ".LINUX");
	/* Go's extra folds: U+017F long s to 's', U+212A Kelvin sign to 'k'. */
	expect_canon("{\"proce\\u017fs\":{\"args\":[]},\"hoo\\u212as\":{}}",
		     "{\"process\":{\"args\":[]},\"hooks\":{}}", 2, ".proce\xc5\xbfs");
	expect_canon("{\"linux\":{\"mas\\u212aedPaths\":[]}}", "{\"linux\":{\"maskedPaths\":[]}}",
		     1,
		     ".linux.mas\xe2\x84\xaa"
		     "edPaths");
	expect_canon("{\"mounts\":[{\"destination\":\"/a\"},{\"Destination\":\"/x\"}]}",
		     "{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/x\"}]}", 1,
		     ".mounts[1].Destination");
	/* A renamed map keeps its keys: they are data, not fields. */
	expect_canon(
	    "{\"Annotations\":{\"Process\":\"x\"},\"linux\":{\"Sysctl\":{\"Kernel\":\"1\"}}}",
	    "{\"annotations\":{\"Process\":\"x\"},\"linux\":{\"sysctl\":{\"Kernel\":\"1\"}}}", 2,
	    ".Annotations");
	/* Key order and values are kept. */
	expect_canon("{\"a\":1,\"Hostname\":\"h\",\"b\":2}", "{\"a\":1,\"hostname\":\"h\",\"b\":2}",
		     1, ".Hostname");
	/* Not folded by Go (Cyrillic es, dotless i), and unknown keys: left alone. */
	expect_canon("{\"pro\xd1\x81\x65ss\":{},\"l\xc4\xb1nux\":{},\"x\":{\"Y\":1}}",
		     "{\"pro\xd1\x81\x65ss\":{},\"l\xc4\xb1nux\":{},\"x\":{\"Y\":1}}", 0, NULL);
}

static void test_canon_keys_ambiguous(void **state)
{
	static const struct {
		const char *spec, *path;
	} cases[] = {
	    {"{\"linux\":{\"resources\":{\"cpu\":{},\"CPU\":{}}}}", ".linux.resources.CPU"},
	    {"{\"linux\":{\"resources\":{\"CPU\":{},\"cpu\":{}}}}", ".linux.resources.cpu"},
	    {"{\"Process\":{},\"PROCESS\":{}}", ".PROCESS"},
	    {"{\"process\":{},\"proce\\u017fs\":{}}", ".proce\xc5\xbfs"},
	    {"{\"mounts\":[{\"Type\":\"bind\",\"type\":\"tmpfs\"}]}", ".mounts[0].type"},
	    {"{\"Linux\":{\"Resources\":{\"pids\":{\"limit\":1,\"LIMIT\":0}}}}",
	     ".linux.resources.pids.LIMIT"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		struct rg_report r = {0};
		rg_error_free(error);
		error = NULL;
		expect_error(rg_spec_canon_keys(spec, FILE_NAME, &r, &error), FILE_NAME,
			     cases[i].path, "runc would apply only the last");
		rg_report_free(&r);
	}
}

static void test_check_keys_top_level(void **state)
{
	static const char *const not_objects[] = {"[]", "[{\"Process\":1}]", "null", "\"x\"", "1"};

	for (size_t i = 0; i < RG_ARRAY_SIZE(not_objects); i++) {
		struct rg_json *spec = parse(not_objects[i]);
		rg_error_free(error);
		error = NULL;
		expect_error(rg_spec_check_keys(spec, FILE_NAME, &error), FILE_NAME, ".",
			     "expected an object");
	}
}

/* ================= policy and its digest ================= */

static void assert_digest_format(const char *d)
{
	assert_true(rg_startswith(d, "sha256:"));
	assert_int_equal(strlen(d), 7 + 64);
	for (size_t i = 7; i < 71; i++)
		assert_true(isdigit((unsigned char)d[i]) || (d[i] >= 'a' && d[i] <= 'f'));
}

static void test_policy_default(void **state)
{
	assert_string_equal(policy.name, "baseline");
	assert_true(policy.is_config_loaded);
	assert_string_equal(policy.seccomp_profile_origin, "embedded");
	assert_digest_format(policy.digest);
	assert_json(at(policy.rules, ".resources.pids.default"), "2048");
	for (size_t i = 0; i < 5; i++) {
		static const char *const fixing[] = {"capabilities", "seccomp", "noNewPrivileges",
						     "resources", "annotate"};
		assert_int_equal(rg_policy_action(&policy, fixing[i]), RG_ACTION_FIX);
	}
	/* The embedded profile is profiles/seccomp-default.json, byte for byte. */
	size_t len = 0, file_len = 0;
	const char *emb = rg_embedded_seccomp(&len);
	char *file = read_text(PROFILE_REL, &file_len);
	assert_non_null(file);
	assert_int_equal(len, file_len);
	assert_memory_equal(emb, file, len);
}

static void test_policy_digest_stable(void **state)
{
	const struct rg_policy *a = load_policy(empty_config);
	const struct rg_policy *b = load_policy(empty_config);

	assert_digest_format(a->digest);
	assert_string_equal(a->digest, b->digest);
	assert_string_equal(a->digest, policy.digest);

	/* The same configuration named by $RUNGUARD_CONFIG. */
	char *saved =
	    getenv("RUNGUARD_CONFIG") ? track(rg_xstrdup(getenv("RUNGUARD_CONFIG"))) : NULL;
	setenv("RUNGUARD_CONFIG", empty_config, 1);
	struct rg_policy env = {0};
	int r = rg_policy_load(NULL, &env, &error);
	bool is_same = r == 0 && rg_streq(env.digest, policy.digest) && env.is_config_loaded;
	if (r == 0)
		rg_policy_free(&env);
	if (saved)
		setenv("RUNGUARD_CONFIG", saved, 1);
	else
		unsetenv("RUNGUARD_CONFIG");
	expect_ok(r);
	assert_true(is_same);

	/* An absent default configuration means the same embedded policy. */
	if (access(RG_CONFIG_DEFAULT_PATH, F_OK) == 0)
		return;
	unsetenv("RUNGUARD_CONFIG");
	r = rg_policy_load(NULL, &env, &error);
	if (saved)
		setenv("RUNGUARD_CONFIG", saved, 1);
	expect_ok(r);
	is_same = rg_streq(env.digest, policy.digest) && !env.is_config_loaded;
	rg_policy_free(&env);
	assert_true(is_same);
}

/* The embedded profile with one syscall removed from its first entry; tracked. */
static char *profile_without(const char *syscall, size_t *ret_len)
{
	size_t len = 0;
	const char *emb = rg_embedded_seccomp(&len);
	struct rg_json *prof = track_json(rg_json_parse(emb, len, "embedded", NULL, &error));
	assert_non_null(prof);
	struct rg_json *names = at(prof, ".syscalls[0].names");
	assert_non_null(names);
	size_t before = names->n;
	for (size_t i = 0; i < names->n; i++)
		if (rg_streq(rg_json_str(names->u.items[i]), syscall))
			rg_json_array_remove(names, i);
	assert_int_equal(names->n, before - 1);
	return track(rg_json_emit(prof, true, ret_len));
}

static void test_policy_digest_follows_profile(void **state)
{
	size_t len = 0, fewer_len = 0;
	const char *emb = rg_embedded_seccomp(&len);
	char *fewer = profile_without("chdir", &fewer_len);

	/* A configuration naming a copy of the profile: stable across loads. */
	const struct rg_policy *copy = load_policy_with_profile("copy", emb, len);
	assert_digest_format(copy->digest);
	char *cfg_path = tmp_path("copy.config.json");
	assert_string_equal(load_policy(cfg_path)->digest, copy->digest);

	/* Same configuration, the profile file changed under it: another digest. */
	write_file(tmp_path("copy.profile.json"), fewer, fewer_len);
	const struct rg_policy *changed = load_policy(cfg_path);
	assert_digest_format(changed->digest);
	assert_string_not_equal(changed->digest, copy->digest);
	assert_string_not_equal(changed->digest, policy.digest);

	/* Enforcing with it stamps that digest, and the syscall is gone. */
	struct rg_json *spec = parse("{}");
	expect_ok(run_policy(changed, NULL, spec, &host_amd64));
	assert_false(has_syscall(spec, "chdir"));
	assert_true(has_syscall(spec, "fchdir"));
	char *stamp = track(rg_xasprintf("%s@%s", changed->name, changed->digest));
	assert_string_equal(
	    rg_json_str(rg_json_get(at(spec, ".annotations"), "run.runguard.policy")), stamp);
	/* ... and the change names where the profile came from. */
	const struct rg_change *ch = find_change(".linux.seccomp");
	assert_non_null(ch);
	char *origin = track(rg_xasprintf("\"%s\"", tmp_path("copy.profile.json")));
	assert_string_equal(ch->after, origin);
}

/* Any change to the configuration's rules changes the digest. */
static void test_policy_digest_follows_rules(void **state)
{
	static const char *const configs[] = {
	    "{\"rules\":{\"resources\":{\"pids\":{\"default\":4096}}}}",
	    "{\"rules\":{\"capabilities\":{\"allow\":[\"CAP_CHOWN\"]}}}",
	    "{\"rules\":{\"noNewPrivileges\":{\"action\":\"reject\"}}}",
	    "{\"profile\":\"restricted\"}",
	};
	const char *seen[RG_ARRAY_SIZE(configs) + 1] = {policy.digest};

	for (size_t i = 0; i < RG_ARRAY_SIZE(configs); i++) {
		char *path = tmp_path(track(rg_xasprintf("rules-%zu.json", i)));
		write_file(path, configs[i], strlen(configs[i]));
		const struct rg_policy *p = load_policy(path);
		assert_digest_format(p->digest);
		for (size_t k = 0; k <= i; k++)
			if (rg_streq(seen[k], p->digest))
				fail_msg("%s: same digest as config %zu", configs[i], k);
		seen[i + 1] = p->digest;
	}
}

static void test_policy_load_errors(void **state)
{
	struct rg_policy p = {0};
	char *missing = tmp_path("does-not-exist.json");
	char *bad_key = tmp_path("bad-key.json");
	char *bad_profile = tmp_path("bad-profile.json");
	static const char typo[] = "{\"rule\":{}}";

	/* A configuration named explicitly must exist. */
	assert_true(rg_policy_load(missing, &p, &error) < 0);
	assert_non_null(error);
	assert_non_null(strstr(error->msg, missing));
	rg_error_free(error);
	error = NULL;

	/* A typo never silently weakens the policy. */
	write_file(bad_key, typo, strlen(typo));
	assert_true(rg_policy_load(bad_key, &p, &error) < 0);
	assert_non_null(error);
	assert_non_null(strstr(error->msg, ".rule"));
	rg_error_free(error);
	error = NULL;

	/* A seccomp profile that is not there is an error, not "no seccomp". */
	char *cfg = track(rg_xasprintf("{\"rules\":{\"seccomp\":{\"profile\":\"%s\"}}}", missing));
	write_file(bad_profile, cfg, strlen(cfg));
	assert_true(rg_policy_load(bad_profile, &p, &error) < 0);
	assert_non_null(error);
	assert_non_null(strstr(error->msg, missing));
}

/* ================= rule actions: reject and off ================= */

static void test_action_reject(void **state)
{
	static const char cfg[] = "{\"rules\":{\"capabilities\":{\"action\":\"reject\"},"
				  "\"noNewPrivileges\":{\"action\":\"reject\"},"
				  "\"namespaces\":{\"action\":\"off\"}}}";
	char *path = tmp_path("reject.json");
	write_file(path, cfg, strlen(cfg));
	const struct rg_policy *p = load_policy(path);
	const char *text = "{\"process\":{\"noNewPrivileges\":false,\"capabilities\":"
			   "{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}}}";
	struct rg_json *spec = parse(text);

	int r = run_policy(p, NULL, spec, &host_amd64);
	assert_int_equal(r, -EPERM);
	assert_non_null(error);
	assert_non_null(strstr(error->msg, ".process.capabilities.bounding"));
	assert_non_null(strstr(error->msg, "CAP_SYS_ADMIN"));
	assert_non_null(strstr(error->msg, ".process.noNewPrivileges"));
	assert_int_equal(report.n_violations, 2);
	/* What was refused was not rewritten. */
	assert_json(at(spec, ".process"), "{\"noNewPrivileges\":false,\"capabilities\":"
					  "{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}}");

	/* A compliant spec passes a rejecting policy untouched by those rules. */
	spec = parse("{\"process\":{\"noNewPrivileges\":true,\"capabilities\":"
		     "{\"bounding\":[\"CAP_CHOWN\"]}}}");
	expect_ok(run_policy(p, NULL, spec, &host_amd64));
	assert_int_equal(report.n_violations, 0);
	assert_null(find_change(".process.noNewPrivileges"));
}

static void test_action_off(void **state)
{
	static const char cfg[] = "{\"rules\":{\"resources\":{\"action\":\"off\"},"
				  "\"seccomp\":{\"action\":\"off\"},"
				  "\"namespaces\":{\"action\":\"off\"},"
				  "\"paths\":{\"action\":\"off\"}}}";
	char *path = tmp_path("off.json");
	write_file(path, cfg, strlen(cfg));
	const struct rg_policy *p = load_policy(path);
	struct rg_json *spec = parse("{\"linux\":{}}");

	expect_ok(run_policy(p, NULL, spec, &host_amd64));
	assert_json(at(spec, ".linux"), "{}");
	assert_json(at(spec, ".process"), "{\"noNewPrivileges\":true}");
}

/* ================= main ================= */

static int setup_fixture(void)
{
	struct rg_error *e = NULL;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(empty_config, sizeof(empty_config), "%s/config.json", tmpdir);
	int fd = open(empty_config, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || rg_write_all(fd, "{}\n", 3) < 0 || close(fd) < 0) {
		perror(empty_config);
		return -1;
	}
	if (rg_policy_load(empty_config, &policy, &e) < 0) {
		fprintf(stderr, "policy: %s\n", e ? e->msg : "?");
		rg_error_free(e);
		return -1;
	}
	char all_config[300];
	snprintf(all_config, sizeof(all_config), "%s/all-rules.json", tmpdir);
	fd = open(all_config, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || rg_write_all(fd, ALL_RULES_CONFIG, strlen(ALL_RULES_CONFIG)) < 0 ||
	    close(fd) < 0 || rg_policy_load(all_config, &policy_all, &e) < 0) {
		fprintf(stderr, "policy %s: %s\n", all_config, e ? e->msg : strerror(errno));
		rg_error_free(e);
		return -1;
	}
	return 0;
}

static void teardown_fixture(void)
{
	rg_policy_free(&policy);
	rg_policy_free(&policy_all);
	DIR *d = opendir(tmpdir);
	if (d) {
		for (struct dirent *de; (de = readdir(d));)
			if (de->d_name[0] != '.')
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest caps[] = {
	    T(test_caps_each_set),
	    T(test_caps_all_five_sets),
	    T(test_caps_absent_and_null),
	    T(test_caps_unknown_names),
	    T(test_caps_unknown_name_shown_unambiguously),
	    T(test_caps_wrong_types),
	    T(test_caps_lookup_table),
	};
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
	const struct CMUnitTest process[] = {
	    T(test_process_no_new_privileges),
	    T(test_process_wrong_types),
	};
	const struct CMUnitTest resources[] = {
	    T(test_resources_pids_limit),
	    T(test_resources_wrong_types),
	};
	const struct CMUnitTest annotate[] = {
	    T(test_annotate_stamp),
	    T(test_annotate_preserves_others),
	    T(test_annotate_overwrites_forgery),
	    T(test_annotate_wrong_types),
	};
	const struct CMUnitTest enforce[] = {
	    T(test_idempotence_inline),
	    T(test_idempotence_golden_inputs),
	    T(test_enforce_top_level),
	    T(test_enforce_keeps_unknown_fields),
	};
	const struct CMUnitTest check_keys[] = {
	    T(test_check_keys_refused), T(test_check_keys_allowed),   T(test_check_keys_top_level),
	    T(test_canon_keys_renames), T(test_canon_keys_ambiguous),
	};
	const struct CMUnitTest policy_tests[] = {
	    T(test_policy_default),
	    T(test_policy_digest_stable),
	    T(test_policy_digest_follows_profile),
	    T(test_policy_digest_follows_rules),
	    T(test_policy_load_errors),
	};
	const struct CMUnitTest actions[] = {
	    T(test_action_reject),
	    T(test_action_off),
	};
	int failed = 0;

	if (setup_fixture() < 0) {
		teardown_fixture();
		return 1;
	}
	failed += cmocka_run_group_tests_name("rules/capabilities", caps, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/seccomp", seccomp, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/process", process, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/resources", resources, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/annotate", annotate, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/enforce", enforce, NULL, NULL);
	failed += cmocka_run_group_tests_name("spec/check_keys", check_keys, NULL, NULL);
	failed += cmocka_run_group_tests_name("policy", policy_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/actions", actions, NULL, NULL);
	teardown_fixture();
	return failed ? 1 : 0;
}
