/* SPDX-License-Identifier: Apache-2.0 */
/* Paths of a node mounted at --host-root: joined, resolved inside it, globbed (see hostpath.h). */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/fileio.h"
#include "runguard/hostpath.h"
#include "runguard/util.h"

/* As the kernel's MAXSYMLINKS. */
#define MAX_LINKS 40

/* Length of root without trailing slashes: 0 when the node is this machine. */
static size_t root_len(const char *root)
{
	size_t n = root ? strlen(root) : 0;
	while (n > 0 && root[n - 1] == '/')
		n--;
	return n;
}

bool rg_hostpath_has_root(const char *root)
{
	return root_len(root) > 0;
}

char *rg_hostpath_join(const char *root, const char *node_path)
{
	size_t n = root_len(root);
	return n ? rg_xasprintf("%.*s%s", (int)n, root, node_path) : rg_xstrdup(node_path);
}

const char *rg_hostpath_node(const char *root, const char *path)
{
	size_t n = root_len(root);
	if (n && strncmp(path, root, n) == 0 && path[n] == '/')
		return path + n;
	return path;
}

bool rg_hostpath_has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The walk's state: res is the node's path resolved so far ("" for its /). */
struct walk {
	const char *root;
	size_t rn;
	char *res;
	size_t len, cap;
	bool is_missing;
	int links;
};

static void res_add(struct walk *w, const char *c, size_t n)
{
	if (w->len + n + 2 > w->cap) {
		w->cap = (w->len + n + 2) * 2;
		w->res = rg_xrealloc(w->res, w->cap);
	}
	w->res[w->len++] = '/';
	memcpy(w->res + w->len, c, n);
	w->len += n;
	w->res[w->len] = '\0';
}

static void res_cut(struct walk *w, size_t len)
{
	w->len = len;
	if (w->res)
		w->res[len] = '\0';
}

/* res seen from here. */
static char *res_here(const struct walk *w)
{
	return rg_xasprintf("%.*s%s", (int)w->rn, w->root ? w->root : "", w->len ? w->res : "/");
}

/*
 * Looks at res (just extended by a component, which started at `keep`): a
 * symlink is taken off res and its target returned (owned) for the walk to
 * go on with; NULL otherwise. -errno with *err set.
 */
static int look(struct walk *w, size_t keep, char **ret_target, struct rg_error **err)
{
	_cleanup_free_ char *here = res_here(w);
	struct stat st;
	char buf[PATH_MAX];

	*ret_target = NULL;
	if (w->is_missing)
		return 0;
	if (lstat(here, &st) < 0) {
		if (errno == ENOENT) {
			w->is_missing = true;
			return 0;
		}
		return rg_error_set(err, errno, "%s: %s", here, strerror(errno));
	}
	if (!S_ISLNK(st.st_mode))
		return 0;
	if (++w->links > MAX_LINKS)
		return rg_error_set(err, ELOOP, "%s: %s", here, strerror(ELOOP));
	ssize_t n = readlink(here, buf, sizeof(buf));
	if (n < 0 || n == (ssize_t)sizeof(buf))
		return rg_error_set(err, n < 0 ? errno : ENAMETOOLONG, "%s: readlink: %s", here,
				    strerror(n < 0 ? errno : ENAMETOOLONG));
	res_cut(w, buf[0] == '/' ? 0 : keep);
	*ret_target = rg_xstrndup(buf, (size_t)n);
	return 0;
}

int rg_hostpath_resolve(const char *root, const char *path, char **ret, struct rg_error **err)
{
	struct walk w = {.root = root, .rn = root_len(root)};
	_cleanup_free_ char *rest = NULL;
	int r = 0;

	if (w.rn) {
		const char *node = rg_hostpath_node(root, path);
		if (node == path)
			return rg_error_set(err, EXDEV, "%s: not under --host-root %s", path, root);
		rest = rg_xstrdup(node);
	} else if (path[0] == '/') {
		rest = rg_xstrdup(path);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return rg_error_set(err, errno, "getcwd: %s", strerror(errno));
		rest = rg_xasprintf("%s/%s", cwd, path);
	}
	for (const char *p = rest; r == 0 && *p;) {
		size_t n = strcspn(p, "/");
		const char *c = p;
		p += n + strspn(p + n, "/");
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (w.len == 0 && w.rn)
				r = rg_error_set(err, EXDEV, "%s: leads above --host-root %s", path,
						 root);
			while (w.len > 0 && w.res[w.len - 1] != '/')
				w.len--;
			res_cut(&w, w.len > 0 ? w.len - 1 : 0);
			continue;
		}
		size_t keep = w.len;
		char *target = NULL;
		res_add(&w, c, n);
		r = look(&w, keep, &target, err);
		if (target) {
			char *next = rg_xasprintf("%s/%s", target, p);
			free(target);
			free(rest);
			rest = next;
			p = rest;
		}
	}
	if (r == 0)
		*ret = res_here(&w);
	free(w.res);
	return r;
}

/* s with glob's special characters escaped. */
static char *glob_escape(const char *s)
{
	struct rg_buf b = {0};
	for (; *s; s++) {
		if (strchr("*?[\\", *s))
			rg_buf_putc(&b, '\\');
		rg_buf_putc(&b, *s);
	}
	rg_buf_append(&b, "", 0);
	return rg_buf_steal(&b);
}

int rg_hostpath_glob(const char *root, const char *pattern, char ***ret, size_t *ret_n,
		     struct rg_error **err)
{
	const char *wild = strpbrk(pattern, "*?[");
	const char *slash = wild ? wild : pattern + strlen(pattern);
	while (slash > pattern && *slash != '/')
		slash--;
	_cleanup_free_ char *dir = rg_xstrndup(pattern, (size_t)(slash - pattern));
	_cleanup_free_ char *real = NULL;
	char **list = NULL;
	size_t n = 0;
	glob_t g = {0};

	*ret = NULL;
	*ret_n = 0;
	if (slash == pattern && *pattern != '/') {
		/* A bare relative pattern (only without a root): from the working directory. */
		if (glob(pattern, 0, NULL, &g) == 0) {
			list = rg_xcalloc(g.gl_pathc + 1, sizeof(char *));
			for (size_t i = 0; i < g.gl_pathc; i++)
				list[n++] = rg_xstrdup(g.gl_pathv[i]);
		}
		globfree(&g);
		*ret = list ? list : rg_xcalloc(1, sizeof(char *));
		*ret_n = n;
		return 0;
	}
	int r = rg_hostpath_resolve(root, *dir ? dir : "/", &real, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *esc = glob_escape(real);
	_cleanup_free_ char *pat =
	    rg_xasprintf("%s/%s", rg_streq(esc, "/") ? "" : esc, *slash == '/' ? slash + 1 : slash);
	size_t skip = strlen(rg_streq(real, "/") ? "" : real);
	if (glob(pat, 0, NULL, &g) == 0) {
		list = rg_xcalloc(g.gl_pathc + 1, sizeof(char *));
		for (size_t i = 0; i < g.gl_pathc; i++)
			list[n++] = rg_xasprintf("%s%s", dir, g.gl_pathv[i] + skip);
	}
	globfree(&g);
	*ret = list ? list : rg_xcalloc(1, sizeof(char *));
	*ret_n = n;
	return 0;
}

int rg_hostpath_read(const char *root, const char *path, size_t max, char **ret, size_t *ret_len,
		     struct rg_error **err)
{
	_cleanup_free_ char *real = NULL;
	int r = rg_hostpath_resolve(root, path, &real, err);
	if (r < 0)
		return r;
	r = rg_file_read(real, max, ret, ret_len, err);
	return r;
}

bool rg_hostpath_exists(const char *root, const char *path)
{
	_cleanup_free_ char *real = NULL;
	struct rg_error *err = NULL;
	bool is = rg_hostpath_resolve(root, path, &real, &err) == 0 && rg_file_exists(real);
	rg_error_free(err);
	return is;
}
