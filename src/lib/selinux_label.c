/* SPDX-License-Identifier: Apache-2.0 */
/* SELinux contexts as strings (include/runguard/selinux_label.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "runguard/selinux_label.h"
#include "runguard/util.h"

#define LABEL_MAX 1024

static bool is_ident(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* Parses a decimal number of 1..4 digits at *p (a category or sensitivity). */
static bool parse_num(const char **p, unsigned max)
{
	unsigned v = 0;
	size_t n = 0;
	while (isdigit((unsigned char)**p) && n < 5) {
		v = v * 10 + (unsigned)(**p - '0');
		(*p)++;
		n++;
	}
	return n > 0 && n < 5 && v <= max;
}

/* <tag>N, or <tag>N<range><tag>M (then sets *is_range); N and M at most max. */
static bool parse_item(const char **p, char tag, unsigned max, char range, bool *is_range)
{
	if (*(*p)++ != tag || !parse_num(p, max))
		return false;
	if (**p != range)
		return true;
	*is_range = true;
	(*p)++;
	return *(*p)++ == tag && parse_num(p, max);
}

/* sN[-sM][:cats] where cats is a comma list of cN or cN.cM. Sets *is_range for "-" or ".". */
static bool parse_level(const char *s, bool *is_range, bool *has_cats)
{
	const char *p = s;
	*is_range = *has_cats = false;
	if (!parse_item(&p, 's', 15, '-', is_range))
		return false;
	if (*p == '\0')
		return true;
	if (*p++ != ':')
		return false;
	*has_cats = true;
	for (;;) {
		if (!parse_item(&p, 'c', 1023, '.', is_range))
			return false;
		if (*p == '\0')
			return true;
		if (*p++ != ',')
			return false;
	}
}

bool rg_selinux_label_parse(const char *s, struct rg_selinux_label *ret)
{
	const char *c1, *c2, *c3;
	bool is_range, has_cats;

	if (!s || strlen(s) > LABEL_MAX || !(c1 = strchr(s, ':')) || !(c2 = strchr(c1 + 1, ':')) ||
	    !(c3 = strchr(c2 + 1, ':')))
		return false;
	if (!is_ident(s, (size_t)(c1 - s)) || !is_ident(c1 + 1, (size_t)(c2 - c1 - 1)) ||
	    !is_ident(c2 + 1, (size_t)(c3 - c2 - 1)) || !parse_level(c3 + 1, &is_range, &has_cats))
		return false;
	ret->user = rg_xstrndup(s, (size_t)(c1 - s));
	ret->role = rg_xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	ret->type = rg_xstrndup(c2 + 1, (size_t)(c3 - c2 - 1));
	ret->level = rg_xstrdup(c3 + 1);
	return true;
}

void rg_selinux_label_free(struct rg_selinux_label *l)
{
	free(l->user);
	free(l->role);
	free(l->type);
	free(l->level);
	memset(l, 0, sizeof(*l));
}

enum rg_selinux_level_kind rg_selinux_level_kind(const char *level)
{
	bool is_range, has_cats;
	if (!parse_level(level, &is_range, &has_cats) || is_range)
		return RG_SELINUX_LEVEL_RANGE;
	return has_cats ? RG_SELINUX_LEVEL_OWN : RG_SELINUX_LEVEL_NO_CATS;
}
