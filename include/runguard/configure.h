/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_CONFIGURE_H
#define RUNGUARD_CONFIGURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "runguard/error.h"

/*
 * `runguard configure ENGINE`: adds a runtime named "runguard" to a
 * container engine's configuration, the way that engine expects it, with
 * the options of the engine's existing runc runtime copied over so that it
 * behaves as runc did:
 *
 *   containerd  a CRI runtime handler (runc shim v2, options.BinaryName).
 *               containerd 1.x (configuration version 2) replaces a
 *               plugin's *whole* section with the one of the last file that
 *               sets it (imports are not merged key by key), so the handler
 *               goes into the file that already holds the CRI plugin's
 *               settings (config.toml, edited in place), and into the
 *               drop-in conf.d/runguard.toml, imported from config.toml,
 *               only when no file sets any. containerd 2.x (versions 3 and
 *               4) merges imports key by key: the handler goes into the
 *               drop-in unless a file already sets it.
 *   crio        the drop-in crio.conf.d/10-runguard.conf.
 *   podman      the drop-in containers.conf.d/runguard.conf.
 *   docker      daemon.json's "runtimes" (a JSON edit that keeps every other
 *               key, in order).
 *
 * Idempotent: when nothing would change it says "already configured" and
 * writes nothing. Every file it changes is first copied to a timestamped
 * backup; every write is atomic. Malformed input files are errors naming
 * the file and line, and nothing is written.
 *
 * With is_remove (`configure --remove ENGINE`) it takes out what it added:
 * the containerd handler (and the runc handler and the `imports` entry it
 * wrote, and default_runtime_name "runguard": back to "runc"), the CRI-O or
 * podman drop-in, daemon.json's runtime and "default-runtime" "runguard".
 * A runguard runtime whose binary is not `binary` is not one it wrote for
 * this binary: that is refused, and nothing is written.
 *
 * With root (--host-root DIR), the engine's files are read and written
 * under DIR (a node's / mounted elsewhere), while every path written into
 * them (the binary, containerd's `imports` entry) is the node's own.
 * Paths under DIR are resolved by hostpath.h's rule (absolute symlinks are
 * the node's, a path out of DIR is refused). A file that is a symlink stays
 * one: its target is backed up and replaced.
 */

#define RG_CONFIGURE_NAME "runguard"

struct rg_configure_opts {
	const char *engine; /* "containerd", "crio", "podman" or "docker" */
	const char *config_dir; /* NULL: the engine's (/etc/containerd, /etc/crio, ...) */
	const char *file; /* NULL: the main file in config_dir */
	const char *binary; /* absolute path of runguard as the engine will run it */
	const char *root; /* NULL or "/": the node is this machine; else where its / is */
	bool is_default; /* also make runguard the engine's default runtime */
	bool is_remove; /* take the runtime out again */
};

/*
 * One file the change writes: before (NULL: does not exist yet) and after
 * (NULL: the file is deleted). path is where it is seen from here (under root).
 */
struct rg_configure_file {
	char *path; /* as the engine names it */
	/*
	 * Where the content is written (set by rg_configure_plan): path with
	 * its symlinks resolved (hostpath.h), so a symlinked file stays a
	 * symlink and its target is edited; for a removal, path's directory
	 * resolved and path's own name (the link, not its target, goes).
	 */
	char *target;
	char *before;
	size_t before_len;
	char *after;
	size_t after_len;
	mode_t new_mode; /* for a file that does not exist yet */
};

struct rg_configure_plan {
	struct rg_configure_file *files; /* only files whose content changes */
	size_t n_files;
	char **notes; /* things the operator should know, one line each */
	size_t n_notes;
	const char *restart; /* how to make the engine read it (static) */
};

/*
 * Parses configure's arguments (after "configure"): ENGINE [--default |
 * --remove] [--dry-run] [--config-dir DIR] [--file FILE] [--binary PATH]
 * [--host-root DIR]. Without --binary, the running runguard
 * (/proc/self/exe, resolved; under --host-root it must lie below DIR, and
 * DIR is taken off). *ret_binary owns the binary path *ret points at;
 * the other strings are argv's. -EINVAL with *err set on a usage error.
 */
int rg_configure_parse_args(int argc, char *argv[], struct rg_configure_opts *ret,
			    bool *ret_dry_run, char **ret_binary, struct rg_error **err);

/* The names configure knows, NULL-terminated (static). */
extern const char *const rg_configure_engines[];

/*
 * Reads the engine's configuration and computes the change, writing
 * nothing. Returns 0 and fills *ret (free with rg_configure_plan_free), or
 * a negative errno with *err set (unknown engine, malformed file, a layout
 * it cannot edit safely).
 */
int rg_configure_plan(const struct rg_configure_opts *o, struct rg_configure_plan *ret,
		      struct rg_error **err);
void rg_configure_plan_free(struct rg_configure_plan *p);

/*
 * Writes the plan: for each file, a backup of the old content (when there
 * is one), then an atomic replacement or the removal; parent directories
 * of new files are created. Reports each step on out. On an error the files already written
 * stay written (each has its backup) and *err says which file failed.
 */
int rg_configure_apply(const struct rg_configure_plan *p, FILE *out, struct rg_error **err);

/* The plan as unified diffs (for --dry-run). */
void rg_configure_print_diff(const struct rg_configure_plan *p, FILE *out);

/*
 * The whole command: plan, then print the diff (dry run) or apply, and the
 * notes and the restart hint. Returns 0 or a negative errno with *err set.
 */
int rg_configure_run(const struct rg_configure_opts *o, bool is_dry_run, FILE *out,
		     struct rg_error **err);

/* ---- for the engine planners (src/configure/\*.c) ---- */

/* after NULL: the file is removed. */
void rg_configure_add_file(struct rg_configure_plan *p, const char *path, const char *before,
			   size_t before_len, const char *after, size_t after_len, mode_t new_mode);
/* The error for a runguard runtime that runs another binary than o->binary (-EPERM). */
int rg_configure_not_ours(const struct rg_configure_opts *o, const char *where, const char *have,
			  struct rg_error **err);
void rg_configure_note(struct rg_configure_plan *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int rg_configure_containerd(const struct rg_configure_opts *o, struct rg_configure_plan *p,
			    struct rg_error **err);

int rg_configure_docker(const struct rg_configure_opts *o, struct rg_configure_plan *p,
			struct rg_error **err);

#endif
