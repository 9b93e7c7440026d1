/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `runguard configure [--remove] ENGINE`: the driver (arguments, plan, diff,
 * backup, atomic write or removal, --host-root) and the drop-in planners for
 * CRI-O and podman. containerd's
 * (config.toml, edited in place) is in src/configure/containerd.c, Docker's
 * (daemon.json) in src/configure/docker.c.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/configure.h"
#include "runguard/diff.h"
#include "runguard/fileio.h"
#include "runguard/hostpath.h"
#include "runguard/opts.h"
#include "runguard/toml.h"
#include "runguard/util.h"

const char *const rg_configure_engines[] = {"containerd", "crio", "podman", "docker", NULL};

void rg_configure_add_file(struct rg_configure_plan *p, const char *path, const char *before,
			   size_t before_len, const char *after, size_t after_len, mode_t new_mode)
{
	p->files = rg_xrealloc(p->files, (p->n_files + 1) * sizeof(*p->files));
	struct rg_configure_file *f = &p->files[p->n_files++];
	*f = (struct rg_configure_file){.path = rg_xstrdup(path),
					.before_len = before ? before_len : 0,
					.after_len = after_len,
					.new_mode = new_mode};
	f->before = before ? rg_xstrndup(before, before_len) : NULL;
	f->after = after ? rg_xstrndup(after, after_len) : NULL;
}

int rg_configure_not_ours(const struct rg_configure_opts *o, const char *where, const char *have,
			  struct rg_error **err)
{
	_cleanup_free_ char *what =
	    have ? rg_xasprintf("runs '%s'", have) : rg_xstrdup("names no binary");
	return rg_error_set(err, EPERM,
			    "%s: the runtime \"%s\" %s, not '%s': runguard configure --remove "
			    "takes out only the runtime it wrote for that binary; name its binary "
			    "with --binary, or remove it by hand",
			    where, RG_CONFIGURE_NAME, what, o->binary);
}

void rg_configure_note(struct rg_configure_plan *p, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	if (!m)
		return;
	p->notes = rg_xrealloc(p->notes, (p->n_notes + 1) * sizeof(char *));
	p->notes[p->n_notes++] = m;
}

void rg_configure_plan_free(struct rg_configure_plan *p)
{
	for (size_t i = 0; i < p->n_files; i++) {
		free(p->files[i].path);
		free(p->files[i].target);
		free(p->files[i].before);
		free(p->files[i].after);
	}
	free(p->files);
	for (size_t i = 0; i < p->n_notes; i++)
		free(p->notes[i]);
	free(p->notes);
	memset(p, 0, sizeof(*p));
}

/* ---- TOML drop-in engines: CRI-O and podman ---- */

struct tfile {
	char *path;
	char *text;
	size_t len;
	bool exists;
	struct rg_toml *doc;
};

static void tfile_free(struct tfile *f)
{
	free(f->path);
	free(f->text);
	rg_toml_free(f->doc);
	memset(f, 0, sizeof(*f));
}

static int tfile_load(const char *root, const char *path, struct tfile *f, struct rg_error **err)
{
	*f = (struct tfile){.path = rg_xstrdup(path)};
	return rg_toml_load(root, path, &f->text, &f->len, &f->exists, &f->doc, err);
}

/* The configuration files in the order the engine reads them (existing ones only). */
struct tset {
	const char *root; /* --host-root */
	struct tfile f[64];
	size_t n;
};

static void tset_free(struct tset *s)
{
	for (size_t i = 0; i < s->n; i++)
		tfile_free(&s->f[i]);
	s->n = 0;
}

static int tset_add(struct tset *s, const char *path, struct rg_error **err)
{
	if (s->n == RG_ARRAY_SIZE(s->f))
		return rg_error_set(err, E2BIG, "%s: too many configuration files", path);
	int r = tfile_load(s->root, path, &s->f[s->n], err);
	if (r < 0) {
		tfile_free(&s->f[s->n]);
		return r;
	}
	if (!s->f[s->n].exists) {
		tfile_free(&s->f[s->n]);
		return 0;
	}
	s->n++;
	return 0;
}

/* Adds dir/\*.conf in lexical order, except `skip`. */
static int tset_add_dir(struct tset *s, const char *dir, const char *skip, struct rg_error **err)
{
	_cleanup_free_ char *pat = rg_xasprintf("%s/*.conf", dir);
	char **list = NULL;
	size_t n = 0;
	int r = rg_hostpath_glob(s->root, pat, &list, &n, err);

	for (size_t i = 0; i < n && r == 0; i++)
		if (!rg_streq(list[i], skip))
			r = tset_add(s, list[i], err);
	rg_toml_strv_free(list);
	return r;
}

/* The last value of table.key across the set, decoded as a string array (NULL: unset). */
static int tset_strings(const struct tset *s, const char *table, const char *key, char ***ret,
			size_t *ret_n, struct rg_error **err)
{
	*ret = NULL;
	*ret_n = 0;
	for (size_t i = s->n; i-- > 0;) {
		const struct rg_toml_item *it = rg_toml_get(s->f[i].doc, table, key);
		if (!it)
			continue;
		if (rg_toml_decode_strings(s->f[i].text + it->value_start,
					   it->value_end - it->value_start, ret, ret_n) < 0)
			return rg_error_set(err, EINVAL, "%s:%u: %s: expected an array of strings",
					    s->f[i].path, it->line, key);
		return 0;
	}
	return 0;
}

static char *tset_string(const struct tset *s, const char *table, const char *key)
{
	for (size_t i = s->n; i-- > 0;) {
		char *v = rg_toml_get_string(s->f[i].doc, table, key, NULL);
		if (v)
			return v;
	}
	return NULL;
}

static bool strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (rg_streq(v[i], s))
			return true;
	return false;
}

/* Records a generated drop-in in the plan if its content differs. */
static void plan_generated(struct rg_configure_plan *p, const struct tfile *old, const char *text)
{
	size_t len = strlen(text);
	if (old->exists && old->len == len && memcmp(old->text, text, len) == 0)
		return;
	rg_configure_add_file(p, old->path, old->exists ? old->text : NULL, old->len, text, len,
			      0644);
}

static char *dir_of(const char *path)
{
	_cleanup_free_ char *d = rg_xstrdup(path);
	return rg_xstrdup(dirname(d));
}

/* A list with `name` added (if missing), as a TOML array. */
static char *list_plus(char *const *v, size_t n, const char *name)
{
	char **all = rg_xcalloc(n + 2, sizeof(char *));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		all[k++] = v[i];
	if (!strv_has(v, n, name))
		all[k++] = (char *)name;
	char *out = rg_toml_quote_array(all, k);
	free(all);
	return out;
}

/* A drop-in engine's files, as seen from here (under --host-root). */
struct dpaths {
	char *main; /* the main file */
	char *dropdir; /* its drop-in directory */
	char *dropin; /* runguard's drop-in */
};

static void dpaths_init(const struct rg_configure_opts *o, const char *def_dir,
			const char *main_name, const char *sub, const char *name, struct dpaths *d)
{
	_cleanup_free_ char *dir =
	    rg_hostpath_join(o->root, o->config_dir ? o->config_dir : def_dir);
	d->main =
	    o->file ? rg_hostpath_join(o->root, o->file) : rg_xasprintf("%s/%s", dir, main_name);
	_cleanup_free_ char *main_dir = o->config_dir ? rg_xstrdup(dir) : dir_of(d->main);
	d->dropdir = rg_xasprintf("%s/%s", main_dir, sub);
	d->dropin = rg_xasprintf("%s/%s", d->dropdir, name);
}

static void dpaths_free(struct dpaths *d)
{
	free(d->main);
	free(d->dropdir);
	free(d->dropin);
}

/*
 * --remove: the drop-in goes, if its runtime runs o->binary (table.key, a
 * string or the first of an array of strings); nothing to do if it is not
 * there. The other files s say what stays the default runtime.
 */
static int remove_dropin(const struct rg_configure_opts *o, struct rg_configure_plan *p,
			 const struct tfile *old, const char *table, const char *key,
			 const struct tset *s, const char *def_table, const char *def_key,
			 struct rg_error **err)
{
	const struct rg_toml_item *it = rg_toml_get(old->doc, table, key);
	_cleanup_free_ char *have = NULL;
	_cleanup_free_ char *where = NULL;

	if (!old->exists)
		return 0;
	if (it) {
		const char *raw = old->text + it->value_start;
		size_t len = it->value_end - it->value_start;
		char **v = NULL;
		size_t n = 0;
		if (rg_toml_decode_string(raw, len, &have) < 0 &&
		    rg_toml_decode_strings(raw, len, &v, &n) == 0 && n > 0)
			have = rg_xstrdup(v[0]);
		rg_toml_strv_free(v);
	}
	if (!have || !rg_streq(have, o->binary)) {
		where = it ? rg_xasprintf("%s:%u", old->path, it->line) : rg_xstrdup(old->path);
		return rg_configure_not_ours(o, where, have, err);
	}
	rg_configure_add_file(p, old->path, old->text, old->len, NULL, 0, 0);
	_cleanup_free_ char *def = tset_string(s, def_table, def_key);
	if (def && rg_streq(def, RG_CONFIGURE_NAME))
		rg_configure_note(p,
				  "%s.%s stays \"%s\" in another file: the engine has no such "
				  "runtime once the drop-in is gone; name another one",
				  def_table, def_key, RG_CONFIGURE_NAME);
	return 0;
}

/* The podman drop-in's text, from the effective configuration s and the old drop-in. */
static int podman_dropin(const struct rg_configure_opts *o, const struct tset *s,
			 const struct tfile *old, char **ret, struct rg_error **err)
{
	static const struct {
		const char *key;
		const char *const builtin[6];
	} lists[] = {
	    /* containers/common 0.50's defaults (podman 4.3, Debian 12). */
	    {"runtime_supports_json", {"crun", "runc", "kata", "runsc", "krun", NULL}},
	    {"runtime_supports_nocgroups", {"crun", "krun", NULL}},
	    {"runtime_supports_kvm", {"kata", "krun", NULL}},
	};
	struct rg_buf b = {0};

	rg_buf_puts(&b, "# podman: the OCI runtime \"runguard\", runc under runguard's policy.\n"
			"# Written by `runguard configure podman`. Use it with\n"
			"# `podman --runtime runguard`, or make it the default with `runtime`.\n"
			"[engine]\n");
	for (size_t i = 0; i < RG_ARRAY_SIZE(lists); i++) {
		char **v = NULL;
		size_t n = 0;
		int r = tset_strings(s, "engine", lists[i].key, &v, &n, err);
		if (r < 0) {
			rg_buf_free(&b);
			return r;
		}
		if (!v) {
			for (n = 0; lists[i].builtin[n]; n++)
				;
			v = rg_xcalloc(n + 1, sizeof(char *));
			for (size_t k = 0; k < n; k++)
				v[k] = rg_xstrdup(lists[i].builtin[k]);
		}
		/* The runtime supports what runc supports. */
		if (strv_has(v, n, "runc")) {
			_cleanup_free_ char *l = list_plus(v, n, RG_CONFIGURE_NAME);
			rg_buf_printf(&b, "%s = %s\n", lists[i].key, l);
		}
		rg_toml_strv_free(v);
	}
	/* --default, or kept from an earlier --default run. */
	char *cur = rg_toml_get_string(old->doc, "engine", "runtime", NULL);
	if (o->is_default || (cur && rg_streq(cur, RG_CONFIGURE_NAME)))
		rg_buf_printf(&b, "runtime = \"%s\"\n", RG_CONFIGURE_NAME);
	free(cur);
	_cleanup_free_ char *bin = rg_toml_quote(o->binary);
	rg_buf_printf(&b, "\n[engine.runtimes]\n%s = [%s]\n", RG_CONFIGURE_NAME, bin);
	*ret = rg_buf_steal(&b);
	return 0;
}

/*
 * podman: containers.conf.d/runguard.conf with the runtime's path and, for
 * the runtime_supports_* lists that name runc, the effective list plus
 * runguard (a drop-in replaces a list, it does not extend it).
 */
static int plan_podman(const struct rg_configure_opts *o, struct rg_configure_plan *p,
		       struct rg_error **err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *def = NULL;
	struct dpaths d;
	struct tset s = {.root = o->root};
	struct tfile old = {0};
	int r = 0;

	dpaths_init(o, "/etc/containers", "containers.conf", "containers.conf.d",
		    RG_CONFIGURE_NAME ".conf", &d);
	const char *dropdir = d.dropdir, *dropin = d.dropin;
	p->restart = "podman reads containers.conf at every command: nothing to restart (but "
		     "restart podman.service or podman.socket if you use the API service)";
	if (!o->config_dir && !o->file) {
		_cleanup_free_ char *share =
		    rg_hostpath_join(o->root, "/usr/share/containers/containers.conf");
		r = tset_add(&s, share, err);
	}
	if (r == 0)
		r = tset_add(&s, d.main, err);
	if (r == 0)
		r = tset_add_dir(&s, dropdir, dropin, err);
	if (r == 0)
		r = tfile_load(o->root, dropin, &old, err);
	if (r == 0 && o->is_remove)
		r = remove_dropin(o, p, &old, "engine.runtimes", RG_CONFIGURE_NAME, &s, "engine",
				  "runtime", err);
	else if (r == 0)
		r = podman_dropin(o, &s, &old, &text, err);
	if (r == 0 && !o->is_remove) {
		plan_generated(p, &old, text);
		/* The effective default, our drop-in included. */
		if (old.exists)
			r = tset_add(&s, dropin, err);
		def = tset_string(&s, "engine", "runtime");
		if (r == 0 && !o->is_default && (!def || !rg_streq(def, RG_CONFIGURE_NAME)))
			rg_configure_note(
			    p,
			    "podman's default runtime stays %s: use `podman --runtime "
			    "%s`, or run again with --default",
			    def ? def : "crun (built-in)", RG_CONFIGURE_NAME);
	}
	/* With --default: a drop-in sorted after ours would override it. */
	for (size_t i = 0; r == 0 && o->is_default && i < s.n; i++) {
		const struct rg_toml_item *it = rg_toml_get(s.f[i].doc, "engine", "runtime");
		if (it && strcmp(s.f[i].path, dropin) > 0 &&
		    strncmp(s.f[i].path, dropdir, strlen(dropdir)) == 0)
			rg_configure_note(
			    p, "%s:%u sets engine.runtime after %s: it overrides --default",
			    s.f[i].path, it->line, dropin);
	}
	tfile_free(&old);
	tset_free(&s);
	dpaths_free(&d);
	return r;
}

/* One table's keys as "key = value" lines, later files overriding earlier ones. */
struct lines_kv {
	char **keys;
	char **lines;
	size_t n;
};

static void lines_set(struct lines_kv *l, const char *key, const char *line)
{
	for (size_t i = 0; i < l->n; i++) {
		if (rg_streq(l->keys[i], key)) {
			free(l->lines[i]);
			l->lines[i] = rg_xstrdup(line);
			return;
		}
	}
	l->keys = rg_xrealloc(l->keys, (l->n + 1) * sizeof(char *));
	l->lines = rg_xrealloc(l->lines, (l->n + 1) * sizeof(char *));
	l->keys[l->n] = rg_xstrdup(key);
	l->lines[l->n++] = rg_xstrdup(line);
}

static void lines_free(struct lines_kv *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->keys[i]);
		free(l->lines[i]);
	}
	free(l->keys);
	free(l->lines);
	memset(l, 0, sizeof(*l));
}

/* The sub-tables of a CRI-O runtime (relative paths; "" is the runtime's own table). */
struct subtables {
	char *rel[16];
	struct lines_kv kv[16];
	size_t n;
};

static struct lines_kv *subtable(struct subtables *st, const char *rel)
{
	for (size_t i = 0; i < st->n; i++)
		if (rg_streq(st->rel[i], rel))
			return &st->kv[i];
	if (st->n == RG_ARRAY_SIZE(st->rel))
		return NULL;
	st->rel[st->n] = rg_xstrdup(rel);
	memset(&st->kv[st->n], 0, sizeof(st->kv[0]));
	return &st->kv[st->n++];
}

static void subtables_free(struct subtables *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->rel[i]);
		lines_free(&st->kv[i]);
	}
	st->n = 0;
}

/* Collects the runtime table `src` and its sub-tables from every file, keys verbatim. */
static void collect_runtime(const struct tset *s, const char *src, struct subtables *st)
{
	size_t n = strlen(src);
	for (size_t f = 0; f < s->n; f++) {
		const struct rg_toml *d = s->f[f].doc;
		for (size_t i = 0; i < d->n; i++) {
			const struct rg_toml_item *it = &d->items[i];
			if (it->kind != RG_TOML_KEYVAL || !rg_toml_is_under(it->table, src))
				continue;
			struct lines_kv *kv = subtable(st, it->table + n);
			if (!kv)
				continue;
			size_t a = it->start + it->indent;
			_cleanup_free_ char *line =
			    rg_xstrndup(s->f[f].text + a, it->value_end - a);
			lines_set(kv, it->key, line);
		}
	}
}

/* The CRI-O drop-in's text. */
static char *crio_dropin(const struct rg_configure_opts *o, const struct tset *s,
			 const struct tfile *old, const char *def)
{
	const char *src_name = def && !rg_streq(def, RG_CONFIGURE_NAME) ? def : "runc";
	_cleanup_free_ char *src = rg_toml_join("crio.runtime.runtimes", src_name);
	_cleanup_free_ char *h = rg_toml_join("crio.runtime.runtimes", RG_CONFIGURE_NAME);
	_cleanup_free_ char *bin = rg_toml_quote(o->binary);
	_cleanup_free_ char *l_path = rg_xasprintf("runtime_path = %s", bin);
	struct subtables st = {0};
	struct rg_buf b = {0};

	collect_runtime(s, src, &st);
	if (st.n == 0 && !rg_streq(src_name, "runc")) {
		free(src);
		src = rg_toml_join("crio.runtime.runtimes", "runc");
		collect_runtime(s, src, &st);
	}
	struct lines_kv *own = subtable(&st, "");
	lines_set(own, "runtime_path", l_path);
	/* Its own state directory (runc's is /run/runc). */
	lines_set(own, "runtime_root", "runtime_root = \"/run/runguard\"");
	bool has_type = false;
	for (size_t i = 0; i < own->n; i++)
		has_type = has_type || rg_streq(own->keys[i], "runtime_type");
	if (!has_type)
		lines_set(own, "runtime_type", "runtime_type = \"oci\"");

	rg_buf_puts(&b, "# CRI-O: the runtime handler \"runguard\", runc under runguard's policy.\n"
			"# Written by `runguard configure crio`; pods select it with a\n"
			"# RuntimeClass whose handler is \"runguard\".\n");
	char *cur = rg_toml_get_string(old->doc, "crio.runtime", "default_runtime", NULL);
	if (o->is_default || (cur && rg_streq(cur, RG_CONFIGURE_NAME)))
		rg_buf_printf(&b, "[crio.runtime]\ndefault_runtime = \"%s\"\n\n",
			      RG_CONFIGURE_NAME);
	free(cur);
	for (size_t i = 0; i < st.n; i++) {
		rg_buf_printf(&b, "%s[%s%s]\n", i ? "\n" : "", h, st.rel[i]);
		for (size_t k = 0; k < st.kv[i].n; k++)
			rg_buf_printf(&b, "%s\n", st.kv[i].lines[k]);
	}
	subtables_free(&st);
	return rg_buf_steal(&b);
}

/*
 * CRI-O: crio.conf.d/10-runguard.conf, a runtime "runguard" with the keys
 * of the runc runtime (runtime_type, monitor settings, allowed_annotations,
 * ...), runtime_path = runguard and its own state directory.
 */
static int plan_crio(const struct rg_configure_opts *o, struct rg_configure_plan *p,
		     struct rg_error **err)
{
	_cleanup_free_ char *h = rg_toml_join("crio.runtime.runtimes", RG_CONFIGURE_NAME);
	struct dpaths d;
	struct tset s = {.root = o->root};
	struct tfile old = {0};

	dpaths_init(o, "/etc/crio", "crio.conf", "crio.conf.d", "10-" RG_CONFIGURE_NAME ".conf",
		    &d);
	p->restart = "restart CRI-O to load it: systemctl restart crio";
	int r = tset_add(&s, d.main, err);
	if (r == 0)
		r = tset_add_dir(&s, d.dropdir, d.dropin, err);
	if (r == 0)
		r = tfile_load(o->root, d.dropin, &old, err);
	if (r == 0 && o->is_remove) {
		r = remove_dropin(o, p, &old, h, "runtime_path", &s, "crio.runtime",
				  "default_runtime", err);
	} else if (r == 0) {
		_cleanup_free_ char *def = tset_string(&s, "crio.runtime", "default_runtime");
		_cleanup_free_ char *text = crio_dropin(o, &s, &old, def);
		plan_generated(p, &old, text);
		_cleanup_free_ char *mine = tset_string(&(struct tset){.n = 1, .f = {old}},
							"crio.runtime", "default_runtime");
		bool is_ours = mine && rg_streq(mine, RG_CONFIGURE_NAME);
		if (!o->is_default && !is_ours && (!def || !rg_streq(def, RG_CONFIGURE_NAME)))
			rg_configure_note(p,
					  "pods run through runguard when they name the handler "
					  "(RuntimeClass with handler: runguard); --default makes "
					  "it CRI-O's default_runtime");
	}
	tfile_free(&old);
	tset_free(&s);
	dpaths_free(&d);
	return r;
}

/* ---- the driver ---- */

/*
 * Where f's content goes (see struct rg_configure_file): its path resolved
 * by hostpath.h's rule, so that a symlinked config.toml keeps its link and
 * under --host-root an absolute link leads into the node, never out of it;
 * a file that goes is unlinked by its own name.
 */
static int set_target(const struct rg_configure_opts *o, struct rg_configure_file *f,
		      struct rg_error **err)
{
	if (f->after)
		return rg_hostpath_resolve(o->root, f->path, &f->target, err);
	_cleanup_free_ char *dir = dir_of(f->path), *real = NULL;
	_cleanup_free_ char *base =
	    rg_xstrdup(f->path + strlen(dir) + (rg_streq(dir, "/") ? 0 : 1));
	int r = rg_hostpath_resolve(o->root, dir, &real, err);
	if (r == 0)
		f->target = rg_xasprintf("%s/%s", rg_streq(real, "/") ? "" : real, base);
	return r;
}

int rg_configure_plan(const struct rg_configure_opts *o, struct rg_configure_plan *ret,
		      struct rg_error **err)
{
	struct rg_configure_plan p = {0};
	int r;

	if (!o->binary || o->binary[0] != '/')
		return rg_error_set(err, EINVAL,
				    "the runguard binary must be an absolute path, got "
				    "'%s'",
				    o->binary ? o->binary : "");
	if (!o->engine)
		return rg_error_set(err, EINVAL, "no engine named");
	if (rg_streq(o->engine, "containerd"))
		r = rg_configure_containerd(o, &p, err);
	else if (rg_streq(o->engine, "crio") || rg_streq(o->engine, "cri-o"))
		r = plan_crio(o, &p, err);
	else if (rg_streq(o->engine, "podman"))
		r = plan_podman(o, &p, err);
	else if (rg_streq(o->engine, "docker"))
		r = rg_configure_docker(o, &p, err);
	else
		r = rg_error_set(err, EINVAL,
				 "unknown engine '%s' (known: containerd, crio, podman, docker)",
				 o->engine);
	for (size_t i = 0; r == 0 && i < p.n_files; i++)
		r = set_target(o, &p.files[i], err);
	if (r < 0) {
		rg_configure_plan_free(&p);
		return r;
	}
	_cleanup_free_ char *bin = rg_hostpath_join(o->root, o->binary);
	_cleanup_free_ char *real_bin = NULL;
	struct rg_error *e = NULL;
	if (rg_hostpath_resolve(o->root, bin, &real_bin, &e) < 0)
		real_bin = rg_xstrdup(bin);
	rg_error_free(e);
	if (!o->is_remove && access(real_bin, X_OK) < 0)
		rg_configure_note(&p,
				  "%s is not an executable file (yet): the engine will fail to "
				  "start containers with this runtime until it is",
				  bin);
	*ret = p;
	return 0;
}

void rg_configure_print_diff(const struct rg_configure_plan *p, FILE *out)
{
	for (size_t i = 0; i < p->n_files; i++) {
		const struct rg_configure_file *f = &p->files[i];
		_cleanup_free_ char *d = rg_text_diff(f->path, f->before, f->before_len, f->path,
						      f->after, f->after_len);
		fputs(d, out);
	}
}

/* Refuses a plan gone stale: f's content at target changed (or appeared) since it was read. */
static int check_unchanged(const struct rg_configure_file *f, const char *target,
			   struct rg_error **err)
{
	_cleanup_free_ char *now = NULL;
	size_t len = 0;

	if (!f->before) {
		/* Written since planning: refuse to clobber it without a backup. */
		if (rg_file_exists(target))
			return rg_error_set(
			    err, EEXIST, "%s: appeared while runguard configure ran; run it again",
			    f->path);
		return 0;
	}
	int r = rg_file_read(target, 64u * 1024u * 1024u, &now, &len, err);
	if (r == -ENOENT || (r == 0 && (len != f->before_len || memcmp(now, f->before, len) != 0)))
		return rg_error_set(
		    err, EAGAIN, "%s: changed while runguard configure ran; run it again", f->path);
	return r;
}

int rg_configure_apply(const struct rg_configure_plan *p, FILE *out, struct rg_error **err)
{
	for (size_t i = 0; i < p->n_files; i++) {
		const struct rg_configure_file *f = &p->files[i];
		const char *target = f->target ? f->target : f->path;
		_cleanup_free_ char *backup = NULL;
		_cleanup_free_ char *dir = dir_of(target);
		const char *done = f->after ? "updated" : "removed";
		int r = check_unchanged(f, target, err);
		/* The target's content is saved beside the target (a link's, beside the file). */
		if (r == 0 && f->before)
			r = rg_file_backup(target, &backup, err);
		else if (r == 0)
			r = rg_mkdir_p(dir, 0755, err);
		if (r == 0 && f->after)
			r = rg_file_replace(target, f->after, f->after_len, f->new_mode, err);
		else if (r == 0 && unlink(target) < 0)
			r = rg_error_set(err, errno, "%s: %s", target, strerror(errno));
		if (r < 0)
			return r;
		_cleanup_free_ char *via = rg_streq(target, f->path)
					       ? rg_xstrdup("")
					       : rg_xasprintf(" (through a symlink: %s)", target);
		if (backup)
			fprintf(out, "%s %s%s (backup: %s)\n", done, f->path, via, backup);
		else
			fprintf(out, "created %s%s\n", f->path, via);
	}
	return 0;
}

int rg_configure_run(const struct rg_configure_opts *o, bool is_dry_run, FILE *out,
		     struct rg_error **err)
{
	struct rg_configure_plan p;
	int r = rg_configure_plan(o, &p, err);

	if (r < 0)
		return r;
	if (p.n_files == 0 && o->is_remove) {
		fprintf(out, "%s: not configured (no runtime \"%s\" -> %s); nothing to change\n",
			o->engine, RG_CONFIGURE_NAME, o->binary);
	} else if (p.n_files == 0) {
		fprintf(out, "%s: already configured (runtime \"%s\" -> %s); nothing to change\n",
			o->engine, RG_CONFIGURE_NAME, o->binary);
	} else if (is_dry_run) {
		rg_configure_print_diff(&p, out);
		fprintf(out, "dry run: nothing written\n");
	} else {
		r = rg_configure_apply(&p, out, err);
	}
	for (size_t i = 0; r == 0 && i < p.n_notes; i++)
		fprintf(out, "note: %s\n", p.notes[i]);
	if (r == 0 && p.n_files > 0)
		fprintf(out, "%s%s\n", is_dry_run ? "once applied: " : "", p.restart);
	rg_configure_plan_free(&p);
	return r;
}

enum { OPT_DEFAULT = 1, OPT_REMOVE, OPT_DRY_RUN, OPT_CONFIG_DIR, OPT_FILE, OPT_BINARY, OPT_ROOT };

static const struct option configure_options[] = {
    {"default", no_argument, NULL, OPT_DEFAULT},
    {"remove", no_argument, NULL, OPT_REMOVE},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"config-dir", required_argument, NULL, OPT_CONFIG_DIR},
    {"file", required_argument, NULL, OPT_FILE},
    {"binary", required_argument, NULL, OPT_BINARY},
    {"host-root", required_argument, NULL, OPT_ROOT},
    {NULL, 0, NULL, 0},
};

/* Options into *o, *ret_binary and *ret_dry; the one operand is the engine. */
static int parse_options(int argc, char *argv[], struct rg_configure_opts *o,
			 const char **ret_binary, bool *ret_dry, struct rg_error **err)
{
	struct rg_opts s;
	const char *v;
	int c, n = 0;

	rg_opts_init(&s, "configure", argc, argv, configure_options);
	while ((c = rg_opts_next(&s, &v, err)) > 0) {
		switch (c) {
		case OPT_DEFAULT:
			o->is_default = true;
			break;
		case OPT_REMOVE:
			o->is_remove = true;
			break;
		case OPT_DRY_RUN:
			*ret_dry = true;
			break;
		case OPT_CONFIG_DIR:
			o->config_dir = v;
			break;
		case OPT_FILE:
			o->file = v;
			break;
		case OPT_BINARY:
			*ret_binary = v;
			break;
		case OPT_ROOT:
			o->root = v;
			break;
		default:
			break;
		}
	}
	char **ops = c == 0 ? rg_opts_operands(&s, &n) : NULL;
	if (n > 1)
		c = rg_error_set(err, EINVAL, "one engine at a time (got '%s' and '%s')", ops[0],
				 ops[1]);
	else if (n == 1)
		o->engine = ops[0];
	rg_opts_done(&s);
	return c;
}

int rg_configure_parse_args(int argc, char *argv[], struct rg_configure_opts *ret,
			    bool *ret_dry_run, char **ret_binary, struct rg_error **err)
{
	struct rg_configure_opts o = {0};
	const char *binary = NULL;
	bool dry = false;

	int r = parse_options(argc, argv, &o, &binary, &dry, err);
	if (r < 0)
		return r;
	if (!o.engine)
		return rg_error_set(err, EINVAL,
				    "no engine named (containerd, crio, podman, docker)");
	bool known = false;
	for (size_t i = 0; rg_configure_engines[i]; i++)
		known = known || rg_streq(o.engine, rg_configure_engines[i]);
	if (!known && !rg_streq(o.engine, "cri-o"))
		return rg_error_set(err, EINVAL,
				    "unknown engine '%s' (known: containerd, crio, podman, docker)",
				    o.engine);
	if (o.is_default && o.is_remove)
		return rg_error_set(err, EINVAL, "--default and --remove exclude each other");
	/* Under --host-root, paths name the node's files: relative ones would be ambiguous. */
	bool has_root = rg_hostpath_has_root(o.root);
	const char *const abs[][2] = {{"--binary", binary},
				      {"--host-root", o.root},
				      {"--config-dir", has_root ? o.config_dir : NULL},
				      {"--file", has_root ? o.file : NULL}};
	for (size_t i = 0; i < RG_ARRAY_SIZE(abs); i++)
		if (abs[i][1] && abs[i][1][0] != '/')
			return rg_error_set(err, EINVAL, "%s must be an absolute path, got '%s'",
					    abs[i][0], abs[i][1]);
	char *bin;
	if (binary) {
		bin = rg_xstrdup(binary);
	} else {
		_cleanup_free_ char *self = realpath("/proc/self/exe", NULL);
		if (!self)
			return rg_error_set(err, errno,
					    "/proc/self/exe: %s; name the binary with "
					    "--binary",
					    strerror(errno));
		const char *node = rg_hostpath_node(o.root, self);
		if (node == self && has_root)
			return rg_error_set(err, EINVAL,
					    "%s is not under --host-root %s: name the node's path "
					    "of runguard with --binary",
					    self, o.root);
		bin = rg_xstrdup(node);
	}
	o.binary = bin;
	*ret = o;
	*ret_dry_run = dry;
	*ret_binary = bin;
	return 0;
}
