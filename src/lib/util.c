/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runguard/util.h"

static void __attribute__((noreturn)) rg_oom(void)
{
	static const char msg[] = "runguard: out of memory\n";
	/* Best effort; abort() below is the fail-closed outcome either way. */
	ssize_t r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

void *rg_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		rg_oom();
	return p;
}

void *rg_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		rg_oom();
	return p;
}

void *rg_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		rg_oom();
	return q;
}

char *rg_xstrdup(const char *s)
{
	return rg_xstrndup(s, strlen(s));
}

char *rg_xstrndup(const char *s, size_t n)
{
	char *p = rg_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *rg_xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		rg_oom();
	return s;
}

char *rg_xasprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *s = rg_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void rg_buf_reserve(struct rg_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = rg_xrealloc(b->data, cap);
	b->cap = cap;
}

size_t rg_put_uint(char *d, unsigned long long v)
{
	size_t len = 1;

	for (unsigned long long t = v; t >= 10; t /= 10)
		len++;
	for (size_t k = len; k > 0; k--, v /= 10)
		d[k - 1] = (char)('0' + v % 10);
	return len;
}

size_t rg_put_index(char *d, size_t i)
{
	size_t len = rg_put_uint(d + 1, i) + 2;

	d[0] = '[';
	d[len - 1] = ']';
	return len;
}

void rg_buf_put_index(struct rg_buf *b, size_t i)
{
	if (b->len + RG_INDEX_MAX + 1 > b->cap)
		rg_buf_reserve(b, RG_INDEX_MAX);
	b->len += rg_put_index(b->data + b->len, i);
	b->data[b->len] = '\0';
}

void rg_buf_put_uint(struct rg_buf *b, unsigned long long v)
{
	if (b->len + RG_INDEX_MAX + 1 > b->cap)
		rg_buf_reserve(b, RG_INDEX_MAX);
	b->len += rg_put_uint(b->data + b->len, v);
	b->data[b->len] = '\0';
}

void rg_buf_truncate(struct rg_buf *b, size_t len)
{
	if (b->data && len <= b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

void rg_buf_printf(struct rg_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	rg_buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *rg_buf_steal(struct rg_buf *b)
{
	char *p = b->data ? b->data : rg_xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void rg_buf_free(struct rg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int rg_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
