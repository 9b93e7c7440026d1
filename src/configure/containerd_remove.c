/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `runguard configure --remove containerd`: takes out what configure added
 * (see src/configure/containerd.c): the handler's tables with the comment
 * above them, the runc handler configure wrote out for containerd 1.x
 * (recognised by its comment, and only while no other runtime needs it),
 * default_runtime_name "runguard" (back to containerd's "runc"; the table
 * goes if configure added it for that key alone), the drop-in and the
 * `imports` entry naming it. A handler for another binary is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/configure.h"
#include "runguard/configure_containerd.h"
#include "runguard/fileio.h"
#include "runguard/toml.h"
#include "runguard/util.h"

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

	if (!hr || mark_start(t, (size_t)(hr - t->doc->items), RG_CTD_RUNC_MARK) == hr->start ||
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
	remove_tables(t, runc, RG_CTD_RUNC_MARK);
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
static int remove_import(const struct rg_ctd *c, struct rg_ctd_file *m, struct rg_error **err)
{
	const struct rg_toml_item *it;
	char **list;
	size_t n, k = 0;

	if (rg_ctd_get_imports(m, &it, &list, &n, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = rg_ctd_import_path(c, m, list[i]);
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

/* With containerd 2.x, a default_runtime_name "runguard" goes from every file: it would name
 * nothing. */
int rg_ctd_plan_remove(struct rg_ctd *c, struct rg_ctd_file *t, struct rg_ctd_file *m,
		       struct rg_error **err)
{
	_cleanup_free_ char *h = t ? rg_ctd_handler_table(t, RG_CONFIGURE_NAME, "") : NULL;
	_cleanup_free_ char *ho = t ? rg_ctd_handler_table(t, RG_CONFIGURE_NAME, ".options") : NULL;
	const struct rg_toml_item *first = t ? rg_toml_first_under(t->doc, h) : NULL;
	bool is_dropin_gone = !rg_file_exists(c->dropin);

	if (first) {
		const struct rg_toml_item *bi;
		_cleanup_free_ char *bin = rg_ctd_get_string(t, ho, "BinaryName", &bi);
		int r = rg_ctd_check_editable(t, h, err);
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
			remove_tables(t, h, RG_CTD_HANDLER_MARK);
			remove_runc(t);
			remove_default(t, true);
		}
		for (size_t i = 0; c->version >= 3 && i < c->n; i++)
			if (&c->files[i] != t && c->files[i].exists)
				remove_default(&c->files[i], false);
	}
	if (is_dropin_gone && m->exists)
		return remove_import(c, m, err);
	return 0;
}
