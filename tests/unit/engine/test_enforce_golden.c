/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden enforcement cases: for every directory tests/golden/enforce-*
 * (other golden cases belong to other drivers), parse in.json, check its
 * keys as rg_spec_load_report() does (renames count as changes), run rg_enforce() with the default
 * policy (an explicit configuration file holding `{}`) on an injected host (amd64, Linux 6.1, so
 * the result does not depend on the machine), emit it indented and compare byte for byte with
 * out.json. out.json must also be a fixed point: enforcing it again changes nothing.
 *
 * out.json holds the policy stamp, run.runguard.policy = "<profile>@sha256:...",
 * whose digest covers the profile's rules (profiles/baseline.json) and the
 * seccomp profile text (profiles/seccomp-default.json). Any change to either
 * changes every out.json here, as does any change to the default seccomp
 * profile's syscall lists. Regenerate with
 *
 *     RG_UPDATE_GOLDEN=1 build/tests/test_enforce_golden
 *
 * and then read the diff (git diff tests/golden/enforce-*) before committing:
 * a wrong golden file is worse than none.
 *
 * A case may also hold
 *
 *   config.json  a runguard configuration for this case instead of `{}`
 *                (its policy digest is then the one stamped in out.json);
 *   error.txt    the exact refusal message expected instead of an out.json
 *                (updated by RG_UPDATE_GOLDEN=1 only when it already exists,
 *                so a case never turns into an expected refusal by accident).
 *
 * Run from the top of the repository, or set RG_GOLDEN_DIR.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/error.h"
#include "runguard/host.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/report.h"
#include "runguard/rules.h"
#include "runguard/spec.h"
#include "runguard/util.h"

#include "golden_harness.h"

#define CASE_PREFIX "enforce-"
#define HINT "regenerate with RG_UPDATE_GOLDEN=1 after checking the diff"

/* The host's own namespaces, as this injected host sees them: /proc/1/ns/<anything>. */
static int fake_ns_is_host(const char *type, const char *path)
{
	return strncmp(path, "/proc/1/ns/", 11) == 0 ? 1 : 0;
}

static const struct rg_host host = {.seccomp_arch = "SCMP_ARCH_X86_64",
				    .go_arch = "amd64",
				    .kernel_major = 6,
				    .kernel_minor = 1,
				    .selinux_enabled = -1,
				    .ns_is_host = fake_ns_is_host};
static struct rg_policy policy;
static char tmpdir[] = "/tmp/rg-test-enforce-golden-XXXXXX";

static bool is_update(void)
{
	const char *u = getenv("RG_UPDATE_GOLDEN");
	return u && rg_streq(u, "1");
}

static int write_file(const char *path, const char *text, size_t len)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	return rg_write_all(fd, text, len);
}

/* Where the first difference is, and a command to see all of them. */
static void report_diff(const char *name, const char *out_path, const char *want, size_t want_len,
			const char *got, size_t got_len)
{
	size_t i = 0, line = 1, col = 1;
	while (i < want_len && i < got_len && want[i] == got[i]) {
		if (want[i] == '\n')
			line++, col = 1;
		else
			col++;
		i++;
	}
	char *got_path = rg_xasprintf("%s/%s.out.json", tmpdir, name);
	/* Kept after the run so the diff can be read; the directory is left behind then. */
	bool is_saved = write_file(got_path, got, got_len) == 0;
	print_error("%s differs from the enforced in.json at line %zu, column %zu\n"
		    "  want: %.*s\n"
		    "  got:  %.*s\n"
		    "  see:  diff -u %s %s\n"
		    "  %s\n",
		    out_path, line, col, (int)strcspn(want + i - (col - 1), "\n"),
		    want + i - (col - 1), (int)strcspn(got + i - (col - 1), "\n"),
		    got + i - (col - 1), out_path, is_saved ? got_path : "(could not save)", HINT);
	free(got_path);
}

static int enforce(const struct rg_policy *p, struct rg_json *spec, struct rg_report *report,
		   struct rg_error **err)
{
	struct rg_rule_ctx ctx = {.policy = p,
				  .host = &host,
				  .report = report,
				  .file = "config.json",
				  .bundle = "/srv/bundle"};
	return rg_enforce(spec, &ctx, err);
}

/* A case with error.txt: enforcement must fail with exactly that message. */
static bool check_refusal(const char *name, int r, const struct rg_error *err)
{
	char *path = rg_xasprintf("%s/%s/error.txt", golden_dir(), name);
	size_t len = 0;
	char *want = NULL;
	bool ok = false;

	if (r >= 0) {
		print_error("%s: expected a refusal, enforcement succeeded\n", path);
		goto done;
	}
	const char *got = err ? err->msg : "?";
	if (is_update()) {
		char *text = rg_xasprintf("%s\n", got);
		if (write_file(path, text, strlen(text)) == 0)
			print_message("# updated %s; check it by hand\n", path);
		free(text);
	}
	want = golden_read(path, &len);
	if (!want) {
		print_error("cannot read %s: %s\n", path, strerror(errno));
		goto done;
	}
	if (len > 0 && want[len - 1] == '\n')
		want[--len] = '\0';
	ok = rg_streq(want, got);
	if (!ok)
		print_error("%s: refusal differs\n  want: %s\n  got:  %s\n  %s\n", path, want, got,
			    HINT);
done:
	free(want);
	free(path);
	return ok;
}

static void run_case(void **state)
{
	const char *name = *state;
	char *in_path = rg_xasprintf("%s/%s/in.json", golden_dir(), name);
	char *out_path = rg_xasprintf("%s/%s/out.json", golden_dir(), name);
	size_t in_len = 0, want_len = 0, got_len = 0, again_len = 0;
	struct rg_error *err = NULL;
	struct rg_report report = {0}, again_report = {0};
	struct rg_json *spec = NULL, *out = NULL;
	char *in = NULL, *want = NULL, *got = NULL, *again = NULL;
	bool ok = false;
	struct rg_policy case_policy = {0};
	const struct rg_policy *p = &policy;
	char *cfg_path = rg_xasprintf("%s/%s/config.json", golden_dir(), name);
	char *err_path = rg_xasprintf("%s/%s/error.txt", golden_dir(), name);
	bool is_refusal = access(err_path, F_OK) == 0;

	if (access(cfg_path, F_OK) == 0) {
		if (rg_policy_load(cfg_path, &case_policy, &err) < 0) {
			print_error("%s: %s\n", cfg_path, err ? err->msg : "?");
			goto done;
		}
		p = &case_policy;
	}

	in = golden_read(in_path, &in_len);
	if (!in) {
		print_error("cannot read %s: %s\n", in_path, strerror(errno));
		goto done;
	}
	spec = rg_json_parse(in, in_len, in_path, NULL, &err);
	if (!spec) {
		print_error("%s: %s\n", in_path, err ? err->msg : "?");
		goto done;
	}
	/* As rg_spec_load_report: keys get runc's spelling first, renames are changes. */
	int rc = rg_spec_canon_keys(spec, "config.json", &report, &err);
	if (rc == 0)
		rc = enforce(p, spec, &report, &err);
	if (is_refusal) {
		ok = check_refusal(name, rc, err);
		goto done;
	}
	if (rc < 0) {
		print_error("%s: %s\n", in_path, err ? err->msg : "?");
		goto done;
	}
	got = rg_json_emit(spec, true, &got_len);

	if (is_update()) {
		int r = write_file(out_path, got, got_len);
		if (r < 0) {
			print_error("cannot write %s: %s\n", out_path, strerror(-r));
			goto done;
		}
		print_message("# updated %s (%zu changes); check it by hand\n", out_path,
			      report.n_changes);
	}
	want = golden_read(out_path, &want_len);
	if (!want) {
		print_error("cannot read %s: %s; %s\n", out_path, strerror(errno), HINT);
		goto done;
	}
	if (got_len != want_len || memcmp(got, want, got_len) != 0) {
		report_diff(name, out_path, want, want_len, got, got_len);
		goto done;
	}

	/* out.json is a fixed point: enforcing it again changes nothing. */
	out = rg_json_parse(want, want_len, out_path, NULL, &err);
	if (!out || enforce(p, out, &again_report, &err) < 0) {
		print_error("%s: %s\n", out_path, err ? err->msg : "?");
		goto done;
	}
	again = rg_json_emit(out, true, &again_len);
	if (again_report.n_changes != 0 || again_len != want_len ||
	    memcmp(again, want, want_len) != 0) {
		print_error("%s: enforcing it again changed %s (%zu changes)\n", out_path,
			    again_report.n_changes ? again_report.changes[0].path : "the text",
			    again_report.n_changes);
		goto done;
	}
	ok = true;
done:
	rg_policy_free(&case_policy);
	free(cfg_path);
	free(err_path);
	free(again);
	rg_json_free(out);
	rg_report_free(&again_report);
	free(want);
	free(got);
	rg_report_free(&report);
	rg_json_free(spec);
	rg_error_free(err);
	free(in);
	free(in_path);
	free(out_path);
	assert_true(ok);
}

/* The default policy, from an explicit configuration file holding `{}`. */
static int load_policy(void)
{
	struct rg_error *err = NULL;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return -1;
	}
	char *cfg = rg_xasprintf("%s/config.json", tmpdir);
	int r = write_file(cfg, "{}\n", 3);
	if (r == 0)
		r = rg_policy_load(cfg, &policy, &err);
	if (r < 0)
		fprintf(stderr, "test_enforce_golden: policy: %s\n", err ? err->msg : strerror(-r));
	unlink(cfg);
	free(cfg);
	rg_error_free(err);
	return r;
}

int main(void)
{
	int r = golden_main("test_enforce_golden", CASE_PREFIX, "enforce-golden", run_case,
			    load_policy);

	/* Keep the directory when it holds an enforced output to diff against. */
	rmdir(tmpdir);
	rg_policy_free(&policy);
	return r;
}
