/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_SPEC_H
#define RUNGUARD_SPEC_H

#include <sys/stat.h>

#include "runguard/error.h"
#include "runguard/json.h"

/* An opened bundle: its directory fd and the config.json that runc will read. */
struct rg_bundle {
	int dirfd;
	char *path; /* as given */
	char *config_name; /* "<bundle>/config.json", for messages */
	struct stat config_st;
};

/*
 * Opens the bundle directory (NULL: ".") and checks it: not a symlink, a
 * directory, owned by root or the caller and writable by nobody else; the
 * same for config.json, which must be a regular file. Anything else could be
 * swapped between runguard's check and runc's read.
 */
int rg_spec_open(const char *bundle, struct rg_bundle *ret, struct rg_error **err);
void rg_spec_close(struct rg_bundle *b);

/* Reads (size-capped) and parses config.json, then checks its keys (rg_spec_check_keys). */
int rg_spec_load(struct rg_bundle *b, struct rg_json **ret, struct rg_error **err);

/*
 * Reads and parses any config.json-shaped file (for explain): the same size
 * cap, parser limits and key checks, but no ownership checks.
 */
int rg_spec_load_file(const char *path, struct rg_json **ret, struct rg_error **err);

/*
 * Refuses keys that runc would read differently from runguard: a key that
 * equals an OCI spec field name except for case (Go's decoder matches fields
 * case-insensitively, and also folds U+017F to 's' and U+212A to 'k').
 * Free-form maps (annotations, linux.sysctl, linux.resources.unified) are
 * not checked. The top level must be an object.
 */
int rg_spec_check_keys(const struct rg_json *spec, const char *name, struct rg_error **err);

/*
 * Replaces config.json atomically: a temp file with a random name in the
 * bundle directory, same mode and owner, fsync, rename, fsync of the
 * directory. On failure the temp file is removed and config.json is intact.
 */
int rg_spec_save(struct rg_bundle *b, const struct rg_json *spec, struct rg_error **err);

#endif
