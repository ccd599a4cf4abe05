/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kecamatan store's schema 2, the server's tables, on both backends:
 * accounts and their scope, sessions (expiry, idle, a user's sessions
 * ended at once), the access log newest first and per kecamatan, each
 * box's state, a key found in any kecamatan, the heads of every device,
 * and rule files published, signed and listed by scope.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/kecfix.h"
#include "kec_store.h"

#define T0   1796000000
#define PK_A "1111111111111111111111111111111111111111111111111111111111111111"
#define PK_B "2222222222222222222222222222222222222222222222222222222222222222"
#define H1   "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define H2   "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define CS   "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"

static int64_t kec_new(struct kec_store *st, const char *name)
{
	struct kec_info k;

	memset(&k, 0, sizeof(k));
	snprintf(k.name, sizeof(k.name), "%s", name);
	snprintf(k.kabupaten, sizeof(k.kabupaten), "Lamongan");
	k.offset_min = 420;
	k.deadline_mday = 5;
	k.created_utc = T0;
	assert_int_equal(kec_store_kec_add(st, &k), 0);
	return k.id;
}

static int64_t key_new(struct kec_store *st, int64_t kec, const char *desa,
		       const char *pk)
{
	struct kec_desa d;
	struct kec_key k;

	memset(&d, 0, sizeof(d));
	snprintf(d.id, sizeof(d.id), "%s", desa);
	snprintf(d.name, sizeof(d.name), "Desa %s", desa);
	d.registered_utc = T0;
	assert_int_equal(kec_store_desa_put(st, kec, &d), 0);
	memset(&k, 0, sizeof(k));
	snprintf(k.desa, sizeof(k.desa), "%s", desa);
	snprintf(k.public_key, sizeof(k.public_key), "%s", pk);
	snprintf(k.fingerprint, sizeof(k.fingerprint), "abcd-%.4s-0000-0000",
		 pk);
	k.trusted_utc = T0;
	snprintf(k.by, sizeof(k.by), "root");
	assert_int_equal(kec_store_key_add(st, kec, &k), 0);
	return k.id;
}

static struct kec_user user(const char *name, enum kec_role role, int64_t kec)
{
	struct kec_user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.role = role;
	u.kec = kec;
	snprintf(u.pwhash, sizeof(u.pwhash), "$argon2id$v=19$m=1,t=1,p=1$x");
	u.created_utc = u.changed_utc = T0;
	return u;
}

static int count_user(void *ud, const struct kec_user *u)
{
	char *names = ud;

	strcat(names, u->name);
	strcat(names, " ");
	return 0;
}

static void test_srvstore_users_scoped_unique_and_updated(void **state)
{
	struct kecfix *f = *state;
	int64_t kec = kec_new(f->st, "Pucuk");
	struct kec_user u = user("camat.pucuk", KEC_ROLE_CAMAT, kec), got;
	char names[256] = "";

	assert_int_equal(kec_store_user_add(f->st, &u), 0);
	assert_true(u.id > 0);
	got = user("camat.pucuk", KEC_ROLE_KASI, kec);
	assert_int_equal(kec_store_user_add(f->st, &got), -EEXIST);
	/* a camat or kasi needs a kecamatan, a kabupaten account has none */
	got = user("kasi", KEC_ROLE_KASI, 0);
	assert_int_equal(kec_store_user_add(f->st, &got), -EINVAL);
	got = user("bupati", KEC_ROLE_KABUPATEN, kec);
	assert_int_equal(kec_store_user_add(f->st, &got), -EINVAL);
	got = user("admin.kab", KEC_ROLE_KABUPATEN, 0);
	assert_int_equal(kec_store_user_add(f->st, &got), 0);
	kecfix_reopen(f);
	assert_int_equal(kec_store_user_get(f->st, "camat.pucuk", &got), 0);
	assert_int_equal(got.id, u.id);
	assert_int_equal(got.role, KEC_ROLE_CAMAT);
	assert_int_equal(got.kec, kec);
	assert_false(got.disabled);
	assert_string_equal(got.pwhash, u.pwhash);
	assert_int_equal(kec_store_user_get(f->st, "CAMAT.PUCUK", &got),
			 -ENOENT);
	assert_int_equal(kec_store_user_get(f->st, "", &got), -ENOENT);
	u.disabled = true;
	snprintf(u.pwhash, sizeof(u.pwhash), "$argon2id$new");
	u.changed_utc = T0 + 60;
	assert_int_equal(kec_store_user_update(f->st, &u), 0);
	assert_int_equal(kec_store_user_get_id(f->st, u.id, &got), 0);
	assert_true(got.disabled);
	assert_string_equal(got.pwhash, "$argon2id$new");
	assert_int_equal(got.changed_utc, T0 + 60);
	u.id = 9999;
	assert_int_equal(kec_store_user_update(f->st, &u), -ENOENT);
	assert_int_equal(kec_store_user_each(f->st, count_user, names), 0);
	assert_string_equal(names, "admin.kab camat.pucuk ");
	assert_string_equal(kec_role_name(KEC_ROLE_OPERATOR), "operator");
}

static void test_srvstore_sessions_expire_idle_and_end(void **state)
{
	struct kecfix *f = *state;
	int64_t kec = kec_new(f->st, "Pucuk");
	struct kec_user u = user("kasi", KEC_ROLE_KASI, kec);
	struct kec_session s, got;

	assert_int_equal(kec_store_user_add(f->st, &u), 0);
	memset(&s, 0, sizeof(s));
	snprintf(s.token_hash, sizeof(s.token_hash), "%s", H1);
	snprintf(s.csrf, sizeof(s.csrf), "%s", CS);
	s.user = u.id;
	s.created_utc = s.seen_utc = T0;
	s.expires_utc = T0 + 3600;
	snprintf(s.address, sizeof(s.address), "192.0.2.7");
	assert_int_equal(kec_store_session_add(f->st, &s), 0);
	snprintf(s.token_hash, sizeof(s.token_hash), "%s", H2);
	assert_int_equal(kec_store_session_add(f->st, &s), 0);
	assert_int_equal(kec_store_session_get(f->st, H1, &got), 0);
	assert_int_equal(got.user, u.id);
	assert_string_equal(got.csrf, CS);
	assert_string_equal(got.address, "192.0.2.7");
	assert_int_equal(kec_store_session_get(f->st, "nonsense", &got),
			 -ENOENT);
	assert_int_equal(kec_store_session_touch(f->st, H1, T0 + 100), 0);
	/* idle since before T0 + 50: H2 (seen T0) goes, H1 stays */
	assert_int_equal(kec_store_session_purge(f->st, T0 + 200, T0 + 50), 0);
	assert_int_equal(kec_store_session_get(f->st, H2, &got), -ENOENT);
	assert_int_equal(kec_store_session_get(f->st, H1, &got), 0);
	assert_int_equal(got.seen_utc, T0 + 100);
	/* expired at its expires_utc */
	assert_int_equal(kec_store_session_purge(f->st, T0 + 3600, 0), 0);
	assert_int_equal(kec_store_session_get(f->st, H1, &got), -ENOENT);
	/* every session of a user ends at once */
	assert_int_equal(kec_store_session_add(f->st, &s), 0);
	snprintf(s.token_hash, sizeof(s.token_hash), "%s", H1);
	assert_int_equal(kec_store_session_add(f->st, &s), 0);
	assert_int_equal(kec_store_session_end_user(f->st, u.id), 0);
	assert_int_equal(kec_store_session_get(f->st, H1, &got), -ENOENT);
	assert_int_equal(kec_store_session_get(f->st, H2, &got), -ENOENT);
	assert_int_equal(kec_store_session_end(f->st, H2), 0);
}

struct seen {
	int n;
	char s[8][800];
};

static int access_seen(void *ud, const struct kec_access *a)
{
	struct seen *x = ud;

	snprintf(x->s[x->n++], sizeof(x->s[0]), "%s %s %s", a->action, a->user,
		 a->subject);
	return 0;
}

static void access(struct kec_store *st, int64_t kec, const char *action,
		   const char *who, const char *subject)
{
	struct kec_access a;

	memset(&a, 0, sizeof(a));
	a.at_utc = T0;
	a.kec = kec;
	snprintf(a.user, sizeof(a.user), "%s", who);
	snprintf(a.address, sizeof(a.address), "127.0.0.1");
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.subject, sizeof(a.subject), "%s", subject);
	assert_int_equal(kec_store_access_add(st, &a), 0);
	assert_true(a.id > 0);
}

static void test_srvstore_access_log_newest_first_by_kecamatan(void **state)
{
	struct kecfix *f = *state;
	int64_t a = kec_new(f->st, "Pucuk"), b = kec_new(f->st, "Perak");
	struct seen x = {0};

	access(f->st, 0, "login", "admin.kab", "");
	access(f->st, a, "login", "camat", "");
	access(f->st, a, "unggah", "camat", "presensi-1-2026-11.zip");
	access(f->st, b, "login", "kasi.perak", "");
	assert_int_equal(kec_store_access_each(f->st, a, 10, access_seen, &x),
			 0);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.s[0], "unggah camat presensi-1-2026-11.zip");
	assert_string_equal(x.s[1], "login camat ");
	x.n = 0;
	assert_int_equal(kec_store_access_each(f->st, 0, 3, access_seen, &x),
			 0);
	assert_int_equal(x.n, 3);
	assert_string_equal(x.s[0], "login kasi.perak ");
}

static int device_seen(void *ud, const struct kec_device_state *d)
{
	struct seen *x = ud;

	snprintf(x->s[x->n++], sizeof(x->s[0]), "%s %lld %s", d->desa,
		 (long long)d->pushes, d->software);
	return 0;
}

static int head_seen(void *ud, int64_t key, const char *desa, int64_t seq)
{
	struct seen *x = ud;

	snprintf(x->s[x->n++], sizeof(x->s[0]), "%lld %s %lld", (long long)key,
		 desa, (long long)seq);
	return 0;
}

static void test_srvstore_device_state_keys_and_heads(void **state)
{
	struct kecfix *f = *state;
	int64_t a = kec_new(f->st, "Pucuk"), b = kec_new(f->st, "Perak");
	int64_t ka = key_new(f->st, a, "d1", PK_A);
	int64_t kb = key_new(f->st, b, "d9", PK_B), kec;
	struct kec_device_state d, got;
	struct kec_key k;
	struct seen x = {0};
	char want[64];

	kec_device_state_init(&d);
	assert_int_equal(d.clock_trusted, -1);
	assert_int_equal(d.disk_free, -1);
	assert_int_equal(kec_store_device_get(f->st, ka, &got), -ENOENT);
	d.key_id = ka;
	d.kec = a;
	snprintf(d.desa, sizeof(d.desa), "d1");
	d.pushes = 3;
	d.last_push_utc = T0 + 5;
	d.disk_free = 14211LL << 20;
	snprintf(d.software, sizeof(d.software), "presensi 0.2.0");
	snprintf(d.profile_version, sizeof(d.profile_version), "%s", H1);
	snprintf(d.profile_name, sizeof(d.profile_name), "PPU 24/2018");
	d.profile_from = 20000;
	snprintf(d.last_error, sizeof(d.last_error), "bad signature");
	assert_int_equal(kec_store_device_put(f->st, &d), 0);
	d.pushes = 4; /* a second put replaces */
	assert_int_equal(kec_store_device_put(f->st, &d), 0);
	assert_int_equal(kec_store_device_get(f->st, ka, &got), 0);
	assert_int_equal(got.pushes, 4);
	assert_int_equal(got.disk_free, 14211LL << 20);
	assert_int_equal(got.clock_trusted, -1);
	assert_int_equal(got.profile_from, 20000);
	assert_string_equal(got.profile_version, H1);
	assert_string_equal(got.last_error, "bad signature");
	d.key_id = kb;
	d.kec = b;
	snprintf(d.desa, sizeof(d.desa), "d9");
	assert_int_equal(kec_store_device_put(f->st, &d), 0);
	assert_int_equal(kec_store_device_each(f->st, a, device_seen, &x), 0);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.s[0], "d1 4 presensi 0.2.0");
	x.n = 0;
	assert_int_equal(kec_store_device_each(f->st, 0, device_seen, &x), 0);
	assert_int_equal(x.n, 2);
	/* a key found without knowing its kecamatan */
	assert_int_equal(kec_store_key_find_any(f->st, PK_B, &kec, &k), 0);
	assert_int_equal(kec, b);
	assert_int_equal(k.id, kb);
	assert_string_equal(k.desa, "d9");
	assert_int_equal(kec_store_key_find_any(f->st, H1, &kec, &k), -ENOENT);
	assert_int_equal(kec_store_key_find_any(f->st, "zz", &kec, &k),
			 -EINVAL);
	x.n = 0;
	assert_int_equal(kec_store_heads_each(f->st, a, head_seen, &x), 0);
	assert_int_equal(x.n, 1);
	snprintf(want, sizeof(want), "%lld d1 0", (long long)ka);
	assert_string_equal(x.s[0], want);
}

static int pub_seen(void *ud, const struct kec_published *p)
{
	struct seen *x = ud;

	snprintf(x->s[x->n++], sizeof(x->s[0]), "%lld %lld %s %s %.8s %zu",
		 (long long)p->id, (long long)p->kec, p->kind, p->name,
		 p->signature, strlen(p->text));
	return 0;
}

static void test_srvstore_published_rules_by_scope(void **state)
{
	struct kecfix *f = *state;
	int64_t a = kec_new(f->st, "Pucuk"), b = kec_new(f->st, "Perak");
	struct kec_published p;
	struct seen x = {0};
	char sig[KEC_SIG_HEX];
	int64_t first;

	memset(sig, 'e', KEC_SIG_HEX - 1);
	sig[KEC_SIG_HEX - 1] = '\0';
	memset(&p, 0, sizeof(p));
	snprintf(p.kind, sizeof(p.kind), "profile");
	snprintf(p.area, sizeof(p.area), "Lamongan");
	snprintf(p.name, sizeof(p.name), "PPU 5 hari");
	snprintf(p.version, sizeof(p.version), "%s", H1);
	p.from_day = 20500;
	p.published_utc = T0;
	snprintf(p.by, sizeof(p.by), "admin.kab");
	assert_int_equal(kec_store_begin(f->st), 0);
	assert_int_equal(kec_store_published_add(f->st, &p, "[profile]\n"), 0);
	assert_int_equal(kec_store_published_sign(f->st, p.id, sig), 0);
	assert_int_equal(kec_store_end(f->st, 0), 0);
	first = p.id;
	p.kec = a;
	snprintf(p.kind, sizeof(p.kind), "calendar");
	snprintf(p.name, sizeof(p.name), "Libur Pucuk");
	assert_int_equal(kec_store_published_add(f->st, &p, "[calendar]\nx\n"),
			 0);
	p.kec = b;
	snprintf(p.name, sizeof(p.name), "Libur Perak");
	assert_int_equal(kec_store_published_add(f->st, &p, "[calendar]\n"), 0);
	snprintf(p.kind, sizeof(p.kind), "manual");
	assert_int_equal(kec_store_published_add(f->st, &p, "x"), -EINVAL);
	assert_int_equal(kec_store_published_sign(f->st, first, "short"),
			 -EINVAL);
	assert_int_equal(kec_store_published_each(f->st, a, 0, pub_seen, &x),
			 0);
	assert_int_equal(x.n, 2);
	assert_non_null(strstr(x.s[0], " 0 profile PPU 5 hari eeeeeeee 10"));
	assert_non_null(strstr(x.s[1], " calendar Libur Pucuk  13"));
	x.n = 0;
	assert_int_equal(
		kec_store_published_each(f->st, a, first, pub_seen, &x), 0);
	assert_int_equal(x.n, 1);
	x.n = 0;
	assert_int_equal(kec_store_published_each(f->st, -1, 0, pub_seen, &x),
			 0);
	assert_int_equal(x.n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srvstore_users_scoped_unique_and_updated),
		cmocka_unit_test(test_srvstore_sessions_expire_idle_and_end),
		cmocka_unit_test(
			test_srvstore_access_log_newest_first_by_kecamatan),
		cmocka_unit_test(test_srvstore_device_state_keys_and_heads),
		cmocka_unit_test(test_srvstore_published_rules_by_scope),
	};

	return kecfix_main("kec_srvstore", tests,
			   sizeof(tests) / sizeof(*tests));
}
