/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_CONTAINER_H
#define RUNGUARD_CONTAINER_H

#include "runguard/cli.h"
#include "runguard/error.h"
#include "runguard/json.h"

/*
 * An existing container, for exec and update: where its bundle is (from the
 * real runtime's `state`, which runc and crun both answer with a "bundle"
 * field) and the config.json there, whose annotations select the policy
 * and whose process says what the container was confined with.
 */
struct rg_container {
	char *bundle; /* absolute bundle path, as the runtime recorded it */
	char *status; /* "running", "paused", ... */
	char *config_name; /* <bundle>/config.json */
	struct rg_json *spec; /* that config.json, parsed and key-checked */
	/*
	 * Set only when the lookup was told a dry run may go on: config.json
	 * names one spec field twice (rg_spec_canon_keys refused it); spec is
	 * then the file as written and this is why enforce would refuse.
	 */
	char *ambiguity;
};

/*
 * Runs `<runtime> [--root R] state -- <id>` (R and id from cli) as a child
 * with the runguard marker in its environment, parses its output, then
 * opens and loads the bundle's config.json with the same checks as create.
 * Fills *ret on success; returns a negative errno with *err set (naming
 * the runtime's own message when state fails) otherwise. With is_dry, a
 * config.json with two spellings of one field is loaded as written and
 * ret->ambiguity says so, instead of failing.
 */
int rg_container_lookup(const char *runtime, const struct rg_cli *cli, bool is_dry,
			struct rg_container *ret, struct rg_error **err);

/* Parses the JSON of `state` (text[0..len)) into bundle and status. For tests too. */
int rg_container_parse_state(const char *text, size_t len, struct rg_container *ret,
			     struct rg_error **err);

void rg_container_free(struct rg_container *c);

#endif
