/* SPDX-License-Identifier: Apache-2.0 */
/* Lexical path normalisation shared by the mounts and hooks rules. */
#include <string.h>

#include "runguard/normpath.h"
#include "runguard/util.h"

char *rg_path_normalize(const char *path)
{
	if (!path || path[0] != '/')
		return NULL;
	size_t len = strlen(path);
	/* The result is never longer than the input (plus "/" and the NUL). */
	char *out = rg_xmalloc(len + 2);
	size_t n = 0;
	const char *p = path;

	while (*p) {
		while (*p == '/')
			p++;
		size_t c = strcspn(p, "/");
		if (c == 0)
			break;
		if (c == 1 && p[0] == '.') {
			/* "." names the directory itself */
		} else if (c == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash before the dropped component */
		} else {
			out[n++] = '/';
			memcpy(out + n, p, c);
			n += c;
		}
		p += c;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

bool rg_path_is_normal(const char *path)
{
	if (path[0] != '/')
		return false;
	if (!path[1])
		return true;
	/* Every slash starts a component, which is neither empty (a slash doubled
	 * or at the end) nor "." nor "..". */
	for (const char *c = path; *c;) {
		const char *s = ++c;
		while (*c && *c != '/')
			c++;
		size_t n = (size_t)(c - s);
		if (n == 0 || (s[0] == '.' && (n == 1 || (n == 2 && s[1] == '.'))))
			return false;
	}
	return true;
}

bool rg_path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

char *rg_path_resolve_in(const char *base, const char *path)
{
	if (!path)
		return NULL;
	if (path[0] == '/')
		return rg_path_normalize(path);
	if (!base || base[0] != '/')
		return NULL;
	_cleanup_free_ char *joined = rg_xasprintf("%s/%s", base, path);
	return rg_path_normalize(joined);
}

enum rg_path_relation rg_path_relate(const char *path, const char *pattern)
{
	const char *p = path, *q = pattern;

	/* Component by component, in one pass: every mount is related to every
	 * protected host path, so this runs tens of thousands of times on a
	 * pod with hundreds of mounts. */
	for (;;) {
		while (*p == '/')
			p++;
		while (*q == '/')
			q++;
		if (!*p && !*q)
			return RG_PATH_EQUAL;
		if (!*q)
			return RG_PATH_BELOW;
		if (!*p)
			return RG_PATH_ABOVE;
		if (q[0] == '*' && (q[1] == '/' || !q[1])) {
			/* "*" matches any one component. */
			q++;
			while (*p && *p != '/')
				p++;
			continue;
		}
		while (*p && *p != '/' && *p == *q)
			p++, q++;
		if ((*p && *p != '/') || (*q && *q != '/'))
			return RG_PATH_APART;
	}
}
