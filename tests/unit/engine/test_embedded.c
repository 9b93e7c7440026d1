/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The embedded profiles as packed at build time (tools/gen_packed.c) are the
 * trees their text parses to, and the packed form survives a round trip;
 * damaged packed bytes are refused, not trusted. The other build-time
 * tables (policy digests, seccompDeny's cap-only set) give what the run-time
 * computation gives.
 */
#include "runguard/capnames.h"
#include "runguard/embedded.h"
#include "runguard/policy.h"
#include "../../../src/rules/seccomp_deny_caps.h"
#include "rules_harness.h"

static void test_packed_equals_text(void **state)
{
	static const char *const names[] = {"baseline", "restricted", "privileged", "seccomp"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		size_t len = 0;
		const char *text = rg_streq(names[i], "seccomp")
				       ? rg_embedded_seccomp(&len)
				       : rg_embedded_profile(names[i], &len);
		assert_non_null(text);
		struct rg_json *parsed =
		    track_json(rg_json_parse(text, len, names[i], NULL, &error));
		assert_non_null(parsed);
		struct rg_json *unpacked = track_json(rg_embedded_tree(names[i]));
		assert_non_null(unpacked);
		assert_true(rg_json_equal(parsed, unpacked));
		assert_string_equal(emit(parsed), emit(unpacked));
	}
	assert_null(rg_embedded_tree("nonesuch"));
	size_t len = 0;
	assert_null(rg_embedded_profile("seccomp", &len));
}

static void test_pack_round_trip_and_damage(void **state)
{
	struct rg_json *j =
	    parse("{\"a\":[1e3,-0,\"\\u0000x\",true,false,null,{}],\"\":{\"k\":[]}}");
	size_t len = 0;
	char *packed = track(rg_json_pack(j, &len));
	struct rg_json *back = track_json(rg_json_unpack(packed, len));
	assert_non_null(back);
	assert_true(rg_json_equal(j, back));
	assert_string_equal(emit(j), emit(back));
	/* Every truncation, a trailing byte and an unknown type byte are refused. */
	for (size_t n = 0; n < len; n++)
		assert_null(rg_json_unpack(packed, n));
	char *longer = track(rg_xmalloc(len + 1));
	memcpy(longer, packed, len);
	longer[len] = 0;
	assert_null(rg_json_unpack(longer, len + 1));
	longer[0] = 42;
	assert_null(rg_json_unpack(longer, len));
}

static void test_cap_names_from_build(void **state)
{
	/* The build-time table (tools/gen_cap_names.c) spells names as runc does. */
	assert_true(rg_capnames_count() >= 41);
	assert_string_equal(rg_capnames_name(0), "CAP_CHOWN");
	assert_string_equal(rg_capnames_name(21), "CAP_SYS_ADMIN");
	assert_string_equal(rg_capnames_name(40), "CAP_CHECKPOINT_RESTORE");
	assert_int_equal(rg_capnames_lookup("CAP_SYS_ADMIN"), 21);
	assert_int_equal(rg_capnames_lookup("cap_sys_admin"), -1);
	assert_null(rg_capnames_name(rg_capnames_count()));
	assert_null(rg_capnames_name(-1));
}

/* The digest of a profile without overrides, looked up (built at build time) and computed. */
static void test_built_digests_match(void **state)
{
	static const char *const profiles[] = {"baseline", "restricted", "privileged"};
	static const char *const modes[] = {"enforce", "audit", "warn"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(profiles); i++) {
		for (size_t m = 0; m < RG_ARRAY_SIZE(modes); m++) {
			char *plain = track(rg_xasprintf("{\"profile\": \"%s\", \"mode\": \"%s\"}",
							 profiles[i], modes[m]));
			/* Empty overrides change no rule but take the run-time path. */
			char *empty = track(
			    rg_xasprintf("{\"profile\": \"%s\", \"mode\": \"%s\", \"rules\": {}}",
					 profiles[i], modes[m]));
			char digest[2][72];
			const char *texts[2] = {plain, empty};
			for (size_t k = 0; k < 2; k++) {
				struct rg_config c;
				struct rg_policy p;
				assert_int_equal(rg_config_parse_buffer("t.json", texts[k],
									strlen(texts[k]), &c,
									&error),
						 0);
				assert_int_equal(rg_policy_select(&c, NULL, &p, &error), 0);
				memcpy(digest[k], p.digest, sizeof(digest[k]));
				rg_policy_free(&p);
				rg_config_free(&c);
			}
			assert_string_equal(digest[0], digest[1]);
		}
	}
}

/* seccompDeny's cap-only set as first written: from the unpacked profile, entry by entry. */
static bool has_str(const struct rg_json *arr, const char *s)
{
	for (size_t i = 0; s && rg_json_is(arr, RG_JSON_ARRAY) && i < arr->n; i++)
		if (rg_streq(rg_json_str(arr->u.items[i]), s))
			return true;
	return false;
}

static bool is_unqualified(const struct rg_json *e, const struct rg_json *bounding)
{
	const struct rg_json *caps = rg_json_get(rg_json_get(e, "includes"), "caps");
	for (size_t i = 0; rg_json_is(caps, RG_JSON_ARRAY) && i < caps->n; i++)
		if (!has_str(bounding, rg_json_str(caps->u.items[i])))
			return true;
	return false;
}

static struct rg_json *cap_only_from_profile(const struct rg_json *bounding)
{
	struct rg_json *prof = track_json(rg_embedded_tree("seccomp"));
	const struct rg_json *calls = rg_json_get(prof, "syscalls");
	struct rg_json *out = track_json(rg_json_new(RG_JSON_ARRAY));
	for (size_t i = 0; i < calls->n; i++) {
		const struct rg_json *e = calls->u.items[i];
		const struct rg_json *names = rg_json_get(e, "names");
		if (!rg_streq(rg_json_str(rg_json_get(e, "action")), "SCMP_ACT_ALLOW") ||
		    !is_unqualified(e, bounding))
			continue;
		for (size_t k = 0; k < names->n; k++) {
			const char *n = rg_json_str(names->u.items[k]);
			bool is_allowed = false;
			for (size_t x = 0; x < calls->n && !is_allowed; x++) {
				const struct rg_json *o = calls->u.items[x];
				is_allowed = rg_streq(rg_json_str(rg_json_get(o, "action")),
						      "SCMP_ACT_ALLOW") &&
					     !is_unqualified(o, bounding) &&
					     has_str(rg_json_get(o, "names"), n);
			}
			if (!is_allowed && !rg_streq(n, "clone") && !rg_streq(n, "clone3") &&
			    !has_str(out, n))
				rg_json_append(out, rg_json_new_string(n));
		}
	}
	static const char *const extra[] = {"swapon", "swapoff", "nfsservctl"};
	for (size_t i = 0; !has_str(bounding, "CAP_SYS_ADMIN") && i < RG_ARRAY_SIZE(extra); i++)
		if (!has_str(out, extra[i]))
			rg_json_append(out, rg_json_new_string(extra[i]));
	return out;
}

static void test_cap_only_tables(void **state)
{
	static const char *const boundings[] = {
	    "[]",
	    "[\"CAP_KILL\", \"CAP_CHOWN\"]",
	    "[\"CAP_SYS_ADMIN\"]",
	    "[\"CAP_SYS_PTRACE\", \"CAP_SYS_TIME\", \"CAP_SYS_NICE\"]",
	    "[\"CAP_SYS_ADMIN\", \"CAP_SYS_PTRACE\", \"CAP_SYS_MODULE\", \"CAP_SYS_BOOT\", "
	    "\"CAP_SYS_CHROOT\", \"CAP_SYS_PACCT\", \"CAP_SYS_RAWIO\", \"CAP_SYS_TIME\", "
	    "\"CAP_SYS_TTY_CONFIG\", \"CAP_SYS_NICE\", \"CAP_SYSLOG\", \"CAP_DAC_READ_SEARCH\"]",
	    "\"not an array\"",
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(boundings); i++) {
		const struct rg_json *bounding = parse(boundings[i]);
		struct rg_json *got = track_json(rg_json_new(RG_JSON_ARRAY));
		assert_int_equal(rg_seccomp_cap_only_names(bounding, got, &error), 0);
		assert_string_equal(emit(got), emit(cap_only_from_profile(bounding)));
	}
	/* Something is left out for a container without CAP_SYS_ADMIN: mount, at least. */
	struct rg_json *none = track_json(rg_json_new(RG_JSON_ARRAY));
	assert_int_equal(rg_seccomp_cap_only_names(NULL, none, &error), 0);
	assert_true(has_str(none, "mount"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_packed_equals_text),	  T(test_pack_round_trip_and_damage),
	    T(test_cap_names_from_build), T(test_built_digests_match),
	    T(test_cap_only_tables),
	};
	return cmocka_run_group_tests_name("embedded profiles and tables", tests, NULL, NULL);
}
