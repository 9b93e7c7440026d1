/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The annotations rule. Some annotations change what the runtime does
 * behind the spec's back, so a spec that runguard confined could still run
 * unconfined:
 *   run.oci.*               crun: seccomp_bpf_data replaces the seccomp
 *                           section, handler picks another executor,
 *                           hooks.* adds hooks, keep_original_groups keeps
 *                           the caller's groups, no_pivot skips pivot_root;
 *                           crun lists the whole prefix as potentially unsafe
 *   org.systemd.property.*  runc with the systemd cgroup driver: arbitrary
 *                           unit properties (DeviceAllow=, ...)
 *   org.criu.config         runc checkpoint/restore: a CRIU configuration
 *                           file, which can run scripts on the host
 * Annotations matching a "deny" glob (fnmatch(3), default the three above)
 * and no "allow" glob (default none) are removed (fix) or refused (reject).
 * runguard's own run.runguard.* annotations are never touched: the annotate
 * rule, which runs last, owns them.
 *
 * A key is matched as C sees it, up to a NUL byte if it holds one, which is
 * how crun (a C program) reads it too.
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "runguard/rule_api.h"
#include "runguard/util.h"

#define OWN_PREFIX "run.runguard."

static const char *const default_deny[] = {"run.oci.*", "org.systemd.property.*", "org.criu.config",
					   NULL};

static bool matches(const char *key, const struct rg_json *list, const char *const *def)
{
	if (rg_json_is(list, RG_JSON_ARRAY)) {
		for (size_t i = 0; i < list->n; i++) {
			const char *g = rg_json_str(list->u.items[i]);
			if (g && fnmatch(g, key, 0) == 0)
				return true;
		}
		return false;
	}
	for (size_t i = 0; def && def[i]; i++)
		if (fnmatch(def[i], key, 0) == 0)
			return true;
	return false;
}

static int annotations_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *ann = rg_rule_object(spec, "annotations", ctx->file, "", false, err);
	if (!ann)
		return *err ? -EINVAL : 0;
	const struct rg_json *deny = rg_json_get(ctx->settings, "deny");
	const struct rg_json *allow = rg_json_get(ctx->settings, "allow");
	for (size_t i = ann->n; i-- > 0;) {
		const char *key = ann->u.members[i].key;
		if (rg_startswith(key, OWN_PREFIX) || !matches(key, deny, default_deny) ||
		    matches(key, allow, NULL))
			continue;
		_cleanup_free_ char *path = rg_xasprintf(".annotations[\"%s\"]", key);
		if (!rg_rule_may_fix(ctx, path,
				     "annotation %s changes the runtime's behaviour "
				     "outside the spec",
				     key))
			continue;
		rg_rule_record(ctx, path, ann->u.members[i].value, NULL);
		/* By index: a key with a NUL byte must not be looked up by its prefix. */
		rg_json_remove_at(ann, i);
	}
	return 0;
}

static int check_globs(const struct rg_json *settings, const char *key, const char *file,
		       const char *path, struct rg_error **err)
{
	const struct rg_json *list = NULL;
	int r = rg_settings_array(settings, key, "glob patterns", file, path, &list, err);
	if (r < 0 || !list)
		return r;
	for (size_t i = 0; i < list->n; i++) {
		const char *g = rg_json_str(list->u.items[i]);
		if (!g || !*g || strlen(g) != list->u.items[i]->u.s.len)
			return rg_error_set(err, EINVAL,
					    "%s: %s.%s[%zu]: expected a non-empty glob pattern",
					    file, path, key, i);
	}
	return 0;
}

static int annotations_check(const struct rg_json *settings, const char *file, const char *path,
			     struct rg_error **err)
{
	static const char *const keys[] = {"deny", "allow", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r == 0)
		r = check_globs(settings, "deny", file, path, err);
	return r < 0 ? r : check_globs(settings, "allow", file, path, err);
}

const struct rg_rule rg_rule_annotations = {"annotations", annotations_check, annotations_apply};
