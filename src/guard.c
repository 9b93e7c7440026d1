/* SPDX-License-Identifier: Apache-2.0 */
/* The create path and runguard's own commands, kept out of main(). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/guard.h"
#include "runguard/host.h"
#include "runguard/rules.h"
#include "runguard/runtime.h"
#include "runguard/spec.h"
#include "runguard/util.h"

int rg_guard_enforce(const struct rg_cli *cli, const struct rg_policy *policy,
		     struct rg_report *report, struct rg_error **err)
{
	struct rg_bundle b = {.dirfd = -1};
	struct rg_host host;
	_cleanup_json_ struct rg_json *spec = NULL;
	int r;

	if (cli->config_flag)
		return rg_error_set(err, EINVAL,
				    "%s --config %s: an alternative config file is not supported; "
				    "refusing rather than leaving it unchecked",
				    cli->subcmd, cli->config_flag);
	r = rg_spec_open(cli->bundle, &b, err);
	if (r < 0)
		return r;
	r = rg_spec_load(&b, &spec, err);
	if (r < 0)
		goto out;
	rg_host_detect(&host);
	struct rg_rule_ctx ctx = {
	    .policy = policy, .host = &host, .report = report, .file = b.config_name};
	r = rg_enforce(spec, &ctx, err);
	if (r < 0)
		goto out;
	/* Already enforced by this policy: nothing to write (idempotence). */
	if (report->n_changes > 0)
		r = rg_spec_save(&b, spec, err);
out:
	rg_spec_close(&b);
	return r;
}

char *rg_guard_summary(const struct rg_policy *policy, const struct rg_report *report)
{
	struct rg_buf b = {0};

	rg_buf_printf(&b, "runguard: policy %s@%s: %zu change%s", policy->name, policy->digest,
		      report->n_changes, report->n_changes == 1 ? "" : "s");
	for (size_t i = 0; i < report->n_changes; i++) {
		const struct rg_change *c = &report->changes[i];
		rg_buf_printf(&b, "%s %s: %s -> %s", i ? ";" : ":", c->path,
			      c->before ? c->before : "(absent)",
			      c->after ? c->after : "(removed)");
	}
	return rg_buf_steal(&b);
}

int rg_guard_info(FILE *out, struct rg_error **err)
{
	struct rg_policy p;
	int r = rg_policy_load(NULL, &p, err);
	if (r < 0)
		return r;

	fprintf(out, "runguard version %s\n", RG_VERSION);
	fprintf(out, "config: %s (%s)\n", p.config_path,
		p.is_config_loaded ? "loaded" : "absent: embedded default policy");
	fprintf(out, "policy: %s@%s\n", p.name, p.digest);
	fprintf(out, "capability ceiling:");
	for (size_t i = 0; i < p.n_cap_ceiling; i++)
		fprintf(out, "%s%s", i ? "," : " ", p.cap_ceiling[i]);
	fprintf(out, "\nseccomp profile: %s\n", p.seccomp_profile_origin);
	fprintf(out, "pids limit default: %lld\n", p.pids_default);

	_cleanup_free_ char *rt = NULL;
	struct rg_error *rt_err = NULL;
	if (rg_runtime_find(p.runtime, &rt, &rt_err) < 0) {
		fprintf(out, "runtime: none (%s)\n", rt_err->msg);
		rg_error_free(rt_err);
		rg_policy_free(&p);
		return rg_error_set(err, ENOENT, "no usable real runtime");
	}
	_cleanup_free_ char *ver = rg_runtime_version(rt);
	fprintf(out, "runtime: %s\n", rt);
	fprintf(out, "runtime version: %s\n", ver ? ver : "(unknown)");
	rg_policy_free(&p);
	return 0;
}
