/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lossless JSON tree on yajl's callback parser. See include/runguard/json.h.
 *
 * Why not yajl_tree_parse: it accepts comments unconditionally, keeps
 * duplicate keys silently (Go, and so runc, would apply the last one while a
 * checker reads the first), converts numbers, and frees recursively.
 * Freeing here is iterative, so no input can exhaust the C stack.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "runguard/json.h"
#include "json_arena.h"
#include "runguard/libs.h"
#include "runguard/util.h"

/*
 * Arenas (src/lib/json_arena.h): the nodes, texts and keys of one parse
 * (rg_json_parse_opts.use_arena) or one unpacked tree carved out of one
 * block, not one malloc each; a quarter of a create's instructions went to
 * malloc and free. A block is never given back (it is meant for the trees
 * a process builds before it execs); memory of a tree that a rule frees is
 * simply not reused. Everything that frees a part of a tree goes through
 * rg_json_arena_free, which knows the blocks. A tree that fills its block
 * goes on with malloc, and a process makes at most RG_ARRAY_SIZE(arenas)
 * of them.
 */
/*
 * memcpy for the short texts of a tree (keys, names, paths): up to sixteen
 * bytes in two overlapping loads and stores, without a call.
 */
static inline void copy_text(char *d, const char *s, size_t n)
{
	uint64_t a, z;
	uint32_t h, t;

	if (n >= sizeof(a) && n <= 2 * sizeof(a)) {
		memcpy(&a, s, sizeof(a));
		memcpy(&z, s + n - sizeof(z), sizeof(z));
		memcpy(d, &a, sizeof(a));
		memcpy(d + n - sizeof(z), &z, sizeof(z));
	} else if (n >= sizeof(h) && n < sizeof(a)) {
		memcpy(&h, s, sizeof(h));
		memcpy(&t, s + n - sizeof(t), sizeof(t));
		memcpy(d, &h, sizeof(h));
		memcpy(d + n - sizeof(t), &t, sizeof(t));
	} else {
		memcpy(d, s, n);
	}
}

struct rg_json_arena {
	char *base;
	size_t size, used;
};
static struct rg_json_arena arenas[6];
static size_t n_arenas;
/*
 * The block of the last parse into one (use_arena): the nodes the rules make
 * in that tree (rg_json_new, rg_json_new_stringn, rg_json_clone) are carved
 * from it too, not a malloc and a free each. NULL: malloc.
 */
static struct rg_json_arena *made_in;

static bool in_arena(const void *p)
{
	for (size_t i = 0; i < n_arenas; i++)
		if ((const char *)p >= arenas[i].base &&
		    (const char *)p < arenas[i].base + arenas[i].size)
			return true;
	return false;
}

void rg_json_arena_free(void *p)
{
	if (p && !in_arena(p))
		free(p);
}

void *rg_json_arena_alloc(struct rg_json_arena *a, size_t n)
{
	size_t need = (n + 7) & ~(size_t)7;
	if (!a || need < n || a->size - a->used < need)
		return rg_xmalloc(n);
	void *p = a->base + a->used;
	a->used += need;
	return p;
}

struct rg_json_arena *rg_json_arena_new(size_t size)
{
	/* What is not touched of the block costs no memory. */
	if (!size || n_arenas == RG_ARRAY_SIZE(arenas))
		return NULL;
	struct rg_json_arena *a = &arenas[n_arenas];
	a->base = rg_xmalloc(size);
	a->size = size;
	a->used = 0;
	n_arenas++;
	return a;
}

struct rg_json *rg_json_arena_string(struct rg_json_arena *a, const char *s, size_t len,
				     enum rg_json_type type)
{
	if (len > SIZE_MAX - sizeof(struct rg_json) - 8)
		abort();
	struct rg_json *j = rg_json_arena_alloc(a, sizeof(*j) + len + 1);
	char *text = (char *)(j + 1);
	memset(j, 0, sizeof(*j));
	j->type = type;
	copy_text(text, s, len);
	text[len] = '\0';
	j->u.s.text = text;
	j->u.s.len = len;
	return j;
}

struct rg_json *rg_json_arena_node(struct rg_json_arena *a, enum rg_json_type type)
{
	struct rg_json *j = rg_json_arena_alloc(a, sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->type = type;
	return j;
}

struct frame {
	struct rg_json *node;
	char *key; /* pending object key; once attached, borrowed from the member */
	size_t key_len;
	bool is_key_owned;
	bool is_key_plain; /* read with no escape (see on_string) */
};

struct parser {
	yajl_handle h;
	struct rg_json *root;
	struct frame *stack;
	unsigned depth;
	unsigned max_depth;
	const char *name;
	const char *buf; /* the whole text, for checks on a token's raw form */
	size_t len;
	char *error; /* our own reason when a callback cancels */
	size_t (*consumed)(yajl_handle); /* yajl_get_bytes_consumed, called without the forwarder */
	bool is_pos_kept; /* not rg_json_parse_opts.drop_positions */
	struct rg_json_arena *arena; /* NULL: nodes from malloc */
};

const char *rg_json_type_name(enum rg_json_type t)
{
	switch (t) {
	case RG_JSON_NULL:
		return "null";
	case RG_JSON_FALSE:
	case RG_JSON_TRUE:
		return "boolean";
	case RG_JSON_NUMBER:
		return "number";
	case RG_JSON_STRING:
		return "string";
	case RG_JSON_ARRAY:
		return "array";
	case RG_JSON_OBJECT:
		return "object";
	default:
		return "?";
	}
}

struct rg_json *rg_json_new(enum rg_json_type type)
{
	return rg_json_arena_node(made_in, type);
}

/*
 * A string or number node and its text in one allocation: a parsed
 * config.json is mostly strings, and this halves what the tree costs in
 * malloc and free. The text sits just past the node (is_inline_text).
 */
struct rg_json *rg_json_new_stringn(const char *s, size_t len)
{
	return rg_json_arena_string(made_in, s, len, RG_JSON_STRING);
}

/* A key of n bytes (NUL-terminated), from the block the rules' nodes come from (made_in). */
static char *new_key(const char *s, size_t n)
{
	char *k = rg_json_arena_alloc(made_in, n + 1);
	memcpy(k, s, n);
	k[n] = '\0';
	return k;
}

static bool is_inline_text(const struct rg_json *j)
{
	return j->u.s.text == (const char *)(j + 1);
}

struct rg_json *rg_json_new_string(const char *s)
{
	return rg_json_new_stringn(s, strlen(s));
}

struct rg_json *rg_json_new_number(const char *text)
{
	struct rg_json *j = rg_json_new_stringn(text, strlen(text));
	j->type = RG_JSON_NUMBER;
	return j;
}

struct rg_json *rg_json_new_uint(unsigned long long v)
{
	char text[24];
	return rg_json_arena_string(made_in, text, rg_put_uint(text, v), RG_JSON_NUMBER);
}

struct rg_json *rg_json_new_bool(bool v)
{
	return rg_json_new(v ? RG_JSON_TRUE : RG_JSON_FALSE);
}

/* Room for one more item or member; from the arena a while parsing into one. */
static void grow_in(struct rg_json_arena *a, struct rg_json *c, size_t elem)
{
	if (c->n < c->cap)
		return;
	size_t cap = c->cap ? (size_t)c->cap * 2 : 4;
	void **slot = c->type == RG_JSON_OBJECT ? (void **)&c->u.members : (void **)&c->u.items;
	if (a || in_arena(*slot)) {
		/* Arena memory cannot be realloc'd: copy, and leave the old block. */
		void *n = a ? rg_json_arena_alloc(a, cap * elem) : rg_xmalloc(cap * elem);
		if (c->n)
			memcpy(n, *slot, c->n * elem);
		rg_json_arena_free(*slot);
		*slot = n;
	} else {
		*slot = rg_xrealloc(*slot, cap * elem);
	}
	c->cap = (uint32_t)cap;
}

static void grow(struct rg_json *c, size_t elem)
{
	grow_in(NULL, c, elem);
}

/*
 * Iterative free: nodes to free are chained through a worklist so that a
 * deeply nested tree cannot overflow the stack.
 */
void rg_json_free(struct rg_json *j)
{
	/* On the stack while it fits: most trees freed are an entry or a value of a few nodes. */
	struct rg_json *first[16], **work = first;
	size_t n = 0, cap = RG_ARRAY_SIZE(first);

	if (!j)
		return;
	work[n++] = j;
	while (n > 0) {
		struct rg_json *cur = work[--n];
		size_t need = n + cur->n;
		if (need > cap) {
			while (cap < need)
				cap *= 2;
			if (work == first)
				work =
				    memcpy(rg_xmalloc(sizeof(*work) * cap), first, sizeof(first));
			else
				work = rg_xrealloc(work, sizeof(*work) * cap);
		}
		if (cur->type == RG_JSON_OBJECT) {
			for (size_t i = 0; i < cur->n; i++) {
				rg_json_arena_free(cur->u.members[i].key);
				work[n++] = cur->u.members[i].value;
			}
			rg_json_arena_free(cur->u.members);
		} else if (cur->type == RG_JSON_ARRAY) {
			for (size_t i = 0; i < cur->n; i++)
				work[n++] = cur->u.items[i];
			rg_json_arena_free(cur->u.items);
		} else if ((cur->type == RG_JSON_STRING || cur->type == RG_JSON_NUMBER) &&
			   !is_inline_text(cur)) {
			rg_json_arena_free(cur->u.s.text);
		}
		rg_json_arena_free(cur);
	}
	if (work != first)
		free(work);
}

void rg_json_append(struct rg_json *arr, struct rg_json *value)
{
	grow(arr, sizeof(struct rg_json *));
	arr->u.items[arr->n++] = value;
}

void rg_json_array_remove(struct rg_json *arr, size_t i)
{
	if (i >= arr->n)
		return;
	rg_json_free(arr->u.items[i]);
	memmove(&arr->u.items[i], &arr->u.items[i + 1], (arr->n - i - 1) * sizeof(arr->u.items[0]));
	arr->n--;
}

static void object_add(struct rg_json *obj, char *key, size_t key_len, struct rg_json *value)
{
	grow(obj, sizeof(struct rg_json_member));
	obj->u.members[obj->n] =
	    (struct rg_json_member){.key = key, .key_len = key_len, .value = value};
	obj->n++;
}

static struct rg_json_member *find_member_n(const struct rg_json *obj, const char *key, size_t len)
{
	if (!obj || obj->type != RG_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++) {
		struct rg_json_member *m = &obj->u.members[i];
		if (m->key_len == len && rg_mem_eq(m->key, key, len))
			return m;
	}
	return NULL;
}

static struct rg_json_member *find_member(const struct rg_json *obj, const char *key)
{
	return find_member_n(obj, key, strlen(key));
}

struct rg_json *rg_json_getn(const struct rg_json *obj, const char *key, size_t len)
{
	struct rg_json_member *m = find_member_n(obj, key, len);
	return m ? m->value : NULL;
}

void rg_json_set(struct rg_json *obj, const char *key, struct rg_json *value)
{
	struct rg_json_member *m = find_member(obj, key);

	if (m) {
		rg_json_free(m->value);
		m->value = value;
		return;
	}
	size_t len = strlen(key);
	object_add(obj, new_key(key, len), len, value);
}

struct rg_json *rg_json_take(struct rg_json *obj, const char *key)
{
	struct rg_json_member *m = find_member(obj, key);

	if (!m)
		return NULL;
	struct rg_json *v = m->value;
	size_t i = (size_t)(m - obj->u.members);
	rg_json_arena_free(m->key);
	memmove(&obj->u.members[i], &obj->u.members[i + 1],
		(obj->n - i - 1) * sizeof(obj->u.members[0]));
	obj->n--;
	return v;
}

void rg_json_remove_at(struct rg_json *obj, size_t i)
{
	if (i >= obj->n)
		return;
	rg_json_arena_free(obj->u.members[i].key);
	rg_json_free(obj->u.members[i].value);
	memmove(&obj->u.members[i], &obj->u.members[i + 1],
		(obj->n - i - 1) * sizeof(obj->u.members[0]));
	obj->n--;
}

void rg_json_rename_at(struct rg_json *obj, size_t i, const char *key)
{
	rg_json_arena_free(obj->u.members[i].key);
	obj->u.members[i].key = new_key(key, strlen(key));
	obj->u.members[i].key_len = strlen(key);
	obj->u.members[i].is_plain_key = false;
}

bool rg_json_remove(struct rg_json *obj, const char *key)
{
	struct rg_json *v = rg_json_take(obj, key);

	rg_json_free(v);
	return v != NULL;
}

/* Recursion depth is bounded by RG_JSON_MAX_DEPTH for parsed trees. */
struct rg_json *rg_json_clone(const struct rg_json *j)
{
	struct rg_json *c;

	if (j->type == RG_JSON_STRING || j->type == RG_JSON_NUMBER) {
		c = rg_json_new_stringn(j->u.s.text, j->u.s.len);
		c->type = j->type;
		/* The same bytes: as plain as the original. */
		if (j->type == RG_JSON_STRING)
			c->is_plain = j->is_plain;
		return c;
	}
	c = rg_json_new(j->type);
	/* Members and items are sized once: no doubling as they are appended. */
	if (j->n) {
		c->cap = j->n;
		if (j->type == RG_JSON_OBJECT)
			c->u.members = rg_json_arena_alloc(made_in, j->n * sizeof(*c->u.members));
		else if (j->type == RG_JSON_ARRAY)
			c->u.items = rg_json_arena_alloc(made_in, j->n * sizeof(*c->u.items));
		else
			c->cap = 0;
	}
	switch (j->type) {
	case RG_JSON_ARRAY:
		for (size_t i = 0; i < j->n; i++)
			rg_json_append(c, rg_json_clone(j->u.items[i]));
		break;
	case RG_JSON_OBJECT:
		for (size_t i = 0; i < j->n; i++) {
			const struct rg_json_member *m = &j->u.members[i];
			object_add(c, new_key(m->key, m->key_len), m->key_len,
				   rg_json_clone(m->value));
			c->u.members[c->n - 1].is_plain_key = m->is_plain_key;
		}
		break;
	default:
		break;
	}
	return c;
}

bool rg_json_equal(const struct rg_json *a, const struct rg_json *b)
{
	if (!a || !b)
		return a == b;
	if (a->type != b->type || a->n != b->n)
		return false;
	switch (a->type) {
	case RG_JSON_STRING:
	case RG_JSON_NUMBER:
		return a->u.s.len == b->u.s.len &&
		       memcmp(a->u.s.text, b->u.s.text, a->u.s.len) == 0;
	case RG_JSON_ARRAY:
		for (size_t i = 0; i < a->n; i++)
			if (!rg_json_equal(a->u.items[i], b->u.items[i]))
				return false;
		return true;
	case RG_JSON_OBJECT:
		for (size_t i = 0; i < a->n; i++) {
			const struct rg_json_member *x = &a->u.members[i], *y = &b->u.members[i];
			if (x->key_len != y->key_len || memcmp(x->key, y->key, x->key_len) != 0 ||
			    !rg_json_equal(x->value, y->value))
				return false;
		}
		return true;
	default:
		return true;
	}
}

int rg_json_int64(const struct rg_json *j, long long *ret)
{
	if (!j || j->type != RG_JSON_NUMBER)
		return -EINVAL;
	const char *p = j->u.s.text;
	if (*p == '-')
		p++;
	if (!*p)
		return -EINVAL;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	errno = 0;
	char *end = NULL;
	long long v = strtoll(j->u.s.text, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (!end || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* ---- parser ---- */

static void path_of_stack(const struct parser *p, struct rg_buf *b)
{
	for (unsigned i = 0; i < p->depth; i++) {
		const struct frame *f = &p->stack[i];
		if (f->node->type == RG_JSON_OBJECT) {
			if (f->key)
				rg_buf_printf(b, ".%s", f->key);
		} else {
			/* Enclosing arrays already hold the child being parsed. */
			size_t idx = f->node->n;
			if (i + 1 < p->depth && idx > 0)
				idx--;
			rg_buf_printf(b, "[%zu]", idx);
		}
	}
}

static int __attribute__((format(printf, 2, 3))) fail(struct parser *p, const char *fmt, ...)
{
	struct rg_buf b = {0};
	va_list ap;
	path_of_stack(p, &b);
	if (b.len == 0)
		rg_buf_putc(&b, '.');
	rg_buf_puts(&b, ": ");
	va_start(ap, fmt);
	_cleanup_free_ char *m = rg_xvasprintf(fmt, ap);
	va_end(ap);
	rg_buf_puts(&b, m);
	free(p->error);
	p->error = rg_buf_steal(&b);
	return 0;
}

/* Attaches a finished value to the current container (or makes it the root). */
static inline int attach(struct parser *p, struct rg_json *v)
{
	if (p->is_pos_kept && p->h)
		v->pos = p->consumed(p->h);
	if (p->depth == 0) {
		p->root = v;
		return 1;
	}
	struct frame *f = &p->stack[p->depth - 1];
	struct rg_json *c = f->node;
	bool is_array = c->type == RG_JSON_ARRAY;
	if (c->n >= c->cap)
		grow_in(p->arena, c,
			is_array ? sizeof(struct rg_json *) : sizeof(struct rg_json_member));
	if (is_array) {
		c->u.items[c->n++] = v;
	} else {
		/* The key moves to the member; the frame still points at it until
		 * the next one, for error paths. */
		struct rg_json_member *m = &c->u.members[c->n++];
		m->key = f->key;
		m->key_len = f->key_len;
		m->is_plain_key = f->is_key_plain;
		m->value = v;
		f->is_key_owned = false;
	}
	return 1;
}

static int on_null(void *ctx)
{
	struct parser *p = ctx;
	return attach(p, rg_json_arena_node(p->arena, RG_JSON_NULL));
}

static int on_bool(void *ctx, int v)
{
	struct parser *p = ctx;
	return attach(p, rg_json_arena_node(p->arena, v ? RG_JSON_TRUE : RG_JSON_FALSE));
}

static int on_number(void *ctx, const char *s, size_t len)
{
	struct parser *p = ctx;
	return attach(p, rg_json_arena_string(p->arena, s, len, RG_JSON_NUMBER));
}

/*
 * yajl hands over a string or key in place, inside the text, only when its
 * token holds no escape; one with escapes comes decoded, from yajl's own
 * buffer (the whole text is parsed in one call).
 */
static inline bool is_in_place(const struct parser *p, const unsigned char *s)
{
	return (const char *)s >= p->buf && (const char *)s < p->buf + p->len;
}

/* Nearly every string and key of a config.json: the bytes ORed a word at a time. */
static inline bool is_ascii(const unsigned char *s, size_t len)
{
	uint64_t any = 0, w;
	uint32_t h;

	if (len >= sizeof(w)) {
		/* The last word overlaps the ones before. */
		for (size_t i = 0; i + sizeof(w) <= len; i += sizeof(w))
			any |= (memcpy(&w, s + i, sizeof(w)), w);
		any |= (memcpy(&w, s + len - sizeof(w), sizeof(w)), w);
	} else if (len >= sizeof(h)) {
		any = (memcpy(&h, s, sizeof(h)), h);
		any |= (memcpy(&h, s + len - sizeof(h), sizeof(h)), h);
	} else {
		for (size_t i = 0; i < len; i++)
			any |= s[i];
	}
	return (any & 0x8080808080808080ull) == 0;
}

/*
 * Strict UTF-8 (RFC 3629): yajl lets overlong forms, surrogates and code
 * points above U+10FFFF through, which Go decodes as U+FFFD: the bytes
 * runguard checked would not be the string runc applies.
 */
static bool is_strict_utf8(const unsigned char *s, size_t len, bool *ret_has_4byte)
{
	size_t i = 0;

	/* One pass: check_text has found the string not plain ASCII, or decoded. */
	*ret_has_4byte = false;
	while (i < len) {
		/* ASCII eight bytes at a time: nearly every string of a config.json. */
		uint64_t w;
		while (i + sizeof(w) <= len &&
		       (memcpy(&w, s + i, sizeof(w)), (w & 0x8080808080808080ull) == 0))
			i += sizeof(w);
		if (i >= len)
			break;
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned cp;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07, *ret_has_4byte = true;
		else
			return false;
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

static unsigned hex4(const char *s)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v = v << 4 | (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/*
 * yajl decodes a high-surrogate escape ("\ud800") that no low-surrogate
 * escape follows into "?", or, before another "\u" escape, into a made-up
 * code point; Go, and so runc, reads U+FFFD. The string runguard checks and
 * writes back would not be the one runc applies, so such strings are
 * refused. Only a decoded string that holds '?' or a 4-byte sequence can
 * come from one; its raw token ends just before yajl's offset (the whole
 * text is in one buffer), and begins at the first unescaped quote before.
 */
static bool has_lone_surrogate(const struct parser *p, const unsigned char *s, size_t len,
			       bool has_4byte)
{
	if (is_in_place(p, s))
		return false;
	if (!has_4byte && memchr(s, '?', len) == NULL)
		return false;
	size_t end = p->h ? p->consumed(p->h) : 0;
	if (end < 2 || end > p->len || p->buf[end - 1] != '"')
		return false;
	size_t start = end - 1;
	while (start-- > 0) {
		size_t bs = 0;
		while (p->buf[start] == '"' && bs < start && p->buf[start - 1 - bs] == '\\')
			bs++;
		if (p->buf[start] == '"' && bs % 2 == 0)
			break;
	}
	const char *t = p->buf + start + 1, *e = p->buf + end - 1;
	for (; t < e; t++) {
		if (*t != '\\')
			continue;
		if (t + 5 < e && t[1] == 'u') {
			unsigned cp = hex4(t + 2);
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return true;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (t + 11 >= e || t[6] != '\\' || t[7] != 'u' ||
				    hex4(t + 8) < 0xdc00 || hex4(t + 8) > 0xdfff)
					return true;
				t += 6;
			}
			t += 4;
		}
		t++; /* the escaped character */
	}
	return false;
}

/* Strings and keys that runc would not read as runguard does are refused: 1, or 0 (failed). */
static int check_text_slow(struct parser *p, const unsigned char *s, size_t len, const char *what)
{
	bool has_4byte;
	if (!is_strict_utf8(s, len, &has_4byte))
		return fail(p, "invalid UTF-8 in a %s", what);
	if (has_lone_surrogate(p, s, len, has_4byte))
		return fail(p, "unpaired UTF-16 surrogate escape in a %s (runc reads U+FFFD)",
			    what);
	return 1;
}

/* in_place: is_in_place(p, s), which the callers keep too. */
static inline int check_text(struct parser *p, const unsigned char *s, size_t len, bool in_place,
			     const char *what)
{
	/* The common case at once: ASCII, handed over in place (so with no escape). */
	if (in_place && is_ascii(s, len))
		return 1;
	return check_text_slow(p, s, len, what);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct parser *p = ctx;
	bool in_place = is_in_place(p, s);
	if (!check_text(p, s, len, in_place, "string"))
		return 0;
	struct rg_json *j = rg_json_arena_string(p->arena, (const char *)s, len, RG_JSON_STRING);
	/*
	 * Handed over in place, the token held no escape, so no quote or
	 * backslash, and yajl refuses a control byte in a string: the emitter
	 * can copy the text as it is.
	 */
	j->is_plain = in_place;
	return attach(p, j);
}

static int push(struct parser *p, enum rg_json_type t)
{
	if (p->depth >= p->max_depth) {
		return fail(p, "nesting deeper than the limit of %u levels", p->max_depth);
	}
	struct rg_json *j = rg_json_arena_node(p->arena, t);
	struct frame *f = &p->stack[p->depth];
	/* Attach first so the node is owned by the tree even if parsing stops. */
	attach(p, j);
	f->node = j;
	f->key = NULL;
	f->is_key_owned = false;
	p->depth++;
	return 1;
}

static int on_start_map(void *ctx)
{
	return push(ctx, RG_JSON_OBJECT);
}

static int on_start_array(void *ctx)
{
	return push(ctx, RG_JSON_ARRAY);
}

static int on_key(void *ctx, const unsigned char *key, size_t len)
{
	struct parser *p = ctx;
	struct frame *f = &p->stack[p->depth - 1];
	bool in_place = is_in_place(p, key);
	if (!check_text(p, key, len, in_place, "key"))
		return 0;
	if (f->is_key_owned)
		rg_json_arena_free(f->key);
	f->key = rg_json_arena_alloc(p->arena, len + 1);
	copy_text(f->key, (const char *)key, len);
	f->key[len] = '\0';
	f->key_len = len;
	f->is_key_owned = true;
	f->is_key_plain = in_place;
	return 1;
}

static int cmp_member_ptr(const void *a, const void *b)
{
	const struct rg_json_member *x = *(const struct rg_json_member *const *)a;
	const struct rg_json_member *y = *(const struct rg_json_member *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

/* Returns the first key that occurs twice, or NULL. O(n log n) for big objects. */
static const char *find_duplicate(const struct rg_json *obj)
{
	const struct rg_json_member *m = obj->u.members;

	if (obj->n <= 16) {
		for (size_t i = 1; i < obj->n; i++)
			for (size_t k = 0; k < i; k++)
				if (m[i].key_len == m[k].key_len &&
				    memcmp(m[i].key, m[k].key, m[i].key_len) == 0)
					return m[i].key;
		return NULL;
	}
	_cleanup_free_ const struct rg_json_member **v = rg_xmalloc(sizeof(*v) * obj->n);
	for (size_t i = 0; i < obj->n; i++)
		v[i] = &m[i];
	qsort(v, obj->n, sizeof(*v), cmp_member_ptr);
	for (size_t i = 1; i < obj->n; i++)
		if (cmp_member_ptr(&v[i - 1], &v[i]) == 0)
			return v[i]->key;
	return NULL;
}

static int on_end_map(void *ctx)
{
	struct parser *p = ctx;
	struct frame *f = &p->stack[p->depth - 1];

	const char *dup = find_duplicate(f->node);
	if (dup) {
		/* Report at the object's path, naming the member's full path too. */
		struct rg_buf at = {0};
		if (f->is_key_owned)
			rg_json_arena_free(f->key);
		f->key = NULL;
		f->is_key_owned = false;
		path_of_stack(p, &at);
		_cleanup_free_ char *where = rg_buf_steal(&at);
		return fail(p, "duplicate key \"%s\" (%s.%s; runc would use the last one)", dup,
			    where, dup);
	}
	if (f->is_key_owned)
		rg_json_arena_free(f->key);
	f->key = NULL;
	f->is_key_owned = false;
	p->depth--;
	return 1;
}

/* An array holds no key to check or to let go of (on_key runs in objects only): nothing but the
 * level to leave. */
static int on_end_array(void *ctx)
{
	struct parser *p = ctx;
	p->depth--;
	return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

size_t rg_json_line(const char *buf, size_t len, size_t pos)
{
	size_t line = 1;
	for (size_t i = 0; i < pos && i < len; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

static void line_col(const char *buf, size_t len, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* yajl's message is multi-line with a context excerpt; keep its first line. */
static char *first_line(const unsigned char *s)
{
	if (!s)
		return rg_xstrdup("parse error");
	const char *t = (const char *)s;
	while (*t == ' ' || *t == '\n')
		t++;
	size_t n = strcspn(t, "\n");
	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '.'))
		n--;
	return rg_xstrndup(t, n);
}

struct rg_json *rg_json_parse(const char *buf, size_t len, const char *name,
			      const struct rg_json_parse_opts *opts, struct rg_error **err)
{
	struct parser p = {0};
	unsigned max_depth = opts && opts->max_depth ? opts->max_depth : RG_JSON_MAX_DEPTH;

	/* yajl is opened on first use (src/lib/libs.c): a missing library is an error here. */
	if (rg_libs_load(1u << RG_LIB_YAJL, err) < 0)
		return NULL;
	p.max_depth = max_depth;
	p.is_pos_kept = !(opts && opts->drop_positions);
	p.consumed = (size_t(*)(yajl_handle))rg_libs_sym(RG_LIB_YAJL, "yajl_get_bytes_consumed");
	/* A config.json's nodes, texts and keys take about four times its size. */
	p.arena = opts && opts->use_arena && len < SIZE_MAX / 8 ? rg_json_arena_new(4 * len + 65536)
								: NULL;
	if (p.arena)
		made_in = p.arena;
	p.name = name;
	p.buf = buf;
	p.len = len;
	p.stack = rg_xcalloc(max_depth + 1, sizeof(*p.stack));

	yajl_handle h = yajl_alloc(&callbacks, NULL, &p);
	p.h = h;
	if (!h) {
		free(p.stack);
		rg_error_set(err, ENOMEM, "%s: cannot allocate parser", name);
		return NULL;
	}
	yajl_config(h, yajl_allow_comments, opts && opts->allow_comments ? 1 : 0);

	yajl_status st = yajl_parse(h, (const unsigned char *)buf, len);
	bool st_at_end = false;
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		st_at_end = true;
	}

	if (st != yajl_status_ok) {
		/* After yajl_complete_parse the count no longer refers to buf: the
		 * error is at the end of the input. */
		size_t off = st_at_end ? len : yajl_get_bytes_consumed(h), line, col;
		line_col(buf, len, off, &line, &col);
		if (st == yajl_status_client_canceled && p.error) {
			rg_error_set(err, EINVAL, "%s:%zu:%zu: %s", name, line, col, p.error);
		} else {
			unsigned char *m = yajl_get_error(h, 0, (const unsigned char *)buf, len);
			_cleanup_free_ char *why = first_line(m);
			yajl_free_error(h, m);
			if (len == 0)
				rg_error_set(err, EINVAL, "%s: empty file, expected JSON", name);
			else
				rg_error_set(err, EINVAL, "%s:%zu:%zu: invalid JSON: %s", name,
					     line, col, why);
		}
		for (unsigned i = 0; i <= max_depth; i++)
			if (p.stack[i].is_key_owned)
				rg_json_arena_free(p.stack[i].key);
		rg_json_free(p.root);
		p.root = NULL;
	}
	yajl_free(h);
	free(p.stack);
	free(p.error);
	return p.root;
}

/* ---- emitter ---- */

/* The bytes that need an escape: controls, the quote, the backslash. */
static const bool is_special[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
    [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1,
    [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
    [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1,
    [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, ['"'] = 1,	['\\'] = 1,
};

#define BYTES(c) (0x0101010101010101ull * (c))
#define HAS_ZERO(w) (((w)-BYTES(0x01)) & ~(w)&BYTES(0x80))

/* No control byte, quote or backslash in the eight bytes of w. */
static inline bool is_plain_word(uint64_t w)
{
	return !((w - BYTES(0x20)) & ~w & BYTES(0x80)) && !HAS_ZERO(w ^ BYTES('"')) &&
	       !HAS_ZERO(w ^ BYTES('\\'));
}

/*
 * Copies the bytes of s that need no escape, from the start, to d, and
 * returns how many: eight at a time (the last word overlapping the one
 * before), then one by one.
 */
static size_t copy_plain(char *d, const char *s, size_t len)
{
	size_t i = 0;
	uint64_t w;

	for (; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(&w, s + i, sizeof(w));
		if (!is_plain_word(w))
			break;
		memcpy(d + i, &w, sizeof(w));
	}
	if (i < len && len >= sizeof(w) && i + sizeof(w) > len) {
		memcpy(&w, s + len - sizeof(w), sizeof(w));
		if (is_plain_word(w)) {
			memcpy(d + len - sizeof(w), &w, sizeof(w));
			return len;
		}
	} else if (len >= sizeof(uint32_t) && len < sizeof(w)) {
		/* Four to seven bytes: two half words, overlapping, judged as one word. */
		uint32_t lo, hi;
		memcpy(&lo, s, sizeof(lo));
		memcpy(&hi, s + len - sizeof(hi), sizeof(hi));
		if (is_plain_word(lo | (uint64_t)hi << 32)) {
			memcpy(d, &lo, sizeof(lo));
			memcpy(d + len - sizeof(hi), &hi, sizeof(hi));
			return len;
		}
	}
	for (; i < len && !is_special[(unsigned char)s[i]]; i++)
		d[i] = s[i];
	return i;
}

/* The escape of byte c (a control, the quote or the backslash) at d; its length, 2 or 6. */
static size_t put_escape(char *d, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	static const char short_form[256] = {
	    ['"'] = '"',  ['\\'] = '\\', ['\n'] = 'n', ['\t'] = 't',
	    ['\r'] = 'r', ['\b'] = 'b',	 ['\f'] = 'f',
	};

	d[0] = '\\';
	if (short_form[c]) {
		d[1] = short_form[c];
		return 2;
	}
	memcpy(d + 1, "u00", 3);
	d[4] = hex[c >> 4];
	d[5] = hex[c & 15];
	return 6;
}

void rg_json_emit_string(struct rg_buf *b, const char *s, size_t len)
{
	/* Room for the common case, no escapes, at once (the check inline, as in rg_buf_putc). */
	if (b->len + len + 3 > b->cap)
		rg_buf_reserve(b, len + 2);
	rg_buf_putc(b, '"');
	size_t i = copy_plain(b->data + b->len, s, len);
	b->len += i;
	/* Past an escape (a string quoting JSON has many, a few bytes apart): byte by byte,
	 * with room for every byte of a chunk escaped. */
	while (i < len) {
		size_t chunk = len - i < 256 ? len - i : 256, o = 0;
		if (b->len + 6 * chunk + 2 > b->cap)
			rg_buf_reserve(b, 6 * chunk + 1);
		char *d = b->data + b->len;
		for (size_t end = i + chunk; i < end; i++) {
			unsigned char c = (unsigned char)s[i];
			if (is_special[c])
				o += put_escape(d + o, c);
			else
				d[o++] = (char)c;
		}
		b->len += o;
	}
	rg_buf_putc(b, '"');
}

/* A string none of whose bytes needs an escape, quoted. */
static inline void emit_plain(struct rg_buf *b, const char *s, size_t len)
{
	if (b->len + len + 3 > b->cap)
		rg_buf_reserve(b, len + 2);
	char *d = b->data + b->len;
	d[0] = '"';
	copy_text(d + 1, s, len);
	d[len + 1] = '"';
	d[len + 2] = '\0';
	b->len += len + 2;
}

/* A line break and level tabs, after a comma when is_next: one room check, tabs eight at a time. */
static inline void newline(struct rg_buf *b, bool is_next, bool indent, unsigned level)
{
	const uint64_t tabs = BYTES('\t');

	if (!indent) {
		if (is_next)
			rg_buf_putc(b, ',');
		return;
	}
	size_t n = (is_next ? 2 : 1) + level;
	if (b->len + n + sizeof(tabs) + 1 > b->cap)
		rg_buf_reserve(b, n + sizeof(tabs));
	char *d = b->data + b->len;
	if (is_next)
		*d++ = ',';
	*d++ = '\n';
	/* Up to eight tabs too many are written, inside the room reserved, then cut by the NUL;
	 * the first eight without a test (a config.json is rarely deeper). */
	memcpy(d, &tabs, sizeof(tabs));
	for (unsigned k = sizeof(tabs); k < level; k += sizeof(tabs))
		memcpy(d + k, &tabs, sizeof(tabs));
	b->len += n;
	b->data[b->len] = '\0';
}

/* Emits j into b; stops early (leaving a prefix of the text) once b holds more than cap bytes. */
/*
 * Where rg_json_emit_fd sends the text: written out whenever the buffer
 * passes FLUSH_AT. Small, and reserved once: on a create every new page of
 * memory is a page fault, which costs more than a write(2).
 */
struct sink {
	int fd;
	int err; /* the first write error, negative errno */
};

#define FLUSH_AT 8192

static void flush(struct rg_buf *b, struct sink *sink)
{
	if (!sink || b->len < FLUSH_AT)
		return;
	if (sink->err == 0)
		sink->err = rg_write_all(sink->fd, b->data, b->len);
	rg_buf_truncate(b, 0);
}

/* Emits j when it is not a container; false (nothing emitted) when it is one. */
static inline bool emit_scalar(struct rg_buf *b, const struct rg_json *j)
{
	switch (j->type) {
	case RG_JSON_NULL:
		rg_buf_puts(b, "null");
		return true;
	case RG_JSON_TRUE:
		rg_buf_puts(b, "true");
		return true;
	case RG_JSON_FALSE:
		rg_buf_puts(b, "false");
		return true;
	case RG_JSON_NUMBER:
		rg_buf_append(b, j->u.s.text, j->u.s.len);
		return true;
	case RG_JSON_STRING:
		if (j->is_plain)
			emit_plain(b, j->u.s.text, j->u.s.len);
		else
			rg_json_emit_string(b, j->u.s.text, j->u.s.len);
		return true;
	default:
		return j->type != RG_JSON_ARRAY && j->type != RG_JSON_OBJECT;
	}
}

/* Items and members that are not containers are emitted here, without a call. */
static void emit(struct rg_buf *b, const struct rg_json *j, bool indent, unsigned level, size_t cap,
		 struct sink *sink)
{
	const struct rg_json *v;

	if (emit_scalar(b, j))
		return;
	bool is_array = j->type == RG_JSON_ARRAY;
	rg_buf_putc(b, is_array ? '[' : '{');
	for (size_t i = 0; i < j->n && b->len <= cap; i++) {
		newline(b, i > 0, indent, level + 1);
		if (is_array) {
			v = j->u.items[i];
		} else {
			const struct rg_json_member *m = &j->u.members[i];
			v = m->value;
			if (m->is_plain_key)
				emit_plain(b, m->key, m->key_len);
			else
				rg_json_emit_string(b, m->key, m->key_len);
			if (indent)
				rg_buf_append(b, ": ", 2);
			else
				rg_buf_putc(b, ':');
		}
		if (!emit_scalar(b, v))
			emit(b, v, indent, level + 1, cap, sink);
		flush(b, sink);
	}
	if (j->n)
		newline(b, false, indent, level);
	rg_buf_putc(b, is_array ? ']' : '}');
}

char *rg_json_emit(const struct rg_json *j, bool indent, size_t *ret_len)
{
	struct rg_buf b = {0};

	emit(&b, j, indent, 0, SIZE_MAX, NULL);
	if (indent)
		rg_buf_putc(&b, '\n');
	if (ret_len)
		*ret_len = b.len;
	return rg_buf_steal(&b);
}

int rg_json_emit_fd(const struct rg_json *j, bool indent, int fd)
{
	struct rg_buf b = {0};
	struct sink sink = {fd, 0};

	/* A 400 KB config.json is not held twice, as a tree and as its text. */
	rg_buf_reserve(&b, FLUSH_AT + 4096);
	emit(&b, j, indent, 0, SIZE_MAX, &sink);
	if (indent)
		rg_buf_putc(&b, '\n');
	if (sink.err == 0 && b.len)
		sink.err = rg_write_all(fd, b.data, b.len);
	rg_buf_free(&b);
	return sink.err;
}

char *rg_json_brief(const struct rg_json *j)
{
	struct rg_buf b = {0};

	/* Only the first 60 bytes are kept: a large array need not be emitted whole. */
	emit(&b, j, false, 0, 60, NULL);
	size_t len = b.len;
	char *s = rg_buf_steal(&b);
	if (len > 60) {
		/* Cut on a UTF-8 boundary. */
		size_t cut = 57;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(s + cut, "...", 4);
	}
	return s;
}
