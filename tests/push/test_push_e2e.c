/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live push end to end, with the real programs: the real
 * build/presensid (frozen simulated clock, manual punches through the
 * real build/presensi), the real build/presensi-push, and the real
 * build/kecamatand on loopback, over HTTPS with its certificate pinned
 * (tests/data/push), on SQLite and on a private PostgreSQL
 * (tests/fakes/kecfix.c).  Rows and their acknowledgement, a 409 gap and
 * the resend from the server's head, a replay, a month offline caught up
 * in many batches, the server killed with a batch in flight, a batch
 * refused (the key not yet trusted: kept, retried, shown in status), a
 * tampered row, a closed month's bundle, and rules published on the
 * server reaching presensid's ledger, or refused under another key.
 *
 * Every wait is on a condition (the push's state file, the server's
 * store, presensi status), polled with a generous bound; never a timing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include "civil.h"
#include "crypto.h"
#include "fakes/faultvfs.h"
#include "fakes/kecfix.h"
#include "fakes/testutil.h"
#include "kec_admin.h"
#include "kecdfix.h"
#include "log.h"
#include "pushstate.h"
#include "store.h"

#define DESA	     "3524012001"
#define PIN	     "b0f86f76c86b9ebe4cc3c682d753916ebed7a61e57928a95e3f85180d3631e66"
#define WAIT_MS	     120000 /* the bound of any one wait on a condition */
#define POLL_MS	     20	    /* how often a condition is looked at */
#define AT(d, h, mi) kecbox_at(2026, 11, (d), (h), (mi), 0)

enum world_opt {
	W_TRUST = 0x1,	   /* the kecamatan trusts the box's key at start */
	W_PLAIN = 0x2,	   /* plain http on loopback (the pages' client) */
	W_NO_PUSH = 0x4,   /* presensi-push not started */
	W_OTHER_PUB = 0x8, /* the box pins another publisher key */
	W_OCTOBER = 0x10,  /* the box starts on 14 October, not 23 November */
};

struct world {
	struct kecfix *f;
	char *dir;
	struct kec_info kec;
	struct kec_key key;
	int trusted;
	struct kecdfix_server srv;
	char kdir[512];
	char publisher[CRYPTO_PK_HEX];
	/* the box */
	char conf[512], ctl[512], db[512], state[512];
	char dlog[512], plog[512], simlog[512];
	char bin_d[512], bin_c[512], bin_p[512], bin_k[512];
	pid_t d_pid, p_pid;
	char pk[CRYPTO_PK_HEX], fpr[CRYPTO_FPR_MAX];
	char url[96];
};

static const char *top(void)
{
	static char cwd[400];

	if (!cwd[0] && !getcwd(cwd, sizeof(cwd)))
		fail_msg("getcwd");
	return cwd;
}

/* ---- the box's programs ---- */

static int runv(const char *prog, const char *conf, char **o, va_list ap)
{
	char *argv[32];
	const char *a;
	int n = 0;

	argv[n++] = (char *)(uintptr_t)prog;
	if (conf) {
		argv[n++] = "--config";
		argv[n++] = (char *)(uintptr_t)conf;
	}
	while ((a = va_arg(ap, const char *)) && n < 31)
		argv[n++] = (char *)(uintptr_t)a;
	argv[n] = NULL;
	return testutil_run(argv, o);
}

/* The box's CLI; its exit code, output in *o (free it). */
static int cli(struct world *w, char **o, ...)
{
	va_list ap;
	int rc;

	va_start(ap, o);
	rc = runv(w->bin_c, w->conf, o, ap);
	va_end(ap);
	return rc;
}

/* The CLI, which must succeed. */
static void ok(struct world *w, ...)
{
	char *o = NULL;
	va_list ap;
	int rc;

	va_start(ap, w);
	rc = runv(w->bin_c, w->conf, &o, ap);
	va_end(ap);
	if (rc != 0)
		fail_msg("presensi: exit %d: %s", rc, o);
	free(o);
}

static char *slurp_or_empty(const char *path)
{
	char *t = testutil_slurp(path, NULL);

	return t ? t : strdup("");
}

/* Fails the test with the programs' logs. */
static void fail_logs(struct world *w, const char *what)
{
	char *d = slurp_or_empty(w->dlog), *p = slurp_or_empty(w->plog);
	char *k = slurp_or_empty(w->srv.log[0] ? w->srv.log : "/nonexistent");
	char *s = NULL;

	(void)cli(w, &s, "status", NULL);
	fail_msg("%s\n--- presensi status:\n%s\n--- presensi-push:\n%s\n"
		 "--- presensid:\n%.4000s\n--- kecamatand:\n%.4000s",
		 what, s ? s : "", p, d, k);
}

static void write_conf(struct world *w, unsigned int opts)
{
	char text[4096], pub[CRYPTO_PK_HEX];

	snprintf(pub, sizeof(pub), "%s", w->publisher);
	if (opts & W_OTHER_PUB) {
		struct crypto_devkey other;
		uint8_t seed[CRYPTO_KEY_BYTES];

		memset(seed, 0x6f, sizeof(seed));
		crypto_devkey_from_seed(seed, &other);
		crypto_pubkey_hex(other.pk, pub);
	}
	snprintf(text, sizeof(text),
		 "[desa]\nid = " DESA "\nname = Sukamaju\nkecamatan = Pucuk\n"
		 "timezone = Asia/Jakarta\n[store]\npath = %s\n"
		 "[control]\nsocket = %s\n[lights]\nbackend = sim\n"
		 "sim_log = %s\n[clock]\nsource = simulated\n"
		 "simulated_start = %s\n"
		 "simulated_speed = 0\n[wake]\nduty = no\n"
		 "[rules]\nprofile = "
		 "%s/firmware/profiles/ppu-24-2018-5hari.ini\n"
		 "calendar = %s/firmware/calendars/2026.ini\n"
		 /* the timer never explains an arrival: wait-ledger does */
		 "[push]\nserver = %s\n%s%s\nstate = %s\n"
		 "batch_timer_s = 3600\npublisher_key = %s\n",
		 w->db, w->ctl, w->simlog,
		 opts & W_OCTOBER ? "2026-10-14 07:00:00"
				  : "2026-11-23 07:00:00",
		 top(), top(), w->url, opts & W_PLAIN ? "" : "pin_sha256 = ",
		 opts & W_PLAIN ? "" : PIN, w->state, pub);
	assert_int_equal(testutil_write(w->conf, text), 0);
}

static void start_daemon(struct world *w)
{
	char *o = NULL;

	w->d_pid = fork();
	assert_true(w->d_pid >= 0);
	if (w->d_pid == 0) {
		if (!freopen(w->dlog, "a", stderr))
			_exit(126);
		/* no reader: the punches here are manual */
		setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
		setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
		unsetenv("FP_VIRTUAL_IMAGE");
		execl(w->bin_d, w->bin_d, "--config", w->conf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < WAIT_MS / 50; i++) {
		int rc = cli(w, &o, "status", NULL);

		free(o);
		o = NULL;
		if (rc == 0)
			return;
		if (waitpid(w->d_pid, NULL, WNOHANG) == w->d_pid) {
			w->d_pid = 0;
			fail_logs(w, "presensid exited at start");
		}
		usleep(50 * 1000); /* start-up poll, not pacing */
	}
	fail_logs(w, "presensid does not answer");
}

static void stop_pid(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*pid = 0;
}

static void start_push(struct world *w)
{
	w->p_pid = fork();
	assert_true(w->p_pid >= 0);
	if (w->p_pid == 0) {
		if (!freopen(w->plog, "a", stderr))
			_exit(126);
		execl(w->bin_p, w->bin_p, "--config", w->conf, "--debug",
		      (char *)NULL);
		_exit(127);
	}
}

static void kick(struct world *w)
{
	assert_int_equal(kill(w->p_pid, SIGUSR1), 0);
}

/* ---- conditions ---- */

static int64_t box_head(struct world *w, char hash[PD_HASH_HEX])
{
	struct store *st;
	char h[PD_HASH_HEX];
	int64_t seq = 0, utc;

	assert_int_equal(store_open(w->db, NULL, STORE_RDONLY, NULL, &st), 0);
	assert_int_equal(store_ledger_head(st, &seq, &utc, hash ? hash : h), 0);
	store_close(st);
	return seq;
}

static int64_t acked(struct world *w)
{
	struct pushstate s;
	char why[256];

	if (pushstate_load(w->state, &s, why, sizeof(why)) < 0)
		return -1;
	return s.acked;
}

static int64_t server_head(struct world *w)
{
	char h[PD_HASH_HEX];
	int64_t seq = 0;

	if (!w->trusted)
		return 0;
	assert_int_equal(kec_store_head(w->f->st, w->key.id, &seq, h), 0);
	return seq;
}

static int status_has(struct world *w, const char *needle)
{
	char *o = NULL;
	int has = cli(w, &o, "status", NULL) == 0 && strstr(o, needle);

	free(o);
	return has;
}

static int log_has(const char *path, const char *needle)
{
	char *t = slurp_or_empty(path);
	int has = strstr(t, needle) != NULL;

	free(t);
	return has;
}

#define WAIT_UNTIL(w, cond, what)                                              \
	do {                                                                   \
		int done_ = 0;                                                 \
		for (int i_ = 0; i_ < WAIT_MS / POLL_MS; i_++) {               \
			if ((cond)) {                                          \
				done_ = 1;                                     \
				break;                                         \
			}                                                      \
			usleep(POLL_MS * 1000); /* a condition's poll */       \
		}                                                              \
		if (!done_)                                                    \
			fail_logs((w), (what));                                \
	} while (0)

/* Every row of the box is at the server, and the push knows it. */
static void wait_all_there(struct world *w)
{
	WAIT_UNTIL(w,
		   acked(w) == box_head(w, NULL) &&
			   server_head(w) == box_head(w, NULL),
		   "the rows did not all reach the server");
}

/* ---- the kecamatan ---- */

/* kecamatand again on the same port, database and configuration, as
 * after a restart; READY=1 awaited as under systemd. */
static void server_restart(struct world *w)
{
	char notify[600], buf[64];
	struct sockaddr_un sa;
	struct pollfd pfd;
	int fd, left = WAIT_MS;

	snprintf(notify, sizeof(notify), "%s/notify2", w->kdir);
	unlink(notify);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	assert_true(strlen(notify) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, notify, strlen(notify) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	w->srv.pid = fork();
	assert_true(w->srv.pid >= 0);
	if (w->srv.pid == 0) {
		if (!freopen(w->srv.log, "a", stderr))
			_exit(126);
		setenv("NOTIFY_SOCKET", notify, 1);
		execl(w->bin_k, w->bin_k, "--config", w->srv.conf,
		      (char *)NULL);
		_exit(127);
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (left > 0) {
		int n;

		if (poll(&pfd, 1, 200) > 0 &&
		    (n = (int)recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
			buf[n] = '\0';
			if (strstr(buf, "READY=1"))
				break;
		}
		left -= 200;
	}
	close(fd);
	if (left <= 0)
		fail_logs(w, "kecamatand did not start again");
}

static void server_kill(struct world *w)
{
	kill(w->srv.pid, SIGKILL);
	while (waitpid(w->srv.pid, NULL, 0) < 0 && errno == EINTR)
		;
	w->srv.pid = 0;
}

static void trust(struct world *w)
{
	char why[KEC_ADMIN_WHY_MAX];

	assert_int_equal(kec_admin_trust(w->f->st, &w->kec, DESA, "Sukamaju",
					 w->pk, NULL, AT(23, 6, 0), "root",
					 &w->key, why, sizeof(why)),
			 0);
	w->trusted = 1;
}

/* The server's publisher key, as its --publisher-key prints it. */
static void publisher_key(struct world *w)
{
	char *argv[] = {w->bin_k, "--config", w->srv.conf, "--publisher-key",
			NULL};
	char *o = NULL, *p;

	assert_int_equal(testutil_run(argv, &o), 0);
	p = strstr(o, "publisher_key");
	assert_non_null(p);
	p += strlen("publisher_key");
	p += strspn(p, " ");
	snprintf(w->publisher, sizeof(w->publisher), "%.64s", p);
	free(o);
}

static void world_up(struct world *w, void **state, unsigned int opts)
{
	const char *o = getenv("O") ? getenv("O") : "build";
	char why[KEC_ADMIN_WHY_MAX], extra[1024], *out = NULL, *p;

	memset(w, 0, sizeof(*w));
	w->f = *state;
	w->dir = testutil_tmpdir("push-e2e");
	assert_non_null(w->dir);
	snprintf(w->kdir, sizeof(w->kdir), "%s/kec", w->dir);
	assert_int_equal(mkdir(w->kdir, 0700), 0);
	snprintf(w->conf, sizeof(w->conf), "%s/presensi.conf", w->dir);
	snprintf(w->ctl, sizeof(w->ctl), "%s/ctl.sock", w->dir);
	snprintf(w->db, sizeof(w->db), "%s/presensi.db", w->dir);
	snprintf(w->state, sizeof(w->state), "%s/push.state", w->dir);
	snprintf(w->dlog, sizeof(w->dlog), "%s/presensid.log", w->dir);
	snprintf(w->plog, sizeof(w->plog), "%s/push.log", w->dir);
	snprintf(w->simlog, sizeof(w->simlog), "%s/lights.log", w->dir);
	snprintf(w->bin_d, sizeof(w->bin_d), "%s/%s/presensid", top(), o);
	snprintf(w->bin_c, sizeof(w->bin_c), "%s/%s/presensi", top(), o);
	snprintf(w->bin_p, sizeof(w->bin_p), "%s/%s/presensi-push", top(), o);
	snprintf(w->bin_k, sizeof(w->bin_k), "%s/%s/kecamatand", top(), o);

	/* the kecamatan Pucuk, its server at 08:00 WIB on Monday 23
	 * November 2026 */
	assert_int_equal(kec_admin_init(w->f->st, "Pucuk", "Lamongan", NULL, 0,
					AT(1, 8, 0), &w->kec, why, sizeof(why)),
			 0);
	snprintf(extra, sizeof(extra),
		 "[server]\ncertificate = %s/tests/data/push/cert.pem\n"
		 "key = %s/tests/data/push/key.pem\n",
		 top(), top());
	kecdfix_start(&w->srv, w->kdir, w->f->db, AT(23, 8, 0),
		      opts & W_PLAIN ? NULL : extra);
	snprintf(w->url, sizeof(w->url), "%s://127.0.0.1:%d",
		 opts & W_PLAIN ? "http" : "https", w->srv.port);
	publisher_key(w);

	/* the box, its people, its key */
	write_conf(w, opts);
	start_daemon(w);
	ok(w, "person", "add", "--id", "101", "--name", "H. Sutrisno",
	   "--jabatan", "Kepala Desa", "--since", "2026-10-01", NULL);
	ok(w, "person", "add", "--id", "102", "--name", "Dewi Lestari",
	   "--jabatan", "Sekretaris Desa", "--since", "2026-10-01", NULL);
	assert_int_equal(cli(w, &out, "device", "key", NULL), 0);
	p = strstr(out, "public_key");
	assert_non_null(p);
	p += strlen("public_key");
	p += strspn(p, " ");
	snprintf(w->pk, sizeof(w->pk), "%.64s", p);
	p = strstr(out, "fingerprint");
	assert_non_null(p);
	p += strlen("fingerprint");
	p += strspn(p, " ");
	snprintf(w->fpr, sizeof(w->fpr), "%.19s", p);
	free(out);
	if (opts & W_TRUST)
		trust(w);
	if (!(opts & W_NO_PUSH))
		start_push(w);
}

static void world_down(struct world *w)
{
	stop_pid(&w->p_pid);
	stop_pid(&w->d_pid);
	kecdfix_stop(&w->srv);
	testutil_rmtree_free(w->dir);
}

/* A manual punch of id on Monday 23 November at hh:mm (before 07:00, the
 * box's frozen now). */
static void punch(struct world *w, const char *id, const char *hhmm)
{
	char at[32];

	snprintf(at, sizeof(at), "2026-11-23 %s", hhmm);
	ok(w, "punch", "manual", "--id", id, "--at", at, "--reason",
	   "alat mati listrik", NULL);
}

/* ---- the tests ---- */

static void test_push_rows_reach_the_server_and_are_acked(void **state)
{
	struct world w;
	char head[PD_HASH_HEX], held[PD_HASH_HEX], line[160];
	int64_t seq;

	world_up(&w, state, W_TRUST);
	punch(&w, "101", "06:40");
	punch(&w, "102", "06:45");
	wait_all_there(&w);
	seq = box_head(&w, head);
	assert_int_equal(kec_store_head(w.f->st, w.key.id, &seq, held), 0);
	assert_string_equal(held, head);
	/* presensi status says so, with the push connected (its
	 * wait-ledger open on presensid) */
	snprintf(line, sizeof(line),
		 "push             caught-up, connected; the server holds "
		 "rows 1..%lld (head %.16s)",
		 (long long)seq, head);
	WAIT_UNTIL(&w, status_has(&w, line), "status does not show the push");
	/* the next row arrives through wait-ledger: the timer is an hour */
	punch(&w, "101", "06:50");
	wait_all_there(&w);
	assert_int_equal(server_head(&w), seq + 1);
	world_down(&w);
}

static void test_push_gap_409_resends_from_the_servers_head(void **state)
{
	struct world w;
	struct pushstate s;

	world_up(&w, state, W_TRUST | W_NO_PUSH);
	punch(&w, "101", "06:40");
	/* the push believes the server holds every row: the server holds
	 * none (a restored, older server database) */
	pushstate_init(&s);
	snprintf(s.server, sizeof(s.server), "%s", w.url);
	snprintf(s.device, sizeof(s.device), "%s", w.fpr);
	s.acked = box_head(&w, s.acked_head);
	assert_int_equal(pushstate_save(w.state, &s), 0);
	punch(&w, "102", "06:45"); /* a row after it: sent from there */
	start_push(&w);
	wait_all_there(&w);
	assert_true(log_has(w.plog, "the server holds rows 1..0 (gap); "
				    "sending from row 1"));
	world_down(&w);
}

/* Either side restarts: the push's long poll finds presensid again, and
 * a restarted push resumes from the head it saved, not from row 1. */
static void test_push_restarts_resume(void **state)
{
	struct world w;
	char line[64];
	int64_t head;

	world_up(&w, state, W_TRUST);
	punch(&w, "101", "06:40");
	wait_all_there(&w);
	stop_pid(&w.d_pid);
	start_daemon(&w);
	punch(&w, "102", "06:45"); /* woken by the reconnected long poll */
	wait_all_there(&w);
	head = box_head(&w, NULL);
	stop_pid(&w.p_pid);
	punch(&w, "101", "06:50");
	punch(&w, "102", "06:55");
	start_push(&w);
	wait_all_there(&w);
	snprintf(line, sizeof(line), "push: rows %lld..%lld sent",
		 (long long)head + 1, (long long)head + 2);
	assert_true(log_has(w.plog, line));
	world_down(&w);
}

struct count {
	int64_t n, last;
	int ordered;
};

static int count_hash(void *ud, int64_t seq, const char *hash)
{
	struct count *c = ud;

	(void)hash;
	c->ordered &= seq == c->last + 1;
	c->last = seq;
	c->n++;
	return 0;
}

static void test_push_replay_is_idempotent(void **state)
{
	struct world w;
	struct count c = {0, 0, 1};
	int64_t head;

	world_up(&w, state, W_TRUST);
	punch(&w, "101", "06:40");
	punch(&w, "102", "06:45");
	wait_all_there(&w);
	head = box_head(&w, NULL);
	/* the push forgets everything and sends every row again */
	stop_pid(&w.p_pid);
	assert_int_equal(unlink(w.state), 0);
	start_push(&w);
	WAIT_UNTIL(&w, acked(&w) == head, "the replay was not acknowledged");
	assert_int_equal(server_head(&w), head);
	assert_int_equal(kec_store_hash_each(w.f->st, w.key.id, 1, head + 10,
					     count_hash, &c),
			 0);
	assert_int_equal(c.n, head); /* each row once */
	assert_true(c.ordered);
	world_down(&w);
}

/* n people and their punches on every weekday of [from, to], straight
 * into the box's store while presensid is down, as a month of use. */
static void a_month(struct world *w, int people, pd_day_t from, pd_day_t to)
{
	struct store *st;

	/* no key: these people have no prints */
	assert_int_equal(store_open(w->db, NULL, 0, NULL, &st), 0);
	assert_int_equal(store_bulk_begin(st), 0);
	for (int i = 0; i < people; i++) {
		struct person p = {.since = from};

		snprintf(p.id, sizeof(p.id), "2%02d", i);
		snprintf(p.name, sizeof(p.name), "Perangkat %d", i);
		snprintf(p.jabatan, sizeof(p.jabatan), "Staf");
		assert_int_equal(store_person_add(st, &p, AT(1, 6, 0),
						  ACTOR("sekdes", 1000)),
				 0);
	}
	for (pd_day_t d = from; d <= to; d++) {
		enum civil_weekday wd = civil_weekday(d);

		if (wd == CIVIL_SAT || wd == CIVIL_SUN)
			continue;
		for (int i = 0; i < people; i++)
			for (int k = 0; k < 2; k++) {
				struct punch p;
				int64_t t = civil_utc_from_local(
					d, (k ? 16 * 3600 : 7 * 3600) + i * 13,
					420);

				memset(&p, 0, sizeof(p));
				snprintf(p.person, sizeof(p.person), "2%02d",
					 i);
				p.at_utc = t;
				civil_local_from_utc(t, 420, &p.local_day,
						     &p.local_sec);
				strcpy(p.source, "reader");
				strcpy(p.reader, "virtual_image/0");
				strcpy(p.clock, "simulated");
				strcpy(p.boot_id, "6f1c2d3e-0000-4000-8000-"
						  "0123456789ab");
				p.by_uid = ACTOR_UID_NONE;
				assert_int_equal(store_punch_add(st, &p, t), 0);
			}
	}
	assert_int_equal(store_bulk_end(st), 0);
	store_close(st);
}

static int count_lines_with(const char *path, const char *needle)
{
	char *t = slurp_or_empty(path);
	int n = testutil_count(t, needle);

	free(t);
	return n;
}

static void test_push_a_month_offline_catches_up_in_batches(void **state)
{
	struct world w;
	int64_t before, head;
	int sent_before;

	world_up(&w, state, W_TRUST);
	punch(&w, "101", "06:40");
	wait_all_there(&w);
	before = box_head(&w, NULL);
	/* the kecamatan's server is gone; a month of punches meanwhile */
	server_kill(&w);
	stop_pid(&w.d_pid);
	a_month(&w, 48, civil_from_ymd(2026, 10, 19),
		civil_from_ymd(2026, 11, 20));
	start_daemon(&w);
	head = box_head(&w, NULL);
	assert_true(head - before > 2000);
	/* the push tries, waits, and says why */
	WAIT_UNTIL(&w, status_has(&w, "push_error       no answer from "),
		   "status does not show the failure");
	assert_int_equal(acked(&w), before);
	sent_before = count_lines_with(w.plog, "push: rows ");
	/* the server is back: the push catches up, 500 rows at most at a
	 * time */
	server_restart(&w);
	kick(&w);
	wait_all_there(&w);
	assert_true(count_lines_with(w.plog, "push: rows ") - sent_before >=
		    (int)((head - before + 499) / 500));
	WAIT_UNTIL(&w, !status_has(&w, "push_error"),
		   "the failure is still shown after the catch-up");
	world_down(&w);
}

static void test_push_server_killed_mid_batch(void **state)
{
	struct world w;

	world_up(&w, state, W_TRUST);
	punch(&w, "101", "06:40");
	wait_all_there(&w);
	/* the server stops answering; a row goes out and hangs */
	assert_int_equal(kill(w.srv.pid, SIGSTOP), 0);
	punch(&w, "102", "06:45");
	WAIT_UNTIL(&w, status_has(&w, "push             sending,"),
		   "the batch did not go out");
	server_kill(&w); /* with the batch in flight */
	WAIT_UNTIL(&w, status_has(&w, "push_error"),
		   "the lost batch is not shown as a failure");
	assert_true(server_head(&w) < box_head(&w, NULL));
	server_restart(&w);
	kick(&w);
	wait_all_there(&w);
	world_down(&w);
}

static void test_push_refused_batch_is_kept_retried_and_shown(void **state)
{
	struct world w;
	char *o = NULL;
	int64_t head;

	world_up(&w, state, 0); /* the key is not trusted yet */
	punch(&w, "101", "06:40");
	WAIT_UNTIL(&w,
		   status_has(&w, "push_refused") &&
			   status_has(&w, "HTTP 403: device key"),
		   "the refusal is not shown");
	assert_true(status_has(&w, "is not trusted here"));
	/* kept: the box's ledger is whole, the push acknowledged nothing */
	head = box_head(&w, NULL);
	assert_int_equal(acked(&w), 0);
	assert_int_equal(cli(&w, &o, "chain", "verify", NULL), 0);
	free(o);
	assert_true(log_has(w.plog, "the server refused 1.."));
	/* the kecamatan trusts the key: the push's next try (after its
	 * wait, not kicked) goes through */
	trust(&w);
	wait_all_there(&w);
	assert_int_equal(server_head(&w), head);
	WAIT_UNTIL(&w, !status_has(&w, "push_refused"),
		   "the refusal is still shown");
	world_down(&w);
}

static void test_push_tampered_row_is_refused(void **state)
{
	struct world w;
	char *o = NULL;
	int64_t before;

	world_up(&w, state, W_TRUST);
	punch(&w, "101", "06:40");
	wait_all_there(&w);
	before = box_head(&w, NULL);
	stop_pid(&w.p_pid);
	punch(&w, "102", "06:45");
	punch(&w, "101", "06:50");
	/* someone with the file moves a punch ten minutes earlier */
	assert_int_equal(faultvfs_exec_sql(w.db,
					   "DROP TRIGGER ledger_no_update;"
					   "UPDATE ledger SET at_utc = at_utc "
					   "- 600 WHERE seq = (SELECT max(seq) "
					   "- 1 FROM ledger)"),
			 0);
	start_push(&w);
	/* the push reads it and stops; presensid would not sign it either
	 * (test_pushsign) */
	WAIT_UNTIL(&w,
		   status_has(&w, "push_error       the ledger after row") &&
			   status_has(&w, "does not check against its chain"),
		   "the tampered row is not refused");
	assert_int_equal(server_head(&w), before);
	assert_int_equal(acked(&w), before);
	assert_int_not_equal(cli(&w, &o, "chain", "verify", NULL), 0);
	free(o);
	world_down(&w);
}

struct imports {
	int accepted;
	int complete;
};

static int note_import(void *ud, const struct kec_import *r)
{
	struct imports *i = ud;

	if (r->result != KEC_IMPORT_REFUSED) {
		i->accepted++;
		i->complete += r->complete;
	}
	return 0;
}

static int imported(struct world *w, const char *month)
{
	struct imports i = {0};

	assert_int_equal(kec_store_import_each(w->f->st, w->kec.id, month,
					       note_import, &i),
			 0);
	return i.complete;
}

static int bundle_is(struct world *w, const char *month)
{
	struct pushstate s;
	char why[256];

	return pushstate_load(w->state, &s, why, sizeof(why)) == 0 &&
	       strcmp(s.bundle, month) == 0;
}

static void test_push_closed_month_bundle_reaches_the_kecamatan(void **state)
{
	struct world w;
	char *o = NULL;

	/* October on the box, then the clock on to 23 November: October is
	 * closed (by presensid's own close on the clock's jump, or by
	 * hand), and its complete bundle goes to the kecamatan */
	world_up(&w, state, W_TRUST | W_OCTOBER);
	ok(&w, "punch", "manual", "--id", "101", "--at", "2026-10-14 06:40",
	   "--reason", "alat rusak", NULL);
	ok(&w, "punch", "manual", "--id", "102", "--at", "2026-10-14 06:50",
	   "--reason", "alat rusak", NULL);
	ok(&w, "clock", "set", "--at", "2026-11-23 07:00", NULL);
	if (cli(&w, &o, "close", "--month", "2026-10", NULL) != 0 &&
	    !strstr(o, "closed already") && !strstr(o, "already closed"))
		fail_msg("close: %s", o);
	free(o);
	wait_all_there(&w);
	WAIT_UNTIL(&w, bundle_is(&w, "2026-10"),
		   "October's bundle was not taken");
	assert_int_equal(imported(&w, "2026-10"), 1);
	WAIT_UNTIL(&w,
		   status_has(&w, "push_bundle      closed months up to "
				  "2026-10 acknowledged"),
		   "status does not show the bundle");
	world_down(&w);
}

/* A profile published through the server's page by the kabupaten. */
static void publish_profile(struct world *w, const char *file, const char *from)
{
	struct kecdfix_reply r;
	char cookie[128], tok[80], *page, *text, *body;
	size_t tlen, blen;
	int status;
	const char *fields[] = {"csrf",	   tok,	      "jenis",
				"profile", "wilayah", "0",
				"berlaku", from,      NULL};

	kecdfix_user(w->f->db, NULL, "kab", "kabupaten", "rahasia-kab");
	assert_int_equal(kecdfix_login(w->srv.port, "kab", "rahasia-kab",
				       cookie, sizeof(cookie)),
			 303);
	page = kecdfix_get(w->srv.port, "/aturan", cookie, &status);
	assert_int_equal(status, 200);
	assert_int_equal(kecdfix_csrf(page, tok, sizeof(tok)), 0);
	free(page);
	text = testutil_slurp(file, &tlen);
	assert_non_null(text);
	body = kecdfix_multipart("xYz123", fields, "berkas", "profil.ini", text,
				 tlen, &blen);
	assert_int_equal(kecdfix_http(w->srv.port, "POST", "/aturan",
				      "multipart/form-data; boundary=xYz123",
				      cookie, body, blen, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Diterbitkan sebagai nomor 1"));
	kecdfix_reply_free(&r);
	free(body);
	free(text);
}

struct profiles {
	char version[PD_HASH_HEX];
	pd_day_t from;
	int n;
	int64_t seq;
};

static int note_profile(void *ud, pd_day_t from_day, const char *version,
			const char *name, const char *text, int64_t seq)
{
	struct profiles *p = ud;

	(void)name;
	(void)text;
	p->n++;
	p->from = from_day;
	p->seq = seq;
	snprintf(p->version, sizeof(p->version), "%s", version);
	return 0;
}

static struct profiles box_profiles(struct world *w)
{
	struct profiles p = {0};
	struct store *st;

	assert_int_equal(store_open(w->db, NULL, STORE_RDONLY, NULL, &st), 0);
	assert_int_equal(store_profile_each(st, note_profile, &p), 0);
	store_close(st);
	return p;
}

struct by_row {
	int64_t seq;
	char by[PD_NAME_MAX];
};

static int note_by(void *ud, const struct ledger_row *r)
{
	struct by_row *b = ud;

	if (r->seq == b->seq)
		(void)ledger_data_get(r->data, "by", b->by, sizeof(b->by));
	return 0;
}

static void test_push_published_profile_reaches_the_ledger(void **state)
{
	static const char *file = "firmware/profiles/bondowoso-48-2023.ini";
	struct world w;
	struct profiles p;
	struct by_row b = {0};
	struct store *st;
	uint8_t pk[CRYPTO_PK_BYTES];
	char version[PD_HASH_HEX], want[128], fpr[CRYPTO_FPR_MAX];
	char *text = testutil_slurp(file, NULL);
	int64_t audits = 0, rows;

	assert_non_null(text);
	crypto_sha256_hex(text, strlen(text), version);
	free(text);
	world_up(&w, state, W_TRUST | W_PLAIN);
	assert_int_equal(box_profiles(&w).n, 1);
	publish_profile(&w, file, "2026-12-01");
	kick(&w); /* rules are fetched hourly, and on SIGUSR1 */
	WAIT_UNTIL(&w, box_profiles(&w).n == 2,
		   "the published profile did not reach presensid");
	p = box_profiles(&w);
	assert_string_equal(p.version, version);
	assert_int_equal(p.from, civil_from_ymd(2026, 12, 1));
	/* an audited row, by the daemon on the publisher's word */
	assert_int_equal(crypto_hex_decode(w.publisher, pk, sizeof(pk)), 0);
	crypto_pubkey_fingerprint(pk, fpr);
	snprintf(want, sizeof(want), "presensid (publisher %s)", fpr);
	b.seq = p.seq;
	assert_int_equal(store_open(w.db, NULL, STORE_RDONLY, NULL, &st), 0);
	assert_int_equal(store_ledger_each(st, p.seq, p.seq, note_by, &b), 0);
	store_close(st);
	assert_string_equal(b.by, want);
	assert_int_equal(faultvfs_query_int(w.db,
					    "SELECT count(*) FROM audit WHERE "
					    "action = 'rules.publish'",
					    &audits),
			 0);
	assert_int_equal(audits, 1);
	WAIT_UNTIL(&w,
		   status_has(&w, "1 imported (last: profile #1 from "
				  "2026-12-01)"),
		   "status does not show the rules");
	/* the profile row goes to the server like every row */
	wait_all_there(&w);
	/* fetched again: not imported twice */
	rows = box_head(&w, NULL);
	kick(&w);
	WAIT_UNTIL(&w, status_has(&w, ": 0 imported"),
		   "the second fetch did not happen");
	assert_int_equal(box_profiles(&w).n, 2);
	assert_int_equal(box_head(&w, NULL), rows);
	world_down(&w);
}

static void test_push_rules_under_another_key_are_refused(void **state)
{
	struct world w;
	int64_t rows;

	world_up(&w, state, W_TRUST | W_PLAIN | W_OTHER_PUB);
	rows = box_head(&w, NULL);
	publish_profile(&w, "firmware/profiles/bondowoso-48-2023.ini",
			"2026-12-01");
	kick(&w);
	WAIT_UNTIL(&w,
		   status_has(&w, "1 refused; #1 refused: signature: not by "
				  "a publisher key pinned"),
		   "the refusal is not shown");
	assert_int_equal(box_profiles(&w).n, 1);
	assert_int_equal(box_head(&w, NULL), rows);
	assert_true(log_has(w.plog, "is not pinned in [push] publisher_key"));
	world_down(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_rows_reach_the_server_and_are_acked),
		cmocka_unit_test(
			test_push_gap_409_resends_from_the_servers_head),
		cmocka_unit_test(test_push_replay_is_idempotent),
		cmocka_unit_test(test_push_restarts_resume),
		cmocka_unit_test(
			test_push_a_month_offline_catches_up_in_batches),
		cmocka_unit_test(test_push_server_killed_mid_batch),
		cmocka_unit_test(
			test_push_refused_batch_is_kept_retried_and_shown),
		cmocka_unit_test(test_push_tampered_row_is_refused),
		cmocka_unit_test(
			test_push_closed_month_bundle_reaches_the_kecamatan),
		cmocka_unit_test(
			test_push_published_profile_reaches_the_ledger),
		cmocka_unit_test(test_push_rules_under_another_key_are_refused),
	};

	signal(SIGPIPE, SIG_IGN);
	log_init(LOG_TO_NONE, 0);
	if (crypto_init() < 0)
		return 1;
	return kecfix_main("push_e2e", tests, sizeof(tests) / sizeof(*tests));
}
