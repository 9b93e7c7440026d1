/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_POLICY_H
#define RUNGUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "runguard/error.h"
#include "runguard/json.h"

#define RG_CONFIG_DEFAULT_PATH "/etc/runguard/config.json"
#define RG_AUDIT_DEFAULT_PATH "/var/log/runguard/audit.log"
#define RG_DEFAULT_PROFILE "baseline"
/* A workload may ask for a profile with this annotation (stricter only, by default). */
#define RG_PROFILE_ANNOTATION "run.runguard.profile"
/* The AppArmor profile the apparmor rule gives an unconfined container unless told otherwise. */
#define RG_APPARMOR_DEFAULT_PROFILE "runguard-default"

enum rg_mode {
	RG_MODE_ENFORCE, /* fix or reject as configured */
	RG_MODE_AUDIT, /* change nothing, record what would have happened */
	RG_MODE_WARN, /* as audit, and print the findings on stderr */
};

enum rg_action {
	RG_ACTION_OFF,
	RG_ACTION_FIX, /* rewrite the spec to comply */
	RG_ACTION_REJECT, /* refuse the container */
};

/*
 * The operator's configuration file, parsed and validated. Everything has a
 * default; the embedded default is what an absent file means.
 */
struct rg_config {
	char *path;
	bool is_loaded;
	struct rg_json *tree; /* owned: the parsed file, or NULL */
	bool has_mode; /* "mode" was given */
	enum rg_mode mode;
	char *profile; /* base profile name */
	char *runtime; /* real runtime, or NULL */
	const struct rg_json *rules; /* borrowed from tree: per-rule overrides, or NULL */
	const struct rg_json *selectors; /* borrowed from tree: array, or NULL */
	char *audit_file; /* NULL: no audit file */
	bool is_audit_syslog;
	bool is_audit_required;
	/* borrowed from tree: {"criu": ["/abs/path", ...]}, the runtime flags that make the
	 * real runtime run another program and the values allowed for each, or NULL */
	const struct rg_json *runtime_flags;
	bool is_restore_allowed; /* "restore": {"allow": true} */
	bool is_unenforced_exec_refused; /* "exec": {"unenforced": "refuse"} */
};

/*
 * The effective policy for one container: a profile, the operator's rule
 * overrides merged over it, and the mode. Owned; free with rg_policy_free().
 */
struct rg_policy {
	char *name; /* profile name */
	int level; /* strictness: privileged 0 < baseline 1 < restricted 2 */
	enum rg_mode mode;
	struct rg_json *rules; /* {"<rule>": {"action": ..., ...}} */
	char *reason; /* why this profile: "default", "selector 2", "annotation" */
	char *seccomp_profile; /* OCI seccomp JSON text for the seccomp rule */
	size_t seccomp_profile_len;
	char *seccomp_profile_origin; /* "embedded" or a path */
	bool is_seccomp_owned;
	char digest[72]; /* "sha256:<hex>" over everything that shapes enforcement */
	/* From the configuration, for callers that only need the policy. */
	char *runtime;
	char *config_path;
	bool is_config_loaded;
};

/*
 * Loads and validates the configuration: path, or $RUNGUARD_CONFIG, or
 * RG_CONFIG_DEFAULT_PATH. A missing file at the default path is the
 * embedded default; a missing file named explicitly is an error. Errors
 * name the file, line when known, and JSON path.
 */
int rg_config_load(const char *path, struct rg_config *ret, struct rg_error **err);
struct stat;
/* Whoever can write the policy (or the cache of it) can switch it off: a file
 * is trusted when root or the caller owns it and nobody else may write it. */
bool rg_config_is_trusted_owner(const struct stat *st);
/* The configuration file's path: $RUNGUARD_CONFIG when set and not empty
 * (*ret_is_explicit true), else RG_CONFIG_DEFAULT_PATH. Borrowed. */
const char *rg_config_path(bool *ret_is_explicit);
/*
 * rg_config_load for a passthrough call, which needs only ret->path and
 * ret->runtime: while the file is unchanged since a full parse, they come
 * from the cache that parse left in /run/runguard (src/engine/config_cache.c)
 * and nothing else in *ret is filled; is_all_needed (e.g. --criu, judged by
 * "runtimeFlags") always parses. Same errors as rg_config_load.
 */
int rg_config_load_passthrough(bool is_all_needed, struct rg_config *ret, struct rg_error **err);
/*
 * Parses and validates a configuration held in buf[0..len) (no file access,
 * no ownership checks); `name` stands for the file in messages and becomes
 * ret->path. Used by rg_config_load and by the fuzz target. Fills *ret only
 * on success; returns a negative errno with *err set otherwise.
 */
int rg_config_parse_buffer(const char *name, const char *buf, size_t len, struct rg_config *ret,
			   struct rg_error **err);
void rg_config_free(struct rg_config *c);

/*
 * Is every container judged in a dry mode (audit or warn)? The base mode is
 * not enforce and no selector sets "enforce". Then nothing is ever changed,
 * so a spec runguard cannot read unambiguously is recorded, not refused.
 */
bool rg_config_is_dry(const struct rg_config *c);

/*
 * Validates the settings of one rule as the configuration's "rules" gives
 * them (the same check as at load time; used by it and by the tests): the
 * rule must exist, settings be an object, "action" (optional) one of fix,
 * reject, off, and the rest what the rule's own check accepts. `where`
 * names the file (and line) and `path` the JSON path in messages. 0, or
 * -EINVAL with *err set.
 */
int rg_config_check_rule(const char *rule, const struct rg_json *settings, const char *where,
			 const char *path, struct rg_error **err);

/*
 * Does the configuration's "runtimeFlags" allow `value` for the runtime flag
 * `flag` (e.g. "criu")? Only a listed absolute path, compared byte for byte.
 */
bool rg_config_allows_flag(const struct rg_config *c, const char *flag, const char *value);

/*
 * Chooses the profile for a container from its annotations (may be NULL):
 * the first matching selector, else the configured base profile; then the
 * workload's RG_PROFILE_ANNOTATION if it asks for a stricter profile (or a
 * weaker one where the selector allows it). `file` names the spec in errors.
 */
int rg_policy_select(const struct rg_config *c, const struct rg_json *annotations,
		     struct rg_policy *ret, struct rg_error **err);

/* rg_config_load + rg_policy_select with no annotations. */
int rg_policy_load(const char *config_path, struct rg_policy *ret, struct rg_error **err);
void rg_policy_free(struct rg_policy *p);

/* Settings object of a rule (borrowed), or NULL. */
const struct rg_json *rg_policy_rule(const struct rg_policy *p, const char *rule);
enum rg_action rg_policy_action(const struct rg_policy *p, const char *rule);

/*
 * The AppArmor profile the policy's apparmor rule sets (its "profile"
 * setting, else RG_APPARMOR_DEFAULT_PROFILE), or NULL when the rule is off.
 * Caller frees.
 */
char *rg_policy_apparmor_profile(const struct rg_policy *p);

const char *rg_mode_name(enum rg_mode m);
const char *rg_action_name(enum rg_action a);
int rg_action_parse(const char *s, enum rg_action *ret);

/* The effective policy as JSON (for check-config). Caller frees. */
char *rg_policy_describe(const struct rg_config *c, const struct rg_policy *p);

/*
 * The policy digest: SHA-256 over the profile name, the mode's name, the
 * compact text of the rules (rules_len bytes and its NUL) and, when a
 * seccomp profile is in use, that profile's SHA-256 in hex (64 characters;
 * NULL: none), written to out as "sha256:<hex>".
 */
void rg_policy_digest_of(const char *name, const char *mode, const char *rules, size_t rules_len,
			 const char *seccomp_hex, char out[72]);

#endif
