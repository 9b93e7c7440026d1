/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_ERROR_H
#define RUNGUARD_ERROR_H

/*
 * The one error object of runguard. Fallible functions take a
 * `struct rg_error **err` last and set it exactly once on failure; only
 * main() prints it and chooses the exit code.
 */
struct rg_error {
	int code; /* positive errno-style code, or 0 for a policy refusal */
	char *msg;
};

/* Sets *err (if err is non-NULL and *err is still NULL) and returns -code (or -EINVAL for 0). */
int rg_error_set(struct rg_error **err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepends "prefix: " to an existing error's message. */
void rg_error_prefix(struct rg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rg_error_free(struct rg_error *err);
static inline void rg_error_freep(struct rg_error **e)
{
	rg_error_free(*e);
}
#define _cleanup_error_ __attribute__((cleanup(rg_error_freep)))

#endif
