/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_ARGFILE_H
#define RUNGUARD_ARGFILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "runguard/error.h"

/*
 * A JSON file the engine names on the command line for the runtime to read:
 * `exec --process FILE` (containerd writes it to a temporary directory,
 * podman to its exec directory) and `update --resources FILE`. runguard
 * reads it, may rewrite it in place, and runc then reads it by name; so it
 * must not be replaceable by anyone but root or the caller in between.
 */
struct rg_argfile {
	char *path; /* as given */
	int dirfd; /* its directory */
	char *base; /* its name in dirfd */
	struct stat st; /* the file as read */
	char *text; /* its content, NUL-terminated */
	size_t len;
};

/*
 * Opens and reads path (at most `cap` bytes). The file must be a regular
 * file (not a symlink) owned by root or the caller and writable by nobody
 * else; its directory must be owned by root or the caller and either
 * writable by nobody else or sticky (as /tmp), where others cannot replace
 * root's files. `what` names the file in messages ("exec --process").
 * Fills *ret on success; returns a negative errno with *err set otherwise.
 */
int rg_argfile_load(const char *path, const char *what, size_t cap, struct rg_argfile *ret,
		    struct rg_error **err);

/*
 * Replaces the file atomically with text[0..len): a temporary file with a
 * random name in the same directory, the same owner and mode, fsync,
 * rename, fsync of the directory. Refuses if the name no longer refers to
 * the file that was read. On failure the original is intact.
 */
int rg_argfile_replace(struct rg_argfile *f, const char *text, size_t len, struct rg_error **err);

void rg_argfile_close(struct rg_argfile *f);

/* Reads fd to its end, at most cap bytes (more is -EFBIG). *ret is owned and NUL-terminated. */
int rg_argfile_read_fd(int fd, const char *name, size_t cap, char **ret, size_t *ret_len,
		       struct rg_error **err);

#endif
