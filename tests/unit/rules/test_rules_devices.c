/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the devices, hooks, annotations and rootfs rules. The
 * harness, policies and fake host are in isolation_harness.h; namespaces,
 * mounts and the rules together are tested in test_rules_isolation.c.
 */
#include "isolation_harness.h"

/* ================= devices ================= */

#define DENY_ALL "{\"allow\":false,\"access\":\"rwm\"}"
#define DEV(t, maj, min, acc)                                                                      \
	"{\"allow\":true,\"type\":\"" t "\",\"major\":" maj ",\"minor\":" min ",\"access\":\"" acc \
	"\"}"
/* What an allow-all rule becomes: deny-all and runc's default set. */
#define STANDARD                                                                                           \
	DENY_ALL                                                                                           \
	"," DEV("c", "1", "3", "rwm") "," DEV("c", "1", "5", "rwm") "," DEV("c", "1", "7", "rwm") "," DEV( \
	    "c", "1", "8",                                                                                 \
	    "rwm") "," DEV("c", "1", "9",                                                                  \
			   "rwm") "," DEV("c", "5", "0",                                                   \
					  "rwm") "," DEV("c", "5", "1",                                    \
							 "rwm") "," DEV("c", "5", "2",                     \
									"rwm") ",{\"allow\":"              \
									       "true,"                     \
									       "\"type\":"                 \
									       "\"c\","                    \
									       "\"major\":"                \
									       "136,"                      \
									       "\"access\":"               \
									       "\"rwm\"}"                  \
									       "," DEV("c", "10",          \
										       "200",              \
										       "rwm")
/* containerd's CRI default rules: mknod of anything, the standard set, tun. */
#define CRI_DEFAULT                                                                                      \
	DENY_ALL                                                                                         \
	",{\"allow\":true,\"type\":\"c\",\"access\":\"m\"},{\"allow\":true,\"type\":\"b\","              \
	"\"access\":\"m\"}," DEV("c", "1", "3", "rwm") "," DEV("c", "1", "8", "rwm") "," DEV(            \
	    "c", "1", "7",                                                                               \
	    "rwm") "," DEV("c", "5", "0",                                                                \
			   "rwm") "," DEV("c", "1", "5",                                                 \
					  "rwm") "," DEV("c", "1", "9",                                  \
							 "rwm") "," DEV("c", "5", "1",                   \
									"rwm") ","                       \
									       "{\"allow\":"             \
									       "true,"                   \
									       "\"type\":"               \
									       "\"c\","                  \
									       "\"major\":"              \
									       "136,"                    \
									       "\"minor\":"              \
									       "null,"                   \
									       "\"access\":"             \
									       "\"rwm\"}"                \
									       "," DEV(                  \
										   "c", "5", "2",        \
										   "rwm") "," DEV("c",   \
												  "10",  \
												  "200", \
												  "rwm")

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
	    {"[" DEV("b", "7", "0", "r") "," DEV("b", "7", "1", "r") "," DEV(
		 "b", "7", "2", "r") "," DEV("b", "7", "3",
					     "r") "," DEV("b", "7", "4",
							  "r") "," DEV("b", "7", "5",
								       "r") "," DEV("b", "7", "6",
										    "r") "]",
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

/* ================= hooks ================= */

#define NVIDIA "/usr/bin/nvidia-container-runtime-hook"

static void test_hooks(void **state)
{
	static const char *const kinds[] = {"prestart",	      "createRuntime", "createContainer",
					    "startContainer", "poststart",     "poststop"};
	const struct rg_policy *allow =
	    policy_of("{\"rules\":{\"hooks\":{\"action\":\"reject\",\"allow\":[\"" NVIDIA "\"]}}}");
	static const struct {
		const char *path;
		bool is_allowed; /* under `allow`; nothing is allowed by default */
	} cases[] = {
	    {NVIDIA, true},
	    {"/usr/bin/../bin/nvidia-container-runtime-hook", true},
	    {"//usr/bin/./nvidia-container-runtime-hook", true},
	    {"nvidia-container-runtime-hook", false},
	    {"/usr/bin/nvidia-container-runtime-hook2", false},
	    {"/tmp/evil", false},
	};
	for (size_t k = 0; k < RG_ARRAY_SIZE(kinds); k++) {
		for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
			char *text = track_str(rg_xasprintf("{\"hooks\":{\"%s\":[{\"path\":\"%s\","
							    "\"args\":[\"x\"],\"timeout\":5}]}}",
							    kinds[k], cases[i].path));
			char *where = track_str(rg_xasprintf(".hooks.%s[0]", kinds[k]));
			struct rg_json *spec = parse(text);
			expect_ok(run(&rg_rule_hooks, &baseline, spec));
			expect_violation(where, "would run on the host as root");
			spec = parse(text);
			expect_ok(run(&rg_rule_hooks, allow, spec));
			expect_violation(cases[i].is_allowed ? NULL : where, cases[i].path);
			spec = parse(text);
			expect_ok(run(&rg_rule_hooks, &fix, spec));
			expect_violation(NULL, NULL);
			char *want = track_str(rg_xasprintf("{\"%s\":[]}", kinds[k]));
			assert_json(at(spec, ".hooks"), want);
			assert_string_equal(report.changes[0].path, where);
		}
	}
	/* Several hooks: the allowed one stays, in place. */
	const struct rg_policy *allow_fix =
	    policy_of("{\"rules\":{\"hooks\":{\"action\":\"fix\",\"allow\":[\"" NVIDIA "\"]}}}");
	struct rg_json *spec =
	    parse("{\"hooks\":{\"prestart\":[{\"path\":\"/a\"},{\"path\":\"" NVIDIA
		  "\"},{\"path\":\"/b\"}],\"poststop\":null,\"x-other\":[1]}}");
	expect_ok(run(&rg_rule_hooks, allow_fix, spec));
	assert_json(at(spec, ".hooks"),
		    "{\"prestart\":[{\"path\":\"" NVIDIA "\"}],\"poststop\":null,"
		    "\"x-other\":[1]}");
	assert_int_equal(report.n_changes, 2);

	static const struct {
		const char *spec, *path, *more;
	} errors[] = {
	    {"{\"hooks\":[]}", ".hooks", "expected an object"},
	    {"{\"hooks\":{\"prestart\":{}}}", ".hooks.prestart", "expected an array, got object"},
	    {"{\"hooks\":{\"poststop\":[\"/bin/x\"]}}", ".hooks.poststop[0]", "expected an object"},
	    {"{\"hooks\":{\"poststart\":[{}]}}", ".hooks.poststart[0].path", "got nothing"},
	    {"{\"hooks\":{\"createRuntime\":[{\"path\":1}]}}", ".hooks.createRuntime[0].path",
	     "got number"},
	    {"{\"hooks\":{\"prestart\":[{\"path\":\"/a\\u0000\"}]}}", ".hooks.prestart[0].path",
	     "without NUL"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(errors); i++)
		expect_error(run(&rg_rule_hooks, &fix, parse(errors[i].spec)), errors[i].path,
			     errors[i].more);
	expect_check_error(&rg_rule_hooks, "{\"allow\":\"/x\"}",
			   ".rules.x.allow: expected an array");
	expect_check_error(&rg_rule_hooks, "{\"allow\":[\"x\"]}", ".rules.x.allow[0]");
	expect_check_error(&rg_rule_hooks, "{\"allow\":[1]}", ".rules.x.allow[0]");
	expect_check_error(&rg_rule_hooks, "{\"deny\":[]}", ".rules.x.deny: unknown setting");
	assert_int_equal(check(&rg_rule_hooks, "{\"allow\":[\"" NVIDIA "\"]}"), 0);
}

/* ---- Docker's libnetwork-setkey hook ---- */

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define NETCTL "a1b2c3d4e5f6"
/* The args exactly as dockerd 20.10 writes them. */
#define SETKEY_ARGS "\"libnetwork-setkey\",\"-exec-root=/run/docker\",\"" CID "\",\"" NETCTL "\""

/* {"hooks":{KIND:[{"path":PATH,"args":[ARGS]EXTRA}]}} */
static struct rg_json *hook_spec(const char *kind, const char *path, const char *args,
				 const char *extra)
{
	return parse(track_str(rg_xasprintf(
	    "{\"hooks\":{\"%s\":[{\"path\":\"%s\",\"args\":[%s]%s}]}}", kind, path, args, extra)));
}

static void test_hooks_docker_setkey(void **state)
{
	/* Passes under the default, fix and reject policies; fix keeps it. */
	const struct rg_policy *policies[] = {&baseline, &fix, &reject};
	for (size_t i = 0; i < RG_ARRAY_SIZE(policies); i++) {
		struct rg_json *spec = hook_spec("prestart", "/proc/4242/exe", SETKEY_ARGS, "");
		const char *before = emit(spec);
		expect_ok(run(&rg_rule_hooks, policies[i], spec));
		expect_violation(NULL, NULL);
		assert_int_equal(report.n_changes, 0);
		assert_string_equal(emit(spec), before);
	}
	/* create's container id known: it must be that one. */
	container_id = CID;
	expect_ok(run(&rg_rule_hooks, &baseline,
		      hook_spec("prestart", "/proc/4242/exe", SETKEY_ARGS, "")));
	expect_violation(NULL, NULL);
	container_id = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
	expect_ok(run(&rg_rule_hooks, &baseline,
		      hook_spec("prestart", "/proc/4242/exe", SETKEY_ARGS, "")));
	expect_violation(".hooks.prestart[0]", "args[2] is not this container's id fedcba98");
	container_id = NULL;

	static const struct {
		const char *kind, *path, *args, *extra, *why;
	} refused[] = {
	    /* The process is not running the host's root-owned dockerd. */
	    {"prestart", "/proc/4243/exe", SETKEY_ARGS, "",
	     "/proc/4243/exe is /usr/bin/python3, not dockerd"},
	    {"prestart", "/proc/4244/exe", SETKEY_ARGS, "",
	     "not the file its path names on the host"},
	    {"prestart", "/proc/4245/exe", SETKEY_ARGS, "", "not a root-owned file"},
	    {"prestart", "/proc/99999/exe", SETKEY_ARGS, "", "/proc/99999/exe: No such process"},
	    /* Not /proc/<decimal pid>/exe. */
	    {"prestart", "/proc/self/exe", SETKEY_ARGS, "", "path is not /proc/<pid>/exe"},
	    {"prestart", "/proc/thread-self/exe", SETKEY_ARGS, "", "path is not /proc/<pid>/exe"},
	    {"prestart", "/proc/04242/exe", SETKEY_ARGS, "", "path is not /proc/<pid>/exe"},
	    {"prestart", "/proc/+4242/exe", SETKEY_ARGS, "", "path is not /proc/<pid>/exe"},
	    {"prestart", "/proc/4242/exe/", SETKEY_ARGS, "", "path is not /proc/<pid>/exe"},
	    {"prestart", "/proc/4242/../4242/exe", SETKEY_ARGS, "", "path is not /proc/<pid>/exe"},
	    {"prestart", "/proc//4242/exe", SETKEY_ARGS, "", "path is not /proc/<pid>/exe"},
	    {"prestart", "/proc/4242/cwd", SETKEY_ARGS, "", "path is not /proc/<pid>/exe"},
	    {"prestart", "/proc/42424242424242/exe", SETKEY_ARGS, "",
	     "path is not /proc/<pid>/exe"},
	    {"prestart", "/usr/sbin/dockerd", SETKEY_ARGS, "", "path is not /proc/<pid>/exe"},
	    /* Not Docker's arguments. */
	    {"prestart", "/proc/4242/exe",
	     "\"libnetwork-setkeyX\",\"-exec-root=/run/docker\",\"" CID "\",\"" NETCTL "\"", "",
	     "args are not libnetwork-setkey"},
	    {"prestart", "/proc/4242/exe", SETKEY_ARGS ",\"-debug\"", "", "args are not"},
	    {"prestart", "/proc/4242/exe", "\"libnetwork-setkey\",\"" CID "\",\"" NETCTL "\"", "",
	     "args are not"},
	    {"prestart", "/proc/4242/exe",
	     "\"libnetwork-setkey\",\"-exec-root\",\"/run/docker\",\"" CID "\",\"" NETCTL "\"", "",
	     "args are not"},
	    {"prestart", "/proc/4242/exe",
	     "\"libnetwork-setkey\",\"-exec-root=run/docker\",\"" CID "\",\"" NETCTL "\"", "",
	     "args[1] is not -exec-root=<absolute path>"},
	    {"prestart", "/proc/4242/exe",
	     "\"libnetwork-setkey\",\"-debug=true\",\"" CID "\",\"" NETCTL "\"", "",
	     "args[1] is not -exec-root"},
	    {"prestart", "/proc/4242/exe",
	     "\"libnetwork-setkey\",\"-exec-root=/run/docker\",\"-x\",\"" NETCTL "\"", "",
	     "args[2] is not a container id"},
	    {"prestart", "/proc/4242/exe",
	     "\"libnetwork-setkey\",\"-exec-root=/run/docker\",\"" CID "\",\"../../../tmp/s\"", "",
	     "args[3] is not a network controller id"},
	    {"prestart", "/proc/4242/exe",
	     "\"libnetwork-setkey\",\"-exec-root=/run/docker\",\"" CID "\",\"A1B2C3D4E5F6\"", "",
	     "args[3] is not a network controller id"},
	    {"prestart", "/proc/4242/exe",
	     "\"libnetwork-setkey\",\"-exec-root=/run/docker\",\"" CID "\",\"" NETCTL "\\u0000x\"",
	     "", "args[3] is not a network controller id"},
	    /* Nothing Docker does not write. */
	    {"prestart", "/proc/4242/exe", SETKEY_ARGS, ",\"env\":[\"LD_PRELOAD=/tmp/x.so\"]",
	     "it has \"env\""},
	    {"prestart", "/proc/4242/exe", SETKEY_ARGS, ",\"env\":[]", "it has \"env\""},
	    {"prestart", "/proc/4242/exe", SETKEY_ARGS, ",\"timeout\":5", "it has \"timeout\""},
	    /* Where Docker does not put it. */
	    {"createRuntime", "/proc/4242/exe", SETKEY_ARGS, "", "Docker adds it to prestart only"},
	    {"poststop", "/proc/4242/exe", SETKEY_ARGS, "", "Docker adds it to prestart only"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(refused); i++) {
		char *where = track_str(rg_xasprintf(".hooks.%s[0]", refused[i].kind));
		expect_ok(run(&rg_rule_hooks, &baseline,
			      hook_spec(refused[i].kind, refused[i].path, refused[i].args,
					refused[i].extra)));
		expect_violation(where, refused[i].why);
		expect_violation(where,
				 "not in the allow list, and not Docker's libnetwork-setkey");
		/* fix removes it like any other hook. */
		struct rg_json *spec =
		    hook_spec(refused[i].kind, refused[i].path, refused[i].args, refused[i].extra);
		expect_ok(run(&rg_rule_hooks, &fix, spec));
		expect_violation(NULL, NULL);
		assert_json(at(spec, track_str(rg_xasprintf(".hooks.%s", refused[i].kind))), "[]");
	}

	/* A host adapter that cannot look processes up recognises nothing. */
	expect_ok(run_on(&rg_rule_hooks, &baseline,
			 hook_spec("prestart", "/proc/4242/exe", SETKEY_ARGS, ""), &host_bare));
	expect_violation(".hooks.prestart[0]", "the host's processes cannot be looked up");

	/* The setting off: refused, and the message says which setting. */
	const struct rg_policy *off =
	    policy_of("{\"rules\":{\"hooks\":{\"action\":\"reject\",\"engineHooks\":[]}}}");
	expect_ok(
	    run(&rg_rule_hooks, off, hook_spec("prestart", "/proc/4242/exe", SETKEY_ARGS, "")));
	expect_violation(".hooks.prestart[0]",
			 "engineHooks does not name docker-libnetwork-setkey");
	/* Other settings of the rule leave it on (objects merge key by key). */
	const struct rg_policy *other =
	    policy_of("{\"rules\":{\"hooks\":{\"allow\":[\"" NVIDIA "\"]}}}");
	expect_ok(
	    run(&rg_rule_hooks, other, hook_spec("prestart", "/proc/4242/exe", SETKEY_ARGS, "")));
	expect_violation(NULL, NULL);
	/* Any other hook keeps the plain message. */
	expect_ok(run(&rg_rule_hooks, &baseline, hook_spec("prestart", "/proc/4242/exe", "", "")));
	expect_violation(".hooks.prestart[0]",
			 "would run on the host as root; not in the allow list");
	assert_null(strstr(report.violations[0].msg, "Docker"));

	expect_check_error(&rg_rule_hooks, "{\"engineHooks\":\"docker-libnetwork-setkey\"}",
			   ".rules.x.engineHooks: expected an array");
	expect_check_error(&rg_rule_hooks, "{\"engineHooks\":[\"docker\"]}",
			   ".rules.x.engineHooks[0]: unknown engine hook");
	expect_check_error(&rg_rule_hooks, "{\"engineHooks\":[1]}", ".rules.x.engineHooks[0]");
	assert_int_equal(check(&rg_rule_hooks, "{\"engineHooks\":[]}"), 0);
	assert_int_equal(check(&rg_rule_hooks, "{\"engineHooks\":[\"docker-libnetwork-setkey\"]}"),
			 0);
}

/* ================= annotations ================= */

static void test_annotations(void **state)
{
	static const struct {
		const char *key;
		bool is_denied;
	} cases[] = {
	    {"run.oci.seccomp_bpf_data", true},
	    {"run.oci.handler", true},
	    {"run.oci.hooks.prestart", true},
	    {"run.oci.keep_original_groups", true},
	    {"run.oci.no_pivot", true},
	    {"org.systemd.property.DeviceAllow", true},
	    {"org.criu.config", true},
	    {"run.oci.handler\\u0000x", true},
	    {"run.ocix", false},
	    {"org.criu.config2", false},
	    {"io.kubernetes.cri.container-type", false},
	    {"run.runguard.policy", false},
	    {"run.runguard.profile", false},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *text = track_str(rg_xasprintf(
		    "{\"annotations\":{\"a\":\"1\",\"%s\":\"v\",\"z\":\"2\"}}", cases[i].key));
		struct rg_json *spec = parse(text);
		expect_ok(run(&rg_rule_annotations, &reject, spec));
		assert_int_equal(report.n_violations, cases[i].is_denied ? 1 : 0);
		if (cases[i].is_denied) {
			assert_true(rg_startswith(report.violations[0].path, ".annotations[\""));
			assert_non_null(strstr(report.violations[0].msg, "outside the spec"));
		}
		assert_int_equal(at(spec, ".annotations")->n, 3);
		/* The default policy strips, as "fix" does; keys around it stay in order. */
		spec = parse(text);
		expect_ok(run(&rg_rule_annotations, &baseline, spec));
		expect_violation(NULL, NULL);
		assert_int_equal(at(spec, ".annotations")->n, cases[i].is_denied ? 2 : 3);
		assert_string_equal(at(spec, ".annotations")->u.members[0].key, "a");
		assert_int_equal(report.n_changes, cases[i].is_denied ? 1 : 0);
	}
	const struct rg_policy *p = policy_of(
	    "{\"rules\":{\"annotations\":{\"action\":\"reject\",\"deny\":[\"com.example.*\","
	    "\"run.oci.*\",\"*\"],\"allow\":[\"run.oci.keep_original_groups\",\"io.*\"]}}}");
	struct rg_json *spec =
	    parse("{\"annotations\":{\"run.oci.keep_original_groups\":\"1\","
		  "\"io.x\":\"y\",\"run.runguard.policy\":\"p\",\"com.example.a\":\"b\"}}");
	expect_ok(run(&rg_rule_annotations, p, spec));
	expect_violation(".annotations[\"com.example.a\"]", NULL);
	expect_ok(run(&rg_rule_annotations, &fix, parse("{}")));
	expect_ok(run(&rg_rule_annotations, &fix, parse("{\"annotations\":null}")));
	expect_error(run(&rg_rule_annotations, &fix, parse("{\"annotations\":[]}")), ".annotations",
		     "expected an object");
	expect_check_error(&rg_rule_annotations, "{\"allow\":\"x\"}",
			   ".rules.x.allow: expected an array");
	expect_check_error(&rg_rule_annotations, "{\"deny\":[\"\"]}", ".rules.x.deny[0]");
	expect_check_error(&rg_rule_annotations, "{\"deny\":[1]}", ".rules.x.deny[0]");
	expect_check_error(&rg_rule_annotations, "{\"strip\":[]}",
			   ".rules.x.strip: unknown setting");
	assert_int_equal(check(&rg_rule_annotations, "{\"deny\":[\"a*\"],\"allow\":[\"ab\"]}"), 0);
}

/* ================= rootfs ================= */

static void test_rootfs(void **state)
{
	static const struct {
		const char *spec, *want_root;
		bool is_violation;
	} cases[] = {
	    {"{\"root\":{\"path\":\"rootfs\",\"readonly\":true}}",
	     "{\"path\":\"rootfs\",\"readonly\":true}", false},
	    {"{\"root\":{\"path\":\"rootfs\",\"readonly\":false}}",
	     "{\"path\":\"rootfs\",\"readonly\":true}", true},
	    {"{\"root\":{\"path\":\"rootfs\"}}", "{\"path\":\"rootfs\",\"readonly\":true}", true},
	    {"{\"root\":{\"readonly\":null}}", "{\"readonly\":true}", true},
	    {"{}", "{\"readonly\":true}", true},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_ok(run(&rg_rule_rootfs, &reject, spec));
		expect_violation(cases[i].is_violation ? ".root.readonly" : NULL, "writable");
		spec = parse(cases[i].spec);
		expect_ok(run(&rg_rule_rootfs, &fix, spec));
		assert_json(at(spec, ".root"), cases[i].want_root);
		assert_int_equal(report.n_changes, cases[i].is_violation ? 1 : 0);
	}
	assert_int_equal(rg_policy_action(&baseline, "rootfs"), RG_ACTION_OFF);
	expect_error(run(&rg_rule_rootfs, &fix, parse("{\"root\":5}")), ".root",
		     "expected an object");
	expect_error(run(&rg_rule_rootfs, &fix, parse("{\"root\":{\"readonly\":\"yes\"}}")),
		     ".root.readonly", "expected a boolean");
}

static const struct CMUnitTest devices_tests[] = {T(test_devices_cgroup), T(test_devices_nodes),
						  T(test_devices_errors)};
static const struct CMUnitTest hooks_tests[] = {T(test_hooks), T(test_hooks_docker_setkey)};
static const struct CMUnitTest annotations_tests[] = {T(test_annotations)};
static const struct CMUnitTest rootfs_tests[] = {T(test_rootfs)};

int main(void)
{
	int failed = 0;

	if (setup_fixture() < 0) {
		teardown_fixture();
		return 1;
	}
	failed += cmocka_run_group_tests_name("rules/devices", devices_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/hooks", hooks_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/annotations", annotations_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/rootfs", rootfs_tests, NULL, NULL);
	teardown_fixture();
	return failed ? 1 : 0;
}
