/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of what decides a container's identity as the host sees it:
 * the real namespace adapter (nsfs type, device and inode), the user rule
 * judged on the host ids the mappings give, and linux.cgroupsPath. The
 * harness is isolation_harness.h.
 */
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include "isolation_harness.h"
#include "../../../src/rules/resources_cgpath.h"

/* ================= the namespace adapter ================= */

static void test_ns_adapter(void **state)
{
	static const char link[] = "/tmp/rg-test-nslink";
	assert_int_equal(rg_host_ns_is_host("network", "/proc/self/ns/net"), 1);
	assert_int_equal(rg_host_ns_is_host("ipc", "/proc/thread-self/ns/ipc"), 1);
	assert_int_equal(rg_host_ns_is_host("pid", "/proc/self/../self/ns/pid"), 1);
	/* Another type's file, a plain file, a directory: not that namespace. */
	assert_int_equal(rg_host_ns_is_host("pid", "/proc/self/ns/net"), -EMEDIUMTYPE);
	assert_int_equal(rg_host_ns_is_host("network", "/proc/self/ns/net/"), -ENOTDIR);
	assert_int_equal(rg_host_ns_is_host("uts", "/proc/self/status"), -EMEDIUMTYPE);
	assert_int_equal(rg_host_ns_is_host("uts", "/proc/self/ns"), -EMEDIUMTYPE);
	assert_int_equal(rg_host_ns_is_host("uts", "/dev/null"), -EMEDIUMTYPE);
	assert_int_equal(rg_host_ns_is_host("uts", "/nonexistent/ns"), -ENOENT);
	assert_int_equal(rg_host_ns_is_host("uts", "proc/self/ns/uts"), -EINVAL);
	assert_int_equal(rg_host_ns_is_host("bogus", "/proc/self/ns/uts"), -EINVAL);
	/* A symlink to a host namespace is the host namespace. */
	unlink(link);
	assert_int_equal(symlink("/proc/self/ns/uts", link), 0);
	assert_int_equal(rg_host_ns_is_host("uts", link), 1);
	unlink(link);
	/* Resolution: symlinks followed, a final magic link kept. */
	char *got = NULL, *want = rg_xasprintf("/proc/%d/ns/uts", (int)getpid());
	assert_int_equal(symlink("/proc/self/ns/uts", link), 0);
	assert_int_equal(symlink("rg-test-nslink", "/tmp/rg-test-nslink2"), 0);
	assert_int_equal(rg_host_ns_resolve("/tmp/rg-test-nslink2", &got), 0);
	assert_string_equal(got, want);
	free(got);
	assert_int_equal(rg_host_ns_resolve("/proc/self/ns/uts", &got), 0);
	assert_string_equal(got, want);
	free(got);
	free(want);
	assert_int_equal(rg_host_ns_resolve("/etc/../etc//hostname", &got), 0);
	assert_string_equal(got, "/etc/hostname");
	free(got);
	assert_int_equal(rg_host_ns_resolve("/proc/self/root/etc/.", &got), 0);
	assert_string_equal(got, "/etc");
	free(got);
	assert_int_equal(rg_host_ns_resolve("/nonexistent/x/y", &got), -ENOENT);
	assert_int_equal(rg_host_ns_resolve("proc/self/ns/uts", &got), -EINVAL);
	unlink("/tmp/rg-test-nslink2");
	unlink(link);
	assert_int_equal(symlink("/tmp/rg-test-nslink", link), 0);
	assert_int_equal(rg_host_ns_resolve(link, &got), -ELOOP);
	unlink(link);
	/* A namespace of its own: not the host's (needs root to unshare). */
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char ok = unshare(CLONE_NEWUTS) == 0 ? 'y' : 'n';
		if (write(pipefd[1], &ok, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char ok = 'n';
	assert_int_equal(read(pipefd[0], &ok, 1), 1);
	close(pipefd[0]);
	close(pipefd[1]);
	if (ok == 'y') {
		char *p = rg_xasprintf("/proc/%d/ns/uts", (int)pid);
		assert_int_equal(rg_host_ns_is_host("uts", p), 0);
		free(p);
		/* The same process's other namespaces are the host's. */
		p = rg_xasprintf("/proc/%d/ns/net", (int)pid);
		assert_int_equal(rg_host_ns_is_host("network", p), 1);
		free(p);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ================= the user rule ================= */

#define USER_RULE(a) "{\"rules\":{\"user\":{\"action\":\"" a "\"}}}"
#define USERNS "\"namespaces\":[{\"type\":\"user\"}]"
#define MAP(c, h, n) "{\"containerID\":" #c ",\"hostID\":" #h ",\"size\":" #n "}"
#define ROOTLESS                                                                                   \
	"\"uidMappings\":[" MAP(0, 100000, 65536) "],\"gidMappings\":[" MAP(0, 100000, 65536) "]"

static void test_user_host_view(void **state)
{
	static const struct {
		const char *spec;
		const char *path; /* of the one violation under reject, or NULL */
		const char *more;
	} cases[] = {
	    /* No user namespace: container ids are host ids. */
	    {"{\"process\":{\"user\":{\"uid\":0,\"gid\":1000}}}", ".process.user.uid", "root"},
	    {"{\"process\":{\"user\":{\"gid\":1000}}}", ".process.user.uid", "root"},
	    {"{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}}", NULL, NULL},
	    {"{\"process\":{\"user\":{\"uid\":1000}}}", ".process.user.gid", "root group"},
	    {"{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000,\"additionalGids\":[5,0]}}}",
	     ".process.user.additionalGids[1]", "host gid 0"},
	    /* Mappings without a user namespace: runc and crun ignore them. */
	    {"{\"linux\":{" ROOTLESS "},\"process\":{\"user\":{\"uid\":0,\"gid\":1000}}}",
	     ".process.user.uid", "root"},
	    {"{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]," ROOTLESS
	     "},\"process\":{\"user\":{\"uid\":0,\"gid\":1000}}}",
	     ".process.user.uid", "root"},
	    /* A proper user namespace: root inside is 100000 outside. */
	    {"{\"linux\":{" USERNS "," ROOTLESS "},\"process\":{\"user\":{\"uid\":0,\"gid\":0,"
	     "\"additionalGids\":[0]}}}",
	     NULL, NULL},
	    {"{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":\"\"}]," ROOTLESS
	     "},\"process\":{\"user\":{\"uid\":0,\"gid\":0}}}",
	     NULL, NULL},
	    /* uid 1 mapped to host 0: the process is host root. */
	    {"{\"linux\":{" USERNS ",\"uidMappings\":[" MAP(1, 0, 1) "],\"gidMappings\":[" MAP(
		 0, 100000, 65536) "]},\"process\":{\"user\":{\"uid\":5,\"gid\":0}}}",
	     ".linux.uidMappings[0]", "maps container uid 1 to host uid 0"},
	    {"{\"linux\":{" USERNS ",\"uidMappings\":[" MAP(0, 100000, 1) "," MAP(
		 1, 0, 1) "],\"gidMappings\":[" MAP(0, 100000, 65536) "]},\"process\":{\"user\":{"
								      "\"uid\":0,\"gid\":0}}}",
	     ".linux.uidMappings[1]", "host uid 0"},
	    /* A gid mapped to host 0. */
	    {"{\"linux\":{" USERNS
	     ",\"uidMappings\":[" MAP(0, 100000, 65536) "],\"gidMappings\":[" MAP(
		 0, 100000, 10) "," MAP(10, 0,
					1) "]},\"process\":{\"user\":{\"uid\":0,\"gid\":0}}}",
	     ".linux.gidMappings[1]", "host gid 0"},
	    /* Maps the kernel refuses: overlapping, empty, overflowing, too many. */
	    {"{\"linux\":{" USERNS ",\"uidMappings\":[" MAP(0, 100000, 65536) "," MAP(
		 1000, 300000,
		 1) "],"
		    "\"gidMappings\":[" MAP(0, 100000, 65536) "]},\"process\":{"
							      "\"user\":{\"uid\":1000,\"gid\":0}}}",
	     ".linux.uidMappings", "[1]: a range overlapping another"},
	    {"{\"linux\":{" USERNS ",\"uidMappings\":[" MAP(0, 100000, 1) "," MAP(
		 1, 100000, 1) "],"
			       "\"gidMappings\":[" MAP(0, 100000,
						       65536) "]},\"process\":{"
							      "\"user\":{\"uid\":0,\"gid\":0}}}",
	     ".linux.uidMappings", "overlapping"},
	    {"{\"linux\":{" USERNS
	     ",\"uidMappings\":[" MAP(0, 100000, 0) "]},\"process\":{"
						    "\"user\":{\"uid\":0,\"gid\":0}}}",
	     ".linux.uidMappings", "empty range"},
	    {"{\"linux\":{" USERNS
	     ",\"uidMappings\":[" MAP(0, 4294967295, 1) "]},\"process\":{"
							"\"user\":{\"uid\":0,\"gid\":0}}}",
	     ".linux.uidMappings", "past the last valid id"},
	    {"{\"linux\":{" USERNS
	     ",\"gidMappings\":[" MAP(0, -1, 1) "]},\"process\":{"
						"\"user\":{\"uid\":0,\"gid\":0}}}",
	     ".linux.gidMappings", "not a 32-bit unsigned integer"},
	    /* A user namespace joined by path: its mappings are not in config.json. */
	    {"{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":\"/proc/4242/ns/"
	     "user\"}]," ROOTLESS "},\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}}",
	     ".linux.namespaces", "joined by path"},
	};
	const struct rg_policy *reject_ = policy_of(USER_RULE("reject"));
	const struct rg_policy *fix_ = policy_of(USER_RULE("fix"));
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		struct rg_json *before = track(rg_json_clone(spec));
		expect_ok(run(&rg_rule_user, reject_, spec));
		expect_violation(cases[i].path, cases[i].more);
		assert_true(rg_json_equal(spec, before));
	}
	/* fix: host root becomes nobody; a root mapping cannot be fixed. */
	struct rg_json *spec = parse("{\"linux\":{" ROOTLESS "},\"process\":{\"user\":{\"uid\":0,"
				     "\"gid\":0,\"additionalGids\":[0,7,4294967295]}}}");
	expect_ok(run(&rg_rule_user, fix_, spec));
	expect_violation(NULL, NULL);
	assert_json(at(spec, ".process.user"),
		    "{\"uid\":65534,\"gid\":65534,\"additionalGids\":[7,4294967295]}");
	assert_int_equal(report.n_changes, 3);
	spec = parse("{\"linux\":{" USERNS ",\"uidMappings\":[" MAP(
	    0, 0, 65536) "]},\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}}");
	expect_ok(run(&rg_rule_user, fix_, spec));
	expect_violation(".linux.uidMappings[0]", "maps container uid 0 to host uid 0");
	/* allowRootGroup: gid 0 is fine, uid 0 still is not. */
	const struct rg_policy *group =
	    policy_of("{\"rules\":{\"user\":{\"action\":\"reject\",\"allowRootGroup\":true}}}");
	spec = parse("{\"process\":{\"user\":{\"uid\":1000,\"gid\":0,\"additionalGids\":[0]}}}");
	expect_ok(run(&rg_rule_user, group, spec));
	expect_violation(NULL, NULL);
	spec = parse("{\"process\":{\"user\":{\"uid\":0,\"gid\":0}}}");
	expect_ok(run(&rg_rule_user, group, spec));
	expect_violation(".process.user.uid", "root");
	/* Types. */
	spec = parse("{\"process\":{\"user\":{\"uid\":-1}}}");
	expect_error(run(&rg_rule_user, reject_, spec), ".process.user.uid", "32-bit");
	spec = parse("{\"linux\":{" USERNS ",\"uidMappings\":{}},\"process\":{}}");
	expect_error(run(&rg_rule_user, reject_, spec), ".linux.uidMappings", "expected an array");
	spec = parse("{\"process\":{\"user\":{\"uid\":1,\"gid\":1,\"additionalGids\":5}}}");
	expect_error(run(&rg_rule_user, reject_, spec), ".process.user.additionalGids", "array");
	expect_check_error(&rg_rule_user, "{\"allowRootGroup\":1}", "expected a boolean");
}

/* 4242's user namespace maps root to 100000, 4243's is the host's; 4244 is gone. */
static int fake_userns_maps(const char *path, char **ret_uid, char **ret_gid)
{
	const char *text = NULL;
	if (rg_streq(path, "/proc/4242/ns/user"))
		text = "         0     100000      65536\n";
	else if (rg_streq(path, "/proc/4243/ns/user"))
		text = "         0          0 4294967295\n";
	else if (rg_streq(path, "/proc/4244/ns/user"))
		return -ESRCH;
	else
		return -ENOTSUP;
	*ret_uid = rg_xstrdup(text);
	*ret_gid = rg_xstrdup(text);
	return 0;
}

static void test_user_joined_userns(void **state)
{
	struct rg_host h = host;
	h.userns_maps = fake_userns_maps;
	const struct rg_policy *reject_ = policy_of(USER_RULE("reject"));
	static const char joined[] = "{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":"
				     "\"%s\"}]," ROOTLESS "},\"process\":{\"user\":{\"uid\":%d,"
				     "\"gid\":%d}}}";
	/* A CRI sandbox's user namespace: its maps, not config.json's, decide. */
	struct rg_json *spec = parse(track_str(rg_xasprintf(joined, "/proc/4242/ns/user", 0, 0)));
	expect_ok(run_on(&rg_rule_user, reject_, spec, &h));
	expect_violation(NULL, NULL);
	spec = parse(track_str(rg_xasprintf(joined, "/proc/4243/ns/user", 1000, 1000)));
	expect_ok(run_on(&rg_rule_user, reject_, spec, &h));
	assert_int_equal(report.n_violations, 2);
	assert_string_equal(report.violations[0].path, ".linux.uidMappings[0]");
	spec = parse(track_str(rg_xasprintf(joined, "/proc/4244/ns/user", 1000, 1000)));
	expect_ok(run_on(&rg_rule_user, reject_, spec, &h));
	expect_violation(".linux.namespaces", "could not be read");
	spec = parse(track_str(rg_xasprintf(joined, "/run/userns/x", 1000, 1000)));
	expect_ok(run_on(&rg_rule_user, reject_, spec, &h));
	expect_violation(".linux.namespaces", "only /proc/<pid>/ns/user's can be read");

	/* The real adapter: this process's (the host's) maps; other spellings refused. */
	char *uid = NULL, *gid = NULL;
	char *self = rg_xasprintf("/proc/%d/ns/user", (int)getpid());
	assert_int_equal(rg_host_userns_maps(self, &uid, &gid), 0);
	assert_non_null(strstr(uid, " 0 4294967295"));
	assert_non_null(strstr(gid, " 0 4294967295"));
	free(uid);
	free(gid);
	free(self);
	assert_int_equal(rg_host_userns_maps("/proc/self/ns/user", &uid, &gid), -ENOTSUP);
	assert_int_equal(rg_host_userns_maps("/proc/1/ns/user/x", &uid, &gid), -ENOTSUP);
	assert_int_equal(rg_host_userns_maps("/proc/1/ns/net", &uid, &gid), -ENOTSUP);
}

/* ================= linux.cgroupsPath ================= */

static void test_cgroups_path(void **state)
{
	static const struct {
		const char *value;
		const char *why; /* a piece of the reason, or NULL: safe */
	} cases[] = {
	    /* What engines write, and the runtime's default. */
	    {"", NULL},
	    {"/docker/0123abcd", NULL},
	    {"system.slice:docker:0123abcd", NULL},
	    {"machine.slice:libpod:0123abcd", NULL},
	    {"/libpod_parent/libpod-0123abcd", NULL},
	    {"/default/0123abcd", NULL},
	    {"/k8s.io/0123abcd", NULL},
	    {"kubepods-besteffort-pod1234_5678.slice:cri-containerd:0123abcd", NULL},
	    {"/kubepods/besteffort/pod1234-5678/0123abcd", NULL},
	    {"user.slice:podman:x", NULL},
	    {"relative/child", NULL},
	    {"::x", NULL},
	    {"/a/./b", NULL},
	    /* The root cgroup, however spelled. */
	    {"/", "root cgroup"},
	    {"//", "root cgroup"},
	    {"/./", "root cgroup"},
	    {"/..", "'..'"},
	    {"/a/../..", "'..'"},
	    {"/a/..", "'..'"},
	    {"/a/../../..", "'..'"},
	    {"../..", "'..'"},
	    {"../../", "'..'"},
	    {"/docker/../../../sys", "'..'"},
	    /* The caller's own cgroup. */
	    {".", "runtime's own cgroup"},
	    {"./", "runtime's own cgroup"},
	    {"./.", "runtime's own cgroup"},
	    /* systemd: the root slice, path syntax, a slice as the unit. */
	    {"-.slice:x:y", "root"},
	    {"-.slice", "root"},
	    {"-.slice:docker", "root"},
	    {"system.slice:docker:-.slice", "ending in .slice"},
	    {"system.slice:x:system.slice", "ending in .slice"},
	    {"system.slice:x:a/b", "'/' or '..'"},
	    {"system.slice:..:x", "'/' or '..'"},
	    {"a/b.slice:x:y", "'/' or '..'"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		const char *why = rg_cgroups_path_unsafe(cases[i].value);
		if (!cases[i].why ? why != NULL : !why || !strstr(why, cases[i].why))
			fail_msg("cgroupsPath '%s': got %s, want %s", cases[i].value,
				 why ? why : "safe", cases[i].why ? cases[i].why : "safe");
	}
	/* Through the resources rule: refused whatever the action, config untouched. */
	const struct rg_policy *p = policy_of("{\"rules\":{\"resources\":{\"action\":\"fix\"}}}");
	struct rg_json *spec = parse("{\"linux\":{\"cgroupsPath\":\"/a/../..\"}}");
	expect_ok(run(&rg_rule_resources, p, spec));
	assert_true(report.n_violations == 1);
	assert_string_equal(report.violations[0].path, ".linux.cgroupsPath");
	assert_json(at(spec, ".linux.cgroupsPath"), "\"/a/../..\"");
	spec = parse("{\"linux\":{\"cgroupsPath\":\"/docker/x\"}}");
	expect_ok(run(&rg_rule_resources, p, spec));
	assert_int_equal(report.n_violations, 0);
	spec = parse("{\"linux\":{\"cgroupsPath\":5}}");
	expect_error(run(&rg_rule_resources, p, spec), ".linux.cgroupsPath", "expected a string");
	spec = parse("{\"linux\":{\"cgroupsPath\":\"/a\\u0000/..\"}}");
	expect_error(run(&rg_rule_resources, p, spec), ".linux.cgroupsPath", "NUL");
}

/* /tmp/nslink is a symlink to /run/netns/blue; /tmp/hostlink one to /proc/1/ns/net. */
static int fake_ns_resolve(const char *path, char **ret)
{
	if (rg_streq(path, "/tmp/nslink"))
		*ret = rg_xstrdup("/run/netns/blue");
	else if (rg_streq(path, "/tmp/hostlink"))
		*ret = rg_xstrdup("/proc/1/ns/net");
	else if (rg_streq(path, "/tmp/loop"))
		return -ELOOP;
	else
		*ret = rg_xstrdup(path);
	return 0;
}

static void test_ns_resolved_path(void **state)
{
	struct rg_host h = host;
	h.ns_resolve = fake_ns_resolve;
	const struct rg_policy *reject_ =
	    policy_of("{\"rules\":{\"namespaces\":{\"action\":\"reject\"}}}");
	static const char ns[] = "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":"
				 "\"%s\"},{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
				 "{\"type\":\"mount\"},{\"type\":\"cgroup\"}]}}";
	/* Written back resolved: a swap of the symlink after the check changes nothing. */
	struct rg_json *spec = parse(track_str(rg_xasprintf(ns, "/tmp/nslink")));
	expect_ok(run_on(&rg_rule_namespaces, reject_, spec, &h));
	expect_violation(NULL, NULL);
	assert_json(at(spec, ".linux.namespaces[0].path"), "\"/run/netns/blue\"");
	assert_int_equal(report.n_changes, 1);
	expect_ok(run_on(&rg_rule_namespaces, reject_, spec, &h));
	assert_int_equal(report.n_changes, 0);
	/* Judged on what it resolves to. */
	spec = parse(track_str(rg_xasprintf(ns, "/tmp/hostlink")));
	expect_ok(run_on(&rg_rule_namespaces, reject_, spec, &h));
	expect_violation(".linux.namespaces[0].path",
			 "joins the host's network namespace (/tmp/hostlink)");
	assert_json(at(spec, ".linux.namespaces[0].path"), "\"/tmp/hostlink\"");
	spec = parse(track_str(rg_xasprintf(ns, "/tmp/loop")));
	expect_ok(run_on(&rg_rule_namespaces, reject_, spec, &h));
	expect_violation(".linux.namespaces[0].path", "cannot tell");
}

static const struct CMUnitTest ns_tests[] = {T(test_ns_adapter), T(test_ns_resolved_path)};
static const struct CMUnitTest user_tests[] = {T(test_user_host_view), T(test_user_joined_userns)};
static const struct CMUnitTest cgroups_tests[] = {T(test_cgroups_path)};

int main(void)
{
	int failed = 0;

	if (setup_fixture() < 0) {
		teardown_fixture();
		return 1;
	}
	failed += cmocka_run_group_tests_name("host/namespaces", ns_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/user", user_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/cgroupsPath", cgroups_tests, NULL, NULL);
	teardown_fixture();
	return failed ? 1 : 0;
}
