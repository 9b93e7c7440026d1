/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user rule (Pod Security "runAsNonRoot"): the container process must
 * not run as uid 0 — unless a user namespace maps container root to an
 * unprivileged host uid, where uid 0 inside is not root on the host.
 * fix: run as the configured uid/gid (default 65534, "nobody").
 */
#include <errno.h>
#include <stdio.h>

#include "runguard/rules.h"
#include "runguard/util.h"

#define NOBODY 65534

/* True when linux.uidMappings maps container uid 0 to a host uid other than 0. */
static bool root_is_mapped_away(const struct rg_json *spec)
{
	const struct rg_json *maps = rg_json_get(rg_json_get(spec, "linux"), "uidMappings");
	for (size_t i = 0; rg_json_is(maps, RG_JSON_ARRAY) && i < maps->n; i++) {
		long long c, h, n;
		const struct rg_json *m = maps->u.items[i];
		if (rg_json_int64(rg_json_get(m, "containerID"), &c) < 0 ||
		    rg_json_int64(rg_json_get(m, "hostID"), &h) < 0 ||
		    rg_json_int64(rg_json_get(m, "size"), &n) < 0)
			continue;
		if (c <= 0 && 0 < c + n)
			return h - c != 0;
	}
	return false;
}

static int user_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *proc = rg_rule_object(spec, "process", ctx->file, "", true, err);
	if (!proc)
		return -EINVAL;
	struct rg_json *user = rg_rule_object(proc, "user", ctx->file, ".process", true, err);
	if (!user)
		return -EINVAL;
	struct rg_json *uid = rg_json_get(user, "uid");
	long long v = 0;
	if (uid && rg_json_int64(uid, &v) < 0)
		return rg_error_set(err, EINVAL,
				    "%s: .process.user.uid: expected an integer, got %s", ctx->file,
				    rg_json_type_name(uid->type));
	if (v != 0 || root_is_mapped_away(spec))
		return 0;
	if (!rg_rule_may_fix(ctx, ".process.user.uid", "runs as root (uid 0); non-root required"))
		return 0;
	char text[32];
	snprintf(text, sizeof(text), "%lld", rg_settings_int(ctx->settings, "uid", NOBODY));
	struct rg_json *after = rg_json_new_number(text);
	rg_rule_record(ctx, ".process.user.uid", uid, after);
	rg_json_set(user, "uid", after);
	struct rg_json *gid = rg_json_get(user, "gid");
	long long g = 0;
	if (!gid || (rg_json_int64(gid, &g) == 0 && g == 0)) {
		snprintf(text, sizeof(text), "%lld", rg_settings_int(ctx->settings, "gid", NOBODY));
		struct rg_json *gafter = rg_json_new_number(text);
		rg_rule_record(ctx, ".process.user.gid", gid, gafter);
		rg_json_set(user, "gid", gafter);
	}
	return 0;
}

static int user_check(const struct rg_json *settings, const char *file, const char *path,
		      struct rg_error **err)
{
	static const char *const keys[] = {"uid", "gid", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	for (size_t i = 0; keys[i]; i++) {
		long long v;
		const struct rg_json *j = rg_json_get(settings, keys[i]);
		if (j && (rg_json_int64(j, &v) < 0 || v <= 0 || v > 0xfffffffe))
			return rg_error_set(err, EINVAL,
					    "%s: %s.%s: expected a non-zero uid/gid number", file,
					    path, keys[i]);
	}
	return 0;
}

const struct rg_rule rg_rule_user = {"user", user_check, user_apply};
