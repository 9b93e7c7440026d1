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
 * Runs argv (NULL-terminated) for at most timeout_sec seconds in a process
 * group of its own, then kills the whole group (SIGKILL): the program and
 * whatever it started that stayed in its group. Once the program has exited,
 * a daemon it left behind is not killed; its output is read for 0.5 s more.
 * Fills *ret (free with rg_spawn_result_free) and returns 0 when the program
 * ran, whatever its status (a program's own exit 127 is status 127). Returns
 * -errno when it could not be started, the exec's own error included
 * (-ENOENT: no such file, -EACCES: not executable, -ENOEXEC: not a program);
 * *ret then has status -1 and no output (out and err NULL).
 */
int rg_spawn(char *const argv[], unsigned timeout_sec, struct rg_spawn_result *ret);
void rg_spawn_result_free(struct rg_spawn_result *r);

/* The first executable named `name` in the usual system directories (no $PATH), or NULL. */
char *rg_spawn_find(const char *name);

#endif
