/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.c: the one log sink of every program (after OpenNTPD's log.c).
 * Lines go to stderr with journald priority prefixes, or plain on a tty.
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRI_ERR	  3
#define PRI_WARN  4
#define PRI_INFO  6
#define PRI_DEBUG 7

static enum log_dest log_dest_cur = LOG_TO_STDERR;
static int log_verbose;

void log_init(enum log_dest dest, int verbose)
{
	log_dest_cur = dest;
	log_verbose = verbose;
}

void log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int log_getverbose(void)
{
	return log_verbose;
}

void log_vmsg(int pri, const char *fmt, va_list ap)
{
	static const char *const tag[8] = {
		"", "", "", "error: ", "warning: ", "", "", "debug: "};
	char buf[1024];
	int saved = errno;

	if (log_dest_cur == LOG_TO_NONE)
		return;
	if (pri >= PRI_DEBUG && !log_verbose)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* One event, one line: fold embedded newlines. */
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_dest_cur == LOG_TO_TTY)
		fprintf(stderr, "%s%s\n", tag[pri & 7], buf);
	else
		fprintf(stderr, "<%d>%s\n", pri, buf);
	fflush(stderr);
	errno = saved;
}

#define LOG_FN(name, pri)                                                      \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		log_vmsg(pri, fmt, ap);                                        \
		va_end(ap);                                                    \
	}

LOG_FN(log_debug, PRI_DEBUG)
LOG_FN(log_info, PRI_INFO)
LOG_FN(log_warnx, PRI_WARN)

static void vwarn_with(int pri, int err, const char *fmt, va_list ap)
{
	char buf[900];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_dest_cur == LOG_TO_NONE)
		return;
	if (log_dest_cur == LOG_TO_TTY)
		fprintf(stderr, "%s%s: %s\n",
			pri == PRI_ERR ? "error: " : "warning: ", buf,
			strerror(err));
	else
		fprintf(stderr, "<%d>%s: %s\n", pri, buf, strerror(err));
	fflush(stderr);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vwarn_with(PRI_WARN, err, fmt, ap);
	va_end(ap);
	errno = err;
}

void log_errno(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_with(PRI_ERR, rc < 0 ? -rc : rc, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vwarn_with(PRI_ERR, err, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(PRI_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
