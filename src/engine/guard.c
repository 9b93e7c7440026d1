/* SPDX-License-Identifier: Apache-2.0 */
/* The create path and runguard's own commands, kept out of main(). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/audit.h"
#include "runguard/guard.h"
#include "runguard/host.h"
#include "runguard/normpath.h"
#include "runguard/partial.h"
#include "patch.h"
#include "runguard/rules.h"
#include "runguard/runtime.h"
#include "runguard/selinux.h"
#include "runguard/spec.h"
#include "runguard/util.h"

void rg_decision_free(struct rg_decision *d)
{
	if (d->has_policy)
		rg_policy_free(&d->policy);
	rg_report_free(&d->report);
	rg_json_free(d->annotations);
	rg_json_free(d->spec);
	free(d->config_name);
	free(d->input);
	memset(d, 0, sizeof(*d));
}

/*
 * The directory runc will run in, absolute and normalised (caller frees):
 * `path` itself, or with `is_file` the directory holding it. runc chdirs
 * to its bundle and joins relative paths to the working directory, so
 * this is what relative mount sources and root.path are relative to.
 * NULL when the working directory cannot be read (the rules then refuse
 * what they would have to resolve).
 */
static char *bundle_dir(const char *path, bool is_file)
{
	_cleanup_free_ char *dir = rg_xstrdup(path && *path ? path : ".");
	char *slash = is_file ? strrchr(dir, '/') : NULL;

	if (is_file && !slash)
		strcpy(dir, ".");
	else if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	if (dir[0] == '/')
		return rg_path_normalize(dir);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/')
		return NULL;
	return rg_path_resolve_in(cwd, dir);
}

/* Selects the policy for spec and runs the rules on it. */
static int decide(struct rg_json *spec, const struct rg_config *cfg, struct rg_selinux_host *sh,
		  const char *file, const char *bundle, struct rg_decision *d,
		  struct rg_error **err)
{
	struct rg_host host;
	const struct rg_json *ann = rg_json_get(spec, "annotations");

	/* The policy is selected on the annotations as read; the audit record
	 * keeps the identifying ones from before the rules run. */
	if (rg_json_is(ann, RG_JSON_OBJECT))
		d->annotations = rg_audit_annotations(ann);
	int r =
	    rg_policy_select(cfg, rg_json_is(ann, RG_JSON_OBJECT) ? ann : NULL, &d->policy, err);
	if (r < 0)
		return r;
	d->has_policy = true;
	rg_host_detect(&host);
	/* A dry run (audit, warn, explain) reserves no MCS categories. */
	rg_selinux_host_attach(sh, &host, d->policy.mode != RG_MODE_ENFORCE || !sh->id);
	d->selinux = sh->facts.state;
	struct rg_rule_ctx ctx = {.policy = &d->policy,
				  .host = &host,
				  .report = &d->report,
				  .file = file,
				  .container_id = sh->id,
				  .bundle = bundle};
	return rg_enforce(spec, &ctx, err);
}

/* restore's --lsm-profile "apparmor:NAME" or "selinux:LABEL": the container's own, or refused. */
static void check_lsm_profile(const char *v, const struct rg_json *process, struct rg_report *r)
{
	static const struct {
		const char *prefix, *key;
	} kinds[] = {{"apparmor:", "apparmorProfile"}, {"selinux:", "selinuxLabel"}};

	if (!v || !*v)
		return;
	for (size_t i = 0; i < RG_ARRAY_SIZE(kinds); i++) {
		size_t n = strlen(kinds[i].prefix);
		if (strncmp(v, kinds[i].prefix, n) != 0)
			continue;
		const char *have = rg_json_str(rg_json_get(process, kinds[i].key));
		if (have && *have && rg_streq(v + n, have))
			return;
		rg_report_violation(r, "restore", "--lsm-profile",
				    "'%s' is not the process.%s the policy gives the container "
				    "(%s%s%s)",
				    v, kinds[i].key, have && *have ? "'" : "",
				    have && *have ? have : "none", have && *have ? "'" : "");
		return;
	}
	rg_report_violation(r, "restore", "--lsm-profile",
			    "'%s': expected \"apparmor:PROFILE\" or \"selinux:LABEL\"", v);
}

/*
 * restore: CRIU brings back capabilities, no_new_privs, seccomp filters and
 * (without --lsm-profile) the LSM label from the checkpoint image, not from
 * config.json, so the enforced config.json does not bound it. Refused
 * unless the configuration allows restore; then its flags are held to what
 * the policy gives the container: --lsm-profile and --lsm-mount-context
 * absent or the container's own, --manage-cgroups-mode soft (the default:
 * CRIU leaves the limits runc set from config.json) or ignore, never full
 * or strict (limits restored from the image).
 */
static void check_restore(const struct rg_cli *cli, const struct rg_config *cfg,
			  const struct rg_json *spec, struct rg_report *r)
{
	const char *mode = cli->manage_cgroups_mode;

	if (!cfg->is_restore_allowed) {
		rg_report_violation(r, "restore", "restore",
				    "CRIU restores capabilities, no_new_privs and seccomp filters "
				    "from the checkpoint image, not from config.json; allowed only "
				    "with \"restore\": {\"allow\": true} in the configuration");
		return;
	}
	check_lsm_profile(cli->lsm_profile, rg_json_get(spec, "process"), r);
	const char *ctx = cli->lsm_mount_context;
	const char *label = rg_json_str(rg_json_get(rg_json_get(spec, "linux"), "mountLabel"));
	if (ctx && *ctx && !(label && rg_streq(ctx, label)))
		rg_report_violation(r, "restore", "--lsm-mount-context",
				    "'%s' is not the linux.mountLabel the policy gives the "
				    "container (%s)",
				    ctx, label && *label ? label : "none");
	if (mode && *mode && !rg_streq(mode, "soft") && !rg_streq(mode, "ignore"))
		rg_report_violation(
		    r, "restore", "--manage-cgroups-mode",
		    "'%s': only soft (the default) or ignore keep the cgroup limits "
		    "runc sets from config.json; full and strict restore them from "
		    "the image",
		    mode);
}

/*
 * Two keys naming one field (or, strictly, a case variant) in a dry mode:
 * runc and crun read such a spec differently, so enforce refuses it; audit
 * and warn change nothing anyway, so the container runs as it came and the
 * record says it would have been refused. The policy is chosen without the
 * spec's annotations (they may be what is ambiguous).
 */
static int dry_ambiguous(const struct rg_config *cfg, struct rg_decision *d, struct rg_error **err)
{
	_cleanup_free_ char *msg = rg_xstrdup((*err)->msg);
	rg_error_free(*err);
	*err = NULL;
	int r = rg_policy_select(cfg, NULL, &d->policy, err);
	if (r < 0)
		return r;
	d->has_policy = true;
	rg_report_violation(&d->report, "fields", ".", "%s", msg);
	d->verdict = "would-reject";
	return 0;
}

int rg_guard_enforce(const struct rg_cli *cli, const struct rg_config *cfg, struct rg_decision *d,
		     struct rg_error **err)
{
	struct rg_bundle b = {.dirfd = -1};
	_cleanup_json_ struct rg_json *spec = NULL;
	_cleanup_free_ char *dir = NULL;
	int r;

	d->verdict = "error";
	if (cli->config_flag)
		return rg_error_set(err, EINVAL,
				    "%s --config %s: an alternative config file is not supported; "
				    "refusing rather than leaving it unchecked",
				    cli->subcmd, cli->config_flag);
	r = rg_spec_open(cli->bundle, &b, err);
	if (r < 0)
		return r;
	struct rg_selinux_host sh;
	rg_selinux_host_init(&sh, cli, cfg->runtime);
	d->config_name = rg_xstrdup(b.config_name);
	r = rg_spec_load_report(&b, &d->report, &spec, err);
	if (r == -ENOTUNIQ && rg_config_is_dry(cfg)) {
		r = dry_ambiguous(cfg, d, err);
		goto out;
	}
	if (r < 0)
		goto out;
	dir = bundle_dir(cli->bundle, false);
	r = decide(spec, cfg, &sh, b.config_name, dir, d, err);
	if (r == 0 && cli->subcmd && rg_streq(cli->subcmd, "restore")) {
		check_restore(cli, cfg, spec, &d->report);
		if (d->report.n_violations) {
			_cleanup_free_ char *msg =
			    rg_partial_refusal(d->config_name, &d->policy, &d->report);
			r = rg_error_set(err, EPERM, "%s", msg);
		}
	}
	bool is_dry = d->has_policy && d->policy.mode != RG_MODE_ENFORCE;
	if (is_dry && (r == 0 || r == -EPERM)) {
		/* audit/warn: record what would have happened, change nothing. */
		d->verdict = d->report.n_violations ? "would-reject"
			     : d->report.n_changes  ? "would-fix"
						    : "unchanged";
		if (r == -EPERM) {
			rg_error_free(*err);
			*err = NULL;
		}
		r = 0;
		goto out;
	}
	if (r == -EPERM)
		d->verdict = "rejected";
	if (r < 0)
		goto out;
	/* Already enforced by this policy: nothing to write (idempotence). */
	if (d->report.n_changes > 0) {
		r = rg_spec_save(&b, spec, err);
		if (r < 0)
			goto out;
	}
	d->verdict = d->report.n_changes ? "fixed" : "unchanged";
	d->spec = steal_ptr(&spec);
out:
	/* Not started: a reservation made for it goes back now, not at the next collection. */
	if (r < 0)
		rg_selinux_host_rollback(&sh);
	rg_selinux_host_free(&sh);
	rg_spec_close(&b);
	return r;
}

char *rg_guard_summary(const struct rg_decision *d)
{
	struct rg_buf b = {0};

	rg_buf_printf(&b, "runguard: %s: policy %s@%s (%s, mode %s): %zu change%s", d->verdict,
		      d->policy.name, d->policy.digest, d->policy.reason,
		      rg_mode_name(d->policy.mode), d->report.n_changes,
		      d->report.n_changes == 1 ? "" : "s");
	for (size_t i = 0; i < d->report.n_changes; i++) {
		const struct rg_change *c = &d->report.changes[i];
		rg_buf_printf(&b, "%s %s: %s -> %s", i ? ";" : ":", c->path,
			      c->before ? c->before : "(absent)",
			      c->after ? c->after : "(removed)");
	}
	for (size_t i = 0; i < d->report.n_violations; i++) {
		const struct rg_violation *v = &d->report.violations[i];
		rg_buf_printf(&b, "; violation %s: %s (rule %s)", v->path, v->msg, v->rule);
	}
	return rg_buf_steal(&b);
}

int rg_guard_info(FILE *out, struct rg_error **err)
{
	struct rg_config c;
	struct rg_policy p;
	int r = rg_config_load(NULL, &c, err);
	if (r < 0)
		return r;
	r = rg_policy_select(&c, NULL, &p, err);
	if (r < 0) {
		rg_config_free(&c);
		return r;
	}
	fprintf(out, "runguard version %s\n", RG_VERSION);
	fprintf(out, "config: %s (%s)\n", c.path,
		c.is_loaded ? "loaded" : "absent: embedded default policy");
	fprintf(out, "mode: %s\n", rg_mode_name(p.mode));
	fprintf(out, "policy: %s@%s\n", p.name, p.digest);
	fprintf(out, "seccomp profile: %s\n",
		p.seccomp_profile_origin ? p.seccomp_profile_origin : "none");
	fprintf(out, "audit: %s%s\n", c.audit_file ? c.audit_file : "no file",
		c.is_audit_syslog ? ", syslog" : "");

	_cleanup_free_ char *rt = NULL;
	struct rg_error *rt_err = NULL;
	r = rg_runtime_find(p.runtime, &rt, &rt_err);
	rg_policy_free(&p);
	rg_config_free(&c);
	if (r < 0) {
		fprintf(out, "runtime: none (%s)\n", rt_err->msg);
		rg_error_free(rt_err);
		return rg_error_set(err, ENOENT, "no usable real runtime");
	}
	_cleanup_free_ char *ver = rg_runtime_version(rt);
	fprintf(out, "runtime: %s\n", rt);
	fprintf(out, "runtime version: %s\n", ver ? ver : "(unknown)");
	return 0;
}

int rg_guard_check_config(const char *file, FILE *out, struct rg_error **err)
{
	struct rg_config c;
	struct rg_policy p;
	int r = rg_config_load(file, &c, err);
	if (r < 0)
		return r;
	r = rg_policy_select(&c, NULL, &p, err);
	if (r == 0) {
		_cleanup_free_ char *text = rg_policy_describe(&c, &p);
		fputs(text, out);
		rg_policy_free(&p);
	}
	rg_config_free(&c);
	return r;
}

static int load_for_explain(const char *path, struct rg_json **ret, char **ret_name,
			    struct rg_error **err)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct rg_bundle b = {.dirfd = -1};
		int r = rg_spec_open(path, &b, err);
		if (r < 0)
			return r;
		r = rg_spec_read(&b, ret, err);
		*ret_name = rg_xstrdup(b.config_name);
		rg_spec_close(&b);
		return r;
	}
	*ret_name = rg_xstrdup(path);
	return rg_spec_read_file(path, ret, err);
}

/* Enforces a copy of spec and prints the patch and summary. Returns 0 or 1 (rejected). */
static int explain_spec(struct rg_json *spec, const struct rg_config *cfg, const char *name,
			const char *bundle, FILE *out, FILE *summary, struct rg_error **err)
{
	struct rg_decision d = {0};
	struct rg_error *verr = NULL;
	_cleanup_json_ struct rg_json *orig = rg_json_clone(spec);

	/* Keys get runc's spelling as create gives them: the renames are changes too. */
	int r = rg_spec_canon_keys(spec, name, &d.report, &verr);
	if (r == 0) {
		struct rg_selinux_host sh;
		rg_selinux_host_init(&sh, NULL, cfg->runtime);
		r = decide(spec, cfg, &sh, name, bundle, &d, &verr);
		rg_selinux_host_free(&sh);
	}
	if (r < 0 && r != -EPERM) {
		*err = verr;
		rg_decision_free(&d);
		return r;
	}
	d.verdict = r == -EPERM ? "rejected" : d.report.n_changes ? "fixed" : "unchanged";
	_cleanup_free_ char *sum = rg_guard_summary(&d);
	if (r == -EPERM) {
		/* A refused spec is not what create would write: an empty patch. */
		fputs("[]\n", out);
		fprintf(summary, "%s\n%s\n", sum, verr->msg);
		rg_error_free(verr);
		r = 1;
	} else {
		_cleanup_json_ struct rg_json *patch = rg_json_diff(orig, spec);
		_cleanup_free_ char *text = rg_json_emit(patch, true, NULL);
		fputs(text, out);
		fprintf(summary, "%s\n", sum);
	}
	rg_decision_free(&d);
	return r;
}

int rg_guard_explain(const char *path, FILE *out, FILE *summary, struct rg_error **err)
{
	struct rg_config cfg;
	_cleanup_json_ struct rg_json *spec = NULL;
	_cleanup_free_ char *name = NULL;

	int r = rg_config_load(NULL, &cfg, err);
	if (r < 0)
		return r;
	r = load_for_explain(path, &spec, &name, err);
	/* Explain shows what enforce would do, whatever the configured mode. */
	cfg.mode = RG_MODE_ENFORCE;
	/* explain BUNDLE judges relative paths against the bundle, explain FILE
	 * against the file's directory. */
	struct stat st;
	bool is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	_cleanup_free_ char *dir = bundle_dir(path, !is_dir);
	if (r == 0)
		r = explain_spec(spec, &cfg, name, dir, out, summary, err);
	rg_config_free(&cfg);
	return r;
}
