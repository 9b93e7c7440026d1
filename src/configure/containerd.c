/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `runguard configure containerd`: a CRI runtime handler "runguard" (runc
 * shim v2 with options.BinaryName = runguard), with the keys and options of
 * the runc handler copied.
 *
 * Where it goes depends on config.toml's `version`, that is on how the
 * containerd that reads it merges the files of its `imports` (globs
 * allowed, relative to the importing file; loaded after it, in order):
 *
 * Version 2 (containerd 1.x) merges them plugin by plugin: a file that sets
 * anything under plugins."io.containerd.grpc.v1.cri" replaces that plugin's
 * *whole* section from the files before it (containerd issue 5837). A
 * drop-in holding just the handler would silently drop every other CRI
 * setting (the CNI paths, the runc handler, SystemdCgroup, ...). So:
 *
 *   - if one file already sets the CRI plugin, the handler is added to that
 *     file, in place (a text edit that leaves every other byte alone);
 *   - if none does, it goes into the drop-in conf.d/runguard.toml, and
 *     config.toml gets (or extends) an `imports` line naming it;
 *   - if several do, containerd already ignores all but the last one: that
 *     is refused with a message, for the operator to merge them.
 *
 * Versions 3 and 4 (containerd 2.x, plugin "io.containerd.cri.v1.runtime")
 * are merged key by key, tables into tables, a later file's value winning
 * (containerd pull request 9982, in 2.0). The handler goes into the drop-in
 * (`version` as config.toml's: 2.3 refuses a drop-in of a higher version
 * than config.toml), unless one file already sets it: then it is completed
 * there. runc's settings are read from all files as containerd merges them.
 * The built-in runc handler survives other handlers in 2.x (the plugin's
 * configuration is decoded over its defaults), so it is not written out.
 *
 * Limits of the text editor: the handler's and the CRI "containerd" tables
 * must be written as [table] headers (no dotted keys from a parent table,
 * no inline tables); anything else is refused, never guessed.
 *
 * --remove undoes it: src/configure/containerd_remove.c.
 */
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runguard/configure.h"
#include "runguard/configure_containerd.h"
#include "runguard/fileio.h"
#include "runguard/policy.h"
#include "runguard/toml.h"
#include "runguard/util.h"

#define CRI_V2 "plugins.\"io.containerd.grpc.v1.cri\""
#define CRI_V3 "plugins.\"io.containerd.cri.v1.runtime\""

const struct rg_containerd_layout rg_containerd_v2 = {CRI_V2, CRI_V2 ".containerd",
						      CRI_V2 ".containerd.runtimes"};
const struct rg_containerd_layout rg_containerd_v3 = {CRI_V3, CRI_V3 ".containerd",
						      CRI_V3 ".containerd.runtimes"};

struct kv {
	char *key;
	char *value; /* raw TOML value text */
};

struct kvs {
	struct kv *v;
	size_t n;
};

int rg_containerd_version(const struct rg_toml *doc)
{
	const struct rg_toml_item *it = rg_toml_get(doc, "", "version");
	if (!it)
		return 0;
	_cleanup_free_ char *v = rg_toml_raw(doc, it);
	char *end = NULL;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (end == v || *end || errno || n < 0 || n > INT_MAX)
		return -1;
	return (int)n;
}

bool rg_containerd_version_is_known(int version)
{
	return version >= 2 && version <= 4;
}

const struct rg_containerd_layout *rg_containerd_layout(const struct rg_toml *doc, int main_version)
{
	if (main_version < 3)
		return &rg_containerd_v2;
	if (rg_containerd_version(doc) >= 3 ||
	    !rg_toml_first_under(doc, rg_containerd_v2.containerd))
		return &rg_containerd_v3;
	return &rg_containerd_v2;
}

static void kvs_set(struct kvs *k, const char *key, const char *value)
{
	for (size_t i = 0; i < k->n; i++) {
		if (rg_streq(k->v[i].key, key)) {
			free(k->v[i].value);
			k->v[i].value = rg_xstrdup(value);
			return;
		}
	}
	k->v = rg_xrealloc(k->v, (k->n + 1) * sizeof(*k->v));
	k->v[k->n++] = (struct kv){rg_xstrdup(key), rg_xstrdup(value)};
}

static const char *kvs_get(const struct kvs *k, const char *key)
{
	for (size_t i = 0; i < k->n; i++)
		if (rg_streq(k->v[i].key, key))
			return k->v[i].value;
	return NULL;
}

static void kvs_free(struct kvs *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].key);
		free(k->v[i].value);
	}
	free(k->v);
	*k = (struct kvs){0};
}

static void ctd_free(struct rg_ctd *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->files[i].path);
		free(c->files[i].text);
		rg_toml_free(c->files[i].doc);
		rg_toml_edits_free(&c->files[i].ed);
	}
	free(c->main_path);
	free(c->dropin);
}

static char *abs_path(const char *p)
{
	if (p[0] == '/')
		return rg_xstrdup(p);
	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd)))
		return rg_xstrdup(p);
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (rg_streq(p, ".") || !*p)
		return rg_xstrdup(cwd);
	return rg_xasprintf("%s/%s", cwd, p);
}

static char *dir_of(const char *path)
{
	_cleanup_free_ char *d = rg_xstrdup(path);
	return rg_xstrdup(dirname(d));
}

static int load_file(const char *path, struct rg_ctd_file *f, struct rg_error **err)
{
	*f = (struct rg_ctd_file){.path = rg_xstrdup(path)};
	int r = rg_file_read(path, RG_TOML_MAX_SIZE, &f->text, &f->len, err);
	if (r == -ENOENT) {
		f->text = rg_xstrdup("");
		r = 0;
	} else if (r == 0) {
		f->exists = true;
	}
	if (r < 0)
		return r;
	return rg_toml_parse(path, f->text, f->len, &f->doc, err);
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Where an `imports` entry of f is seen from here (entries are the node's paths). */
char *rg_ctd_import_path(const struct rg_ctd *c, const struct rg_ctd_file *f, const char *entry)
{
	if (entry[0] == '/')
		return rg_configure_host_path(c->o, entry);
	_cleanup_free_ char *dir = dir_of(f->path);
	return rg_xasprintf("%s/%s", dir, entry);
}

/* The file loaded from path, or NULL. */
static struct rg_ctd_file *find_file(struct rg_ctd *c, const char *path)
{
	for (size_t i = 0; i < c->n; i++)
		if (rg_streq(c->files[i].path, path))
			return &c->files[i];
	return NULL;
}

/*
 * A file's `imports` (*ret_it NULL and an empty list when it has none).
 * *ret is NULL-terminated; free it with rg_toml_strv_free.
 */
int rg_ctd_get_imports(const struct rg_ctd_file *f, const struct rg_toml_item **ret_it, char ***ret,
		       size_t *ret_n, struct rg_error **err)
{
	const struct rg_toml_item *it = rg_toml_get(f->doc, "", "imports");

	*ret_it = it;
	*ret = NULL;
	*ret_n = 0;
	if (it && rg_toml_decode_strings(f->text + it->value_start, it->value_end - it->value_start,
					 ret, ret_n) < 0)
		return rg_error_set(err, EINVAL, "%s:%u: imports: expected an array of strings",
				    f->path, it->line);
	return 0;
}

/* Loads an imported file, once (containerd skips a file it has loaded), noting its importer. */
static int add_import(struct rg_ctd *c, const char *path, size_t parent, size_t entry,
		      struct rg_error **err)
{
	if (find_file(c, path) || c->n >= RG_CTD_MAX_FILES)
		return 0;
	struct rg_ctd_file *f = &c->files[c->n++];
	int r = load_file(path, f, err);
	f->parent = parent;
	f->entry = entry;
	return r;
}

/*
 * Appends the files a file imports, as containerd resolves them: each
 * entry relative to the importing file's directory, globs expanded in
 * lexical order.
 */
static int queue_imports(struct rg_ctd *c, size_t parent, struct rg_error **err)
{
	const struct rg_ctd_file *f = &c->files[parent];
	const struct rg_toml_item *it;
	char **list;
	size_t n;
	int r = rg_ctd_get_imports(f, &it, &list, &n, err);

	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *p = rg_ctd_import_path(c, f, list[i]);
		glob_t g = {0};
		if (!has_glob(p)) {
			r = add_import(c, p, parent, i, err);
			continue;
		}
		if (glob(p, 0, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc && r == 0; k++)
				r = add_import(c, g.gl_pathv[k], parent, i, err);
		}
		globfree(&g);
	}
	rg_toml_strv_free(list);
	return r;
}

static int load_all(struct rg_ctd *c, struct rg_error **err)
{
	int r = load_file(c->main_path, &c->files[c->n++], err);
	for (size_t i = 0; r == 0 && i < c->n; i++)
		if (c->files[i].exists)
			r = queue_imports(c, i, err);
	if (r == 0 && c->n >= RG_CTD_MAX_FILES)
		return rg_error_set(err, E2BIG, "%s: more than %d files imported", c->main_path,
				    RG_CTD_MAX_FILES);
	return r;
}

/*
 * config.toml's version, then each file's layout. containerd 1.6 reads a
 * file without `version` as version 1, whose plugin names differ; one
 * that sets no plugin at all (empty, or absent) gets `version = 2`, which
 * every containerd since 1.3 reads.
 */
static int check_version(struct rg_ctd *c, bool *ret_add, struct rg_error **err)
{
	const struct rg_ctd_file *m = &c->files[0];
	const struct rg_toml_item *it = rg_toml_get(m->doc, "", "version");
	int version = rg_containerd_version(m->doc);
	*ret_add = false;
	c->version = 2;
	if (!it) {
		const struct rg_toml_item *p = rg_toml_first_under(m->doc, "plugins");
		if (p)
			return rg_error_set(
			    err, EINVAL,
			    "%s:%u: no `version = 2`: containerd reads this file as a "
			    "version 1 configuration, whose plugin names differ; migrate it "
			    "to version 2 first",
			    m->path, p->line);
		*ret_add = true;
	} else if (rg_containerd_version_is_known(version)) {
		c->version = version;
	} else {
		_cleanup_free_ char *v = rg_toml_raw(m->doc, it);
		return rg_error_set(err, EINVAL,
				    "%s:%u: version %s: runguard configure knows versions 2 "
				    "(containerd 1.x), 3 and 4 (containerd 2.x)",
				    m->path, it->line, v);
	}
	for (size_t i = 0; i < c->n; i++)
		c->files[i].lay = rg_containerd_layout(c->files[i].doc, c->version);
	return 0;
}

/* The table of handler `name` in f's layout, with `sub` ("" or ".options") appended. */
char *rg_ctd_handler_table(const struct rg_ctd_file *f, const char *name, const char *sub)
{
	_cleanup_free_ char *t = rg_toml_join(f->lay->runtimes, name);
	return rg_xasprintf("%s%s", t, sub);
}

/* The value of a string key, or NULL (not set, or not a string). Caller frees. */
char *rg_ctd_get_string(const struct rg_ctd_file *f, const char *table, const char *key,
			const struct rg_toml_item **ret_it)
{
	const struct rg_toml_item *it = rg_toml_get(f->doc, table, key);
	char *s = NULL;
	if (ret_it)
		*ret_it = it;
	if (it && rg_toml_decode_string(f->text + it->value_start, it->value_end - it->value_start,
					&s) < 0)
		s = NULL;
	return s;
}

/*
 * Whether f's CRI settings are in effect along with t's: containerd 1.x
 * takes the plugin's section from one file, t (the one that sets it; all
 * files when t is NULL); 2.x merges all files.
 */
static bool in_effect(const struct rg_ctd *c, const struct rg_ctd_file *t,
		      const struct rg_ctd_file *f)
{
	return c->version >= 3 || !t || f == t;
}

/*
 * A string key in effect, of handler `name` (NULL: the plugin's
 * "containerd" table), the last file's winning; *ret_f (may be NULL) is
 * that file. NULL when no file in effect sets it. Caller frees.
 */
static char *effective_string(const struct rg_ctd *c, const struct rg_ctd_file *t, const char *name,
			      const char *key, const struct rg_ctd_file **ret_f)
{
	char *v = NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct rg_ctd_file *f = &c->files[i];
		if (!in_effect(c, t, f))
			continue;
		_cleanup_free_ char *table =
		    name ? rg_ctd_handler_table(f, name, "") : rg_xstrdup(f->lay->containerd);
		char *s = rg_ctd_get_string(f, table, key, NULL);
		if (s) {
			free(v);
			v = s;
			if (ret_f)
				*ret_f = f;
		}
	}
	return v;
}

/*
 * Refuses layouts the text editor cannot extend safely: keys below `table`
 * written as dotted keys or an inline table in a parent table.
 */
int rg_ctd_check_editable(const struct rg_ctd_file *f, const char *table, struct rg_error **err)
{
	for (size_t i = 0; i < f->doc->n; i++) {
		const struct rg_toml_item *it = &f->doc->items[i];
		if (it->kind != RG_TOML_KEYVAL || !rg_toml_is_under(it->path, table) ||
		    rg_toml_is_under(it->table, table))
			continue;
		return rg_error_set(
		    err, ENOTSUP,
		    "%s:%u: %s is set with a dotted key or an inline table; runguard "
		    "configure only edits [table] headers: rewrite it as a table "
		    "or add the handler by hand",
		    f->path, it->line, table);
	}
	return 0;
}

/* The keys of one table, in order (raw values). Dotted keys and inline tables are refused. */
static int collect_table(const struct rg_ctd_file *f, const char *table, struct kvs *out,
			 struct rg_error **err)
{
	for (size_t i = 0; i < f->doc->n; i++) {
		const struct rg_toml_item *it = &f->doc->items[i];
		if (it->kind != RG_TOML_KEYVAL || !rg_streq(it->table, table))
			continue;
		_cleanup_free_ char *v = rg_toml_raw(f->doc, it);
		if (strchr(it->key, '.') || v[0] == '{')
			return rg_error_set(err, ENOTSUP,
					    "%s:%u: %s.%s: dotted keys and inline tables are not "
					    "supported by runguard configure",
					    f->path, it->line, table, it->key);
		kvs_set(out, it->key, v);
	}
	return 0;
}

/* The keys of handler `name` + `sub` in effect, merged key by key over the files (in order). */
static int collect_effective(const struct rg_ctd *c, const struct rg_ctd_file *t, const char *name,
			     const char *sub, struct kvs *out, struct rg_error **err)
{
	int r = 0;
	for (size_t i = 0; i < c->n && r == 0; i++) {
		const struct rg_ctd_file *f = &c->files[i];
		_cleanup_free_ char *table = rg_ctd_handler_table(f, name, sub);
		if (in_effect(c, t, f))
			r = collect_table(f, table, out, err);
	}
	return r;
}

/* Adds run.runguard.profile to a pod_annotations value (so pods may ask for a stricter profile). */
static char *with_annotation(const char *raw)
{
	char **list = NULL;
	size_t n = 0;

	if (!raw)
		return rg_toml_quote_array((char *const[]){(char *)RG_PROFILE_ANNOTATION}, 1);
	if (rg_toml_decode_strings(raw, strlen(raw), &list, &n) < 0)
		return rg_xstrdup(raw);
	bool has = false;
	for (size_t i = 0; i < n; i++)
		has = has || rg_streq(list[i], RG_PROFILE_ANNOTATION) ||
		      rg_streq(list[i], "run.runguard.*");
	char *out;
	if (has) {
		out = rg_xstrdup(raw);
	} else {
		list = rg_xrealloc(list, (n + 2) * sizeof(char *));
		list[n++] = rg_xstrdup(RG_PROFILE_ANNOTATION);
		list[n] = NULL;
		out = rg_toml_quote_array(list, n);
	}
	rg_toml_strv_free(list);
	return out;
}

/*
 * The runtime whose settings the handler copies: the default handler if
 * it is a runc shim v2 handler other than runguard, else "runc". Caller frees.
 */
static char *source_name(const struct rg_ctd *c, const struct rg_ctd_file *t)
{
	_cleanup_free_ char *def = effective_string(c, t, NULL, "default_runtime_name", NULL);
	const char *names[] = {def, "runc"};

	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		if (!names[i] || rg_streq(names[i], RG_CONFIGURE_NAME))
			continue;
		_cleanup_free_ char *type = effective_string(c, t, names[i], "runtime_type", NULL);
		if (!type || rg_streq(type, RG_CTD_RUNC_V2))
			return rg_xstrdup(names[i]);
	}
	return rg_xstrdup("runc");
}

static void put_kvs(struct rg_buf *b, const struct kvs *k, size_t indent)
{
	for (size_t i = 0; i < k->n; i++)
		rg_buf_printf(b, "%*s%s = %s\n", (int)indent, "", k->v[i].key, k->v[i].value);
}

/* Indentation of new keys in a table: that of its first key, else the header's plus 2. */
static size_t key_indent(const struct rg_ctd_file *f, const struct rg_toml_item *header)
{
	for (const struct rg_toml_item *it = header + 1; it < f->doc->items + f->doc->n; it++) {
		if (it->kind == RG_TOML_TABLE || it->kind == RG_TOML_ARRAY_TABLE)
			break;
		if (it->kind == RG_TOML_KEYVAL)
			return it->indent;
	}
	return header->indent + 2;
}

/* Offset where a new block is appended: the end, on a fresh line. */
static size_t append_pos(struct rg_ctd_file *f)
{
	if (f->len && f->text[f->len - 1] != '\n')
		rg_toml_edit(&f->ed, f->len, f->len, "\n");
	return f->len;
}

/*
 * Where a new handler goes: after the sections of the copied runtime, else
 * after the last runtime, else at the end.
 */
static size_t handler_pos(struct rg_ctd_file *t, const char *src, size_t *ret_indent)
{
	const struct rg_toml_item *last = NULL, *last_rt = NULL;

	for (size_t i = 0; i < t->doc->n; i++) {
		const struct rg_toml_item *it = &t->doc->items[i];
		if (it->kind != RG_TOML_TABLE)
			continue;
		if (rg_toml_is_under(it->path, src))
			last = it;
		if (rg_toml_is_under(it->path, t->lay->runtimes))
			last_rt = it;
	}
	const struct rg_toml_item *src_header = rg_toml_header(t->doc, src);
	*ret_indent = src_header ? src_header->indent : 0;
	if (last)
		return rg_toml_section_end(t->doc, last);
	if (last_rt)
		return rg_toml_section_end(t->doc, last_rt);
	return append_pos(t);
}

/* Two raw values are the same when their text is, or they are equal strings ('a' and "a"). */
static bool same_value(const char *a, const char *b)
{
	_cleanup_free_ char *x = NULL, *y = NULL;
	return rg_streq(a, b) || (rg_toml_decode_string(a, strlen(a), &x) == 0 &&
				  rg_toml_decode_string(b, strlen(b), &y) == 0 && rg_streq(x, y));
}

/* Makes an existing handler's key match: adds missing keys, fixes the ones runguard owns. */
static void ensure_keys(struct rg_ctd *c, struct rg_ctd_file *t, const struct rg_toml_item *header,
			const struct kvs *want, const char *const *owned)
{
	size_t pos = rg_toml_section_end(t->doc, header), indent = key_indent(t, header);

	for (size_t i = 0; i < want->n; i++) {
		const struct kv *k = &want->v[i];
		const struct rg_toml_item *it = rg_toml_get(t->doc, header->path, k->key);
		if (!it) {
			_cleanup_free_ char *line =
			    rg_xasprintf("%*s%s = %s\n", (int)indent, "", k->key, k->value);
			rg_toml_edit(&t->ed, pos, pos, line);
			continue;
		}
		_cleanup_free_ char *have = rg_toml_raw(t->doc, it);
		if (same_value(have, k->value))
			continue;
		bool is_owned = false;
		for (size_t j = 0; owned[j]; j++)
			is_owned = is_owned || rg_streq(owned[j], k->key);
		if (is_owned)
			rg_toml_edit(&t->ed, it->value_start, it->value_end, k->value);
		else
			rg_configure_note(c->plan,
					  "%s:%u: %s differs from the runc handler (runc: %s, "
					  "runguard: %s); left as it is",
					  t->path, it->line, k->key, k->value, have);
	}
}

/* [H.options] with opts: completed if it exists, else inserted at pos with the header's indent. */
static void edit_options(struct rg_ctd *c, struct rg_ctd_file *t, const char *ho,
			 const struct kvs *opts, size_t pos, size_t indent)
{
	static const char *const owned[] = {"BinaryName", NULL};
	const struct rg_toml_item *hoh = rg_toml_header(t->doc, ho);
	if (hoh) {
		ensure_keys(c, t, hoh, opts, owned);
		return;
	}
	struct rg_buf b = {0};
	rg_buf_printf(&b, "%*s[%s]\n", (int)indent, "", ho);
	put_kvs(&b, opts, indent + 2);
	_cleanup_free_ char *block = rg_buf_steal(&b);
	rg_toml_edit(&t->ed, pos, pos, block);
}

/* Completes the handler whose [H] header is hh: its keys and its options. */
static int complete_handler(struct rg_ctd *c, struct rg_ctd_file *t, const struct rg_toml_item *hh,
			    struct kvs *keys, const struct kvs *opts, struct rg_error **err)
{
	_cleanup_free_ char *ho = rg_xasprintf("%s.options", hh->path);
	/* The handler's own annotations, not runc's, plus ours. */
	const struct rg_toml_item *pa = rg_toml_get(t->doc, hh->path, "pod_annotations");
	if (pa) {
		_cleanup_free_ char *raw = rg_toml_raw(t->doc, pa);
		_cleanup_free_ char *mine = with_annotation(raw);
		kvs_set(keys, "pod_annotations", mine);
	}
	_cleanup_free_ char *have = rg_ctd_get_string(t, hh->path, "runtime_type", NULL);
	if (have && !rg_streq(have, RG_CTD_RUNC_V2))
		return rg_error_set(err, ENOTSUP,
				    "%s:%u: the handler %s has runtime_type \"%s\"; runguard "
				    "configure only manages %s handlers",
				    t->path, hh->line, RG_CONFIGURE_NAME, have, RG_CTD_RUNC_V2);
	static const char *const owned_keys[] = {"runtime_type", "pod_annotations", NULL};
	ensure_keys(c, t, hh, keys, owned_keys);
	edit_options(c, t, ho, opts, rg_toml_section_end(t->doc, hh), hh->indent + 2);
	return 0;
}

/* Adds the handler to t, or completes an existing one. */
static int edit_handler(struct rg_ctd *c, struct rg_ctd_file *t, const char *src, struct kvs *keys,
			const struct kvs *opts, struct rg_error **err)
{
	_cleanup_free_ char *h = rg_ctd_handler_table(t, RG_CONFIGURE_NAME, "");
	_cleanup_free_ char *ho = rg_xasprintf("%s.options", h);
	const struct rg_toml_item *hh = rg_toml_header(t->doc, h);

	if (hh)
		return complete_handler(c, t, hh, keys, opts, err);
	/* Only [H.options] (or another sub-table) exists: [H] goes just before it. */
	const struct rg_toml_item *sub = rg_toml_first_under(t->doc, h);
	if (sub && sub->kind == RG_TOML_TABLE) {
		size_t in = sub->indent >= 2 ? sub->indent - 2 : 0;
		struct rg_buf b = {0};
		rg_buf_printf(&b, "%*s[%s]\n", (int)in, "", h);
		put_kvs(&b, keys, in + 2);
		_cleanup_free_ char *block = rg_buf_steal(&b);
		rg_toml_edit(&t->ed, sub->start, sub->start, block);
		edit_options(c, t, ho, opts, sub->start, in + 2);
		return 0;
	}
	size_t indent;
	size_t pos = handler_pos(t, src, &indent);
	struct rg_buf b = {0};
	_cleanup_free_ char *runc = rg_ctd_handler_table(t, "runc", "");
	_cleanup_free_ char *def =
	    rg_ctd_get_string(t, t->lay->containerd, "default_runtime_name", NULL);
	if (c->version < 3 && (!def || rg_streq(def, "runc")) &&
	    !rg_toml_first_under(t->doc, runc)) {
		/* containerd 1.x: setting any runtime replaces the built-in list:
		 * keep the built-in runc handler, or default_runtime_name "runc"
		 * would name nothing and the CRI plugin would not load. */
		rg_buf_printf(&b, "\n%*s" RG_CTD_RUNC_MARK "\n", (int)indent, "");
		rg_buf_printf(&b, "%*s[%s]\n%*sruntime_type = \"%s\"\n", (int)indent, "", runc,
			      (int)indent + 2, "", RG_CTD_RUNC_V2);
	}
	rg_buf_printf(&b, "\n%*s" RG_CTD_HANDLER_MARK "\n", (int)indent, "");
	rg_buf_printf(&b, "%*s[%s]\n", (int)indent, "", h);
	put_kvs(&b, keys, indent + 2);
	rg_buf_printf(&b, "%*s[%s]\n", (int)indent + 2, "", ho);
	put_kvs(&b, opts, indent + 4);
	_cleanup_free_ char *block = rg_buf_steal(&b);
	rg_toml_edit(&t->ed, pos, pos, block);
	return 0;
}

/*
 * The handler: the copied runtime's keys (runtime_type first, added when
 * missing; pod_annotations with run.runguard.profile) and options
 * (BinaryName = runguard).
 */
static int plan_handler(struct rg_ctd *c, struct rg_ctd_file *t, struct rg_error **err)
{
	_cleanup_free_ char *h = rg_ctd_handler_table(t, RG_CONFIGURE_NAME, "");
	_cleanup_free_ char *src_name = source_name(c, t);
	_cleanup_free_ char *src = rg_ctd_handler_table(t, src_name, "");
	_cleanup_free_ char *bin = rg_toml_quote(c->o->binary);
	_cleanup_free_ char *type = rg_toml_quote(RG_CTD_RUNC_V2);
	struct kvs keys = {0}, raw = {0}, opts = {0};
	int r = rg_ctd_check_editable(t, h, err);

	if (r == 0)
		r = collect_effective(c, t, src_name, "", &raw, err);
	if (r == 0)
		r = collect_effective(c, t, src_name, ".options", &opts, err);
	if (r == 0) {
		kvs_set(&keys, "runtime_type",
			kvs_get(&raw, "runtime_type") ? kvs_get(&raw, "runtime_type") : type);
		for (size_t i = 0; i < raw.n; i++)
			kvs_set(&keys, raw.v[i].key, raw.v[i].value);
		char *ann = with_annotation(kvs_get(&keys, "pod_annotations"));
		kvs_set(&keys, "pod_annotations", ann);
		free(ann);
		kvs_set(&opts, "BinaryName", bin);
		r = edit_handler(c, t, src, &keys, &opts, err);
	}
	kvs_free(&keys);
	kvs_free(&raw);
	kvs_free(&opts);
	return r;
}

/* default_runtime_name = "runguard" in f's containerd table. */
static int default_in(struct rg_ctd_file *f, struct rg_error **err)
{
	const char *table = f->lay->containerd;
	_cleanup_free_ char *name = rg_toml_quote(RG_CONFIGURE_NAME);
	const struct rg_toml_item *it = rg_toml_get(f->doc, table, "default_runtime_name");

	if (it) {
		rg_toml_edit(&f->ed, it->value_start, it->value_end, name);
		return 0;
	}
	int r = rg_ctd_check_editable(f, table, err);
	if (r < 0)
		return r;
	const struct rg_toml_item *ch = rg_toml_header(f->doc, table);
	_cleanup_free_ char *text = NULL;
	size_t pos;
	if (ch) {
		pos = rg_toml_section_end(f->doc, ch);
		text = rg_xasprintf("%*sdefault_runtime_name = %s\n", (int)key_indent(f, ch), "",
				    name);
	} else {
		pos = append_pos(f);
		text = rg_xasprintf("\n[%s]\n  default_runtime_name = %s\n", table, name);
	}
	rg_toml_edit(&f->ed, pos, pos, text);
	return 0;
}

/*
 * --default: default_runtime_name = "runguard" where it takes effect: in
 * t, or, when a file loaded after t sets it (containerd 2.x), there.
 */
static int plan_default(struct rg_ctd *c, struct rg_ctd_file *t, struct rg_error **err)
{
	const struct rg_ctd_file *last = NULL;
	_cleanup_free_ char *def = effective_string(c, t, NULL, "default_runtime_name", &last);

	if (def && rg_streq(def, RG_CONFIGURE_NAME))
		return 0;
	return default_in(last && last > t ? &c->files[last - c->files] : t, err);
}

/* True when an `imports` entry of the main file names (or globs) the drop-in. */
static bool imports_cover(const struct rg_ctd *c, const struct rg_ctd_file *m, char **list,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = rg_ctd_import_path(c, m, list[i]);
		if (rg_streq(p, c->dropin) ||
		    (has_glob(p) && fnmatch(p, c->dropin, FNM_PATHNAME) == 0))
			return true;
	}
	return false;
}

/* config.toml imports the drop-in (and says `version = 2` when it must). */
static int plan_import(struct rg_ctd *c, struct rg_ctd_file *m, bool add_version,
		       struct rg_error **err)
{
	const struct rg_toml_item *it;
	char **list;
	size_t n;

	if (rg_ctd_get_imports(m, &it, &list, &n, err) < 0)
		return -EINVAL;
	if (it) {
		if (!imports_cover(c, m, list, n)) {
			list = rg_xrealloc(list, (n + 2) * sizeof(char *));
			list[n++] = rg_xstrdup(rg_configure_node_path(c->o, c->dropin));
			list[n] = NULL;
			_cleanup_free_ char *v = rg_toml_quote_array(list, n);
			rg_toml_edit(&m->ed, it->value_start, it->value_end, v);
		}
		rg_toml_strv_free(list);
		return 0;
	}
	/* A top-level key: after `version`, else before the first table. */
	const struct rg_toml_item *ver = rg_toml_get(m->doc, "", "version");
	size_t pos = m->len;
	if (ver) {
		pos = ver->end;
	} else {
		for (size_t i = 0; i < m->doc->n; i++) {
			if (m->doc->items[i].kind == RG_TOML_TABLE ||
			    m->doc->items[i].kind == RG_TOML_ARRAY_TABLE) {
				pos = m->doc->items[i].start;
				break;
			}
		}
		if (pos == m->len)
			pos = append_pos(m);
	}
	_cleanup_free_ char *q = rg_toml_quote(rg_configure_node_path(c->o, c->dropin));
	_cleanup_free_ char *line =
	    rg_xasprintf("%simports = [%s]\n", add_version ? "version = 2\n" : "", q);
	rg_toml_edit(&m->ed, pos, pos, line);
	return 0;
}

/* Applies a file's edits, if any, and records the result in the plan if it changes. */
static void finish_file(struct rg_ctd *c, struct rg_ctd_file *f)
{
	size_t len;
	if (!f->ed.n)
		return;
	_cleanup_free_ char *after = rg_toml_edits_apply(f->text, f->len, &f->ed, &len);
	if (!f->exists || len != f->len || memcmp(after, f->text, len) != 0)
		rg_configure_add_file(c->plan, f->path, f->exists ? f->text : NULL, f->len, after,
				      len, 0644);
}

/*
 * Where containerd will load the drop-in, not loaded yet. The files
 * config.toml imports itself come first, in the order of its entries (a
 * glob's in lexical order): the drop-in goes where the glob that matches
 * it puts it, else after them all (its entry is appended).
 */
static size_t dropin_index(const struct rg_ctd *c)
{
	const struct rg_toml_item *it;
	char **list;
	size_t n, k, at = 1;

	if (rg_ctd_get_imports(&c->files[0], &it, &list, &n, NULL) < 0)
		n = 0;
	for (k = 0; k < n; k++) {
		_cleanup_free_ char *p = rg_ctd_import_path(c, &c->files[0], list[k]);
		if (has_glob(p) && fnmatch(p, c->dropin, FNM_PATHNAME) == 0)
			break;
	}
	for (size_t i = 1; i < c->n; i++) {
		const struct rg_ctd_file *f = &c->files[i];
		if (f->parent == 0 &&
		    (f->entry < k || (f->entry == k && strcmp(f->path, c->dropin) < 0)))
			at = i + 1;
	}
	rg_toml_strv_free(list);
	return at;
}

/*
 * The drop-in, loaded (where containerd will load it) if it is not yet,
 * and as a new file (a header, then whatever plan_handler adds) if it does
 * not exist.
 */
static int load_dropin(struct rg_ctd *c, struct rg_ctd_file **ret, struct rg_error **err)
{
	*ret = find_file(c, c->dropin);
	if (*ret)
		return 0;
	size_t at = dropin_index(c);
	memmove(&c->files[at + 1], &c->files[at], (c->n++ - at) * sizeof(*c->files));
	struct rg_ctd_file *f = &c->files[at];
	int r = load_file(c->dropin, f, err);
	*ret = f;
	if (r < 0 || f->exists)
		goto done;
	free(f->text);
	rg_toml_free(f->doc);
	f->doc = NULL;
	f->text = rg_xasprintf("# A containerd runtime handler that runs runguard: runc under "
			       "runguard's policy.\n# Written by `runguard configure "
			       "containerd`; imported from %s.\nversion = %d\n",
			       rg_configure_node_path(c->o, c->main_path), c->version);
	f->len = strlen(f->text);
	r = rg_toml_parse(f->path, f->text, f->len, &f->doc, err);
done:
	if (r == 0)
		f->lay = rg_containerd_layout(f->doc, c->version);
	return r;
}

/*
 * The file the handler goes into, if one already holds it: with containerd
 * 1.x, the one file that sets the CRI plugin (several: refused, as
 * containerd uses only the last one's section); with 2.x, the one file that
 * sets the handler (several: refused, as they are merged key by key and
 * configure edits one). NULL: none.
 */
static int find_target(struct rg_ctd *c, struct rg_ctd_file **ret, struct rg_error **err)
{
	struct rg_buf b = {0};
	size_t n = 0;

	*ret = NULL;
	for (size_t i = 0; i < c->n; i++) {
		struct rg_ctd_file *f = &c->files[i];
		_cleanup_free_ char *what = c->version >= 3
						? rg_ctd_handler_table(f, RG_CONFIGURE_NAME, "")
						: rg_xstrdup(f->lay->cri);
		if (!f->exists || !rg_toml_first_under(f->doc, what))
			continue;
		rg_buf_printf(&b, "%s%s", n++ ? ", " : "", f->path);
		if (!*ret)
			*ret = f;
	}
	_cleanup_free_ char *list = rg_buf_steal(&b);
	if (n < 2)
		return 0;
	if (c->version >= 3)
		return rg_error_set(err, ENOTSUP,
				    "the handler %s is set in several files (%s): containerd "
				    "merges them key by key, runguard configure edits one; merge "
				    "them into one file, then run runguard configure again",
				    RG_CONFIGURE_NAME, list);
	return rg_error_set(err, ENOTSUP,
			    "the CRI plugin is configured in several files (%s): containerd "
			    "1.x uses only the last one's section and ignores the others; "
			    "merge them into one file, then run runguard configure again",
			    list);
}

/* Adds the handler (to t, else to the drop-in imported by m) and, with --default, the default. */
static int plan_add(struct rg_ctd *c, struct rg_ctd_file *t, struct rg_ctd_file *m,
		    bool add_version, struct rg_error **err)
{
	int r = 0;

	if (!t) {
		r = load_dropin(c, &t, err);
		if (r == 0)
			r = plan_import(c, m, add_version, err);
	} else if (c->version < 3 && t != m && !rg_streq(t->path, c->dropin)) {
		rg_configure_note(c->plan,
				  "the CRI plugin is configured in %s (imported): the handler goes "
				  "there, as containerd 1.x takes the plugin's whole section from "
				  "one file",
				  t->path);
	}
	if (r == 0)
		r = plan_handler(c, t, err);
	if (r == 0 && c->o->is_default)
		r = plan_default(c, t, err);
	return r;
}

static int plan_all(struct rg_ctd *c, struct rg_error **err)
{
	bool add_version;
	struct rg_ctd_file *m = &c->files[0], *t = NULL;
	int r = check_version(c, &add_version, err);

	if (r == 0)
		r = find_target(c, &t, err);
	if (r < 0)
		return r;
	if (c->o->is_remove)
		r = rg_ctd_plan_remove(c, t, m, err);
	else
		r = plan_add(c, t, m, add_version, err);
	/* What is added goes in load order; what is removed, the other way round. */
	for (size_t i = 0; r == 0 && i < c->n; i++)
		finish_file(c, &c->files[c->o->is_remove ? c->n - 1 - i : i]);
	return r;
}

int rg_configure_containerd(const struct rg_configure_opts *o, struct rg_configure_plan *p,
			    struct rg_error **err)
{
	struct rg_ctd c = {.o = o, .plan = p};
	_cleanup_free_ char *dir = NULL;

	_cleanup_free_ char *cdir =
	    rg_configure_host_path(o, o->config_dir ? o->config_dir : "/etc/containerd");
	_cleanup_free_ char *file =
	    o->file ? rg_configure_host_path(o, o->file) : rg_xasprintf("%s/config.toml", cdir);
	c.main_path = abs_path(file);
	dir = o->config_dir ? abs_path(cdir) : dir_of(c.main_path);
	c.dropin = rg_xasprintf("%s/conf.d/%s.toml", dir, RG_CONFIGURE_NAME);
	p->restart = "restart containerd to load it: systemctl restart containerd";
	int r = load_all(&c, err);
	if (r == 0)
		r = plan_all(&c, err);
	if (r == 0 && !o->is_default && !o->is_remove) {
		_cleanup_free_ char *def =
		    effective_string(&c, NULL, NULL, "default_runtime_name", NULL);
		if (!def || !rg_streq(def, RG_CONFIGURE_NAME))
			rg_configure_note(p,
					  "pods run through runguard when they name the handler "
					  "(RuntimeClass with handler: runguard, "
					  "contrib/kubernetes/runtimeclass.yaml); --default makes "
					  "it containerd's default");
	}
	ctd_free(&c);
	return r;
}
