/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fixture of the rule tests that run against the default policy
 * (test_rules_capabilities.c, _seccomp, _no_new_privileges, _annotate and
 * the engine's test_enforce, test_policy, test_spec_keys), split out of
 * one test_rules.c.
 *
 * Every test runs against the default policy, loaded from an explicit
 * configuration file holding `{}` in a temporary directory (so neither
 * $RUNGUARD_CONFIG nor /etc/runguard/config.json can change the outcome), and
 * an injected host (amd64 / Linux 6.1 unless a test says otherwise), so the
 * results do not depend on the machine the tests run on. Runs of all rules
 * use that policy with the isolation rules adjusted (ALL_RULES_CONFIG).
 * main() is fixture_main(groups): setup_fixture(), the groups,
 * teardown_fixture().
 *
 * Some golden in.json files (tests/golden/enforce-*) double as inputs for
 * the idempotence and key-check tests; run from the repo root.
 */
#ifndef RUNGUARD_TESTS_RULES_FIXTURE_H
#define RUNGUARD_TESTS_RULES_FIXTURE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/spec.h"
#include "rule_run.h"
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
static const struct rg_host host_amd64 __attribute__((unused)) = HOST("SCMP_ARCH_X86_64", "amd64");
static const struct rg_host host_arm64 __attribute__((unused)) = HOST("SCMP_ARCH_AARCH64", "arm64");
static const struct rg_host host_s390x __attribute__((unused)) = HOST("SCMP_ARCH_S390X", "s390x");
/* What rg_host_detect() leaves for a machine it does not know. */
static const struct rg_host host_unknown __attribute__((unused)) = HOST(NULL, NULL);
/* A name libseccomp-style but absent from the profile's archMap. */
static const struct rg_host host_odd __attribute__((unused)) = HOST("SCMP_ARCH_FOO", "foo");

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
 * test_rules_<rule>.c.
 */
/* fields off: these tests give every other rule unknown fields to keep (nothing lost);
 * the fields rule, which refuses them by default, has its own tests. */
#define ALL_RULES_CONFIG                                                                           \
	"{\"rules\":{\"fields\":{\"action\":\"off\"},"                                             \
	"\"namespaces\":{\"action\":\"off\"},\"mounts\":{\"action\":\"fix\"},"                     \
	"\"devices\":{\"action\":\"fix\"},\"hooks\":{\"action\":\"fix\"}}}\n"
static struct rg_policy policy_all;

static inline void write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(rg_write_all(fd, text, len), 0);
	assert_int_equal(close(fd), 0);
}

/* Reads a file into a tracked buffer; NULL when it does not exist. */
static inline char *read_text(const char *path, size_t *ret_len)
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

static inline char *tmp_path(const char *name)
{
	return track(rg_xasprintf("%s/%s", tmpdir, name));
}

/* ---- JSON helpers ---- */

static inline size_t key_index(const struct rg_json *obj, const char *key)
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
static inline int run_policy(const struct rg_policy *p, const struct rg_rule *rule,
			     struct rg_json *spec, const struct rg_host *host)
{
	struct rg_rule_ctx ctx = {.policy = p,
				  .host = host,
				  .report = &report,
				  .file = FILE_NAME,
				  .bundle = "/srv/bundle"};

	return run_as_enforce(rule, &ctx, spec, &error);
}

static inline int run(const struct rg_rule *rule, struct rg_json *spec, const struct rg_host *host)
{
	return run_policy(rule ? &policy : &policy_all, rule, spec, host);
}

/* ---- shared by several test files ---- */

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

static inline bool names_has(const struct rg_json *entry, const char *name)
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
static inline bool has_syscall(const struct rg_json *spec, const char *name)
{
	const struct rg_json *calls = at(spec, ".linux.seccomp.syscalls");
	assert_true(rg_json_is(calls, RG_JSON_ARRAY));
	for (size_t i = 0; i < calls->n; i++)
		if (names_has(calls->u.items[i], name))
			return true;
	return false;
}

/* Loads a tracked policy from config_path; fails the test on error. */
static inline struct rg_policy *load_policy(const char *config_path)
{
	struct rg_policy *p = new_policy();
	int r = rg_policy_load(config_path, p, &error);
	if (r < 0)
		fail_msg("policy %s: %s", config_path ? config_path : "(default)",
			 error ? error->msg : "?");
	return p;
}

/* A policy whose configuration names a seccomp profile with the given text. */
static inline struct rg_policy *load_policy_with_profile(const char *name, const char *profile,
							 size_t len)
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

#define STAMP_PATH ".annotations[\"run.runguard.policy\"]"
#define CHANGES_PATH ".annotations[\"run.runguard.changes\"]"

static inline int setup_fixture(void)
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

static inline void teardown_fixture(void)
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

/* main() of a test file on this fixture: set up, run the groups, tear down. */
static inline int fixture_main(int (*run_groups)(void))
{
	int failed = 1;
	if (setup_fixture() == 0)
		failed = run_groups();
	teardown_fixture();
	return failed ? 1 : 0;
}

#endif
