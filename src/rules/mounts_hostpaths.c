/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host paths the mounts rule protects, and the judgement of one host
 * path against them. Four lists, each a setting of the rule:
 *
 *   "deny"          the path, anything under it, and any directory above
 *                   it (a bind of /run exposes /run/docker.sock);
 *   "denyExact"     the path and any directory above it, not what is under
 *                   it: engines bind per-container files from under their
 *                   state directories (/var/lib/docker/containers/<id>/hosts);
 *   "denyWritable"  as "deny", for mounts that are not read-only (/usr,
 *                   /lib/modules: what root on the host runs and loads);
 *   "rootDeny"      as "deny", for root.path only (host system directories).
 *
 * An entry's component "*" matches any one component: a state directory
 * holds one directory per container, and which of them is this
 * container's own cannot be told here, so each is protected as a whole
 * (exact) while the files the engine binds from inside it pass.
 *
 * root.path is judged as a writable bind: runc creates mount points in the
 * root file system before it makes it read-only, so even a read-only root
 * writes there.
 */
#include <errno.h>
#include <string.h>

#include "mounts_hostpaths.h"
#include "runguard/normpath.h"
#include "runguard/util.h"

static const char *const default_deny[] = {
    "/etc",
    "/proc",
    "/boot",
    "/dev",
    "/root",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/s",
    "/var/run/containerd/s",
    "/run/crio/crio.sock",
    "/var/run/crio/crio.sock",
    "/var/lib/kubelet/pki",
    /* Runtime state: state.json of every container, hooks included. */
    "/run/runc",
    "/var/run/runc",
    "/run/crun",
    "/var/run/crun",
    "/run/containerd/runc",
    "/var/run/containerd/runc",
    "/run/containerd/io.containerd.runtime.v1.linux",
    "/var/run/containerd/io.containerd.runtime.v1.linux",
    /* Engines' sockets and private state. */
    "/run/docker",
    "/var/run/docker",
    "/run/podman",
    "/var/run/podman",
    "/run/libpod",
    "/var/run/libpod",
    "/run/systemd",
    "/var/run/systemd",
    "/run/dbus",
    "/var/run/dbus",
    "/var/lib/etcd",
    "/var/lib/kubelet/device-plugins",
    "/var/lib/kubelet/pod-resources",
    "/var/lib/containerd/io.containerd.content.v1.content",
    "/var/lib/containerd/io.containerd.metadata.v1.bolt",
    "/var/lib/containerd/io.containerd.runtime.v2.task",
    "/var/lib/docker/image",
    "/var/lib/docker/containerd",
    "/var/lib/docker/plugins",
    "/var/lib/containers/storage/libpod",
    "/var/lib/containers/storage/overlay-images",
    "/var/lib/containers/storage/overlay-layers",
    /* File systems mounted under /sys: an rbind carries them along, and
     * "ro" does not reach them. */
    "/sys/kernel/debug",
    "/sys/kernel/tracing",
    "/sys/kernel/security",
    "/sys/kernel/config",
    "/sys/fs/cgroup",
    "/sys/fs/bpf",
    "/sys/fs/fuse",
    "/sys/fs/pstore",
    "/sys/firmware/efi/efivars",
    "/var/spool/cron",
    NULL,
};
static const char *const default_deny_exact[] = {
    "/",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
    "/var/lib/kubelet",
    /* One directory per container or pod: protected as a whole, the
     * files the engine binds from inside pass. */
    "/var/lib/kubelet/pods/*",
    "/run/containerd/io.containerd.runtime.v2.task/*/*",
    "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/*",
    "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/*",
    "/var/lib/containerd/io.containerd.grpc.v1.cri/containers/*",
    "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/*",
    "/var/lib/docker/containers/*",
    "/var/lib/docker/volumes/*",
    "/var/lib/docker/overlay2/*",
    "/var/lib/containers/storage/overlay/*",
    "/var/lib/containers/storage/volumes/*",
    "/var/lib/containers/storage/overlay-containers/*/userdata",
    "/run/containers/storage/overlay-containers/*/userdata",
    NULL,
};
static const char *const default_deny_writable[] = {
    "/sys", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt/cni", NULL,
};
static const char *const default_root_deny[] = {
    "/bin",    "/boot", "/dev",	 "/etc",  "/lib", "/lib32", "/lib64",
    "/libx32", "/proc", "/root", "/sbin", "/sys", "/usr",   NULL,
};

enum list_kind {
	LIST_DENY,
	LIST_EXACT,
	LIST_WRITABLE,
	LIST_ROOT,
};

static const struct {
	const char *key;
	const char *const *def;
	enum list_kind kind;
} lists[] = {
    {"deny", default_deny, LIST_DENY},
    {"denyExact", default_deny_exact, LIST_EXACT},
    {"denyWritable", default_deny_writable, LIST_WRITABLE},
    {"rootDeny", default_root_deny, LIST_ROOT},
};

struct rg_hostpath_entry {
	const char *entry; /* as configured, for messages */
	const char *norm; /* entry, or owned: the defaults are written normalised */
	char *owned;
	enum list_kind kind;
};

void rg_hostpaths_build(const struct rg_json *settings, struct rg_hostpaths *ret)
{
	size_t cap = 0;
	*ret = (struct rg_hostpaths){0};
	for (size_t l = 0; l < RG_ARRAY_SIZE(lists); l++) {
		const struct rg_json *list = rg_json_get(settings, lists[l].key);
		bool is_given = rg_json_is(list, RG_JSON_ARRAY);
		for (size_t i = 0; is_given ? i < list->n : lists[l].def[i] != NULL; i++) {
			const char *entry =
			    is_given ? rg_json_str(list->u.items[i]) : lists[l].def[i];
			if (!entry || entry[0] != '/')
				continue;
			/* A hundred paths on every create: copied only when not normal already. */
			char *owned = rg_path_is_normal(entry) ? NULL : rg_path_normalize(entry);
			if (ret->n == cap) {
				cap = cap ? 2 * cap : 64;
				ret->v = rg_xrealloc(ret->v, cap * sizeof(*ret->v));
			}
			ret->v[ret->n++] = (struct rg_hostpath_entry){entry, owned ? owned : entry,
								      owned, lists[l].kind};
		}
	}
}

void rg_hostpaths_free(struct rg_hostpaths *hp)
{
	for (size_t i = 0; i < hp->n; i++)
		free(hp->v[i].owned);
	free(hp->v);
	*hp = (struct rg_hostpaths){0};
}

static bool applies(enum list_kind kind, enum rg_hostpath_use use, bool is_writable)
{
	switch (kind) {
	case LIST_WRITABLE:
		return is_writable || use == RG_HOSTPATH_ROOT;
	case LIST_ROOT:
		return use == RG_HOSTPATH_ROOT;
	case LIST_DENY:
	case LIST_EXACT:
	default:
		return true;
	}
}

/*
 * The first entry that `path` (normalised) matches or lies under (but
 * under a denyExact entry), or with `is_above` the first entry that lies
 * under `path`: a directory above a protected path exposes it. NULL: none.
 */
/*
 * rg_path_relate for two normalised absolute paths (rg_path_normalize: one
 * slash between components, none at the end but in "/"), in one pass over
 * their bytes: every mount of a pod is related to every protected host
 * path, some hundred of them.
 */
static enum rg_path_relation relate_normalized(const char *p, const char *q)
{
	if (p[0] != '/' || q[0] != '/')
		return rg_path_relate(p, q);
	for (;;) {
		while (*p && *p == *q)
			p++, q++;
		/* Both have gone past their first byte, the slash: p[-1] and q[-1] exist. */
		if (!*p && !*q)
			return RG_PATH_EQUAL;
		if (!*q)
			return *p == '/' || q[-1] == '/' ? RG_PATH_BELOW : RG_PATH_APART;
		if (!*p)
			return *q == '/' || p[-1] == '/' ? RG_PATH_ABOVE : RG_PATH_APART;
		/* A "*" component of the pattern matches any one component. */
		if (p[-1] == '/' && q[-1] == '/' && q[0] == '*' && (q[1] == '/' || !q[1])) {
			q++;
			while (*p && *p != '/')
				p++;
			continue;
		}
		return RG_PATH_APART;
	}
}

static const char *find_hit(const struct rg_hostpaths *hp, const char *path,
			    enum rg_hostpath_use use, bool is_writable, bool is_above)
{
	for (size_t i = 0; i < hp->n; i++) {
		const struct rg_hostpath_entry *e = &hp->v[i];
		if (!applies(e->kind, use, is_writable))
			continue;
		enum rg_path_relation rel = relate_normalized(path, e->norm);
		if (is_above
			? rel == RG_PATH_ABOVE
			: rel == RG_PATH_EQUAL || (rel == RG_PATH_BELOW && e->kind != LIST_EXACT))
			return e->entry;
	}
	return NULL;
}

static const char *hit_of(const struct rg_hostpaths *hp, const char *path, enum rg_hostpath_use use,
			  bool is_writable)
{
	const char *hit = find_hit(hp, path, use, is_writable, false);
	return hit ? hit : find_hit(hp, path, use, is_writable, true);
}

static const char *use_name(enum rg_hostpath_use use)
{
	switch (use) {
	case RG_HOSTPATH_BIND:
		return "bind mount";
	case RG_HOSTPATH_ROOT:
		return "root file system";
	case RG_HOSTPATH_DEVICE:
	default:
		return "mount";
	}
}

/* The symlink-resolved form of path, when the adapter gives one that differs. */
static char *resolved(const struct rg_rule_ctx *ctx, const char *path, const char *lexical)
{
	char *real = NULL;
	if (!ctx->host || !ctx->host->resolve_path || ctx->host->resolve_path(path, &real) < 0)
		return NULL;
	if (rg_streq(real, lexical)) {
		free(real);
		return NULL;
	}
	return real;
}

char *rg_hostpaths_judge(const struct rg_hostpaths *hp, const struct rg_rule_ctx *ctx,
			 enum rg_hostpath_use use, const char *src, bool is_writable)
{
	const char *what = use_name(use);
	bool is_relative = src && src[0] != '/';
	_cleanup_free_ char *lexical = rg_path_resolve_in(ctx->bundle, src);

	if (!src || !*src)
		return rg_xasprintf("%s of a relative source '' cannot be checked", what);
	if (!lexical)
		return rg_xasprintf("%s of a relative source '%s' cannot be checked "
				    "(the bundle directory is not known)",
				    what, src);
	/* A relative path is named as written and as runc will use it. */
	_cleanup_free_ char *shown =
	    is_relative ? rg_xasprintf("%s (%s in the bundle)", lexical, src) : rg_xstrdup(src);
	const char *hit = hit_of(hp, lexical, use, is_writable);
	if (hit)
		return rg_xasprintf("%s of host path %s (denied: %s)", what, shown, hit);
	/* The path runc hands to the kernel: as written when absolute (the kernel
	 * follows a symlink before a ".."), joined to the bundle when relative. */
	_cleanup_free_ char *given =
	    is_relative ? rg_xasprintf("%s/%s", ctx->bundle, src) : rg_xstrdup(src);
	const char *candidates[] = {given, lexical};
	for (size_t i = 0; i < RG_ARRAY_SIZE(candidates); i++) {
		_cleanup_free_ char *real = resolved(ctx, candidates[i], lexical);
		_cleanup_free_ char *norm = real ? rg_path_normalize(real) : NULL;
		hit = norm ? hit_of(hp, norm, use, is_writable) : NULL;
		if (hit)
			return rg_xasprintf("%s of host path %s, which resolves to %s (denied: %s)",
					    what, shown, norm, hit);
	}
	return NULL;
}

int rg_hostpaths_check(const struct rg_json *settings, const char *file, const char *path,
		       struct rg_error **err)
{
	int r = 0;
	for (size_t l = 0; r == 0 && l < RG_ARRAY_SIZE(lists); l++)
		r = rg_settings_abs_paths(settings, lists[l].key, file, path, err);
	return r;
}
