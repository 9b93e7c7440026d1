/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Adapter: the host's AppArmor state for the apparmor rule and for
 * `runguard doctor`. securityfs files report a size of 0, so they are read
 * to EOF in chunks rather than by their size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runguard/apparmor.h"
#include "runguard/util.h"

#define ENABLED_PATH "/sys/module/apparmor/parameters/enabled"
#define PROFILES_PATH "/sys/kernel/security/apparmor/profiles"
/* Thousands of profiles fit; anything bigger is not a profile list. */
#define MAX_LIST (16u * 1024u * 1024u)

static char *under_root(const char *root, const char *path)
{
#ifdef RG_TEST_SWITCHES
	/* Test builds only (make's runguard-test): a production binary never reads it. */
	if (!root) {
		root = getenv(RG_APPARMOR_ROOT_ENV);
		if (root && !*root)
			root = NULL;
	}
#endif
	return root ? rg_xasprintf("%s%s", root, path) : rg_xstrdup(path);
}

/* Reads a (pseudo-)file to EOF, at most max bytes. 0 or -errno. */
static int read_all(const char *path, size_t max, struct rg_buf *b)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char chunk[8192];

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		if (b->len + (size_t)n > max)
			return -EFBIG;
		rg_buf_append(b, chunk, (size_t)n);
	}
	rg_buf_append(b, "", 0);
	return 0;
}

int rg_host_apparmor_enabled(const char *root)
{
	_cleanup_free_ char *p = under_root(root, ENABLED_PATH);
	struct rg_buf b = {0};
	int r = read_all(p, 4096, &b);
	bool on = r == 0 && b.data && b.data[0] == 'Y';
	rg_buf_free(&b);
	return on ? 1 : 0;
}

int rg_host_apparmor_loaded(const char *root, const char *name)
{
	_cleanup_free_ char *p = under_root(root, PROFILES_PATH);
	struct rg_buf b = {0};
	int r = read_all(p, MAX_LIST, &b);
	if (r < 0) {
		rg_buf_free(&b);
		return r;
	}
	/* One profile per line: "name (mode)". */
	size_t n = strlen(name);
	bool found = false;
	for (char *line = b.data; line && *line && !found;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *mode = NULL;
		for (size_t i = len; i > 0; i--) {
			if (line[i - 1] == '(' && i >= 2 && line[i - 2] == ' ') {
				mode = line + i - 2;
				break;
			}
		}
		size_t name_len = mode ? (size_t)(mode - line) : len;
		found = name_len == n && memcmp(line, name, n) == 0;
		line = nl ? nl + 1 : NULL;
	}
	rg_buf_free(&b);
	return found ? 1 : 0;
}

int rg_host_apparmor_is_loaded(const char *name)
{
	return rg_host_apparmor_loaded(NULL, name);
}

void rg_host_detect_apparmor(struct rg_host *h)
{
	h->apparmor_enabled = rg_host_apparmor_enabled(NULL);
	h->apparmor_is_loaded = rg_host_apparmor_is_loaded;
}
