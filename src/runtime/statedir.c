/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Judging the global flags of a runtime command line: the state directory
 * (--root) that exec and update read the container's bundle from, that the
 * runtime choice and delete's MCS release look into, and flags that make
 * the real runtime run another program (--criu).
 *
 * A state directory is trusted only when nobody but root (or the user
 * runguard runs as) can change what it holds: every directory on the path
 * from / is owned by root or by us and writable by neither group nor others,
 * so no component can be swapped after the check. A sticky directory such
 * as /tmp may be crossed on the way when the next component exists and is
 * ours; symlinks are followed, each owned by root or us. Parts of the path
 * that do not exist yet are fine (runc creates them) when their deepest
 * existing directory is writable by nobody else.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/statedir.h"
#include "runguard/runtime.h"
#include "runguard/util.h"

/* As the kernel's limit on symlinks followed in one lookup. */
#define MAX_SYMLINKS 40
#define PATH_CAP 8192

static bool is_trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* Why the directory at p (already lstat'ed) may not be trusted, or NULL. */
static const char *dir_problem(const struct stat *st, bool is_crossed)
{
	if (!S_ISDIR(st->st_mode))
		return "is not a directory";
	if (!is_trusted_owner(st->st_uid))
		return "is owned by another user";
	if (!(st->st_mode & (S_IWGRP | S_IWOTH)))
		return NULL;
	/* /tmp: others may add entries but not replace ours; the next one is checked. */
	if (is_crossed && (st->st_mode & S_ISVTX) && st->st_uid == 0)
		return NULL;
	return "is writable by group or others";
}

static int refuse(const char *flag, const char *value, const char *at, const char *why,
		  struct rg_error **err)
{
	return rg_error_set(err, EPERM,
			    "%s '%s': %s %s: the state directory must be reachable only through "
			    "directories owned by root and writable by nobody else (a forged "
			    "state would choose the container)",
			    flag, value, at, why);
}

/* Appends "/name" (len bytes) to cur, which holds a path without symlinks. */
static int push(char *cur, const char *name, size_t len)
{
	size_t n = strlen(cur);
	if (n + 1 + len + 1 > PATH_CAP)
		return -ENAMETOOLONG;
	if (n > 1 || cur[0] != '/')
		cur[n++] = '/';
	memcpy(cur + n, name, len);
	cur[n + len] = '\0';
	return 0;
}

static void pop(char *cur)
{
	char *slash = strrchr(cur, '/');
	if (slash && slash != cur)
		*slash = '\0';
	else
		strcpy(cur, "/");
}

/*
 * Walks `rest` (a path) from `cur` (a checked directory without symlinks),
 * checking each existing component. *n_links counts the symlinks followed.
 */
static int walk(char *cur, const char *rest, int *n_links, const char *flag, const char *value,
		struct rg_error **err)
{
	_cleanup_free_ char *todo = rg_xstrdup(rest);
	char *p = todo;

	while (*p) {
		size_t len = strcspn(p, "/");
		char *next = p + len + strspn(p + len, "/");
		if (len == 0 || (len == 1 && p[0] == '.')) {
			p = next;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			pop(cur);
			p = next;
			continue;
		}
		if (push(cur, p, len) < 0)
			return refuse(flag, value, "the path", "is too long", err);
		bool is_last = *next == '\0';
		struct stat st;
		if (lstat(cur, &st) < 0) {
			if (errno != ENOENT)
				return refuse(flag, value, cur, strerror(errno), err);
			/* Not there yet: runc makes it; the parent must be ours alone. */
			pop(cur);
			struct stat parent;
			if (lstat(cur, &parent) < 0 || dir_problem(&parent, false))
				return refuse(flag, value, cur,
					      "is writable by group or others and the rest of "
					      "the path does not exist yet",
					      err);
			return 0;
		}
		if (S_ISLNK(st.st_mode)) {
			if (!is_trusted_owner(st.st_uid))
				return refuse(flag, value, cur,
					      "is a symlink owned by another user", err);
			if (++*n_links > MAX_SYMLINKS)
				return refuse(flag, value, cur, "has too many symlinks", err);
			char target[PATH_MAX];
			ssize_t n = readlink(cur, target, sizeof(target) - 1);
			if (n < 0)
				return refuse(flag, value, cur, strerror(errno), err);
			target[n] = '\0';
			pop(cur);
			if (target[0] == '/')
				strcpy(cur, "/");
			_cleanup_free_ char *joined = rg_xasprintf("%s/%s", target, next);
			return walk(cur, joined, n_links, flag, value, err);
		}
		const char *why = dir_problem(&st, !is_last);
		if (why)
			return refuse(flag, value, cur, why, err);
		p = next;
	}
	return 0;
}

int rg_statedir_check(const char *flag, const char *path, struct rg_error **err)
{
	char cur[PATH_CAP];
	struct stat st;
	int n_links = 0;

	if (!path)
		return 0;
	/* runc and crun resolve a relative --root (even "") against the cwd. */
	_cleanup_free_ char *abs = NULL;
	if (path[0] != '/') {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);
		if (!cwd)
			return refuse(flag, path, "the current directory", strerror(errno), err);
		abs = rg_xasprintf("%s/%s", cwd, path);
	}
	strcpy(cur, "/");
	if (lstat("/", &st) < 0 || dir_problem(&st, true))
		return refuse(flag, path, "/", "is not trusted", err);
	return walk(cur, abs ? abs : path, &n_links, flag, path, err);
}

int rg_globals_check(const struct rg_cli *cli, const struct rg_config *cfg, const char *runtime,
		     struct rg_error **err)
{
	if (cli->criu && !rg_config_allows_flag(cfg, "criu", cli->criu))
		return rg_error_set(err, EPERM,
				    "--criu '%s': runc would run this program as root with every "
				    "capability; allowed only for a path listed in the "
				    "configuration's \"runtimeFlags\": {\"criu\": [...]}",
				    cli->criu);
	/* crun: no cgroup at all, so no memory, pids or CPU limit would apply. */
	bool is_enforced = cli->kind != RG_CLI_PASSTHROUGH && cli->kind != RG_CLI_OWN;
	if (is_enforced && cli->cgroup_manager && rg_streq(cli->cgroup_manager, "disabled"))
		return rg_error_set(
		    err, EPERM,
		    "--cgroup-manager disabled: crun would put the container in "
		    "no cgroup, so none of the policy's resource limits would apply");
	int r = rg_statedir_check("--root", cli->root, err);
	if (r < 0 || rg_runtime_is_runc(runtime) || cli->crun_root == cli->root)
		return r;
	/* crun reads --rootless DIR (and "--ro DIR", an abbreviation) as --root DIR. */
	if (is_enforced)
		return rg_error_set(err, EINVAL,
				    "'%s' given as --rootless or an abbreviation: %s reads it as "
				    "its state directory (--root), runc as a mode or an error; "
				    "refusing to guess which state holds the container",
				    cli->crun_root, runtime ? runtime : "the real runtime");
	return rg_statedir_check("crun's --root (--rootless, --ro...)", cli->crun_root, err);
}
