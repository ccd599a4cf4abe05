/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who is asking kecamatand, and what they may see (docs/kecamatan.md
 * "Accounts"): logins checked against Argon2id hashes, limited per
 * account and per address; sessions as a random token in an HttpOnly,
 * SameSite=Strict cookie (Secure under HTTPS) whose SHA-256 the store
 * keeps, ending when idle or old; a CSRF token per session on every form
 * (and a double-submitted one on the login form); the scope of each role.
 * Every login, failed login and logout goes to the access log.
 */
#ifndef PRESENSI_KECD_AUTH_H
#define PRESENSI_KECD_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "kecd.h"

#define KECD_COOKIE	   "kd_sesi" /* the session's token */
#define KECD_COOKIE_PRE	   "kd_pra"  /* the login form's token */
#define KECD_TOKEN_HEX	   65	     /* 32 random bytes as hex + NUL */
#define KECD_TOUCH_EVERY_S 60	     /* seen_utc is written at most so */

/* The logged-in user of a request, or none. */
struct kecd_who {
	bool in;	      /* a valid session */
	bool expired;	      /* a session cookie that no longer works */
	struct kec_user u;    /* when in */
	struct kec_session s; /* when in: its csrf */
};

/* The login limiter (per account, per address), shared by workers. */
int kecd_limiter_new(struct kecd_limiter **out);
void kecd_limiter_free(struct kecd_limiter *l); /* NULL-safe */

/*
 * The session of req (its cookie), checked: expired or idle sessions are
 * ended and reported as w->expired, a disabled account's too.  A store
 * error is -EIO (the caller answers 503).
 */
int kecd_auth_who(struct kecd_worker *w, const struct kecd_req *req,
		  struct kecd_who *who);
/* The POSTed form's "csrf" field (urlencoded or multipart) is the
 * session's token (constant time).  true when it is. */
bool kecd_auth_csrf_ok(const struct kecd_who *who, const struct kecd_req *req);

enum kecd_login {
	KECD_LOGIN_OK = 0,
	KECD_LOGIN_BAD,	   /* wrong name or password, or disabled */
	KECD_LOGIN_LOCKED, /* too many failures: *retry_s */
	KECD_LOGIN_CSRF,   /* the login form's token does not match */
};
/*
 * POST /masuk: checks the form (nama, sandi, csrf against the kd_pra
 * cookie), the limiter, the password; on success opens a session and adds
 * its Set-Cookie header to resp.  Logged to the access log either way.
 * *retry_s: the lock's remaining seconds.  -EIO for a store error.
 */
int kecd_auth_login(struct kecd_worker *w, const struct kecd_req *req,
		    struct kecd_resp *resp, enum kecd_login *result,
		    int64_t *retry_s);
/* POST /keluar: ends who's session, clears the cookie, logs it. */
int kecd_auth_logout(struct kecd_worker *w, const struct kecd_req *req,
		     const struct kecd_who *who, struct kecd_resp *resp);
/* A fresh login-form token: sets the kd_pra cookie, writes the value. */
int kecd_auth_pre_token(const struct kecd_req *req, struct kecd_resp *resp,
			char out[KECD_TOKEN_HEX]);

/* Scope. */
bool kecd_auth_sees_kec(const struct kec_user *u, int64_t kec);
bool kecd_auth_sees_all(const struct kec_user *u); /* the kabupaten */
bool kecd_auth_uploads(const struct kec_user *u);
bool kecd_auth_publishes(const struct kec_user *u, int64_t kec);

/* One line in the access log (errors are logged, not returned). */
void kecd_audit(struct kecd_worker *w, const struct kecd_req *req, int64_t kec,
		const char *user, const char *action, const char *subject,
		const char *detail);

#endif /* PRESENSI_KECD_AUTH_H */
