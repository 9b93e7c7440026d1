/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The namespaces rule. A namespace type missing from linux.namespaces is
 * the host's namespace: runc only creates (or joins) the ones listed. So:
 *
 *   - each type in "private" (default pid, ipc, uts, mount, network) must
 *     be listed, and not joined by a path that is the host's own namespace
 *     (`ctr run --with-ns pid:/proc/1/ns/pid` does exactly that). The rule's
 *     action decides: reject, or fix by listing a new private namespace
 *     (dropping the path);
 *   - each type in "add" (default cgroup) is listed whatever the action,
 *     since a new namespace of that type takes nothing a workload relies on.
 *
 * A namespace joined by any other path (a CRI sandbox's /proc/N/ns/net or a
 * /run/netns file) is fine. Whether a path is the host's is a question for
 * the host adapter (ns_is_host, which compares device and inode with PID 1's
 * and runguard's own, so /proc/self, /proc/thread-self, symlinks and any
 * host process's /proc/<pid>/ns/x are all seen for what they are): this
 * rule does no I/O. A path with symlinks is judged and written back resolved
 * (ns_resolve), so a symlink swapped after the check cannot redirect runc.
 * A path it cannot answer for is refused whatever the
 * action, since it cannot be told apart from the host's. Whatever the type
 * (user and time too), a path must be absolute (the runtime spec's MUST;
 * runc would open a relative one from the bundle directory, not from where
 * runguard looked) and name a namespace file of that very type. Whether a
 * user or time namespace joined by path is the host's matters only when
 * the settings name the type (the user rule counts no uid mapping for a
 * user namespace joined by path).
 */
#include <errno.h>
#include <string.h>

#include "runguard/rule_api.h"
#include "runguard/util.h"

#define NS_PATH ".linux.namespaces"

/* The OCI namespace types (runc refuses any other). */
static const char *const ns_types[] = {"pid", "network", "mount",  "ipc",
				       "uts", "user",	 "cgroup", "time"};
#define N_TYPES RG_ARRAY_SIZE(ns_types)

static const char *const default_private[] = {"pid", "ipc", "uts", "mount", "network", NULL};
static const char *const default_add[] = {"cgroup", NULL};

static int type_index(const char *t)
{
	for (size_t i = 0; t && i < N_TYPES; i++)
		if (rg_streq(t, ns_types[i]))
			return (int)i;
	return -1;
}

/* The set named by settings[key] (validated by ns_check), else by def, as a bit mask. */
static unsigned type_set(const struct rg_json *settings, const char *key, const char *const *def)
{
	const struct rg_json *list = rg_json_get(settings, key);
	unsigned set = 0;

	if (rg_json_is(list, RG_JSON_ARRAY)) {
		for (size_t i = 0; i < list->n; i++) {
			int t = type_index(rg_json_str(list->u.items[i]));
			if (t >= 0)
				set |= 1u << t;
		}
		return set;
	}
	for (size_t i = 0; def[i]; i++)
		set |= 1u << type_index(def[i]);
	return set;
}

/*
 * Checks linux.namespaces and fills at[type] with each listed type's index
 * (-1: not listed). runc refuses unknown and duplicate types; so does this.
 */
static int scan(const struct rg_json *nss, const char *file, int at[N_TYPES], struct rg_error **err)
{
	for (size_t t = 0; t < N_TYPES; t++)
		at[t] = -1;
	for (size_t i = 0; nss && i < nss->n; i++) {
		const struct rg_json *ns = nss->u.items[i];
		if (!rg_json_is(ns, RG_JSON_OBJECT))
			return rg_error_set(err, EINVAL,
					    "%s: " NS_PATH "[%zu]: expected an object, got %s",
					    file, i, rg_json_type_name(ns->type));
		const struct rg_json *type = rg_json_get(ns, "type");
		const char *name = rg_json_str(type);
		if (!name)
			return rg_error_set(
			    err, EINVAL, "%s: " NS_PATH "[%zu].type: expected a string, got %s",
			    file, i, type ? rg_json_type_name(type->type) : "nothing");
		int t = type_index(name);
		if (t < 0 || strlen(name) != type->u.s.len)
			return rg_error_set(
			    err, EINVAL, "%s: " NS_PATH "[%zu].type: unknown namespace type '%s'",
			    file, i, name);
		if (at[t] >= 0)
			return rg_error_set(
			    err, EINVAL, "%s: " NS_PATH "[%zu].type: duplicate namespace type '%s'",
			    file, i, name);
		at[t] = (int)i;
		const struct rg_json *path = rg_json_get(ns, "path");
		if (path && path->type != RG_JSON_NULL &&
		    (path->type != RG_JSON_STRING || strlen(path->u.s.text) != path->u.s.len))
			return rg_error_set(err, EINVAL,
					    "%s: " NS_PATH
					    "[%zu].path: expected a string without NUL "
					    "bytes, got %s",
					    file, i, rg_json_type_name(path->type));
	}
	return 0;
}

/* Lists a new namespace of type t (creating linux.namespaces as needed). */
static int add_namespace(struct rg_json *spec, struct rg_rule_ctx *ctx, const char *type,
			 struct rg_error **err)
{
	struct rg_json *linux_ = rg_rule_object(spec, "linux", ctx->file, "", true, err);
	if (!linux_)
		return -EINVAL;
	struct rg_json *nss = rg_json_get(linux_, "namespaces");
	if (!rg_json_is(nss, RG_JSON_ARRAY)) {
		nss = rg_json_new(RG_JSON_ARRAY);
		rg_json_set(linux_, "namespaces", nss);
	}
	struct rg_json *ns = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(ns, "type", rg_json_new_string(type));
	rg_json_append(nss, ns);
	_cleanup_free_ char *path = rg_xasprintf(NS_PATH "[%zu]", (size_t)nss->n - 1);
	rg_rule_record(ctx, path, NULL, ns);
	return 0;
}

/*
 * A namespace joined by path: fine unless it is the host's (or cannot be
 * told), for a type the rule keeps private (`is_judged`); for any type, the
 * path must be absolute and name a namespace of that type.
 */
static void check_path(struct rg_json *ns, size_t i, const char *type, bool is_judged,
		       bool is_always_fixed, struct rg_rule_ctx *ctx)
{
	struct rg_json *path = rg_json_get(ns, "path");
	const char *p = rg_json_str(path);
	/* runc creates a new namespace for an empty path, as for none. */
	if (!p || !*p)
		return;
	_cleanup_free_ char *where = rg_xasprintf(NS_PATH "[%zu].path", i);
	/*
	 * The runtime spec says MUST be absolute. runc opens a relative path
	 * from the bundle directory it changed into, not from runguard's
	 * working directory: the file judged would not be the file joined.
	 */
	if (p[0] != '/') {
		rg_report_violation(ctx->report, ctx->rule, where,
				    "namespace path '%s' is not absolute", p);
		return;
	}
	/*
	 * Judge (and hand runc) the path with its symlinks resolved: one the
	 * caller can swap between this check and runc's open would otherwise
	 * be judged for one file and joined for another.
	 */
	_cleanup_free_ char *real = NULL;
	int r = ctx->host && ctx->host->ns_resolve ? ctx->host->ns_resolve(p, &real) : 0;
	if (r < 0) {
		rg_report_violation(ctx->report, ctx->rule, where,
				    "cannot tell whether %s is the host's %s namespace (%s)", p,
				    type, strerror(-r));
		return;
	}
	const char *judged = real ? real : p;
	r = ctx->host && ctx->host->ns_is_host ? ctx->host->ns_is_host(type, judged) : -ENOSYS;
	if (r == -EMEDIUMTYPE) {
		rg_report_violation(ctx->report, ctx->rule, where, "%s is not a %s namespace", p,
				    type);
		return;
	}
	if (r < 0) {
		rg_report_violation(ctx->report, ctx->rule, where,
				    "cannot tell whether %s is the host's %s namespace (%s)", p,
				    type, strerror(-r));
		return;
	}
	if (r == 0 || !is_judged) {
		if (real && !rg_streq(real, p)) {
			struct rg_json *after = rg_json_new_string(real);
			rg_rule_record(ctx, where, path, after);
			rg_json_set(ns, "path", after);
		}
		return;
	}
	if (!is_always_fixed &&
	    !rg_rule_may_fix(ctx, where, "joins the host's %s namespace (%s)", type, p))
		return;
	rg_rule_record(ctx, where, path, NULL);
	rg_json_remove(ns, "path");
}

static int ns_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	unsigned private_set = type_set(ctx->settings, "private", default_private);
	unsigned add_set = type_set(ctx->settings, "add", default_add);
	struct rg_json *linux_ = rg_rule_object(spec, "linux", ctx->file, "", false, err);
	if (!linux_ && *err)
		return -EINVAL;
	struct rg_json *nss = rg_json_get(linux_, "namespaces");
	if (nss && nss->type != RG_JSON_NULL && nss->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL, "%s: " NS_PATH ": expected an array, got %s",
				    ctx->file, rg_json_type_name(nss->type));
	if (!rg_json_is(nss, RG_JSON_ARRAY))
		nss = NULL;
	int at[N_TYPES];
	int r = scan(nss, ctx->file, at, err);
	if (r < 0)
		return r;

	/* Missing types: the private ones form one finding, so one message lists them all. */
	unsigned missing = 0;
	struct rg_buf names = {0};
	for (size_t t = 0; t < N_TYPES; t++) {
		bool is_added = add_set & (1u << t);
		bool is_judged = is_added || (private_set & (1u << t));
		if (at[t] >= 0) {
			check_path(nss->u.items[at[t]], (size_t)at[t], ns_types[t], is_judged,
				   is_added, ctx);
			continue;
		}
		if (!is_judged)
			continue;
		missing |= 1u << t;
		if (!is_added)
			rg_buf_printf(&names, "%s%s", names.len ? ", " : "", ns_types[t]);
	}
	_cleanup_free_ char *list = rg_buf_steal(&names);
	bool may_add_private =
	    !*list ||
	    rg_rule_may_fix(ctx, NS_PATH,
			    "no private %s namespace%s: the container would share the host's", list,
			    strchr(list, ',') ? "s" : "");
	for (size_t t = 0; t < N_TYPES; t++) {
		if (!(missing & (1u << t)) || (!(add_set & (1u << t)) && !may_add_private))
			continue;
		r = add_namespace(spec, ctx, ns_types[t], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_list(const struct rg_json *settings, const char *key, const char *file,
		      const char *path, unsigned *ret, struct rg_error **err)
{
	const struct rg_json *list = NULL;
	*ret = 0;
	int r = rg_settings_array(settings, key, "namespace types", file, path, &list, err);
	if (r < 0 || !list)
		return r;
	for (size_t i = 0; i < list->n; i++) {
		const char *name = rg_json_str(list->u.items[i]);
		int t = type_index(name);
		if (t < 0)
			return rg_error_set(
			    err, EINVAL,
			    "%s: %s.%s[%zu]: unknown namespace type '%s' (known: pid, "
			    "network, mount, ipc, uts, user, cgroup, time)",
			    file, path, key, i, name ? name : "(not a string)");
		*ret |= 1u << t;
	}
	return 0;
}

static int ns_check(const struct rg_json *settings, const char *file, const char *path,
		    struct rg_error **err)
{
	static const char *const keys[] = {"private", "add", NULL};
	unsigned private_set, add_set;
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	r = check_list(settings, "private", file, path, &private_set, err);
	if (r < 0)
		return r;
	r = check_list(settings, "add", file, path, &add_set, err);
	if (r < 0)
		return r;
	for (size_t t = 0; t < N_TYPES; t++)
		if (private_set & add_set & (1u << t))
			return rg_error_set(
			    err, EINVAL,
			    "%s: %s: namespace type '%s' is in both \"private\" and "
			    "\"add\"",
			    file, path, ns_types[t]);
	return 0;
}

const struct rg_rule rg_rule_namespaces = {"namespaces", ns_check, ns_apply};
