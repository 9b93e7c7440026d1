/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the isolation rules together: the shipped profiles, the
 * privileged request shape, rule order. The harness, policies and fake host are in
 * isolation_harness.h. Each rule on its own: test_rules_<rule>.c.
 */
#include "isolation_harness.h"

#define DENY_ALL                                                                                   \
	"{\"allow\":false,\"access\":\"rwm\"}" /* ================= profiles, whole enforcement    \
						  ================= */

/* What each shipped profile sets for these rules. */
static void test_profiles(void **state)
{
	static const char *const rules[] = {"namespaces", "mounts",	 "devices",
					    "hooks",	  "annotations", "rootfs"};
	static const char *const names[] = {"baseline", "restricted", "privileged"};
	static const enum rg_action want[][6] = {
	    {RG_ACTION_REJECT, RG_ACTION_REJECT, RG_ACTION_REJECT, RG_ACTION_REJECT, RG_ACTION_FIX,
	     RG_ACTION_OFF},
	    {RG_ACTION_REJECT, RG_ACTION_REJECT, RG_ACTION_REJECT, RG_ACTION_REJECT, RG_ACTION_FIX,
	     RG_ACTION_OFF},
	    {RG_ACTION_OFF, RG_ACTION_OFF, RG_ACTION_OFF, RG_ACTION_OFF, RG_ACTION_OFF,
	     RG_ACTION_OFF},
	};
	for (size_t n = 0; n < RG_ARRAY_SIZE(names); n++) {
		char *cfg = track_str(rg_xasprintf("{\"profile\":\"%s\"}", names[n]));
		const struct rg_policy *p = policy_of(cfg);
		for (size_t r = 0; r < RG_ARRAY_SIZE(rules); r++) {
			const struct rg_rule *rule = rg_rule_find(rules[r]);
			assert_non_null(rule);
			if (rg_policy_action(p, rules[r]) != want[n][r])
				fail_msg("profile %s: rule %s: action %s", names[n], rules[r],
					 rg_action_name(rg_policy_action(p, rules[r])));
			/* The shipped settings pass the rule's own validation. */
			const struct rg_json *s = rg_policy_rule(p, rules[r]);
			assert_non_null(s);
			if (rule->check && rule->check(s, names[n], rules[r], &error) < 0)
				fail_msg("profile %s: %s", names[n], error->msg);
		}
	}
	/* The lists spelled out in baseline are the rules' built-in defaults. */
	const struct rg_policy *bare = policy_of(
	    "{\"profile\":\"privileged\",\"rules\":{\"namespaces\":{\"action\":\"reject\"},"
	    "\"mounts\":{\"action\":\"reject\"},\"devices\":{\"action\":\"reject\"},"
	    "\"annotations\":{\"action\":\"fix\"}}}");
	static const char *const specs[] = {
	    "{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}]}}",
	    "{\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/var/lib\"},"
	    "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/sys\"},{\"destination\":\"/"
	    "c\","
	    "\"type\":\"bind\",\"source\":\"/run/crio\"},{\"destination\":\"/d\",\"type\":\"bind\","
	    "\"source\":\"/var/run/containerd/s/x\"},{\"destination\":\"/e\",\"type\":\"bind\","
	    "\"source\":\"/boot/x\"},{\"destination\":\"/f\",\"type\":\"bind\",\"source\":\"/"
	    "srv\"}]}",
	    "{\"linux\":{\"devices\":[{\"path\":\"/dev/"
	    "x\",\"type\":\"c\",\"major\":10,\"minor\":229}]}}",
	    "{\"annotations\":{\"run.oci.a\":\"\",\"org.systemd.property.b\":\"\",\"org.criu."
	    "config\":"
	    "\"\",\"x\":\"\"}}",
	};
	static const struct rg_rule *const by_spec[] = {&rg_rule_namespaces, &rg_rule_mounts,
							&rg_rule_devices, &rg_rule_annotations};
	for (size_t i = 0; i < RG_ARRAY_SIZE(specs); i++) {
		struct rg_json *a = parse(specs[i]), *b = parse(specs[i]);
		expect_ok(run(by_spec[i], &baseline, a));
		size_t n_violations = report.n_violations, n_changes = report.n_changes;
		expect_ok(run(by_spec[i], bare, b));
		assert_int_equal(report.n_violations, n_violations);
		assert_int_equal(report.n_changes, n_changes);
		assert_true(rg_json_equal(a, b));
	}
}

#define PRIVILEGED_SHAPE                                                                           \
	"{\"process\":{\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}},"    \
	"\"root\":{\"path\":\"rootfs\"},"                                                          \
	"\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"           \
	"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"rw\"]}," \
	"{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"/\",\"options\":[\"rbind\"]}]," \
	"\"hooks\":{\"prestart\":[{\"path\":\"/bin/evil\"}]},"                                     \
	"\"annotations\":{\"run.oci.seccomp_bpf_data\":\"AA==\"},"                                 \
	"\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}," \
	"{\"type\":\"mount\"}],\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}," \
	"\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0}]}}"

/* The privileged request shape: refused with each violation by default, tamed by fix. */
static void test_privileged_shape(void **state)
{
	struct rg_json *spec = parse(PRIVILEGED_SHAPE);
	int r = run(NULL, &baseline, spec);
	assert_int_equal(r, -EPERM);
	static const char *const needles[] = {
	    ".linux.namespaces: no private pid namespace",
	    ".mounts[2]: bind mount of host path / (denied: /) (rule mounts)",
	    ".linux.devices: devices not allowed: /dev/sda (b 8:0",
	    ".hooks.prestart[0]: prestart hook /bin/evil",
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(needles); i++)
		if (!strstr(error->msg, needles[i]))
			fail_msg("refusal lacks '%s': %s", needles[i], error->msg);
	assert_int_equal(report.n_violations, 4);

	spec = parse(PRIVILEGED_SHAPE);
	expect_ok(run(NULL, &fix, spec));
	assert_json(
	    at(spec, ".linux.namespaces"),
	    "[{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},"
	    "{\"type\":\"pid\"},{\"type\":\"cgroup\"}]");
	assert_int_equal(at(spec, ".mounts")->n, 2);
	assert_json(at(spec, ".mounts[1].options"), "[\"ro\"]");
	assert_json(at(spec, ".linux.devices"), "[]");
	assert_json(at(spec, ".linux.resources.devices[0]"), DENY_ALL);
	assert_json(at(spec, ".hooks.prestart"), "[]");
	assert_null(rg_json_get(at(spec, ".annotations"), "run.oci.seccomp_bpf_data"));
	/* annotate ran after annotations: the stamp is there. */
	assert_non_null(rg_json_get(at(spec, ".annotations"), "run.runguard.policy"));
	assert_json(at(spec, ".process.capabilities.bounding"), "[]");
	/* A second pass changes nothing. */
	struct rg_json *once = track(rg_json_clone(spec));
	expect_ok(run(NULL, &fix, spec));
	assert_int_equal(report.n_changes, 0);
	assert_true(rg_json_equal(spec, once));
}

static void test_rule_order(void **state)
{
	size_t n = 0, pos[7] = {0};
	static const char *const order[] = {"resources", "namespaces",	"mounts", "devices",
					    "hooks",	 "annotations", "rootfs"};
	const struct rg_rule *const *all = rg_rules_all(&n);
	for (size_t k = 0; k < RG_ARRAY_SIZE(order); k++) {
		for (size_t i = 0; i < n; i++)
			if (rg_streq(all[i]->name, order[k]))
				pos[k] = i + 1;
		assert_true(pos[k] > 0);
		if (k > 0)
			assert_true(pos[k] > pos[k - 1]);
	}
	assert_string_equal(all[n - 1]->name, "annotate");
}

static int groups(void)
{
	const struct CMUnitTest isolation_tests[] = {
	    T(test_profiles),
	    T(test_privileged_shape),
	    T(test_rule_order),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/isolation", isolation_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return harness_main(groups);
}
