/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mounts rule.
 *
 * Whatever the action (the rule only has to be on), every mount is hardened
 * in ways that take nothing a workload relies on:
 *   - bind mounts ("type": "bind", or a "bind"/"rbind" option) get the
 *     "bindOptions" (default nosuid, nodev): a setuid binary or a device
 *     node on a host directory gains nothing inside;
 *   - "shared"/"rshared" propagation becomes "private"/"rprivate", for the
 *     mounts and for linux.rootfsPropagation, so mounts made inside never
 *     reach the host;
 *   - sysfs and cgroup mounts, and anything mounted at or under /sys, are
 *     read-only.
 *
 * The action decides about mounts of sensitive host paths (reject, or fix by
 * dropping the mount). A source is compared, after lexical normalisation and
 * again after resolving symlinks on the host (the adapter's resolve_path),
 * against three lists:
 *   "deny"          the path, anything under it, and any directory above it
 *                   (a bind of /run exposes /run/docker.sock);
 *   "denyExact"     the path and any directory above it, not what is under
 *                   it: CRI mounts a pod's volumes from under /var/lib/kubelet
 *                   and its /dev/shm from under /run/containerd;
 *   "denyWritable"  as "deny", for mounts that are not read-only.
 * A bind mount with a relative source cannot be checked and counts as one.
 * Non-bind mounts are checked when their source is an absolute path
 * (a block device such as /dev/sda1 mounted as ext4), except for pseudo
 * file systems that ignore their source. Known gap: overlay's lowerdir= and
 * upperdir= options are not inspected.
 *
 * A symlink on the host can change between this check and runc's mount;
 * resolving narrows the window, it does not close it.
 */
#include <errno.h>
#include <string.h>

#include "runguard/normpath.h"
#include "runguard/rules.h"
#include "runguard/util.h"

static const char *const default_deny[] = {
    "/etc",
    "/proc",
    "/boot",
    "/dev",
    "/root",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/s",
    "/var/run/containerd/s",
    "/run/crio/crio.sock",
    "/var/run/crio/crio.sock",
    "/var/lib/kubelet/pki",
    NULL,
};
static const char *const default_deny_exact[] = {
    "/",	 "/run/containerd", "/var/run/containerd",
    "/run/crio", "/var/run/crio",   "/var/lib/kubelet",
    NULL,
};
static const char *const default_deny_writable[] = {"/sys", NULL};
static const char *const default_bind_options[] = {"nosuid", "nodev", NULL};

/* Options bindOptions may name, with the option that undoes each. */
static const char *const hardening_options[][2] = {
    {"nosuid", "suid"},
    {"nodev", "dev"},
    {"noexec", "exec"},
};

/* File systems whose source runc ignores: their "source" names no host path. */
static const char *const pseudo_fs[] = {"proc",	  "sysfs",  "tmpfs",   "devpts",
					"mqueue", "cgroup", "cgroup2", "securityfs"};

enum list_kind {
	LIST_DENY,
	LIST_EXACT,
	LIST_WRITABLE,
};

static const struct {
	const char *key;
	const char *const *def;
	enum list_kind kind;
} lists[] = {
    {"deny", default_deny, LIST_DENY},
    {"denyExact", default_deny_exact, LIST_EXACT},
    {"denyWritable", default_deny_writable, LIST_WRITABLE},
};

static bool str_in(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (rg_streq(s, set[i]))
			return true;
	return false;
}

/* ---- mount options ---- */

static bool opts_has(const struct rg_json *opts, const char *o)
{
	for (size_t i = 0; opts && i < opts->n; i++)
		if (rg_streq(rg_json_str(opts->u.items[i]), o))
			return true;
	return false;
}

static void opts_remove(struct rg_json *opts, const char *o)
{
	for (size_t i = opts->n; i-- > 0;)
		if (rg_streq(rg_json_str(opts->u.items[i]), o))
			rg_json_array_remove(opts, i);
}

/* runc applies options in order: the last of ro/rw (rro: recursive ro) wins; rw by default. */
static bool is_read_only(const struct rg_json *opts)
{
	bool ro = false;
	for (size_t i = 0; opts && i < opts->n; i++) {
		const char *o = rg_json_str(opts->u.items[i]);
		if (rg_streq(o, "ro") || rg_streq(o, "rro"))
			ro = true;
		else if (rg_streq(o, "rw") || rg_streq(o, "rrw"))
			ro = false;
	}
	return ro;
}

static bool is_bind(const struct rg_json *m)
{
	const struct rg_json *opts = rg_json_get(m, "options");
	const char *type = rg_json_str(rg_json_get(m, "type"));
	return (type && rg_streq(type, "bind")) || opts_has(opts, "bind") ||
	       opts_has(opts, "rbind");
}

/* ---- validation ---- */

static int check_string(const struct rg_json *v, const char *file, size_t i, const char *key,
			bool is_required, struct rg_error **err)
{
	if (!v && !is_required)
		return 0;
	if (!v || v->type != RG_JSON_STRING || strlen(v->u.s.text) != v->u.s.len)
		return rg_error_set(
		    err, EINVAL, "%s: .mounts[%zu].%s: expected a string without NUL bytes, got %s",
		    file, i, key, v ? rg_json_type_name(v->type) : "nothing");
	return 0;
}

static int check_mount(const struct rg_json *m, const char *file, size_t i, struct rg_error **err)
{
	if (!rg_json_is(m, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: .mounts[%zu]: expected an object, got %s",
				    file, i, rg_json_type_name(m->type));
	int r = check_string(rg_json_get(m, "destination"), file, i, "destination", true, err);
	if (r == 0)
		r = check_string(rg_json_get(m, "type"), file, i, "type", false, err);
	if (r == 0)
		r = check_string(rg_json_get(m, "source"), file, i, "source", false, err);
	if (r < 0)
		return r;
	const struct rg_json *opts = rg_json_get(m, "options");
	if (!opts || opts->type == RG_JSON_NULL)
		return 0;
	if (opts->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL,
				    "%s: .mounts[%zu].options: expected an array, got %s", file, i,
				    rg_json_type_name(opts->type));
	for (size_t k = 0; k < opts->n; k++)
		if (!rg_json_is(opts->u.items[k], RG_JSON_STRING))
			return rg_error_set(
			    err, EINVAL, "%s: .mounts[%zu].options[%zu]: expected a string, got %s",
			    file, i, k, rg_json_type_name(opts->u.items[k]->type));
	return 0;
}

/* ---- hardening (whatever the action) ---- */

static void harden_bind(struct rg_json *opts, const struct rg_json *settings)
{
	const struct rg_json *want = rg_json_get(settings, "bindOptions");
	size_t n =
	    rg_json_is(want, RG_JSON_ARRAY) ? want->n : RG_ARRAY_SIZE(default_bind_options) - 1;

	for (size_t i = 0; i < n; i++) {
		const char *o = want ? rg_json_str(want->u.items[i]) : default_bind_options[i];
		for (size_t k = 0; o && k < RG_ARRAY_SIZE(hardening_options); k++) {
			if (!rg_streq(o, hardening_options[k][0]))
				continue;
			opts_remove(opts, hardening_options[k][1]);
			if (!opts_has(opts, o))
				rg_json_append(opts, rg_json_new_string(o));
		}
	}
}

static void make_private(struct rg_json *opts)
{
	for (size_t i = 0; i < opts->n; i++) {
		const char *o = rg_json_str(opts->u.items[i]);
		if (rg_streq(o, "shared") || rg_streq(o, "rshared")) {
			const char *p = rg_streq(o, "shared") ? "private" : "rprivate";
			rg_json_free(opts->u.items[i]);
			opts->u.items[i] = rg_json_new_string(p);
		}
	}
}

static bool needs_read_only(const struct rg_json *m)
{
	static const char *const ro_types[] = {"sysfs", "cgroup", "cgroup2"};
	const char *type = rg_json_str(rg_json_get(m, "type"));
	_cleanup_free_ char *dest = rg_path_normalize(rg_json_str(rg_json_get(m, "destination")));

	/* A relative destination is relative to the rootfs, as runc reads it. */
	if (!dest) {
		_cleanup_free_ char *abs =
		    rg_xasprintf("/%s", rg_json_str(rg_json_get(m, "destination")));
		dest = rg_path_normalize(abs);
	}
	return str_in(type, ro_types, RG_ARRAY_SIZE(ro_types)) || rg_path_is_under(dest, "/sys");
}

static void harden(struct rg_json *m, size_t i, struct rg_rule_ctx *ctx)
{
	struct rg_json *opts = rg_json_get(m, "options");
	_cleanup_json_ struct rg_json *before =
	    rg_json_is(opts, RG_JSON_ARRAY) ? rg_json_clone(opts) : NULL;
	_cleanup_json_ struct rg_json *work =
	    before ? rg_json_clone(before) : rg_json_new(RG_JSON_ARRAY);

	if (is_bind(m))
		harden_bind(work, ctx->settings);
	make_private(work);
	if (needs_read_only(m) && !is_read_only(work)) {
		opts_remove(work, "rw");
		opts_remove(work, "rrw");
		if (!is_read_only(work))
			rg_json_append(work, rg_json_new_string("ro"));
	}
	if (before ? rg_json_equal(before, work) : work->n == 0)
		return;
	_cleanup_free_ char *path = rg_xasprintf(".mounts[%zu].options", i);
	rg_rule_record(ctx, path, before, work);
	rg_json_set(m, "options", steal_ptr(&work));
}

/* ---- sensitive sources (per the action) ---- */

/* The deny lists in force, each entry normalised once for all mounts. */
struct deny_entry {
	const char *entry; /* as configured, for messages */
	char *norm;
	enum list_kind kind;
};

struct deny_set {
	struct deny_entry *v;
	size_t n;
};

static void deny_set_build(const struct rg_json *settings, struct deny_set *ds)
{
	size_t cap = 0;
	*ds = (struct deny_set){0};
	for (size_t l = 0; l < RG_ARRAY_SIZE(lists); l++) {
		const struct rg_json *list = rg_json_get(settings, lists[l].key);
		bool is_given = rg_json_is(list, RG_JSON_ARRAY);
		for (size_t i = 0; is_given ? i < list->n : lists[l].def[i] != NULL; i++) {
			const char *entry =
			    is_given ? rg_json_str(list->u.items[i]) : lists[l].def[i];
			char *norm = rg_path_normalize(entry);
			if (!norm)
				continue;
			if (ds->n == cap) {
				cap = cap ? 2 * cap : 32;
				ds->v = rg_xrealloc(ds->v, cap * sizeof(*ds->v));
			}
			ds->v[ds->n++] = (struct deny_entry){entry, norm, lists[l].kind};
		}
	}
}

static void deny_set_free(struct deny_set *ds)
{
	for (size_t i = 0; i < ds->n; i++)
		free(ds->v[i].norm);
	free(ds->v);
	*ds = (struct deny_set){0};
}

/*
 * The first list entry that `src` is (or lies under, for deny and
 * denyWritable), or with `is_above`, the first entry that lies under `src`:
 * a directory above a denied path exposes it. NULL when none.
 */
static const char *find_denied(const char *src, bool is_writable, bool is_above,
			       const struct deny_set *ds)
{
	for (size_t i = 0; i < ds->n; i++) {
		const struct deny_entry *e = &ds->v[i];
		if (e->kind == LIST_WRITABLE && !is_writable)
			continue;
		if (is_above ? rg_path_is_under(e->norm, src)
			     : rg_streq(src, e->norm) ||
				   (e->kind != LIST_EXACT && rg_path_is_under(src, e->norm)))
			return e->entry;
	}
	return NULL;
}

static const char *denied_by(const char *src, bool is_writable, const struct deny_set *ds)
{
	const char *hit = find_denied(src, is_writable, false, ds);
	return hit ? hit : find_denied(src, is_writable, true, ds);
}

/* Why mount m may not stay (caller frees), or NULL. */
static char *sensitive(const struct rg_json *m, const struct rg_rule_ctx *ctx,
		       const struct deny_set *ds)
{
	const char *src = rg_json_str(rg_json_get(m, "source"));
	const char *type = rg_json_str(rg_json_get(m, "type"));
	bool is_bind_mount = is_bind(m);
	bool is_writable = !is_read_only(rg_json_get(m, "options"));

	if (!is_bind_mount &&
	    (!src || src[0] != '/' || str_in(type, pseudo_fs, RG_ARRAY_SIZE(pseudo_fs))))
		return NULL;
	_cleanup_free_ char *norm = rg_path_normalize(src);
	if (!norm)
		return rg_xasprintf("bind mount of a relative source '%s' cannot be checked",
				    src ? src : "");
	const char *hit = denied_by(norm, is_writable, ds);
	if (hit)
		return rg_xasprintf("%s of host path %s (denied: %s)",
				    is_bind_mount ? "bind mount" : "mount", src, hit);
	_cleanup_free_ char *real = NULL;
	if (!ctx->host || !ctx->host->resolve_path || ctx->host->resolve_path(norm, &real) < 0 ||
	    rg_streq(real, norm))
		return NULL;
	hit = denied_by(real, is_writable, ds);
	if (hit)
		return rg_xasprintf("%s of host path %s, which resolves to %s (denied: %s)",
				    is_bind_mount ? "bind mount" : "mount", src, real, hit);
	return NULL;
}

static void propagate_rootfs(struct rg_json *spec, struct rg_rule_ctx *ctx)
{
	struct rg_json *linux_ = rg_json_get(spec, "linux");
	struct rg_json *prop = rg_json_get(linux_, "rootfsPropagation");
	const char *p = rg_json_str(prop);

	if (!p || (!rg_streq(p, "shared") && !rg_streq(p, "rshared")))
		return;
	struct rg_json *after = rg_json_new_string(rg_streq(p, "shared") ? "private" : "rprivate");
	rg_rule_record(ctx, ".linux.rootfsPropagation", prop, after);
	rg_json_set(linux_, "rootfsPropagation", after);
}

static int mounts_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *linux_ = rg_rule_object(spec, "linux", ctx->file, "", false, err);
	if (!linux_ && *err)
		return -EINVAL;
	const struct rg_json *prop = rg_json_get(linux_, "rootfsPropagation");
	if (prop && prop->type != RG_JSON_NULL && prop->type != RG_JSON_STRING)
		return rg_error_set(err, EINVAL,
				    "%s: .linux.rootfsPropagation: expected a string, got %s",
				    ctx->file, rg_json_type_name(prop->type));
	propagate_rootfs(spec, ctx);

	struct rg_json *mounts = rg_json_get(spec, "mounts");
	if (!mounts || mounts->type == RG_JSON_NULL)
		return 0;
	if (mounts->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL, "%s: .mounts: expected an array, got %s",
				    ctx->file, rg_json_type_name(mounts->type));
	for (size_t i = 0; i < mounts->n; i++) {
		int r = check_mount(mounts->u.items[i], ctx->file, i, err);
		if (r < 0)
			return r;
	}
	_cleanup_free_ bool *is_dropped = rg_xcalloc(mounts->n, sizeof(bool));
	struct deny_set ds;
	deny_set_build(ctx->settings, &ds);
	for (size_t i = 0; i < mounts->n; i++) {
		struct rg_json *m = mounts->u.items[i];
		harden(m, i, ctx);
		_cleanup_free_ char *why = sensitive(m, ctx, &ds);
		_cleanup_free_ char *path = rg_xasprintf(".mounts[%zu]", i);
		if (why && rg_rule_may_fix(ctx, path, "%s", why))
			is_dropped[i] = true;
	}
	deny_set_free(&ds);
	for (size_t i = mounts->n; i-- > 0;) {
		if (!is_dropped[i])
			continue;
		_cleanup_free_ char *path = rg_xasprintf(".mounts[%zu]", i);
		rg_rule_record(ctx, path, mounts->u.items[i], NULL);
		rg_json_array_remove(mounts, i);
	}
	return 0;
}

/* ---- settings ---- */

static int check_bind_options(const struct rg_json *settings, const char *file, const char *path,
			      struct rg_error **err)
{
	const struct rg_json *list = rg_json_get(settings, "bindOptions");
	if (!list)
		return 0;
	if (!rg_json_is(list, RG_JSON_ARRAY))
		return rg_error_set(err, EINVAL, "%s: %s.bindOptions: expected an array", file,
				    path);
	for (size_t i = 0; i < list->n; i++) {
		const char *o = rg_json_str(list->u.items[i]);
		bool ok = false;
		for (size_t k = 0; o && k < RG_ARRAY_SIZE(hardening_options); k++)
			ok = ok || rg_streq(o, hardening_options[k][0]);
		if (!ok)
			return rg_error_set(
			    err, EINVAL,
			    "%s: %s.bindOptions[%zu]: expected \"nosuid\", \"nodev\" "
			    "or \"noexec\"",
			    file, path, i);
	}
	return 0;
}

static int mounts_check(const struct rg_json *settings, const char *file, const char *path,
			struct rg_error **err)
{
	static const char *const keys[] = {"deny", "denyExact", "denyWritable", "bindOptions",
					   NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	for (size_t l = 0; r == 0 && l < RG_ARRAY_SIZE(lists); l++)
		r = rg_settings_abs_paths(settings, lists[l].key, file, path, err);
	if (r == 0)
		r = check_bind_options(settings, file, path, err);
	return r;
}

const struct rg_rule rg_rule_mounts = {"mounts", mounts_check, mounts_apply};
