/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the mounts rule's allowlist (issue #16): mount types and
 * where they may go, bind sources resolved against the bundle, the root
 * file system, and the protected host paths (runtime and engine state,
 * what root on the host runs). The bundle is /srv/bundle; the fake host's
 * symlinks are listed at fake_resolve in isolation_harness.h. The older
 * deny-list, hardening and error cases follow.
 */
#include "isolation_harness.h"

/* Bundle-relative resolution and pattern matching (src/lib/normpath.c). */
static void test_path_helpers(void **state)
{
	static const struct {
		const char *base, *path, *want;
	} joins[] = {
	    {"/b", "rootfs", "/b/rootfs"},
	    {"/b", "./rootfs/", "/b/rootfs"},
	    {"/b/c", "../../..", "/"},
	    {"/b", "/abs//x/../y", "/abs/y"},
	    {NULL, "rel", NULL},
	    {"rel", "rel", NULL},
	    {NULL, "/abs", "/abs"},
	    {"/b", NULL, NULL},
	    {"/b", "", "/b"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(joins); i++) {
		char *got = track_str(rg_path_resolve_in(joins[i].base, joins[i].path));
		bool is_same =
		    got && joins[i].want ? rg_streq(got, joins[i].want) : got == joins[i].want;
		if (!is_same)
			fail_msg("resolve_in(%s, %s) = %s, want %s", joins[i].base, joins[i].path,
				 got ? got : "NULL", joins[i].want ? joins[i].want : "NULL");
	}
	static const struct {
		const char *path, *pattern;
		enum rg_path_relation want;
	} rels[] = {
	    {"/", "/", RG_PATH_EQUAL},
	    {"/a", "/", RG_PATH_BELOW},
	    {"/", "/a", RG_PATH_ABOVE},
	    {"/a/b", "/a/*", RG_PATH_EQUAL},
	    {"/a/b/c", "/a/*", RG_PATH_BELOW},
	    {"/a", "/a/*", RG_PATH_ABOVE},
	    {"/a/b/userdata", "/a/*/userdata", RG_PATH_EQUAL},
	    {"/a/b/other", "/a/*/userdata", RG_PATH_APART},
	    {"/ab", "/a", RG_PATH_APART},
	    {"/a", "/ab", RG_PATH_APART},
	    {"/a/*", "/a/b", RG_PATH_APART},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(rels); i++)
		if (rg_path_relate(rels[i].path, rels[i].pattern) != rels[i].want)
			fail_msg("relate(%s, %s) = %d, want %d", rels[i].path, rels[i].pattern,
				 rg_path_relate(rels[i].path, rels[i].pattern), rels[i].want);
}

/* A spec with the default /proc and one more mount (JSON text). */
static struct rg_json *with_mount(const char *mount)
{
	return parse(track_str(rg_xasprintf("{\"mounts\":[{\"destination\":\"/proc\",\"type\":"
					    "\"proc\",\"source\":\"proc\"},%s]}",
					    mount)));
}

struct mount_case {
	const char *mount; /* JSON of one mount */
	const char *refused; /* text of the violation, or NULL: allowed */
};

/* Runs each case with reject (refused: one violation, spec unchanged) and fix (dropped). */
static void run_mount_cases(const struct mount_case *cases, size_t n, const struct rg_policy *p)
{
	for (size_t i = 0; i < n; i++) {
		struct rg_json *spec = with_mount(cases[i].mount);
		expect_ok(run(&rg_rule_mounts, p ? p : &reject, spec));
		if (cases[i].refused && report.n_violations != 1)
			fail_msg("%s: not refused", cases[i].mount);
		if (!cases[i].refused && report.n_violations != 0)
			fail_msg("%s: refused: %s", cases[i].mount, report.violations[0].msg);
		expect_violation(cases[i].refused ? ".mounts[1]" : NULL, cases[i].refused);
		assert_int_equal(at(spec, ".mounts")->n, 2);
		if (p)
			continue;
		spec = with_mount(cases[i].mount);
		expect_ok(run(&rg_rule_mounts, &fix, spec));
		expect_violation(NULL, NULL);
		assert_int_equal(at(spec, ".mounts")->n, cases[i].refused ? 1 : 2);
	}
}

#define MNT(type, dest, src, opts)                                                                 \
	"{\"destination\":\"" dest "\",\"type\":\"" type "\",\"source\":\"" src                    \
	"\",\"options\":[" opts "]}"

/* Only known file systems, each at its one place. */
static void test_mount_types(void **state)
{
	static const struct mount_case cases[] = {
	    /* Block devices, whatever the spelling of the source. */
	    {MNT("ext4", "/mnt/host", "../../../../../../../../dev/vda", ""),
	     "mount of type 'ext4' at /mnt/host: the type is not allowed (source "
	     "'../../../../../../../../dev/vda')"},
	    {MNT("ext4", "/mnt/host", "/dev/vda", "\"rw\""), "type 'ext4'"},
	    {MNT("xfs", "/mnt/host", "vda", ""), "type 'xfs'"},
	    {MNT("btrfs", "/mnt/host", "/dev/disk/by-label/root", ""), "type 'btrfs'"},
	    {MNT("vfat", "/boot/efi", "/dev/vda1", ""), "type 'vfat'"},
	    {MNT("auto", "/mnt", "/dev/vda", ""), "type 'auto'"},
	    /* Kernel interfaces: devtmpfs is the host's /dev. */
	    {MNT("devtmpfs", "/dev", "devtmpfs", ""), "type 'devtmpfs'"},
	    {MNT("devtmpfs", "/mnt/dev", "udev", "\"ro\""), "type 'devtmpfs'"},
	    {MNT("debugfs", "/sys/kernel/debug", "debugfs", ""), "type 'debugfs'"},
	    {MNT("tracefs", "/sys/kernel/tracing", "tracefs", ""), "type 'tracefs'"},
	    {MNT("securityfs", "/sys/kernel/security", "securityfs", ""), "type 'securityfs'"},
	    {MNT("configfs", "/sys/kernel/config", "configfs", ""), "type 'configfs'"},
	    {MNT("pstore", "/sys/fs/pstore", "pstore", ""), "type 'pstore'"},
	    {MNT("bpf", "/sys/fs/bpf", "bpf", ""), "type 'bpf'"},
	    {MNT("fusectl", "/sys/fs/fuse/connections", "fusectl", ""), "type 'fusectl'"},
	    {MNT("efivarfs", "/sys/firmware/efi/efivars", "efivarfs", ""), "type 'efivarfs'"},
	    {MNT("binfmt_misc", "/proc/sys/fs/binfmt_misc", "binfmt_misc", ""),
	     "type 'binfmt_misc'"},
	    {MNT("hugetlbfs", "/dev/hugepages", "hugetlbfs", ""), "type 'hugetlbfs'"},
	    {MNT("overlay", "/merged", "overlay", "\"lowerdir=/etc\""), "type 'overlay'"},
	    {MNT("nfs", "/mnt", "server:/export", ""), "type 'nfs'"},
	    {MNT("cifs", "/mnt", "//server/share", ""), "type 'cifs'"},
	    {MNT("9p", "/mnt", "host", ""), "type '9p'"},
	    {MNT("fuse.sshfs", "/mnt", "host:/", ""), "type 'fuse.sshfs'"},
	    {MNT("PROC", "/proc", "proc", ""), "type 'PROC'"},
	    {MNT("proc ", "/proc", "proc", ""), "type 'proc '"},
	    /* No type and no bind option. */
	    {MNT("", "/mnt", "/dev/vda", ""), "mount at /mnt has no type and no bind option"},
	    {"{\"destination\":\"/mnt\",\"source\":\"/dev/vda\"}", "has no type"},
	    {"{\"destination\":\"/mnt\",\"source\":\"/dev/vda\",\"options\":[\"rw\"]}",
	     "has no type"},
	    /* A second proc, sysfs ... elsewhere has none of the masked paths. */
	    {MNT("proc", "/mnt/proc", "proc", ""),
	     "mount of type 'proc' at /mnt/proc: proc is allowed only at /proc"},
	    {MNT("proc", "/proc/../mnt/proc", "proc", ""), "proc is allowed only at /proc"},
	    {MNT("proc", "mnt/proc", "proc", ""), "proc is allowed only at /proc"},
	    {MNT("proc", "/proc/sys", "proc", ""), "proc is allowed only at /proc"},
	    {MNT("proc", "/", "proc", ""), "proc is allowed only at /proc"},
	    {MNT("sysfs", "/mnt/sys", "sysfs", "\"ro\""), "sysfs is allowed only at /sys"},
	    {MNT("cgroup", "/mnt/cg", "cgroup", ""), "cgroup is allowed only at /sys/fs/cgroup"},
	    {MNT("cgroup2", "/sys/fs/cgroup/x", "cgroup", ""), "allowed only at /sys/fs/cgroup"},
	    {MNT("devpts", "/mnt/pts", "devpts", ""), "devpts is allowed only at /dev/pts"},
	    {MNT("mqueue", "/tmp/mq", "mqueue", ""), "mqueue is allowed only at /dev/mqueue"},
	    /* Each at its place, in any spelling of the destination. */
	    {MNT("proc", "/proc", "proc", ""), NULL},
	    {MNT("proc", "//proc", "proc", ""), NULL},
	    {MNT("proc", "proc", "proc", ""), NULL},
	    {MNT("proc", "/proc/", "proc", ""), NULL},
	    {MNT("proc", "/mnt/../proc", "/dev/vda", ""), NULL},
	    {MNT("sysfs", "/sys", "sysfs", "\"ro\""), NULL},
	    {MNT("cgroup", "/sys/fs/cgroup", "cgroup", "\"ro\""), NULL},
	    {MNT("cgroup2", "/sys/fs/cgroup/", "cgroup2", ""), NULL},
	    {MNT("devpts", "/dev/pts", "devpts", "\"newinstance\""), NULL},
	    {MNT("mqueue", "/dev/mqueue", "mqueue", ""), NULL},
	    /* tmpfs anywhere; its source names no host path. */
	    {MNT("tmpfs", "/dev", "tmpfs", "\"mode=755\""), NULL},
	    {MNT("tmpfs", "/anywhere/at/all", "/etc", ""), NULL},
	    {MNT("tmpfs", "relative", "", ""), NULL},
	    /* remount changes a mount already there (a read-only /sys made writable). */
	    {MNT("tmpfs", "/sys", "tmpfs", "\"remount\",\"rw\""),
	     "mount at /sys: option 'remount' is not allowed"},
	    {MNT("sysfs", "/sys", "sysfs", "\"remount\""), "option 'remount'"},
	    {MNT("bind", "/x", "/srv/data", "\"rbind\",\"remount\""), "option 'remount'"},
	};
	run_mount_cases(cases, RG_ARRAY_SIZE(cases), NULL);
}

/* runc reads "bind"/"rbind" in the options as a bind, whatever "type" says. */
static void test_mount_bind_by_option(void **state)
{
	static const struct mount_case cases[] = {
	    {MNT("ext4", "/x", "/", "\"rbind\""), "bind mount of host path / (denied: /)"},
	    {MNT("proc", "/x", "/etc", "\"bind\""), "bind mount of host path /etc (denied: /etc)"},
	    {MNT("tmpfs", "/x", "/run/runc", "\"nosuid\",\"rbind\""),
	     "bind mount of host path /run/runc (denied: /run/runc)"},
	    {MNT("", "/x", "/usr", "\"bind\""), "bind mount of host path /usr (denied: /usr)"},
	    {"{\"destination\":\"/x\",\"source\":\"/lib/modules\",\"options\":[\"rbind\"]}",
	     "(denied: /lib)"},
	    /* A bind of an ordinary directory, whatever type it claims. */
	    {MNT("ext4", "/x", "/srv/data", "\"rbind\""), NULL},
	    {MNT("devtmpfs", "/x", "/srv/data", "\"bind\""), NULL},
	    {"{\"destination\":\"/x\",\"source\":\"/srv/data\",\"options\":[\"bind\"]}", NULL},
	    /* "type": "bind" alone is judged as a bind too. */
	    {MNT("bind", "/x", "/etc", ""), "(denied: /etc)"},
	};
	run_mount_cases(cases, RG_ARRAY_SIZE(cases), NULL);
}

/* Relative bind sources are relative to the bundle, cleaned, then resolved. */
static void test_mount_relative_sources(void **state)
{
	static const struct mount_case cases[] = {
	    {MNT("bind", "/x", "data", "\"rbind\""), NULL},
	    {MNT("bind", "/x", "./data/../other", "\"rbind\""), NULL},
	    {MNT("bind", "/x", "rootfs/../data", "\"rbind\",\"rw\""), NULL},
	    {MNT("bind", "/x", "../../etc", "\"rbind\""),
	     "bind mount of host path /etc (../../etc in the bundle) (denied: /etc)"},
	    {MNT("bind", "/x", "../../../../../../../../", "\"rbind\",\"ro\""), "(denied: /)"},
	    {MNT("none", "/x", "../../run/runc", "\"rbind\""), "(denied: /run/runc)"},
	    {MNT("bind", "/x", "../../usr/sbin", "\"rbind\""), "(denied: /usr)"},
	    /* Symlinks in the bundle, resolved on the host. */
	    {MNT("bind", "/x", "to-runc", "\"rbind\",\"ro\""),
	     "bind mount of host path /srv/bundle/to-runc (to-runc in the bundle), which "
	     "resolves to /run/runc (denied: /run/runc)"},
	    {MNT("bind", "/x", "to-root", "\"rbind\",\"ro\""), "which resolves to / (denied: /)"},
	    {MNT("bind", "/x", "./to-usr", "\"rbind\""), "which resolves to /usr (denied: /usr)"},
	    /* Read-only: /usr is protected from writes only. */
	    {MNT("bind", "/x", "to-usr", "\"rbind\",\"ro\""), NULL},
	    {MNT("bind", "/x", "/proc/1/root", "\"rbind\",\"ro\""), "(denied: /proc)"},
	};
	run_mount_cases(cases, RG_ARRAY_SIZE(cases), NULL);
}

/* Protected host paths: runtime and engine state, what root runs and loads. */
static void test_mount_protected_paths(void **state)
{
#define RW(src) MNT("bind", "/x", src, "\"rbind\",\"rw\"")
#define RO(src) MNT("bind", "/x", src, "\"rbind\",\"ro\"")
	static const struct mount_case cases[] = {
	    /* What root on the host runs and loads: no writable bind. */
	    {RW("/usr"), "(denied: /usr)"},
	    {RW("/usr/sbin"), "(denied: /usr)"},
	    {RW("/usr/local/bin"), "(denied: /usr)"},
	    {RW("/usr/lib/systemd"), "(denied: /usr)"},
	    {RW("/lib/modules"), "(denied: /lib)"},
	    {RW("/lib/modules/6.1.0/kernel"), "(denied: /lib)"},
	    {RW("/lib64"), "(denied: /lib64)"},
	    {RW("/bin"), "(denied: /bin)"},
	    {RW("/sbin/"), "(denied: /sbin)"},
	    {RW("/opt/cni/bin"), "(denied: /opt/cni)"},
	    {RO("/usr/share/zoneinfo"), NULL},
	    {RO("/lib/modules"), NULL},
	    /* Runtime state: every container's state.json, read-only or not. */
	    {RW("/run/runc"), "(denied: /run/runc)"},
	    {RO("/run/runc"), "(denied: /run/runc)"},
	    {RW("/run/runc/other-container"), "(denied: /run/runc)"},
	    {RW("/var/run/runc"), "(denied: /var/run/runc)"},
	    {RW("/var/run/../run/runc/"), "(denied: /var/run/runc)"},
	    {RW("/var/run/../../run/runc/"), "(denied: /run/runc)"},
	    {RW("/run/crun"), "(denied: /run/crun)"},
	    {RW("/run/containerd/runc/k8s.io"), "(denied: /run/containerd/runc)"},
	    {RW("/run/docker"), "(denied: /run/docker)"},
	    {RW("/run/docker/runtime-runc/moby"), "(denied: /run/docker)"},
	    {RW("/run/podman"), "(denied: /run/podman)"},
	    {RW("/run/podman/podman.sock"), "(denied: /run/podman)"},
	    {RW("/var/run/podman/podman.sock"), "(denied: /var/run/podman)"},
	    {RW("/run/systemd/private"), "(denied: /run/systemd)"},
	    /* Engine state roots: the root and anything above it. */
	    {RW("/var/lib/docker"), "(denied: /var/lib/docker/image)"},
	    {RW("/var/lib/containerd"), "(denied: /var/lib/containerd"},
	    {RW("/var/lib/containers"), "(denied: /var/lib/containers/storage/libpod)"},
	    {RW("/var/lib/containers/storage"), "(denied: /var/lib/containers/storage/libpod)"},
	    {RW("/run/containers"),
	     "(denied: /run/containers/storage/overlay-containers/*/userdata)"},
	    {RW("/var/run/containers/storage"), "which resolves to /run/containers/storage"},
	    {RW("/run/containerd"), "(denied: /run/containerd)"},
	    {RW("/var/run"), "(denied: /var/run/docker.sock)"},
	    /* A container's own directory as a whole: another one's cannot be told apart. */
	    {RW("/var/lib/docker/containers"), "(denied: /var/lib/docker/containers/*)"},
	    {RW("/var/lib/docker/containers/0123abcd"), "(denied: /var/lib/docker/containers/*)"},
	    {RW("/var/lib/docker/overlay2/0123abcd"), "(denied: /var/lib/docker/overlay2/*)"},
	    {RW("/var/lib/containers/storage/overlay-containers/c1/userdata"),
	     "(denied: /var/lib/containers/storage/overlay-containers/*/userdata)"},
	    {RW("/run/containerd/io.containerd.runtime.v2.task/k8s.io/c1"),
	     "(denied: /run/containerd/io.containerd.runtime.v2.task/*/*)"},
	    {RW("/run/containerd/io.containerd.grpc.v1.cri/sandboxes/s1"),
	     "(denied: /run/containerd/io.containerd.grpc.v1.cri/sandboxes/*)"},
	    {RW("/var/lib/kubelet/pods/uid"), "(denied: /var/lib/kubelet/pods/*)"},
	    {RO("/var/lib/etcd/member"), "(denied: /var/lib/etcd)"},
	    {RW("/var/lib/kubelet/device-plugins/kubelet.sock"),
	     "(denied: /var/lib/kubelet/device-plugins)"},
	    /* File systems under /sys ride along with an rbind, and "ro" stays on top. */
	    {RO("/sys"), "(denied: /sys/kernel/debug)"},
	    {RO("/sys/fs"), "(denied: /sys/fs/cgroup)"},
	    {RO("/sys/fs/cgroup"), "(denied: /sys/fs/cgroup)"},
	    {RO("/sys/kernel/security"), "(denied: /sys/kernel/security)"},
	    {RO("/sys/class/net"), NULL},
	    /* The engines' own per-container binds keep working. */
	    {RW("/var/lib/docker/containers/0123abcd/hostname"), NULL},
	    {RW("/var/lib/docker/containers/0123abcd/hosts"), NULL},
	    {RW("/var/lib/docker/containers/0123abcd/resolv.conf"), NULL},
	    {RW("/var/lib/docker/containers/0123abcd/mounts/shm"), NULL},
	    {RW("/var/lib/docker/volumes/data/_data"), NULL},
	    {RW("/var/lib/containers/storage/overlay-containers/c1/userdata/hosts"), NULL},
	    {RW("/var/lib/containers/storage/overlay-containers/c1/userdata/shm"), NULL},
	    {RW("/run/containers/storage/overlay-containers/c1/userdata/resolv.conf"), NULL},
	    {RW("/run/containers/storage/overlay-containers/c1/userdata/.containerenv"), NULL},
	    {RW("/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/hosts"), NULL},
	    {RW("/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/resolv.conf"), NULL},
	    {RW("/run/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/shm"), NULL},
	    {RW("/var/lib/kubelet/pods/uid/volumes/kubernetes.io~empty-dir/cache"), NULL},
	    {RW("/var/lib/kubelet/pods/uid/etc-hosts"), NULL},
	    {RW("/srv/data"), NULL},
	    {RW("/tmp/scratch"), NULL},
	};
#undef RW
#undef RO
	run_mount_cases(cases, RG_ARRAY_SIZE(cases), NULL);
	/* Without the adapter, the lexical /var/run spellings still count. */
	struct rg_json *spec = with_mount(MNT("bind", "/x", "/var/run/crun/c1", "\"rbind\""));
	expect_ok(run_on(&rg_rule_mounts, &reject, spec, &host_bare));
	expect_violation(".mounts[1]", "(denied: /var/run/crun)");
}

/* The operator's allowMounts: more {type, destination} pairs. */
static void test_mount_allow_setting(void **state)
{
	const struct rg_policy *p = policy_of(
	    "{\"rules\":{\"mounts\":{\"action\":\"reject\",\"allowMounts\":["
	    "{\"type\":\"overlay\",\"destination\":\"/merged/\"},"
	    "{\"type\":\"ext4\",\"destination\":\"/data\"},{\"type\":\"proc\",\"destination\":"
	    "\"/mnt/proc\"},{\"type\":\"hugetlbfs\",\"destination\":\"*\"}]}}}");
	static const struct mount_case cases[] = {
	    {MNT("overlay", "/merged", "overlay", "\"lowerdir=/a\""), NULL},
	    {MNT("overlay", "//merged/x/..", "overlay", ""), NULL},
	    {MNT("overlay", "/elsewhere", "overlay", ""), "type 'overlay'"},
	    {MNT("proc", "/mnt/proc", "proc", ""), NULL},
	    {MNT("hugetlbfs", "/any/where", "none", ""), NULL},
	    /* An allowed type's host source is still a host path. */
	    {MNT("ext4", "/data", "/srv/disk.img", ""), NULL},
	    {MNT("ext4", "/data", "/dev/vda", ""), "mount of host path /dev/vda (denied: /dev)"},
	    {MNT("ext4", "/data", "/usr/lib/disk.img", "\"rw\""), "(denied: /usr)"},
	    {MNT("ext4", "/data", "../../dev/vda", ""),
	     "mount of host path /dev/vda (../../dev/vda in the bundle) (denied: /dev)"},
	    {MNT("ext4", "/data", "disk.img", ""), NULL},
	    {MNT("overlay", "/merged", "overlay", ""), NULL},
	    {MNT("ext4", "/other", "/srv/disk.img", ""), "type 'ext4'"},
	    {MNT("devtmpfs", "/dev", "devtmpfs", ""), "type 'devtmpfs'"},
	};
	run_mount_cases(cases, RG_ARRAY_SIZE(cases), p);

	static const struct {
		const char *settings, *more;
	} bad[] = {
	    {"{\"allowMounts\":{}}", ".rules.x.allowMounts: expected an array"},
	    {"{\"allowMounts\":[\"overlay\"]}", ".rules.x.allowMounts[0]: expected {"},
	    {"{\"allowMounts\":[{\"type\":\"overlay\"}]}", ".rules.x.allowMounts[0]"},
	    {"{\"allowMounts\":[{\"type\":\"\",\"destination\":\"/x\"}]}",
	     ".rules.x.allowMounts[0]"},
	    {"{\"allowMounts\":[{\"type\":\"ext4\",\"destination\":\"x\"}]}",
	     ".rules.x.allowMounts[0]"},
	    {"{\"allowMounts\":[{\"type\":\"bind\",\"destination\":\"/x\"}]}",
	     ".rules.x.allowMounts[0]"},
	    {"{\"allowMounts\":[{\"type\":\"ext4\",\"destination\":\"/x\",\"source\":\"/d\"}]}",
	     ".rules.x.allowMounts[0]"},
	    {"{\"rootDeny\":[\"usr\"]}", ".rules.x.rootDeny[0]: expected an absolute path"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++)
		expect_check_error(&rg_rule_mounts, bad[i].settings, bad[i].more);
	assert_int_equal(check(&rg_rule_mounts,
			       "{\"action\":\"fix\",\"rootDeny\":[\"/opt\"],\"allowMounts\":["
			       "{\"type\":\"overlay\",\"destination\":\"*\"}]}"),
			 0);
}

/* root.path, resolved as runc resolves it, judged as a writable bind of the host path. */
static void test_mount_root(void **state)
{
	static const struct {
		const char *root; /* JSON of root.path */
		const char *refused;
	} cases[] = {
	    {"\"/\"", "root file system of host path / (denied: /)"},
	    {"\"//\"", "(denied: /)"},
	    {"\"/usr\"", "root file system of host path /usr (denied: /usr)"},
	    {"\"/usr/\"", "(denied: /usr)"},
	    {"\"/usr/lib\"", "(denied: /usr)"},
	    {"\"/etc\"", "(denied: /etc)"},
	    {"\"/bin\"", "(denied: /bin)"},
	    {"\"/lib/modules\"", "(denied: /lib)"},
	    {"\"/boot\"", "(denied: /boot)"},
	    {"\"/root\"", "(denied: /root)"},
	    {"\"/dev\"", "(denied: /dev)"},
	    {"\"/sys\"", "(denied: /sys)"},
	    {"\"/proc/1/root\"", "(denied: /proc)"},
	    {"\"/proc/self/root/usr\"", "(denied: /proc)"},
	    {"\"/var\"", "(denied: /var/run/docker.sock)"},
	    {"\"/run\"", "(denied: /run/docker.sock)"},
	    {"\"/var/lib\"", "(denied: /var/lib/kubelet/pki)"},
	    {"\"/run/runc/other\"", "(denied: /run/runc)"},
	    {"\"/var/lib/docker/containers\"", "(denied: /var/lib/docker/containers/*)"},
	    {"\"../../../../usr\"", "root file system of host path /usr (../../../../usr in the "
				    "bundle) (denied: /usr)"},
	    {"\"../../\"", "(denied: /)"},
	    {"\"rootfs/../../..\"", "(denied: /)"},
	    {"\"to-root\"", "root file system of host path /srv/bundle/to-root (to-root in the "
			    "bundle), which resolves to / (denied: /)"},
	    {"\"to-usr\"", "which resolves to /usr (denied: /usr)"},
	    {"\"/tmp/link-to-root\"", "which resolves to / (denied: /)"},
	    {"\"\"", "root file system of a relative source '' cannot be checked"},
	    /* Real engines' roots. */
	    {"\"rootfs\"", NULL},
	    {"\"/srv/bundle/rootfs\"", NULL},
	    {"\"/var/lib/containers/storage/overlay/4c1b2f7d/merged\"", NULL},
	    {"\"/var/lib/docker/overlay2/0123abcd/merged\"", NULL},
	    {"\"/run/containerd/io.containerd.runtime.v2.task/k8s.io/c1/rootfs\"", NULL},
	    {"\"/run/containerd/io.containerd.runtime.v2.task/default/c1/rootfs\"", NULL},
	    {"\"/tmp/bats-run/test/bundle/rootfs\"", NULL},
	    {"null", NULL},
	};
	const struct rg_policy *policies[] = {&reject, &fix, &baseline};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		for (size_t k = 0; k < RG_ARRAY_SIZE(policies); k++) {
			char *text = track_str(rg_xasprintf(
			    "{\"root\":{\"path\":%s,\"readonly\":false}}", cases[i].root));
			struct rg_json *spec = parse(text);
			expect_ok(run(&rg_rule_mounts, policies[k], spec));
			/* A root cannot be dropped: refused whatever the action. */
			if (cases[i].refused && report.n_violations != 1)
				fail_msg("root %s: not refused", cases[i].root);
			expect_violation(cases[i].refused ? ".root.path" : NULL, cases[i].refused);
			assert_true(rg_json_equal(spec, parse(text)));
		}
	}
	/* Without a bundle, a relative root cannot be judged. */
	bundle = NULL;
	expect_ok(run(&rg_rule_mounts, &reject, parse("{\"root\":{\"path\":\"rootfs\"}}")));
	expect_violation(".root.path", "relative source 'rootfs' cannot be checked");
	bundle = "/srv/bundle";
	/* The operator's rootDeny. */
	const struct rg_policy *p = policy_of(
	    "{\"rules\":{\"mounts\":{\"action\":\"reject\",\"rootDeny\":[\"/srv/images\"]}}}");
	expect_ok(run(&rg_rule_mounts, p, parse("{\"root\":{\"path\":\"/srv/images/a\"}}")));
	expect_violation(".root.path", "(denied: /srv/images)");
	/* rootDeny does not apply to binds. */
	expect_ok(
	    run(&rg_rule_mounts, p, with_mount(MNT("bind", "/x", "/srv/images", "\"rbind\""))));
	expect_violation(NULL, NULL);
	/* Wrong types are errors. */
	expect_error(run(&rg_rule_mounts, &fix, parse("{\"root\":[]}")), ".root", "got array");
	expect_error(run(&rg_rule_mounts, &fix, parse("{\"root\":{\"path\":5}}")), ".root.path",
		     "got number");
	expect_ok(run(&rg_rule_mounts, &reject, parse("{\"root\":{}}")));
	expect_violation(NULL, NULL);
}

/* The privileged profile keeps the rule off: nothing is judged. */
static void test_mount_privileged_profile(void **state)
{
	const struct rg_policy *p = policy_of("{\"profile\":\"privileged\"}");
	assert_int_equal(rg_policy_action(p, "mounts"), RG_ACTION_OFF);
	struct rg_json *spec = parse(
	    "{\"root\":{\"path\":\"/\"},\"mounts\":[" MNT("devtmpfs", "/dev", "devtmpfs", "") "]}");
	expect_ok(run(NULL, p, spec));
	assert_int_equal(report.n_violations, 0);
}

#undef MNT

static const struct CMUnitTest tests[] = {
    T(test_path_helpers),
    T(test_mount_types),
    T(test_mount_bind_by_option),
    T(test_mount_relative_sources),
    T(test_mount_protected_paths),
    T(test_mount_allow_setting),
    T(test_mount_root),
    T(test_mount_privileged_profile),
};

/* ================= the deny lists, hardening, errors ================= */

/* Whether a bind mount of each source is refused (reject) and dropped (fix). */
static const struct {
	const char *mount; /* JSON of one mount */
	const char *denied; /* text of the violation, or NULL: allowed */
} sensitive_cases[] = {
#define BIND(src)                                                                                  \
	"{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"" src                              \
	"\",\"options\":[\"rbind\",\"ro\"]}"
#define BIND_RW(src)                                                                               \
	"{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"" src "\",\"options\":[\"rbind\"]" \
	"}"
    {BIND("/"), "bind mount of host path / (denied: /)"},
    {BIND("//"), "(denied: /)"},
    {BIND("/./"), "(denied: /)"},
    {BIND("/etc/.."), "(denied: /)"},
    {BIND("/srv/../../"), "(denied: /)"},
    {BIND("/etc"), "(denied: /etc)"},
    {BIND("/etc/"), "(denied: /etc)"},
    {BIND("//etc//ssl/./certs"), "(denied: /etc)"},
    {BIND("/etcfoo"), NULL},
    {BIND("/proc/1/root"), "(denied: /proc)"},
    {BIND("/boot"), "(denied: /boot)"},
    {BIND("/dev/sda"), "(denied: /dev)"},
    {BIND("/root/.ssh"), "(denied: /root)"},
    {BIND("/var/run/docker.sock"), "(denied: /var/run/docker.sock)"},
    {BIND("/run/docker.sock"), "(denied: /run/docker.sock)"},
    /* A directory above a denied path exposes it. */
    {BIND("/run"), "(denied: /run/docker.sock)"},
    {BIND("/var"), "(denied: /var/run/docker.sock)"},
    {BIND("/var/lib"), "(denied: /var/lib/kubelet/pki)"},
    /* denyExact: the path and above, not what CRI mounts from under it. */
    {BIND("/var/lib/kubelet"), "(denied: /var/lib/kubelet)"},
    {BIND("/var/lib/kubelet/pods/uid/volumes/kubernetes.io~secret/token"), NULL},
    {BIND("/var/lib/kubelet/pki"), "(denied: /var/lib/kubelet/pki)"},
    {BIND("/var/lib/kubelet/pki/kubelet.key"), "(denied: /var/lib/kubelet/pki)"},
    {BIND("/run/containerd"), "(denied: /run/containerd)"},
    {BIND("/run/containerd/io.containerd.grpc.v1.cri/sandboxes/abc/shm"), NULL},
    {BIND("/run/containerd/containerd.sock"), "(denied: /run/containerd/containerd.sock)"},
    {BIND("/run/containerd/s/0123"), "(denied: /run/containerd/s)"},
    {BIND("/run/crio/crio.sock"), "(denied: /run/crio/crio.sock)"},
    /* /sys only when writable, but file systems mounted under it (debugfs,
     * cgroup ...) in any case: an rbind carries them, and "ro" stays on top. */
    {BIND("/sys"), "(denied: /sys/kernel/debug)"},
    {BIND("/sys/class/net"), NULL},
    {BIND_RW("/sys"), "(denied: /sys)"},
    {BIND_RW("/sys/fs/cgroup"), "(denied: /sys/fs/cgroup)"},
    {"{\"destination\":\"/x\",\"source\":\"/sys\",\"options\":[\"bind\",\"ro\",\"rw\"]}",
     "(denied: /sys)"},
    {"{\"destination\":\"/x\",\"source\":\"/sys/class\",\"options\":[\"bind\",\"rw\","
     "\"rro\"]}",
     NULL},
    /* Mounted at /sys it is made read-only first, and then allowed. */
    {"{\"destination\":\"/sys\",\"type\":\"bind\",\"source\":\"/"
     "sys/class\",\"options\":[\"rbind\"]}",
     NULL},
    {BIND_RW("/srv/data"), NULL},
    {BIND("/home/user"), NULL},
    /* Bind by option only, with another type. */
    {"{\"destination\":\"/x\",\"type\":\"none\",\"source\":\"/\",\"options\":[\"rbind\"]}",
     "(denied: /)"},
    {"{\"destination\":\"/x\",\"source\":\"/etc\",\"options\":[\"bind\"]}", "(denied: /etc)"},
    /* Relative sources are relative to the bundle (/srv/bundle here); missing ones
     * cannot be checked. */
    {BIND("data"), NULL},
    {BIND("../../../etc"), "host path /etc (../../../etc in the bundle) (denied: /etc)"},
    {BIND(""), "relative source ''"},
    {"{\"destination\":\"/x\",\"type\":\"bind\"}", "relative source ''"},
    /* Symlinks on the host, resolved by the adapter. */
    {BIND("/tmp/link-to-root"), "/tmp/link-to-root, which resolves to / (denied: /)"},
    {BIND("/missing"), NULL},
    /* Other mounts by type (test_rules_mounts.c): a pseudo fs's source is not a host path. */
    {"{\"destination\":\"/x\",\"type\":\"ext4\",\"source\":\"/dev/sda1\"}",
     "mount of type 'ext4' at /x: the type is not allowed (source '/dev/sda1')"},
    {"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"/proc\"}", NULL},
    {"{\"destination\":\"/x\",\"type\":\"tmpfs\",\"source\":\"/etc\"}", NULL},
    {"{\"destination\":\"/x\",\"type\":\"nfs\",\"source\":\"server:/etc\"}",
     "type 'nfs' at /x: the type is not allowed"},
    {"{\"destination\":\"/x\",\"type\":\"ext4\"}", "type 'ext4' at /x: the type is not allowed"},
#undef BIND
#undef BIND_RW
};

static void test_mounts_sensitive(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(sensitive_cases); i++) {
		char *text = track_str(rg_xasprintf("{\"mounts\":[{\"destination\":\"/proc\","
						    "\"type\":\"proc\",\"source\":\"proc\"},%s]}",
						    sensitive_cases[i].mount));
		struct rg_json *spec = parse(text);
		expect_ok(run(&rg_rule_mounts, &reject, spec));
		expect_violation(sensitive_cases[i].denied ? ".mounts[1]" : NULL,
				 sensitive_cases[i].denied);
		assert_int_equal(at(spec, ".mounts")->n, 2);

		spec = parse(text);
		expect_ok(run(&rg_rule_mounts, &fix, spec));
		expect_violation(NULL, NULL);
		assert_int_equal(at(spec, ".mounts")->n, sensitive_cases[i].denied ? 1 : 2);
		assert_json(at(spec, ".mounts[0]"),
			    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}");
	}
	/* Without the adapter only the lexical path counts. */
	struct rg_json *spec = parse("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\","
				     "\"source\":\"/tmp/link-to-root\"}]}");
	expect_ok(run_on(&rg_rule_mounts, &reject, spec, &host_bare));
	expect_violation(NULL, NULL);
	/* With the bundle directory unknown, a relative source cannot be checked. */
	bundle = NULL;
	spec =
	    parse("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"data\"}]}");
	expect_ok(run(&rg_rule_mounts, &reject, spec));
	expect_violation(".mounts[0]", "relative source 'data' cannot be checked");
	bundle = "/srv/bundle";
	/* The default policy refuses, as "reject" does. */
	spec =
	    parse("{\"mounts\":[{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"/\"}]}");
	expect_ok(run(&rg_rule_mounts, &baseline, spec));
	expect_violation(".mounts[0]", "(denied: /)");
}

static const struct {
	const char *mount, *want_options; /* NULL: no options member */
} harden_cases[] = {
#define M(type, dest, opts)                                                                        \
	"{\"destination\":\"" dest "\",\"type\":\"" type "\",\"source\":\"/srv\"" opts "}"
    {M("bind", "/x", ",\"options\":[\"bind\"]"), "[\"bind\",\"nosuid\",\"nodev\"]"},
    {M("bind", "/x", ""), "[\"nosuid\",\"nodev\"]"},
    {M("bind", "/x", ",\"options\":null"), "[\"nosuid\",\"nodev\"]"},
    {M("none", "/x", ",\"options\":[\"rbind\",\"suid\",\"dev\",\"ro\"]"),
     "[\"rbind\",\"ro\",\"nosuid\",\"nodev\"]"},
    {M("bind", "/x", ",\"options\":[\"nodev\",\"nosuid\",\"rbind\"]"),
     "[\"nodev\",\"nosuid\",\"rbind\"]"},
    {M("bind", "/x", ",\"options\":[\"rbind\",\"rshared\"]"),
     "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\"]"},
    {M("tmpfs", "/x", ",\"options\":[\"shared\",\"rw\"]"), "[\"private\",\"rw\"]"},
    {M("tmpfs", "/x", ",\"options\":[\"rslave\",\"suid\"]"), "[\"rslave\",\"suid\"]"},
    {M("tmpfs", "/x", ""), NULL},
    /* /sys and cgroup mounts read-only. */
    {M("sysfs", "/sys", ",\"options\":[\"nosuid\",\"rw\"]"), "[\"nosuid\",\"ro\"]"},
    {M("sysfs", "/sys", ",\"options\":[\"ro\",\"rw\"]"), "[\"ro\"]"},
    {M("sysfs", "/sys", ",\"options\":[\"rro\"]"), "[\"rro\"]"},
    {M("sysfs", "//sys/", ""), "[\"ro\"]"},
    {M("cgroup", "/sys/fs/cgroup", ""), "[\"ro\"]"},
    {M("cgroup2", "/sys/fs/cgroup", ",\"options\":[\"rrw\",\"nodev\"]"), "[\"nodev\",\"ro\"]"},
    {M("tmpfs", "/sys/firmware", ""), "[\"ro\"]"},
    {M("tmpfs", "sys/kernel", ""), "[\"ro\"]"},
    {M("tmpfs", "/sysx", ""), NULL},
    {M("bind", "/sys/kernel/debug", ",\"options\":[\"bind\"]"),
     "[\"bind\",\"nosuid\",\"nodev\",\"ro\"]"},
#undef M
};

static void test_mounts_harden(void **state)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(harden_cases); i++) {
		char *text = track_str(rg_xasprintf("{\"mounts\":[%s]}", harden_cases[i].mount));
		struct rg_json *spec = parse(text);
		const struct rg_json *before = at(parse(text), ".mounts[0].options");
		bool is_same =
		    !harden_cases[i].want_options ||
		    (before && rg_json_equal(before, parse(harden_cases[i].want_options)));
		/* Whatever the action. */
		expect_ok(run(&rg_rule_mounts, &reject, spec));
		expect_violation(NULL, NULL);
		assert_json(at(spec, ".mounts[0].options"), harden_cases[i].want_options);
		if (is_same) {
			assert_int_equal(report.n_changes, 0);
		} else {
			assert_int_equal(report.n_changes, 1);
			assert_string_equal(report.changes[0].path, ".mounts[0].options");
		}
		/* And idempotent. */
		expect_ok(run(&rg_rule_mounts, &fix, spec));
		assert_int_equal(report.n_changes, 0);
	}

	/* Operator's bindOptions. */
	const struct rg_policy *p = policy_of(
	    "{\"rules\":{\"mounts\":{\"action\":\"reject\",\"bindOptions\":[\"noexec\"]}}}");
	struct rg_json *spec = parse("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\","
				     "\"source\":\"/srv\",\"options\":[\"exec\",\"rbind\"]}]}");
	expect_ok(run(&rg_rule_mounts, p, spec));
	assert_json(at(spec, ".mounts[0].options"), "[\"rbind\",\"noexec\"]");
	p = policy_of("{\"rules\":{\"mounts\":{\"action\":\"reject\",\"bindOptions\":[]}}}");
	spec =
	    parse("{\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/srv\"}]}");
	expect_ok(run(&rg_rule_mounts, p, spec));
	assert_int_equal(report.n_changes, 0);

	/* rootfsPropagation. */
	static const char *const props[][2] = {
	    {"\"shared\"", "\"private\""},
	    {"\"rshared\"", "\"rprivate\""},
	    {"\"slave\"", "\"slave\""},
	    {"\"rprivate\"", "\"rprivate\""},
	    {"null", "null"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(props); i++) {
		char *text =
		    track_str(rg_xasprintf("{\"linux\":{\"rootfsPropagation\":%s}}", props[i][0]));
		spec = parse(text);
		expect_ok(run(&rg_rule_mounts, &reject, spec));
		assert_json(at(spec, ".linux.rootfsPropagation"), props[i][1]);
		assert_int_equal(report.n_changes, rg_streq(props[i][0], props[i][1]) ? 0 : 1);
	}
}

static void test_mounts_lists(void **state)
{
	const struct rg_policy *p =
	    policy_of("{\"rules\":{\"mounts\":{\"action\":\"reject\",\"deny\":[\"/srv/secret/\"],"
		      "\"denyExact\":[\"/data\"],\"denyWritable\":[]}}}");
	static const struct {
		const char *src;
		bool is_denied;
	} cases[] = {
	    {"/srv/secret", true}, {"/srv/secret/x", true}, {"/srv", true},  {"/", true},
	    {"/data", true},	   {"/data/x", false},	    {"/etc", false}, {"/sys", false},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		char *text = track_str(rg_xasprintf("{\"mounts\":[{\"destination\":\"/x\","
						    "\"type\":\"bind\",\"source\":\"%s\"}]}",
						    cases[i].src));
		expect_ok(run(&rg_rule_mounts, p, parse(text)));
		if (report.n_violations != (cases[i].is_denied ? 1u : 0u))
			fail_msg("%s: %zu violations", cases[i].src, report.n_violations);
	}
	static const struct {
		const char *settings, *more;
	} bad[] = {
	    {"{\"allow\":[]}", ".rules.x.allow: unknown setting"},
	    {"{\"deny\":\"/etc\"}", ".rules.x.deny: expected an array of absolute paths"},
	    {"{\"denyExact\":[\"etc\"]}", ".rules.x.denyExact[0]: expected an absolute path"},
	    {"{\"denyWritable\":[5]}", ".rules.x.denyWritable[0]"},
	    {"{\"deny\":[\"/etc\\u0000x\"]}", ".rules.x.deny[0]"},
	    {"{\"bindOptions\":\"nosuid\"}", ".rules.x.bindOptions: expected an array"},
	    {"{\"bindOptions\":[\"ro\"]}", ".rules.x.bindOptions[0]: expected \"nosuid\""},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad); i++)
		expect_check_error(&rg_rule_mounts, bad[i].settings, bad[i].more);
	assert_int_equal(check(&rg_rule_mounts, "{\"action\":\"fix\",\"deny\":[],\"bindOptions\":"
						"[\"nosuid\",\"nodev\",\"noexec\"]}"),
			 0);
}

static void test_mounts_errors(void **state)
{
	static const struct {
		const char *spec, *path, *more;
	} cases[] = {
	    {"{\"mounts\":{}}", ".mounts", "expected an array, got object"},
	    {"{\"mounts\":[5]}", ".mounts[0]", "expected an object, got number"},
	    {"{\"mounts\":[{}]}", ".mounts[0].destination", "got nothing"},
	    {"{\"mounts\":[{\"destination\":5}]}", ".mounts[0].destination", "got number"},
	    {"{\"mounts\":[{\"destination\":\"/x\",\"type\":[]}]}", ".mounts[0].type", "got array"},
	    {"{\"mounts\":[{\"destination\":\"/x\",\"source\":true}]}", ".mounts[0].source",
	     "got boolean"},
	    {"{\"mounts\":[{\"destination\":\"/x\",\"source\":\"/\\u0000\"}]}", ".mounts[0].source",
	     "without NUL"},
	    {"{\"mounts\":[{\"destination\":\"/x\",\"options\":\"ro\"}]}", ".mounts[0].options",
	     "got string"},
	    {"{\"mounts\":[{\"destination\":\"/x\",\"options\":[\"ro\",1]}]}",
	     ".mounts[0].options[1]", "got number"},
	    {"{\"linux\":[]}", ".linux", "expected an object"},
	    {"{\"linux\":{\"rootfsPropagation\":1}}", ".linux.rootfsPropagation", "got number"},
	};
	for (size_t i = 0; i < RG_ARRAY_SIZE(cases); i++) {
		struct rg_json *spec = parse(cases[i].spec);
		expect_error(run(&rg_rule_mounts, &fix, spec), cases[i].path, cases[i].more);
	}
	/* Absent or null mounts: nothing to do. */
	expect_ok(run(&rg_rule_mounts, &fix, parse("{\"mounts\":null}")));
	expect_ok(run(&rg_rule_mounts, &fix, parse("{}")));
	assert_int_equal(report.n_changes, 0);
}

static int groups(void)
{
	const struct CMUnitTest mounts_tests[] = {
	    T(test_mounts_sensitive),
	    T(test_mounts_harden),
	    T(test_mounts_lists),
	    T(test_mounts_errors),
	};
	int failed = cmocka_run_group_tests_name("rules/mounts-allowlist", tests, NULL, NULL);

	failed += cmocka_run_group_tests_name("rules/mounts", mounts_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return harness_main(groups);
}
