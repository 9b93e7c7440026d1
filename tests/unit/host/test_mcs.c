/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the MCS reservation store (src/host/mcs.c) in a temporary
 * directory: distinct pairs, reuse on retry, pods sharing their sandbox's
 * pair (per runtime root), release on delete (and not while the container
 * runs), garbage collection of reservations whose container and reserving
 * process are gone, garbage files, permissions, hostile ids. Dead
 * reservers are made by forking a child that reserves and exits.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/error.h"
#include "../../../src/host/mcs.h"
#include "runguard/util.h"

static char tmpdir[] = "/tmp/rg-test-mcs-XXXXXX";
static char *store; /* per test */
static char *root; /* a fake runtime root, per test */
static char *root2; /* another one */
static struct rg_error *error;
static int test_no;

static int setup(void **state)
{
	test_no++;
	store = rg_xasprintf("%s/t%d/mcs", tmpdir, test_no);
	root = rg_xasprintf("%s/t%d/root", tmpdir, test_no);
	root2 = rg_xasprintf("%s/t%d/root2", tmpdir, test_no);
	char *t = rg_xasprintf("%s/t%d", tmpdir, test_no);
	assert_int_equal(mkdir(t, 0700), 0);
	free(t);
	assert_int_equal(mkdir(root, 0700), 0);
	assert_int_equal(mkdir(root2, 0700), 0);
	return 0;
}

static int teardown(void **state)
{
	free(store);
	free(root);
	free(root2);
	rg_error_free(error);
	error = NULL;
	return 0;
}

#define expect_ok(r) expect_ok_at(r, __LINE__)
static int expect_ok_at(int r, int line)
{
	if (r < 0)
		fail_msg("line %d: unexpected error %d: %s", line, r, error ? error->msg : "?");
	return r;
}

static char *reserve(const char *id, const char *rt, const char *pod, bool is_pod, int *ret_r)
{
	struct rg_mcs_owner o = {.id = id, .root = rt, .pod = pod, .is_pod = is_pod};
	char *cats = NULL;
	int r = expect_ok(rg_mcs_reserve(store, &o, &cats, &error));
	if (ret_r)
		*ret_r = r;
	return cats;
}

static size_t count(const char *sub)
{
	char *p = rg_xasprintf("%s/%s", store, sub);
	DIR *d = opendir(p);
	free(p);
	size_t n = 0;
	if (!d)
		return 0;
	for (struct dirent *de; (de = readdir(d));)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static bool exists(const char *sub, const char *name)
{
	char *p = rg_xasprintf("%s/%s/%s", store, sub, name);
	struct stat st;
	bool ok = lstat(p, &st) == 0;
	free(p);
	return ok;
}

/* Makes <rt>/<id>/ as the runtime would, optionally with a state file. */
static void make_container(const char *rt, const char *id, const char *state_json)
{
	char *d = rg_xasprintf("%s/%s", rt, id);
	assert_int_equal(mkdir(d, 0711), 0);
	if (state_json) {
		char *f = rg_xasprintf("%s/state.json", d);
		int fd = open(f, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(rg_write_all(fd, state_json, strlen(state_json)), 0);
		close(fd);
		free(f);
	}
	free(d);
}

static void remove_container(const char *rt, const char *id)
{
	char *cmd = rg_xasprintf("rm -rf -- '%s/%s'", rt, id);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Reserves in a child process that then exits: a reservation whose reserver is dead. */
static void reserve_in_dead_child(const char *id, const char *rt)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rg_mcs_owner o = {.id = id, .root = rt};
		char *cats = NULL;
		_exit(rg_mcs_reserve(store, &o, &cats, NULL) == 1 ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_distinct_pairs(void **state)
{
	char *seen[300];
	for (int i = 0; i < 300; i++) {
		char id[32];
		snprintf(id, sizeof(id), "c-%d", i);
		int r;
		seen[i] = reserve(id, root, NULL, false, &r);
		assert_int_equal(r, 1);
		unsigned a, b;
		int n = 0;
		assert_int_equal(sscanf(seen[i], "c%u,c%u%n", &a, &b, &n), 2);
		assert_true(a < b && b < RG_MCS_CATEGORIES && seen[i][n] == '\0');
		for (int k = 0; k < i; k++)
			assert_string_not_equal(seen[i], seen[k]);
	}
	assert_int_equal(count("pairs"), 300);
	assert_int_equal(count("ids"), 300);
	for (int i = 0; i < 300; i++)
		free(seen[i]);
	/* The store is private: 0700, ours. */
	struct stat st;
	assert_int_equal(stat(store, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
}

static void test_retry_reuses(void **state)
{
	int r;
	char *a = reserve("same", root, NULL, false, &r);
	assert_int_equal(r, 1);
	char *b = reserve("same", root, NULL, false, &r);
	assert_int_equal(r, 0); /* not this call's to roll back */
	assert_string_equal(a, b);
	/* The same id under another root is another container. */
	char *c = reserve("same", root2, NULL, false, &r);
	assert_int_equal(r, 1);
	assert_string_not_equal(a, c);
	assert_int_equal(count("pairs"), 2);
	free(a);
	free(b);
	free(c);
}

static void test_pods_share(void **state)
{
	char *sb = reserve("sandbox1", root, "sandbox1", true, NULL);
	char *c1 = reserve("app1", root, "sandbox1", true, NULL);
	char *c2 = reserve("app2", root, "sandbox1", true, NULL);
	char *other = reserve("app3", root, "sandbox2", true, NULL);
	char *elsewhere = reserve("app4", root2, "sandbox1", true, NULL);
	assert_string_equal(sb, c1);
	assert_string_equal(sb, c2);
	assert_string_not_equal(sb, other);
	assert_string_not_equal(sb, elsewhere); /* another root: another pod */
	/* A standalone container named like a sandbox is no pod to join. */
	char *alone = reserve("solo", root, NULL, false, NULL);
	char *joiner = reserve("app5", root, "solo", true, NULL);
	assert_string_not_equal(alone, joiner);
	assert_int_equal(count("pairs"), 5);

	/* The pair stays until its last member is released, in any order. */
	expect_ok(rg_mcs_release(store, "sandbox1", root, false, 1000, &error));
	assert_true(exists("pairs", sb));
	expect_ok(rg_mcs_release(store, "app1", root, false, 1000, &error));
	assert_true(exists("pairs", sb));
	expect_ok(rg_mcs_release(store, "app2", root, false, 1000, &error));
	assert_false(exists("pairs", sb));
	free(sb);
	free(c1);
	free(c2);
	free(other);
	free(elsewhere);
	free(alone);
	free(joiner);
}

static void test_release(void **state)
{
	char *a = reserve("r1", root, NULL, false, NULL);
	make_container(root, "r1", NULL);
	expect_ok(rg_mcs_release(store, "r1", root2, false, 1000, &error)); /* other root */
	assert_true(exists("pairs", a));
	expect_ok(rg_mcs_release(store, "r1", root, false, 1000, &error));
	assert_false(exists("pairs", a));
	assert_int_equal(count("ids"), 0);
	/* Nothing to release, no store at all, hostile ids: no error. */
	expect_ok(rg_mcs_release(store, "r1", root, false, 1000, &error));
	expect_ok(rg_mcs_release(store, "../x", root, true, 1000, &error));
	char *none = rg_xasprintf("%s/none", tmpdir);
	expect_ok(rg_mcs_release(none, "r1", root, false, 1000, &error));
	struct stat st;
	assert_int_equal(stat(none, &st), -1); /* delete never creates the store */
	free(none);
	free(a);
}

static void test_release_keeps_running(void **state)
{
	/* A state file naming a live init process (ours): delete would refuse it. */
	char start[64];
	FILE *f = fopen("/proc/self/stat", "re");
	char buf[1024] = "";
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	assert_non_null(p);
	snprintf(start, sizeof(start), "%llu", strtoull(p + 1, NULL, 10));
	char *json = rg_xasprintf("{\"init_process_pid\": %d, \"init_process_start\": %s}",
				  (int)getpid(), start);
	char *a = reserve("run1", root, NULL, false, NULL);
	make_container(root, "run1", json);
	expect_ok(rg_mcs_release(store, "run1", root, false, 1000, &error));
	assert_true(exists("pairs", a));
	/* --force: runc kills it and deletes it. */
	expect_ok(rg_mcs_release(store, "run1", root, true, 1000, &error));
	assert_false(exists("pairs", a));

	/* Created, never started (exec.fifo): delete kills it, so release. */
	char *b = reserve("created1", root, NULL, false, NULL);
	make_container(root, "created1", json);
	char *fifo = rg_xasprintf("%s/created1/exec.fifo", root);
	assert_int_equal(mkfifo(fifo, 0622), 0);
	expect_ok(rg_mcs_release(store, "created1", root, false, 1000, &error));
	assert_false(exists("pairs", b));

	/* Stopped (init gone), and unreadable state: released, kept. */
	char *c = reserve("stopped1", root, NULL, false, NULL);
	make_container(root, "stopped1",
		       "{\"init_process_pid\": 999999999, \"init_process_start\": 1}");
	expect_ok(rg_mcs_release(store, "stopped1", root, false, 1000, &error));
	assert_false(exists("pairs", c));
	char *d = reserve("odd1", root, NULL, false, NULL);
	make_container(root, "odd1", "{not json");
	expect_ok(rg_mcs_release(store, "odd1", root, false, 1000, &error));
	assert_true(exists("pairs", d));
	free(fifo);
	free(json);
	free(a);
	free(b);
	free(c);
	free(d);
}

static void test_gc_dead_reserver(void **state)
{
	/* (Every reservation collects first, so the dead one comes last.) */
	/* Reserver gone but the container exists: kept. */
	reserve_in_dead_child("alive", root);
	make_container(root, "alive", NULL);
	/* Our own reservation: the reserver (this process) runs. */
	char *mine = reserve("mine", root, NULL, false, NULL);
	/* Killed between reservation and exec: no container, reserver gone. */
	reserve_in_dead_child("crashed", root);
	assert_int_equal(count("ids"), 3);

	unsigned n = 99;
	expect_ok(rg_mcs_gc(store, &n, &error));
	assert_int_equal(n, 1);
	assert_int_equal(count("ids"), 2);
	assert_int_equal(count("pairs"), 2);
	assert_true(exists("pairs", mine));

	/* Collection also happens on every reservation. */
	reserve_in_dead_child("crashed2", root);
	remove_container(root, "alive");
	assert_int_equal(count("ids"), 3);
	char *x = reserve("next", root, NULL, false, NULL);
	assert_int_equal(count("ids"), 2); /* mine, next */
	assert_int_equal(count("pairs"), 2);
	free(mine);
	free(x);
}

/* A reserver that died but was not reaped yet (a zombie) runs no more. */
static void test_gc_zombie_reserver(void **state)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rg_mcs_owner o = {.id = "zombie", .root = root};
		char *cats = NULL;
		_exit(rg_mcs_reserve(store, &o, &cats, NULL) == 1 ? 0 : 1);
	}
	char path[64], buf[512] = "";
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "re");
		char *p = f && fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		if (f)
			fclose(f);
		if (p && p[2] == 'Z')
			break;
		usleep(10000);
	}
	assert_non_null(strstr(buf, ") Z "));
	assert_int_equal(count("ids"), 1);
	unsigned n = 0;
	expect_ok(rg_mcs_gc(store, &n, &error));
	assert_int_equal(n, 1);
	assert_int_equal(count("pairs"), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void write_at(const char *sub, const char *name, const char *text)
{
	char *p = rg_xasprintf("%s/%s/%s", store, sub, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(rg_write_all(fd, text, strlen(text)), 0);
	close(fd);
	free(p);
}

static void test_gc_garbage(void **state)
{
	char *keep = reserve("keep", root, NULL, false, NULL);
	write_at("pairs", "c1,c2", "orphan@0000000000000000\n"); /* no record uses it */
	write_at("ids", "tmp.12345", "pair c3,c4\n"); /* a crashed writer's temp */
	write_at("ids", "bad@0123456789abcdef", "pair c5,c6\nkey bad\n"); /* truncated */
	write_at("ids", "no-digest", "whatever");
	write_at("ids", "x@0123456789abcdef", "pair c9,c3\nkey x\npod 0\npid 1 1\nroot /r\n");
	unsigned n = 0;
	expect_ok(rg_mcs_gc(store, &n, &error));
	assert_int_equal(n, 4);
	assert_int_equal(count("ids"), 1);
	assert_int_equal(count("pairs"), 1);
	assert_true(exists("pairs", keep));
	free(keep);
}

static void test_store_checks(void **state)
{
	struct rg_mcs_owner o = {.id = "a", .root = root};
	char *cats = NULL;
	char *r = reserve("a", root, NULL, false, NULL);
	free(r);

	assert_int_equal(chmod(store, 0777), 0);
	assert_true(rg_mcs_reserve(store, &o, &cats, &error) < 0);
	assert_non_null(strstr(error->msg, "writable by nobody else"));
	assert_int_equal(chmod(store, 0700), 0);
	rg_error_free(error);
	error = NULL;
	/* A symlinked store is refused. */
	char *link = rg_xasprintf("%s/link", tmpdir);
	unlink(link);
	assert_int_equal(symlink(store, link), 0);
	assert_true(rg_mcs_reserve(link, &o, &cats, &error) < 0);
	rg_error_free(error);
	error = NULL;
	assert_true(rg_mcs_reserve("relative/dir", &o, &cats, &error) < 0);
	rg_error_free(error);
	error = NULL;
	free(link);

	static const char *const bad_ids[] = {"", ".", "..", "a/b", "a@b", "a b", "a\nb", "é"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(bad_ids); i++) {
		struct rg_mcs_owner b = {.id = bad_ids[i], .root = root};
		struct rg_mcs_owner p = {
		    .id = "ok", .root = root, .pod = bad_ids[i], .is_pod = true};
		assert_true(rg_mcs_reserve(store, &b, &cats, &error) < 0);
		rg_error_free(error);
		error = NULL;
		assert_true(rg_mcs_reserve(store, &p, &cats, &error) < 0);
		rg_error_free(error);
		error = NULL;
		assert_false(rg_mcs_id_is_valid(bad_ids[i]));
	}
	char long_id[RG_MCS_ID_MAX + 2];
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	assert_false(rg_mcs_id_is_valid(long_id));
	long_id[RG_MCS_ID_MAX] = '\0';
	assert_true(rg_mcs_id_is_valid(long_id));
	struct rg_mcs_owner rel = {.id = "ok", .root = "run/runc"};
	assert_true(rg_mcs_reserve(store, &rel, &cats, &error) < 0);
	assert_non_null(strstr(error->msg, "not an absolute path"));
}

static void test_peek(void **state)
{
	char *cats = NULL;
	/* No store: any pair, nothing created. */
	expect_ok(rg_mcs_peek(store, &cats, &error));
	struct stat st;
	assert_int_equal(stat(store, &st), -1);
	free(cats);
	char *held = reserve("h", root, NULL, false, NULL);
	for (int i = 0; i < 50; i++) {
		expect_ok(rg_mcs_peek(store, &cats, &error));
		assert_string_not_equal(cats, held);
		free(cats);
	}
	assert_int_equal(count("pairs"), 1);
	free(held);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_distinct_pairs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retry_reuses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pods_share, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_release, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_release_keeps_running, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gc_dead_reserver, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gc_zombie_reserver, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gc_garbage, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_peek, setup, teardown),
	};
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	int failed = cmocka_run_group_tests_name("mcs", tests, NULL, NULL);
	char *cmd = rg_xasprintf("rm -rf -- '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
	return failed ? 1 : 0;
}
