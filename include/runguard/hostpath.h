/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_HOSTPATH_H
#define RUNGUARD_HOSTPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "runguard/error.h"

/*
 * Paths of a node whose / is mounted at `root` (`--host-root` of configure
 * and doctor); root NULL, "" or "/" means this machine. The one place such
 * paths are joined and resolved.
 *
 * A path "seen from here" is root + the node's path (rg_hostpath_join).
 * Resolving it (rg_hostpath_resolve) follows symlinks the way the node's
 * own kernel would, but inside root:
 *
 *   - an absolute symlink target starts again at root, the node's /, never
 *     at this machine's / (the installer's own file system);
 *   - a relative target is taken from the link's directory;
 *   - a ".." (in the path or in a target) that would climb above root is
 *     refused (-EXDEV): nothing outside root is read or written. Without a
 *     root, ".." at / stays at /, as the kernel does;
 *   - more than 40 links: -ELOOP;
 *   - from the first component that does not exist on, the rest is taken as
 *     written (a file about to be created), ".." in it removing a component.
 *
 * The result names the file itself (the last component followed too) with
 * no symlink left in it. It is resolved once: a tree changed meanwhile is
 * not noticed (configure re-reads a file before it replaces it).
 */

/* True when root names another tree than this machine's /. */
bool rg_hostpath_has_root(const char *root);

/* root + node_path, by text (node_path alone without a root). Caller frees. */
char *rg_hostpath_join(const char *root, const char *node_path);

/* The node's path of path (seen from here): root taken off, a suffix of path; path when not under
 * root. */
const char *rg_hostpath_node(const char *root, const char *path);

/*
 * Resolves path (seen from here: below root when there is one, else -EXDEV;
 * relative only without a root, then from the working directory) by the
 * rule above. *ret (owned) is seen from here too. -errno with *err set.
 */
int rg_hostpath_resolve(const char *root, const char *path, char **ret, struct rg_error **err);

/*
 * The files matching a glob pattern seen from here, in lexical order:
 * the pattern's directory (up to its first component with a wildcard)
 * resolved by the rule above, the rest matched there. The matches are
 * spelled under the pattern's own directory (not the resolved one), so
 * that paths relative to them mean what the node means. *ret is
 * NULL-terminated (free each and the array). -errno with *err set.
 */
int rg_hostpath_glob(const char *root, const char *pattern, char ***ret, size_t *ret_n,
		     struct rg_error **err);

/*
 * rg_file_read (fileio.h) of path, seen from here, resolved first: a file
 * that does not exist is -ENOENT without *err set; a path that cannot be
 * resolved (it leaves the root, a loop) is an error.
 */
int rg_hostpath_read(const char *root, const char *path, size_t max, char **ret, size_t *ret_len,
		     struct rg_error **err);

/* True when path (seen from here) resolves to an existing file of any type. */
bool rg_hostpath_exists(const char *root, const char *path);

/* True when s holds a glob wildcard (*, ? or [). */
bool rg_hostpath_has_glob(const char *s);

#endif
