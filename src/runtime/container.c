/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Finding an existing container's config.json for exec and update. The
 * real runtime is asked (`state`) rather than its state directory read:
 * runc and crun keep different files there, but both print the bundle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runguard/argfile.h"
#include "runguard/container.h"
#include "runguard/runtime.h"
#include "runguard/selinux.h"
#include "runguard/spec.h"
#include "runguard/util.h"

/* `state` prints a few hundred bytes (plus annotations); a megabyte is plenty. */
#define STATE_MAX_SIZE (1024u * 1024u)
#define STDERR_SHOWN 300

void rg_container_free(struct rg_container *c)
{
	free(c->bundle);
	free(c->status);
	free(c->config_name);
	free(c->ambiguity);
	rg_json_free(c->spec);
	*c = (struct rg_container){0};
}

int rg_container_parse_state(const char *text, size_t len, struct rg_container *ret,
			     struct rg_error **err)
{
	_cleanup_json_ struct rg_json *st = rg_json_parse(text, len, "runtime state", NULL, err);
	if (!st)
		return -EINVAL;
	const char *bundle = rg_json_str(rg_json_get(st, "bundle"));
	const char *status = rg_json_str(rg_json_get(st, "status"));
	if (!bundle || bundle[0] != '/' || strlen(bundle) != rg_json_get(st, "bundle")->u.s.len)
		return rg_error_set(err, EINVAL,
				    "runtime state: no absolute \"bundle\" path in the runtime's "
				    "state output");
	ret->bundle = rg_xstrdup(bundle);
	ret->status = rg_xstrdup(status ? status : "unknown");
	return 0;
}

/* Reads a memfd written by the child from its start. */
static char *slurp(int fd, size_t cap, size_t *ret_len)
{
	char *text = NULL;
	if (lseek(fd, 0, SEEK_SET) < 0 ||
	    rg_argfile_read_fd(fd, "state", cap, &text, ret_len, NULL) < 0)
		return NULL;
	return text;
}

/*
 * The runtime's message, for ours: the first line of its stderr, shortened;
 * of a logrus line (time="..." level=error msg="...") just the msg.
 */
static char *first_line(const char *text)
{
	if (!text || !*text)
		return rg_xstrdup("(no message)");
	size_t n = strcspn(text, "\n");
	const char *msg = strstr(text, "msg=\"");
	if (msg && msg < text + n) {
		msg += 5;
		size_t m = strcspn(msg, "\"\n");
		return rg_xstrndup(msg, m > STDERR_SHOWN ? STDERR_SHOWN : m);
	}
	return rg_xstrndup(text, n > STDERR_SHOWN ? STDERR_SHOWN : n);
}

static int run_state(const char *runtime, const struct rg_cli *cli, char **ret_out, size_t *ret_len,
		     struct rg_error **err)
{
	_cleanup_close_ int out = memfd_create("runguard-state-out", MFD_CLOEXEC);
	_cleanup_close_ int errfd = memfd_create("runguard-state-err", MFD_CLOEXEC);
	if (out < 0 || errfd < 0)
		return rg_error_set(err, errno, "memfd_create: %s", strerror(errno));
	/* The runtime writes them, maybe in another SELinux domain. */
	int r = rg_selinux_label_handover(out, runtime, NULL, err);
	if (r == 0)
		r = rg_selinux_label_handover(errfd, runtime, NULL, err);
	if (r < 0)
		return r;
	const char *argv[8];
	int n = 0;
	argv[n++] = runtime;
	if (cli->root) {
		argv[n++] = "--root";
		argv[n++] = cli->root;
	}
	argv[n++] = "state";
	argv[n++] = "--"; /* an id may start with '-' */
	argv[n++] = cli->container_id;
	argv[n] = NULL;

	pid_t pid = fork();
	if (pid < 0)
		return rg_error_set(err, errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
		    dup2(errfd, STDERR_FILENO) < 0 || setenv(RG_RUNTIME_MARKER, "1", 1) < 0)
			_exit(127);
		execv(runtime, (char *const *)argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return rg_error_set(err, errno, "waitpid: %s", strerror(errno));
	size_t len = 0, elen = 0;
	_cleanup_free_ char *text = slurp(out, STATE_MAX_SIZE, &len);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		_cleanup_free_ char *etext = slurp(errfd, 64 * 1024, &elen);
		_cleanup_free_ char *line = first_line(etext);
		return rg_error_set(err, ESRCH, "cannot read its state with `%s state`: %s",
				    runtime, line);
	}
	if (!text)
		return rg_error_set(err, EIO, "`%s state` printed no usable output", runtime);
	*ret_out = steal_ptr(&text);
	*ret_len = len;
	return 0;
}

int rg_container_lookup(const char *runtime, const struct rg_cli *cli, bool is_dry,
			struct rg_container *ret, struct rg_error **err)
{
	struct rg_container c = {0};
	struct rg_bundle b = {.dirfd = -1};
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	int r = run_state(runtime, cli, &text, &len, err);
	if (r == 0)
		r = rg_container_parse_state(text, len, &c, err);
	if (r == 0)
		r = rg_spec_open(c.bundle, &b, err);
	if (r == 0) {
		c.config_name = rg_xstrdup(b.config_name);
		r = rg_spec_load(&b, &c.spec, err);
		if (r == -ENOTUNIQ && is_dry) {
			c.ambiguity = rg_xstrdup((*err)->msg);
			rg_error_free(*err);
			*err = NULL;
			r = rg_spec_read(&b, &c.spec, err);
		}
		rg_spec_close(&b);
	}
	if (r < 0) {
		if (err && *err)
			rg_error_prefix(*err, "%s %s", cli->subcmd, cli->container_id);
		rg_container_free(&c);
		return r;
	}
	*ret = c;
	return 0;
}
