/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator's configuration file: /etc/runguard/config.json or
 * $RUNGUARD_CONFIG. JSON with comments. Every key is validated here, at
 * load time, so a typo is an error naming file, line and JSON path rather
 * than a silently weaker policy.
 *
 *   {
 *     "mode": "enforce" | "audit" | "warn",
 *     "profile": "baseline" | "restricted" | "privileged",
 *     "runtime": "/usr/bin/runc",
 *     "rules": { "<rule>": { "action": "fix" | "reject" | "off", ... } },
 *     "selectors": [ { "match": { "<annotation>": "glob" | ["glob", ...] },
 *                      "profile": "...", "mode": "...", "allowWeakerProfiles": false } ],
 *     "audit": { "file": "/var/log/runguard/audit.log" | null, "syslog": false,
 *                "required": false },
 *     "runtimeFlags": { "criu": ["/usr/sbin/criu"] },
 *     "restore": { "allow": false },
 *     "exec": { "unenforced": "judge" | "refuse" }
 *   }
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/embedded.h"
#include "runguard/policy.h"
#include "runguard/rules.h"
#include "runguard/util.h"

#define CONFIG_MAX_SIZE (1024u * 1024u)

struct src {
	const char *name;
	const char *buf;
	size_t len;
};

static int __attribute__((format(printf, 4, 5)))
cfg_error(const struct src *s, const struct rg_json *at, struct rg_error **err, const char *fmt,
	  ...)
{
	va_list ap;

	va_start(ap, fmt);
	_cleanup_free_ char *m = rg_xvasprintf(fmt, ap);
	va_end(ap);
	if (at && s->buf)
		return rg_error_set(err, EINVAL, "%s:%zu: %s", s->name,
				    rg_json_line(s->buf, s->len, at->pos), m);
	return rg_error_set(err, EINVAL, "%s: %s", s->name, m);
}

const char *rg_mode_name(enum rg_mode m)
{
	switch (m) {
	case RG_MODE_AUDIT:
		return "audit";
	case RG_MODE_WARN:
		return "warn";
	case RG_MODE_ENFORCE:
	default:
		return "enforce";
	}
}

const char *rg_action_name(enum rg_action a)
{
	switch (a) {
	case RG_ACTION_FIX:
		return "fix";
	case RG_ACTION_REJECT:
		return "reject";
	case RG_ACTION_OFF:
	default:
		return "off";
	}
}

int rg_action_parse(const char *s, enum rg_action *ret)
{
	if (!s)
		return -EINVAL;
	if (rg_streq(s, "fix"))
		*ret = RG_ACTION_FIX;
	else if (rg_streq(s, "reject"))
		*ret = RG_ACTION_REJECT;
	else if (rg_streq(s, "off"))
		*ret = RG_ACTION_OFF;
	else
		return -EINVAL;
	return 0;
}

static int parse_mode(const struct src *s, const struct rg_json *v, const char *path,
		      enum rg_mode *ret, struct rg_error **err)
{
	const char *m = rg_json_str(v);
	if (m && rg_streq(m, "enforce"))
		*ret = RG_MODE_ENFORCE;
	else if (m && rg_streq(m, "audit"))
		*ret = RG_MODE_AUDIT;
	else if (m && rg_streq(m, "warn"))
		*ret = RG_MODE_WARN;
	else
		return cfg_error(s, v, err, "%s: expected \"enforce\", \"audit\" or \"warn\"",
				 path);
	return 0;
}

static int check_profile_name(const struct src *s, const struct rg_json *v, const char *path,
			      struct rg_error **err)
{
	size_t n;
	const char *name = rg_json_str(v);
	if (!name || !rg_embedded_profile(name, &n))
		return cfg_error(s, v, err,
				 "%s: unknown profile (known: baseline, restricted, privileged)",
				 path);
	return 0;
}

static int check_abs_path(const struct src *s, const struct rg_json *v, const char *path,
			  bool nullable, struct rg_error **err)
{
	if (nullable && v->type == RG_JSON_NULL)
		return 0;
	const char *p = rg_json_str(v);
	if (!p)
		return cfg_error(s, v, err, "%s: expected a string, got %s", path,
				 rg_json_type_name(v->type));
	if (p[0] != '/' || strlen(p) != v->u.s.len)
		return cfg_error(s, v, err, "%s: \"%s\" is not an absolute path", path, p);
	return 0;
}

int rg_config_check_rule(const char *rule, const struct rg_json *settings, const char *where,
			 const char *path, struct rg_error **err)
{
	const struct rg_rule *r = rg_rule_find(rule);
	enum rg_action a;

	if (!r)
		return rg_error_set(err, EINVAL, "%s: %s: unknown rule", where, path);
	if (!rg_json_is(settings, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: %s: expected an object, got %s", where, path,
				    rg_json_type_name(settings->type));
	const struct rg_json *act = rg_json_get(settings, "action");
	if (act && rg_action_parse(rg_json_str(act), &a) < 0)
		return rg_error_set(err, EINVAL,
				    "%s: %s.action: expected \"fix\", \"reject\" or \"off\"", where,
				    path);
	if (r->check)
		return r->check(settings, where, path, err);
	static const char *const none[] = {NULL};
	return rg_settings_only(settings, none, where, path, err);
}

static int check_rules(const struct src *s, const struct rg_json *rules, struct rg_error **err)
{
	if (!rg_json_is(rules, RG_JSON_OBJECT))
		return cfg_error(s, rules, err, ".rules: expected an object, got %s",
				 rg_json_type_name(rules->type));
	for (size_t i = 0; i < rules->n; i++) {
		const struct rg_json_member *m = &rules->u.members[i];
		_cleanup_free_ char *path = rg_xasprintf(".rules.%s", m->key);
		_cleanup_free_ char *where =
		    rg_xasprintf("%s:%zu", s->name, rg_json_line(s->buf, s->len, m->value->pos));
		int r = rg_config_check_rule(m->key, m->value, where, path, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_match(const struct src *s, const struct rg_json *match, const char *path,
		       struct rg_error **err)
{
	if (!rg_json_is(match, RG_JSON_OBJECT) || match->n == 0)
		return cfg_error(s, match, err, "%s: expected a non-empty object of annotations",
				 path);
	for (size_t i = 0; i < match->n; i++) {
		const struct rg_json *v = match->u.members[i].value;
		if (v->type == RG_JSON_STRING)
			continue;
		bool ok = v->type == RG_JSON_ARRAY && v->n > 0;
		for (size_t k = 0; ok && k < v->n; k++)
			ok = v->u.items[k]->type == RG_JSON_STRING;
		if (!ok)
			return cfg_error(s, v, err,
					 "%s.%s: expected a string or a non-empty array of strings",
					 path, match->u.members[i].key);
	}
	return 0;
}

static int check_selectors(const struct src *s, const struct rg_json *sels, struct rg_error **err)
{
	if (!rg_json_is(sels, RG_JSON_ARRAY))
		return cfg_error(s, sels, err, ".selectors: expected an array, got %s",
				 rg_json_type_name(sels->type));
	for (size_t i = 0; i < sels->n; i++) {
		const struct rg_json *sel = sels->u.items[i];
		char path[48];
		snprintf(path, sizeof(path), ".selectors[%zu]", i);
		if (!rg_json_is(sel, RG_JSON_OBJECT))
			return cfg_error(s, sel, err, "%s: expected an object", path);
		bool has_match = false;
		for (size_t k = 0; k < sel->n; k++) {
			const struct rg_json_member *m = &sel->u.members[k];
			_cleanup_free_ char *sub = rg_xasprintf("%s.%s", path, m->key);
			enum rg_mode mode;
			int r = 0;
			if (rg_streq(m->key, "match")) {
				has_match = true;
				r = check_match(s, m->value, sub, err);
			} else if (rg_streq(m->key, "profile")) {
				r = check_profile_name(s, m->value, sub, err);
			} else if (rg_streq(m->key, "mode")) {
				r = parse_mode(s, m->value, sub, &mode, err);
			} else if (rg_streq(m->key, "allowWeakerProfiles")) {
				if (!rg_json_is_bool(m->value))
					r = cfg_error(s, m->value, err, "%s: expected a boolean",
						      sub);
			} else {
				r = cfg_error(s, m->value, err, "%s: unknown key", sub);
			}
			if (r < 0)
				return r;
		}
		if (!has_match)
			return cfg_error(s, sel, err, "%s: missing \"match\"", path);
	}
	return 0;
}

static int parse_audit(const struct src *s, const struct rg_json *a, struct rg_config *c,
		       struct rg_error **err)
{
	if (!rg_json_is(a, RG_JSON_OBJECT))
		return cfg_error(s, a, err, ".audit: expected an object, got %s",
				 rg_json_type_name(a->type));
	for (size_t i = 0; i < a->n; i++) {
		const struct rg_json_member *m = &a->u.members[i];
		_cleanup_free_ char *path = rg_xasprintf(".audit.%s", m->key);
		if (rg_streq(m->key, "file")) {
			int r = check_abs_path(s, m->value, path, true, err);
			if (r < 0)
				return r;
			free(c->audit_file);
			c->audit_file =
			    rg_json_str(m->value) ? rg_xstrdup(rg_json_str(m->value)) : NULL;
		} else if (rg_streq(m->key, "syslog") || rg_streq(m->key, "required")) {
			if (!rg_json_is_bool(m->value))
				return cfg_error(s, m->value, err, "%s: expected a boolean", path);
			bool v = m->value->type == RG_JSON_TRUE;
			if (rg_streq(m->key, "syslog"))
				c->is_audit_syslog = v;
			else
				c->is_audit_required = v;
		} else {
			return cfg_error(s, m->value, err, "%s: unknown key", path);
		}
	}
	return 0;
}

/* Runtime flags whose value is a program the real runtime runs as root. */
static const char *const program_flags[] = {"criu"};

static int check_runtime_flags(const struct src *s, const struct rg_json *v, struct rg_error **err)
{
	if (!rg_json_is(v, RG_JSON_OBJECT))
		return cfg_error(s, v, err, ".runtimeFlags: expected an object, got %s",
				 rg_json_type_name(v->type));
	for (size_t i = 0; i < v->n; i++) {
		const struct rg_json_member *m = &v->u.members[i];
		_cleanup_free_ char *path = rg_xasprintf(".runtimeFlags.%s", m->key);
		bool is_known = false;
		for (size_t k = 0; k < RG_ARRAY_SIZE(program_flags); k++)
			is_known = is_known || rg_streq(m->key, program_flags[k]);
		if (!is_known)
			return cfg_error(s, m->value, err, "%s: unknown runtime flag (known: criu)",
					 path);
		if (!rg_json_is(m->value, RG_JSON_ARRAY))
			return cfg_error(s, m->value, err,
					 "%s: expected an array of absolute paths, got %s", path,
					 rg_json_type_name(m->value->type));
		for (size_t k = 0; k < m->value->n; k++) {
			_cleanup_free_ char *item = rg_xasprintf("%s[%zu]", path, k);
			int r = check_abs_path(s, m->value->u.items[k], item, false, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/*
 * "restore": {"allow": bool}. CRIU restores capabilities, no_new_privs,
 * seccomp filters and (without --lsm-profile) the LSM label from the
 * checkpoint image, not from config.json: in enforce mode restore is
 * refused unless allowed here.
 */
static int parse_restore(const struct src *s, const struct rg_json *v, struct rg_config *c,
			 struct rg_error **err)
{
	if (!rg_json_is(v, RG_JSON_OBJECT))
		return cfg_error(s, v, err, ".restore: expected an object, got %s",
				 rg_json_type_name(v->type));
	for (size_t i = 0; i < v->n; i++) {
		const struct rg_json_member *m = &v->u.members[i];
		if (!rg_streq(m->key, "allow"))
			return cfg_error(s, m->value, err, ".restore.%s: unknown key", m->key);
		if (!rg_json_is_bool(m->value))
			return cfg_error(s, m->value, err, ".restore.allow: expected a boolean");
		c->is_restore_allowed = m->value->type == RG_JSON_TRUE;
	}
	return 0;
}

bool rg_config_is_dry(const struct rg_config *c)
{
	if (c->mode == RG_MODE_ENFORCE)
		return false;
	for (size_t i = 0; c->selectors && i < c->selectors->n; i++) {
		const char *m = rg_json_str(rg_json_get(c->selectors->u.items[i], "mode"));
		if (rg_streq(m, "enforce"))
			return false;
	}
	return true;
}

bool rg_config_allows_flag(const struct rg_config *c, const char *flag, const char *value)
{
	const struct rg_json *list =
	    c && c->runtime_flags ? rg_json_get(c->runtime_flags, flag) : NULL;
	if (!value || !rg_json_is(list, RG_JSON_ARRAY))
		return false;
	for (size_t i = 0; i < list->n; i++) {
		const char *p = rg_json_str(list->u.items[i]);
		if (p && rg_streq(p, value))
			return true;
	}
	return false;
}

/*
 * "exec": {"unenforced": "judge" | "refuse"}: exec into a container whose
 * config.json has no run.runguard.policy annotation (started before
 * runguard, or by another runtime) is judged against the policy the
 * configuration selects for it (default), or refused.
 */
static int parse_exec(const struct src *s, const struct rg_json *v, struct rg_config *c,
		      struct rg_error **err)
{
	if (!rg_json_is(v, RG_JSON_OBJECT))
		return cfg_error(s, v, err, ".exec: expected an object, got %s",
				 rg_json_type_name(v->type));
	for (size_t i = 0; i < v->n; i++) {
		const struct rg_json_member *m = &v->u.members[i];
		const char *u = rg_json_str(m->value);
		if (!rg_streq(m->key, "unenforced"))
			return cfg_error(s, m->value, err, ".exec.%s: unknown key", m->key);
		if (!u || (!rg_streq(u, "judge") && !rg_streq(u, "refuse")))
			return cfg_error(s, m->value, err,
					 ".exec.unenforced: expected \"judge\" or \"refuse\"");
		c->is_unenforced_exec_refused = rg_streq(u, "refuse");
	}
	return 0;
}

static int apply_member(const struct src *s, const struct rg_json_member *m, struct rg_config *c,
			struct rg_error **err)
{
	_cleanup_free_ char *path = rg_xasprintf(".%s", m->key);

	if (rg_streq(m->key, "mode")) {
		c->has_mode = true;
		return parse_mode(s, m->value, path, &c->mode, err);
	}
	if (rg_streq(m->key, "profile")) {
		int r = check_profile_name(s, m->value, path, err);
		if (r < 0)
			return r;
		free(c->profile);
		c->profile = rg_xstrdup(rg_json_str(m->value));
		return 0;
	}
	if (rg_streq(m->key, "runtime")) {
		int r = check_abs_path(s, m->value, path, false, err);
		if (r < 0)
			return r;
		c->runtime = rg_xstrdup(rg_json_str(m->value));
		return 0;
	}
	if (rg_streq(m->key, "rules")) {
		c->rules = m->value;
		return check_rules(s, m->value, err);
	}
	if (rg_streq(m->key, "selectors")) {
		c->selectors = m->value;
		return check_selectors(s, m->value, err);
	}
	if (rg_streq(m->key, "audit"))
		return parse_audit(s, m->value, c, err);
	if (rg_streq(m->key, "runtimeFlags")) {
		c->runtime_flags = m->value;
		return check_runtime_flags(s, m->value, err);
	}
	if (rg_streq(m->key, "restore"))
		return parse_restore(s, m->value, c, err);
	if (rg_streq(m->key, "exec"))
		return parse_exec(s, m->value, c, err);
	return cfg_error(s, m->value, err, "%s: unknown configuration key", path);
}

bool rg_config_is_trusted_owner(const struct stat *st)
{
	return (st->st_uid == 0 || st->st_uid == geteuid()) && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static int read_config(const char *path, char **ret, size_t *ret_len, struct rg_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return errno == ENOENT ? -ENOENT
				       : rg_error_set(err, errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		return rg_error_set(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return rg_error_set(err, EINVAL, "%s: not a regular file", path);
	/* Whoever can write the policy can switch it off. */
	if (!rg_config_is_trusted_owner(&st))
		return rg_error_set(err, EPERM,
				    "%s: must be owned by root (or the caller) and writable by "
				    "nobody else (owner uid %u, mode %04o)",
				    path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	if ((size_t)st.st_size > CONFIG_MAX_SIZE)
		return rg_error_set(err, EFBIG, "%s: larger than the limit of %u bytes", path,
				    CONFIG_MAX_SIZE);
	_cleanup_free_ char *buf = rg_xmalloc((size_t)st.st_size + 1);
	size_t len = 0;
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return rg_error_set(err, errno, "%s: read: %s", path, strerror(errno));
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*ret = steal_ptr(&buf);
	*ret_len = len;
	return 0;
}

void rg_config_free(struct rg_config *c)
{
	free(c->path);
	rg_json_free(c->tree);
	free(c->profile);
	free(c->runtime);
	free(c->audit_file);
	memset(c, 0, sizeof(*c));
}

/* The configuration an absent file means: the embedded default policy. */
static void config_defaults(struct rg_config *c, const char *path)
{
	*c = (struct rg_config){.mode = RG_MODE_ENFORCE};
	c->path = rg_xstrdup(path);
	c->profile = rg_xstrdup(RG_DEFAULT_PROFILE);
	c->audit_file = rg_xstrdup(RG_AUDIT_DEFAULT_PATH);
}

int rg_config_parse_buffer(const char *name, const char *buf, size_t len, struct rg_config *ret,
			   struct rg_error **err)
{
	struct rg_config c;
	int r;

	config_defaults(&c, name);
	const struct rg_json_parse_opts opts = {.allow_comments = true};
	const struct src s = {name, buf, len};
	c.is_loaded = true;
	c.tree = rg_json_parse(buf, len, name, &opts, err);
	if (!c.tree) {
		r = -EINVAL;
		goto fail;
	}
	if (!rg_json_is(c.tree, RG_JSON_OBJECT)) {
		r = cfg_error(&s, c.tree, err, ".: expected an object, got %s",
			      rg_json_type_name(c.tree->type));
		goto fail;
	}
	for (size_t i = 0; i < c.tree->n; i++) {
		r = apply_member(&s, &c.tree->u.members[i], &c, err);
		if (r < 0)
			goto fail;
	}
	*ret = c;
	return 0;
fail:
	rg_config_free(&c);
	return r;
}

const char *rg_config_path(bool *ret_is_explicit)
{
	const char *path = getenv("RUNGUARD_CONFIG");
	*ret_is_explicit = path && *path;
	return *ret_is_explicit ? path : RG_CONFIG_DEFAULT_PATH;
}

int rg_config_load(const char *path, struct rg_config *ret, struct rg_error **err)
{
	bool is_explicit = path != NULL;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;

	if (!path)
		path = rg_config_path(&is_explicit);
	int r = read_config(path, &buf, &len, err);
	if (r == -ENOENT && !is_explicit) {
		config_defaults(ret, path);
		return 0;
	}
	if (r == -ENOENT)
		return rg_error_set(err, ENOENT, "%s: %s", path, strerror(ENOENT));
	if (r < 0)
		return r;
	return rg_config_parse_buffer(path, buf, len, ret, err);
}
