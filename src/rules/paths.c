/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The paths rule: the standard masked and read-only paths under /proc and
 * /sys are present in linux.maskedPaths and linux.readonlyPaths, so that a
 * container cannot read kernel memory (/proc/kcore), other keyrings
 * (/proc/keys), scheduler and timer internals, firmware tables, or write
 * /proc/sysrq-trigger and /proc/sys. runc bind-mounts /dev/null (or an
 * empty read-only tmpfs for directories) over each masked path and
 * remounts each read-only path read-only.
 *
 *   "paths": {"masked": ["/proc/kcore", ...], "readonly": ["/proc/sys", ...]}
 *
 * fix appends what is missing (nothing is removed: entries the engine
 * added stay); reject refuses the container. Paths compare after lexical
 * clean-up ("/proc//kcore/" is "/proc/kcore"), which is how they resolve
 * in the container's /proc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runguard/normpath.h"
#include "runguard/rule_api.h"
#include "runguard/util.h"

static const char *const default_masked[] = {
    "/proc/acpi",	 "/proc/asound",	"/proc/interrupts", "/proc/kcore",
    "/proc/keys",	 "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
    "/proc/sched_debug", "/proc/scsi",		"/sys/firmware",    "/sys/devices/virtual/powercap",
};

static const char *const default_readonly[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static const struct {
	const char *key; /* in linux */
	const char *setting; /* in the rule's settings */
	const char *what;
	const char *const *defaults;
	size_t n_defaults;
} lists[] = {
    {"maskedPaths", "masked", "masked", default_masked, RG_ARRAY_SIZE(default_masked)},
    {"readonlyPaths", "readonly", "read-only", default_readonly, RG_ARRAY_SIZE(default_readonly)},
};

/*
 * Lexical clean-up of an absolute path: no empty or "." components, ".."
 * removes the previous one (never above "/"), no trailing slash. Caller
 * frees.
 */
static char *clean_path(const char *p)
{
	size_t len = strlen(p);
	char *out = rg_xmalloc(len + 2);
	size_t o = 0;

	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static bool has_path(const struct rg_json *arr, const char *want)
{
	size_t want_len = strlen(want);

	for (size_t i = 0; rg_json_is(arr, RG_JSON_ARRAY) && i < arr->n; i++) {
		const char *s = rg_json_str(arr->u.items[i]);
		/* Cleaning never lengthens a path: a shorter one cannot come out as want. */
		if (!s || s[0] != '/' || arr->u.items[i]->u.s.len < want_len)
			continue;
		/* Most are clean already: compared as they are, without a copy. */
		if (rg_path_is_normal(s)) {
			if (rg_streq(s, want))
				return true;
			continue;
		}
		_cleanup_free_ char *c = clean_path(s);
		if (rg_streq(c, want))
			return true;
	}
	return false;
}

/* linux.<key>: an array of strings, or absent/null. */
static int get_list(const struct rg_json *linux_, const char *key, const char *file,
		    struct rg_json **ret, struct rg_error **err)
{
	struct rg_json *arr = rg_json_get(linux_, key);

	if (arr && arr->type != RG_JSON_NULL && arr->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL, "%s: .linux.%s: expected an array, got %s", file,
				    key, rg_json_type_name(arr->type));
	for (size_t i = 0; rg_json_is(arr, RG_JSON_ARRAY) && i < arr->n; i++)
		if (!rg_json_str(arr->u.items[i]))
			return rg_error_set(err, EINVAL,
					    "%s: .linux.%s[%zu]: expected a string, got %s", file,
					    key, i, rg_json_type_name(arr->u.items[i]->type));
	*ret = rg_json_is(arr, RG_JSON_ARRAY) ? arr : NULL;
	return 0;
}

static int ensure_list(struct rg_json *spec, size_t which, struct rg_rule_ctx *ctx,
		       struct rg_error **err)
{
	const struct rg_json *setting = rg_json_get(ctx->settings, lists[which].setting);
	size_t n = rg_json_is(setting, RG_JSON_ARRAY) ? setting->n : lists[which].n_defaults;
	struct rg_json *linux_ = rg_rule_object(spec, "linux", ctx->file, "", false, err);
	struct rg_json *arr = NULL;
	struct rg_buf missing = {0};
	char path[32];

	if (!linux_ && *err)
		return -EINVAL;
	if (get_list(linux_, lists[which].key, ctx->file, &arr, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const char *want =
		    setting ? rg_json_str(setting->u.items[i]) : lists[which].defaults[i];
		if (want && !has_path(arr, want))
			rg_buf_printf(&missing, "%s%s", missing.len ? ", " : "", want);
	}
	_cleanup_free_ char *list = rg_buf_steal(&missing);
	snprintf(path, sizeof(path), ".linux.%s", lists[which].key);
	if (!*list || !rg_rule_may_fix(ctx, path, "%s paths missing: %s", lists[which].what, list))
		return 0;
	if (!linux_)
		linux_ = rg_rule_object(spec, "linux", ctx->file, "", true, err);
	_cleanup_json_ struct rg_json *before = arr ? rg_json_clone(arr) : NULL;
	if (!arr) {
		arr = rg_json_new(RG_JSON_ARRAY);
		rg_json_set(linux_, lists[which].key, arr);
	}
	for (size_t i = 0; i < n; i++) {
		const char *want =
		    setting ? rg_json_str(setting->u.items[i]) : lists[which].defaults[i];
		/* Re-checked against arr: a settings list may name a path twice. */
		if (want && !has_path(arr, want))
			rg_json_append(arr, rg_json_new_string(want));
	}
	rg_rule_record(ctx, path, before, arr);
	return 0;
}

static int paths_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(lists); i++) {
		int r = ensure_list(spec, i, ctx, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int paths_check(const struct rg_json *settings, const char *file, const char *path,
		       struct rg_error **err)
{
	static const char *const keys[] = {"masked", "readonly", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	for (size_t k = 0; keys[k]; k++) {
		const struct rg_json *arr = NULL;
		r = rg_settings_array(settings, keys[k], "paths", file, path, &arr, err);
		if (r < 0)
			return r;
		if (!arr)
			continue;
		for (size_t i = 0; i < arr->n; i++) {
			const struct rg_json *j = arr->u.items[i];
			const char *s = rg_json_str(j);
			_cleanup_free_ char *c = s && s[0] == '/' ? clean_path(s) : NULL;
			if (!c || strlen(s) != j->u.s.len || !rg_streq(c, s) || rg_streq(s, "/"))
				return rg_error_set(err, EINVAL,
						    "%s: %s.%s[%zu]: expected an absolute path "
						    "without \".\", \"..\", \"//\" or a trailing "
						    "slash, other than \"/\"",
						    file, path, keys[k], i);
		}
	}
	return 0;
}

const struct rg_rule rg_rule_paths = {"paths", paths_check, paths_apply};
