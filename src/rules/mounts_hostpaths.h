/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mounts rule's protected host paths (private to src/mounts*.c): the
 * lists in force and the judgement of one host path (a bind source, a
 * device, root.path) against them, lexically and resolved.
 */
#ifndef RUNGUARD_MOUNTS_HOSTPATHS_H
#define RUNGUARD_MOUNTS_HOSTPATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "runguard/error.h"
#include "runguard/json.h"
#include "runguard/rule_api.h"

struct rg_hostpath_entry;

/* The protected paths of the rule's settings (or the defaults), normalised once. */
struct rg_hostpaths {
	struct rg_hostpath_entry *v;
	size_t n;
};

/* What is being judged: decides which lists apply and how a hit is worded. */
enum rg_hostpath_use {
	RG_HOSTPATH_BIND, /* the source of a bind mount */
	RG_HOSTPATH_DEVICE, /* the source of another mount (a device, a directory) */
	RG_HOSTPATH_ROOT, /* root.path: judged as a writable bind, and against rootDeny */
};

/* Builds the lists from settings (each list's default when absent). Free with rg_hostpaths_free. */
void rg_hostpaths_build(const struct rg_json *settings, struct rg_hostpaths *ret);
void rg_hostpaths_free(struct rg_hostpaths *hp);

/*
 * Why `src` (as config.json writes it; relative to ctx->bundle when
 * relative) may not be used as `use`, or NULL when it may. The path is
 * judged as runc resolves it: joined to the bundle and cleaned as Go's
 * filepath.Clean does, and again after the host adapter resolved its
 * symlinks. Caller frees.
 */
char *rg_hostpaths_judge(const struct rg_hostpaths *hp, const struct rg_rule_ctx *ctx,
			 enum rg_hostpath_use use, const char *src, bool is_writable);

/* Validates the list settings (arrays of absolute paths). 0 or -EINVAL with *err. */
int rg_hostpaths_check(const struct rg_json *settings, const char *file, const char *path,
		       struct rg_error **err);

#endif
