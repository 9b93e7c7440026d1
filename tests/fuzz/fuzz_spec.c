/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: config.json load -> enforce -> save, without the file
 * system. The bytes go through what rg_spec_load does after reading the
 * file (size cap, rg_json_parse, rg_spec_check_keys), then through policy
 * selection and rg_enforce as the create path runs them (default
 * configuration, an injected host), then rg_json_emit as
 * rg_spec_save writes it. Asserted:
 *
 *   - a parse either yields a tree or sets an error, never both or neither;
 *   - parse(emit(t)) == t, for the input tree and for the enforced tree,
 *     indented (as saved) and compact, and emit is a fixed point;
 *   - what runguard writes passes runguard's own key checks;
 *   - enforcing the saved text again, under the policy its annotations
 *     select, changes nothing and refuses nothing (idempotence), and selects
 *     the same policy digest.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include "runguard/error.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "../../src/engine/patch.h"
#include "runguard/policy.h"
#include "runguard/report.h"
#include "runguard/rules.h"
#include "runguard/spec.h"
#include "runguard/util.h"

#include "fuzz.h"

#define SPEC_NAME "config.json"

/* Deterministic stand-in for the namespace check: only PID 1's own files are the host's. */
static int spec_ns_is_host(const char *type, const char *path)
{
	return strncmp(path, "/proc/1/ns/", 11) == 0;
}

/* An amd64 Linux 6.1 machine with 8 GiB, 4 CPUs, common hard limits; no file access. */
static struct rg_host spec_host = {
    .seccomp_arch = "SCMP_ARCH_X86_64",
    .go_arch = "amd64",
    .kernel_major = 6,
    .kernel_minor = 1,
    .selinux_enabled = 0, /* as rg_selinux_host_attach sets it on a host without SELinux */
    .ns_is_host = spec_ns_is_host,
    .resolve_path = NULL,
    .memory_bytes = 8ULL << 30,
    .cpus = 4,
    .pid_max = 4194304,
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	spec_host.has_rlimits = true;
	for (size_t i = 0; i < RG_HOST_NRLIMITS; i++)
		spec_host.rlimit_hard[i] = RG_HOST_RLIM_INFINITY;
	spec_host.rlimit_hard[RLIMIT_NOFILE] = 1048576;
	spec_host.rlimit_hard[RLIMIT_NPROC] = 4194304;
	return 0;
}

/* The configuration an absent /etc/runguard/config.json means. */
static struct rg_config spec_cfg = {
    .path = (char *)RG_CONFIG_DEFAULT_PATH,
    .mode = RG_MODE_ENFORCE,
    .profile = (char *)RG_DEFAULT_PROFILE,
};

/* Parses text and asserts the parse/error contract; returns the tree or NULL. */
static struct rg_json *spec_parse(const char *text, size_t len)
{
	struct rg_error *err = NULL;
	struct rg_json *t = rg_json_parse(text, len, SPEC_NAME, NULL, &err);

	FUZZ_ASSERT((t == NULL) != (err == NULL));
	if (err) {
		FUZZ_ASSERT(err->msg && err->code != 0);
		rg_error_free(err);
	}
	return t;
}

/* parse(emit(t)) == t, and emit(parse(emit(t))) == emit(t), in one emitter mode. */
static void spec_roundtrip_mode(const struct rg_json *t, bool indent)
{
	size_t len = 0, len2 = 0;
	char *text = rg_json_emit(t, indent, &len);

	FUZZ_ASSERT(text && strlen(text) == len);
	struct rg_json *back = spec_parse(text, len);
	FUZZ_ASSERT(back);
	FUZZ_ASSERT(rg_json_equal(t, back));
	char *text2 = rg_json_emit(back, indent, &len2);
	FUZZ_ASSERT(len2 == len && memcmp(text, text2, len) == 0);
	free(text2);
	rg_json_free(back);
	free(text);
}

static void spec_roundtrip(const struct rg_json *t)
{
	spec_roundtrip_mode(t, true);
	spec_roundtrip_mode(t, false);
}

/* Selects the policy from spec's annotations, as the create path does. */
static int spec_select(const struct rg_json *spec, struct rg_policy *ret)
{
	struct rg_error *err = NULL;
	const struct rg_json *ann = rg_json_get(spec, "annotations");

	int r =
	    rg_policy_select(&spec_cfg, rg_json_is(ann, RG_JSON_OBJECT) ? ann : NULL, ret, &err);
	FUZZ_ASSERT((r < 0) == (err != NULL));
	rg_error_free(err);
	return r;
}

/* Runs the rules; returns rg_enforce's result and leaves the report in *report. */
static int spec_enforce(struct rg_json *spec, const struct rg_policy *p, struct rg_report *report)
{
	struct rg_error *err = NULL;
	struct rg_rule_ctx ctx = {.policy = p,
				  .host = &spec_host,
				  .report = report,
				  .file = SPEC_NAME,
				  .bundle = "/srv/bundle"};

	int r = rg_enforce(spec, &ctx, &err);
	FUZZ_ASSERT((r < 0) == (err != NULL));
	if (err)
		FUZZ_ASSERT(err->msg);
	/* Refused by policy when, and only when, a rule recorded a violation. */
	if (r == 0)
		FUZZ_ASSERT(report->n_violations == 0);
	if (r == -EPERM)
		FUZZ_ASSERT(report->n_violations > 0);
	rg_error_free(err);
	return r;
}

/* Everything after a successful enforcement: what would be saved, and a second run. */
static void spec_check_saved(const struct rg_json *orig, const struct rg_json *spec,
			     const struct rg_policy *p)
{
	struct rg_error *err = NULL;
	size_t len = 0;
	char *text = rg_json_emit(spec, true, &len);
	struct rg_json *saved = spec_parse(text, len);

	FUZZ_ASSERT(saved);
	FUZZ_ASSERT(rg_json_equal(spec, saved));
	FUZZ_ASSERT(rg_spec_check_keys(saved, SPEC_NAME, &err) == 0);
	spec_roundtrip(saved);

	/* The JSON Patch that `explain` prints must be constructible. */
	struct rg_json *patch = rg_json_diff(orig, spec);
	FUZZ_ASSERT(rg_json_is(patch, RG_JSON_ARRAY));
	rg_json_free(patch);

	struct rg_policy p2 = {0};
	struct rg_report report2 = {0};
	FUZZ_ASSERT(spec_select(saved, &p2) == 0);
	FUZZ_ASSERT(strcmp(p2.digest, p->digest) == 0);
	int r = spec_enforce(saved, &p2, &report2);
	if (r != 0 || report2.n_changes != 0)
		fprintf(stderr, "not idempotent: r=%d, %zu change(s), first: %s\n", r,
			report2.n_changes, report2.n_changes ? report2.changes[0].path : "-");
	FUZZ_ASSERT(r == 0);
	FUZZ_ASSERT(report2.n_changes == 0 && report2.n_violations == 0);
	FUZZ_ASSERT(rg_json_equal(spec, saved));
	rg_report_free(&report2);
	rg_policy_free(&p2);
	rg_json_free(saved);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rg_error *err = NULL;

	/* rg_spec_load refuses larger files before parsing. */
	if (size > RG_JSON_MAX_SIZE)
		return 0;
	struct rg_json *spec = spec_parse((const char *)data, size);
	if (!spec)
		return 0;
	spec_roundtrip(spec);
	if (rg_spec_check_keys(spec, SPEC_NAME, &err) < 0) {
		FUZZ_ASSERT(err && err->msg);
		rg_error_free(err);
		rg_json_free(spec);
		return 0;
	}
	FUZZ_ASSERT(!err);

	struct rg_json *orig = rg_json_clone(spec);
	FUZZ_ASSERT(rg_json_equal(orig, spec));
	struct rg_policy p = {0};
	struct rg_report report = {0};
	if (spec_select(spec, &p) == 0) {
		int r = spec_enforce(spec, &p, &report);
		/* Unchanged means unchanged: the create path skips the save then. */
		if (r == 0 && report.n_changes == 0)
			FUZZ_ASSERT(rg_json_equal(orig, spec));
		if (r == 0)
			spec_check_saved(orig, spec, &p);
		rg_report_free(&report);
		rg_policy_free(&p);
	}
	rg_json_free(orig);
	rg_json_free(spec);
	return 0;
}
