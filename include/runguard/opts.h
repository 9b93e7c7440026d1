/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_OPTS_H
#define RUNGUARD_OPTS_H

#include <getopt.h>

#include "runguard/error.h"

/*
 * Options of runguard's own commands (configure, doctor), whose argv is
 * never forwarded to the real runtime: getopt_long, so options and operands
 * may come in any order, a value as `--opt VALUE` or `--opt=VALUE`, and
 * `--` ends the options. Stricter than getopt_long alone: only exact long
 * names (no abbreviations, so adding an option never breaks a command
 * line), and an empty value is refused where a value is required. Every
 * error is a usage error (-EINVAL) naming the option.
 *
 * getopt_long keeps its state in globals: one parse at a time.
 */
struct rg_opts {
	int argc;
	char **argv; /* a copy of the pointer array, [0] the command's name (owned) */
	const struct option *longopts; /* {NULL} terminated; flag must be NULL */
};

/* Starts a parse of argv[0..argc) (the arguments after the command's name; not changed). */
void rg_opts_init(struct rg_opts *s, const char *cmd, int argc, char *argv[],
		  const struct option *longopts);

/*
 * The next option: its `val`, with *ret_value its value (borrowed from argv;
 * NULL for an option without one); 0 when the options are done; -EINVAL
 * with *err set for an unknown option, an abbreviation, a value given to an
 * option that takes none, or a missing or empty value.
 */
int rg_opts_next(struct rg_opts *s, const char **ret_value, struct rg_error **err);

/* After rg_opts_next returned 0: the operands, in order (borrowed; valid until rg_opts_done). */
char **rg_opts_operands(const struct rg_opts *s, int *ret_n);

void rg_opts_done(struct rg_opts *s);

#endif
