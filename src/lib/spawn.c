/* SPDX-License-Identifier: Apache-2.0 */
/* Running helper programs for `runguard doctor`, with a timeout and capped output. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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

static void child(char *const argv[], int out_w, int err_w)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out_w, STDOUT_FILENO) < 0 ||
	    dup2(err_w, STDERR_FILENO) < 0)
		_exit(127);
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
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
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		return -e;
	}
	if (pid == 0)
		child(argv, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
	long long deadline = now_ms() + (long long)timeout_sec * 1000;
	int status = 0;
	bool is_reaped = false;
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			if (!is_reaped) {
				/* Our own child, by its PID. */
				kill(pid, SIGKILL);
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
