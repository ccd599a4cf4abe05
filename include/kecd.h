/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecamatand, the kecamatan server (docs/kecamatan.md "The server"): the
 * request and response every handler sees, and the server's state that
 * every worker thread shares.  The HTTP module (kecd_http.c, the only
 * includer of libsoup) turns each request into a struct kecd_req, runs
 * kecd_handle() on a worker thread with that worker's own store
 * connection, and sends the struct kecd_resp back.  Nothing here carries
 * a GLib or libsoup type.
 */
#ifndef PRESENSI_KECD_H
#define PRESENSI_KECD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto.h"
#include "kec_store.h"
#include "kecd_conf.h"

#define KECD_HEADERS_MAX 12
#define KECD_HVALUE_MAX	 640
#define KECD_CTYPE_MAX	 128

struct kecd_req {
	const char *method;	  /* "GET", "POST", "HEAD", ... */
	const char *path;	  /* as sent, starting with '/' */
	const char *query;	  /* raw query string, "" when none */
	const char *content_type; /* "" when none */
	const char *cookie;	  /* the Cookie header, "" when none */
	const char *origin;	  /* the Origin header, "" when none */
	const uint8_t *body;	  /* the whole body (capped by kecd_http) */
	size_t body_len;
	char remote[KEC_ADDRESS_MAX]; /* the peer's address */
	bool tls;		      /* came over HTTPS */
	int64_t now_utc;	      /* the server's clock for this request */
};

struct kecd_resp {
	int status;
	char content_type[KECD_CTYPE_MAX];
	char *body; /* malloc'd; taken by the HTTP module */
	size_t len;
	int nheaders;
	char hname[KECD_HEADERS_MAX][32];
	char hvalue[KECD_HEADERS_MAX][KECD_HVALUE_MAX];
};

/* Adds a response header; -E2BIG when full or too long. */
int kecd_resp_header(struct kecd_resp *r, const char *name, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));
/* Sets status, type and a copy of len bytes of body.  0 or -ENOMEM. */
int kecd_resp_set(struct kecd_resp *r, int status, const char *ctype,
		  const void *body, size_t len);
/* A one-line JSON object {"error": msg} with status. */
int kecd_resp_error_json(struct kecd_resp *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A redirect (303 See Other) to a path on this server. */
int kecd_resp_redirect(struct kecd_resp *r, const char *path);
void kecd_resp_free(struct kecd_resp *r); /* the body; NULL-safe */

/* The server's shared state: its configuration, publisher key, login
 * limiter and recompute cache.  Made once by kecamatand.c. */
struct kecd_limiter;
struct kecd_cache;
struct kecd {
	struct kecd_conf conf;
	char conf_path[KECD_PATH_MAX];
	struct crypto_devkey publisher; /* signs published rules */
	char publisher_pk[CRYPTO_PK_HEX];
	struct kecd_limiter *limiter;
	struct kecd_cache *cache;
	/* the simulated clock (tests, demo): conf.clock_file, re-read when
	 * it changes */
	pthread_mutex_t clock_lock;
	int64_t clock_mtime_ns, clock_utc;
};

/*
 * The rule files the boxes ship with (the .ini files in dir/profiles and
 * dir/calendars, as make install puts them): kept as rule files of
 * every kecamatan, so a desa whose box runs a shipped profile is judged
 * from its first push, before its month's bundle brings the text.  A file
 * that does not parse is skipped with a warning.  0, or a store error.
 */
int kecd_known_rules(struct kec_store *st, const char *dir);

/* The server's clock: the system's, or the simulated file's instant. */
int64_t kecd_now(struct kecd *k);

/* One worker thread's context: the shared state and its own store. */
struct kecd_worker {
	struct kecd *k;
	struct kec_store *st;
};

/*
 * Handles one request on a worker thread and fills resp (the router in
 * kecd_web.c).  Never fails: an error is a response (4xx, 5xx).
 */
void kecd_handle(struct kecd_worker *w, const struct kecd_req *req,
		 struct kecd_resp *resp);
/* The body cap, bytes, for a request to path (before its body is read):
 * the push API's, a bundle's, or a form's. */
size_t kecd_body_max(const struct kecd *k, const char *method,
		     const char *path);

#endif /* PRESENSI_KECD_H */
