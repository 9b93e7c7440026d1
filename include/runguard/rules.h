/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_RULES_H
#define RUNGUARD_RULES_H

#include <stddef.h>

#include "runguard/error.h"
#include "runguard/json.h"
#include "runguard/rule_api.h"

/*
 * The rule registry (src/engine/registry.c) and the runner
 * (src/engine/enforce.c): for the engine, the configuration check and the
 * tests. Rule modules include rule_api.h instead.
 */

/* Each rule module exports one struct rg_rule, listed once in rule_list.def. */
#define RG_RULE(sym) extern const struct rg_rule sym;
#include "runguard/rule_list.def"
#undef RG_RULE

/* The rule table, in enforcement order. */
const struct rg_rule *const *rg_rules_all(size_t *ret_n);
/* The rule named `name` (its policy key), or NULL. */
const struct rg_rule *rg_rule_find(const char *name);

/*
 * Runs every rule whose action is not off, in table order. Returns 0 when
 * the spec may run (possibly changed); -EPERM with *err set when a rule
 * recorded violations; another negative errno when the spec could not be
 * enforced.
 */
int rg_enforce(struct rg_json *spec, struct rg_rule_ctx *ctx, struct rg_error **err);

#endif
