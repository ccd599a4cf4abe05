/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control.c: the line codec of the control socket and its blocking client
 * helpers.  The daemon's side of the socket (GLib sources) lives in
 * presensid.c; what each command does lives in admin.c.
 */
#include "control.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int control_escape(const char *src, char *dst, size_t cap)
{
	size_t o = 0;

	for (; *src; src++) {
		const char *rep = NULL;
		char one[2] = {*src, 0};

		switch (*src) {
		case '\\':
			rep = "\\\\";
			break;
		case '\t':
			rep = "\\t";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\r':
			rep = "\\r";
			break;
		default:
			rep = one;
		}
		size_t n = strlen(rep);

		if (o + n + 1 > cap)
			return -ENAMETOOLONG;
		memcpy(dst + o, rep, n);
		o += n;
	}
	if (o + 1 > cap)
		return -ENAMETOOLONG;
	dst[o] = '\0';
	return (int)o;
}

static int unescape_inplace(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		switch (*++r) {
		case '\\':
			*w++ = '\\';
			break;
		case 't':
			*w++ = '\t';
			break;
		case 'n':
			*w++ = '\n';
			break;
		case 'r':
			*w++ = '\r';
			break;
		default:
			return -EINVAL;
		}
	}
	*w = '\0';
	return 0;
}

int control_parse(char *line, struct control_msg *m)
{
	char *p = line;
	size_t len = strlen(line);

	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	m->nfields = 0;
	for (;;) {
		char *tab = strchr(p, '\t');

		if (m->nfields == CONTROL_FIELDS_MAX)
			return -E2BIG;
		if (tab)
			*tab = '\0';
		if (unescape_inplace(p) < 0)
			return -EINVAL;
		m->field[m->nfields++] = p;
		if (!tab)
			break;
		p = tab + 1;
	}
	return 0;
}

const char *control_get(const struct control_msg *m, const char *key)
{
	size_t kl = strlen(key);

	for (int i = 1; i < m->nfields; i++)
		if (strncmp(m->field[i], key, kl) == 0 &&
		    m->field[i][kl] == '=')
			return m->field[i] + kl + 1;
	return NULL;
}

void control_buf_init(struct control_buf *b, char *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->overflow = 0;
	if (cap)
		buf[0] = '\0';
}

void control_buf_add(struct control_buf *b, const char *field)
{
	int n;

	if (b->overflow)
		return;
	if (b->len) {
		if (b->len + 2 > b->cap) {
			b->overflow = 1;
			return;
		}
		b->buf[b->len++] = '\t';
	}
	n = control_escape(field, b->buf + b->len, b->cap - b->len);
	if (n < 0) {
		b->overflow = 1;
		return;
	}
	b->len += (size_t)n;
}

void control_buf_addkv(struct control_buf *b, const char *key,
		       const char *value)
{
	char tmp[CONTROL_LINE_MAX / 4];
	int n = snprintf(tmp, sizeof(tmp), "%s=%s", key, value ? value : "");

	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->overflow = 1;
		return;
	}
	control_buf_add(b, tmp);
}

void control_buf_addkvf(struct control_buf *b, const char *key, const char *fmt,
			...)
{
	char val[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val)) {
		b->overflow = 1;
		return;
	}
	control_buf_addkv(b, key, val);
}

int control_buf_end(struct control_buf *b)
{
	if (b->overflow || b->len + 2 > b->cap)
		return -ENAMETOOLONG;
	b->buf[b->len++] = '\n';
	b->buf[b->len] = '\0';
	return (int)b->len;
}

int control_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

int control_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int control_read_line(int fd, struct control_reader *rb, char *buf, size_t cap)
{
	size_t o = 0;
	int too_long = 0;

	for (;;) {
		while (rb->off < rb->len) {
			char c = rb->buf[rb->off++];

			if (c == '\n') {
				if (too_long)
					return -ENAMETOOLONG;
				buf[o] = '\0';
				return (int)o;
			}
			if (o + 1 < cap)
				buf[o++] = c;
			else
				too_long = 1;
		}
		ssize_t n = read(fd, rb->buf, sizeof(rb->buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		rb->len = (size_t)n;
		rb->off = 0;
	}
}

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{EINVAL, "EINVAL"},	  {EEXIST, "EEXIST"},
	{ENOENT, "ENOENT"},	  {EBUSY, "EBUSY"},
	{ENOSPC, "ENOSPC"},	  {EIO, "EIO"},
	{EPERM, "EPERM"},	  {ENODEV, "ENODEV"},
	{ETIMEDOUT, "ETIMEDOUT"}, {EALREADY, "EALREADY"},
	{ECANCELED, "ECANCELED"}, {EROFS, "EROFS"},
	{ENOMEM, "ENOMEM"},	  {EBADMSG, "EBADMSG"},
	{ENOTSUP, "ENOTSUP"},	  {EAGAIN, "EAGAIN"},
};

const char *control_errname(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return "EIO";
}

int control_errno(const char *name)
{
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (strcmp(errnames[i].name, name) == 0)
			return errnames[i].err;
	return EIO;
}
