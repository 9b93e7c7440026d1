/* SPDX-License-Identifier: Apache-2.0 */
/* getopt_long for runguard's own commands, with exact names and non-empty values. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "runguard/opts.h"
#include "runguard/util.h"

void rg_opts_init(struct rg_opts *s, const char *cmd, int argc, char *argv[],
		  const struct option *longopts)
{
	s->argc = argc + 1;
	s->argv = rg_xcalloc((size_t)argc + 2, sizeof(char *));
	s->argv[0] = (char *)cmd;
	for (int i = 0; i < argc; i++)
		s->argv[i + 1] = argv[i];
	s->longopts = longopts;
	/* 0, not 1: glibc then starts a fresh parse (a caller may parse twice). */
	optind = 0;
	opterr = 0;
}

/* The long option arg spells (its text up to '=', after "--"), or NULL. */
static const struct option *find(const struct rg_opts *s, const char *arg)
{
	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	arg += 2;
	size_t n = strcspn(arg, "=");
	for (const struct option *o = s->longopts; o->name; o++)
		if (strlen(o->name) == n && strncmp(o->name, arg, n) == 0)
			return o;
	return NULL;
}

int rg_opts_next(struct rg_opts *s, const char **ret_value, struct rg_error **err)
{
	int idx = -1;
	int c = getopt_long(s->argc, s->argv, ":", s->longopts, &idx);

	*ret_value = NULL;
	if (c == -1)
		return 0;
	/* The element that named the option: before its value when that was separate. */
	int at = optarg && optind >= 2 && optarg == s->argv[optind - 1] ? optind - 2 : optind - 1;
	const char *arg = at > 0 && at < s->argc ? s->argv[at] : "?";
	const struct option *o = find(s, arg);
	if (!o) /* unknown, or an abbreviation getopt_long would have taken */
		return rg_error_set(err, EINVAL, "unknown option '%.*s'", (int)strcspn(arg, "="),
				    arg);
	if (c == ':')
		return rg_error_set(err, EINVAL, "--%s needs a value", o->name);
	if (c == '?' && o->has_arg == no_argument)
		return rg_error_set(err, EINVAL, "--%s takes no value", o->name);
	if (c == '?')
		return rg_error_set(err, EINVAL, "unknown option '%s'", arg);
	if (o->has_arg == required_argument && (!optarg || !*optarg))
		return rg_error_set(err, EINVAL, "--%s: empty value", o->name);
	*ret_value = optarg;
	return c;
}

char **rg_opts_operands(const struct rg_opts *s, int *ret_n)
{
	*ret_n = optind < s->argc ? s->argc - optind : 0;
	return s->argv + (optind < s->argc ? optind : s->argc);
}

void rg_opts_done(struct rg_opts *s)
{
	free(s->argv);
	*s = (struct rg_opts){0};
}
