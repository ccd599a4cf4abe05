/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control_client.c: the blocking client side of the control socket, for
 * the CLI and the test tools: connect, write a request, read reply lines.
 */
#include "control_client.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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

int control_write_all_fd(int fd, const char *buf, size_t len, int pass_fd)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {(void *)(uintptr_t)buf, len};
	struct msghdr mh = {0};
	struct cmsghdr *cm;
	ssize_t n;

	if (len == 0)
		return -EINVAL; /* the descriptor travels with a byte */
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.space;
	mh.msg_controllen = sizeof(ctl.space);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return control_write_all(fd, buf + n, len - (size_t)n);
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
