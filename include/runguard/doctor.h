/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_DOCTOR_H
#define RUNGUARD_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runguard/error.h"
#include "runguard/json.h"
#include "runguard/policy.h"

/*
 * `runguard doctor`: is this node really running its containers through
 * runguard? It checks the real runtime, the kernel, runguard's
 * configuration and, for each container engine found, whether the engine's
 * configuration really puts runguard in the path (a handler exists, names a
 * binary that is runguard, is the default or not). With --canary it starts
 * a tiny container through each configured engine and looks for proof that
 * runguard enforced it. Exit status: 0 all good, 1 problems found, 2 usage.
 */

#define RG_DOCTOR_MAX_ENGINES 4

struct rg_doctor_opts {
	const char *root_dir; /* engine configurations are read under it; NULL: "/" */
	const char *engines[RG_DOCTOR_MAX_ENGINES]; /* --engine: check only these */
	size_t n_engines;
	bool is_json;
	bool is_canary;
	bool is_require_default; /* a non-default runguard runtime is a problem */
	const char *canary_image; /* NULL: RG_DOCTOR_CANARY_IMAGE */
	const char *canary_cmd; /* NULL: "true"; split on blanks */
	unsigned canary_timeout; /* seconds per engine command; 0: 60 */
};

#define RG_DOCTOR_CANARY_IMAGE "runguard-canary:latest"

/* Parses doctor's arguments (after "doctor"). -EINVAL with *err set on a usage error. */
int rg_doctor_parse_args(int argc, char *argv[], struct rg_doctor_opts *ret, struct rg_error **err);

/*
 * Runs every check and prints the report on out (text, or JSON with
 * is_json). Returns 0 when everything is fine, 1 when a problem was found,
 * or a negative errno with *err set when the checks could not run at all.
 */
int rg_doctor_run(const struct rg_doctor_opts *o, FILE *out, struct rg_error **err);

/* ---- shared by src/doctor*.c ---- */

/*
 * Whether the file at root + path is a runguard binary: the same file as
 * the running runguard, or one carrying runguard's identity marker.
 * Returns 1 yes, 0 no, -errno when it cannot be read; *why (owned) says
 * what it is otherwise.
 */
int rg_doctor_is_runguard(const char *root, const char *path, char **why);

/* One runtime an engine can run, as its configuration says. */
struct rg_engine_handler {
	char *name; /* handler / runtime name */
	char *binary; /* configured path (NULL: none) */
	char *where; /* "file:line" */
	int is_runguard; /* 1, 0, or -1 when it cannot be told (missing, not absolute) */
	char *why; /* when not 1: what it is instead */
	bool is_default;
	bool is_ignored; /* containerd: in a file whose CRI section is not the one in effect */
	/* For the canary. */
	char *runc_root; /* containerd options.Root */
	bool is_systemd_cgroup; /* containerd options.SystemdCgroup */
};

struct rg_engine_view {
	const char *engine;
	bool is_found;
	char *files[64]; /* the configuration files read, in order */
	size_t n_files;
	struct rg_engine_handler *h;
	size_t n;
	char *default_name; /* the default runtime / handler in effect */
	char *default_where; /* "file:line" or "built-in" */
	char **problems;
	size_t n_problems;
	char **warnings;
	size_t n_warnings;
	char *docker_exec_root; /* docker: exec-root (runc state of its containers) */
};

/* Reads one engine's configuration under root (NULL: "/"). */
void rg_engine_inspect(const char *engine, const char *root, struct rg_engine_view *ret);
void rg_engine_view_free(struct rg_engine_view *v);
/* The runguard handler a canary should use: the one named "runguard", else the first. */
const struct rg_engine_handler *rg_engine_canary_handler(const struct rg_engine_view *v);

enum rg_doctor_status {
	RG_DOCTOR_OK,
	RG_DOCTOR_INFO,
	RG_DOCTOR_WARN, /* worth knowing; the exit status stays 0 */
	RG_DOCTOR_FAIL, /* a problem: exit status 1 */
};

/* One doctor run's state, shared by src/doctor/doctor.c and src/doctor/canary.c. */
struct rg_doctor {
	const struct rg_doctor_opts *o;
	FILE *out;
	struct rg_json *json; /* the --json document */
	struct rg_json *checks; /* its "checks" array (owned by json once attached) */
	struct rg_json *engines_json;
	unsigned n_fail, n_warn;
	bool has_cfg;
	struct rg_config cfg; /* runguard's configuration, when it loaded */
	char *runtime; /* the real runtime, or NULL */
	char *apparmor_profile; /* the policy's AppArmor profile, or NULL */
	struct rg_engine_view views[RG_DOCTOR_MAX_ENGINES];
	size_t n_views;
};

/* Records one check (and prints it at once in text mode). */
void rg_doctor_check(struct rg_doctor *d, const char *area, enum rg_doctor_status st,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* --canary: one container through each engine with a runguard runtime. */
void rg_doctor_canary(struct rg_doctor *d);

#endif
