/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_HOST_H
#define RUNGUARD_HOST_H

#include <stdbool.h>

struct rg_selinux_facts;

/* Resource limits captured from runguard's own process (Linux has 16: RLIM_NLIMITS). */
#define RG_HOST_NRLIMITS 16
/* RLIM_INFINITY as rg_host stores it, and as OCI writes it (uint64 max). */
#define RG_HOST_RLIM_INFINITY 18446744073709551615ULL

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
	/*
	 * Whether the namespace file `path` is the host's own namespace of OCI
	 * type `type` ("pid", "network", ...): 1 yes, 0 no, a negative errno
	 * when it cannot be told. NULL: the namespaces rule cannot tell either
	 * and refuses every namespace joined by path (fail closed).
	 */
	int (*ns_is_host)(const char *type, const char *path);
	/*
	 * The path a namespace path names with no symlink left in it but a
	 * final magic link (/proc/<pid>/ns/<name>): *ret malloc'd. 0 or a
	 * negative errno. The namespaces rule judges and writes back that
	 * path, so a symlink swapped after the check cannot send runc
	 * elsewhere. NULL: paths are judged and kept as written.
	 */
	int (*ns_resolve)(const char *path, char **ret);
	/*
	 * The uid_map and gid_map (the kernel's text, host ids) of the user
	 * namespace that `path` names, for the user rule: given only for
	 * /proc/<pid>/ns/user while that process is still in it. *ret_uid and
	 * *ret_gid malloc'd. 0; -ENOTSUP for any other path; another negative
	 * errno. NULL: a user namespace joined by path is refused.
	 */
	int (*userns_maps)(const char *path, char **ret_uid, char **ret_gid);
	/*
	 * Resolves symlinks in an absolute host path (realpath), for the mounts
	 * rule's deny list; *ret is malloc'd. 0 or a negative errno. NULL: the
	 * rule compares the lexically normalised path only.
	 */
	int (*resolve_path)(const char *path, char **ret);
	/*
	 * The program process `pid` runs, for the hooks rule's engine hooks (a
	 * hook whose path is /proc/<pid>/exe runs that very file): the target
	 * of /proc/<pid>/exe into *ret (malloc'd), given only when that path,
	 * looked up on the host, is the same file as the process's image and
	 * the file is a regular file owned by root and writable by no one
	 * else. 0; -ESRCH: no such process; -ESTALE: the path does not name the
	 * image on the host (deleted or replaced since, or a file of another
	 * mount namespace that merely has that name); -EPERM: not root's own;
	 * another negative errno. NULL: cannot be told, and the hooks rule
	 * recognises no engine hook (fail closed).
	 */
	int (*process_exe)(int pid, char **ret);
	/*
	 * Totals the resources rule resolves percentages against. 0 means
	 * unknown (an injected test host that does not set them): settings
	 * given as a percentage are then not applied, absolute ones still are.
	 */
	unsigned long long memory_bytes; /* physical memory */
	unsigned cpus; /* online CPUs */
	long long pid_max; /* kernel.pid_max */
	/*
	 * runguard's own hard limits, indexed by RLIMIT_* number: the real
	 * runtime is exec'd with exactly these, and without CAP_SYS_RESOURCE it
	 * cannot raise a container's limit above them. Infinity is
	 * RG_HOST_RLIM_INFINITY. has_rlimits false: unknown, the rlimits rule
	 * does nothing.
	 */
	bool has_rlimits;
	unsigned long long rlimit_hard[RG_HOST_NRLIMITS];
	/*
	 * SELinux contexts and the MCS allocator for the selinux rule
	 * (include/runguard/selinux.h); used only when selinux_enabled is 1.
	 * NULL: none, the rule treats SELinux as off.
	 */
	const struct rg_selinux_facts *selinux;
	/*
	 * AppArmor, for the apparmor rule (include/runguard/apparmor.h): 1 when
	 * the LSM is enabled, 0 when not or unknown (an injected test host
	 * that does not set it: the rule then changes nothing).
	 */
	int apparmor_enabled;
	/*
	 * Whether AppArmor profile `name` is loaded: 1 yes, 0 no, a negative
	 * errno when that cannot be told. NULL: cannot be told (the rule
	 * refuses rather than leave a container unconfined).
	 */
	int (*apparmor_is_loaded)(const char *name);
};

/*
 * Fills *ret from uname(2), with ns_is_host = rg_host_ns_is_host,
 * ns_resolve = rg_host_ns_resolve, userns_maps = rg_host_userns_maps,
 * resolve_path = rg_host_resolve_path and process_exe =
 * rg_host_process_exe; memory and CPUs from sysconf(3),
 * pid_max from /proc/sys/kernel/pid_max, hard limits from getrlimit(2). A
 * fact that cannot be read is left unknown (0 / false).
 */
void rg_host_detect(struct rg_host *ret);

/*
 * Compares device and inode of `path` with /proc/1/ns/<ns> and
 * /proc/self/ns/<ns> (the host as PID 1 and as runguard itself see it).
 * -EINVAL for an unknown type, -errno when path cannot be stat'ed.
 */
int rg_host_ns_is_host(const char *type, const char *path);

/*
 * The rg_host.ns_resolve adapter: realpath(3) of the directory, then the
 * last component followed while it is an ordinary symlink (a magic link,
 * whose target reads "net:[4026531992]", is kept). 0 or -errno.
 */
int rg_host_ns_resolve(const char *path, char **ret);

/* The rg_host.userns_maps adapter, through one directory fd of /proc/<pid>. */
int rg_host_userns_maps(const char *path, char **ret_uid, char **ret_gid);

/* realpath(3) of path into *ret (caller frees); 0 or -errno. */
int rg_host_resolve_path(const char *path, char **ret);

/*
 * The rg_host.process_exe adapter: reads /proc/<pid>/exe and stats it and
 * the path it names through one directory fd of /proc/<pid>, so that a pid
 * reused meanwhile fails (-ESRCH) instead of answering for another process.
 */
int rg_host_process_exe(int pid, char **ret);

/* SCMP_ARCH_* name for a uname machine string, or NULL. */
const char *rg_host_seccomp_arch(const char *machine);

#endif
