/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_SPEC_H
#define RUNGUARD_SPEC_H

#include <sys/stat.h>

#include "runguard/error.h"
#include "runguard/json.h"
#include "runguard/report.h"

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

/*
 * Reads (size-capped) and parses config.json, then gives its keys runc's
 * spelling (rg_spec_canon_keys, renames not recorded).
 */
int rg_spec_load(struct rg_bundle *b, struct rg_json **ret, struct rg_error **err);
/* The same, recording each renamed key in report (rule "keys"; report may be NULL). */
int rg_spec_load_report(struct rg_bundle *b, struct rg_report *report, struct rg_json **ret,
			struct rg_error **err);
/* Reads and parses config.json as rg_spec_load does, keys as they are written. */
int rg_spec_read(struct rg_bundle *b, struct rg_json **ret, struct rg_error **err);

/*
 * Reads any config.json-shaped file (for explain): the same size cap,
 * parser limits and key canonicalisation, but no ownership checks.
 */
int rg_spec_load_file(const char *path, struct rg_json **ret, struct rg_error **err);
/* The same, keys as they are written (explain shows the renames itself). */
int rg_spec_read_file(const char *path, struct rg_json **ret, struct rg_error **err);

/*
 * Go's decoder (runc's) matches a key to a struct field case-insensitively,
 * also folding U+017F to 's' and U+212A to 'k'. rg_spec_canon_keys renames a
 * lone key that folds to an OCI spec field name ("CPU", "Proce\u017fs") to
 * the field's exact spelling, so the rules judge, and the saved file holds,
 * what runc will read; each rename is recorded in report (may be NULL) as a
 * change of rule "keys" at the key's original path. It refuses (-ENOTUNIQ) an
 * object where two keys fold to one field ("cpu" and "CPU"): runc would apply
 * the last. Free-form maps (annotations, linux.sysctl,
 * linux.resources.unified, ...) are not touched. The top level must be an
 * object. On failure nothing has been renamed in the object at fault.
 */
int rg_spec_canon_keys(struct rg_json *spec, const char *name, struct rg_report *report,
		       struct rg_error **err);

/*
 * rg_spec_canon_keys for obj, a part of a spec found at the path `at`
 * (NULL-terminated keys, e.g. {"linux", "resources", NULL} for update's
 * resources file, {"process", NULL} for exec's process file), in place:
 * obj keeps its address. Renames are not recorded. 0 or -EINVAL (*err set,
 * paths as in the whole spec).
 */
int rg_spec_canon_keys_at(struct rg_json *obj, const char *const *at, const char *name,
			  struct rg_error **err);

/*
 * Strict form for callers that judge a tree without rewriting it (exec's
 * process file, update's resources): refuses any key that differs from a
 * spec field name only by case, as well as two keys naming one field.
 */
int rg_spec_check_keys(const struct rg_json *spec, const char *name, struct rg_error **err);

/*
 * Replaces config.json atomically: a temp file with a random name in the
 * bundle directory, same mode and owner, fsync, rename, fsync of the
 * directory. On failure the temp file is removed and config.json is intact.
 */
int rg_spec_save(struct rg_bundle *b, const struct rg_json *spec, struct rg_error **err);

#endif
