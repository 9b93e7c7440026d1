/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_SECCOMP_CAPS_H
#define RUNGUARD_SECCOMP_CAPS_H

#include "runguard/error.h"
#include "runguard/json.h"

/*
 * Appends to `out` (a JSON array, owned by the caller) the names of the
 * syscalls that are useful only with a capability the container's bounding
 * set (`bounding`, an array of names; NULL: none) lacks: those the shipped
 * default profile (profiles/seccomp-default.json, the one source of truth)
 * allows only under an unmet includes.caps and nowhere else, plus the few
 * it never allows that do nothing without CAP_SYS_ADMIN. clone and clone3
 * are never listed (they start every process; seccompDeny handles their
 * CLONE_NEWUSER use). Names already in `out` are not repeated.
 * The profile's tables are made at build time: returns 0.
 */
int rg_seccomp_cap_only_names(const struct rg_json *bounding, struct rg_json *out,
			      struct rg_error **err);

#endif
