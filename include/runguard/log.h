/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_LOG_H
#define RUNGUARD_LOG_H

#include "runguard/cli.h"

/*
 * Appends one line to the runtime log file that the engine passed with
 * --log, in the --log-format it asked for: runc's JSON shape
 * {"level":"error","msg":"...","time":"..."} or logrus-like text. containerd
 * and CRI-O show the last error line of that file to users. No-op without --log.
 */
void rg_log_runtime(const struct rg_cli *cli, const char *level, const char *msg);

/* Writes "runguard: <msg>\n" to stderr. */
void rg_log_stderr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
