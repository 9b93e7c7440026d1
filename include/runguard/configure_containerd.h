/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_CONFIGURE_CONTAINERD_H
#define RUNGUARD_CONFIGURE_CONTAINERD_H

#include <stdbool.h>
#include <stddef.h>

#include "runguard/configure.h"
#include "runguard/error.h"
#include "runguard/toml.h"

/*
 * Internals of `runguard configure containerd`, shared by the planner
 * (src/configure/containerd.c) and --remove (src/configure/containerd_remove.c).
 * Nothing else uses them.
 */

#define RG_CTD_MAX_FILES 32
#define RG_CTD_RUNC_V2 "io.containerd.runc.v2"
/* The comments configure writes above what it adds; --remove looks for them. */
#define RG_CTD_HANDLER_MARK "# runguard: runc under runguard's policy (runguard configure)"
#define RG_CTD_RUNC_MARK                                                                           \
	"# containerd's built-in default handler, kept: setting any runtime replaces the "         \
	"built-in list"

/* One configuration file, as read, and the plan's edits to it. */
struct rg_ctd_file {
	char *path; /* seen from here (under the root) */
	char *text;
	size_t len;
	bool exists;
	struct rg_toml *doc;
	const struct rg_containerd_layout *lay; /* where containerd reads its CRI settings */
	struct rg_toml_edits ed;
	size_t parent, entry; /* imported by files[parent], through its imports[entry] */
};

struct rg_ctd {
	const struct rg_configure_opts *o;
	struct rg_configure_plan *plan;
	char *main_path;
	char *dropin;
	int version; /* config.toml's: 2 (containerd 1.x), 3 or 4 (2.x) */
	/* containerd's load order, config.toml first (the drop-in too, if configure adds it). */
	struct rg_ctd_file files[RG_CTD_MAX_FILES];
	size_t n;
};

/* The table of handler `name` in f's layout, with `sub` ("" or ".options") appended. */
char *rg_ctd_handler_table(const struct rg_ctd_file *f, const char *name, const char *sub);
/*
 * The value of a string key, or NULL (not set, or not a string). Caller
 * frees. *ret_it (may be NULL): the key's item, or NULL when not set.
 */
char *rg_ctd_get_string(const struct rg_ctd_file *f, const char *table, const char *key,
			const struct rg_toml_item **ret_it);
/*
 * Refuses (-ENOTSUP) layouts the text editor cannot extend safely: keys
 * below `table` written as dotted keys or an inline table in a parent table.
 */
int rg_ctd_check_editable(const struct rg_ctd_file *f, const char *table, struct rg_error **err);
/*
 * A file's `imports` (*ret_it NULL and an empty list when it has none).
 * *ret is NULL-terminated; free it with rg_toml_strv_free. -EINVAL when it
 * is not an array of strings.
 */
int rg_ctd_get_imports(const struct rg_ctd_file *f, const struct rg_toml_item **ret_it, char ***ret,
		       size_t *ret_n, struct rg_error **err);
/* Where an `imports` entry of f is seen from here (entries are the node's paths). Caller frees. */
char *rg_ctd_import_path(const struct rg_ctd *c, const struct rg_ctd_file *f, const char *entry);
/*
 * --remove: edits (t->ed, m->ed) or deletes (in the plan) what configure
 * added. t is the file that sets the handler (containerd 2.x) or the CRI
 * plugin (1.x), or NULL; m is config.toml. A handler that runs another
 * binary is refused (-EPERM).
 */
int rg_ctd_plan_remove(struct rg_ctd *c, struct rg_ctd_file *t, struct rg_ctd_file *m,
		       struct rg_error **err);

#endif
