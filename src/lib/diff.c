/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unified diff of `runguard configure --dry-run`: Myers' O(ND) shortest
 * edit script over lines (E. W. Myers, "An O(ND) Difference Algorithm and
 * Its Variations", 1986), grouped into hunks with three lines of context.
 */
#include <stdbool.h>
#include <string.h>

#include "runguard/diff.h"
#include "runguard/util.h"

#define CONTEXT 3

struct lines {
	const char **p;
	size_t *len;
	size_t n;
};

static void split_lines(const char *s, size_t n, struct lines *ret)
{
	*ret = (struct lines){0};
	size_t cap = 0;
	for (size_t i = 0; s && i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t l = nl ? (size_t)(nl - (s + i)) + 1 : n - i;
		if (ret->n == cap) {
			cap = cap ? cap * 2 : 32;
			ret->p = rg_xrealloc(ret->p, cap * sizeof(*ret->p));
			ret->len = rg_xrealloc(ret->len, cap * sizeof(*ret->len));
		}
		ret->p[ret->n] = s + i;
		ret->len[ret->n++] = l;
		i += l;
	}
}

static void lines_free(struct lines *l)
{
	free(l->p);
	free(l->len);
}

static bool line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

/* The part of a and b to compare: [a0, a1) and [b0, b1), common ends taken off. */
struct span {
	const struct lines *a, *b;
	size_t a0, a1, b0, b1;
};

/* x after `snake`: the furthest point on diagonal k reached from x by equal lines. */
static long snake(const struct span *s, long x, long k)
{
	long n = (long)(s->a1 - s->a0), m = (long)(s->b1 - s->b0);
	while (x < n && x - k < m &&
	       line_eq(s->a, s->a0 + (size_t)x, s->b, s->b0 + (size_t)(x - k)))
		x++;
	return x;
}

/*
 * The move that reaches diagonal k in round d from round d - 1's furthest
 * points p (indexed by diagonal; -1: none inside the grid): down from k + 1
 * (a line of b inserted) or right from k - 1 (a line of a deleted), the one
 * that gets further, staying inside the n x m grid. Returns the diagonal
 * moved from and sets *ret_x, or returns 0 with *ret_x -1 when neither fits.
 */
static long step(const long *p, long k, long d, long n, long m, long *ret_x)
{
	long down = k < d && p[k + 1] >= 0 && p[k + 1] - k <= m ? p[k + 1] : -1;
	long right = k > -d && p[k - 1] >= 0 && p[k - 1] + 1 <= n ? p[k - 1] + 1 : -1;

	*ret_x = down >= right ? down : right;
	if (*ret_x < 0)
		return 0;
	return down >= right ? k + 1 : k - 1;
}

/*
 * Marks in del[] the lines of a (from a0) and in ins[] the lines of b (from
 * b0) a shortest edit script deletes and inserts. trace[d] keeps V after
 * round d for k in [-d, d] (index k + d), for the walk back.
 */
static void myers(const struct span *s, bool *del, bool *ins)
{
	long n = (long)(s->a1 - s->a0), m = (long)(s->b1 - s->b0), max = n + m;
	long *v = (long *)rg_xcalloc((size_t)(2 * max + 3), sizeof(long)) + max + 1;
	long **trace = rg_xcalloc((size_t)(RG_DIFF_MAX_EDITS + 1), sizeof(long *));
	long d, found = -1;

	for (d = 0; d <= max && d <= RG_DIFF_MAX_EDITS && found < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x = 0;
			if (d > 0)
				step(v, k, d, n, m, &x);
			v[k] = x < 0 ? -1 : snake(s, x, k);
			if (x >= 0 && v[k] >= n && v[k] - k >= m)
				found = d;
		}
		trace[d] = rg_xmalloc((size_t)(2 * d + 1) * sizeof(long));
		memcpy(trace[d], v - d, (size_t)(2 * d + 1) * sizeof(long));
	}
	if (found < 0) {
		/* Too far apart: the whole middle is replaced. */
		for (long i = 0; i < n; i++)
			del[i] = true;
		for (long j = 0; j < m; j++)
			ins[j] = true;
	}
	/* Back from the end: each round's move, the snake after it being kept lines. */
	for (long x = n, y = m, e = found; e > 0; e--) {
		long px, pk = step(trace[e - 1] + (e - 1), x - y, e, n, m, &px);
		if (pk == x - y + 1) {
			x = px; /* down: b[y] of the point before inserted */
			y = px - pk;
			ins[y] = true;
		} else {
			x = px - 1; /* right: a[x] of the point before deleted */
			y = x - pk;
			del[x] = true;
		}
	}
	for (long i = 0; i < d; i++)
		free(trace[i]);
	free(trace);
	free(v - max - 1);
}

/* One line of the script: ' ' kept, '-' deleted, '+' inserted; ai/bi its lines. */
struct op {
	char mark;
	size_t ai, bi;
};

static struct op *script(const struct lines *la, const struct lines *lb, size_t *ret_n)
{
	struct span s = {la, lb, 0, la->n, 0, lb->n};
	while (s.a0 < s.a1 && s.b0 < s.b1 && line_eq(la, s.a0, lb, s.b0)) {
		s.a0++;
		s.b0++;
	}
	while (s.a1 > s.a0 && s.b1 > s.b0 && line_eq(la, s.a1 - 1, lb, s.b1 - 1)) {
		s.a1--;
		s.b1--;
	}
	bool *del = rg_xcalloc(la->n + 1, sizeof(bool)), *ins = rg_xcalloc(lb->n + 1, sizeof(bool));
	myers(&s, del + s.a0, ins + s.b0);
	struct op *ops = rg_xcalloc(la->n + lb->n + 1, sizeof(*ops));
	size_t n = 0, i = 0, j = 0;
	while (i < la->n || j < lb->n) {
		if (i < la->n && del[i])
			ops[n++] = (struct op){'-', i++, j};
		else if (j < lb->n && (ins[j] || i == la->n))
			ops[n++] = (struct op){'+', i, j++};
		else
			ops[n++] = (struct op){' ', i++, j++};
	}
	free(del);
	free(ins);
	*ret_n = n;
	return ops;
}

static void put_line(struct rg_buf *out, char mark, const char *p, size_t len)
{
	rg_buf_putc(out, mark);
	rg_buf_append(out, p, len);
	if (len == 0 || p[len - 1] != '\n')
		rg_buf_puts(out, "\n\\ No newline at end of file\n");
}

/* "start,count" of a unified-diff range (start is the line before an empty range). */
static void put_range(struct rg_buf *out, size_t start, size_t count)
{
	rg_buf_printf(out, "%zu,%zu", count ? start + 1 : start, count);
}

/* ops[from..to] as one hunk. */
static void put_hunk(struct rg_buf *out, const struct op *ops, size_t from, size_t to,
		     const struct lines *la, const struct lines *lb)
{
	size_t na = 0, nb = 0;
	for (size_t i = from; i <= to; i++) {
		na += ops[i].mark != '+';
		nb += ops[i].mark != '-';
	}
	rg_buf_puts(out, "@@ -");
	put_range(out, ops[from].ai, na);
	rg_buf_puts(out, " +");
	put_range(out, ops[from].bi, nb);
	rg_buf_puts(out, " @@\n");
	for (size_t i = from; i <= to; i++) {
		const struct op *o = &ops[i];
		if (o->mark == '+')
			put_line(out, '+', lb->p[o->bi], lb->len[o->bi]);
		else
			put_line(out, o->mark, la->p[o->ai], la->len[o->ai]);
	}
}

char *rg_text_diff(const char *label_a, const char *a, size_t alen, const char *label_b,
		   const char *b, size_t blen)
{
	struct lines la, lb;
	struct rg_buf out = {0};
	size_t n;

	split_lines(a, alen, &la);
	split_lines(b, blen, &lb);
	struct op *ops = script(&la, &lb, &n);
	bool is_same = (a != NULL) == (b != NULL);
	for (size_t i = 0; i < n; i++)
		is_same = is_same && ops[i].mark == ' ';
	if (!is_same)
		rg_buf_printf(&out, "--- %s\n+++ %s\n", a ? label_a : "/dev/null",
			      b ? label_b : "/dev/null");
	/* Changes at most 2 * CONTEXT kept lines apart share a hunk (as diff -u). */
	for (size_t i = 0; !is_same && i < n;) {
		while (i < n && ops[i].mark == ' ')
			i++;
		if (i == n)
			break;
		size_t from = i > CONTEXT ? i - CONTEXT : 0, last = i;
		for (size_t j = i; j < n && j - last <= 2 * CONTEXT + 1; j++)
			if (ops[j].mark != ' ')
				last = j;
		size_t to = last + CONTEXT < n ? last + CONTEXT : n - 1;
		put_hunk(&out, ops, from, to, &la, &lb);
		i = to + 1;
	}
	free(ops);
	lines_free(&la);
	lines_free(&lb);
	return rg_buf_steal(&out);
}
