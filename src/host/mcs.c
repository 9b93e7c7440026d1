/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MCS reservation store (layout and liveness: src/host/mcs.h).
 *
 * Every reader and writer holds an exclusive flock(2) on <dir>/lock, so a
 * garbage collection never races an allocation; the pair files are created
 * with O_EXCL besides, so two writers could never hold the same pair even if
 * the lock were broken. Everything is opened relative to the store's
 * directory fd, O_NOFOLLOW, and the store must belong to us and be writable
 * by nobody else: whoever can write it can hand out someone else's pair.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runguard/json.h"
#include "mcs.h"
#include "runguard/sha256.h"
#include "runguard/util.h"

#define RECORD_MAX 4096 /* bytes of one record */
#define RECORDS_MAX 65536 /* records read per scan: bounds the work of one call */
#define RANDOM_TRIES 256 /* random picks before sweeping the whole space */
#define STATE_MAX (4u << 20) /* a runtime's state file we read to see if it runs */
#define DIGEST_LEN 16
#define PAIR_LEN 32 /* "c1023,c1023" fits with room: the compiler cannot bound %u */

struct store {
	int dirfd;
	int pairs_fd;
	int ids_fd;
	int lock_fd;
};

struct record {
	char *name; /* file name in ids/ */
	char *id;
	char pair[PAIR_LEN];
	char *key;
	bool is_pod;
	long long pid;
	unsigned long long start;
	char *root;
	bool is_garbage; /* unparseable, or a stray temp file */
	bool is_live;
};

struct records {
	struct record *v;
	size_t n;
};

static bool is_id_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '+' || c == '-' || c == '.';
}

bool rg_mcs_id_is_valid(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > RG_MCS_ID_MAX || rg_streq(id, ".") || rg_streq(id, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_id_char(id[i]))
			return false;
	return true;
}

static char *record_name(const char *id, const char *root)
{
	struct rg_sha256 s;
	char hex[65];
	rg_sha256_init(&s);
	rg_sha256_update(&s, root, strlen(root));
	rg_sha256_hex(&s, hex);
	return rg_xasprintf("%s@%.*s", id, DIGEST_LEN, hex);
}

/* "cA,cB" with 0 <= A < B < RG_MCS_CATEGORIES, in canonical form. */
static bool pair_is_valid(const char *s)
{
	unsigned a, b;
	int n = 0;
	if (sscanf(s, "c%u,c%u%n", &a, &b, &n) != 2 || s[n] != '\0' || a >= b ||
	    b >= RG_MCS_CATEGORIES)
		return false;
	char canon[PAIR_LEN];
	snprintf(canon, sizeof(canon), "c%u,c%u", a, b);
	return rg_streq(canon, s);
}

/* ---- processes and containers ---- */

/*
 * Start time of pid (clock ticks after boot, /proc/<pid>/stat field 22):
 * 0 with *ret set, -ENOENT when there is no such process, another negative
 * errno when it cannot be told.
 */
static int proc_start(long long pid, unsigned long long *ret)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? -ENOENT : -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	buf[n] = '\0';
	/* The command name may hold spaces and parens: fields restart after the last ')'. */
	const char *p = strrchr(buf, ')');
	if (p && (p[1] != ' ' || p[2] == 'Z' || p[2] == 'X'))
		return p[1] == ' ' ? -ENOENT : -EIO; /* a zombie runs no more */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -EIO;
	*ret = strtoull(p + 1, NULL, 10);
	return 0;
}

/*
 * Does the process that wrote a record still run? Only a definite answer
 * lets a collection take its pair: when /proc cannot tell (or the record has
 * no start time), the process counts as running.
 */
static bool process_is(long long pid, unsigned long long start)
{
	unsigned long long now;
	if (pid <= 0)
		return false;
	int r = proc_start(pid, &now);
	if (r == -ENOENT)
		return false;
	return r < 0 || start == 0 || now == start;
}

static unsigned long long own_start(void)
{
	unsigned long long v = 0;
	return proc_start(getpid(), &v) == 0 ? v : 0;
}

static int read_at(int dirfd, const char *name, size_t cap, char **ret)
{
	_cleanup_close_ int fd =
	    openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > cap)
		return -EINVAL;
	_cleanup_free_ char *buf = rg_xmalloc((size_t)st.st_size + 1);
	size_t len = 0;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = steal_ptr(&buf);
	return (int)len;
}

/*
 * Would `runc delete` (no --force) refuse this container because it still
 * runs? A created container (exec.fifo present) is killed by delete, a
 * stopped one is gone; when we cannot tell, say it runs: keeping a pair a
 * little longer is safe, handing out a pair still in use is not.
 */
static bool container_runs(const char *root, const char *id)
{
	static const struct {
		const char *file, *pid, *start;
	} kinds[] = {
	    {"state.json", "init_process_pid", "init_process_start"}, /* runc */
	    {"status", "pid", "process-start-time"}, /* crun */
	};
	_cleanup_free_ char *dir = rg_xasprintf("%s/%s", root, id);
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (dfd < 0)
		return errno != ENOENT && errno != ENOTDIR;
	if (fstatat(dfd, "exec.fifo", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return false;
	for (size_t i = 0; i < RG_ARRAY_SIZE(kinds); i++) {
		_cleanup_free_ char *text = NULL;
		int n = read_at(dfd, kinds[i].file, STATE_MAX, &text);
		if (n == -ENOENT)
			continue;
		if (n < 0)
			return true;
		_cleanup_json_ struct rg_json *j =
		    rg_json_parse(text, (size_t)n, kinds[i].file, NULL, NULL);
		long long pid, start;
		if (!j || rg_json_int64(rg_json_get(j, kinds[i].pid), &pid) < 0 ||
		    rg_json_int64(rg_json_get(j, kinds[i].start), &start) < 0)
			return true;
		return process_is(pid, (unsigned long long)start);
	}
	return false;
}

/* ---- the store ---- */

static int check_dir(int fd, const char *path, struct rg_error **err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return rg_error_set(err, errno, "MCS store %s: %s", path, strerror(errno));
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return rg_error_set(err, EPERM,
				    "MCS store %s: must be owned by uid %u and writable by nobody "
				    "else (owner uid %u, mode %04o)",
				    path, (unsigned)geteuid(), (unsigned)st.st_uid,
				    (unsigned)(st.st_mode & 07777));
	return 0;
}

/* mkdir -p: missing parents 0755, the store itself 0700. */
static int make_dirs(const char *dir)
{
	_cleanup_free_ char *p = rg_xstrdup(dir);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(p, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

static int open_sub(int dirfd, const char *dir, const char *name, bool create, int *ret,
		    struct rg_error **err)
{
	if (create && mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return rg_error_set(err, errno, "MCS store %s/%s: %s", dir, name, strerror(errno));
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !create)
		return -ENOENT;
	if (fd < 0)
		return rg_error_set(err, errno, "MCS store %s/%s: %s", dir, name, strerror(errno));
	*ret = fd;
	_cleanup_free_ char *path = rg_xasprintf("%s/%s", dir, name);
	return check_dir(fd, path, err);
}

static void store_close(struct store *s)
{
	int *fds[] = {&s->lock_fd, &s->ids_fd, &s->pairs_fd, &s->dirfd};
	for (size_t i = 0; i < RG_ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* Opens (and with create, makes) the store. -ENOENT without *err: no store yet. */
static int store_open(const char *dir, bool create, struct store *s, struct rg_error **err)
{
	*s = (struct store){-1, -1, -1, -1};
	if (!dir || dir[0] != '/')
		return rg_error_set(err, EINVAL, "MCS store '%s': not an absolute path",
				    dir ? dir : "");
	if (create && make_dirs(dir) < 0)
		return rg_error_set(err, errno, "MCS store %s: %s", dir, strerror(errno));
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dirfd < 0)
		return errno == ENOENT && !create
			   ? -ENOENT
			   : rg_error_set(err, errno, "MCS store %s: %s", dir, strerror(errno));
	int r = check_dir(s->dirfd, dir, err);
	if (r == 0)
		r = open_sub(s->dirfd, dir, "pairs", create, &s->pairs_fd, err);
	if (r == 0)
		r = open_sub(s->dirfd, dir, "ids", create, &s->ids_fd, err);
	if (r == 0) {
		s->lock_fd =
		    openat(s->dirfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (s->lock_fd < 0)
			r = rg_error_set(err, errno, "MCS store %s/lock: %s", dir, strerror(errno));
	}
	if (r < 0)
		store_close(s);
	return r;
}

/* Takes the store's lock, waiting at most timeout_ms. */
static int store_lock(struct store *s, const char *dir, int timeout_ms, struct rg_error **err)
{
	struct timespec start, now;
	long pause_us = 1000;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return rg_error_set(err, errno, "MCS store %s/lock: %s", dir,
					    strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms =
		    (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms >= timeout_ms)
			return rg_error_set(err, ETIMEDOUT,
					    "MCS store %s/lock: still held by another process "
					    "after %d ms",
					    dir, timeout_ms);
		usleep((useconds_t)pause_us);
		pause_us = pause_us < 16000 ? pause_us * 2 : pause_us;
	}
	return 0;
}

/* ---- records ---- */

static void record_free(struct record *r)
{
	free(r->name);
	free(r->id);
	free(r->key);
	free(r->root);
}

static void records_free(struct records *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		record_free(&rs->v[i]);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

/* Splits name "<id>@<digest>"; false for anything else. */
static bool parse_name(const char *name, struct record *r)
{
	const char *at = strrchr(name, '@');
	if (!at || strlen(at + 1) != DIGEST_LEN)
		return false;
	for (const char *p = at + 1; *p; p++)
		if (!isxdigit((unsigned char)*p))
			return false;
	_cleanup_free_ char *id = rg_xstrndup(name, (size_t)(at - name));
	if (!rg_mcs_id_is_valid(id))
		return false;
	r->id = steal_ptr(&id);
	return true;
}

/* Record text: "pair cA,cB\nkey K\npod 0|1\npid P START\nroot /abs\n". */
static bool parse_record(char *text, struct record *r)
{
	unsigned seen = 0;
	int pod;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			return false;
		*sp++ = '\0';
		if (rg_streq(line, "pair") && strlen(sp) < PAIR_LEN && pair_is_valid(sp)) {
			strcpy(r->pair, sp);
			seen |= 1;
		} else if (rg_streq(line, "key") && rg_mcs_id_is_valid(sp) && !r->key) {
			r->key = rg_xstrdup(sp);
			seen |= 2;
		} else if (rg_streq(line, "pod") && sscanf(sp, "%d", &pod) == 1) {
			r->is_pod = pod == 1;
			seen |= 4;
		} else if (rg_streq(line, "pid") &&
			   sscanf(sp, "%lld %llu", &r->pid, &r->start) == 2) {
			seen |= 8;
		} else if (rg_streq(line, "root") && sp[0] == '/' && !r->root) {
			r->root = rg_xstrdup(sp);
			seen |= 16;
		} else {
			return false;
		}
	}
	return seen == 31;
}

static void load_one(struct store *s, const char *name, struct record *r)
{
	_cleanup_free_ char *text = NULL;
	memset(r, 0, sizeof(*r));
	r->name = rg_xstrdup(name);
	r->is_garbage = !parse_name(name, r) || read_at(s->ids_fd, name, RECORD_MAX, &text) < 0 ||
			!parse_record(text, r);
}

/* Reads every record (and notes garbage: stray temp files, unparseable records). */
static int records_load(struct store *s, struct records *ret, struct rg_error **err)
{
	int fd = fcntl(s->ids_fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return rg_error_set(err, e, "MCS store: reading records: %s", strerror(e));
	}
	rewinddir(d);
	struct records rs = {0};
	size_t cap = 0;
	for (struct dirent *de; (de = readdir(d)) && rs.n < RECORDS_MAX;) {
		if (rg_streq(de->d_name, ".") || rg_streq(de->d_name, ".."))
			continue;
		if (rs.n == cap) {
			cap = cap ? cap * 2 : 64;
			rs.v = rg_xrealloc(rs.v, cap * sizeof(*rs.v));
		}
		load_one(s, de->d_name, &rs.v[rs.n++]);
	}
	closedir(d);
	*ret = rs;
	return 0;
}

/*
 * Live: its reserver still runs, or the container exists in its runtime's
 * state directory. The order matters: the reserver (runguard, then the
 * runtime it became) creates that directory and then exits, so looking at
 * the directory first could see neither the directory (not yet made) nor
 * the process (gone just after making it). Once the process is gone, the
 * directory is there for good or never will be.
 */
static bool record_is_live(const struct record *r)
{
	if (process_is(r->pid, r->start))
		return true;
	_cleanup_free_ char *path = rg_xasprintf("%s/%s", r->root, r->id);
	struct stat st;
	if (lstat(path, &st) == 0)
		return true;
	return errno != ENOENT && errno != ENOTDIR; /* cannot tell: keep */
}

static bool pair_used(const struct records *rs, const char *pair, const char *except)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct record *r = &rs->v[i];
		if (r->is_live && rg_streq(r->pair, pair) && !(except && rg_streq(r->name, except)))
			return true;
	}
	return false;
}

/* Under the lock: drops dead records and garbage, then pairs no live record uses. */
static unsigned gc_locked(struct store *s, struct records *rs)
{
	unsigned collected = 0;
	for (size_t i = 0; i < rs->n; i++) {
		struct record *r = &rs->v[i];
		r->is_live = !r->is_garbage && record_is_live(r);
		if (!r->is_live && unlinkat(s->ids_fd, r->name, 0) == 0)
			collected++;
	}
	int fd = fcntl(s->pairs_fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return collected;
	}
	rewinddir(d);
	for (struct dirent *de; (de = readdir(d));) {
		if (rg_streq(de->d_name, ".") || rg_streq(de->d_name, ".."))
			continue;
		if (!pair_used(rs, de->d_name, NULL))
			unlinkat(s->pairs_fd, de->d_name, 0);
	}
	closedir(d);
	return collected;
}

static int write_record(struct store *s, const char *name, const char *pair, const char *key,
			bool is_pod, const char *root, struct rg_error **err)
{
	_cleanup_free_ char *text =
	    rg_xasprintf("pair %s\nkey %s\npod %d\npid %lld %llu\nroot %s\n", pair, key,
			 is_pod ? 1 : 0, (long long)getpid(), own_start(), root);
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "tmp.%lld", (long long)getpid());
	_cleanup_close_ int fd =
	    openat(s->ids_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	int r = fd < 0 ? -errno : rg_write_all(fd, text, strlen(text));
	if (r == 0 && renameat(s->ids_fd, tmp, s->ids_fd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(s->ids_fd, tmp, 0);
		return rg_error_set(err, -r, "MCS store: writing record %s: %s", name,
				    strerror(-r));
	}
	return 0;
}

/* ---- choosing a pair ---- */

static int random_u32(uint32_t *ret)
{
	for (;;) {
		ssize_t n = getrandom(ret, sizeof(*ret), 0);
		if (n == (ssize_t)sizeof(*ret))
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* Pair number i (0 .. C*(C-1)/2 - 1) as "cA,cB". */
static void pair_of_index(uint32_t i, char out[PAIR_LEN])
{
	unsigned a = 0, row = RG_MCS_CATEGORIES - 1;
	while (i >= row) {
		i -= row--;
		a++;
	}
	snprintf(out, PAIR_LEN, "c%u,c%u", a, a + 1 + i);
}

/* Creates pairs/<pair> with O_EXCL: random picks, then a sweep from a random start. */
static int create_pair(struct store *s, const char *owner, char out[PAIR_LEN],
		       struct rg_error **err)
{
	const uint32_t total = RG_MCS_CATEGORIES * (RG_MCS_CATEGORIES - 1) / 2;
	uint32_t x;
	int r = random_u32(&x);
	if (r < 0)
		return rg_error_set(err, -r, "MCS store: getrandom: %s", strerror(-r));
	for (uint32_t k = 0; k < RANDOM_TRIES + total; k++) {
		if (k < RANDOM_TRIES && (r = random_u32(&x)) < 0)
			return rg_error_set(err, -r, "MCS store: getrandom: %s", strerror(-r));
		/* 2^32 is no multiple of total: rejecting the tail keeps picks uniform. */
		if (k < RANDOM_TRIES && x >= UINT32_MAX - UINT32_MAX % total)
			continue;
		pair_of_index(k < RANDOM_TRIES ? x % total : (x + k) % total, out);
		_cleanup_close_ int fd = openat(
		    s->pairs_fd, out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0)
			return rg_error_set(err, errno, "MCS store: pairs/%s: %s", out,
					    strerror(errno));
		_cleanup_free_ char *text = rg_xasprintf("%s\n", owner);
		r = rg_write_all(fd, text, strlen(text));
		if (r < 0) {
			unlinkat(s->pairs_fd, out, 0);
			return rg_error_set(err, -r, "MCS store: pairs/%s: %s", out, strerror(-r));
		}
		return 0;
	}
	return rg_error_set(err, ENOSPC, "MCS store: all %u category pairs are reserved", total);
}

static const struct record *find_live(const struct records *rs, const char *name,
				      const struct rg_mcs_owner *pod_of)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct record *r = &rs->v[i];
		if (!r->is_live)
			continue;
		if (name && rg_streq(r->name, name))
			return r;
		if (pod_of && r->is_pod &&
		    rg_streq(r->key, pod_of->pod ? pod_of->pod : pod_of->id) &&
		    rg_streq(r->root, pod_of->root))
			return r;
	}
	return NULL;
}

static int reserve_locked(struct store *s, const struct rg_mcs_owner *o, char **ret_cats,
			  struct rg_error **err)
{
	struct records rs = {0};
	_cleanup_free_ char *name = record_name(o->id, o->root);
	char pair[PAIR_LEN];

	int r = records_load(s, &rs, err);
	if (r < 0)
		return r;
	gc_locked(s, &rs);
	/* Created again (a retry): keep what it has. */
	const struct record *own = find_live(&rs, name, NULL);
	const struct record *pod = own || !o->is_pod ? NULL : find_live(&rs, NULL, o);
	if (own) {
		*ret_cats = rg_xstrdup(own->pair);
		records_free(&rs);
		return 0; /* not ours to roll back */
	}
	if (pod)
		snprintf(pair, sizeof(pair), "%s", pod->pair);
	records_free(&rs);
	if (!pod && (r = create_pair(s, name, pair, err)) < 0)
		return r;
	r = write_record(s, name, pair, o->pod ? o->pod : o->id, o->is_pod, o->root, err);
	if (r < 0) {
		if (!pod)
			unlinkat(s->pairs_fd, pair, 0);
		return r;
	}
	*ret_cats = rg_xstrdup(pair);
	return 1;
}

int rg_mcs_reserve(const char *dir, const struct rg_mcs_owner *o, char **ret_cats,
		   struct rg_error **err)
{
	struct store s;

	if (!rg_mcs_id_is_valid(o->id))
		return rg_error_set(err, EINVAL, "container id '%s' cannot name an MCS reservation",
				    o->id ? o->id : "");
	if (o->pod && !rg_mcs_id_is_valid(o->pod))
		return rg_error_set(err, EINVAL, "sandbox id '%s' is not a valid container id",
				    o->pod);
	if (!o->root || o->root[0] != '/' || strchr(o->root, '\n'))
		return rg_error_set(err, EINVAL, "runtime root '%s' is not an absolute path",
				    o->root ? o->root : "");
	int r = store_open(dir, true, &s, err);
	if (r == 0)
		r = store_lock(&s, dir, 10000, err);
	if (r == 0)
		r = reserve_locked(&s, o, ret_cats, err);
	store_close(&s);
	return r;
}

int rg_mcs_peek(const char *dir, char **ret_cats, struct rg_error **err)
{
	struct store s;
	const uint32_t total = RG_MCS_CATEGORIES * (RG_MCS_CATEGORIES - 1) / 2;
	char pair[PAIR_LEN];
	uint32_t x = 0;
	struct stat st;

	/* A dry run must not fail on the store: without one, any pair is free. */
	store_open(dir, false, &s, NULL);
	for (int k = 0; k < RANDOM_TRIES; k++) {
		int r = random_u32(&x);
		if (r < 0) {
			store_close(&s);
			return rg_error_set(err, -r, "getrandom: %s", strerror(-r));
		}
		pair_of_index(x % total, pair);
		if (s.pairs_fd < 0 || fstatat(s.pairs_fd, pair, &st, AT_SYMLINK_NOFOLLOW) < 0)
			break;
	}
	store_close(&s);
	*ret_cats = rg_xstrdup(pair);
	return 0;
}

static int release_locked(struct store *s, const char *id, const char *root, bool is_forced,
			  struct rg_error **err)
{
	_cleanup_free_ char *name = record_name(id, root);
	_cleanup_free_ char *text = NULL;
	struct record rec = {0};

	if (read_at(s->ids_fd, name, RECORD_MAX, &text) < 0 || !parse_record(text, &rec)) {
		record_free(&rec);
		return 0; /* none, or garbage that the next collection removes */
	}
	if (!is_forced && container_runs(root, id)) {
		record_free(&rec);
		return 0; /* delete will refuse it; collected once it is gone */
	}
	int r = 0;
	if (unlinkat(s->ids_fd, name, 0) < 0)
		r = rg_error_set(err, errno, "MCS store: ids/%s: %s", name, strerror(errno));
	bool is_used = false;
	if (r == 0 && rec.is_pod) {
		struct records rs = {0};
		r = records_load(s, &rs, err);
		for (size_t i = 0; r == 0 && i < rs.n; i++) {
			struct record *o = &rs.v[i];
			o->is_live = !o->is_garbage && record_is_live(o);
		}
		is_used = r < 0 || pair_used(&rs, rec.pair, name);
		records_free(&rs);
	}
	if (r == 0 && !is_used)
		unlinkat(s->pairs_fd, rec.pair, 0);
	record_free(&rec);
	return r;
}

int rg_mcs_release(const char *dir, const char *id, const char *root, bool is_forced,
		   int timeout_ms, struct rg_error **err)
{
	struct store s;

	if (!rg_mcs_id_is_valid(id) || !root || root[0] != '/')
		return 0; /* no such record can exist */
	int r = store_open(dir, false, &s, err);
	if (r == -ENOENT)
		return 0;
	if (r == 0)
		r = store_lock(&s, dir, timeout_ms, err);
	if (r == 0)
		r = release_locked(&s, id, root, is_forced, err);
	store_close(&s);
	return r;
}

int rg_mcs_gc(const char *dir, unsigned *ret_collected, struct rg_error **err)
{
	struct store s;
	struct records rs = {0};

	int r = store_open(dir, false, &s, err);
	if (r == -ENOENT) {
		if (ret_collected)
			*ret_collected = 0;
		return 0;
	}
	if (r == 0)
		r = store_lock(&s, dir, 10000, err);
	if (r == 0)
		r = records_load(&s, &rs, err);
	if (r == 0) {
		unsigned n = gc_locked(&s, &rs);
		if (ret_collected)
			*ret_collected = n;
	}
	records_free(&rs);
	store_close(&s);
	return r;
}
