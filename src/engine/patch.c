/* SPDX-License-Identifier: Apache-2.0 */
/* JSON Patch (RFC 6902) generation, with JSON Pointer (RFC 6901) escaping. */
#include <string.h>

#include "patch.h"
#include "runguard/util.h"

static void pointer_append(struct rg_buf *b, const char *key, size_t len)
{
	rg_buf_putc(b, '/');
	for (size_t i = 0; i < len; i++) {
		if (key[i] == '~')
			rg_buf_puts(b, "~0");
		else if (key[i] == '/')
			rg_buf_puts(b, "~1");
		else
			rg_buf_putc(b, key[i]);
	}
}

static void op(struct rg_json *patch, const char *name, const char *path,
	       const struct rg_json *value)
{
	struct rg_json *o = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(o, "op", rg_json_new_string(name));
	rg_json_set(o, "path", rg_json_new_string(path));
	if (value)
		rg_json_set(o, "value", rg_json_clone(value));
	rg_json_append(patch, o);
}

static const struct rg_json_member *member(const struct rg_json *obj, const char *key, size_t len)
{
	for (size_t i = 0; i < obj->n; i++)
		if (obj->u.members[i].key_len == len &&
		    memcmp(obj->u.members[i].key, key, len) == 0)
			return &obj->u.members[i];
	return NULL;
}

static void diff(struct rg_json *patch, struct rg_buf *path, const struct rg_json *a,
		 const struct rg_json *b)
{
	size_t mark = path->len;

	if (rg_json_equal(a, b))
		return;
	if (a->type == RG_JSON_OBJECT && b->type == RG_JSON_OBJECT) {
		for (size_t i = 0; i < a->n; i++) {
			const struct rg_json_member *m = &a->u.members[i];
			if (member(b, m->key, m->key_len))
				continue;
			pointer_append(path, m->key, m->key_len);
			op(patch, "remove", path->data, NULL);
			path->len = mark;
			path->data[mark] = '\0';
		}
		for (size_t i = 0; i < b->n; i++) {
			const struct rg_json_member *m = &b->u.members[i];
			const struct rg_json_member *old = member(a, m->key, m->key_len);
			pointer_append(path, m->key, m->key_len);
			if (old)
				diff(patch, path, old->value, m->value);
			else
				op(patch, "add", path->data, m->value);
			path->len = mark;
			path->data[mark] = '\0';
		}
		return;
	}
	if (a->type == RG_JSON_ARRAY && b->type == RG_JSON_ARRAY && a->n == b->n) {
		for (size_t i = 0; i < a->n; i++) {
			rg_buf_printf(path, "/%zu", i);
			diff(patch, path, a->u.items[i], b->u.items[i]);
			path->len = mark;
			path->data[mark] = '\0';
		}
		return;
	}
	op(patch, "replace", path->data ? path->data : "", b);
}

struct rg_json *rg_json_diff(const struct rg_json *from, const struct rg_json *to)
{
	struct rg_json *patch = rg_json_new(RG_JSON_ARRAY);
	struct rg_buf path = {0};

	rg_buf_puts(&path, "");
	diff(patch, &path, from, to);
	rg_buf_free(&path);
	return patch;
}
