/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rgbench: times commands by fork, execv and wait4, interleaved.
 *
 *   rgbench [-n RUNS] [-w WARMUP] [-c SRC:DST]... CMD [ARG...] [::: CMD [ARG...]]...
 *
 * Each iteration first copies every SRC over DST (untimed, e.g. to put an
 * unenforced config.json back), then runs each command once, in order, so
 * that slow drift of the machine affects all of them alike. stdin, stdout
 * and stderr are /dev/null. A command that exits non-zero stops the run.
 * Prints one line per command:
 *
 *   cmd<i> median_us p10_us p90_us mean_us max_rss_kib cpu_median_us
 *
 * and, for every command after the first, the median of its paired
 * differences to the first command (run i minus the first command's run i),
 * which a machine whose speed drifts during the run disturbs far less than a
 * difference of medians:
 *
 *   diff<i> median_us p10_us p90_us cpu_median_us
 *
 * The order of the commands rotates from one iteration to the next, so that
 * none is always the one that runs after a given other.
 *
 * max_rss_kib is the largest ru_maxrss seen (for a process that execs
 * another, the larger of the two); cpu_median_us the median of user plus
 * system CPU time, which a busy machine disturbs much less than wall time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8
#define MAX_COPIES 8

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void copy_file(const char *src, const char *dst)
{
	static char buf[1 << 16];
	int in = open(src, O_RDONLY | O_CLOEXEC);
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (in < 0 || out < 0) {
		fprintf(stderr, "rgbench: copy %s -> %s: %s\n", src, dst, strerror(errno));
		exit(2);
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (write(out, buf, (size_t)n) != n) {
			fprintf(stderr, "rgbench: write %s: %s\n", dst, strerror(errno));
			exit(2);
		}
	}
	close(in);
	close(out);
}

static double run_once(char *const argv[], long *maxrss, double *cpu)
{
	double t0 = now_us();
	pid_t pid = fork();
	if (pid < 0) {
		perror("rgbench: fork");
		exit(2);
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("rgbench: wait4");
			exit(2);
		}
	double el = now_us() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "rgbench: %s exited with status %d\n", argv[0],
			WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		exit(1);
	}
	if (ru.ru_maxrss > *maxrss)
		*maxrss = ru.ru_maxrss;
	*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return el;
}

int main(int argc, char *argv[])
{
	int runs = 100, warmup = 5, n_cmds = 0, n_copies = 0, opt;
	char *copies[MAX_COPIES][2];
	char **cmds[MAX_CMDS];

	while ((opt = getopt(argc, argv, "+n:w:c:")) != -1) {
		switch (opt) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		case 'c': {
			char *colon = strchr(optarg, ':');
			if (!colon || n_copies == MAX_COPIES) {
				fprintf(stderr, "rgbench: -c SRC:DST\n");
				return 2;
			}
			*colon = '\0';
			copies[n_copies][0] = optarg;
			copies[n_copies++][1] = colon + 1;
			break;
		}
		default:
			return 2;
		}
	}
	if (optind >= argc || runs < 1) {
		fprintf(stderr, "usage: rgbench [-n RUNS] [-w WARMUP] [-c SRC:DST]... CMD [ARG...] "
				"[::: CMD [ARG...]]...\n");
		return 2;
	}
	cmds[n_cmds++] = &argv[optind];
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], ":::") == 0) {
			argv[i] = NULL;
			if (n_cmds == MAX_CMDS || i + 1 >= argc) {
				fprintf(stderr, "rgbench: bad command list\n");
				return 2;
			}
			cmds[n_cmds++] = &argv[i + 1];
		}
	}

	double *t = calloc((size_t)runs * (size_t)n_cmds, sizeof(double));
	double *cpu = calloc((size_t)runs * (size_t)n_cmds, sizeof(double));
	long maxrss[MAX_CMDS] = {0};
	for (int r = -warmup; r < runs; r++) {
		for (int k = 0; k < n_cmds; k++) {
			int c = (k + (r < 0 ? 0 : r)) % n_cmds;
			for (int k = 0; k < n_copies; k++)
				copy_file(copies[k][0], copies[k][1]);
			double cpu_us = 0;
			double el = run_once(cmds[c], &maxrss[c], &cpu_us);
			if (r >= 0) {
				t[(size_t)c * (size_t)runs + (size_t)r] = el;
				cpu[(size_t)c * (size_t)runs + (size_t)r] = cpu_us;
			}
		}
	}
	double *d = calloc((size_t)runs, sizeof(double));
	double *dc = calloc((size_t)runs, sizeof(double));
	for (int c = 1; c < n_cmds; c++) {
		for (int r = 0; r < runs; r++) {
			d[r] = t[(size_t)c * (size_t)runs + (size_t)r] - t[r];
			dc[r] = cpu[(size_t)c * (size_t)runs + (size_t)r] - cpu[r];
		}
		qsort(d, (size_t)runs, sizeof(double), cmp_double);
		qsort(dc, (size_t)runs, sizeof(double), cmp_double);
		printf("diff%d %.1f %.1f %.1f %.1f\n", c, d[runs / 2], d[runs / 10],
		       d[runs * 9 / 10], dc[runs / 2]);
	}
	free(dc);
	free(d);
	for (int c = 0; c < n_cmds; c++) {
		double *v = &t[(size_t)c * (size_t)runs], sum = 0;
		for (int r = 0; r < runs; r++)
			sum += v[r];
		qsort(v, (size_t)runs, sizeof(double), cmp_double);
		double *u = &cpu[(size_t)c * (size_t)runs];
		qsort(u, (size_t)runs, sizeof(double), cmp_double);
		printf("cmd%d %.1f %.1f %.1f %.1f %ld %.1f\n", c, v[runs / 2], v[runs / 10],
		       v[runs * 9 / 10], sum / runs, maxrss[c], u[runs / 2]);
	}
	free(cpu);
	free(t);
	return 0;
}
