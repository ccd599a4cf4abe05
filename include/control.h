/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket protocol between presensi (the admin CLI, and test
 * tools) and presensid, the database's only writer.  UNIX stream socket,
 * mode 0660, group presensi-admin.
 *
 * A request is one line: TAB-separated fields, the first the command, the
 * rest "key=value".  Replies are lines of TAB-separated fields whose first
 * field is the line type: "progress" (text), "row" (fields...), "kv" (key,
 * value), then exactly one final "ok" (optionally "key=value" fields) or
 * "err" (errno name, one-line message).  In every field, backslash, TAB,
 * CR and LF are escaped as \\ \t \r \n.  Pure: no GLib.
 */
#ifndef PRESENSI_CONTROL_H
#define PRESENSI_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#define CONTROL_LINE_MAX   (256 * 1024) /* a profile or calendar file fits */
#define CONTROL_FIELDS_MAX 32

struct control_msg {
	int nfields;
	char *field[CONTROL_FIELDS_MAX]; /* point into the parsed line */
};

/* Escapes src into dst; returns length or -ENAMETOOLONG. */
int control_escape(const char *src, char *dst, size_t cap);
/*
 * Splits line (modified in place: fields are unescaped where they lie)
 * into m.  Returns 0, -EINVAL for a bad escape, -E2BIG for too many
 * fields.
 */
int control_parse(char *line, struct control_msg *m);
/* The value of "key=value" among fields 1..n-1, or NULL. */
const char *control_get(const struct control_msg *m, const char *key);

/* Line builder: fields appended escaped, TAB-separated. */
struct control_buf {
	char *buf;
	size_t cap, len;
	int overflow; /* set when something did not fit */
};
void control_buf_init(struct control_buf *b, char *buf, size_t cap);
void control_buf_add(struct control_buf *b, const char *field);
void control_buf_addkv(struct control_buf *b, const char *key,
		       const char *value);
void control_buf_addkvf(struct control_buf *b, const char *key, const char *fmt,
			...) __attribute__((format(printf, 3, 4)));
/* Terminates the line with '\n'; returns length or -ENAMETOOLONG. */
int control_buf_end(struct control_buf *b);

/* ---- client side (blocking; the CLI and test tools) ---- */
/* Connects to path; returns fd or -errno (-ENOENT, -ECONNREFUSED ...). */
int control_connect(const char *path);
/* Writes all of buf; 0 or -errno. */
int control_write_all(int fd, const char *buf, size_t len);
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

/* errno value <-> short name used on the wire ("EINVAL", "EEXIST"...). */
const char *control_errname(int err);
int control_errno(const char *name);

#endif /* PRESENSI_CONTROL_H */
