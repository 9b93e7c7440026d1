/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the spec loader's key checks: duplicate keys and case
 * variants refused (rg_spec_check_keys), lone variants renamed (rg_spec_canon_keys).
 * The fixture (default policy, injected hosts): tests/unit/rules_fixture.h.
 */
#include <ctype.h>
#include <string.h>

#include "rules_fixture.h"

/* ================= rg_spec_check_keys ================= */

static void test_check_keys_refused(void **state)
{
	static const struct {
		const char *spec, *path;
	} cases[] = {
	    {"{\"Process\":{}}", ".Process"},
	    {"{\"PROCESS\":{}}", ".PROCESS"},
	    {"{\"process\":{},\"Process\":{}}", ".Process"},
	    {"{\"ociversion\":\"1.0.2\"}", ".ociversion"},
	    {"{\"proce\\u017fs\":{}}", ".proce\xc5\xbfs"}, /* U+017F long s */
	    {"{\"ho\\u017ftname\":\"x\"}", ".ho\xc5\xbftname"},
	    {"{\"hoo\\u212as\":{}}", ".hoo\xe2\x84\xaas"}, /* U+212A Kelvin sign */
	    {"{\"linux\":{\"mas\\u212aedPaths\":[]}}", ".linux.mas\xe2\x84\xaa"
						       "edPaths"},
	    {"{\"process\":{\"capabilities\":{\"Bounding\":[]}}}",
	     ".process.capabilities.Bounding"},
	    {"{\"process\":{\"NoNewPrivileges\":true}}", ".process.NoNewPrivileges"},
	    {"{\"process\":{\"noNewPrivileges\":false,\"nonewprivileges\":true}}",
	     ".process.nonewprivileges"},
	    {"{\"mounts\":[{\"destination\":\"/a\"},{\"Destination\":\"/x\"}]}",
	     ".mounts[1].Destination"},
	    {"{\"linux\":{\"Seccomp\":null}}", ".linux.Seccomp"},
	    {"{\"linux\":{\"seccomp\":{\"syscalls\":[{\"Names\":[\"x\"]}]}}}",
	     ".linux.seccomp.syscalls[0].Names"},
	    {"{\"linux\":{\"resources\":{\"pids\":{\"LIMIT\":1}}}}", ".linux.resources.pids.LIMIT"},
	    {"{\"Annotations\":{}}", ".Annotations"},
	    {"{\"linux\":{\"Sysctl\":{}}}", ".linux.Sysctl"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		rg_error_free(error);
		error = NULL;
		int r = rg_spec_check_keys(spec, FILE_NAME, &error);
		expect_error(r, FILE_NAME, cases[i].path, "only by case");
	}
}

static void test_check_keys_allowed(void **state)
{
	static const char *const ok[] = {
	    "{}",
	    "{\"ociVersion\":\"1.0.2\",\"process\":{\"noNewPrivileges\":true,\"capabilities\":"
	    "{\"bounding\":[],\"effective\":[]}},\"linux\":{\"seccomp\":{\"defaultAction\":"
	    "\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
	    "\"SCMP_ACT_ALLOW\"}]},\"resources\":{\"pids\":{\"limit\":1}}}}",
	    "{\"org.example.foo\":1,\"x\":2,\"processes\":{},\"proc\":[]}",
	    /* Not folded by Go: Cyrillic es and Latin small letter dotless i. */
	    "{\"pro\xd1\x81\x65ss\":{},\"l\xc4\xb1nux\":{}}",
	    /* Free-form maps: keys are data, not fields. */
	    "{\"annotations\":{\"Process\":\"x\",\"NoNewPrivileges\":\"y\",\"LINUX\":\"z\","
	    "\"proce\\u017fs\":\"w\"}}",
	    "{\"linux\":{\"sysctl\":{\"Kernel\":\"1\",\"NET.core.somaxconn\":\"1024\"}}}",
	    "{\"linux\":{\"resources\":{\"unified\":{\"Memory\":\"1\",\"PIDS\":\"x\"}}}}",
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(ok); i++) {
		struct rg_json *spec = parse(ok[i]);
		rg_error_free(error);
		error = NULL;
		int r = rg_spec_check_keys(spec, FILE_NAME, &error);
		if (r < 0)
			fail_msg("refused %s: %s", ok[i], error ? error->msg : "?");
	}

	/* Every golden input uses exact names (runc spec's default config among them). */
	static const char *const golden[] = {"runc-spec", "privileged", "podman-like", "minimal"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(golden); i++) {
		char *path = track(rg_xasprintf(GOLDEN_DIR "/enforce-%s/in.json", golden[i]));
		char *text = read_text(path, NULL);
		assert_non_null(text);
		struct rg_json *spec = parse(text);
		int r = rg_spec_check_keys(spec, FILE_NAME, &error);
		if (r < 0)
			fail_msg("refused %s: %s", path, error ? error->msg : "?");
	}
}

/* ================= rg_spec_canon_keys ================= */

static void expect_canon(const char *in, const char *want, size_t n_changes, const char *first_path)
{
	struct rg_json *spec = parse(in);
	struct rg_report r = {0};

	int rc = rg_spec_canon_keys(spec, FILE_NAME, &r, &error);
	if (rc < 0)
		fail_msg("refused %s: %s", in, error ? error->msg : "?");
	if (!rg_json_equal(spec, parse(want)))
		fail_msg("%s: got %s, want %s", in, track(rg_json_emit(spec, false, NULL)), want);
	assert_int_equal(r.n_changes, n_changes);
	if (first_path) {
		assert_string_equal(r.changes[0].rule, "keys");
		assert_string_equal(r.changes[0].path, first_path);
	}
	rg_report_free(&r);
	/* Idempotent, and the strict check now accepts the tree. */
	expect_ok(rg_spec_canon_keys(spec, FILE_NAME, &r, &error));
	assert_int_equal(r.n_changes, 0);
	expect_ok(rg_spec_check_keys(spec, FILE_NAME, &error));
}

static void test_canon_keys_renames(void **state)
{
	expect_canon("{\"Process\":{\"Capabilities\":{\"Bounding\":[\"CAP_SYS_ADMIN\"]}}}",
		     "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}}}", 3,
		     ".Process");
	expect_canon("{\"linux\":{\"resources\":{\"CPU\":{\"cpus\":\"0\"}}}}",
		     "{\"linux\":{\"resources\":{\"cpu\":{\"cpus\":\"0\"}}}}", 1,
		     ".linux.resources.CPU");
	expect_canon("{\"LINUX\":{\"Resources\":{\"Pids\":{\"LIMIT\":0}}}}",
		     "{\"linux\":{\"resources\":{\"pids\":{\"limit\":0}}}}", 4, ".LINUX");
	/* Go's extra folds: U+017F long s to 's', U+212A Kelvin sign to 'k'. */
	expect_canon("{\"proce\\u017fs\":{\"args\":[]},\"hoo\\u212as\":{}}",
		     "{\"process\":{\"args\":[]},\"hooks\":{}}", 2, ".proce\xc5\xbfs");
	expect_canon("{\"linux\":{\"mas\\u212aedPaths\":[]}}", "{\"linux\":{\"maskedPaths\":[]}}",
		     1,
		     ".linux.mas\xe2\x84\xaa"
		     "edPaths");
	expect_canon("{\"mounts\":[{\"destination\":\"/a\"},{\"Destination\":\"/x\"}]}",
		     "{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/x\"}]}", 1,
		     ".mounts[1].Destination");
	/* A renamed map keeps its keys: they are data, not fields. */
	expect_canon(
	    "{\"Annotations\":{\"Process\":\"x\"},\"linux\":{\"Sysctl\":{\"Kernel\":\"1\"}}}",
	    "{\"annotations\":{\"Process\":\"x\"},\"linux\":{\"sysctl\":{\"Kernel\":\"1\"}}}", 2,
	    ".Annotations");
	/* Key order and values are kept. */
	expect_canon("{\"a\":1,\"Hostname\":\"h\",\"b\":2}", "{\"a\":1,\"hostname\":\"h\",\"b\":2}",
		     1, ".Hostname");
	/* Not folded by Go (Cyrillic es, dotless i), and unknown keys: left alone. */
	expect_canon("{\"pro\xd1\x81\x65ss\":{},\"l\xc4\xb1nux\":{},\"x\":{\"Y\":1}}",
		     "{\"pro\xd1\x81\x65ss\":{},\"l\xc4\xb1nux\":{},\"x\":{\"Y\":1}}", 0, NULL);
}

static void test_canon_keys_ambiguous(void **state)
{
	static const struct {
		const char *spec, *path;
	} cases[] = {
	    {"{\"linux\":{\"resources\":{\"cpu\":{},\"CPU\":{}}}}", ".linux.resources.CPU"},
	    {"{\"linux\":{\"resources\":{\"CPU\":{},\"cpu\":{}}}}", ".linux.resources.cpu"},
	    {"{\"Process\":{},\"PROCESS\":{}}", ".PROCESS"},
	    {"{\"process\":{},\"proce\\u017fs\":{}}", ".proce\xc5\xbfs"},
	    {"{\"mounts\":[{\"Type\":\"bind\",\"type\":\"tmpfs\"}]}", ".mounts[0].type"},
	    {"{\"Linux\":{\"Resources\":{\"pids\":{\"limit\":1,\"LIMIT\":0}}}}",
	     ".linux.resources.pids.LIMIT"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		struct rg_report r = {0};
		rg_error_free(error);
		error = NULL;
		expect_error(rg_spec_canon_keys(spec, FILE_NAME, &r, &error), FILE_NAME,
			     cases[i].path, "runc would apply only the last");
		rg_report_free(&r);
	}
}

static void test_check_keys_top_level(void **state)
{
	static const char *const not_objects[] = {"[]", "[{\"Process\":1}]", "null", "\"x\"", "1"};

	for (size_t i = 0; i < RG_ARRAY_SIZE(not_objects); i++) {
		struct rg_json *spec = parse(not_objects[i]);
		rg_error_free(error);
		error = NULL;
		expect_error(rg_spec_check_keys(spec, FILE_NAME, &error), FILE_NAME, ".",
			     "expected an object");
	}
}

static int groups(void)
{
	const struct CMUnitTest check_keys[] = {
	    T(test_check_keys_refused), T(test_check_keys_allowed),   T(test_check_keys_top_level),
	    T(test_canon_keys_renames), T(test_canon_keys_ambiguous),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("spec/check_keys", check_keys, NULL, NULL);
	return failed;
}

int main(void)
{
	return fixture_main(groups);
}
