/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kecamatan server's tests' fixture: the real build/kecamatand started
 * on a free loopback port with a fresh configuration (a simulated clock
 * the test sets, readiness through NOTIFY_SOCKET as under systemd), a
 * small HTTP/1.1 client over a plain socket, logins, accounts made with
 * the real presensi-kecamatan, and push batches built from a real box's
 * store with pushbatch and signed with its device key, as presensid signs
 * them.  Every function fails the running cmocka test on an unexpected
 * error (outside a test it exits).
 */
#ifndef PRESENSI_KECDFIX_H
#define PRESENSI_KECDFIX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fakes/kecbox.h"

struct kecdfix_reply {
	int status;
	char *head; /* the status line and headers */
	char *body;
	size_t len;
};
/* One request; 0 or -errno.  cookie and ctype may be NULL. */
int kecdfix_http(int port, const char *method, const char *path,
		 const char *ctype, const char *cookie, const void *body,
		 size_t len, struct kecdfix_reply *out);
void kecdfix_reply_free(struct kecdfix_reply *r);
/* The value of the n-th header name (case-insensitive), or NULL. */
const char *kecdfix_header(const struct kecdfix_reply *r, const char *name,
			   int n, char *out, size_t cap);

struct kecdfix_server {
	pid_t pid;
	int port;
	char dir[256]; /* its configuration, key, clock, log */
	char conf[320];
	char clock[320]; /* the simulated clock's file */
	char log[320];
	char db[600];
};
/* Starts kecamatand on db in dir (kept by the caller) at clock now_utc;
 * extra is appended to its configuration (may be NULL). */
void kecdfix_start(struct kecdfix_server *s, const char *dir, const char *db,
		   int64_t now_utc, const char *extra);
void kecdfix_stop(struct kecdfix_server *s);
/* The server's clock is now utc (the simulated clock's file). */
void kecdfix_clock(struct kecdfix_server *s, int64_t utc);

/* presensi-kecamatan --db db ARGS... with stdin_text on its stdin;
 * its exit code, output in *out (may be NULL). */
int kecdfix_cli(const char *db, const char *stdin_text, char **out, ...);
/* An account with password pw (presensi-kecamatan user add). */
void kecdfix_user(const char *db, const char *kecamatan, const char *name,
		  const char *role, const char *pw);
/* Logs in; the session cookie ("kd_sesi=...") into cookie.  The login
 * page's status, or 303 on success. */
int kecdfix_login(int port, const char *name, const char *pw, char *cookie,
		  size_t cap);
/* The CSRF token in a page (its hidden csrf field), into out. */
int kecdfix_csrf(const char *page, char *out, size_t cap);
/* GET path with cookie: the page (free()), its status in *status. */
char *kecdfix_get(int port, const char *path, const char *cookie, int *status);

/* The push body of box b's rows first..last (free()), signed. */
char *kecdfix_push_body(struct kecbox *b, int64_t first, int64_t last,
			size_t *len);
/* Pushes rows first..last; the reply's status, body in *r (may be
 * NULL). */
int kecdfix_push(int port, struct kecbox *b, int64_t first, int64_t last,
		 struct kecdfix_reply *r);
/* The box's newest row. */
int64_t kecdfix_box_head(struct kecbox *b);

/* A multipart/form-data body of fields (name=value pairs, NULL ended)
 * and one file field; free(). */
char *kecdfix_multipart(const char *boundary, const char *const *fields,
			const char *file_field, const char *file_name,
			const void *file, size_t file_len, size_t *len);

#endif /* PRESENSI_KECDFIX_H */
