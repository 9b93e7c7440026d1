/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "runguard/report.h"
#include "runguard/util.h"

void rg_report_change_take(struct rg_report *r, const char *rule, const char *path, char *before,
			   char *after)
{
	/* Room doubled at each power of two: a create can record hundreds of changes. */
	size_t n = r->n_changes;
	if ((n & (n - 1)) == 0)
		r->changes = rg_xrealloc(r->changes, (n ? 2 * n : 1) * sizeof(*r->changes));
	struct rg_change *c = &r->changes[r->n_changes++];
	c->rule = rg_xstrdup(rule);
	c->path = rg_xstrdup(path);
	c->before = before;
	c->after = after;
}

void rg_report_change(struct rg_report *r, const char *rule, const char *path, const char *before,
		      const char *after)
{
	rg_report_change_take(r, rule, path, before ? rg_xstrdup(before) : NULL,
			      after ? rg_xstrdup(after) : NULL);
}

void rg_report_violation(struct rg_report *r, const char *rule, const char *path, const char *fmt,
			 ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *msg = rg_xvasprintf(fmt, ap);
	va_end(ap);
	r->violations = rg_xrealloc(r->violations, (r->n_violations + 1) * sizeof(*r->violations));
	struct rg_violation *v = &r->violations[r->n_violations++];
	v->rule = rg_xstrdup(rule);
	v->path = rg_xstrdup(path);
	v->msg = msg;
}

void rg_report_free(struct rg_report *r)
{
	for (size_t i = 0; i < r->n_changes; i++) {
		free(r->changes[i].rule);
		free(r->changes[i].path);
		free(r->changes[i].before);
		free(r->changes[i].after);
	}
	for (size_t i = 0; i < r->n_violations; i++) {
		free(r->violations[i].rule);
		free(r->violations[i].path);
		free(r->violations[i].msg);
	}
	free(r->changes);
	free(r->violations);
	r->changes = NULL;
	r->violations = NULL;
	r->n_changes = r->n_violations = 0;
}
