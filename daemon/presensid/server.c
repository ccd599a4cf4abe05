/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * server.c: presensid's side of the control socket.  Listens, accepts,
 * reads request lines, holds each against the request table (control.h)
 * and hands it to its handler: admin.c for the synchronous commands,
 * enrol.c, readers.c and status.c for the rest.
 */
#include <errno.h>
#include <glib-unix.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control_client.h"
#include "daemon_int.h"
#include "log.h"

#define LISTEN_BACKLOG 16
#define READ_CHUNK     8192
#define NGROUPS_PEER   64   /* a peer's supplementary groups looked at */
#define PWBUF_MAX      4096 /* getpwuid_r / getgrnam_r buffer */

struct client {
	struct daemon *d;
	int fd;
	/* the peer, from SO_PEERCRED at accept: never from the request */
	int64_t uid;
	char user[PD_NAME_MAX];
	int admin;     /* root, or in the admin group: may change records */
	int passed_fd; /* a file sent with the request (SCM_RIGHTS), or -1 */
	guint src;
	char *buf;
	size_t len;
	int dead;
	struct client *next;
};

/* ---- replies ---- */

static void client_send(void *ud, const char *line)
{
	struct client *c = ud;
	size_t n = strlen(line);

	if (c->dead)
		return;
	if (control_write_all(c->fd, line, n) < 0 ||
	    (line[n - 1] != '\n' && control_write_all(c->fd, "\n", 1) < 0))
		c->dead = 1;
}

void server_ctx(struct daemon *d, struct client *c, struct admin_ctx *a)
{
	memset(a, 0, sizeof(*a));
	a->store = d->store;
	a->conf = &d->conf;
	a->clock = d->clock;
	a->reply = client_send;
	a->reply_ud = c;
	snprintf(a->actor_name, sizeof(a->actor_name), "%s", c->user);
	a->actor_uid = c->uid;
}

int server_client_dead(const struct client *c)
{
	return c->dead;
}

int server_client_take_fd(struct client *c)
{
	int fd = c->passed_fd;

	c->passed_fd = -1;
	return fd;
}

/*
 * read(2) that also takes one file descriptor sent along (SCM_RIGHTS,
 * for "export": presensid writes into a file the client opened and never
 * opens an admin's path itself).  A newer one replaces an unused older;
 * any beyond the first are closed by the kernel (MSG_CTRUNC).
 */
static ssize_t client_recv(struct client *c, void *buf, size_t len)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {buf, len};
	struct msghdr mh = {0};
	struct cmsghdr *cm;
	ssize_t n;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.space;
	mh.msg_controllen = sizeof(ctl.space);
	n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int))) {
			if (c->passed_fd >= 0)
				close(c->passed_fd);
			memcpy(&c->passed_fd, CMSG_DATA(cm), sizeof(int));
		}
	return n;
}

/* ---- clients ---- */

static void client_free(struct daemon *d, struct client *c)
{
	struct client **pp;

	c->dead = 1;
	readers_waits_drop(d, c);
	enrol_client_gone(d, c);
	for (pp = &d->clients; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	if (c->src)
		g_source_remove(c->src);
	if (c->passed_fd >= 0)
		close(c->passed_fd);
	close(c->fd);
	g_free(c->buf);
	g_free(c);
}

static void cmd_ping(struct daemon *d, struct client *c)
{
	struct clock_reading now;
	char pong[160];

	/* Reports ask the daemon for its clock: it may be simulated. */
	clock_read(d->clock, &now);
	snprintf(pong, sizeof(pong), "ok\tversion=%s\tnow=%lld\n", PD_VERSION,
		 (long long)(now.utc_ms / 1000));
	client_send(c, pong);
}

static void handle_line(struct daemon *d, struct client *c, char *line)
{
	const struct control_cmd *cmd;
	struct control_msg m;
	struct admin_ctx a;
	char why[256];
	const char *name;

	server_ctx(d, c, &a);
	if (control_parse(line, &m) < 0) {
		admin_reply_err(&a, -EINVAL, "malformed request");
		return;
	}
	if (control_check(&m, &cmd, why, sizeof(why)) < 0) {
		admin_reply_err(&a, -EINVAL, "%s", why);
		return;
	}
	name = cmd->name;
	if (cmd->access == CONTROL_ACCESS_ADMIN && !c->admin) {
		admin_reply_err(&a, -EPERM,
				"%s: only root and members of group %s may "
				"change records (you are %s, uid %lld)",
				name,
				d->conf.socket_group[0] ? d->conf.socket_group
							: "presensi-admin",
				c->user, (long long)c->uid);
		log_warnx("control: %s refused to uid %lld", name,
			  (long long)c->uid);
		return;
	}
	if (strcmp(name, "ping") == 0) {
		cmd_ping(d, c);
	} else if (strcmp(name, "status") == 0) {
		status_cmd(d, c);
	} else if (strcmp(name, "enroll") == 0) {
		enrol_cmd(d, c, &m);
	} else if (strcmp(name, "wait-armed") == 0) {
		readers_cmd_wait(d, c, &m);
	} else if (monthly_dispatch(d, c, &m) == 0) {
		/* close, export, device-key, export-lights: monthly.c */
	} else if (admin_dispatch(&a, &m) == -ENOENT) {
		/* in the table but served by no handler: a programming
		 * error, answered rather than left hanging */
		admin_reply_err(&a, -ENOTSUP, "%s: not served", name);
	} else {
		if (a.changed & ADMIN_CHANGED_FACTS)
			daemon_reload_facts(d);
		if (a.changed & ADMIN_CHANGED_PRINTS)
			readers_reload_gallery(d);
		if (a.changed & ADMIN_CHANGED_CLOCK)
			monthly_auto_close(d);
	}
}

static gboolean client_readable(gint fd, GIOCondition cond, gpointer ud)
{
	struct client *c = ud;
	struct daemon *d = c->d;
	char tmp[READ_CHUNK];
	ssize_t n;

	(void)cond;
	(void)fd; /* c->fd, read with its passed file descriptor */
	n = client_recv(c, tmp, sizeof(tmp));
	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return G_SOURCE_CONTINUE;
		c->src = 0;
		client_free(d, c);
		return G_SOURCE_REMOVE;
	}
	if (c->len + (size_t)n + 1 > CONTROL_LINE_MAX) {
		struct admin_ctx a;

		server_ctx(d, c, &a);
		admin_reply_err(&a, -EINVAL, "request longer than %d bytes",
				CONTROL_LINE_MAX);
		c->src = 0;
		client_free(d, c);
		return G_SOURCE_REMOVE;
	}
	c->buf = g_realloc(c->buf, c->len + (size_t)n + 1);
	memcpy(c->buf + c->len, tmp, (size_t)n);
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len), *line;
		size_t used;

		if (!nl)
			break;
		*nl = '\0';
		used = (size_t)(nl - c->buf) + 1;
		line = g_strdup(c->buf);
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
		c->buf[c->len] = '\0';
		handle_line(d, c, line);
		g_free(line);
		if (c->dead) {
			c->src = 0;
			client_free(d, c);
			return G_SOURCE_REMOVE;
		}
	}
	return G_SOURCE_CONTINUE;
}

/* The peer's uid and name, and whether it is root or in the admin group
 * (its primary group or one of its supplementary groups, which the kernel
 * reports with SO_PEERGROUPS). */
static void peer_identify(struct daemon *d, struct client *c)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	gid_t groups[NGROUPS_PEER];
	socklen_t glen = sizeof(groups);
	struct passwd pw, *pwp = NULL;
	char pwbuf[PWBUF_MAX];

	c->uid = -1;
	snprintf(c->user, sizeof(c->user), "unknown");
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
		log_warn("control: peer credentials");
		return;
	}
	c->uid = (int64_t)cr.uid;
	if (getpwuid_r(cr.uid, &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 && pwp)
		snprintf(c->user, sizeof(c->user), "%s", pw.pw_name);
	else
		snprintf(c->user, sizeof(c->user), "%lld", (long long)c->uid);
	if (cr.uid == 0 ||
	    (d->admin_gid >= 0 && cr.gid == (gid_t)d->admin_gid)) {
		c->admin = 1;
		return;
	}
	if (d->admin_gid < 0 ||
	    getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) < 0)
		return;
	for (size_t i = 0; i < glen / sizeof(groups[0]); i++)
		if (groups[i] == (gid_t)d->admin_gid)
			c->admin = 1;
}

static gboolean listen_ready(gint fd, GIOCondition cond, gpointer ud)
{
	struct daemon *d = ud;
	struct client *c;
	int cfd;

	(void)cond;
	/* accept4(2) allows NULL address and length; cppcheck's gnu model
	 * wrongly requires the length */
	// cppcheck-suppress nullPointer
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EINTR && errno != EAGAIN)
			log_warn("control: accept");
		return G_SOURCE_CONTINUE;
	}
	c = g_new0(struct client, 1);
	c->d = d;
	c->fd = cfd;
	c->passed_fd = -1;
	peer_identify(d, c);
	c->next = d->clients;
	d->clients = c;
	c->src = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR,
			       client_readable, c);
	return G_SOURCE_CONTINUE;
}

int server_listen(struct daemon *d)
{
	const char *path = d->conf.socket_path;
	struct sockaddr_un sa;
	int fd, probe;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_warnx("control: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	/* A socket nobody answers on is stale (a crash); a live one is not. */
	probe = control_connect(path);
	if (probe >= 0) {
		close(probe);
		log_warnx("control: %s is in use: is presensid running?", path);
		return -EADDRINUSE;
	}
	(void)unlink(path); /* stale or absent: either way, gone now */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0660) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		int err = errno;

		log_warn("control: %s", path);
		close(fd);
		return -err;
	}
	d->admin_gid = -1;
	if (d->conf.socket_group[0]) {
		struct group gr, *grp = NULL;
		char grbuf[PWBUF_MAX];

		if (getgrnam_r(d->conf.socket_group, &gr, grbuf, sizeof(grbuf),
			       &grp) == 0 &&
		    grp)
			d->admin_gid = (int64_t)grp->gr_gid;
		if (d->admin_gid < 0 ||
		    chown(path, (uid_t)-1, (gid_t)d->admin_gid) < 0)
			log_warnx("control: cannot give %s to group %s; only "
				  "root may change records",
				  path, d->conf.socket_group);
	}
	d->listen_fd = fd;
	d->listen_src = g_unix_fd_add(fd, G_IO_IN, listen_ready, d);
	return 0;
}

void server_close(struct daemon *d)
{
	while (d->clients)
		client_free(d, d->clients);
	if (d->listen_src)
		g_source_remove(d->listen_src);
	d->listen_src = 0;
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		(void)unlink(d->conf.socket_path); /* ours; gone is fine */
	}
	d->listen_fd = -1;
}
