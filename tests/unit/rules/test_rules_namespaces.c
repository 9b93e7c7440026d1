/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the namespaces rule: missing and host namespaces, paths
 * (resolved through the host adapter), settings, errors. The harness, policies and fake host are in
 * isolation_harness.h.
 */
#include "isolation_harness.h"

/* ================= namespaces ================= */

#define RUNC_NS                                                                                    \
	"{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{"        \
	"\"type\":\"mount\"}"
#define ALL_NS RUNC_NS ",{\"type\":\"cgroup\"}"

static void test_ns_missing(void **state)
{
	static const struct {
		const char *spec;
		bool is_fix;
		const char *want; /* .linux.namespaces afterwards */
		const char *violation; /* text of the one violation, or NULL */
		size_t n_changes;
	} cases[] = {
	    /* runc spec's default: cgroup added whatever the action. */
	    {"{\"linux\":{\"namespaces\":[" RUNC_NS "]}}", false, "[" ALL_NS "]", NULL, 1},
	    {"{\"linux\":{\"namespaces\":[" ALL_NS "]}}", false, "[" ALL_NS "]", NULL, 0},
	    {"{\"linux\":{\"namespaces\":[" ALL_NS "]}}", true, "[" ALL_NS "]", NULL, 0},
	    /* No namespaces: every one is the host's. */
	    {"{}", false, "[{\"type\":\"cgroup\"}]",
	     "no private pid, network, mount, ipc, uts namespaces", 1},
	    {"{\"linux\":{\"namespaces\":null}}", false, "[{\"type\":\"cgroup\"}]",
	     "no private pid, network, mount, ipc, uts namespaces", 1},
	    {"{}", true,
	     "[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"mount\"},{\"type\":\"ipc\"},"
	     "{\"type\":\"uts\"},{\"type\":\"cgroup\"}]",
	     NULL, 6},
	    /* One missing: named alone, in the singular. */
	    {"{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
	     "{\"type\":\"mount\"},{\"type\":\"cgroup\"}]}}",
	     false, NULL, "no private network namespace: the container would share the host's", 0},
	    {"{\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"user\"}]}}", true,
	     "[{\"type\":\"network\"},{\"type\":\"user\"},{\"type\":\"pid\"},{\"type\":\"mount\"},"
	     "{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"cgroup\"}]",
	     NULL, 5},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_ok(run(&rg_rule_namespaces, cases[i].is_fix ? &fix : &reject, spec));
		expect_violation(cases[i].violation ? ".linux.namespaces" : NULL,
				 cases[i].violation);
		if (cases[i].want)
			assert_json(at(spec, ".linux.namespaces"), cases[i].want);
		assert_int_equal(report.n_changes, cases[i].n_changes);
	}
	/* The default policy rejects a host namespace, as "reject" does. */
	struct rg_json *spec = parse("{\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}");
	expect_ok(run(&rg_rule_namespaces, &baseline, spec));
	expect_violation(".linux.namespaces", "pid, mount, ipc, uts");
}

#define NO_PID                                                                                     \
	",{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{"     \
	"\"type\":\"cgroup\"}"

static void test_ns_paths(void **state)
{
	static const struct {
		const char *nss; /* linux.namespaces; the entry under test first */
		const struct rg_host *h;
		bool is_fix;
		const char *violation; /* at .linux.namespaces[0].path, or NULL */
		const char *want; /* the entry afterwards */
	} cases[] = {
	    {"{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}" NO_PID, &host, false,
	     "joins the host's pid namespace (/proc/1/ns/pid)",
	     "{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}"},
	    {"{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}" NO_PID, &host, true, NULL,
	     "{\"type\":\"pid\"}"},
	    {"{\"type\":\"pid\",\"path\":\"/proc/4242/ns/pid\"}" NO_PID, &host, false, NULL,
	     "{\"type\":\"pid\",\"path\":\"/proc/4242/ns/pid\"}"},
	    /* An empty or null path is a new namespace: nothing to ask the host. */
	    {"{\"type\":\"pid\",\"path\":\"\"}" NO_PID, &host_bare, false, NULL,
	     "{\"type\":\"pid\",\"path\":\"\"}"},
	    {"{\"type\":\"pid\",\"path\":null}" NO_PID, &host_bare, false, NULL,
	     "{\"type\":\"pid\",\"path\":null}"},
	    /* Unanswerable: refused even when fixing. */
	    {"{\"type\":\"pid\",\"path\":\"/broken/pid\"}" NO_PID, &host, true,
	     "cannot tell whether /broken/pid is the host's pid namespace",
	     "{\"type\":\"pid\",\"path\":\"/broken/pid\"}"},
	    {"{\"type\":\"pid\",\"path\":\"/proc/4242/ns/pid\"}" NO_PID, &host_bare, true,
	     "cannot tell whether", "{\"type\":\"pid\",\"path\":\"/proc/4242/ns/pid\"}"},
	    /* "add" types are fixed whatever the action. */
	    {"{\"type\":\"cgroup\",\"path\":\"/proc/1/ns/cgroup\"}," RUNC_NS, &host, false, NULL,
	     "{\"type\":\"cgroup\"}"},
	    /*
	     * Relative: runc opens it from the bundle directory, not from where
	     * runguard would look. Refused whatever the type and the action.
	     */
	    {"{\"type\":\"pid\",\"path\":\"proc/1/ns/pid\"}" NO_PID, &host, true,
	     "namespace path 'proc/1/ns/pid' is not absolute",
	     "{\"type\":\"pid\",\"path\":\"proc/1/ns/pid\"}"},
	    {"{\"type\":\"pid\",\"path\":\"../../proc/1/ns/pid\"}" NO_PID, &host, false,
	     "is not absolute", "{\"type\":\"pid\",\"path\":\"../../proc/1/ns/pid\"}"},
	    {"{\"type\":\"pid\",\"path\":\"./x\"}" NO_PID, &host_bare, true, "is not absolute",
	     "{\"type\":\"pid\",\"path\":\"./x\"}"},
	    {"{\"type\":\"user\",\"path\":\"proc/1/ns/user\"}," ALL_NS, &host, true,
	     "is not absolute", "{\"type\":\"user\",\"path\":\"proc/1/ns/user\"}"},
	    {"{\"type\":\"time\",\"path\":\" /proc/1/ns/time\"}," ALL_NS, &host, true,
	     "is not absolute", "{\"type\":\"time\",\"path\":\" /proc/1/ns/time\"}"},
	    /* Not a namespace file of that type: runc's setns would fail; refused. */
	    {"{\"type\":\"pid\",\"path\":\"/etc/passwd\"}" NO_PID, &host, true,
	     "/etc/passwd is not a pid namespace", "{\"type\":\"pid\",\"path\":\"/etc/passwd\"}"},
	    {"{\"type\":\"pid\",\"path\":\"/proc/4242/ns/net\"}" NO_PID, &host, false,
	     "is not a pid namespace", "{\"type\":\"pid\",\"path\":\"/proc/4242/ns/net\"}"},
	    {"{\"type\":\"user\",\"path\":\"/proc/4242/ns/ipc\"}," ALL_NS, &host, false,
	     "is not a user namespace", "{\"type\":\"user\",\"path\":\"/proc/4242/ns/ipc\"}"},
	    {"{\"type\":\"time\",\"path\":\"/broken/time\"}," ALL_NS, &host, false,
	     "cannot tell whether /broken/time", "{\"type\":\"time\",\"path\":\"/broken/time\"}"},
	    /* user is in neither list: left alone. */
	    {"{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}," ALL_NS, &host, false, NULL,
	     "{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *text =
		    track_str(rg_xasprintf("{\"linux\":{\"namespaces\":[%s]}}", cases[i].nss));
		struct rg_json *spec = parse(text);
		expect_ok(run_on(&rg_rule_namespaces, cases[i].is_fix ? &fix : &reject, spec,
				 cases[i].h));
		expect_violation(cases[i].violation ? ".linux.namespaces[0].path" : NULL,
				 cases[i].violation);
		assert_json(at(spec, ".linux.namespaces[0]"), cases[i].want);
		assert_int_equal(
		    at(spec, ".linux.namespaces")->n,
		    6 + (strstr(text, "user") != NULL || strstr(text, "time") != NULL));
	}
}

static void test_ns_settings(void **state)
{
	const struct rg_policy *p = policy_of("{\"rules\":{\"namespaces\":{\"action\":\"reject\","
					      "\"private\":[\"pid\"],\"add\":[\"time\"]}}}");
	struct rg_json *spec = parse("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}");
	expect_ok(run(&rg_rule_namespaces, p, spec));
	expect_violation(NULL, NULL);
	assert_json(at(spec, ".linux.namespaces"), "[{\"type\":\"pid\"},{\"type\":\"time\"}]");

	p = policy_of("{\"rules\":{\"namespaces\":{\"action\":\"reject\",\"private\":[],"
		      "\"add\":[]}}}");
	spec = parse("{}");
	expect_ok(run(&rg_rule_namespaces, p, spec));
	expect_violation(NULL, NULL);
	assert_json(spec, "{}");

	static const struct {
		const char *settings, *more;
	} bad[] = {
	    {"{\"other\":1}", ".rules.x.other: unknown setting"},
	    {"{\"private\":\"pid\"}", ".rules.x.private: expected an array"},
	    {"{\"add\":[\"pid\",\"foo\"]}", ".rules.x.add[1]: unknown namespace type 'foo'"},
	    {"{\"add\":[5]}", "(not a string)"},
	    {"{\"private\":[\"pid\"],\"add\":[\"pid\"]}", "'pid' is in both"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++)
		expect_check_error(&rg_rule_namespaces, bad[i].settings, bad[i].more);
	assert_int_equal(check(&rg_rule_namespaces, "{\"action\":\"fix\",\"private\":[],"
						    "\"add\":[\"cgroup\",\"time\"]}"),
			 0);
}

static void test_ns_errors(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} cases[] = {
	    {"{\"linux\":5}", ".linux", "expected an object, got number"},
	    {"{\"linux\":{\"namespaces\":{}}}", ".linux.namespaces",
	     "expected an array, got object"},
	    {"{\"linux\":{\"namespaces\":[\"pid\"]}}", ".linux.namespaces[0]", "got string"},
	    {"{\"linux\":{\"namespaces\":[{}]}}", ".linux.namespaces[0].type", "got nothing"},
	    {"{\"linux\":{\"namespaces\":[{\"type\":5}]}}", ".linux.namespaces[0].type",
	     "got number"},
	    {"{\"linux\":{\"namespaces\":[{\"type\":\"foo\"}]}}", ".linux.namespaces[0].type",
	     "unknown namespace type 'foo'"},
	    {"{\"linux\":{\"namespaces\":[{\"type\":\"pid\\u0000x\"}]}}",
	     ".linux.namespaces[0].type", "unknown namespace type"},
	    {"{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}",
	     ".linux.namespaces[1].type", "duplicate namespace type 'pid'"},
	    {"{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":5}]}}",
	     ".linux.namespaces[0].path", "got number"},
	    {"{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\\u0000\"}]}}",
	     ".linux.namespaces[0].path", "without NUL"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_namespaces, &fix, spec), cases[i].path, cases[i].more);
	}
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

static int groups(void)
{
	const struct CMUnitTest namespaces_tests[] = {
	    T(test_ns_missing), T(test_ns_paths),	  T(test_ns_settings),
	    T(test_ns_errors),	T(test_ns_resolved_path),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/namespaces", namespaces_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return harness_main(groups);
}
