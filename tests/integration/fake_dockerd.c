/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A stand-in for dockerd in hooks.bats, built there as .../dockerd. Run
 * under any other name than libnetwork-setkey it waits for a signal: a
 * process whose /proc/<pid>/exe a Docker-shaped hook can name. Run by runc
 * as that hook (argv[0] "libnetwork-setkey", as dockerd re-executes
 * itself), it appends its arguments and the container state runc writes to
 * stdin to <exec-root>/setkey.log, and exits 0 — what the real dockerd
 * does is tell itself the container's network namespace over a socket.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	static const char root_flag[] = "-exec-root=";
	char path[4096], buf[4096];
	size_t n;

	if (strcmp(argv[0], "libnetwork-setkey") != 0) {
		for (;;)
			pause();
	}
	if (argc != 4 || strncmp(argv[1], root_flag, strlen(root_flag)) != 0) {
		fprintf(stderr, "fake dockerd: unexpected setkey arguments\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/setkey.log", argv[1] + strlen(root_flag));
	FILE *f = fopen(path, "ae");
	if (!f) {
		perror(path);
		return 1;
	}
	fprintf(f, "%s %s %s %s\n", argv[0], argv[1], argv[2], argv[3]);
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		fwrite(buf, 1, n, f);
	fputc('\n', f);
	return fclose(f) == 0 ? 0 : 1;
}
