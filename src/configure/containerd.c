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
 * --remove undoes it (below): the handler's tables with the comment above
 * them, the runc handler configure wrote out for containerd 1.x (recognised
 * by its comment, and only while no other runtime needs it),
 * default_runtime_name "runguard" (back to containerd's "runc"; the table
 * goes if configure added it for that key alone), the drop-in and the
 * `imports` entry naming it. A handler for another binary is refused.
 *
 * The files, their load order and the values in effect come from the
 * containerd model (containerd_model.h), which doctor reads too.
 */
#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runguard/configure.h"
#include "runguard/containerd_model.h"
#include "runguard/fileio.h"
#include "runguard/hostpath.h"
#include "runguard/policy.h"
#include "runguard/toml.h"
#include "runguard/util.h"

/* The comments configure writes above what it adds; --remove looks for them. */
#define HANDLER_MARK "# runguard: runc under runguard's policy (runguard configure)"
#define RUNC_MARK                                                                                  \
	"# containerd's built-in default handler, kept: setting any runtime replaces the "         \
	"built-in list"

/* One plan: the model the edits go into, and where the drop-in is. */
struct ctd_plan {
	const struct rg_configure_opts *o;
	struct rg_configure_plan *plan;
	char *dropin;
	struct rg_ctd_model m;
};

struct kv {
	char *key;
	char *value; /* raw TOML value text */
};

struct kvs {
	struct kv *v;
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

/*
 * config.toml's version (the model read it; here what configure refuses or
 * adds). containerd 1.6 reads a
 * file without `version` as version 1, whose plugin names differ; one
 * that sets no plugin at all (empty, or absent) gets `version = 2`, which
 * every containerd since 1.3 reads.
 */
static int check_version(struct ctd_plan *c, bool *ret_add, struct rg_error **err)
{
	const struct rg_ctd_file *m = &c->m.files[0];
	const struct rg_toml_item *it = rg_toml_get(m->doc, "", "version");
	int version = rg_containerd_version(m->doc);
	*ret_add = false;
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
	} else if (!rg_containerd_version_is_known(version)) {
		_cleanup_free_ char *v = rg_toml_raw(m->doc, it);
		return rg_error_set(err, EINVAL,
				    "%s:%u: version %s: runguard configure knows versions 2 "
				    "(containerd 1.x), 3 and 4 (containerd 2.x)",
				    m->path, it->line, v);
	}
	return 0;
}

/*
 * Refuses layouts the text editor cannot extend safely: keys below `table`
 * written as dotted keys or an inline table in a parent table.
 */
static int check_editable(const struct rg_ctd_file *f, const char *table, struct rg_error **err)
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
static int collect_effective(const struct ctd_plan *c, const struct rg_ctd_file *t,
			     const char *name, const char *sub, struct kvs *out,
			     struct rg_error **err)
{
	int r = 0;
	for (size_t i = 0; i < c->m.n && r == 0; i++) {
		const struct rg_ctd_file *f = &c->m.files[i];
		_cleanup_free_ char *table = rg_ctd_handler_table(f, name, sub);
		if (rg_ctd_in_effect(&c->m, t, f))
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
static char *source_name(const struct ctd_plan *c, const struct rg_ctd_file *t)
{
	_cleanup_free_ char *def =
	    rg_ctd_effective_string(&c->m, t, NULL, "default_runtime_name", NULL);
	const char *names[] = {def, "runc"};

	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		if (!names[i] || rg_streq(names[i], RG_CONFIGURE_NAME))
			continue;
		_cleanup_free_ char *type =
		    rg_ctd_effective_string(&c->m, t, names[i], "runtime_type", NULL);
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
static void ensure_keys(struct ctd_plan *c, struct rg_ctd_file *t,
			const struct rg_toml_item *header, const struct kvs *want,
			const char *const *owned)
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
static void edit_options(struct ctd_plan *c, struct rg_ctd_file *t, const char *ho,
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
static int complete_handler(struct ctd_plan *c, struct rg_ctd_file *t,
			    const struct rg_toml_item *hh, struct kvs *keys, const struct kvs *opts,
			    struct rg_error **err)
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
static int edit_handler(struct ctd_plan *c, struct rg_ctd_file *t, const char *src,
			struct kvs *keys, const struct kvs *opts, struct rg_error **err)
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
	if (c->m.version < 3 && (!def || rg_streq(def, "runc")) &&
	    !rg_toml_first_under(t->doc, runc)) {
		/* containerd 1.x: setting any runtime replaces the built-in list:
		 * keep the built-in runc handler, or default_runtime_name "runc"
		 * would name nothing and the CRI plugin would not load. */
		rg_buf_printf(&b, "\n%*s" RUNC_MARK "\n", (int)indent, "");
		rg_buf_printf(&b, "%*s[%s]\n%*sruntime_type = \"%s\"\n", (int)indent, "", runc,
			      (int)indent + 2, "", RG_CTD_RUNC_V2);
	}
	rg_buf_printf(&b, "\n%*s" HANDLER_MARK "\n", (int)indent, "");
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
static int plan_handler(struct ctd_plan *c, struct rg_ctd_file *t, struct rg_error **err)
{
	_cleanup_free_ char *h = rg_ctd_handler_table(t, RG_CONFIGURE_NAME, "");
	_cleanup_free_ char *src_name = source_name(c, t);
	_cleanup_free_ char *src = rg_ctd_handler_table(t, src_name, "");
	_cleanup_free_ char *bin = rg_toml_quote(c->o->binary);
	_cleanup_free_ char *type = rg_toml_quote(RG_CTD_RUNC_V2);
	struct kvs keys = {0}, raw = {0}, opts = {0};
	int r = check_editable(t, h, err);

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
	int r = check_editable(f, table, err);
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
static int plan_default(struct ctd_plan *c, struct rg_ctd_file *t, struct rg_error **err)
{
	const struct rg_ctd_file *last = NULL;
	_cleanup_free_ char *def =
	    rg_ctd_effective_string(&c->m, t, NULL, "default_runtime_name", &last);

	if (def && rg_streq(def, RG_CONFIGURE_NAME))
		return 0;
	return default_in(last && last > t ? &c->m.files[last - c->m.files] : t, err);
}

/* True when an `imports` entry of the main file names (or globs) the drop-in. */
static bool imports_cover(const struct ctd_plan *c, const struct rg_ctd_file *m, char **list,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = rg_ctd_import_path(&c->m, m, list[i]);
		if (rg_streq(p, c->dropin) ||
		    (rg_hostpath_has_glob(p) && fnmatch(p, c->dropin, FNM_PATHNAME) == 0))
			return true;
	}
	return false;
}

/* config.toml imports the drop-in (and says `version = 2` when it must). */
static int plan_import(struct ctd_plan *c, struct rg_ctd_file *m, bool add_version,
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
			list[n++] = rg_xstrdup(rg_hostpath_node(c->o->root, c->dropin));
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
	_cleanup_free_ char *q = rg_toml_quote(rg_hostpath_node(c->o->root, c->dropin));
	_cleanup_free_ char *line =
	    rg_xasprintf("%simports = [%s]\n", add_version ? "version = 2\n" : "", q);
	rg_toml_edit(&m->ed, pos, pos, line);
	return 0;
}

/* Applies a file's edits, if any, and records the result in the plan if it changes. */
static void finish_file(struct ctd_plan *c, struct rg_ctd_file *f)
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
static size_t dropin_index(const struct ctd_plan *c)
{
	const struct rg_toml_item *it;
	char **list;
	size_t n, k, at = 1;

	if (rg_ctd_get_imports(&c->m.files[0], &it, &list, &n, NULL) < 0)
		n = 0;
	for (k = 0; k < n; k++) {
		_cleanup_free_ char *p = rg_ctd_import_path(&c->m, &c->m.files[0], list[k]);
		if (rg_hostpath_has_glob(p) && fnmatch(p, c->dropin, FNM_PATHNAME) == 0)
			break;
	}
	for (size_t i = 1; i < c->m.n; i++) {
		const struct rg_ctd_file *f = &c->m.files[i];
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
static int load_dropin(struct ctd_plan *c, struct rg_ctd_file **ret, struct rg_error **err)
{
	*ret = rg_ctd_find(&c->m, c->dropin);
	if (*ret)
		return 0;
	if (c->m.n == RG_CTD_MAX_FILES)
		return rg_error_set(err, E2BIG, "%s: more than %d files imported", c->m.main_path,
				    RG_CTD_MAX_FILES - 1);
	size_t at = dropin_index(c);
	memmove(&c->m.files[at + 1], &c->m.files[at], (c->m.n++ - at) * sizeof(*c->m.files));
	struct rg_ctd_file *f = &c->m.files[at];
	int r = rg_ctd_load_file(&c->m, c->dropin, f, err);
	*ret = f;
	if (r < 0 || f->exists)
		goto done;
	free(f->text);
	rg_toml_free(f->doc);
	f->doc = NULL;
	f->text = rg_xasprintf("# A containerd runtime handler that runs runguard: runc under "
			       "runguard's policy.\n# Written by `runguard configure "
			       "containerd`; imported from %s.\nversion = %d\n",
			       rg_hostpath_node(c->o->root, c->m.main_path), c->m.version);
	f->len = strlen(f->text);
	r = rg_toml_parse(f->path, f->text, f->len, &f->doc, err);
done:
	if (r == 0)
		f->lay = rg_containerd_layout(f->doc, c->m.version);
	return r;
}

/*
 * The file the handler goes into, if one already holds it: with containerd
 * 1.x, the one file that sets the CRI plugin (several: refused, as
 * containerd uses only the last one's section); with 2.x, the one file that
 * sets the handler (several: refused, as they are merged key by key and
 * configure edits one). NULL: none.
 */
static int find_target(struct ctd_plan *c, struct rg_ctd_file **ret, struct rg_error **err)
{
	struct rg_buf b = {0};
	size_t n = 0;

	*ret = NULL;
	for (size_t i = 0; i < c->m.n; i++) {
		struct rg_ctd_file *f = &c->m.files[i];
		_cleanup_free_ char *what = c->m.version >= 3
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
	if (c->m.version >= 3)
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

/* ---- --remove: takes out what configure added ---- */

/* Where items[i] starts, with the blank line above it (configure writes one before a block). */
static size_t blank_start(const struct rg_ctd_file *t, size_t i)
{
	const struct rg_toml_item *it = t->doc->items;
	if (i >= 1 && it[i - 1].kind == RG_TOML_OTHER && it[i - 1].end - it[i - 1].start == 1)
		return it[i - 1].start;
	return it[i].start;
}

/* Where items[i] starts, with the marker comment and the blank line configure wrote above it. */
static size_t mark_start(const struct rg_ctd_file *t, size_t i, const char *mark)
{
	const struct rg_toml_item *it = t->doc->items;
	if (i < 1 || it[i - 1].kind != RG_TOML_OTHER)
		return it[i].start;
	const char *line = t->text + it[i - 1].start + it[i - 1].indent;
	size_t n = it[i - 1].end - it[i - 1].start - it[i - 1].indent;
	if (n != strlen(mark) + 1 || strncmp(line, mark, n - 1) != 0)
		return it[i].start;
	return blank_start(t, i - 1);
}

/* Removes the [table] sections at and under `table`, and the marker above its own header. */
static void remove_tables(struct rg_ctd_file *t, const char *table, const char *mark)
{
	for (size_t i = 0; i < t->doc->n; i++) {
		const struct rg_toml_item *it = &t->doc->items[i];
		if (it->kind != RG_TOML_TABLE || !rg_toml_is_under(it->path, table))
			continue;
		size_t start = rg_streq(it->path, table) ? mark_start(t, i, mark) : it->start;
		rg_toml_edit(&t->ed, start, rg_toml_section_end(t->doc, it), "");
	}
}

/* The number of keys set in exactly this table. */
static size_t count_keys(const struct rg_ctd_file *t, const char *table)
{
	size_t n = 0;
	for (size_t i = 0; i < t->doc->n; i++)
		n += t->doc->items[i].kind == RG_TOML_KEYVAL &&
		     rg_streq(t->doc->items[i].table, table);
	return n;
}

/*
 * The runc handler configure wrote out for containerd 1.x (its comment,
 * [runc] with only runtime_type) goes too, unless another runtime than runc
 * and runguard is set: then the list is no longer the built-in one and runc
 * is needed.
 */
static void remove_runc(struct rg_ctd_file *t)
{
	_cleanup_free_ char *runc = rg_ctd_handler_table(t, "runc", "");
	_cleanup_free_ char *type = rg_ctd_get_string(t, runc, "runtime_type", NULL);
	const struct rg_toml_item *hr = rg_toml_header(t->doc, runc);

	if (!hr || mark_start(t, (size_t)(hr - t->doc->items), RUNC_MARK) == hr->start ||
	    count_keys(t, runc) != 1 || !type || !rg_streq(type, RG_CTD_RUNC_V2))
		return;
	for (size_t i = 0; i < t->doc->n; i++) {
		const struct rg_toml_item *it = &t->doc->items[i];
		_cleanup_free_ char *name =
		    it->path ? rg_toml_child(it->path, t->lay->runtimes, NULL) : NULL;
		if (!name || rg_streq(name, RG_CONFIGURE_NAME))
			continue;
		if (!rg_streq(name, "runc") ||
		    !rg_streq(it->kind == RG_TOML_TABLE ? it->path : it->table, runc))
			return;
	}
	remove_tables(t, runc, RUNC_MARK);
}

/*
 * default_runtime_name "runguard" goes back to containerd's default, "runc";
 * in the file that holds the handler, a [containerd] table holding only that
 * key (as configure appends it) goes.
 */
static void remove_default(struct rg_ctd_file *t, bool is_handlers_file)
{
	const char *table = t->lay->containerd;
	const struct rg_toml_item *it;
	_cleanup_free_ char *def = rg_ctd_get_string(t, table, "default_runtime_name", &it);
	const struct rg_toml_item *ch = rg_toml_header(t->doc, table);

	if (!def || !rg_streq(def, RG_CONFIGURE_NAME))
		return;
	if (is_handlers_file && ch && rg_streq(it->table, table) && count_keys(t, table) == 1) {
		rg_toml_edit(&t->ed, blank_start(t, (size_t)(ch - t->doc->items)),
			     rg_toml_section_end(t->doc, ch), "");
		return;
	}
	rg_toml_edit(&t->ed, it->value_start, it->value_end, "\"runc\"");
}

/* Takes the drop-in's own entry out of config.toml's imports (the line, if it was alone). */
static int remove_import(const struct ctd_plan *c, struct rg_ctd_file *m, struct rg_error **err)
{
	const struct rg_toml_item *it;
	char **list;
	size_t n, k = 0;

	if (rg_ctd_get_imports(m, &it, &list, &n, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = rg_ctd_import_path(&c->m, m, list[i]);
		if (rg_streq(p, c->dropin))
			free(list[i]);
		else
			list[k++] = list[i];
	}
	if (list)
		list[k] = NULL;
	if (k == 0 && k < n) {
		rg_toml_edit(&m->ed, it->start, it->end, "");
	} else if (k < n) {
		_cleanup_free_ char *v = rg_toml_quote_array(list, k);
		rg_toml_edit(&m->ed, it->value_start, it->value_end, v);
	}
	rg_toml_strv_free(list);
	return 0;
}

/*
 * --remove: edits (t->ed, m->ed) or deletes (in the plan) what configure
 * added. t is the file that sets the handler (containerd 2.x) or the CRI
 * plugin (1.x), or NULL; m is config.toml. A handler that runs another
 * binary is refused (-EPERM). With containerd 2.x, a default_runtime_name
 * "runguard" goes from every file: it would name nothing.
 */
static int plan_remove(struct ctd_plan *c, struct rg_ctd_file *t, struct rg_ctd_file *m,
		       struct rg_error **err)
{
	_cleanup_free_ char *h = t ? rg_ctd_handler_table(t, RG_CONFIGURE_NAME, "") : NULL;
	_cleanup_free_ char *ho = t ? rg_ctd_handler_table(t, RG_CONFIGURE_NAME, ".options") : NULL;
	const struct rg_toml_item *first = t ? rg_toml_first_under(t->doc, h) : NULL;
	bool is_dropin_gone = !rg_hostpath_exists(c->m.root, c->dropin);

	if (first) {
		const struct rg_toml_item *bi;
		_cleanup_free_ char *bin = rg_ctd_get_string(t, ho, "BinaryName", &bi);
		int r = check_editable(t, h, err);
		if (r < 0)
			return r;
		if (!bin || !rg_streq(bin, c->o->binary)) {
			_cleanup_free_ char *where =
			    rg_xasprintf("%s:%u", t->path, (bi ? bi : first)->line);
			return rg_configure_not_ours(c->o, where, bin, err);
		}
		if (rg_streq(t->path, c->dropin)) {
			rg_configure_add_file(c->plan, t->path, t->text, t->len, NULL, 0, 0);
			is_dropin_gone = true;
		} else {
			remove_tables(t, h, HANDLER_MARK);
			remove_runc(t);
			remove_default(t, true);
		}
		for (size_t i = 0; c->m.version >= 3 && i < c->m.n; i++)
			if (&c->m.files[i] != t && c->m.files[i].exists)
				remove_default(&c->m.files[i], false);
	}
	if (is_dropin_gone && m->exists)
		return remove_import(c, m, err);
	return 0;
}

/* ---- adding ---- */

/* Adds the handler (to t, else to the drop-in imported by m) and, with --default, the default. */
static int plan_add(struct ctd_plan *c, struct rg_ctd_file *t, struct rg_ctd_file *m,
		    bool add_version, struct rg_error **err)
{
	int r = 0;

	if (!t) {
		r = load_dropin(c, &t, err);
		if (r == 0)
			r = plan_import(c, m, add_version, err);
	} else if (c->m.version < 3 && t != m && !rg_streq(t->path, c->dropin)) {
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

static int plan_all(struct ctd_plan *c, struct rg_error **err)
{
	bool add_version;
	struct rg_ctd_file *m = &c->m.files[0], *t = NULL;
	int r = check_version(c, &add_version, err);

	if (r == 0)
		r = find_target(c, &t, err);
	if (r < 0)
		return r;
	if (c->o->is_remove)
		r = plan_remove(c, t, m, err);
	else
		r = plan_add(c, t, m, add_version, err);
	/* What is added goes in load order; what is removed, the other way round. */
	for (size_t i = 0; r == 0 && i < c->m.n; i++)
		finish_file(c, &c->m.files[c->o->is_remove ? c->m.n - 1 - i : i]);
	return r;
}

int rg_configure_containerd(const struct rg_configure_opts *o, struct rg_configure_plan *p,
			    struct rg_error **err)
{
	struct ctd_plan c = {.o = o, .plan = p};
	_cleanup_free_ char *cdir =
	    rg_hostpath_join(o->root, o->config_dir ? o->config_dir : "/etc/containerd");
	_cleanup_free_ char *file =
	    o->file ? rg_hostpath_join(o->root, o->file) : rg_xasprintf("%s/config.toml", cdir);
	_cleanup_free_ char *main_path = abs_path(file);
	_cleanup_free_ char *dir = o->config_dir ? abs_path(cdir) : dir_of(main_path);

	c.dropin = rg_xasprintf("%s/conf.d/%s.toml", dir, RG_CONFIGURE_NAME);
	p->restart = "restart containerd to load it: systemctl restart containerd";
	int r = rg_ctd_load(&c.m, o->root, main_path, err);
	if (r == 0)
		r = plan_all(&c, err);
	if (r == 0 && !o->is_default && !o->is_remove) {
		_cleanup_free_ char *def =
		    rg_ctd_effective_string(&c.m, NULL, NULL, "default_runtime_name", NULL);
		if (!def || !rg_streq(def, RG_CONFIGURE_NAME))
			rg_configure_note(p,
					  "pods run through runguard when they name the handler "
					  "(RuntimeClass with handler: runguard, "
					  "contrib/kubernetes/runtimeclass.yaml); --default makes "
					  "it containerd's default");
	}
	rg_ctd_free(&c.m);
	free(c.dropin);
	return r;
}
