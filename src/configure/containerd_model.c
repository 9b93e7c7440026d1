/* SPDX-License-Identifier: Apache-2.0 */
/*
 * containerd's configuration, read as containerd reads it (see
 * containerd_model.h): the files and their load order, the configuration
 * versions and their layouts, and the values in effect. Shared by
 * `runguard configure containerd` (src/configure/containerd.c) and
 * `runguard doctor` (src/doctor/engines.c).
 *
 * Version 2 (containerd 1.x) merges imports plugin by plugin: a file that
 * sets anything under the CRI plugin replaces that plugin's *whole* section
 * from the files before it (containerd issue 5837). Versions 3 and 4
 * (containerd 2.x) merge them key by key, tables into tables, a later
 * file's value winning (containerd pull request 9982, in 2.0).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/containerd_model.h"
#include "runguard/hostpath.h"
#include "runguard/toml.h"
#include "runguard/util.h"

#define CRI_V2 "plugins.\"io.containerd.grpc.v1.cri\""
#define CRI_V3 "plugins.\"io.containerd.cri.v1.runtime\""

const struct rg_containerd_layout rg_containerd_v2 = {CRI_V2, CRI_V2 ".containerd",
						      CRI_V2 ".containerd.runtimes"};
const struct rg_containerd_layout rg_containerd_v3 = {CRI_V3, CRI_V3 ".containerd",
						      CRI_V3 ".containerd.runtimes"};

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

void rg_ctd_free(struct rg_ctd_model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->files[i].path);
		free(m->files[i].text);
		rg_toml_free(m->files[i].doc);
		rg_toml_edits_free(&m->files[i].ed);
	}
	free(m->main_path);
	memset(m, 0, sizeof(*m));
}

int rg_ctd_load_file(const struct rg_ctd_model *m, const char *path, struct rg_ctd_file *f,
		     struct rg_error **err)
{
	*f = (struct rg_ctd_file){.path = rg_xstrdup(path)};
	int r = rg_toml_load(m->root, path, &f->text, &f->len, &f->exists, &f->doc, err);
	if (r == 0)
		f->lay = rg_containerd_layout(f->doc, m->version);
	return r;
}

char *rg_ctd_import_path(const struct rg_ctd_model *m, const struct rg_ctd_file *f,
			 const char *entry)
{
	if (entry[0] == '/')
		return rg_hostpath_join(m->root, entry);
	_cleanup_free_ char *d = rg_xstrdup(f->path);
	return rg_xasprintf("%s/%s", dirname(d), entry);
}

struct rg_ctd_file *rg_ctd_find(struct rg_ctd_model *m, const char *path)
{
	for (size_t i = 0; i < m->n; i++)
		if (rg_streq(m->files[i].path, path))
			return &m->files[i];
	return NULL;
}

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
static int add_import(struct rg_ctd_model *m, const char *path, size_t parent, size_t entry,
		      struct rg_error **err)
{
	if (rg_ctd_find(m, path))
		return 0;
	if (m->n >= RG_CTD_MAX_FILES)
		return rg_error_set(err, E2BIG, "%s: more than %d files imported", m->main_path,
				    RG_CTD_MAX_FILES);
	struct rg_ctd_file *f = &m->files[m->n++];
	int r = rg_ctd_load_file(m, path, f, err);
	f->parent = parent;
	f->entry = entry;
	return r;
}

/* Appends the files files[parent] imports, globs expanded in lexical order. */
static int queue_imports(struct rg_ctd_model *m, size_t parent, struct rg_error **err)
{
	const struct rg_toml_item *it;
	char **list;
	size_t n;
	int r = rg_ctd_get_imports(&m->files[parent], &it, &list, &n, err);

	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *p = rg_ctd_import_path(m, &m->files[parent], list[i]);
		char **matches = NULL;
		size_t k = 0;
		if (!rg_hostpath_has_glob(p)) {
			r = add_import(m, p, parent, i, err);
			continue;
		}
		r = rg_hostpath_glob(m->root, p, &matches, &k, err);
		for (size_t j = 0; j < k && r == 0; j++)
			r = add_import(m, matches[j], parent, i, err);
		rg_toml_strv_free(matches);
	}
	rg_toml_strv_free(list);
	return r;
}

int rg_ctd_load(struct rg_ctd_model *m, const char *root, const char *main_path,
		struct rg_error **err)
{
	*m = (struct rg_ctd_model){.root = root, .main_path = rg_xstrdup(main_path), .version = 2};
	int r = rg_ctd_load_file(m, main_path, &m->files[m->n++], err);
	if (r < 0)
		return r;
	int version = rg_containerd_version(m->files[0].doc);
	if (rg_containerd_version_is_known(version))
		m->version = version;
	m->files[0].lay = rg_containerd_layout(m->files[0].doc, m->version);
	for (size_t i = 0; r == 0 && i < m->n; i++)
		if (m->files[i].exists)
			r = queue_imports(m, i, err);
	return r;
}

char *rg_ctd_handler_table(const struct rg_ctd_file *f, const char *name, const char *sub)
{
	_cleanup_free_ char *t = rg_toml_join(f->lay->runtimes, name);
	return rg_xasprintf("%s%s", t, sub);
}

char *rg_ctd_get_string(const struct rg_ctd_file *f, const char *table, const char *key,
			const struct rg_toml_item **ret_it)
{
	return rg_toml_get_string(f->doc, table, key, ret_it);
}

bool rg_ctd_in_effect(const struct rg_ctd_model *m, const struct rg_ctd_file *t,
		      const struct rg_ctd_file *f)
{
	return m->version >= 3 || !t || f == t;
}

char *rg_ctd_effective_string(const struct rg_ctd_model *m, const struct rg_ctd_file *t,
			      const char *name, const char *key, const struct rg_ctd_file **ret_f)
{
	char *v = NULL;
	for (size_t i = 0; i < m->n; i++) {
		const struct rg_ctd_file *f = &m->files[i];
		if (!rg_ctd_in_effect(m, t, f))
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

const struct rg_ctd_file *rg_ctd_cri_holder(const struct rg_ctd_model *m, size_t *ret_n)
{
	const struct rg_ctd_file *last = NULL;
	*ret_n = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (rg_toml_first_under(m->files[i].doc, rg_containerd_v2.cri)) {
			last = &m->files[i];
			++*ret_n;
		}
	}
	return last;
}
