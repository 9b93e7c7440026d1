/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the lossless JSON tree: parse/emit round trips (number
 * text, key order, escapes), duplicate keys, depth limits, malformed input,
 * tree editing and the small accessors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runguard/error.h"
#include "runguard/json.h"
#include "runguard/util.h"

/* ---- helpers ---- */

/*
 * Parses exactly len bytes from a heap copy of that size, so that a read
 * past the end shows up under valgrind/ASan. Returns the tree or NULL; on
 * failure *ret_msg (if given) gets the message.
 */
static struct rg_json *try_parse(const char *s, size_t len, const struct rg_json_parse_opts *opts,
				 char **ret_msg)
{
	char *buf = rg_xmalloc(len);
	struct rg_error *err = NULL;

	memcpy(buf, s, len);
	struct rg_json *j = rg_json_parse(buf, len, "t.json", opts, &err);
	free(buf);
	if (j) {
		assert_null(err);
	} else {
		assert_non_null(err);
		assert_non_null(err->msg);
		if (ret_msg)
			*ret_msg = rg_xstrdup(err->msg);
	}
	rg_error_free(err);
	return j;
}

static struct rg_json *parse_ok(const char *s)
{
	char *msg = NULL;
	struct rg_json *j = try_parse(s, strlen(s), NULL, &msg);
	if (!j)
		fail_msg("parse of '%s' failed: %s", s, msg);
	return j;
}

/* Asserts that parsing fails; returns the message (caller frees). */
static char *parse_fail_n(const char *s, size_t len, const struct rg_json_parse_opts *opts)
{
	char *msg = NULL;
	struct rg_json *j = try_parse(s, len, opts, &msg);
	if (j) {
		rg_json_free(j);
		fail_msg("parse of '%.*s' succeeded, expected an error", (int)len, s);
	}
	return msg;
}

static char *parse_fail(const char *s)
{
	return parse_fail_n(s, strlen(s), NULL);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* Extracts "t.json:LINE:COL: " from a message; fails if absent. */
static void get_line_col(const char *msg, unsigned *line, unsigned *col)
{
	int n = 0;
	if (sscanf(msg, "t.json:%u:%u: %n", line, col, &n) != 2 || n == 0)
		fail_msg("message lacks 't.json:line:col: ': %s", msg);
}

static char *emit(const struct rg_json *j, bool indent)
{
	size_t len = 0;
	char *s = rg_json_emit(j, indent, &len);
	assert_non_null(s);
	assert_int_equal(len, strlen(s));
	return s;
}

/* parse(s) -> emit compact -> must equal s; parse again -> equal trees. */
static void assert_compact_roundtrip(const char *s)
{
	struct rg_json *a = parse_ok(s);
	char *out = emit(a, false);
	assert_string_equal(out, s);
	struct rg_json *b = parse_ok(out);
	assert_true(rg_json_equal(a, b));
	/* The indented form parses to the same tree too. */
	char *pretty = emit(a, true);
	struct rg_json *c = parse_ok(pretty);
	assert_true(rg_json_equal(a, c));
	free(pretty);
	free(out);
	rg_json_free(a);
	rg_json_free(b);
	rg_json_free(c);
}

/* A string of n nested openers and n closers. */
static char *nested(const char *open, const char *close, const char *inner, size_t n)
{
	struct rg_buf b = {0};
	for (size_t i = 0; i < n; i++)
		rg_buf_puts(&b, open);
	rg_buf_puts(&b, inner);
	for (size_t i = 0; i < n; i++)
		rg_buf_puts(&b, close);
	return rg_buf_steal(&b);
}

/* ---- round trips ---- */

static void test_number_text_preserved(void **state)
{
	static const char *const numbers[] = {
	    "0",
	    "-0",
	    "1e3",
	    "1E3",
	    "1e+3",
	    "0.10",
	    "1E-7",
	    "-0.0",
	    "-1.5e+300",
	    "18446744073709551616",
	    "123456789012345678901234567890",
	    "-123456789012345678901234567890.000000000000000000001e-400",
	};
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(numbers); i++) {
		/* top level, in an array and in an object */
		assert_compact_roundtrip(numbers[i]);
		char *arr = rg_xasprintf("[%s,%s]", numbers[i], numbers[i]);
		assert_compact_roundtrip(arr);
		char *obj = rg_xasprintf("{\"n\":%s}", numbers[i]);
		assert_compact_roundtrip(obj);

		struct rg_json *j = parse_ok(obj);
		struct rg_json *n = rg_json_get(j, "n");
		assert_true(rg_json_is(n, RG_JSON_NUMBER));
		assert_string_equal(n->u.s.text, numbers[i]);
		assert_int_equal(n->u.s.len, strlen(numbers[i]));
		rg_json_free(j);
		free(arr);
		free(obj);
	}
}

static void test_roundtrip_mixed(void **state)
{
	(void)state;
	assert_compact_roundtrip(
	    "{\"a\":1e3,\"b\":-0,\"c\":0.10,\"d\":1E-7,\"e\":18446744073709551616,"
	    "\"f\":123456789012345678901234567890,\"g\":[true,false,null,\"s\","
	    "{},[],[{}],{\"x\":[]}],\"h\":\"\"}");
	assert_compact_roundtrip("[]");
	assert_compact_roundtrip("{}");
	assert_compact_roundtrip("\"top-level string\"");
	assert_compact_roundtrip("null");
	assert_compact_roundtrip("true");
	assert_compact_roundtrip("false");
}

static void test_whitespace_dropped(void **state)
{
	(void)state;
	struct rg_json *j = parse_ok(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] , \"b\" : { } }\n\n");
	char *out = emit(j, false);
	assert_string_equal(out, "{\"a\":[1,2],\"b\":{}}");
	free(out);
	rg_json_free(j);
}

static void test_key_order_preserved(void **state)
{
	(void)state;
	struct rg_json *j = parse_ok("{\"z\":1,\"a\":2,\"m\":{\"y\":1,\"b\":2},\"A\":3}");
	assert_int_equal(j->n, 4);
	assert_string_equal(j->u.members[0].key, "z");
	assert_string_equal(j->u.members[1].key, "a");
	assert_string_equal(j->u.members[2].key, "m");
	assert_string_equal(j->u.members[3].key, "A");
	char *out = emit(j, false);
	assert_string_equal(out, "{\"z\":1,\"a\":2,\"m\":{\"y\":1,\"b\":2},\"A\":3}");
	free(out);
	rg_json_free(j);

	/* More members than the small-object duplicate check handles. */
	struct rg_buf b = {0};
	rg_buf_putc(&b, '{');
	for (int i = 40; i > 0; i--)
		rg_buf_printf(&b, "%s\"k%d\":%d", i == 40 ? "" : ",", i, i);
	rg_buf_putc(&b, '}');
	char *in = rg_buf_steal(&b);
	assert_compact_roundtrip(in);
	free(in);
}

/* ---- strings and escapes ---- */

static void assert_string_value(const char *json, const char *bytes, size_t len)
{
	struct rg_json *j = parse_ok(json);
	assert_true(rg_json_is(j, RG_JSON_STRING));
	assert_int_equal(j->u.s.len, len);
	assert_memory_equal(j->u.s.text, bytes, len);
	assert_int_equal(j->u.s.text[len], '\0');
	/* Emit and parse again: same bytes. */
	char *out = emit(j, false);
	struct rg_json *k = parse_ok(out);
	assert_true(rg_json_equal(j, k));
	free(out);
	rg_json_free(j);
	rg_json_free(k);
}

static void test_unicode_escapes(void **state)
{
	(void)state;
	assert_string_value("\"\\u00e9\"", "\xc3\xa9", 2);
	assert_string_value("\"\\u00E9\"", "\xc3\xa9", 2);
	assert_string_value("\"\\u20ac\"", "\xe2\x82\xac", 3);
	assert_string_value("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);
	assert_string_value("\"\xf0\x9f\x98\x80\"", "\xf0\x9f\x98\x80", 4);
	assert_string_value("\"\\u0000\"", "\0", 1);
	assert_string_value("\"a\\u0000b\"", "a\0b", 3);
	assert_string_value("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);

	/* Emitted as raw UTF-8, and an embedded NUL as \u0000. */
	struct rg_json *j = parse_ok("[\"\\u00e9\",\"a\\u0000b\"]");
	char *out = emit(j, false);
	assert_string_equal(out, "[\"\xc3\xa9\",\"a\\u0000b\"]");
	free(out);
	rg_json_free(j);

	/* Keys are decoded too, so an escaped key is the same key. */
	j = parse_ok("{\"\\u0070rocess\":{}}");
	assert_non_null(rg_json_get(j, "process"));
	rg_json_free(j);
}

/*
 * A string or key read with no escape is copied as it is (is_plain,
 * is_plain_key); one read with escapes comes decoded and is escaped again,
 * never copied raw.
 */
static void test_emit_parsed_strings(void **state)
{
	static const char text[] = "[\"plain \xc3\xa9/\x7f\",\"q\\\"b\\\\s\\n\",\"\\u0001\","
				   "\"\\u0041\",{\"k\\\"\":\"v\",\"p\":1}]";
	(void)state;

	struct rg_json *j = parse_ok(text);
	assert_true(j->u.items[0]->is_plain);
	assert_false(j->u.items[1]->is_plain);
	assert_false(j->u.items[4]->u.members[0].is_plain_key);
	assert_true(j->u.items[4]->u.members[1].is_plain_key);
	char *out = emit(j, false);
	assert_string_equal(out, "[\"plain \xc3\xa9/\x7f\",\"q\\\"b\\\\s\\n\",\"\\u0001\",\"A\","
				 "{\"k\\\"\":\"v\",\"p\":1}]");
	free(out);
	rg_json_free(j);
}

static void test_emit_escapes_control_chars(void **state)
{
	char bytes[0x20 + 4];
	size_t n = 0;
	(void)state;

	for (int c = 0; c < 0x20; c++)
		bytes[n++] = (char)c;
	bytes[n++] = '"';
	bytes[n++] = '\\';
	bytes[n++] = 0x7f;
	bytes[n++] = '/';

	struct rg_json *s = rg_json_new_stringn(bytes, n);
	char *out = emit(s, false);
	for (const char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20)
			fail_msg("raw control byte 0x%02x in emitted string", (unsigned char)*p);
	assert_contains(out, "\\u0000\\u0001");
	assert_contains(out, "\\b\\t\\n\\u000b\\f\\r");
	assert_contains(out, "\\u001f\\\"\\\\\x7f/\"");

	struct rg_json *back = parse_ok(out);
	assert_int_equal(back->u.s.len, n);
	assert_memory_equal(back->u.s.text, bytes, n);
	assert_true(rg_json_equal(s, back));

	/* Keys are escaped the same way. */
	struct rg_json *obj = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(obj, "a\"b\n", rg_json_new(RG_JSON_NULL));
	char *o = emit(obj, false);
	assert_string_equal(o, "{\"a\\\"b\\n\":null}");

	free(o);
	rg_json_free(obj);
	free(out);
	rg_json_free(s);
	rg_json_free(back);
}

/* ---- duplicate keys ---- */

static void test_duplicate_small(void **state)
{
	(void)state;
	char *m = parse_fail("{\"a\":1,\"a\":2}");
	assert_contains(m, "duplicate key");
	assert_contains(m, "\"a\"");
	assert_true(strncmp(m, "t.json:", 7) == 0);
	free(m);

	/* Same key after unescaping. */
	m = parse_fail("{\"process\":{},\"\\u0070rocess\":{}}");
	assert_contains(m, "\"process\"");
	free(m);

	/* Embedded NUL: equal bytes are a duplicate; a differing tail is not. */
	m = parse_fail("{\"a\\u0000b\":1,\"a\\u0000b\":2}");
	free(m);
	struct rg_json *j = parse_ok("{\"a\\u0000b\":1,\"a\\u0000c\":2,\"a\":3,\"ab\":4}");
	assert_int_equal(j->n, 4);
	rg_json_free(j);

	/* Equal keys in different objects are fine. */
	j = parse_ok("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}");
	rg_json_free(j);
}

static char *many_keys(size_t n, const char *dup)
{
	struct rg_buf b = {0};
	rg_buf_putc(&b, '{');
	for (size_t i = 0; i < n; i++)
		rg_buf_printf(&b, "%s\"key%zu\":%zu", i ? "," : "", i, i);
	if (dup)
		rg_buf_printf(&b, ",\"%s\":true", dup);
	rg_buf_putc(&b, '}');
	return rg_buf_steal(&b);
}

static void test_duplicate_large(void **state)
{
	(void)state;
	for (size_t n = 15; n <= 40; n++) {
		char *ok = many_keys(n, NULL);
		struct rg_json *j = parse_ok(ok);
		assert_int_equal(j->n, n);
		rg_json_free(j);
		free(ok);

		char *bad = many_keys(n, "key7");
		char *m = parse_fail(bad);
		assert_contains(m, "\"key7\"");
		free(m);
		free(bad);
	}
	/* First and last of a big object. */
	char *bad = many_keys(100, "key0");
	char *m = parse_fail(bad);
	assert_contains(m, "\"key0\"");
	free(m);
	free(bad);
	bad = many_keys(100, "key99");
	m = parse_fail(bad);
	assert_contains(m, "\"key99\"");
	free(m);
	free(bad);
}

/* The message names the JSON path of the object holding the duplicate. */
static void expect_dup_path(const char *in, const char *path, const char *key, int *bad)
{
	char *m = parse_fail(in);
	if (!strstr(m, path) || !strstr(m, key)) {
		print_error("%s: want path '%s' and key '%s' in: %s\n", in, path, key, m);
		(*bad)++;
	}
	free(m);
}

static void test_duplicate_path(void **state)
{
	int bad = 0;
	(void)state;

	expect_dup_path("{\"x\":1,\"x\":2}", ": .: ", "\"x\"", &bad);
	expect_dup_path("[{},{\"x\":1,\"x\":2}]", ": [1]: ", "\"x\"", &bad);
	expect_dup_path("{\"a\":{\"b\":{\"x\":1,\"x\":2}}}", ": .a.b: ", "\"x\"", &bad);
	expect_dup_path("{\"a\":[1,{\"x\":1,\"x\":2}]}", ": .a[1]: ", "\"x\"", &bad);
	expect_dup_path("{\"a\":{\"p\":1},\"b\":{\"c\":{},\"c\":{}}}", ": .b: ", "\"c\"", &bad);

	char *big = many_keys(30, "key3");
	char *in = rg_xasprintf("{\"process\":{\"env\":[],\"big\":%s}}", big);
	expect_dup_path(in, ": .process.big: ", "\"key3\"", &bad);
	free(in);
	free(big);
	if (bad)
		fail_msg("%d duplicate-key message(s) without the right JSON path", bad);
}

/* ---- depth ---- */

static void test_depth_limit(void **state)
{
	(void)state;
	char *s = nested("[", "]", "1", RG_JSON_MAX_DEPTH);
	struct rg_json *j = parse_ok(s);
	/* A tree at the limit can be cloned, compared, emitted and freed. */
	struct rg_json *c = rg_json_clone(j);
	assert_true(rg_json_equal(j, c));
	char *out = emit(j, false);
	assert_string_equal(out, s);
	free(out);
	rg_json_free(c);
	rg_json_free(j);
	free(s);

	s = nested("[", "]", "1", RG_JSON_MAX_DEPTH + 1);
	char *m = parse_fail(s);
	assert_contains(m, "nesting");
	free(m);
	free(s);

	s = nested("{\"a\":", "}", "1", RG_JSON_MAX_DEPTH);
	j = parse_ok(s);
	rg_json_free(j);
	free(s);
	s = nested("{\"a\":", "}", "1", RG_JSON_MAX_DEPTH + 1);
	m = parse_fail(s);
	assert_contains(m, "nesting");
	free(m);
	free(s);
}

static void test_depth_hostile(void **state)
{
	(void)state;
	/* Deep input must fail cleanly, not exhaust the stack. */
	char *s = nested("[", "]", "", 100000);
	char *m = parse_fail(s);
	assert_contains(m, "nesting");
	free(m);
	free(s);

	/* Unterminated, too. */
	s = nested("{\"a\":[", "", "", 100000);
	m = parse_fail(s);
	free(m);
	free(s);
}

static void test_depth_option(void **state)
{
	struct rg_json_parse_opts o = {.max_depth = 3};
	(void)state;
	struct rg_json *j = try_parse("[[[1]]]", 7, &o, NULL);
	assert_non_null(j);
	rg_json_free(j);
	char *m = parse_fail_n("[[[[1]]]]", 9, &o);
	assert_contains(m, "3");
	free(m);
}

/* ---- malformed input ---- */

struct bad_case {
	const char *in;
	unsigned line; /* line of the offending character */
	unsigned col; /* its column; the message may point at it or just past it */
};

static void test_malformed(void **state)
{
	static const struct bad_case cases[] = {
	    {"{\"a\":1,}", 1, 8}, /* trailing comma in object */
	    {"[1,2,]", 1, 6}, /* trailing comma in array */
	    {"{\"a\":1} x", 1, 9}, /* trailing garbage */
	    {"{} {}", 1, 4}, /* two top-level values */
	    {"1 2", 1, 3}, /* two top-level numbers */
	    {"[1] 2", 1, 5}, /* a number after the value */
	    {"{\"a\":1 /* c */}", 1, 8}, /* comment, comments off */
	    {"// c\n{}", 1, 1}, /* line comment, comments off */
	    {"{\n  \"a\": 1,\n  \"b\": ]\n}", 3, 8},
	    {"[01]", 1, 3},
	    {"[1.]", 1, 4},
	    {"[-]", 1, 3},
	    {"[+1]", 1, 2},
	    {"[.5]", 1, 2},
	    {"[NaN]", 1, 2},
	    {"[Infinity]", 1, 2},
	    {"['a']", 1, 2},
	    {"[tru]", 1, 4},
	    {"{a:1}", 1, 2},
	    {"{\"a\" 1}", 1, 6},
	    {"\"\\x\"", 1, 2},
	    {"\"\\u12\"", 1, 6},
	    {"\"a\tb\"", 1, 3}, /* raw tab in a string */
	    {"\"a\nb\"", 1, 3}, /* raw newline in a string */
	    {"\"\xff\"", 1, 2}, /* invalid UTF-8 */
	    {"\"\xc3(\"", 1, 3}, /* truncated UTF-8 sequence */
	    {"\"\x80\"", 1, 2}, /* lone continuation byte */
	};
	(void)state;

	int bad = 0;
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *m = parse_fail(cases[i].in);
		unsigned line, col;
		get_line_col(m, &line, &col);
		if (line != cases[i].line || col < cases[i].col || col > cases[i].col + 1) {
			print_error("'%s': want %u:%u, got: %s\n", cases[i].in, cases[i].line,
				    cases[i].col, m);
			bad++;
		}
		free(m);
	}
	if (bad)
		fail_msg("%d malformed input(s) reported at the wrong position", bad);
}

static void test_nul_bytes(void **state)
{
	(void)state;
	/* Raw NUL inside a string, outside, and trailing. */
	char *m = parse_fail_n("\"a\0b\"", 5, NULL);
	free(m);
	m = parse_fail_n("[1,\0 2]", 7, NULL);
	free(m);
	m = parse_fail_n("{}\0", 3, NULL);
	free(m);
	/* The length is what counts, not a NUL terminator. */
	struct rg_json *j = try_parse("[1]garbage", 3, NULL, NULL);
	assert_non_null(j);
	rg_json_free(j);
}

static void test_empty_and_truncated(void **state)
{
	(void)state;
	char *m = parse_fail_n("", 0, NULL);
	assert_true(strncmp(m, "t.json", 6) == 0);
	free(m);
	m = parse_fail(" \n\t ");
	free(m);
	m = parse_fail("{");
	free(m);
	m = parse_fail("[1,");
	free(m);
	m = parse_fail("\"abc");
	free(m);
	m = parse_fail("{\"a\":");
	free(m);
}

/* A truncated document reports where it ends, not 1:1. */
static void test_truncated_position(void **state)
{
	(void)state;
	char *m = parse_fail("{\n\t\"a\": 1,\n\t\"b\": [\n");
	unsigned line, col;
	get_line_col(m, &line, &col);
	if (line < 3)
		print_error("premature EOF on line 4 reported as: %s\n", m);
	free(m);
	assert_true(line >= 3);
}

static void test_comments_option(void **state)
{
	struct rg_json_parse_opts on = {.allow_comments = true};
	struct rg_json_parse_opts off = {.allow_comments = false};
	const char *in = "// header\n{\"a\":1 /* inline */, \"b\": [2] // tail\n}\n";
	(void)state;

	char *m = parse_fail_n(in, strlen(in), &off);
	assert_contains(m, "comment");
	free(m);
	m = parse_fail_n(in, strlen(in), NULL);
	free(m);

	struct rg_json *j = try_parse(in, strlen(in), &on, NULL);
	assert_non_null(j);
	char *out = emit(j, false);
	assert_string_equal(out, "{\"a\":1,\"b\":[2]}");
	free(out);
	rg_json_free(j);
}

/*
 * UTF-8 that yajl's loose check lets through but that is not UTF-8
 * (RFC 3629): Go's decoder, which runc uses, reads each such sequence as
 * U+FFFD, so the bytes runguard checks are not the string runc applies.
 */
static void test_invalid_utf8_strict(void **state)
{
	static const char *const bad[] = {
	    "\"\xc0\xaf\"", /* overlong '/' */
	    "\"\xe0\x80\xaf\"", /* overlong '/', three bytes */
	    "\"\xed\xa0\x80\"", /* UTF-16 surrogate D800 */
	    "\"\xf4\x90\x80\x80\"", /* above U+10FFFF */
	    "\"\xf7\xbf\xbf\xbf\"", /* above U+10FFFF */
	    "{\"\xc0\xaf\":1}", /* in a key */
	};
	(void)state;

	int accepted = 0;
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		char *msg = NULL;
		struct rg_json *j = try_parse(bad[i], strlen(bad[i]), NULL, &msg);
		if (j) {
			print_error("invalid UTF-8 case %zu accepted\n", i);
			accepted++;
		}
		rg_json_free(j);
		free(msg);
	}
	if (accepted)
		fail_msg("%d invalid UTF-8 input(s) accepted", accepted);
}

/*
 * Escaped UTF-16 surrogates that do not pair up: yajl makes "?" or an
 * invented code point of them, Go (runc) U+FFFD. Refused; real pairs, and
 * text that only looks like an escape, are fine.
 */
static void test_unpaired_surrogate_escapes(void **state)
{
	static const char *const bad[] = {
	    "\"\\ud800\"",	 "\"\\ud800AB\"",    "\"\\ud800\\u0041\"",
	    "\"x?\\\\\\udbff\"", "{\"k\\ud800\":1}", "[\"a\",{\"b\":\"\\\"\\ud800\"}]",
	    "\"\\udc00\"",
	};
	static const char *const good[] = {
	    "\"\\ud83d\\ude00?\"",
	    "\"\\\\ud800?\"",
	    "{\"\\\\\":\"\\udbff\\udfff\"}",
	    "\"?\"",
	};
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		char *msg = NULL;
		struct rg_json *j = try_parse(bad[i], strlen(bad[i]), NULL, &msg);
		if (j)
			fail_msg("unpaired surrogate accepted: %s", bad[i]);
		free(msg);
	}
	for (size_t i = 0; i < RG_ARRAY_SIZE(good); i++)
		rg_json_free(parse_ok(good[i]));
}

/* ---- tree editing ---- */

static void test_get_set_remove(void **state)
{
	(void)state;
	struct rg_json *j = parse_ok("{\"a\":1,\"b\":{\"c\":\"x\"},\"d\":null}");

	struct rg_json *b = rg_json_get(j, "b");
	assert_true(rg_json_is(b, RG_JSON_OBJECT));
	assert_string_equal(rg_json_str(rg_json_get(b, "c")), "x");
	assert_null(rg_json_get(j, "missing"));
	assert_null(rg_json_get(j, "B")); /* exact match only */
	assert_null(rg_json_get(NULL, "a"));
	assert_null(rg_json_get(rg_json_get(j, "a"), "a")); /* not an object */

	/* Replace in place: order unchanged. */
	rg_json_set(j, "a", rg_json_new_string("one"));
	/* New key: appended. */
	rg_json_set(j, "e", rg_json_new_bool(true));
	rg_json_set(j, "f", rg_json_new_number("2.50"));
	char *out = emit(j, false);
	assert_string_equal(out,
			    "{\"a\":\"one\",\"b\":{\"c\":\"x\"},\"d\":null,\"e\":true,\"f\":2.50}");
	free(out);

	assert_true(rg_json_remove(j, "b"));
	assert_false(rg_json_remove(j, "b"));
	assert_false(rg_json_remove(j, "zzz"));
	assert_true(rg_json_remove(j, "f")); /* last */
	assert_true(rg_json_remove(j, "a")); /* first */
	out = emit(j, false);
	assert_string_equal(out, "{\"d\":null,\"e\":true}");
	free(out);
	assert_true(rg_json_remove(j, "d"));
	assert_true(rg_json_remove(j, "e"));
	assert_int_equal(j->n, 0);
	out = emit(j, false);
	assert_string_equal(out, "{}");
	free(out);

	/* Many insertions (growth). */
	for (int i = 0; i < 100; i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%d", i);
		rg_json_set(j, key, rg_json_new_number("1"));
	}
	assert_int_equal(j->n, 100);
	assert_string_equal(j->u.members[99].key, "k99");
	rg_json_free(j);
}

static void test_array_ops(void **state)
{
	(void)state;
	struct rg_json *a = rg_json_new(RG_JSON_ARRAY);
	for (int i = 0; i < 10; i++) {
		char num[16];
		snprintf(num, sizeof(num), "%d", i);
		rg_json_append(a, rg_json_new_number(num));
	}
	char *out = emit(a, false);
	assert_string_equal(out, "[0,1,2,3,4,5,6,7,8,9]");
	free(out);

	rg_json_array_remove(a, 0);
	rg_json_array_remove(a, 8); /* last: was 9 */
	rg_json_array_remove(a, 3); /* was 4 */
	rg_json_array_remove(a, 7); /* out of range: no-op */
	rg_json_array_remove(a, 100);
	out = emit(a, false);
	assert_string_equal(out, "[1,2,3,5,6,7,8]");
	free(out);

	rg_json_append(a, rg_json_new(RG_JSON_OBJECT));
	rg_json_append(a, rg_json_new_stringn("a\0b", 3));
	out = emit(a, false);
	assert_string_equal(out, "[1,2,3,5,6,7,8,{},\"a\\u0000b\"]");
	free(out);
	while (a->n)
		rg_json_array_remove(a, 0);
	out = emit(a, false);
	assert_string_equal(out, "[]");
	free(out);
	rg_json_free(a);
}

static void test_clone_equal(void **state)
{
	(void)state;
	const char *in =
	    "{\"a\":[1,-0,\"s\\u0000t\",{\"b\":null,\"c\":true}],\"d\":1e3,\"e\":false}";
	struct rg_json *j = parse_ok(in);
	struct rg_json *c = rg_json_clone(j);
	assert_ptr_not_equal(c, j);
	assert_true(rg_json_equal(j, c));
	char *out = emit(c, false);
	assert_string_equal(out, in);
	free(out);

	/* Deep copy: editing the clone leaves the original alone. */
	struct rg_json *arr = rg_json_get(c, "a");
	rg_json_set(arr->u.items[3], "c", rg_json_new_bool(false));
	assert_false(rg_json_equal(j, c));
	assert_true(rg_json_is(rg_json_get(rg_json_get(j, "a")->u.items[3], "c"), RG_JSON_TRUE));
	rg_json_free(c);

	struct rg_json *x, *y;
#define NOT_EQUAL(a_, b_)                                                                          \
	do {                                                                                       \
		x = parse_ok(a_);                                                                  \
		y = parse_ok(b_);                                                                  \
		assert_false(rg_json_equal(x, y));                                                 \
		assert_false(rg_json_equal(y, x));                                                 \
		rg_json_free(x);                                                                   \
		rg_json_free(y);                                                                   \
	} while (0)
	NOT_EQUAL("1", "1.0"); /* number text, not value */
	NOT_EQUAL("0", "-0");
	NOT_EQUAL("1", "\"1\"");
	NOT_EQUAL("true", "false");
	NOT_EQUAL("null", "false");
	NOT_EQUAL("{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}"); /* order counts */
	NOT_EQUAL("{\"a\":1}", "{\"a\":1,\"b\":2}");
	NOT_EQUAL("{\"a\":1}", "{\"A\":1}");
	NOT_EQUAL("[1,2]", "[1]");
	NOT_EQUAL("[]", "{}");
	NOT_EQUAL("\"a\\u0000b\"", "\"a\\u0000c\"");
	NOT_EQUAL("\"a\"", "\"a\\u0000\"");
#undef NOT_EQUAL

	assert_true(rg_json_equal(NULL, NULL));
	assert_false(rg_json_equal(j, NULL));
	assert_false(rg_json_equal(NULL, j));
	rg_json_free(j);
	rg_json_free(NULL);
}

static void test_constructors(void **state)
{
	(void)state;
	struct rg_json *s = rg_json_new_string("hi");
	assert_true(rg_json_is(s, RG_JSON_STRING));
	assert_string_equal(rg_json_str(s), "hi");
	assert_int_equal(s->u.s.len, 2);
	struct rg_json *n = rg_json_new_number("-1.50");
	assert_true(rg_json_is(n, RG_JSON_NUMBER));
	assert_null(rg_json_str(n));
	struct rg_json *t = rg_json_new_bool(true), *f = rg_json_new_bool(false);
	assert_true(rg_json_is(t, RG_JSON_TRUE));
	assert_true(rg_json_is(f, RG_JSON_FALSE));
	assert_true(rg_json_is_bool(t));
	assert_true(rg_json_is_bool(f));
	assert_false(rg_json_is_bool(s));
	assert_false(rg_json_is_bool(NULL));
	assert_false(rg_json_is(NULL, RG_JSON_NULL));
	assert_null(rg_json_str(NULL));

	assert_string_equal(rg_json_type_name(RG_JSON_NULL), "null");
	assert_string_equal(rg_json_type_name(RG_JSON_TRUE), "boolean");
	assert_string_equal(rg_json_type_name(RG_JSON_FALSE), "boolean");
	assert_string_equal(rg_json_type_name(RG_JSON_NUMBER), "number");
	assert_string_equal(rg_json_type_name(RG_JSON_STRING), "string");
	assert_string_equal(rg_json_type_name(RG_JSON_ARRAY), "array");
	assert_string_equal(rg_json_type_name(RG_JSON_OBJECT), "object");

	char *o = emit(n, false);
	assert_string_equal(o, "-1.50");
	free(o);
	rg_json_free(s);
	rg_json_free(n);
	rg_json_free(t);
	rg_json_free(f);
}

/* ---- numbers as integers ---- */

static void test_int64(void **state)
{
	static const struct {
		const char *text;
		int ret;
		long long value;
	} cases[] = {
	    {"0", 0, 0},
	    {"-0", 0, 0},
	    {"42", 0, 42},
	    {"-42", 0, -42},
	    {"2048", 0, 2048},
	    {"9223372036854775807", 0, INT64_MAX},
	    {"-9223372036854775808", 0, INT64_MIN},
	    {"9223372036854775808", -ERANGE, 0},
	    {"-9223372036854775809", -ERANGE, 0},
	    {"18446744073709551616", -ERANGE, 0},
	    {"123456789012345678901234567890", -ERANGE, 0},
	    {"1.5", -EINVAL, 0},
	    {"1.0", -EINVAL, 0},
	    {"0.10", -EINVAL, 0},
	    {"1e3", -EINVAL, 0},
	    {"1E3", -EINVAL, 0},
	    {"1e+3", -EINVAL, 0},
	    {"-1E-7", -EINVAL, 0},
	};
	(void)state;

	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *j = parse_ok(cases[i].text);
		long long v = 12345;
		int r = rg_json_int64(j, &v);
		if (r != cases[i].ret)
			fail_msg("'%s': want %d, got %d", cases[i].text, cases[i].ret, r);
		if (r == 0)
			assert_true(v == cases[i].value);
		else
			assert_true(v == 12345); /* untouched on failure */
		rg_json_free(j);
	}

	long long v = 7;
	struct rg_json *s = rg_json_new_string("42");
	assert_int_equal(rg_json_int64(s, &v), -EINVAL);
	assert_int_equal(rg_json_int64(NULL, &v), -EINVAL);
	assert_true(v == 7);
	rg_json_free(s);
}

/* ---- brief ---- */

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int extra = *p < 0x80	      ? 0
			    : (*p >> 5) == 6  ? 1
			    : (*p >> 4) == 14 ? 2
			    : (*p >> 3) == 30 ? 3
					      : -1;
		if (extra < 0)
			return false;
		p++;
		for (int i = 0; i < extra; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

static void test_brief(void **state)
{
	(void)state;
	struct rg_json *j = parse_ok("{\"a\": [1, 2]}");
	char *b = rg_json_brief(j);
	assert_string_equal(b, "{\"a\":[1,2]}");
	free(b);
	rg_json_free(j);

	/* Exactly 60 characters are kept as they are. */
	char s58[59];
	memset(s58, 'x', 58);
	s58[58] = '\0';
	j = rg_json_new_string(s58);
	b = rg_json_brief(j);
	assert_int_equal(strlen(b), 60);
	assert_int_equal(b[59], '"');
	free(b);
	rg_json_free(j);

	/* Longer: cut to 60 with "...". */
	char long_s[201];
	memset(long_s, 'a', 200);
	long_s[200] = '\0';
	j = rg_json_new_string(long_s);
	b = rg_json_brief(j);
	assert_int_equal(strlen(b), 60);
	assert_int_equal(strncmp(b, "\"aaaa", 5), 0);
	assert_string_equal(b + 57, "...");
	free(b);
	rg_json_free(j);

	/* Multi-byte characters are not cut in half, whatever the alignment. */
	for (int pad = 0; pad < 4; pad++) {
		struct rg_buf sb = {0};
		for (int i = 0; i < pad; i++)
			rg_buf_putc(&sb, 'p');
		for (int i = 0; i < 40; i++)
			rg_buf_puts(&sb, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
		char *str = rg_buf_steal(&sb);
		j = rg_json_new_string(str);
		b = rg_json_brief(j);
		assert_true(strlen(b) <= 60);
		assert_true(strlen(b) >= 50);
		assert_string_equal(b + strlen(b) - 3, "...");
		if (!valid_utf8(b))
			fail_msg("brief cut a UTF-8 sequence (pad %d): %s", pad, b);
		free(b);
		rg_json_free(j);
		free(str);
	}
}

/* ---- indented output ---- */

static void test_emit_indent_exact(void **state)
{
	(void)state;
	struct rg_json *j = parse_ok("{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{},\"d\":[],"
				     "\"e\":{\"f\":-0,\"g\":[[]]}}");
	char *out = emit(j, true);
	assert_string_equal(out, "{\n"
				 "\t\"a\": 1,\n"
				 "\t\"b\": [\n"
				 "\t\ttrue,\n"
				 "\t\tnull,\n"
				 "\t\t\"x\"\n"
				 "\t],\n"
				 "\t\"c\": {},\n"
				 "\t\"d\": [],\n"
				 "\t\"e\": {\n"
				 "\t\t\"f\": -0,\n"
				 "\t\t\"g\": [\n"
				 "\t\t\t[]\n"
				 "\t\t]\n"
				 "\t}\n"
				 "}\n");
	free(out);
	rg_json_free(j);

	j = parse_ok("{}");
	out = emit(j, true);
	assert_string_equal(out, "{}\n");
	free(out);
	rg_json_free(j);
	j = parse_ok("[]");
	out = emit(j, true);
	assert_string_equal(out, "[]\n");
	free(out);
	rg_json_free(j);
	j = parse_ok("1E-7");
	out = emit(j, true);
	assert_string_equal(out, "1E-7\n");
	free(out);
	/* ret_len is optional. */
	out = rg_json_emit(j, false, NULL);
	assert_string_equal(out, "1E-7");
	free(out);
	rg_json_free(j);
}

static void test_error_set_once(void **state)
{
	(void)state;
	struct rg_error *err = NULL;
	assert_null(rg_json_parse("{", 1, "first.json", NULL, &err));
	assert_non_null(err);
	assert_null(rg_json_parse("[", 1, "second.json", NULL, &err));
	assert_true(strncmp(err->msg, "first.json", 10) == 0);
	rg_error_free(err);
	/* err may be NULL. */
	assert_null(rg_json_parse("[", 1, "x", NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_number_text_preserved),
	    cmocka_unit_test(test_roundtrip_mixed),
	    cmocka_unit_test(test_whitespace_dropped),
	    cmocka_unit_test(test_key_order_preserved),
	    cmocka_unit_test(test_unicode_escapes),
	    cmocka_unit_test(test_emit_parsed_strings),
	    cmocka_unit_test(test_emit_escapes_control_chars),
	    cmocka_unit_test(test_duplicate_small),
	    cmocka_unit_test(test_duplicate_large),
	    cmocka_unit_test(test_duplicate_path),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_depth_hostile),
	    cmocka_unit_test(test_depth_option),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_nul_bytes),
	    cmocka_unit_test(test_empty_and_truncated),
	    cmocka_unit_test(test_truncated_position),
	    cmocka_unit_test(test_comments_option),
	    cmocka_unit_test(test_invalid_utf8_strict),
	    cmocka_unit_test(test_unpaired_surrogate_escapes),
	    cmocka_unit_test(test_get_set_remove),
	    cmocka_unit_test(test_array_ops),
	    cmocka_unit_test(test_clone_equal),
	    cmocka_unit_test(test_constructors),
	    cmocka_unit_test(test_int64),
	    cmocka_unit_test(test_brief),
	    cmocka_unit_test(test_emit_indent_exact),
	    cmocka_unit_test(test_error_set_once),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
