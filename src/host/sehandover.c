/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files runguard hands the real runtime by fd under SELinux: the sealed
 * memfds of `exec -p FILE` and `update -r FILE`, and the memfds `state`
 * writes into when exec and update look the container up.
 *
 * A memfd is labelled by the domain that made it (refpolicy: tmpfs_t for
 * init_t, initrc_t, unconfined_t). When exec'ing the runtime moves it into
 * another domain (runc and crun are container_engine_exec_t, which takes an
 * init-started process to container_engine_t), the kernel checks every
 * inherited fd against the new domain and closes those it may not use; the
 * policy lets an engine domain read and write the tmpfs files it made itself
 * (container_engine_tmpfs_t), not another domain's. So runguard gives such a
 * memfd the label the runtime's domain would give a file it made on that file
 * system: the policy's own answer (security_compute_create), no type names
 * written here. With no domain change (runguard labelled like the runtime, or
 * started by an engine already in the runtime's domain) nothing is done.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <selinux/selinux.h>

#include "runguard/selinux.h"
#include "runguard/util.h"

static void freecon_p(char **p)
{
	if (*p)
		freecon(*p);
}
#define _cleanup_con_ __attribute__((cleanup(freecon_p)))

/* The type field of a context, "user:role:TYPE:level" (into buf, at most n - 1 bytes). */
static const char *con_type(const char *con, char *buf, size_t n)
{
	const char *t = strchr(con, ':');
	t = t ? strchr(t + 1, ':') : NULL;
	size_t len = t ? strcspn(t + 1, ":") : 0;
	snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), t ? t + 1 : "");
	return buf;
}

/*
 * The refusal: what could not be done, and the fix that needs no relabelling,
 * naming runguard's executable and the runtime's file type.
 */
static int refuse(const char *self, const char *runtime, const char *exe, const char *dom,
		  const char *have, const char *want, int e, struct rg_error **err)
{
	char me[4096], type[256];
	ssize_t n = readlink("/proc/self/exe", me, sizeof(me) - 1);
	me[n > 0 ? n : 0] = '\0';
	con_type(exe, type, sizeof(type));
	return rg_error_set(
	    err, e,
	    "SELinux: runguard runs as %s and %s as %s, which may not use the files runguard "
	    "hands it (%s); relabelling them %s: %s. Label runguard like the runtime so that "
	    "both run in one domain: semanage fcontext -a -t %s '%s' && restorecon '%s' "
	    "(README: SELinux)",
	    self, runtime, dom, have, want, strerror(e), type, *me ? me : "RUNGUARD",
	    *me ? me : "RUNGUARD");
}

int rg_selinux_label_handover(int fd, const char *runtime, char **ret_how, struct rg_error **err)
{
	_cleanup_con_ char *self = NULL, *exe = NULL, *dom = NULL, *have = NULL, *want = NULL;

	if (ret_how)
		*ret_how = NULL;
	if (!runtime || is_selinux_enabled() != 1)
		return 0;
	if (getcon_raw(&self) < 0)
		return rg_error_set(err, errno, "SELinux: getcon: %s", strerror(errno));
	if (getfilecon_raw(runtime, &exe) < 0)
		return rg_error_set(err, errno, "SELinux: the label of %s: %s", runtime,
				    strerror(errno));
	if (security_compute_create_raw(self, exe, string_to_security_class("process"), &dom) < 0)
		return rg_error_set(err, errno, "SELinux: the domain %s (%s) runs in: %s", runtime,
				    exe, strerror(errno));
	if (rg_streq(self, dom))
		return 0;
	if (fgetfilecon_raw(fd, &have) < 0)
		return rg_error_set(err, errno, "SELinux: the label of a memfd: %s",
				    strerror(errno));
	if (security_compute_create_raw(dom, have, string_to_security_class("file"), &want) < 0)
		return rg_error_set(err, errno, "SELinux: the label %s gives its files on %s: %s",
				    dom, have, strerror(errno));
	if (!rg_streq(have, want) && fsetfilecon_raw(fd, want) < 0)
		return refuse(self, runtime, exe, dom, have, want, errno, err);
	if (ret_how)
		*ret_how = rg_xasprintf("runguard runs as %s, %s as %s: the files runguard hands "
					"it are labelled %s",
					self, runtime, dom, want);
	return 0;
}

int rg_selinux_exe_labels(const char *runtime, char **ret_self, char **ret_runtime)
{
	_cleanup_con_ char *self = NULL, *rt = NULL;
	if (is_selinux_enabled() != 1 || getfilecon_raw("/proc/self/exe", &self) < 0 ||
	    getfilecon_raw(runtime, &rt) < 0)
		return -1;
	*ret_self = rg_xstrdup(self);
	*ret_runtime = rg_xstrdup(rt);
	return 0;
}
