/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The libraries runguard calls at run time (yajl, libseccomp, libselinux),
 * loaded on the paths that use them rather than by the dynamic loader at
 * every start (libcap's names are taken at build time: src/rules/capabilities.c). A passthrough
 * call (state, kill, delete, start: several per container for containerd's shim) needs none of
 * them, and binding them at start was three quarters of its cost: libselinux alone brings in
 * libpcre2 and runs a constructor that probes for selinuxfs.
 *
 * The functions runguard calls are defined here with the libraries' own
 * prototypes (from their headers, so a mismatch does not compile), and
 * each forwards to the library's symbol, looked up once. runguard is not
 * linked against the libraries, so nothing here interposes on them: dlsym
 * with the library's handle finds the library's own definition.
 *
 * main() loads what a command needs with rg_libs_load() first, so that a
 * missing library is an error message, not a crash. A function called
 * without that (unit tests, fuzzers) loads its library itself and aborts,
 * naming it, if it cannot: the same outcome as the dynamic loader's refusal
 * to start a program whose library is missing.
 *
 * The Debian package declares the dependencies itself (contrib/debian/control):
 * dpkg-shlibdeps cannot see libraries that are opened this way.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>
#include <selinux/selinux.h>
#include <yajl/yajl_parse.h>

#include "runguard/fileio.h"
#include "runguard/libs.h"
#include "runguard/util.h"

static struct {
	const char *soname;
	const char *package; /* Debian's, for the error message */
	void *handle;
} libs[] = {
    [RG_LIB_YAJL] = {"libyajl.so.2", "libyajl2", NULL},
    [RG_LIB_SECCOMP] = {"libseccomp.so.2", "libseccomp2", NULL},
    [RG_LIB_SELINUX] = {"libselinux.so.1", "libselinux1", NULL},
};

static int load_one(enum rg_lib l, struct rg_error **err)
{
	if (libs[l].handle)
		return 0;
	/* RTLD_NOW: full binding up front, as -z now gives the linked program. */
	libs[l].handle = dlopen(libs[l].soname, RTLD_NOW | RTLD_LOCAL);
	if (!libs[l].handle)
		return rg_error_set(err, ENOENT, "cannot load %s (Debian package %s): %s",
				    libs[l].soname, libs[l].package, dlerror());
	return 0;
}

/*
 * Whether the kernel runs SELinux at all: selinuxfs is registered only when
 * SELinux was enabled at boot, so without it in /proc/filesystems
 * is_selinux_enabled() is 0 whatever libselinux would say. libselinux (with
 * libpcre2 and its constructor) is most of a create's loading cost; on
 * hosts without SELinux it is not loaded. Unreadable: assume it may run.
 */
static bool kernel_has_selinux(void)
{
	static int known = -1;
	if (known >= 0)
		return known;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct rg_error *e = NULL;
	if (rg_file_read("/proc/filesystems", 64 * 1024, &text, &len, &e) < 0) {
		rg_error_free(e);
		return (known = 1);
	}
	known = strstr(text, "\tselinuxfs\n") != NULL;
	return known;
}

int rg_libs_load(unsigned mask, struct rg_error **err)
{
	for (size_t l = 0; l < RG_ARRAY_SIZE(libs); l++) {
		if (!(mask & (1u << l)))
			continue;
		if (l == RG_LIB_SELINUX && !kernel_has_selinux())
			continue;
		int r = load_one((enum rg_lib)l, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The library's definition of name; aborts when it cannot be had (see above). */
static void *sym(enum rg_lib l, const char *name)
{
	struct rg_error *e = NULL;
	if (load_one(l, &e) < 0) {
		fprintf(stderr, "runguard: %s\n", e->msg);
		abort();
	}
	void *p = dlsym(libs[l].handle, name);
	if (!p) {
		fprintf(stderr, "runguard: %s has no symbol %s: %s\n", libs[l].soname, name,
			dlerror());
		abort();
	}
	return p;
}

void *rg_libs_sym(enum rg_lib l, const char *name)
{
	return sym(l, name);
}

/* Defines `ret name params` forwarding `args` to the library's name. */
#define FORWARD(lib, ret, name, params, args)                                                      \
	ret name params                                                                            \
	{                                                                                          \
		static ret(*fn) params;                                                            \
		if (!fn)                                                                           \
			fn = (ret(*) params)sym(lib, #name);                                       \
		return fn args;                                                                    \
	}

/* ---- yajl (src/lib/json.c) ---- */

FORWARD(RG_LIB_YAJL, yajl_handle, yajl_alloc,
	(const yajl_callbacks *callbacks, yajl_alloc_funcs *afs, void *ctx), (callbacks, afs, ctx))
FORWARD(RG_LIB_YAJL, void, yajl_free, (yajl_handle h), (h))
FORWARD(RG_LIB_YAJL, yajl_status, yajl_parse,
	(yajl_handle h, const unsigned char *text, size_t len), (h, text, len))
FORWARD(RG_LIB_YAJL, yajl_status, yajl_complete_parse, (yajl_handle h), (h))
FORWARD(RG_LIB_YAJL, unsigned char *, yajl_get_error,
	(yajl_handle h, int verbose, const unsigned char *text, size_t len),
	(h, verbose, text, len))
FORWARD(RG_LIB_YAJL, size_t, yajl_get_bytes_consumed, (yajl_handle h), (h))
FORWARD(RG_LIB_YAJL, void, yajl_free_error, (yajl_handle h, unsigned char *s), (h, s))

/* Every yajl option takes one int (yajl_parse.h), so one is forwarded. */
int yajl_config(yajl_handle h, yajl_option opt, ...)
{
	static int (*fn)(yajl_handle, yajl_option, ...);
	va_list ap;
	va_start(ap, opt);
	int value = va_arg(ap, int);
	va_end(ap);
	if (!fn)
		fn = (int (*)(yajl_handle, yajl_option, ...))sym(RG_LIB_YAJL, "yajl_config");
	return fn(h, opt, value);
}

/* ---- libseccomp (src/rules/seccomp.c, src/rules/seccomp_deny.c, src/engine/config.c) ---- */

FORWARD(RG_LIB_SECCOMP, int, seccomp_syscall_resolve_name, (const char *name), (name))

/* ---- libselinux (src/host/selinux.c, src/doctor/doctor.c) ---- */

int is_selinux_enabled(void)
{
	static int (*fn)(void);
	if (!fn && !kernel_has_selinux())
		return 0;
	if (!fn)
		fn = (int (*)(void))sym(RG_LIB_SELINUX, "is_selinux_enabled");
	return fn();
}
FORWARD(RG_LIB_SELINUX, int, security_getenforce, (void), ())
FORWARD(RG_LIB_SELINUX, const char *, selinux_lxc_contexts_path, (void), ())
FORWARD(RG_LIB_SELINUX, int, security_check_context, (const char *context), (context))
/* src/host/sehandover.c: the label of the files handed to the runtime. */
FORWARD(RG_LIB_SELINUX, int, getcon_raw, (char **con), (con))
FORWARD(RG_LIB_SELINUX, int, getfilecon_raw, (const char *path, char **con), (path, con))
FORWARD(RG_LIB_SELINUX, int, fgetfilecon_raw, (int fd, char **con), (fd, con))
FORWARD(RG_LIB_SELINUX, int, fsetfilecon_raw, (int fd, const char *con), (fd, con))
FORWARD(RG_LIB_SELINUX, int, security_compute_create_raw,
	(const char *scon, const char *tcon, security_class_t tclass, char **newcon),
	(scon, tcon, tclass, newcon))
FORWARD(RG_LIB_SELINUX, security_class_t, string_to_security_class, (const char *name), (name))
FORWARD(RG_LIB_SELINUX, void, freecon, (char *con), (con))
