/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The resources rule: cgroup limits for memory, CPU and pids, so that one
 * container cannot take the node down (a fork bomb, a memory leak, a busy
 * loop on every core).
 *
 * For each resource the policy has a default (set when the spec asks for
 * no limit: absent, null, 0 or negative, which runc reads as "unlimited")
 * and a maximum (a limit above it is clamped by fix, refused by reject).
 * Either may be an absolute amount or a percentage of the host's total
 * (memory, online CPUs, kernel.pid_max), or null for "none":
 *
 *   "resources": {
 *     "memory": {"default": "50%", "max": "100%"},       bytes, "512M", "2G", "NN%"
 *     "cpu": {"default": "50%", "max": "100%",            CPUs (1, 0.5) or "NN%"
 *             "period": 100000,                           for a quota runguard sets
 *             "shares": {"default": 1024, "max": 1024}},  optional
 *     "pids": {"default": 2048, "max": "100%"}            count or "NN%"
 *   }
 *
 * A default given as a percentage of the CPUs is at least one CPU. A default
 * is never above the maximum. linux.resources.unified (cgroup v2 files,
 * which runc writes after, and so over, the fields above) is held to the
 * same maxima: memory.max, pids.max, cpu.max and, with a shares maximum,
 * cpu.weight.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resources_cgpath.h"
#include "runguard/rule_api.h"
#include "runguard/util.h"

#define RES ".linux.resources"
#define KERNEL_PERIOD 100000ULL /* cfs period the kernel uses when none is set */
#define MIN_PERIOD 1000ULL
#define MAX_PERIOD 1000000ULL
#define MIN_SHARES 2ULL
#define MAX_SHARES 262144ULL
#define MAX_CPUS 1000000ULL /* a bound for settings, in whole CPUs */
#define PAGE 4096ULL /* percentages of memory are rounded down to this */
#define DEFAULT_PIDS 2048 /* as podman */

enum unit { UNIT_BYTES, UNIT_CPUS, UNIT_COUNT };
enum kind { KIND_NONE, KIND_ABS, KIND_PCT };

/* A setting: an absolute amount (bytes, millicpus, pids), a percentage, or none. */
struct amount {
	enum kind kind;
	unsigned long long v;
};

/* A resource's default and maximum, resolved against the host. */
struct bounds {
	bool has_def, has_max;
	unsigned long long def, max;
	char max_text[96]; /* the maximum, for messages */
};

static const char *const unit_total[] = {"host memory", "the host's CPUs", "kernel.pid_max"};

static unsigned long long sat_mul(unsigned long long a, unsigned long long b)
{
	return b && a > ULLONG_MAX / b ? ULLONG_MAX : a * b;
}

/* "NN%", 1 <= NN <= 100. */
static bool parse_pct(const char *s, unsigned long long *ret)
{
	size_t n = strspn(s, "0123456789");
	if (n == 0 || n > 3 || !rg_streq(s + n, "%") || s[0] == '0')
		return false;
	unsigned long long v = strtoull(s, NULL, 10);
	if (v > 100)
		return false;
	*ret = v;
	return true;
}

/* Digits with an optional binary suffix K, M, G or T (either case); > 0, <= INT64_MAX. */
static bool parse_size_text(const char *s, unsigned long long *ret)
{
	size_t n = strspn(s, "0123456789");
	unsigned shift = 0;

	if (n == 0 || n > 19)
		return false;
	if (s[n]) {
		const char *sfx = strchr("kmgt", s[n] | 0x20);
		if (!sfx || !*sfx || s[n + 1])
			return false;
		shift = 10 * (unsigned)(sfx - "kmgt" + 1);
	}
	unsigned long long v = strtoull(s, NULL, 10);
	if (v == 0 || v > ((unsigned long long)LLONG_MAX >> shift))
		return false;
	*ret = v << shift;
	return true;
}

/* A JSON number of CPUs with up to three decimals, in millicpus; > 0. */
static bool parse_cpus(const char *s, unsigned long long *ret)
{
	size_t n = strspn(s, "0123456789"), f = 0;
	unsigned long long v;

	if (n == 0 || n > 7)
		return false;
	v = strtoull(s, NULL, 10) * 1000;
	if (s[n] == '.') {
		f = strspn(s + n + 1, "0123456789");
		if (f == 0 || f > 3 || s[n + 1 + f])
			return false;
		unsigned long long frac = strtoull(s + n + 1, NULL, 10);
		for (size_t i = f; i < 3; i++)
			frac *= 10;
		v += frac;
	} else if (s[n]) {
		return false;
	}
	if (v == 0 || v > MAX_CPUS * 1000)
		return false;
	*ret = v;
	return true;
}

/* Parses a default/max setting; -EINVAL when it is not valid for the unit. */
static int parse_amount(const struct rg_json *j, enum unit unit, struct amount *ret)
{
	long long i;
	const char *s = rg_json_str(j);

	if (j->type == RG_JSON_NULL) {
		*ret = (struct amount){KIND_NONE, 0};
		return 0;
	}
	if (s && strlen(s) == j->u.s.len && parse_pct(s, &ret->v)) {
		ret->kind = KIND_PCT;
		return 0;
	}
	ret->kind = KIND_ABS;
	if (unit == UNIT_BYTES && s && strlen(s) == j->u.s.len && parse_size_text(s, &ret->v))
		return 0;
	if (unit == UNIT_CPUS && j->type == RG_JSON_NUMBER && parse_cpus(j->u.s.text, &ret->v))
		return 0;
	if (unit != UNIT_CPUS && rg_json_int64(j, &i) == 0 && i > 0) {
		ret->v = (unsigned long long)i;
		return 0;
	}
	return -EINVAL;
}

/* The amount for the host, or false when it cannot be known (none, or total unknown). */
static bool resolve(const struct amount *a, enum unit unit, const struct rg_host *h,
		    unsigned long long *ret)
{
	if (a->kind == KIND_ABS) {
		*ret = a->v;
		return true;
	}
	if (a->kind != KIND_PCT)
		return false;
	switch (unit) {
	case UNIT_BYTES:
		*ret = sat_mul(h->memory_bytes, a->v) / 100 / PAGE * PAGE;
		break;
	case UNIT_CPUS:
		*ret = (unsigned long long)h->cpus * 10 * a->v;
		break;
	case UNIT_COUNT:
		*ret = h->pid_max > 0 ? (unsigned long long)h->pid_max * a->v / 100 : 0;
		break;
	default:
		return false;
	}
	return *ret > 0;
}

static void describe(char *buf, size_t n, unsigned long long v, const struct amount *a,
		     enum unit unit)
{
	int k;
	if (unit == UNIT_CPUS && v % 1000 == 0)
		k = snprintf(buf, n, "%llu CPU%s", v / 1000, v == 1000 ? "" : "s");
	else if (unit == UNIT_CPUS)
		k = snprintf(buf, n, "%llu.%03llu CPUs", v / 1000, v % 1000);
	else
		k = snprintf(buf, n, "%llu%s", v, unit == UNIT_BYTES ? " bytes" : "");
	if (a->kind == KIND_PCT && k > 0 && (size_t)k < n)
		snprintf(buf + k, n - (size_t)k, " (%llu%% of %s)", a->v, unit_total[unit]);
}

/*
 * Reads group.default and group.max (built-in text when absent) and resolves
 * them. A percentage default of CPUs is at least one CPU; a default is never
 * above the maximum.
 */
static void get_bounds(const struct rg_json *group, enum unit unit, struct amount d,
		       struct amount m, const struct rg_host *h, struct bounds *b)
{
	const struct rg_json *dj = rg_json_get(group, "default");
	const struct rg_json *mj = rg_json_get(group, "max");

	/* Validated at load time; a setting that does not parse counts as none. */
	if (dj && parse_amount(dj, unit, &d) < 0)
		d.kind = KIND_NONE;
	if (mj && parse_amount(mj, unit, &m) < 0)
		m.kind = KIND_NONE;
	memset(b, 0, sizeof(*b));
	b->has_def = resolve(&d, unit, h, &b->def);
	b->has_max = resolve(&m, unit, h, &b->max);
	if (b->has_def && unit == UNIT_CPUS && d.kind == KIND_PCT && b->def < 1000)
		b->def = 1000;
	if (b->has_def && b->has_max && b->def > b->max)
		b->def = b->max;
	if (b->has_max)
		describe(b->max_text, sizeof(b->max_text), b->max, &m, unit);
}

/* Reads an optional integer member; *ret untouched when absent or null. */
static int get_int(const struct rg_json *obj, const char *key, const char *path, bool is_unsigned,
		   const char *file, long long *ret, struct rg_error **err)
{
	const struct rg_json *j = rg_json_get(obj, key);
	unsigned long long u;

	if (!j || j->type == RG_JSON_NULL)
		return 0;
	if (!is_unsigned && rg_json_int64(j, ret) == 0)
		return 0;
	if (is_unsigned && rg_rule_uint64(j, &u) == 0) {
		*ret = u > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)u;
		return 0;
	}
	return rg_error_set(err, EINVAL, "%s: %s.%s: expected %s integer, got %s", file, path, key,
			    is_unsigned ? "an unsigned" : "an", rg_json_type_name(j->type));
}

static void set_number(struct rg_rule_ctx *ctx, struct rg_json *obj, const char *key,
		       const char *path, unsigned long long v)
{
	struct rg_json *after = rg_json_new_uint(v);
	_cleanup_free_ char *p = rg_xasprintf("%s.%s", path, key);
	rg_rule_record(ctx, p, rg_json_get(obj, key), after);
	rg_json_set(obj, key, after);
}

/* The resource's object in linux.resources, created on demand. */
static struct rg_json *group_of(struct rg_json *res, const char *name, struct rg_rule_ctx *ctx,
				bool create, struct rg_error **err)
{
	return rg_rule_object(res, name, ctx->file, RES, create, err);
}

static int apply_memory(struct rg_json *res, struct rg_rule_ctx *ctx, const struct bounds *b,
			struct rg_error **err)
{
	const char *path = RES ".memory";
	long long limit = 0, swap = 0;

	if (!b->has_def && !b->has_max)
		return 0;
	struct rg_json *mem = group_of(res, "memory", ctx, false, err);
	if (!mem && *err)
		return -EINVAL;
	if (get_int(mem, "limit", path, false, ctx->file, &limit, err) < 0)
		return -EINVAL;
	if (limit <= 0) {
		unsigned long long v = b->has_def ? b->def : b->max;
		if (get_int(mem, "swap", path, false, ctx->file, &swap, err) < 0)
			return -EINVAL;
		/* memory+swap already caps memory; a limit above it makes runc fail. */
		if (swap > 0 && v > (unsigned long long)swap)
			v = (unsigned long long)swap;
		if (!rg_rule_may_fix(ctx, RES ".memory.limit", "no memory limit"))
			return 0;
		if (!mem)
			mem = group_of(res, "memory", ctx, true, err);
		set_number(ctx, mem, "limit", path, v);
	} else if (b->has_max && (unsigned long long)limit > b->max) {
		if (!rg_rule_may_fix(ctx, RES ".memory.limit",
				     "memory limit %lld bytes is above the maximum of %s", limit,
				     b->max_text))
			return 0;
		set_number(ctx, mem, "limit", path, b->max);
	}
	return 0;
}

static int apply_pids(struct rg_json *res, struct rg_rule_ctx *ctx, const struct bounds *b,
		      struct rg_error **err)
{
	const char *path = RES ".pids";
	long long limit = 0;

	if (!b->has_def && !b->has_max)
		return 0;
	struct rg_json *pids = group_of(res, "pids", ctx, false, err);
	if (!pids && *err)
		return -EINVAL;
	if (get_int(pids, "limit", path, false, ctx->file, &limit, err) < 0)
		return -EINVAL;
	/* 0 means "not set" to runc and negative means unlimited. */
	if (limit <= 0) {
		if (!rg_rule_may_fix(ctx, RES ".pids.limit", "no pids limit"))
			return 0;
		if (!pids)
			pids = group_of(res, "pids", ctx, true, err);
		set_number(ctx, pids, "limit", path, b->has_def ? b->def : b->max);
	} else if (b->has_max && (unsigned long long)limit > b->max) {
		if (!rg_rule_may_fix(ctx, RES ".pids.limit",
				     "pids limit %lld is above the maximum of %s", limit,
				     b->max_text))
			return 0;
		set_number(ctx, pids, "limit", path, b->max);
	}
	return 0;
}

/* Quota for `millicpus` CPUs over `period` microseconds. */
static unsigned long long quota_for(unsigned long long millicpus, unsigned long long period)
{
	return sat_mul(millicpus, period) / 1000;
}

/* The group object, made when a value is about to be set in it. */
static struct rg_json *need_group(struct rg_json *res, struct rg_json **g, const char *name,
				  struct rg_rule_ctx *ctx, struct rg_error **err)
{
	if (!*g)
		*g = group_of(res, name, ctx, true, err);
	return *g;
}

static int apply_shares(struct rg_json *res, struct rg_json **cpu, struct rg_rule_ctx *ctx,
			struct rg_error **err)
{
	const char *path = RES ".cpu";
	const struct rg_json *s = rg_json_get(rg_json_get(ctx->settings, "cpu"), "shares");
	long long def = rg_settings_int(s, "default", 0), max = rg_settings_int(s, "max", 0);
	long long shares = 0;

	if (def <= 0 && max <= 0)
		return 0;
	if (get_int(*cpu, "shares", path, true, ctx->file, &shares, err) < 0)
		return -EINVAL;
	if (shares == 0 && def > 0) {
		if (!rg_rule_may_fix(ctx, RES ".cpu.shares", "no cpu shares"))
			return 0;
		set_number(ctx, need_group(res, cpu, "cpu", ctx, err), "shares", path,
			   (unsigned long long)(max > 0 && def > max ? max : def));
	} else if (max > 0 && shares > max) {
		if (!rg_rule_may_fix(ctx, RES ".cpu.shares",
				     "cpu shares %lld are above the maximum of %lld", shares, max))
			return 0;
		set_number(ctx, *cpu, "shares", path, (unsigned long long)max);
	}
	return 0;
}

static int apply_cpu(struct rg_json *res, struct rg_rule_ctx *ctx, const struct bounds *b,
		     struct rg_error **err)
{
	const char *path = RES ".cpu";
	const struct rg_json *settings = rg_json_get(ctx->settings, "cpu");
	struct rg_json *cpu = NULL;
	long long quota = 0, period = 0;

	if (!b->has_def && !b->has_max && !rg_json_get(settings, "shares"))
		return 0;
	cpu = group_of(res, "cpu", ctx, false, err);
	if (!cpu && *err)
		return -EINVAL;
	if (!b->has_def && !b->has_max)
		return apply_shares(res, &cpu, ctx, err);
	if (get_int(cpu, "quota", path, false, ctx->file, &quota, err) < 0 ||
	    get_int(cpu, "period", path, true, ctx->file, &period, err) < 0)
		return -EINVAL;
	/* The period that applies: the spec's, else the kernel's. */
	unsigned long long eff = period > 0 ? (unsigned long long)period : KERNEL_PERIOD;
	if (quota <= 0) {
		if (!rg_rule_may_fix(ctx, RES ".cpu.quota", "no cpu quota"))
			return apply_shares(res, &cpu, ctx, err);
		need_group(res, &cpu, "cpu", ctx, err);
		if (period <= 0) {
			eff =
			    (unsigned long long)rg_settings_int(settings, "period", KERNEL_PERIOD);
			set_number(ctx, cpu, "period", path, eff);
		}
		set_number(ctx, cpu, "quota", path, quota_for(b->has_def ? b->def : b->max, eff));
	} else if (b->has_max && (unsigned long long)quota > quota_for(b->max, eff)) {
		if (!rg_rule_may_fix(
			ctx, RES ".cpu.quota",
			"cpu quota %lld over a period of %llu is above the maximum of %s", quota,
			eff, b->max_text))
			return apply_shares(res, &cpu, ctx, err);
		set_number(ctx, cpu, "quota", path, quota_for(b->max, eff));
	}
	return apply_shares(res, &cpu, ctx, err);
}

/* ---- linux.resources.unified ---- */

/* "max" (*ret = ULLONG_MAX) or decimal digits. */
static bool parse_unified_num(const char *s, size_t len, unsigned long long *ret)
{
	if (len == 3 && memcmp(s, "max", 3) == 0) {
		*ret = ULLONG_MAX;
		return true;
	}
	if (len == 0 || len > 19 || strspn(s, "0123456789") != len)
		return false;
	*ret = strtoull(s, NULL, 10);
	return true;
}

/* The unified value as a string, or NULL with *err set. */
static const char *unified_str(const struct rg_json *unified, const char *key,
			       struct rg_rule_ctx *ctx, struct rg_error **err)
{
	const struct rg_json *v = rg_json_get(unified, key);
	if (!v)
		return NULL;
	if (v->type != RG_JSON_STRING) {
		rg_error_set(err, EINVAL, "%s: " RES ".unified[\"%s\"]: expected a string, got %s",
			     ctx->file, key, rg_json_type_name(v->type));
		return NULL;
	}
	if (strlen(v->u.s.text) != v->u.s.len) {
		rg_error_set(err, EINVAL, "%s: " RES ".unified[\"%s\"]: contains a NUL byte",
			     ctx->file, key);
		return NULL;
	}
	return v->u.s.text;
}

static void set_unified(struct rg_rule_ctx *ctx, struct rg_json *unified, const char *key,
			const char *text)
{
	struct rg_json *after = rg_json_new_string(text);
	_cleanup_free_ char *p = rg_xasprintf(RES ".unified[\"%s\"]", key);
	rg_rule_record(ctx, p, rg_json_get(unified, key), after);
	rg_json_set(unified, key, after);
}

/* memory.max and pids.max: "max" or a number, at most the maximum. */
static int check_unified_limit(struct rg_json *unified, const char *key, const struct bounds *b,
			       struct rg_rule_ctx *ctx, struct rg_error **err)
{
	const char *s = unified_str(unified, key, ctx, err);
	unsigned long long v;

	if (!s)
		return *err ? -EINVAL : 0;
	if (!parse_unified_num(s, strlen(s), &v))
		return rg_error_set(err, EINVAL,
				    "%s: " RES
				    ".unified[\"%s\"]: expected \"max\" or a number, got "
				    "\"%s\"",
				    ctx->file, key, s);
	if (!b->has_max || v <= b->max)
		return 0;
	_cleanup_free_ char *p = rg_xasprintf(RES ".unified[\"%s\"]", key);
	if (!rg_rule_may_fix(ctx, p, "%s \"%s\" is above the maximum of %s", key, s, b->max_text))
		return 0;
	char text[32];
	snprintf(text, sizeof(text), "%llu", b->max);
	set_unified(ctx, unified, key, text);
	return 0;
}

/* cpu.max: "$MAX [$PERIOD]", $MAX "max" or a quota. */
static int check_unified_cpu(struct rg_json *unified, const struct bounds *b,
			     struct rg_rule_ctx *ctx, struct rg_error **err)
{
	const char *s = unified_str(unified, "cpu.max", ctx, err);
	unsigned long long quota, period = KERNEL_PERIOD;

	if (!s)
		return *err ? -EINVAL : 0;
	size_t n = strcspn(s, " ");
	if (!parse_unified_num(s, n, &quota) ||
	    (s[n] && (!parse_unified_num(s + n + 1, strlen(s + n + 1), &period) ||
		      period == ULLONG_MAX || period == 0)))
		return rg_error_set(err, EINVAL,
				    "%s: " RES
				    ".unified[\"cpu.max\"]: expected \"max\" or a quota, "
				    "optionally followed by a period, got \"%s\"",
				    ctx->file, s);
	if (!b->has_max || quota <= quota_for(b->max, period))
		return 0;
	if (!rg_rule_may_fix(ctx, RES ".unified[\"cpu.max\"]",
			     "cpu.max \"%s\" is above the maximum of %s", s, b->max_text))
		return 0;
	char text[48];
	snprintf(text, sizeof(text), "%llu %llu", quota_for(b->max, period), period);
	set_unified(ctx, unified, "cpu.max", text);
	return 0;
}

/* cpu.weight, held to the shares maximum converted as runc converts shares. */
static int check_unified_weight(struct rg_json *unified, struct rg_rule_ctx *ctx,
				struct rg_error **err)
{
	const struct rg_json *s = rg_json_get(rg_json_get(ctx->settings, "cpu"), "shares");
	long long max = rg_settings_int(s, "max", 0);
	const char *w = unified_str(unified, "cpu.weight", ctx, err);
	unsigned long long v;

	if (!w || max <= 0)
		return *err ? -EINVAL : 0;
	if (!parse_unified_num(w, strlen(w), &v) || v == ULLONG_MAX)
		return rg_error_set(err, EINVAL,
				    "%s: " RES ".unified[\"cpu.weight\"]: expected a number, got "
				    "\"%s\"",
				    ctx->file, w);
	unsigned long long wmax = 1 + ((unsigned long long)max - 2) * 9999 / 262142;
	if (v <= wmax)
		return 0;
	if (!rg_rule_may_fix(ctx, RES ".unified[\"cpu.weight\"]",
			     "cpu.weight %llu is above %llu (cpu shares maximum %lld)", v, wmax,
			     max))
		return 0;
	char text[32];
	snprintf(text, sizeof(text), "%llu", wmax);
	set_unified(ctx, unified, "cpu.weight", text);
	return 0;
}

static int apply_unified(struct rg_json *res, struct rg_rule_ctx *ctx, const struct bounds *mem,
			 const struct bounds *pids, const struct bounds *cpu, struct rg_error **err)
{
	struct rg_json *unified = rg_rule_object(res, "unified", ctx->file, RES, false, err);

	if (!unified)
		return *err ? -EINVAL : 0;
	if (check_unified_limit(unified, "memory.max", mem, ctx, err) < 0 ||
	    check_unified_limit(unified, "pids.max", pids, ctx, err) < 0 ||
	    check_unified_cpu(unified, cpu, ctx, err) < 0 ||
	    check_unified_weight(unified, ctx, err) < 0)
		return -EINVAL;
	return 0;
}

/* Puts back a member made by rg_rule_object(): null if it was null, else nothing. */
static void unmake(struct rg_json *obj, const char *key, bool was_null)
{
	if (was_null)
		rg_json_set(obj, key, rg_json_new(RG_JSON_NULL));
	else
		rg_json_remove(obj, key);
}

/*
 * linux.cgroupsPath decides where the limits apply: the root cgroup, the
 * caller's own or the root slice defeats them (src/rules/resources_cgpath.h).
 * Refused whatever the action: moving the container elsewhere is the
 * engine's business, not runguard's.
 */
static int check_cgroups_path(const struct rg_json *spec, struct rg_rule_ctx *ctx,
			      struct rg_error **err)
{
	const struct rg_json *v = rg_json_get(rg_json_get(spec, "linux"), "cgroupsPath");
	if (!v || v->type == RG_JSON_NULL)
		return 0;
	const char *s = rg_json_str(v);
	if (!s || strlen(s) != v->u.s.len)
		return rg_error_set(err, EINVAL,
				    "%s: .linux.cgroupsPath: expected a string without NUL bytes, "
				    "got %s",
				    ctx->file, rg_json_type_name(v->type));
	const char *why = rg_cgroups_path_unsafe(s);
	if (why)
		rg_report_violation(ctx->report, ctx->rule, ".linux.cgroupsPath", "'%s': %s", s,
				    why);
	return 0;
}

static int resources_apply(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err)
{
	/* Built-in values for settings a policy leaves out (baseline's own). */
	static const struct amount half = {KIND_PCT, 50}, all = {KIND_PCT, 100};
	static const struct amount pids_def = {KIND_ABS, DEFAULT_PIDS};
	const struct rg_json *s = ctx->settings;
	struct bounds mem, cpu, pids;

	if (rg_json_is(rg_json_get(spec, "linux"), RG_JSON_OBJECT) &&
	    check_cgroups_path(spec, ctx, err) < 0)
		return -EINVAL;
	get_bounds(rg_json_get(s, "memory"), UNIT_BYTES, half, all, ctx->host, &mem);
	get_bounds(rg_json_get(s, "cpu"), UNIT_CPUS, half, all, ctx->host, &cpu);
	get_bounds(rg_json_get(s, "pids"), UNIT_COUNT, pids_def, all, ctx->host, &pids);

	/* linux and linux.resources are made on demand, and unmade if nothing changed. */
	const struct rg_json *old_linux = rg_json_get(spec, "linux");
	bool is_new_linux = !old_linux || old_linux->type == RG_JSON_NULL;
	struct rg_json *linux_ = rg_rule_object(spec, "linux", ctx->file, "", true, err);
	if (!linux_)
		return -EINVAL;
	const struct rg_json *old_res = rg_json_get(linux_, "resources");
	bool is_new_res = !old_res || old_res->type == RG_JSON_NULL;
	bool was_null[2] = {old_linux != NULL, old_res != NULL};
	struct rg_json *res = rg_rule_object(linux_, "resources", ctx->file, ".linux", true, err);
	if (!res)
		return -EINVAL;
	size_t n_before = ctx->report->n_changes;
	int r = 0;
	if (apply_memory(res, ctx, &mem, err) < 0 || apply_cpu(res, ctx, &cpu, err) < 0 ||
	    apply_pids(res, ctx, &pids, err) < 0 ||
	    apply_unified(res, ctx, &mem, &pids, &cpu, err) < 0)
		r = -EINVAL;
	if (ctx->report->n_changes == n_before) {
		if (is_new_res)
			unmake(linux_, "resources", was_null[1]);
		if (is_new_linux)
			unmake(spec, "linux", was_null[0]);
	}
	return r;
}

/* ---- settings ---- */

static const char *const unit_expect[] = {
    "expected a size in bytes (a number, or a string like \"512M\" or \"2G\"), a percentage "
    "of host memory like \"50%\", or null",
    "expected a number of CPUs (like 2 or 0.5, at most three decimals), a percentage of the "
    "host's CPUs like \"50%\", or null",
    "expected a positive integer, a percentage of kernel.pid_max like \"50%\", or null",
};

static int check_group(const struct rg_json *settings, const char *name, enum unit unit,
		       const char *const *keys, const char *file, const char *path,
		       struct rg_error **err)
{
	const struct rg_json *g = rg_json_get(settings, name);
	struct amount a[2] = {{KIND_NONE, 0}, {KIND_NONE, 0}};
	static const char *const bound_keys[] = {"default", "max"};

	if (!g)
		return 0;
	_cleanup_free_ char *sub = rg_xasprintf("%s.%s", path, name);
	if (!rg_json_is(g, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: %s: expected an object, got %s", file, sub,
				    rg_json_type_name(g->type));
	for (size_t i = 0; i < g->n; i++) {
		bool is_known = false;
		for (size_t k = 0; keys[k] && !is_known; k++)
			is_known = rg_streq(g->u.members[i].key, keys[k]);
		if (!is_known)
			return rg_error_set(err, EINVAL, "%s: %s.%s: unknown setting", file, sub,
					    g->u.members[i].key);
	}
	for (size_t i = 0; i < 2; i++) {
		const struct rg_json *v = rg_json_get(g, bound_keys[i]);
		if (v && parse_amount(v, unit, &a[i]) < 0)
			return rg_error_set(err, EINVAL, "%s: %s.%s: %s", file, sub, bound_keys[i],
					    unit_expect[unit]);
	}
	if (a[0].kind != KIND_NONE && a[0].kind == a[1].kind && a[0].v > a[1].v)
		return rg_error_set(err, EINVAL, "%s: %s.default: above %s.max", file, sub, sub);
	return 0;
}

static int check_int_range(const struct rg_json *obj, const char *key, long long lo, long long hi,
			   const char *file, const char *path, struct rg_error **err)
{
	const struct rg_json *v = rg_json_get(obj, key);
	long long i;

	if (!v)
		return 0;
	if (rg_json_int64(v, &i) < 0 || i < lo || i > hi)
		return rg_error_set(err, EINVAL, "%s: %s.%s: expected an integer from %lld to %lld",
				    file, path, key, lo, hi);
	return 0;
}

static int check_cpu(const struct rg_json *settings, const char *file, const char *path,
		     struct rg_error **err)
{
	static const char *const keys[] = {"default", "max", "period", "shares", NULL};
	static const char *const share_keys[] = {"default", "max"};
	const struct rg_json *cpu = rg_json_get(settings, "cpu");
	int r = check_group(settings, "cpu", UNIT_CPUS, keys, file, path, err);

	if (r < 0 || !cpu)
		return r;
	_cleanup_free_ char *sub = rg_xasprintf("%s.cpu", path);
	r = check_int_range(cpu, "period", MIN_PERIOD, MAX_PERIOD, file, sub, err);
	const struct rg_json *shares = rg_json_get(cpu, "shares");
	if (r < 0 || !shares)
		return r;
	_cleanup_free_ char *ssub = rg_xasprintf("%s.shares", sub);
	if (!rg_json_is(shares, RG_JSON_OBJECT))
		return rg_error_set(err, EINVAL, "%s: %s: expected an object, got %s", file, ssub,
				    rg_json_type_name(shares->type));
	for (size_t i = 0; i < shares->n; i++) {
		const char *k = shares->u.members[i].key;
		if (!rg_streq(k, share_keys[0]) && !rg_streq(k, share_keys[1]))
			return rg_error_set(err, EINVAL, "%s: %s.%s: unknown setting", file, ssub,
					    k);
		r = check_int_range(shares, k, MIN_SHARES, MAX_SHARES, file, ssub, err);
		if (r < 0)
			return r;
	}
	long long d = rg_settings_int(shares, "default", 0), m = rg_settings_int(shares, "max", 0);
	if (d > 0 && m > 0 && d > m)
		return rg_error_set(err, EINVAL, "%s: %s.default: above %s.max", file, ssub, ssub);
	return 0;
}

static int resources_check(const struct rg_json *settings, const char *file, const char *path,
			   struct rg_error **err)
{
	static const char *const keys[] = {"memory", "cpu", "pids", NULL};
	static const char *const bound_keys[] = {"default", "max", NULL};
	int r = rg_settings_only(settings, keys, file, path, err);

	if (r < 0)
		return r;
	r = check_group(settings, "memory", UNIT_BYTES, bound_keys, file, path, err);
	if (r < 0)
		return r;
	r = check_group(settings, "pids", UNIT_COUNT, bound_keys, file, path, err);
	if (r < 0)
		return r;
	return check_cpu(settings, file, path, err);
}

const struct rg_rule rg_rule_resources = {"resources", resources_check, resources_apply};
