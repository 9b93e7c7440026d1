/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_SPAWN_H
#define RUNGUARD_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Runs a helper program for `runguard doctor` (the real runtime's
 * `features`, an engine's CLI for the canary) and collects what it prints.
 * No shell, no $PATH lookup: argv[0] is an absolute path. stdin is
 * /dev/null; the environment is runguard's own (so DOCKER_HOST,
 * CONTAINERD_ADDRESS, CONTAINERS_CONF, ... reach the engine CLIs).
 */

/* Output kept per stream; the rest is read and dropped. */
#define RG_SPAWN_MAX_OUTPUT (1024u * 1024u)

struct rg_spawn_result {
	int status; /* exit status; 128 + signal; -1 when it could not be started */
	bool is_timeout; /* killed (SIGKILL) after the timeout */
	char *out; /* stdout, NUL-terminated (never NULL after rg_spawn) */
	char *err; /* stderr, NUL-terminated (never NULL after rg_spawn) */
};

/*
 * Runs argv (NULL-terminated) for at most timeout_sec seconds, then kills
 * it. Fills *ret (free with rg_spawn_result_free) and returns 0 when the
 * program ran, whatever its status; -errno when it could not be started.
 */
int rg_spawn(char *const argv[], unsigned timeout_sec, struct rg_spawn_result *ret);
void rg_spawn_result_free(struct rg_spawn_result *r);

/* The first executable named `name` in the usual system directories (no $PATH), or NULL. */
char *rg_spawn_find(const char *name);

#endif
