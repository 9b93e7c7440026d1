/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_LIBS_H
#define RUNGUARD_LIBS_H

#include "runguard/error.h"

/* The libraries src/lib/libs.c opens on demand (see there for why). */
enum rg_lib {
	RG_LIB_YAJL,
	RG_LIB_SECCOMP,
	RG_LIB_SELINUX,
};

/* libselinux only where the kernel runs SELinux (see src/lib/libs.c). */
#define RG_LIBS_ALL ((1u << RG_LIB_YAJL) | (1u << RG_LIB_SECCOMP) | (1u << RG_LIB_SELINUX))

/*
 * What the enforced commands load before they start: libseccomp is only
 * asked whether the syscall names an operator's configuration lists
 * (seccompDeny.syscalls) exist, and is opened then (a missing library stops
 * the command there, naming it, before anything is written).
 */
#define RG_LIBS_ENFORCED ((1u << RG_LIB_YAJL) | (1u << RG_LIB_SELINUX))

/*
 * Loads the libraries in mask (bits 1 << enum rg_lib) that are not loaded
 * yet. 0, or -ENOENT with *err naming the library, its Debian package and
 * the loader's reason. Idempotent.
 */
int rg_libs_load(unsigned mask, struct rg_error **err);

/*
 * The library's own definition of name (loading the library first), for a
 * function called so often that the forwarding call shows: the parser asks
 * yajl_get_bytes_consumed of every value. Aborts when it cannot be had, as
 * the forwarding functions do.
 */
void *rg_libs_sym(enum rg_lib l, const char *name);

#endif
