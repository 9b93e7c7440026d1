/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the devices rule. The harness, policies and fake host are in isolation_harness.h.
 */
#include "isolation_harness.h"

/* ================= devices ================= */

#define DENY_ALL "{\"allow\":false,\"access\":\"rwm\"}"
#define DEV(t, maj, min, acc)                                                                      \
	"{\"allow\":true,\"type\":\"" t "\",\"major\":" maj ",\"minor\":" min ",\"access\":\"" acc \
	"\"}"
/* The devices of runc's default set, each as an allow rule (rwm). */
#define D_NULL DEV("c", "1", "3", "rwm")
#define D_ZERO DEV("c", "1", "5", "rwm")
#define D_FULL DEV("c", "1", "7", "rwm")
#define D_RANDOM DEV("c", "1", "8", "rwm")
#define D_URANDOM DEV("c", "1", "9", "rwm")
#define D_TTY DEV("c", "5", "0", "rwm")
#define D_CONSOLE DEV("c", "5", "1", "rwm")
#define D_PTMX DEV("c", "5", "2", "rwm")
#define D_TUN DEV("c", "10", "200", "rwm")
/* Every pty (c 136:*), without a minor; CRI spells it with "minor":null. */
#define D_PTS "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"}"
#define D_PTS_NULL "{\"allow\":true,\"type\":\"c\",\"major\":136,\"minor\":null,\"access\":\"rwm\"}"
/* What an allow-all rule becomes: deny-all and runc's default set. */
#define STANDARD                                                                                   \
	DENY_ALL "," D_NULL "," D_ZERO "," D_FULL "," D_RANDOM "," D_URANDOM "," D_TTY             \
		 "," D_CONSOLE "," D_PTMX "," D_PTS "," D_TUN
/* A read-only loop device (b 7:n). */
#define LOOP_R(n) DEV("b", "7", n, "r")
/* containerd's CRI default rules: mknod of anything, the standard set, tun. */
#define MKNOD_C "{\"allow\":true,\"type\":\"c\",\"access\":\"m\"}"
#define MKNOD_B "{\"allow\":true,\"type\":\"b\",\"access\":\"m\"}"
#define CRI_DEFAULT                                                                                \
	DENY_ALL "," MKNOD_C "," MKNOD_B "," D_NULL "," D_RANDOM "," D_FULL "," D_TTY "," D_ZERO   \
		 "," D_URANDOM "," D_CONSOLE "," D_PTS_NULL "," D_PTMX "," D_TUN

static void test_devices_cgroup(void **state)
{
	static const struct {
		const char *rules; /* linux.resources.devices */
		const char *want; /* afterwards with reject (NULL: unchanged) */
		const char *violation; /* with reject, or NULL */
	} cases[] = {
	    /* Allow-all, in its spellings: replaced whatever the action. */
	    {"[{\"allow\":true,\"access\":\"rwm\"}]", "[" STANDARD "]", NULL},
	    {"[{\"allow\":true}]", "[" STANDARD "]", NULL},
	    {"[{\"allow\":true,\"access\":\"\"}]", "[" STANDARD "]", NULL},
	    {"[{\"allow\":true,\"type\":\"a\",\"major\":-1,\"minor\":-1,\"access\":\"rw\"}]",
	     "[" STANDARD "]", NULL},
	    {"[{\"allow\":true,\"type\":\"\",\"major\":null,\"access\":\"r\"}]", "[" STANDARD "]",
	     NULL},
	    {"[" DENY_ALL ",{\"allow\":true,\"access\":\"rwm\"}," DENY_ALL "]",
	     "[" DENY_ALL "," STANDARD "," DENY_ALL "]", NULL},
	    /* Harmless: mknod only, deny rules, the standard set. */
	    {"[{\"allow\":true,\"access\":\"m\"}]", NULL, NULL},
	    {"[" DENY_ALL "]", NULL, NULL},
	    {"[" CRI_DEFAULT "]", NULL, NULL},
	    {"[" STANDARD "]", NULL, NULL},
	    {"[{\"allow\":false,\"type\":\"b\",\"major\":8,\"access\":\"rwm\"}]", NULL, NULL},
	    {"[]", NULL, NULL},
	    /* Outside the allowed set: refused. */
	    {"[" DENY_ALL "," DEV("b", "8", "0", "rw") "]", NULL,
	     "allows b 8:0 rw (block device, not in the allow list)"},
	    {"[" DENY_ALL "," DEV("c", "1", "1", "r") "]", NULL,
	     "allows c 1:1 r (host physical memory)"},
	    {"[" DENY_ALL ",{\"allow\":true,\"type\":\"c\",\"access\":\"rwm\"}]", NULL,
	     "allows c *:* rwm (host physical memory)"},
	    {"[" DENY_ALL ",{\"allow\":true,\"type\":\"c\",\"major\":1,\"access\":\"w\"}]", NULL,
	     "allows c 1:* w (host physical memory)"},
	    {"[" DENY_ALL "," DEV("a", "8", "0", "rwm") "]", NULL, "(every device type)"},
	    {"[" DENY_ALL "," DEV("c", "10", "229", "rwm") "]", NULL,
	     "allows c 10:229 rwm (not in the allow list)"},
	    {"[" LOOP_R("0") "," LOOP_R("1") "," LOOP_R("2") "," LOOP_R("3") "," LOOP_R(
		 "4") "," LOOP_R("5") "," LOOP_R("6") "]",
	     NULL, "b 7:4 r (block device, not in the allow list) and 2 more"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *text = track_str(
		    rg_xasprintf("{\"linux\":{\"resources\":{\"devices\":%s}}}", cases[i].rules));
		struct rg_json *spec = parse(text);
		expect_ok(run(&rg_rule_devices, &reject, spec));
		expect_violation(cases[i].violation ? ".linux.resources.devices" : NULL,
				 cases[i].violation);
		assert_json(at(spec, ".linux.resources.devices"),
			    cases[i].want ? cases[i].want : cases[i].rules);
		if (!cases[i].want)
			assert_int_equal(report.n_changes, 0);
		/* fix drops what reject refuses, and a second pass changes nothing. */
		spec = parse(text);
		expect_ok(run(&rg_rule_devices, &fix, spec));
		expect_violation(NULL, NULL);
		expect_ok(run(&rg_rule_devices, &fix, spec));
		assert_int_equal(report.n_changes, 0);
		if (cases[i].violation)
			assert_true(at(spec, ".linux.resources.devices")->n <
				    parse(cases[i].rules)->n);
	}
	/* The allow setting widens the set; mem stays out. */
	const struct rg_policy *p = policy_of("{\"rules\":{\"devices\":{\"action\":\"reject\","
					      "\"allow\":[\"c 10:229\",\"b 7:*\",\"c 1:*\"]}}}");
	struct rg_json *spec = parse("{\"linux\":{\"resources\":{\"devices\":[" DENY_ALL
				     "," DEV("c", "10", "229", "rwm") "," DEV(
					 "b", "7", "3", "rw") "," DEV("c", "1", "4", "rw") "]}}}");
	expect_ok(run(&rg_rule_devices, p, spec));
	expect_violation(".linux.resources.devices", "allows c 1:4 rw (host I/O ports)");
	assert_int_equal(report.n_changes, 0);
}

static void test_devices_nodes(void **state)
{
	static const struct {
		const char *dev, *violation;
	} cases[] = {
#define NODE(path, t, maj, min)                                                                    \
	"{\"path\":\"" path "\",\"type\":\"" t "\",\"major\":" maj ",\"minor\":" min "}"
	    {NODE("/dev/null", "c", "1", "3"), NULL},
	    {NODE("/dev/null", "u", "1", "3"), NULL},
	    {NODE("/dev/pts/0", "c", "136", "0"), NULL},
	    {NODE("/dev/net/tun", "c", "10", "200"), NULL},
	    {"{\"path\":\"/dev/fifo\",\"type\":\"p\"}", NULL},
	    {NODE("/dev/sda", "b", "8", "0"),
	     "/dev/sda (b 8:0, block device, not in the allow list)"},
	    {NODE("/dev/mem", "c", "1", "1"), "/dev/mem (c 1:1, host physical memory)"},
	    {NODE("/dev/kmem", "c", "1", "2"), "(c 1:2, host kernel memory)"},
	    {NODE("/dev/port", "c", "1", "4"), "(c 1:4, host I/O ports)"},
	    {NODE("/dev/null", "c", "1", "1"), "/dev/null (c 1:1, host physical memory)"},
	    {NODE("/dev/fuse", "c", "10", "229"), "/dev/fuse (c 10:229, not in the allow list)"},
#undef NODE
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *text = track_str(rg_xasprintf(
		    "{\"linux\":{\"devices\":[{\"path\":\"/dev/zero\",\"type\":\"c\",\"major\":1,"
		    "\"minor\":5},%s]}}",
		    cases[i].dev));
		struct rg_json *spec = parse(text);
		expect_ok(run(&rg_rule_devices, &reject, spec));
		expect_violation(cases[i].violation ? ".linux.devices" : NULL, cases[i].violation);
		assert_int_equal(report.n_changes, 0);
		spec = parse(text);
		expect_ok(run(&rg_rule_devices, &fix, spec));
		expect_violation(NULL, NULL);
		assert_int_equal(at(spec, ".linux.devices")->n, cases[i].violation ? 1 : 2);
		assert_json(at(spec, ".linux.devices[0].path"), "\"/dev/zero\"");
		if (cases[i].violation)
			assert_string_equal(report.changes[0].path, ".linux.devices[1]");
	}
	const struct rg_policy *p = policy_of("{\"rules\":{\"devices\":{\"action\":\"reject\","
					      "\"allow\":[\"c 10:229\",\"b 7:*\",\"c 1:*\"]}}}");
	struct rg_json *spec =
	    parse("{\"linux\":{\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,"
		  "\"minor\":229},{\"path\":\"/dev/loop3\",\"type\":\"b\",\"major\":7,\"minor\":3},"
		  "{\"path\":\"/dev/mem\",\"type\":\"c\",\"major\":1,\"minor\":1}]}}");
	expect_ok(run(&rg_rule_devices, p, spec));
	expect_violation(".linux.devices", "/dev/mem (c 1:1, host physical memory)");
	assert_false(strstr(report.violations[0].msg, "fuse") ||
		     strstr(report.violations[0].msg, "loop"));
	/* The default policy refuses, as "reject" does. */
	spec = parse("{\"linux\":{\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,"
		     "\"minor\":0}]}}");
	expect_ok(run(&rg_rule_devices, &baseline, spec));
	expect_violation(".linux.devices", "/dev/sda");
}

static void test_devices_errors(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} cases[] = {
	    {"{\"linux\":1}", ".linux", "expected an object"},
	    {"{\"linux\":{\"devices\":{}}}", ".linux.devices", "expected an array, got object"},
	    {"{\"linux\":{\"devices\":[1]}}", ".linux.devices[0]", "expected an object"},
	    {"{\"linux\":{\"devices\":[{\"type\":\"c\"}]}}", ".linux.devices[0].path",
	     "expected a string"},
	    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/x\\u0000\",\"type\":\"c\"}]}}",
	     ".linux.devices[0].path", "without NUL"},
	    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"x\"}]}}",
	     ".linux.devices[0].type", "expected \"c\", \"u\", \"b\" or \"p\""},
	    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"minor\":1}]}}",
	     ".linux.devices[0].major", "got nothing"},
	    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/"
	     "x\",\"type\":\"b\",\"major\":\"8\",\"minor\":0}]}}",
	     ".linux.devices[0].major", "got string"},
	    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/"
	     "x\",\"type\":\"c\",\"major\":1,\"minor\":-1}]}}",
	     ".linux.devices[0].minor", "expected a device number"},
	    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":4294967296,"
	     "\"minor\":0}]}}",
	     ".linux.devices[0].major", "expected a device number"},
	    {"{\"linux\":{\"resources\":5}}", ".linux.resources", "expected an object, got number"},
	    {"{\"linux\":{\"resources\":{\"devices\":{}}}}", ".linux.resources.devices",
	     "expected an array"},
	    {"{\"linux\":{\"resources\":{\"devices\":[true]}}}", ".linux.resources.devices[0]",
	     "expected an object"},
	    {"{\"linux\":{\"resources\":{\"devices\":[{\"allow\":\"yes\"}]}}}",
	     ".linux.resources.devices[0].allow", "expected a boolean"},
	    {"{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}}}",
	     ".linux.resources.devices[0].type", "expected \"a\", \"b\" or \"c\""},
	    {"{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":1}]}}}",
	     ".linux.resources.devices[0].type", NULL},
	    {"{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"access\":7}]}}}",
	     ".linux.resources.devices[0].access", "expected a string"},
	    {"{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"major\":1.5}]}}}",
	     ".linux.resources.devices[0].major", "expected a device number"},
	    {"{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"minor\":-2}]}}}",
	     ".linux.resources.devices[0].minor", "expected a device number"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_devices, &fix, spec), cases[i].path, cases[i].more);
	}
	expect_ok(run(&rg_rule_devices, &fix, parse("{}")));
	expect_ok(run(&rg_rule_devices, &fix,
		      parse("{\"linux\":{\"devices\":null,\"resources\":null}}")));
	assert_int_equal(report.n_changes, 0);

	static const char *const bad[] = {
	    "\"c 1:3\"",    "[\"c 1\"]",    "[\"x 1:3\"]",	    "[\"a 1:3\"]", "[\"c 1:3 \"]",
	    "[\"c -1:3\"]", "[\"c 1:3x\"]", "[\"c 4294967296:1\"]", "[\"c1:3\"]",  "[5]",
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		char *s = track_str(rg_xasprintf("{\"allow\":%s}", bad[i]));
		expect_check_error(&rg_rule_devices, s, ".rules.x.allow");
	}
	expect_check_error(&rg_rule_devices, "{\"deny\":[]}", ".rules.x.deny: unknown setting");
	assert_int_equal(check(&rg_rule_devices, "{\"allow\":[\"c 10:229\",\"b 7:*\",\"c *:*\"]}"),
			 0);
}

static int groups(void)
{
	const struct CMUnitTest devices_tests[] = {
	    T(test_devices_cgroup),
	    T(test_devices_nodes),
	    T(test_devices_errors),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/devices", devices_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return harness_main(groups);
}
