/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_NORMPATH_H
#define RUNGUARD_NORMPATH_H

#include <stdbool.h>

/*
 * Lexical path normalisation for the rules that compare host paths (mounts,
 * hooks): "//" and "/./" collapse, ".." removes the previous component
 * (never above "/"), a trailing slash goes. No I/O: symlinks are not
 * resolved here (the host adapter's resolve_path does that where it matters).
 *
 * Returns the normalised copy (caller frees), or NULL when path is not
 * absolute.
 */
char *rg_path_normalize(const char *path);

/* True when path is absolute and rg_path_normalize would return it unchanged. */
bool rg_path_is_normal(const char *path);

/*
 * True when `path` equals `dir` or lies beneath it; both must be normalised.
 * Every absolute path lies beneath "/".
 */
bool rg_path_is_under(const char *path, const char *dir);

/*
 * A path as runc resolves a mount source or root.path: an absolute `path`
 * normalised, a relative one joined to `base` (the bundle directory, where
 * runc runs; Go's filepath.Join) and normalised. NULL when path is NULL, or
 * relative and base is not an absolute path. Caller frees. Lexical only:
 * symlinks are the host adapter's resolve_path's business.
 */
char *rg_path_resolve_in(const char *base, const char *path);

/* How a path lies relative to a pattern (rg_path_relate). */
enum rg_path_relation {
	RG_PATH_APART, /* neither contains the other */
	RG_PATH_EQUAL, /* the path matches the pattern */
	RG_PATH_BELOW, /* the path lies beneath a match */
	RG_PATH_ABOVE, /* the path is a directory above a match */
};

/*
 * Compares a normalised absolute path with a normalised pattern component
 * by component; a pattern component "*" matches any one component (the
 * pattern /var/lib/docker/containers followed by a "*" component matches
 * each container's directory there, not the files under it).
 */
enum rg_path_relation rg_path_relate(const char *path, const char *pattern);

#endif
