/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The selinux rule: every container runs under a confined SELinux type with
 * MCS categories of its own, as CRI-O and podman label containers.
 *
 * With SELinux on (host->selinux_enabled == 1):
 * - no process.selinuxLabel: the container gets the system's container
 *   contexts (lxc_contexts "process" and "file", e.g. container_t and
 *   container_file_t) at a level "s0:cA,cB" reserved for it, unique on the
 *   node; containers of one pod share their sandbox's level;
 * - a given label whose type the policy does not allow (settings
 *   "allowTypes", default container_t and container_init_t; so spc_t,
 *   unconfined_t, kernel_t, ... are refused) is rejected, or its
 *   user:role:type replaced by the container context's (fix);
 * - a given level without categories ("s0"), or a range ("s0-s0:c0.c1023"),
 *   is rejected or given unique categories; linux.mountLabel follows.
 * With SELinux off, labels are left alone: runc would refuse any label. A
 * policy with "required": true then refuses every container (fail closed).
 *
 * The rule does no I/O: the host's contexts and the MCS allocator come in
 * through host->selinux (src/host/selinux.c, or a test's own).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/rule_api.h"
#include "runguard/selinux.h"
#include "runguard/selinux_label.h"
#include "runguard/util.h"

#define PATH_PROCESS ".process.selinuxLabel"
#define PATH_MOUNT ".linux.mountLabel"
#define TYPE_MAX 255

static const char *const default_allow[] = {"container_t", "container_init_t", NULL};

/* ---- labels ---- */

static void label_freep(struct rg_selinux_label *l)
{
	rg_selinux_label_free(l);
}
#define _cleanup_label_ _cleanup_(label_freep)

/* "s0" of "s0", "s0:c1,c2" or "s0-s0:c0.c1023". Caller frees. */
static char *sensitivity(const char *level)
{
	return rg_xstrndup(level, strcspn(level, "-:"));
}

/* ---- settings ---- */

static bool type_allowed(const struct rg_json *settings, const char *type)
{
	const struct rg_json *allow = rg_json_get(settings, "allowTypes");
	if (!rg_json_is(allow, RG_JSON_ARRAY)) {
		for (size_t i = 0; default_allow[i]; i++)
			if (rg_streq(type, default_allow[i]))
				return true;
		return false;
	}
	for (size_t i = 0; i < allow->n; i++) {
		const char *t = rg_json_str(allow->u.items[i]);
		if (t && rg_streq(type, t))
			return true;
	}
	return false;
}

static char *allowed_list(const struct rg_json *settings)
{
	const struct rg_json *allow = rg_json_get(settings, "allowTypes");
	struct rg_buf b = {0};
	if (!rg_json_is(allow, RG_JSON_ARRAY)) {
		for (size_t i = 0; default_allow[i]; i++)
			rg_buf_printf(&b, "%s%s", i ? ", " : "", default_allow[i]);
	} else {
		for (size_t i = 0; i < allow->n; i++)
			rg_buf_printf(&b, "%s%s", i ? ", " : "", rg_json_str(allow->u.items[i]));
	}
	rg_buf_append(&b, "", 0);
	return rg_buf_steal(&b);
}

static bool is_required(const struct rg_json *settings)
{
	const struct rg_json *r = rg_json_get(settings, "required");
	return r && r->type == RG_JSON_TRUE;
}

static int selinux_check(const struct rg_json *settings, const char *file, const char *path,
			 struct rg_error **err)
{
	static const char *const keys[] = {"allowTypes", "required", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	const struct rg_json *req = rg_json_get(settings, "required");
	if (req && !rg_json_is_bool(req))
		return rg_error_set(err, EINVAL, "%s: %s.required: expected a boolean", file, path);
	const struct rg_json *allow = rg_json_get(settings, "allowTypes");
	if (!allow)
		return 0;
	if (!rg_json_is(allow, RG_JSON_ARRAY) || allow->n == 0)
		return rg_error_set(
		    err, EINVAL, "%s: %s.allowTypes: expected a non-empty array of SELinux types",
		    file, path);
	for (size_t i = 0; i < allow->n; i++) {
		const char *t = rg_json_str(allow->u.items[i]);
		bool ok = t && strlen(t) <= TYPE_MAX && strlen(t) == allow->u.items[i]->u.s.len;
		for (size_t k = 0; ok && t[k]; k++)
			ok = isalnum((unsigned char)t[k]) || t[k] == '_';
		if (!ok || !*t)
			return rg_error_set(err, EINVAL,
					    "%s: %s.allowTypes[%zu]: expected an SELinux type name "
					    "([A-Za-z0-9_], e.g. \"container_t\")",
					    file, path, i);
	}
	return 0;
}

/* ---- applying ---- */

struct sel {
	struct rg_rule_ctx *ctx;
	const struct rg_selinux_facts *facts;
	const struct rg_json *annotations;
	char *level; /* the process label's final level (owned), or NULL */
	bool is_level_chosen; /* that level was chosen here (not given) */
	bool is_assigned; /* the process label was absent and assigned here */
};

static const char *annotation(const struct sel *s, const char *a, const char *b)
{
	const char *v = rg_json_str(rg_json_get(s->annotations, a));
	return v ? v : rg_json_str(rg_json_get(s->annotations, b));
}

/* A fresh level "<sensitivity of base>:cA,cB" from the allocator. */
static int new_level(struct sel *s, const char *base_level, char **ret, struct rg_error **err)
{
	if (!s->facts->mcs.reserve)
		return rg_error_set(err, EINVAL, "%s: %s: no MCS allocator to choose categories",
				    s->ctx->file, PATH_PROCESS);
	const char *sandbox = annotation(s, RG_ANN_SANDBOX_ID_CRI, RG_ANN_SANDBOX_ID_CRIO);
	const char *type = annotation(s, RG_ANN_TYPE_CRI, RG_ANN_TYPE_CRIO);
	_cleanup_free_ char *cats = NULL;
	int r = s->facts->mcs.reserve(s->facts->mcs.data, sandbox,
				      type && rg_streq(type, "sandbox"), &cats, err);
	if (r < 0) {
		if (*err)
			rg_error_prefix(*err, "%s: %s: reserving MCS categories", s->ctx->file,
					PATH_PROCESS);
		return r;
	}
	_cleanup_free_ char *sens = sensitivity(base_level ? base_level : "s0");
	*ret = rg_xasprintf("%s:%s", sens, cats);
	return 0;
}

/* The host's container context for `which` ("process" or "file"), parsed. */
static int host_context(const struct sel *s, bool is_file, struct rg_selinux_label *ret,
			struct rg_error **err)
{
	const struct rg_selinux_facts *f = s->facts;
	const char *ctx = is_file ? f->file_label : f->process_label;
	const char *path = is_file ? PATH_MOUNT : PATH_PROCESS;

	if (!ctx)
		return rg_error_set(err, EINVAL,
				    "%s: %s: cannot choose an SELinux label: no container contexts "
				    "(%s)",
				    s->ctx->file, path,
				    f->contexts_error ? f->contexts_error : "none known");
	if (!rg_selinux_label_parse(ctx, ret))
		return rg_error_set(
		    err, EINVAL, "%s: %s: container context '%s' from %s is malformed",
		    s->ctx->file, path, ctx, f->contexts_path ? f->contexts_path : "?");
	if (!is_file && !type_allowed(s->ctx->settings, ret->type)) {
		_cleanup_free_ char *list = allowed_list(s->ctx->settings);
		int r =
		    rg_error_set(err, EPERM,
				 "%s: %s: the host's container context '%s' (%s) has type '%s', "
				 "which the policy does not allow (allowed: %s)",
				 s->ctx->file, path, ctx, f->contexts_path ? f->contexts_path : "?",
				 ret->type, list);
		rg_selinux_label_free(ret);
		return r;
	}
	return 0;
}

static void set_label(struct sel *s, struct rg_json *obj, const char *key, const char *path,
		      const struct rg_selinux_label *l, const char *level)
{
	_cleanup_free_ char *text = rg_xasprintf("%s:%s:%s:%s", l->user, l->role, l->type, level);
	struct rg_json *cur = rg_json_get(obj, key);
	if (rg_json_str(cur) && rg_streq(rg_json_str(cur), text))
		return;
	struct rg_json *after = rg_json_new_string(text);
	rg_rule_record(s->ctx, path, cur, after);
	rg_json_set(obj, key, after);
}

/* No label: the container context at a level of its own. */
static int assign_process(struct sel *s, struct rg_json *spec, struct rg_error **err)
{
	_cleanup_label_ struct rg_selinux_label def = {0};
	if (!rg_rule_may_fix(s->ctx, PATH_PROCESS,
			     "no SELinux label: the container would run unconfined by MCS, "
			     "sharing categories with every other container"))
		return 0;
	int r = host_context(s, false, &def, err);
	if (r == 0)
		r = new_level(s, def.level, &s->level, err);
	if (r < 0)
		return r;
	struct rg_json *proc = rg_rule_object(spec, "process", s->ctx->file, "", true, err);
	if (!proc)
		return -EINVAL;
	set_label(s, proc, "selinuxLabel", PATH_PROCESS, &def, s->level);
	s->is_level_chosen = s->is_assigned = true;
	return 0;
}

/* A label that does not parse: replaced whole. */
static int replace_malformed(struct sel *s, struct rg_json *proc, const char *given,
			     struct rg_error **err)
{
	_cleanup_label_ struct rg_selinux_label def = {0};
	if (!rg_rule_may_fix(s->ctx, PATH_PROCESS,
			     "malformed SELinux label '%s' (expected user:role:type:level)", given))
		return 0;
	int r = host_context(s, false, &def, err);
	if (r == 0)
		r = new_level(s, def.level, &s->level, err);
	if (r < 0)
		return r;
	set_label(s, proc, "selinuxLabel", PATH_PROCESS, &def, s->level);
	s->is_level_chosen = true;
	return 0;
}

static bool level_may_fix(struct sel *s, const char *path, const char *level)
{
	if (rg_selinux_level_kind(level) == RG_SELINUX_LEVEL_NO_CATS)
		return rg_rule_may_fix(s->ctx, path,
				       "level '%s' has no MCS categories: it would share files "
				       "and processes with every other container",
				       level);
	return rg_rule_may_fix(
	    s->ctx, path, "level '%s' is a range, not categories of the container's own", level);
}

/* A parsed label: its type must be allowed, its level the container's own. */
static int check_given(struct sel *s, struct rg_json *proc, struct rg_selinux_label *l,
		       struct rg_error **err)
{
	bool is_bad_type = !type_allowed(s->ctx->settings, l->type);
	bool is_bad_level = rg_selinux_level_kind(l->level) != RG_SELINUX_LEVEL_OWN;
	bool ok = true;

	if (is_bad_type) {
		_cleanup_free_ char *list = allowed_list(s->ctx->settings);
		ok = rg_rule_may_fix(s->ctx, PATH_PROCESS,
				     "SELinux type '%s' is not allowed (allowed: %s)", l->type,
				     list);
	}
	if (is_bad_level)
		ok = level_may_fix(s, PATH_PROCESS, l->level) && ok;
	if (!is_bad_level)
		s->level = rg_xstrdup(l->level);
	if (!ok || (!is_bad_type && !is_bad_level))
		return 0;
	_cleanup_label_ struct rg_selinux_label def = {0};
	int r = 0;
	if (is_bad_type)
		r = host_context(s, false, &def, err);
	if (r == 0 && is_bad_level) {
		r = new_level(s, l->level, &s->level, err);
		s->is_level_chosen = true;
	}
	if (r < 0)
		return r;
	set_label(s, proc, "selinuxLabel", PATH_PROCESS, is_bad_type ? &def : l, s->level);
	return 0;
}

/*
 * The label at spec.<top>.<key> (`path` in messages): *ret_parent the
 * object spec.<top> (NULL when absent), *ret_given the label, borrowed
 * (NULL when absent or null). Anything but a string or null is an error.
 */
static int get_label(struct sel *s, struct rg_json *spec, const char *top, const char *key,
		     const char *path, struct rg_json **ret_parent, const char **ret_given,
		     struct rg_error **err)
{
	struct rg_json *parent = rg_rule_object(spec, top, s->ctx->file, "", false, err);
	if (!parent && *err)
		return -EINVAL;
	const struct rg_json *cur = rg_json_get(parent, key);
	if (cur && cur->type != RG_JSON_NULL && cur->type != RG_JSON_STRING)
		return rg_error_set(err, EINVAL, "%s: %s: expected a string, got %s", s->ctx->file,
				    path, rg_json_type_name(cur->type));
	*ret_parent = parent;
	*ret_given = rg_json_str(cur);
	return 0;
}

static int fix_process(struct sel *s, struct rg_json *spec, struct rg_error **err)
{
	struct rg_json *proc = NULL;
	const char *given = NULL;
	int r = get_label(s, spec, "process", "selinuxLabel", PATH_PROCESS, &proc, &given, err);
	if (r < 0)
		return r;
	/* runc treats "" as no label. */
	if (!given || !*given)
		return assign_process(s, spec, err);
	_cleanup_label_ struct rg_selinux_label l = {0};
	if (!rg_selinux_label_parse(given, &l))
		return replace_malformed(s, proc, given, err);
	return check_given(s, proc, &l, err);
}

/* linux.mountLabel goes with the process label: the file context at the same level. */
static int fix_mount(struct sel *s, struct rg_json *spec, struct rg_error **err)
{
	struct rg_json *linux_ = NULL;
	const char *given = NULL;
	int r = get_label(s, spec, "linux", "mountLabel", PATH_MOUNT, &linux_, &given, err);
	if (r < 0)
		return r;
	_cleanup_label_ struct rg_selinux_label l = {0};
	bool is_parsed = given && *given && rg_selinux_label_parse(given, &l);
	bool is_file_ctx = !is_parsed;

	if (!given || !*given) {
		/* An engine's process label without a mount label is the engine's choice. */
		if (!s->is_assigned)
			return 0;
	} else if (!is_parsed) {
		if (!rg_rule_may_fix(s->ctx, PATH_MOUNT,
				     "malformed SELinux label '%s' (expected user:role:type:level)",
				     given))
			return 0;
	} else if (rg_selinux_level_kind(l.level) != RG_SELINUX_LEVEL_OWN) {
		if (!level_may_fix(s, PATH_MOUNT, l.level))
			return 0;
	} else if (!s->is_level_chosen || !s->level || rg_streq(l.level, s->level)) {
		return 0;
	}
	if (!s->level)
		return 0; /* the process label was refused: nothing to follow */
	_cleanup_label_ struct rg_selinux_label def = {0};
	if (is_file_ctx) {
		r = host_context(s, true, &def, err);
		if (r < 0)
			return r;
	}
	if (!linux_)
		linux_ = rg_rule_object(spec, "linux", s->ctx->file, "", true, err);
	set_label(s, linux_, "mountLabel", PATH_MOUNT, is_file_ctx ? &def : &l, s->level);
	return 0;
}

static int selinux_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	const struct rg_selinux_facts *f = ctx->host->selinux;

	if (ctx->host->selinux_enabled != 1 || !f) {
		/* Labels are left alone: runc refuses any label without SELinux. */
		if (is_required(ctx->settings))
			rg_report_violation(ctx->report, ctx->rule, PATH_PROCESS,
					    "SELinux is required by the policy (rules.selinux."
					    "required) but is %s on this host; refusing to start "
					    "the container without SELinux confinement",
					    f && f->state ? f->state : "not enabled");
		return 0;
	}
	struct sel s = {.ctx = ctx, .facts = f};
	const struct rg_json *ann = rg_json_get(spec, "annotations");
	s.annotations = rg_json_is(ann, RG_JSON_OBJECT) ? ann : NULL;
	int r = fix_process(&s, spec, err);
	if (r == 0)
		r = fix_mount(&s, spec, err);
	free(s.level);
	return r;
}

const struct rg_rule rg_rule_selinux = {"selinux", selinux_check, selinux_apply};
