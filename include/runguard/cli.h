/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_CLI_H
#define RUNGUARD_CLI_H

#include <stdbool.h>
#include <stddef.h>

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
	RG_CLI_EXEC, /* exec: enforce the process (--process file, --cap, ...), then exec */
	RG_CLI_UPDATE, /* update: clamp or refuse resource limits, then exec */
	/* a subcommand runguard does not know: refused (passed on, recorded, when every mode is
	   dry) */
	RG_CLI_UNKNOWN,
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
	/* crun 1.8 reads "--rootless X" as "--root X" (both are its OPTION_ROOT): the
	 * last of --root and --rootless, borrowed, or NULL. == root when they agree. */
	const char *crun_root;
	const char *criu; /* --criu (runc runs it as root), the last one, borrowed, or NULL */
	/* crun's --cgroup-manager, the last one, borrowed, or NULL ("disabled": no cgroup) */
	const char *cgroup_manager;
	const char *log_path; /* --log, borrowed, or NULL */
	enum rg_log_format log_format;
	bool is_debug;
	const char *bundle; /* --bundle/-b, borrowed, or NULL (= ".") */
	const char *container_id; /* first positional after the subcommand, or NULL */
	const char *config_flag; /* crun's --config/-f, borrowed, or NULL */
	int id_index; /* argv index of container_id, or -1 */
	const char *process; /* exec --process/-p, borrowed, or NULL */
	const char *resources; /* update --resources/-r, borrowed, or NULL ("-": stdin) */
	/* The first flag of create/run/restore/exec/update written Go-style with
	 * one dash and more than one letter ("-bundle", "-b=x"), borrowed, or NULL. */
	const char *go_style_flag;
	/* restore's --lsm-profile, --lsm-mount-context, --manage-cgroups-mode
	 * (the last of each, as Go's flag package and argp keep), borrowed, or NULL. */
	const char *lsm_profile;
	const char *lsm_mount_context;
	const char *manage_cgroups_mode;
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
/* Why a subcommand of kind RG_CLI_UNKNOWN is refused (malloc'd). */
char *rg_cli_unknown_msg(const struct rg_cli *cli);

/*
 * Refuses (-EINVAL, *err set) a command line whose flags the real runtime
 * at path `runtime` would read differently from runguard. runc (Go's flag
 * package) reads "-bundle x" and "-b=x" as "--bundle x"; crun (argp) reads
 * them as "-b undle" and a bundle named "=x", so runguard would enforce one
 * config.json and crun start another. Go-style flags are accepted only when
 * the runtime's file name says runc (and not crun). Returns 0 otherwise.
 */
int rg_cli_check_runtime(const struct rg_cli *cli, const char *runtime, struct rg_error **err);

/* One flag of an exec or update command line, as the runtime will read it. */
struct rg_cli_flag {
	const char *name; /* canonical long name (static), e.g. "cap" for -c */
	const char *value; /* borrowed from argv; NULL for a bool flag without "=value" */
	int index; /* argv index of the flag */
	int value_index; /* argv index of the value; == index for "--flag=value" and bool flags */
};

/*
 * The flags of the exec or update command that rg_cli_scan classified as
 * RG_CLI_EXEC or RG_CLI_UPDATE, in the order the runtime applies them (for
 * a repeated flag the last one wins, except the list flags --cap, --env,
 * --additional-gids, --cgroup). exec's flags end at the container id (what
 * follows is the command); update's may also follow the id. *ret is an
 * owned array (free() it) of borrowed strings; *ret_n its length.
 */
int rg_cli_flags(int argc, char *const argv[], const struct rg_cli *cli, struct rg_cli_flag **ret,
		 size_t *ret_n, struct rg_error **err);

/* Go's strconv.ParseBool, which runc uses for "--flag=value" of bool flags. */
int rg_cli_parse_bool(const char *s, bool *ret);

/*
 * An argv for the real runtime that differs from the original only where
 * enforcement must change it: an item replaced (a clamped value) or removed
 * (a dropped "--cap X" pair). Items are borrowed from the original argv or
 * owned by the struct. Edits use the original indices; rg_argv_vector()
 * compacts it into the NULL-terminated vector to exec.
 */
struct rg_argv {
	int argc;
	char **v; /* NULL entries are removed items */
	char **owned;
	size_t n_owned;
	bool is_changed;
	int insert_after; /* original index the inserted item follows, or -1 */
	const char *inserted; /* borrowed (a static string), or NULL */
};

void rg_argv_init(struct rg_argv *a, int argc, char *const argv[]);
/* Replaces item i with value (ownership taken). */
void rg_argv_set(struct rg_argv *a, int i, char *value);
/* Removes item i. */
void rg_argv_remove(struct rg_argv *a, int i);
/* Inserts value (borrowed; it must outlive a) after item i. One insertion per argv. */
void rg_argv_insert_after(struct rg_argv *a, int i, const char *value);
/* The NULL-terminated vector without removed items; borrowed from a, valid until rg_argv_free. */
char **rg_argv_vector(struct rg_argv *a);
void rg_argv_free(struct rg_argv *a);

#endif
