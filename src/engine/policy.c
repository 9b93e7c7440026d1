/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The effective policy for one container: a shipped profile chosen by the
 * configuration's selectors and the workload's annotation, with the
 * operator's rule overrides merged over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/embedded.h"
#include "runguard/policy.h"
#include "runguard/sha256.h"
#include "runguard/util.h"

/* The shipped profiles' digests without overrides, per mode (tools/gen_policy_digests.c). */
#include "policy_digests.h"

void rg_policy_free(struct rg_policy *p)
{
	free(p->name);
	rg_json_free(p->rules);
	free(p->reason);
	if (p->is_seccomp_owned)
		free(p->seccomp_profile);
	free(p->seccomp_profile_origin);
	free(p->runtime);
	free(p->config_path);
	memset(p, 0, sizeof(*p));
}

const struct rg_json *rg_policy_rule(const struct rg_policy *p, const char *rule)
{
	return rg_json_get(p->rules, rule);
}

enum rg_action rg_policy_action(const struct rg_policy *p, const char *rule)
{
	enum rg_action a = RG_ACTION_OFF;
	const struct rg_json *s = rg_policy_rule(p, rule);
	if (rg_action_parse(rg_json_str(rg_json_get(s, "action")), &a) < 0)
		return RG_ACTION_OFF;
	return a;
}

char *rg_policy_apparmor_profile(const struct rg_policy *p)
{
	if (rg_policy_action(p, "apparmor") == RG_ACTION_OFF)
		return NULL;
	const char *name = rg_json_str(rg_json_get(rg_policy_rule(p, "apparmor"), "profile"));
	return rg_xstrdup(name ? name : RG_APPARMOR_DEFAULT_PROFILE);
}

/* Objects merge key by key; anything else replaces. */
static void merge(struct rg_json *dst, const struct rg_json *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct rg_json_member *m = &src->u.members[i];
		struct rg_json *cur = rg_json_get(dst, m->key);
		if (rg_json_is(cur, RG_JSON_OBJECT) && rg_json_is(m->value, RG_JSON_OBJECT))
			merge(cur, m->value);
		else
			rg_json_set(dst, m->key, rg_json_clone(m->value));
	}
}

static int load_profile(const char *name, struct rg_json **ret_rules, int *ret_level,
			struct rg_error **err)
{
	size_t len;
	const char *text = rg_embedded_profile(name, &len);
	if (!text)
		return rg_error_set(err, ENOENT, "unknown profile '%s'", name);
	_cleanup_free_ char *label = rg_xasprintf("profile %s", name);
	_cleanup_json_ struct rg_json *prof = rg_embedded_tree(name);
	if (!prof)
		return rg_error_set(err, EINVAL, "%s: the packed tree is damaged", label);
	struct rg_json *rules = rg_json_get(prof, "rules");
	long long level = 0;
	if (!rg_json_is(rules, RG_JSON_OBJECT) || rg_json_int64(rg_json_get(prof, "level"), &level))
		return rg_error_set(err, EINVAL, "%s: missing \"rules\" or \"level\"", label);
	*ret_rules = rg_json_take(prof, "rules");
	*ret_level = (int)level;
	return 0;
}

static int profile_level(const char *name)
{
	if (rg_streq(name, "privileged"))
		return 0;
	if (rg_streq(name, "baseline"))
		return 1;
	if (rg_streq(name, "restricted"))
		return 2;
	return -1;
}

static bool value_matches(const struct rg_json *pattern, const char *value)
{
	if (pattern->type == RG_JSON_STRING)
		return fnmatch(pattern->u.s.text, value, 0) == 0;
	for (size_t i = 0; i < pattern->n; i++)
		if (fnmatch(pattern->u.items[i]->u.s.text, value, 0) == 0)
			return true;
	return false;
}

static bool selector_matches(const struct rg_json *sel, const struct rg_json *annotations)
{
	const struct rg_json *match = rg_json_get(sel, "match");

	for (size_t i = 0; match && i < match->n; i++) {
		const char *v = rg_json_str(rg_json_get(annotations, match->u.members[i].key));
		if (!v || !value_matches(match->u.members[i].value, v))
			return false;
	}
	return match != NULL;
}

static int load_seccomp(struct rg_policy *p, struct rg_error **err)
{
	const char *which = rg_json_str(rg_json_get(rg_policy_rule(p, "seccomp"), "profile"));

	if (!which || rg_streq(which, "default")) {
		p->seccomp_profile = (char *)rg_embedded_seccomp(&p->seccomp_profile_len);
		p->seccomp_profile_origin = rg_xstrdup("embedded");
		return 0;
	}
	_cleanup_close_ int fd = open(which, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return rg_error_set(err, errno, "seccomp profile %s: %s", which, strerror(errno));
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > RG_JSON_MAX_SIZE)
		return rg_error_set(err, EINVAL,
				    "seccomp profile %s: not a regular file under %u bytes", which,
				    RG_JSON_MAX_SIZE);
	_cleanup_free_ char *buf = rg_xmalloc((size_t)st.st_size + 1);
	ssize_t n = read(fd, buf, (size_t)st.st_size);
	if (n != (ssize_t)st.st_size)
		return rg_error_set(err, EIO, "seccomp profile %s: short read", which);
	buf[n] = '\0';
	_cleanup_json_ struct rg_json *check = rg_json_parse(buf, (size_t)n, which, NULL, err);
	if (!check)
		return -EINVAL;
	if (!rg_json_is(check, RG_JSON_OBJECT) || !rg_json_str(rg_json_get(check, "defaultAction")))
		return rg_error_set(err, EINVAL,
				    "seccomp profile %s: expected an object with \"defaultAction\"",
				    which);
	p->seccomp_profile = steal_ptr(&buf);
	p->seccomp_profile_len = (size_t)n;
	p->seccomp_profile_origin = rg_xstrdup(which);
	p->is_seccomp_owned = true;
	return 0;
}

/* The digest of a shipped profile without overrides, made at build time; NULL: none. */
static const char *built_digest(const struct rg_policy *p, bool has_overrides)
{
	size_t emb_len;
	if (has_overrides ||
	    (p->seccomp_profile && p->seccomp_profile != rg_embedded_seccomp(&emb_len)))
		return NULL;
	for (size_t i = 0; i < RG_ARRAY_SIZE(rg_policy_digests); i++) {
		const struct rg_policy_digest_row *d = &rg_policy_digests[i];
		/* The generator says whether the profile uses the embedded seccomp profile. */
		if (rg_streq(d->profile, p->name) && d->has_seccomp == (p->seccomp_profile != NULL))
			return d->digest[p->mode];
	}
	return NULL;
}

static void compute_digest(struct rg_policy *p, bool has_overrides)
{
	const char *built = built_digest(p, has_overrides);
	if (built) {
		snprintf(p->digest, sizeof(p->digest), "%s", built);
		return;
	}
	size_t len = 0;
	_cleanup_free_ char *rules = rg_json_emit(p->rules, false, &len);
	char phex[65];
	const char *seccomp_hex = NULL;
	/* The profile by its own SHA-256: known at build time for the embedded one. */
	size_t emb_len;
	if (p->seccomp_profile == rg_embedded_seccomp(&emb_len)) {
		seccomp_hex = rg_embedded_seccomp_sha256();
	} else if (p->seccomp_profile) {
		struct rg_sha256 ps;
		rg_sha256_init(&ps);
		rg_sha256_update(&ps, p->seccomp_profile, p->seccomp_profile_len);
		rg_sha256_hex(&ps, phex);
		seccomp_hex = phex;
	}
	rg_policy_digest_of(p->name, rg_mode_name(p->mode), rules, len, seccomp_hex, p->digest);
}

int rg_policy_select(const struct rg_config *c, const struct rg_json *annotations,
		     struct rg_policy *ret, struct rg_error **err)
{
	struct rg_policy p = {0};
	const char *profile = c->profile ? c->profile : RG_DEFAULT_PROFILE;
	enum rg_mode mode = c->mode;
	bool may_weaken = false;
	_cleanup_free_ char *reason = rg_xstrdup("configured profile");
	int r;

	for (size_t i = 0; rg_json_is(c->selectors, RG_JSON_ARRAY) && i < c->selectors->n; i++) {
		const struct rg_json *sel = c->selectors->u.items[i];
		if (!rg_json_is(annotations, RG_JSON_OBJECT) || !selector_matches(sel, annotations))
			continue;
		const char *sp = rg_json_str(rg_json_get(sel, "profile"));
		const char *sm = rg_json_str(rg_json_get(sel, "mode"));
		if (sp)
			profile = sp;
		if (sm)
			mode = rg_streq(sm, "audit")  ? RG_MODE_AUDIT
			       : rg_streq(sm, "warn") ? RG_MODE_WARN
						      : RG_MODE_ENFORCE;
		may_weaken = rg_json_get(sel, "allowWeakerProfiles") &&
			     rg_json_get(sel, "allowWeakerProfiles")->type == RG_JSON_TRUE;
		free(reason);
		reason = rg_xasprintf("selector %zu", i);
		break;
	}
	/* The workload may ask for a stricter profile, never a weaker one unless allowed. */
	const char *asked = rg_json_str(rg_json_get(annotations, RG_PROFILE_ANNOTATION));
	if (asked) {
		int want = profile_level(asked), have = profile_level(profile);
		char *why;
		if (want < 0)
			why = rg_xasprintf("%s; annotation asked for unknown profile '%s': ignored",
					   reason, asked);
		else if (want > have || (want < have && may_weaken))
			why =
			    rg_xasprintf("annotation %s (over %s)", RG_PROFILE_ANNOTATION, reason),
			profile = asked;
		else if (want < have)
			why = rg_xasprintf("%s; annotation asked for weaker profile '%s': ignored",
					   reason, asked);
		else
			why = rg_xstrdup(reason);
		free(reason);
		reason = why;
	}

	p.name = rg_xstrdup(profile);
	p.mode = mode;
	p.reason = steal_ptr(&reason);
	r = load_profile(profile, &p.rules, &p.level, err);
	if (r < 0)
		goto fail;
	if (c->rules)
		merge(p.rules, c->rules);
	if (rg_policy_action(&p, "seccomp") != RG_ACTION_OFF) {
		r = load_seccomp(&p, err);
		if (r < 0)
			goto fail;
	}
	p.runtime = c->runtime ? rg_xstrdup(c->runtime) : NULL;
	p.config_path = rg_xstrdup(c->path);
	p.is_config_loaded = c->is_loaded;
	compute_digest(&p, c->rules != NULL);
	*ret = p;
	return 0;
fail:
	rg_policy_free(&p);
	return r;
}

int rg_policy_load(const char *config_path, struct rg_policy *ret, struct rg_error **err)
{
	struct rg_config c;
	int r = rg_config_load(config_path, &c, err);
	if (r < 0)
		return r;
	r = rg_policy_select(&c, NULL, ret, err);
	rg_config_free(&c);
	return r;
}

char *rg_policy_describe(const struct rg_config *c, const struct rg_policy *p)
{
	_cleanup_json_ struct rg_json *o = rg_json_new(RG_JSON_OBJECT);

	rg_json_set(o, "config", rg_json_new_string(c->path));
	rg_json_set(o, "loaded", rg_json_new_bool(c->is_loaded));
	rg_json_set(o, "mode", rg_json_new_string(rg_mode_name(p->mode)));
	rg_json_set(o, "profile", rg_json_new_string(p->name));
	rg_json_set(o, "digest", rg_json_new_string(p->digest));
	rg_json_set(o, "runtime",
		    c->runtime ? rg_json_new_string(c->runtime) : rg_json_new(RG_JSON_NULL));
	rg_json_set(
	    o, "seccompProfile",
	    rg_json_new_string(p->seccomp_profile_origin ? p->seccomp_profile_origin : "none"));
	rg_json_set(o, "rules", rg_json_clone(p->rules));
	rg_json_set(o, "selectors",
		    c->selectors ? rg_json_clone(c->selectors) : rg_json_new(RG_JSON_ARRAY));
	struct rg_json *audit = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(audit, "file",
		    c->audit_file ? rg_json_new_string(c->audit_file) : rg_json_new(RG_JSON_NULL));
	rg_json_set(audit, "syslog", rg_json_new_bool(c->is_audit_syslog));
	rg_json_set(audit, "required", rg_json_new_bool(c->is_audit_required));
	rg_json_set(o, "audit", audit);
	return rg_json_emit(o, true, NULL);
}
