/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hooks rule. OCI hooks (prestart, createRuntime, createContainer,
 * startContainer, poststart, poststop) are programs the runtime runs on the
 * host, as root, outside every confinement the container gets — whoever can
 * put one into config.json owns the node. Only hooks whose path is in the
 * operator's "allow" list (default: none), and the engines' own hooks that
 * "engineHooks" names and that are recognised exactly (below), may stay;
 * the action decides about the others (reject, or fix by removing the
 * hook).
 *
 * Paths are compared after lexical normalisation, so "/usr/bin/../bin/x"
 * is "/usr/bin/x"; a relative path is never allowed (the spec requires an
 * absolute one). createContainer and startContainer hooks run in the
 * container's namespaces but still as host root, and are treated alike.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "runguard/normpath.h"
#include "runguard/rule_api.h"
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

/* ---- engine hooks ---- */

#define DOCKER_SETKEY "docker-libnetwork-setkey"
/* The names "engineHooks" takes. */
static const char *const engine_hooks[] = {DOCKER_SETKEY};

/* Whether "engineHooks" (absent: every recognised one) names `name`. */
static bool is_engine_hook_on(const struct rg_json *settings, const char *name)
{
	const struct rg_json *on = rg_json_get(settings, "engineHooks");

	if (!on)
		return true;
	for (size_t i = 0; rg_json_is(on, RG_JSON_ARRAY) && i < on->n; i++)
		if (rg_streq(rg_json_str(on->u.items[i]) ?: "", name))
			return true;
	return false;
}

/* The pid in "/proc/<pid>/exe" (decimal, no sign or leading zero), or -1. */
static int proc_exe_pid(const char *path)
{
	const char *p = path + strlen("/proc/");
	long long pid = 0;
	size_t n = 0;

	if (!rg_startswith(path, "/proc/"))
		return -1;
	for (; n < 10 && p[n] >= '0' && p[n] <= '9'; n++)
		pid = pid * 10 + (p[n] - '0');
	if (n == 0 || p[0] == '0' || pid > INT_MAX || !rg_streq(p + n, "/exe"))
		return -1;
	return (int)pid;
}

/* A string node without NUL bytes (runc, in Go, would pass what follows one). */
static const char *plain_str(const struct rg_json *j)
{
	const char *s = rg_json_str(j);
	return s && strlen(s) == j->u.s.len ? s : NULL;
}

static bool is_lower_hex(const char *s, size_t len)
{
	if (!s || strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/*
 * Docker's libnetwork-setkey hook, exactly as dockerd (17.06 to 27;
 * daemon/oci_linux.go, WithLibnetwork) adds it to a container with a
 * network namespace of its own:
 *
 *   "prestart": [{"path": "/proc/<dockerd's pid>/exe",
 *                 "args": ["libnetwork-setkey", "-exec-root=<exec-root>",
 *                          "<container id>", "<network controller id[:12]>"]}]
 *
 * runc runs dockerd's own image, which re-executes into libnetwork's setkey
 * entry point (dockerd dispatches on argv[0]): it reads the container's
 * state from stdin and tells dockerd, over the socket
 * <exec-root>/libnetwork/<controller id>.sock, which network namespace the
 * container has. It passes only when all of this holds, else it is any
 * other hook:
 *
 * - the process is running the host's root-owned dockerd (host adapter:
 *   /proc/<pid>/exe is the file its path names on the host, root's, and
 *   that path's base name is "dockerd"), so the hook runs dockerd and no
 *   other program — not a container's file of that name, not a user's;
 * - argv[0] selects setkey and nothing beyond Docker's arguments follows:
 *   -exec-root alone (the re-exec parses Go's global flag set), a container
 *   id of 64 hex digits that is the container being created (when known),
 *   a controller id of 12 hex digits (no '/' into the socket's path);
 * - no "env" (LD_PRELOAD or GODEBUG would change what dockerd's image
 *   does) and no member besides path and args;
 * - in prestart only, where Docker puts it.
 *
 * Not covered: dockerd exiting and its pid going to another process
 * between this check and runc running the hook.
 *
 * Returns NULL when it is that hook; otherwise why not (in buf).
 */
static const char *docker_setkey_refusal(const struct rg_json *hook, const char *kind,
					 const struct rg_rule_ctx *ctx, char *buf, size_t size)
{
	const char *path = plain_str(rg_json_get(hook, "path"));
	const struct rg_json *args = rg_json_get(hook, "args");

	if (!rg_streq(kind, "prestart"))
		return "Docker adds it to prestart only";
	for (size_t i = 0; i < hook->n; i++) {
		const char *key = hook->u.members[i].key;
		if (strlen(key) != hook->u.members[i].key_len ||
		    (!rg_streq(key, "path") && !rg_streq(key, "args"))) {
			snprintf(buf, size, "it has \"%s\"", key);
			return buf;
		}
	}
	int pid = path ? proc_exe_pid(path) : -1;
	if (pid < 0)
		return "path is not /proc/<pid>/exe";
	if (!rg_json_is(args, RG_JSON_ARRAY) || args->n != 4 ||
	    !rg_streq(plain_str(args->u.items[0]) ?: "", "libnetwork-setkey"))
		return "args are not libnetwork-setkey -exec-root=DIR CONTAINER CONTROLLER";
	const char *root = plain_str(args->u.items[1]);
	const char *id = plain_str(args->u.items[2]);
	if (!root || !rg_startswith(root, "-exec-root=/"))
		return "args[1] is not -exec-root=<absolute path>";
	if (!is_lower_hex(id, 64))
		return "args[2] is not a container id";
	if (ctx->container_id && !rg_streq(id, ctx->container_id)) {
		snprintf(buf, size, "args[2] is not this container's id %s", ctx->container_id);
		return buf;
	}
	if (!is_lower_hex(plain_str(args->u.items[3]), 12))
		return "args[3] is not a network controller id";
	if (!ctx->host || !ctx->host->process_exe)
		return "the host's processes cannot be looked up";
	char *exe = NULL;
	int r = ctx->host->process_exe(pid, &exe);
	if (r < 0) {
		snprintf(buf, size, "%s: %s", path,
			 r == -ESTALE  ? "not the file its path names on the host"
			 : r == -EPERM ? "not a root-owned file writable by root only"
				       : strerror(-r));
		return buf;
	}
	const char *base = strrchr(exe, '/');
	bool is_dockerd = rg_streq(base ? base + 1 : exe, "dockerd");
	if (!is_dockerd)
		snprintf(buf, size, "%s is %s, not dockerd", path, exe);
	free(exe);
	return is_dockerd ? NULL : buf;
}

/*
 * NULL when the hook may stay; otherwise the reason it may not, for the
 * violation message (in buf).
 */
static const char *refusal(const struct rg_json *hook, const char *kind,
			   const struct rg_rule_ctx *ctx, char *buf, size_t size)
{
	const char *path = rg_json_str(rg_json_get(hook, "path"));
	const struct rg_json *args = rg_json_get(hook, "args");
	const char *arg0 =
	    rg_json_is(args, RG_JSON_ARRAY) && args->n > 0 ? rg_json_str(args->u.items[0]) : NULL;
	bool is_setkey = arg0 && rg_startswith(arg0, "libnetwork-setkey");
	char why[192];

	if (is_allowed(path, ctx->settings))
		return NULL;
	if (!is_setkey)
		return "not in the allow list";
	if (!is_engine_hook_on(ctx->settings, DOCKER_SETKEY))
		return "not in the allow list, and engineHooks does not "
		       "name " DOCKER_SETKEY;
	const char *no = docker_setkey_refusal(hook, kind, ctx, why, sizeof(why));
	if (!no)
		return NULL;
	snprintf(buf, size, "not in the allow list, and not Docker's libnetwork-setkey hook: %s",
		 no);
	return buf;
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
			char buf[320];
			const char *why =
			    refusal(list->u.items[i], hook_kinds[k], ctx, buf, sizeof(buf));
			if (!why)
				continue;
			char path[64];
			snprintf(path, sizeof(path), ".hooks.%s[%zu]", hook_kinds[k], i);
			if (!rg_rule_may_fix(ctx, path,
					     "%s hook %s would run on the host as root; %s",
					     hook_kinds[k], p, why))
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
	static const char *const keys[] = {"allow", "engineHooks", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	const struct rg_json *engine = NULL;
	r = rg_settings_array(settings, "engineHooks", "names (\"" DOCKER_SETKEY "\")", file, path,
			      &engine, err);
	if (r < 0)
		return r;
	for (size_t i = 0; engine && i < engine->n; i++) {
		const char *name = plain_str(engine->u.items[i]);
		bool is_known = false;
		for (size_t k = 0; name && k < RG_ARRAY_SIZE(engine_hooks); k++)
			is_known = is_known || rg_streq(name, engine_hooks[k]);
		if (!is_known)
			return rg_error_set(err, EINVAL,
					    "%s: %s.engineHooks[%zu]: unknown engine hook; known: "
					    "\"" DOCKER_SETKEY "\"",
					    file, path, i);
	}
	return rg_settings_abs_paths(settings, "allow", file, path, err);
}

const struct rg_rule rg_rule_hooks = {"hooks", hooks_check, hooks_apply};
