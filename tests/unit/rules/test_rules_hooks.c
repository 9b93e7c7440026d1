/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the hooks rule, Docker's libnetwork-setkey hook included.
 * The harness, policies and fake host are in isolation_harness.h.
 */
#include "isolation_harness.h"

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

static int groups(void)
{
	const struct CMUnitTest hooks_tests[] = {
	    T(test_hooks),
	    T(test_hooks_docker_setkey),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/hooks", hooks_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return harness_main(groups);
}
