/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Load benchmark of kecamatand, the real program on loopback, on SQLite
 * and on a private PostgreSQL.  Boxes are real box stores (kecbox: the
 * store's own API for rules, people and punches), one per desa, with a
 * trusted device key each.
 *
 * 1. History: Jan..Nov 2026 of punches of every box (kecbox_days), caught
 *    up in batches of 500 rows through kecd_push() in this process (the
 *    server's own code, before the server starts), so that the store
 *    holds a kabupaten-year.
 * 2. Mornings: arrivals normal around 07:20 (sd 10 min, a fixed seed),
 *    one punch and one push each (as a box pushes right after a punch),
 *    every body built and signed before any timing.  Each step replays
 *    the middle of a new morning compressed in time so that the offered
 *    rate is the step's, open loop: a small epoll client over keep-alive
 *    connections sends each push at its time (a box's next push waits for
 *    its previous answer, as the push program does), and latency counts
 *    from the time the push was due.  Steps go up until p95 is over
 *    100 ms or a push fails.
 * 3. Pages: the kabupaten's month page and one kecamatan's, as a
 *    kabupaten user, the first request (cold) and the p50 of the next.
 * 4. The COPY ceiling (PostgreSQL): the mornings' rows stored with the
 *    store's COPY (kec_store_rows_add, kec_store_punches_add) in one
 *    transaction per box.
 *
 * Times go to stdout; nothing is asserted about them.  Environment:
 * KECD_BENCH_DESA (401), KECD_BENCH_PEOPLE (10), KECD_BENCH_MONTHS of
 * history (11: January..November), KECD_BENCH_STEP_S (4), KECD_BENCH_RATES
 * ("50,100,200,400,600,800,1000,1200,1600"), KECD_BENCH_CONNS (64),
 * KECD_BENCH_PG=0 (SQLite only), KECD_BENCH_FSYNC=0 (PostgreSQL with
 * fsync off, as the tests run it; on by default, as a real server).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "civil.h"
#include "fakes/kecbox.h"
#include "fakes/pgtest.h"
#include "fakes/testutil.h"
#include "kec_admin.h"
#include "kecd.h"
#include "kecd_push.h"
#include "kecdfix.h"
#include "ledger_decode.h"
#include "log.h"
#include "pushbatch.h"

#define D(y, m, d)	    civil_from_ymd((y), (m), (d))
#define AT(y, mo, d, h, mi) kecbox_at((y), (mo), (d), (h), (mi), 0)
#define DESA_PER_KEC	    20			 /* 401 desa: 21 kecamatan */
#define MEAN_S		    (7 * 3600 + 20 * 60) /* 07:20 */
#define SD_S		    600.0
#define STEPS_MAX	    32
#define CONNS_MAX	    1024
#define P95_MAX_MS	    100.0
#define PAGE_RUNS	    7
#define USER		    "kab"
#define PASSWORD	    "sandi-bench-kab"

static int ndesa = 401, npeople = 10, nmonths = 11, nconns = 64;
static double step_s = 4.0;
static int nrates;
static double rates[STEPS_MAX];

static struct kecbox *boxes;
static int64_t *hist_head; /* each box's last row before the mornings */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int env_int(const char *name, int def, int lo, int hi)
{
	const char *v = getenv(name);
	int n = v && *v ? atoi(v) : def;

	return n < lo || n > hi ? def : n;
}

static void desa_id(int i, char out[PD_ID_MAX])
{
	snprintf(out, PD_ID_MAX, "3318%02d%04d", 1 + i / DESA_PER_KEC,
		 2001 + i % DESA_PER_KEC);
}

static int nkec(void)
{
	return (ndesa + DESA_PER_KEC - 1) / DESA_PER_KEC;
}

/* ---- the mornings ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static double uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return ((rng * 0x2545f4914f6cdd1dULL) >> 11) *
	       (1.0 / 9007199254740992.0);
}

static double normal(void)
{
	double u = uniform(), v = uniform();

	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

struct push {
	int box;
	int64_t seq;
	double at; /* due, seconds after the step's start */
	char *req; /* the whole HTTP request */
	size_t len;
	/* filled by the run */
	double lat_ms;
	int status;
	int next; /* the box's next push waiting, or -1 */
};

struct step {
	double rate, compress, half_s; /* the window: +-half_s of 07:20 */
	pd_day_t day;
	int n;
	struct push *p;
};

static struct step steps[STEPS_MAX];

/* The window +-h around 07:20 holding count of n arrivals. */
static double window_half(double count, int n)
{
	double lo = 0, hi = 4 * SD_S;

	for (int i = 0; i < 60; i++) {
		double mid = (lo + hi) / 2;

		if (n * erf(mid / (SD_S * sqrt(2.0))) < count)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

static int by_at(const void *a, const void *b)
{
	const struct push *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

static void person_id(int p, char out[8])
{
	snprintf(out, 8, "p%02d", (p + 1) % 100);
}

/* Every morning's arrivals, punched into the boxes (each box in time
 * order), then each punch's push built and signed. */
static void make_mornings(void)
{
	int n = ndesa * npeople;
	double *arr = calloc((size_t)n, sizeof(*arr));
	pd_day_t day = D(2026, 12, 1);

	assert_non_null(arr);
	for (int s = 0; s < nrates; s++) {
		struct step *st = &steps[s];
		double count;

		st->rate = rates[s];
		count = st->rate * step_s;

		if (count > 0.99 * n)
			count = 0.99 * n;
		while (civil_weekday(day) == CIVIL_SAT ||
		       civil_weekday(day) == CIVIL_SUN)
			day++;
		st->day = day++;
		st->half_s = window_half(count, n);
		st->p = calloc((size_t)n, sizeof(*st->p));
		assert_non_null(st->p);
		for (int i = 0; i < n; i++)
			arr[i] = normal() * SD_S;
		for (int i = 0; i < n; i++) {
			if (fabs(arr[i]) > st->half_s)
				continue;
			st->p[st->n].box = i / npeople;
			st->p[st->n].seq =
				i % npeople; /* the person, for now */
			st->p[st->n].at = arr[i] + st->half_s;
			st->n++;
		}
		/* due times: the window lasts count / rate seconds */
		st->compress = 2 * st->half_s / (st->n / st->rate);
		for (int i = 0; i < st->n; i++)
			st->p[i].at /= st->compress;
		qsort(st->p, (size_t)st->n, sizeof(*st->p), by_at);
	}
	free(arr);
	/* the punches, box by box, in each morning's time order */
	for (int b = 0; b < ndesa; b++) {
		int64_t seq = hist_head[b];

		assert_int_equal(store_bulk_begin(boxes[b].st), 0);
		for (int s = 0; s < nrates; s++) {
			struct step *st = &steps[s];
			int y, m, d;

			civil_to_ymd(st->day, &y, &m, &d);
			for (int i = 0; i < st->n; i++) {
				struct push *p = &st->p[i];
				char id[8];
				double t;

				if (p->box != b)
					continue;
				person_id((int)p->seq, id);
				t = MEAN_S - st->half_s + p->at * st->compress;
				kecbox_punch(&boxes[b], id,
					     kecbox_at(y, m, d, 0, 0, 0) +
						     (int64_t)t,
					     0);
				p->seq = ++seq;
			}
		}
		assert_int_equal(store_bulk_end(boxes[b].st), 0);
		assert_int_equal(kecdfix_box_head(&boxes[b]), seq);
	}
}

/* The HTTP requests of every push, signed. */
static void make_requests(int port)
{
	for (int s = 0; s < nrates; s++)
		for (int i = 0; i < steps[s].n; i++) {
			struct push *p = &steps[s].p[i];
			size_t blen;
			char *body = kecdfix_push_body(&boxes[p->box], p->seq,
						       p->seq, &blen);
			char head[256];
			int hn = snprintf(head, sizeof(head),
					  "POST /api/v1/push HTTP/1.1\r\n"
					  "Host: 127.0.0.1:%d\r\n"
					  "Content-Type: application/json\r\n"
					  "Content-Length: %zu\r\n\r\n",
					  port, blen);

			free(p->req);
			p->len = (size_t)hn + blen;
			p->req = malloc(p->len);
			assert_non_null(p->req);
			memcpy(p->req, head, (size_t)hn);
			memcpy(p->req + hn, body, blen);
			free(body);
		}
}

/* ---- the boxes and their year ---- */

static void make_boxes(void)
{
	const char *ids[64];
	static char idbuf[64][8];
	pd_day_t from = D(2026, 12 - nmonths, 1), to = D(2026, 11, 30);

	boxes = calloc((size_t)ndesa, sizeof(*boxes));
	hist_head = calloc((size_t)ndesa, sizeof(*hist_head));
	assert_non_null(boxes);
	assert_non_null(hist_head);
	for (int p = 0; p < npeople; p++) {
		person_id(p, idbuf[p]);
		ids[p] = idbuf[p];
	}
	for (int i = 0; i < ndesa; i++) {
		struct kecbox *b = &boxes[i];
		uint8_t seed[CRYPTO_KEY_BYTES] = {(uint8_t)(i & 0xff),
						  (uint8_t)(i >> 8), 0xbd};
		char id[PD_ID_MAX], name[32];

		desa_id(i, id);
		snprintf(name, sizeof(name), "Desa %d", i + 1);
		kecbox_open(b, id, name, 1);
		crypto_devkey_from_seed(seed, &b->key);
		crypto_pubkey_hex(b->key.pk, b->public_key);
		crypto_pubkey_fingerprint(b->key.pk, b->fingerprint);
		kecbox_rules(b, from, AT(2026, 12 - nmonths, 1, 5, 0));
		for (int p = 0; p < npeople; p++)
			kecbox_person(b, ids[p], "Perangkat Desa", from,
				      AT(2026, 12 - nmonths, 1, 6, p));
		assert_int_equal(store_bulk_begin(b->st), 0);
		if (nmonths > 0)
			kecbox_days(b, ids, (size_t)npeople, from, to);
		assert_int_equal(store_bulk_end(b->st), 0);
		hist_head[i] = kecdfix_box_head(b);
	}
}

/* Each box's history bodies, 500 rows each, built once. */
struct hist {
	int n;
	char **body;
	size_t *len;
	int64_t rows;
};
static struct hist hist;

static void make_history(void)
{
	int cap = 0;

	for (int i = 0; i < ndesa; i++)
		for (int64_t f = 1; f <= hist_head[i];
		     f += PUSHBATCH_ROWS_MAX) {
			int64_t l = f + PUSHBATCH_ROWS_MAX - 1;

			if (l > hist_head[i])
				l = hist_head[i];
			if (hist.n == cap) {
				cap = cap ? 2 * cap : 1024;
				hist.body = reallocarray(hist.body, (size_t)cap,
							 sizeof(*hist.body));
				hist.len = reallocarray(hist.len, (size_t)cap,
							sizeof(*hist.len));
				assert_non_null(hist.body);
				assert_non_null(hist.len);
			}
			hist.body[hist.n] = kecdfix_push_body(
				&boxes[i], f, l, &hist.len[hist.n]);
			hist.n++;
			hist.rows += l - f + 1;
		}
}

/* ---- the client: open loop over keep-alive connections ---- */

struct conn {
	int fd;
	int busy; /* the push index in flight, or -1 */
	size_t off;
	char in[4096];
	size_t got;
};

struct run {
	struct step *st;
	int port, *box_last, nconn, done, errors;
	double t0;
	struct conn c[CONNS_MAX];
	int epfd;
	/* pushes due whose box is free, waiting for a connection */
	int *ready, rhead, rtail;
	double send_lag_max;
};

static int conn_open(struct run *r, struct conn *c)
{
	struct sockaddr_in sa;
	struct epoll_event ev;
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)r->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(c->fd);
		c->fd = -1;
		return -errno;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	c->busy = -1;
	c->got = 0;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	return epoll_ctl(r->epfd, EPOLL_CTL_ADD, c->fd, &ev) ? -errno : 0;
}

static void conn_close(struct run *r, struct conn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(r->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	c->busy = -1;
	c->got = 0;
}

static void conn_write(struct run *r, struct conn *c)
{
	struct push *p = &r->st->p[c->busy];
	struct epoll_event ev;

	while (c->off < p->len) {
		ssize_t n = write(c->fd, p->req + c->off, p->len - c->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		c->off += (size_t)n;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | (c->off < p->len ? EPOLLOUT : 0);
	ev.data.ptr = c;
	epoll_ctl(r->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void finished(struct run *r, int idx, int status)
{
	struct push *p = &r->st->p[idx];

	p->status = status;
	p->lat_ms = (now_s() - (r->t0 + p->at)) * 1000.0;
	r->done++;
	if (status != 200)
		r->errors++;
	if (p->next >= 0)
		r->ready[r->rtail++] = p->next;
	else
		r->box_last[p->box] = -1;
}

/* An answer read whole: its status, or 0 while incomplete. */
static int answer_status(struct conn *c, int *close_after)
{
	char *sep, *cl;
	int status;
	size_t need;

	c->in[c->got] = '\0';
	sep = strstr(c->in, "\r\n\r\n");
	if (!sep)
		return 0;
	if (sscanf(c->in, "HTTP/1.1 %d", &status) != 1)
		return -1;
	cl = strcasestr(c->in, "Content-Length:");
	need = (size_t)(sep + 4 - c->in) +
	       (cl && cl < sep ? strtoul(cl + 15, NULL, 10) : 0);
	if (c->got < need)
		return 0;
	*close_after = strcasestr(c->in, "Connection: close") != NULL &&
		       strcasestr(c->in, "Connection: close") < sep;
	c->got = 0; /* one answer at a time on a connection */
	return status;
}

static void conn_read(struct run *r, struct conn *c)
{
	for (;;) {
		ssize_t n =
			read(c->fd, c->in + c->got, sizeof(c->in) - 1 - c->got);
		int status, close_after = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			if (c->busy >= 0)
				finished(r, c->busy, -1);
			conn_close(r, c);
			return;
		}
		c->got += (size_t)n;
		status = answer_status(c, &close_after);
		if (status == 0 && c->got < sizeof(c->in) - 1)
			continue;
		if (c->busy >= 0)
			finished(r, c->busy, status ? status : -1);
		c->busy = -1;
		if (close_after || status <= 0)
			conn_close(r, c);
		return;
	}
}

static int free_conn(struct run *r)
{
	for (int i = 0; i < r->nconn; i++) {
		if (r->c[i].fd < 0 && conn_open(r, &r->c[i]) != 0)
			continue;
		if (r->c[i].busy < 0)
			return i;
	}
	return -1;
}

/* Runs one step; the pushes' latencies and statuses into st->p. */
static void run_step(struct step *st, int port, struct run *r)
{
	struct epoll_event ev[64];
	int next = 0;

	r->st = st;
	r->port = port;
	r->done = r->errors = 0;
	r->rhead = r->rtail = 0;
	r->send_lag_max = 0;
	r->ready = calloc((size_t)st->n + 1, sizeof(int));
	r->box_last = malloc((size_t)ndesa * sizeof(int));
	assert_non_null(r->ready);
	assert_non_null(r->box_last);
	for (int b = 0; b < ndesa; b++)
		r->box_last[b] = -1;
	for (int i = 0; i < st->n; i++) {
		st->p[i].next = -1;
		st->p[i].status = 0;
	}
	r->t0 = now_s() + 0.05;
	while (r->done < st->n) {
		double now = now_s();
		int timeout, k;

		/* what is due: to a connection, or behind its box's push */
		while (next < st->n && r->t0 + st->p[next].at <= now) {
			int *last = &r->box_last[st->p[next].box];

			if (*last >= 0)
				st->p[*last].next = next;
			else
				r->ready[r->rtail++] = next;
			*last = next;
			next++;
		}
		while (r->rhead < r->rtail && (k = free_conn(r)) >= 0) {
			struct conn *c = &r->c[k];
			int idx = r->ready[r->rhead++];
			double lag = now_s() - (r->t0 + st->p[idx].at);

			if (lag > r->send_lag_max)
				r->send_lag_max = lag;
			c->busy = idx;
			c->off = 0;
			c->got = 0;
			conn_write(r, c);
		}
		timeout = 50;
		if (next < st->n) {
			double w = r->t0 + st->p[next].at - now_s();

			timeout = w <= 0 ? 0 : (int)(w * 1000) + 1;
			if (timeout > 50)
				timeout = 50;
		}
		k = epoll_wait(r->epfd, ev, 64, timeout);
		for (int i = 0; i < k; i++) {
			struct conn *c = ev[i].data.ptr;

			if ((ev[i].events & EPOLLOUT) && c->busy >= 0)
				conn_write(r, c);
			if (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				conn_read(r, c);
		}
	}
	free(r->ready);
	free(r->box_last);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const double *v, int n, double q)
{
	int i = (int)ceil(q * n) - 1;

	if (n == 0)
		return 0;
	return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

static long proc_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long kb = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, key, strlen(key)) == 0)
			kb = strtol(line + strlen(key) + 1, NULL, 10);
	fclose(fp);
	return kb;
}

/* ---- one backend ---- */

struct result {
	const char *label;
	int ran;
	double peak, hist_rows_s, kab_cold, kab_warm, kec_cold, kec_warm;
	long hwm_kb;
	double copy_rows_s;
};

static void setup_store(const char *db)
{
	struct kec_store *st;
	struct kec_info *kec;
	char why[KEC_ADMIN_WHY_MAX], id[PD_ID_MAX], name[32];

	kec = calloc((size_t)nkec(), sizeof(*kec));
	assert_non_null(kec);
	assert_int_equal(kec_store_open(db, &st), 0);
	for (int k = 0; k < nkec(); k++) {
		snprintf(name, sizeof(name), "Kecamatan %02d", k + 1);
		if (kec_admin_init(st, name, "Pati", NULL, 0,
				   AT(2025, 12, 1, 8, 0), &kec[k], why,
				   sizeof(why)))
			fail_msg("init: %s", why);
	}
	for (int i = 0; i < ndesa; i++) {
		desa_id(i, id);
		snprintf(name, sizeof(name), "Desa %d", i + 1);
		if (kec_admin_trust(st, &kec[i / DESA_PER_KEC], id, name,
				    boxes[i].public_key, NULL,
				    AT(2025, 12, 2, 8, 0), "bench", NULL, why,
				    sizeof(why)))
			fail_msg("trust: %s", why);
	}
	kec_store_close(st);
	free(kec);
}

/* The history through kecd_push() in this process: rows/s. */
static double load_history(const char *db)
{
	struct kecd_worker w = {0};
	double t0 = now_s();

	assert_int_equal(kec_store_open(db, &w.st), 0);
	for (int i = 0; i < hist.n; i++) {
		struct kecd_push_result r;

		kecd_push(&w, hist.body[i], hist.len[i], AT(2026, 12, 1, 5, 0),
			  &r);
		if (r.status != 200)
			fail_msg("history push %d: %d %s", i, r.status,
				 r.error);
	}
	kec_store_close(w.st);
	return (double)hist.rows / (now_s() - t0);
}

static double page_time(int port, const char *path, const char *cookie,
			double *cold)
{
	double t[PAGE_RUNS];
	int status;

	for (int i = 0; i <= PAGE_RUNS; i++) {
		double t0 = now_s();
		char *page = kecdfix_get(port, path, cookie, &status);

		if (status != 200)
			fail_msg("GET %s: %d", path, status);
		free(page);
		if (i == 0)
			*cold = (now_s() - t0) * 1000;
		else
			t[i - 1] = (now_s() - t0) * 1000;
	}
	qsort(t, PAGE_RUNS, sizeof(t[0]), cmp_double);
	return pct(t, PAGE_RUNS, 0.5);
}

static void run_backend(const char *label, const char *db, const char *dir,
			struct result *res)
{
	struct kecdfix_server srv;
	struct run *r = calloc(1, sizeof(*r));
	char cookie[256];
	int stop = 0;

	assert_non_null(r);
	res->label = label;
	res->ran = 1;
	setup_store(db);
	res->hist_rows_s = load_history(db);
	printf("%-10s history: %d pushes of up to 500 rows, %" PRId64
	       " rows: %.0f rows/s (kecd_push in process)\n",
	       label, hist.n, hist.rows, res->hist_rows_s);
	fflush(stdout); /* not again from the children */
	kecdfix_user(db, NULL, USER, "kabupaten", PASSWORD);
	kecdfix_start(&srv, dir, db, AT(2026, 12, 31, 18, 0), NULL);
	make_requests(srv.port);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(r->epfd >= 0);
	r->nconn = nconns;
	for (int i = 0; i < CONNS_MAX; i++)
		r->c[i].fd = -1;
	printf("%-10s %7s %7s %6s %6s %8s %8s %8s %6s %8s %8s %6s\n", label,
	       "offered", "achieved", "compr", "n", "p50 ms", "p95 ms",
	       "p99 ms", "errors", "RSS MiB", "HWM MiB", "cli%");
	for (int s = 0; s < nrates && !stop; s++) {
		struct step *st = &steps[s];
		double *lat = malloc((size_t)st->n * sizeof(double)), t_end;
		double c0 = cpu_s(), p50, p95, p99, achieved, last = 0;
		int nl = 0;

		assert_non_null(lat);
		run_step(st, srv.port, r);
		t_end = now_s();
		for (int i = 0; i < st->n; i++) {
			double done = st->p[i].at + st->p[i].lat_ms / 1000;

			lat[nl++] = st->p[i].lat_ms;
			if (done > last)
				last = done;
		}
		qsort(lat, (size_t)nl, sizeof(double), cmp_double);
		p50 = pct(lat, nl, 0.50);
		p95 = pct(lat, nl, 0.95);
		p99 = pct(lat, nl, 0.99);
		achieved = st->n / last;
		printf("%-10s %7.0f %8.0f %6.0f %6d %8.1f %8.1f %8.1f %6d "
		       "%8.1f %8.1f %5.0f%%\n",
		       label, st->n / st->p[st->n - 1].at, achieved,
		       st->compress, st->n, p50, p95, p99, r->errors,
		       proc_kb(srv.pid, "VmRSS:") / 1024.0,
		       proc_kb(srv.pid, "VmHWM:") / 1024.0,
		       100 * (cpu_s() - c0) / (t_end - r->t0));
		fflush(stdout);
		if (p95 < P95_MAX_MS && r->errors == 0 && achieved > res->peak)
			res->peak = achieved;
		if (p95 >= P95_MAX_MS || r->errors)
			stop = 1;
		free(lat);
	}
	res->hwm_kb = proc_kb(srv.pid, "VmHWM:");
	for (int i = 0; i < CONNS_MAX; i++)
		conn_close(r, &r->c[i]);
	close(r->epfd);
	/* the month pages, as a kabupaten user */
	assert_int_equal(
		kecdfix_login(srv.port, USER, PASSWORD, cookie, sizeof(cookie)),
		303);
	res->kab_warm = page_time(srv.port, "/kabupaten?periode=2026-11",
				  cookie, &res->kab_cold);
	res->kec_warm = page_time(srv.port, "/k/1/rekap?periode=2026-11",
				  cookie, &res->kec_cold);
	printf("%-10s kabupaten month page (%d desa, %d kecamatan): cold "
	       "%.0f ms, warm p50 %.0f ms\n",
	       label, ndesa, nkec(), res->kab_cold, res->kab_warm);
	printf("%-10s kecamatan month page (%d desa): cold %.0f ms, warm "
	       "p50 %.0f ms\n",
	       label, ndesa < DESA_PER_KEC ? ndesa : DESA_PER_KEC,
	       res->kec_cold, res->kec_warm);
	res->hwm_kb = proc_kb(srv.pid, "VmHWM:");
	kecdfix_stop(&srv);
	fflush(stdout);
	free(r);
}

/* ---- the COPY ceiling ---- */

struct rows {
	struct ledger_row *r;
	size_t n, cap;
};

static int take(void *ud, const struct ledger_row *row)
{
	struct rows *rs = ud;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 4096;
		rs->r = reallocarray(rs->r, rs->cap, sizeof(*rs->r));
		if (!rs->r)
			return -ENOMEM;
	}
	rs->r[rs->n++] = *row;
	return 0;
}

/* Every row the boxes pushed (history and mornings), each box's in one
 * transaction through the store's COPY; rows/s of the store calls. */
static double copy_ceiling(const char *db, int64_t *nrows)
{
	struct kec_store *st;
	struct rows rs = {0};
	double t = 0;

	setup_store(db);
	assert_int_equal(kec_store_open(db, &st), 0);
	*nrows = 0;
	for (int b = 0; b < ndesa; b++) {
		struct kec_punch *p;
		struct kec_import ch;
		struct kec_key key;
		int64_t kec;
		size_t np = 0;
		char why[160];
		double t0;

		rs.n = 0;
		assert_int_equal(store_ledger_each(boxes[b].st, 1,
						   kecdfix_box_head(&boxes[b]),
						   take, &rs),
				 0);
		p = calloc(rs.n, sizeof(*p));
		assert_non_null(p);
		assert_int_equal(kec_store_key_find_any(st, boxes[b].public_key,
							&kec, &key),
				 0);
		for (size_t i = 0; i < rs.n; i++) {
			struct ledger_fact f;

			if (ledger_decode(&rs.r[i], &f, why, sizeof(why)))
				fail_msg("row %" PRId64 ": %s", rs.r[i].seq,
					 why);
			if (f.kind != LEDGER_FACT_PUNCH)
				continue;
			p[np].dev = key.id;
			p[np].seq = rs.r[i].seq;
			memcpy(p[np].person, rs.r[i].person,
			       sizeof(p[np].person));
			p[np].day = f.u.punch.local_day;
			p[np].sec = f.u.punch.local_sec;
			p[np].flags = f.u.punch.flags;
			np++;
		}
		memset(&ch, 0, sizeof(ch));
		ch.received_utc = AT(2026, 12, 1, 5, 0);
		snprintf(ch.file, sizeof(ch.file), "copy");
		ch.result = KEC_IMPORT_OK;
		snprintf(ch.desa, sizeof(ch.desa), "%s", key.desa);
		snprintf(ch.device, sizeof(ch.device), "%s", key.fingerprint);
		ch.key_id = key.id;
		ch.rekap_same = -1;
		snprintf(ch.by, sizeof(ch.by), "bench");
		t0 = now_s();
		assert_int_equal(kec_store_begin(st), 0);
		assert_int_equal(kec_store_import_add(st, kec, &ch, NULL), 0);
		assert_int_equal(kec_store_rows_add(st, kec, key.desa, key.id,
						    ch.id, rs.r, rs.n),
				 0);
		assert_int_equal(
			kec_store_punches_add(st, kec, key.desa, p, np), 0);
		assert_int_equal(kec_store_end(st, 0), 0);
		t += now_s() - t0;
		*nrows += (int64_t)rs.n;
		free(p);
	}
	free(rs.r);
	kec_store_close(st);
	return (double)*nrows / t;
}

/* ---- the run ---- */

static void read_env(void)
{
	const char *v = getenv("KECD_BENCH_RATES");
	char buf[256], *save = NULL;

	ndesa = env_int("KECD_BENCH_DESA", 401, 1, 65535);
	npeople = env_int("KECD_BENCH_PEOPLE", 10, 1, 64);
	nmonths = env_int("KECD_BENCH_MONTHS", 11, 0, 11);
	nconns = env_int("KECD_BENCH_CONNS", 64, 1, CONNS_MAX);
	step_s = env_int("KECD_BENCH_STEP_S", 4, 1, 600);
	snprintf(buf, sizeof(buf), "%s",
		 v && *v ? v : "50,100,200,400,600,800,1000,1200,1600");
	nrates = 0;
	for (char *t = strtok_r(buf, ",", &save); t && nrates < STEPS_MAX;
	     t = strtok_r(NULL, ",", &save))
		if (atof(t) > 0)
			rates[nrates++] = atof(t);
}

static void summary(const struct result *r)
{
	if (!r->ran) {
		printf("%-10s not run\n", r->label);
		return;
	}
	printf("%-10s peak held %5.0f pushes/s (p95 < %.0f ms, no error); "
	       "history %6.0f rows/s; month page kabupaten %4.0f/%4.0f ms, "
	       "kecamatan %4.0f/%4.0f ms (cold/warm); RSS peak %.0f MiB\n",
	       r->label, r->peak, P95_MAX_MS, r->hist_rows_s, r->kab_cold,
	       r->kab_warm, r->kec_cold, r->kec_warm, r->hwm_kb / 1024.0);
}

static void bench_kecd(void **state)
{
	struct result res[2] = {{.label = "sqlite"}, {.label = "postgresql"}};
	struct pgtest *pg = NULL;
	char db[600], *tmp;
	double t0;
	int rc;

	(void)state;
	read_env();
	t0 = now_s();
	log_init(LOG_TO_NONE, 0); /* boxes migrating, the pushes' notes */
	make_boxes();
	make_mornings();
	make_history();
	log_init(LOG_TO_STDERR, 0);
	printf("%d boxes of %d people, %d months of history (%" PRId64
	       " rows in %d pushes), %d steps of %.0f s: ready in %.1f s\n",
	       ndesa, npeople, nmonths, hist.rows, hist.n, nrates, step_s,
	       now_s() - t0);
	fflush(stdout);
	tmp = testutil_tmpdir("kdbench");
	assert_non_null(tmp);
	snprintf(db, sizeof(db), "%s/kecamatan.db", tmp);
	log_init(LOG_TO_NONE, 0);
	run_backend("sqlite", db, tmp, &res[0]);
	if (getenv("KECD_BENCH_PG") &&
	    strcmp(getenv("KECD_BENCH_PG"), "0") == 0)
		rc = -ENOENT;
	else if (getenv("KECD_BENCH_FSYNC") &&
		 strcmp(getenv("KECD_BENCH_FSYNC"), "0") == 0)
		rc = pgtest_start(&pg); /* as the tests run it */
	else
		rc = pgtest_start_durable(&pg);
	if (rc == 0) {
		int64_t n;
		double rs;

		assert_int_equal(pgtest_createdb(pg, "bench", db, sizeof(db)),
				 0);
		run_backend("postgresql", db, tmp, &res[1]);
		assert_int_equal(pgtest_createdb(pg, "ceiling", db, sizeof(db)),
				 0);
		rs = copy_ceiling(db, &n);
		res[1].copy_rows_s = rs;
		printf("postgresql COPY ceiling: %" PRId64
		       " rows (every pushed row) by the store's COPY, one "
		       "transaction per box: %.0f rows/s\n",
		       n, rs);
		pgtest_stop(pg);
	} else {
		printf("postgresql skipped: %s\n",
		       rc == -ENOENT ? "no PostgreSQL here (make deps "
				       "installs it) or KECD_BENCH_PG=0"
				     : "initdb or pg_ctl failed");
	}
	log_init(LOG_TO_STDERR, 0);
	printf("summary (%d desa x %d people, loopback, one run):\n", ndesa,
	       npeople);
	summary(&res[0]);
	summary(&res[1]);
	fflush(stdout);
	for (int i = 0; i < ndesa; i++)
		kecbox_close(&boxes[i]);
	testutil_rmtree_free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bench_kecd),
	};

	log_init(LOG_TO_STDERR, 0);
	signal(SIGPIPE, SIG_IGN);
	if (crypto_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
