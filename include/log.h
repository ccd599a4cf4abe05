/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging, after OpenNTPD's log.h: one line per event on stderr with a
 * syslog priority prefix (<3> err, <4> warning, <6> info, <7> debug) that
 * journald understands.  Never log names, templates or other personal data
 * beyond a person's id.
 */
#ifndef PRESENSI_LOG_H
#define PRESENSI_LOG_H

#include <stdarg.h>

/* dest: LOG_TO_STDERR (journald prefixes) or LOG_TO_TTY (plain, for --debug).
 */
enum log_dest {
	LOG_TO_STDERR = 0,
	LOG_TO_TTY = 1,
	LOG_TO_NONE = 2, /* tests: swallow everything */
};

void log_init(enum log_dest dest, int verbose);
void log_setverbose(int verbose);
int log_getverbose(void);

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends ": strerror(errno)". */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For our own negative-errno return codes: appends ": strerror(-rc)". */
void log_errno(int rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(int pri, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Only presensid.c at start-up calls these; modules return errors. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)))
__attribute__((noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)))
__attribute__((noreturn));

#endif /* PRESENSI_LOG_H */
