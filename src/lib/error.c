/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "runguard/error.h"
#include "runguard/util.h"

int rg_error_set(struct rg_error **err, int code, const char *fmt, ...)
{
	int ret = code > 0 ? -code : -EINVAL;

	/* Set exactly once: the first, innermost error is the one that explains. */
	if (!err || *err)
		return ret;

	struct rg_error *e = rg_xcalloc(1, sizeof(*e));
	va_list ap;
	va_start(ap, fmt);
	e->msg = rg_xvasprintf(fmt, ap);
	va_end(ap);
	e->code = code;
	*err = e;
	return ret;
}

void rg_error_prefix(struct rg_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *prefix = rg_xvasprintf(fmt, ap);
	va_end(ap);
	char *m = rg_xasprintf("%s: %s", prefix, err->msg);
	free(prefix);
	free(err->msg);
	err->msg = m;
}

void rg_error_free(struct rg_error *err)
{
	if (!err)
		return;
	free(err->msg);
	free(err);
}
