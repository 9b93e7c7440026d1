/* SPDX-License-Identifier: Apache-2.0 */
/* Rules run on a partial spec, for exec and update. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/argfile.h"
#include "runguard/audit.h"
#include "runguard/partial.h"
#include "runguard/runtime.h"
#include "runguard/rules.h"
#include "runguard/util.h"

int rg_partial_run(const struct rg_policy *p, const struct rg_host *host, const char *rule,
		   struct rg_json *spec, const char *file, struct rg_report *report,
		   struct rg_error **err)
{
	const struct rg_rule *r = rg_rule_find(rule);
	enum rg_action a = rg_policy_action(p, rule);

	if (!r || a == RG_ACTION_OFF)
		return 0;
	struct rg_rule_ctx ctx = {
	    .policy = p,
	    .host = host,
	    .report = report,
	    .file = file,
	    .rule = r->name,
	    .settings = rg_policy_rule(p, rule),
	    .action = a,
	};
	return r->apply(spec, &ctx, err);
}

size_t rg_partial_take(struct rg_report *to, const struct rg_report *from, const char *path,
		       const char *shown)
{
	size_t n = 0;

	for (size_t i = 0; i < from->n_changes; i++) {
		const struct rg_change *c = &from->changes[i];
		if (rg_streq(c->path, path)) {
			rg_report_change(to, c->rule, shown, c->before, c->after);
			n++;
		}
	}
	for (size_t i = 0; i < from->n_violations; i++) {
		const struct rg_violation *v = &from->violations[i];
		if (rg_streq(v->path, path)) {
			rg_report_violation(to, v->rule, shown, "%s", v->msg);
			n++;
		}
	}
	return n;
}

static const char *unprefixed(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(path, prefix, n) == 0 ? path + n : path;
}

void rg_partial_take_all(struct rg_report *to, const struct rg_report *from, const char *prefix)
{
	for (size_t i = 0; i < from->n_changes; i++) {
		const struct rg_change *c = &from->changes[i];
		rg_report_change(to, c->rule, unprefixed(c->path, prefix), c->before, c->after);
	}
	for (size_t i = 0; i < from->n_violations; i++) {
		const struct rg_violation *v = &from->violations[i];
		rg_report_violation(to, v->rule, unprefixed(v->path, prefix), "%s", v->msg);
	}
}

char *rg_partial_refusal(const char *what, const struct rg_policy *p, const struct rg_report *r)
{
	struct rg_buf b = {0};

	rg_buf_printf(&b, "%s: refused by policy %s:", what, p->name);
	for (size_t i = 0; i < r->n_violations; i++) {
		const struct rg_violation *v = &r->violations[i];
		rg_buf_printf(&b, "%s %s: %s (rule %s)", i ? ";" : "", v->path, v->msg, v->rule);
	}
	return rg_buf_steal(&b);
}

int rg_partial_conclude(struct rg_decision *d, const char *what, bool *ret_apply,
			struct rg_error **err)
{
	bool is_dry = d->policy.mode != RG_MODE_ENFORCE;

	*ret_apply = false;
	if (d->report.n_violations) {
		d->verdict = is_dry ? "would-reject" : "rejected";
		if (is_dry)
			return 0;
		_cleanup_free_ char *msg = rg_partial_refusal(what, &d->policy, &d->report);
		return rg_error_set(err, EPERM, "%s", msg);
	}
	if (!d->report.n_changes) {
		d->verdict = "unchanged";
		return 0;
	}
	d->verdict = is_dry ? "would-fix" : "fixed";
	*ret_apply = !is_dry;
	return 0;
}

int rg_partial_begin(const char *runtime, const struct rg_cli *cli, const struct rg_config *cfg,
		     const char *input, struct rg_container *c, struct rg_decision *d,
		     struct rg_host *host, struct rg_error **err)
{
	d->verdict = "error";
	if (input)
		d->input = rg_xstrdup(input);
	int r = rg_container_lookup(runtime, cli, rg_config_is_dry(cfg), c, err);
	if (r < 0)
		return r;
	d->config_name = rg_xstrdup(c->config_name);
	/* Only in a dry run: recorded as create records it (rg_guard_enforce). */
	if (c->ambiguity)
		rg_report_violation(&d->report, "fields", ".", "%s", c->ambiguity);
	const struct rg_json *ann = rg_json_get(c->spec, "annotations");
	/* The policy is selected on the annotations as read; the audit record
	 * keeps the identifying ones from before the rules run. */
	if (rg_json_is(ann, RG_JSON_OBJECT))
		d->annotations = rg_audit_annotations(ann);
	r = rg_policy_select(cfg, rg_json_is(ann, RG_JSON_OBJECT) ? ann : NULL, &d->policy, err);
	if (r < 0)
		return r;
	d->has_policy = true;
	rg_host_detect(host);
	return 0;
}

/* runc's container id syntax (^[\w+-\.]+$), not "." or "..". */
static bool is_valid_id(const char *id)
{
	static const char ok[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.";
	return id && *id && strspn(id, ok) == strlen(id) && !rg_streq(id, ".") &&
	       !rg_streq(id, "..");
}

bool rg_partial_is_missing(const char *runtime, const struct rg_cli *cli)
{
	struct stat st;
	const char *root = cli->root;

	if (!is_valid_id(cli->container_id))
		return false;
	/* The defaults for root; as another user runc and crun use $XDG_RUNTIME_DIR: not sure. */
	if (!root || !*root) {
		if (geteuid() != 0)
			return false;
		root = rg_runtime_is_runc(runtime) ? "/run/runc" : "/run/crun";
	}
	_cleanup_free_ char *p = rg_xasprintf("%s/%s", root, cli->container_id);
	return lstat(p, &st) < 0 && errno == ENOENT;
}

int rg_partial_disarm(const struct rg_cli *cli, int argc, char *const argv[], struct rg_argv *a,
		      struct rg_error **err)
{
	_cleanup_free_ struct rg_cli_flag *flags = NULL;
	size_t n = 0;
	bool is_exec = cli->kind == RG_CLI_EXEC;
	const char *name = is_exec ? "process" : "resources";

	rg_argv_init(a, argc, argv);
	int r = rg_cli_flags(argc, argv, cli, &flags, &n, err);
	if (r < 0)
		return r;
	bool has = false;
	for (size_t i = 0; i < n; i++) {
		if (!rg_streq(flags[i].name, name))
			continue;
		rg_argfile_set_value(a, &flags[i], "/dev/null");
		has = true;
	}
	if (!has)
		rg_argv_insert_after(a, cli->subcmd_index,
				     is_exec ? "--process=/dev/null" : "--resources=/dev/null");
	return 0;
}
