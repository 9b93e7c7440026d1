/*
 * Unit tests of `runguard configure` (the files in src/configure/), the TOML reader it
 * and doctor use (src/lib/toml.c) and the file helpers (src/lib/fileio.c).
 *
 * The engine cases run on copies of tests/fixtures/engines/<engine>/<case>
 * in a temporary directory (run from the repo root), with a binary path
 * that need not exist. Each checks the edited text, the backup, that a
 * second run changes nothing, and that malformed input is an error naming
 * the file that leaves every file as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/configure.h"
#include "runguard/fileio.h"
#include "runguard/json.h"
#include "runguard/toml.h"
#include "runguard/util.h"

#define FIXTURES "tests/fixtures/engines"
#define BIN "/opt/rg test/bin/runguard"

static char tmpdir[] = "/tmp/rg-test-configure-XXXXXX";
static int case_n;

/* Per-test scratch, freed by the teardown. */
#define MAX_TRACKED 4096
static void *tracked[MAX_TRACKED];
static size_t n_tracked;
static struct rg_error *error;

static void *track(void *p)
{
	assert_true(n_tracked < MAX_TRACKED);
	tracked[n_tracked++] = p;
	return p;
}

static int cleanup(void **state)
{
	for (size_t i = 0; i < n_tracked; i++)
		free(tracked[i]);
	n_tracked = 0;
	rg_error_free(error);
	error = NULL;
	return 0;
}

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len;
	struct rg_error *e = NULL;
	int r = rg_file_read(path, 1u << 24, &text, &len, &e);
	rg_error_free(e);
	return r < 0 ? NULL : track(text);
}

static void copy_tree(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *de;
	assert_non_null(d);
	assert_int_equal(mkdir(to, 0755), 0);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *src = track(rg_xasprintf("%s/%s", from, de->d_name));
		char *dst = track(rg_xasprintf("%s/%s", to, de->d_name));
		struct stat st;
		assert_int_equal(stat(src, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			copy_tree(src, dst);
			continue;
		}
		char *text = slurp(src);
		assert_non_null(text);
		int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		assert_true(fd >= 0);
		assert_int_equal(rg_write_all(fd, text, strlen(text)), 0);
		close(fd);
	}
	closedir(d);
}

/* A fresh copy of a fixture case; returns its directory. */
static char *fixture(const char *engine, const char *name)
{
	char *src = track(rg_xasprintf(FIXTURES "/%s/%s", engine, name));
	char *dst = track(rg_xasprintf("%s/%d-%s-%s", tmpdir, ++case_n, engine, name));
	copy_tree(src, dst);
	return dst;
}

static int count_backups(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".runguard-bak-") != NULL;
	closedir(d);
	return n;
}

/* Runs rg_configure_run (a dry run if asked) with its report in a tracked string. */
static int run_opts(const struct rg_configure_opts *o, bool is_dry_run, char **ret_out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	rg_error_free(error);
	error = NULL;
	int r = rg_configure_run(o, is_dry_run, out, &error);
	fclose(out);
	track(buf);
	if (ret_out)
		*ret_out = buf;
	return r;
}

/* Runs configure (not a dry run) with its report in a tracked string. */
static int configure(const char *engine, const char *dir, bool is_default, char **ret_out)
{
	struct rg_configure_opts o = {
	    .engine = engine, .config_dir = dir, .binary = BIN, .is_default = is_default};
	return run_opts(&o, false, ret_out);
}

/* Runs configure --remove for binary (not a dry run). */
static int unconfigure(const char *engine, const char *dir, const char *binary, char **ret_out)
{
	struct rg_configure_opts o = {
	    .engine = engine, .config_dir = dir, .binary = binary, .is_remove = true};
	return run_opts(&o, false, ret_out);
}

static size_t plan_changes(const struct rg_configure_opts *o)
{
	struct rg_configure_plan p;
	struct rg_error *e = NULL;
	assert_int_equal(rg_configure_plan(o, &p, &e), 0);
	size_t n = p.n_files;
	rg_configure_plan_free(&p);
	return n;
}

static size_t changes(const char *engine, const char *dir, bool is_default)
{
	struct rg_configure_opts o = {
	    .engine = engine, .config_dir = dir, .binary = BIN, .is_default = is_default};
	return plan_changes(&o);
}

/*
 * True when the tree at dir holds exactly the files of the tree at src,
 * with the same contents, backups and directories with nothing else aside.
 */
static bool same_tree(const char *src, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n_dir = 0, n_src = 0;
	bool is_same = d != NULL;

	while (is_same && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".runguard-bak-"))
			continue;
		char *a = track(rg_xasprintf("%s/%s", src, de->d_name));
		char *b = track(rg_xasprintf("%s/%s", dir, de->d_name));
		struct stat st;
		assert_int_equal(stat(b, &st), 0);
		if (S_ISDIR(st.st_mode) && !rg_file_exists(a)) {
			/* A directory configure made: only backups may be left in it. */
			is_same = same_tree("/nonexistent", b);
			continue;
		}
		n_dir++;
		if (S_ISDIR(st.st_mode)) {
			is_same = same_tree(a, b);
		} else {
			char *x = slurp(a), *y = slurp(b);
			is_same = x && y && rg_streq(x, y);
		}
	}
	if (d)
		closedir(d);
	d = opendir(src);
	while (d && (de = readdir(d)))
		n_src += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return is_same && n_src == n_dir;
}

#define assert_has(hay, needle) assert_has_at(hay, needle, __FILE__, __LINE__)
static void assert_has_at(const char *hay, const char *needle, const char *file, int line)
{
	if (!hay || !strstr(hay, needle))
		fail_msg("%s:%d: '%s' not found in:\n%s", file, line, needle, hay ? hay : "(null)");
}

#define assert_lacks(hay, needle)                                                                  \
	do {                                                                                       \
		if (strstr(hay, needle))                                                           \
			fail_msg("unexpected '%s' in:\n%s", needle, hay);                          \
	} while (0)

/* after must be before with one insertion; returns the inserted text. */
static char *inserted(const char *before, const char *after)
{
	size_t k = 0, bl = strlen(before), al = strlen(after);
	while (k < bl && before[k] == after[k])
		k++;
	assert_true(al >= bl);
	if (strcmp(after + k + (al - bl), before + k) != 0)
		fail_msg("not a pure insertion at %zu:\n%s", k, after);
	return track(rg_xstrndup(after + k, al - bl));
}

/* ================= TOML reader ================= */

static void test_toml_norm(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"a", "a"},
	    {" a . b ", "a.b"},
	    {"plugins.'io.containerd.grpc.v1.cri'", "plugins.\"io.containerd.grpc.v1.cri\""},
	    {"plugins . \"io.containerd.grpc.v1.cri\"", "plugins.\"io.containerd.grpc.v1.cri\""},
	    {"\"runc\"", "runc"},
	    {"\"a b\".c", "\"a b\".c"},
	    {"\"\\u0041\"", "A"},
	    {"''", "\"\""},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *n = track(rg_toml_norm(cases[i].in));
		assert_non_null(n);
		assert_string_equal(n, cases[i].out);
	}
	assert_null(rg_toml_norm("a..b"));
	assert_null(rg_toml_norm("a b"));
	assert_null(rg_toml_norm("\"open"));
	assert_null(rg_toml_norm(""));
}

static void test_toml_items(void **state)
{
	static const char text[] = "# top\n"
				   "version = 2 # trailing\n"
				   "imports = [\n"
				   "  \"a.toml\", # first\n"
				   "  'b.toml',\n"
				   "]\n"
				   "s = \"\"\"multi\n"
				   "line \\\" quote\"\"\"\n"
				   "\n"
				   "[ plugins . 'x.y' ]\n"
				   "  dotted.key = true\n"
				   "  inline = { a = 1, b = [2] }\n"
				   "[[arr]]\n"
				   "  k = 'v'\n";
	struct rg_toml *t = NULL;
	assert_int_equal(rg_toml_parse("t.toml", text, strlen(text), &t, &error), 0);
	const struct rg_toml_item *it = rg_toml_get(t, "", "version");
	assert_non_null(it);
	assert_int_equal(it->line, 2);
	char *raw = track(rg_toml_raw(t, it));
	assert_string_equal(raw, "2");
	it = rg_toml_get(t, "", "imports");
	assert_non_null(it);
	assert_int_equal(it->line, 3);
	char **list = NULL;
	size_t n = 0;
	assert_int_equal(rg_toml_decode_strings(text + it->value_start,
						it->value_end - it->value_start, &list, &n),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0], "a.toml");
	assert_string_equal(list[1], "b.toml");
	rg_toml_strv_free(list);
	it = rg_toml_get(t, "", "s");
	assert_int_equal(it->line, 7);
	char *s = NULL;
	assert_int_equal(
	    rg_toml_decode_string(text + it->value_start, it->value_end - it->value_start, &s), 0);
	assert_string_equal(s, "multi\nline \" quote");
	free(s);
	const struct rg_toml_item *h = rg_toml_header(t, "plugins.\"x.y\"");
	assert_non_null(h);
	assert_int_equal(h->line, 10);
	it = rg_toml_get(t, "plugins.\"x.y\"", "dotted.key");
	assert_non_null(it);
	assert_string_equal(it->path, "plugins.\"x.y\".dotted.key");
	bool b = false;
	assert_int_equal(
	    rg_toml_decode_bool(text + it->value_start, it->value_end - it->value_start, &b), 0);
	assert_true(b);
	assert_non_null(rg_toml_get(t, "plugins.\"x.y\"", "inline"));
	assert_non_null(rg_toml_get(t, "arr[]", "k"));
	assert_null(rg_toml_header(t, "arr"));
	assert_true(rg_toml_is_under("plugins.\"x.y\".a", "plugins.\"x.y\""));
	assert_false(rg_toml_is_under("pluginsx", "plugins"));
	/* A new key of [plugins.'x.y'] goes after its last key, before [[arr]]. */
	size_t end = rg_toml_section_end(t, h);
	assert_true(strncmp(text + end, "[[arr]]", 7) == 0);
	rg_toml_free(t);
}

static void test_toml_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *what;
	} cases[] = {
	    {"a = \"open\n", 1, "unterminated string"},
	    {"\n\nb = [1, 2\n", 3, "unterminated array"},
	    {"[table\n", 1, "malformed table header"},
	    {"[a]]\n", 1, "malformed table header"},
	    {"x\n", 1, "expected 'key = value'"},
	    {"k =\n", 1, "missing value"},
	    {"a = \"\"\"never\nclosed\n", 1, "unterminated string"},
	    {"a = ]\n", 1, "unbalanced bracket"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_toml *t = NULL;
		struct rg_error *e = NULL;
		assert_true(rg_toml_parse("f.toml", cases[i].text, strlen(cases[i].text), &t, &e) <
			    0);
		assert_null(t);
		char *want = track(rg_xasprintf("f.toml:%u: ", cases[i].line));
		char *msg = track(rg_xstrdup(e->msg));
		rg_error_free(e);
		assert_has(msg, want);
		assert_has(msg, cases[i].what);
	}
	/* A NUL byte is named with its line. */
	static const char nul[] = "a = 1\nb = \"x\0y\"\n";
	struct rg_toml *t = NULL;
	struct rg_error *e = NULL;
	assert_true(rg_toml_parse("f.toml", nul, sizeof(nul) - 1, &t, &e) < 0);
	char *msg = track(rg_xstrdup(e->msg));
	rg_error_free(e);
	assert_has(msg, "f.toml:2: NUL byte");
}

static void test_toml_decoders(void **state)
{
	char *s = NULL;
	char **v = NULL;
	size_t n = 0;
	bool b;
	assert_int_equal(rg_toml_decode_string("'C:\\x'", 6, &s), 0);
	assert_string_equal(s, "C:\\x");
	free(s);
	assert_int_equal(rg_toml_decode_string("\"a\\tb\\u00e9\"", 12, &s), 0);
	assert_string_equal(s, "a\tb\xc3\xa9");
	free(s);
	assert_int_equal(rg_toml_decode_string("'''\nraw'''", 10, &s), 0);
	assert_string_equal(s, "raw");
	free(s);
	assert_int_equal(rg_toml_decode_string("\"\"\"a\\\n   b\"\"\"", 13, &s), 0);
	assert_string_equal(s, "ab");
	free(s);
	assert_int_equal(rg_toml_decode_string("\"x\" y", 5, &s), -EINVAL);
	assert_int_equal(rg_toml_decode_string("\"\\q\"", 4, &s), -EINVAL);
	assert_int_equal(rg_toml_decode_string("42", 2, &s), -EINVAL);
	assert_int_equal(rg_toml_decode_bool("false", 5, &b), 0);
	assert_false(b);
	assert_int_equal(rg_toml_decode_bool("yes", 3, &b), -EINVAL);
	assert_int_equal(rg_toml_decode_strings("[]", 2, &v, &n), 0);
	assert_int_equal(n, 0);
	rg_toml_strv_free(v);
	assert_int_equal(rg_toml_decode_strings("[1]", 3, &v, &n), -EINVAL);
	assert_int_equal(rg_toml_decode_strings("[\"a\" \"b\"]", 9, &v, &n), -EINVAL);
	char *q = track(rg_toml_quote("a\"b\\c\n\x01"));
	assert_string_equal(q, "\"a\\\"b\\\\c\\n\\u0001\"");
	char *items[] = {(char *)"x", (char *)"y z"};
	char *a = track(rg_toml_quote_array(items, 2));
	assert_string_equal(a, "[\"x\", \"y z\"]");
}

/* ================= containerd ================= */

static void test_containerd_runtimes(void **state)
{
	char *dir = fixture("containerd", "runtimes");
	char *path = track(rg_xasprintf("%s/config.toml", dir));
	char *before = slurp(path), *out;

	assert_int_equal(configure("containerd", dir, false, &out), 0);
	char *after = slurp(path);
	assert_has(out, "updated ");
	assert_has(out, "systemctl restart containerd");
	/* In place (the file holds the CRI section), after runc's tables, before kata's. */
	char *h =
	    strstr(after, "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runguard]");
	assert_non_null(h);
	assert_true(h > strstr(after, "runtimes.runc.options]"));
	assert_true(h < strstr(after, "runtimes.kata]"));
	/* runc's keys and options copied, BinaryName replaced. */
	assert_has(h, "        runtime_type = \"io.containerd.runc.v2\"\n"
		      "        privileged_without_host_devices = false\n"
		      "        pod_annotations = [\"run.runguard.profile\"]\n"
		      "        [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runguard."
		      "options]\n"
		      "          SystemdCgroup = true\n"
		      "          BinaryName = \"" BIN "\"\n");
	/* Everything else is byte for byte the same. */
	assert_has(after, "          BinaryName = \"/usr/bin/runc\"\n");
	assert_has(after, "      default_runtime_name = \"runc\"\n");
	char *added = inserted(before, after);
	assert_true(rg_startswith(added, "\n      # runguard: "));
	assert_int_equal(count_backups(dir), 1);
	assert_false(rg_file_exists(track(rg_xasprintf("%s/conf.d", dir))));
	/* Idempotent. */
	assert_int_equal(changes("containerd", dir, false), 0);
	assert_int_equal(configure("containerd", dir, false, &out), 0);
	assert_has(out, "already configured");
	assert_int_equal(count_backups(dir), 1);
	/* --default changes only the default. */
	assert_int_equal(configure("containerd", dir, true, &out), 0);
	char *def = slurp(path);
	assert_has(def, "      default_runtime_name = \"runguard\"\n");
	assert_int_equal(strlen(def), strlen(after) + strlen("runguard") - strlen("runc"));
	assert_int_equal(changes("containerd", dir, true), 0);
	/* Without --default, an earlier --default is kept. */
	assert_int_equal(changes("containerd", dir, false), 0);
}

static void test_containerd_noimports(void **state)
{
	char *dir = fixture("containerd", "noimports");
	char *path = track(rg_xasprintf("%s/config.toml", dir));
	char *dropin = track(rg_xasprintf("%s/conf.d/runguard.toml", dir));
	char *out;

	assert_int_equal(configure("containerd", dir, false, &out), 0);
	assert_has(out, "created ");
	char *main_text = slurp(path);
	char *line = track(rg_xasprintf("version = 2\nimports = [\"%s\"]\nroot = ", dropin));
	assert_has(main_text, line);
	char *d = slurp(dropin);
	assert_non_null(d);
	assert_has(d, "version = 2\n");
	/* Setting any runtime replaces containerd's built-in list: runc is kept. */
	assert_has(d, "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
		      "  runtime_type = \"io.containerd.runc.v2\"\n");
	assert_has(d, "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runguard]\n"
		      "  runtime_type = \"io.containerd.runc.v2\"\n");
	assert_has(d, "    BinaryName = \"" BIN "\"\n");
	assert_lacks(d, "default_runtime_name");
	assert_int_equal(count_backups(dir), 1);
	assert_int_equal(changes("containerd", dir, false), 0);
	/* --default goes into the drop-in, which now holds the CRI section. */
	assert_int_equal(configure("containerd", dir, true, &out), 0);
	d = slurp(dropin);
	assert_has(d, "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
		      "  default_runtime_name = \"runguard\"\n");
	assert_int_equal(changes("containerd", dir, true), 0);
}

static void test_containerd_imports_glob(void **state)
{
	char *dir = fixture("containerd", "imports");
	char *path = track(rg_xasprintf("%s/config.toml", dir));
	char *before = slurp(path);

	assert_int_equal(configure("containerd", dir, false, NULL), 0);
	/* "conf.d/\*.toml" already imports the drop-in: config.toml is unchanged. */
	assert_string_equal(slurp(path), before);
	assert_int_equal(count_backups(dir), 0);
	assert_non_null(slurp(track(rg_xasprintf("%s/conf.d/runguard.toml", dir))));
	assert_int_equal(changes("containerd", dir, false), 0);
}

static void test_containerd_debian(void **state)
{
	char *dir = fixture("containerd", "debian");
	char *path = track(rg_xasprintf("%s/config.toml", dir));
	char *before = slurp(path);

	assert_int_equal(configure("containerd", dir, false, NULL), 0);
	char *after = slurp(path);
	/* Debian's file sets the CRI plugin (its CNI paths): edited in place, kept. */
	assert_true(rg_startswith(after, before));
	assert_has(after, "runtimes.runc]");
	assert_has(after, "runtimes.runguard]");
	assert_false(rg_file_exists(track(rg_xasprintf("%s/conf.d", dir))));
}

/* A refused configuration: an error naming `what`, and no file touched. */
static void expect_refused(const char *engine, const char *name, const char *file, const char *what)
{
	char *dir = fixture(engine, name);
	char *path = track(rg_xasprintf("%s/%s", dir, file));
	char *before = slurp(path);

	assert_true(configure(engine, dir, true, NULL) < 0);
	assert_non_null(error);
	assert_has(error->msg, what);
	assert_string_equal(slurp(path), before);
	assert_int_equal(count_backups(dir), 0);
	assert_false(rg_file_exists(track(rg_xasprintf("%s/conf.d/runguard.toml", dir))));
}

static void test_containerd_refusals(void **state)
{
	expect_refused("containerd", "malformed", "config.toml",
		       "config.toml:4: unterminated string");
	expect_refused("containerd", "v1", "config.toml", "config.toml:3: no `version = 2`");
	expect_refused("containerd", "twoholders", "config.toml", "conf.d/cri.toml");
	assert_has(error->msg, "several files");
}

static void test_containerd_dry_run(void **state)
{
	char *dir = fixture("containerd", "runtimes");
	char *path = track(rg_xasprintf("%s/config.toml", dir));
	char *before = slurp(path);
	struct rg_configure_opts o = {.engine = "containerd", .config_dir = dir, .binary = BIN};
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_int_equal(rg_configure_run(&o, true, out, &error), 0);
	fclose(out);
	track(buf);
	assert_has(buf, "--- ");
	assert_has(buf,
		   "+      [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runguard]");
	assert_has(buf, "dry run: nothing written");
	assert_string_equal(slurp(path), before);
	assert_int_equal(count_backups(dir), 0);
}

/* ================= containerd 2.x (versions 3 and 4) ================= */

#define V3_RT "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runguard"
#define V3_MARK "\n# runguard: runc under runguard's policy (runguard configure)\n"
#define V3_DEFAULT                                                                                 \
	"\n[plugins.\"io.containerd.cri.v1.runtime\".containerd]\n"                                \
	"  default_runtime_name = \"runguard\"\n"

/* What configure writes into a new drop-in for the config.toml in dir: a header, then body. */
static char *dropin_text(const char *dir, int version, const char *body)
{
	return track(rg_xasprintf("# A containerd runtime handler that runs runguard: runc under "
				  "runguard's policy.\n# Written by `runguard configure "
				  "containerd`; imported from %s/config.toml.\nversion = %d\n%s",
				  dir, version, body));
}

/* text with its first `from` replaced by `to`. */
static char *replaced(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	assert_non_null(p);
	return track(rg_xasprintf("%.*s%s%s", (int)(p - text), text, to, p + strlen(from)));
}

/* Writes dir/rel (making its directories), for cases made on the spot. */
static char *put_file(const char *dir, const char *rel, const char *text)
{
	char *path = track(rg_xasprintf("%s/%s", dir, rel));
	char *parent = track(rg_xstrdup(path));
	*strrchr(parent, '/') = '\0';
	assert_int_equal(rg_mkdir_p(parent, 0755, &error), 0);
	assert_int_equal(rg_file_replace(path, text, strlen(text), 0644, &error), 0);
	return path;
}

/* A fresh, empty configuration directory. */
static char *scratch(const char *name)
{
	char *dir = track(rg_xasprintf("%s/%d-%s", tmpdir, ++case_n, name));
	assert_int_equal(mkdir(dir, 0755), 0);
	return dir;
}

/* A containerd fixture case: its directory, config.toml (and its text) and the drop-in's path. */
struct ctd_case {
	char *dir, *path, *before, *dropin;
};

static struct ctd_case ctd_fixture(const char *name)
{
	struct ctd_case k = {.dir = fixture("containerd", name)};
	k.path = track(rg_xasprintf("%s/config.toml", k.dir));
	k.before = slurp(k.path);
	k.dropin = track(rg_xasprintf("%s/conf.d/runguard.toml", k.dir));
	return k;
}

/* config.toml as configure leaves it for a new drop-in: an imports line after `version = 3`. */
static char *with_imports(const struct ctd_case *k)
{
	char *line = track(rg_xasprintf("version = 3\nimports = [\"%s\"]\n", k->dropin));
	return replaced(k->before, "version = 3\n", line);
}

static void test_containerd_v3(void **state)
{
	struct ctd_case k = ctd_fixture("v3");
	char *dir = k.dir, *path = k.path, *dropin = k.dropin, *out;

	assert_int_equal(configure("containerd", dir, false, &out), 0);
	assert_has(out, track(rg_xasprintf("updated %s (backup: ", path)));
	assert_has(out, track(rg_xasprintf("created %s\n", dropin)));
	/* config.toml: just the imports line, after `version`. */
	assert_string_equal(slurp(path), with_imports(&k));
	/* The drop-in: runc's keys and options (SystemdCgroup) copied, BinaryName
	 * replaced; containerd 2.x keeps its built-in runc: not written out. */
	char *handler = dropin_text(dir, 3,
				    V3_MARK V3_RT "]\n"
						  "  runtime_type = 'io.containerd.runc.v2'\n"
						  "  runtime_path = ''\n"
						  "  pod_annotations = [\"run.runguard.profile\"]\n"
						  "  privileged_without_host_devices = false\n"
						  "  sandboxer = 'podsandbox'\n"
						  "  " V3_RT ".options]\n"
						  "    BinaryName = \"" BIN "\"\n"
						  "    Root = ''\n"
						  "    SystemdCgroup = true\n");
	assert_string_equal(slurp(dropin), handler);
	assert_int_equal(count_backups(dir), 1);
	assert_int_equal(changes("containerd", dir, false), 0);
	assert_int_equal(configure("containerd", dir, false, &out), 0);
	assert_has(out, "already configured");
	/* --default: in the drop-in, loaded after config.toml, whose 'runc' stays. */
	char *main_text = slurp(path);
	assert_int_equal(configure("containerd", dir, true, &out), 0);
	assert_string_equal(slurp(dropin), track(rg_xasprintf("%s" V3_DEFAULT, handler)));
	assert_string_equal(slurp(path), main_text);
	assert_int_equal(changes("containerd", dir, true), 0);
	assert_int_equal(changes("containerd", dir, false), 0);
}

static void test_containerd_v3_nocri(void **state)
{
	struct ctd_case k = ctd_fixture("v3-nocri");

	assert_int_equal(configure("containerd", k.dir, true, NULL), 0);
	assert_string_equal(slurp(k.path), with_imports(&k));
	assert_string_equal(slurp(k.dropin),
			    dropin_text(k.dir, 3,
					V3_MARK V3_RT
					"]\n"
					"  runtime_type = \"io.containerd.runc.v2\"\n"
					"  pod_annotations = [\"run.runguard.profile\"]\n"
					"  " V3_RT ".options]\n"
					"    BinaryName = \"" BIN "\"\n" V3_DEFAULT));
	assert_int_equal(changes("containerd", k.dir, true), 0);
}

/*
 * imports = ['conf.d/\*.toml']: config.toml is not touched; runc's settings
 * are merged over the files (SystemdCgroup from a drop-in); a drop-in
 * written for 1.x is read with 1.x's names; a default_runtime_name set by a
 * file loaded after runguard's drop-in is set where it takes effect.
 */
static void test_containerd_v3_imports(void **state)
{
	struct ctd_case k = ctd_fixture("v3-imports");
	char *dir = k.dir, *path = k.path, *dropin = k.dropin, *before = k.before;

	assert_int_equal(configure("containerd", dir, false, NULL), 0);
	assert_string_equal(slurp(path), before);
	assert_int_equal(count_backups(dir), 0);
	char *handler = dropin_text(dir, 3,
				    V3_MARK V3_RT "]\n"
						  "  runtime_type = 'io.containerd.runc.v2'\n"
						  "  privileged_without_host_devices = true\n"
						  "  pod_annotations = [\"run.runguard.profile\"]\n"
						  "  " V3_RT ".options]\n"
						  "    SystemdCgroup = true\n"
						  "    BinaryName = \"" BIN "\"\n");
	assert_string_equal(slurp(dropin), handler);
	assert_int_equal(changes("containerd", dir, false), 0);

	static const char later[] = "[plugins.\"io.containerd.cri.v1.runtime\".containerd]\n"
				    "  default_runtime_name = \"runc\"\n";
	char *zz = put_file(dir, "conf.d/zz-default.toml", later);
	assert_int_equal(configure("containerd", dir, true, NULL), 0);
	assert_string_equal(slurp(zz), replaced(later, "\"runc\"", "\"runguard\""));
	assert_string_equal(slurp(dropin), handler);
	assert_int_equal(changes("containerd", dir, true), 0);
	/* --remove: the drop-in goes, and the default that would name nothing. */
	assert_int_equal(unconfigure("containerd", dir, BIN, NULL), 0);
	assert_false(rg_file_exists(dropin));
	assert_string_equal(slurp(zz), later);
	assert_string_equal(slurp(path), before);
}

/* A handler a file already sets is completed there; version 4 (containerd 2.3) as 3. */
static void test_containerd_v3_in_place(void **state)
{
	char *dir = scratch("v4-in-place");
	static const char text[] =
	    "version = 4\n"
	    "[plugins.'io.containerd.server.v1.grpc']\n"
	    "  address = '/run/containerd/containerd.sock'\n"
	    "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runguard]\n"
	    "  runtime_type = 'io.containerd.runc.v2'\n"
	    "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runguard.options]\n"
	    "  SystemdCgroup = true\n";
	char *path = put_file(dir, "config.toml", text);

	assert_int_equal(configure("containerd", dir, false, NULL), 0);
	char *want = replaced(text, "  SystemdCgroup = true\n",
			      "  SystemdCgroup = true\n  BinaryName = \"" BIN "\"\n");
	want = replaced(want, "  runtime_type = 'io.containerd.runc.v2'\n",
			"  runtime_type = 'io.containerd.runc.v2'\n"
			"  pod_annotations = [\"run.runguard.profile\"]\n");
	assert_string_equal(slurp(path), want);
	assert_false(rg_file_exists(track(rg_xasprintf("%s/conf.d", dir))));
	assert_int_equal(changes("containerd", dir, false), 0);

	/* Without a handler: the drop-in says version 4 too (2.3 refuses a higher one). */
	dir = scratch("v4-dropin");
	put_file(dir, "config.toml", "version = 4\n");
	assert_int_equal(configure("containerd", dir, false, NULL), 0);
	assert_has(slurp(track(rg_xasprintf("%s/conf.d/runguard.toml", dir))),
		   "\nversion = 4\n" V3_MARK V3_RT "]\n");
}

/* A drop-in that configure wrote for containerd 1.x, under a config.toml migrated to version 3. */
static void test_containerd_v3_old_dropin(void **state)
{
	char *dir = fixture("containerd", "noimports");
	assert_int_equal(configure("containerd", dir, false, NULL), 0);
	char *path = track(rg_xasprintf("%s/config.toml", dir));
	char *dropin = track(rg_xasprintf("%s/conf.d/runguard.toml", dir));
	put_file(dir, "config.toml", replaced(slurp(path), "version = 2\n", "version = 3\n"));
	char *old = slurp(dropin);
	assert_has(old, "\nversion = 2\n");
	/* Read with 1.x's names, as containerd 2.x migrates it: nothing to do. */
	assert_int_equal(changes("containerd", dir, false), 0);
	assert_int_equal(configure("containerd", dir, true, NULL), 0);
	assert_string_equal(slurp(dropin),
			    track(rg_xasprintf("%s\n[plugins.\"io.containerd.grpc.v1.cri\"."
					       "containerd]\n  default_runtime_name = "
					       "\"runguard\"\n",
					       old)));
	assert_int_equal(unconfigure("containerd", dir, BIN, NULL), 0);
	assert_false(rg_file_exists(dropin));
}

/* A case made on the spot that configure refuses: `what` in the error, nothing written. */
static void expect_refused_text(const char *const files[][2], size_t n, const char *what)
{
	char *dir = scratch("refused");
	for (size_t i = 0; i < n; i++)
		put_file(dir, files[i][0], files[i][1]);
	assert_true(configure("containerd", dir, true, NULL) < 0);
	assert_non_null(error);
	assert_has(error->msg, what);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(slurp(track(rg_xasprintf("%s/%s", dir, files[i][0]))),
				    files[i][1]);
	assert_int_equal(count_backups(dir), 0);
	assert_false(rg_file_exists(track(rg_xasprintf("%s/conf.d/runguard.toml", dir))));
}

static void test_containerd_v3_refusals(void **state)
{
	static const char *const v5[][2] = {{"config.toml", "version = 5\n"}};
	expect_refused_text(v5, 1,
			    "config.toml:1: version 5: runguard configure knows versions 2 "
			    "(containerd 1.x), 3 and 4 (containerd 2.x)");
	static const char *const str[][2] = {{"config.toml", "# x\nversion = \"3\"\n"}};
	expect_refused_text(str, 1, "config.toml:2: version \"3\": runguard configure knows");
	/* Merged key by key by containerd: configure would edit one of two halves. */
	static const char *const two[][2] = {
	    {"config.toml",
	     "version = 3\nimports = ['conf.d/*.toml']\n"
	     "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runguard]\n"
	     "  runtime_type = 'io.containerd.runc.v2'\n"},
	    {"conf.d/a.toml",
	     "version = 3\n"
	     "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runguard."
	     "options]\n  BinaryName = '/usr/sbin/runc'\n"},
	};
	expect_refused_text(two, 2, "the handler runguard is set in several files");
	assert_has(error->msg, "conf.d/a.toml");
	static const char *const dotted[][2] = {
	    {"config.toml", "version = 3\n"
			    "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes]\n"
			    "  runguard.runtime_type = 'io.containerd.runc.v2'\n"}};
	expect_refused_text(dotted, 1, "config.toml:3: ");
	assert_has(error->msg, "is set with a dotted key or an inline table");
}

/* --remove on a node without config.toml writes nothing (it used to create an empty one). */
static void test_containerd_remove_nothing(void **state)
{
	char *dir = scratch("empty"), *out;
	assert_int_equal(unconfigure("containerd", dir, BIN, &out), 0);
	assert_has(out, "not configured");
	assert_false(rg_file_exists(track(rg_xasprintf("%s/config.toml", dir))));
}

/* ================= CRI-O, podman, docker ================= */

static void test_crio(void **state)
{
	char *dir = fixture("crio", "basic");
	char *dropin = track(rg_xasprintf("%s/crio.conf.d/10-runguard.conf", dir));
	char *main_before = slurp(track(rg_xasprintf("%s/crio.conf", dir)));

	assert_int_equal(configure("crio", dir, false, NULL), 0);
	char *d = slurp(dropin);
	assert_has(d, "[crio.runtime.runtimes.runguard]\n"
		      "runtime_path = \"" BIN "\"\n"
		      "runtime_type = \"oci\"\n"
		      "runtime_root = \"/run/runguard\"\n"
		      "monitor_path = \"/usr/libexec/crio/conmon\"\n"
		      "allowed_annotations = [\n\t\"io.kubernetes.cri-o.Devices\",\n]\n"
		      "monitor_cgroup = \"system.slice\"\n");
	assert_lacks(d, "default_runtime");
	assert_string_equal(slurp(track(rg_xasprintf("%s/crio.conf", dir))), main_before);
	assert_int_equal(changes("crio", dir, false), 0);
	assert_int_equal(configure("crio", dir, true, NULL), 0);
	assert_has(slurp(dropin), "[crio.runtime]\ndefault_runtime = \"runguard\"\n");
	assert_int_equal(count_backups(track(rg_xasprintf("%s/crio.conf.d", dir))), 1);
	assert_int_equal(changes("crio", dir, false), 0);
	expect_refused("crio", "malformed", "crio.conf", "crio.conf:1: malformed table header");
}

static void test_podman(void **state)
{
	char *dir = fixture("podman", "basic");
	char *dropin = track(rg_xasprintf("%s/containers.conf.d/runguard.conf", dir));

	assert_int_equal(configure("podman", dir, false, NULL), 0);
	char *d = slurp(dropin);
	/* The lists runc is in, with runguard added; the runtime's path. */
	assert_has(d, "[engine]\nruntime_supports_json = [\"crun\", \"runc\", \"kata\", "
		      "\"runguard\"]\nruntime_supports_nocgroups = [\"crun\", \"runc\", "
		      "\"runguard\"]\n\n[engine.runtimes]\nrunguard = [\"" BIN "\"]\n");
	assert_lacks(d, "runtime_supports_kvm");
	assert_lacks(d, "runtime = ");
	assert_int_equal(changes("podman", dir, false), 0);
	assert_int_equal(configure("podman", dir, true, NULL), 0);
	assert_has(slurp(dropin), "runtime = \"runguard\"\n");
	assert_int_equal(changes("podman", dir, false), 0);
	expect_refused("podman", "malformed", "containers.conf",
		       "containers.conf:2: unterminated array");
}

static void test_docker(void **state)
{
	char *dir = fixture("docker", "other-keys");
	char *path = track(rg_xasprintf("%s/daemon.json", dir));
	char *before = slurp(path);

	assert_int_equal(configure("docker", dir, false, NULL), 0);
	char *after = slurp(path);
	/* One line added to "runtimes", in the file's own layout. */
	char *crun = strstr(before, "\"crun\"");
	char *crun_end = strchr(crun, '\n');
	char *want = track(rg_xasprintf("%.*s,\n    \"runguard\": {\"path\": \"" BIN "\"}%s",
					(int)(crun_end - before), before, crun_end));
	assert_string_equal(after, want);
	/* Every key kept, in order. */
	struct rg_json *j = rg_json_parse(after, strlen(after), "daemon.json", NULL, &error);
	assert_non_null(j);
	static const char *const keys[] = {"log-driver", "log-opts",  "storage-driver",
					   "runtimes",	 "exec-opts", "live-restore"};
	assert_int_equal(j->n, RG_ARRAY_SIZE(keys));
	for (size_t i = 0; i < RG_ARRAY_SIZE(keys); i++)
		assert_string_equal(j->u.members[i].key, keys[i]);
	/* crun's arguments are crun's, not copied to a runtime that runs runc. */
	assert_null(
	    rg_json_get(rg_json_get(rg_json_get(j, "runtimes"), "runguard"), "runtimeArgs"));
	rg_json_free(j);
	assert_int_equal(changes("docker", dir, false), 0);
	assert_int_equal(configure("docker", dir, true, NULL), 0);
	after = slurp(path);
	assert_has(after, "  \"live-restore\": true,\n  \"default-runtime\": \"runguard\"\n}");
	assert_int_equal(changes("docker", dir, true), 0);
	assert_int_equal(count_backups(dir), 2);
	expect_refused("docker", "malformed", "daemon.json", "daemon.json:3");
	expect_refused("docker", "bad-runtimes", "daemon.json", ".runtimes: expected an object");
}

static void test_docker_new_file(void **state)
{
	char *dir = track(rg_xasprintf("%s/%d-docker-new", tmpdir, ++case_n));
	char *path = track(rg_xasprintf("%s/daemon.json", dir));

	assert_int_equal(configure("docker", dir, true, NULL), 0);
	assert_string_equal(slurp(path),
			    "{\n\t\"runtimes\": {\n\t\t\"runguard\": {\n\t\t\t\"path\": "
			    "\"" BIN "\"\n\t\t}\n\t},\n\t\"default-runtime\": "
			    "\"runguard\"\n}\n");
	assert_int_equal(count_backups(dir), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(changes("docker", dir, true), 0);
}

/* ================= --remove ================= */

/* configure, then configure --remove: every file as it was; a second --remove changes nothing. */
static void test_remove_round_trips(void **state)
{
	static const char *const cases[][2] = {
	    {"containerd", "runtimes"},	  {"containerd", "noimports"}, {"containerd", "debian"},
	    {"containerd", "imports"},	  {"containerd", "v3"},	       {"containerd", "v3-nocri"},
	    {"containerd", "v3-imports"}, {"crio", "basic"},	       {"podman", "basic"},
	    {"docker", "other-keys"},
	};
	for (size_t i = 0; i < 2 * RG_ARRAY_SIZE(cases); i++) {
		const char *engine = cases[i / 2][0], *name = cases[i / 2][1];
		bool is_default = i % 2;
		char *src = track(rg_xasprintf(FIXTURES "/%s/%s", engine, name));
		char *dir = fixture(engine, name), *out;
		struct rg_configure_opts o = {
		    .engine = engine, .config_dir = dir, .binary = BIN, .is_remove = true};

		assert_int_equal(configure(engine, dir, is_default, NULL), 0);
		assert_false(same_tree(src, dir));
		assert_true(plan_changes(&o) > 0);
		/* A dry run shows the removal and writes nothing. */
		assert_int_equal(run_opts(&o, true, &out), 0);
		assert_has(out, "\n-");
		assert_has(out, "dry run: nothing written");
		assert_false(same_tree(src, dir));
		assert_int_equal(unconfigure(engine, dir, BIN, &out), 0);
		if (!same_tree(src, dir))
			fail_msg("%s %s%s: not restored by --remove:\n%s", engine, name,
				 is_default ? " --default" : "", out);
		assert_has(out, "(backup: ");
		assert_int_equal(plan_changes(&o), 0);
		assert_int_equal(unconfigure(engine, dir, BIN, &out), 0);
		assert_has(out, "not configured");
	}
	/* The dropped drop-ins were backed up first. */
	char *dir = fixture("crio", "basic");
	assert_int_equal(configure("crio", dir, false, NULL), 0);
	assert_int_equal(unconfigure("crio", dir, BIN, NULL), 0);
	char *dropdir = track(rg_xasprintf("%s/crio.conf.d", dir));
	assert_int_equal(count_backups(dropdir), 1);
	assert_false(rg_file_exists(track(rg_xasprintf("%s/10-runguard.conf", dropdir))));
}

/* A runguard runtime for another binary (or none) is refused, and nothing is written. */
static void test_remove_refuses_other_binaries(void **state)
{
	static const char *const cases[][3] = {
	    {"containerd", "runtimes", "config.toml"},
	    {"containerd", "noimports", "conf.d/runguard.toml"},
	    {"containerd", "v3", "conf.d/runguard.toml"},
	    {"crio", "basic", "crio.conf.d/10-runguard.conf"},
	    {"podman", "basic", "containers.conf.d/runguard.conf"},
	    {"docker", "other-keys", "daemon.json"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *dir = fixture(cases[i][0], cases[i][1]);
		char *path = track(rg_xasprintf("%s/%s", dir, cases[i][2]));
		assert_int_equal(configure(cases[i][0], dir, false, NULL), 0);
		char *before = slurp(path);
		int n = count_backups(dir);
		assert_int_equal(unconfigure(cases[i][0], dir, "/opt/other/runguard", NULL),
				 -EPERM);
		assert_has(error->msg, path);
		assert_has(error->msg, "runs '" BIN "', not '/opt/other/runguard'");
		assert_string_equal(slurp(path), before);
		assert_int_equal(count_backups(dir), n);
	}
	/* The operator's own handler, with no BinaryName: not runguard configure's. */
	char *dir = fixture("containerd", "debian");
	char *path = track(rg_xasprintf("%s/config.toml", dir));
	FILE *f = fopen(path, "a");
	fputs("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runguard]\n"
	      "  runtime_type = \"io.containerd.runc.v2\"\n",
	      f);
	fclose(f);
	char *before = slurp(path);
	assert_int_equal(unconfigure("containerd", dir, BIN, NULL), -EPERM);
	assert_has(error->msg, "config.toml:10: the runtime \"runguard\" names no binary");
	assert_string_equal(slurp(path), before);
}

/* The runc handler configure wrote out stays when another runtime now needs it. */
static void test_remove_keeps_needed_runc(void **state)
{
	char *dir = fixture("containerd", "debian");
	char *path = track(rg_xasprintf("%s/config.toml", dir));
	char *before = slurp(path);
	static const char kata[] = "\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes."
				   "kata]\n  runtime_type = \"io.containerd.kata.v2\"\n";

	assert_int_equal(configure("containerd", dir, true, NULL), 0);
	char *configured = slurp(path);
	FILE *f = fopen(path, "a");
	fputs(kata, f);
	fclose(f);
	assert_int_equal(unconfigure("containerd", dir, BIN, NULL), 0);
	char *after = slurp(path);
	assert_lacks(after, "runtimes.runguard");
	assert_lacks(after, "default_runtime_name");
	assert_has(after, "runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n");
	assert_has(after, kata);
	assert_true(rg_startswith(after, before));
	assert_true(strlen(after) < strlen(configured));
}

/* ================= --host-root ================= */

/* A node's / under root: its files are edited there, the paths written are the node's. */
static void test_host_root(void **state)
{
	char *root = track(rg_xasprintf("%s/%d-node", tmpdir, ++case_n));
	char *etc = track(rg_xasprintf("%s/etc", root));
	static const char *const engines[][3] = {
	    {"containerd", "noimports", "containerd"},
	    {"crio", "basic", "crio"},
	    {"podman", "basic", "containers"},
	    {"docker", "other-keys", "docker"},
	};
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(etc, 0755), 0);
	for (size_t i = 0; i < RG_ARRAY_SIZE(engines); i++)
		copy_tree(track(rg_xasprintf(FIXTURES "/%s/%s", engines[i][0], engines[i][1])),
			  track(rg_xasprintf("%s/%s", etc, engines[i][2])));
	for (size_t i = 0; i < RG_ARRAY_SIZE(engines); i++) {
		/* A trailing slash is the same root. */
		struct rg_configure_opts o = {.engine = engines[i][0],
					      .root =
						  i % 2 ? root : track(rg_xasprintf("%s/", root)),
					      .binary = "/usr/local/sbin/runguard"};
		char *out;
		assert_int_equal(run_opts(&o, false, &out), 0);
		assert_has(out, track(rg_xasprintf("%s/etc/%s/", root, engines[i][2])));
		/* The binary is looked for on the node. */
		assert_has(out, track(rg_xasprintf("note: %s/usr/local/sbin/runguard is not an "
						   "executable file",
						   root)));
		assert_int_equal(plan_changes(&o), 0);
	}
	char *ctd = slurp(track(rg_xasprintf("%s/containerd/config.toml", etc)));
	assert_has(ctd, "\nimports = [\"/etc/containerd/conf.d/runguard.toml\"]\n");
	char *dropin = slurp(track(rg_xasprintf("%s/containerd/conf.d/runguard.toml", etc)));
	assert_has(dropin, "imported from /etc/containerd/config.toml.\n");
	assert_has(dropin, "    BinaryName = \"/usr/local/sbin/runguard\"\n");
	assert_has(slurp(track(rg_xasprintf("%s/crio/crio.conf.d/10-runguard.conf", etc))),
		   "runtime_path = \"/usr/local/sbin/runguard\"\n");
	assert_has(slurp(track(rg_xasprintf("%s/containers/containers.conf.d/runguard.conf", etc))),
		   "runguard = [\"/usr/local/sbin/runguard\"]\n");
	assert_has(slurp(track(rg_xasprintf("%s/docker/daemon.json", etc))),
		   "\"runguard\": {\"path\": \"/usr/local/sbin/runguard\"}");
	/* --remove finds the node's imports entry under root, and takes everything out. */
	for (size_t i = 0; i < RG_ARRAY_SIZE(engines); i++) {
		struct rg_configure_opts o = {.engine = engines[i][0],
					      .root = root,
					      .binary = "/usr/local/sbin/runguard",
					      .is_remove = true};
		assert_int_equal(run_opts(&o, false, NULL), 0);
		assert_true(
		    same_tree(track(rg_xasprintf(FIXTURES "/%s/%s", engines[i][0], engines[i][1])),
			      track(rg_xasprintf("%s/%s", etc, engines[i][2]))));
	}
	/* --config-dir and --file are the node's paths too. */
	char *file = track(rg_xasprintf("%s/elsewhere/daemon.json", root));
	struct rg_configure_opts o = {.engine = "docker",
				      .root = root,
				      .file = "/elsewhere/daemon.json",
				      .binary = "/usr/local/sbin/runguard"};
	assert_int_equal(run_opts(&o, false, NULL), 0);
	assert_has(slurp(file), "/usr/local/sbin/runguard");
}

/* Whether path is a symlink to target. */
static bool is_link_to(const char *path, const char *target)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return rg_streq(buf, target);
}

/*
 * A symlinked config.toml stays a symlink: its target is edited in place
 * (a temporary file beside the target, renamed), the backup is the
 * target's; --remove restores the target. Under --host-root an absolute
 * link is the node's, and a link out of the root is refused.
 */
static void test_symlinked_config(void **state)
{
	char *dir = fixture("containerd", "runtimes");
	char *link = track(rg_xasprintf("%s/config.toml", dir));
	char *real_dir = track(rg_xasprintf("%s/real", dir));
	char *real = track(rg_xasprintf("%s/config.toml", real_dir));
	char *original = slurp(link), *out;

	assert_int_equal(mkdir(real_dir, 0755), 0);
	assert_int_equal(rename(link, real), 0);
	assert_int_equal(symlink(real, link), 0);
	assert_int_equal(configure("containerd", dir, true, &out), 0);
	assert_has(
	    out, track(rg_xasprintf("updated %s (through a symlink: %s) (backup: %s.runguard-bak-",
				    link, real, real)));
	assert_true(is_link_to(link, real));
	assert_has(slurp(real), "BinaryName = \"" BIN "\"");
	assert_int_equal(count_backups(real_dir), 1);
	assert_int_equal(count_backups(dir), 0);
	/* Nothing left behind beside the target (the temporary file was renamed). */
	assert_int_equal(system(track(rg_xasprintf("test $(ls -A '%s' | wc -l) -eq 2", real_dir))),
			 0);
	assert_int_equal(configure("containerd", dir, true, &out), 0);
	assert_has(out, "already configured");
	assert_int_equal(unconfigure("containerd", dir, BIN, &out), 0);
	assert_true(is_link_to(link, real));
	assert_string_equal(slurp(real), original);

	/* Under --host-root: /etc/containerd/config.toml -> /<unique>/config.toml, the node's. */
	char *root = track(rg_xasprintf("%s/%d-node", tmpdir, ++case_n));
	char *unique = track(rg_xasprintf("/rg-test-%d-%d", (int)getpid(), case_n));
	char *node_real = track(rg_xasprintf("%s%s/config.toml", root, unique));
	char *node_link = track(rg_xasprintf("%s/etc/containerd/config.toml", root));
	char *node_target = track(rg_xasprintf("%s/config.toml", unique));
	put_file(root, track(rg_xasprintf("%s/config.toml", unique + 1)), original);
	put_file(root, "etc/containerd/keep", "");
	assert_int_equal(symlink(node_target, node_link), 0);
	struct rg_configure_opts o = {
	    .engine = "containerd", .root = root, .binary = "/usr/local/sbin/runguard"};
	assert_int_equal(run_opts(&o, false, &out), 0);
	assert_true(is_link_to(node_link, node_target));
	assert_has(slurp(node_real), "BinaryName = \"/usr/local/sbin/runguard\"");
	assert_int_equal(access(unique, F_OK), -1); /* nothing on this machine's / */
	assert_int_equal(plan_changes(&o), 0);

	/* A link that leaves the root: refused, nothing written. */
	assert_int_equal(unlink(node_link), 0);
	assert_int_equal(
	    symlink("../../../../../../../../../../etc/containerd/config.toml", node_link), 0);
	char *before = slurp(node_real);
	struct rg_configure_plan p;
	assert_int_equal(rg_configure_plan(&o, &p, &error), -EXDEV);
	assert_has(error->msg, "leads above --host-root");
	assert_string_equal(slurp(node_real), before);
}

static void test_parse_args(void **state)
{
	static const struct {
		const char *args[6];
		const char *what;
	} bad[] = {
	    {{NULL}, "no engine"},
	    {{"lxc", NULL}, "unknown engine 'lxc'"},
	    {{"docker", "podman", NULL}, "one engine at a time"},
	    {{"docker", "--binary", "rel/runguard", NULL}, "absolute path"},
	    {{"docker", "--file", NULL}, "--file needs a value"},
	    {{"docker", "--frobnicate", NULL}, "unknown option"},
	    {{"docker", "--remove", "--default", NULL},
	     "--default and --remove exclude each other"},
	    {{"docker", "--host-root", "node", NULL}, "--host-root must be an absolute path"},
	    {{"docker", "--host-root=/n", "--file", "daemon.json", NULL},
	     "--file must be an absolute path"},
	    {{"docker", "--host-root=/n", "--config-dir=etc", NULL},
	     "--config-dir must be an absolute path"},
	    /* The running binary is not on that node: which path would the engine run? */
	    {{"docker", "--host-root", "/nonexistent-node", NULL},
	     "is not under --host-root /nonexistent-node: name the node's path"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++) {
		int argc = 0;
		while (bad[i].args[argc])
			argc++;
		struct rg_configure_opts o;
		bool dry;
		char *bin = NULL;
		struct rg_error *e = NULL;
		assert_int_equal(
		    rg_configure_parse_args(argc, (char **)bad[i].args, &o, &dry, &bin, &e),
		    -EINVAL);
		char *msg = track(rg_xstrdup(e->msg));
		rg_error_free(e);
		assert_has(msg, bad[i].what);
	}
	const char *good[] = {"containerd", "--dry-run", "--config-dir=/x",
			      "--default",  "--binary",	 "/usr/sbin/rg"};
	struct rg_configure_opts o;
	bool dry = false;
	char *bin = NULL;
	assert_int_equal(rg_configure_parse_args(6, (char **)good, &o, &dry, &bin, &error), 0);
	track(bin);
	assert_true(dry);
	assert_true(o.is_default);
	assert_string_equal(o.config_dir, "/x");
	assert_string_equal(o.binary, "/usr/sbin/rg");
	/* Without --binary: the running program, resolved. */
	const char *dflt[] = {"podman"};
	assert_int_equal(rg_configure_parse_args(1, (char **)dflt, &o, &dry, &bin, &error), 0);
	track(bin);
	assert_true(o.binary[0] == '/');
	assert_false(o.is_remove);
	/* --remove; --host-root /: this machine; relative paths are fine then. */
	const char *rm[] = {"--remove", "podman", "--host-root=/", "--file", "c.conf"};
	assert_int_equal(rg_configure_parse_args(5, (char **)rm, &o, &dry, &bin, &error), 0);
	char *self = track(realpath("/proc/self/exe", NULL));
	assert_string_equal(track(bin), self);
	assert_true(o.is_remove);
	assert_false(o.is_default);
	assert_string_equal(o.file, "c.conf");
	/* Under a root, the running binary's node path. */
	char *dir = track(rg_xstrdup(self));
	*strrchr(dir, '/') = '\0';
	char *parent = track(rg_xstrdup(dir));
	*strrchr(parent, '/') = '\0';
	const char *under[] = {"crio", "--host-root", parent};
	assert_int_equal(rg_configure_parse_args(3, (char **)under, &o, &dry, &bin, &error), 0);
	assert_string_equal(track(bin), self + strlen(parent));
}

static int setup_all(void **state)
{
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int teardown_all(void **state)
{
	char *cmd = rg_xasprintf("rm -rf '%s'", tmpdir);
	int r = system(cmd);
	free(cmd);
	return r == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_toml_norm, cleanup),
	    cmocka_unit_test_teardown(test_toml_items, cleanup),
	    cmocka_unit_test_teardown(test_toml_errors, cleanup),
	    cmocka_unit_test_teardown(test_toml_decoders, cleanup),
	    cmocka_unit_test_teardown(test_containerd_runtimes, cleanup),
	    cmocka_unit_test_teardown(test_containerd_noimports, cleanup),
	    cmocka_unit_test_teardown(test_containerd_imports_glob, cleanup),
	    cmocka_unit_test_teardown(test_containerd_debian, cleanup),
	    cmocka_unit_test_teardown(test_containerd_refusals, cleanup),
	    cmocka_unit_test_teardown(test_containerd_dry_run, cleanup),
	    cmocka_unit_test_teardown(test_containerd_v3, cleanup),
	    cmocka_unit_test_teardown(test_containerd_v3_nocri, cleanup),
	    cmocka_unit_test_teardown(test_containerd_v3_imports, cleanup),
	    cmocka_unit_test_teardown(test_containerd_v3_in_place, cleanup),
	    cmocka_unit_test_teardown(test_containerd_v3_old_dropin, cleanup),
	    cmocka_unit_test_teardown(test_containerd_v3_refusals, cleanup),
	    cmocka_unit_test_teardown(test_containerd_remove_nothing, cleanup),
	    cmocka_unit_test_teardown(test_crio, cleanup),
	    cmocka_unit_test_teardown(test_podman, cleanup),
	    cmocka_unit_test_teardown(test_docker, cleanup),
	    cmocka_unit_test_teardown(test_docker_new_file, cleanup),
	    cmocka_unit_test_teardown(test_remove_round_trips, cleanup),
	    cmocka_unit_test_teardown(test_remove_refuses_other_binaries, cleanup),
	    cmocka_unit_test_teardown(test_remove_keeps_needed_runc, cleanup),
	    cmocka_unit_test_teardown(test_host_root, cleanup),
	    cmocka_unit_test_teardown(test_symlinked_config, cleanup),
	    cmocka_unit_test_teardown(test_parse_args, cleanup),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
