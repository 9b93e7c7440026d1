/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The update path: the values `update` asks for are put into a partial
 * spec, {"linux": {"resources": ...}}, and the resources rule (the one
 * create runs, with the same settings) judges them there. What it would
 * change is written back where update got it: a flag's value in the argv,
 * a member of the --resources JSON (handed on in a sealed memfd). devices
 * get the devices rule the same way.
 *
 * runc's semantics (update.go, runc 1.1): a value of 0 leaves the limit as
 * it is; with --resources all other flags are ignored (runc) or applied
 * too (crun), so both are checked; a quota without a period keeps the
 * period the container has, and the other way round.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runguard/argfile.h"
#include "runguard/container.h"
#include "runguard/partial.h"
#include "runguard/rule_api.h"
#include "runguard/spec.h"
#include "runguard/update.h"
#include "runguard/util.h"

#define RES ".linux.resources"
#define KERNEL_PERIOD 100000LL /* the cfs period when none was set */

/* ---- runc's number syntaxes ---- */

int rg_update_parse_ram(const char *s, long long *ret, bool *ret_over)
{
	static const char units[] = "kmgtp";
	const char *p = s;

	*ret_over = false;
	if (rg_streq(s, "-1")) {
		*ret = -1;
		return 0;
	}
	/* ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$, then ParseFloat (which rejects "1.2.3"). */
	if (*p < '0' || *p > '9')
		return -EINVAL;
	p += strspn(p, "0123456789");
	if (*p == '.') {
		size_t f = strspn(p + 1, "0123456789");
		if (f == 0)
			return -EINVAL;
		p += 1 + f;
	}
	_cleanup_free_ char *num = rg_xstrndup(s, (size_t)(p - s));
	if (*p == ' ')
		p++;
	double mult = 1;
	const char *u = *p ? strchr(units, *p | 0x20) : NULL;
	if (u && *u) {
		for (const char *k = units; k <= u; k++)
			mult *= 1024;
		p++;
	}
	if (*p == 'i' || *p == 'I')
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		return -EINVAL;
	/* The same double arithmetic as Go: ParseFloat, multiply, int64(). */
	double v = strtod(num, NULL) * mult;
	*ret_over = !(v < 9223372036854775808.0);
	*ret = *ret_over ? LLONG_MAX : (long long)v;
	return 0;
}

/* Digits only, as an unsigned decimal (strconv.ParseUint(s, 10, 64)). */
static bool parse_uint10(const char *s, unsigned long long *ret)
{
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	*ret = strtoull(s, NULL, 10);
	return errno == 0;
}

/* strconv.ParseInt(s, base, 64) for base 10, or 0 (0x, 0o, 0b, leading 0). No '_'. */
static bool parse_int(const char *s, bool any_base, long long *ret)
{
	const char *p = s + (*s == '+' || *s == '-');
	int base = 10;
	const char *digits = p;

	if (any_base && p[0] == '0' && p[1]) {
		char b = (char)(p[1] | 0x20);
		base = b == 'x' ? 16 : b == 'o' ? 8 : b == 'b' ? 2 : 8;
		digits = p + (b == 'x' || b == 'o' || b == 'b' ? 2 : 1);
	}
	static const char *const sets[] = {"01", "01234567", "0123456789",
					   "0123456789abcdefABCDEF"};
	const char *set = sets[base == 2 ? 0 : base == 8 ? 1 : base == 10 ? 2 : 3];
	if (!*digits || strspn(digits, set) != strlen(digits))
		return false;
	errno = 0;
	unsigned long long m = strtoull(digits, NULL, base);
	if (errno || m > (unsigned long long)LLONG_MAX + (*s == '-'))
		return false;
	*ret = *s == '-' ? (long long)(0 - m) : (long long)m;
	return true;
}

/* ---- the partial spec ---- */

/* A value update asks to set, and where the resources rule reports on it. */
struct slot {
	const char *group; /* "memory", "cpu", "pids" or "unified" */
	char *key; /* member, or the unified file name */
	char *shown; /* how the input names it: "--memory", ".memory.limit" */
	const struct rg_cli_flag *flag; /* flags: the one to rewrite */
	bool is_derived; /* the container's quota, checked against a new period */
	struct rg_json *after; /* what fix sets, or NULL */
};

struct partial {
	struct rg_json *spec;
	struct rg_json *res; /* borrowed from spec */
	struct slot *slots;
	size_t n;
};

static void partial_init(struct partial *pt)
{
	*pt = (struct partial){.spec = rg_json_new(RG_JSON_OBJECT)};
	struct rg_json *linux_ = rg_json_new(RG_JSON_OBJECT);
	pt->res = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(linux_, "resources", pt->res);
	rg_json_set(pt->spec, "linux", linux_);
}

static void partial_free(struct partial *pt)
{
	for (size_t i = 0; i < pt->n; i++) {
		free(pt->slots[i].key);
		free(pt->slots[i].shown);
		rg_json_free(pt->slots[i].after);
	}
	free(pt->slots);
	rg_json_free(pt->spec);
	*pt = (struct partial){0};
}

/* Sets res.<group>.<key> = value (owned); with `shown`, also a slot to judge. */
static void put(struct partial *pt, const char *group, const char *key, struct rg_json *value,
		const char *shown, const struct rg_cli_flag *flag, bool is_derived)
{
	struct rg_json *g = rg_json_get(pt->res, group);
	if (!g) {
		g = rg_json_new(RG_JSON_OBJECT);
		rg_json_set(pt->res, group, g);
	}
	rg_json_set(g, key, value);
	if (!shown)
		return;
	pt->slots = rg_xrealloc(pt->slots, (pt->n + 1) * sizeof(*pt->slots));
	pt->slots[pt->n++] = (struct slot){.group = group,
					   .key = rg_xstrdup(key),
					   .shown = rg_xstrdup(shown),
					   .flag = flag,
					   .is_derived = is_derived};
}

static void put_number(struct partial *pt, const char *group, const char *key, long long v,
		       const char *shown, const struct rg_cli_flag *flag, bool is_derived)
{
	char text[32];
	snprintf(text, sizeof(text), "%lld", v);
	put(pt, group, key, rg_json_new_number(text), shown, flag, is_derived);
}

static char *slot_path(const struct slot *s)
{
	if (rg_streq(s->group, "unified"))
		return rg_xasprintf(RES ".unified[\"%s\"]", s->key);
	return rg_xasprintf(RES ".%s.%s", s->group, s->key);
}

/* Runs the resources rule and sorts its findings into the slots and x->report. */
static int judge(const struct rg_update_check *x, struct partial *pt, const char *file,
		 struct rg_error **err)
{
	struct rg_report tmp = {0};
	int r = rg_partial_run(x->policy, x->host, "resources", pt->spec, file, &tmp, err);

	for (size_t i = 0; r == 0 && i < pt->n; i++) {
		struct slot *s = &pt->slots[i];
		_cleanup_free_ char *path = slot_path(s);
		if (s->is_derived) {
			/* Nothing asked for can be clamped: refuse, whatever the action. */
			for (size_t k = 0; k < tmp.n_changes + tmp.n_violations; k++) {
				bool is_change = k < tmp.n_changes;
				const char *p = is_change ? tmp.changes[k].path
							  : tmp.violations[k - tmp.n_changes].path;
				if (rg_streq(p, path)) {
					rg_report_violation(
					    x->report, "resources", s->shown,
					    "with the container's cpu quota, this period gives "
					    "more "
					    "CPU than the maximum; give the quota too");
					break;
				}
			}
			continue;
		}
		size_t before = x->report->n_changes;
		rg_partial_take(x->report, &tmp, path, s->shown);
		if (x->report->n_changes > before)
			s->after =
			    rg_json_clone(rg_json_get(rg_json_get(pt->res, s->group), s->key));
	}
	rg_report_free(&tmp);
	return r;
}

/* The container's linux.resources.cpu.<key>, or 0. */
static long long container_cpu(const struct rg_update_check *x, const char *key)
{
	long long v = 0;
	const struct rg_json *cpu =
	    rg_json_get(rg_json_get(rg_json_get(x->container, "linux"), "resources"), "cpu");
	return rg_json_int64(rg_json_get(cpu, key), &v) == 0 ? v : 0;
}

/* The container's linux.resources.memory.swap from its config.json, or 0. */
static long long container_swap(const struct rg_update_check *x)
{
	long long v = 0;
	const struct rg_json *mem =
	    rg_json_get(rg_json_get(rg_json_get(x->container, "linux"), "resources"), "memory");
	return rg_json_int64(rg_json_get(mem, "swap"), &v) == 0 ? v : 0;
}

/*
 * The memory part. With a limit of -1 the rule sets its default, which must
 * stay under the memory+swap limit that will apply, else runc fails
 * (memory.limit_in_bytes: invalid argument): the update's own swap; with
 * none, -1 where the host limits memory+swap (runc's own reading, which
 * runguard then hands over: see has_memsw), else the one the container has.
 */
static void put_memory(const struct rg_update_check *x, struct partial *pt, long long limit,
		       long long swap, const char *shown, const struct rg_cli_flag *flag)
{
	if (limit == 0)
		return;
	put_number(pt, "memory", "limit", limit, shown, flag, false);
	if (swap == 0 && limit < 0)
		swap = x->has_memsw ? -1 : container_swap(x);
	if (swap != 0)
		put_number(pt, "memory", "swap", swap, NULL, NULL, false);
}

/* The cpu part: a quota is judged over the period that will apply. */
static void put_cpu(const struct rg_update_check *x, struct partial *pt, long long quota,
		    long long period, long long shares, const char *const shown[3],
		    const struct rg_cli_flag *const flags[3])
{
	long long have = container_cpu(x, "period");
	long long eff = period > 0 ? period : have > 0 ? have : KERNEL_PERIOD;
	long long have_quota = container_cpu(x, "quota");

	if (quota != 0 || period > 0 || shares != 0)
		put_number(pt, "cpu", "period", eff, NULL, NULL, false);
	if (quota != 0)
		put_number(pt, "cpu", "quota", quota, shown[0], flags[0], false);
	else if (period > 0 && have_quota > 0)
		put_number(pt, "cpu", "quota", have_quota, shown[1], flags[1], true);
	if (shares != 0)
		put_number(pt, "cpu", "shares", shares, shown[2], flags[2], false);
}

/* ---- flags ---- */

enum { F_MEMORY, F_SWAP, F_QUOTA, F_PERIOD, F_SHARES, F_PIDS, F_N };
static const char *const judged_flags[F_N] = {"memory",	    "memory-swap", "cpu-quota",
					      "cpu-period", "cpu-share",   "pids-limit"};

static int parse_flag(int which, const char *value, long long *ret)
{
	unsigned long long u;
	bool over;

	switch (which) {
	case F_MEMORY:
	case F_SWAP:
		return rg_update_parse_ram(value, ret, &over);
	case F_QUOTA:
		return parse_int(value, false, ret) ? 0 : -EINVAL;
	case F_PIDS:
		return parse_int(value, true, ret) ? 0 : -EINVAL;
	case F_PERIOD:
	case F_SHARES:
	default:
		if (!parse_uint10(value, &u))
			return -EINVAL;
		*ret = u > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)u;
		return 0;
	}
}

/* Writes the clamped value where the flag's value was: "--memory=X" or the next item. */
static void rewrite_flag(struct rg_argv *a, const struct slot *s)
{
	rg_argfile_set_value(a, s->flag, s->after->u.s.text);
}

int rg_update_check_flags(const struct rg_update_check *x, const struct rg_cli_flag *flags,
			  size_t n, struct rg_argv *a, struct rg_error **err)
{
	const struct rg_cli_flag *last[F_N] = {0};
	long long v[F_N] = {0};
	struct partial pt;

	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < F_N; k++)
			if (rg_streq(flags[i].name, judged_flags[k]))
				last[k] = &flags[i]; /* the last one wins */
	for (int k = 0; k < F_N; k++)
		if (last[k] && parse_flag(k, last[k]->value, &v[k]) < 0)
			return rg_error_set(err, EINVAL,
					    "update --%s '%s': not a value runc accepts",
					    judged_flags[k], last[k]->value);
	partial_init(&pt);
	put_memory(x, &pt, v[F_MEMORY], v[F_SWAP], "--memory", last[F_MEMORY]);
	const char *const shown[3] = {"--cpu-quota", "--cpu-period", "--cpu-share"};
	const struct rg_cli_flag *const cf[3] = {last[F_QUOTA], last[F_PERIOD], last[F_SHARES]};
	put_cpu(x, &pt, v[F_QUOTA], v[F_PERIOD], v[F_SHARES], shown, cf);
	if (v[F_PIDS] != 0)
		put_number(&pt, "pids", "limit", v[F_PIDS], "--pids-limit", last[F_PIDS], false);
	int r = judge(x, &pt, "update", err);
	for (size_t i = 0; r == 0 && i < pt.n; i++)
		if (pt.slots[i].after)
			rewrite_flag(a, &pt.slots[i]);
	partial_free(&pt);
	if (r == 0 && x->has_memsw && v[F_MEMORY] < 0 && !last[F_SWAP])
		rg_argv_insert_after(a, last[F_MEMORY]->value_index, "--memory-swap=-1");
	return r;
}

/* ---- the --resources JSON ---- */

/* res.<group>.<key> as an integer; absent, null or 0 leave *ret 0. */
static int get_value(const struct rg_json *res, const char *group, const char *key,
		     bool is_unsigned, const char *name, long long *ret, struct rg_error **err)
{
	const struct rg_json *g = rg_json_get(res, group);
	const struct rg_json *j = rg_json_get(g, key);
	unsigned long long u;

	*ret = 0;
	if (g && g->type != RG_JSON_OBJECT && g->type != RG_JSON_NULL)
		return rg_error_set(err, EINVAL, "%s: .%s: expected an object, got %s", name, group,
				    rg_json_type_name(g->type));
	if (!j || j->type == RG_JSON_NULL)
		return 0;
	if (!is_unsigned && rg_json_int64(j, ret) == 0)
		return 0;
	if (is_unsigned && rg_rule_uint64(j, &u) == 0) {
		*ret = u > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)u;
		return 0;
	}
	_cleanup_free_ char *shown = rg_json_brief(j);
	return rg_error_set(err, EINVAL, "%s: .%s.%s: expected %s integer, got %s", name, group,
			    key, is_unsigned ? "an unsigned" : "an", shown);
}

/* Writes a fixed value back into the caller's JSON. */
static void write_back(struct rg_json *res, const struct slot *s)
{
	struct rg_json *g = rg_json_get(res, s->group);
	if (!rg_json_is(g, RG_JSON_OBJECT)) {
		g = rg_json_new(RG_JSON_OBJECT);
		rg_json_set(res, s->group, g);
	}
	rg_json_set(g, s->key, rg_json_clone(s->after));
}

/*
 * The members of a LinuxResources (runtime-spec 1.1) that runc 1.1 or crun
 * 1.8 apply on update. memory.limit, cpu.quota/period/shares, pids.limit
 * and unified are judged by the resources rule, devices by the devices
 * rule, as at create; the rest (swap, reservations, kernel memory,
 * swappiness, OOM killer, cpusets, realtime, idle, burst, blockIO,
 * hugepageLimits, network, rdma) has no rule at create either and passes
 * as it does there. Any other member is refused: it cannot be judged.
 */
static const char *const known_groups[] = {
    "devices",	      "memory",	 "cpu",	 "pids",    "blockIO",
    "hugepageLimits", "network", "rdma", "unified", NULL};
static const char *const known_memory[] = {"limit",
					   "reservation",
					   "swap",
					   "kernel",
					   "kernelTCP",
					   "swappiness",
					   "disableOOMKiller",
					   "useHierarchy",
					   "checkBeforeUpdate",
					   NULL};
static const char *const known_cpu[] = {
    "shares",	      "quota", "burst", "period", "realtimeRuntime",
    "realtimePeriod", "cpus",  "mems",	"idle",	  NULL};
static const char *const known_pids[] = {"limit", NULL};

static bool is_listed(const char *key, const char *const *keys)
{
	for (size_t i = 0; keys[i]; i++)
		if (rg_streq(key, keys[i]))
			return true;
	return false;
}

static int check_members(const struct rg_json *obj, const char *const *keys, const char *name,
			 const char *path, struct rg_error **err)
{
	for (size_t i = 0; rg_json_is(obj, RG_JSON_OBJECT) && i < obj->n; i++)
		if (!is_listed(obj->u.members[i].key, keys))
			return rg_error_set(err, EINVAL,
					    "%s: %s.%s: not a member of linux.resources runguard "
					    "knows; refusing, it cannot be judged",
					    name, path, obj->u.members[i].key);
	return 0;
}

static int check_known(const struct rg_json *res, const char *name, struct rg_error **err)
{
	int r = check_members(res, known_groups, name, "", err);
	if (r == 0)
		r = check_members(rg_json_get(res, "memory"), known_memory, name, ".memory", err);
	if (r == 0)
		r = check_members(rg_json_get(res, "cpu"), known_cpu, name, ".cpu", err);
	if (r == 0)
		r = check_members(rg_json_get(res, "pids"), known_pids, name, ".pids", err);
	return r;
}

/*
 * devices: crun applies the list on update (a new device cgroup), runc
 * 1.1 does not; either way it gets the devices rule as at create. What
 * fix changes replaces the caller's list.
 */
static int check_devices(const struct rg_update_check *x, struct rg_json *res, const char *name,
			 struct rg_error **err)
{
	const struct rg_json *devs = rg_json_get(res, "devices");
	if (!devs || devs->type == RG_JSON_NULL)
		return 0;
	_cleanup_json_ struct rg_json *spec = rg_json_new(RG_JSON_OBJECT);
	struct rg_json *linux_ = rg_json_new(RG_JSON_OBJECT);
	struct rg_json *pres = rg_json_new(RG_JSON_OBJECT);
	rg_json_set(pres, "devices", rg_json_clone(devs));
	rg_json_set(linux_, "resources", pres);
	rg_json_set(spec, "linux", linux_);
	struct rg_report tmp = {0};
	int r = rg_partial_run(x->policy, x->host, "devices", spec, name, &tmp, err);
	if (r == 0) {
		rg_partial_take_all(x->report, &tmp, RES);
		if (tmp.n_changes)
			rg_json_set(res, "devices", rg_json_clone(rg_json_get(pres, "devices")));
	}
	rg_report_free(&tmp);
	return r;
}

int rg_update_check_resources(const struct rg_update_check *x, struct rg_json *res,
			      const char *name, struct rg_error **err)
{
	static const struct {
		const char *group, *key;
		bool is_unsigned;
	} members[] = {
	    {"memory", "limit", false}, {"memory", "swap", false}, {"cpu", "quota", false},
	    {"cpu", "period", true},	{"cpu", "shares", true},   {"pids", "limit", false},
	};
	long long v[RG_ARRAY_SIZE(members)];
	struct partial pt;

	if (!rg_json_is(res, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: .: expected an object, got %s", name,
				    rg_json_type_name(res->type));
	/*
	 * Go matches keys case-insensitively: a lone "Memory" is runc's "memory",
	 * judged (and, if changed, handed over) as that; two spellings refuse.
	 */
	static const char *const at[] = {"linux", "resources", NULL};
	int r = rg_spec_canon_keys_at(res, at, name, err);
	if (r == 0)
		r = check_known(res, name, err);
	for (size_t i = 0; r == 0 && i < RG_ARRAY_SIZE(members); i++)
		r = get_value(res, members[i].group, members[i].key, members[i].is_unsigned, name,
			      &v[i], err);
	const struct rg_json *unified = rg_json_get(res, "unified");
	if (r == 0 && unified && !rg_json_is(unified, RG_JSON_OBJECT) &&
	    unified->type != RG_JSON_NULL)
		r = rg_error_set(err, EINVAL, "%s: .unified: expected an object, got %s", name,
				 rg_json_type_name(unified->type));
	if (r < 0)
		return r;

	partial_init(&pt);
	put_memory(x, &pt, v[0], v[1], ".memory.limit", NULL);
	const char *const shown[3] = {".cpu.quota", ".cpu.period", ".cpu.shares"};
	const struct rg_cli_flag *const none[3] = {NULL, NULL, NULL};
	put_cpu(x, &pt, v[2], v[3], v[4], shown, none);
	if (v[5] != 0)
		put_number(&pt, "pids", "limit", v[5], ".pids.limit", NULL, false);
	for (size_t i = 0; rg_json_is(unified, RG_JSON_OBJECT) && i < unified->n; i++) {
		const struct rg_json_member *m = &unified->u.members[i];
		_cleanup_free_ char *sh = rg_xasprintf(".unified[\"%s\"]", m->key);
		put(&pt, "unified", m->key, rg_json_clone(m->value), sh, NULL, false);
	}
	r = judge(x, &pt, name, err);
	for (size_t i = 0; r == 0 && i < pt.n; i++)
		if (pt.slots[i].after)
			write_back(res, &pt.slots[i]);
	partial_free(&pt);
	if (r == 0 && x->has_memsw && v[0] < 0 && v[1] == 0)
		rg_json_set(rg_json_get(res, "memory"), "swap", rg_json_new_number("-1"));
	return r < 0 ? r : check_devices(x, res, name, err);
}

/* ---- the update path ---- */

struct resources_input {
	bool is_stdin;
	char *text; /* what was read, once */
	size_t len;
	struct rg_json *json;
};

static int load_resources(const char *path, struct resources_input *in, struct rg_error **err)
{
	int r;

	in->is_stdin = rg_streq(path, "-");
	if (in->is_stdin)
		r = rg_argfile_read_fd(STDIN_FILENO, "update -r -", RG_JSON_MAX_SIZE, &in->text,
				       &in->len, err);
	else
		r = rg_argfile_read(path, "update --resources", RG_JSON_MAX_SIZE, &in->text,
				    &in->len, err);
	if (r < 0)
		return r;
	in->json = rg_json_parse(in->text, in->len, in->is_stdin ? "update -r -" : path, NULL, err);
	return in->json ? 0 : -EINVAL;
}

/*
 * Hands the runtime what was judged, in a sealed memfd: as its stdin for
 * `-r -`, else as /proc/self/fd/N in place of the file's name. The bytes
 * read, or the enforced JSON when a fix changed it.
 */
static int deliver_resources(struct resources_input *in, bool is_changed,
			     const struct rg_cli_flag *flag, const char *runtime, struct rg_argv *a,
			     struct rg_error **err)
{
	size_t len = in->len;
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;

	if (is_changed) {
		text = rg_json_emit(in->json, false, &len);
		text = rg_xrealloc(text, len + 2);
		text[len++] = '\n';
		text[len] = '\0';
	}
	int r = rg_argfile_sealed("runguard-resources", text ? text : in->text, len, 3, runtime,
				  &fd, err);
	if (r < 0)
		return r;
	if (!in->is_stdin) {
		r = rg_argfile_hand_over(a, flag, fd, err);
		fd = -1; /* the runtime's now */
		return r;
	}
	/* dup2 leaves the new fd 0 without O_CLOEXEC: the runtime inherits it. */
	if (dup2(fd, STDIN_FILENO) < 0)
		return rg_error_set(err, errno, "update -r -: %s", strerror(errno));
	return 0;
}

int rg_update_guard(const struct rg_cli *cli, int argc, char *const argv[],
		    const struct rg_config *cfg, const char *runtime, struct rg_decision *d,
		    struct rg_argv *ret_argv, struct rg_error **err)
{
	struct rg_container c = {0};
	struct resources_input in = {0};
	_cleanup_free_ struct rg_cli_flag *flags = NULL;
	_cleanup_free_ char *what = rg_xasprintf("update %s", cli->container_id);
	struct rg_host host;
	size_t n = 0, n_flag_changes = 0;
	bool is_apply = false;

	rg_argv_init(ret_argv, argc, argv);
	int r = rg_partial_begin(runtime, cli, cfg, cli->resources, &c, d, &host, err);
	if (r < 0)
		goto out;
	const struct rg_update_check x = {
	    &d->policy, &host, c.spec, &d->report,
	    access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0};
	r = rg_cli_flags(argc, argv, cli, &flags, &n, err);
	if (r == 0)
		r = rg_update_check_flags(&x, flags, n, ret_argv, err);
	n_flag_changes = d->report.n_changes;
	if (r == 0 && cli->resources)
		r = load_resources(cli->resources, &in, err);
	if (r == 0 && cli->resources)
		r = rg_update_check_resources(&x, in.json, in.is_stdin ? "-r -" : cli->resources,
					      err);
	if (r == 0)
		r = rg_partial_conclude(d, what, &is_apply, err);
	if (!is_apply) {
		/* Refused, failed or a dry run: the runtime gets the argv as it came. */
		rg_argv_free(ret_argv);
		rg_argv_init(ret_argv, argc, argv);
	}
	if (r == 0 && cli->resources)
		r = deliver_resources(&in, is_apply && d->report.n_changes > n_flag_changes,
				      rg_argfile_flag(flags, n, "resources"), runtime, ret_argv,
				      err);
out:
	if (r < 0 && !rg_streq(d->verdict, "rejected"))
		d->verdict = "error";
	free(in.text);
	rg_json_free(in.json);
	rg_container_free(&c);
	return r;
}
