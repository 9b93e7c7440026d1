/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_RUNTIME_H
#define RUNGUARD_RUNTIME_H

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

/* execv()s path with argv[0] replaced by path and the rest unchanged. Returns only on error. */
int rg_runtime_exec(const char *path, char *const argv[], struct rg_error **err);

/* First line of `path --version` (caller frees), or NULL. */
char *rg_runtime_version(const char *path);

#endif
