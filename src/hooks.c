/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hooks rule. OCI hooks (prestart, createRuntime, createContainer,
 * startContainer, poststart, poststop) are programs the runtime runs on the
 * host, as root, outside every confinement the container gets — whoever can
 * put one into config.json owns the node. Only hooks whose path is in the
 * operator's "allow" list (default: none) may stay; the action decides
 * about the others (reject, or fix by removing the hook).
 *
 * Paths are compared after lexical normalisation, so "/usr/bin/../bin/x"
 * is "/usr/bin/x"; a relative path is never allowed (the spec requires an
 * absolute one). createContainer and startContainer hooks run in the
 * container's namespaces but still as host root, and are treated alike.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runguard/normpath.h"
#include "runguard/rules.h"
#include "runguard/util.h"

static const char *const hook_kinds[] = {"prestart",	   "createRuntime", "createContainer",
					 "startContainer", "poststart",	    "poststop"};

static bool is_allowed(const char *path, const struct rg_json *settings)
{
	_cleanup_free_ char *norm = rg_path_normalize(path);
	const struct rg_json *allow = rg_json_get(settings, "allow");

	for (size_t i = 0; norm && rg_json_is(allow, RG_JSON_ARRAY) && i < allow->n; i++) {
		_cleanup_free_ char *a = rg_path_normalize(rg_json_str(allow->u.items[i]));
		if (a && rg_streq(a, norm))
			return true;
	}
	return false;
}

static int check_hooks(const struct rg_json *list, const char *kind, const char *file,
		       struct rg_error **err)
{
	if (list->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL, "%s: .hooks.%s: expected an array, got %s", file,
				    kind, rg_json_type_name(list->type));
	for (size_t i = 0; i < list->n; i++) {
		const struct rg_json *h = list->u.items[i];
		if (!rg_json_is(h, RG_JSON_OBJECT))
			return rg_error_set(err, EINVAL,
					    "%s: .hooks.%s[%zu]: expected an object, got %s", file,
					    kind, i, rg_json_type_name(h->type));
		const struct rg_json *p = rg_json_get(h, "path");
		if (!rg_json_is(p, RG_JSON_STRING) || strlen(p->u.s.text) != p->u.s.len)
			return rg_error_set(
			    err, EINVAL,
			    "%s: .hooks.%s[%zu].path: expected a string without NUL "
			    "bytes, got %s",
			    file, kind, i, p ? rg_json_type_name(p->type) : "nothing");
	}
	return 0;
}

static int hooks_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *hooks = rg_rule_object(spec, "hooks", ctx->file, "", false, err);
	if (!hooks)
		return *err ? -EINVAL : 0;
	for (size_t k = 0; k < RG_ARRAY_SIZE(hook_kinds); k++) {
		struct rg_json *list = rg_json_get(hooks, hook_kinds[k]);
		if (!list || list->type == RG_JSON_NULL)
			continue;
		int r = check_hooks(list, hook_kinds[k], ctx->file, err);
		if (r < 0)
			return r;
	}
	for (size_t k = 0; k < RG_ARRAY_SIZE(hook_kinds); k++) {
		struct rg_json *list = rg_json_get(hooks, hook_kinds[k]);
		for (size_t i = rg_json_is(list, RG_JSON_ARRAY) ? list->n : 0; i-- > 0;) {
			const char *p = rg_json_str(rg_json_get(list->u.items[i], "path"));
			if (is_allowed(p, ctx->settings))
				continue;
			char path[64];
			snprintf(path, sizeof(path), ".hooks.%s[%zu]", hook_kinds[k], i);
			if (!rg_rule_may_fix(ctx, path,
					     "%s hook %s would run on the host as root; not in the "
					     "allow list",
					     hook_kinds[k], p))
				continue;
			rg_rule_record(ctx, path, list->u.items[i], NULL);
			rg_json_array_remove(list, i);
		}
	}
	return 0;
}

static int hooks_check(const struct rg_json *settings, const char *file, const char *path,
		       struct rg_error **err)
{
	static const char *const keys[] = {"allow", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	const struct rg_json *allow = rg_json_get(settings, "allow");
	if (!allow)
		return 0;
	if (!rg_json_is(allow, RG_JSON_ARRAY))
		return rg_error_set(
		    err, EINVAL, "%s: %s.allow: expected an array of absolute paths", file, path);
	for (size_t i = 0; i < allow->n; i++) {
		const char *p = rg_json_str(allow->u.items[i]);
		if (!p || p[0] != '/' || strlen(p) != allow->u.items[i]->u.s.len)
			return rg_error_set(err, EINVAL,
					    "%s: %s.allow[%zu]: expected an absolute path", file,
					    path, i);
	}
	return 0;
}

const struct rg_rule rg_rule_hooks = {"hooks", hooks_check, hooks_apply};
