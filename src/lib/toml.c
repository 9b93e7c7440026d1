/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A line-oriented TOML reader (see toml.h for what it understands and what
 * it leaves to the engines). Every item keeps its byte range in the
 * borrowed text, so that callers can edit a file by splicing text in and
 * leave every other byte as it was.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/hostpath.h"
#include "runguard/toml.h"
#include "runguard/util.h"

/* Items per file: far more than any engine configuration needs. */
#define MAX_ITEMS 100000u

static bool is_bare(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void put_utf8(struct rg_buf *b, unsigned long cp)
{
	char s[4];
	size_t n;

	if (cp < 0x80) {
		s[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (char)(0xe0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		s[0] = (char)(0xf0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	rg_buf_append(b, s, n);
}

/*
 * Decodes one escape sequence at p (just past the backslash) into out.
 * Returns the position after it, or NULL for an invalid escape.
 */
static const char *decode_escape(const char *p, const char *end, struct rg_buf *out)
{
	if (p >= end)
		return NULL;
	switch (*p) {
	case 'b':
		rg_buf_putc(out, '\b');
		return p + 1;
	case 't':
		rg_buf_putc(out, '\t');
		return p + 1;
	case 'n':
		rg_buf_putc(out, '\n');
		return p + 1;
	case 'f':
		rg_buf_putc(out, '\f');
		return p + 1;
	case 'r':
		rg_buf_putc(out, '\r');
		return p + 1;
	case '"':
	case '\\':
		rg_buf_putc(out, *p);
		return p + 1;
	case 'u':
	case 'U': {
		size_t digits = *p == 'u' ? 4 : 8;
		unsigned long cp = 0;
		p++;
		if ((size_t)(end - p) < digits)
			return NULL;
		for (size_t i = 0; i < digits; i++, p++) {
			if (!isxdigit((unsigned char)*p))
				return NULL;
			cp = cp * 16 +
			     (unsigned long)(isdigit((unsigned char)*p)
						 ? *p - '0'
						 : (tolower((unsigned char)*p) - 'a' + 10));
		}
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0)
			return NULL;
		put_utf8(out, cp);
		return p;
	}
	default:
		return NULL;
	}
}

/*
 * Decodes a one-line basic ("...") or literal ('...') string at p (on the
 * opening quote). Returns the position after the closing quote, or NULL.
 */
static const char *decode_short_string(const char *p, const char *end, struct rg_buf *out)
{
	char q = *p++;
	while (p < end && *p != q && *p != '\n') {
		if (q == '"' && *p == '\\') {
			p = decode_escape(p + 1, end, out);
			if (!p)
				return NULL;
			continue;
		}
		if (*p == '\0')
			return NULL;
		rg_buf_putc(out, *p++);
	}
	return p < end && *p == q ? p + 1 : NULL;
}

/* Appends one key component, bare when it can be, else as a basic string. */
static void norm_component(struct rg_buf *out, const char *s, size_t n)
{
	bool bare = n > 0;
	for (size_t i = 0; bare && i < n; i++)
		bare = is_bare(s[i]);
	if (bare) {
		rg_buf_append(out, s, n);
		return;
	}
	_cleanup_free_ char *c = rg_xstrndup(s, n);
	_cleanup_free_ char *q = rg_toml_quote(c);
	rg_buf_puts(out, q);
}

/*
 * Parses a dotted key at p up to `stop` (0: the end) and appends its
 * normalised form to out. Returns the position of the stop character (or
 * end), or NULL on a syntax error.
 */
static const char *parse_key(const char *p, const char *end, char stop, struct rg_buf *out)
{
	for (size_t n = 0;; n++) {
		struct rg_buf comp = {0};
		while (p < end && is_blank(*p))
			p++;
		if (p >= end)
			return NULL;
		if (*p == '"' || *p == '\'') {
			p = decode_short_string(p, end, &comp);
			if (!p) {
				rg_buf_free(&comp);
				return NULL;
			}
		} else if (is_bare(*p)) {
			while (p < end && is_bare(*p))
				rg_buf_putc(&comp, *p++);
		} else {
			return NULL;
		}
		if (n)
			rg_buf_putc(out, '.');
		norm_component(out, comp.data ? comp.data : "", comp.len);
		rg_buf_free(&comp);
		while (p < end && is_blank(*p))
			p++;
		if (p < end && *p == '.') {
			p++;
			continue;
		}
		if ((stop == 0 && p == end) || (p < end && *p == stop))
			return p;
		return NULL;
	}
}

char *rg_toml_norm(const char *path)
{
	struct rg_buf b = {0};
	if (!parse_key(path, path + strlen(path), 0, &b)) {
		rg_buf_free(&b);
		return NULL;
	}
	return rg_buf_steal(&b);
}

char *rg_toml_join(const char *table, const char *component)
{
	struct rg_buf b = {0};
	if (table && *table) {
		rg_buf_puts(&b, table);
		rg_buf_putc(&b, '.');
	}
	norm_component(&b, component, strlen(component));
	return rg_buf_steal(&b);
}

char *rg_toml_child(const char *path, const char *prefix, const char **ret_rest)
{
	size_t n = strlen(prefix);
	const char *c, *e;
	struct rg_buf b = {0};

	if (strncmp(path, prefix, n) != 0 || path[n] != '.')
		return NULL;
	c = path + n + 1;
	if (*c == '"') {
		e = decode_short_string(c, c + strlen(c), &b);
	} else {
		e = c + strcspn(c, ".");
		rg_buf_append(&b, c, (size_t)(e - c));
	}
	if (!e || (*e != '\0' && *e != '.')) {
		rg_buf_free(&b);
		return NULL;
	}
	if (ret_rest)
		*ret_rest = e;
	rg_buf_append(&b, "", 0);
	return rg_buf_steal(&b);
}

bool rg_toml_is_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '.');
}

/* 1-based line number of byte offset pos. */
static size_t text_line(const char *text, size_t pos)
{
	size_t line = 1;
	for (size_t i = 0; i < pos; i++)
		line += text[i] == '\n';
	return line;
}

struct scan {
	const char *name;
	const char *text;
	size_t len;
	unsigned line;
	struct rg_error **err;
};

static int scan_error(const struct scan *s, unsigned line, const char *what)
{
	return rg_error_set(s->err, EINVAL, "%s:%u: %s", s->name, line, what);
}

/*
 * Skips a string value starting at i (on its first quote), counting
 * newlines of multi-line strings into *line. Returns the index after it.
 */
static int skip_string(const struct scan *s, size_t i, unsigned *line, size_t *ret)
{
	const char *t = s->text;
	char q = t[i];
	bool triple = i + 2 < s->len && t[i + 1] == q && t[i + 2] == q;
	unsigned first = *line;

	i += triple ? 3 : 1;
	while (i < s->len) {
		if (t[i] == '\\' && q == '"') {
			if (i + 1 < s->len && t[i + 1] == '\n')
				(*line)++;
			i += 2;
			continue;
		}
		if (t[i] == '\n') {
			if (!triple)
				return scan_error(s, first, "unterminated string");
			(*line)++;
		}
		if (t[i] == q) {
			if (!triple) {
				*ret = i + 1;
				return 0;
			}
			if (i + 2 < s->len && t[i + 1] == q && t[i + 2] == q) {
				/* Up to two more quotes may close a multi-line string. */
				i += 3;
				for (int k = 0; k < 2 && i < s->len && t[i] == q; k++)
					i++;
				*ret = i;
				return 0;
			}
		}
		i++;
	}
	return scan_error(s, first, "unterminated string");
}

/*
 * Finds the end of the value that starts at i: the newline at nesting
 * depth 0 outside strings. *ret_value_end is just past its last
 * significant character, *ret_next the start of the next line.
 */
static int scan_value(const struct scan *s, size_t i, unsigned *line, size_t *ret_value_end,
		      size_t *ret_next)
{
	const char *t = s->text;
	unsigned first = *line;
	int depth = 0;
	size_t last = i;

	while (i < s->len) {
		char c = t[i];
		if (c == '"' || c == '\'') {
			int r = skip_string(s, i, line, &i);
			if (r < 0)
				return r;
			last = i;
			continue;
		}
		if (c == '#') {
			while (i < s->len && t[i] != '\n')
				i++;
			continue;
		}
		if (c == '\n') {
			if (depth == 0)
				break;
			(*line)++;
			i++;
			continue;
		}
		if (c == '\0')
			return scan_error(s, *line, "NUL byte");
		if (c == '[' || c == '{')
			depth++;
		if (c == ']' || c == '}') {
			if (--depth < 0)
				return scan_error(s, *line, "unbalanced bracket");
		}
		i++;
		if (!is_blank(c))
			last = i;
	}
	if (depth != 0)
		return scan_error(s, first, "unterminated array or inline table");
	*ret_value_end = last;
	*ret_next = i < s->len ? i + 1 : i;
	return 0;
}

static struct rg_toml_item *new_item(struct rg_toml *t, size_t *cap)
{
	if (t->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		t->items = rg_xrealloc(t->items, *cap * sizeof(*t->items));
	}
	struct rg_toml_item *it = &t->items[t->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

/* Checks that only blanks and a comment follow p on its line. */
static bool rest_is_comment(const char *p, const char *eol)
{
	while (p < eol && is_blank(*p))
		p++;
	return p == eol || *p == '#';
}

static int parse_header(const struct scan *s, struct rg_toml_item *it, size_t p, size_t eol,
			char **cur_table)
{
	const char *t = s->text;
	bool is_array = p + 1 < eol && t[p + 1] == '[';
	struct rg_buf b = {0};
	const char *q = parse_key(t + p + (is_array ? 2 : 1), t + eol, ']', &b);

	if (q && is_array)
		q = (q + 1 < t + eol && q[1] == ']') ? q + 1 : NULL;
	if (!q || !rest_is_comment(q + 1, t + eol)) {
		rg_buf_free(&b);
		return scan_error(s, s->line, "malformed table header");
	}
	if (is_array)
		rg_buf_puts(&b, "[]");
	it->kind = is_array ? RG_TOML_ARRAY_TABLE : RG_TOML_TABLE;
	it->table = rg_buf_steal(&b);
	it->path = rg_xstrdup(it->table);
	free(*cur_table);
	*cur_table = rg_xstrdup(it->table);
	return 0;
}

static int parse_keyval(const struct scan *s, struct rg_toml_item *it, size_t p, size_t eol,
			const char *cur_table, unsigned *line, size_t *ret_next)
{
	const char *t = s->text;
	struct rg_buf b = {0};
	const char *q = parse_key(t + p, t + eol, '=', &b);

	if (!q) {
		rg_buf_free(&b);
		return scan_error(s, s->line, "expected 'key = value'");
	}
	it->kind = RG_TOML_KEYVAL;
	it->table = rg_xstrdup(cur_table);
	it->key = rg_buf_steal(&b);
	it->path = *cur_table ? rg_xasprintf("%s.%s", cur_table, it->key) : rg_xstrdup(it->key);
	size_t v = (size_t)(q - t) + 1;
	while (v < eol && is_blank(t[v]))
		v++;
	if (v >= eol || t[v] == '#')
		return scan_error(s, s->line, "missing value");
	it->value_start = v;
	return scan_value(s, v, line, &it->value_end, ret_next);
}

int rg_toml_parse(const char *name, const char *text, size_t len, struct rg_toml **ret,
		  struct rg_error **err)
{
	struct rg_toml *t = rg_xcalloc(1, sizeof(*t));
	struct scan s = {name, text, len, 1, err};
	_cleanup_free_ char *cur_table = rg_xstrdup("");
	size_t cap = 0, pos = 0;
	int r = 0;

	t->name = rg_xstrdup(name);
	t->text = text;
	t->len = len;
	if (len > RG_TOML_MAX_SIZE) {
		r = rg_error_set(err, EFBIG, "%s: larger than %u bytes", name, RG_TOML_MAX_SIZE);
		goto fail;
	}
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		r = scan_error(&s, (unsigned)text_line(text, (size_t)(nul - text)), "NUL byte");
		goto fail;
	}
	while (pos < len) {
		if (t->n >= MAX_ITEMS) {
			r = scan_error(&s, s.line, "too many lines");
			goto fail;
		}
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t eol = nl ? (size_t)(nl - text) : len;
		size_t p = pos, next = nl ? eol + 1 : len;
		unsigned line = s.line;
		while (p < eol && is_blank(text[p]))
			p++;
		struct rg_toml_item *it = new_item(t, &cap);
		it->line = s.line;
		it->start = pos;
		it->indent = p - pos;
		if (p == eol || text[p] == '#')
			it->kind = RG_TOML_OTHER;
		else if (text[p] == '[')
			r = parse_header(&s, it, p, eol, &cur_table);
		else
			r = parse_keyval(&s, it, p, eol, cur_table, &line, &next);
		if (r < 0)
			goto fail;
		it->end = next;
		s.line = line + 1;
		pos = next;
	}
	*ret = t;
	return 0;
fail:
	rg_toml_free(t);
	return r;
}

void rg_toml_free(struct rg_toml *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->items[i].table);
		free(t->items[i].key);
		free(t->items[i].path);
	}
	free(t->items);
	free(t->name);
	free(t);
}

const struct rg_toml_item *rg_toml_get(const struct rg_toml *t, const char *table, const char *key)
{
	_cleanup_free_ char *full =
	    table && *table ? rg_xasprintf("%s.%s", table, key) : rg_xstrdup(key);
	for (size_t i = t->n; i-- > 0;)
		if (t->items[i].kind == RG_TOML_KEYVAL && rg_streq(t->items[i].path, full))
			return &t->items[i];
	return NULL;
}

const struct rg_toml_item *rg_toml_header(const struct rg_toml *t, const char *table)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->items[i].kind == RG_TOML_TABLE && rg_streq(t->items[i].path, table))
			return &t->items[i];
	return NULL;
}

const struct rg_toml_item *rg_toml_first_under(const struct rg_toml *t, const char *prefix)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->items[i].path && rg_toml_is_under(t->items[i].path, prefix))
			return &t->items[i];
	return NULL;
}

size_t rg_toml_section_end(const struct rg_toml *t, const struct rg_toml_item *header)
{
	size_t i = (size_t)(header - t->items), end = header->end;
	for (i++; i < t->n; i++) {
		const struct rg_toml_item *it = &t->items[i];
		if (it->kind == RG_TOML_TABLE || it->kind == RG_TOML_ARRAY_TABLE)
			break;
		if (it->kind == RG_TOML_KEYVAL)
			end = it->end;
	}
	return end;
}

char *rg_toml_raw(const struct rg_toml *t, const struct rg_toml_item *it)
{
	return rg_xstrndup(t->text + it->value_start, it->value_end - it->value_start);
}

char *rg_toml_get_string(const struct rg_toml *t, const char *table, const char *key,
			 const struct rg_toml_item **ret_it)
{
	const struct rg_toml_item *it = rg_toml_get(t, table, key);
	char *s = NULL;
	if (ret_it)
		*ret_it = it;
	if (it && rg_toml_decode_string(t->text + it->value_start, it->value_end - it->value_start,
					&s) < 0)
		s = NULL;
	return s;
}

int rg_toml_load(const char *root, const char *path, char **ret_text, size_t *ret_len,
		 bool *ret_exists, struct rg_toml **ret_doc, struct rg_error **err)
{
	int r = rg_hostpath_read(root, path, RG_TOML_MAX_SIZE, ret_text, ret_len, err);
	*ret_exists = r == 0;
	if (r == -ENOENT) {
		*ret_text = rg_xstrdup("");
		*ret_len = 0;
		r = 0;
	}
	if (r == 0)
		r = rg_toml_parse(path, *ret_text, *ret_len, ret_doc, err);
	return r;
}

static void trim(const char **v, size_t *n)
{
	while (*n && isspace((unsigned char)**v)) {
		(*v)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*v)[*n - 1]))
		(*n)--;
}

/* Decodes the string at p (on its first quote); *ret_after is past it. */
static int decode_any_string(const char *p, const char *end, struct rg_buf *out,
			     const char **ret_after)
{
	char q = *p;
	bool triple = end - p >= 6 && p[1] == q && p[2] == q;

	if (!triple) {
		const char *a = decode_short_string(p, end, out);
		if (!a)
			return -EINVAL;
		*ret_after = a;
		return 0;
	}
	p += 3;
	/* A newline right after the opening delimiter is trimmed. */
	if (p < end && *p == '\n')
		p++;
	else if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
		p += 2;
	while (p < end) {
		if (end - p >= 3 && p[0] == q && p[1] == q && p[2] == q) {
			/* Up to two quotes before the closing delimiter belong to the string. */
			size_t extra = 0;
			while (extra < 2 && end - p >= (ptrdiff_t)(4 + extra) && p[3 + extra] == q)
				extra++;
			rg_buf_append(out, p, extra);
			*ret_after = p + 3 + extra;
			return 0;
		}
		if (q == '"' && *p == '\\') {
			const char *e = p + 1;
			while (e < end && is_blank(*e))
				e++;
			if (e < end && *e == '\n') {
				/* Line-ending backslash: drop the newline and following blanks. */
				while (e < end && isspace((unsigned char)*e))
					e++;
				p = e;
				continue;
			}
			p = decode_escape(p + 1, end, out);
			if (!p)
				return -EINVAL;
			continue;
		}
		if (*p == '\0')
			return -EINVAL;
		rg_buf_putc(out, *p++);
	}
	return -EINVAL;
}

int rg_toml_decode_string(const char *v, size_t n, char **ret)
{
	struct rg_buf b = {0};
	const char *after;

	trim(&v, &n);
	if (n == 0 || (*v != '"' && *v != '\''))
		return -EINVAL;
	if (decode_any_string(v, v + n, &b, &after) < 0 || after != v + n) {
		rg_buf_free(&b);
		return -EINVAL;
	}
	if (!b.data)
		rg_buf_append(&b, "", 0);
	*ret = rg_buf_steal(&b);
	return 0;
}

int rg_toml_decode_bool(const char *v, size_t n, bool *ret)
{
	trim(&v, &n);
	if (n == 4 && memcmp(v, "true", 4) == 0)
		*ret = true;
	else if (n == 5 && memcmp(v, "false", 5) == 0)
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

/* Skips blanks, newlines and comments inside an array. */
static const char *skip_array_space(const char *p, const char *end)
{
	while (p < end) {
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (*p == '#') {
			while (p < end && *p != '\n')
				p++;
		} else {
			break;
		}
	}
	return p;
}

void rg_toml_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int rg_toml_decode_strings(const char *v, size_t n, char ***ret, size_t *ret_n)
{
	const char *p, *end;
	char **items = rg_xcalloc(1, sizeof(char *));
	size_t count = 0;

	trim(&v, &n);
	if (n < 2 || v[0] != '[' || v[n - 1] != ']')
		goto fail;
	p = v + 1;
	end = v + n - 1;
	for (;;) {
		p = skip_array_space(p, end);
		if (p == end)
			break;
		if (*p != '"' && *p != '\'')
			goto fail;
		struct rg_buf b = {0};
		if (decode_any_string(p, end, &b, &p) < 0) {
			rg_buf_free(&b);
			goto fail;
		}
		if (!b.data)
			rg_buf_append(&b, "", 0);
		items = rg_xrealloc(items, (count + 2) * sizeof(char *));
		items[count++] = rg_buf_steal(&b);
		items[count] = NULL;
		p = skip_array_space(p, end);
		if (p == end)
			break;
		if (*p != ',')
			goto fail;
		p++;
	}
	*ret = items;
	*ret_n = count;
	return 0;
fail:
	rg_toml_strv_free(items);
	return -EINVAL;
}

char *rg_toml_quote(const char *s)
{
	struct rg_buf b = {0};

	rg_buf_putc(&b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			rg_buf_puts(&b, "\\\"");
			break;
		case '\\':
			rg_buf_puts(&b, "\\\\");
			break;
		case '\n':
			rg_buf_puts(&b, "\\n");
			break;
		case '\t':
			rg_buf_puts(&b, "\\t");
			break;
		case '\r':
			rg_buf_puts(&b, "\\r");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				rg_buf_printf(&b, "\\u%04x", *p);
			else
				rg_buf_putc(&b, (char)*p);
		}
	}
	rg_buf_putc(&b, '"');
	return rg_buf_steal(&b);
}

char *rg_toml_quote_array(char *const *items, size_t n)
{
	struct rg_buf b = {0};

	rg_buf_putc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *q = rg_toml_quote(items[i]);
		rg_buf_printf(&b, "%s%s", i ? ", " : "", q);
	}
	rg_buf_putc(&b, ']');
	return rg_buf_steal(&b);
}

void rg_toml_edit(struct rg_toml_edits *ed, size_t start, size_t end, const char *text)
{
	ed->e = rg_xrealloc(ed->e, (ed->n + 1) * sizeof(*ed->e));
	ed->e[ed->n] = (struct rg_toml_edit){start, end, rg_xstrdup(text), ed->n};
	ed->n++;
}

static int edit_cmp(const void *a, const void *b)
{
	const struct rg_toml_edit *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

char *rg_toml_edits_apply(const char *text, size_t len, struct rg_toml_edits *ed, size_t *ret_len)
{
	struct rg_buf b = {0};
	size_t pos = 0;

	if (ed->n)
		qsort(ed->e, ed->n, sizeof(*ed->e), edit_cmp);
	for (size_t i = 0; i < ed->n; i++) {
		const struct rg_toml_edit *e = &ed->e[i];
		if (e->start > pos)
			rg_buf_append(&b, text + pos, e->start - pos);
		rg_buf_puts(&b, e->text);
		if (e->end > pos)
			pos = e->end;
		if (e->start > pos)
			pos = e->start;
	}
	if (pos < len)
		rg_buf_append(&b, text + pos, len - pos);
	if (!b.data)
		rg_buf_append(&b, "", 0);
	*ret_len = b.len;
	return rg_buf_steal(&b);
}

void rg_toml_edits_free(struct rg_toml_edits *ed)
{
	for (size_t i = 0; i < ed->n; i++)
		free(ed->e[i].text);
	free(ed->e);
	*ed = (struct rg_toml_edits){0};
}
