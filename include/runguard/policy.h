/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_POLICY_H
#define RUNGUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "runguard/error.h"

#define RG_CONFIG_DEFAULT_PATH "/etc/runguard/config.json"
#define RG_SECCOMP_DEFAULT_PATH "/usr/share/runguard/profiles/seccomp-default.json"

/*
 * The effective policy: the embedded default, overridden by the operator's
 * configuration file when one exists. Owned strings; free with
 * rg_policy_free().
 */
struct rg_policy {
	char *name;
	char **cap_ceiling; /* canonical CAP_ names */
	size_t n_cap_ceiling;
	char *seccomp_profile; /* OCI seccomp JSON text (may hold archMap/includes/excludes) */
	size_t seccomp_profile_len;
	char *seccomp_profile_origin; /* "embedded" or a file path */
	long long pids_default;
	char *runtime; /* configured real runtime, or NULL */
	char *config_path; /* the configuration file consulted */
	bool is_config_loaded;
	char digest[72]; /* "sha256:<hex>" over everything that shapes enforcement */
};

/*
 * Loads the policy: config_path (or NULL for $RUNGUARD_CONFIG, else
 * RG_CONFIG_DEFAULT_PATH). A missing file at the default path means the
 * embedded default; a missing file named explicitly is an error. Errors name
 * the file and JSON path.
 */
int rg_policy_load(const char *config_path, struct rg_policy *ret, struct rg_error **err);
void rg_policy_free(struct rg_policy *p);

/* The seccomp profile compiled into the binary (profiles/seccomp-default.json). */
const char *rg_policy_embedded_seccomp(size_t *ret_len);

#endif
