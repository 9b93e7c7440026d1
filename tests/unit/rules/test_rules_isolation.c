/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the namespaces and mounts rules, of lexical path
 * normalisation, and of the isolation rules together (shipped profiles, the
 * privileged request shape, rule order). The harness, policies and fake
 * host are in isolation_harness.h; devices, hooks, annotations and rootfs
 * are tested in test_rules_devices.c.
 */
#include "isolation_harness.h"

#define DENY_ALL "{\"allow\":false,\"access\":\"rwm\"}"

/* ================= normpath ================= */

static void test_normpath(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"/", "/"},		  {"//", "/"},
	    {"/./", "/"},	  {"/..", "/"},
	    {"/../..", "/"},	  {"/etc/", "/etc"},
	    {"//etc//", "/etc"},  {"/etc/.", "/etc"},
	    {"/etc/..", "/"},	  {"/a/../etc", "/etc"},
	    {"/a/./b/", "/a/b"},  {"/a/b/../../c", "/c"},
	    {"/a/..b", "/a/..b"}, {"/a/.b/", "/a/.b"},
	    {"/...", "/..."},	  {"etc", NULL},
	    {"", NULL},		  {"./etc", NULL},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *got = rg_path_normalize(cases[i].in);
		if (!cases[i].out)
			assert_null(got);
		else if (!got || !rg_streq(got, cases[i].out))
			fail_msg("normalize(%s) = %s, want %s", cases[i].in, got ? got : "NULL",
				 cases[i].out);
		free(got);
	}
	assert_null(rg_path_normalize(NULL));
	assert_true(rg_path_is_under("/etc", "/etc"));
	assert_true(rg_path_is_under("/etc/x", "/etc"));
	assert_false(rg_path_is_under("/etcx", "/etc"));
	assert_false(rg_path_is_under("/et", "/etc"));
	assert_true(rg_path_is_under("/anything", "/"));
	assert_true(rg_path_is_under("/", "/"));
}

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

/* ================= mounts ================= */

/* Whether a bind mount of each source is refused (reject) and dropped (fix). */
static const struct {
	const char *mount; /* JSON of one mount */
	const char *denied; /* text of the violation, or NULL: allowed */
} sensitive_cases[] = {
#define BIND(src)                                                                                  \
	"{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"" src                              \
	"\",\"options\":[\"rbind\",\"ro\"]}"
#define BIND_RW(src)                                                                               \
	"{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"" src "\",\"options\":[\"rbind\"]" \
	"}"
    {BIND("/"), "bind mount of host path / (denied: /)"},
    {BIND("//"), "(denied: /)"},
    {BIND("/./"), "(denied: /)"},
    {BIND("/etc/.."), "(denied: /)"},
    {BIND("/srv/../../"), "(denied: /)"},
    {BIND("/etc"), "(denied: /etc)"},
    {BIND("/etc/"), "(denied: /etc)"},
    {BIND("//etc//ssl/./certs"), "(denied: /etc)"},
    {BIND("/etcfoo"), NULL},
    {BIND("/proc/1/root"), "(denied: /proc)"},
    {BIND("/boot"), "(denied: /boot)"},
    {BIND("/dev/sda"), "(denied: /dev)"},
    {BIND("/root/.ssh"), "(denied: /root)"},
    {BIND("/var/run/docker.sock"), "(denied: /var/run/docker.sock)"},
    {BIND("/run/docker.sock"), "(denied: /run/docker.sock)"},
    /* A directory above a denied path exposes it. */
    {BIND("/run"), "(denied: /run/docker.sock)"},
    {BIND("/var"), "(denied: /var/run/docker.sock)"},
    {BIND("/var/lib"), "(denied: /var/lib/kubelet/pki)"},
    /* denyExact: the path and above, not what CRI mounts from under it. */
    {BIND("/var/lib/kubelet"), "(denied: /var/lib/kubelet)"},
    {BIND("/var/lib/kubelet/pods/uid/volumes/kubernetes.io~secret/token"), NULL},
    {BIND("/var/lib/kubelet/pki"), "(denied: /var/lib/kubelet/pki)"},
    {BIND("/var/lib/kubelet/pki/kubelet.key"), "(denied: /var/lib/kubelet/pki)"},
    {BIND("/run/containerd"), "(denied: /run/containerd)"},
    {BIND("/run/containerd/io.containerd.grpc.v1.cri/sandboxes/abc/shm"), NULL},
    {BIND("/run/containerd/containerd.sock"), "(denied: /run/containerd/containerd.sock)"},
    {BIND("/run/containerd/s/0123"), "(denied: /run/containerd/s)"},
    {BIND("/run/crio/crio.sock"), "(denied: /run/crio/crio.sock)"},
    /* /sys only when writable, but file systems mounted under it (debugfs,
     * cgroup ...) in any case: an rbind carries them, and "ro" stays on top. */
    {BIND("/sys"), "(denied: /sys/kernel/debug)"},
    {BIND("/sys/class/net"), NULL},
    {BIND_RW("/sys"), "(denied: /sys)"},
    {BIND_RW("/sys/fs/cgroup"), "(denied: /sys/fs/cgroup)"},
    {"{\"destination\":\"/x\",\"source\":\"/sys\",\"options\":[\"bind\",\"ro\",\"rw\"]}",
     "(denied: /sys)"},
    {"{\"destination\":\"/x\",\"source\":\"/sys/class\",\"options\":[\"bind\",\"rw\","
     "\"rro\"]}",
     NULL},
    /* Mounted at /sys it is made read-only first, and then allowed. */
    {"{\"destination\":\"/sys\",\"type\":\"bind\",\"source\":\"/"
     "sys/class\",\"options\":[\"rbind\"]}",
     NULL},
    {BIND_RW("/srv/data"), NULL},
    {BIND("/home/user"), NULL},
    /* Bind by option only, with another type. */
    {"{\"destination\":\"/x\",\"type\":\"none\",\"source\":\"/\",\"options\":[\"rbind\"]}",
     "(denied: /)"},
    {"{\"destination\":\"/x\",\"source\":\"/etc\",\"options\":[\"bind\"]}", "(denied: /etc)"},
    /* Relative sources are relative to the bundle (/srv/bundle here); missing ones
     * cannot be checked. */
    {BIND("data"), NULL},
    {BIND("../../../etc"), "host path /etc (../../../etc in the bundle) (denied: /etc)"},
    {BIND(""), "relative source ''"},
    {"{\"destination\":\"/x\",\"type\":\"bind\"}", "relative source ''"},
    /* Symlinks on the host, resolved by the adapter. */
    {BIND("/tmp/link-to-root"), "/tmp/link-to-root, which resolves to / (denied: /)"},
    {BIND("/missing"), NULL},
    /* Other mounts by type (test_rules_mounts.c): a pseudo fs's source is not a host path. */
    {"{\"destination\":\"/x\",\"type\":\"ext4\",\"source\":\"/dev/sda1\"}",
     "mount of type 'ext4' at /x: the type is not allowed (source '/dev/sda1')"},
    {"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"/proc\"}", NULL},
    {"{\"destination\":\"/x\",\"type\":\"tmpfs\",\"source\":\"/etc\"}", NULL},
    {"{\"destination\":\"/x\",\"type\":\"nfs\",\"source\":\"server:/etc\"}",
     "type 'nfs' at /x: the type is not allowed"},
    {"{\"destination\":\"/x\",\"type\":\"ext4\"}", "type 'ext4' at /x: the type is not allowed"},
#undef BIND
#undef BIND_RW
};

static void test_mounts_sensitive(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(sensitive_cases); i++) {
		char *text = track_str(rg_xasprintf("{\"mounts\":[{\"destination\":\"/proc\","
						    "\"type\":\"proc\",\"source\":\"proc\"},%s]}",
						    sensitive_cases[i].mount));
		struct rg_json *spec = parse(text);
		expect_ok(run(&rg_rule_mounts, &reject, spec));
		expect_violation(sensitive_cases[i].denied ? ".mounts[1]" : NULL,
				 sensitive_cases[i].denied);
		assert_int_equal(at(spec, ".mounts")->n, 2);

		spec = parse(text);
		expect_ok(run(&rg_rule_mounts, &fix, spec));
		expect_violation(NULL, NULL);
		assert_int_equal(at(spec, ".mounts")->n, sensitive_cases[i].denied ? 1 : 2);
		assert_json(at(spec, ".mounts[0]"),
			    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}");
	}
	/* Without the adapter only the lexical path counts. */
	struct rg_json *spec = parse("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\","
				     "\"source\":\"/tmp/link-to-root\"}]}");
	expect_ok(run_on(&rg_rule_mounts, &reject, spec, &host_bare));
	expect_violation(NULL, NULL);
	/* With the bundle directory unknown, a relative source cannot be checked. */
	bundle = NULL;
	spec =
	    parse("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"data\"}]}");
	expect_ok(run(&rg_rule_mounts, &reject, spec));
	expect_violation(".mounts[0]", "relative source 'data' cannot be checked");
	bundle = "/srv/bundle";
	/* The default policy refuses, as "reject" does. */
	spec =
	    parse("{\"mounts\":[{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"/\"}]}");
	expect_ok(run(&rg_rule_mounts, &baseline, spec));
	expect_violation(".mounts[0]", "(denied: /)");
}

static const struct {
	const char *mount, *want_options; /* NULL: no options member */
} harden_cases[] = {
#define M(type, dest, opts)                                                                        \
	"{\"destination\":\"" dest "\",\"type\":\"" type "\",\"source\":\"/srv\"" opts "}"
    {M("bind", "/x", ",\"options\":[\"bind\"]"), "[\"bind\",\"nosuid\",\"nodev\"]"},
    {M("bind", "/x", ""), "[\"nosuid\",\"nodev\"]"},
    {M("bind", "/x", ",\"options\":null"), "[\"nosuid\",\"nodev\"]"},
    {M("none", "/x", ",\"options\":[\"rbind\",\"suid\",\"dev\",\"ro\"]"),
     "[\"rbind\",\"ro\",\"nosuid\",\"nodev\"]"},
    {M("bind", "/x", ",\"options\":[\"nodev\",\"nosuid\",\"rbind\"]"),
     "[\"nodev\",\"nosuid\",\"rbind\"]"},
    {M("bind", "/x", ",\"options\":[\"rbind\",\"rshared\"]"),
     "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\"]"},
    {M("tmpfs", "/x", ",\"options\":[\"shared\",\"rw\"]"), "[\"private\",\"rw\"]"},
    {M("tmpfs", "/x", ",\"options\":[\"rslave\",\"suid\"]"), "[\"rslave\",\"suid\"]"},
    {M("tmpfs", "/x", ""), NULL},
    /* /sys and cgroup mounts read-only. */
    {M("sysfs", "/sys", ",\"options\":[\"nosuid\",\"rw\"]"), "[\"nosuid\",\"ro\"]"},
    {M("sysfs", "/sys", ",\"options\":[\"ro\",\"rw\"]"), "[\"ro\"]"},
    {M("sysfs", "/sys", ",\"options\":[\"rro\"]"), "[\"rro\"]"},
    {M("sysfs", "//sys/", ""), "[\"ro\"]"},
    {M("cgroup", "/sys/fs/cgroup", ""), "[\"ro\"]"},
    {M("cgroup2", "/sys/fs/cgroup", ",\"options\":[\"rrw\",\"nodev\"]"), "[\"nodev\",\"ro\"]"},
    {M("tmpfs", "/sys/firmware", ""), "[\"ro\"]"},
    {M("tmpfs", "sys/kernel", ""), "[\"ro\"]"},
    {M("tmpfs", "/sysx", ""), NULL},
    {M("bind", "/sys/kernel/debug", ",\"options\":[\"bind\"]"),
     "[\"bind\",\"nosuid\",\"nodev\",\"ro\"]"},
#undef M
};

static void test_mounts_harden(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(harden_cases); i++) {
		char *text = track_str(rg_xasprintf("{\"mounts\":[%s]}", harden_cases[i].mount));
		struct rg_json *spec = parse(text);
		const struct rg_json *before = at(parse(text), ".mounts[0].options");
		bool is_same =
		    !harden_cases[i].want_options ||
		    (before && rg_json_equal(before, parse(harden_cases[i].want_options)));
		/* Whatever the action. */
		expect_ok(run(&rg_rule_mounts, &reject, spec));
		expect_violation(NULL, NULL);
		assert_json(at(spec, ".mounts[0].options"), harden_cases[i].want_options);
		if (is_same) {
			assert_int_equal(report.n_changes, 0);
		} else {
			assert_int_equal(report.n_changes, 1);
			assert_string_equal(report.changes[0].path, ".mounts[0].options");
		}
		/* And idempotent. */
		expect_ok(run(&rg_rule_mounts, &fix, spec));
		assert_int_equal(report.n_changes, 0);
	}

	/* Operator's bindOptions. */
	const struct rg_policy *p = policy_of(
	    "{\"rules\":{\"mounts\":{\"action\":\"reject\",\"bindOptions\":[\"noexec\"]}}}");
	struct rg_json *spec = parse("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\","
				     "\"source\":\"/srv\",\"options\":[\"exec\",\"rbind\"]}]}");
	expect_ok(run(&rg_rule_mounts, p, spec));
	assert_json(at(spec, ".mounts[0].options"), "[\"rbind\",\"noexec\"]");
	p = policy_of("{\"rules\":{\"mounts\":{\"action\":\"reject\",\"bindOptions\":[]}}}");
	spec =
	    parse("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/srv\"}]}");
	expect_ok(run(&rg_rule_mounts, p, spec));
	assert_int_equal(report.n_changes, 0);

	/* rootfsPropagation. */
	static const char *const props[][2] = {
	    {"\"shared\"", "\"private\""},
	    {"\"rshared\"", "\"rprivate\""},
	    {"\"slave\"", "\"slave\""},
	    {"\"rprivate\"", "\"rprivate\""},
	    {"null", "null"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(props); i++) {
		char *text =
		    track_str(rg_xasprintf("{\"linux\":{\"rootfsPropagation\":%s}}", props[i][0]));
		spec = parse(text);
		expect_ok(run(&rg_rule_mounts, &reject, spec));
		assert_json(at(spec, ".linux.rootfsPropagation"), props[i][1]);
		assert_int_equal(report.n_changes, rg_streq(props[i][0], props[i][1]) ? 0 : 1);
	}
}

static void test_mounts_lists(void **state)
{
	const struct rg_policy *p =
	    policy_of("{\"rules\":{\"mounts\":{\"action\":\"reject\",\"deny\":[\"/srv/secret/\"],"
		      "\"denyExact\":[\"/data\"],\"denyWritable\":[]}}}");
	static const struct {
		const char *src;
		bool is_denied;
	} cases[] = {
	    {"/srv/secret", true}, {"/srv/secret/x", true}, {"/srv", true},  {"/", true},
	    {"/data", true},	   {"/data/x", false},	    {"/etc", false}, {"/sys", false},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *text = track_str(rg_xasprintf("{\"mounts\":[{\"destination\":\"/x\","
						    "\"type\":\"bind\",\"source\":\"%s\"}]}",
						    cases[i].src));
		expect_ok(run(&rg_rule_mounts, p, parse(text)));
		if (report.n_violations != (cases[i].is_denied ? 1u : 0u))
			fail_msg("%s: %zu violations", cases[i].src, report.n_violations);
	}
	static const struct {
		const char *settings, *more;
	} bad[] = {
	    {"{\"allow\":[]}", ".rules.x.allow: unknown setting"},
	    {"{\"deny\":\"/etc\"}", ".rules.x.deny: expected an array of absolute paths"},
	    {"{\"denyExact\":[\"etc\"]}", ".rules.x.denyExact[0]: expected an absolute path"},
	    {"{\"denyWritable\":[5]}", ".rules.x.denyWritable[0]"},
	    {"{\"deny\":[\"/etc\\u0000x\"]}", ".rules.x.deny[0]"},
	    {"{\"bindOptions\":\"nosuid\"}", ".rules.x.bindOptions: expected an array"},
	    {"{\"bindOptions\":[\"ro\"]}", ".rules.x.bindOptions[0]: expected \"nosuid\""},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++)
		expect_check_error(&rg_rule_mounts, bad[i].settings, bad[i].more);
	assert_int_equal(check(&rg_rule_mounts, "{\"action\":\"fix\",\"deny\":[],\"bindOptions\":"
						"[\"nosuid\",\"nodev\",\"noexec\"]}"),
			 0);
}

static void test_mounts_errors(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} cases[] = {
	    {"{\"mounts\":{}}", ".mounts", "expected an array, got object"},
	    {"{\"mounts\":[5]}", ".mounts[0]", "expected an object, got number"},
	    {"{\"mounts\":[{}]}", ".mounts[0].destination", "got nothing"},
	    {"{\"mounts\":[{\"destination\":5}]}", ".mounts[0].destination", "got number"},
	    {"{\"mounts\":[{\"destination\":\"/x\",\"type\":[]}]}", ".mounts[0].type", "got array"},
	    {"{\"mounts\":[{\"destination\":\"/x\",\"source\":true}]}", ".mounts[0].source",
	     "got boolean"},
	    {"{\"mounts\":[{\"destination\":\"/x\",\"source\":\"/\\u0000\"}]}", ".mounts[0].source",
	     "without NUL"},
	    {"{\"mounts\":[{\"destination\":\"/x\",\"options\":\"ro\"}]}", ".mounts[0].options",
	     "got string"},
	    {"{\"mounts\":[{\"destination\":\"/x\",\"options\":[\"ro\",1]}]}",
	     ".mounts[0].options[1]", "got number"},
	    {"{\"linux\":[]}", ".linux", "expected an object"},
	    {"{\"linux\":{\"rootfsPropagation\":1}}", ".linux.rootfsPropagation", "got number"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_mounts, &fix, spec), cases[i].path, cases[i].more);
	}
	/* Absent or null mounts: nothing to do. */
	expect_ok(run(&rg_rule_mounts, &fix, parse("{\"mounts\":null}")));
	expect_ok(run(&rg_rule_mounts, &fix, parse("{}")));
	assert_int_equal(report.n_changes, 0);
}

/* ================= profiles, whole enforcement ================= */

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

static const struct CMUnitTest normpath_tests[] = {T(test_normpath)};
static const struct CMUnitTest namespaces_tests[] = {T(test_ns_missing), T(test_ns_paths),
						     T(test_ns_settings), T(test_ns_errors)};
static const struct CMUnitTest mounts_tests[] = {T(test_mounts_sensitive), T(test_mounts_harden),
						 T(test_mounts_lists), T(test_mounts_errors)};
static const struct CMUnitTest isolation_tests[] = {T(test_profiles), T(test_privileged_shape),
						    T(test_rule_order)};

int main(void)
{
	int failed = 0;

	if (setup_fixture() < 0) {
		teardown_fixture();
		return 1;
	}
	failed += cmocka_run_group_tests_name("normpath", normpath_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/namespaces", namespaces_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/mounts", mounts_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/isolation", isolation_tests, NULL, NULL);
	teardown_fixture();
	return failed ? 1 : 0;
}
