/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A JSON tree packed into bytes at build time (tools/gen_packed.c) and
 * unpacked at run time: for the embedded profiles, which depend only on the
 * build. Unpacking a tree is a fraction of parsing its text (no tokenizer,
 * no UTF-8 validation, no escapes), and that parse was a quarter of a
 * small create's instructions.
 *
 * Format, in the build machine's byte order: a type byte (enum
 * rg_json_type); numbers and strings: a 32-bit length and the bytes (text
 * for numbers, decoded UTF-8 for strings); arrays: a 32-bit count and the
 * items; objects: a 32-bit count and per member a 32-bit key length, the
 * key, and the value. Node positions (pos) are not kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/json.h"
#include "runguard/util.h"
#include "json_arena.h"

static void put_u32(struct rg_buf *b, size_t v)
{
	uint32_t u = (uint32_t)v;
	rg_buf_append(b, (const char *)&u, sizeof(u));
}

static void pack(const struct rg_json *j, struct rg_buf *b)
{
	rg_buf_putc(b, (char)j->type);
	switch (j->type) {
	case RG_JSON_NUMBER:
	case RG_JSON_STRING:
		put_u32(b, j->u.s.len);
		rg_buf_append(b, j->u.s.text, j->u.s.len);
		break;
	case RG_JSON_ARRAY:
		put_u32(b, j->n);
		for (size_t i = 0; i < j->n; i++)
			pack(j->u.items[i], b);
		break;
	case RG_JSON_OBJECT:
		put_u32(b, j->n);
		for (size_t i = 0; i < j->n; i++) {
			put_u32(b, j->u.members[i].key_len);
			rg_buf_append(b, j->u.members[i].key, j->u.members[i].key_len);
			pack(j->u.members[i].value, b);
		}
		break;
	case RG_JSON_NULL:
	case RG_JSON_FALSE:
	case RG_JSON_TRUE:
	default:
		break;
	}
}

char *rg_json_pack(const struct rg_json *j, size_t *ret_len)
{
	struct rg_buf b = {0};
	pack(j, &b);
	*ret_len = b.len;
	return rg_buf_steal(&b);
}

struct reader {
	const char *p, *end;
	unsigned depth;
	struct rg_json_arena *arena; /* NULL: malloc */
};

static bool get_u32(struct reader *r, size_t *ret)
{
	uint32_t u;
	if ((size_t)(r->end - r->p) < sizeof(u))
		return false;
	memcpy(&u, r->p, sizeof(u));
	r->p += sizeof(u);
	*ret = u;
	return true;
}

/* A length-prefixed byte string, copied NUL-terminated; NULL when truncated. */
static char *get_bytes(struct reader *r, size_t *ret_len)
{
	size_t len;
	if (!get_u32(r, &len) || (size_t)(r->end - r->p) < len)
		return NULL;
	char *s = rg_json_arena_alloc(r->arena, len + 1);
	memcpy(s, r->p, len);
	s[len] = '\0';
	r->p += len;
	*ret_len = len;
	return s;
}

static struct rg_json *unpack(struct reader *r)
{
	if (r->p >= r->end || r->depth > RG_JSON_MAX_DEPTH)
		return NULL;
	enum rg_json_type type = (enum rg_json_type)(unsigned char)*r->p++;
	size_t n = 0;
	bool ok = true;
	if (type == RG_JSON_NUMBER || type == RG_JSON_STRING) {
		/* Node and text in one allocation (rg_json_new_stringn). */
		if (!get_u32(r, &n) || (size_t)(r->end - r->p) < n)
			return NULL;
		struct rg_json *s = rg_json_arena_string(r->arena, r->p, n, type);
		r->p += n;
		return s;
	}
	struct rg_json *j = rg_json_arena_node(r->arena, type);
	r->depth++;
	switch (j->type) {
	case RG_JSON_ARRAY:
		ok = get_u32(r, &n) && n <= (size_t)(r->end - r->p);
		j->u.items =
		    ok && n ? rg_json_arena_alloc(r->arena, n * sizeof(*j->u.items)) : NULL;
		j->cap = ok ? n : 0;
		while (ok && j->n < n) {
			struct rg_json *item = unpack(r);
			ok = item != NULL;
			if (ok)
				j->u.items[j->n++] = item;
		}
		break;
	case RG_JSON_OBJECT:
		ok = get_u32(r, &n) && n <= (size_t)(r->end - r->p);
		j->u.members =
		    ok && n ? rg_json_arena_alloc(r->arena, n * sizeof(*j->u.members)) : NULL;
		j->cap = ok ? n : 0;
		while (ok && j->n < n) {
			size_t key_len = 0;
			char *key = get_bytes(r, &key_len);
			struct rg_json *value = key ? unpack(r) : NULL;
			ok = value != NULL;
			if (!ok) {
				rg_json_arena_free(key);
				break;
			}
			struct rg_json_member *m = &j->u.members[j->n++];
			m->key = key;
			m->key_len = key_len;
			m->is_plain_key = false;
			m->value = value;
		}
		break;
	case RG_JSON_NULL:
	case RG_JSON_FALSE:
	case RG_JSON_TRUE:
		break;
	default:
		ok = false;
		break;
	}
	r->depth--;
	if (!ok) {
		rg_json_free(j);
		return NULL;
	}
	return j;
}

struct rg_json *rg_json_unpack(const char *buf, size_t len)
{
	/* The embedded profiles are unpacked by a create before its exec: into an
	 * arena (src/lib/json_arena.h), about eight times the packed size. */
	struct reader r = {buf, buf + len, 0,
			   len < SIZE_MAX / 16 ? rg_json_arena_new(8 * len + 4096) : NULL};
	struct rg_json *j = unpack(&r);
	if (j && r.p != r.end) {
		rg_json_free(j);
		return NULL;
	}
	return j;
}
