/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the policy: the default, its digest and what it follows,
 * load errors.
 * The fixture (default policy, injected hosts): tests/unit/rules_fixture.h.
 */
#include <ctype.h>
#include <string.h>

#include "runguard/embedded.h"

#include "rules_fixture.h"

/* ================= policy and its digest ================= */

static void assert_digest_format(const char *d)
{
	assert_true(rg_startswith(d, "sha256:"));
	assert_int_equal(strlen(d), 7 + 64);
	for (size_t i = 7; i < 71; i++)
		assert_true(isdigit((unsigned char)d[i]) || (d[i] >= 'a' && d[i] <= 'f'));
}

static void test_policy_default(void **state)
{
	assert_string_equal(policy.name, "baseline");
	assert_true(policy.is_config_loaded);
	assert_string_equal(policy.seccomp_profile_origin, "embedded");
	assert_digest_format(policy.digest);
	assert_json(at(policy.rules, ".resources.pids.default"), "2048");
	for (size_t i = 0; i < 5; i++) {
		static const char *const fixing[] = {"capabilities", "seccomp", "noNewPrivileges",
						     "resources", "annotate"};
		assert_int_equal(rg_policy_action(&policy, fixing[i]), RG_ACTION_FIX);
	}
	/* The embedded profile is profiles/seccomp-default.json, byte for byte. */
	size_t len = 0, file_len = 0;
	const char *emb = rg_embedded_seccomp(&len);
	char *file = read_text(PROFILE_REL, &file_len);
	assert_non_null(file);
	assert_int_equal(len, file_len);
	assert_memory_equal(emb, file, len);
}

static void test_policy_digest_stable(void **state)
{
	const struct rg_policy *a = load_policy(empty_config);
	const struct rg_policy *b = load_policy(empty_config);

	assert_digest_format(a->digest);
	assert_string_equal(a->digest, b->digest);
	assert_string_equal(a->digest, policy.digest);

	/* The same configuration named by $RUNGUARD_CONFIG. */
	char *saved =
	    getenv("RUNGUARD_CONFIG") ? track(rg_xstrdup(getenv("RUNGUARD_CONFIG"))) : NULL;
	setenv("RUNGUARD_CONFIG", empty_config, 1);
	struct rg_policy env = {0};
	int r = rg_policy_load(NULL, &env, &error);
	bool is_same = r == 0 && rg_streq(env.digest, policy.digest) && env.is_config_loaded;
	if (r == 0)
		rg_policy_free(&env);
	if (saved)
		setenv("RUNGUARD_CONFIG", saved, 1);
	else
		unsetenv("RUNGUARD_CONFIG");
	expect_ok(r);
	assert_true(is_same);

	/* An absent default configuration means the same embedded policy. */
	if (access(RG_CONFIG_DEFAULT_PATH, F_OK) == 0)
		return;
	unsetenv("RUNGUARD_CONFIG");
	r = rg_policy_load(NULL, &env, &error);
	if (saved)
		setenv("RUNGUARD_CONFIG", saved, 1);
	expect_ok(r);
	is_same = rg_streq(env.digest, policy.digest) && !env.is_config_loaded;
	rg_policy_free(&env);
	assert_true(is_same);
}

/* The embedded profile with one syscall removed from its first entry; tracked. */
static char *profile_without(const char *syscall, size_t *ret_len)
{
	size_t len = 0;
	const char *emb = rg_embedded_seccomp(&len);
	struct rg_json *prof = track_json(rg_json_parse(emb, len, "embedded", NULL, &error));
	assert_non_null(prof);
	struct rg_json *names = at(prof, ".syscalls[0].names");
	assert_non_null(names);
	size_t before = names->n;
	for (size_t i = 0; i < names->n; i++)
		if (rg_streq(rg_json_str(names->u.items[i]), syscall))
			rg_json_array_remove(names, i);
	assert_int_equal(names->n, before - 1);
	return track(rg_json_emit(prof, true, ret_len));
}

static void test_policy_digest_follows_profile(void **state)
{
	size_t len = 0, fewer_len = 0;
	const char *emb = rg_embedded_seccomp(&len);
	char *fewer = profile_without("chdir", &fewer_len);

	/* A configuration naming a copy of the profile: stable across loads. */
	const struct rg_policy *copy = load_policy_with_profile("copy", emb, len);
	assert_digest_format(copy->digest);
	char *cfg_path = tmp_path("copy.config.json");
	assert_string_equal(load_policy(cfg_path)->digest, copy->digest);

	/* Same configuration, the profile file changed under it: another digest. */
	write_file(tmp_path("copy.profile.json"), fewer, fewer_len);
	const struct rg_policy *changed = load_policy(cfg_path);
	assert_digest_format(changed->digest);
	assert_string_not_equal(changed->digest, copy->digest);
	assert_string_not_equal(changed->digest, policy.digest);

	/* Enforcing with it stamps that digest, and the syscall is gone. */
	struct rg_json *spec = parse("{}");
	expect_ok(run_policy(changed, NULL, spec, &host_amd64));
	assert_false(has_syscall(spec, "chdir"));
	assert_true(has_syscall(spec, "fchdir"));
	char *stamp = track(rg_xasprintf("%s@%s", changed->name, changed->digest));
	assert_string_equal(
	    rg_json_str(rg_json_get(at(spec, ".annotations"), "run.runguard.policy")), stamp);
	/* ... and the change names where the profile came from. */
	const struct rg_change *ch = find_change(".linux.seccomp");
	assert_non_null(ch);
	char *origin = track(rg_xasprintf("\"%s\"", tmp_path("copy.profile.json")));
	assert_string_equal(ch->after, origin);
}

/* Any change to the configuration's rules changes the digest. */
static void test_policy_digest_follows_rules(void **state)
{
	static const char *const configs[] = {
	    "{\"rules\":{\"resources\":{\"pids\":{\"default\":4096}}}}",
	    "{\"rules\":{\"capabilities\":{\"allow\":[\"CAP_CHOWN\"]}}}",
	    "{\"rules\":{\"noNewPrivileges\":{\"action\":\"reject\"}}}",
	    "{\"profile\":\"restricted\"}",
	};
	const char *seen[RG_ARRAY_SIZE(configs) + 1] = {policy.digest};

	for (size_t i = 0; i < RG_ARRAY_SIZE(configs); i++) {
		char *path = tmp_path(track(rg_xasprintf("rules-%zu.json", i)));
		write_file(path, configs[i], strlen(configs[i]));
		const struct rg_policy *p = load_policy(path);
		assert_digest_format(p->digest);
		for (size_t k = 0; k <= i; k++)
			if (rg_streq(seen[k], p->digest))
				fail_msg("%s: same digest as config %zu", configs[i], k);
		seen[i + 1] = p->digest;
	}
}

static void test_policy_load_errors(void **state)
{
	struct rg_policy p = {0};
	char *missing = tmp_path("does-not-exist.json");
	char *bad_key = tmp_path("bad-key.json");
	char *bad_profile = tmp_path("bad-profile.json");
	static const char typo[] = "{\"rule\":{}}";

	/* A configuration named explicitly must exist. */
	assert_true(rg_policy_load(missing, &p, &error) < 0);
	assert_non_null(error);
	assert_non_null(strstr(error->msg, missing));
	rg_error_free(error);
	error = NULL;

	/* A typo never silently weakens the policy. */
	write_file(bad_key, typo, strlen(typo));
	assert_true(rg_policy_load(bad_key, &p, &error) < 0);
	assert_non_null(error);
	assert_non_null(strstr(error->msg, ".rule"));
	rg_error_free(error);
	error = NULL;

	/* A seccomp profile that is not there is an error, not "no seccomp". */
	char *cfg = track(rg_xasprintf("{\"rules\":{\"seccomp\":{\"profile\":\"%s\"}}}", missing));
	write_file(bad_profile, cfg, strlen(cfg));
	assert_true(rg_policy_load(bad_profile, &p, &error) < 0);
	assert_non_null(error);
	assert_non_null(strstr(error->msg, missing));
}

static int groups(void)
{
	const struct CMUnitTest policy_tests[] = {
	    T(test_policy_default),
	    T(test_policy_digest_stable),
	    T(test_policy_digest_follows_profile),
	    T(test_policy_digest_follows_rules),
	    T(test_policy_load_errors),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("policy", policy_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return fixture_main(groups);
}
