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

/*
 * True when `path` equals `dir` or lies beneath it; both must be normalised.
 * Every absolute path lies beneath "/".
 */
bool rg_path_is_under(const char *path, const char *dir);

#endif
