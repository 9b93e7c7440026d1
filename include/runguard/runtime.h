/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_RUNTIME_H
#define RUNGUARD_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>

#include "runguard/error.h"

/* Environment marker set for the real runtime, so a runguard that finds itself
 * exec'd by runguard (a copy installed as "runc") refuses instead of looping. */
#define RG_RUNTIME_MARKER "RUNGUARD_ACTIVE"

/*
 * Finds the real runtime: $RUNGUARD_RUNTIME, else `configured`, else the first
 * executable of /usr/bin/runc, /usr/sbin/runc, /usr/local/bin/runc,
 * /usr/local/sbin/runc, crun in the same places. A candidate that is runguard
 * itself (same device and inode as /proc/self/exe) is skipped in the search
 * and an error when named explicitly. *ret_path is owned by the caller.
 */
int rg_runtime_find(const char *configured, char **ret_path, struct rg_error **err);

/*
 * rg_runtime_find for a command on existing containers (start, kill, delete,
 * state, exec, update, ...). When the runtime is named ($RUNGUARD_RUNTIME or
 * `configured`), the same. Otherwise, when one of ids[0..n_ids) has crun's
 * state (<root>/<id>/status, root defaulting to /run/crun) and none has
 * runc's (<root>/<id>/state.json, /run/runc), crun from the search list:
 * podman starts, kills and deletes containers with a bare environment
 * (PATH and XDG_RUNTIME_DIR), so a RUNGUARD_CONFIG naming crun that reached
 * `create` through conmon_env_vars does not reach them. Ids are borrowed;
 * the same contract as rg_runtime_find.
 */
int rg_runtime_find_for(const char *configured, const char *root, char *const ids[], size_t n_ids,
			char **ret_path, struct rg_error **err);

/*
 * Is the runtime at path runc, going by its file name ("runc" in it, "crun"
 * not)? Where runc and crun read a command line or a process differently,
 * runguard takes runc's reading only for a runtime that says it is runc.
 */
bool rg_runtime_is_runc(const char *path);

/*
 * The PATH the real runtime gets for checkpoint, restore and ps: runc
 * (without --criu) and crun's libcriu run "criu" found through $PATH, runc's
 * ps runs "ps", as root, and the caller controls the environment.
 */
#define RG_RUNTIME_SAFE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Sets PATH to RG_RUNTIME_SAFE_PATH. 0 or -errno with *err set. */
int rg_runtime_pin_path(struct rg_error **err);

/* execv()s path with argv[0] replaced by path and the rest unchanged. Returns only on error. */
int rg_runtime_exec(const char *path, char *const argv[], struct rg_error **err);

/* First line of `path --version` (caller frees), or NULL. */
char *rg_runtime_version(const char *path);

#endif
