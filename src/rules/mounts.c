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
 * Then each mount is judged by allowlist, the way runc 1.1.5 will read it
 * (specconv's createLibcontainerMount): a "bind" or "rbind" option makes a
 * bind mount whatever "type" says (and so does "type": "bind"). A bind's
 * source is a host path: relative to the bundle directory when relative,
 * cleaned as Go's filepath.Clean does, and judged lexically and after
 * resolving symlinks on the host against the protected host paths
 * (src/rules/mounts_hostpaths.c). Any other mount must be of a known file system at
 * its one place:
 *   proc at /proc, sysfs at /sys, cgroup and cgroup2 at /sys/fs/cgroup,
 *   devpts at /dev/pts, mqueue at /dev/mqueue, tmpfs anywhere,
 * or a {type, destination} pair of the "allowMounts" setting (whose
 * absolute source, a device or directory, is judged as a bind's). Every
 * other type (block device file systems, devtmpfs, debugfs, tracefs,
 * securityfs, configfs, bpf, overlay, network file systems ...), a mount
 * with no type, and the "remount" option (it changes a mount already
 * there) refuse the mount. Destinations are relative to the root file
 * system and compared cleaned ("/proc/../mnt/proc" is /mnt/proc).
 * The action decides: reject refuses the container, fix drops the mount.
 *
 * root.path is judged like a bind source (rootDeny adds the host system
 * directories); a root cannot be dropped, so it is refused with either
 * action.
 *
 * A symlink on the host can change between this check and runc's mount;
 * resolving narrows the window, it does not close it.
 */
#include <errno.h>
#include <string.h>

#include "mounts_hostpaths.h"
#include "runguard/normpath.h"
#include "runguard/rule_api.h"
#include "runguard/util.h"

static const char *const default_bind_options[] = {"nosuid", "nodev", NULL};

/* Options bindOptions may name, with the option that undoes each. */
static const char *const hardening_options[][2] = {
    {"nosuid", "suid"},
    {"nodev", "dev"},
    {"noexec", "exec"},
};

/* The file systems a container may mount without a setting, and where (NULL: anywhere). */
static const struct {
	const char *type, *destination;
} builtin_mounts[] = {
    {"proc", "/proc"},
    {"sysfs", "/sys"},
    {"cgroup", "/sys/fs/cgroup"},
    {"cgroup2", "/sys/fs/cgroup"},
    {"devpts", "/dev/pts"},
    {"mqueue", "/dev/mqueue"},
    {"tmpfs", NULL},
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

/* Room for ".mounts[i].options". */
#define MOUNT_PATH_SIZE (sizeof(".mounts.options") + RG_INDEX_MAX)

/* ".mounts[i]", or ".mounts[i].options", in buf without printf (a create names every mount it
 * changes); returns buf. */
static const char *mount_path(char buf[MOUNT_PATH_SIZE], size_t i, bool is_options)
{
	size_t n = sizeof(".mounts") - 1;
	memcpy(buf, ".mounts", n);
	n += rg_put_index(buf + n, i);
	if (is_options)
		memcpy(buf + n, ".options", sizeof(".options"));
	else
		buf[n] = '\0';
	return buf;
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

/* The destination, cleaned; a relative one is relative to the rootfs, as runc reads it. */
static char *destination_of(const struct rg_json *m)
{
	return rg_path_resolve_in("/", rg_json_str(rg_json_get(m, "destination")));
}

static bool needs_read_only(const struct rg_json *m)
{
	static const char *const ro_types[] = {"sysfs", "cgroup", "cgroup2"};
	const char *type = rg_json_str(rg_json_get(m, "type"));
	_cleanup_free_ char *dest = destination_of(m);

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
	char path[MOUNT_PATH_SIZE];
	rg_rule_record(ctx, mount_path(path, i, true), before, work);
	rg_json_set(m, "options", steal_ptr(&work));
}

/* ---- what may be mounted (per the action) ---- */

/* Whether the operator's allowMounts lists {type, destination}. */
static bool is_allowed_by_setting(const struct rg_json *settings, const char *type,
				  const char *dest)
{
	const struct rg_json *allow = rg_json_get(settings, "allowMounts");
	for (size_t i = 0; rg_json_is(allow, RG_JSON_ARRAY) && i < allow->n; i++) {
		const struct rg_json *a = allow->u.items[i];
		const char *d = rg_json_str(rg_json_get(a, "destination"));
		_cleanup_free_ char *norm = rg_path_normalize(d);
		if (rg_streq(rg_json_str(rg_json_get(a, "type")), type) &&
		    (rg_streq(d, "*") || rg_streq(norm, dest)))
			return true;
	}
	return false;
}

/* Why a mount that is not a bind may not stay (caller frees), or NULL. */
static char *judge_type(const struct rg_json *m, const struct rg_rule_ctx *ctx,
			const struct rg_hostpaths *hp)
{
	const char *type = rg_json_str(rg_json_get(m, "type"));
	const char *dest_raw = rg_json_str(rg_json_get(m, "destination"));
	_cleanup_free_ char *dest = destination_of(m);

	if (!type || !*type)
		return rg_xasprintf("mount at %s has no type and no bind option", dest_raw);
	for (size_t i = 0; i < RG_ARRAY_SIZE(builtin_mounts); i++) {
		if (!rg_streq(type, builtin_mounts[i].type))
			continue;
		if (!builtin_mounts[i].destination || rg_streq(dest, builtin_mounts[i].destination))
			return NULL;
		if (is_allowed_by_setting(ctx->settings, type, dest))
			return NULL;
		return rg_xasprintf("mount of type '%s' at %s: %s is allowed only at %s", type,
				    dest_raw, type, builtin_mounts[i].destination);
	}
	if (!is_allowed_by_setting(ctx->settings, type, dest))
		return rg_xasprintf("mount of type '%s' at %s: the type is not allowed (source "
				    "'%s')",
				    type, dest_raw, rg_json_str(rg_json_get(m, "source")) ?: "");
	/* An allowed file system's source may be a host device, image or
	 * directory; a relative one is relative to the bundle, as for a bind
	 * (a name such as "overlay" then names nothing protected). */
	const char *src = rg_json_str(rg_json_get(m, "source"));
	if (!src || !*src)
		return NULL;
	return rg_hostpaths_judge(hp, ctx, RG_HOSTPATH_DEVICE, src,
				  !is_read_only(rg_json_get(m, "options")));
}

/* Why mount m may not stay (caller frees), or NULL. */
static char *judge_mount(const struct rg_json *m, const struct rg_rule_ctx *ctx,
			 const struct rg_hostpaths *hp)
{
	const struct rg_json *opts = rg_json_get(m, "options");

	/* MS_REMOUNT changes whatever is mounted there already (/sys made writable). */
	if (opts_has(opts, "remount"))
		return rg_xasprintf("mount at %s: option 'remount' is not allowed",
				    rg_json_str(rg_json_get(m, "destination")));
	if (!is_bind(m))
		return judge_type(m, ctx, hp);
	return rg_hostpaths_judge(hp, ctx, RG_HOSTPATH_BIND, rg_json_str(rg_json_get(m, "source")),
				  !is_read_only(opts));
}

/*
 * root.path: the root file system is the first mount, a bind of a host
 * directory. It cannot be dropped: refused whatever the action.
 */
static int judge_root(const struct rg_json *spec, struct rg_rule_ctx *ctx,
		      const struct rg_hostpaths *hp, struct rg_error **err)
{
	const struct rg_json *root = rg_json_get(spec, "root");
	if (!root || root->type == RG_JSON_NULL)
		return 0;
	if (root->type != RG_JSON_OBJECT)
		return rg_error_set(err, EINVAL, "%s: .root: expected an object, got %s", ctx->file,
				    rg_json_type_name(root->type));
	const struct rg_json *path = rg_json_get(root, "path");
	if (!path || path->type == RG_JSON_NULL)
		return 0;
	if (path->type != RG_JSON_STRING || strlen(path->u.s.text) != path->u.s.len)
		return rg_error_set(err, EINVAL,
				    "%s: .root.path: expected a string without NUL bytes, got %s",
				    ctx->file, rg_json_type_name(path->type));
	_cleanup_free_ char *why =
	    rg_hostpaths_judge(hp, ctx, RG_HOSTPATH_ROOT, path->u.s.text, true);
	if (why)
		rg_report_violation(ctx->report, ctx->rule, ".root.path", "%s", why);
	return 0;
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

static int apply_mounts(struct rg_json *spec, struct rg_rule_ctx *ctx,
			const struct rg_hostpaths *hp, struct rg_error **err)
{
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
	for (size_t i = 0; i < mounts->n; i++) {
		struct rg_json *m = mounts->u.items[i];
		harden(m, i, ctx);
		_cleanup_free_ char *why = judge_mount(m, ctx, hp);
		char path[MOUNT_PATH_SIZE];
		if (why && rg_rule_may_fix(ctx, mount_path(path, i, false), "%s", why))
			is_dropped[i] = true;
	}
	for (size_t i = mounts->n; i-- > 0;) {
		if (!is_dropped[i])
			continue;
		char path[MOUNT_PATH_SIZE];
		rg_rule_record(ctx, mount_path(path, i, false), mounts->u.items[i], NULL);
		rg_json_array_remove(mounts, i);
	}
	return 0;
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

	struct rg_hostpaths hp;
	rg_hostpaths_build(ctx->settings, &hp);
	int r = judge_root(spec, ctx, &hp, err);
	if (r == 0)
		r = apply_mounts(spec, ctx, &hp, err);
	rg_hostpaths_free(&hp);
	return r;
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

/* allowMounts: [{"type": "overlay", "destination": "/merged"}, ...]; "*": any destination. */
static int check_allow_mounts(const struct rg_json *settings, const char *file, const char *path,
			      struct rg_error **err)
{
	static const char *const keys[] = {"type", "destination"};
	const struct rg_json *list = NULL;
	int r = rg_settings_array(settings, "allowMounts", "{type, destination} objects", file,
				  path, &list, err);
	for (size_t i = 0; r == 0 && list && i < list->n; i++) {
		const struct rg_json *a = list->u.items[i];
		const char *type = rg_json_str(rg_json_get(a, "type"));
		const char *dest = rg_json_str(rg_json_get(a, "destination"));
		bool ok = rg_json_is(a, RG_JSON_OBJECT) && a->n == RG_ARRAY_SIZE(keys) && type &&
			  *type && strlen(type) == rg_json_get(a, "type")->u.s.len && dest &&
			  (rg_streq(dest, "*") || dest[0] == '/') &&
			  strlen(dest) == rg_json_get(a, "destination")->u.s.len &&
			  !rg_streq(type, "bind") && !rg_streq(type, "rbind");
		if (!ok)
			r = rg_error_set(
			    err, EINVAL,
			    "%s: %s.allowMounts[%zu]: expected {\"type\": a file system "
			    "type other than bind, \"destination\": an absolute path or "
			    "\"*\"}",
			    file, path, i);
	}
	return r;
}

static int mounts_check(const struct rg_json *settings, const char *file, const char *path,
			struct rg_error **err)
{
	static const char *const keys[] = {
	    "deny", "denyExact", "denyWritable", "rootDeny", "bindOptions", "allowMounts", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r == 0)
		r = rg_hostpaths_check(settings, file, path, err);
	if (r == 0)
		r = check_bind_options(settings, file, path, err);
	if (r == 0)
		r = check_allow_mounts(settings, file, path, err);
	return r;
}

const struct rg_rule rg_rule_mounts = {"mounts", mounts_check, mounts_apply};
