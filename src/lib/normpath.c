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

/* The next component of *p (advanced past it), its length in *ret_len; NULL at the end. */
static const char *next_component(const char **p, size_t *ret_len)
{
	while (**p == '/')
		(*p)++;
	if (!**p)
		return NULL;
	const char *c = *p;
	*ret_len = strcspn(c, "/");
	*p += *ret_len;
	return c;
}

enum rg_path_relation rg_path_relate(const char *path, const char *pattern)
{
	const char *p = path, *q = pattern;

	for (;;) {
		size_t np = 0, nq = 0;
		const char *cp = next_component(&p, &np);
		const char *cq = next_component(&q, &nq);
		if (!cp && !cq)
			return RG_PATH_EQUAL;
		if (!cq)
			return RG_PATH_BELOW;
		if (!cp)
			return RG_PATH_ABOVE;
		if (!(nq == 1 && cq[0] == '*') && (np != nq || memcmp(cp, cq, np) != 0))
			return RG_PATH_APART;
	}
}
