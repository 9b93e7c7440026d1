/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `runguard configure containerd`: a CRI runtime handler "runguard" (runc
 * shim v2 with options.BinaryName = runguard), with the keys and options of
 * the runc handler copied, in a version 2 configuration.
 *
 * Where it goes. containerd 1.x loads config.toml, then each file of its
 * `imports` (globs allowed, relative to the importing file), and merges them
 * plugin by plugin: a file that sets anything under
 * plugins."io.containerd.grpc.v1.cri" replaces that plugin's *whole*
 * section from the files before it (containerd issue 5837; fixed only in
 * 2.0). A drop-in holding just the handler would silently drop every other
 * CRI setting (the CNI paths, the runc handler, SystemdCgroup, ...). So:
 *
 *   - if one file already sets the CRI plugin, the handler is added to that
 *     file, in place (a text edit that leaves every other byte alone);
 *   - if none does, it goes into the drop-in conf.d/runguard.toml, and
 *     config.toml gets (or extends) an `imports` line naming it;
 *   - if several do, containerd already ignores all but the last one: that
 *     is refused with a message, for the operator to merge them.
 *
 * Limits of the text editor: the handler's and the CRI "containerd" tables
 * must be written as [table] headers (no dotted keys from a parent table,
 * no inline tables); anything else is refused, never guessed.
 *
 * --remove undoes it: the handler's tables (with the comment above them),
 * the runc handler configure wrote out (recognised by its comment, and
 * only while no other runtime needs it), default_runtime_name "runguard"
 * (back to containerd's "runc"; the table goes if configure added it for
 * that key alone), the drop-in and the `imports` entry naming it.
 */
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runguard/configure.h"
#include "runguard/fileio.h"
#include "runguard/policy.h"
#include "runguard/toml.h"
#include "runguard/util.h"

#define CRI "plugins.\"io.containerd.grpc.v1.cri\""
#define CRI_CONTAINERD CRI ".containerd"
#define RUNTIMES CRI ".containerd.runtimes"
#define RUNC_V2 "io.containerd.runc.v2"
#define MAX_FILES 32
/* The comments configure writes above what it adds; --remove looks for them. */
#define HANDLER_MARK "# runguard: runc under runguard's policy (runguard configure)"
#define RUNC_MARK                                                                                  \
	"# containerd's built-in default handler, kept: setting any runtime replaces the "         \
	"built-in list"

struct cfile {
	char *path;
	char *text;
	size_t len;
	bool exists;
	struct rg_toml *doc;
};

struct kv {
	char *key;
	char *value; /* raw TOML value text */
};

struct kvs {
	struct kv *v;
	size_t n;
};

struct ctd {
	const struct rg_configure_opts *o;
	struct rg_configure_plan *plan;
	char *main_path;
	char *dropin;
	struct cfile files[MAX_FILES]; /* containerd's load order: config.toml first */
	size_t n;
};

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

static void ctd_free(struct ctd *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->files[i].path);
		free(c->files[i].text);
		rg_toml_free(c->files[i].doc);
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

static int load_file(const char *path, struct cfile *f, struct rg_error **err)
{
	*f = (struct cfile){.path = rg_xstrdup(path)};
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
static char *import_path(const struct ctd *c, const struct cfile *f, const char *entry)
{
	if (entry[0] == '/')
		return rg_configure_host_path(c->o, entry);
	_cleanup_free_ char *dir = dir_of(f->path);
	return rg_xasprintf("%s/%s", dir, entry);
}

static bool seen(const struct ctd *c, const char *path)
{
	for (size_t i = 0; i < c->n; i++)
		if (rg_streq(c->files[i].path, path))
			return true;
	return false;
}

/*
 * A file's `imports` (*ret_it NULL and an empty list when it has none).
 * *ret is NULL-terminated; free it with rg_toml_strv_free.
 */
static int get_imports(const struct cfile *f, const struct rg_toml_item **ret_it, char ***ret,
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

/*
 * Appends the files a file imports, as containerd 1.x resolves them: each
 * entry relative to the importing file's directory, globs expanded in
 * lexical order.
 */
static int queue_imports(struct ctd *c, const struct cfile *f, struct rg_error **err)
{
	const struct rg_toml_item *it;
	char **list;
	size_t n;
	int r = get_imports(f, &it, &list, &n, err);

	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *p = import_path(c, f, list[i]);
		glob_t g = {0};
		if (!has_glob(p)) {
			if (!seen(c, p) && c->n < MAX_FILES)
				r = load_file(p, &c->files[c->n++], err);
			continue;
		}
		if (glob(p, 0, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc && r == 0; k++)
				if (!seen(c, g.gl_pathv[k]) && c->n < MAX_FILES)
					r = load_file(g.gl_pathv[k], &c->files[c->n++], err);
		}
		globfree(&g);
	}
	rg_toml_strv_free(list);
	return r;
}

static int load_all(struct ctd *c, struct rg_error **err)
{
	int r = load_file(c->main_path, &c->files[c->n++], err);
	for (size_t i = 0; r == 0 && i < c->n; i++)
		if (c->files[i].exists)
			r = queue_imports(c, &c->files[i], err);
	if (r == 0 && c->n >= MAX_FILES)
		return rg_error_set(err, E2BIG, "%s: more than %d files imported", c->main_path,
				    MAX_FILES);
	return r;
}

/* containerd 1.6 reads a file without `version` as version 1, whose plugin names differ. */
static int check_version(const struct cfile *m, bool *ret_add, struct rg_error **err)
{
	const struct rg_toml_item *it = rg_toml_get(m->doc, "", "version");
	*ret_add = false;
	if (!it) {
		const struct rg_toml_item *p = rg_toml_first_under(m->doc, "plugins");
		if (!p) {
			*ret_add = true;
			return 0;
		}
		return rg_error_set(
		    err, EINVAL,
		    "%s:%u: no `version = 2`: containerd reads this file as a "
		    "version 1 configuration, whose plugin names differ; migrate it "
		    "to version 2 first",
		    m->path, p->line);
	}
	_cleanup_free_ char *v = rg_toml_raw(m->doc, it);
	if (rg_streq(v, "2"))
		return 0;
	if (rg_streq(v, "3"))
		return rg_error_set(
		    err, ENOTSUP,
		    "%s:%u: version 3 (containerd 2.x) is not supported by runguard "
		    "configure; add the handler by hand (io.containerd.cri.v1.runtime)",
		    m->path, it->line);
	return rg_error_set(err, EINVAL, "%s:%u: version %s: only version 2 is supported", m->path,
			    it->line, v);
}

/* The value of a string key, or NULL (not set, or not a string). Caller frees. */
static char *get_string(const struct cfile *f, const char *table, const char *key)
{
	const struct rg_toml_item *it = rg_toml_get(f->doc, table, key);
	char *s = NULL;
	if (it && rg_toml_decode_string(f->text + it->value_start, it->value_end - it->value_start,
					&s) < 0)
		s = NULL;
	return s;
}

/*
 * Refuses layouts the text editor cannot extend safely: keys below `table`
 * written as dotted keys or an inline table in a parent table.
 */
static int check_editable(const struct cfile *f, const char *table, struct rg_error **err)
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
static int collect_table(const struct cfile *f, const char *table, struct kvs *out,
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
 * it is a runc shim v2 handler other than runguard, else "runc". Returns
 * its normalised table path.
 */
static char *source_table(const struct cfile *t, const char *handler)
{
	_cleanup_free_ char *def = get_string(t, CRI_CONTAINERD, "default_runtime_name");
	const char *names[] = {def, "runc"};

	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		if (!names[i] || rg_streq(names[i], RG_CONFIGURE_NAME))
			continue;
		char *table = rg_toml_join(RUNTIMES, names[i]);
		_cleanup_free_ char *type = get_string(t, table, "runtime_type");
		if (!rg_streq(table, handler) && (!type || rg_streq(type, RUNC_V2)))
			return table;
		free(table);
	}
	return rg_toml_join(RUNTIMES, "runc");
}

static void put_kvs(struct rg_buf *b, const struct kvs *k, size_t indent)
{
	for (size_t i = 0; i < k->n; i++)
		rg_buf_printf(b, "%*s%s = %s\n", (int)indent, "", k->v[i].key, k->v[i].value);
}

/* Indentation of new keys in a table: that of its first key, else the header's plus 2. */
static size_t key_indent(const struct cfile *f, const struct rg_toml_item *header)
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
static size_t append_pos(const struct cfile *f, struct rg_toml_edits *ed)
{
	if (f->len && f->text[f->len - 1] != '\n')
		rg_toml_edit(ed, f->len, f->len, "\n");
	return f->len;
}

/*
 * Where a new handler goes: after the sections of the copied runtime, else
 * after the last runtime, else at the end.
 */
static size_t handler_pos(const struct cfile *t, const char *src, struct rg_toml_edits *ed,
			  size_t *ret_indent)
{
	const struct rg_toml_item *last = NULL, *last_rt = NULL;

	for (size_t i = 0; i < t->doc->n; i++) {
		const struct rg_toml_item *it = &t->doc->items[i];
		if (it->kind != RG_TOML_TABLE)
			continue;
		if (rg_toml_is_under(it->path, src))
			last = it;
		if (rg_toml_is_under(it->path, RUNTIMES))
			last_rt = it;
	}
	const struct rg_toml_item *src_header = rg_toml_header(t->doc, src);
	*ret_indent = src_header ? src_header->indent : 0;
	if (last)
		return rg_toml_section_end(t->doc, last);
	if (last_rt)
		return rg_toml_section_end(t->doc, last_rt);
	return append_pos(t, ed);
}

/* Makes an existing handler's key match: adds missing keys, fixes the ones runguard owns. */
static void ensure_keys(struct ctd *c, const struct cfile *t, const struct rg_toml_item *header,
			const struct kvs *want, const char *const *owned, struct rg_toml_edits *ed)
{
	size_t pos = rg_toml_section_end(t->doc, header), indent = key_indent(t, header);

	for (size_t i = 0; i < want->n; i++) {
		const struct kv *k = &want->v[i];
		const struct rg_toml_item *it = rg_toml_get(t->doc, header->path, k->key);
		if (!it) {
			_cleanup_free_ char *line =
			    rg_xasprintf("%*s%s = %s\n", (int)indent, "", k->key, k->value);
			rg_toml_edit(ed, pos, pos, line);
			continue;
		}
		_cleanup_free_ char *have = rg_toml_raw(t->doc, it);
		if (rg_streq(have, k->value))
			continue;
		bool is_owned = false;
		for (size_t j = 0; owned[j]; j++)
			is_owned = is_owned || rg_streq(owned[j], k->key);
		if (is_owned)
			rg_toml_edit(ed, it->value_start, it->value_end, k->value);
		else
			rg_configure_note(c->plan,
					  "%s:%u: %s differs from the runc handler (runc: %s, "
					  "runguard: %s); left as it is",
					  t->path, it->line, k->key, k->value, have);
	}
}

/* Adds the handler to t, or completes an existing one. */
static int edit_handler(struct ctd *c, const struct cfile *t, const char *src, struct kvs *keys,
			const struct kvs *opts, struct rg_toml_edits *ed, struct rg_error **err)
{
	_cleanup_free_ char *h = rg_toml_join(RUNTIMES, RG_CONFIGURE_NAME);
	_cleanup_free_ char *ho = rg_xasprintf("%s.options", h);
	const struct rg_toml_item *hh = rg_toml_header(t->doc, h);

	if (hh) {
		/* The handler's own annotations, not runc's, plus ours. */
		const struct rg_toml_item *pa = rg_toml_get(t->doc, h, "pod_annotations");
		if (pa) {
			_cleanup_free_ char *raw = rg_toml_raw(t->doc, pa);
			_cleanup_free_ char *mine = with_annotation(raw);
			kvs_set(keys, "pod_annotations", mine);
		}
		_cleanup_free_ char *have = get_string(t, h, "runtime_type");
		if (have && !rg_streq(have, RUNC_V2))
			return rg_error_set(
			    err, ENOTSUP,
			    "%s:%u: the handler %s has runtime_type \"%s\"; runguard "
			    "configure only manages %s handlers",
			    t->path, hh->line, RG_CONFIGURE_NAME, have, RUNC_V2);
		static const char *const owned_keys[] = {"runtime_type", "pod_annotations", NULL};
		static const char *const owned_opts[] = {"BinaryName", NULL};
		ensure_keys(c, t, hh, keys, owned_keys, ed);
		const struct rg_toml_item *hoh = rg_toml_header(t->doc, ho);
		if (hoh) {
			ensure_keys(c, t, hoh, opts, owned_opts, ed);
			return 0;
		}
		struct rg_buf b = {0};
		size_t pos = rg_toml_section_end(t->doc, hh);
		rg_buf_printf(&b, "%*s[%s]\n", (int)hh->indent + 2, "", ho);
		put_kvs(&b, opts, hh->indent + 4);
		_cleanup_free_ char *block = rg_buf_steal(&b);
		rg_toml_edit(ed, pos, pos, block);
		return 0;
	}
	/* Only [H.options] (or another sub-table) exists: [H] goes just before it. */
	const struct rg_toml_item *sub = rg_toml_first_under(t->doc, h);
	if (sub && sub->kind == RG_TOML_TABLE) {
		size_t in = sub->indent >= 2 ? sub->indent - 2 : 0;
		struct rg_buf b = {0};
		rg_buf_printf(&b, "%*s[%s]\n", (int)in, "", h);
		put_kvs(&b, keys, in + 2);
		_cleanup_free_ char *block = rg_buf_steal(&b);
		rg_toml_edit(ed, sub->start, sub->start, block);
		static const char *const owned[] = {"BinaryName", NULL};
		const struct rg_toml_item *hoh = rg_toml_header(t->doc, ho);
		if (hoh) {
			ensure_keys(c, t, hoh, opts, owned, ed);
			return 0;
		}
		struct rg_buf o = {0};
		rg_buf_printf(&o, "%*s[%s]\n", (int)in + 2, "", ho);
		put_kvs(&o, opts, in + 4);
		_cleanup_free_ char *oblock = rg_buf_steal(&o);
		rg_toml_edit(ed, sub->start, sub->start, oblock);
		return 0;
	}
	size_t indent;
	size_t pos = handler_pos(t, src, ed, &indent);
	struct rg_buf b = {0};
	_cleanup_free_ char *runc = rg_toml_join(RUNTIMES, "runc");
	_cleanup_free_ char *def = get_string(t, CRI_CONTAINERD, "default_runtime_name");
	if ((!def || rg_streq(def, "runc")) && !rg_toml_first_under(t->doc, runc)) {
		/* Setting any runtime replaces containerd's built-in list: keep the
		 * built-in runc handler, or default_runtime_name "runc" would name
		 * nothing and the CRI plugin would not load. */
		rg_buf_printf(&b, "\n%*s" RUNC_MARK "\n", (int)indent, "");
		rg_buf_printf(&b, "%*s[%s]\n%*sruntime_type = \"%s\"\n", (int)indent, "", runc,
			      (int)indent + 2, "", RUNC_V2);
	}
	rg_buf_printf(&b, "\n%*s" HANDLER_MARK "\n", (int)indent, "");
	rg_buf_printf(&b, "%*s[%s]\n", (int)indent, "", h);
	put_kvs(&b, keys, indent + 2);
	rg_buf_printf(&b, "%*s[%s]\n", (int)indent + 2, "", ho);
	put_kvs(&b, opts, indent + 4);
	_cleanup_free_ char *block = rg_buf_steal(&b);
	rg_toml_edit(ed, pos, pos, block);
	return 0;
}

/*
 * The handler: the copied runtime's keys (runtime_type first, added when
 * missing; pod_annotations with run.runguard.profile) and options
 * (BinaryName = runguard).
 */
static int plan_handler(struct ctd *c, const struct cfile *t, struct rg_toml_edits *ed,
			struct rg_error **err)
{
	_cleanup_free_ char *h = rg_toml_join(RUNTIMES, RG_CONFIGURE_NAME);
	_cleanup_free_ char *src = source_table(t, h);
	_cleanup_free_ char *src_opts = rg_xasprintf("%s.options", src);
	_cleanup_free_ char *bin = rg_toml_quote(c->o->binary);
	_cleanup_free_ char *type = rg_toml_quote(RUNC_V2);
	struct kvs keys = {0}, raw = {0}, opts = {0};
	int r = check_editable(t, h, err);

	if (r == 0)
		r = collect_table(t, src, &raw, err);
	if (r == 0)
		r = collect_table(t, src_opts, &opts, err);
	if (r == 0) {
		kvs_set(&keys, "runtime_type",
			kvs_get(&raw, "runtime_type") ? kvs_get(&raw, "runtime_type") : type);
		for (size_t i = 0; i < raw.n; i++)
			kvs_set(&keys, raw.v[i].key, raw.v[i].value);
		char *ann = with_annotation(kvs_get(&keys, "pod_annotations"));
		kvs_set(&keys, "pod_annotations", ann);
		free(ann);
		kvs_set(&opts, "BinaryName", bin);
		r = edit_handler(c, t, src, &keys, &opts, ed, err);
	}
	kvs_free(&keys);
	kvs_free(&raw);
	kvs_free(&opts);
	return r;
}

/* --default: default_runtime_name = "runguard" in the CRI plugin's containerd table. */
static int plan_default(const struct cfile *t, struct rg_toml_edits *ed, struct rg_error **err)
{
	_cleanup_free_ char *name = rg_toml_quote(RG_CONFIGURE_NAME);
	const struct rg_toml_item *it = rg_toml_get(t->doc, CRI_CONTAINERD, "default_runtime_name");

	if (it) {
		_cleanup_free_ char *have = get_string(t, CRI_CONTAINERD, "default_runtime_name");
		if (!have || !rg_streq(have, RG_CONFIGURE_NAME))
			rg_toml_edit(ed, it->value_start, it->value_end, name);
		return 0;
	}
	int r = check_editable(t, CRI_CONTAINERD, err);
	if (r < 0)
		return r;
	const struct rg_toml_item *ch = rg_toml_header(t->doc, CRI_CONTAINERD);
	_cleanup_free_ char *text = NULL;
	size_t pos;
	if (ch) {
		pos = rg_toml_section_end(t->doc, ch);
		text = rg_xasprintf("%*sdefault_runtime_name = %s\n", (int)key_indent(t, ch), "",
				    name);
	} else {
		pos = append_pos(t, ed);
		text = rg_xasprintf("\n[%s]\n  default_runtime_name = %s\n", CRI_CONTAINERD, name);
	}
	rg_toml_edit(ed, pos, pos, text);
	return 0;
}

/* True when an `imports` entry of the main file names (or globs) the drop-in. */
static bool imports_cover(const struct ctd *c, const struct cfile *m, char **list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = import_path(c, m, list[i]);
		if (rg_streq(p, c->dropin) ||
		    (has_glob(p) && fnmatch(p, c->dropin, FNM_PATHNAME) == 0))
			return true;
	}
	return false;
}

/* config.toml imports the drop-in (and says `version = 2` when it must). */
static int plan_import(struct ctd *c, const struct cfile *m, bool add_version,
		       struct rg_toml_edits *ed, struct rg_error **err)
{
	const struct rg_toml_item *it;
	char **list;
	size_t n;

	if (get_imports(m, &it, &list, &n, err) < 0)
		return -EINVAL;
	if (it) {
		if (!imports_cover(c, m, list, n)) {
			list = rg_xrealloc(list, (n + 2) * sizeof(char *));
			list[n++] = rg_xstrdup(rg_configure_node_path(c->o, c->dropin));
			list[n] = NULL;
			_cleanup_free_ char *v = rg_toml_quote_array(list, n);
			rg_toml_edit(ed, it->value_start, it->value_end, v);
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
			pos = append_pos(m, ed);
	}
	_cleanup_free_ char *q = rg_toml_quote(rg_configure_node_path(c->o, c->dropin));
	_cleanup_free_ char *line =
	    rg_xasprintf("%simports = [%s]\n", add_version ? "version = 2\n" : "", q);
	rg_toml_edit(ed, pos, pos, line);
	return 0;
}

/* Applies edits to a file and records the result in the plan if it changed. */
static void finish_file(struct ctd *c, const struct cfile *f, struct rg_toml_edits *ed)
{
	size_t len;
	_cleanup_free_ char *after = rg_toml_edits_apply(f->text, f->len, ed, &len);
	if (!f->exists || len != f->len || memcmp(after, f->text, len) != 0)
		rg_configure_add_file(c->plan, f->path, f->exists ? f->text : NULL, f->len, after,
				      len, 0644);
}

/* The drop-in as a new file: a header, then whatever plan_handler adds. */
static int new_dropin(struct ctd *c, struct cfile *f, struct rg_error **err)
{
	free(f->text);
	rg_toml_free(f->doc);
	f->doc = NULL;
	f->text = rg_xasprintf("# A containerd runtime handler that runs runguard: runc under "
			       "runguard's policy.\n# Written by `runguard configure "
			       "containerd`; imported from %s.\nversion = 2\n",
			       rg_configure_node_path(c->o, c->main_path));
	f->len = strlen(f->text);
	return rg_toml_parse(f->path, f->text, f->len, &f->doc, err);
}

/* ---- --remove ---- */

/* Where items[i] starts, with the marker comment and the blank line configure wrote above it. */
static size_t mark_start(const struct cfile *t, size_t i, const char *mark)
{
	const struct rg_toml_item *it = t->doc->items;
	if (i < 1 || it[i - 1].kind != RG_TOML_OTHER)
		return it[i].start;
	const char *line = t->text + it[i - 1].start + it[i - 1].indent;
	size_t n = it[i - 1].end - it[i - 1].start - it[i - 1].indent;
	if (n != strlen(mark) + 1 || strncmp(line, mark, n - 1) != 0)
		return it[i].start;
	if (i >= 2 && it[i - 2].kind == RG_TOML_OTHER && it[i - 2].end - it[i - 2].start == 1)
		return it[i - 2].start;
	return it[i - 1].start;
}

/* Removes the [table] sections at and under `table`, and the marker above its own header. */
static void remove_tables(const struct cfile *t, const char *table, const char *mark,
			  struct rg_toml_edits *ed)
{
	for (size_t i = 0; i < t->doc->n; i++) {
		const struct rg_toml_item *it = &t->doc->items[i];
		if (it->kind != RG_TOML_TABLE || !rg_toml_is_under(it->path, table))
			continue;
		size_t start = rg_streq(it->path, table) ? mark_start(t, i, mark) : it->start;
		rg_toml_edit(ed, start, rg_toml_section_end(t->doc, it), "");
	}
}

/* The number of keys set in exactly this table. */
static size_t count_keys(const struct cfile *t, const char *table)
{
	size_t n = 0;
	for (size_t i = 0; i < t->doc->n; i++)
		n += t->doc->items[i].kind == RG_TOML_KEYVAL &&
		     rg_streq(t->doc->items[i].table, table);
	return n;
}

/*
 * The runc handler configure wrote out (its comment, [runc] with only
 * runtime_type) goes too, unless another runtime than runc and runguard
 * is set: then the list is no longer the built-in one and runc is needed.
 */
static void remove_runc(const struct cfile *t, struct rg_toml_edits *ed)
{
	_cleanup_free_ char *runc = rg_toml_join(RUNTIMES, "runc");
	_cleanup_free_ char *type = get_string(t, runc, "runtime_type");
	const struct rg_toml_item *hr = rg_toml_header(t->doc, runc);

	if (!hr || mark_start(t, (size_t)(hr - t->doc->items), RUNC_MARK) == hr->start ||
	    count_keys(t, runc) != 1 || !type || !rg_streq(type, RUNC_V2))
		return;
	for (size_t i = 0; i < t->doc->n; i++) {
		const struct rg_toml_item *it = &t->doc->items[i];
		_cleanup_free_ char *name =
		    it->path ? rg_toml_child(it->path, RUNTIMES, NULL) : NULL;
		if (!name || rg_streq(name, RG_CONFIGURE_NAME))
			continue;
		if (!rg_streq(name, "runc") ||
		    !rg_streq(it->kind == RG_TOML_TABLE ? it->path : it->table, runc))
			return;
	}
	remove_tables(t, runc, RUNC_MARK, ed);
}

/*
 * default_runtime_name "runguard" goes back to containerd's default, "runc";
 * a [containerd] table holding only that key (as configure appends it) goes.
 */
static void remove_default(const struct cfile *t, struct rg_toml_edits *ed)
{
	_cleanup_free_ char *def = get_string(t, CRI_CONTAINERD, "default_runtime_name");
	const struct rg_toml_item *it = rg_toml_get(t->doc, CRI_CONTAINERD, "default_runtime_name");
	const struct rg_toml_item *ch = rg_toml_header(t->doc, CRI_CONTAINERD);

	if (!def || !rg_streq(def, RG_CONFIGURE_NAME))
		return;
	if (ch && rg_streq(it->table, CRI_CONTAINERD) && count_keys(t, CRI_CONTAINERD) == 1) {
		size_t i = (size_t)(ch - t->doc->items), start = ch->start;
		if (i >= 1 && ch[-1].kind == RG_TOML_OTHER && ch[-1].end - ch[-1].start == 1)
			start = ch[-1].start;
		rg_toml_edit(ed, start, rg_toml_section_end(t->doc, ch), "");
		return;
	}
	rg_toml_edit(ed, it->value_start, it->value_end, "\"runc\"");
}

/* Takes the drop-in's own entry out of config.toml's imports (the line, if it was alone). */
static int remove_import(const struct ctd *c, const struct cfile *m, struct rg_toml_edits *ed,
			 struct rg_error **err)
{
	const struct rg_toml_item *it;
	char **list;
	size_t n, k = 0;

	if (get_imports(m, &it, &list, &n, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = import_path(c, m, list[i]);
		if (rg_streq(p, c->dropin))
			free(list[i]);
		else
			list[k++] = list[i];
	}
	if (list)
		list[k] = NULL;
	if (k == 0 && k < n) {
		rg_toml_edit(ed, it->start, it->end, "");
	} else if (k < n) {
		_cleanup_free_ char *v = rg_toml_quote_array(list, k);
		rg_toml_edit(ed, it->value_start, it->value_end, v);
	}
	rg_toml_strv_free(list);
	return 0;
}

/* --remove, with t the file that sets the CRI plugin (or NULL) and m config.toml. */
static int plan_remove(struct ctd *c, struct cfile *t, struct cfile *m, struct rg_toml_edits *ed,
		       struct rg_toml_edits *med, struct rg_error **err)
{
	_cleanup_free_ char *h = rg_toml_join(RUNTIMES, RG_CONFIGURE_NAME);
	_cleanup_free_ char *ho = rg_xasprintf("%s.options", h);
	const struct rg_toml_item *first = t ? rg_toml_first_under(t->doc, h) : NULL;
	bool is_dropin_gone = !rg_file_exists(c->dropin);
	int r = 0;

	if (first) {
		_cleanup_free_ char *bin = get_string(t, ho, "BinaryName");
		const struct rg_toml_item *bi = rg_toml_get(t->doc, ho, "BinaryName");
		r = check_editable(t, h, err);
		if (r == 0 && (!bin || !rg_streq(bin, c->o->binary))) {
			_cleanup_free_ char *where =
			    rg_xasprintf("%s:%u", t->path, (bi ? bi : first)->line);
			return rg_configure_not_ours(c->o, where, bin, err);
		}
		if (r == 0 && rg_streq(t->path, c->dropin)) {
			rg_configure_add_file(c->plan, t->path, t->text, t->len, NULL, 0, 0);
			is_dropin_gone = true;
		} else if (r == 0) {
			remove_tables(t, h, HANDLER_MARK, ed);
			remove_runc(t, ed);
			remove_default(t, ed);
		}
	}
	if (r == 0 && is_dropin_gone && m->exists)
		r = remove_import(c, m, t == m ? ed : med, err);
	return r;
}

static int plan_all(struct ctd *c, struct rg_error **err)
{
	bool add_version;
	struct cfile *holders[MAX_FILES];
	size_t n_holders = 0;
	struct cfile *m = &c->files[0];
	int r = check_version(m, &add_version, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < c->n; i++)
		if (c->files[i].exists && rg_toml_first_under(c->files[i].doc, CRI))
			holders[n_holders++] = &c->files[i];
	if (n_holders > 1) {
		struct rg_buf b = {0};
		for (size_t i = 0; i < n_holders; i++)
			rg_buf_printf(&b, "%s%s", i ? ", " : "", holders[i]->path);
		_cleanup_free_ char *list = rg_buf_steal(&b);
		return rg_error_set(
		    err, ENOTSUP,
		    "the CRI plugin is configured in several files (%s): containerd "
		    "1.x uses only the last one's section and ignores the others; "
		    "merge them into one file, then run runguard configure again",
		    list);
	}
	struct cfile dropin = {0};
	struct cfile *t = n_holders ? holders[0] : NULL;
	struct rg_toml_edits ed = {0}, med = {0};
	if (c->o->is_remove) {
		r = plan_remove(c, t, m, &ed, &med, err);
		if (r == 0 && t && t != m && !rg_streq(t->path, c->dropin))
			finish_file(c, t, &ed);
		if (r == 0)
			finish_file(c, m, t == m ? &ed : &med);
		rg_toml_edits_free(&ed);
		rg_toml_edits_free(&med);
		return r;
	}
	if (!t) {
		for (size_t i = 0; i < c->n && !t; i++)
			if (rg_streq(c->files[i].path, c->dropin))
				t = &c->files[i];
		if (!t) {
			r = load_file(c->dropin, &dropin, err);
			t = &dropin;
		}
		if (r == 0 && !t->exists)
			r = new_dropin(c, t, err);
		if (r == 0)
			r = plan_import(c, m, add_version, &med, err);
	} else if (t != m && !rg_streq(t->path, c->dropin)) {
		rg_configure_note(c->plan,
				  "the CRI plugin is configured in %s (imported): the handler goes "
				  "there, as containerd 1.x takes the plugin's whole section from "
				  "one file",
				  t->path);
	}
	if (r == 0)
		r = plan_handler(c, t, &ed, err);
	if (r == 0 && c->o->is_default)
		r = plan_default(t, &ed, err);
	if (r == 0) {
		if (t != m)
			finish_file(c, m, &med);
		finish_file(c, t, &ed);
	}
	rg_toml_edits_free(&ed);
	rg_toml_edits_free(&med);
	free(dropin.path);
	free(dropin.text);
	rg_toml_free(dropin.doc);
	return r;
}

int rg_configure_containerd(const struct rg_configure_opts *o, struct rg_configure_plan *p,
			    struct rg_error **err)
{
	struct ctd c = {.o = o, .plan = p};
	_cleanup_free_ char *dir = NULL;

	_cleanup_free_ char *cdir =
	    rg_configure_host_path(o, o->config_dir ? o->config_dir : "/etc/containerd");
	_cleanup_free_ char *file = o->file ? rg_configure_host_path(o, o->file) : NULL;
	c.main_path = file ? abs_path(file) : rg_xasprintf("%s/config.toml", cdir);
	if (c.main_path[0] != '/') {
		char *a = abs_path(c.main_path);
		free(c.main_path);
		c.main_path = a;
	}
	dir = o->config_dir ? abs_path(cdir) : dir_of(c.main_path);
	c.dropin = rg_xasprintf("%s/conf.d/%s.toml", dir, RG_CONFIGURE_NAME);
	p->restart = "restart containerd to load it: systemctl restart containerd";
	int r = load_all(&c, err);
	if (r == 0)
		r = plan_all(&c, err);
	if (r == 0 && !o->is_default && !o->is_remove) {
		_cleanup_free_ char *def = NULL;
		for (size_t i = 0; i < c.n && !def; i++)
			def = get_string(&c.files[i], CRI_CONTAINERD, "default_runtime_name");
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
