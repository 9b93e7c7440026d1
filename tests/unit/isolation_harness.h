/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RG_TEST_ISOLATION_HARNESS_H
#define RG_TEST_ISOLATION_HARNESS_H
/*
 * Shared harness of the isolation rules' unit tests (test_rules_namespaces.c,
 * _mounts, _devices, _hooks, _annotations, _rootfs, _user,
 * _resources_cgpath, the rules together in test_rules_isolation.c, and the
 * host's namespace adapter in tests/unit/host/test_namespaces.c). Table-driven; each rule runs on
 * its own, set up as rg_enforce() sets it up, under one of these policies (each loaded from an
 * explicit configuration file in a temporary directory):
 *
 *   baseline   the default policy (`{}`)
 *   fix        those six rules with action fix
 *   reject     those six rules with action reject
 *
 * and on an injected host whose adapters are fakes: /proc/1/ns/<x> is the
 * host's namespace, /broken/<x> cannot be stat'ed, a few host paths are
 * symlinks (see fake_resolve) and a few pids run known programs (see
 * fake_process_exe). Nothing here touches the real machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/error.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "runguard/normpath.h"
#include "runguard/policy.h"
#include "runguard/report.h"
#include "runguard/rules.h"
#include "runguard/util.h"
#include "rule_run.h"

#define FILE_NAME "config.json"
/* Each test program uses part of the harness. */
#define HARNESS static __attribute__((unused))

/* ---- fake host ---- */

HARNESS int fake_ns_is_host(const char *type, const char *path)
{
	if (rg_startswith(path, "/broken/"))
		return -ENOENT;
	/* Not a namespace file, or one of another type (the real adapter asks nsfs). */
	const char *last = strrchr(path, '/');
	const char *want = rg_streq(type, "network") ? "net"
			   : rg_streq(type, "mount") ? "mnt"
						     : type;
	if (rg_startswith(path, "/etc/") ||
	    (rg_startswith(path, "/proc/") && !rg_streq(last + 1, want)))
		return -EMEDIUMTYPE;
	return rg_startswith(path, "/proc/1/ns/") ? 1 : 0;
}

/*
 * /tmp/link-to-root -> /, /var/run -> /run; /missing does not exist. In the
 * bundle (/srv/bundle): to-root -> /, to-runc -> /run/runc, to-usr -> /usr;
 * /proc/1/root is the host's /.
 */
HARNESS int fake_resolve(const char *path, char **ret)
{
	static const char *const links[][2] = {
	    {"/tmp/link-to-root", "/"},
	    {"/srv/bundle/to-root", "/"},
	    {"/srv/bundle/to-runc", "/run/runc"},
	    {"/srv/bundle/to-usr", "/usr"},
	    {"/proc/1/root", "/"},
	};
	if (rg_streq(path, "/missing"))
		return -ENOENT;
	for (size_t i = 0; i < RG_ARRAY_SIZE(links); i++) {
		if (rg_streq(path, links[i][0])) {
			*ret = rg_xstrdup(links[i][1]);
			return 0;
		}
	}
	if (rg_startswith(path, "/var/run/"))
		*ret = rg_xasprintf("%s", path + 4);
	else
		*ret = rg_xstrdup(path);
	return 0;
}

/*
 * Processes: 4242 runs the host's /usr/sbin/dockerd, 4243 /usr/bin/python3;
 * 4244's image is not the file its path names (a container's dockerd),
 * 4245's is not root's; no other pid exists.
 */
HARNESS int fake_process_exe(int pid, char **ret)
{
	switch (pid) {
	case 4242:
		*ret = rg_xstrdup("/usr/sbin/dockerd");
		return 0;
	case 4243:
		*ret = rg_xstrdup("/usr/bin/python3");
		return 0;
	case 4244:
		return -ESTALE;
	case 4245:
		return -EPERM;
	default:
		return -ESRCH;
	}
}

HARNESS const struct rg_host host = {.seccomp_arch = "SCMP_ARCH_X86_64",
				     .go_arch = "amd64",
				     .kernel_major = 6,
				     .kernel_minor = 1,
				     .selinux_enabled = -1,
				     .ns_is_host = fake_ns_is_host,
				     .resolve_path = fake_resolve,
				     .process_exe = fake_process_exe};
/* A host whose adapter offers no look-ups at all. */
HARNESS const struct rg_host host_bare = {.kernel_major = 6, .kernel_minor = 1};

/* ---- fixture ---- */

HARNESS char tmpdir[] = "/tmp/rg-test-isolation-XXXXXX";
HARNESS struct rg_policy baseline, fix, reject;

#define MY_RULES(a)                                                                                \
	"{\"rules\":{\"namespaces\":{\"action\":\"" a "\"},\"mounts\":{\"action\":\"" a "\"},"     \
	"\"devices\":{\"action\":\"" a "\"},\"hooks\":{\"action\":\"" a "\"},"                     \
	"\"annotations\":{\"action\":\"" a "\"},\"rootfs\":{\"action\":\"" a "\"}}}"

#define MAX_TRACKED 512
HARNESS struct rg_json *tracked[MAX_TRACKED];
HARNESS size_t n_tracked;
HARNESS char *tracked_str[MAX_TRACKED];
HARNESS size_t n_tracked_str;
HARNESS struct rg_policy custom[4];
HARNESS size_t n_custom;
HARNESS struct rg_report report;
HARNESS struct rg_error *error;
/* The bundle directory runs see (relative sources and root.path); NULL: unknown. */
HARNESS const char *bundle = "/srv/bundle";
/* The container id runs see (as create's argv gives it); NULL: unknown. Reset by cleanup. */
HARNESS const char *container_id;

HARNESS struct rg_json *track(struct rg_json *j)
{
	assert_true(n_tracked < MAX_TRACKED);
	return tracked[n_tracked++] = j;
}

HARNESS char *track_str(char *s)
{
	assert_true(n_tracked_str < MAX_TRACKED);
	return tracked_str[n_tracked_str++] = s;
}

HARNESS int cleanup(void **state)
{
	for (size_t i = 0; i < n_tracked; i++)
		rg_json_free(tracked[i]);
	for (size_t i = 0; i < n_tracked_str; i++)
		free(tracked_str[i]);
	for (size_t i = 0; i < n_custom; i++)
		rg_policy_free(&custom[i]);
	n_tracked = n_tracked_str = n_custom = 0;
	rg_report_free(&report);
	rg_error_free(error);
	error = NULL;
	container_id = NULL;
	return 0;
}

HARNESS int load(const char *name, const char *text, struct rg_policy *ret)
{
	struct rg_error *e = NULL;
	char *path = rg_xasprintf("%s/%s", tmpdir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int r = fd < 0 ? -errno : rg_write_all(fd, text, strlen(text));
	if (fd >= 0)
		close(fd);
	if (r == 0)
		r = rg_policy_load(path, ret, &e);
	if (r < 0)
		fprintf(stderr, "%s: %s\n", path, e ? e->msg : strerror(-r));
	rg_error_free(e);
	unlink(path);
	free(path);
	return r;
}

/* A policy from a configuration text, freed by the teardown. */
HARNESS const struct rg_policy *policy_of(const char *text)
{
	assert_true(n_custom < RG_ARRAY_SIZE(custom));
	assert_int_equal(load("custom.json", text, &custom[n_custom]), 0);
	return &custom[n_custom++];
}

/* ---- JSON helpers ---- */

HARNESS struct rg_json *parse(const char *text)
{
	struct rg_error *e = NULL;
	struct rg_json *j = rg_json_parse(text, strlen(text), FILE_NAME, NULL, &e);
	if (!j) {
		char *m = track_str(rg_xstrdup(e ? e->msg : "?"));
		rg_error_free(e);
		fail_msg("test input does not parse: %s\n%s", m, text);
	}
	return track(j);
}

HARNESS const char *emit(const struct rg_json *j)
{
	return j ? track_str(rg_json_emit(j, false, NULL)) : "(absent)";
}

/* Walks ".a.b[2].c"; NULL when absent. */
HARNESS struct rg_json *at(const struct rg_json *j, const char *path)
{
	const char *p = path;
	while (j && *p) {
		if (*p == '.') {
			size_t n = strcspn(++p, ".[");
			char *key = rg_xstrndup(p, n);
			j = rg_json_get(j, key);
			free(key);
			p += n;
		} else {
			char *end = NULL;
			unsigned long i = strtoul(p + 1, &end, 10);
			j = rg_json_is(j, RG_JSON_ARRAY) && i < j->n ? j->u.items[i] : NULL;
			p = end + 1;
		}
	}
	return (struct rg_json *)j;
}

#define assert_json(node, want) assert_json_at(node, want, __FILE__, __LINE__)
HARNESS void assert_json_at(const struct rg_json *node, const char *want, const char *file,
			    int line)
{
	if (!want) {
		if (node)
			fail_msg("%s:%d: expected absent, got %s", file, line, emit(node));
		return;
	}
	if (!node || !rg_json_equal(node, parse(want)))
		fail_msg("%s:%d: expected %s\n       got %s", file, line, want, emit(node));
}

/* ---- running ---- */

HARNESS int run_on(const struct rg_rule *rule, const struct rg_policy *p, struct rg_json *spec,
		   const struct rg_host *h)
{
	struct rg_rule_ctx ctx = {.policy = p,
				  .host = h,
				  .report = &report,
				  .file = FILE_NAME,
				  .bundle = bundle,
				  .container_id = container_id};
	return run_as_enforce(rule, &ctx, spec, &error);
}

HARNESS int run(const struct rg_rule *rule, const struct rg_policy *p, struct rg_json *spec)
{
	return run_on(rule, p, spec, &host);
}

#define expect_ok(r) expect_ok_at(r, __FILE__, __LINE__)
HARNESS void expect_ok_at(int r, const char *file, int line)
{
	if (r < 0 || error)
		fail_msg("%s:%d: unexpected error %d: %s", file, line, r, error ? error->msg : "-");
}

/* The error names the file, the JSON path and (when given) more text. */
#define expect_error(r, path, more) expect_error_at(r, path, more, __FILE__, __LINE__)
HARNESS void expect_error_at(int r, const char *path, const char *more, const char *file, int line)
{
	if (r >= 0 || !error)
		fail_msg("%s:%d: expected an error at %s, got %d", file, line, path, r);
	char *needle = track_str(rg_xasprintf(" %s: ", path));
	if (!rg_startswith(error->msg, FILE_NAME ": ") || !strstr(error->msg, needle) ||
	    (more && !strstr(error->msg, more)))
		fail_msg("%s:%d: message lacks '%s' or '%s': %s", file, line, path,
			 more ? more : "", error->msg);
}

/* Exactly one violation (at path, containing more), or none when path is NULL. */
#define expect_violation(path, more) expect_violation_at(path, more, __FILE__, __LINE__)
HARNESS void expect_violation_at(const char *path, const char *more, const char *file, int line)
{
	if (!path) {
		if (report.n_violations)
			fail_msg("%s:%d: unexpected violation %s: %s", file, line,
				 report.violations[0].path, report.violations[0].msg);
		return;
	}
	if (report.n_violations != 1)
		fail_msg("%s:%d: expected one violation at %s, got %zu", file, line, path,
			 report.n_violations);
	const struct rg_violation *v = &report.violations[0];
	if (!rg_streq(v->path, path) || (more && !strstr(v->msg, more)))
		fail_msg("%s:%d: expected violation at %s with '%s', got %s: %s", file, line, path,
			 more ? more : "", v->path, v->msg);
}

/* Settings validation through the rule's check, as the configuration loader calls it. */
HARNESS int check(const struct rg_rule *rule, const char *settings)
{
	rg_error_free(error);
	error = NULL;
	return rule->check(parse(settings), "cfg", ".rules.x", &error);
}

#define expect_check_error(rule, settings, more)                                                   \
	do {                                                                                       \
		if (check(rule, settings) >= 0 || !error || !strstr(error->msg, more))             \
			fail_msg("%s:%d: settings %s: expected an error with '%s', got %s",        \
				 __FILE__, __LINE__, settings, more, error ? error->msg : "none"); \
	} while (0)

/* ---- main ---- */

HARNESS int setup_fixture(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return -1;
	}
	if (load("baseline.json", "{}", &baseline) < 0 ||
	    load("fix.json", MY_RULES("fix"), &fix) < 0 ||
	    load("reject.json", MY_RULES("reject"), &reject) < 0)
		return -1;
	return 0;
}

HARNESS void teardown_fixture(void)
{
	rg_policy_free(&baseline);
	rg_policy_free(&fix);
	rg_policy_free(&reject);
	rmdir(tmpdir);
}

/* main() of a test file on this harness: set up, run the groups, tear down. */
HARNESS int harness_main(int (*run_groups)(void))
{
	int failed = 1;
	if (setup_fixture() == 0)
		failed = run_groups();
	teardown_fixture();
	return failed ? 1 : 0;
}

#define T(f) cmocka_unit_test_teardown(f, cleanup)

#endif
