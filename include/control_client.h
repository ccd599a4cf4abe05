/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The blocking client side of the control socket (control.h has the
 * protocol): the CLI and the test tools.  control_client.c.
 */
#ifndef PRESENSI_CONTROL_CLIENT_H
#define PRESENSI_CONTROL_CLIENT_H

#include <stddef.h>

/* Connects to path; returns fd or -errno (-ENOENT, -ECONNREFUSED ...). */
int control_connect(const char *path);
/* Writes all of buf; 0 or -errno. */
int control_write_all(int fd, const char *buf, size_t len);
/* The same, passing pass_fd along with buf's first byte (SCM_RIGHTS):
 * presensid then writes into a file the client opened ("export"). */
int control_write_all_fd(int fd, const char *buf, size_t len, int pass_fd);
/*
 * Reads one line (without '\n') into buf.  Returns its length, -EPIPE on
 * EOF before a line, -ENAMETOOLONG when the line exceeds cap.  Keeps a
 * small read-ahead in rb, which the caller zero-initialises per fd.
 */
struct control_reader {
	char buf[4096];
	size_t len, off;
};
int control_read_line(int fd, struct control_reader *rb, char *buf, size_t cap);

#endif /* PRESENSI_CONTROL_CLIENT_H */
