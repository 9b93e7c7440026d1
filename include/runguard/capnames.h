/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_CAPNAMES_H
#define RUNGUARD_CAPNAMES_H

#include <stdbool.h>

/*
 * Capability names, checked against libcap's table but in runc's exact
 * spelling: "CAP_" followed by the upper-case name. libcap alone would also
 * accept "cap_sys_admin", "21" or trailing blanks; runc does not.
 *
 * Returns the capability number, or -1 if name is not a canonical name.
 */
int rg_capnames_lookup(const char *name);
/* Canonical name of capability number i (static storage), or NULL. */
const char *rg_capnames_name(int cap);
/* Number of capabilities known to the build's libcap. */
int rg_capnames_count(void);

#endif
