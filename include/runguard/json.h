/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_JSON_H
#define RUNGUARD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runguard/error.h"

/*
 * A lossless, ordered, mutable JSON tree built on yajl's callback parser.
 *
 * - Object members keep their order; duplicate keys are rejected at parse
 *   time (Go's decoder, which runc uses, would apply the last one).
 * - Numbers keep their original text: 1e3, -0, 18446744073709551616 are
 *   emitted exactly as read.
 * - Strings are stored decoded (UTF-8, validated by yajl) with an explicit
 *   length, so "\u0000" survives.
 *
 * Nodes own their children. Pointers returned by lookups are borrowed from
 * the tree and stay valid until that node is removed or the tree is freed.
 */

enum rg_json_type {
	RG_JSON_NULL,
	RG_JSON_FALSE,
	RG_JSON_TRUE,
	RG_JSON_NUMBER,
	RG_JSON_STRING,
	RG_JSON_ARRAY,
	RG_JSON_OBJECT,
};

struct rg_json;

struct rg_json_member {
	char *key;
	size_t key_len;
	struct rg_json *value;
	bool is_plain_key; /* as rg_json's is_plain, for the key */
};

/* 32 bytes a node: a 400 KB config.json is some 10 000 of them. The counts fit
 * 32 bits: no parsed text is larger than RG_JSON_MAX_SIZE. */
struct rg_json {
	enum rg_json_type type;
	uint32_t pos; /* byte offset in the parsed text just past the value's first token */
	uint32_t n; /* items (array) or members (object) */
	union {
		uint32_t cap; /* array or object: room for items or members */
		/* string: no byte of the text needs an escape; set only by the parser,
		 * for a string it read with none (false: the emitter looks). */
		bool is_plain;
	};
	union {
		struct {
			char *text; /* string value, or number text; NUL-terminated */
			size_t len;
		} s;
		struct rg_json **items;
		struct rg_json_member *members;
	} u;
};

/*
 * A tree as bytes (src/lib/jsonpack.c), for trees made at build time: *ret_len
 * bytes, caller frees. rg_json_unpack returns a new tree, or NULL when buf
 * is not exactly one packed tree. Node positions are not kept.
 */
char *rg_json_pack(const struct rg_json *j, size_t *ret_len);
struct rg_json *rg_json_unpack(const char *buf, size_t len);

/* Hard limits against hostile input (the OCI spec needs a depth of about 10). */
#define RG_JSON_MAX_DEPTH 64
#define RG_JSON_MAX_SIZE (8u * 1024u * 1024u)

struct rg_json_parse_opts {
	bool allow_comments; /* for runguard's own configuration file only */
	unsigned max_depth; /* 0: RG_JSON_MAX_DEPTH */
	/* The tree's nodes from one block that is never given back (src/lib/json.c),
	 * and the nodes the process makes after it: for the config.json of a
	 * process that execs soon after. */
	bool use_arena;
	/* Every node's pos left 0: for a text whose values no message places by
	 * line (config.json), one call into yajl per value saved. */
	bool drop_positions;
};

/*
 * Parses buf[0..len) into a new tree; the top level may be any value.
 * `name` (e.g. "config.json") prefixes error messages, which carry line and
 * column. Returns NULL and sets *err on any error, including duplicate keys
 * (message names the JSON path) and exceeding the depth limit.
 */
struct rg_json *rg_json_parse(const char *buf, size_t len, const char *name,
			      const struct rg_json_parse_opts *opts, struct rg_error **err);

/* 1-based line of byte offset pos in buf (for messages). */
size_t rg_json_line(const char *buf, size_t len, size_t pos);

/* Appends s[0..len) to b as a JSON string literal, quotes and escapes as the emitter writes them.
 */
struct rg_buf;
void rg_json_emit_string(struct rg_buf *b, const char *s, size_t len);

/* Serialises the tree. indent: tab-indented, one member per line; otherwise compact. */
char *rg_json_emit(const struct rg_json *j, bool indent, size_t *ret_len);

/* The same text as rg_json_emit, written to fd as it is made. 0 or the first write's -errno. */
int rg_json_emit_fd(const struct rg_json *j, bool indent, int fd);

void rg_json_free(struct rg_json *j);
static inline void rg_json_freep(struct rg_json **j)
{
	rg_json_free(*j);
}
#define _cleanup_json_ __attribute__((cleanup(rg_json_freep)))

/* Deep copy; the caller owns the result. */
struct rg_json *rg_json_clone(const struct rg_json *j);
/* Structural equality: same types, same number text, same members in the same order. */
bool rg_json_equal(const struct rg_json *a, const struct rg_json *b);

/* Constructors; the caller owns the result until it is inserted into a tree. */
struct rg_json *rg_json_new(enum rg_json_type type);
struct rg_json *rg_json_new_string(const char *s);
struct rg_json *rg_json_new_stringn(const char *s, size_t len);
struct rg_json *rg_json_new_number(const char *text);
/* A number node holding v in decimal (made without printf). */
struct rg_json *rg_json_new_uint(unsigned long long v);
struct rg_json *rg_json_new_bool(bool v);

/* Object access. get returns a borrowed pointer or NULL; getn takes the key's length (rg_json_get
 * inline, so that a literal key's is known when compiling). */
struct rg_json *rg_json_getn(const struct rg_json *obj, const char *key, size_t len);
static inline struct rg_json *rg_json_get(const struct rg_json *obj, const char *key)
{
	return rg_json_getn(obj, key, strlen(key));
}
/* Sets key to value (taking ownership), replacing in place if present, else appending. */
void rg_json_set(struct rg_json *obj, const char *key, struct rg_json *value);
/* Removes the member and returns its value, now the caller's; NULL if absent. */
struct rg_json *rg_json_take(struct rg_json *obj, const char *key);
/* Removes and frees member i (by index: a key may hold a NUL no lookup could name). */
void rg_json_remove_at(struct rg_json *obj, size_t i);
/* Gives member i the key `key` (copied). */
void rg_json_rename_at(struct rg_json *obj, size_t i, const char *key);
/* Removes and frees the member; returns true if it existed. */
bool rg_json_remove(struct rg_json *obj, const char *key);

/* Array access. */
void rg_json_append(struct rg_json *arr, struct rg_json *value);
/* Removes and frees item i. */
void rg_json_array_remove(struct rg_json *arr, size_t i);

static inline bool rg_json_is(const struct rg_json *j, enum rg_json_type t)
{
	return j && j->type == t;
}
static inline bool rg_json_is_bool(const struct rg_json *j)
{
	return j && (j->type == RG_JSON_TRUE || j->type == RG_JSON_FALSE);
}
/* NUL-terminated string value, or NULL if j is not a string. */
static inline const char *rg_json_str(const struct rg_json *j)
{
	return j && j->type == RG_JSON_STRING ? j->u.s.text : NULL;
}

/*
 * Reads a number node as a signed 64-bit integer. Fails (-ERANGE/-EINVAL) for
 * non-integers, fractions, exponents and out-of-range values.
 */
int rg_json_int64(const struct rg_json *j, long long *ret);

const char *rg_json_type_name(enum rg_json_type t);

/* Short JSON text of a value for messages (truncated to ~60 chars). Caller frees. */
char *rg_json_brief(const struct rg_json *j);

#endif
