/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The devices rule.
 *
 * Whatever the action (the rule only has to be on): a device cgroup rule in
 * linux.resources.devices that allows everything (allow true, no type or
 * "a", no major or minor, access with r or w) is replaced by a deny-all rule
 * followed by runc's default set (null 1:3, zero 1:5, full 1:7, random 1:8,
 * urandom 1:9, tty 5:0, console 5:1, ptmx 5:2, pts 136:*, tun 10:200) —
 * runc appends that set itself, so nothing a workload relies on is lost.
 *
 * The action decides about what remains (reject, or fix by removing it):
 *   - linux.devices entries (device nodes runc creates in the container) of
 *     block devices or of character devices outside the allowed set;
 *   - other cgroup rules that allow reading or writing devices outside it.
 * The allowed set is runc's default set plus the "allow" setting
 * ("c 10:229", "b 7:*", ...). mem 1:1, kmem 1:2 and port 1:4 (raw host
 * memory and I/O ports) are never allowed. Rules that only allow mknod
 * ("m"), FIFOs and deny rules are left alone: runc itself allows mknod of
 * any device, and a node is useless without read or write access.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/rule_api.h"
#include "runguard/util.h"

#define WILDCARD (-1LL)
#define MAX_LISTED 5 /* offenders named in a violation message */

struct dev {
	char type; /* 'a', 'b' or 'c' */
	long long major, minor; /* WILDCARD for any */
};

/* runc's default allowed devices (libcontainer/specconv AllowedDevices). */
static const struct dev standard[] = {
    {'c', 1, 3}, {'c', 1, 5}, {'c', 1, 7}, {'c', 1, 8},		 {'c', 1, 9},
    {'c', 5, 0}, {'c', 5, 1}, {'c', 5, 2}, {'c', 136, WILDCARD}, {'c', 10, 200},
};

static const struct {
	struct dev dev;
	const char *what;
} never[] = {
    {{'c', 1, 1}, "host physical memory"},
    {{'c', 1, 2}, "host kernel memory"},
    {{'c', 1, 4}, "host I/O ports"},
};

/* "c 1:3", "b 7:*", "c 136:*"; 0 or -EINVAL. */
static int parse_dev(const char *s, struct dev *ret)
{
	long long v[2];
	if (!s || (s[0] != 'c' && s[0] != 'b') || s[1] != ' ')
		return -EINVAL;
	ret->type = s[0];
	s += 2;
	for (int k = 0; k < 2; k++) {
		if (*s == '*') {
			v[k] = WILDCARD;
			s++;
		} else {
			char *end = NULL;
			if (*s < '0' || *s > '9')
				return -EINVAL;
			v[k] = strtoll(s, &end, 10);
			if (v[k] > 0xffffffffLL)
				return -EINVAL;
			s = end;
		}
		if (*s != (k == 0 ? ':' : '\0'))
			return -EINVAL;
		s++;
	}
	ret->major = v[0];
	ret->minor = v[1];
	return 0;
}

static void format_dev(const struct dev *d, char buf[64])
{
	char maj[24], min[24];
	snprintf(maj, sizeof(maj), d->major == WILDCARD ? "*" : "%lld", d->major);
	snprintf(min, sizeof(min), d->minor == WILDCARD ? "*" : "%lld", d->minor);
	snprintf(buf, 64, "%c %s:%s", d->type, maj, min);
}

/* Everything `inner` matches, `outer` matches too. */
static bool covers(const struct dev *outer, const struct dev *inner)
{
	return (outer->type == 'a' || outer->type == inner->type) &&
	       (outer->major == WILDCARD || outer->major == inner->major) &&
	       (outer->minor == WILDCARD || outer->minor == inner->minor);
}

/* Why d may not be allowed (static text), or NULL when it may. */
static const char *refusal(const struct dev *d, const struct rg_json *settings)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(never); i++)
		if (covers(d, &never[i].dev))
			return never[i].what;
	if (d->type == 'a')
		return "every device type";
	for (size_t i = 0; i < RG_ARRAY_SIZE(standard); i++)
		if (covers(&standard[i], d))
			return NULL;
	const struct rg_json *allow = rg_json_get(settings, "allow");
	for (size_t i = 0; rg_json_is(allow, RG_JSON_ARRAY) && i < allow->n; i++) {
		struct dev a;
		if (parse_dev(rg_json_str(allow->u.items[i]), &a) == 0 && covers(&a, d))
			return NULL;
	}
	return d->type == 'b' ? "block device, not in the allow list" : "not in the allow list";
}

/* Reads major/minor; absent, null and -1 are the wildcard. */
static int read_number(const struct rg_json *o, const char *key, bool is_wildcard_ok,
		       long long *ret, const char *file, const char *path, struct rg_error **err)
{
	const struct rg_json *v = rg_json_get(o, key);
	if ((!v || v->type == RG_JSON_NULL) && is_wildcard_ok) {
		*ret = WILDCARD;
		return 0;
	}
	if (!v || rg_json_int64(v, ret) < 0 || *ret < (is_wildcard_ok ? -1 : 0) ||
	    *ret > 0xffffffffLL)
		return rg_error_set(err, EINVAL, "%s: %s.%s: expected a device number, got %s",
				    file, path, key, v ? rg_json_type_name(v->type) : "nothing");
	return 0;
}

/* Collects offenders for one violation message. */
struct offenders {
	struct rg_buf text;
	size_t n;
};

static void offender(struct offenders *o, char *item)
{
	if (o->n++ < MAX_LISTED)
		rg_buf_printf(&o->text, "%s%s", o->n > 1 ? ", " : "", item);
	free(item);
}

static void report_offenders(struct rg_rule_ctx *ctx, const char *path, const char *what,
			     struct offenders *o)
{
	if (o->n > MAX_LISTED)
		rg_buf_printf(&o->text, " and %zu more", o->n - MAX_LISTED);
	if (o->n)
		rg_report_violation(ctx->report, ctx->rule, path, "%s: %s", what,
				    o->text.data ? o->text.data : "");
	rg_buf_free(&o->text);
}

/* ---- linux.resources.devices ---- */

struct cgroup_rule {
	bool is_allow;
	struct dev dev;
	const char *access;
};

static int read_cgroup_rule(const struct rg_json *r, size_t i, struct cgroup_rule *ret,
			    const char *file, struct rg_error **err)
{
	char path[64];
	snprintf(path, sizeof(path), ".linux.resources.devices[%zu]", i);
	if (!rg_json_is(r, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: %s: expected an object, got %s", file, path,
				    rg_json_type_name(r->type));
	const struct rg_json *allow = rg_json_get(r, "allow");
	if (allow && !rg_json_is_bool(allow))
		return rg_error_set(err, EINVAL, "%s: %s.allow: expected a boolean, got %s", file,
				    path, rg_json_type_name(allow->type));
	ret->is_allow = allow && allow->type == RG_JSON_TRUE;
	const struct rg_json *type = rg_json_get(r, "type");
	const char *t = rg_json_str(type);
	if (type && type->type != RG_JSON_NULL &&
	    (!t || (!rg_streq(t, "a") && !rg_streq(t, "b") && !rg_streq(t, "c") && *t)))
		return rg_error_set(err, EINVAL, "%s: %s.type: expected \"a\", \"b\" or \"c\"",
				    file, path);
	ret->dev.type = t && *t ? t[0] : 'a';
	const struct rg_json *access = rg_json_get(r, "access");
	if (access && access->type != RG_JSON_NULL && access->type != RG_JSON_STRING)
		return rg_error_set(err, EINVAL, "%s: %s.access: expected a string, got %s", file,
				    path, rg_json_type_name(access->type));
	/* An empty access is all of rwm to the device cgroup. */
	ret->access = rg_json_str(access) && *rg_json_str(access) ? rg_json_str(access) : "rwm";
	int rc = read_number(r, "major", true, &ret->dev.major, file, path, err);
	return rc < 0 ? rc : read_number(r, "minor", true, &ret->dev.minor, file, path, err);
}

static bool grants_rw(const struct cgroup_rule *c)
{
	return c->is_allow && strpbrk(c->access, "rw") != NULL;
}

static bool is_allow_all(const struct cgroup_rule *c)
{
	return grants_rw(c) && c->dev.type == 'a' && c->dev.major == WILDCARD &&
	       c->dev.minor == WILDCARD;
}

static struct rg_json *new_cgroup_rule(bool is_allow, const struct dev *d)
{
	struct rg_json *r = rg_json_new(RG_JSON_OBJECT);
	char num[24];
	rg_json_set(r, "allow", rg_json_new_bool(is_allow));
	if (d) {
		rg_json_set(r, "type", rg_json_new_stringn(&d->type, 1));
		snprintf(num, sizeof(num), "%lld", d->major);
		rg_json_set(r, "major", rg_json_new_number(num));
		if (d->minor != WILDCARD) {
			snprintf(num, sizeof(num), "%lld", d->minor);
			rg_json_set(r, "minor", rg_json_new_number(num));
		}
	}
	rg_json_set(r, "access", rg_json_new_string("rwm"));
	return r;
}

/* Deny-all and the standard set, in place of an allow-all rule at out's end. */
static void replace_allow_all(struct rg_json *out, const struct rg_json *old, size_t i,
			      struct rg_rule_ctx *ctx)
{
	char path[64];
	struct rg_json *deny = new_cgroup_rule(false, NULL);
	snprintf(path, sizeof(path), ".linux.resources.devices[%zu]", i);
	rg_rule_record(ctx, path, old, deny);
	rg_json_append(out, deny);
	for (size_t k = 0; k < RG_ARRAY_SIZE(standard); k++) {
		struct rg_json *add = new_cgroup_rule(true, &standard[k]);
		snprintf(path, sizeof(path), ".linux.resources.devices[%zu]", (size_t)out->n);
		rg_rule_record(ctx, path, NULL, add);
		rg_json_append(out, add);
	}
}

static int cgroup_rules(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *res = rg_json_get(rg_json_get(spec, "linux"), "resources");
	if (res && res->type != RG_JSON_NULL && res->type != RG_JSON_OBJECT)
		return rg_error_set(err, EINVAL, "%s: .linux.resources: expected an object, got %s",
				    ctx->file, rg_json_type_name(res->type));
	struct rg_json *rules = rg_json_get(res, "devices");
	if (!rules || rules->type == RG_JSON_NULL)
		return 0;
	if (rules->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL,
				    "%s: .linux.resources.devices: expected an array, got %s",
				    ctx->file, rg_json_type_name(rules->type));
	_cleanup_free_ struct cgroup_rule *c = rg_xcalloc(rules->n, sizeof(*c));
	for (size_t i = 0; i < rules->n; i++) {
		int r = read_cgroup_rule(rules->u.items[i], i, &c[i], ctx->file, err);
		if (r < 0)
			return r;
	}
	_cleanup_json_ struct rg_json *out = rg_json_new(RG_JSON_ARRAY);
	struct offenders bad = {0};
	bool is_changed = false;
	for (size_t i = 0; i < rules->n; i++) {
		const char *why = NULL;
		char name[64];
		if (is_allow_all(&c[i])) {
			replace_allow_all(out, rules->u.items[i], i, ctx);
			is_changed = true;
			continue;
		}
		if (grants_rw(&c[i]))
			why = refusal(&c[i].dev, ctx->settings);
		format_dev(&c[i].dev, name);
		if (why && ctx->action == RG_ACTION_FIX) {
			char path[64];
			snprintf(path, sizeof(path), ".linux.resources.devices[%zu]", i);
			rg_rule_record(ctx, path, rules->u.items[i], NULL);
			is_changed = true;
			continue;
		}
		if (why)
			offender(&bad, rg_xasprintf("allows %s %s (%s)", name, c[i].access, why));
		rg_json_append(out, rg_json_clone(rules->u.items[i]));
	}
	report_offenders(ctx, ".linux.resources.devices", "device cgroup rules not allowed", &bad);
	if (is_changed)
		rg_json_set(res, "devices", steal_ptr(&out));
	return 0;
}

/* ---- linux.devices ---- */

static int read_device(const struct rg_json *d, size_t i, struct dev *ret, const char **ret_path,
		       const char *file, struct rg_error **err)
{
	char path[48];
	snprintf(path, sizeof(path), ".linux.devices[%zu]", i);
	if (!rg_json_is(d, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: %s: expected an object, got %s", file, path,
				    rg_json_type_name(d->type));
	const struct rg_json *p = rg_json_get(d, "path");
	*ret_path = rg_json_str(p);
	if (!*ret_path || strlen(*ret_path) != p->u.s.len)
		return rg_error_set(err, EINVAL, "%s: %s.path: expected a string without NUL bytes",
				    file, path);
	const char *t = rg_json_str(rg_json_get(d, "type"));
	if (!t ||
	    (!rg_streq(t, "c") && !rg_streq(t, "u") && !rg_streq(t, "b") && !rg_streq(t, "p")))
		return rg_error_set(
		    err, EINVAL, "%s: %s.type: expected \"c\", \"u\", \"b\" or \"p\"", file, path);
	ret->type = t[0] == 'u' ? 'c' : t[0];
	if (ret->type == 'p') {
		ret->major = ret->minor = 0;
		return 0;
	}
	int r = read_number(d, "major", false, &ret->major, file, path, err);
	return r < 0 ? r : read_number(d, "minor", false, &ret->minor, file, path, err);
}

/* Names the refused entries of linux.devices, block and mem-like devices first. */
static void report_nodes(struct rg_rule_ctx *ctx, const struct rg_json *devs, char *const *why)
{
	struct offenders bad = {0};
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < devs->n; i++) {
			if (!why[i] || (why[i][0] == '!') != (pass == 0))
				continue;
			offender(&bad, rg_xstrdup(why[i] + (why[i][0] == '!')));
		}
	}
	report_offenders(ctx, ".linux.devices", "devices not allowed", &bad);
}

static int device_nodes(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *devs = rg_json_get(rg_json_get(spec, "linux"), "devices");
	if (!devs || devs->type == RG_JSON_NULL)
		return 0;
	if (devs->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL, "%s: .linux.devices: expected an array, got %s",
				    ctx->file, rg_json_type_name(devs->type));
	/* why[i]: "path (c 1:1, reason)" for a refused entry, "!"-prefixed when serious. */
	size_t n = devs->n;
	char **why = rg_xcalloc(n, sizeof(char *));
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct dev d;
		const char *path = NULL;
		char name[64];
		r = read_device(devs->u.items[i], i, &d, &path, ctx->file, err);
		const char *reason = r < 0 || d.type == 'p' ? NULL : refusal(&d, ctx->settings);
		if (!reason)
			continue;
		format_dev(&d, name);
		bool is_serious = d.type == 'b' || strstr(reason, "host ");
		why[i] = rg_xasprintf("%s%s (%s, %s)", is_serious ? "!" : "", path, name, reason);
	}
	if (r == 0 && ctx->action != RG_ACTION_FIX)
		report_nodes(ctx, devs, why);
	for (size_t i = n; r == 0 && ctx->action == RG_ACTION_FIX && i-- > 0;) {
		if (!why[i])
			continue;
		char path[48];
		snprintf(path, sizeof(path), ".linux.devices[%zu]", i);
		rg_rule_record(ctx, path, devs->u.items[i], NULL);
		rg_json_array_remove(devs, i);
	}
	for (size_t i = 0; i < n; i++)
		free(why[i]);
	free(why);
	return r;
}

static int devices_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct rg_json *linux_ = rg_rule_object(spec, "linux", ctx->file, "", false, err);
	if (!linux_)
		return *err ? -EINVAL : 0;
	int r = cgroup_rules(spec, ctx, err);
	return r < 0 ? r : device_nodes(spec, ctx, err);
}

static int devices_check(const struct rg_json *settings, const char *file, const char *path,
			 struct rg_error **err)
{
	const struct rg_json *allow = NULL;
	int r = rg_settings_allow(settings, "devices", file, path, &allow, err);
	if (r < 0 || !allow)
		return r;
	for (size_t i = 0; i < allow->n; i++) {
		struct dev d;
		if (parse_dev(rg_json_str(allow->u.items[i]), &d) < 0)
			return rg_error_set(err, EINVAL,
					    "%s: %s.allow[%zu]: expected \"c MAJOR:MINOR\" or \"b "
					    "MAJOR:MINOR\" (a number or *)",
					    file, path, i);
	}
	return 0;
}

const struct rg_rule rg_rule_devices = {"devices", devices_check, devices_apply};
