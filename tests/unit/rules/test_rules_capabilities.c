/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the capabilities rule: the ceiling on each of the five sets,
 * never adding, names in runc's exact spelling, wrong types.
 * The fixture (default policy, injected hosts): tests/unit/rules_fixture.h.
 */
#include <ctype.h>
#include <string.h>

#include "runguard/capnames.h"

#include "rules_fixture.h"

/* ================= capabilities ================= */

static const char *const cap_sets[] = {"bounding", "effective", "inheritable", "permitted",
				       "ambient"};

/* The ceiling, in capability-number order (as the intersection keeps it from ALL_CAPS). */
#define CEILING_BY_NUMBER                                                                          \
	"[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FOWNER\",\"CAP_FSETID\",\"CAP_KILL\","          \
	"\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETPCAP\",\"CAP_NET_BIND_SERVICE\","                  \
	"\"CAP_SYS_CHROOT\",\"CAP_SETFCAP\"]"

static const struct {
	const char *in, *out;
} cap_cases[] = {
    /* Never adds: a set within the ceiling stays exactly as asked. */
    {"[\"CAP_CHOWN\"]", "[\"CAP_CHOWN\"]"},
    {"[]", "[]"},
    {"[\"CAP_SYS_ADMIN\"]", "[]"},
    /* Order of what is kept is preserved. */
    {"[\"CAP_SETUID\",\"CAP_SYS_ADMIN\",\"CAP_CHOWN\",\"CAP_NET_RAW\",\"CAP_KILL\"]",
     "[\"CAP_SETUID\",\"CAP_CHOWN\",\"CAP_KILL\"]"},
    {"[\"CAP_SYS_CHROOT\",\"CAP_SETPCAP\",\"CAP_SETFCAP\",\"CAP_DAC_OVERRIDE\"]",
     "[\"CAP_SYS_CHROOT\",\"CAP_SETPCAP\",\"CAP_SETFCAP\",\"CAP_DAC_OVERRIDE\"]"},
    /* runc spec's default set: CAP_AUDIT_WRITE is outside the ceiling. */
    {"[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]",
     "[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]"},
    /* Duplicates are runc's business; the rule only removes. */
    {"[\"CAP_CHOWN\",\"CAP_CHOWN\"]", "[\"CAP_CHOWN\",\"CAP_CHOWN\"]"},
    {ALL_CAPS, CEILING_BY_NUMBER},
};

static void test_caps_each_set(void **state)
{
	for (size_t c = 0; c < RG_ARRAY_SIZE(cap_cases); c++) {
		for (size_t s = 0; s < RG_ARRAY_SIZE(cap_sets); s++) {
			char *text =
			    track(rg_xasprintf("{\"process\":{\"capabilities\":{\"%s\":%s}}}",
					       cap_sets[s], cap_cases[c].in));
			struct rg_json *spec = parse(text);
			char *path = track(rg_xasprintf(".process.capabilities.%s", cap_sets[s]));

			expect_ok(run(&rg_rule_capabilities, spec, &host_amd64));
			assert_json(at(spec, path), cap_cases[c].out);
			/* Missing sets stay missing. */
			assert_int_equal(at(spec, ".process.capabilities")->n, 1);

			bool is_changed =
			    !rg_json_equal(parse(cap_cases[c].in), parse(cap_cases[c].out));
			assert_int_equal(report.n_changes, is_changed ? 1 : 0);
			if (is_changed) {
				const struct rg_change *ch = &report.changes[0];
				assert_string_equal(ch->rule, "capabilities");
				assert_string_equal(ch->path, path);
				char *before = track(rg_json_brief(parse(cap_cases[c].in)));
				char *after = track(rg_json_brief(parse(cap_cases[c].out)));
				assert_non_null(ch->before);
				assert_non_null(ch->after);
				assert_string_equal(ch->before, before);
				assert_string_equal(ch->after, after);
			}
		}
	}
}

static void test_caps_all_five_sets(void **state)
{
	struct rg_json *spec = parse("{\"process\":{\"capabilities\":{"
				     "\"bounding\":" ALL_CAPS ","
				     "\"effective\":[\"CAP_SYS_ADMIN\",\"CAP_KILL\"],"
				     "\"inheritable\":[\"CAP_NET_RAW\"],"
				     "\"permitted\":[\"CAP_CHOWN\",\"CAP_BPF\",\"CAP_SETUID\"],"
				     "\"ambient\":[\"CAP_SYS_CHROOT\"]},\"cwd\":\"/\"}}");

	expect_ok(run(&rg_rule_capabilities, spec, &host_amd64));
	assert_json(at(spec, ".process"), "{\"capabilities\":{\"bounding\":" CEILING_BY_NUMBER ","
					  "\"effective\":[\"CAP_KILL\"],\"inheritable\":[],"
					  "\"permitted\":[\"CAP_CHOWN\",\"CAP_SETUID\"],"
					  "\"ambient\":[\"CAP_SYS_CHROOT\"]},\"cwd\":\"/\"}");
	/* One change per modified set, in set order; ambient was not modified. */
	assert_int_equal(report.n_changes, 4);
	assert_string_equal(report.changes[0].path, ".process.capabilities.bounding");
	assert_string_equal(report.changes[1].path, ".process.capabilities.effective");
	assert_string_equal(report.changes[2].path, ".process.capabilities.inheritable");
	assert_string_equal(report.changes[3].path, ".process.capabilities.permitted");
	assert_string_equal(report.changes[1].before, "[\"CAP_SYS_ADMIN\",\"CAP_KILL\"]");
	assert_string_equal(report.changes[1].after, "[\"CAP_KILL\"]");
	assert_string_equal(report.changes[2].before, "[\"CAP_NET_RAW\"]");
	assert_string_equal(report.changes[2].after, "[]");
	/* The 41-name bounding set is too long for a brief; it is cut, not dropped. */
	assert_true(strlen(report.changes[0].before) <= 60);
	assert_true(rg_startswith(report.changes[0].before, "[\"CAP_CHOWN\","));
}

static void test_caps_absent_and_null(void **state)
{
	static const char *const unchanged[] = {
	    "{}",
	    "{\"process\":null}",
	    "{\"process\":{}}",
	    "{\"process\":{\"capabilities\":null}}",
	    "{\"process\":{\"capabilities\":{}}}",
	    "{\"process\":{\"capabilities\":{\"bounding\":null,\"effective\":[\"CAP_CHOWN\"]}}}",
	    "{\"process\":{\"capabilities\":{\"ambient\":null,\"bounding\":null,"
	    "\"effective\":null,\"inheritable\":null,\"permitted\":null}}}",
	    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\"],"
	    "\"x-unknown\":[\"CAP_SYS_ADMIN\"]}}}",
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(unchanged); i++) {
		struct rg_json *spec = parse(unchanged[i]);
		expect_ok(run(&rg_rule_capabilities, spec, &host_amd64));
		assert_string_equal(emit(spec), emit(parse(unchanged[i])));
		assert_int_equal(report.n_changes, 0);
	}
}

static const struct {
	const char *item; /* JSON text of the offending name */
	const char *shown;
} bad_names[] = {
    {"\"CAP_FOO\"", "'CAP_FOO'"},
    {"\"cap_chown\"", "'cap_chown'"},
    {"\"Cap_Chown\"", "'Cap_Chown'"},
    {"\"21\"", "'21'"},
    {"\"CAP_CHOWN \"", "'CAP_CHOWN '"},
    {"\" CAP_CHOWN\"", "' CAP_CHOWN'"},
    {"\"CAP_CHOWN\\n\"", "CAP_CHOWN"},
    {"\"CAP_CHOWN\\u0000x\"", "CAP_CHOWN"},
    {"\"CHOWN\"", "'CHOWN'"},
    {"\"SYS_ADMIN\"", "'SYS_ADMIN'"},
    {"\"CAP_\"", "'CAP_'"},
    {"\"\"", "''"},
    {"\"CAP_ALL\"", "'CAP_ALL'"},
};

static void test_caps_unknown_names(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad_names); i++) {
		for (size_t s = 0; s < RG_ARRAY_SIZE(cap_sets); s++) {
			char *text = track(rg_xasprintf(
			    "{\"process\":{\"capabilities\":{\"%s\":[\"CAP_CHOWN\",%s]}}}",
			    cap_sets[s], bad_names[i].item));
			struct rg_json *spec = parse(text);
			char *path =
			    track(rg_xasprintf(".process.capabilities.%s[1]", cap_sets[s]));

			expect_error(run(&rg_rule_capabilities, spec, &host_amd64), FILE_NAME, path,
				     bad_names[i].shown);
			assert_non_null(strstr(error->msg, "unknown capability"));
			/* Nothing was removed before the name was refused. */
			assert_string_equal(emit(spec), emit(parse(text)));
		}
	}
}

/*
 * A name with an embedded NUL is refused, but the message must not show it
 * as 'CAP_CHOWN' (a valid name): the operator could not tell what is wrong.
 */
static void test_caps_unknown_name_shown_unambiguously(void **state)
{
	static const char *const items[] = {"\"CAP_CHOWN\\u0000x\"", "\"CAP_CHOWN\\u0000\""};

	for (size_t i = 0; i < RG_ARRAY_SIZE(items); i++) {
		char *text = track(
		    rg_xasprintf("{\"process\":{\"capabilities\":{\"bounding\":[%s]}}}", items[i]));
		struct rg_json *spec = parse(text);
		expect_error(run(&rg_rule_capabilities, spec, &host_amd64), FILE_NAME,
			     ".process.capabilities.bounding[0]", "unknown capability");
		if (strstr(error->msg, "'CAP_CHOWN'"))
			fail_msg("%s is reported as if it were the valid name: %s", items[i],
				 error->msg);
	}
}

static void test_caps_wrong_types(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} cases[] = {
	    {"{\"process\":\"x\"}", ".process", "expected an object, got string"},
	    {"{\"process\":[]}", ".process", "expected an object, got array"},
	    {"{\"process\":{\"capabilities\":\"x\"}}", ".process.capabilities",
	     "expected an object, got string"},
	    {"{\"process\":{\"capabilities\":[\"CAP_CHOWN\"]}}", ".process.capabilities",
	     "got array"},
	    {"{\"process\":{\"capabilities\":{\"bounding\":{}}}}", ".process.capabilities.bounding",
	     "expected an array, got object"},
	    {"{\"process\":{\"capabilities\":{\"ambient\":\"CAP_CHOWN\"}}}",
	     ".process.capabilities.ambient", "expected an array, got string"},
	    {"{\"process\":{\"capabilities\":{\"effective\":true}}}",
	     ".process.capabilities.effective", "got boolean"},
	    {"{\"process\":{\"capabilities\":{\"bounding\":[5]}}}",
	     ".process.capabilities.bounding[0]", "expected a string, got number"},
	    {"{\"process\":{\"capabilities\":{\"permitted\":[\"CAP_KILL\",null]}}}",
	     ".process.capabilities.permitted[1]", "got null"},
	    {"{\"process\":{\"capabilities\":{\"inheritable\":[[\"CAP_KILL\"]]}}}",
	     ".process.capabilities.inheritable[0]", "got array"},
	};

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_capabilities, spec, &host_amd64), FILE_NAME,
			     cases[i].path, cases[i].more);
		/* The same error comes out of the whole enforcement. */
		spec = parse(cases[i].spec);
		expect_error(run(NULL, spec, &host_amd64), FILE_NAME, cases[i].path, cases[i].more);
	}
}

static void test_caps_lookup_table(void **state)
{
	assert_true(rg_capnames_count() >= 41);
	assert_int_equal(rg_capnames_lookup("CAP_CHOWN"), 0);
	assert_int_equal(rg_capnames_lookup("CAP_SYS_ADMIN"), 21);
	assert_int_equal(rg_capnames_lookup("CAP_CHECKPOINT_RESTORE"), 40);
	assert_int_equal(rg_capnames_lookup("cap_sys_admin"), -1);
	assert_int_equal(rg_capnames_lookup("21"), -1);
	assert_int_equal(rg_capnames_lookup("CAP_SYS_ADMIN "), -1);
	assert_string_equal(rg_capnames_name(21), "CAP_SYS_ADMIN");
	assert_null(rg_capnames_name(-1));
	assert_null(rg_capnames_name(rg_capnames_count()));
	/* The default policy's ceiling is the containers-common set, spelled canonically. */
	const struct rg_json *allow = rg_json_get(rg_policy_rule(&policy, "capabilities"), "allow");
	assert_true(rg_json_is(allow, RG_JSON_ARRAY));
	assert_int_equal(allow->n, 11);
	for (size_t i = 0; i < allow->n; i++)
		assert_true(rg_capnames_lookup(rg_json_str(allow->u.items[i])) >= 0);
	struct rg_json *sorted = parse(CEILING_BY_NUMBER);
	for (size_t i = 0; i < sorted->n; i++) {
		bool is_found = false;
		for (size_t k = 0; k < allow->n && !is_found; k++)
			is_found = rg_json_equal(sorted->u.items[i], allow->u.items[k]);
		assert_true(is_found);
	}
}

static int groups(void)
{
	const struct CMUnitTest caps[] = {
	    T(test_caps_each_set),
	    T(test_caps_all_five_sets),
	    T(test_caps_absent_and_null),
	    T(test_caps_unknown_names),
	    T(test_caps_unknown_name_shown_unambiguously),
	    T(test_caps_wrong_types),
	    T(test_caps_lookup_table),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rules/capabilities", caps, NULL, NULL);
	return failed;
}

int main(void)
{
	return fixture_main(groups);
}
