/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_FILEIO_H
#define RUNGUARD_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runguard/error.h"

/*
 * Whole-file helpers for the configuration files of other programs that
 * `runguard configure` edits and `runguard doctor` reads: size-capped reads,
 * atomic replacement and timestamped backups (the --dry-run diff is in diff.h).
 */

/*
 * Reads the regular file at path (at most max bytes, else -EFBIG) into a
 * NUL-terminated buffer. A missing file is -ENOENT *without* setting *err,
 * so callers can treat it as "absent"; any other failure sets *err naming
 * the file. *ret is owned by the caller.
 */
int rg_file_read(const char *path, size_t max, char **ret, size_t *ret_len, struct rg_error **err);

/*
 * Replaces (or creates) path with data[0..len) atomically: a temporary file
 * with a random name in the same directory, the old file's mode and owner
 * (new_mode for a new file), fsync, rename over path, fsync of the
 * directory. On failure path is untouched and the temporary file removed.
 */
int rg_file_replace(const char *path, const char *data, size_t len, mode_t new_mode,
		    struct rg_error **err);

/*
 * The same for the entry base of the directory dirfd: the temporary file is
 * ".<base>.runguard-<16 hex digits>"; the new file gets like's mode and owner
 * (new_mode and the caller's owner when like is NULL). Errors name label and
 * the step that failed.
 */
struct stat;
/*
 * The same, with the contents written by fill(fd, ctx) (0 or -errno) into
 * the temporary file, for text made while it is written. Without durable,
 * neither the file nor the directory is synced: the rename is still atomic
 * (a reader sees the old file or the whole new one), but after a power cut
 * either may be there, or an empty file. That is for config.json, which a
 * crash takes its container with (see rg_spec_save).
 */
int rg_file_replace_fill_at(int dirfd, const char *base, const char *label, const struct stat *like,
			    mode_t new_mode, bool durable, int (*fill)(int fd, void *ctx),
			    void *ctx, struct rg_error **err);
int rg_file_replace_at(int dirfd, const char *base, const char *label, const struct stat *like,
		       mode_t new_mode, const char *data, size_t len, struct rg_error **err);

/*
 * Copies path to "<path>.runguard-bak-<UTC yyyymmddThhmmssZ>" (a "-N"
 * suffix when that exists), with the same mode, and fsyncs it. The suffix
 * keeps backups out of drop-in globs such as conf.d/\*.toml and
 * crio.conf.d/\*.conf. *ret_backup (owned) names the copy.
 */
int rg_file_backup(const char *path, char **ret_backup, struct rg_error **err);

/* mkdir -p: creates path and missing parents with mode. */
int rg_mkdir_p(const char *path, mode_t mode, struct rg_error **err);

/* True when path names an existing file of any type. */
bool rg_file_exists(const char *path);

#endif
