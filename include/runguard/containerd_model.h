/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_CONTAINERD_MODEL_H
#define RUNGUARD_CONTAINERD_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "runguard/error.h"
#include "runguard/toml.h"

/*
 * containerd's configuration as containerd reads it: config.toml and the
 * files of its `imports` (each entry relative to the importing file's
 * directory, globs expanded in lexical order, loaded after it, a file once),
 * under a --host-root (hostpath.h: symlinks followed inside it), with
 * where each file keeps the CRI runtime handlers. One model for
 * `runguard configure containerd` (add and --remove, which edit it) and
 * `runguard doctor` (which judges it).
 */

#define RG_CTD_MAX_FILES 32
#define RG_CTD_RUNC_V2 "io.containerd.runc.v2"

/*
 * Where a containerd configuration file keeps the CRI runtime handlers
 * (normalised TOML paths, see toml.h). Version 2 (containerd 1.x): in the
 * CRI plugin, plugins."io.containerd.grpc.v1.cri". Versions 3 and 4
 * (containerd 2.x; 4, from 2.3 on, moved only the server's own settings
 * into plugins): in plugins."io.containerd.cri.v1.runtime". In both, the
 * plugin's "containerd" table holds default_runtime_name and "runtimes",
 * one table per handler.
 */
struct rg_containerd_layout {
	const char *cri; /* the plugin's table */
	const char *containerd; /* its "containerd" table */
	const char *runtimes; /* the handlers' parent table */
};

extern const struct rg_containerd_layout rg_containerd_v2, rg_containerd_v3;

/* The integer `version` of a containerd configuration: 0 when absent, -1 when not an integer. */
int rg_containerd_version(const struct rg_toml *doc);
/* True for the versions runguard reads and writes: 2, 3 and 4. */
bool rg_containerd_version_is_known(int version);
/*
 * The layout in which containerd reads the file doc (static), when
 * config.toml has version main_version. containerd 1.x reads every file
 * with version 2's names. 2.x reads a file of version 3 or more with its
 * own; an older file (a drop-in written for 1.x) it migrates from version
 * 2's names, so that is its layout when it uses them.
 */
const struct rg_containerd_layout *rg_containerd_layout(const struct rg_toml *doc,
							int main_version);

/* One configuration file, as read (and a planner's edits to it). */
struct rg_ctd_file {
	char *path; /* seen from here (under the root), as containerd names it */
	char *text; /* "" when it does not exist */
	size_t len;
	bool exists;
	struct rg_toml *doc;
	const struct rg_containerd_layout *lay; /* where containerd reads its CRI settings */
	struct rg_toml_edits ed; /* configure's edits */
	size_t parent, entry; /* imported by files[parent], through its imports[entry] */
};

struct rg_ctd_model {
	const char *root; /* --host-root, or NULL (borrowed) */
	char *main_path; /* config.toml, seen from here */
	/* config.toml's version: 2 (1.x), 3 or 4 (2.x); 2 when it has none or another one. */
	int version;
	/* containerd's load order, config.toml first. */
	struct rg_ctd_file files[RG_CTD_MAX_FILES];
	size_t n;
};

/*
 * Loads main_path (seen from here; absent: an empty file) and every file it
 * imports, recursively, and sets each file's layout. -errno with *err set
 * (a file unreadable or malformed, an `imports` that is not an array of
 * strings, a path leaving the root, more than RG_CTD_MAX_FILES files); the
 * model is then partly loaded and still to be freed.
 */
int rg_ctd_load(struct rg_ctd_model *m, const char *root, const char *main_path,
		struct rg_error **err);
void rg_ctd_free(struct rg_ctd_model *m);

/*
 * Reads one file into *f (absent: exists false, text ""), resolved under
 * root; its layout for config.toml's version. Free with the model.
 */
int rg_ctd_load_file(const struct rg_ctd_model *m, const char *path, struct rg_ctd_file *f,
		     struct rg_error **err);

/* The file loaded from path, or NULL. */
struct rg_ctd_file *rg_ctd_find(struct rg_ctd_model *m, const char *path);

/*
 * A file's `imports` (*ret_it NULL and an empty list when it has none).
 * *ret is NULL-terminated; free it with rg_toml_strv_free. -EINVAL when it
 * is not an array of strings.
 */
int rg_ctd_get_imports(const struct rg_ctd_file *f, const struct rg_toml_item **ret_it, char ***ret,
		       size_t *ret_n, struct rg_error **err);
/* Where an `imports` entry of f is seen from here (entries are the node's paths). Caller frees. */
char *rg_ctd_import_path(const struct rg_ctd_model *m, const struct rg_ctd_file *f,
			 const char *entry);

/* The table of handler `name` in f's layout, with `sub` ("" or ".options") appended. */
char *rg_ctd_handler_table(const struct rg_ctd_file *f, const char *name, const char *sub);
/*
 * The value of a string key, or NULL (not set, or not a string). Caller
 * frees. *ret_it (may be NULL): the key's item, or NULL when not set.
 */
char *rg_ctd_get_string(const struct rg_ctd_file *f, const char *table, const char *key,
			const struct rg_toml_item **ret_it);

/*
 * Whether f's CRI settings are in effect along with t's: containerd 1.x
 * takes the plugin's section from one file, t (all files when t is NULL);
 * 2.x merges all files.
 */
bool rg_ctd_in_effect(const struct rg_ctd_model *m, const struct rg_ctd_file *t,
		      const struct rg_ctd_file *f);
/*
 * A string key in effect, of handler `name` (NULL: the plugin's
 * "containerd" table), the last file's winning; *ret_f (may be NULL) is
 * that file. NULL when no file in effect sets it. Caller frees.
 */
char *rg_ctd_effective_string(const struct rg_ctd_model *m, const struct rg_ctd_file *t,
			      const char *name, const char *key, const struct rg_ctd_file **ret_f);
/*
 * containerd 1.x: the file whose CRI plugin section is in effect, the last
 * one that sets the plugin (NULL: none); *ret_n how many set it.
 */
const struct rg_ctd_file *rg_ctd_cri_holder(const struct rg_ctd_model *m, size_t *ret_n);

#endif
