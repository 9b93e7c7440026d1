/* SPDX-License-Identifier: Apache-2.0 */
/* Adapter: host facts for the rules, read once from uname(2), sysconf(3), getrlimit(2) and
 * kernel.pid_max, and the namespace, path and process look-ups the namespaces, mounts and
 * hooks rules need (the rules do no I/O). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runguard/apparmor.h"
#include "runguard/host.h"
#include "runguard/util.h"

/* uname machine -> libseccomp arch name and Go's GOARCH (as seccomp profiles' "arches" use). */
static const struct {
	const char *machine;
	const char *arch;
	const char *go_arch;
} arch_table[] = {
    {"x86_64", "SCMP_ARCH_X86_64", "amd64"},
    {"i386", "SCMP_ARCH_X86", "386"},
    {"i686", "SCMP_ARCH_X86", "386"},
    {"aarch64", "SCMP_ARCH_AARCH64", "arm64"},
    {"armv7l", "SCMP_ARCH_ARM", "arm"},
    {"armv6l", "SCMP_ARCH_ARM", "arm"},
    {"ppc64le", "SCMP_ARCH_PPC64LE", "ppc64le"},
    {"ppc64", "SCMP_ARCH_PPC64", "ppc64"},
    {"s390x", "SCMP_ARCH_S390X", "s390x"},
    {"riscv64", "SCMP_ARCH_RISCV64", "riscv64"},
    {"mips64", "SCMP_ARCH_MIPS64", "mips64"},
    {"loongarch64", "SCMP_ARCH_LOONGARCH64", "loong64"},
};

const char *rg_host_seccomp_arch(const char *machine)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(arch_table); i++)
		if (rg_streq(machine, arch_table[i].machine))
			return arch_table[i].arch;
	return NULL;
}

static const char *go_arch_of(const char *machine)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(arch_table); i++)
		if (rg_streq(machine, arch_table[i].machine))
			return arch_table[i].go_arch;
	return NULL;
}

/* OCI namespace type -> name under /proc/<pid>/ns/, or NULL. */
static const char *ns_proc_name(const char *type)
{
	static const char *const same[] = {"pid", "ipc", "uts", "user", "cgroup", "time"};

	if (rg_streq(type, "network"))
		return "net";
	if (rg_streq(type, "mount"))
		return "mnt";
	for (size_t i = 0; i < RG_ARRAY_SIZE(same); i++)
		if (rg_streq(type, same[i]))
			return same[i];
	return NULL;
}

/* OCI namespace type -> CLONE_NEW* flag, as NS_GET_NSTYPE reports it. */
static int ns_clone_flag(const char *type)
{
	static const struct {
		const char *type;
		int flag;
	} flags[] = {
	    {"pid", CLONE_NEWPID},	 {"network", CLONE_NEWNET},
	    {"mount", CLONE_NEWNS},	 {"ipc", CLONE_NEWIPC},
	    {"uts", CLONE_NEWUTS},	 {"user", CLONE_NEWUSER},
	    {"cgroup", CLONE_NEWCGROUP}, {"time", 0x80 /* CLONE_NEWTIME */},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(flags); i++)
		if (rg_streq(type, flags[i].type))
			return flags[i].flag;
	return 0;
}

/*
 * Whether the open file fd is a namespace file (nsfs) of CLONE_NEW* `flag`:
 * 0 yes, -EMEDIUMTYPE no, another negative errno when it cannot be told.
 * runc hands the path to setns(2) with the type's flag, which fails for
 * anything else; a file that is not of that type is refused before runc
 * gets to it, rather than judged as if it were.
 */
static int ns_fd_has_type(int fd, int flag)
{
	struct statfs sfs;
	struct stat st;
	char self[64];

	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || sfs.f_type != NSFS_MAGIC)
		return -EMEDIUMTYPE;
	/* NS_GET_NSTYPE needs a readable fd; an nsfs file opens without side effects. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	_cleanup_close_ int rfd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (rfd < 0)
		return -errno;
	int t = ioctl(rfd, NS_GET_NSTYPE);
	if (t < 0)
		return -errno;
	return t == flag ? 0 : -EMEDIUMTYPE;
}

/*
 * A namespace is identified by the device and inode of its nsfs file, which
 * stat(2) reaches through /proc/<pid>/ns/<name> (a magic link), through
 * /proc/self and /proc/thread-self, through symlinks and through bind mounts
 * of it alike (/run/netns/x). "The host" is PID 1's namespace and runguard's
 * own: an engine normally runs in the host's, joining the engine's namespace
 * is no more private than joining PID 1's, and /proc/self opened by runc
 * names runc's own, which are runguard's. The path is resolved by the
 * kernel exactly as runc's open(2) will resolve it (same mount namespace,
 * absolute path: the rule refuses relative ones).
 */
int rg_host_ns_is_host(const char *type, const char *path)
{
	const char *proc = ns_proc_name(type);
	struct stat st, host;

	if (!proc)
		return -EINVAL;
	if (path[0] != '/')
		return -EINVAL;
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = ns_fd_has_type(fd, ns_clone_flag(type));
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return -errno;
	static const char *const pids[] = {"1", "self"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(pids); i++) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/%s/ns/%s", pids[i], proc);
		/*
		 * Where PID 1's namespaces cannot be looked at (a sandbox that
		 * denies ptrace access to it), runc cannot open them either;
		 * every process of the host's namespaces runguard can see shares
		 * runguard's own, which are compared next.
		 */
		if (stat(p, &host) == 0 && host.st_dev == st.st_dev && host.st_ino == st.st_ino)
			return 1;
	}
	return 0;
}

/* Splits an absolute path at its last '/': the directory's realpath and the last name. */
static int split_real(const char *path, char **ret_dir, const char **ret_base)
{
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir =
	    slash == path ? rg_xstrdup("/") : rg_xstrndup(path, (size_t)(slash - path));
	char *real = realpath(dir, NULL);
	if (!real)
		return -errno;
	*ret_dir = real;
	*ret_base = slash + 1;
	return 0;
}

int rg_host_ns_resolve(const char *path, char **ret)
{
	_cleanup_free_ char *cur = rg_xstrdup(path);

	if (path[0] != '/')
		return -EINVAL;
	for (int hops = 0; hops < 40; hops++) {
		_cleanup_free_ char *dir = NULL;
		const char *base = NULL;
		int r = split_real(cur, &dir, &base);
		if (r < 0)
			return r;
		/* "", "." and "..": no link to keep; the whole path resolves as any other. */
		if (!*base || rg_streq(base, ".") || rg_streq(base, ".."))
			return rg_host_resolve_path(cur, ret);
		_cleanup_free_ char *full =
		    rg_xasprintf("%s/%s", rg_streq(dir, "/") ? "" : dir, base);
		char target[PATH_MAX];
		ssize_t n = readlink(full, target, sizeof(target) - 1);
		if (n < 0 && errno != EINVAL)
			return -errno;
		if (n >= 0)
			target[n] = '\0';
		/* Not a link, or a magic one ("net:[4026531992]"): this is the file runc opens. */
		if (n < 0 || (target[0] != '/' && strstr(target, ":["))) {
			*ret = steal_ptr(&full);
			return 0;
		}
		free(cur);
		cur = target[0] == '/'
			  ? rg_xstrdup(target)
			  : rg_xasprintf("%s/%s", rg_streq(dir, "/") ? "" : dir, target);
	}
	return -ELOOP;
}

/* Reads a small /proc file relative to dfd into *ret (malloc'd). */
static int read_at(int dfd, const char *name, char **ret)
{
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char buf[16384];
	size_t len = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf) - 1)
			return -EFBIG;
	}
	*ret = rg_xstrndup(buf, len);
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int rg_host_userns_maps(const char *path, char **ret_uid, char **ret_gid)
{
	int pid = 0, end = 0;
	char dir[32];
	struct stat want, got;

	if (sscanf(path, "/proc/%d/ns/user%n", &pid, &end) != 1 || pid <= 0 ||
	    (size_t)end != strlen(path))
		return -ENOTSUP;
	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	if (stat(path, &want) < 0)
		return -errno;
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return -errno;
	_cleanup_free_ char *uid = NULL, *gid = NULL;
	int r = read_at(dfd, "uid_map", &uid);
	if (r == 0)
		r = read_at(dfd, "gid_map", &gid);
	if (r < 0)
		return r;
	/* The maps read are those of the namespace judged: same process, still in it. */
	if (fstatat(dfd, "ns/user", &got, 0) < 0)
		return -errno;
	if (!same_file(&want, &got))
		return -ESTALE;
	*ret_uid = steal_ptr(&uid);
	*ret_gid = steal_ptr(&gid);
	return 0;
}

int rg_host_resolve_path(const char *path, char **ret)
{
	char *r = realpath(path, NULL);
	if (!r)
		return -errno;
	*ret = r;
	return 0;
}

int rg_host_process_exe(int pid, char **ret)
{
	char dir[32], target[PATH_MAX];
	struct stat image, named;

	if (pid <= 0)
		return -ESRCH;
	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	/* Everything below goes through this fd: once the process is gone, a
	 * new process with the same pid does not answer for it. */
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	ssize_t n = readlinkat(dfd, "exe", target, sizeof(target));
	if (n < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	if (fstatat(dfd, "exe", &image, 0) < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	/* "/usr/sbin/dockerd (deleted)", or a path only another mount
	 * namespace has (a container's own /usr/sbin/dockerd), names some
	 * other file here or none. */
	if (target[0] != '/' || stat(target, &named) < 0 || named.st_dev != image.st_dev ||
	    named.st_ino != image.st_ino)
		return -ESTALE;
	if (!S_ISREG(image.st_mode) || image.st_uid != 0 || (image.st_mode & (S_IWGRP | S_IWOTH)))
		return -EPERM;
	*ret = rg_xstrdup(target);
	return 0;
}

/* kernel.pid_max, or 0 when it cannot be read. */
static long long read_pid_max(void)
{
	_cleanup_close_ int fd = open("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char buf[32];
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *end = NULL;
	long long v = strtoll(buf, &end, 10);
	return end != buf && v > 0 ? v : 0;
}

/*
 * The totals the resources rule resolves percentages against and the hard
 * limits the real runtime will inherit from this process (it is exec'd
 * with the same limits).
 */
static void detect_resources(struct rg_host *ret)
{
	long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (pages > 0 && page_size > 0)
		ret->memory_bytes = (unsigned long long)pages * (unsigned long long)page_size;
	if (cpus > 0)
		ret->cpus = (unsigned)cpus;
	ret->pid_max = read_pid_max();
	ret->has_rlimits = true;
	for (int i = 0; i < RG_HOST_NRLIMITS; i++) {
		struct rlimit rl;
		/* A limit this kernel does not know cannot be raised by anyone. */
		if (i >= RLIM_NLIMITS || getrlimit(i, &rl) < 0) {
			ret->rlimit_hard[i] = RG_HOST_RLIM_INFINITY;
			continue;
		}
		ret->rlimit_hard[i] = rl.rlim_max == RLIM_INFINITY
					  ? RG_HOST_RLIM_INFINITY
					  : (unsigned long long)rl.rlim_max;
	}
}

void rg_host_detect(struct rg_host *ret)
{
	struct utsname u;

	memset(ret, 0, sizeof(*ret));
	ret->selinux_enabled = -1;
	ret->ns_is_host = rg_host_ns_is_host;
	ret->ns_resolve = rg_host_ns_resolve;
	ret->userns_maps = rg_host_userns_maps;
	ret->resolve_path = rg_host_resolve_path;
	ret->process_exe = rg_host_process_exe;
	detect_resources(ret);
	rg_host_detect_apparmor(ret);
	if (uname(&u) < 0)
		return;
	ret->seccomp_arch = rg_host_seccomp_arch(u.machine);
	ret->go_arch = go_arch_of(u.machine);
	if (sscanf(u.release, "%d.%d", &ret->kernel_major, &ret->kernel_minor) != 2)
		ret->kernel_major = ret->kernel_minor = 0;
}
