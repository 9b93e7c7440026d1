/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_TOML_H
#define RUNGUARD_TOML_H

#include <stdbool.h>
#include <stddef.h>

#include "runguard/error.h"

/*
 * A small, line-oriented TOML reader for the engine configurations that
 * `runguard configure` edits and `runguard doctor` checks (containerd's
 * config.toml, CRI-O's crio.conf, containers.conf). It understands what
 * those files use: comments, [table] and [[array table]] headers, key =
 * value lines with bare, "basic" and 'literal' keys, dotted keys, and the
 * structure of values (strings of all four kinds, multi-line arrays, inline
 * tables) well enough to find where each value starts and ends. Values are
 * kept as raw text; only strings, booleans and arrays of strings are
 * decoded, on request. It does not validate the rest of the grammar
 * (numbers, dates, duplicate tables): engines do that when they load the
 * file, and runguard only ever edits the keys it owns.
 *
 * Keys and table paths are compared in a normalised form: components
 * joined by '.', each bare when it can be ("runc") and a basic string
 * otherwise ("io.containerd.grpc.v1.cri"), so [plugins.'a.b'] and
 * [ plugins . "a.b" ] are the same table: plugins."a.b". Array tables get
 * a "[]" suffix ("a.b[]") so that lookups never mistake them for tables.
 */

enum rg_toml_kind {
	RG_TOML_OTHER, /* blank line or comment */
	RG_TOML_TABLE, /* [table] */
	RG_TOML_ARRAY_TABLE, /* [[table]] */
	RG_TOML_KEYVAL, /* key = value (possibly spanning lines) */
};

struct rg_toml_item {
	enum rg_toml_kind kind;
	unsigned line; /* 1-based number of its first line */
	size_t start; /* byte offset of its first line */
	size_t end; /* just past its last line's newline (or the end of the text) */
	size_t indent; /* bytes of leading blanks on its first line */
	char *table; /* the table it is in ("" for the top level); TABLE: its own path */
	char *key; /* KEYVAL: normalised key, possibly dotted; otherwise NULL */
	char *path; /* KEYVAL: table and key joined; TABLE: its own path; else NULL */
	size_t value_start, value_end; /* KEYVAL: the raw value text (comment excluded) */
};

struct rg_toml {
	char *name; /* for messages */
	const char *text; /* borrowed: must outlive the document */
	size_t len;
	struct rg_toml_item *items;
	size_t n;
};

/* Files larger than this are refused (engine configurations are a few KiB). */
#define RG_TOML_MAX_SIZE (4u * 1024u * 1024u)

/*
 * Splits text[0..len) into items. The text is borrowed and must stay valid
 * while the document is used. Errors (unterminated string or array, bad
 * header or key) name the file and line. Returns 0 and *ret (free with
 * rg_toml_free), or a negative errno with *err set.
 */
int rg_toml_parse(const char *name, const char *text, size_t len, struct rg_toml **ret,
		  struct rg_error **err);
void rg_toml_free(struct rg_toml *t);
static inline void rg_toml_freep(struct rg_toml **t)
{
	rg_toml_free(*t);
}
#define _cleanup_toml_ __attribute__((cleanup(rg_toml_freep)))

/* Normalised form of a key path written in TOML syntax; NULL on a syntax error. Caller frees. */
char *rg_toml_norm(const char *path);
/* Joins a normalised table path and a raw (unquoted) key component; caller frees. */
char *rg_toml_join(const char *table, const char *component);

/* The last KEYVAL whose full path is table + key (both normalised), or NULL. Borrowed. */
const struct rg_toml_item *rg_toml_get(const struct rg_toml *t, const char *table, const char *key);
/* The [table] header of a table (normalised path), or NULL. Borrowed. */
const struct rg_toml_item *rg_toml_header(const struct rg_toml *t, const char *table);
/* The first item (header or key) at or under the normalised path prefix, or NULL. */
const struct rg_toml_item *rg_toml_first_under(const struct rg_toml *t, const char *prefix);
/*
 * The first component below prefix of a normalised path, decoded (caller
 * frees), or NULL when path is not below prefix. *ret_rest (may be NULL)
 * points at what follows it in path: "" or ".more.components".
 */
char *rg_toml_child(const char *path, const char *prefix, const char **ret_rest);
/* True when path equals prefix or lies below it ("a.b" is under "a", "ab" is not). */
bool rg_toml_is_under(const char *path, const char *prefix);
/*
 * Where a new key of the table whose header is `header` goes: just past the
 * last key line of its section (the lines up to the next header), or past
 * the header when it has none.
 */
size_t rg_toml_section_end(const struct rg_toml *t, const struct rg_toml_item *header);
/* The raw value text of a KEYVAL (a copy; caller frees). */
char *rg_toml_raw(const struct rg_toml *t, const struct rg_toml_item *it);
/*
 * The string value of table.key, or NULL (not set, or not a string).
 * Caller frees. *ret_it (may be NULL): the key's item, or NULL when not set.
 */
char *rg_toml_get_string(const struct rg_toml *t, const char *table, const char *key,
			 const struct rg_toml_item **ret_it);

/*
 * Reads and parses the file at path (seen from here, resolved under root:
 * hostpath.h). A file that does not exist is read as empty text with
 * *ret_exists false. *ret_text (owned) must outlive *ret_doc; on an error
 * both are set as far as they got (free them) and *err says why.
 */
int rg_toml_load(const char *root, const char *path, char **ret_text, size_t *ret_len,
		 bool *ret_exists, struct rg_toml **ret_doc, struct rg_error **err);

/* Decoders of raw value text. 0, or -EINVAL when the value is not of that type. */
int rg_toml_decode_string(const char *v, size_t n, char **ret);
int rg_toml_decode_bool(const char *v, size_t n, bool *ret);
/* An array of strings (comments, newlines and a trailing comma allowed); *ret is NULL-terminated.
 */
int rg_toml_decode_strings(const char *v, size_t n, char ***ret, size_t *ret_n);
void rg_toml_strv_free(char **v);

/* TOML basic-string literal of s (quotes and escapes). Caller frees. */
char *rg_toml_quote(const char *s);
/* One-line array of basic strings: ["a", "b"]. Caller frees. */
char *rg_toml_quote_array(char *const *items, size_t n);

/*
 * An edit list over a document's text: byte ranges replaced by new text
 * (an insertion is an empty range). Edits must not overlap; insertions at
 * the same offset keep the order in which they were added.
 */
struct rg_toml_edit {
	size_t start, end;
	char *text;
	size_t seq;
};

struct rg_toml_edits {
	struct rg_toml_edit *e;
	size_t n;
};

/* Adds an edit replacing text[start..end) with `text` (copied). */
void rg_toml_edit(struct rg_toml_edits *ed, size_t start, size_t end, const char *text);
/* The text with all edits applied (caller frees); *ret_len its length. */
char *rg_toml_edits_apply(const char *text, size_t len, struct rg_toml_edits *ed, size_t *ret_len);
void rg_toml_edits_free(struct rg_toml_edits *ed);

#endif
