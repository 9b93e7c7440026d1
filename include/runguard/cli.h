/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_CLI_H
#define RUNGUARD_CLI_H

#include <stdbool.h>

#include "runguard/error.h"

/*
 * The runtime argv model: what runc or crun would make of an argv, found
 * without reordering or changing it. The argv itself is forwarded to the
 * real runtime untouched; this model only reads it.
 */

enum rg_cli_kind {
	RG_CLI_PASSTHROUGH, /* exec the real runtime, parse no JSON */
	RG_CLI_ENFORCE, /* create, run, restore: enforce config.json, then exec */
	RG_CLI_OWN, /* one of runguard's own commands (info, --help) */
};

enum rg_log_format {
	RG_LOG_TEXT,
	RG_LOG_JSON,
};

struct rg_cli {
	enum rg_cli_kind kind;
	int subcmd_index; /* argv index of the subcommand, or -1 */
	const char *subcmd; /* borrowed from argv, or NULL */
	const char *root; /* --root, borrowed, or NULL */
	const char *log_path; /* --log, borrowed, or NULL */
	enum rg_log_format log_format;
	bool is_debug;
	const char *bundle; /* --bundle/-b, borrowed, or NULL (= ".") */
	const char *container_id; /* first positional after the subcommand, or NULL */
	const char *config_flag; /* crun's --config/-f, borrowed, or NULL */
};

/*
 * Scans argv (argv[0] is the program name). Never modifies or reorders it.
 *
 * Fail-closed: when the argv cannot be understood (unknown global flag,
 * missing flag value, unknown flag of an enforced subcommand) and it might
 * name an enforced subcommand, returns -EINVAL with *err set. An argv that
 * cannot be understood but certainly names no enforced subcommand is
 * classified as passthrough, so the real runtime reports its own usage error.
 * On success fills *ret and returns 0.
 */
int rg_cli_scan(int argc, char *const argv[], struct rg_cli *ret, struct rg_error **err);

#endif
