/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_STATEDIR_H
#define RUNGUARD_STATEDIR_H

#include "runguard/cli.h"
#include "runguard/error.h"
#include "runguard/policy.h"

/*
 * Refuses (-EPERM, *err set) a state directory `path` (the value of `flag`,
 * for the message) that someone other than root or the caller could change:
 * any existing directory on the path from / owned by another user or
 * writable by group or others (a root-owned sticky directory such as /tmp
 * may be crossed), a symlink owned by another user, a missing part whose
 * parent others can write. Symlinks are followed; a relative path is taken
 * from the current directory. NULL is fine (the runtime's default). 0 if
 * trusted.
 */
int rg_statedir_check(const char *flag, const char *path, struct rg_error **err);

/*
 * Judges the global flags of cli for the real runtime at `runtime`: --criu
 * must be listed in the configuration's runtimeFlags.criu, --root must pass
 * rg_statedir_check, and for a runtime that is not runc a --rootless that
 * crun reads as --root is checked too (and refused on enforced commands,
 * where runguard would read the container from the other directory).
 * 0, or a negative errno with *err set.
 */
int rg_globals_check(const struct rg_cli *cli, const struct rg_config *cfg, const char *runtime,
		     struct rg_error **err);

#endif
