/* SPDX-License-Identifier: Apache-2.0 */
/*
 * killer DELAY_US COMMAND [ARG...]: starts COMMAND (stdin, stdout and stderr
 * from /dev/null), sends it SIGKILL DELAY_US microseconds after the fork
 * unless it has exited by then, and reaps it. Prints "killed ELAPSED_US"
 * when the signal took it, else "exited STATUS ELAPSED_US". For crash.bats:
 * bash's sleep is too coarse.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char *argv[])
{
	if (argc < 3) {
		fprintf(stderr, "usage: killer DELAY_US COMMAND [ARG...]\n");
		return 2;
	}
	long long delay = atoll(argv[1]);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	long long t0 = now_us();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[2], argv + 2);
		_exit(127);
	}
	/* Wait for the child's exit or the deadline, whichever comes first. */
	for (;;) {
		long long left = t0 + delay - now_us();
		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		struct timespec ts = {.tv_sec = left / 1000000, .tv_nsec = (left % 1000000) * 1000};
		if (sigtimedwait(&chld, NULL, &ts) == SIGCHLD)
			break;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	long long el = now_us() - t0;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		printf("killed %lld\n", el);
	else
		printf("exited %d %lld\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
		       el);
	return 0;
}
