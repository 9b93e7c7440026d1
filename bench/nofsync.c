/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LD_PRELOAD shim for bench/run.sh: fsync(2) and fdatasync(2) return at
 * once, so that the benchmark can tell how much of the create path is the
 * durability the design requires. Never use it for anything else.
 */
int fsync(int fd);
int fdatasync(int fd);

int fsync(int fd)
{
	(void)fd;
	return 0;
}

int fdatasync(int fd)
{
	(void)fd;
	return 0;
}
