/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_SELINUX_LABEL_H
#define RUNGUARD_SELINUX_LABEL_H

#include <stdbool.h>

/*
 * SELinux contexts as strings: split, checked and classified, with no
 * SELinux library and no I/O. Used by the selinux rule and the host
 * adapter (src/host/selinux.c) alike.
 */

/* An SELinux context split into its parts (owned strings). */
struct rg_selinux_label {
	char *user;
	char *role;
	char *type;
	char *level; /* "s0", "s0:c1,c2", "s0-s0:c0.c1023", ... */
};

/*
 * Splits "user:role:type:level". False (and *ret untouched) unless user, role
 * and type are non-empty SELinux identifiers and level is a well-formed MLS
 * level or range, the whole at most 1024 bytes.
 */
bool rg_selinux_label_parse(const char *s, struct rg_selinux_label *ret);
void rg_selinux_label_free(struct rg_selinux_label *l);

enum rg_selinux_level_kind {
	RG_SELINUX_LEVEL_OWN, /* one sensitivity and explicit categories: "s0:c1,c2" */
	RG_SELINUX_LEVEL_NO_CATS, /* "s0": shared with every container */
	RG_SELINUX_LEVEL_RANGE, /* "s0-s0:c0.c1023", "s0:c0.c5": a range, not its own */
};

/* Classifies a level that rg_selinux_label_parse() accepted. */
enum rg_selinux_level_kind rg_selinux_level_kind(const char *level);

#endif
