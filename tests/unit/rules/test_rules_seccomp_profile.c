/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checks the shipped default seccomp profile, profiles/seccomp-default.json.
 *
 * The file is OCI `linux.seccomp` plus three extensions that runguard resolves
 * at enforcement time for the host and the container's final bounding set:
 *
 *   archMap   [{architecture, subArchitectures}], replaced by
 *             "architectures": [native, subs...] for the host.
 *   includes  {caps, arches, minKernel}: the entry is kept only if ALL caps
 *             are in the bounding set, the host arch is one of arches and the
 *             running kernel is at least minKernel.
 *   excludes  {caps, arches, minKernel}: the entry is dropped if ANY cap is in
 *             the bounding set, the host arch is one of arches, or the kernel
 *             is at least minKernel.
 *
 * Arch names in includes/excludes are uname-ish, as moby's profile uses them;
 * the set is closed and listed in arch_names[] below with the libseccomp arch
 * each one stands for (amd64 x86 x32 arm64 arm ppc64le ppc64 ppc s390x s390
 * riscv64 mips mipsel mips64 mips64n32 mipsel64 mipsel64n32).
 *
 * The profile is read from $RG_SRCDIR/profiles/seccomp-default.json, or from
 * profiles/seccomp-default.json relative to the cwd (the repo root under make).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <seccomp.h>

#include "runguard/embedded.h"
#include "runguard/error.h"
#include "runguard/json.h"
#include "runguard/policy.h"
#include "runguard/sha256.h"
#include "runguard/util.h"

#define PROFILE_REL "profiles/seccomp-default.json"

/* CLONE_NEWNS|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWCGROUP = 0x7e020000 = 2114060288 */
#define NS_FLAGS                                                                                   \
	((long long)(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |    \
		     CLONE_NEWNET | CLONE_NEWCGROUP))

static const struct {
	const char *name; /* as written in includes/excludes.arches */
	const char *scmp; /* seccomp_arch_resolve_name() spelling */
} arch_names[] = {
    {"amd64", "x86_64"},
    {"x86", "x86"},
    {"x32", "x32"},
    {"arm64", "aarch64"},
    {"arm", "arm"},
    {"ppc64le", "ppc64le"},
    {"ppc64", "ppc64"},
    {"ppc", "ppc"},
    {"s390x", "s390x"},
    {"s390", "s390"},
    {"riscv64", "riscv64"},
    {"mips", "mips"},
    {"mipsel", "mipsel"},
    {"mips64", "mips64"},
    {"mips64n32", "mips64n32"},
    {"mipsel64", "mipsel64"},
    {"mipsel64n32", "mipsel64n32"},
};

/* Never allowed, under any condition: kernel attack surface no container needs. */
static const char *const forbidden[] = {
    "io_uring_setup",  "io_uring_enter", "io_uring_register", "userfaultfd", "keyctl",
    "add_key",	       "request_key",	 "perf_event_open",   "bpf",	     "kexec_load",
    "kexec_file_load",
};

/* Allowed only in an entry whose includes.caps names this capability. */
static const struct {
	const char *name;
	const char *cap;
} gated[] = {
    {"init_module", "CAP_SYS_MODULE"},
    {"finit_module", "CAP_SYS_MODULE"},
    {"delete_module", "CAP_SYS_MODULE"},
    {"open_by_handle_at", "CAP_DAC_READ_SEARCH"},
    {"mount", "CAP_SYS_ADMIN"},
    {"umount", "CAP_SYS_ADMIN"},
    {"umount2", "CAP_SYS_ADMIN"},
    {"fsmount", "CAP_SYS_ADMIN"},
    {"move_mount", "CAP_SYS_ADMIN"},
    {"open_tree", "CAP_SYS_ADMIN"},
    {"pivot_root", "CAP_SYS_ADMIN"},
    {"setns", "CAP_SYS_ADMIN"},
    {"unshare", "CAP_SYS_ADMIN"},
    {"clone3", "CAP_SYS_ADMIN"},
    {"process_vm_readv", "CAP_SYS_PTRACE"},
    {"process_vm_writev", "CAP_SYS_PTRACE"},
    {"kcmp", "CAP_SYS_PTRACE"},
    {"reboot", "CAP_SYS_BOOT"},
    {"settimeofday", "CAP_SYS_TIME"},
    {"clock_settime", "CAP_SYS_TIME"},
    {"acct", "CAP_SYS_PACCT"},
    {"iopl", "CAP_SYS_RAWIO"},
    {"ioperm", "CAP_SYS_RAWIO"},
    {"vhangup", "CAP_SYS_TTY_CONFIG"},
};

/* A sample of what any process needs; these must be allowed unconditionally. */
static const char *const essential[] = {
    "read",	  "write",  "openat",	  "close",  "mmap",	    "mprotect", "munmap",
    "brk",	  "execve", "exit_group", "futex",  "rt_sigaction", "wait4",	"fstat",
    "newfstatat", "getpid", "fork",	  "socket", "connect",	    "setuid",
};

static const char *const known_actions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",	       "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",	       "SCMP_ACT_NOTIFY",
};

static const char *const known_ops[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",	"SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

/* OCI linux.seccomp fields, plus runguard's archMap. Nothing else at the top. */
static const char *const top_keys[] = {
    "defaultAction", "defaultErrnoRet",	 "architectures", "flags",
    "listenerPath",  "listenerMetadata", "syscalls",	  "archMap",
};

static const char *const entry_keys[] = {
    "names", "action", "errnoRet", "args", "includes", "excludes",
};

static const char *const cond_keys[] = {"caps", "arches", "minKernel"};

static const char *const arg_keys[] = {"index", "value", "valueTwo", "op"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rg_streq(s, list[i]))
			return true;
	return false;
}
#define IN(s, arr) in_list((s), (arr), RG_ARRAY_SIZE(arr))

/* ---- helpers over the tree ---- */

static const struct rg_json *syscalls_of(void **state)
{
	const struct rg_json *root = *state;
	const struct rg_json *sc = rg_json_get(root, "syscalls");

	assert_true(rg_json_is(sc, RG_JSON_ARRAY));
	assert_true(sc->n > 0);
	return sc;
}

static bool json_list_has(const struct rg_json *arr, const char *s)
{
	if (!rg_json_is(arr, RG_JSON_ARRAY))
		return false;
	for (size_t i = 0; i < arr->n; i++) {
		const char *v = rg_json_str(arr->u.items[i]);
		if (v && rg_streq(v, s))
			return true;
	}
	return false;
}

static bool cond_has(const struct rg_json *e, const char *which, const char *key, const char *s)
{
	return json_list_has(rg_json_get(rg_json_get(e, which), key), s);
}

static bool entry_names(const struct rg_json *e, const char *name)
{
	return json_list_has(rg_json_get(e, "names"), name);
}

/* Anything but ERRNO/KILL/TRAP lets the call reach the kernel. */
static bool is_permissive(const struct rg_json *e)
{
	const char *a = rg_json_str(rg_json_get(e, "action"));

	assert_non_null(a);
	return rg_streq(a, "SCMP_ACT_ALLOW") || rg_streq(a, "SCMP_ACT_LOG") ||
	       rg_streq(a, "SCMP_ACT_TRACE") || rg_streq(a, "SCMP_ACT_NOTIFY");
}

static long long num(const struct rg_json *j)
{
	long long v = -1;

	assert_int_equal(rg_json_int64(j, &v), 0);
	return v;
}

static uint32_t scmp_arch_of(const char *name)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(arch_names); i++)
		if (rg_streq(arch_names[i].name, name))
			return seccomp_arch_resolve_name(arch_names[i].scmp);
	return 0;
}

/* "SCMP_ARCH_X86_64" -> seccomp arch token, 0 if unknown. */
static uint32_t scmp_arch_of_const(const char *s)
{
	char low[32];
	size_t i;

	if (!rg_startswith(s, "SCMP_ARCH_") || strlen(s + 10) >= sizeof(low))
		return 0;
	for (i = 0; s[10 + i]; i++)
		low[i] = (char)tolower((unsigned char)s[10 + i]);
	low[i] = '\0';
	return seccomp_arch_resolve_name(low);
}

/* ---- setup ---- */

static int load_profile(void **state)
{
	_cleanup_error_ struct rg_error *err = NULL;
	_cleanup_free_ char *path = NULL;
	const char *srcdir = getenv("RG_SRCDIR");
	struct rg_buf b = {0};
	char chunk[65536];
	ssize_t n;

	path = srcdir && *srcdir ? rg_xasprintf("%s/%s", srcdir, PROFILE_REL)
				 : rg_xstrdup(PROFILE_REL);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && b.len <= RG_JSON_MAX_SIZE)
		rg_buf_append(&b, chunk, (size_t)n);
	if (n < 0 || b.len > RG_JSON_MAX_SIZE) {
		fprintf(stderr, "%s: read failed or file too large\n", path);
		rg_buf_free(&b);
		return -1;
	}
	struct rg_json *root = rg_json_parse(b.data ? b.data : "", b.len, PROFILE_REL, NULL, &err);
	rg_buf_free(&b);
	if (!root) {
		fprintf(stderr, "%s\n", err ? err->msg : "parse failed");
		return -1;
	}
	*state = root;
	return 0;
}

static int free_profile(void **state)
{
	rg_json_free(*state);
	return 0;
}

/* ---- tests ---- */

static void test_top_level(void **state)
{
	const struct rg_json *root = *state;

	assert_true(rg_json_is(root, RG_JSON_OBJECT));
	for (size_t i = 0; i < root->n; i++) {
		if (!IN(root->u.members[i].key, top_keys))
			fail_msg("unexpected top-level key '%s'", root->u.members[i].key);
	}
	const char *def = rg_json_str(rg_json_get(root, "defaultAction"));
	assert_non_null(def);
	assert_string_equal(def, "SCMP_ACT_ERRNO");
	assert_int_equal(num(rg_json_get(root, "defaultErrnoRet")), EPERM);
	/* The engine form carries archMap; a fixed architectures list would defeat it. */
	assert_null(rg_json_get(root, "architectures"));
}

/* runc treats "flags": [] differently from an absent key on some versions. */
static void check_no_empty_flags(const struct rg_json *j, const char *where)
{
	if (rg_json_is(j, RG_JSON_ARRAY)) {
		for (size_t i = 0; i < j->n; i++)
			check_no_empty_flags(j->u.items[i], where);
	} else if (rg_json_is(j, RG_JSON_OBJECT)) {
		for (size_t i = 0; i < j->n; i++) {
			const struct rg_json_member *m = &j->u.members[i];
			if (rg_streq(m->key, "flags") && rg_json_is(m->value, RG_JSON_ARRAY) &&
			    m->value->n == 0)
				fail_msg("%s: empty \"flags\" array", where);
			check_no_empty_flags(m->value, where);
		}
	}
}

static void test_no_empty_flags(void **state)
{
	check_no_empty_flags(*state, PROFILE_REL);
}

static void test_archmap_resolves(void **state)
{
	const struct rg_json *am = rg_json_get(*state, "archMap");
	bool has_native = false;

	assert_true(rg_json_is(am, RG_JSON_ARRAY));
	assert_true(am->n > 0);
	for (size_t i = 0; i < am->n; i++) {
		const struct rg_json *e = am->u.items[i];
		const char *a = rg_json_str(rg_json_get(e, "architecture"));
		const struct rg_json *subs = rg_json_get(e, "subArchitectures");

		assert_non_null(a);
		uint32_t tok = scmp_arch_of_const(a);
		if (tok == 0)
			fail_msg("archMap[%zu]: unknown architecture '%s'", i, a);
		if (tok == seccomp_arch_native())
			has_native = true;
		assert_true(rg_json_is(subs, RG_JSON_ARRAY));
		for (size_t k = 0; k < subs->n; k++) {
			const char *s = rg_json_str(subs->u.items[k]);
			assert_non_null(s);
			if (scmp_arch_of_const(s) == 0)
				fail_msg("archMap[%zu].subArchitectures[%zu]: unknown '%s'", i, k,
					 s);
		}
	}
	/* Otherwise the profile would not apply on this very machine. */
	assert_true(has_native);
}

static void check_args(const struct rg_json *args, size_t i)
{
	assert_true(rg_json_is(args, RG_JSON_ARRAY));
	assert_true(args->n > 0);
	for (size_t k = 0; k < args->n; k++) {
		const struct rg_json *a = args->u.items[k];
		assert_true(rg_json_is(a, RG_JSON_OBJECT));
		for (size_t m = 0; m < a->n; m++)
			if (!IN(a->u.members[m].key, arg_keys))
				fail_msg("syscalls[%zu].args[%zu]: key '%s'", i, k,
					 a->u.members[m].key);
		long long idx = num(rg_json_get(a, "index"));
		assert_in_range(idx, 0, 5);
		assert_true(num(rg_json_get(a, "value")) >= 0);
		if (rg_json_get(a, "valueTwo"))
			assert_true(num(rg_json_get(a, "valueTwo")) >= 0);
		const char *op = rg_json_str(rg_json_get(a, "op"));
		if (!op || !IN(op, known_ops))
			fail_msg("syscalls[%zu].args[%zu]: bad op", i, k);
	}
}

static void check_cond(const struct rg_json *c, size_t i, const char *which)
{
	if (!c)
		return;
	assert_true(rg_json_is(c, RG_JSON_OBJECT));
	assert_true(c->n > 0);
	for (size_t m = 0; m < c->n; m++) {
		const struct rg_json_member *mem = &c->u.members[m];
		if (!IN(mem->key, cond_keys))
			fail_msg("syscalls[%zu].%s: key '%s'", i, which, mem->key);
		if (rg_streq(mem->key, "minKernel")) {
			unsigned maj, min;
			char extra;
			const char *v = rg_json_str(mem->value);
			if (!v || sscanf(v, "%u.%u%c", &maj, &min, &extra) != 2)
				fail_msg("syscalls[%zu].%s.minKernel: want \"X.Y\"", i, which);
			continue;
		}
		assert_true(rg_json_is(mem->value, RG_JSON_ARRAY));
		assert_true(mem->value->n > 0);
		for (size_t k = 0; k < mem->value->n; k++) {
			const char *s = rg_json_str(mem->value->u.items[k]);
			assert_non_null(s);
			if (rg_streq(mem->key, "arches") && scmp_arch_of(s) == 0)
				fail_msg("syscalls[%zu].%s.arches: unknown '%s'", i, which, s);
			if (rg_streq(mem->key, "caps") && !rg_startswith(s, "CAP_"))
				fail_msg("syscalls[%zu].%s.caps: bad '%s'", i, which, s);
		}
	}
}

static void test_entries_well_formed(void **state)
{
	const struct rg_json *sc = syscalls_of(state);

	for (size_t i = 0; i < sc->n; i++) {
		const struct rg_json *e = sc->u.items[i];
		assert_true(rg_json_is(e, RG_JSON_OBJECT));
		for (size_t m = 0; m < e->n; m++)
			if (!IN(e->u.members[m].key, entry_keys))
				fail_msg("syscalls[%zu]: key '%s'", i, e->u.members[m].key);
		const struct rg_json *names = rg_json_get(e, "names");
		assert_true(rg_json_is(names, RG_JSON_ARRAY));
		assert_true(names->n > 0);
		const char *act = rg_json_str(rg_json_get(e, "action"));
		if (!act || !IN(act, known_actions))
			fail_msg("syscalls[%zu]: bad action", i);
		if (rg_json_get(e, "errnoRet")) {
			assert_string_equal(act, "SCMP_ACT_ERRNO");
			assert_in_range(num(rg_json_get(e, "errnoRet")), 1, 4095);
		}
		if (rg_json_get(e, "args"))
			check_args(rg_json_get(e, "args"), i);
		check_cond(rg_json_get(e, "includes"), i, "includes");
		check_cond(rg_json_get(e, "excludes"), i, "excludes");
	}
}

/*
 * Every name must be known to the installed libseccomp. Arch-only names may
 * be unknown to the native arch; they must then resolve for one of the arches
 * the entry is restricted to.
 */
static bool resolves(const char *name, const struct rg_json *e)
{
	if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR)
		return true;
	const struct rg_json *arches = rg_json_get(rg_json_get(e, "includes"), "arches");
	if (!rg_json_is(arches, RG_JSON_ARRAY))
		return false;
	for (size_t k = 0; k < arches->n; k++) {
		uint32_t a = scmp_arch_of(rg_json_str(arches->u.items[k]));
		if (a && seccomp_syscall_resolve_name_arch(a, name) != __NR_SCMP_ERROR)
			return true;
	}
	return false;
}

static void test_names_resolve(void **state)
{
	const struct rg_json *sc = syscalls_of(state);
	size_t bad = 0;

	for (size_t i = 0; i < sc->n; i++) {
		const struct rg_json *e = sc->u.items[i];
		const struct rg_json *names = rg_json_get(e, "names");
		for (size_t k = 0; k < names->n; k++) {
			const char *n = rg_json_str(names->u.items[k]);
			assert_non_null(n);
			if (!resolves(n, e)) {
				fprintf(stderr,
					"syscalls[%zu].names[%zu]: '%s' unknown to libseccomp\n", i,
					k, n);
				bad++;
			}
			/* A name twice in one entry is a typo waiting to happen. */
			for (size_t l = k + 1; l < names->n; l++)
				if (rg_streq(n, rg_json_str(names->u.items[l])))
					fail_msg("syscalls[%zu]: '%s' listed twice", i, n);
		}
	}
	assert_int_equal(bad, 0);
}

static void test_forbidden_never_allowed(void **state)
{
	const struct rg_json *sc = syscalls_of(state);

	for (size_t i = 0; i < sc->n; i++) {
		const struct rg_json *e = sc->u.items[i];
		if (!is_permissive(e))
			continue;
		for (size_t k = 0; k < RG_ARRAY_SIZE(forbidden); k++)
			if (entry_names(e, forbidden[k]))
				fail_msg("syscalls[%zu]: allows forbidden '%s'", i, forbidden[k]);
		for (size_t k = 0; k < RG_ARRAY_SIZE(gated); k++)
			if (entry_names(e, gated[k].name) &&
			    !cond_has(e, "includes", "caps", gated[k].cap))
				fail_msg("syscalls[%zu]: allows '%s' without includes.caps %s", i,
					 gated[k].name, gated[k].cap);
	}
}

static bool is_unconditional(const struct rg_json *e)
{
	return !rg_json_get(e, "includes") && !rg_json_get(e, "excludes") &&
	       !rg_json_get(e, "args");
}

static void test_essentials_allowed(void **state)
{
	const struct rg_json *sc = syscalls_of(state);

	for (size_t k = 0; k < RG_ARRAY_SIZE(essential); k++) {
		bool found = false;
		for (size_t i = 0; i < sc->n && !found; i++) {
			const struct rg_json *e = sc->u.items[i];
			/* socket is allowed with an AF_VSOCK exclusion; accept args there. */
			bool plain = is_unconditional(e) ||
				     (rg_streq(essential[k], "socket") &&
				      !rg_json_get(e, "includes") && !rg_json_get(e, "excludes"));
			found = is_permissive(e) && plain && entry_names(e, essential[k]);
		}
		if (!found)
			fail_msg("'%s' is not allowed unconditionally", essential[k]);
	}
}

/* True if e is clone restricted to "no namespace bits" on argument `idx`. */
static bool is_clone_ns_mask(const struct rg_json *e, long long idx)
{
	const struct rg_json *args = rg_json_get(e, "args");

	if (!rg_json_is(args, RG_JSON_ARRAY) || args->n != 1)
		return false;
	const struct rg_json *a = args->u.items[0];
	const char *op = rg_json_str(rg_json_get(a, "op"));
	/* OCI MASKED_EQ: (arg & value) == valueTwo. */
	return num(rg_json_get(a, "index")) == idx && op && rg_streq(op, "SCMP_CMP_MASKED_EQ") &&
	       (num(rg_json_get(a, "value")) & NS_FLAGS) == NS_FLAGS &&
	       rg_json_get(a, "valueTwo") && num(rg_json_get(a, "valueTwo")) == 0;
}

static void test_clone_namespace_mask(void **state)
{
	const struct rg_json *sc = syscalls_of(state);
	bool generic = false, s390 = false;

	assert_int_equal(NS_FLAGS, 2114060288LL);
	for (size_t i = 0; i < sc->n; i++) {
		const struct rg_json *e = sc->u.items[i];
		if (!is_permissive(e) || !entry_names(e, "clone"))
			continue;
		if (cond_has(e, "includes", "caps", "CAP_SYS_ADMIN"))
			continue;
		/* args apply to every name in the entry; keep the masked rule alone. */
		assert_int_equal(rg_json_get(e, "names")->n, 1);
		/* Without CAP_SYS_ADMIN clone must carry the mask and say so. */
		if (!cond_has(e, "excludes", "caps", "CAP_SYS_ADMIN"))
			fail_msg("syscalls[%zu]: clone allowed without excludes.caps SYS_ADMIN", i);
		if (is_clone_ns_mask(e, 0) && cond_has(e, "excludes", "arches", "s390") &&
		    cond_has(e, "excludes", "arches", "s390x"))
			generic = true;
		else if (is_clone_ns_mask(e, 1) && cond_has(e, "includes", "arches", "s390") &&
			 cond_has(e, "includes", "arches", "s390x"))
			s390 = true; /* s390 swaps the first two clone arguments */
		else
			fail_msg("syscalls[%zu]: clone rule without the namespace mask", i);
	}
	assert_true(generic);
	assert_true(s390);
}

static void test_clone3_enosys(void **state)
{
	const struct rg_json *sc = syscalls_of(state);
	bool found = false;

	for (size_t i = 0; i < sc->n; i++) {
		const struct rg_json *e = sc->u.items[i];
		const char *act = rg_json_str(rg_json_get(e, "action"));
		/* ENOSYS, not EPERM: glibc falls back to clone only on ENOSYS. */
		if (entry_names(e, "clone3") && act && rg_streq(act, "SCMP_ACT_ERRNO") &&
		    rg_json_get(e, "errnoRet") && num(rg_json_get(e, "errnoRet")) == ENOSYS &&
		    !rg_json_get(e, "args") && cond_has(e, "excludes", "caps", "CAP_SYS_ADMIN"))
			found = true;
	}
	assert_true(found);
}

/* The build-time digest is the digest of the bytes embedded (a stale header would lie). */
static void test_embedded_digest(void **state)
{
	(void)state;
	size_t len = 0;
	const char *text = rg_embedded_seccomp(&len);
	struct rg_sha256 s;
	char hex[65];

	rg_sha256_init(&s);
	rg_sha256_update(&s, text, len);
	rg_sha256_hex(&s, hex);
	assert_string_equal(hex, rg_embedded_seccomp_sha256());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_top_level),
	    cmocka_unit_test(test_no_empty_flags),
	    cmocka_unit_test(test_archmap_resolves),
	    cmocka_unit_test(test_entries_well_formed),
	    cmocka_unit_test(test_names_resolve),
	    cmocka_unit_test(test_forbidden_never_allowed),
	    cmocka_unit_test(test_essentials_allowed),
	    cmocka_unit_test(test_clone_namespace_mask),
	    cmocka_unit_test(test_clone3_enosys),
	    cmocka_unit_test(test_embedded_digest),
	};

	return cmocka_run_group_tests(tests, load_profile, free_profile);
}
