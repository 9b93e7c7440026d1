/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_MCS_H
#define RUNGUARD_MCS_H

#include <stdbool.h>

#include "runguard/error.h"

/*
 * The MCS reservation store: which category pairs "cA,cB" (0 <= A < B <
 * RG_MCS_CATEGORIES) the containers on this node hold, shared by every
 * runguard process through a directory under /run:
 *
 *   <dir>/lock               flock(2) held by whoever reads or changes the store
 *   <dir>/pairs/cA,cB        one file per reserved pair, created O_EXCL, holding
 *                            "<container id>@<root digest>" of its first holder
 *   <dir>/ids/<id>@<digest>  one record per container: its pair, the key it
 *                            shares the pair under (its own id, or its pod's
 *                            sandbox id), the runtime root it lives in and the
 *                            pid and start time of the process that reserved it
 *
 * The digest is of the runtime root, so the same id under two roots (two
 * containerd namespaces) are two containers. A record is live while the
 * container's state directory <root>/<id> exists or while the reserving
 * process (runguard, which becomes the runtime by execv) still runs;
 * otherwise garbage collection removes it, and a pair no live record uses.
 * (The reserving process is looked up in our /proc: every runguard sharing a
 * store must run in one PID namespace, as they do when engines exec them.)
 */

#define RG_MCS_DEFAULT_DIR "/run/runguard/mcs"
#define RG_MCS_CATEGORIES 1024
/* Longest container or sandbox id the store accepts (a file name, with the digest). */
#define RG_MCS_ID_MAX 200

struct rg_mcs_owner {
	const char *id; /* container id: [A-Za-z0-9_+.-], not "." or ".." */
	const char *root; /* absolute runtime root */
	const char *pod; /* sandbox id whose pair it shares, or NULL: its own id */
	bool is_pod; /* in a pod (the sandbox included): pod members may join */
};

/* True when id can name a record: runc's id characters, 1..RG_MCS_ID_MAX long. */
bool rg_mcs_id_is_valid(const char *id);

/*
 * Reserves a pair for the owner and returns it as "cA,cB" (caller frees).
 * Under the store's lock: collects garbage, then reuses the owner's live
 * record, else joins the live pair of its pod (same root), else creates a
 * random free pair. Creates the store (mode 0700) if needed; a store not
 * owned by us or writable by others is an error. Returns 1 when this call
 * wrote the owner's record (a rollback may release it), 0 when the owner
 * already had a live one.
 */
int rg_mcs_reserve(const char *dir, const struct rg_mcs_owner *o, char **ret_cats,
		   struct rg_error **err);

/* A pair that is free right now, reserving nothing (for dry runs). Caller frees. */
int rg_mcs_peek(const char *dir, char **ret_cats, struct rg_error **err);

/*
 * Releases the record of container id under root, and its pair unless other
 * pod members still use it. Unless is_forced, a container whose init process
 * still runs (runc delete would refuse it) keeps its record. A missing store
 * or record is not an error. Waits for the lock at most timeout_ms.
 */
int rg_mcs_release(const char *dir, const char *id, const char *root, bool is_forced,
		   int timeout_ms, struct rg_error **err);

/* Collects dead records and unused pairs now. *ret_collected: records removed (may be NULL). */
int rg_mcs_gc(const char *dir, unsigned *ret_collected, struct rg_error **err);

#endif
