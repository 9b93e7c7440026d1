/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The apparmor rule. A container that asks for no AppArmor profile, or for
 * "unconfined" (docker --privileged does), runs with none: no mount
 * mediation, /proc/sys and /sys writable as far as capabilities allow. On a
 * host with AppArmor enabled it gets the configured profile instead
 * (profiles/apparmor/runguard-default by default). A profile the container
 * names itself (docker-default, containers-default-*, ...) is left alone:
 * runc refuses to start if that one is not loaded.
 *
 * The profile must be loaded: runc would otherwise fail late with a
 * generic error, so the rule refuses early and says how to load it. Where
 * AppArmor is not enabled the rule changes nothing: runc cannot apply a
 * profile there (and would refuse to start the container).
 *
 * Pure: the host's AppArmor state comes from rg_host (src/host/apparmor.c).
 */
#include <errno.h>
#include <string.h>

#include "runguard/rule_api.h"
#include "runguard/util.h"

#define PATH ".process.apparmorProfile"
/* AppArmor profile names are path-like; the kernel's limit is far larger, ours is generous. */
#define MAX_NAME 255

static const char *configured(const struct rg_json *settings)
{
	const char *p = rg_json_str(rg_json_get(settings, "profile"));
	return p ? p : RG_APPARMOR_DEFAULT_PROFILE;
}

static bool is_confined(const char *s)
{
	return s && *s && !rg_streq(s, "unconfined");
}

static int aa_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	if (!ctx->host || ctx->host->apparmor_enabled != 1)
		return 0;
	struct rg_json *proc = rg_rule_object(spec, "process", ctx->file, "", false, err);
	if (!proc && *err)
		return -EINVAL;
	struct rg_json *cur = rg_json_get(proc, "apparmorProfile");
	if (cur && cur->type != RG_JSON_NULL && cur->type != RG_JSON_STRING)
		return rg_error_set(err, EINVAL, "%s: %s: expected a string, got %s", ctx->file,
				    PATH, rg_json_type_name(cur->type));
	if (is_confined(rg_json_str(cur)))
		return 0;
	if (!rg_rule_may_fix(ctx, PATH, "runs unconfined by AppArmor"))
		return 0;
	const char *profile = configured(ctx->settings);
	int loaded =
	    ctx->host->apparmor_is_loaded ? ctx->host->apparmor_is_loaded(profile) : -ENOSYS;
	if (loaded != 1) {
		/* Fail closed: the container would run unconfined, or runc would fail. */
		rg_report_violation(ctx->report, ctx->rule, PATH,
				    "AppArmor profile '%s' is %s%s; load it (apparmor_parser -r "
				    "/etc/apparmor.d/%s) or name a loaded one in "
				    "rules.apparmor.profile",
				    profile, loaded == 0 ? "not loaded" : "not verifiably loaded: ",
				    loaded == 0 ? "" : strerror(loaded < 0 ? -loaded : EIO),
				    profile);
		return 0;
	}
	if (!proc)
		proc = rg_rule_object(spec, "process", ctx->file, "", true, err);
	struct rg_json *after = rg_json_new_string(profile);
	rg_rule_record(ctx, PATH, cur, after);
	rg_json_set(proc, "apparmorProfile", after);
	return 0;
}

static int aa_check(const struct rg_json *settings, const char *file, const char *path,
		    struct rg_error **err)
{
	static const char *const keys[] = {"profile", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	const struct rg_json *p = rg_json_get(settings, "profile");
	if (!p)
		return 0;
	const char *s = rg_json_str(p);
	bool ok = s && *s && strlen(s) == p->u.s.len && strlen(s) <= MAX_NAME &&
		  !rg_streq(s, "unconfined");
	for (const char *c = s; ok && *c; c++)
		ok = (unsigned char)*c > ' ' && *c != 0x7f;
	if (!ok)
		return rg_error_set(err, EINVAL,
				    "%s: %s.profile: expected the name of an AppArmor profile (not "
				    "\"unconfined\", no blanks, at most %d bytes)",
				    file, path, MAX_NAME);
	return 0;
}

const struct rg_rule rg_rule_apparmor = {"apparmor", aa_check, aa_apply};
