/* SPDX-License-Identifier: Apache-2.0 */
/* Running helper programs for `runguard doctor`, with a timeout and capped output. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runguard/spawn.h"
#include "runguard/util.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Starts argv[0] with stdin on /dev/null and stdout/stderr on out_w/err_w,
 * in a process group of its own (its pgid is its pid), so that a timeout
 * kills whatever it started too. posix_spawn reports a failed exec (no such
 * file, not executable, bad format) as its return value: -errno here, never
 * a child that "exited 127" like a program of its own could.
 */
static int start(char *const argv[], int out_w, int err_w, pid_t *ret_pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int r = posix_spawn_file_actions_init(&fa);
	if (r != 0)
		return -r;
	r = posix_spawnattr_init(&attr);
	if (r != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -r;
	}
	/* The pipes are O_CLOEXEC; dup2 onto 1 and 2 clears it on the copies. */
	if ((r = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0)) ==
		0 &&
	    (r = posix_spawn_file_actions_adddup2(&fa, out_w, STDOUT_FILENO)) == 0 &&
	    (r = posix_spawn_file_actions_adddup2(&fa, err_w, STDERR_FILENO)) == 0 &&
	    (r = posix_spawnattr_setpgroup(&attr, 0)) == 0 &&
	    (r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP)) == 0)
		r = posix_spawn(ret_pid, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

/* Reads what is available on fd into b (up to the cap); false at EOF or error. */
static bool drain(int fd, struct rg_buf *b)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (b->len < RG_SPAWN_MAX_OUTPUT) {
		size_t room = RG_SPAWN_MAX_OUTPUT - b->len;
		rg_buf_append(b, chunk, (size_t)n < room ? (size_t)n : room);
	}
	return true;
}

int rg_spawn(char *const argv[], unsigned timeout_sec, struct rg_spawn_result *ret)
{
	int out[2], err[2];
	struct rg_buf bo = {0}, be = {0};

	*ret = (struct rg_spawn_result){.status = -1};
	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		int e = errno;
		close(out[0]);
		close(out[1]);
		return -e;
	}
	pid_t pid;
	int r = start(argv, out[1], err[1], &pid);
	close(out[1]);
	close(err[1]);
	if (r < 0) {
		close(out[0]);
		close(err[0]);
		return r;
	}
	struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
	long long deadline = now_ms() + (long long)timeout_sec * 1000;
	int status = 0;
	bool is_reaped = false;
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			if (!is_reaped) {
				/* Our own child's process group, by its PID: the
				 * child and whatever it started that stayed in it
				 * (a grandchild would otherwise outlive the
				 * timeout, holding the pipes open). */
				kill(-pid, SIGKILL);
				ret->is_timeout = true;
			}
			break;
		}
		int n = poll(fds, 2, (int)(left > 100 ? 100 : left));
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; n > 0 && i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!drain(fds[i].fd, i == 0 ? &bo : &be)) {
				close(fds[i].fd);
				fds[i].fd = -1;
			}
		}
		/* A daemon it started may keep the pipes open: once the child has
		 * exited, read what is left for a moment and stop. */
		if (!is_reaped && waitpid(pid, &status, WNOHANG) == pid) {
			is_reaped = true;
			long long grace = now_ms() + 500;
			if (grace < deadline)
				deadline = grace;
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	while (!is_reaped && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ret->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	rg_buf_append(&bo, "", 0);
	rg_buf_append(&be, "", 0);
	ret->out = rg_buf_steal(&bo);
	ret->err = rg_buf_steal(&be);
	return 0;
}

void rg_spawn_result_free(struct rg_spawn_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

char *rg_spawn_find(const char *name)
{
	static const char *const dirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
					   "/usr/bin",	      "/sbin",		"/bin"};
	for (size_t i = 0; i < RG_ARRAY_SIZE(dirs); i++) {
		char *p = rg_xasprintf("%s/%s", dirs[i], name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}
