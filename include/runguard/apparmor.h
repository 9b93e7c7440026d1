/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_APPARMOR_H
#define RUNGUARD_APPARMOR_H

#include "runguard/host.h"

/*
 * AppArmor: the host facts the apparmor rule (src/rules/apparmor.c, pure)
 * needs, read by src/host/apparmor.c, the adapter that reads /sys. The
 * default profile's name, RG_APPARMOR_DEFAULT_PROFILE, is a policy default
 * (policy.h).
 *
 * On a host where AppArmor is enabled, a container whose
 * process.apparmorProfile is absent, empty or "unconfined" gets the
 * configured profile (settings {"profile": "runguard-default"}); the profile
 * must be loaded in the kernel, else the container is refused. Where
 * AppArmor is not enabled the rule changes nothing.
 */

/*
 * Test hook: when set, the AppArmor files are read under this directory
 * (<root>/sys/module/apparmor/parameters/enabled and
 * <root>/sys/kernel/security/apparmor/profiles) instead of /sys. Read only
 * by a test build (-DRG_TEST_SWITCHES: make's build/runguard-test and the
 * unit tests); the installed binary ignores it, since whoever sets the
 * caller's environment could otherwise switch the apparmor rule off.
 */
#define RG_APPARMOR_ROOT_ENV "RUNGUARD_APPARMOR_ROOT"

/*
 * 1 when AppArmor is enabled (<root>/sys/module/apparmor/parameters/enabled
 * starts with "Y"), else 0. root NULL: $RUNGUARD_APPARMOR_ROOT, else "/".
 */
int rg_host_apparmor_enabled(const char *root);

/*
 * Whether profile `name` is loaded: listed ("name (mode)") in
 * <root>/sys/kernel/security/apparmor/profiles. 1 yes, 0 no, -errno when
 * the list cannot be read. root as above.
 */
int rg_host_apparmor_loaded(const char *root, const char *name);

/* rg_host_apparmor_loaded(NULL, name): the rg_host.apparmor_is_loaded adapter. */
int rg_host_apparmor_is_loaded(const char *name);

/* Fills the AppArmor facts of *h (called by rg_host_detect). */
void rg_host_detect_apparmor(struct rg_host *h);

#endif
