/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_SELINUX_H
#define RUNGUARD_SELINUX_H

#include <stdbool.h>

#include "runguard/cli.h"
#include "runguard/error.h"
#include "runguard/host.h"

/*
 * SELinux for the selinux rule (src/rules/selinux.c), which stays free of I/O:
 * the facts it needs and the MCS allocator come in through struct
 * rg_selinux_facts, filled by the adapter in src/host/selinux.c (libselinux,
 * the reservation store of src/host/mcs.c) or, in tests, by hand.
 */

/* Annotations that put a container into a pod (containerd's CRI plugin, CRI-O). */
#define RG_ANN_SANDBOX_ID_CRI "io.kubernetes.cri.sandbox-id"
#define RG_ANN_SANDBOX_ID_CRIO "io.kubernetes.cri-o.SandboxID"
#define RG_ANN_TYPE_CRI "io.kubernetes.cri.container-type"
#define RG_ANN_TYPE_CRIO "io.kubernetes.cri-o.ContainerType"

/*
 * Test-only switches (see src/host/selinux.c). They exist only in a test build
 * (-DRG_TEST_SWITCHES: make's build/runguard-test and the unit tests), and
 * even there are honoured only while the kernel reports SELinux disabled.
 */
#define RG_ENV_SELINUX_FORCE "RUNGUARD_SELINUX_FORCE"
#define RG_ENV_LXC_CONTEXTS "RUNGUARD_LXC_CONTEXTS"
#define RG_ENV_MCS_DIR "RUNGUARD_MCS_DIR"
#define RG_ENV_CRASH_AFTER_RESERVE "RUNGUARD_TEST_CRASH_AFTER_RESERVE"

/*
 * Reserves MCS categories "cA,cB" (A < B) unique on this node for the
 * container being created. Containers of one pod share their sandbox's
 * categories: sandbox_id is the pod's sandbox id from the annotations (NULL:
 * none), is_sandbox says the container is the sandbox itself. *ret_cats is
 * owned by the caller. Negative errno with *err set on failure.
 */
struct rg_mcs_alloc {
	int (*reserve)(void *data, const char *sandbox_id, bool is_sandbox, char **ret_cats,
		       struct rg_error **err);
	void *data;
};

/* What the selinux rule knows about the host. Strings are borrowed. */
struct rg_selinux_facts {
	const char *state; /* for the audit record: "enforcing", "disabled", ... */
	const char *contexts_path; /* the lxc_contexts file read, or NULL */
	const char *process_label; /* its "process" context, or NULL */
	const char *file_label; /* its "file" context, or NULL */
	const char *contexts_error; /* why the contexts are unusable, or NULL */
	struct rg_mcs_alloc mcs; /* reserve NULL: no allocator */
};

/*
 * Reads an lxc_contexts file (selinux_lxc_contexts_path()): lines
 * `key = "context"`, blank lines and `#`/`;` comments. Returns its "process"
 * and "file" contexts (owned by the caller); a missing, unreadable, oversized
 * or malformed file, a duplicate or missing entry, or a context that is not
 * user:role:type:level is an error naming file and line.
 */
int rg_selinux_read_contexts(const char *path, char **ret_process, char **ret_file,
			     struct rg_error **err);

/* True when the test switches are honoured: RUNGUARD_SELINUX_FORCE=1 on a host without SELinux. */
bool rg_selinux_is_test_mode(void);

/*
 * The adapter for one create (or explain): SELinux state and contexts read
 * once, and an allocator that reserves in the MCS store for this container
 * (or, when dry, only picks a free pair). Owned; rg_selinux_host_free().
 */
struct rg_selinux_host {
	struct rg_selinux_facts facts;
	char *contexts_path;
	char *process_label;
	char *file_label;
	char *contexts_error;
	const char *id; /* container id (borrowed from argv), or NULL */
	const char *root; /* --root (borrowed), or NULL: the runtime's default */
	const char *runtime; /* configured runtime path (borrowed), or NULL */
	char *mcs_dir;
	char *reserved_root; /* set once this process wrote a reservation, for rollback */
	bool is_enabled; /* SELinux on (or forced on for tests) */
	bool is_dry;
};

/* Detects SELinux (and reads the contexts when it is on). cli may be NULL (explain). */
void rg_selinux_host_init(struct rg_selinux_host *sh, const struct rg_cli *cli,
			  const char *configured_runtime);
/* Points host at sh's facts; dry: reserve nothing (audit/warn mode, explain). */
void rg_selinux_host_attach(struct rg_selinux_host *sh, struct rg_host *host, bool is_dry);
/* The create failed after a reservation: give it back (best effort). */
void rg_selinux_host_rollback(struct rg_selinux_host *sh);
void rg_selinux_host_free(struct rg_selinux_host *sh);

/*
 * Passthrough `delete`: releases the container's MCS reservation, if it has
 * one, before the real runtime deletes it. Never fails: anything it cannot do
 * is left to the store's garbage collection. `runtime` is the real runtime
 * (for its default --root).
 */
void rg_selinux_on_delete(const struct rg_cli *cli, char *const argv[], const char *runtime);

/*
 * Under SELinux, labels fd (a memfd runguard made to hand to the real runtime
 * by fd) so that `runtime`'s domain may read and write it when exec'ing
 * runtime changes domain: the label the policy gives a file that domain makes
 * there (see src/host/sehandover.c). Nothing happens without SELinux or
 * without a domain change. 0 on success, with *ret_how (if ret_how; owned,
 * NULL when nothing was needed) saying what was done; negative errno with
 * *err when the label could not be had or set (the message says how to label
 * runguard like the runtime instead).
 */
int rg_selinux_label_handover(int fd, const char *runtime, char **ret_how, struct rg_error **err);

/*
 * The SELinux labels of runguard's executable and of runtime's (owned), for
 * doctor. -1 when SELinux is off or a label cannot be read.
 */
int rg_selinux_exe_labels(const char *runtime, char **ret_self, char **ret_runtime);

/* The runtime's state directory: root made absolute, or runc's/crun's default. Caller frees. */
char *rg_selinux_runtime_root(const char *root, const char *runtime);

#endif
