/* SPDX-License-Identifier: Apache-2.0 */
/* Whole-file helpers: capped reads, atomic replacement, backups. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runguard/fileio.h"
#include "runguard/util.h"

int rg_file_read(const char *path, size_t max, char **ret, size_t *ret_len, struct rg_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	struct rg_buf b = {0};
	char chunk[16384];

	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0 || fstat(fd, &st) < 0)
		return rg_error_set(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return rg_error_set(err, EINVAL, "%s: not a regular file", path);
	/* To EOF, not to st_size: /proc and /sys files say 0 or 4096. */
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			rg_buf_free(&b);
			return rg_error_set(err, e, "%s: read: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		if (b.len + (size_t)r > max) {
			rg_buf_free(&b);
			return rg_error_set(err, EFBIG, "%s: larger than %zu bytes", path, max);
		}
		rg_buf_append(&b, chunk, (size_t)r);
	}
	rg_buf_append(&b, "", 0);
	*ret_len = b.len;
	*ret = rg_buf_steal(&b);
	return 0;
}

bool rg_file_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int rg_mkdir_p(const char *path, mode_t mode, struct rg_error **err)
{
	_cleanup_free_ char *p = rg_xstrdup(path);
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return rg_error_set(err, errno, "mkdir %s: %s", p, strerror(errno));
		struct stat st;
		if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
			return rg_error_set(err, ENOTDIR, "%s: not a directory", p);
		*s = c;
		if (c == '\0')
			return 0;
	}
}

/* Writes data to a new file `path` (O_EXCL) with mode and owner, fsynced. */
static int write_new(const char *path, const char *data, size_t len, mode_t mode, uid_t uid,
		     gid_t gid, struct rg_error **err)
{
	_cleanup_close_ int fd =
	    open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 07777);
	if (fd < 0)
		return rg_error_set(err, errno, "%s: %s", path, strerror(errno));
	int r = rg_write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode & 07777) < 0)
		r = -errno;
	if (r == 0 && fchown(fd, uid, gid) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r < 0) {
		unlink(path);
		return rg_error_set(err, -r, "%s: %s", path, strerror(-r));
	}
	return 0;
}

int rg_file_replace_fill_at(int dirfd, const char *base, const char *label, const struct stat *like,
			    mode_t new_mode, bool durable, int (*fill)(int fd, void *ctx),
			    void *ctx, struct rg_error **err)
{
	unsigned char rnd[8];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return rg_error_set(err, errno ? errno : EIO, "%s: getrandom: %s", label,
				    strerror(errno));
	/* A dot name with a random suffix: no drop-in glob (*.toml, *.conf) matches it. */
	_cleanup_free_ char *tmp =
	    rg_xasprintf(".%.200s.runguard-%02x%02x%02x%02x%02x%02x%02x%02x", base, rnd[0], rnd[1],
			 rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	_cleanup_close_ int fd =
	    openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return rg_error_set(err, errno, "%s: cannot create a temporary file: %s", label,
				    strerror(errno));

	const char *step = "fchown";
	int r;
	if (like && fchown(fd, like->st_uid, like->st_gid) < 0)
		goto fail;
	step = "fchmod";
	if (fchmod(fd, (like ? like->st_mode : new_mode) & 07777) < 0)
		goto fail;
	step = "write";
	r = fill(fd, ctx);
	if (r < 0) {
		errno = -r;
		goto fail;
	}
	step = "fsync";
	if (durable && fsync(fd) < 0)
		goto fail;
	step = "close";
	if (close(steal_fd(&fd)) < 0)
		goto fail;
	step = "rename";
	if (renameat(dirfd, tmp, dirfd, base) < 0)
		goto fail;
	/* The rename is durable only once the directory is synced. */
	if (durable && fsync(dirfd) < 0)
		return rg_error_set(err, errno, "%s: fsync of its directory: %s", label,
				    strerror(errno));
	return 0;
fail:;
	int saved = errno;
	unlinkat(dirfd, tmp, 0);
	return rg_error_set(err, saved, "%s: saving failed (%s: %s); the original is unchanged",
			    label, step, strerror(saved));
}

struct bytes {
	const char *data;
	size_t len;
};

static int write_bytes(int fd, void *ctx)
{
	const struct bytes *b = ctx;
	return rg_write_all(fd, b->data, b->len);
}

int rg_file_replace_at(int dirfd, const char *base, const char *label, const struct stat *like,
		       mode_t new_mode, const char *data, size_t len, struct rg_error **err)
{
	struct bytes b = {data, len};
	return rg_file_replace_fill_at(dirfd, base, label, like, new_mode, true, write_bytes, &b,
				       err);
}

int rg_file_replace(const char *path, const char *data, size_t len, mode_t new_mode,
		    struct rg_error **err)
{
	struct stat st;
	bool exists = stat(path, &st) == 0;

	if (exists && !S_ISREG(st.st_mode))
		return rg_error_set(err, EINVAL, "%s: not a regular file", path);
	_cleanup_free_ char *d = rg_xstrdup(path);
	_cleanup_free_ char *b = rg_xstrdup(path);
	_cleanup_close_ int dirfd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return rg_error_set(err, errno, "%s: its directory: %s", path, strerror(errno));
	return rg_file_replace_at(dirfd, basename(b), path, exists ? &st : NULL, new_mode, data,
				  len, err);
}

int rg_file_backup(const char *path, char **ret_backup, struct rg_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	struct stat st;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	int r = rg_file_read(path, 64u * 1024u * 1024u, &data, &len, err);
	if (r == -ENOENT)
		return rg_error_set(err, ENOENT, "%s: %s", path, strerror(ENOENT));
	if (r < 0)
		return r;
	if (stat(path, &st) < 0)
		return rg_error_set(err, errno, "%s: %s", path, strerror(errno));
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int i = 0; i < 100; i++) {
		_cleanup_free_ char *name =
		    i ? rg_xasprintf("%s.runguard-bak-%s-%d", path, stamp, i)
		      : rg_xasprintf("%s.runguard-bak-%s", path, stamp);
		struct rg_error *e = NULL;
		r = write_new(name, data, len, st.st_mode, st.st_uid, st.st_gid, &e);
		if (r == -EEXIST) {
			rg_error_free(e);
			continue;
		}
		if (r < 0) {
			*err = e;
			return r;
		}
		*ret_backup = steal_ptr(&name);
		return 0;
	}
	return rg_error_set(err, EEXIST, "%s: too many backups named %s.runguard-bak-%s*", path,
			    path, stamp);
}
