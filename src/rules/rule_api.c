/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule API's helpers (include/runguard/rule_api.h): settings parsing,
 * recording changes and violations, the small JSON accessors every rule
 * shares. They depend on the JSON tree and the report only, not on the
 * registry, the configuration or the policy code.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/rule_api.h"
#include "runguard/util.h"

struct rg_json *rg_rule_object(struct rg_json *obj, const char *key, const char *file,
			       const char *path, bool create, struct rg_error **err)
{
	struct rg_json *v = rg_json_get(obj, key);

	if (v && v->type == RG_JSON_OBJECT)
		return v;
	if (v && v->type != RG_JSON_NULL) {
		rg_error_set(err, EINVAL, "%s: %s.%s: expected an object, got %s", file, path, key,
			     rg_json_type_name(v->type));
		return NULL;
	}
	if (!create)
		return NULL;
	v = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(obj, key, v);
	return v;
}

void rg_rule_record(struct rg_rule_ctx *ctx, const char *path, const struct rg_json *before,
		    const struct rg_json *after)
{
	rg_report_change_take(ctx->report, ctx->rule, path, before ? rg_json_brief(before) : NULL,
			      after ? rg_json_brief(after) : NULL);
}

bool rg_rule_may_fix(struct rg_rule_ctx *ctx, const char *path, const char *fmt, ...)
{
	if (ctx->action == RG_ACTION_FIX)
		return true;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *m = rg_xvasprintf(fmt, ap);
	va_end(ap);
	rg_report_violation(ctx->report, ctx->rule, path, "%s", m);
	return false;
}

int rg_settings_only(const struct rg_json *settings, const char *const *keys, const char *file,
		     const char *path, struct rg_error **err)
{
	for (size_t i = 0; i < settings->n; i++) {
		const char *k = settings->u.members[i].key;
		bool ok = rg_streq(k, "action");
		for (size_t j = 0; !ok && keys[j]; j++)
			ok = rg_streq(k, keys[j]);
		if (!ok)
			return rg_error_set(err, EINVAL, "%s: %s.%s: unknown setting", file, path,
					    k);
	}
	return 0;
}

int rg_settings_array(const struct rg_json *settings, const char *key, const char *what,
		      const char *file, const char *path, const struct rg_json **ret_array,
		      struct rg_error **err)
{
	const struct rg_json *arr = rg_json_get(settings, key);
	if (arr && !rg_json_is(arr, RG_JSON_ARRAY))
		return rg_error_set(err, EINVAL, "%s: %s.%s: expected an array of %s", file, path,
				    key, what);
	*ret_array = arr;
	return 0;
}

int rg_settings_allow(const struct rg_json *settings, const char *what, const char *file,
		      const char *path, const struct rg_json **ret_allow, struct rg_error **err)
{
	static const char *const keys[] = {"allow", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	return r < 0 ? r : rg_settings_array(settings, "allow", what, file, path, ret_allow, err);
}

int rg_settings_abs_paths(const struct rg_json *settings, const char *key, const char *file,
			  const char *path, struct rg_error **err)
{
	const struct rg_json *list = NULL;
	int r = rg_settings_array(settings, key, "absolute paths", file, path, &list, err);
	if (r < 0 || !list)
		return r;
	for (size_t i = 0; i < list->n; i++) {
		const char *p = rg_json_str(list->u.items[i]);
		if (!p || p[0] != '/' || strlen(p) != list->u.items[i]->u.s.len)
			return rg_error_set(err, EINVAL,
					    "%s: %s.%s[%zu]: expected an absolute path", file, path,
					    key, i);
	}
	return 0;
}

long long rg_settings_int(const struct rg_json *settings, const char *key, long long def)
{
	long long v;
	const struct rg_json *j = rg_json_get(settings, key);
	return j && rg_json_int64(j, &v) == 0 ? v : def;
}

int rg_rule_uint64(const struct rg_json *j, unsigned long long *ret)
{
	unsigned long long v = 0;

	if (!j || j->type != RG_JSON_NUMBER || !j->u.s.text[0])
		return -EINVAL;
	for (const char *p = j->u.s.text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned d = (unsigned)(*p - '0');
		if (v > (ULLONG_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}
