/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.cgroupsPath under both of the runtime's readings.
 *
 * cgroupfs (runc's default): runc 1.1 cleans the value (filepath.Clean; a
 * relative one is cleaned as if under "/" and made relative again) and
 * joins a relative result to its own cgroup, which is the caller's. So "/",
 * "//", "/..", "/a/../.." name the root cgroup, where no limit applies, and
 * ".", "../..", "a/.." name the caller's own cgroup, whose limits runc
 * would then rewrite. crun is not known to clean the value at all, so a
 * ".." component is refused wherever it is (no engine writes one).
 *
 * systemd (runc --systemd-cgroup, crun --cgroup-manager=systemd): runc
 * requires exactly three colon-separated parts, "slice:prefix:name", and
 * refuses anything else; crun takes the slice as the text before the first
 * colon (the whole value without one). A slice "-.slice" is the root slice;
 * a name ending in ".slice" makes runc use that slice itself as the
 * container's unit (limits and processes on it, "system.slice" say); "/"
 * and ".." inside the parts are path syntax systemd unit names do not have.
 */
#include <string.h>

#include "resources_cgpath.h"
#include "runguard/util.h"

static const char *cgroupfs_unsafe(const char *v)
{
	bool is_any = false;
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "as a cgroupfs path, a '..' component climbs out of the cgroup it "
			       "is under";
		if (n > 0 && !(n == 1 && p[0] == '.'))
			is_any = true;
		p += n;
		while (*p == '/')
			p++;
	}
	if (is_any)
		return NULL;
	return v[0] == '/' ? "as a cgroupfs path it names the root cgroup, where no limit applies"
			   : "as a cgroupfs path it names the runtime's own cgroup (the "
			     "caller's), whose limits the container would rewrite";
}

static bool has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static const char *systemd_unsafe(const char *v)
{
	size_t slice_len = strcspn(v, ":");
	if (slice_len == strlen("-.slice") && memcmp(v, "-.slice", slice_len) == 0)
		return "as systemd's slice:prefix:name, its slice is -.slice, the root";
	const char *parts[3] = {v, NULL, NULL};
	size_t n = 1;
	for (const char *p = v; (p = strchr(p, ':')) != NULL; p++) {
		if (n == 3)
			return NULL; /* more than three parts: runc refuses it */
		parts[n++] = p + 1;
	}
	if (n != 3)
		return NULL; /* runc refuses it; crun's slice was judged above */
	for (size_t i = 0; i < 3; i++) {
		size_t len = strcspn(parts[i], ":");
		if (memchr(parts[i], '/', len) || memmem(parts[i], len, "..", 2))
			return "as systemd's slice:prefix:name, a part has '/' or '..'";
	}
	if (has_suffix(parts[2], strlen(parts[2]), ".slice"))
		return "as systemd's slice:prefix:name, a name ending in .slice makes that slice "
		       "the container's own unit";
	return NULL;
}

const char *rg_cgroups_path_unsafe(const char *value)
{
	if (!*value)
		return NULL; /* the runtime's default */
	const char *why = cgroupfs_unsafe(value);
	return why ? why : systemd_unsafe(value);
}
