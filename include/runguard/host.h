/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_HOST_H
#define RUNGUARD_HOST_H

/*
 * Facts about the host that rules need, gathered once by an adapter so that
 * the rules themselves stay free of I/O (and tests can inject their own).
 */
struct rg_host {
	const char *seccomp_arch; /* native arch as SCMP_ARCH_* name, e.g. "SCMP_ARCH_X86_64" */
	const char *go_arch; /* the same as Go names it, e.g. "amd64" */
	int kernel_major;
	int kernel_minor;
	int selinux_enabled; /* -1 unknown */
};

/* Fills *ret from uname(2). */
void rg_host_detect(struct rg_host *ret);

/* SCMP_ARCH_* name for a uname machine string, or NULL. */
const char *rg_host_seccomp_arch(const char *machine);

#endif
