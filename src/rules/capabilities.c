/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The capability ceiling rule: every capability set of the process is
 * intersected with the policy's "allow" list, never widened. Names are
 * judged by src/lib/capnames.c, in runc's exact spelling.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runguard/capnames.h"
#include "runguard/rule_api.h"
#include "runguard/util.h"

static const char *const cap_sets[] = {"bounding", "effective", "inheritable", "permitted",
				       "ambient"};

static bool in_ceiling(const struct rg_json *allow, const char *name)
{
	for (size_t i = 0; rg_json_is(allow, RG_JSON_ARRAY) && i < allow->n; i++) {
		const char *a = rg_json_str(allow->u.items[i]);
		if (a && rg_streq(a, name))
			return true;
	}
	return false;
}

/* Intersects one set with the ceiling; never adds. */
static int ceil_set(struct rg_json *caps, const char *set, struct rg_rule_ctx *ctx,
		    struct rg_error **err)
{
	const struct rg_json *allow = rg_json_get(ctx->settings, "allow");
	struct rg_json *arr = rg_json_get(caps, set);
	char path[64];

	snprintf(path, sizeof(path), ".process.capabilities.%s", set);
	if (!arr || arr->type == RG_JSON_NULL)
		return 0;
	if (arr->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL, "%s: %s: expected an array, got %s", ctx->file,
				    path, rg_json_type_name(arr->type));
	struct rg_buf extra = {0};
	for (size_t i = 0; i < arr->n; i++) {
		const char *name = rg_json_str(arr->u.items[i]);
		if (!name) {
			rg_buf_free(&extra);
			return rg_error_set(err, EINVAL, "%s: %s[%zu]: expected a string, got %s",
					    ctx->file, path, i,
					    rg_json_type_name(arr->u.items[i]->type));
		}
		if (strlen(name) != arr->u.items[i]->u.s.len || rg_capnames_lookup(name) < 0) {
			rg_buf_free(&extra);
			/* Quote plainly unless the name hides control bytes or a NUL. */
			bool is_plain = strlen(name) == arr->u.items[i]->u.s.len;
			for (const char *c = name; is_plain && *c; c++)
				is_plain = (unsigned char)*c >= 0x20;
			_cleanup_free_ char *shown =
			    is_plain ? rg_xasprintf("'%s'", name) : rg_json_brief(arr->u.items[i]);
			return rg_error_set(err, EINVAL,
					    "%s: %s[%zu]: unknown capability %s (names are "
					    "spelled CAP_UPPER_CASE)",
					    ctx->file, path, i, shown);
		}
		if (!in_ceiling(allow, name)) {
			if (extra.len)
				rg_buf_puts(&extra, ", ");
			rg_buf_puts(&extra, name);
		}
	}
	_cleanup_free_ char *over = rg_buf_steal(&extra);
	if (!*over || !rg_rule_may_fix(ctx, path, "capabilities beyond the ceiling: %s", over))
		return 0;
	_cleanup_json_ struct rg_json *before = rg_json_clone(arr);
	for (size_t i = arr->n; i-- > 0;)
		if (!in_ceiling(allow, rg_json_str(arr->u.items[i])))
			rg_json_array_remove(arr, i);
	rg_rule_record(ctx, path, before, arr);
	return 0;
}

static int caps_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *proc = rg_rule_object(spec, "process", ctx->file, "", false, err);
	if (!proc)
		return *err ? -EINVAL : 0;
	struct rg_json *caps =
	    rg_rule_object(proc, "capabilities", ctx->file, ".process", false, err);
	if (!caps)
		return *err ? -EINVAL : 0;
	for (size_t i = 0; i < RG_ARRAY_SIZE(cap_sets); i++) {
		int r = ceil_set(caps, cap_sets[i], ctx, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int caps_check(const struct rg_json *settings, const char *file, const char *path,
		      struct rg_error **err)
{
	const struct rg_json *allow = NULL;
	int r = rg_settings_allow(settings, "capability names", file, path, &allow, err);
	if (r < 0 || !allow)
		return r;
	for (size_t i = 0; i < allow->n; i++) {
		const char *n = rg_json_str(allow->u.items[i]);
		if (!n || rg_capnames_lookup(n) < 0)
			return rg_error_set(err, EINVAL,
					    "%s: %s.allow[%zu]: unknown capability '%s'", file,
					    path, i, n ? n : "(not a string)");
	}
	return 0;
}

const struct rg_rule rg_rule_capabilities = {"capabilities", caps_check, caps_apply};
