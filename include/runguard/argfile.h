/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_ARGFILE_H
#define RUNGUARD_ARGFILE_H

#include <stddef.h>

#include "runguard/cli.h"
#include "runguard/error.h"

/*
 * A JSON file the engine names on the command line for the runtime to read:
 * `exec --process FILE` (containerd writes it to a temporary directory,
 * podman to its exec directory, a shell user passes `<(...)`, a pipe) and
 * `update --resources FILE`. runguard reads it once, judges the bytes it
 * read, and hands the runtime a sealed memfd holding exactly what was
 * judged, as `/proc/self/fd/N` in place of the file's name. The caller's
 * file is never read again nor written: whoever can write it or its
 * directories cannot change what the runtime reads, and a pipe or FIFO,
 * which can be read only once, works.
 */

/*
 * Reads path once, opened as the runtime opens it (runc's os.Open, crun's
 * open: symlinks followed, relative to the working directory), at most
 * `cap` bytes. Only a regular file or a FIFO/pipe (`/dev/fd/63` from a
 * shell's process substitution) is read; a device or directory is refused.
 * `what` names the file in messages ("exec --process"). *ret is owned and
 * NUL-terminated. Returns 0 or a negative errno with *err set.
 */
int rg_argfile_read(const char *path, const char *what, size_t cap, char **ret, size_t *ret_len,
		    struct rg_error **err);

/* Reads fd to its end, at most cap bytes (more is -EFBIG). *ret is owned and NUL-terminated. */
int rg_argfile_read_fd(int fd, const char *name, size_t cap, char **ret, size_t *ret_len,
		       struct rg_error **err);

/*
 * A memfd named `name` holding text[0..len), sealed against any change
 * (write, grow, shrink, further seals), offset 0, at an fd number >= min_fd,
 * O_CLOEXEC, labelled under SELinux so that `runtime` (the path about to be
 * exec'd; NULL: no label) may read it in the domain it will run in
 * (rg_selinux_label_handover). *ret_fd is the caller's to close. Returns 0
 * or a negative errno.
 */
int rg_argfile_sealed(const char *name, const char *text, size_t len, int min_fd,
		      const char *runtime, int *ret_fd, struct rg_error **err);

/*
 * Hands fd (from rg_argfile_sealed) to the runtime: clears its O_CLOEXEC
 * and writes "/proc/self/fd/N" in *a where flag f's value was ("--process=X"
 * stays one item). runc and crun open that path, which gives a new file
 * description of the memfd read from its start. The fd then belongs to the
 * runtime; the caller must not close it. Returns 0 or a negative errno.
 */
int rg_argfile_hand_over(struct rg_argv *a, const struct rg_cli_flag *f, int fd,
			 struct rg_error **err);

/* Writes value (copied) where flag f's value stood in *a: "--flag=value" or the next item. */
void rg_argfile_set_value(struct rg_argv *a, const struct rg_cli_flag *f, const char *value);

/* The last flag named `name` in flags[0..n) (the one the runtime reads), or NULL. */
const struct rg_cli_flag *rg_argfile_flag(const struct rg_cli_flag *flags, size_t n,
					  const char *name);

#endif
