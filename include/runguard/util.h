/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_UTIL_H
#define RUNGUARD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Cleanup attributes: every owned local carries one, ownership moves with steal_ptr(). */
static inline void rg_freep(void *p)
{
	free(*(void **)p);
}

static inline void rg_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(rg_freep)
#define _cleanup_close_ _cleanup_(rg_closep)

/* Type-checked: takes the value of *pp and leaves NULL behind. */
#define steal_ptr(pp)                                                                              \
	({                                                                                         \
		__typeof__(*(pp)) *_pp = (pp);                                                     \
		__typeof__(*_pp) _p = *_pp;                                                        \
		*_pp = NULL;                                                                       \
		_p;                                                                                \
	})

/* Takes the fd out of *fdp, leaving -1 so the cleanup attribute won't close it. */
static inline int steal_fd(int *fdp)
{
	int fd = *fdp;
	*fdp = -1;
	return fd;
}

#define RG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Allocation helpers. Out of memory in a short-lived runtime wrapper is not
 * recoverable in any useful way; these abort (the container is then not
 * started, which is the fail-closed outcome) rather than thread -ENOMEM
 * through every JSON edit.
 */
void *rg_xmalloc(size_t n);
void *rg_xcalloc(size_t n, size_t size);
void *rg_xrealloc(void *p, size_t n);
char *rg_xstrdup(const char *s);
char *rg_xstrndup(const char *s, size_t n);
char *rg_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *rg_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* NULL-safe: NULL equals nothing (rg_json_str of a non-string is NULL). Most
 * strings compared differ in their first byte: that is looked at without a call. */
static inline bool rg_streq(const char *a, const char *b)
{
	return a && b && a[0] == b[0] && strcmp(a, b) == 0;
}

/*
 * memcmp(a, b, n) == 0, without a call up to sixteen bytes (two overlapping
 * words): the keys and names a create compares are that short.
 */
static inline bool rg_mem_eq(const void *a, const void *b, size_t n)
{
	const char *x = a, *y = b;
	uint64_t p, q, r, s;
	uint32_t h, i, j, k;

	if (n >= sizeof(p) && n <= 2 * sizeof(p)) {
		memcpy(&p, x, sizeof(p));
		memcpy(&q, y, sizeof(q));
		memcpy(&r, x + n - sizeof(r), sizeof(r));
		memcpy(&s, y + n - sizeof(s), sizeof(s));
		return ((p ^ q) | (r ^ s)) == 0;
	}
	if (n >= sizeof(h) && n < sizeof(p)) {
		memcpy(&h, x, sizeof(h));
		memcpy(&i, y, sizeof(i));
		memcpy(&j, x + n - sizeof(j), sizeof(j));
		memcpy(&k, y + n - sizeof(k), sizeof(k));
		return ((h ^ i) | (j ^ k)) == 0;
	}
	if (n < sizeof(h)) {
		for (size_t t = 0; t < n; t++)
			if (x[t] != y[t])
				return false;
		return true;
	}
	return memcmp(a, b, n) == 0;
}

static inline bool rg_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Growable byte buffer; data is always NUL-terminated. */
struct rg_buf {
	char *data;
	size_t len;
	size_t cap;
};

/* Makes room for extra more bytes and the NUL (the slow path of the appends below). */
void rg_buf_reserve(struct rg_buf *b, size_t extra);

/* Inline: the emitter appends a few bytes at a time, hundreds of thousands of times. */
static inline void rg_buf_append(struct rg_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		rg_buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void rg_buf_puts(struct rg_buf *b, const char *s)
{
	rg_buf_append(b, s, strlen(s));
}

static inline void rg_buf_putc(struct rg_buf *b, char c)
{
	if (b->len + 2 > b->cap)
		rg_buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
/* Appends "[i]" without printf (JSON paths built on every create). */
void rg_buf_put_index(struct rg_buf *b, size_t i);
/* The longest "[i]": brackets and the 20 digits of the largest size_t. */
#define RG_INDEX_MAX 22
/* Writes "[i]" (no NUL) at d, which has room for RG_INDEX_MAX bytes; returns its length. */
size_t rg_put_index(char *d, size_t i);
/* Writes v in decimal (no NUL) at d, which has room for 20 bytes; returns its length. */
size_t rg_put_uint(char *d, unsigned long long v);
/* Appends v in decimal, without printf. */
void rg_buf_put_uint(struct rg_buf *b, unsigned long long v);
/* Cuts b back to len bytes (no-op when longer than b). */
void rg_buf_truncate(struct rg_buf *b, size_t len);
void rg_buf_printf(struct rg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the data (caller owns it) and resets the buffer. */
char *rg_buf_steal(struct rg_buf *b);
void rg_buf_free(struct rg_buf *b);

/* Writes all of buf to fd, retrying on EINTR and short writes. 0 or -errno. */
int rg_write_all(int fd, const void *buf, size_t n);

#endif
