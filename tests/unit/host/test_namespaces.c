/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the host's namespace adapter (nsfs type, device and
 * inode) on this machine's own namespaces. The harness, policies and fake host are in
 * isolation_harness.h.
 */
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include "isolation_harness.h"

/* ================= the namespace adapter ================= */

static void test_ns_adapter(void **state)
{
	static const char link[] = "/tmp/rg-test-nslink";
	assert_int_equal(rg_host_ns_is_host("network", "/proc/self/ns/net"), 1);
	assert_int_equal(rg_host_ns_is_host("ipc", "/proc/thread-self/ns/ipc"), 1);
	assert_int_equal(rg_host_ns_is_host("pid", "/proc/self/../self/ns/pid"), 1);
	/* Another type's file, a plain file, a directory: not that namespace. */
	assert_int_equal(rg_host_ns_is_host("pid", "/proc/self/ns/net"), -EMEDIUMTYPE);
	assert_int_equal(rg_host_ns_is_host("network", "/proc/self/ns/net/"), -ENOTDIR);
	assert_int_equal(rg_host_ns_is_host("uts", "/proc/self/status"), -EMEDIUMTYPE);
	assert_int_equal(rg_host_ns_is_host("uts", "/proc/self/ns"), -EMEDIUMTYPE);
	assert_int_equal(rg_host_ns_is_host("uts", "/dev/null"), -EMEDIUMTYPE);
	assert_int_equal(rg_host_ns_is_host("uts", "/nonexistent/ns"), -ENOENT);
	assert_int_equal(rg_host_ns_is_host("uts", "proc/self/ns/uts"), -EINVAL);
	assert_int_equal(rg_host_ns_is_host("bogus", "/proc/self/ns/uts"), -EINVAL);
	/* A symlink to a host namespace is the host namespace. */
	unlink(link);
	assert_int_equal(symlink("/proc/self/ns/uts", link), 0);
	assert_int_equal(rg_host_ns_is_host("uts", link), 1);
	unlink(link);
	/* Resolution: symlinks followed, a final magic link kept. */
	char *got = NULL, *want = rg_xasprintf("/proc/%d/ns/uts", (int)getpid());
	assert_int_equal(symlink("/proc/self/ns/uts", link), 0);
	assert_int_equal(symlink("rg-test-nslink", "/tmp/rg-test-nslink2"), 0);
	assert_int_equal(rg_host_ns_resolve("/tmp/rg-test-nslink2", &got), 0);
	assert_string_equal(got, want);
	free(got);
	assert_int_equal(rg_host_ns_resolve("/proc/self/ns/uts", &got), 0);
	assert_string_equal(got, want);
	free(got);
	free(want);
	assert_int_equal(rg_host_ns_resolve("/etc/../etc//hostname", &got), 0);
	assert_string_equal(got, "/etc/hostname");
	free(got);
	assert_int_equal(rg_host_ns_resolve("/proc/self/root/etc/.", &got), 0);
	assert_string_equal(got, "/etc");
	free(got);
	assert_int_equal(rg_host_ns_resolve("/nonexistent/x/y", &got), -ENOENT);
	assert_int_equal(rg_host_ns_resolve("proc/self/ns/uts", &got), -EINVAL);
	unlink("/tmp/rg-test-nslink2");
	unlink(link);
	assert_int_equal(symlink("/tmp/rg-test-nslink", link), 0);
	assert_int_equal(rg_host_ns_resolve(link, &got), -ELOOP);
	unlink(link);
	/* A namespace of its own: not the host's (needs root to unshare). */
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char ok = unshare(CLONE_NEWUTS) == 0 ? 'y' : 'n';
		if (write(pipefd[1], &ok, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char ok = 'n';
	assert_int_equal(read(pipefd[0], &ok, 1), 1);
	close(pipefd[0]);
	close(pipefd[1]);
	if (ok == 'y') {
		char *p = rg_xasprintf("/proc/%d/ns/uts", (int)pid);
		assert_int_equal(rg_host_ns_is_host("uts", p), 0);
		free(p);
		/* The same process's other namespaces are the host's. */
		p = rg_xasprintf("/proc/%d/ns/net", (int)pid);
		assert_int_equal(rg_host_ns_is_host("network", p), 1);
		free(p);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int groups(void)
{
	const struct CMUnitTest ns_tests[] = {
	    T(test_ns_adapter),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("host/namespaces", ns_tests, NULL, NULL);
	return failed;
}

int main(void)
{
	return harness_main(groups);
}
