/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What each engine's configuration says it will run, read the way the
 * engine reads it (under --host-root, symlinks followed inside it:
 * hostpath.h):
 *
 *   containerd  config.toml and its imports (globs, relative paths), read
 *               by the model configure edits (containerd_model.h).
 *               Version 2 (containerd 1.x): the CRI plugin section of the
 *               *last* file that sets it, as 1.x does. Versions 3 and 4
 *               (2.x): every file's, merged key by key in load order, each
 *               file read with the names containerd reads it with
 *               (rg_containerd_layout). Handlers of type
 *               io.containerd.runc.v2 and their options.BinaryName;
 *               default_runtime_name.
 *   crio        crio.conf, then crio.conf.d/\*.conf in lexical order, key by
 *               key; [crio.runtime.runtimes.NAME] runtime_path (empty: NAME
 *               looked up in the system directories); default_runtime.
 *   podman      $CONTAINERS_CONF alone, else /usr/share/containers/
 *               containers.conf, /etc/containers/containers.conf and
 *               containers.conf.d/\*.conf; [engine.runtimes] NAME = [paths]
 *               (the first that exists); [engine] runtime.
 *   docker      daemon.json "runtimes" NAME.path and "default-runtime".
 *
 * TOML is read with the line-oriented reader of toml.h: [table] headers
 * and key = value lines. A handler written with dotted keys or as an inline
 * table is not seen (and so reported missing): doctor errs on the side of
 * "not proven".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/containerd_model.h"
#include "runguard/doctor.h"
#include "runguard/fileio.h"
#include "runguard/hostpath.h"
#include "runguard/json.h"
#include "runguard/toml.h"
#include "runguard/util.h"

struct dfile {
	char *path;
	char *text;
	size_t len;
	struct rg_toml *doc;
};

struct dset {
	struct dfile f[64];
	size_t n;
};

static void dset_free(struct dset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->f[i].path);
		free(s->f[i].text);
		rg_toml_free(s->f[i].doc);
	}
	s->n = 0;
}

static void add_msg(char ***list, size_t *n, const char *fmt, va_list ap)
{
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0 || !m)
		return;
	*list = rg_xrealloc(*list, (*n + 1) * sizeof(char *));
	(*list)[(*n)++] = m;
}

static void __attribute__((format(printf, 2, 3)))
problem(struct rg_engine_view *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_msg(&v->problems, &v->n_problems, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
warning(struct rg_engine_view *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_msg(&v->warnings, &v->n_warnings, fmt, ap);
	va_end(ap);
}

/* Whether the node's path exists under root (symlinks followed inside it). */
static bool exists_rooted(const char *root, const char *path)
{
	_cleanup_free_ char *p = rg_hostpath_join(root, path);
	return rg_hostpath_exists(root, p);
}

static bool any_binary(const char *root, const char *name)
{
	static const char *const dirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
					   "/usr/bin",	      "/sbin",		"/bin"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *p = rg_xasprintf("%s/%s", dirs[i], name);
		if (exists_rooted(root, p))
			return true;
	}
	return false;
}

/*
 * Loads a TOML file (seen from here, under root) into the set; absent files
 * are skipped, broken ones are problems.
 */
static struct dfile *dload(struct rg_engine_view *v, struct dset *s, const char *root,
			   const char *path)
{
	struct rg_error *err = NULL;
	struct dfile f = {0};

	if (s->n == RG_ARRAY_SIZE(s->f))
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		if (rg_streq(s->f[i].path, path))
			return NULL;
	int r = rg_hostpath_read(root, path, RG_TOML_MAX_SIZE, &f.text, &f.len, &err);
	if (r == -ENOENT)
		return NULL;
	if (r == 0)
		r = rg_toml_parse(path, f.text, f.len, &f.doc, &err);
	if (r < 0) {
		problem(v, "%s", err ? err->msg : "cannot read");
		rg_error_free(err);
		free(f.text);
		return NULL;
	}
	f.path = rg_xstrdup(path);
	s->f[s->n] = f;
	if (v->n_files < RG_ARRAY_SIZE(v->files))
		v->files[v->n_files++] = rg_xstrdup(path);
	return &s->f[s->n++];
}

/* Loads dir/\*.conf (seen from here, under root) in lexical order. */
static void dload_dir(struct rg_engine_view *v, struct dset *s, const char *root, const char *dir)
{
	_cleanup_free_ char *pat = rg_xasprintf("%s/*.conf", dir);
	struct rg_error *err = NULL;
	char **list = NULL;
	size_t n = 0;

	if (rg_hostpath_glob(root, pat, &list, &n, &err) < 0)
		problem(v, "%s", err->msg);
	rg_error_free(err);
	for (size_t i = 0; i < n; i++)
		dload(v, s, root, list[i]);
	rg_toml_strv_free(list);
}

/* The name of a direct child of prefix (path is exactly prefix.NAME), or NULL. */
static char *child_name(const char *path, const char *prefix)
{
	const char *rest = NULL;
	char *name = rg_toml_child(path, prefix, &rest);
	if (name && *rest) {
		free(name);
		return NULL;
	}
	return name;
}

static struct rg_engine_handler *add_handler(struct rg_engine_view *v, const char *name,
					     const char *binary, const char *where)
{
	for (size_t i = 0; i < v->n; i++) {
		if (rg_streq(v->h[i].name, name)) {
			free(v->h[i].binary);
			free(v->h[i].where);
			v->h[i].binary = binary ? rg_xstrdup(binary) : NULL;
			v->h[i].where = rg_xstrdup(where);
			return &v->h[i];
		}
	}
	v->h = rg_xrealloc(v->h, (v->n + 1) * sizeof(*v->h));
	struct rg_engine_handler *h = &v->h[v->n++];
	*h = (struct rg_engine_handler){.name = rg_xstrdup(name),
					.binary = binary ? rg_xstrdup(binary) : NULL,
					.where = rg_xstrdup(where)};
	return h;
}

/* Decides whether each handler's binary is runguard. */
static void judge_all(struct rg_engine_view *v, const char *root)
{
	for (size_t i = 0; i < v->n; i++) {
		struct rg_engine_handler *h = &v->h[i];
		free(h->why);
		h->why = NULL;
		if (!h->binary || !*h->binary) {
			h->is_runguard = 0;
			h->why = rg_xstrdup("no binary set: the engine's built-in runc");
		} else if (h->binary[0] != '/') {
			h->is_runguard = -1;
			h->why =
			    rg_xasprintf("'%s' is not an absolute path (looked up in $PATH when "
					 "used)",
					 h->binary);
		} else {
			int r = rg_doctor_is_runguard(root, h->binary, &h->why);
			h->is_runguard = r < 0 ? -1 : r;
		}
		h->is_default = v->default_name && rg_streq(h->name, v->default_name);
	}
}

static void set_default(struct rg_engine_view *v, char *name, const char *where)
{
	free(v->default_name);
	free(v->default_where);
	v->default_name = name;
	v->default_where = rg_xstrdup(where);
}

/* ---- containerd: the model configure edits (containerd_model.h) ---- */

/* True when items[i] is f's first [table] at or under `table` (a handler may have only
 * [NAME.options]). */
static bool first_header(const struct rg_ctd_file *f, size_t i, const char *table)
{
	for (size_t k = 0; k < i; k++)
		if (f->doc->items[k].kind == RG_TOML_TABLE &&
		    rg_toml_is_under(f->doc->items[k].path, table))
			return false;
	return true;
}

/*
 * The runc shim handlers of one file. containerd 1.x (is_merged false):
 * each file's handler stands whole, a later one replacing it. 2.x: a later
 * file sets only the keys it has, and BinaryName's line is the handler's.
 */
static void ctd_handlers(struct rg_engine_view *v, const struct rg_ctd_model *m,
			 const struct rg_ctd_file *f, bool is_ignored)
{
	bool is_merged = m->version >= 3;
	const char *runtimes = f->lay->runtimes;
	for (size_t i = 0; i < f->doc->n; i++) {
		const struct rg_toml_item *it = &f->doc->items[i];
		_cleanup_free_ char *name =
		    it->kind == RG_TOML_TABLE ? rg_toml_child(it->path, runtimes, NULL) : NULL;
		_cleanup_free_ char *table = name ? rg_toml_join(runtimes, name) : NULL;
		if (!name || !first_header(f, i, table))
			continue;
		/* The runtime_type in effect (2.x: the last file's that sets it). */
		_cleanup_free_ char *type =
		    rg_ctd_effective_string(m, f, name, "runtime_type", NULL);
		if (type && !rg_streq(type, RG_CTD_RUNC_V2))
			continue;
		_cleanup_free_ char *opts = rg_xasprintf("%s.options", table);
		const struct rg_toml_item *bit, *sc = rg_toml_get(f->doc, opts, "SystemdCgroup");
		_cleanup_free_ char *bin = rg_ctd_get_string(f, opts, "BinaryName", &bit);
		_cleanup_free_ char *root = rg_ctd_get_string(f, opts, "Root", NULL);
		_cleanup_free_ char *where =
		    rg_xasprintf("%s:%u", f->path, bit ? bit->line : it->line);
		struct rg_engine_handler *h = NULL;
		for (size_t k = 0; is_merged && k < v->n && !h; k++)
			if (rg_streq(v->h[k].name, name))
				h = &v->h[k];
		if (!h || bin)
			h = add_handler(v, name, bin, where);
		h->is_ignored = is_ignored;
		if (!is_merged || root) {
			free(h->runc_root);
			h->runc_root = steal_ptr(&root);
		}
		bool b = false;
		if (!is_merged || sc)
			h->is_systemd_cgroup =
			    sc &&
			    rg_toml_decode_bool(f->text + sc->value_start,
						sc->value_end - sc->value_start, &b) == 0 &&
			    b;
	}
}

/* The default handler a file sets, if it does. */
static void ctd_default(struct rg_engine_view *v, const struct rg_ctd_file *f)
{
	const struct rg_toml_item *it;
	char *def = rg_ctd_get_string(f, f->lay->containerd, "default_runtime_name", &it);
	if (def) {
		_cleanup_free_ char *where = rg_xasprintf("%s:%u", f->path, it->line);
		set_default(v, def, where);
	}
}

/*
 * containerd 1.x: the CRI section in effect is the last file's that sets
 * the plugin; the handlers of the others are ignored (returned: that file).
 */
static const struct rg_ctd_file *ctd_sections(struct rg_engine_view *v,
					      const struct rg_ctd_model *m)
{
	size_t n_holders;
	const struct rg_ctd_file *eff = rg_ctd_cri_holder(m, &n_holders);
	if (n_holders > 1)
		warning(v,
			"the CRI plugin is configured in %zu files: containerd 1.x uses only the "
			"section of the last one loaded, %s",
			n_holders, eff->path);
	for (size_t i = 0; i < m->n; i++)
		if (rg_toml_first_under(m->files[i].doc, rg_containerd_v2.cri))
			ctd_handlers(v, m, &m->files[i], &m->files[i] != eff);
	if (eff)
		ctd_default(v, eff);
	return eff;
}

/* containerd 2.x: every file, merged key by key in load order. */
static void ctd_merged(struct rg_engine_view *v, const struct rg_ctd_model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct rg_ctd_file *f = &m->files[i];
		const struct rg_toml_item *old =
		    rg_toml_first_under(f->doc, rg_containerd_v2.containerd);
		int file_version = rg_containerd_version(f->doc);
		if (old && file_version >= 3)
			warning(v,
				"%s:%u: %s in a version %d file: containerd 2.x ignores it (its "
				"handlers go under %s)",
				f->path, old->line, rg_containerd_v2.containerd, file_version,
				rg_containerd_v3.runtimes);
		ctd_handlers(v, m, f, false);
		ctd_default(v, f);
	}
}

/* The files read, in order; an import of a file that does not exist is a problem. */
static void ctd_files(struct rg_engine_view *v, const struct rg_ctd_model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct rg_ctd_file *f = &m->files[i];
		if (f->exists && v->n_files < RG_ARRAY_SIZE(v->files))
			v->files[v->n_files++] = rg_xstrdup(f->path);
		if (f->exists || i == 0)
			continue;
		const struct rg_ctd_file *p = &m->files[f->parent];
		const struct rg_toml_item *it = rg_toml_get(p->doc, "", "imports");
		problem(v, "%s:%u: imports %s, which does not exist: containerd will not start",
			p->path, it ? it->line : 0, f->path);
	}
}

static void inspect_containerd(struct rg_engine_view *v, const char *root)
{
	_cleanup_free_ char *main_path = rg_hostpath_join(root, "/etc/containerd/config.toml");
	struct rg_ctd_model m;
	struct rg_error *err = NULL;

	v->is_found =
	    exists_rooted(root, "/etc/containerd/config.toml") || any_binary(root, "containerd");
	if (!v->is_found)
		return;
	set_default(v, rg_xstrdup("runc"), "built-in");
	if (rg_ctd_load(&m, root, main_path, &err) < 0) {
		problem(v, "%s", err ? err->msg : "cannot read");
		rg_error_free(err);
		rg_ctd_free(&m);
		return;
	}
	const struct rg_ctd_file *f0 = &m.files[0];
	const struct rg_toml_item *ver = rg_toml_get(f0->doc, "", "version");
	_cleanup_free_ char *vs = ver ? rg_toml_raw(f0->doc, ver) : NULL;
	if (!f0->exists) {
		warning(v, "%s does not exist: containerd runs with its built-in configuration",
			main_path);
	} else if (!rg_containerd_version_is_known(rg_containerd_version(f0->doc))) {
		if (v->n_files < RG_ARRAY_SIZE(v->files))
			v->files[v->n_files++] = rg_xstrdup(f0->path);
		problem(v,
			"%s: configuration version %s: runguard doctor reads versions 2 "
			"(containerd 1.x), 3 and 4 (containerd 2.x)",
			f0->path, vs ? vs : "1 (no `version` key)");
	} else {
		ctd_files(v, &m);
		const struct rg_ctd_file *eff = NULL;
		if (m.version >= 3)
			ctd_merged(v, &m);
		else
			eff = ctd_sections(v, &m);
		judge_all(v, root);
		for (size_t i = 0; i < v->n; i++) {
			struct rg_engine_handler *h = &v->h[i];
			h->is_default = h->is_default && !h->is_ignored;
			if (h->is_ignored && h->is_runguard == 1)
				problem(v,
					"handler %s (%s) is ignored: containerd 1.x takes the CRI "
					"plugin's whole section from %s",
					h->name, h->where, eff->path);
		}
	}
	rg_ctd_free(&m);
}

/* ---- CRI-O ---- */

static void inspect_crio(struct rg_engine_view *v, const char *root)
{
	_cleanup_free_ char *main_path = rg_hostpath_join(root, "/etc/crio/crio.conf");
	_cleanup_free_ char *dir = rg_hostpath_join(root, "/etc/crio/crio.conf.d");
	struct dset s = {0};

	v->is_found = rg_hostpath_exists(root, main_path) || rg_hostpath_exists(root, dir) ||
		      any_binary(root, "crio");
	if (!v->is_found)
		return;
	set_default(v, rg_xstrdup("runc"), "built-in (runc before CRI-O 1.29, crun after)");
	dload(v, &s, root, main_path);
	dload_dir(v, &s, root, dir);
	for (size_t f = 0; f < s.n; f++) {
		const struct dfile *df = &s.f[f];
		for (size_t i = 0; i < df->doc->n; i++) {
			const struct rg_toml_item *it = &df->doc->items[i];
			if (it->kind != RG_TOML_TABLE)
				continue;
			_cleanup_free_ char *name = child_name(it->path, "crio.runtime.runtimes");
			if (!name)
				continue;
			const struct rg_toml_item *pit;
			_cleanup_free_ char *bin =
			    rg_toml_get_string(df->doc, it->path, "runtime_path", &pit);
			struct rg_engine_handler *h = NULL;
			for (size_t k = 0; k < v->n && !h; k++)
				if (rg_streq(v->h[k].name, name))
					h = &v->h[k];
			/* Key by key: a later table without runtime_path keeps the earlier one. */
			if (h && !pit)
				continue;
			_cleanup_free_ char *where =
			    rg_xasprintf("%s:%u", df->path, pit ? pit->line : it->line);
			add_handler(v, name, bin, where);
		}
		const struct rg_toml_item *dit;
		char *def = rg_toml_get_string(df->doc, "crio.runtime", "default_runtime", &dit);
		if (def) {
			_cleanup_free_ char *where = rg_xasprintf("%s:%u", df->path, dit->line);
			set_default(v, def, where);
		}
	}
	/* An empty runtime_path: CRI-O finds the runtime by its name. */
	for (size_t i = 0; i < v->n; i++) {
		struct rg_engine_handler *h = &v->h[i];
		if (h->binary && *h->binary)
			continue;
		static const char *const dirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
						   "/usr/bin",	      "/sbin",		"/bin"};
		for (size_t k = 0; k < RG_ARRAY_SIZE(dirs); k++) {
			_cleanup_free_ char *p = rg_xasprintf("%s/%s", dirs[k], h->name);
			if (exists_rooted(root, p)) {
				free(h->binary);
				h->binary = steal_ptr(&p);
				break;
			}
		}
	}
	judge_all(v, root);
	dset_free(&s);
}

/* ---- podman ---- */

static void inspect_podman(struct rg_engine_view *v, const char *root)
{
	const char *env = getenv("CONTAINERS_CONF");
	_cleanup_free_ char *etc = rg_hostpath_join(root, "/etc/containers/containers.conf");
	_cleanup_free_ char *dir = rg_hostpath_join(root, "/etc/containers/containers.conf.d");
	struct dset s = {0};

	v->is_found = (env && *env) || rg_hostpath_exists(root, etc) ||
		      rg_hostpath_exists(root, dir) || any_binary(root, "podman");
	if (!v->is_found)
		return;
	set_default(v, rg_xstrdup("crun"), "built-in");
	if (env && *env) {
		dload(v, &s, NULL, env);
	} else {
		_cleanup_free_ char *usr =
		    rg_hostpath_join(root, "/usr/share/containers/containers.conf");
		dload(v, &s, root, usr);
		dload(v, &s, root, etc);
		dload_dir(v, &s, root, dir);
	}
	char **json = NULL;
	size_t n_json = 0;
	for (size_t f = 0; f < s.n; f++) {
		const struct dfile *df = &s.f[f];
		for (size_t i = 0; i < df->doc->n; i++) {
			const struct rg_toml_item *it = &df->doc->items[i];
			if (it->kind != RG_TOML_KEYVAL || !rg_streq(it->table, "engine.runtimes"))
				continue;
			_cleanup_free_ char *name = child_name(it->path, "engine.runtimes");
			char **paths = NULL;
			size_t n = 0;
			if (!name || rg_toml_decode_strings(df->text + it->value_start,
							    it->value_end - it->value_start, &paths,
							    &n) < 0) {
				problem(v, "%s:%u: expected NAME = [\"path\", ...]", df->path,
					it->line);
				continue;
			}
			/* podman uses the first path that exists. */
			const char *bin = n ? paths[0] : NULL;
			for (size_t k = 0; k < n; k++) {
				if (exists_rooted(root, paths[k])) {
					bin = paths[k];
					break;
				}
			}
			_cleanup_free_ char *where = rg_xasprintf("%s:%u", df->path, it->line);
			add_handler(v, name, bin, where);
			rg_toml_strv_free(paths);
		}
		const struct rg_toml_item *dit;
		char *def = rg_toml_get_string(df->doc, "engine", "runtime", &dit);
		if (def) {
			_cleanup_free_ char *where = rg_xasprintf("%s:%u", df->path, dit->line);
			set_default(v, def, where);
		}
		const struct rg_toml_item *jit =
		    rg_toml_get(df->doc, "engine", "runtime_supports_json");
		char **l = NULL;
		size_t nl = 0;
		if (jit &&
		    rg_toml_decode_strings(df->text + jit->value_start,
					   jit->value_end - jit->value_start, &l, &nl) == 0) {
			rg_toml_strv_free(json);
			json = l;
			n_json = nl;
		}
	}
	/* `runtime` may also be a path. */
	if (v->default_name && v->default_name[0] == '/')
		add_handler(v, v->default_name, v->default_name, v->default_where);
	judge_all(v, root);
	for (size_t i = 0; i < v->n; i++) {
		bool listed = false;
		for (size_t k = 0; json && k < n_json; k++)
			listed = listed || rg_streq(json[k], v->h[i].name);
		if (v->h[i].is_runguard == 1 && json && !listed)
			warning(v,
				"runtime %s is not in engine.runtime_supports_json: podman will "
				"show a generic error instead of runguard's message on a refusal",
				v->h[i].name);
	}
	rg_toml_strv_free(json);
	dset_free(&s);
}

/* ---- Docker ---- */

static void inspect_docker(struct rg_engine_view *v, const char *root)
{
	_cleanup_free_ char *path = rg_hostpath_join(root, "/etc/docker/daemon.json");
	_cleanup_free_ char *text = NULL;
	_cleanup_json_ struct rg_json *tree = NULL;
	struct rg_error *err = NULL;
	size_t len = 0;

	v->is_found = rg_hostpath_exists(root, path) || any_binary(root, "dockerd");
	if (!v->is_found)
		return;
	set_default(v, rg_xstrdup("runc"), "built-in");
	v->docker_exec_root = rg_xstrdup("/run/docker");
	int r = rg_hostpath_read(root, path, RG_JSON_MAX_SIZE, &text, &len, &err);
	if (r == -ENOENT)
		return;
	if (r == 0)
		tree = rg_json_parse(text, len, path, NULL, &err);
	if (!tree || !rg_json_is(tree, RG_JSON_OBJECT)) {
		problem(v, "%s", err ? err->msg : "daemon.json: expected a JSON object");
		rg_error_free(err);
		return;
	}
	if (v->n_files < RG_ARRAY_SIZE(v->files))
		v->files[v->n_files++] = rg_xstrdup(path);
	const struct rg_json *rts = rg_json_get(tree, "runtimes");
	for (size_t i = 0; rg_json_is(rts, RG_JSON_OBJECT) && i < rts->n; i++) {
		const struct rg_json_member *m = &rts->u.members[i];
		_cleanup_free_ char *where =
		    rg_xasprintf("%s:%zu", path, rg_json_line(text, len, m->value->pos));
		add_handler(v, m->key, rg_json_str(rg_json_get(m->value, "path")), where);
	}
	const struct rg_json *def = rg_json_get(tree, "default-runtime");
	if (rg_json_str(def)) {
		_cleanup_free_ char *where =
		    rg_xasprintf("%s:%zu", path, rg_json_line(text, len, def->pos));
		set_default(v, rg_xstrdup(rg_json_str(def)), where);
	}
	const char *er = rg_json_str(rg_json_get(tree, "exec-root"));
	if (er) {
		free(v->docker_exec_root);
		v->docker_exec_root = rg_xstrdup(er);
	}
	judge_all(v, root);
}

void rg_engine_inspect(const char *engine, const char *root, struct rg_engine_view *ret)
{
	*ret = (struct rg_engine_view){.engine = engine};
	if (rg_streq(engine, "containerd"))
		inspect_containerd(ret, root);
	else if (rg_streq(engine, "crio"))
		inspect_crio(ret, root);
	else if (rg_streq(engine, "podman"))
		inspect_podman(ret, root);
	else if (rg_streq(engine, "docker"))
		inspect_docker(ret, root);
}

void rg_engine_view_free(struct rg_engine_view *v)
{
	for (size_t i = 0; i < v->n_files; i++)
		free(v->files[i]);
	for (size_t i = 0; i < v->n; i++) {
		free(v->h[i].name);
		free(v->h[i].binary);
		free(v->h[i].where);
		free(v->h[i].why);
		free(v->h[i].runc_root);
	}
	free(v->h);
	free(v->default_name);
	free(v->default_where);
	for (size_t i = 0; i < v->n_problems; i++)
		free(v->problems[i]);
	free(v->problems);
	for (size_t i = 0; i < v->n_warnings; i++)
		free(v->warnings[i]);
	free(v->warnings);
	free(v->docker_exec_root);
	memset(v, 0, sizeof(*v));
}

const struct rg_engine_handler *rg_engine_canary_handler(const struct rg_engine_view *v)
{
	const struct rg_engine_handler *best = NULL;
	for (size_t i = 0; i < v->n; i++) {
		const struct rg_engine_handler *h = &v->h[i];
		if (h->is_runguard != 1 || h->is_ignored)
			continue;
		if (!best || rg_streq(h->name, "runguard"))
			best = h;
	}
	return best;
}
