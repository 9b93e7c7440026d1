/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the user rule, judged on the host ids the mappings give
 * (a joined user namespace's maps read through the host adapter). The harness, policies and fake
 * host are in isolation_harness.h.
 */
#include "isolation_harness.h"

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

static int groups(void)
{
	const struct CMUnitTest user_tests[] = {
	    T(test_user_host_view),
	    T(test_user_joined_userns),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/user", user_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return harness_main(groups);
}
