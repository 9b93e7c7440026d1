/* SPDX-License-Identifier: Apache-2.0 */
/* The audit log: one JSON line per decision. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "runguard/audit.h"
#include "runguard/util.h"

/* Annotations that identify a pod or container across engines. */
static const char *const identifying[] = {
    "io.kubernetes.pod.namespace",
    "io.kubernetes.pod.name",
    "io.kubernetes.pod.uid",
    "io.kubernetes.container.name",
    "io.kubernetes.cri.sandbox-namespace",
    "io.kubernetes.cri.sandbox-name",
    "io.kubernetes.cri.sandbox-id",
    "io.kubernetes.cri.container-type",
    "io.kubernetes.cri.container-name",
    "io.kubernetes.cri-o.ContainerType",
    "io.kubernetes.cri-o.Namespace",
    "io.kubernetes.cri-o.SandboxID",
    "io.container.manager",
    "org.opencontainers.image.ref.name",
    RG_PROFILE_ANNOTATION,
};

static struct rg_json *str_or_null(const char *s)
{
	return s ? rg_json_new_string(s) : rg_json_new(RG_JSON_NULL);
}

static struct rg_json *changes_json(const struct rg_report *r)
{
	struct rg_json *arr = rg_json_new(RG_JSON_ARRAY);
	for (size_t i = 0; i < r->n_changes; i++) {
		const struct rg_change *c = &r->changes[i];
		struct rg_json *o = rg_json_new(RG_JSON_OBJECT);
		rg_json_set(o, "rule", rg_json_new_string(c->rule));
		rg_json_set(o, "path", rg_json_new_string(c->path));
		rg_json_set(o, "before", str_or_null(c->before));
		rg_json_set(o, "after", str_or_null(c->after));
		rg_json_append(arr, o);
	}
	return arr;
}

static struct rg_json *violations_json(const struct rg_report *r)
{
	struct rg_json *arr = rg_json_new(RG_JSON_ARRAY);
	for (size_t i = 0; i < r->n_violations; i++) {
		const struct rg_violation *v = &r->violations[i];
		struct rg_json *o = rg_json_new(RG_JSON_OBJECT);
		rg_json_set(o, "rule", rg_json_new_string(v->rule));
		rg_json_set(o, "path", rg_json_new_string(v->path));
		rg_json_set(o, "message", rg_json_new_string(v->msg));
		rg_json_append(arr, o);
	}
	return arr;
}

char *rg_audit_line(const struct rg_config *cfg, const struct rg_cli *cli,
		    const struct rg_decision *d, const char *error_msg)
{
	_cleanup_json_ struct rg_json *o = rg_json_new(RG_JSON_OBJECT);
	struct timespec ts;
	struct tm tm;
	char when[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof(when) - n, ".%06ldZ", ts.tv_nsec / 1000);

	rg_json_set(o, "time", rg_json_new_string(when));
	rg_json_set(o, "command", str_or_null(cli->subcmd));
	rg_json_set(o, "id", str_or_null(cli->container_id));
	rg_json_set(o, "bundle", str_or_null(d->config_name));
	if (d->input) /* exec's process file, update's resources file or "-" */
		rg_json_set(o, "input", rg_json_new_string(d->input));
	struct rg_json *ann = rg_json_new(RG_JSON_OBJECT);
	for (size_t i = 0; i < RG_ARRAY_SIZE(identifying); i++) {
		const char *v = rg_json_str(rg_json_get(d->annotations, identifying[i]));
		if (v)
			rg_json_set(ann, identifying[i], rg_json_new_string(v));
	}
	rg_json_set(o, "annotations", ann);
	rg_json_set(o, "policy", str_or_null(d->has_policy ? d->policy.name : NULL));
	rg_json_set(o, "digest", str_or_null(d->has_policy ? d->policy.digest : NULL));
	rg_json_set(o, "selected", str_or_null(d->has_policy ? d->policy.reason : NULL));
	rg_json_set(o, "mode",
		    rg_json_new_string(rg_mode_name(d->has_policy ? d->policy.mode : cfg->mode)));
	/* With SELinux off the selinux rule leaves labels alone; say so. */
	rg_json_set(o, "selinux", str_or_null(d->selinux));
	rg_json_set(o, "decision", rg_json_new_string(d->verdict ? d->verdict : "error"));
	rg_json_set(o, "changes", changes_json(&d->report));
	rg_json_set(o, "violations", violations_json(&d->report));
	if (error_msg)
		rg_json_set(o, "error", rg_json_new_string(error_msg));
	size_t len = 0;
	char *line = rg_json_emit(o, false, &len);
	char *out = rg_xrealloc(line, len + 2);
	out[len] = '\n';
	out[len + 1] = '\0';
	return out;
}

int rg_audit_write(const struct rg_config *cfg, const char *line, struct rg_error **err)
{
	if (cfg->is_audit_syslog) {
		openlog("runguard", LOG_PID, LOG_AUTHPRIV);
		syslog(LOG_NOTICE, "%.*s", (int)strcspn(line, "\n"), line);
		closelog();
	}
	if (!cfg->audit_file)
		return 0;
	int fd =
	    open(cfg->audit_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0 && errno == ENOENT) {
		/* First use of the default location: create its directory. */
		_cleanup_free_ char *dir = rg_xstrdup(cfg->audit_file);
		if (mkdir(dirname(dir), 0750) == 0 || errno == EEXIST)
			fd = open(cfg->audit_file,
				  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	}
	if (fd < 0)
		return rg_error_set(err, errno, "audit log %s: %s", cfg->audit_file,
				    strerror(errno));
	/* One write per record: O_APPEND makes it atomic against other writers. */
	size_t len = strlen(line);
	ssize_t w = write(fd, line, len);
	int saved = errno;
	close(fd);
	if (w != (ssize_t)len)
		return rg_error_set(err, w < 0 ? saved : EIO, "audit log %s: %s", cfg->audit_file,
				    w < 0 ? strerror(saved) : "short write");
	return 0;
}
