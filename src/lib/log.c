/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runguard/json.h"
#include "runguard/log.h"
#include "runguard/runtime.h"
#include "runguard/util.h"

/*
 * runc's logrus timestamp: RFC 3339 in local time to the second, "Z" for
 * UTC ("2006-01-02T15:04:05Z07:00"), so a log line from runguard parses and
 * sorts like the runtime's own lines around it.
 */
static void timestamp(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	long off = tm.tm_gmtoff / 60;
	if (off == 0)
		snprintf(buf + n, size - n, "Z");
	else
		snprintf(buf + n, size - n, "%c%02ld:%02ld", off < 0 ? '-' : '+',
			 (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
}

/*
 * Days since 1970-01-01 to a civil date (proleptic Gregorian), so that a
 * time stamp needs neither gmtime_r nor strftime: glibc's gmtime_r reads
 * /etc/localtime once per process, which a create would pay for nothing.
 */
static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

void rg_log_utc_format(char *buf, size_t size, const struct timespec *ts)
{
	long long s = ts->tv_sec;
	long long days = (s >= 0 ? s : s - 86399) / 86400;
	long long sod = s - days * 86400;
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%06ldZ", y, m, d, sod / 3600,
		 sod / 60 % 60, sod % 60, ts->tv_nsec / 1000);
}

void rg_log_utc_stamp(char *buf, size_t size)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	rg_log_utc_format(buf, size, &ts);
}

/*
 * crun's --log is "file:PATH", "journald:ID", "syslog:ID" or a plain path;
 * runc's is always a path ("journald:x" is a file of that name). Returns the
 * file to append to, or NULL when the runtime would not write a file.
 */
static const char *log_file(const char *path, bool is_crun)
{
	if (!is_crun)
		return path;
	if (rg_startswith(path, "file:"))
		return path + strlen("file:");
	if (rg_startswith(path, "journald:") || rg_startswith(path, "syslog:"))
		return NULL;
	return path;
}

void rg_log_runtime(const struct rg_cli *cli, const char *runtime, const char *level,
		    const char *msg)
{
	char ts[64];
	struct rg_buf line = {0};
	bool is_crun = runtime && !rg_runtime_is_runc(runtime);

	if (!cli || !cli->log_path || !*cli->log_path)
		return;
	const char *file = log_file(cli->log_path, is_crun);
	if (!file || !*file)
		return;
	_cleanup_json_ struct rg_json *m = rg_json_new_string(msg);
	_cleanup_free_ char *quoted = rg_json_emit(m, false, NULL);
	if (is_crun) {
		/* crun's shapes: {"msg","level","time"} in that order, or the bare message. */
		rg_log_utc_stamp(ts, sizeof(ts));
		if (cli->log_format == RG_LOG_JSON)
			rg_buf_printf(&line, "{\"msg\":%s,\"level\":\"%s\",\"time\":\"%s\"}\n",
				      quoted, level, ts);
		else
			rg_buf_printf(&line, "%s\n", msg);
	} else {
		timestamp(ts, sizeof(ts));
		if (cli->log_format == RG_LOG_JSON)
			rg_buf_printf(&line, "{\"level\":\"%s\",\"msg\":%s,\"time\":\"%s\"}\n",
				      level, quoted, ts);
		else
			rg_buf_printf(&line, "time=\"%s\" level=%s msg=%s\n", ts, level, quoted);
	}

	_cleanup_close_ int fd =
	    open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd >= 0)
		(void)rg_write_all(fd, line.data, line.len);
	rg_buf_free(&line);
}

void rg_log_stderr(const char *fmt, ...)
{
	va_list ap;
	struct rg_buf b = {0};
	va_start(ap, fmt);
	_cleanup_free_ char *m = rg_xvasprintf(fmt, ap);
	va_end(ap);
	rg_buf_printf(&b, "runguard: %s\n", m);
	(void)rg_write_all(STDERR_FILENO, b.data, b.len);
	rg_buf_free(&b);
}
