/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for rg_spawn, the helper doctor runs programs with: a program
 * that cannot be started is an error, not an exit status; a timeout kills
 * the program's whole process group, a grandchild included; a program that
 * exits leaving a daemon behind returns at once and the daemon lives.
 *
 * The test process makes itself a child subreaper, so the grandchildren the
 * cases start become its children when their parent dies and it can wait for
 * them (and see how they ended) instead of guessing from /proc.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runguard/spawn.h"
#include "runguard/util.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits up to `seconds` for our child `pid` to end; true and *status when it did. */
static bool wait_for(pid_t pid, double seconds, int *status)
{
	double until = now_s() + seconds;
	do {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return true;
		if (r < 0)
			return false;
		usleep(20 * 1000);
	} while (now_s() < until);
	return false;
}

/* The PID a case's shell printed on its first line of output. */
static pid_t printed_pid(const struct rg_spawn_result *res)
{
	assert_non_null(res->out);
	long v = strtol(res->out, NULL, 10);
	assert_true(v > 1);
	return (pid_t)v;
}

static void test_missing_program_is_an_error(void **state)
{
	char *argv[] = {(char *)"/nonexistent/rg-no-such-program", NULL};
	struct rg_spawn_result res;
	assert_int_equal(rg_spawn(argv, 5, &res), -ENOENT);
	assert_int_equal(res.status, -1);
	assert_false(res.is_timeout);
	assert_null(res.out);
	assert_null(res.err);
}

static void test_not_executable_is_an_error(void **state)
{
	char path[] = "/tmp/rg-spawn-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\nexit 0\n", 17), 17);
	close(fd);
	assert_int_equal(chmod(path, 0644), 0);
	char *argv[] = {path, NULL};
	struct rg_spawn_result res;
	int r = rg_spawn(argv, 5, &res);
	unlink(path);
	/* root may execute a file without x bits only if some x bit is set. */
	assert_int_equal(r, -EACCES);
	assert_int_equal(res.status, -1);
}

/* A program's own exit 127 is a status, not a failure to start. */
static void test_exit_127_is_a_status(void **state)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"echo out; echo err >&2; exit 127",
			NULL};
	struct rg_spawn_result res;
	assert_int_equal(rg_spawn(argv, 5, &res), 0);
	assert_int_equal(res.status, 127);
	assert_false(res.is_timeout);
	assert_string_equal(res.out, "out\n");
	assert_string_equal(res.err, "err\n");
	rg_spawn_result_free(&res);
}

/* stdin is /dev/null: a program reading it sees end of file, not our stdin. */
static void test_stdin_is_dev_null(void **state)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"wc -c; readlink /proc/self/fd/0",
			NULL};
	struct rg_spawn_result res;
	assert_int_equal(rg_spawn(argv, 5, &res), 0);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.out, "0\n/dev/null\n");
	rg_spawn_result_free(&res);
}

/*
 * The child forks a grandchild that ignores the polite signals and outlives
 * the timeout, holding the output pipes open. The timeout must kill both:
 * the grandchild was in the child's process group.
 */
static void test_timeout_kills_the_process_group(void **state)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
			(char *)"sh -c 'trap \"\" HUP INT TERM; exec sleep 30' & echo $!; wait",
			NULL};
	struct rg_spawn_result res;
	double t0 = now_s();
	assert_int_equal(rg_spawn(argv, 1, &res), 0);
	double took = now_s() - t0;
	pid_t grandchild = printed_pid(&res);
	assert_true(res.is_timeout);
	assert_int_equal(res.status, 128 + SIGKILL);
	rg_spawn_result_free(&res);
	assert_true(took < 5);

	int status = 0;
	bool is_gone = wait_for(grandchild, 5, &status);
	if (!is_gone) {
		kill(grandchild, SIGKILL);
		waitpid(grandchild, NULL, 0);
		fail_msg("the grandchild %d outlived the timeout", (int)grandchild);
	}
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/*
 * A program that starts a daemon and exits: rg_spawn returns soon after the
 * program's exit (the daemon's copy of the pipes does not hold it up to the
 * timeout), reports no timeout, and leaves the daemon alone.
 */
static void test_exit_leaves_a_daemon_alone(void **state)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"sleep 30 & echo $!", NULL};
	struct rg_spawn_result res;
	double t0 = now_s();
	assert_int_equal(rg_spawn(argv, 20, &res), 0);
	double took = now_s() - t0;
	pid_t daemon = printed_pid(&res);
	assert_int_equal(res.status, 0);
	assert_false(res.is_timeout);
	rg_spawn_result_free(&res);

	int status = 0;
	bool is_gone = wait_for(daemon, 0.2, &status);
	if (!is_gone) {
		kill(daemon, SIGKILL);
		waitpid(daemon, NULL, 0);
	}
	assert_false(is_gone);
	assert_true(took < 5);
}

int main(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
		perror("prctl(PR_SET_CHILD_SUBREAPER)");
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_missing_program_is_an_error),
	    cmocka_unit_test(test_not_executable_is_an_error),
	    cmocka_unit_test(test_exit_127_is_a_status),
	    cmocka_unit_test(test_stdin_is_dev_null),
	    cmocka_unit_test(test_timeout_kills_the_process_group),
	    cmocka_unit_test(test_exit_leaves_a_daemon_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
