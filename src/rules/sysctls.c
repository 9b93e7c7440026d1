/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sysctls rule: linux.sysctl may only set sysctls of the Kubernetes
 * "safe" set — namespaced (they change the container's own network or IPC
 * namespace, not the node) and unable to starve other pods:
 *
 *   "sysctls": {"allow": ["kernel.shm_rmid_forced", "net.ipv4.ping_group_range", ...]}
 *
 * An allow entry ending in "*" matches by prefix ("net.ipv4.conf.*"). runc
 * writes /proc/sys/<key with every "." made "/">, so a key is compared in
 * its dotted form with "/" read as "." ("net/ipv4/ip_forward" is
 * net.ipv4.ip_forward); a key with an empty component (leading, trailing
 * or doubled separators, hence any "..") is never allowed, so no key can
 * walk out of the allowed file. fix removes the others, reject refuses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/rule_api.h"
#include "runguard/util.h"

static const char *const default_allow[] = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
};

/* The dotted form of a key ("/" read as "."), or NULL if a component is empty. Caller frees. */
static char *dotted(const char *key, size_t len)
{
	if (len == 0 || strlen(key) != len)
		return NULL;
	char *d = rg_xstrdup(key);
	for (char *p = d; *p; p++)
		if (*p == '/')
			*p = '.';
	if (d[0] == '.' || d[len - 1] == '.' || strstr(d, "..")) {
		free(d);
		return NULL;
	}
	return d;
}

static bool pattern_matches(const char *pattern, const char *key)
{
	size_t n = strlen(pattern);
	if (n > 0 && pattern[n - 1] == '*')
		return strncmp(pattern, key, n - 1) == 0;
	return rg_streq(pattern, key);
}

static bool is_allowed(const struct rg_json *allow, const char *key, size_t len)
{
	_cleanup_free_ char *d = dotted(key, len);
	size_t n = allow ? allow->n : RG_ARRAY_SIZE(default_allow);

	if (!d)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *p = allow ? rg_json_str(allow->u.items[i]) : default_allow[i];
		if (p && pattern_matches(p, d))
			return true;
	}
	return false;
}

static int sysctls_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	const struct rg_json *allow = rg_json_get(ctx->settings, "allow");
	struct rg_json *linux_ = rg_rule_object(spec, "linux", ctx->file, "", false, err);
	struct rg_buf bad = {0};

	if (!linux_)
		return *err ? -EINVAL : 0;
	struct rg_json *sysctl = rg_rule_object(linux_, "sysctl", ctx->file, ".linux", false, err);
	if (!sysctl)
		return *err ? -EINVAL : 0;
	if (!rg_json_is(allow, RG_JSON_ARRAY))
		allow = NULL;
	for (size_t i = 0; i < sysctl->n; i++) {
		const struct rg_json_member *m = &sysctl->u.members[i];
		if (m->value->type != RG_JSON_STRING) {
			rg_buf_free(&bad);
			_cleanup_free_ char *k = rg_json_brief(
			    &(struct rg_json){.type = RG_JSON_STRING, .u.s = {m->key, m->key_len}});
			return rg_error_set(err, EINVAL,
					    "%s: .linux.sysctl[%s]: expected a string, got %s",
					    ctx->file, k, rg_json_type_name(m->value->type));
		}
		if (!is_allowed(allow, m->key, m->key_len)) {
			_cleanup_free_ char *k = rg_json_brief(
			    &(struct rg_json){.type = RG_JSON_STRING, .u.s = {m->key, m->key_len}});
			rg_buf_printf(&bad, "%s%s", bad.len ? ", " : "", k);
		}
	}
	_cleanup_free_ char *list = rg_buf_steal(&bad);
	if (!*list ||
	    !rg_rule_may_fix(ctx, ".linux.sysctl",
			     "sysctls outside the allowed (namespaced, safe) set: %s", list))
		return 0;
	for (size_t i = sysctl->n; i-- > 0;) {
		struct rg_json_member *m = &sysctl->u.members[i];
		if (is_allowed(allow, m->key, m->key_len))
			continue;
		_cleanup_free_ char *k = rg_json_brief(
		    &(struct rg_json){.type = RG_JSON_STRING, .u.s = {m->key, m->key_len}});
		_cleanup_free_ char *path = rg_xasprintf(".linux.sysctl[%s]", k);
		rg_rule_record(ctx, path, m->value, NULL);
		rg_json_remove_at(sysctl, i);
	}
	return 0;
}

static int sysctls_check(const struct rg_json *settings, const char *file, const char *path,
			 struct rg_error **err)
{
	const struct rg_json *allow = NULL;
	int r = rg_settings_allow(settings, "sysctl names", file, path, &allow, err);
	if (r < 0 || !allow)
		return r;
	for (size_t i = 0; i < allow->n; i++) {
		const struct rg_json *j = allow->u.items[i];
		const char *s = rg_json_str(j);
		size_t n = s ? strlen(s) : 0;
		bool is_glob = n > 0 && s[n - 1] == '*';
		_cleanup_free_ char *base = s ? rg_xstrndup(s, is_glob ? n - 1 : n) : NULL;
		/* "kernel.msg*" and "net.ipv4.conf.*" are fine; "*" alone is what "off" is for. */
		if (base && is_glob && n > 1 && base[n - 2] == '.')
			base[n - 2] = '\0';
		_cleanup_free_ char *d = base ? dotted(base, strlen(base)) : NULL;
		if (!s || n != j->u.s.len || !d || strchr(base, '*') || strchr(s, '/') ||
		    strspn(s,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-*") !=
			n)
			return rg_error_set(err, EINVAL,
					    "%s: %s.allow[%zu]: expected a dotted sysctl name, "
					    "optionally ending in \"*\"",
					    file, path, i);
	}
	return 0;
}

const struct rg_rule rg_rule_sysctls = {"sysctls", sysctls_check, sysctls_apply};
