/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_EMBEDDED_H
#define RUNGUARD_EMBEDDED_H

#include <stddef.h>

#include "runguard/json.h"

/* The seccomp profile compiled into the binary (profiles/seccomp-default.json). */
const char *rg_embedded_seccomp(size_t *ret_len);
/* Its SHA-256 in hex, computed at build time (the policy digest covers it). */
const char *rg_embedded_seccomp_sha256(void);
/* A shipped profile compiled into the binary, or NULL. */
const char *rg_embedded_profile(const char *name, size_t *ret_len);
/*
 * The embedded profile `name` ("baseline", "restricted", "privileged", or
 * "seccomp" for the default seccomp profile) as a new tree, unpacked from
 * the form packed at build time; NULL for an unknown name.
 */
struct rg_json *rg_embedded_tree(const char *name);

#endif
