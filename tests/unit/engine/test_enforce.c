/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the runner (rg_enforce): all rules in table order,
 * idempotence, unknown fields kept, the actions reject and off.
 * The fixture (default policy, injected hosts): tests/unit/rules_fixture.h.
 */
#include <ctype.h>
#include <string.h>

#include "rules_fixture.h"

/* ================= whole enforcement, idempotence ================= */

static const char *const idem_inputs[] = {
    "{}",
    "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"noNewPrivileges\":false}}",
    "{\"process\":{\"capabilities\":{\"bounding\":" ALL_CAPS ",\"effective\":" ALL_CAPS
    ",\"inheritable\":" ALL_CAPS ",\"permitted\":" ALL_CAPS ",\"ambient\":" ALL_CAPS "}}}",
    "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"},"
    "\"resources\":{\"pids\":{\"limit\":-1}}},\"annotations\":{\"a\":\"b\"}}",
    "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
    "[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\"}]},\"resources\":{\"pids\":{\"limit\":10}}}}",
    "{\"annotations\":{\"run.runguard.policy\":\"forged\"},\"x\":[1e3,-0,"
    "18446744073709551616]}",
};

static void check_idempotent(const char *text, const char *what)
{
	static const struct rg_host *const hosts[] = {&host_amd64, &host_arm64, &host_unknown};

	for (size_t h = 0; h < RG_ARRAY_SIZE(hosts); h++) {
		struct rg_json *spec = parse(text);
		expect_ok(run(NULL, spec, hosts[h]));
		assert_true(report.n_changes > 0 || rg_json_equal(spec, parse(text)));
		struct rg_json *once = track_json(rg_json_clone(spec));
		expect_ok(run(NULL, spec, hosts[h]));
		if (report.n_changes != 0)
			fail_msg("%s (host %zu): second enforcement changed %s (%s -> %s)", what, h,
				 report.changes[0].path,
				 report.changes[0].before ? report.changes[0].before : "(absent)",
				 report.changes[0].after ? report.changes[0].after : "(absent)");
		if (!rg_json_equal(spec, once))
			fail_msg("%s (host %zu): second enforcement changed the tree", what, h);
		/* And the enforced tree survives emit/parse unchanged. */
		char *out = track(rg_json_emit(spec, true, NULL));
		assert_true(rg_json_equal(parse(out), spec));
	}
}

static void test_idempotence_inline(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(idem_inputs); i++)
		check_idempotent(idem_inputs[i], idem_inputs[i]);
}

/* Each tests/golden/enforce-<name>/in.json, including runc spec's default config. */
static void test_idempotence_golden_inputs(void **state)
{
	DIR *d = opendir(GOLDEN_DIR);
	size_t n = 0;

	assert_non_null(d);
	for (struct dirent *de; (de = readdir(d));) {
		if (!rg_startswith(de->d_name, "enforce-"))
			continue;
		char *path = track(rg_xasprintf(GOLDEN_DIR "/%s/in.json", de->d_name));
		char *text = read_text(path, NULL);
		if (!text)
			continue;
		/* As loaded: keys in runc's spelling; an ambiguous input is a refusal case. */
		struct rg_json *spec = parse(text);
		if (rg_spec_canon_keys(spec, FILE_NAME, NULL, &error) < 0) {
			rg_error_free(error);
			error = NULL;
			continue;
		}
		check_idempotent(track(rg_json_emit(spec, false, NULL)), path);
		n++;
	}
	closedir(d);
	assert_true(n >= 1);
	/* runc spec's default config must be among them. */
	assert_non_null(read_text(GOLDEN_DIR "/enforce-runc-spec/in.json", NULL));
}

static void test_enforce_top_level(void **state)
{
	static const char *const not_objects[] = {"[]", "null", "\"x\"", "1"};

	for (size_t i = 0; i < RG_ARRAY_SIZE(not_objects); i++) {
		struct rg_json *spec = parse(not_objects[i]);
		expect_error(run(NULL, spec, &host_amd64), FILE_NAME, ".", "expected an object");
	}
}

/* Unknown fields anywhere survive enforcement untouched and in place. */
static void test_enforce_keeps_unknown_fields(void **state)
{
	struct rg_json *spec =
	    parse("{\"x-first\":{\"n\":18446744073709551616},\"process\":{\"x-p\":1e3,"
		  "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"],\"x-c\":-0}},"
		  "\"linux\":{\"x-l\":[1.50],\"resources\":{\"x-r\":true,\"pids\":{\"x-q\":null}}},"
		  "\"annotations\":{\"k\":\"v\"},\"x-last\":\"\\u2603\"}");

	expect_ok(run(NULL, spec, &host_amd64));
	assert_json(at(spec, ".x-first"), "{\"n\":18446744073709551616}");
	assert_json(at(spec, ".process.x-p"), "1e3");
	assert_json(at(spec, ".process.capabilities"), "{\"bounding\":[],\"x-c\":-0}");
	assert_json(at(spec, ".linux.x-l"), "[1.50]");
	assert_json(at(spec, ".linux.resources.x-r"), "true");
	assert_json(at(spec, ".linux.resources.pids"), "{\"x-q\":null,\"limit\":2048}");
	assert_json(at(spec, ".x-last"), "\"\\u2603\"");
	assert_int_equal(key_index(spec, "x-first"), 0);
	assert_int_equal(key_index(spec, "x-last"), spec->n - 1);
	/* every rule left its mark */
	assert_non_null(find_change(".process.capabilities.bounding"));
	assert_non_null(find_change(".linux.seccomp"));
	assert_non_null(find_change(".process.noNewPrivileges"));
	assert_non_null(find_change(".linux.resources.pids.limit"));
	assert_non_null(find_change(".linux.maskedPaths"));
	assert_non_null(find_change(".linux.readonlyPaths"));
	assert_non_null(find_change(STAMP_PATH));
	/* and the summary of what the other rules changed */
	assert_non_null(find_change(CHANGES_PATH));
	assert_int_equal(report.n_changes, 8);
	assert_int_equal(report.n_violations, 0);
	assert_json(rg_json_get(at(spec, ".annotations"), "run.runguard.changes"),
		    "\"capabilities:1,seccomp:1,noNewPrivileges:1,resources:1,paths:2\"");
}

/* ================= rule actions: reject and off ================= */

static void test_action_reject(void **state)
{
	static const char cfg[] = "{\"rules\":{\"capabilities\":{\"action\":\"reject\"},"
				  "\"noNewPrivileges\":{\"action\":\"reject\"},"
				  "\"namespaces\":{\"action\":\"off\"}}}";
	char *path = tmp_path("reject.json");
	write_file(path, cfg, strlen(cfg));
	const struct rg_policy *p = load_policy(path);
	const char *text = "{\"process\":{\"noNewPrivileges\":false,\"capabilities\":"
			   "{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}}}";
	struct rg_json *spec = parse(text);

	int r = run_policy(p, NULL, spec, &host_amd64);
	assert_int_equal(r, -EPERM);
	assert_non_null(error);
	assert_non_null(strstr(error->msg, ".process.capabilities.bounding"));
	assert_non_null(strstr(error->msg, "CAP_SYS_ADMIN"));
	assert_non_null(strstr(error->msg, ".process.noNewPrivileges"));
	assert_int_equal(report.n_violations, 2);
	/* What was refused was not rewritten. */
	assert_json(at(spec, ".process"), "{\"noNewPrivileges\":false,\"capabilities\":"
					  "{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}}");

	/* A compliant spec passes a rejecting policy untouched by those rules. */
	spec = parse("{\"process\":{\"noNewPrivileges\":true,\"capabilities\":"
		     "{\"bounding\":[\"CAP_CHOWN\"]}}}");
	expect_ok(run_policy(p, NULL, spec, &host_amd64));
	assert_int_equal(report.n_violations, 0);
	assert_null(find_change(".process.noNewPrivileges"));
}

static void test_action_off(void **state)
{
	static const char cfg[] = "{\"rules\":{\"resources\":{\"action\":\"off\"},"
				  "\"seccomp\":{\"action\":\"off\"},"
				  "\"namespaces\":{\"action\":\"off\"},"
				  "\"paths\":{\"action\":\"off\"}}}";
	char *path = tmp_path("off.json");
	write_file(path, cfg, strlen(cfg));
	const struct rg_policy *p = load_policy(path);
	struct rg_json *spec = parse("{\"linux\":{}}");

	expect_ok(run_policy(p, NULL, spec, &host_amd64));
	assert_json(at(spec, ".linux"), "{}");
	assert_json(at(spec, ".process"), "{\"noNewPrivileges\":true}");
}

static int groups(void)
{
	const struct CMUnitTest enforce[] = {
	    T(test_idempotence_inline),
	    T(test_idempotence_golden_inputs),
	    T(test_enforce_top_level),
	    T(test_enforce_keeps_unknown_fields),
	};
	const struct CMUnitTest actions[] = {
	    T(test_action_reject),
	    T(test_action_off),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/enforce", enforce, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules/actions", actions, NULL, NULL);
	return failed;
}

int main(void)
{
	return fixture_main(groups);
}
