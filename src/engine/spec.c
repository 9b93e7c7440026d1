/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bundle and its config.json: open with ownership checks, load with a
 * size cap, give keys the spelling runc will read them as (refusing the
 * ambiguous ones), save atomically.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runguard/argfile.h"
#include "runguard/fileio.h"
#include "runguard/spec.h"
#include "runguard/util.h"

#define CONFIG_NAME "config.json"

/*
 * A file or directory that someone other than root (or the caller) could
 * write can be swapped between runguard's rename and runc's read.
 */
static int check_owner(const char *what, const char *name, const struct stat *st,
		       struct rg_error **err)
{
	uid_t me = geteuid();

	if (st->st_uid != 0 && st->st_uid != me)
		return rg_error_set(err, EPERM,
				    "%s: %s is owned by uid %u, not by root or the caller", name,
				    what, (unsigned)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return rg_error_set(err, EPERM,
				    "%s: %s is writable by group or others (mode %04o); refusing, "
				    "it could be swapped before the runtime reads it",
				    name, what, (unsigned)(st->st_mode & 07777));
	return 0;
}

int rg_spec_open(const char *bundle, struct rg_bundle *ret, struct rg_error **err)
{
	struct stat st;
	const char *path = bundle && *bundle ? bundle : ".";
	_cleanup_free_ char *trimmed = rg_xstrdup(path);
	size_t n = strlen(trimmed);

	/* "dir/" would make lstat and O_NOFOLLOW follow a final symlink. */
	while (n > 1 && trimmed[n - 1] == '/')
		trimmed[--n] = '\0';

	if (lstat(trimmed, &st) < 0)
		return rg_error_set(err, errno, "bundle %s: %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return rg_error_set(err, ELOOP, "bundle %s: is a symlink; refusing", path);
	if (!S_ISDIR(st.st_mode))
		return rg_error_set(err, ENOTDIR, "bundle %s: not a directory", path);

	_cleanup_close_ int dirfd = open(trimmed, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return rg_error_set(err, errno, "bundle %s: %s", path, strerror(errno));
	if (fstat(dirfd, &st) < 0)
		return rg_error_set(err, errno, "bundle %s: %s", path, strerror(errno));
	_cleanup_free_ char *config_name =
	    rg_xasprintf("%s%s" CONFIG_NAME, trimmed, rg_streq(trimmed, "/") ? "" : "/");
	int r = check_owner("bundle directory", config_name, &st, err);
	if (r < 0)
		return r;

	ret->dirfd = steal_fd(&dirfd);
	ret->path = rg_xstrdup(path);
	ret->config_name = steal_ptr(&config_name);
	return 0;
}

void rg_spec_close(struct rg_bundle *b)
{
	if (b->dirfd >= 0)
		close(b->dirfd);
	b->dirfd = -1;
	free(b->path);
	free(b->config_name);
	b->path = b->config_name = NULL;
}

int rg_spec_load(struct rg_bundle *b, struct rg_json **ret, struct rg_error **err)
{
	return rg_spec_load_report(b, NULL, ret, err);
}

/* use_arena: the tree may live in a parse arena (the create path: the process execs next). */
static int read_config(struct rg_bundle *b, bool use_arena, struct rg_json **ret,
		       struct rg_error **err)
{
	/* O_NONBLOCK: a FIFO planted as config.json must not hang us. */
	_cleanup_close_ int fd = openat(b->dirfd, CONFIG_NAME,
					O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			return rg_error_set(err, ELOOP, "%s: is a symlink; refusing",
					    b->config_name);
		return rg_error_set(err, errno, "%s: %s", b->config_name, strerror(errno));
	}
	if (fstat(fd, &b->config_st) < 0)
		return rg_error_set(err, errno, "%s: %s", b->config_name, strerror(errno));
	if (!S_ISREG(b->config_st.st_mode))
		return rg_error_set(err, EINVAL, "%s: not a regular file", b->config_name);
	int r = check_owner("file", b->config_name, &b->config_st, err);
	if (r < 0)
		return r;
	if ((unsigned long long)b->config_st.st_size > RG_JSON_MAX_SIZE)
		return rg_error_set(err, EFBIG, "%s: %lld bytes, larger than the limit of %u bytes",
				    b->config_name, (long long)b->config_st.st_size,
				    RG_JSON_MAX_SIZE);

	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	r = rg_argfile_read_fd(fd, b->config_name, RG_JSON_MAX_SIZE, &buf, &len, err);
	if (r < 0)
		return r;

	/* Nothing places a config.json value by line: positions are not kept. */
	const struct rg_json_parse_opts opts = {.use_arena = use_arena, .drop_positions = true};
	*ret = rg_json_parse(buf, len, b->config_name, &opts, err);
	return *ret ? 0 : -EINVAL;
}

int rg_spec_read(struct rg_bundle *b, struct rg_json **ret, struct rg_error **err)
{
	return read_config(b, false, ret, err);
}

int rg_spec_load_report(struct rg_bundle *b, struct rg_report *report, struct rg_json **ret,
			struct rg_error **err)
{
	_cleanup_json_ struct rg_json *spec = NULL;
	/* With a report, this is the create path: the tree may live in a parse arena. */
	int r = read_config(b, report != NULL, &spec, err);
	if (r < 0)
		return r;
	r = rg_spec_canon_keys(spec, b->config_name, report, err);
	if (r < 0)
		return r;
	*ret = steal_ptr(&spec);
	return 0;
}

int rg_spec_read_file(const char *path, struct rg_json **ret, struct rg_error **err)
{
	struct stat st;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return rg_error_set(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return rg_error_set(err, EINVAL, "%s: not a regular file", path);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = rg_argfile_read_fd(fd, path, RG_JSON_MAX_SIZE, &buf, &len, err);
	if (r < 0)
		return r;
	*ret = rg_json_parse(buf, len, path, NULL, err);
	return *ret ? 0 : -EINVAL;
}

int rg_spec_load_file(const char *path, struct rg_json **ret, struct rg_error **err)
{
	_cleanup_json_ struct rg_json *spec = NULL;
	int r = rg_spec_read_file(path, &spec, err);
	if (r < 0)
		return r;
	r = rg_spec_canon_keys(spec, path, NULL, err);
	if (r < 0)
		return r;
	*ret = steal_ptr(&spec);
	return 0;
}

/* ---- keys that runc would read differently ---- */

/* Field names of the OCI runtime-spec (1.0-1.2) Go structs, union of all levels. */
static const char *const spec_fields[] = {
    "ociVersion",
    "process",
    "root",
    "hostname",
    "domainname",
    "mounts",
    "hooks",
    "annotations",
    "linux",
    "solaris",
    "windows",
    "vm",
    "zos",
    "features",
    /* process */
    "terminal",
    "consoleSize",
    "height",
    "width",
    "user",
    "uid",
    "gid",
    "umask",
    "additionalGids",
    "username",
    "args",
    "commandLine",
    "env",
    "cwd",
    "capabilities",
    "bounding",
    "effective",
    "inheritable",
    "permitted",
    "ambient",
    "rlimits",
    "type",
    "hard",
    "soft",
    "noNewPrivileges",
    "apparmorProfile",
    "oomScoreAdj",
    "scheduler",
    "policy",
    "nice",
    "priority",
    "flags",
    "runtime",
    "deadline",
    "period",
    "selinuxLabel",
    "ioPriority",
    "class",
    "execCPUAffinity",
    "initial",
    "final",
    /* root, mounts, hooks */
    "path",
    "readonly",
    "destination",
    "source",
    "options",
    "uidMappings",
    "gidMappings",
    "prestart",
    "createRuntime",
    "createContainer",
    "startContainer",
    "poststart",
    "poststop",
    "timeout",
    "containerID",
    "hostID",
    "size",
    /* linux */
    "sysctl",
    "resources",
    "cgroupsPath",
    "namespaces",
    "devices",
    "seccomp",
    "rootfsPropagation",
    "maskedPaths",
    "readonlyPaths",
    "mountLabel",
    "intelRdt",
    "personality",
    "timeOffsets",
    "netDevices",
    "major",
    "minor",
    "fileMode",
    "allow",
    "access",
    "domain",
    "secs",
    "nanosecs",
    "name",
    /* resources */
    "memory",
    "limit",
    "reservation",
    "swap",
    "kernel",
    "kernelTCP",
    "swappiness",
    "disableOOMKiller",
    "useHierarchy",
    "checkBeforeUpdate",
    "cpu",
    "shares",
    "quota",
    "burst",
    "realtimeRuntime",
    "realtimePeriod",
    "cpus",
    "mems",
    "idle",
    "pids",
    "blockIO",
    "weight",
    "leafWeight",
    "weightDevice",
    "throttleReadBpsDevice",
    "throttleWriteBpsDevice",
    "throttleReadIOPSDevice",
    "throttleWriteIOPSDevice",
    "rate",
    "hugepageLimits",
    "pageSize",
    "network",
    "classID",
    "priorities",
    "rdma",
    "hcaHandles",
    "hcaObjects",
    "unified",
    /* seccomp */
    "defaultAction",
    "defaultErrnoRet",
    "architectures",
    "listenerPath",
    "listenerMetadata",
    "syscalls",
    "names",
    "action",
    "errnoRet",
    "index",
    "value",
    "valueTwo",
    "op",
    /* intelRdt, memory policy */
    "closID",
    "l3CacheSchema",
    "memBwSchema",
    "schemata",
    "enableCMT",
    "enableMBM",
    "enableMonitoring",
    "memoryPolicy",
    "mode",
    "nodes",
};

/* Objects whose keys are free-form (Go maps), not struct fields. */
/* clang-format off */
#define MAP_PATH(s) {s, sizeof(s) - 1}
/* clang-format on */
static const struct {
	const char *path;
	size_t len;
} map_paths[] = {
    MAP_PATH(".annotations"),
    MAP_PATH(".linux.sysctl"),
    MAP_PATH(".linux.resources.unified"),
    MAP_PATH(".linux.resources.rdma"),
    MAP_PATH(".linux.timeOffsets"),
    MAP_PATH(".linux.netDevices"),
};

/*
 * Folds a key the way Go's encoding/json compares field names: ASCII case,
 * plus U+017F (long s) to 's' and U+212A (Kelvin sign) to 'k'. Returns false
 * when the key holds other non-ASCII text, which can match no field name.
 */
/* The hash of the spec field table (FNV-1a), taken as go_fold folds. */
#define FOLD_HASH_INIT ((size_t)2166136261u)
#define FOLD_HASH_STEP(h, c) (((h) ^ (unsigned char)(c)) * 16777619u)

static bool go_fold(const char *key, size_t len, char *out, size_t out_size, size_t *ret_len,
		    size_t *ret_hash)
{
	size_t o = 0, h = FOLD_HASH_INIT;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)key[i];
		char f;
		if (c < 0x80) {
			f = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		} else if (c == 0xc5 && i + 1 < len && (unsigned char)key[i + 1] == 0xbf) {
			f = 's';
			i += 1;
		} else if (c == 0xe2 && i + 2 < len && (unsigned char)key[i + 1] == 0x84 &&
			   (unsigned char)key[i + 2] == 0xaa) {
			f = 'k';
			i += 2;
		} else {
			return false;
		}
		if (o + 1 >= out_size)
			return false;
		out[o++] = f;
		h = FOLD_HASH_STEP(h, f);
	}
	out[o] = '\0';
	*ret_len = o;
	*ret_hash = h;
	return true;
}

/* spec_fields lower-cased (at most 63 bytes, as go_fold's output), in a hash table. */
struct field_key {
	char folded[64];
	size_t len;
	const char *name;
	size_t index; /* one slot per distinct field */
};

#define FIELD_SLOTS 512 /* a power of two, over twice the number of fields */

static size_t fold_hash(const char *s, size_t len)
{
	size_t h = FOLD_HASH_INIT;
	for (size_t i = 0; i < len; i++)
		h = FOLD_HASH_STEP(h, s[i]);
	return h;
}

/*
 * Every key of the document is looked up here: one hash probe in a table
 * built on first use, not ~150 strcasecmp calls (or a binary search of
 * strcmp calls) per key.
 */
static const struct field_key *spec_field_folding_to(const char *folded, size_t len, size_t hash)
{
	static struct field_key index[RG_ARRAY_SIZE(spec_fields)];
	static unsigned short slots[FIELD_SLOTS]; /* 1 + position in index; 0: empty */
	static bool is_ready;

	if (!is_ready) {
		for (size_t i = 0; i < RG_ARRAY_SIZE(spec_fields); i++) {
			size_t k = 0;
			for (; spec_fields[i][k] && k + 1 < sizeof(index[i].folded); k++)
				index[i].folded[k] =
				    (char)tolower((unsigned char)spec_fields[i][k]);
			index[i].folded[k] = '\0';
			index[i].len = k;
			index[i].name = spec_fields[i];
			index[i].index = i;
			size_t h = fold_hash(index[i].folded, k) & (FIELD_SLOTS - 1);
			while (slots[h])
				h = (h + 1) & (FIELD_SLOTS - 1);
			slots[h] = (unsigned short)(i + 1);
		}
		is_ready = true;
	}
	for (size_t h = hash & (FIELD_SLOTS - 1); slots[h]; h = (h + 1) & (FIELD_SLOTS - 1)) {
		const struct field_key *f = &index[slots[h] - 1];
		if (f->len == len && memcmp(f->folded, folded, len) == 0)
			return f;
	}
	return NULL;
}

static bool is_map_path(const char *path, size_t len)
{
	/* By length first: asked of every object of the document. */
	for (size_t i = 0; i < RG_ARRAY_SIZE(map_paths); i++)
		if (len == map_paths[i].len && memcmp(path, map_paths[i].path, len) == 0)
			return true;
	return false;
}

/*
 * Keys met before and the field each names (or none): a document repeats a
 * few keys hundreds of times ("names", "action" and "args" in every entry
 * of a seccomp profile), and comparing a key costs less than folding it.
 * The key is copied: a rename frees the tree's.
 */
struct field_memo {
	char key[24];
	size_t len; /* 0: empty slot (an empty key is not memoized) */
	const struct field_key *field;
	bool is_canonical; /* the key is the field's exact spelling */
};

#define MEMO_SLOTS 64 /* a power of two */

/* One step from the root down to where the walk is: a member's key, or an item's index. */
struct key_step {
	const char *key; /* borrowed from the member; NULL: an array item */
	size_t n; /* the key's length, or the item's index */
};

/* One walk over the document, either refusing every case variant or renaming lone ones. */
struct key_walk {
	const char *name;
	struct rg_report *report; /* canonicalising: where renames are recorded (may be NULL) */
	bool is_strict; /* refuse any case variant; the tree is not written */
	/*
	 * Where the walk is, as steps; the path text (for messages and the
	 * free-form map test) is made from them only when it is needed, not at
	 * every one of the hundreds of objects and items of a seccomp profile.
	 */
	struct key_step *steps;
	size_t n_steps, cap_steps;
	size_t n_items; /* steps that are array items: no free-form map lies below one */
	struct rg_buf path;
	/* Per field: the object (by generation) and member that last named it. */
	unsigned long long generation;
	unsigned long long seen[RG_ARRAY_SIZE(spec_fields)];
	size_t seen_member[RG_ARRAY_SIZE(spec_fields)];
	struct field_memo memo[MEMO_SLOTS];
};

static const struct field_key *key_field(const struct rg_json_member *m)
{
	char folded[64];
	size_t len, hash;

	/* No field name is longer than 63 bytes (go_fold would refuse it too). */
	if (m->key_len >= sizeof(folded) ||
	    !go_fold(m->key, m->key_len, folded, sizeof(folded), &len, &hash))
		return NULL;
	return spec_field_folding_to(folded, len, hash);
}

static bool is_canonical(const struct rg_json_member *m, const char *field)
{
	return strlen(field) == m->key_len && memcmp(field, m->key, m->key_len) == 0;
}

/*
 * The spec field member m names, or NULL, through the walk's memo;
 * *ret_is_canonical: m's key is the field's exact spelling.
 */
static const struct field_key *member_field(struct key_walk *w, const struct rg_json_member *m,
					    bool *ret_is_canonical)
{
	size_t len = m->key_len;
	const struct field_key *f;

	if (len == 0 || len >= sizeof(w->memo[0].key)) {
		f = key_field(m);
		*ret_is_canonical = f && is_canonical(m, f->name);
		return f;
	}
	const unsigned char *k = (const unsigned char *)m->key;
	struct field_memo *e = &w->memo[(len * 31 + k[0] * 7u + k[len - 1]) & (MEMO_SLOTS - 1)];
	if (e->len != len || !rg_mem_eq(e->key, m->key, len)) {
		e->field = key_field(m);
		e->is_canonical = e->field && is_canonical(m, e->field->name);
		memcpy(e->key, m->key, len);
		e->len = len;
	}
	*ret_is_canonical = e->is_canonical;
	return e->field;
}

/* The path of where the walk is (".linux.seccomp.syscalls[3]"; "" at the root), in w->path. */
static const char *walk_path(struct key_walk *w)
{
	rg_buf_truncate(&w->path, 0);
	for (size_t i = 0; i < w->n_steps; i++) {
		const struct key_step *st = &w->steps[i];
		if (st->key) {
			rg_buf_putc(&w->path, '.');
			rg_buf_append(&w->path, st->key, st->n);
		} else {
			rg_buf_put_index(&w->path, st->n);
		}
	}
	return w->path.data;
}

/* Gives member i the field's exact spelling, so runc and runguard read the same key. */
static void rename_member(struct key_walk *w, struct rg_json *obj, size_t i, const char *path,
			  const char *field)
{
	const struct rg_json_member *m = &obj->u.members[i];

	if (w->report) {
		_cleanup_free_ char *where = rg_xasprintf("%s.%s", path, m->key);
		rg_report_change_take(w->report, "keys", where, rg_xasprintf("\"%s\"", m->key),
				      rg_xasprintf("\"%s\"", field));
	}
	rg_json_rename_at(obj, i, field);
}

static int object_keys(struct key_walk *w, struct rg_json *obj, struct rg_error **err)
{
	bool has_variant = false;

	w->generation++;
	for (size_t i = 0; i < obj->n; i++) {
		struct rg_json_member *m = &obj->u.members[i];
		bool is_canon;
		const struct field_key *f = member_field(w, m, &is_canon);
		if (!f)
			continue;
		if (w->is_strict && !is_canon)
			return rg_error_set(err, ENOTUNIQ,
					    "%s: %s.%s: key differs from the spec field \"%s\" "
					    "only by case; runc would read it as \"%s\"",
					    w->name, walk_path(w), m->key, f->name, f->name);
		if (w->seen[f->index] == w->generation) {
			const struct rg_json_member *o = &obj->u.members[w->seen_member[f->index]];
			return rg_error_set(err, ENOTUNIQ,
					    "%s: %s.%s: names the same spec field (\"%s\") as the "
					    "key \"%s\" before it; runc would apply only the last "
					    "of them, refusing",
					    w->name, walk_path(w), m->key, f->name, o->key);
		}
		w->seen[f->index] = w->generation;
		w->seen_member[f->index] = i;
		has_variant = has_variant || !is_canon;
	}
	/* Renamed after the whole object was checked: a refusal leaves the tree as read. */
	const char *path = has_variant && !w->is_strict ? walk_path(w) : "";
	for (size_t i = 0; !w->is_strict && has_variant && i < obj->n; i++) {
		struct rg_json_member *m = &obj->u.members[i];
		bool is_canon;
		const struct field_key *f = member_field(w, m, &is_canon);
		if (f && !is_canon)
			rename_member(w, obj, i, path, f->name);
	}
	return 0;
}

static bool is_container(const struct rg_json *j)
{
	return j->type == RG_JSON_OBJECT || j->type == RG_JSON_ARRAY;
}

/* An object, or an array holding one somewhere: where the walk has keys to check. */
static bool has_keys(const struct rg_json *j)
{
	if (j->type == RG_JSON_OBJECT)
		return true;
	for (size_t i = 0; j->type == RG_JSON_ARRAY && i < j->n; i++)
		if (is_container(j->u.items[i]))
			return true;
	return false;
}

/* Whether the walk is at a free-form map: every map path is made of keys, so none is below an item.
 */
static bool is_at_map(struct key_walk *w)
{
	if (w->n_items)
		return false;
	const char *path = walk_path(w);
	return is_map_path(path, w->path.len);
}

static int walk_keys(struct key_walk *w, struct rg_json *j, struct rg_error **err);

/* Walks child (member key[0..n) when key, else item n) one step down. */
static int walk_child(struct key_walk *w, struct rg_json *child, const char *key, size_t n,
		      struct rg_error **err)
{
	if (w->n_steps == w->cap_steps) {
		w->cap_steps = w->cap_steps ? 2 * w->cap_steps : 16;
		w->steps = rg_xrealloc(w->steps, w->cap_steps * sizeof(*w->steps));
	}
	w->steps[w->n_steps++] = (struct key_step){key, n};
	w->n_items += !key;
	int r = walk_keys(w, child, err);
	w->n_items -= !key;
	w->n_steps--;
	return r;
}

/*
 * Keys are renamed before the walk descends, so the paths below (and the
 * free-form map test) use the spelling runc will read.
 */
static int walk_keys(struct key_walk *w, struct rg_json *j, struct rg_error **err)
{
	int r = 0;

	if (j->type == RG_JSON_OBJECT) {
		if (!is_at_map(w))
			r = object_keys(w, j, err);
		for (size_t i = 0; i < j->n && r == 0; i++) {
			/* Only objects have keys to check: skip the rest without a step. */
			const struct rg_json_member *m = &j->u.members[i];
			if (has_keys(m->value))
				r = walk_child(w, m->value, m->key, m->key_len, err);
		}
	} else if (j->type == RG_JSON_ARRAY) {
		for (size_t i = 0; i < j->n && r == 0; i++)
			if (has_keys(j->u.items[i]))
				r = walk_child(w, j->u.items[i], NULL, i, err);
	}
	return r;
}

static int run_key_walk(struct rg_json *spec, const char *name, struct rg_report *report,
			bool is_strict, struct rg_error **err)
{
	if (!rg_json_is(spec, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: .: expected an object, got %s", name,
				    rg_json_type_name(spec->type));
	_cleanup_free_ struct key_walk *w = rg_xcalloc(1, sizeof(*w));
	w->name = name;
	w->report = report;
	w->is_strict = is_strict;
	rg_buf_puts(&w->path, "");
	int r = walk_keys(w, spec, err);
	rg_buf_free(&w->path);
	free(w->steps);
	return r;
}

int rg_spec_check_keys(const struct rg_json *spec, const char *name, struct rg_error **err)
{
	/* Strict: the walk only reads the tree. */
	return run_key_walk((struct rg_json *)spec, name, NULL, true, err);
}

int rg_spec_canon_keys(struct rg_json *spec, const char *name, struct rg_report *report,
		       struct rg_error **err)
{
	return run_key_walk(spec, name, report, false, err);
}

int rg_spec_canon_keys_at(struct rg_json *obj, const char *const *at, const char *name,
			  struct rg_error **err)
{
	/* obj's members move into a tree shaped like a spec and back: a swap
	 * of the node contents, so the caller's pointer stays valid. */
	_cleanup_json_ struct rg_json *wrap = rg_json_new(RG_JSON_OBJECT);
	struct rg_json *inner = rg_json_new(RG_JSON_OBJECT), *parent = wrap;
	struct rg_json swap = *inner;
	*inner = *obj;
	*obj = swap;
	size_t i = 0;
	for (; at[i + 1]; i++) {
		struct rg_json *next = rg_json_new(RG_JSON_OBJECT);
		rg_json_set(parent, at[i], next);
		parent = next;
	}
	rg_json_set(parent, at[i], inner);
	int r = rg_spec_canon_keys(wrap, name, NULL, err);
	swap = *obj;
	*obj = *inner;
	*inner = swap;
	return r;
}

/* ---- atomic save ---- */

static int emit_spec(int fd, void *ctx)
{
	return rg_json_emit_fd(ctx, true, fd);
}

int rg_spec_save(struct rg_bundle *b, const struct rg_json *spec, struct rg_error **err)
{
	/*
	 * Emitted into the temporary file as it is made: the text is never whole
	 * in memory. Atomic but not synced, like the engine's own write of the
	 * file: a power cut takes the container with it, and the engine that
	 * starts it again calls create again, which judges the bundle afresh
	 * (an empty or cut file is refused as malformed). Two fsyncs were a
	 * tenth of a create's wall time and bought nothing.
	 */
	return rg_file_replace_fill_at(b->dirfd, CONFIG_NAME, b->config_name, &b->config_st, 0,
				       false, emit_spec, (void *)spec, err);
}
