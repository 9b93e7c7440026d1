/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccompDeny rule: a must-deny set that every seccomp profile is made
 * to honour, whatever the engine sent (an old containerd's RuntimeDefault, a
 * hand-written profile, a denylist with defaultAction SCMP_ACT_ALLOW).
 *
 *   "seccompDeny": {"syscalls": ["keyctl", ...], "denyCloneNewUser": true}
 *
 * A syscall is "permitted" when an entry with a permissive action (anything
 * but ERRNO, KILL*, TRAP: ALLOW and LOG run it, TRACE and NOTIFY let another
 * process run it) names it, or when the default action is permissive and no
 * unconditional denying entry names it. fix removes the permitted names
 * from permissive entries (dropping entries left with no names) and adds
 * one SCMP_ACT_ERRNO (EPERM) entry for them; reject refuses the container.
 *
 * clone cannot be denied outright (nothing could fork), only clone with
 * CLONE_NEWUSER in its flags: argument 1 on s390/s390x, 0 elsewhere. runc
 * ANDs the conditions of an entry unless two share an argument index, in
 * which case each condition becomes a rule of its own (OR); an entry
 * allowing clone is rewritten, under those semantics, so that it cannot
 * match a flags value with CLONE_NEWUSER (a masked-eq condition is added or
 * merged into the one on the flags argument; an entry that cannot be so
 * narrowed is dropped), and an ERRNO entry for
 * (flags & CLONE_NEWUSER) == CLONE_NEWUSER is added. clone3 passes its flags
 * in memory, out of the filter's reach: a permitted clone3 is made to fail
 * with ENOSYS, on which libc falls back to clone.
 *
 * libseccomp lets an unconditional rule for a syscall override conditional
 * ones, so the added entries win over any other entry for the same syscall.
 */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "runguard/rule_api.h"
#include "seccomp_deny_caps.h"
#include "runguard/util.h"

#define SC ".linux.seccomp"
#define NEWUSER ((unsigned long long)CLONE_NEWUSER)

static const char *const default_deny[] = {
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "open_by_handle_at",
    "unshare",
};

/* What the rule found wrong in one profile. */
struct findings {
	struct rg_buf list; /* human list of what is permitted */
	const char **names; /* permitted names that need an ERRNO entry */
	size_t n_names;
	bool is_clone_open; /* clone with CLONE_NEWUSER permitted */
	bool needs_clone_rule; /* ... and no ERRNO entry for it yet */
	bool needs_clone3_rule;
	bool is_any;
};

#define ACT_PREFIX "SCMP_ACT_"
#define ACT_PREFIX_LEN (sizeof(ACT_PREFIX) - 1)

/* is_permissive of an action known to begin with ACT_PREFIX; t is what follows it. */
static bool is_permissive_rest(const char *t)
{
	switch (t[0]) {
	case 'E':
		return !rg_streq(t, "ERRNO");
	case 'K':
		return !rg_streq(t, "KILL") && !rg_streq(t, "KILL_THREAD") &&
		       !rg_streq(t, "KILL_PROCESS");
	case 'T':
		return !rg_streq(t, "TRAP");
	default:
		return true;
	}
}

static bool is_permissive(const char *action)
{
	/* Asked of every entry of profiles with hundreds: by hand, not by strcmp calls. */
	if (!action)
		return true;
	for (size_t i = 0; i < ACT_PREFIX_LEN; i++)
		if (action[i] != ACT_PREFIX[i])
			return true;
	return is_permissive_rest(action + ACT_PREFIX_LEN);
}

/*
 * is_permissive of an entry's action member: the prefix in one compare when
 * the text is long enough to hold it (a NUL inside it differs from the
 * prefix, as in is_permissive's loop).
 */
static bool is_permissive_member(const struct rg_json *act)
{
	const char *s = rg_json_str(act);
	if (!s || act->u.s.len < ACT_PREFIX_LEN)
		return is_permissive(s);
	if (memcmp(s, ACT_PREFIX, ACT_PREFIX_LEN) != 0)
		return true;
	return is_permissive_rest(s + ACT_PREFIX_LEN);
}

static const char *entry_action(const struct rg_json *e)
{
	return rg_json_str(rg_json_get(e, "action"));
}

static bool names_has(const struct rg_json *e, const char *name)
{
	const struct rg_json *names = rg_json_get(e, "names");
	size_t len = strlen(name);
	for (size_t i = 0; rg_json_is(names, RG_JSON_ARRAY) && i < names->n; i++) {
		const struct rg_json *s = names->u.items[i];
		if (s->type == RG_JSON_STRING && s->u.s.len == len &&
		    memcmp(s->u.s.text, name, len) == 0)
			return true;
	}
	return false;
}

/* ---- reading the profile ---- */

/* The path of condition k of entry i, for messages (made only on an error). */
#define COND_PATH_FMT SC ".syscalls[%zu].args[%zu]"

static int check_cond(const struct rg_json *c, const char *file, size_t i, size_t k,
		      struct rg_error **err)
{
	static const char *const uint_keys[] = {"index", "value", "valueTwo"};
	unsigned long long v;

	if (!rg_json_is(c, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: " COND_PATH_FMT ": expected an object", file,
				    i, k);
	for (size_t u = 0; u < RG_ARRAY_SIZE(uint_keys); u++) {
		const struct rg_json *j = rg_json_get(c, uint_keys[u]);
		if (j && rg_rule_uint64(j, &v) < 0)
			return rg_error_set(
			    err, EINVAL, "%s: " COND_PATH_FMT ".%s: expected an unsigned integer",
			    file, i, k, uint_keys[u]);
	}
	if (!rg_json_str(rg_json_get(c, "op")))
		return rg_error_set(err, EINVAL, "%s: " COND_PATH_FMT ".op: expected a string",
				    file, i, k);
	if (rg_rule_uint64(rg_json_get(c, "index"), &v) < 0 || v > 5)
		return rg_error_set(err, EINVAL,
				    "%s: " COND_PATH_FMT ".index: expected an argument index 0-5",
				    file, i, k);
	return 0;
}

/* What the rule needs of one entry, read once: profiles have hundreds of entries. */
struct entry_sum {
	const struct rg_json *names; /* the names array, or NULL */
	bool is_perm; /* permissive action */
	bool has_args; /* a non-empty args array */
	bool has_clone; /* names "clone" */
	bool
	    has_denied; /* permissive, and names a name is_denied_name denies (set by name_fates) */
	signed char clone_open; /* is_clone_entry_open, once asked: 1 yes, -1 no; 0 not yet */
};

static bool is_key(const struct rg_json_member *m, const char *key, size_t len)
{
	return m->key_len == len && memcmp(m->key, key, len) == 0;
}

/* The first names, action and args members of entry e (as rg_json_get), in one pass. */
static void entry_members(const struct rg_json *e, const struct rg_json **names,
			  const struct rg_json **act, const struct rg_json **args)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct rg_json_member *m = &e->u.members[i];
		if (!*names && is_key(m, "names", 5))
			*names = m->value;
		else if (!*act && is_key(m, "action", 6))
			*act = m->value;
		else if (!*args && is_key(m, "args", 4))
			*args = m->value;
	}
}

/*
 * Types of what the rule reads: syscalls[], their names, action and args;
 * sums[i] (calls->n of them) gets what entry i is, in the same pass.
 */
static int check_entries(const struct rg_json *calls, const char *file, struct entry_sum *sums,
			 struct rg_error **err)
{
	for (size_t i = 0; i < calls->n; i++) {
		const struct rg_json *e = calls->u.items[i];
		if (!rg_json_is(e, RG_JSON_OBJECT))
			return rg_error_set(
			    err, EINVAL, "%s: " SC ".syscalls[%zu]: expected an object", file, i);
		const struct rg_json *names = NULL, *act = NULL, *args = NULL;
		entry_members(e, &names, &act, &args);
		if (names && names->type != RG_JSON_NULL && names->type != RG_JSON_ARRAY)
			return rg_error_set(err, EINVAL,
					    "%s: " SC ".syscalls[%zu].names: expected an array",
					    file, i);
		for (size_t k = 0; rg_json_is(names, RG_JSON_ARRAY) && k < names->n; k++)
			if (!rg_json_str(names->u.items[k]))
				return rg_error_set(err, EINVAL,
						    "%s: " SC
						    ".syscalls[%zu].names[%zu]: expected a "
						    "string",
						    file, i, k);
		if (act && !rg_json_str(act))
			return rg_error_set(err, EINVAL,
					    "%s: " SC ".syscalls[%zu].action: expected a string",
					    file, i);
		if (args && args->type != RG_JSON_NULL && args->type != RG_JSON_ARRAY)
			return rg_error_set(err, EINVAL,
					    "%s: " SC ".syscalls[%zu].args: expected an array",
					    file, i);
		for (size_t k = 0; rg_json_is(args, RG_JSON_ARRAY) && k < args->n; k++) {
			int r = check_cond(args->u.items[k], file, i, k, err);
			if (r < 0)
				return r;
		}
		struct entry_sum *v = &sums[i];
		v->is_perm = is_permissive_member(act);
		v->has_args = rg_json_is(args, RG_JSON_ARRAY) && args->n > 0;
		v->names = rg_json_is(names, RG_JSON_ARRAY) ? names : NULL;
		for (size_t k = 0; v->names && k < names->n && !v->has_clone; k++) {
			const struct rg_json *n = names->u.items[k];
			v->has_clone = n->u.s.len == 5 && memcmp(n->u.s.text, "clone", 5) == 0;
		}
	}
	return 0;
}

static unsigned long long cond_u64(const struct rg_json *c, const char *key)
{
	unsigned long long v = 0;
	if (rg_rule_uint64(rg_json_get(c, key), &v) < 0)
		v = 0;
	return v;
}

/* What the profile does with one name: an entry permits it, an unconditional denying entry covers
 * it. */
struct name_fate {
	const char *name;
	bool is_allowed;
	bool is_covered;
};

/*
 * The deny list's names, each once in the order first met (borrowed), in a
 * hash table: every name of every entry of the profile is looked up, and a
 * profile written one entry per syscall has hundreds. And whether clone is
 * judged.
 */
struct deny_set {
	const char **names;
	size_t n;
	bool is_clone_on;
	struct deny_slot {
		uint32_t hash;
		uint32_t at; /* 1 + position in names; 0: empty */
	} * slots;
	size_t mask; /* slots - 1, a power of two less one */
	/* A bit per first_two() of the names in the set: most names looked up are
	 * not there, and most of those are told so without a hash. */
	uint64_t first[4];
};

/* The first two bytes of s (a NUL ends it), folded to 0-255. */
static unsigned first_two(const char *s)
{
	unsigned c = (unsigned char)s[0];
	return (c * 31u + (c ? (unsigned char)s[1] : 0u)) & 255u;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Position of name in the set, or -1. */
static ssize_t deny_set_find(const struct deny_set *s, const char *name)
{
	if (!name)
		return -1;
	unsigned k = first_two(name);
	if (!(s->first[k / 64] >> (k % 64) & 1))
		return -1;
	uint32_t hash = name_hash(name);
	for (size_t h = hash & s->mask; s->slots[h].at; h = (h + 1) & s->mask)
		if (s->slots[h].hash == hash && strcmp(s->names[s->slots[h].at - 1], name) == 0)
			return (ssize_t)(s->slots[h].at - 1);
	return -1;
}

static void deny_set_init(struct deny_set *s, const struct rg_json *deny, bool is_clone_on)
{
	size_t n = deny ? deny->n : RG_ARRAY_SIZE(default_deny), slots = 64;
	/* Mostly empty: most names looked up are not there, and a miss ends at a hole. */
	while (slots < 4 * n)
		slots *= 2;
	s->names = rg_xcalloc(n + 1, sizeof(*s->names));
	s->slots = rg_xcalloc(slots, sizeof(*s->slots));
	s->mask = slots - 1;
	s->n = 0;
	memset(s->first, 0, sizeof(s->first));
	s->is_clone_on = is_clone_on;
	for (size_t i = 0; i < n; i++) {
		const char *d = deny ? rg_json_str(deny->u.items[i]) : default_deny[i];
		if (!d || deny_set_find(s, d) >= 0)
			continue;
		uint32_t hash = name_hash(d);
		size_t h = hash & s->mask;
		while (s->slots[h].at)
			h = (h + 1) & s->mask;
		s->slots[h].hash = hash;
		s->slots[h].at = (uint32_t)++s->n;
		unsigned k = first_two(d);
		s->first[k / 64] |= 1ull << (k % 64);
		s->names[s->n - 1] = d;
	}
}

static bool is_denied_name(const char *name, const struct deny_set *s)
{
	if (!name)
		return false;
	if (s->is_clone_on && name[0] == 'c' && rg_streq(name, "clone3"))
		return true;
	return deny_set_find(s, name) >= 0;
}

/*
 * Fills in the fates of the set's names (fates[i] for set->names[i]) and of
 * clone3 (fates[set->n]), and the entries' has_denied, in one pass over the
 * entries.
 */
static void name_fates(const struct rg_json *calls, struct entry_sum *sums,
		       const struct deny_set *set, struct name_fate *fates)
{
	for (size_t i = 0; i < calls->n; i++) {
		const struct rg_json *list = sums[i].names;
		if (!list || list->n == 0)
			continue;
		bool is_perm = sums[i].is_perm;
		if (!is_perm && sums[i].has_args)
			continue;
		for (size_t k = 0; k < list->n; k++) {
			const char *name = rg_json_str(list->u.items[k]);
			ssize_t at = deny_set_find(set, name);
			struct name_fate *hit = at >= 0 ? &fates[at] : NULL;
			if (at < 0 && rg_streq(name, "clone3"))
				hit = &fates[set->n];
			/* As is_denied_name, with the lookup made. */
			sums[i].has_denied |= is_perm && hit && (at >= 0 || set->is_clone_on);
			if (!hit)
				continue;
			if (is_perm)
				hit->is_allowed = true;
			else
				hit->is_covered = true;
		}
	}
}

/* ---- clone ---- */

static struct rg_json *newuser_cond(unsigned idx, unsigned long long datum)
{
	struct rg_json *c = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(c, "index", rg_json_new_uint(idx));
	rg_json_set(c, "value", rg_json_new_uint(NEWUSER));
	rg_json_set(c, "valueTwo", rg_json_new_uint(datum));
	rg_json_set(c, "op", rg_json_new_string("SCMP_CMP_MASKED_EQ"));
	return c;
}

enum cond_fate { COND_SAFE, COND_MERGE, COND_DROP };

/* Whether a condition on the flags argument can let CLONE_NEWUSER through. */
static enum cond_fate cond_fate(const struct rg_json *c)
{
	const char *op = rg_json_str(rg_json_get(c, "op"));
	unsigned long long v = cond_u64(c, "value"), v2 = cond_u64(c, "valueTwo");

	if (rg_streq(op, "SCMP_CMP_EQ"))
		return v & NEWUSER ? COND_DROP : COND_SAFE;
	if (rg_streq(op, "SCMP_CMP_MASKED_EQ")) {
		/* value is the mask, valueTwo the datum (as runc passes them to libseccomp). */
		if ((v2 & ~v) != 0)
			return COND_SAFE; /* never matches */
		if (v & NEWUSER)
			return v2 & NEWUSER ? COND_DROP : COND_SAFE;
		return COND_MERGE;
	}
	if (rg_streq(op, "SCMP_CMP_LT"))
		return v <= NEWUSER ? COND_SAFE : COND_DROP;
	if (rg_streq(op, "SCMP_CMP_LE"))
		return v < NEWUSER ? COND_SAFE : COND_DROP;
	/* NE, GT, GE and anything unknown cannot be narrowed in one condition. */
	return COND_DROP;
}

static bool has_shared_index(const struct rg_json *args)
{
	for (size_t i = 0; i < args->n; i++)
		for (size_t k = i + 1; k < args->n; k++)
			if (cond_u64(args->u.items[i], "index") ==
			    cond_u64(args->u.items[k], "index"))
				return true;
	return false;
}

/*
 * Appends to `out` entries equivalent under runc to the permissive clone-only
 * entry e, except that none can match flags with CLONE_NEWUSER.
 */
static void fix_clone_entry(const struct rg_json *e, unsigned idx, struct rg_json *out)
{
	const struct rg_json *args = rg_json_get(e, "args");
	size_t n = rg_json_is(args, RG_JSON_ARRAY) ? args->n : 0;
	struct rg_json *copy;

	if (n > 1 && has_shared_index(args)) {
		/* runc makes each condition a rule of its own: fix them one by one. */
		for (size_t i = 0; i < n; i++) {
			_cleanup_json_ struct rg_json *one = rg_json_clone(e);
			struct rg_json *a = rg_json_new(RG_JSON_ARRAY);
			rg_json_append(a, rg_json_clone(args->u.items[i]));
			rg_json_set(one, "args", a);
			fix_clone_entry(one, idx, out);
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rg_json *c = args->u.items[i];
		if (cond_u64(c, "index") != idx)
			continue;
		switch (cond_fate(c)) {
		case COND_SAFE:
			rg_json_append(out, rg_json_clone(e));
			return;
		case COND_MERGE:
			copy = rg_json_clone(e);
			rg_json_set(rg_json_get(copy, "args")->u.items[i], "value",
				    rg_json_new_uint(cond_u64(c, "value") | NEWUSER));
			rg_json_append(out, copy);
			return;
		case COND_DROP:
		default:
			return;
		}
	}
	copy = rg_json_clone(e);
	struct rg_json *a = rg_json_get(copy, "args");
	if (!rg_json_is(a, RG_JSON_ARRAY)) {
		a = rg_json_new(RG_JSON_ARRAY);
		rg_json_set(copy, "args", a);
	}
	rg_json_append(a, newuser_cond(idx, 0));
	rg_json_append(out, copy);
}

/* A clone-only copy of e (same action, args, errnoRet...). */
static struct rg_json *clone_only(const struct rg_json *e)
{
	struct rg_json *c = rg_json_clone(e);
	struct rg_json *names = rg_json_new(RG_JSON_ARRAY);
	rg_json_append(names, rg_json_new_string("clone"));
	rg_json_set(c, "names", names);
	return c;
}

/* The permissive entry e lets clone(CLONE_NEWUSER) through. */
static bool is_clone_entry_open(const struct rg_json *e, unsigned idx)
{
	if (!is_permissive(entry_action(e)) || !names_has(e, "clone"))
		return false;
	_cleanup_json_ struct rg_json *only = clone_only(e);
	_cleanup_json_ struct rg_json *fixed = rg_json_new(RG_JSON_ARRAY);
	fix_clone_entry(only, idx, fixed);
	return fixed->n != 1 || !rg_json_equal(fixed->u.items[0], only);
}

/*
 * is_clone_entry_open of entry i, worked out once: it copies and rewrites the
 * entry, and find and fix both ask it (the entry is not changed in between).
 */
static bool entry_clone_open(const struct rg_json *calls, struct entry_sum *sums, size_t i,
			     unsigned idx)
{
	if (!sums[i].clone_open)
		sums[i].clone_open = is_clone_entry_open(calls->u.items[i], idx) ? 1 : -1;
	return sums[i].clone_open > 0;
}

/* A denying entry for clone that is unconditional or exactly our CLONE_NEWUSER rule. */
static bool is_clone_covered(const struct rg_json *calls, const struct entry_sum *sums,
			     unsigned idx)
{
	for (size_t i = 0; i < calls->n; i++) {
		const struct rg_json *e = calls->u.items[i];
		if (sums[i].is_perm || !sums[i].has_clone)
			continue;
		if (!sums[i].has_args)
			return true;
		const struct rg_json *args = rg_json_get(e, "args");
		if (args->n == 1 && cond_u64(args->u.items[0], "index") == idx &&
		    rg_streq(rg_json_str(rg_json_get(args->u.items[0], "op")),
			     "SCMP_CMP_MASKED_EQ") &&
		    cond_u64(args->u.items[0], "value") == NEWUSER &&
		    cond_u64(args->u.items[0], "valueTwo") == NEWUSER)
			return true;
	}
	return false;
}

/* ---- the rule ---- */

static unsigned clone_flags_index(const struct rg_host *h)
{
	const char *a = h->seccomp_arch;
	return a && (rg_streq(a, "SCMP_ARCH_S390X") || rg_streq(a, "SCMP_ARCH_S390")) ? 1 : 0;
}

static void note(struct findings *f, const char *what)
{
	if (f->list.len)
		rg_buf_puts(&f->list, ", ");
	rg_buf_puts(&f->list, what);
	f->is_any = true;
}

static void find(const struct rg_json *calls, struct entry_sum *sums, bool is_default_open,
		 const struct rg_json *deny, const struct deny_set *set, bool is_clone_on,
		 unsigned idx, struct findings *f)
{
	size_t n = deny ? deny->n : RG_ARRAY_SIZE(default_deny);
	_cleanup_free_ struct name_fate *fates = rg_xcalloc(set->n + 1, sizeof(*fates));

	f->names = rg_xcalloc(n + 1, sizeof(*f->names));
	/* The deny list's names in its order, each once (as the set holds them). */
	for (size_t i = 0; i < set->n; i++)
		fates[i].name = set->names[i];
	/* clone3 last: it is reported apart from the list. */
	size_t clone3 = set->n;
	fates[clone3].name = "clone3";
	name_fates(calls, sums, set, fates);
	for (size_t i = 0; i < clone3; i++) {
		const struct name_fate *x = &fates[i];
		if (!x->is_allowed && (!is_default_open || x->is_covered))
			continue;
		note(f, x->name);
		if (!x->is_covered)
			f->names[f->n_names++] = x->name;
	}
	if (!is_clone_on)
		return;
	bool is_clone_covered_ = is_clone_covered(calls, sums, idx);
	for (size_t i = 0; i < calls->n && !f->is_clone_open; i++)
		f->is_clone_open =
		    sums[i].is_perm && sums[i].has_clone && entry_clone_open(calls, sums, i, idx);
	if (is_default_open && !is_clone_covered_)
		f->is_clone_open = true;
	if (f->is_clone_open) {
		note(f, "clone with CLONE_NEWUSER");
		f->needs_clone_rule = !is_clone_covered_;
	}
	const struct name_fate *c3 = &fates[clone3];
	if (c3->is_allowed || (is_default_open && !c3->is_covered)) {
		note(f, "clone3 (its flags are out of the filter's reach)");
		f->needs_clone3_rule = !c3->is_covered;
	}
}

/* A name fix_entry takes out of a permissive entry. */
static bool is_removed_name(const char *n, const struct deny_set *deny, bool is_clone_open)
{
	return is_denied_name(n, deny) || (is_clone_open && n && rg_streq(n, "clone"));
}

/* Every name of the names array goes: the entry is dropped (no copy need be made). */
static bool is_dropped(const struct rg_json *names, const struct deny_set *deny, bool is_clone_open)
{
	if (!rg_json_is(names, RG_JSON_ARRAY) || names->n == 0)
		return false;
	for (size_t i = 0; i < names->n; i++)
		if (!is_removed_name(rg_json_str(names->u.items[i]), deny, is_clone_open))
			return false;
	return true;
}

/*
 * The fixed replacement(s) of permissive entry e (is_clone_open: it lets
 * CLONE_NEWUSER through, and clone is judged), appended to out: names on
 * the deny list removed (the entry dropped when none is left), clone split
 * out and narrowed when it lets CLONE_NEWUSER through.
 */
static void fix_entry(const struct rg_json *e, bool is_clone_open, const struct deny_set *deny,
		      unsigned idx, struct rg_json *out)
{
	if (!is_dropped(rg_json_get(e, "names"), deny, is_clone_open)) {
		/* Some name stays (or none was there): the copy is kept. */
		struct rg_json *copy = rg_json_clone(e);
		struct rg_json *names = rg_json_get(copy, "names");
		for (size_t i = rg_json_is(names, RG_JSON_ARRAY) ? names->n : 0; i-- > 0;)
			if (is_removed_name(rg_json_str(names->u.items[i]), deny, is_clone_open))
				rg_json_array_remove(names, i);
		rg_json_append(out, copy);
	}
	if (is_clone_open) {
		_cleanup_json_ struct rg_json *only = clone_only(e);
		fix_clone_entry(only, idx, out);
	}
}

static struct rg_json *errno_entry(const char **names, size_t n, int errnum)
{
	struct rg_json *e = rg_json_new(RG_JSON_OBJECT);
	struct rg_json *arr = rg_json_new(RG_JSON_ARRAY);

	for (size_t i = 0; i < n; i++)
		rg_json_append(arr, rg_json_new_string(names[i]));
	rg_json_set(e, "names", arr);
	rg_json_set(e, "action", rg_json_new_string("SCMP_ACT_ERRNO"));
	rg_json_set(e, "errnoRet", rg_json_new_uint((unsigned)errnum));
	return e;
}

static void record_entry(struct rg_rule_ctx *ctx, size_t i, const struct rg_json *before,
			 const struct rg_json *after)
{
	/* Without snprintf: a fixed profile records an entry per syscall it fixes. */
	static const char prefix[] = SC ".syscalls";
	char path[sizeof(prefix) + RG_INDEX_MAX];
	memcpy(path, prefix, sizeof(prefix) - 1);
	path[sizeof(prefix) - 1 + rg_put_index(path + sizeof(prefix) - 1, i)] = '\0';
	rg_rule_record(ctx, path, before, after);
}

/* Rewrites the permissive entries and appends the denying ones. */
static void fix(struct rg_json *sc, struct rg_json *calls, struct entry_sum *sums,
		const struct findings *f, const struct deny_set *deny, bool is_clone_on,
		unsigned idx, struct rg_rule_ctx *ctx)
{
	struct rg_json *out = rg_json_new(RG_JSON_ARRAY);

	/* Entries that stay as they are move into out; the others are replaced. */
	for (size_t i = 0; i < calls->n; i++) {
		struct rg_json *e = calls->u.items[i];
		/* A permissive entry naming something denied, or letting clone through. */
		bool is_clone_open = sums[i].is_perm && is_clone_on && sums[i].has_clone &&
				     entry_clone_open(calls, sums, i, idx);
		if (!sums[i].is_perm || (!sums[i].has_denied && !is_clone_open)) {
			rg_json_append(out, e);
			continue;
		}
		size_t at = out->n;
		fix_entry(e, is_clone_open, deny, idx, out);
		if (out->n == at + 1 && rg_json_equal(out->u.items[at], e)) {
			rg_json_free(out->u.items[at]);
			out->u.items[at] = e;
			continue;
		}
		record_entry(ctx, i, e, out->n > at ? out->u.items[at] : NULL);
		for (size_t k = at + 1; k < out->n; k++)
			record_entry(ctx, k, NULL, out->u.items[k]);
		rg_json_free(e);
	}
	calls->n = 0; /* every entry is now out's or freed */
	struct rg_json *add[3] = {NULL, NULL, NULL};
	if (f->n_names > 0)
		add[0] = errno_entry(f->names, f->n_names, EPERM);
	if (f->needs_clone_rule) {
		static const char *const clone_name[] = {"clone"};
		add[1] = errno_entry((const char **)clone_name, 1, EPERM);
		struct rg_json *args = rg_json_new(RG_JSON_ARRAY);
		rg_json_append(args, newuser_cond(idx, NEWUSER));
		rg_json_set(add[1], "args", args);
	}
	if (f->needs_clone3_rule) {
		static const char *const clone3_name[] = {"clone3"};
		add[2] = errno_entry((const char **)clone3_name, 1, ENOSYS);
	}
	for (size_t k = 0; k < RG_ARRAY_SIZE(add); k++) {
		if (!add[k])
			continue;
		record_entry(ctx, out->n, NULL, add[k]);
		rg_json_append(out, add[k]);
	}
	rg_json_set(sc, "syscalls", out);
}

/* The profile's parts the rule reads, with their types checked. */
static int get_profile(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_json **ret_sc,
		       const char **ret_def, struct rg_error **err)
{
	struct rg_json *linux_ = rg_rule_object(spec, "linux", ctx->file, "", false, err);
	if (!linux_ && *err)
		return -EINVAL;
	struct rg_json *sc = rg_json_get(linux_, "seccomp");
	if (sc && sc->type != RG_JSON_NULL && sc->type != RG_JSON_OBJECT)
		return rg_error_set(err, EINVAL, "%s: " SC ": expected an object, got %s",
				    ctx->file, rg_json_type_name(sc->type));
	const struct rg_json *def = rg_json_get(sc, "defaultAction");
	if (def && !rg_json_str(def))
		return rg_error_set(err, EINVAL,
				    "%s: " SC ".defaultAction: expected a string, got %s",
				    ctx->file, rg_json_type_name(def->type));
	const struct rg_json *calls = rg_json_get(sc, "syscalls");
	if (calls && calls->type != RG_JSON_NULL && calls->type != RG_JSON_ARRAY)
		return rg_error_set(err, EINVAL, "%s: " SC ".syscalls: expected an array, got %s",
				    ctx->file, rg_json_type_name(calls->type));
	*ret_sc = rg_json_is(sc, RG_JSON_OBJECT) ? sc : NULL;
	*ret_def = rg_json_str(def);
	return 0;
}

/*
 * The deny list (the setting's, else the built-in one) plus the syscalls
 * only a capability outside the container's bounding set makes useful, as
 * the shipped profile's includes.caps say (src/rules/seccomp_deny_caps.c).
 */
static int merge_cap_only(const struct rg_json *spec, const struct rg_json *deny,
			  struct rg_json **ret, struct rg_error **err)
{
	_cleanup_json_ struct rg_json *out = rg_json_new(RG_JSON_ARRAY);
	size_t n = deny ? deny->n : RG_ARRAY_SIZE(default_deny);
	for (size_t i = 0; i < n; i++)
		rg_json_append(out, deny ? rg_json_clone(deny->u.items[i])
					 : rg_json_new_string(default_deny[i]));
	const struct rg_json *bounding =
	    rg_json_get(rg_json_get(rg_json_get(spec, "process"), "capabilities"), "bounding");
	int r = rg_seccomp_cap_only_names(bounding, out, err);
	if (r < 0)
		return r;
	*ret = steal_ptr(&out);
	return 0;
}

/* Whether the seccomp rule replaced linux.seccomp with runguard's own profile in this run. */
static bool is_own_default(const struct rg_rule_ctx *ctx)
{
	for (size_t i = 0; i < ctx->report->n_changes; i++) {
		const struct rg_change *c = &ctx->report->changes[i];
		if (rg_streq(c->rule, "seccomp") && rg_streq(c->path, SC))
			return true;
	}
	return false;
}

static int seccomp_deny_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	const struct rg_json *deny = rg_json_get(ctx->settings, "syscalls");
	const struct rg_json *dc = rg_json_get(ctx->settings, "denyCloneNewUser");
	bool is_clone_on = !dc || dc->type == RG_JSON_TRUE;
	unsigned idx = clone_flags_index(ctx->host);
	struct rg_json *sc = NULL;
	const char *def = NULL;
	_cleanup_json_ struct rg_json *none = rg_json_new(RG_JSON_ARRAY);

	if (!rg_json_is(deny, RG_JSON_ARRAY))
		deny = NULL;
	int r = get_profile(spec, ctx, &sc, &def, err);
	if (r < 0)
		return r;
	const struct rg_json *calls = rg_json_get(sc, "syscalls");
	if (!rg_json_is(calls, RG_JSON_ARRAY))
		calls = none;
	_cleanup_free_ struct entry_sum *sums = rg_xcalloc(calls->n + 1, sizeof(*sums));
	r = check_entries(calls, ctx->file, sums, err);
	if (r < 0)
		return r;
	/*
	 * No profile, or runc's "disabled" (no default action, no syscalls):
	 * no filter to hold to the set. Filling that gap is the seccomp rule's
	 * job; with it off, the operator chose no seccomp.
	 */
	if (!sc || ((!def || !*def) && calls->n == 0))
		return 0;
	_cleanup_json_ struct rg_json *merged = NULL;
	const struct rg_json *by_cap = rg_json_get(ctx->settings, "denyByCapability");
	/*
	 * The default profile the seccomp rule has just put in is already
	 * resolved for the container's final capabilities: the cap-only set
	 * is for a profile the engine sent.
	 */
	if ((!by_cap || by_cap->type == RG_JSON_TRUE) && !is_own_default(ctx)) {
		r = merge_cap_only(spec, deny, &merged, err);
		if (r < 0)
			return r;
		deny = merged;
	}
	/* An empty default action with rules fails in runc; read it as allowing. */
	bool is_default_open = is_permissive(def);
	struct findings f = {0};
	struct deny_set set;
	deny_set_init(&set, deny, is_clone_on);
	find(calls, sums, is_default_open, deny, &set, is_clone_on, idx, &f);
	if (f.is_any &&
	    rg_rule_may_fix(ctx, SC, "seccomp profile permits syscalls that must be denied: %s",
			    f.list.data)) {
		if (!def || !*def) {
			struct rg_json *after = rg_json_new_string("SCMP_ACT_ALLOW");
			rg_rule_record(ctx, SC ".defaultAction", rg_json_get(sc, "defaultAction"),
				       after);
			rg_json_set(sc, "defaultAction", after);
		}
		if (!rg_json_is(rg_json_get(sc, "syscalls"), RG_JSON_ARRAY))
			rg_json_set(sc, "syscalls", rg_json_new(RG_JSON_ARRAY));
		/* calls is that array (or the empty `none`, and the array new and empty). */
		fix(sc, rg_json_get(sc, "syscalls"), sums, &f, &set, is_clone_on, idx, ctx);
	}
	free(set.names);
	free(set.slots);
	rg_buf_free(&f.list);
	free(f.names);
	return r;
}

static int seccomp_deny_check(const struct rg_json *settings, const char *file, const char *path,
			      struct rg_error **err)
{
	static const char *const keys[] = {"syscalls", "denyCloneNewUser", "denyByCapability",
					   NULL};
	int r = rg_settings_only(settings, keys, file, path, err);
	if (r < 0)
		return r;
	for (size_t i = 1; i < 3; i++) {
		const struct rg_json *b = rg_json_get(settings, keys[i]);
		if (b && !rg_json_is_bool(b))
			return rg_error_set(err, EINVAL, "%s: %s.%s: expected a boolean", file,
					    path, keys[i]);
	}
	const struct rg_json *calls = NULL;
	r = rg_settings_array(settings, "syscalls", "syscall names", file, path, &calls, err);
	if (r < 0 || !calls)
		return r;
	for (size_t i = 0; i < calls->n; i++) {
		const struct rg_json *j = calls->u.items[i];
		const char *n = rg_json_str(j);
		if (!n || strlen(n) != j->u.s.len)
			return rg_error_set(err, EINVAL,
					    "%s: %s.syscalls[%zu]: expected a syscall name", file,
					    path, i);
		if (rg_streq(n, "clone") || rg_streq(n, "clone3"))
			return rg_error_set(err, EINVAL,
					    "%s: %s.syscalls[%zu]: '%s' cannot be denied outright "
					    "(nothing could start a process or thread); "
					    "denyCloneNewUser covers clone with CLONE_NEWUSER",
					    file, path, i, n);
		if (seccomp_syscall_resolve_name(n) == __NR_SCMP_ERROR)
			return rg_error_set(err, EINVAL,
					    "%s: %s.syscalls[%zu]: unknown syscall '%s'", file,
					    path, i, n);
	}
	return 0;
}

const struct rg_rule rg_rule_seccomp_deny = {"seccompDeny", seccomp_deny_check, seccomp_deny_apply};
