/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The embedded profiles as packed at build time (tools/gen_packed.c) are the
 * trees their text parses to, and the packed form survives a round trip;
 * damaged packed bytes are refused, not trusted.
 */
#include "runguard/capnames.h"
#include "runguard/embedded.h"
#include "runguard/policy.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_packed_equals_text),
	    T(test_pack_round_trip_and_damage),
	    T(test_cap_names_from_build),
	};
	return cmocka_run_group_tests_name("embedded profiles and tables", tests, NULL, NULL);
}
