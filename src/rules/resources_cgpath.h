/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_CGPATH_H
#define RUNGUARD_CGPATH_H

/*
 * Judges linux.cgroupsPath as the real runtime may read it. The same
 * config.json is read as a cgroupfs path or as systemd's
 * "slice:prefix:name" depending on runc's global --systemd-cgroup (crun's
 * --cgroup-manager=systemd), so a value must be safe under both readings.
 *
 * Returns NULL when it is, else why not (a static string). Pure: no I/O.
 */
const char *rg_cgroups_path_unsafe(const char *value);

#endif
