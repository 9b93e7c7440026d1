/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_RULE_API_H
#define RUNGUARD_RULE_API_H

#include <stdbool.h>

#include "runguard/error.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"

/*
 * The rule API: what a rule module (src/rules/) sees and calls. A rule
 * includes this header (besides lib headers, embedded.h for the shipped
 * seccomp profile and a host adapter's header for its types), never rules.h
 * (the registry) nor any config or policy function: the policy reaches it
 * only as data, through the context (struct rg_policy and enum rg_action,
 * types from policy.h). The helpers are in src/rules/rule_api.c; they
 * depend on the JSON tree and the report only.
 *
 * Rules are pure transformations of the spec tree under a policy. Each one
 * records what it changed (fix) or why it refuses (reject) in the report.
 * A rule returns a negative errno with *err set only when the spec cannot be
 * understood (wrong type, unknown name); a policy refusal is a violation.
 */
struct rg_rule_ctx {
	const struct rg_policy *policy;
	const struct rg_host *host;
	struct rg_report *report;
	const char *file; /* name of the config file, for messages */
	const char *rule; /* the running rule's name */
	const struct rg_json *settings; /* the running rule's settings (borrowed) */
	enum rg_action action; /* the running rule's action: FIX or REJECT */
	/* The container being created (borrowed); NULL: not known (explain). */
	const char *container_id;
	/*
	 * The bundle directory as an absolute, lexically normalised path
	 * (borrowed): runc and crun run there, so relative mount sources and
	 * a relative root.path are relative to it. NULL: not known; the
	 * mounts rule then refuses what it would have to resolve against it.
	 */
	const char *bundle;
};

struct rg_rule {
	const char *name;
	/*
	 * Validates the rule's settings other than "action" (NULL: the rule
	 * takes no settings). `path` is the settings' JSON path in `file`.
	 */
	int (*check)(const struct rg_json *settings, const char *file, const char *path,
		     struct rg_error **err);
	int (*apply)(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err);
};

/* ---- helpers for rules ---- */

/*
 * Gets or creates the object at key (error if the member exists with
 * another type). `path` is the JSON path of obj for messages.
 */
struct rg_json *rg_rule_object(struct rg_json *obj, const char *key, const char *file,
			       const char *path, bool create, struct rg_error **err);
/* Records a change of path from `before` (NULL: absent) to `after` (NULL: removed). */
void rg_rule_record(struct rg_rule_ctx *ctx, const char *path, const struct rg_json *before,
		    const struct rg_json *after);
/*
 * Called by a rule that found path non-compliant. With action fix returns
 * true (the rule then rewrites and records); with reject records a violation
 * with the formatted reason and returns false.
 */
bool rg_rule_may_fix(struct rg_rule_ctx *ctx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Settings helpers: validate that settings has only `keys` (NULL-terminated) besides "action". */
int rg_settings_only(const struct rg_json *settings, const char *const *keys, const char *file,
		     const char *path, struct rg_error **err);
/*
 * Reads the optional array setting `key`: 0 with *ret_array the array
 * (borrowed from settings) or NULL when absent; -EINVAL when it is not an
 * array, with *err "<file>: <path>.<key>: expected an array of <what>".
 */
int rg_settings_array(const struct rg_json *settings, const char *key, const char *what,
		      const char *file, const char *path, const struct rg_json **ret_array,
		      struct rg_error **err);
/*
 * For the rules whose one setting is "allow", an array of <what>: checks
 * there is no other setting, then reads it as rg_settings_array does.
 */
int rg_settings_allow(const struct rg_json *settings, const char *what, const char *file,
		      const char *path, const struct rg_json **ret_allow, struct rg_error **err);
/*
 * Checks the optional setting `key` is an array of absolute paths (strings
 * starting with '/', no NUL). 0 or -EINVAL with *err naming the element.
 */
int rg_settings_abs_paths(const struct rg_json *settings, const char *key, const char *file,
			  const char *path, struct rg_error **err);
/* Reads an integer setting; returns def when absent. */
long long rg_settings_int(const struct rg_json *settings, const char *key, long long def);

/*
 * Reads a number node as an unsigned 64-bit integer, as Go decodes a uint64
 * (OCI rlimits, seccomp argument values, cpu period and shares): digits
 * only, no sign, fraction or exponent. 0, -EINVAL or -ERANGE.
 */
int rg_rule_uint64(const struct rg_json *j, unsigned long long *ret);

#endif
