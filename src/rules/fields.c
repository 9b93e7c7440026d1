/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fields rule: the spec allowlist. Every field of the OCI runtime spec
 * (1.0.2 up to 1.2) that runc or crun act on is in the table below with a
 * verdict:
 *   judged    another rule decides about it (named in `why`);
 *   harmless  the runtime applies it, and whatever its value it gives the
 *             container nothing over the host (`why` says why);
 *   checked   harmless only for some values, which `check` tells apart;
 *   refused   runguard cannot judge what the runtime will do with it, so a
 *             container that sets it (to anything but null) is refused, or
 *             with action fix, the field is removed.
 * A key the table does not know, at a level the table describes, is refused
 * whatever the action (fix cannot remove what it does not understand without
 * losing it): a newer runtime may act on a field this runguard has never
 * heard of (principle 5: allow what is known to be safe). Maps whose keys are data
 * (annotations, sysctl, unified) are not descended into; their rules judge
 * them. The "allow" setting lists paths (".linux.intelRdt",
 * ".mounts[].uidMappings") the operator lets through unjudged.
 *
 * Keys are compared exactly: the spec loader has already refused duplicates
 * and ambiguous case variants, which is how runc (Go's encoding/json) could
 * otherwise read a field this walk did not see.
 */
#include <errno.h>
#include <string.h>

#include "fields.h"
#include "runguard/rule_api.h"
#include "runguard/util.h"

/* Why a value is not harmless (static text), or NULL when it is. */
typedef const char *(*value_check)(const struct rg_json *v);

static bool str_is_one_of(const char *s, const char *const *set)
{
	for (size_t i = 0; s && set[i]; i++)
		if (rg_streq(s, set[i]))
			return true;
	return false;
}

static const char *check_scheduler(const struct rg_json *v)
{
	static const char *const policies[] = {"SCHED_OTHER", "SCHED_BATCH", "SCHED_IDLE", NULL};
	static const char *const flags[] = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_KEEP_POLICY",
					    "SCHED_FLAG_KEEP_PARAMS", NULL};
	long long nice = 0;
	if (!rg_json_is(v, RG_JSON_OBJECT))
		return "expected an object";
	if (!str_is_one_of(rg_json_str(rg_json_get(v, "policy")), policies))
		return "only SCHED_OTHER, SCHED_BATCH and SCHED_IDLE are allowed: a real-time or "
		       "deadline policy, set by the runtime before it drops privileges, can starve "
		       "the host";
	const struct rg_json *n = rg_json_get(v, "nice");
	if (n && (rg_json_int64(n, &nice) < 0 || nice < 0))
		return "a negative nice value needs CAP_SYS_NICE on the host";
	const struct rg_json *f = rg_json_get(v, "flags");
	for (size_t i = 0; rg_json_is(f, RG_JSON_ARRAY) && i < f->n; i++)
		if (!str_is_one_of(rg_json_str(f->u.items[i]), flags))
			return "only the flags SCHED_FLAG_RESET_ON_FORK, SCHED_FLAG_KEEP_POLICY "
			       "and "
			       "SCHED_FLAG_KEEP_PARAMS are allowed";
	if (f && f->type != RG_JSON_NULL && !rg_json_is(f, RG_JSON_ARRAY))
		return "flags: expected an array";
	return NULL;
}

static const char *check_io_priority(const struct rg_json *v)
{
	static const char *const classes[] = {"IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL};
	if (!rg_json_is(v, RG_JSON_OBJECT))
		return "expected an object";
	if (!str_is_one_of(rg_json_str(rg_json_get(v, "class")), classes))
		return "only IOPRIO_CLASS_BE and IOPRIO_CLASS_IDLE are allowed: the real-time "
		       "class can starve the host's I/O";
	return NULL;
}

static const char *check_personality(const struct rg_json *v)
{
	static const char *const domains[] = {"LINUX", "LINUX32", NULL};
	if (!rg_json_is(v, RG_JSON_OBJECT))
		return "expected an object";
	if (!str_is_one_of(rg_json_str(rg_json_get(v, "domain")), domains))
		return "only the domains LINUX and LINUX32 are allowed";
	const struct rg_json *f = rg_json_get(v, "flags");
	if (f && f->type != RG_JSON_NULL && !(rg_json_is(f, RG_JSON_ARRAY) && f->n == 0))
		return "personality flags (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, ...) are not "
		       "allowed";
	return NULL;
}

struct field {
	const char *key;
	enum rg_field_verdict verdict;
	const char *why;
	/* Fields of this object, or of each object in this array; NULL: not descended. */
	const struct field *sub;
	value_check check; /* RG_FIELD_CHECKED only */
};

#define JUDGED(k, rule)                                                                            \
	{                                                                                          \
		k, RG_FIELD_JUDGED, "rule " rule, NULL, NULL                                       \
	}
#define HARMLESS(k, why)                                                                           \
	{                                                                                          \
		k, RG_FIELD_HARMLESS, why, NULL, NULL                                              \
	}
#define REFUSED(k, why)                                                                            \
	{                                                                                          \
		k, RG_FIELD_REFUSED, why, NULL, NULL                                               \
	}
#define NESTED(k, sub)                                                                             \
	{                                                                                          \
		k, RG_FIELD_NESTED, NULL, sub, NULL                                                \
	}
#define CHECKED(k, why, fn)                                                                        \
	{                                                                                          \
		k, RG_FIELD_CHECKED, why, NULL, fn                                                 \
	}
#define END                                                                                        \
	{                                                                                          \
		NULL, RG_FIELD_NESTED, NULL, NULL, NULL                                            \
	}

static const struct field root_fields[] = {
    JUDGED("path", "mounts (the root file system is the first mount)"),
    JUDGED("readonly", "rootfs"),
    END,
};

static const struct field mount_fields[] = {
    JUDGED("destination", "mounts"),
    JUDGED("source", "mounts"),
    JUDGED("type", "mounts"),
    JUDGED("options", "mounts"),
    REFUSED("uidMappings", "an idmapped mount gives files on the host owners runguard does not "
			   "judge"),
    REFUSED("gidMappings", "an idmapped mount gives files on the host owners runguard does not "
			   "judge"),
    END,
};

static const struct field console_fields[] = {
    HARMLESS("height", "the size of the container's own terminal"),
    HARMLESS("width", "the size of the container's own terminal"),
    END,
};

static const struct field rlimit_fields[] = {
    JUDGED("type", "rlimits"),
    JUDGED("hard", "rlimits"),
    JUDGED("soft", "rlimits"),
    END,
};

static const struct field caps_fields[] = {
    JUDGED("bounding", "capabilities"),	   JUDGED("effective", "capabilities"),
    JUDGED("inheritable", "capabilities"), JUDGED("permitted", "capabilities"),
    JUDGED("ambient", "capabilities"),	   END,
};

static const struct field affinity_fields[] = {
    HARMLESS("initial", "CPU placement within the container's own cpuset"),
    HARMLESS("final", "CPU placement within the container's own cpuset"),
    END,
};

static const struct field user_fields[] = {
    JUDGED("uid", "user"),
    JUDGED("gid", "user"),
    HARMLESS("umask", "the file mode mask of the container's own process"),
    JUDGED("additionalGids", "user"),
    HARMLESS("username", "Windows only; runc and crun ignore it"),
    END,
};

static const struct field process_fields[] = {
    HARMLESS("terminal", "a pseudo-terminal for the container's own process"),
    NESTED("consoleSize", console_fields),
    HARMLESS("cwd", "a directory inside the container"),
    HARMLESS("env", "the container process's own environment"),
    HARMLESS("args", "the command run inside the container"),
    HARMLESS("commandLine", "Windows only; runc and crun ignore it"),
    NESTED("rlimits", rlimit_fields),
    JUDGED("apparmorProfile", "apparmor"),
    NESTED("capabilities", caps_fields),
    JUDGED("noNewPrivileges", "noNewPrivileges"),
    HARMLESS("oomScoreAdj", "chooses which process the OOM killer takes first; grants no "
			    "privilege (Kubernetes sets negative values for Guaranteed pods)"),
    CHECKED("scheduler", "SCHED_OTHER, SCHED_BATCH or SCHED_IDLE with a nice value >= 0",
	    check_scheduler),
    JUDGED("selinuxLabel", "selinux"),
    CHECKED("ioPriority", "IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE", check_io_priority),
    NESTED("execCPUAffinity", affinity_fields),
    NESTED("user", user_fields),
    END,
};

static const struct field hook_fields[] = {
    JUDGED("path", "hooks"),
    JUDGED("args", "hooks"),
    JUDGED("env", "hooks"),
    JUDGED("timeout", "hooks"),
    END,
};

static const struct field hooks_fields[] = {
    NESTED("prestart", hook_fields),
    NESTED("createRuntime", hook_fields),
    NESTED("createContainer", hook_fields),
    NESTED("startContainer", hook_fields),
    NESTED("poststart", hook_fields),
    NESTED("poststop", hook_fields),
    END,
};

static const struct field namespace_fields[] = {
    JUDGED("type", "namespaces"),
    JUDGED("path", "namespaces"),
    END,
};

static const struct field mapping_fields[] = {
    JUDGED("containerID", "user and namespaces (identity as the host sees it)"),
    JUDGED("hostID", "user and namespaces (identity as the host sees it)"),
    JUDGED("size", "user and namespaces (identity as the host sees it)"),
    END,
};

static const struct field device_fields[] = {
    JUDGED("type", "devices"),	   JUDGED("path", "devices"),
    JUDGED("major", "devices"),	   JUDGED("minor", "devices"),
    JUDGED("fileMode", "devices"), JUDGED("uid", "devices"),
    JUDGED("gid", "devices"),	   END,
};

static const struct field cgroup_device_fields[] = {
    JUDGED("allow", "devices"), JUDGED("type", "devices"),   JUDGED("major", "devices"),
    JUDGED("minor", "devices"), JUDGED("access", "devices"), END,
};

#define LIMIT_ONLY "limits only the container's own use"
static const struct field memory_fields[] = {
    JUDGED("limit", "resources"),
    HARMLESS("reservation", "a soft limit, " LIMIT_ONLY),
    JUDGED("swap", "resources"),
    HARMLESS("kernel", LIMIT_ONLY " (cgroup v1)"),
    HARMLESS("kernelTCP", LIMIT_ONLY " (cgroup v1)"),
    HARMLESS("swappiness", "swap tendency of the container's own memory"),
    HARMLESS("disableOOMKiller", "the container's own processes wait instead of being killed"),
    HARMLESS("useHierarchy", "accounting of the container's own cgroup (cgroup v1)"),
    HARMLESS("checkBeforeUpdate", "makes runc check usage before lowering a limit"),
    END,
};

static const struct field cpu_fields[] = {
    JUDGED("shares", "resources"),
    JUDGED("quota", "resources"),
    HARMLESS("burst", "bounded by the quota"),
    JUDGED("period", "resources"),
    HARMLESS("realtimeRuntime", "real-time budget of the container's own cgroup (cgroup v1); "
				"0 unless the host gives its parent one"),
    HARMLESS("realtimePeriod", "see realtimeRuntime"),
    HARMLESS("cpus", "a cpuset within the parent's, " LIMIT_ONLY),
    HARMLESS("mems", "a cpuset within the parent's, " LIMIT_ONLY),
    HARMLESS("idle", "makes the container's own cgroup an idle one"),
    END,
};

static const struct field pids_fields[] = {
    JUDGED("limit", "resources"),
    END,
};

static const struct field resources_fields[] = {
    HARMLESS("network", "traffic class and priorities of the container's own packets"),
    NESTED("pids", pids_fields),
    NESTED("memory", memory_fields),
    NESTED("cpu", cpu_fields),
    HARMLESS("blockIO", "weights and throttles " LIMIT_ONLY " of I/O"),
    HARMLESS("hugepageLimits", LIMIT_ONLY " of huge pages"),
    NESTED("devices", cgroup_device_fields),
    HARMLESS("rdma", LIMIT_ONLY " of RDMA resources"),
    JUDGED("unified", "resources"),
    END,
};

static const struct field seccomp_fields[] = {
    JUDGED("defaultAction", "seccomp and seccompDeny"),
    JUDGED("defaultErrnoRet", "seccomp and seccompDeny"),
    JUDGED("architectures", "seccomp and seccompDeny"),
    JUDGED("flags", "seccomp and seccompDeny"),
    JUDGED("listenerPath", "seccomp and seccompDeny (a notified syscall counts as allowed)"),
    JUDGED("listenerMetadata", "seccomp and seccompDeny"),
    JUDGED("syscalls", "seccomp and seccompDeny"),
    END,
};

static const struct field linux_fields[] = {
    NESTED("namespaces", namespace_fields),
    NESTED("uidMappings", mapping_fields),
    NESTED("gidMappings", mapping_fields),
    HARMLESS("timeOffsets", "clock offsets of the container's own time namespace"),
    NESTED("devices", device_fields),
    JUDGED("cgroupsPath", "resources (the container's own cgroup)"),
    NESTED("resources", resources_fields),
    REFUSED("intelRdt", "resctrl groups are host-wide: a closID can join or rewrite another "
			"group's cache and memory bandwidth schemata"),
    JUDGED("sysctl", "sysctls"),
    NESTED("seccomp", seccomp_fields),
    JUDGED("rootfsPropagation", "mounts"),
    JUDGED("maskedPaths", "paths"),
    JUDGED("readonlyPaths", "paths"),
    JUDGED("mountLabel", "selinux"),
    CHECKED("personality", "domain LINUX or LINUX32, no flags", check_personality),
    HARMLESS("memoryPolicy", "NUMA placement of the container's own memory"),
    REFUSED("netDevices", "moves a network interface of the host into the container"),
    END,
};

static const struct field top_fields[] = {
    HARMLESS("ociVersion", "a version string"),
    NESTED("process", process_fields),
    NESTED("root", root_fields),
    HARMLESS("hostname", "set in the container's own UTS namespace (rule namespaces)"),
    HARMLESS("domainname", "set in the container's own UTS namespace (rule namespaces)"),
    NESTED("mounts", mount_fields),
    NESTED("hooks", hooks_fields),
    JUDGED("annotations", "annotations"),
    NESTED("linux", linux_fields),
    HARMLESS("solaris", "another platform's section; runc and crun ignore it on Linux"),
    HARMLESS("windows", "another platform's section; runc and crun ignore it on Linux"),
    HARMLESS("vm", "for virtual-machine runtimes; runc and crun ignore it"),
    HARMLESS("zos", "another platform's section; runc and crun ignore it on Linux"),
    END,
};

/* ---- the walk ---- */

/* Appends ".key" (the walk runs on every create: no printf per member). */
static void put_key(struct rg_buf *b, const char *key)
{
	rg_buf_putc(b, '.');
	rg_buf_puts(b, key);
}

struct walk {
	struct rg_rule_ctx *ctx;
	const struct rg_json *allow;
	struct rg_buf path; /* JSON path of the node being looked at, e.g. .mounts[2] */
	struct rg_buf generic; /* the same with [] for indices, as "allow" names it */
};

static bool is_allowed(const struct walk *w)
{
	for (size_t i = 0; rg_json_is(w->allow, RG_JSON_ARRAY) && i < w->allow->n; i++)
		if (rg_streq(rg_json_str(w->allow->u.items[i]), w->generic.data))
			return true;
	return false;
}

static void walk_object(struct rg_json *obj, const struct field *table, struct walk *w);

static const struct field *find_field(const struct field *table, const char *key)
{
	for (size_t i = 0; table[i].key; i++)
		if (rg_streq(table[i].key, key))
			return &table[i];
	return NULL;
}

static void walk_nested(struct rg_json *v, const struct field *sub, struct walk *w)
{
	if (rg_json_is(v, RG_JSON_OBJECT)) {
		walk_object(v, sub, w);
		return;
	}
	if (!rg_json_is(v, RG_JSON_ARRAY))
		return; /* a wrong type is the judging rule's error to report */
	size_t plen = w->path.len, glen = w->generic.len;
	rg_buf_puts(&w->generic, "[]");
	for (size_t i = 0; i < v->n; i++) {
		rg_buf_put_index(&w->path, i);
		if (rg_json_is(v->u.items[i], RG_JSON_OBJECT))
			walk_object(v->u.items[i], sub, w);
		rg_buf_truncate(&w->path, plen);
	}
	rg_buf_truncate(&w->generic, glen);
}

/* Judges obj's member i (key and value); true when the member is to be removed. */
static bool judge_member(struct rg_json *obj, size_t i, const struct field *table, struct walk *w)
{
	const char *key = obj->u.members[i].key;
	struct rg_json *v = obj->u.members[i].value;
	const struct field *f = find_field(table, key);
	const char *why = NULL;

	if (v->type == RG_JSON_NULL || is_allowed(w))
		return false; /* Go reads null as absent */
	if (!f) {
		/* Whatever the action: removing what is not understood would lose it. */
		rg_report_violation(w->ctx->report, w->ctx->rule, w->path.data,
				    "unknown field: runguard cannot judge what the runtime does "
				    "with it (an operator may list it in rules.fields.allow)");
		return false;
	}
	if (f->verdict == RG_FIELD_REFUSED)
		why = f->why;
	else if (f->verdict == RG_FIELD_CHECKED)
		why = f->check(v);
	if (f && f->verdict == RG_FIELD_NESTED)
		walk_nested(v, f->sub, w);
	return why && rg_rule_may_fix(w->ctx, w->path.data, "%s", why);
}

static void walk_object(struct rg_json *obj, const struct field *table, struct walk *w)
{
	size_t plen = w->path.len, glen = w->generic.len;
	for (size_t i = 0; i < obj->n; i++) {
		put_key(&w->path, obj->u.members[i].key);
		put_key(&w->generic, obj->u.members[i].key);
		if (judge_member(obj, i, table, w)) {
			rg_rule_record(w->ctx, w->path.data, obj->u.members[i].value, NULL);
			rg_json_remove(obj, obj->u.members[i].key);
			i--;
		}
		rg_buf_truncate(&w->path, plen);
		rg_buf_truncate(&w->generic, glen);
	}
}

static int fields_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	struct walk w = {.ctx = ctx, .allow = rg_json_get(ctx->settings, "allow")};
	rg_buf_puts(&w.path, "");
	rg_buf_puts(&w.generic, "");
	walk_object(spec, top_fields, &w);
	free(w.path.data);
	free(w.generic.data);
	return 0;
}

static int fields_check(const struct rg_json *settings, const char *file, const char *path,
			struct rg_error **err)
{
	const struct rg_json *allow = NULL;
	int r = rg_settings_allow(settings, "JSON paths", file, path, &allow, err);
	for (size_t i = 0; r == 0 && allow && i < allow->n; i++) {
		const char *p = rg_json_str(allow->u.items[i]);
		if (!p || p[0] != '.')
			r = rg_error_set(err, EINVAL,
					 "%s: %s.allow[%zu]: expected a JSON path such as "
					 "\".linux.intelRdt\" or \".mounts[].uidMappings\"",
					 file, path, i);
	}
	return r;
}

/* ---- the table, for documentation and tests ---- */

static void each_in(const struct field *table, struct rg_buf *path,
		    void (*fn)(const char *path, enum rg_field_verdict v, const char *why,
			       void *data),
		    void *data)
{
	size_t len = path->len;
	for (size_t i = 0; table[i].key; i++) {
		put_key(path, table[i].key);
		if (table[i].sub)
			each_in(table[i].sub, path, fn, data);
		else
			fn(path->data, table[i].verdict, table[i].why, data);
		rg_buf_truncate(path, len);
	}
}

void rg_fields_each(void (*fn)(const char *path, enum rg_field_verdict v, const char *why,
			       void *data),
		    void *data)
{
	struct rg_buf path = {0};
	rg_buf_puts(&path, "");
	each_in(top_fields, &path, fn, data);
	free(path.data);
}

const struct rg_rule rg_rule_fields = {"fields", fields_check, fields_apply};
