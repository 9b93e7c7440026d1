/* SPDX-License-Identifier: Apache-2.0 */
/* The audit log: one JSON line per decision. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "runguard/audit.h"
#include "runguard/log.h"
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

struct rg_json *rg_audit_annotations(const struct rg_json *ann)
{
	struct rg_json *o = rg_json_new(RG_JSON_OBJECT);

	/* Only these: a pod's hundreds of other annotations need no copy. */
	for (size_t i = 0; rg_json_is(ann, RG_JSON_OBJECT) && i < RG_ARRAY_SIZE(identifying); i++) {
		const struct rg_json *v = rg_json_get(ann, identifying[i]);
		if (v)
			rg_json_set(o, identifying[i], rg_json_clone(v));
	}
	return o;
}

/* ,"key":value with a string value or null: the record is written as text, not built as a tree. */
static void put_str(struct rg_buf *b, const char *key, const char *s)
{
	rg_buf_puts(b, ",\"");
	rg_buf_puts(b, key);
	rg_buf_puts(b, "\":");
	if (s)
		rg_json_emit_string(b, s, strlen(s));
	else
		rg_buf_puts(b, "null");
}

static void put_changes(struct rg_buf *b, const struct rg_report *r)
{
	rg_buf_puts(b, ",\"changes\":[");
	for (size_t i = 0; i < r->n_changes; i++) {
		const struct rg_change *c = &r->changes[i];
		rg_buf_puts(b, i ? ",{\"rule\":" : "{\"rule\":");
		rg_json_emit_string(b, c->rule, strlen(c->rule));
		put_str(b, "path", c->path);
		put_str(b, "before", c->before);
		put_str(b, "after", c->after);
		rg_buf_putc(b, '}');
	}
	rg_buf_putc(b, ']');
}

static void put_violations(struct rg_buf *b, const struct rg_report *r)
{
	rg_buf_puts(b, ",\"violations\":[");
	for (size_t i = 0; i < r->n_violations; i++) {
		const struct rg_violation *v = &r->violations[i];
		rg_buf_puts(b, i ? ",{\"rule\":" : "{\"rule\":");
		rg_json_emit_string(b, v->rule, strlen(v->rule));
		put_str(b, "path", v->path);
		put_str(b, "message", v->msg);
		rg_buf_putc(b, '}');
	}
	rg_buf_putc(b, ']');
}

char *rg_audit_line(const struct rg_config *cfg, const struct rg_cli *cli,
		    const struct rg_decision *d, const char *error_msg)
{
	struct rg_buf b = {0};
	char when[64];

	rg_log_utc_stamp(when, sizeof(when));

	/* The members in this order, compact, as the emitter writes an object. */
	rg_buf_puts(&b, "{\"time\":");
	rg_json_emit_string(&b, when, strlen(when));
	put_str(&b, "command", cli->subcmd);
	put_str(&b, "id", cli->container_id);
	put_str(&b, "bundle", d->config_name);
	if (d->input) /* exec's process file, update's resources file or "-" */
		put_str(&b, "input", d->input);
	rg_buf_puts(&b, ",\"annotations\":{");
	bool is_first = true;
	for (size_t i = 0; i < RG_ARRAY_SIZE(identifying); i++) {
		const struct rg_json *v = rg_json_get(d->annotations, identifying[i]);
		if (!rg_json_str(v))
			continue;
		if (!is_first)
			rg_buf_putc(&b, ',');
		is_first = false;
		rg_json_emit_string(&b, identifying[i], strlen(identifying[i]));
		rg_buf_putc(&b, ':');
		/* As rg_json_new_string would copy it: up to its first NUL. */
		rg_json_emit_string(&b, v->u.s.text, strlen(v->u.s.text));
	}
	rg_buf_putc(&b, '}');
	put_str(&b, "policy", d->has_policy ? d->policy.name : NULL);
	put_str(&b, "digest", d->has_policy ? d->policy.digest : NULL);
	put_str(&b, "selected", d->has_policy ? d->policy.reason : NULL);
	put_str(&b, "mode", rg_mode_name(d->has_policy ? d->policy.mode : cfg->mode));
	/* With SELinux off the selinux rule leaves labels alone; say so. */
	put_str(&b, "selinux", d->selinux);
	put_str(&b, "decision", d->verdict ? d->verdict : "error");
	put_changes(&b, &d->report);
	put_violations(&b, &d->report);
	if (error_msg)
		put_str(&b, "error", error_msg);
	rg_buf_puts(&b, "}\n");
	return rg_buf_steal(&b);
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
