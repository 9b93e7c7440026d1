/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp rule. A config.json with no linux.seccomp, or with one that
 * allows everything and denies nothing, gets the policy's profile, resolved
 * for this host and for the container's *final* capabilities:
 *
 *   - "archMap" (as moby and containers-common write it) becomes the OCI
 *     "architectures" list for the native arch;
 *   - syscall entries with "includes"/"excludes" conditions on caps, arches
 *     or minKernel are kept or dropped, and the conditions removed, since
 *     the OCI linux.seccomp that runc reads has no such keys.
 *
 * A profile that already denies something is left to a later rule (the
 * must-deny set); this rule only fills the gap.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runguard/embedded.h"
#include "runguard/rule_api.h"
#include "runguard/util.h"

#define RULE "seccomp"

static bool is_allow_action(const char *a)
{
	return a && (rg_streq(a, "SCMP_ACT_ALLOW") || rg_streq(a, "SCMP_ACT_LOG"));
}

/*
 * True when the profile lets every syscall through: an allowing (or, as runc
 * reads it, empty: seccomp disabled) defaultAction and no rule that denies a
 * named syscall.
 */
static int allows_everything(const struct rg_json *sc, const char *file, bool *ret,
			     struct rg_error **err)
{
	const struct rg_json *def = rg_json_get(sc, "defaultAction");
	const char *a = rg_json_str(def);
	const struct rg_json *calls = rg_json_get(sc, "syscalls");

	if (def && !a)
		return rg_error_set(err, EINVAL,
				    "%s: .linux.seccomp.defaultAction: expected a string, got %s",
				    file, rg_json_type_name(def->type));
	if (calls && calls->type != RG_JSON_NULL && calls->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL,
				    "%s: .linux.seccomp.syscalls: expected an array, got %s", file,
				    rg_json_type_name(calls->type));
	for (size_t i = 0; calls && calls->type == RG_JSON_ARRAY && i < calls->n; i++)
		if (!rg_json_is(calls->u.items[i], RG_JSON_OBJECT))
			return rg_error_set(err, EINVAL,
					    "%s: .linux.seccomp.syscalls[%zu]: expected an object",
					    file, i);
	if (a && *a && !is_allow_action(a)) {
		*ret = false;
		return 0;
	}
	for (size_t i = 0; calls && calls->type == RG_JSON_ARRAY && i < calls->n; i++) {
		const struct rg_json *e = calls->u.items[i];
		const struct rg_json *names = rg_json_get(e, "names");
		bool has_names = rg_json_is(names, RG_JSON_ARRAY) && names->n > 0;
		if (has_names && !is_allow_action(rg_json_str(rg_json_get(e, "action")))) {
			*ret = false;
			return 0;
		}
	}
	*ret = true;
	return 0;
}

static bool str_in(const struct rg_json *arr, const char *s)
{
	if (!rg_json_is(arr, RG_JSON_ARRAY) || !s)
		return false;
	for (size_t i = 0; i < arr->n; i++) {
		const char *v = rg_json_str(arr->u.items[i]);
		if (v && rg_streq(v, s))
			return true;
	}
	return false;
}

static bool kernel_at_least(const struct rg_host *h, const char *min)
{
	int maj = 0, min_ = 0;
	if (!min || sscanf(min, "%d.%d", &maj, &min_) < 1)
		return false;
	return h->kernel_major > maj || (h->kernel_major == maj && h->kernel_minor >= min_);
}

/* moby semantics: includes.caps needs all listed caps; excludes.caps drops on any. */
static bool entry_applies(const struct rg_json *e, const struct rg_json *bounding,
			  const struct rg_host *h)
{
	const struct rg_json *inc = rg_json_get(e, "includes");
	const struct rg_json *exc = rg_json_get(e, "excludes");
	const struct rg_json *v;

	if (rg_json_is(inc, RG_JSON_OBJECT)) {
		v = rg_json_get(inc, "caps");
		for (size_t i = 0; rg_json_is(v, RG_JSON_ARRAY) && i < v->n; i++)
			if (!str_in(bounding, rg_json_str(v->u.items[i])))
				return false;
		v = rg_json_get(inc, "arches");
		if (rg_json_is(v, RG_JSON_ARRAY) && v->n > 0 && !str_in(v, h->go_arch))
			return false;
		v = rg_json_get(inc, "minKernel");
		if (v && !kernel_at_least(h, rg_json_str(v)))
			return false;
	}
	if (rg_json_is(exc, RG_JSON_OBJECT)) {
		v = rg_json_get(exc, "caps");
		for (size_t i = 0; rg_json_is(v, RG_JSON_ARRAY) && i < v->n; i++)
			if (str_in(bounding, rg_json_str(v->u.items[i])))
				return false;
		v = rg_json_get(exc, "arches");
		if (str_in(v, h->go_arch))
			return false;
		v = rg_json_get(exc, "minKernel");
		if (v && kernel_at_least(h, rg_json_str(v)))
			return false;
	}
	return true;
}

static void resolve_arches(struct rg_json *prof, const struct rg_host *h)
{
	struct rg_json *map = rg_json_get(prof, "archMap");

	if (!map)
		return;
	struct rg_json *arches = NULL;
	for (size_t i = 0; rg_json_is(map, RG_JSON_ARRAY) && i < map->n && !arches; i++) {
		const struct rg_json *m = map->u.items[i];
		const char *a = rg_json_str(rg_json_get(m, "architecture"));
		if (!a || !h->seccomp_arch || !rg_streq(a, h->seccomp_arch))
			continue;
		arches = rg_json_new(RG_JSON_ARRAY);
		rg_json_append(arches, rg_json_new_string(a));
		const struct rg_json *subs = rg_json_get(m, "subArchitectures");
		for (size_t k = 0; rg_json_is(subs, RG_JSON_ARRAY) && k < subs->n; k++)
			if (rg_json_str(subs->u.items[k]))
				rg_json_append(arches, rg_json_clone(subs->u.items[k]));
	}
	rg_json_remove(prof, "archMap");
	/* Unknown host arch: no list, so runc filters the native arch only. */
	if (arches)
		rg_json_set(prof, "architectures", arches);
}

/* Resolves the policy's profile into plain OCI linux.seccomp. */
static struct rg_json *resolve_profile(struct rg_json *spec, struct rg_rule_ctx *ctx,
				       struct rg_error **err)
{
	const struct rg_policy *p = ctx->policy;
	/* The embedded profile comes parsed at build time; an operator's is parsed here. */
	_cleanup_json_ struct rg_json *prof =
	    p->is_seccomp_owned ? rg_json_parse(p->seccomp_profile, p->seccomp_profile_len,
						p->seccomp_profile_origin, NULL, err)
				: rg_embedded_tree("seccomp");
	if (!prof) {
		if (!p->is_seccomp_owned)
			rg_error_set(err, EINVAL, "embedded seccomp profile: damaged packed tree");
		return NULL;
	}
	if (!rg_json_is(prof, RG_JSON_OBJECT)) {
		rg_error_set(err, EINVAL, "%s: expected a seccomp profile object",
			     p->seccomp_profile_origin);
		return NULL;
	}
	const struct rg_json *bounding =
	    rg_json_get(rg_json_get(rg_json_get(spec, "process"), "capabilities"), "bounding");

	resolve_arches(prof, ctx->host);
	struct rg_json *calls = rg_json_get(prof, "syscalls");
	for (size_t i = calls && calls->type == RG_JSON_ARRAY ? calls->n : 0; i-- > 0;) {
		struct rg_json *e = calls->u.items[i];
		if (!entry_applies(e, bounding, ctx->host)) {
			rg_json_array_remove(calls, i);
			continue;
		}
		rg_json_remove(e, "includes");
		rg_json_remove(e, "excludes");
		rg_json_remove(e, "comment");
	}
	rg_json_remove(prof, "comment");
	/* An empty "flags" changes runc's behaviour; never emit one by accident. */
	const struct rg_json *flags = rg_json_get(prof, "flags");
	if (rg_json_is(flags, RG_JSON_ARRAY) && flags->n == 0)
		rg_json_remove(prof, "flags");
	return steal_ptr(&prof);
}

static int seccomp_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *linux_ = rg_rule_object(spec, "linux", ctx->file, "", true, err);
	if (!linux_)
		return -EINVAL;
	struct rg_json *sc = rg_json_get(linux_, "seccomp");
	if (sc && sc->type != RG_JSON_NULL && sc->type != RG_JSON_OBJECT)
		return rg_error_set(err, EINVAL, "%s: .linux.seccomp: expected an object, got %s",
				    ctx->file, rg_json_type_name(sc->type));
	if (rg_json_is(sc, RG_JSON_OBJECT)) {
		bool is_open = false;
		int r = allows_everything(sc, ctx->file, &is_open, err);
		if (r < 0)
			return r;
		if (!is_open)
			return 0;
	}
	if (!rg_rule_may_fix(ctx, ".linux.seccomp", "%s",
			     sc && sc->type != RG_JSON_NULL ? "seccomp profile allows every syscall"
							    : "no seccomp profile"))
		return 0;
	struct rg_json *prof = resolve_profile(spec, ctx, err);
	if (!prof)
		return -EINVAL;
	/* The profile is large; record a summary rather than its text. */
	_cleanup_json_ struct rg_json *summary =
	    rg_json_new_string(ctx->policy->seccomp_profile_origin);
	rg_rule_record(ctx, ".linux.seccomp", sc && sc->type != RG_JSON_NULL ? sc : NULL, summary);
	rg_json_set(linux_, "seccomp", prof);
	return 0;
}

static int seccomp_check(const struct rg_json *settings, const char *file, const char *path,
			 struct rg_error **err)
{
	static const char *const keys[] = {"profile", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	const struct rg_json *prof = rg_json_get(settings, "profile");
	const char *p = rg_json_str(prof);
	if (prof && (!p || (!rg_streq(p, "default") && p[0] != '/')))
		return rg_error_set(err, EINVAL,
				    "%s: %s.profile: expected \"default\" or an absolute path",
				    file, path);
	return 0;
}

const struct rg_rule rg_rule_seccomp = {RULE, seccomp_check, seccomp_apply};
