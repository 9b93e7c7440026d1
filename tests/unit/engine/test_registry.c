/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Adding a rule is its file (src/rules/<key>.c) and its tests
 * (tests/unit/rules/test_rules_<key>.c), one line in
 * include/runguard/rule_list.def, an entry in every shipped profile and its
 * text in README.md and doc/runguard.8. A rule missing from a profile is
 * silently off there, so this test fails for every rule of the registry
 * that one of those places forgets. Run from the repository root.
 */
#include <dirent.h>
#include <unistd.h>

#include "runguard/fileio.h"
#include "rules_harness.h"

#define MAX_DOC (4u * 1024u * 1024u)

static const char *read_doc(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	if (rg_file_read(path, MAX_DOC, &text, &len, &error) < 0)
		fail_msg("%s: %s", path, error->msg);
	return track(text);
}

/* The part of text from the line holding `from` up to the first line holding `to`. */
static const char *section(const char *text, const char *from, const char *to, const char *what)
{
	const char *a = strstr(text, from);
	if (!a)
		fail_msg("%s: no \"%s\" (the test's anchor moved?)", what, from);
	const char *b = strstr(a, to);
	if (!b)
		fail_msg("%s: no \"%s\" after \"%s\"", what, to, from);
	return track(rg_xstrndup(a, (size_t)(b - a)));
}

/* Does `text` hold `word` delimited by one of `before` and one of `after`? */
static bool has_word(const char *text, const char *word, const char *before, const char *after)
{
	size_t n = strlen(word);
	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
		if (p > text && strchr(before, p[-1]) && p[n] && strchr(after, p[n]))
			return true;
	return false;
}

static void test_rules_unique_with_their_files(void **state)
{
	size_t n;
	const struct rg_rule *const *all = rg_rules_all(&n);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(rg_rule_find(all[i]->name), all[i]);
		assert_non_null(all[i]->apply);
		/* noNewPrivileges -> no_new_privileges */
		struct rg_buf b = {0};
		for (const char *c = all[i]->name; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				rg_buf_printf(&b, "_%c", *c - 'A' + 'a');
			else
				rg_buf_printf(&b, "%c", *c);
		char *stem = track(rg_buf_steal(&b));
		char *file = track(rg_xasprintf("src/rules/%s.c", stem));
		if (access(file, F_OK) != 0)
			fail_msg("rule %s: no %s (a rule's file is named after its key)",
				 all[i]->name, file);
		char *test = track(rg_xasprintf("tests/unit/rules/test_rules_%s.c", stem));
		if (access(test, F_OK) != 0)
			fail_msg("rule %s: no %s (each rule has its own tests)", all[i]->name,
				 test);
	}
	assert_null(rg_rule_find("nonesuch"));
}

static void test_every_rule_in_every_profile(void **state)
{
	size_t n, n_profiles = 0;
	const struct rg_rule *const *all = rg_rules_all(&n);
	DIR *d = opendir("profiles");
	assert_non_null(d);
	for (struct dirent *de; (de = readdir(d));) {
		size_t len = strlen(de->d_name);
		if (len < 5 || !rg_streq(de->d_name + len - 5, ".json") ||
		    rg_streq(de->d_name, "seccomp-default.json"))
			continue;
		char *path = track(rg_xasprintf("profiles/%s", de->d_name));
		const char *text = read_doc(path);
		struct rg_json *prof =
		    track_json(rg_json_parse(text, strlen(text), path, NULL, &error));
		assert_non_null(prof);
		const struct rg_json *rules = rg_json_get(prof, "rules");
		for (size_t i = 0; i < n; i++) {
			const struct rg_json *s = rg_json_get(rules, all[i]->name);
			if (!rg_json_str(rg_json_get(s, "action")))
				fail_msg("%s: .rules.%s: missing, or without an action (the rule "
					 "would be silently off)",
					 path, all[i]->name);
		}
		n_profiles++;
	}
	closedir(d);
	assert_true(n_profiles >= 3);
}

static void test_every_rule_in_readme(void **state)
{
	size_t n;
	const struct rg_rule *const *all = rg_rules_all(&n);
	const char *readme = read_doc("README.md");
	const char *table = section(readme, "| rule | what happens |", "\n\n", "README.md");
	const char *list = section(readme, "The rules and their settings", "\n\n", "README.md");
	for (size_t i = 0; i < n; i++) {
		if (!strstr(table, track(rg_xasprintf("\n| %s |", all[i]->name))))
			fail_msg("README.md: no row \"| %s |\" in the table of rules",
				 all[i]->name);
		if (!has_word(list, all[i]->name, "`", "`"))
			fail_msg("README.md: `%s` missing from \"The rules and their settings\"",
				 all[i]->name);
	}
}

static void test_every_rule_in_man_page(void **state)
{
	size_t n;
	const struct rg_rule *const *all = rg_rules_all(&n);
	const char *man = read_doc("doc/runguard.8");
	const char *list = section(man, "Rule settings:", "each described under", "doc/runguard.8");
	for (size_t i = 0; i < n; i++)
		if (!strstr(list, track(rg_xasprintf("\n.BR %s ", all[i]->name))) &&
		    !strstr(list, track(rg_xasprintf("\n.BR %s,", all[i]->name))) &&
		    !strstr(list, track(rg_xasprintf("\n.BR %s\n", all[i]->name))))
			fail_msg("doc/runguard.8: .BR %s missing from \"Rule settings:\"",
				 all[i]->name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_rules_unique_with_their_files),
	    T(test_every_rule_in_every_profile),
	    T(test_every_rule_in_readme),
	    T(test_every_rule_in_man_page),
	};
	return cmocka_run_group_tests_name("engine/registry", tests, NULL, NULL);
}
