/* SPDX-License-Identifier: Apache-2.0 */
/* Files named on exec's and update's command lines: read once, handed on sealed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/argfile.h"
#include "runguard/fileio.h"
#include "runguard/selinux.h"
#include "runguard/util.h"

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

int rg_argfile_read(const char *path, const char *what, size_t cap, char **ret, size_t *ret_len,
		    struct rg_error **err)
{
	struct stat st;

	/*
	 * Opened as runc's os.Open opens it (symlinks followed: /dev/fd/63 is
	 * one), and read through this one fd: what is judged is what was read,
	 * whatever happens to the name afterwards. A FIFO blocks until a writer
	 * comes, as it would for the runtime.
	 */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return rg_error_set(err, errno, "%s %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st) < 0)
		return rg_error_set(err, errno, "%s %s: %s", what, path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
		return rg_error_set(err, EINVAL, "%s %s: not a regular file nor a pipe", what,
				    path);
	_cleanup_free_ char *name = rg_xasprintf("%s %s", what, path);
	return rg_argfile_read_fd(fd, name, cap, ret, ret_len, err);
}

int rg_argfile_sealed(const char *name, const char *text, size_t len, int min_fd,
		      const char *runtime, int *ret_fd, struct rg_error **err)
{
	_cleanup_close_ int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return rg_error_set(err, errno, "%s: memfd_create: %s", name, strerror(errno));
	int r = rg_write_all(fd, text, len);
	if (r < 0)
		return rg_error_set(err, -r, "%s: writing the memfd: %s", name, strerror(-r));
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0)
		return rg_error_set(err, errno, "%s: sealing the memfd: %s", name, strerror(errno));
	r = rg_selinux_label_handover(fd, runtime, NULL, err);
	if (r < 0)
		return r;
	if (fd < min_fd) {
		/* Above the fds the caller hands on to the container (--preserve-fds). */
		int high = fcntl(fd, F_DUPFD_CLOEXEC, min_fd);
		if (high < 0)
			return rg_error_set(err, errno, "%s: fcntl(F_DUPFD, %d): %s", name, min_fd,
					    strerror(errno));
		close(fd);
		fd = high;
	}
	*ret_fd = fd;
	fd = -1;
	return 0;
}

void rg_argfile_set_value(struct rg_argv *a, const struct rg_cli_flag *f, const char *value)
{
	if (f->value_index != f->index) {
		rg_argv_set(a, f->value_index, rg_xstrdup(value));
		return;
	}
	const char *arg = a->v[f->index];
	size_t n = (size_t)(strchr(arg, '=') - arg);
	rg_argv_set(a, f->index, rg_xasprintf("%.*s=%s", (int)n, arg, value));
}

int rg_argfile_hand_over(struct rg_argv *a, const struct rg_cli_flag *f, int fd,
			 struct rg_error **err)
{
	int flags = fcntl(fd, F_GETFD);
	if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
		return rg_error_set(err, errno, "fcntl: %s", strerror(errno));
	char path[32];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rg_argfile_set_value(a, f, path);
	return 0;
}

const struct rg_cli_flag *rg_argfile_flag(const struct rg_cli_flag *flags, size_t n,
					  const char *name)
{
	const struct rg_cli_flag *last = NULL;
	for (size_t i = 0; i < n; i++)
		if (rg_streq(flags[i].name, name))
			last = &flags[i];
	return last;
}
