/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * server.c: presensid's side of the control socket.  Listens, accepts,
 * reads request lines, holds each against the request table (control.h)
 * and hands it to its handler: admin.c for the synchronous commands,
 * enrol.c, readers.c, status.c, monthly.c, rights.c and backup.c for the
 * rest.
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
/* Replies queued for one client that does not read them, bytes, beyond
 * what the kernel's socket buffer holds: a status reply is a few KiB, so
 * only a client that stopped reading reaches it, and is dropped. */
#define CLIENT_OUT_MAX (256 * 1024)
/* Out of descriptors (EMFILE, ENFILE): accept() would fail at once again,
 * so the listening socket is not watched for a while, doubling from the
 * first pause to the longest while it keeps failing. */
#define ACCEPT_PAUSE_FIRST_MS 100
#define ACCEPT_PAUSE_MAX_MS   5000
#define NGROUPS_PEER	      64   /* a peer's supplementary groups looked at */
#define PWBUF_MAX	      4096 /* getpwuid_r / getgrnam_r buffer */

struct client {
	struct daemon *d;
	int fd;
	/* the peer, from SO_PEERCRED at accept: never from the request */
	int64_t uid;
	char user[PD_NAME_MAX];
	int admin;     /* root, or in the admin group: may change records */
	int push;      /* in the push's group (never admin): its requests */
	int passed_fd; /* a file sent with the request (SCM_RIGHTS), or -1 */
	guint src;     /* readable: requests */
	guint out_src; /* writable: while replies are queued */
	char *buf;
	size_t len;
	/* replies not yet taken by the kernel: out[out_off..out_len) */
	char *out;
	size_t out_len, out_off;
	int closing; /* the peer finished sending: free once flushed */
	int dead;
	struct client *next;
};

static void client_free(struct daemon *d, struct client *c);
static void listen_resume(struct daemon *d);

/* ---- replies: queued, written when the socket takes them ---- */

/* Frees the clients marked dead outside a handler (an async reply found
 * the client gone or too far behind), from the main loop. */
static gboolean reap_dead(gpointer ud)
{
	struct daemon *d = ud;
	struct client *c, *next;

	d->reap_src = 0;
	for (c = d->clients; c; c = next) {
		next = c->next;
		if (c->dead)
			client_free(d, c);
	}
	return G_SOURCE_REMOVE;
}

static void client_kill(struct client *c)
{
	c->dead = 1;
	if (!c->d->reap_src)
		c->d->reap_src = g_idle_add(reap_dead, c->d);
}

/* Writes what the socket takes now.  0 when the queue is empty, 1 when
 * some is left, -errno when the client is gone. */
static int client_flush(struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n < 0)
			return -errno;
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

static gboolean client_writable(gint fd, GIOCondition cond, gpointer ud)
{
	struct client *c = ud;
	int rc;

	(void)fd;
	(void)cond;
	rc = client_flush(c);
	if (rc == 1)
		return G_SOURCE_CONTINUE;
	c->out_src = 0;
	if (rc < 0 || c->closing)
		client_kill(c);
	return G_SOURCE_REMOVE;
}

/* Appends n bytes to the queue; -ENOBUFS past CLIENT_OUT_MAX. */
static int queue_add(struct client *c, const char *p, size_t n)
{
	char *nb;

	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len - c->out_off + n > CLIENT_OUT_MAX)
		return -ENOBUFS;
	if (c->out_off) { /* keep the live part at the start */
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	nb = g_realloc(c->out, c->out_len + n);
	c->out = nb;
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
	return 0;
}

/*
 * Queues one reply line and writes what the socket takes at once; the
 * rest goes when it is writable (G_IO_OUT).  Never blocks the loop: a
 * client that falls CLIENT_OUT_MAX behind is dropped, with one log line.
 */
static void client_send(void *ud, const char *line)
{
	struct client *c = ud;
	size_t n = strlen(line);
	int rc;

	if (c->dead)
		return;
	rc = queue_add(c, line, n);
	if (rc == 0 && (n == 0 || line[n - 1] != '\n'))
		rc = queue_add(c, "\n", 1);
	if (rc == -ENOBUFS) {
		log_warnx("control: client uid %lld fell behind by more than "
			  "%d KiB of replies; dropped",
			  (long long)c->uid, CLIENT_OUT_MAX / 1024);
		client_kill(c);
		return;
	}
	if (c->out_src)
		return; /* already waiting for the socket */
	rc = client_flush(c);
	if (rc < 0)
		client_kill(c);
	else if (rc == 1)
		c->out_src = g_unix_fd_add(c->fd, G_IO_OUT, client_writable, c);
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

int64_t server_client_uid(const struct client *c)
{
	return c->uid;
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
	push_client_gone(d, c);
	backup_client_gone(d, c);
	for (pp = &d->clients; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp) {
		*pp = c->next;
		d->nclients--;
	}
	if (c->src)
		g_source_remove(c->src);
	if (c->passed_fd >= 0)
		close(c->passed_fd);
	if (c->out_src)
		g_source_remove(c->out_src);
	close(c->fd);
	g_free(c->buf);
	g_free(c->out);
	g_free(c);
	/* a place (and a descriptor) is free: take the next waiting one */
	if (d->listen_paused == LISTEN_PAUSED_CAP &&
	    d->nclients < d->conf.max_clients)
		listen_resume(d);
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
	if (!control_access_ok(cmd->access, c->admin, c->push)) {
		if (cmd->access == CONTROL_ACCESS_PUSH)
			admin_reply_err(
				&a, -EPERM,
				"%s: only root and members of groups "
				"%s and %s may ask this (you are %s, "
				"uid %lld)",
				name,
				d->conf.socket_group[0] ? d->conf.socket_group
							: "presensi-admin",
				d->conf.push.group, c->user, (long long)c->uid);
		else
			admin_reply_err(&a, -EPERM,
					"%s: only root and members of group "
					"%s may change records (you are %s, "
					"uid %lld)",
					name,
					d->conf.socket_group[0]
						? d->conf.socket_group
						: "presensi-admin",
					c->user, (long long)c->uid);
		log_warnx("control: %s refused to uid %lld", name,
			  (long long)c->uid);
		return;
	}
	if (cmd->access == CONTROL_ACCESS_ADMIN && !fault_store_usable(d)) {
		admin_reply_err(&a, -EIO,
				"%s: refused, the box is in fault mode: %s",
				name, d->fault_msg);
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
	} else if (push_dispatch(d, c, &m) == 0) {
		/* sign-batch, wait-ledger, rules-publish, push-status */
	} else if (monthly_dispatch(d, c, &m) == 0) {
		/* close, export, device-key, export-lights: monthly.c */
	} else if (rights_dispatch(d, c, &m) == 0) {
		/* person-forget-prints: rights.c */
	} else if (backup_dispatch(d, c, &m) == 0) {
		/* backup: backup.c, answered when it is written */
	} else if (admin_dispatch(&a, &m) == -ENOENT) {
		/* in the table but served by no handler: a programming
		 * error, answered rather than left hanging */
		admin_reply_err(&a, -ENOTSUP, "%s: not served", name);
	} else {
		fault_store_watch(d); /* a write may have found it gone */
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
	(void)fd;      /* c->fd, read with its passed file descriptor */
	if (c->dead) { /* dropped meanwhile: the reaper frees it */
		c->src = 0;
		return G_SOURCE_REMOVE;
	}
	n = client_recv(c, tmp, sizeof(tmp));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		c->src = 0;
		if (n == 0 && c->out_src) {
			/* the peer sent all it will: answer, then free */
			c->closing = 1;
			return G_SOURCE_REMOVE;
		}
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
		/* a request may carry a passphrase: no copy of it stays */
		explicit_bzero(c->buf + c->len, used);
		handle_line(d, c, line);
		explicit_bzero(line, used);
		g_free(line);
		push_ledger_changed(d); /* a request may have added rows */
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
	if (cr.uid == 0) {
		c->admin = 1;
		return;
	}
	c->admin = d->admin_gid >= 0 && cr.gid == (gid_t)d->admin_gid;
	c->push = d->push_gid >= 0 && cr.gid == (gid_t)d->push_gid;
	if ((d->admin_gid >= 0 || d->push_gid >= 0) &&
	    getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0)
		for (size_t i = 0; i < glen / sizeof(groups[0]); i++) {
			if (d->admin_gid >= 0 &&
			    groups[i] == (gid_t)d->admin_gid)
				c->admin = 1;
			if (d->push_gid >= 0 && groups[i] == (gid_t)d->push_gid)
				c->push = 1;
		}
	/* The push runs in the admin group too, to read the config, the
	 * store and this socket; its own group takes the admin's rights
	 * away again (docs/push.md, "Who may ask"). */
	if (c->push)
		c->admin = 0;
}

/* ---- accepting, and pausing it ---- */

static gboolean listen_ready(gint fd, GIOCondition cond, gpointer ud);

static void listen_watch(struct daemon *d)
{
	if (!d->listen_src && d->listen_fd >= 0)
		d->listen_src =
			g_unix_fd_add(d->listen_fd, G_IO_IN, listen_ready, d);
}

static gboolean listen_timer(gpointer ud)
{
	struct daemon *d = ud;

	d->listen_timer_src = 0;
	d->listen_paused = LISTEN_RUNNING; /* the pause (not the episode) */
	listen_watch(d);
	return G_SOURCE_REMOVE;
}

/*
 * Stops watching the listening socket: at the cap until a client leaves,
 * out of descriptors until a timer (backoff) says to try again.  Clients
 * meanwhile wait in the backlog.  One log line per episode, which ends
 * when no client waits any more (accept says EAGAIN).
 */
static void listen_pause(struct daemon *d, enum listen_paused why, int err)
{
	if (d->listen_src)
		g_source_remove(d->listen_src);
	d->listen_src = 0;
	d->listen_paused = why;
	if (why == LISTEN_PAUSED_CAP) {
		if (!d->accept_episode)
			log_warnx("control: %u clients connected, the most "
				  "allowed ([control] max_clients); new ones "
				  "wait until one leaves",
				  d->nclients);
		d->accept_episode = 1;
		return;
	}
	if (!d->accept_episode) {
		log_warnx("control: out of file descriptors (%s) with %u "
			  "clients; not accepting more for a while",
			  strerror(err), d->nclients);
		d->accept_pause_ms = ACCEPT_PAUSE_FIRST_MS;
	} else if (d->accept_pause_ms) {
		d->accept_pause_ms *= 2;
		if (d->accept_pause_ms > ACCEPT_PAUSE_MAX_MS)
			d->accept_pause_ms = ACCEPT_PAUSE_MAX_MS;
	} else {
		d->accept_pause_ms = ACCEPT_PAUSE_FIRST_MS;
	}
	d->accept_episode = 1;
	if (!d->listen_timer_src)
		d->listen_timer_src =
			g_timeout_add(d->accept_pause_ms, listen_timer, d);
}

static void listen_resume(struct daemon *d)
{
	d->listen_paused = LISTEN_RUNNING;
	listen_watch(d);
}

static void client_add(struct daemon *d, int cfd)
{
	struct client *c = g_new0(struct client, 1);

	c->d = d;
	c->fd = cfd;
	c->passed_fd = -1;
	peer_identify(d, c);
	c->next = d->clients;
	d->clients = c;
	d->nclients++;
	c->src = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR,
			       client_readable, c);
}

static gboolean listen_ready(gint fd, GIOCondition cond, gpointer ud)
{
	struct daemon *d = ud;
	int cfd;

	(void)cond;
	for (;;) {
		if (d->nclients >= d->conf.max_clients) {
			listen_pause(d, LISTEN_PAUSED_CAP, 0);
			return G_SOURCE_REMOVE;
		}
		/* accept4(2) allows NULL address and length; cppcheck's gnu
		 * model wrongly requires the length */
		// cppcheck-suppress nullPointer
		cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (cfd >= 0) {
			d->accept_pause_ms = 0;
			client_add(d, cfd);
			continue;
		}
		switch (errno) {
		case EINTR:
		case ECONNABORTED: /* that client gave up: the next */
			continue;
		case EAGAIN:
			/* nobody waits any more: the episode is over */
			if (d->accept_episode)
				log_info("control: every waiting client "
					 "accepted");
			d->accept_episode = 0;
			return G_SOURCE_CONTINUE;
		case EMFILE:
		case ENFILE:
		case ENOBUFS:
		case ENOMEM:
			listen_pause(d, LISTEN_PAUSED_FDS, errno);
			return G_SOURCE_REMOVE;
		default:
			log_warn("control: accept");
			return G_SOURCE_CONTINUE;
		}
	}
}

/*
 * Clears the way for the socket: nothing there is fine, and a socket
 * nobody answers on is stale (a crash) and removed.  Anything else stays
 * and is an error: a live socket (another daemon), or a file that is no
 * socket at all (a wrong [control] socket could name the database).
 */
static int remove_stale(const char *path)
{
	struct stat sb;
	int probe;

	if (lstat(path, &sb) < 0) {
		if (errno == ENOENT)
			return 0;
		log_warn("control: %s", path);
		return -errno;
	}
	if (!S_ISSOCK(sb.st_mode)) {
		log_warnx("control: %s exists and is not a socket; refusing to "
			  "replace it (check [control] socket)",
			  path);
		return -EEXIST;
	}
	probe = control_connect(path);
	if (probe >= 0) {
		close(probe);
		log_warnx("control: %s is in use: is presensid running?", path);
		return -EADDRINUSE;
	}
	if (probe != -ECONNREFUSED) {
		log_errno(probe, "control: %s: cannot tell whether it is stale",
			  path);
		return probe;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		log_warn("control: cannot remove the stale socket %s", path);
		return -errno;
	}
	return 0;
}

int server_listen(struct daemon *d)
{
	const char *path = d->conf.socket_path;
	struct sockaddr_un sa;
	int fd, rc;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_warnx("control: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	rc = remove_stale(path);
	if (rc < 0)
		return rc;
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
	d->push_gid = -1;
	if (d->conf.push.group[0]) {
		struct group gr, *grp = NULL;
		char grbuf[PWBUF_MAX];

		if (getgrnam_r(d->conf.push.group, &gr, grbuf, sizeof(grbuf),
			       &grp) == 0 &&
		    grp)
			d->push_gid = (int64_t)grp->gr_gid;
		else if (d->conf.push.server[0])
			log_warnx("control: no group %s ([push] group): only "
				  "root and admins may sign batches",
				  d->conf.push.group);
	}
	d->listen_fd = fd;
	listen_watch(d);
	return 0;
}

void server_close(struct daemon *d)
{
	push_stop(d);
	while (d->clients)
		client_free(d, d->clients);
	if (d->reap_src)
		g_source_remove(d->reap_src);
	d->reap_src = 0;
	if (d->listen_src)
		g_source_remove(d->listen_src);
	d->listen_src = 0;
	if (d->listen_timer_src)
		g_source_remove(d->listen_timer_src);
	d->listen_timer_src = 0;
	if (d->listen_fd >= 0) {
		struct stat sb;

		close(d->listen_fd);
		/* ours; gone is fine, and only ever a socket is removed */
		if (lstat(d->conf.socket_path, &sb) == 0 &&
		    S_ISSOCK(sb.st_mode))
			(void)unlink(d->conf.socket_path);
	}
	d->listen_fd = -1;
}
