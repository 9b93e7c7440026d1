/* SPDX-License-Identifier: Apache-2.0 */
/* Finding and starting the real runtime. No $PATH lookup, ever. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runguard/runtime.h"
#include "runguard/util.h"

/* runc's candidates first, then crun's (CRUN_FROM is where crun's begin). */
static const char *const search_list[] = {
    "/usr/bin/runc", "/usr/sbin/runc", "/usr/local/bin/runc", "/usr/local/sbin/runc",
    "/usr/bin/crun", "/usr/sbin/crun", "/usr/local/bin/crun", "/usr/local/sbin/crun",
};
#define CRUN_FROM 4
_Static_assert(RG_ARRAY_SIZE(search_list) == 2 * CRUN_FROM, "as many runc as crun candidates");

static bool is_self(const struct stat *st, const struct stat *self)
{
	return st->st_dev == self->st_dev && st->st_ino == self->st_ino;
}

/* 0 if path is an executable regular file that is not runguard itself. */
static int check_candidate(const char *path, const struct stat *self, bool have_self)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (have_self && is_self(&st, self))
		return -ELOOP;
	if (access(path, X_OK) < 0)
		return -errno;
	return 0;
}

/* The first usable candidate of search_list[from..to). */
static int search(size_t from, size_t to, char **ret_path)
{
	struct stat self;
	bool have_self = stat("/proc/self/exe", &self) == 0;

	for (size_t i = from; i < to; i++) {
		if (check_candidate(search_list[i], &self, have_self) == 0) {
			*ret_path = rg_xstrdup(search_list[i]);
			return 0;
		}
	}
	return -ENOENT;
}

/* Does <root or dflt>/<id>/<file> exist as a regular file? */
static bool has_state(const char *root, const char *dflt, const char *id, const char *file)
{
	struct stat st;

	if (!id || !*id || id[0] == '-' || strchr(id, '/') || rg_streq(id, ".") ||
	    rg_streq(id, ".."))
		return false;
	_cleanup_free_ char *p = rg_xasprintf("%s/%s/%s", root && *root ? root : dflt, id, file);
	return lstat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int rg_runtime_find_for(const char *configured, const char *root, char *const ids[], size_t n_ids,
			char **ret_path, struct rg_error **err)
{
	const char *env = getenv("RUNGUARD_RUNTIME");
	bool is_crun = false, is_runc = false;

	if ((env && *env) || configured)
		return rg_runtime_find(configured, ret_path, err);
	for (size_t i = 0; i < n_ids; i++) {
		is_crun = is_crun || has_state(root, "/run/crun", ids[i], "status");
		is_runc = is_runc || has_state(root, "/run/runc", ids[i], "state.json");
	}
	if (is_crun && !is_runc && search(CRUN_FROM, RG_ARRAY_SIZE(search_list), ret_path) == 0)
		return 0;
	return rg_runtime_find(NULL, ret_path, err);
}

int rg_runtime_find(const char *configured, char **ret_path, struct rg_error **err)
{
	const char *env = getenv("RUNGUARD_RUNTIME");
	const char *explicit_path = env && *env ? env : configured;
	const char *origin = env && *env ? "RUNGUARD_RUNTIME" : "configuration";

	if (explicit_path) {
		struct stat self;
		bool have_self = stat("/proc/self/exe", &self) == 0;
		if (explicit_path[0] != '/')
			return rg_error_set(err, EINVAL,
					    "%s: real runtime '%s' is not an absolute path", origin,
					    explicit_path);
		int r = check_candidate(explicit_path, &self, have_self);
		if (r == -ELOOP)
			return rg_error_set(err, ELOOP,
					    "%s: real runtime '%s' is runguard itself; refusing to "
					    "recurse",
					    origin, explicit_path);
		if (r < 0)
			return rg_error_set(err, -r, "%s: real runtime '%s': %s", origin,
					    explicit_path, strerror(-r));
		*ret_path = rg_xstrdup(explicit_path);
		return 0;
	}
	if (search(0, RG_ARRAY_SIZE(search_list), ret_path) == 0)
		return 0;
	return rg_error_set(err, ENOENT,
			    "no real runtime found (looked for runc and crun in /usr/bin, "
			    "/usr/sbin, /usr/local/bin, /usr/local/sbin, skipping runguard "
			    "itself); set RUNGUARD_RUNTIME or \"runtime\" in the configuration");
}

bool rg_runtime_is_runc(const char *path)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : path;
	return base && strstr(base, "runc") && !strstr(base, "crun");
}

int rg_runtime_pin_path(struct rg_error **err)
{
	if (setenv("PATH", RG_RUNTIME_SAFE_PATH, 1) < 0)
		return rg_error_set(err, errno, "setenv PATH: %s", strerror(errno));
	return 0;
}

int rg_runtime_exec(const char *path, char *const argv[], struct rg_error **err)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	_cleanup_free_ char **args = rg_xcalloc((size_t)argc + 1, sizeof(char *));
	args[0] = (char *)path;
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	args[argc] = NULL;
	/* A copy of runguard installed as the runtime sees this and refuses. */
	if (setenv(RG_RUNTIME_MARKER, "1", 1) < 0)
		return rg_error_set(err, errno, "setenv: %s", strerror(errno));
	execv(path, args);
	return rg_error_set(err, errno, "exec %s: %s", path, strerror(errno));
}

char *rg_runtime_version(const char *path)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return NULL;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (devnull >= 0)
			dup2(devnull, STDERR_FILENO);
		setenv(RG_RUNTIME_MARKER, "1", 1);
		execl(path, path, "--version", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	char buf[256];
	size_t len = 0;
	for (;;) {
		ssize_t r = read(fds[0], buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == sizeof(buf) - 1)
			break;
	}
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return len ? rg_xstrdup(buf) : NULL;
}
