/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `runguard doctor`: the checks and the report. What each engine's
 * configuration says is read in src/doctor/engines.c; the canary containers
 * are started in src/doctor/canary.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runguard/apparmor.h"
#include "runguard/doctor.h"
#include "runguard/fileio.h"
#include "runguard/hostpath.h"
#include "runguard/opts.h"
#include "runguard/policy.h"
#include "runguard/runtime.h"
#include "runguard/selinux.h"
#include "runguard/spawn.h"
#include "runguard/util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

/*
 * Every runguard binary carries this string (it is what the scan below
 * looks for, so it cannot be optimised away): doctor recognises a copy of
 * runguard of any version since this one without running it.
 */
static const char identity[] = "runguard-binary-identity:5c0f9a7e";

static const char *const all_engines[] = {"containerd", "crio", "podman", "docker"};

/* ---- arguments ---- */

enum {
	OPT_JSON = 1,
	OPT_CANARY,
	OPT_REQUIRE_DEFAULT,
	OPT_ROOT,
	OPT_CANARY_IMAGE,
	OPT_CANARY_CMD,
	OPT_CANARY_TIMEOUT,
	OPT_ENGINE,
};

static const struct option doctor_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"canary", no_argument, NULL, OPT_CANARY},
    {"require-default", no_argument, NULL, OPT_REQUIRE_DEFAULT},
    {"host-root", required_argument, NULL, OPT_ROOT},
    {"root-dir", required_argument, NULL, OPT_ROOT}, /* its old name */
    {"canary-image", required_argument, NULL, OPT_CANARY_IMAGE},
    {"canary-cmd", required_argument, NULL, OPT_CANARY_CMD},
    {"canary-timeout", required_argument, NULL, OPT_CANARY_TIMEOUT},
    {"engine", required_argument, NULL, OPT_ENGINE},
    {NULL, 0, NULL, 0},
};

/* One option with a value that needs checking (the others are stored by the caller). */
static int doctor_value(struct rg_doctor_opts *o, int c, const char *v, struct rg_error **err)
{
	if (c == OPT_CANARY_TIMEOUT) {
		char *end = NULL;
		long t = strtol(v, &end, 10);
		if (*end || t < 1 || t > 3600)
			return rg_error_set(
			    err, EINVAL, "--canary-timeout: expected 1..3600 seconds, got '%s'", v);
		o->canary_timeout = (unsigned)t;
		return 0;
	}
	bool known = false;
	for (size_t k = 0; k < RG_ARRAY_SIZE(all_engines); k++)
		known = known || rg_streq(v, all_engines[k]);
	if (!known)
		return rg_error_set(err, EINVAL,
				    "--engine: unknown engine '%s' (known: containerd, crio, "
				    "podman, docker)",
				    v);
	if (o->n_engines == RG_DOCTOR_MAX_ENGINES)
		return rg_error_set(err, EINVAL, "--engine given too often");
	o->engines[o->n_engines++] = v;
	return 0;
}

int rg_doctor_parse_args(int argc, char *argv[], struct rg_doctor_opts *ret, struct rg_error **err)
{
	struct rg_doctor_opts o = {0};
	struct rg_opts s;
	const char *v;
	int c, r = 0, n = 0;

	rg_opts_init(&s, "doctor", argc, argv, doctor_options);
	while (r == 0 && (c = rg_opts_next(&s, &v, err)) != 0) {
		if (c < 0)
			r = c;
		else if (c == OPT_JSON)
			o.is_json = true;
		else if (c == OPT_CANARY)
			o.is_canary = true;
		else if (c == OPT_REQUIRE_DEFAULT)
			o.is_require_default = true;
		else if (c == OPT_ROOT)
			o.root_dir = v;
		else if (c == OPT_CANARY_IMAGE)
			o.canary_image = v;
		else if (c == OPT_CANARY_CMD)
			o.canary_cmd = v;
		else
			r = doctor_value(&o, c, v, err);
	}
	char **ops = r == 0 ? rg_opts_operands(&s, &n) : NULL;
	if (n > 0)
		r = rg_error_set(err, EINVAL, "unexpected argument '%s'", ops[0]);
	rg_opts_done(&s);
	if (r < 0)
		return r;
	if (o.root_dir && o.root_dir[0] != '/')
		return rg_error_set(err, EINVAL, "--host-root must be an absolute path");
	*ret = o;
	return 0;
}

/* ---- is it runguard? ---- */

/* Scans an open file for the identity marker (at most 512 MiB). */
static bool has_identity(int fd)
{
	const size_t keep = sizeof(identity) - 1;
	char buf[65536 + sizeof(identity)];
	size_t have = 0, total = 0;

	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		have += (size_t)n;
		total += (size_t)n;
		if (memmem(buf, have, identity, keep))
			return true;
		if (total > 512u * 1024u * 1024u)
			return false;
		if (have > keep) {
			memmove(buf, buf + have - keep, keep);
			have = keep;
		}
	}
}

int rg_doctor_is_runguard(const char *root, const char *path, char **why)
{
	_cleanup_free_ char *node = rg_hostpath_join(root, path);
	_cleanup_free_ char *p = NULL;
	struct rg_error *err = NULL;
	struct stat st, self;

	*why = NULL;
	/* Under --host-root an absolute symlink is the node's, not this machine's. */
	int r = rg_hostpath_resolve(root, node, &p, &err);
	if (r < 0) {
		*why = rg_xstrdup(err->msg);
		rg_error_free(err);
		return r;
	}
	if (stat(p, &st) < 0) {
		int e = errno;
		*why = rg_xasprintf("%s: %s", p, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = rg_xasprintf("%s is not a regular file", p);
		return 0;
	}
	if (access(p, X_OK) < 0) {
		*why = rg_xasprintf("%s is not executable", p);
		return 0;
	}
	if (stat("/proc/self/exe", &self) == 0 && self.st_dev == st.st_dev &&
	    self.st_ino == st.st_ino)
		return 1;
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		*why = rg_xasprintf("%s: %s", p, strerror(e));
		return -e;
	}
	if (has_identity(fd))
		return 1;
	*why = rg_xasprintf("%s is another program, not runguard", p);
	return 0;
}

/* ---- the report ---- */

static const char *status_name(enum rg_doctor_status s)
{
	switch (s) {
	case RG_DOCTOR_OK:
		return "ok";
	case RG_DOCTOR_WARN:
		return "warn";
	case RG_DOCTOR_FAIL:
		return "FAIL";
	case RG_DOCTOR_INFO:
	default:
		return "info";
	}
}

void rg_doctor_check(struct rg_doctor *d, const char *area, enum rg_doctor_status st,
		     const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	if (st == RG_DOCTOR_FAIL)
		d->n_fail++;
	if (st == RG_DOCTOR_WARN)
		d->n_warn++;
	struct rg_json *c = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(c, "area", rg_json_new_string(area));
	rg_json_set(c, "status",
		    rg_json_new_string(st == RG_DOCTOR_FAIL ? "fail" : status_name(st)));
	rg_json_set(c, "message", rg_json_new_string(m ? m : "?"));
	rg_json_append(d->checks, c);
	if (!d->o->is_json)
		fprintf(d->out, "%-5s %s: %s\n", status_name(st), area, m ? m : "?");
	free(m);
}

static struct rg_json *str_or_null(const char *s)
{
	return s ? rg_json_new_string(s) : rg_json_new(RG_JSON_NULL);
}

/* ---- runguard's configuration ---- */

static void check_config(struct rg_doctor *d)
{
	struct rg_error *err = NULL;
	struct rg_json *j = rg_json_new(RG_JSON_OBJECT);

	rg_json_set(d->json, "config", j);
	if (rg_config_load(NULL, &d->cfg, &err) < 0) {
		rg_json_set(j, "valid", rg_json_new_bool(false));
		rg_json_set(j, "error", rg_json_new_string(err->msg));
		rg_doctor_check(d, "config", RG_DOCTOR_FAIL,
				"%s: create/run/restore will refuse every "
				"container",
				err->msg);
		rg_error_free(err);
		return;
	}
	d->has_cfg = true;
	rg_json_set(j, "path", rg_json_new_string(d->cfg.path));
	rg_json_set(j, "loaded", rg_json_new_bool(d->cfg.is_loaded));
	rg_json_set(j, "mode", rg_json_new_string(rg_mode_name(d->cfg.mode)));
	rg_json_set(j, "audit", str_or_null(d->cfg.audit_file));
	rg_doctor_check(d, "config", RG_DOCTOR_OK, "%s: %s", d->cfg.path,
			d->cfg.is_loaded ? "valid" : "absent: the embedded default policy");
	if (d->cfg.mode != RG_MODE_ENFORCE)
		rg_doctor_check(d, "config", RG_DOCTOR_WARN,
				"mode %s: containers are recorded, not changed or refused",
				rg_mode_name(d->cfg.mode));
	struct rg_json *profiles = rg_json_new(RG_JSON_OBJECT);
	static const char *const names[] = {"baseline", "restricted", "privileged"};
	struct rg_buf b = {0};
	bool ok = true;
	for (size_t i = 0; i < RG_ARRAY_SIZE(names); i++) {
		struct rg_config c = d->cfg;
		struct rg_policy p;
		c.profile = (char *)names[i];
		if (rg_policy_select(&c, NULL, &p, &err) < 0) {
			rg_json_set(profiles, names[i], rg_json_new(RG_JSON_NULL));
			rg_doctor_check(d, "config", RG_DOCTOR_FAIL, "profile %s: %s", names[i],
					err->msg);
			rg_error_free(err);
			err = NULL;
			ok = false;
			continue;
		}
		rg_json_set(profiles, names[i], rg_json_new_string(p.digest));
		rg_buf_printf(&b, "%s%s %s", i ? ", " : "", names[i], p.digest);
		rg_policy_free(&p);
	}
	rg_json_set(j, "profiles", profiles);
	struct rg_policy p;
	if (rg_policy_select(&d->cfg, NULL, &p, &err) == 0) {
		rg_json_set(j, "profile", rg_json_new_string(p.name));
		rg_json_set(j, "digest", rg_json_new_string(p.digest));
		rg_doctor_check(d, "config", RG_DOCTOR_OK, "policy %s@%s (mode %s)", p.name,
				p.digest, rg_mode_name(p.mode));
		d->apparmor_profile = rg_policy_apparmor_profile(&p);
		rg_policy_free(&p);
	} else {
		rg_error_free(err);
	}
	rg_json_set(j, "valid", rg_json_new_bool(ok));
	_cleanup_free_ char *digests = rg_buf_steal(&b);
	if (digests)
		rg_doctor_check(d, "config", RG_DOCTOR_INFO, "profiles: %s", digests);
	rg_doctor_check(d, "config", RG_DOCTOR_INFO, "audit: %s%s",
			d->cfg.audit_file ? d->cfg.audit_file : "no file",
			d->cfg.is_audit_syslog ? ", syslog" : "");
}

/* ---- the real runtime ---- */

static const char *feature_bool(const struct rg_json *f, const char *what)
{
	const struct rg_json *e =
	    rg_json_get(rg_json_get(rg_json_get(f, "linux"), what), "enabled");
	return !e ? "unknown" : e->type == RG_JSON_TRUE ? "yes" : "no";
}

static void check_features(struct rg_doctor *d, const char *rt, struct rg_json *j)
{
	char *argv[] = {(char *)rt, (char *)"features", NULL};
	struct rg_spawn_result res;
	struct rg_error *err = NULL;

	if (rg_spawn(argv, 10, &res) < 0 || res.status != 0) {
		rg_doctor_check(d, "runtime", RG_DOCTOR_WARN, "%s features: not available%s%.200s",
				rt, res.err && *res.err ? ": " : "", res.err ? res.err : "");
		rg_json_set(j, "features", rg_json_new(RG_JSON_NULL));
		rg_spawn_result_free(&res);
		return;
	}
	struct rg_json *f = rg_json_parse(res.out, strlen(res.out), "features", NULL, &err);
	rg_spawn_result_free(&res);
	if (!f) {
		rg_doctor_check(d, "runtime", RG_DOCTOR_WARN, "%s features: %s", rt, err->msg);
		rg_error_free(err);
		rg_json_set(j, "features", rg_json_new(RG_JSON_NULL));
		return;
	}
	const char *sc = feature_bool(f, "seccomp");
	rg_doctor_check(d, "runtime", RG_DOCTOR_INFO,
			"features: OCI %s..%s, seccomp %s, apparmor %s, "
			"selinux %s",
			rg_json_str(rg_json_get(f, "ociVersionMin")) ?: "?",
			rg_json_str(rg_json_get(f, "ociVersionMax")) ?: "?", sc,
			feature_bool(f, "apparmor"), feature_bool(f, "selinux"));
	if (rg_streq(sc, "no"))
		rg_doctor_check(
		    d, "runtime", RG_DOCTOR_FAIL,
		    "%s was built without seccomp: the seccomp profiles runguard sets are "
		    "not applied",
		    rt);
	rg_json_set(j, "features", f);
}

static void check_runtime(struct rg_doctor *d)
{
	struct rg_error *err = NULL;
	struct rg_json *j = rg_json_new(RG_JSON_OBJECT);
	_cleanup_free_ char *rt = NULL;

	rg_json_set(d->json, "runtime", j);
	if (rg_runtime_find(d->has_cfg ? d->cfg.runtime : NULL, &rt, &err) < 0) {
		rg_doctor_check(d, "runtime", RG_DOCTOR_FAIL, "%s", err->msg);
		rg_json_set(j, "path", rg_json_new(RG_JSON_NULL));
		rg_error_free(err);
		return;
	}
	_cleanup_free_ char *ver = rg_runtime_version(rt);
	rg_json_set(j, "path", rg_json_new_string(rt));
	rg_json_set(j, "version", str_or_null(ver));
	rg_doctor_check(d, "runtime", RG_DOCTOR_OK, "%s: %s", rt, ver ? ver : "(no version)");
	check_features(d, rt, j);
	d->runtime = steal_ptr(&rt);
}

/* ---- the kernel ---- */

/* First line of a small file, or NULL. */
static char *first_line(const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	struct rg_error *err = NULL;
	int r = rg_file_read(path, 65536, &text, &len, &err);
	rg_error_free(err);
	if (r < 0)
		return NULL;
	text[strcspn(text, "\n")] = '\0';
	return steal_ptr(&text);
}

static bool status_has_seccomp(void)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	struct rg_error *err = NULL;
	int r = rg_file_read("/proc/self/status", 65536, &text, &len, &err);
	rg_error_free(err);
	return r == 0 && (strncmp(text, "Seccomp:", 8) == 0 || strstr(text, "\nSeccomp:"));
}

static const char *cgroup_mode(void)
{
	struct statfs fs;
	if (statfs("/sys/fs/cgroup", &fs) < 0)
		return "unknown";
	if ((unsigned long)fs.f_type == CGROUP2_SUPER_MAGIC)
		return "v2 (unified)";
	if ((unsigned long)fs.f_type != TMPFS_MAGIC)
		return "unknown";
	if (statfs("/sys/fs/cgroup/unified", &fs) == 0 &&
	    (unsigned long)fs.f_type == CGROUP2_SUPER_MAGIC)
		return "hybrid (v1 controllers, v2 at /sys/fs/cgroup/unified)";
	return "v1 (legacy)";
}

/*
 * Whether the runtime may use the memfds runguard hands it (exec's state,
 * exec -p, update -r) in the domain it runs in, tried on a memfd made here:
 * from the domain doctor runs in, which is the engine's only when doctor is
 * started the way the engine starts runguard. And the executables' labels:
 * alike, runguard runs in the runtime's domain when an engine starts it.
 */
static void check_selinux_handover(struct rg_doctor *d)
{
	struct rg_error *err = NULL;
	_cleanup_free_ char *how = NULL, *self = NULL, *rt = NULL;

	if (!d->runtime)
		return;
	_cleanup_close_ int fd = memfd_create("runguard-doctor", MFD_CLOEXEC);
	if (fd < 0 || rg_selinux_label_handover(fd, d->runtime, &how, &err) < 0) {
		rg_doctor_check(d, "kernel", RG_DOCTOR_FAIL,
				"SELinux: %s: exec and update through runguard fail here",
				err ? err->msg : strerror(errno));
		rg_error_free(err);
	} else if (how) {
		rg_doctor_check(d, "kernel", RG_DOCTOR_OK, "SELinux: %s", how);
	} else {
		rg_doctor_check(d, "kernel", RG_DOCTOR_OK,
				"SELinux: runguard and %s run in one domain: the files runguard "
				"hands it need no label",
				d->runtime);
	}
	if (rg_selinux_exe_labels(d->runtime, &self, &rt) == 0 && !rg_streq(self, rt))
		rg_doctor_check(
		    d, "kernel", RG_DOCTOR_INFO,
		    "SELinux: runguard's executable is %s, %s is %s: started by init or a "
		    "user, runguard runs in its caller's domain and the runtime in another (the "
		    "files handed over are relabelled, as above); label runguard like the runtime "
		    "to keep one domain (README: SELinux)",
		    self, d->runtime, rt);
}

static void check_kernel(struct rg_doctor *d)
{
	struct rg_json *j = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(d->json, "kernel", j);

	bool sc = status_has_seccomp();
	_cleanup_free_ char *actions = first_line("/proc/sys/kernel/seccomp/actions_avail");
	rg_json_set(j, "seccomp", rg_json_new_bool(sc));
	rg_json_set(j, "seccompActions", str_or_null(actions));
	if (sc)
		rg_doctor_check(d, "kernel", RG_DOCTOR_OK, "seccomp: supported (actions: %s)",
				actions ? actions : "unknown");
	else
		rg_doctor_check(
		    d, "kernel", RG_DOCTOR_FAIL,
		    "seccomp: not supported by this kernel: runguard's seccomp rule cannot "
		    "confine containers");

	const char *cg = cgroup_mode();
	rg_json_set(j, "cgroup", rg_json_new_string(cg));
	rg_doctor_check(d, "kernel", RG_DOCTOR_INFO, "cgroups: %s", cg);

	_cleanup_free_ char *se = first_line("/sys/fs/selinux/enforce");
	const char *se_state = !se ? "disabled" : rg_streq(se, "1") ? "enforcing" : "permissive";
	rg_json_set(j, "selinux", rg_json_new_string(se_state));
	rg_doctor_check(d, "kernel", RG_DOCTOR_INFO, "SELinux: %s", se_state);
	if (se) {
		/* The contexts runguard would give containers, checked against the loaded policy.
		 */
		struct rg_selinux_host sh;
		rg_selinux_host_init(&sh, NULL, NULL);
		if (sh.contexts_error)
			rg_doctor_check(d, "kernel", RG_DOCTOR_FAIL,
					"SELinux: %s: containers are refused", sh.contexts_error);
		else if (sh.process_label)
			rg_doctor_check(d, "kernel", RG_DOCTOR_OK,
					"SELinux: container contexts %s, %s (%s)", sh.process_label,
					sh.file_label ? sh.file_label : "-", sh.contexts_path);
		rg_selinux_host_free(&sh);
		check_selinux_handover(d);
	}

	bool aa = rg_host_apparmor_enabled(NULL) == 1;
	rg_json_set(j, "apparmor", rg_json_new_bool(aa));
	if (!aa) {
		rg_doctor_check(d, "kernel", RG_DOCTOR_INFO,
				"AppArmor: not enabled (the apparmor rule does "
				"nothing)");
		return;
	}
	if (!d->apparmor_profile) {
		rg_doctor_check(
		    d, "kernel", RG_DOCTOR_WARN,
		    "AppArmor: enabled, but the policy's apparmor rule is off: containers "
		    "asking for no profile run unconfined");
		return;
	}
	int r = rg_host_apparmor_loaded(NULL, d->apparmor_profile);
	if (r == 1)
		rg_doctor_check(d, "kernel", RG_DOCTOR_OK,
				"AppArmor: enabled; profile %s is loaded", d->apparmor_profile);
	else
		rg_doctor_check(
		    d, "kernel", RG_DOCTOR_FAIL,
		    "AppArmor: enabled, but profile %s is %s: containers that need it are "
		    "refused (load it: apparmor_parser -r /etc/apparmor.d/%s)",
		    d->apparmor_profile, r == 0 ? "not loaded" : "not verifiable",
		    d->apparmor_profile);
}

/* ---- engines ---- */

static struct rg_json *handler_json(const struct rg_engine_handler *h)
{
	struct rg_json *o = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(o, "name", rg_json_new_string(h->name));
	rg_json_set(o, "binary", str_or_null(h->binary));
	rg_json_set(o, "where", rg_json_new_string(h->where));
	rg_json_set(o, "runguard",
		    h->is_runguard < 0 ? rg_json_new(RG_JSON_NULL)
				       : rg_json_new_bool(h->is_runguard == 1));
	rg_json_set(o, "why", str_or_null(h->why));
	rg_json_set(o, "default", rg_json_new_bool(h->is_default));
	rg_json_set(o, "ignored", rg_json_new_bool(h->is_ignored));
	return o;
}

static void check_engine(struct rg_doctor *d, struct rg_engine_view *v, bool is_asked)
{
	const char *e = v->engine;
	unsigned fails = d->n_fail;
	struct rg_json *j = rg_json_new(RG_JSON_OBJECT);
	rg_json_append(d->engines_json, j);
	rg_json_set(j, "engine", rg_json_new_string(e));
	rg_json_set(j, "found", rg_json_new_bool(v->is_found));
	if (!v->is_found) {
		rg_doctor_check(d, e, is_asked ? RG_DOCTOR_FAIL : RG_DOCTOR_INFO,
				"not found on this node");
		rg_json_set(j, "ok", rg_json_new_bool(!is_asked));
		return;
	}
	struct rg_json *files = rg_json_new(RG_JSON_ARRAY);
	for (size_t i = 0; i < v->n_files; i++)
		rg_json_append(files, rg_json_new_string(v->files[i]));
	rg_json_set(j, "files", files);
	for (size_t i = 0; i < v->n_problems; i++)
		rg_doctor_check(d, e, RG_DOCTOR_FAIL, "%s", v->problems[i]);
	for (size_t i = 0; i < v->n_warnings; i++)
		rg_doctor_check(d, e, RG_DOCTOR_WARN, "%s", v->warnings[i]);
	struct rg_json *hs = rg_json_new(RG_JSON_ARRAY);
	const struct rg_engine_handler *def = NULL;
	size_t n_rg = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct rg_engine_handler *h = &v->h[i];
		rg_json_append(hs, handler_json(h));
		if (h->is_runguard == 1 && !h->is_ignored) {
			n_rg++;
			rg_doctor_check(d, e, RG_DOCTOR_OK, "runtime %s runs runguard (%s, %s)",
					h->name, h->binary, h->where);
			if (h->is_default)
				def = h;
		} else if (strstr(h->name, "runguard") && !h->is_ignored) {
			rg_doctor_check(d, e, RG_DOCTOR_FAIL,
					"runtime %s (%s) does not run runguard: %s", h->name,
					h->where, h->why ? h->why : "unknown binary");
		}
	}
	rg_json_set(j, "handlers", hs);
	rg_json_set(j, "default", str_or_null(v->default_name));
	rg_json_set(j, "defaultFrom", str_or_null(v->default_where));
	if (n_rg == 0)
		rg_doctor_check(
		    d, e, RG_DOCTOR_FAIL,
		    "no runtime runs runguard: containers started by %s are not hardened "
		    "(run `runguard configure %s`)",
		    e, e);
	else if (def)
		rg_doctor_check(d, e, RG_DOCTOR_OK, "default runtime: %s (runguard)", def->name);
	else
		rg_doctor_check(d, e, d->o->is_require_default ? RG_DOCTOR_FAIL : RG_DOCTOR_WARN,
				"default runtime: %s (%s), not runguard: containers that name no "
				"runtime run without it",
				v->default_name ? v->default_name : "?",
				v->default_where ? v->default_where : "?");
	rg_json_set(j, "ok", rg_json_new_bool(d->n_fail == fails));
}

static void check_engines(struct rg_doctor *d)
{
	const char *const *list = d->o->n_engines ? d->o->engines : all_engines;
	size_t n = d->o->n_engines ? d->o->n_engines : RG_ARRAY_SIZE(all_engines);

	d->engines_json = rg_json_new(RG_JSON_ARRAY);
	rg_json_set(d->json, "engines", d->engines_json);
	for (size_t i = 0; i < n; i++) {
		struct rg_engine_view *v = &d->views[d->n_views++];
		rg_engine_inspect(list[i], d->o->root_dir, v);
		check_engine(d, v, d->o->n_engines > 0);
	}
}

int rg_doctor_run(const struct rg_doctor_opts *o, FILE *out, struct rg_error **err)
{
	struct rg_doctor d = {.o = o, .out = out};

	d.json = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(d.json, "version", rg_json_new_string(RG_VERSION));
	d.checks = rg_json_new(RG_JSON_ARRAY);
	check_config(&d);
	check_runtime(&d);
	check_kernel(&d);
	check_engines(&d);
	if (o->is_canary)
		rg_doctor_canary(&d);
	rg_json_set(d.json, "ok", rg_json_new_bool(d.n_fail == 0));
	char n[32];
	snprintf(n, sizeof(n), "%u", d.n_fail);
	rg_json_set(d.json, "problems", rg_json_new_number(n));
	snprintf(n, sizeof(n), "%u", d.n_warn);
	rg_json_set(d.json, "warnings", rg_json_new_number(n));
	rg_json_set(d.json, "checks", d.checks);
	if (o->is_json) {
		_cleanup_free_ char *text = rg_json_emit(d.json, true, NULL);
		fprintf(out, "%s\n", text);
	} else {
		fprintf(out, "runguard doctor: %u problem%s, %u warning%s\n", d.n_fail,
			d.n_fail == 1 ? "" : "s", d.n_warn, d.n_warn == 1 ? "" : "s");
	}
	for (size_t i = 0; i < d.n_views; i++)
		rg_engine_view_free(&d.views[i]);
	if (d.has_cfg)
		rg_config_free(&d.cfg);
	free(d.runtime);
	free(d.apparmor_profile);
	rg_json_free(d.json);
	(void)err;
	return d.n_fail ? 1 : 0;
}
