/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `runguard doctor --canary`: for each engine whose configuration names a
 * runguard runtime, start one tiny container through that runtime with the
 * engine's own CLI, and look for proof that runguard decided on it:
 *
 *   1. runguard's audit log (from runguard's configuration) has a record
 *      for exactly that container id; or
 *   2. the real runtime's `state` of the container (under the engine's runc
 *      root, where doctor knows it) carries the run.runguard.policy
 *      annotation.
 *
 * No proof means the path is open: a problem. A refusal by runguard (the
 * canary violates the policy) is proof too. The container is removed
 * afterwards, whatever happened.
 *
 *   docker      docker create --runtime NAME IMAGE CMD; docker start;
 *               docker rm -f. runc root: <exec-root>/runtime-runc/moby.
 *   podman      podman create --runtime NAME --network none ...; start; rm -f.
 *   containerd  ctr run -d --runc-binary BinaryName [--runc-root Root]
 *               [--runc-systemd-cgroup] IMAGE ID CMD: the handler's options
 *               through the same runc shim v2 (ctr does not use CRI
 *               handlers); task kill, task delete, container delete.
 *               runc root: Root (or /run/containerd/runc) + /<namespace>.
 *
 * The CLIs are found in the system directories and run with doctor's own
 * environment: DOCKER_HOST, CONTAINERD_ADDRESS, CONTAINERD_NAMESPACE and
 * CONTAINERS_CONF select the daemon and configuration as usual. CRI-O has
 * no CLI of its own to start a container with; it is skipped (info).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "runguard/doctor.h"
#include "runguard/fileio.h"
#include "runguard/json.h"
#include "runguard/spawn.h"
#include "runguard/util.h"

#define LABEL "run.runguard.canary=1"
#define POLICY_ANNOTATION "run.runguard.policy"
/* The audit log is read from its end: the canary's record is among the newest. */
#define AUDIT_TAIL (8u * 1024u * 1024u)

struct canary {
	struct rg_doctor *d;
	const char *engine;
	const struct rg_engine_handler *h;
	const struct rg_engine_view *v;
	char *cli; /* the engine's CLI */
	char *id; /* the container */
	char *state_root; /* the real runtime's --root for it, or NULL */
	char *evidence;
	char *error;
	unsigned timeout;
};

/* argv of the canary command: --canary-cmd split on blanks, else "true". */
static size_t split_cmd(const char *cmd, char *buf, size_t size, char **words, size_t max)
{
	size_t n = 0;
	snprintf(buf, size, "%s", cmd && *cmd ? cmd : "true");
	for (char *save = NULL, *w = strtok_r(buf, " \t", &save); w && n < max;
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	return n;
}

static char *last_line(const char *s)
{
	const char *end = s + strlen(s);
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	const char *start = end;
	while (start > s && start[-1] != '\n')
		start--;
	return rg_xstrndup(start, (size_t)(end - start));
}

static void set_error(struct canary *c, const char *what, const struct rg_spawn_result *res)
{
	free(c->error);
	if (res->is_timeout)
		c->error = rg_xasprintf("%s: timed out after %us", what, c->timeout);
	else
		c->error = rg_xasprintf("%s: exit %d: %.400s", what, res->status,
					*res->err ? res->err : res->out);
	char *nl = c->error + strlen(c->error);
	while (nl > c->error && nl[-1] == '\n')
		*--nl = '\0';
}

/* Runs a CLI command; 0 when it exited 0. */
static int run(struct canary *c, char **argv, const char *what, struct rg_spawn_result *res)
{
	int r = rg_spawn(argv, c->timeout, res);
	if (r < 0) {
		free(c->error);
		c->error = rg_xasprintf("%s: %s: %s", what, argv[0], strerror(-r));
		*res = (struct rg_spawn_result){.status = -1};
		return r;
	}
	if (res->status != 0 || res->is_timeout) {
		set_error(c, what, res);
		return -EIO;
	}
	return 0;
}

static void run_quiet(struct canary *c, char **argv)
{
	struct rg_spawn_result res;
	if (rg_spawn(argv, c->timeout, &res) == 0)
		rg_spawn_result_free(&res);
}

/* Proof 1: a record for exactly this container in runguard's audit log. */
static bool audit_proof(struct canary *c)
{
	const char *file = c->d->has_cfg ? c->d->cfg.audit_file : NULL;
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *needle = NULL;
	struct rg_error *err = NULL;
	size_t len = 0;

	if (!file)
		return false;
	int r = rg_file_read(file, 512u * 1024u * 1024u, &text, &len, &err);
	rg_error_free(err);
	if (r < 0)
		return false;
	needle = rg_xasprintf("\"id\":\"%s\"", c->id);
	const char *from = len > AUDIT_TAIL ? text + len - AUDIT_TAIL : text;
	const char *hit = NULL;
	for (const char *p = strstr(from, needle); p; p = strstr(p + 1, needle))
		hit = p;
	if (!hit)
		return false;
	const char *start = hit, *end = strchr(hit, '\n');
	while (start > text && start[-1] != '\n')
		start--;
	size_t n = end ? (size_t)(end - start) : strlen(start);
	_cleanup_json_ struct rg_json *rec = rg_json_parse(start, n, file, NULL, &err);
	rg_error_free(err);
	if (!rec)
		return false;
	const char *decision = rg_json_str(rg_json_get(rec, "decision"));
	const char *policy = rg_json_str(rg_json_get(rec, "policy"));
	const char *digest = rg_json_str(rg_json_get(rec, "digest"));
	c->evidence =
	    rg_xasprintf("audit log %s: decision %s, policy %s@%s", file, decision ? decision : "?",
			 policy ? policy : "?", digest ? digest : "?");
	return true;
}

/* Proof 2: the runtime's state of the container carries runguard's annotation. */
static bool state_proof(struct canary *c)
{
	if (!c->state_root || !c->d->runtime)
		return false;
	char *argv[] = {c->d->runtime, (char *)"--root", c->state_root, (char *)"state", c->id,
			NULL};
	struct rg_spawn_result res;
	struct rg_error *err = NULL;
	if (rg_spawn(argv, 10, &res) < 0)
		return false;
	_cleanup_json_ struct rg_json *st =
	    res.status == 0 ? rg_json_parse(res.out, strlen(res.out), "state", NULL, &err) : NULL;
	rg_error_free(err);
	rg_spawn_result_free(&res);
	const char *pol =
	    rg_json_str(rg_json_get(rg_json_get(st, "annotations"), POLICY_ANNOTATION));
	if (!pol)
		return false;
	c->evidence = rg_xasprintf("%s --root %s state %s: %s=%s", c->d->runtime, c->state_root,
				   c->id, POLICY_ANNOTATION, pol);
	return true;
}

static bool prove(struct canary *c)
{
	/* The record is written before the real runtime starts; allow a moment anyway. */
	for (int i = 0; i < 20; i++) {
		if (audit_proof(c) || state_proof(c))
			return true;
		usleep(100 * 1000);
	}
	return false;
}

/* docker or podman: create, start, prove, remove. */
static void canary_cli(struct canary *c, bool is_podman)
{
	char buf[512], *words[32];
	size_t n = split_cmd(c->d->o->canary_cmd, buf, sizeof(buf), words, RG_ARRAY_SIZE(words));
	const char *image = c->d->o->canary_image ? c->d->o->canary_image : RG_DOCTOR_CANARY_IMAGE;
	char *argv[48];
	size_t k = 0;
	struct rg_spawn_result res;

	argv[k++] = c->cli;
	argv[k++] = (char *)"create";
	argv[k++] = (char *)"--runtime";
	argv[k++] = c->h->name;
	if (is_podman) {
		/* No network to set up. Not for docker: it adds its libnetwork-setkey
		 * prestart hook for a private network namespace, which a policy with
		 * the hooks rule's engineHooks off would refuse, proving nothing about
		 * the path. */
		argv[k++] = (char *)"--network";
		argv[k++] = (char *)"none";
	}
	argv[k++] = (char *)"--label";
	argv[k++] = (char *)LABEL;
	argv[k++] = (char *)image;
	for (size_t i = 0; i < n; i++)
		argv[k++] = words[i];
	argv[k] = NULL;
	if (run(c, argv, "create", &res) < 0) {
		rg_spawn_result_free(&res);
		return;
	}
	c->id = last_line(res.out);
	rg_spawn_result_free(&res);
	if (!is_podman && c->v->docker_exec_root)
		c->state_root = rg_xasprintf("%s/runtime-runc/moby", c->v->docker_exec_root);
	char *start[] = {c->cli, (char *)"start", c->id, NULL};
	int r = run(c, start, "start", &res);
	rg_spawn_result_free(&res);
	if (prove(c) && r < 0) {
		/* runguard refused it: still proof that runguard is in the path. */
		free(c->error);
		c->error = NULL;
	}
	char *rm_docker[] = {c->cli, (char *)"rm", (char *)"-f", c->id, NULL};
	char *rm_podman[] = {c->cli,	  (char *)"rm", (char *)"-f", (char *)"-t",
			     (char *)"0", c->id,	NULL};
	run_quiet(c, is_podman ? rm_podman : rm_docker);
}

/* containerd through ctr, with the handler's binary and options. */
static void canary_ctr(struct canary *c)
{
	char buf[512], *words[32];
	size_t n = split_cmd(c->d->o->canary_cmd, buf, sizeof(buf), words, RG_ARRAY_SIZE(words));
	const char *image = c->d->o->canary_image ? c->d->o->canary_image : RG_DOCTOR_CANARY_IMAGE;
	const char *ns = getenv("CONTAINERD_NAMESPACE");
	unsigned char rnd[4] = {0};
	char *argv[48];
	size_t k = 0;
	struct rg_spawn_result res;

	if (!ns || !*ns)
		ns = "default";
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0, sizeof(rnd));
	c->id = rg_xasprintf("runguard-canary-%d-%02x%02x%02x%02x", (int)getpid(), rnd[0], rnd[1],
			     rnd[2], rnd[3]);
	c->state_root =
	    rg_xasprintf("%s/%s", c->h->runc_root ? c->h->runc_root : "/run/containerd/runc", ns);
	argv[k++] = c->cli;
	argv[k++] = (char *)"run";
	argv[k++] = (char *)"-d";
	argv[k++] = (char *)"--runc-binary";
	argv[k++] = c->h->binary;
	if (c->h->runc_root) {
		argv[k++] = (char *)"--runc-root";
		argv[k++] = c->h->runc_root;
	}
	if (c->h->is_systemd_cgroup)
		argv[k++] = (char *)"--runc-systemd-cgroup";
	argv[k++] = (char *)"--label";
	argv[k++] = (char *)LABEL;
	argv[k++] = (char *)image;
	argv[k++] = c->id;
	for (size_t i = 0; i < n; i++)
		argv[k++] = words[i];
	argv[k] = NULL;
	int r = run(c, argv, "ctr run", &res);
	rg_spawn_result_free(&res);
	if (prove(c) && r < 0) {
		free(c->error);
		c->error = NULL;
	}
	char *kill_task[] = {
	    c->cli, (char *)"task", (char *)"kill", (char *)"-s", (char *)"SIGKILL", c->id, NULL};
	char *del_task[] = {c->cli, (char *)"task", (char *)"delete", (char *)"-f", c->id, NULL};
	char *del_ctr[] = {c->cli, (char *)"container", (char *)"delete", c->id, NULL};
	run_quiet(c, kill_task);
	run_quiet(c, del_task);
	run_quiet(c, del_ctr);
}

static void canary_one(struct rg_doctor *d, const struct rg_engine_view *v, struct rg_json *arr)
{
	const struct rg_engine_handler *h = rg_engine_canary_handler(v);
	struct canary c = {.d = d, .engine = v->engine, .h = h, .v = v};
	const char *cli_name = rg_streq(v->engine, "containerd") ? "ctr" : v->engine;

	c.timeout = d->o->canary_timeout ? d->o->canary_timeout : 60;
	if (!h)
		return;
	if (rg_streq(v->engine, "crio")) {
		rg_doctor_check(
		    d, "canary", RG_DOCTOR_INFO,
		    "crio: skipped (CRI-O has no CLI that starts a container; use crictl "
		    "with a RuntimeClass)");
		return;
	}
	struct rg_json *j = rg_json_new(RG_JSON_OBJECT);
	rg_json_append(arr, j);
	rg_json_set(j, "engine", rg_json_new_string(v->engine));
	rg_json_set(j, "runtime", rg_json_new_string(h->name));
	c.cli = rg_spawn_find(cli_name);
	if (!c.cli)
		c.error = rg_xasprintf("%s not found", cli_name);
	else if (rg_streq(v->engine, "containerd"))
		canary_ctr(&c);
	else
		canary_cli(&c, rg_streq(v->engine, "podman"));
	rg_json_set(j, "container", c.id ? rg_json_new_string(c.id) : rg_json_new(RG_JSON_NULL));
	rg_json_set(j, "ok", rg_json_new_bool(c.evidence != NULL));
	rg_json_set(j, "evidence",
		    c.evidence ? rg_json_new_string(c.evidence) : rg_json_new(RG_JSON_NULL));
	rg_json_set(j, "error", c.error ? rg_json_new_string(c.error) : rg_json_new(RG_JSON_NULL));
	if (c.evidence)
		rg_doctor_check(d, "canary", RG_DOCTOR_OK,
				"%s: runtime %s: runguard enforced "
				"container %s (%s)",
				v->engine, h->name, c.id, c.evidence);
	else if (c.error)
		rg_doctor_check(d, "canary", RG_DOCTOR_FAIL, "%s: runtime %s: %s", v->engine,
				h->name, c.error);
	else
		rg_doctor_check(d, "canary", RG_DOCTOR_FAIL,
				"%s: runtime %s: container %s ran, but nothing shows that runguard "
				"enforced it (no audit record, no %s annotation): the path is open",
				v->engine, h->name, c.id ? c.id : "?", POLICY_ANNOTATION);
	free(c.cli);
	free(c.id);
	free(c.state_root);
	free(c.evidence);
	free(c.error);
}

void rg_doctor_canary(struct rg_doctor *d)
{
	struct rg_json *arr = rg_json_new(RG_JSON_ARRAY);
	rg_json_set(d->json, "canary", arr);
	bool any = false;
	for (size_t i = 0; i < d->n_views; i++) {
		const struct rg_engine_view *v = &d->views[i];
		if (!v->is_found || !rg_engine_canary_handler(v))
			continue;
		any = true;
		canary_one(d, v, arr);
	}
	if (!any)
		rg_doctor_check(d, "canary", RG_DOCTOR_WARN,
				"no engine with a runguard runtime to start a canary through");
}
