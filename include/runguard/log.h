/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_LOG_H
#define RUNGUARD_LOG_H

#include <stddef.h>

#include "runguard/cli.h"

/*
 * Appends one line to the runtime log file that the engine passed with
 * --log, in the --log-format it asked for and in the shape the real runtime
 * writes (runtime: its path, NULL before it is known: runc's): runc's
 * {"level":"error","msg":"...","time":"..."} or logrus text; crun's
 * {"msg":"...","level":"error","time":"..."} or the bare message, to the
 * file of "file:PATH" and nowhere for crun's "journald:" and "syslog:".
 * containerd and CRI-O show the last error line of that file to users.
 * No-op without --log.
 */
void rg_log_runtime(const struct rg_cli *cli, const char *runtime, const char *level,
		    const char *msg);

/* The time now as crun and the audit log write it: UTC to the microsecond,
 * "2026-12-07T22:30:25.422117Z". */
void rg_log_utc_stamp(char *buf, size_t size);
/* The same for the time ts. */
struct timespec;
void rg_log_utc_format(char *buf, size_t size, const struct timespec *ts);

/* Writes "runguard: <msg>\n" to stderr. */
void rg_log_stderr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
