/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small harness for the unit tests of single rules (test_rules_*.c): runs
 * one rule on a spec with settings and an action given as JSON text and an
 * injected host, the way rg_enforce() sets a rule up, and checks results.
 *
 * Everything a test allocates is registered with track()/track_json() and
 * freed by the per-test teardown (rh_cleanup), so a failing assertion leaks
 * nothing either.
 */
#ifndef RUNGUARD_TESTS_RULES_HARNESS_H
#define RUNGUARD_TESTS_RULES_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runguard/embedded.h"
#include "runguard/error.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"
#include "runguard/rules.h"
#include "runguard/util.h"

#define FILE_NAME "config.json"
#define CFG_NAME "runguard.json:7"

#define MAX_TRACKED 4096
static void *tracked[MAX_TRACKED];
static size_t n_tracked;
static struct rg_json *tracked_json[MAX_TRACKED];
static size_t n_tracked_json;
static struct rg_report report;
static struct rg_error *error;
static struct rg_policy tracked_policies[8];
static size_t n_tracked_policies;

static inline void *track(void *p)
{
	assert_true(n_tracked < MAX_TRACKED);
	tracked[n_tracked++] = p;
	return p;
}

static inline struct rg_json *track_json(struct rg_json *j)
{
	assert_true(n_tracked_json < MAX_TRACKED);
	tracked_json[n_tracked_json++] = j;
	return j;
}

static inline void reset_result(void)
{
	rg_report_free(&report);
	rg_error_free(error);
	error = NULL;
}

static inline int rh_cleanup(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_tracked; i++)
		free(tracked[i]);
	n_tracked = 0;
	for (size_t i = 0; i < n_tracked_json; i++)
		rg_json_free(tracked_json[i]);
	n_tracked_json = 0;
	for (size_t i = 0; i < n_tracked_policies; i++)
		rg_policy_free(&tracked_policies[i]);
	n_tracked_policies = 0;
	reset_result();
	return 0;
}

/* A policy slot freed (rg_policy_free) by the teardown. */
static inline struct rg_policy *new_policy(void)
{
	assert_true(n_tracked_policies < RG_ARRAY_SIZE(tracked_policies));
	struct rg_policy *p = &tracked_policies[n_tracked_policies++];
	memset(p, 0, sizeof(*p));
	return p;
}

static inline struct rg_json *parse(const char *text)
{
	struct rg_error *e = NULL;
	struct rg_json *j = rg_json_parse(text, strlen(text), FILE_NAME, NULL, &e);
	if (!j) {
		char *msg = track(rg_xstrdup(e ? e->msg : "?"));
		rg_error_free(e);
		fail_msg("test input does not parse: %s\n%s", msg, text);
	}
	return track_json(j);
}

static inline char *emit(const struct rg_json *j)
{
	return track(rg_json_emit(j, false, NULL));
}

/* Walks ".a.b[2].c" through objects and arrays; NULL when absent. */
static inline struct rg_json *at(const struct rg_json *j, const char *path)
{
	const char *p = path;

	while (j && *p) {
		if (*p == '.') {
			p++;
			size_t n = strcspn(p, ".[");
			char *key = rg_xstrndup(p, n);
			j = rg_json_get(j, key);
			free(key);
			p += n;
		} else if (*p == '[') {
			char *end = NULL;
			unsigned long i = strtoul(p + 1, &end, 10);
			assert_true(end && *end == ']');
			j = rg_json_is(j, RG_JSON_ARRAY) && i < j->n ? j->u.items[i] : NULL;
			p = end + 1;
		} else {
			fail_msg("bad test path %s", path);
		}
	}
	return (struct rg_json *)j;
}

/* Asserts that node equals the JSON text `want` (NULL: node absent). */
#define assert_json(node, want) assert_json_at(node, want, __FILE__, __LINE__)
static inline void assert_json_at(const struct rg_json *node, const char *want, const char *file,
				  int line)
{
	if (!want) {
		if (node)
			fail_msg("%s:%d: expected absent, got %s", file, line, emit(node));
		return;
	}
	if (!node)
		fail_msg("%s:%d: expected %s, got nothing", file, line, want);
	struct rg_json *w = parse(want);
	if (!rg_json_equal(node, w))
		fail_msg("%s:%d: expected %s\n       got %s", file, line, emit(w), emit(node));
}

/*
 * Runs `rule` on spec with settings (JSON text of the rule's settings
 * without "action"; NULL: none) and action, on host. The policy is a dummy:
 * the rules tested here read only their settings.
 */
static inline int run_rule(const struct rg_rule *rule, const char *settings, enum rg_action action,
			   struct rg_json *spec, const struct rg_host *host)
{
	static struct rg_policy dummy = {.name = (char *)"test"};
	struct rg_rule_ctx ctx = {.policy = &dummy,
				  .host = host,
				  .report = &report,
				  .file = FILE_NAME,
				  .bundle = "/srv/bundle",
				  .rule = rule->name,
				  .settings = settings ? parse(settings) : NULL,
				  .action = action};
	reset_result();
	return rule->apply(spec, &ctx, &error);
}

#define expect_ok(r) expect_ok_at(r, __FILE__, __LINE__)
static inline void expect_ok_at(int r, const char *file, int line)
{
	if (r < 0)
		fail_msg("%s:%d: unexpected error %d: %s", file, line, r,
			 error ? error->msg : "(no message)");
	assert_null(error);
}

/* The error starts with `where`, names the JSON path and (when given) more text. */
#define expect_error(r, where, path, more) expect_error_at(r, where, path, more, __FILE__, __LINE__)
static inline void expect_error_at(int r, const char *where, const char *path, const char *more,
				   const char *file, int line)
{
	if (r >= 0)
		fail_msg("%s:%d: expected an error at %s, got success", file, line, path);
	if (!error)
		fail_msg("%s:%d: returned %d without setting *err", file, line, r);
	char *prefix = track(rg_xasprintf("%s: ", where));
	if (!rg_startswith(error->msg, prefix))
		fail_msg("%s:%d: message does not start with '%s': %s", file, line, prefix,
			 error->msg);
	char *needle = track(rg_xasprintf(" %s: ", path));
	if (!strstr(error->msg, needle))
		fail_msg("%s:%d: message does not name the path '%s': %s", file, line, path,
			 error->msg);
	if (more && !strstr(error->msg, more))
		fail_msg("%s:%d: message lacks '%s': %s", file, line, more, error->msg);
}

/* Validates settings (JSON text) for rule as the configuration loader does. */
static inline int check_settings(const char *rule, const char *settings)
{
	reset_result();
	return rg_config_check_rule(rule, parse(settings), CFG_NAME, ".rules.x", &error);
}

static inline const struct rg_change *find_change(const char *path)
{
	for (size_t i = 0; i < report.n_changes; i++)
		if (rg_streq(report.changes[i].path, path))
			return &report.changes[i];
	return NULL;
}

/* Asserts one violation at path whose message contains `more`. */
#define expect_violation(path, more) expect_violation_at(path, more, __FILE__, __LINE__)
static inline void expect_violation_at(const char *path, const char *more, const char *file,
				       int line)
{
	for (size_t i = 0; i < report.n_violations; i++) {
		const struct rg_violation *v = &report.violations[i];
		if (rg_streq(v->path, path) && (!more || strstr(v->msg, more)))
			return;
	}
	fail_msg("%s:%d: no violation at %s containing '%s' (%zu violations%s%s)", file, line, path,
		 more ? more : "", report.n_violations, report.n_violations ? ", first: " : "",
		 report.n_violations ? report.violations[0].msg : "");
}

/*
 * Runs the rule again on the result: nothing may change (idempotence), and
 * the spec must stay as it is.
 */
static inline void expect_fixed_point(const struct rg_rule *rule, const char *settings,
				      struct rg_json *spec, const struct rg_host *host)
{
	struct rg_json *once = track_json(rg_json_clone(spec));
	expect_ok(run_rule(rule, settings, RG_ACTION_FIX, spec, host));
	if (report.n_changes != 0)
		fail_msg("second run changed %s (%s -> %s)", report.changes[0].path,
			 report.changes[0].before ? report.changes[0].before : "(absent)",
			 report.changes[0].after ? report.changes[0].after : "(absent)");
	assert_true(rg_json_equal(spec, once));
	assert_int_equal(report.n_violations, 0);
}

#define T(f) cmocka_unit_test_teardown(f, rh_cleanup)

#endif
