/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user rule (Pod Security "runAsNonRoot"), judged on the host's view:
 * what matters is the host uid and gid the container's ids map to, not the
 * container's ids themselves.
 *
 *   - linux.uidMappings/gidMappings count only when linux.namespaces has a
 *     "user" entry without a path: runc 1.1 (specconv) copies the mappings
 *     only then, and crun ignores them without a user namespace too, so
 *     mappings without one leave every id its host value (the process is
 *     host root, whatever the mappings say);
 *   - a user namespace joined by path has the mappings of that namespace,
 *     which config.json does not say: they are read from the host
 *     (userns_maps, for /proc/<pid>/ns/user) and judged alike, and the
 *     container is refused when they cannot be (fail closed);
 *   - the mappings must be what the kernel accepts (at most 340 extents,
 *     no empty, overflowing or overlapping range, on either side); a spec
 *     the kernel would refuse is refused rather than judged as if applied;
 *   - process.user.uid mapping to host uid 0 is root; so is a uid mapping
 *     that gives host uid 0 to any container uid (a process with
 *     CAP_SETUID in its namespace reaches it with setuid(2));
 *   - unless "allowRootGroup" is set, process.user.gid and each of
 *     additionalGids mapping to host gid 0 is the root group (files written
 *     on a bind mount belong to it), and so is a gid mapping that gives
 *     host gid 0 to any container gid.
 *
 * fix: run as the configured uid/gid (default 65534, "nobody") and drop the
 * additional gids that are root's; a mapping that reaches host root cannot
 * be fixed and is refused whatever the action.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runguard/rule_api.h"
#include "runguard/util.h"

#define NOBODY 65534
/* The kernel's limit on extents in uid_map/gid_map (since 4.15; 5 before). */
#define MAX_EXTENTS 340
#define ID_LIMIT 4294967296ULL /* ids are u32; (u32)-1 is not a valid id */

struct extent {
	unsigned long long inside, outside, count;
};

/* One of linux.uidMappings / gidMappings, as the runtime will apply it. */
struct idmap {
	const char *key; /* "uidMappings" */
	const char *what; /* "uid" */
	struct extent e[MAX_EXTENTS];
	size_t n;
};

enum userns { USERNS_NONE, USERNS_NEW, USERNS_JOINED };

static enum userns userns_of(const struct rg_json *spec, const char **ret_path)
{
	const struct rg_json *nss = rg_json_get(rg_json_get(spec, "linux"), "namespaces");
	enum userns u = USERNS_NONE;
	for (size_t i = 0; rg_json_is(nss, RG_JSON_ARRAY) && i < nss->n; i++) {
		const struct rg_json *ns = nss->u.items[i];
		const char *type = rg_json_str(rg_json_get(ns, "type"));
		/* An entry without a string type is the namespaces rule's (and runc's) error. */
		if (!type || !rg_streq(type, "user"))
			continue;
		const struct rg_json *path = rg_json_get(ns, "path");
		const char *p = rg_json_str(path);
		/* A path of another type is the namespaces rule's to refuse; fail closed here. */
		if ((p && *p) || (path && path->type != RG_JSON_NULL && !p)) {
			*ret_path = p;
			return USERNS_JOINED;
		}
		u = USERNS_NEW;
	}
	return u;
}

static bool overlaps(unsigned long long a, unsigned long long b, unsigned long long n,
		     unsigned long long m)
{
	return a < b + m && b < a + n;
}

/* Reads one extent: NULL, or why the runtime or the kernel refuses it. */
static const char *read_extent(const struct rg_json *m, struct extent *e)
{
	static const char *const keys[] = {"containerID", "hostID", "size"};
	unsigned long long *v[] = {&e->inside, &e->outside, &e->count};

	if (!rg_json_is(m, RG_JSON_OBJECT))
		return "not an object";
	for (size_t k = 0; k < RG_ARRAY_SIZE(keys); k++) {
		const struct rg_json *j = rg_json_get(m, keys[k]);
		*v[k] = 0;
		/* Go decodes a missing field as 0 and refuses anything but a uint32. */
		if (j && j->type != RG_JSON_NULL &&
		    (rg_rule_uint64(j, v[k]) < 0 || *v[k] >= ID_LIMIT))
			return "an id or size that is not a 32-bit unsigned integer";
	}
	if (e->count == 0)
		return "an empty range (size 0)";
	if (e->inside + e->count >= ID_LIMIT || e->outside + e->count >= ID_LIMIT)
		return "a range past the last valid id";
	return NULL;
}

/*
 * Reads linux.<map->key> into map as the kernel would accept it. 0 with
 * map->n set (0 when absent); 1 with a violation recorded when the kernel
 * would refuse it; -EINVAL with *err for a value of the wrong type.
 */
static int read_map(const struct rg_json *spec, struct idmap *map, struct rg_rule_ctx *ctx,
		    struct rg_error **err)
{
	const struct rg_json *maps = rg_json_get(rg_json_get(spec, "linux"), map->key);
	_cleanup_free_ char *where = rg_xasprintf(".linux.%s", map->key);

	map->n = 0;
	if (!maps || maps->type == RG_JSON_NULL)
		return 0;
	if (maps->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL, "%s: %s: expected an array, got %s", ctx->file,
				    where, rg_json_type_name(maps->type));
	if (maps->n > MAX_EXTENTS) {
		rg_report_violation(ctx->report, ctx->rule, where,
				    "%zu ranges: the kernel accepts at most %d", (size_t)maps->n,
				    MAX_EXTENTS);
		return 1;
	}
	for (size_t i = 0; i < maps->n; i++) {
		struct extent *e = &map->e[i];
		const char *why = read_extent(maps->u.items[i], e);
		for (size_t k = 0; !why && k < i; k++) {
			const struct extent *o = &map->e[k];
			if (overlaps(e->inside, o->inside, e->count, o->count) ||
			    overlaps(e->outside, o->outside, e->count, o->count))
				why = "a range overlapping another (the kernel refuses the map)";
		}
		if (why) {
			rg_report_violation(ctx->report, ctx->rule, where, "[%zu]: %s", i, why);
			return 1;
		}
	}
	map->n = maps->n;
	return 0;
}

/* The kernel's uid_map text ("inside outside count" lines) into map. false: not readable. */
static bool parse_map_text(const char *text, struct idmap *map)
{
	map->n = 0;
	for (const char *p = text; *p;) {
		unsigned long long in, out, count;
		int used = 0;
		if (map->n == MAX_EXTENTS ||
		    sscanf(p, " %llu %llu %llu%n", &in, &out, &count, &used) != 3)
			return false;
		map->e[map->n++] = (struct extent){in, out, count};
		p += used;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	return true;
}

/*
 * A user namespace joined by path: its own maps, as the host adapter reads
 * them from a process in it. 0 with both maps filled; 1 with a violation.
 */
static int joined_maps(const char *path, struct idmap *uids, struct idmap *gids,
		       struct rg_rule_ctx *ctx)
{
	_cleanup_free_ char *uid_text = NULL, *gid_text = NULL;
	int r = path && ctx->host && ctx->host->userns_maps
		    ? ctx->host->userns_maps(path, &uid_text, &gid_text)
		    : -ENOTSUP;
	if (r == 0 && parse_map_text(uid_text, uids) && parse_map_text(gid_text, gids))
		return 0;
	rg_report_violation(ctx->report, ctx->rule, ".linux.namespaces",
			    "a user namespace joined by path (%s): its uid and gid mappings are "
			    "not in config.json and %s, so who the process is on the host "
			    "cannot be told",
			    path ? path : "not a string",
			    r == -ENOTSUP ? "only /proc/<pid>/ns/user's can be read"
					  : "they could not be read");
	return 1;
}

/*
 * The host id container id `id` maps to; with no map (no user namespace)
 * the id itself. -1: unmapped (the kernel refuses to switch to it, so the
 * process cannot run as it).
 */
static long long host_id(const struct idmap *map, bool is_applied, unsigned long long id)
{
	if (!is_applied)
		return (long long)id;
	for (size_t i = 0; i < map->n; i++) {
		const struct extent *e = &map->e[i];
		if (id >= e->inside && id < e->inside + e->count)
			return (long long)(e->outside + (id - e->inside));
	}
	return -1;
}

/* A range that gives host id 0 to some container id (refused whatever the action). */
static bool reaches_host_root(const struct idmap *map, struct rg_rule_ctx *ctx)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct extent *e = &map->e[i];
		if (e->outside != 0)
			continue;
		_cleanup_free_ char *where = rg_xasprintf(".linux.%s[%zu]", map->key, i);
		rg_report_violation(ctx->report, ctx->rule, where,
				    "maps container %s %llu to host %s 0 (root)", map->what,
				    e->inside, map->what);
		return true;
	}
	return false;
}

/* Reads an id member of process.user: 0 when absent (runc's default), -EINVAL when not an id. */
static int read_id(const struct rg_json *j, const char *path, struct rg_rule_ctx *ctx,
		   unsigned long long *ret, struct rg_error **err)
{
	*ret = 0;
	if (!j || j->type == RG_JSON_NULL)
		return 0;
	if (rg_rule_uint64(j, ret) < 0 || *ret >= ID_LIMIT)
		return rg_error_set(err, EINVAL, "%s: %s: expected a 32-bit unsigned id, got %s %s",
				    ctx->file, path, rg_json_type_name(j->type),
				    j->type == RG_JSON_NUMBER ? j->u.s.text : "");
	return 0;
}

static void set_id(struct rg_json *user, const char *key, long long v, struct rg_rule_ctx *ctx)
{
	char text[32];
	snprintf(text, sizeof(text), "%lld", v);
	struct rg_json *after = rg_json_new_number(text);
	_cleanup_free_ char *path = rg_xasprintf(".process.user.%s", key);
	rg_rule_record(ctx, path, rg_json_get(user, key), after);
	rg_json_set(user, key, after);
}

/* The uid: host root is fixed to the configured uid (or refused). */
static int check_uid(struct rg_json *user, const struct idmap *uids, bool is_applied,
		     struct rg_rule_ctx *ctx, struct rg_error **err)
{
	unsigned long long uid;
	int r = read_id(rg_json_get(user, "uid"), ".process.user.uid", ctx, &uid, err);
	if (r < 0)
		return r;
	if (host_id(uids, is_applied, uid) != 0)
		return 0;
	if (!rg_rule_may_fix(ctx, ".process.user.uid",
			     uid == 0 ? "runs as root (uid 0); non-root required"
				      : "runs as uid %llu, which is host uid 0 (root); non-root "
					"required",
			     uid))
		return 0;
	set_id(user, "uid", rg_settings_int(ctx->settings, "uid", NOBODY), ctx);
	return 0;
}

/* The gid and additionalGids: host gid 0 is fixed away (or refused). */
static int check_gids(struct rg_json *user, const struct idmap *gids, bool is_applied,
		      struct rg_rule_ctx *ctx, struct rg_error **err)
{
	unsigned long long gid;
	int r = read_id(rg_json_get(user, "gid"), ".process.user.gid", ctx, &gid, err);
	if (r < 0)
		return r;
	if (host_id(gids, is_applied, gid) == 0 &&
	    rg_rule_may_fix(ctx, ".process.user.gid",
			    "runs with gid %llu, which is host gid 0 (the root group)", gid))
		set_id(user, "gid", rg_settings_int(ctx->settings, "gid", NOBODY), ctx);
	struct rg_json *add = rg_json_get(user, "additionalGids");
	if (!add || add->type == RG_JSON_NULL)
		return 0;
	if (add->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL,
				    "%s: .process.user.additionalGids: expected an array, got %s",
				    ctx->file, rg_json_type_name(add->type));
	for (size_t i = add->n; i-- > 0;) {
		_cleanup_free_ char *where = rg_xasprintf(".process.user.additionalGids[%zu]", i);
		r = read_id(add->u.items[i], where, ctx, &gid, err);
		if (r < 0)
			return r;
		if (host_id(gids, is_applied, gid) != 0 ||
		    !rg_rule_may_fix(ctx, where,
				     "additional gid %llu is host gid 0 (the root group)", gid))
			continue;
		rg_rule_record(ctx, where, add->u.items[i], NULL);
		rg_json_array_remove(add, i);
	}
	return 0;
}

static int user_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	_cleanup_free_ struct idmap *uids = rg_xcalloc(1, sizeof(*uids));
	_cleanup_free_ struct idmap *gids = rg_xcalloc(1, sizeof(*gids));
	const struct rg_json *arg = rg_json_get(ctx->settings, "allowRootGroup");
	bool is_group_ok = arg && arg->type == RG_JSON_TRUE;
	const char *joined = NULL;
	enum userns u = userns_of(spec, &joined);

	*uids = (struct idmap){.key = "uidMappings", .what = "uid"};
	*gids = (struct idmap){.key = "gidMappings", .what = "gid"};
	/* Joined by path, the namespace's own maps apply, not config.json's. */
	if (u == USERNS_JOINED && joined_maps(joined, uids, gids, ctx) > 0)
		return 0;
	/* Without a user namespace the runtime ignores the mappings: the host's ids. */
	bool is_applied = u != USERNS_NONE;
	int r = 0;
	if (u == USERNS_NEW) {
		int ru = read_map(spec, uids, ctx, err);
		if (ru < 0)
			return ru;
		int rgid = read_map(spec, gids, ctx, err);
		if (rgid < 0)
			return rgid;
		/* A map the kernel refuses: nothing to judge it by. */
		if (ru > 0 || rgid > 0)
			return 0;
	}
	if (is_applied) {
		reaches_host_root(uids, ctx);
		if (!is_group_ok)
			reaches_host_root(gids, ctx);
	}
	struct rg_json *proc = rg_rule_object(spec, "process", ctx->file, "", true, err);
	if (!proc)
		return -EINVAL;
	struct rg_json *user = rg_rule_object(proc, "user", ctx->file, ".process", true, err);
	if (!user)
		return -EINVAL;
	r = check_uid(user, uids, is_applied, ctx, err);
	if (r == 0 && !is_group_ok)
		r = check_gids(user, gids, is_applied, ctx, err);
	return r;
}

static int user_check(const struct rg_json *settings, const char *file, const char *path,
		      struct rg_error **err)
{
	static const char *const keys[] = {"uid", "gid", "allowRootGroup", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < 2; i++) {
		long long v;
		const struct rg_json *j = rg_json_get(settings, keys[i]);
		if (j && (rg_json_int64(j, &v) < 0 || v <= 0 || v > 0xfffffffe))
			return rg_error_set(err, EINVAL,
					    "%s: %s.%s: expected a non-zero uid/gid number", file,
					    path, keys[i]);
	}
	const struct rg_json *arg = rg_json_get(settings, "allowRootGroup");
	if (arg && !rg_json_is_bool(arg))
		return rg_error_set(err, EINVAL, "%s: %s.allowRootGroup: expected a boolean", file,
				    path);
	return 0;
}

const struct rg_rule rg_rule_user = {"user", user_check, user_apply};
