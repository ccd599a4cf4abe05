/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_auth.c: logins, sessions, CSRF tokens and scope for kecamatand.
 * The cookie holds a random token; the store keeps only its SHA-256, so a
 * copy of the database opens no session.  Failed logins count per
 * account and per address in memory (a restart forgets them; the access
 * log keeps every attempt).
 */
#include "kecd_auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kecd_form.h"
#include "log.h"

static void random_hex(char out[KECD_TOKEN_HEX]);

#define LIMITER_SLOTS 2048 /* accounts and addresses tracked at once */
#define KEY_MAX	      (PD_NAME_MAX + 4)

struct slot {
	char key[KEY_MAX]; /* "a:<account>" or "i:<address>", "" free */
	int64_t first_utc; /* the window's first failure */
	int fails;
	int64_t locked_until;
};

struct kecd_limiter {
	pthread_mutex_t lock;
	struct slot s[LIMITER_SLOTS];
	char dummy[CRYPTO_PWHASH_MAX]; /* verified for unknown accounts */
};

int kecd_limiter_new(struct kecd_limiter **out)
{
	struct kecd_limiter *l = calloc(1, sizeof(*l));

	char pw[KECD_TOKEN_HEX];
	int rc;

	if (!l)
		return -ENOMEM;
	random_hex(pw);
	rc = crypto_password_hash(pw, l->dummy);
	if (rc) {
		free(l);
		return rc;
	}
	pthread_mutex_init(&l->lock, NULL);
	*out = l;
	return 0;
}

void kecd_limiter_free(struct kecd_limiter *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l);
}

/* The slot of key, or a free or the oldest one taken over for it. */
static struct slot *slot_of(struct kecd_limiter *l, const char *key, bool make)
{
	struct slot *oldest = NULL;

	for (int i = 0; i < LIMITER_SLOTS; i++) {
		struct slot *s = &l->s[i];

		if (strcmp(s->key, key) == 0)
			return s;
		if (!oldest || !s->key[0] ||
		    (oldest->key[0] && s->first_utc < oldest->first_utc))
			oldest = s;
	}
	if (!make)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->key, sizeof(oldest->key), "%s", key);
	return oldest;
}

static int64_t locked_for(struct kecd_limiter *l, const char *key, int64_t now)
{
	struct slot *s = slot_of(l, key, false);

	return s && s->locked_until > now ? s->locked_until - now : 0;
}

static void fail_one(struct kecd_limiter *l, const char *key, int64_t now,
		     int limit, int64_t window)
{
	struct slot *s = slot_of(l, key, true);

	if (now - s->first_utc >= window) {
		s->first_utc = now;
		s->fails = 0;
	}
	if (++s->fails >= limit)
		s->locked_until = now + window;
}

static void keys(const char *account, const char *addr, char a[KEY_MAX],
		 char i[KEY_MAX])
{
	snprintf(a, KEY_MAX, "a:%s", account);
	snprintf(i, KEY_MAX, "i:%.60s", addr);
}

/* ---- the access log ---- */

void kecd_audit(struct kecd_worker *w, const struct kecd_req *req, int64_t kec,
		const char *user, const char *action, const char *subject,
		const char *detail)
{
	struct kec_access a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.at_utc = req->now_utc;
	a.kec = kec;
	snprintf(a.user, sizeof(a.user), "%s", user ? user : "");
	snprintf(a.address, sizeof(a.address), "%s", req->remote);
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.subject, sizeof(a.subject), "%s", subject ? subject : "");
	snprintf(a.detail, sizeof(a.detail), "%s", detail ? detail : "");
	rc = kec_store_access_add(w->st, &a);
	if (rc)
		log_errno(rc, "access log: %s %s not written", action,
			  a.subject);
}

/* ---- tokens ---- */

static void random_hex(char out[KECD_TOKEN_HEX])
{
	uint8_t b[32];

	crypto_random(b, sizeof(b));
	crypto_hex_encode(b, sizeof(b), out);
	explicit_bzero(b, sizeof(b));
}

/* Equal strings, in time that depends on their lengths only. */
static bool same(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned char d = n != m;

	for (size_t i = 0; i < n && i < m; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0 && n > 0;
}

static int cookie(struct kecd_resp *resp, const struct kecd_req *req,
		  const char *name, const char *value, int64_t max_age)
{
	return kecd_resp_header(resp, "Set-Cookie",
				"%s=%s; Path=/; HttpOnly; SameSite=Strict; "
				"Max-Age=%lld%s",
				name, value, (long long)max_age,
				req->tls ? "; Secure" : "");
}

/*
 * The login form's token: the one the browser already holds, or a new
 * one.  A browser fetches more than the form before it posts it (its
 * favicon lands on the login too); a fresh token each time would make
 * the form it shows stale.
 */
int kecd_auth_pre_token(const struct kecd_req *req, struct kecd_resp *resp,
			char out[KECD_TOKEN_HEX])
{
	char have[KECD_TOKEN_HEX + 2];

	if (kecd_cookie_get(req->cookie, KECD_COOKIE_PRE, have, sizeof(have)) ==
		    0 &&
	    crypto_hex_is_canonical(have, KECD_TOKEN_HEX - 1))
		memcpy(out, have, KECD_TOKEN_HEX);
	else
		random_hex(out);
	explicit_bzero(have, sizeof(have));
	return cookie(resp, req, KECD_COOKIE_PRE, out, 3600);
}

/* ---- sessions ---- */

int kecd_auth_who(struct kecd_worker *w, const struct kecd_req *req,
		  struct kecd_who *who)
{
	const struct kecd_conf *c = &w->k->conf;
	char token[KECD_TOKEN_HEX], hash[PD_HASH_HEX];
	int rc;

	memset(who, 0, sizeof(*who));
	if (kecd_cookie_get(req->cookie, KECD_COOKIE, token, sizeof(token)))
		return 0;
	crypto_sha256_hex(token, strlen(token), hash);
	explicit_bzero(token, sizeof(token));
	rc = kec_store_session_get(w->st, hash, &who->s);
	if (rc == -ENOENT) {
		who->expired = true;
		return 0;
	}
	if (rc)
		return -EIO;
	if (req->now_utc >= who->s.expires_utc ||
	    req->now_utc - who->s.seen_utc >=
		    (int64_t)c->session_idle_min * 60) {
		(void)kec_store_session_end(w->st, hash); /* purge retries */
		who->expired = true;
		return 0;
	}
	rc = kec_store_user_get_id(w->st, who->s.user, &who->u);
	if (rc == -ENOENT || (rc == 0 && who->u.disabled)) {
		(void)kec_store_session_end(w->st, hash); /* purge retries */
		who->expired = true;
		return 0;
	}
	if (rc)
		return -EIO;
	if (req->now_utc - who->s.seen_utc >= KECD_TOUCH_EVERY_S &&
	    kec_store_session_touch(w->st, hash, req->now_utc) != 0)
		log_warnx("session of %s: last use not written", who->u.name);
	explicit_bzero(who->u.pwhash, sizeof(who->u.pwhash));
	who->in = true;
	return 0;
}

bool kecd_auth_csrf_ok(const struct kecd_who *who, const struct kecd_req *req)
{
	char got[KECD_TOKEN_HEX + 2];

	if (!who->in || kecd_req_field(req, "csrf", got, sizeof(got)) != 0)
		return false;
	return same(got, who->s.csrf);
}

/* Hashing for an account that does not exist costs what a real one
 * costs, so the answer's time says nothing about which names exist. */
static void burn_verify(const struct kecd_limiter *l, const char *password)
{
	(void)crypto_password_verify(l->dummy, password); /* always fails */
}

int kecd_auth_login(struct kecd_worker *w, const struct kecd_req *req,
		    struct kecd_resp *resp, enum kecd_login *result,
		    int64_t *retry_s)
{
	const struct kecd_conf *c = &w->k->conf;
	int64_t window = (int64_t)c->login_window_min * 60;
	char name[PD_NAME_MAX], pw[CRYPTO_PASSWORD_MAX + 2];
	char field[KECD_TOKEN_HEX + 2], pre[KECD_TOKEN_HEX + 2];
	char ka[KEY_MAX], ki[KEY_MAX], token[KECD_TOKEN_HEX];
	struct kec_session s;
	struct kec_user u;
	const char *why = NULL;
	int rc, found;

	*result = KECD_LOGIN_BAD;
	*retry_s = 0;
	if (kecd_req_field(req, "csrf", field, sizeof(field)) ||
	    kecd_cookie_get(req->cookie, KECD_COOKIE_PRE, pre, sizeof(pre)) ||
	    !same(field, pre)) {
		*result = KECD_LOGIN_CSRF;
		kecd_audit(w, req, 0, "", "login-gagal", "",
			   "token formulir tidak cocok");
		return 0;
	}
	if (kecd_req_field(req, "nama", name, sizeof(name)) || !name[0])
		name[0] = '\0';
	if (kecd_req_field(req, "sandi", pw, sizeof(pw)) ||
	    strlen(pw) > CRYPTO_PASSWORD_MAX)
		pw[0] = '\0';
	keys(name, req->remote, ka, ki);
	pthread_mutex_lock(&w->k->limiter->lock);
	*retry_s = locked_for(w->k->limiter, ka, req->now_utc);
	if (!*retry_s)
		*retry_s = locked_for(w->k->limiter, ki, req->now_utc);
	pthread_mutex_unlock(&w->k->limiter->lock);
	if (*retry_s) {
		*result = KECD_LOGIN_LOCKED;
		kecd_audit(w, req, 0, name, "login-dikunci", name,
			   "terlalu banyak percobaan");
		explicit_bzero(pw, sizeof(pw));
		return 0;
	}
	rc = kec_store_user_get(w->st, name, &u);
	if (rc && rc != -ENOENT) {
		explicit_bzero(pw, sizeof(pw));
		return -EIO;
	}
	found = rc == 0;
	if (!found || !pw[0]) {
		burn_verify(w->k->limiter, pw[0] ? pw : "x");
		why = found ? "kata sandi kosong" : "akun tidak ada";
	} else if (crypto_password_verify(u.pwhash, pw) != 0) {
		why = "kata sandi salah";
	} else if (u.disabled) {
		why = "akun nonaktif";
	}
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(u.pwhash, sizeof(u.pwhash));
	if (why) {
		pthread_mutex_lock(&w->k->limiter->lock);
		fail_one(w->k->limiter, ka, req->now_utc, c->login_attempts,
			 window);
		fail_one(w->k->limiter, ki, req->now_utc, c->address_attempts,
			 window);
		pthread_mutex_unlock(&w->k->limiter->lock);
		kecd_audit(w, req, found ? u.kec : 0, name, "login-gagal", name,
			   why);
		return 0;
	}
	memset(&s, 0, sizeof(s));
	random_hex(token);
	crypto_sha256_hex(token, strlen(token), s.token_hash);
	random_hex(s.csrf);
	s.user = u.id;
	s.created_utc = s.seen_utc = req->now_utc;
	s.expires_utc = req->now_utc + (int64_t)c->session_max_h * 3600;
	snprintf(s.address, sizeof(s.address), "%s", req->remote);
	(void)kec_store_session_purge(
		w->st, req->now_utc,
		req->now_utc - (int64_t)c->session_idle_min * 60);
	rc = kec_store_session_add(w->st, &s);
	if (rc) {
		explicit_bzero(token, sizeof(token));
		return -EIO;
	}
	pthread_mutex_lock(&w->k->limiter->lock);
	{
		struct slot *sl = slot_of(w->k->limiter, ka, false);

		if (sl)
			memset(sl, 0, sizeof(*sl));
	}
	pthread_mutex_unlock(&w->k->limiter->lock);
	rc = cookie(resp, req, KECD_COOKIE, token,
		    (int64_t)c->session_max_h * 3600);
	explicit_bzero(token, sizeof(token));
	if (rc == 0)
		rc = cookie(resp, req, KECD_COOKIE_PRE, "x", 0);
	kecd_audit(w, req, u.kec, u.name, "login", u.name,
		   kec_role_name(u.role));
	*result = KECD_LOGIN_OK;
	return rc ? -EIO : 0;
}

int kecd_auth_logout(struct kecd_worker *w, const struct kecd_req *req,
		     const struct kecd_who *who, struct kecd_resp *resp)
{
	if (who->in) {
		if (kec_store_session_end(w->st, who->s.token_hash) != 0)
			return -EIO;
		kecd_audit(w, req, who->u.kec, who->u.name, "logout",
			   who->u.name, "");
	}
	return cookie(resp, req, KECD_COOKIE, "x", 0);
}

/* ---- scope ---- */

bool kecd_auth_sees_all(const struct kec_user *u)
{
	return u->role == KEC_ROLE_KABUPATEN;
}

bool kecd_auth_sees_kec(const struct kec_user *u, int64_t kec)
{
	if (u->role == KEC_ROLE_KABUPATEN)
		return true;
	return (u->role == KEC_ROLE_CAMAT || u->role == KEC_ROLE_KASI) &&
	       u->kec == kec;
}

bool kecd_auth_uploads(const struct kec_user *u)
{
	return (unsigned int)u->role < KEC_ROLES;
}

bool kecd_auth_publishes(const struct kec_user *u, int64_t kec)
{
	if (u->role == KEC_ROLE_KABUPATEN)
		return true;
	return u->role == KEC_ROLE_CAMAT && kec != 0 && u->kec == kec;
}
