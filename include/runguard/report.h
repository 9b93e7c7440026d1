/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_REPORT_H
#define RUNGUARD_REPORT_H

#include <stddef.h>

/*
 * What enforcement did: changes (a rule rewrote a value) and violations (a
 * rule refuses the container). Strings are owned by the report.
 */
struct rg_change {
	char *rule;
	char *path; /* JSON path, e.g. .process.noNewPrivileges */
	char *before; /* brief JSON text, or NULL when absent */
	char *after; /* brief JSON text, or NULL when removed */
};

struct rg_violation {
	char *rule;
	char *path;
	char *msg;
};

struct rg_report {
	struct rg_change *changes;
	size_t n_changes;
	struct rg_violation *violations;
	size_t n_violations;
};

/* before/after are copied; pass NULL for "absent". */
void rg_report_change(struct rg_report *r, const char *rule, const char *path, const char *before,
		      const char *after);
/* As rg_report_change, but before and after (from malloc, or NULL) become the report's. */
void rg_report_change_take(struct rg_report *r, const char *rule, const char *path, char *before,
			   char *after);
void rg_report_violation(struct rg_report *r, const char *rule, const char *path, const char *fmt,
			 ...) __attribute__((format(printf, 4, 5)));
void rg_report_free(struct rg_report *r);

#endif
