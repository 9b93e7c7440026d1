/* SPDX-License-Identifier: Apache-2.0 */
/* Files named on exec's and update's command lines: checked read, atomic rewrite. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/argfile.h"
#include "runguard/fileio.h"
#include "runguard/util.h"

static bool is_trusted_owner(const struct stat *st)
{
	return st->st_uid == 0 || st->st_uid == geteuid();
}

int rg_argfile_read_fd(int fd, const char *name, size_t cap, char **ret, size_t *ret_len,
		       struct rg_error **err)
{
	size_t len = 0, size = 16 * 1024;
	_cleanup_free_ char *buf = rg_xmalloc(size + 1);

	for (;;) {
		if (len == size) {
			if (size > cap)
				break;
			size *= 2;
			buf = rg_xrealloc(buf, size + 1);
		}
		ssize_t r = read(fd, buf + len, size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return rg_error_set(err, errno, "%s: read: %s", name, strerror(errno));
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > cap)
			break;
	}
	if (len > cap)
		return rg_error_set(err, EFBIG, "%s: larger than the limit of %zu bytes", name,
				    cap);
	buf[len] = '\0';
	*ret = steal_ptr(&buf);
	*ret_len = len;
	return 0;
}

void rg_argfile_close(struct rg_argfile *f)
{
	if (f->dirfd >= 0)
		close(f->dirfd);
	free(f->path);
	free(f->base);
	free(f->text);
	*f = (struct rg_argfile){.dirfd = -1};
}

static int check_dir(int dirfd, const char *what, const char *path, struct rg_error **err)
{
	struct stat st;

	if (fstat(dirfd, &st) < 0)
		return rg_error_set(err, errno, "%s %s: directory: %s", what, path,
				    strerror(errno));
	if (!is_trusted_owner(&st))
		return rg_error_set(
		    err, EPERM,
		    "%s %s: its directory is owned by uid %u, not by root or the "
		    "caller; refusing, the file could be swapped before the runtime "
		    "reads it",
		    what, path, (unsigned)st.st_uid);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return rg_error_set(
		    err, EPERM,
		    "%s %s: its directory is writable by group or others and not "
		    "sticky (mode %04o); refusing, the file could be swapped before "
		    "the runtime reads it",
		    what, path, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* Opens and reads the file into f (whose path and base are set). */
static int load(struct rg_argfile *f, const char *dir, const char *what, size_t cap,
		struct rg_error **err)
{
	const char *path = f->path;

	if (!*f->base || rg_streq(f->base, ".") || rg_streq(f->base, ".."))
		return rg_error_set(err, EINVAL, "%s %s: not a file name", what, path);
	f->dirfd = open(dir ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd < 0)
		return rg_error_set(err, errno, "%s %s: %s", what, path, strerror(errno));
	int r = check_dir(f->dirfd, what, path, err);
	if (r < 0)
		return r;
	/* O_NONBLOCK: a FIFO must not hang us; O_NOFOLLOW: nor may a symlink redirect us. */
	_cleanup_close_ int fd =
	    openat(f->dirfd, f->base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return rg_error_set(err, errno, "%s %s: %s", what, path,
				    errno == ELOOP ? "is a symlink; refusing" : strerror(errno));
	if (fstat(fd, &f->st) < 0)
		return rg_error_set(err, errno, "%s %s: %s", what, path, strerror(errno));
	if (!S_ISREG(f->st.st_mode))
		return rg_error_set(err, EINVAL, "%s %s: not a regular file", what, path);
	if (!is_trusted_owner(&f->st) || (f->st.st_mode & (S_IWGRP | S_IWOTH)))
		return rg_error_set(err, EPERM,
				    "%s %s: must be owned by root (or the caller) and writable by "
				    "nobody else (owner uid %u, mode %04o)",
				    what, path, (unsigned)f->st.st_uid,
				    (unsigned)(f->st.st_mode & 07777));
	_cleanup_free_ char *name = rg_xasprintf("%s %s", what, path);
	return rg_argfile_read_fd(fd, name, cap, &f->text, &f->len, err);
}

int rg_argfile_load(const char *path, const char *what, size_t cap, struct rg_argfile *ret,
		    struct rg_error **err)
{
	struct rg_argfile f = {.dirfd = -1};
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir = slash ? rg_xstrndup(path, (size_t)(slash - path)) : NULL;

	f.path = rg_xstrdup(path);
	f.base = rg_xstrdup(slash ? slash + 1 : path);
	int r = load(&f, dir, what, cap, err);
	if (r < 0) {
		rg_argfile_close(&f);
		return r;
	}
	*ret = f;
	return 0;
}

int rg_argfile_replace(struct rg_argfile *f, const char *text, size_t len, struct rg_error **err)
{
	struct stat now;

	if (fstatat(f->dirfd, f->base, &now, AT_SYMLINK_NOFOLLOW) < 0 ||
	    now.st_dev != f->st.st_dev || now.st_ino != f->st.st_ino)
		return rg_error_set(err, EBUSY,
				    "%s: replaced while runguard was reading it; "
				    "refusing",
				    f->path);
	return rg_file_replace_at(f->dirfd, f->base, f->path, &f->st, 0, text, len, err);
}
