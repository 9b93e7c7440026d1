/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration a passthrough call needs (its path and the runtime),
 * from a cache of the last full parse, so that state/kill/delete/start do
 * not open yajl and parse the file each time.
 *
 * The cache is one small text file per configuration file path,
 * /run/runguard/config-<16 hex digits: a hash of the path>.cache (on a tmpfs
 * on most hosts), root's own:
 *
 *     runguard config cache 1 <version>
 *     <path of the configuration file>
 *     <dev> <ino> <size> <mode> <uid> <mtime s> <mtime ns> <ctime s> <ctime ns>
 *     <runtime, or an empty line for none>
 *
 * It is used only while the file at that path has exactly that identity.
 * Every write to a file, chmod, chown or rename sets its ctime, which no
 * unprivileged caller can set back, so any change to the configuration is
 * seen by the next call. A file changed less than a second before it was
 * read is not cached: ctime ticks coarsely, and a second write in the same
 * tick would leave the identity as it was. A cache that is not a regular
 * file owned by root (or the caller) and writable only by its owner, or
 * that does not read exactly as above, is ignored, as is the cache of
 * another runguard version.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runguard/fileio.h"
#include "runguard/policy.h"
#include "runguard/util.h"

#define CACHE_DIR "/run/runguard"
#define CACHE_PREFIX "config-"
#define CACHE_SUFFIX ".cache"
#define CACHE_MAGIC "runguard config cache 1 " RG_VERSION "\n"
/* Path and runtime are at most PATH_MAX each; the rest is a line of numbers. */
#define CACHE_MAX (2u * 4096u + 256u)
#define RACY_NS 1000000000LL

/* The test build may put the cache elsewhere (RUNGUARD_CACHE_DIR=/abs/dir). */
static const char *cache_dir(void)
{
#ifdef RG_TEST_SWITCHES
	const char *d = getenv("RUNGUARD_CACHE_DIR");
	if (d && d[0] == '/')
		return d;
#endif
	return CACHE_DIR;
}

static void put_field(struct rg_buf *b, unsigned long long v, char sep)
{
	rg_buf_put_uint(b, v);
	rg_buf_putc(b, sep);
}

/* The head of the cache for path with identity st: everything but the runtime
 * (without printf: a passthrough call makes it every time). */
static char *cache_head(const char *path, const struct stat *st)
{
	struct rg_buf b = {0};

	rg_buf_reserve(&b, 256);
	rg_buf_puts(&b, CACHE_MAGIC);
	rg_buf_puts(&b, path);
	rg_buf_putc(&b, '\n');
	put_field(&b, st->st_dev, ' ');
	put_field(&b, st->st_ino, ' ');
	put_field(&b, (unsigned long long)st->st_size, ' ');
	put_field(&b, st->st_mode, ' ');
	put_field(&b, st->st_uid, ' ');
	put_field(&b, (unsigned long long)st->st_mtim.tv_sec, ' ');
	put_field(&b, (unsigned long long)st->st_mtim.tv_nsec, ' ');
	put_field(&b, (unsigned long long)st->st_ctim.tv_sec, ' ');
	put_field(&b, (unsigned long long)st->st_ctim.tv_nsec, '\n');
	return rg_buf_steal(&b);
}

static bool is_same_identity(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mode == b->st_mode && a->st_uid == b->st_uid &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/*
 * The cache's name for the configuration file path: one per path (FNV-1a of
 * it), so that callers with different files (RUNGUARD_CONFIG per runtime
 * class) do not replace each other's. The file names its path: a collision
 * is a miss.
 */
static void put_cache_name(struct rg_buf *b, const char *path)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	rg_buf_puts(b, CACHE_PREFIX);
	for (int shift = 60; shift >= 0; shift -= 4)
		rg_buf_putc(b, hex[(h >> shift) & 0xf]);
	rg_buf_puts(b, CACHE_SUFFIX);
}

/* Reads path's cache; NULL when there is none to trust (the caller then parses). */
static char *read_cache(const char *path, size_t *ret_len)
{
	struct rg_buf name = {0};
	rg_buf_puts(&name, cache_dir());
	rg_buf_putc(&name, '/');
	put_cache_name(&name, path);
	_cleanup_free_ char *file = rg_buf_steal(&name);
	_cleanup_close_ int fd =
	    open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	/* Whoever can write the cache could name any runtime. */
	if (!rg_config_is_trusted_owner(&st) || (size_t)st.st_size >= CACHE_MAX)
		return NULL;
	_cleanup_free_ char *buf = rg_xmalloc((size_t)st.st_size + 1);
	ssize_t n = read(fd, buf, (size_t)st.st_size + 1);
	if (n != (ssize_t)st.st_size)
		return NULL;
	buf[n] = '\0';
	*ret_len = (size_t)n;
	return steal_ptr(&buf);
}

/*
 * The runtime the cache holds for path with identity st: 1 with *ret_runtime
 * set (NULL for none), 0 when the cache does not answer for this file.
 */
static int cached_runtime(const char *path, const struct stat *st, char **ret_runtime)
{
	size_t len = 0;
	_cleanup_free_ char *buf = read_cache(path, &len);
	if (!buf)
		return 0;
	_cleanup_free_ char *head = cache_head(path, st);
	size_t n = strlen(head);
	if (len <= n || memcmp(buf, head, n) != 0 || buf[len - 1] != '\n')
		return 0;
	char *runtime = buf + n;
	buf[len - 1] = '\0';
	/* One line, and what the configuration allows: an absolute path or nothing. */
	if (strlen(runtime) != len - 1 - n || strchr(runtime, '\n') ||
	    (runtime[0] && runtime[0] != '/'))
		return 0;
	*ret_runtime = runtime[0] ? rg_xstrdup(runtime) : NULL;
	return 1;
}

static bool is_racy(const struct stat *st)
{
	struct timespec now;
	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return true;
	long long age = ((long long)now.tv_sec - (long long)st->st_ctim.tv_sec) * 1000000000LL +
			(now.tv_nsec - st->st_ctim.tv_nsec);
	return age < RACY_NS;
}

struct cache_text {
	const char *head;
	const char *runtime;
};

static int fill_cache(int fd, void *ctx)
{
	const struct cache_text *t = ctx;
	int r = rg_write_all(fd, t->head, strlen(t->head));
	if (r == 0)
		r = rg_write_all(fd, t->runtime, strlen(t->runtime));
	return r < 0 ? r : rg_write_all(fd, "\n", 1);
}

/* Best effort: a cache that cannot be written only costs the next call a parse. */
static void write_cache(const struct rg_config *c, const struct stat *st)
{
	const char *runtime = c->runtime ? c->runtime : "";
	if (strchr(c->path, '\n') || strchr(runtime, '\n') || is_racy(st))
		return;
	const char *dir = cache_dir();
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0)
		return;
	_cleanup_free_ char *head = cache_head(c->path, st);
	struct cache_text t = {head, runtime};
	struct rg_buf name = {0};
	put_cache_name(&name, c->path);
	_cleanup_free_ char *base = rg_buf_steal(&name);
	struct rg_error *err = NULL;
	/* Not synced: a cache lost or cut short by a crash reads wrong, and the
	 * file is parsed again. */
	if (rg_file_replace_fill_at(dirfd, base, base, NULL, 0600, false, fill_cache, &t, &err) < 0)
		rg_error_free(err);
}

int rg_config_load_passthrough(bool is_all_needed, struct rg_config *ret, struct rg_error **err)
{
	bool is_explicit = false;
	const char *path = rg_config_path(&is_explicit);
	struct stat before, after;

	/* No file: the embedded default, which costs no parse anyway. A file
	 * rg_config_load would refuse is left to it to say so. */
	if (is_all_needed || stat(path, &before) < 0 || !S_ISREG(before.st_mode) ||
	    !rg_config_is_trusted_owner(&before))
		return rg_config_load(NULL, ret, err);
	char *runtime = NULL;
	if (cached_runtime(path, &before, &runtime)) {
		*ret = (struct rg_config){.mode = RG_MODE_ENFORCE, .is_loaded = true};
		ret->path = rg_xstrdup(path);
		ret->runtime = runtime;
		return 0;
	}
	int r = rg_config_load(NULL, ret, err);
	/* Cached only if the file parsed is the one stat saw before. */
	if (r == 0 && ret->is_loaded && stat(path, &after) == 0 &&
	    is_same_identity(&before, &after))
		write_cache(ret, &after);
	return r;
}
