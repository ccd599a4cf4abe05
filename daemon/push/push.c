/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * push.c: the live push's work on its GLib main loop (push.h).  One step
 * at a time, in this order: the next batch of rows after the head the
 * server acknowledged; when the rows are all there, the next closed
 * month's bundle; then, hourly, the rules the server publishes.  Every
 * answer is written to the state file before the next step, and told to
 * presensid ("push-status") for "presensi status".  After a failure the
 * push waits (doubling, jittered) and tries the same step again; a
 * refusal by the server is kept and shown, never dropped.
 */
#include "push.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib.h>

#include "bundle.h"
#include "calendar.h"
#include "civil.h"
#include "clock.h"
#include "control_client.h"
#include "log.h"
#include "pushbackoff.h"
#include "pushctl.h"
#include "pushhttp.h"
#include "pushread.h"
#include "pushstate.h"
#include "pushwire.h"
#include "store.h"
#include "utf8.h"

#define MSG_MAX	      256 /* one line for status */
#define WAIT_BUF      1024
#define CONFLICTS_MAX 2 /* 409s in a row at the same head: then wait */

enum step {
	STEP_NONE = 0,
	STEP_BATCH,
	STEP_BUNDLE,
	STEP_RULES,
};

struct push {
	struct conf conf;
	struct clock *clock; /* the system's: the state's times */
	struct store *st;    /* read-only, open while there is work */
	struct pushstate state;
	struct pushbackoff backoff;
	struct pushhttp *http;
	enum step step;		      /* the request in flight */
	struct pushread_batch batch;  /* STEP_BATCH's rows */
	char month[LEDGER_MONTH_LEN]; /* STEP_BUNDLE's month */
	int64_t seen_head;	      /* the ledger's head last seen */
	int rules_due;		      /* fetch published rules next */
	int conflicts;		      /* 409s in a row at one head */
	int presensid_down;	 /* the last failure: presensid not there */
	int64_t retry_s;	 /* the wait now, for status */
	char error[MSG_MAX];	 /* the last failure; "" */
	char rules_msg[MSG_MAX]; /* what the last fetch brought */
	guint idle_src, retry_src, timer_src, rules_src;
	/* the long poll on presensid */
	int wait_fd;
	guint wait_src, wait_retry_src;
	char wait_buf[WAIT_BUF];
	size_t wait_len;
};

static void pump_soon(struct push *p);

static int64_t now_utc(struct push *p)
{
	struct clock_reading r;

	clock_read(p->clock, &r);
	return r.utc_ms / 1000;
}

static const char *sock(const struct push *p)
{
	return p->conf.socket_path;
}

/* ---- the state, saved and told ---- */

static void save(struct push *p)
{
	int rc = pushstate_save(p->conf.push.state_path, &p->state);

	if (rc < 0)
		log_errno(rc, "push: cannot write the state file %s",
			  p->conf.push.state_path);
}

/* What presensi status shows; presensid may be down (logged at debug). */
static void report(struct push *p)
{
	const char *state = p->retry_src ? "retrying"
			    : p->step	 ? "sending"
					 : "caught-up";
	const struct pushctl_report r = {
		.state = state,
		.acked = p->state.acked,
		.acked_head = p->state.acked_head,
		.ok_at = p->state.ok_at,
		.retry_s = p->retry_src ? p->retry_s : 0,
		.refused = p->state.refused,
		.refused_at = p->state.refused_at,
		.refused_rows = p->state.refused_rows,
		.error = p->error,
		.bundle = p->state.bundle,
		.rules = p->rules_msg,
	};
	char why[MSG_MAX];

	if (pushctl_report(sock(p), &r, why, sizeof(why)) < 0)
		log_debug("push: status not told: %s", why);
}

/* ---- waiting after a failure ---- */

static gboolean on_retry(gpointer ud)
{
	struct push *p = ud;

	p->retry_src = 0;
	pump_soon(p);
	return G_SOURCE_REMOVE;
}

static void wait_then_retry(struct push *p)
{
	uint32_t rnd, ms;

	crypto_random(&rnd, sizeof(rnd));
	ms = pushbackoff_fail(&p->backoff, rnd);
	p->retry_s = (ms + 999) / 1000;
	if (p->retry_src)
		g_source_remove(p->retry_src);
	p->retry_src = g_timeout_add(ms, on_retry, p);
	report(p);
}

/* Cleans a reason for one status line: control characters become
 * spaces, and a UTF-8 sequence a cut to fit broke (or any byte that is
 * not UTF-8) ends it, as presensid takes only well-formed text. */
static void clean(char *s)
{
	size_t bad = 0;

	for (char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	if (utf8_check(s, strlen(s), &bad) < 0)
		s[bad] = '\0';
}

/* A failure to get an answer (the network, the server's 5xx, presensid,
 * the store): said once per change, then tried again after the wait. */
static void fail(struct push *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct push *p, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clean(msg);
	if (strcmp(msg, p->error) != 0)
		log_warnx("push: %s; trying again later", msg);
	else
		log_debug("push: %s", msg);
	snprintf(p->error, sizeof(p->error), "%s", msg);
	wait_then_retry(p);
}

/* The server refused (400, 403, 409 it cannot be right about, 422):
 * kept on the box, written down, shown; then as a failure when retry. */
static void refused(struct push *p, int status, const char *reason,
		    const char *what, int retry)
{
	snprintf(p->state.refused, sizeof(p->state.refused), "HTTP %d: %s",
		 status, reason[0] ? reason : "no reason given");
	clean(p->state.refused);
	p->state.refused_at = now_utc(p);
	snprintf(p->state.refused_rows, sizeof(p->state.refused_rows), "%s",
		 what);
	p->error[0] = '\0';
	log_warnx("push: the server refused %s: %s; kept on the box", what,
		  p->state.refused);
	save(p);
	if (retry)
		wait_then_retry(p);
	else
		report(p);
}

static void succeeded(struct push *p)
{
	p->state.ok_at = now_utc(p);
	p->error[0] = '\0';
	pushbackoff_reset(&p->backoff);
	p->conflicts = 0;
}

/* ---- the store ---- */

static int open_store(struct push *p)
{
	int rc;

	if (p->st)
		return 0;
	rc = store_open(p->conf.store_path, NULL, STORE_RDONLY, NULL, &p->st);
	if (rc < 0)
		p->st = NULL;
	return rc;
}

/* Closed while nothing is to be done: a store restored under the same
 * name is the one read next. */
static void close_store(struct push *p)
{
	store_close(p->st);
	p->st = NULL;
}

/* Starts over from the server's head (which a 409 gives). */
static void start_over(struct push *p, const char *why)
{
	log_warnx("push: %s: sending from the first row; the server's "
		  "answer says where it stands",
		  why);
	p->state.acked = 0;
	snprintf(p->state.acked_head, sizeof(p->state.acked_head), "%s",
		 PUSHSTATE_HEAD_ZERO);
	save(p);
}

/* Whether a request's failure says presensid is not there (restarting,
 * stopped), rather than refusing. */
static int gone(int rc)
{
	return rc == -ECONNREFUSED || rc == -ENOENT || rc == -EAGAIN ||
	       rc == -EPIPE || rc == -ECONNRESET;
}

/* ---- rows ---- */

static void on_push_answer(void *ud, int status, const char *body, size_t len,
			   const char *why);

/* The lines hash a statement names. */
static void stmt_lines(const char *stmt, char out[PD_HASH_HEX])
{
	const char *l = strstr(stmt, "\nlines ");

	snprintf(out, PD_HASH_HEX, "%.64s", l ? l + strlen("\nlines ") : "");
}

/* Sends the next batch: 1 when a step began or failed (and waits), 0
 * when there was nothing to send after all. */
static int start_batch(struct push *p)
{
	struct pushread_batch *b = &p->batch;
	struct pushwire_batch w;
	struct pushsign s;
	char stmt[PUSHBATCH_STMT_MAX], lines[PD_HASH_HEX], why[MSG_MAX];
	char *body = NULL;
	size_t len = 0;
	int rc;

	rc = pushread_next(p->st, p->state.acked, p->state.acked_head, b);
	if (rc == -ENOENT)
		return 0; /* nothing after all */
	if (rc == -ESTALE) {
		start_over(p, "the acknowledged head is not a row of this "
			      "ledger");
		pump_soon(p);
		return 1;
	}
	if (rc == -EBADMSG) {
		fail(p,
		     "the ledger after row %" PRId64 " does not check "
		     "against its chain (run \"presensi chain verify\"); "
		     "nothing is sent",
		     p->state.acked);
		return 1;
	}
	if (rc < 0) {
		fail(p, "the store cannot be read: %s", strerror(-rc));
		return 1;
	}
	rc = pushctl_sign(sock(p), b->first, b->last, &s, why, sizeof(why));
	if (rc < 0) {
		pushread_free(b);
		p->presensid_down = gone(rc);
		fail(p,
		     "presensid does not sign rows %" PRId64 "..%" PRId64
		     ": %s",
		     b->first, b->last, why);
		return 1;
	}
	/* what presensid signed must be what is sent */
	if (pushread_statement(b, s.device, p->conf.desa_id, stmt) < 0 ||
	    (stmt_lines(stmt, lines), strcmp(lines, s.lines) != 0) ||
	    strcmp(s.prev, b->prev) != 0 || strcmp(s.head, b->head) != 0 ||
	    s.first != b->first || s.last != b->last ||
	    strcmp(s.desa, p->conf.desa_id) != 0) {
		pushread_free(b);
		fail(p,
		     "presensid signed another statement than rows "
		     "%" PRId64 "..%" PRId64 " as read here; nothing sent",
		     s.first, s.last);
		return 1;
	}
	if (strcmp(p->state.device, s.device) != 0) {
		if (p->state.device[0])
			log_warnx("push: the device key is now %s (was %s)",
				  s.device, p->state.device);
		snprintf(p->state.device, sizeof(p->state.device), "%s",
			 s.device);
	}
	w = (struct pushwire_batch){
		.device = s.device,
		.public_key = s.public_key,
		.desa = s.desa,
		.first = b->first,
		.last = b->last,
		.prev = b->prev,
		.head = b->head,
		.lines = b->lines,
		.signature = s.signature,
	};
	rc = pushwire_batch_body(&w, &body, &len);
	if (rc == 0)
		rc = pushhttp_request(p->http, "POST", "/api/v1/push",
				      "application/json", body, len,
				      on_push_answer, p);
	free(body);
	if (rc < 0) {
		pushread_free(b);
		fail(p, "the batch cannot be sent: %s", strerror(-rc));
		return 1;
	}
	p->step = STEP_BATCH;
	log_debug("push: rows %" PRId64 "..%" PRId64 " sent", b->first,
		  b->last);
	report(p);
	return 1;
}

/* Whether the server's head (seq, head) is a row of this ledger.  0 yes,
 * -ERANGE past this ledger's end, -ESTALE another row, or a store error. */
static int head_is_ours(struct push *p, int64_t seq, const char *head)
{
	char h[PD_HASH_HEX];
	int rc = pushread_row_hash(p->st, seq, h);

	if (rc == -ENOENT)
		return -ERANGE;
	if (rc < 0)
		return rc;
	return strcmp(h, head) == 0 ? 0 : -ESTALE;
}

static void take_head(struct push *p, int64_t seq, const char *head)
{
	p->state.acked = seq;
	snprintf(p->state.acked_head, sizeof(p->state.acked_head), "%s", head);
}

static void on_push_answer(void *ud, int status, const char *body, size_t len,
			   const char *why)
{
	struct push *p = ud;
	struct pushwire_answer a;
	char rows[PUSHSTATE_ROWS_MAX];
	int64_t first = p->batch.first, last = p->batch.last;
	int rc;

	p->step = STEP_NONE;
	pushread_free(&p->batch);
	snprintf(rows, sizeof(rows), "%" PRId64 "..%" PRId64, first, last);
	(void)pushwire_answer_parse(body, len, &a);
	if (status == 0) {
		fail(p, "no answer from %s: %s", p->conf.push.server, why);
		return;
	}
	if (status == 200 || status == 409) {
		if (!a.has_head) {
			fail(p, "HTTP %d without the server's head: %s", status,
			     a.error);
			return;
		}
		if (open_store(p) < 0) {
			fail(p, "the store cannot be opened");
			return;
		}
		rc = head_is_ours(p, a.seq, a.head);
		if (rc == -ERANGE || rc == -ESTALE) {
			char what[PUSHWIRE_TEXT_MAX];

			snprintf(what, sizeof(what),
				 rc == -ERANGE
					 ? "the server holds rows 1..%" PRId64
					   " of this device, more than this "
					   "ledger has"
					 : "the server's row %" PRId64
					   " is not this ledger's",
				 a.seq);
			refused(p, status, what, rows, 1);
			return;
		}
		if (rc < 0) {
			fail(p, "the store cannot be read: %s", strerror(-rc));
			return;
		}
	}
	if (status == 200) {
		take_head(p, a.seq, a.head);
		succeeded(p);
		if (strchr(p->state.refused_rows, '.')) /* rows, not a bundle */
			p->state.refused[0] = '\0';
		save(p);
		log_debug("push: the server holds rows 1..%" PRId64, a.seq);
		pump_soon(p);
		return;
	}
	if (status == 409) {
		/* the server's head is behind (or ahead) of what we sent
		 * from: resend from there, unless it keeps saying so */
		if (a.seq == p->state.acked &&
		    ++p->conflicts >= CONFLICTS_MAX) {
			fail(p, "HTTP 409 at row %" PRId64 " again: %s", a.seq,
			     a.error);
			return;
		}
		if (a.seq != p->state.acked)
			p->conflicts = 0;
		log_info("push: the server holds rows 1..%" PRId64
			 " (%s); sending from row %" PRId64,
			 a.seq, a.error[0] ? a.error : "gap", a.seq + 1);
		take_head(p, a.seq, a.head);
		save(p);
		pump_soon(p);
		return;
	}
	if (status >= 400 && status < 500 && status != 408 && status != 429) {
		refused(p, status, a.error, rows, 1);
		return;
	}
	fail(p, "HTTP %d from %s: %s", status, p->conf.push.server,
	     a.error[0] ? a.error : "no reason given");
}

/* ---- closed months' bundles ---- */

static void month_step(const char *m, int delta, char out[LEDGER_MONTH_LEN])
{
	int y = atoi(m), mo = atoi(m + 5) + delta;

	while (mo < 1) {
		mo += 12;
		y--;
	}
	while (mo > 12) {
		mo -= 12;
		y++;
	}
	if (y < 0 || y > 9999)
		y = 0; /* never: months come from the store */
	snprintf(out, LEDGER_MONTH_LEN, "%04u-%02u", (unsigned int)y % 10000u,
		 (unsigned int)mo % 100u);
}

/* The next closed month whose bundle the server has not taken: 1 with
 * out, 0 none (or the store says nothing). */
static int next_bundle(struct push *p, char out[LEDGER_MONTH_LEN])
{
	char latest[LEDGER_MONTH_LEN], m[LEDGER_MONTH_LEN];
	int64_t seq;
	bool closed;

	if (store_month_latest_closed(p->st, latest, &seq) < 0)
		return 0;
	if (p->state.bundle[0]) {
		if (strcmp(p->state.bundle, latest) >= 0)
			return 0;
		month_step(p->state.bundle, 1, out);
		return 1;
	}
	/* none yet: the first month ever closed (months close in order) */
	snprintf(out, LEDGER_MONTH_LEN, "%s", latest);
	for (;;) {
		month_step(out, -1, m);
		if (store_month_closed(p->st, m, &closed) < 0 || !closed)
			return 1;
		snprintf(out, LEDGER_MONTH_LEN, "%s", m);
	}
}

static void on_bundle_answer(void *ud, int status, const char *body, size_t len,
			     const char *why);

/* A file only the push sees, in its own state directory, gone on close
 * (or, where O_TMPFILE is not there, unlinked at once). */
static int temp_file(struct push *p)
{
	char dir[CONF_PATH_MAX], tmpl[CONF_PATH_MAX + 32];
	const char *slash = strrchr(p->conf.push.state_path, '/');
	int fd;

	snprintf(dir, sizeof(dir), "%.*s",
		 slash ? (int)(slash - p->conf.push.state_path) : 1,
		 slash ? p->conf.push.state_path : ".");
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR)
		return -errno;
	snprintf(tmpl, sizeof(tmpl), "%s/.bundle-XXXXXX", dir);
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	(void)unlink(tmpl); /* the descriptor keeps it while needed */
	return fd;
}

static void start_bundle(struct push *p, const char *month)
{
	char why[MSG_MAX], name[BUNDLE_FILE_NAME_MAX], path[128];
	struct stat sb;
	uint8_t *zip = NULL;
	int fd = temp_file(p), rc;

	if (fd < 0) {
		fail(p, "no temporary file for the bundle of %s: %s", month,
		     strerror(-fd));
		return;
	}
	rc = pushctl_export(sock(p), month, fd, why, sizeof(why));
	if (rc < 0) {
		close(fd);
		p->presensid_down = gone(rc);
		fail(p, "presensid does not export %s: %s", month, why);
		return;
	}
	if (fstat(fd, &sb) < 0 || sb.st_size <= 0 ||
	    !(zip = malloc((size_t)sb.st_size)) ||
	    pread(fd, zip, (size_t)sb.st_size, 0) != sb.st_size) {
		close(fd);
		free(zip);
		fail(p, "the bundle of %s cannot be read back", month);
		return;
	}
	close(fd);
	if (bundle_file_name(p->conf.desa_id, month, name) < 0)
		snprintf(name, sizeof(name), "bundle.zip");
	snprintf(path, sizeof(path), "/api/v1/bundle?name=%s", name);
	rc = pushhttp_request(p->http, "POST", path, "application/zip", zip,
			      (size_t)sb.st_size, on_bundle_answer, p);
	free(zip);
	if (rc < 0) {
		fail(p, "the bundle of %s cannot be sent: %s", month,
		     strerror(-rc));
		return;
	}
	snprintf(p->month, sizeof(p->month), "%s", month);
	p->step = STEP_BUNDLE;
	log_debug("push: the bundle of %s sent", month);
	report(p);
}

static void on_bundle_answer(void *ud, int status, const char *body, size_t len,
			     const char *why)
{
	struct push *p = ud;
	struct pushwire_answer a;
	char what[PUSHSTATE_ROWS_MAX];

	p->step = STEP_NONE;
	snprintf(what, sizeof(what), "bundle %s", p->month);
	(void)pushwire_answer_parse(body, len, &a);
	if (status == 0) {
		fail(p, "no answer from %s: %s", p->conf.push.server, why);
		return;
	}
	if (status == 200) {
		snprintf(p->state.bundle, sizeof(p->state.bundle), "%s",
			 p->month);
		if (strcmp(p->state.bundle_refused, p->month) == 0)
			p->state.bundle_refused[0] = '\0';
		if (strcmp(p->state.refused_rows, what) == 0)
			p->state.refused[0] = '\0';
		succeeded(p);
		save(p);
		log_info("push: the bundle of %s taken (%s)", p->month,
			 a.result[0] ? a.result : "accepted");
		pump_soon(p);
		return;
	}
	if (status == 422) {
		/* refused for good: the same file would be refused again;
		 * kept, shown, and the next month goes on (push_kick sends
		 * it once more) */
		snprintf(p->state.bundle, sizeof(p->state.bundle), "%s",
			 p->month);
		snprintf(p->state.bundle_refused,
			 sizeof(p->state.bundle_refused), "%s", p->month);
		refused(p, status, a.error, what, 0);
		pump_soon(p);
		return;
	}
	if (status >= 400 && status < 500 && status != 408 && status != 429) {
		refused(p, status, a.error, what, 1);
		return;
	}
	fail(p, "HTTP %d from %s for the bundle of %s: %s", status,
	     p->conf.push.server, p->month,
	     a.error[0] ? a.error : "no reason given");
}

/* ---- published rules ---- */

static void on_rules_answer(void *ud, int status, const char *body, size_t len,
			    const char *why);

static gboolean on_rules_timer(gpointer ud)
{
	struct push *p = ud;

	p->rules_due = 1;
	pump_soon(p);
	return G_SOURCE_CONTINUE;
}

static void start_rules(struct push *p)
{
	char path[128 + PD_ID_MAX];
	int rc;

	snprintf(path, sizeof(path), "/api/v1/rules?desa=%s&after=%" PRId64,
		 p->conf.desa_id, p->state.rules_after);
	rc = pushhttp_request(p->http, "GET", path, NULL, NULL, 0,
			      on_rules_answer, p);
	if (rc < 0) {
		p->rules_due = 0;
		snprintf(p->rules_msg, sizeof(p->rules_msg),
			 "the rules cannot be asked for: %s", strerror(-rc));
		return;
	}
	p->step = STEP_RULES;
}

/* The year a calendar's text names, or 0. */
static int calendar_year(const char *text)
{
	struct calendar *cal = calloc(1, sizeof(*cal));
	FILE *fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	int year = 0;

	if (cal && fp && calendar_parse(fp, "-", cal, NULL, 0) == 0)
		year = cal->year;
	if (fp)
		fclose(fp);
	free(cal);
	return year;
}

/* A later publication in the listing takes this one's place: the same
 * kind from the same day (a profile) or for the same year (a calendar). */
static int superseded(const struct pushwire_rules *l, size_t i)
{
	const struct pushwire_rule *r = &l->r[i];
	int year =
		strcmp(r->kind, "calendar") == 0 ? calendar_year(r->text) : 0;

	for (size_t k = i + 1; k < l->n; k++) {
		const struct pushwire_rule *q = &l->r[k];

		if (strcmp(q->kind, r->kind) != 0 || q->id <= r->id)
			continue;
		if (!year && strcmp(q->from, r->from) == 0)
			return 1;
		if (year && calendar_year(q->text) == year)
			return 1;
	}
	return 0;
}

/* Hands each new publication to presensid, in order.  Stops at the
 * first that presensid cannot answer (down, fault mode): rules_after
 * keeps it for the next fetch. */
static void hand_over(struct push *p, const struct pushwire_rules *l)
{
	int imported = 0, in_force = 0, skipped = 0, nrefused = 0;
	char first_refusal[MSG_MAX] = "", done[96] = "", t[CIVIL_LOCAL_LEN];

	for (size_t i = 0; i < l->n; i++) {
		const struct pushwire_rule *r = &l->r[i];
		char version[PD_HASH_HEX], result[16], why[MSG_MAX];
		int rc;

		if (r->id <= p->state.rules_after)
			continue;
		if (superseded(l, i)) {
			skipped++;
			p->state.rules_after = r->id;
			continue;
		}
		crypto_sha256_hex(r->text, strlen(r->text), version);
		if (strcmp(version, r->version) != 0) {
			rc = -EBADMSG;
			snprintf(why, sizeof(why),
				 "its version is not the SHA-256 of its text");
		} else {
			rc = pushctl_publish(sock(p), r, result, sizeof(result),
					     why, sizeof(why));
		}
		if (gone(rc) || rc == -EIO || rc == -ENOMEM) {
			snprintf(first_refusal, sizeof(first_refusal),
				 "#%" PRId64 " not handed over yet: %.180s",
				 r->id, why);
			break; /* presensid: next time */
		}
		p->state.rules_after = r->id;
		if (rc < 0) {
			nrefused++;
			log_warnx("push: published %s #%" PRId64 " from %s "
				  "refused: %s",
				  r->kind, r->id, r->from, why);
			if (!first_refusal[0])
				snprintf(first_refusal, sizeof(first_refusal),
					 "#%" PRId64 " refused: %.180s", r->id,
					 why);
			continue;
		}
		if (strcmp(result, "in-force") == 0) {
			in_force++;
		} else {
			imported++;
			snprintf(done, sizeof(done), "%s #%" PRId64 " from %s",
				 r->kind, r->id, r->from);
			log_info("push: published %s #%" PRId64 " from %s "
				 "imported",
				 r->kind, r->id, r->from);
		}
	}
	civil_local_format(now_utc(p), p->conf.offset_min, t);
	/* one status line: the last import and the first refusal cut short */
	snprintf(p->rules_msg, sizeof(p->rules_msg),
		 "%s: %d imported%s%.40s%s, %d in force, %d superseded, %d "
		 "refused%s%.90s",
		 t, imported, done[0] ? " (last: " : "", done,
		 done[0] ? ")" : "", in_force, skipped, nrefused,
		 first_refusal[0] ? "; " : "", first_refusal);
	clean(p->rules_msg);
	save(p);
}

static void on_rules_answer(void *ud, int status, const char *body, size_t len,
			    const char *why)
{
	struct push *p = ud;
	struct pushwire_rules l;
	struct pushwire_answer a;
	char perr[MSG_MAX];
	size_t bad = 0;
	uint8_t pk[CRYPTO_PK_BYTES];
	int pinned = 0;

	p->step = STEP_NONE;
	p->rules_due = 0;
	if (status != 200) {
		(void)pushwire_answer_parse(body, len, &a);
		if (status)
			snprintf(p->rules_msg, sizeof(p->rules_msg),
				 "the rules were not fetched: HTTP %d: %.180s",
				 status, a.error);
		else
			snprintf(p->rules_msg, sizeof(p->rules_msg),
				 "the rules were not fetched: %s", why);
		clean(p->rules_msg);
		report(p);
		pump_soon(p);
		return;
	}
	if (pushwire_rules_parse(body, len, &l, &bad, perr, sizeof(perr)) < 0) {
		snprintf(p->rules_msg, sizeof(p->rules_msg),
			 "the server's rules listing does not parse: %.180s",
			 perr);
		clean(p->rules_msg);
		report(p);
		pump_soon(p);
		return;
	}
	if (l.publisher_key[0] &&
	    crypto_hex_decode(l.publisher_key, pk, sizeof(pk)) == 0)
		for (int i = 0; i < p->conf.push.npublishers; i++)
			pinned |= memcmp(pk, p->conf.push.publisher[i],
					 sizeof(pk)) == 0;
	if (l.publisher_key[0] && !pinned && l.n)
		log_warnx("push: the server's publisher key %.16s... is not "
			  "pinned in [push] publisher_key: its rules will be "
			  "refused",
			  l.publisher_key);
	if (bad)
		log_warnx("push: %zu published rules left out: a field is "
			  "missing or ill-formed",
			  bad);
	hand_over(p, &l);
	pushwire_rules_free(&l);
	report(p);
	pump_soon(p);
}

/* ---- the pump: one step at a time ---- */

static void pump(struct push *p)
{
	char m[LEDGER_MONTH_LEN], h[PD_HASH_HEX];
	int64_t head = 0, utc;
	int rc;

	if (p->step || p->retry_src)
		return;
	rc = open_store(p);
	if (rc == 0)
		rc = store_ledger_head(p->st, &head, &utc, h);
	if (rc < 0) {
		close_store(p);
		fail(p, "the store %s cannot be read: %s", p->conf.store_path,
		     strerror(-rc));
		return;
	}
	if (head > p->seen_head)
		p->seen_head = head;
	if (p->state.acked > head)
		start_over(p, "the server acknowledged more rows than this "
			      "ledger has");
	if (p->state.acked < head && start_batch(p))
		return;
	if (p->state.acked >= head && next_bundle(p, m)) {
		start_bundle(p, m);
		return;
	}
	if (p->rules_due) {
		start_rules(p);
		if (p->step)
			return;
	}
	close_store(p);
	report(p);
}

static gboolean on_idle(gpointer ud)
{
	struct push *p = ud;

	p->idle_src = 0;
	pump(p);
	return G_SOURCE_REMOVE;
}

static void pump_soon(struct push *p)
{
	if (!p->idle_src)
		p->idle_src = g_idle_add(on_idle, p);
}

static gboolean on_timer(gpointer ud)
{
	pump_soon(ud);
	return G_SOURCE_CONTINUE;
}

/* ---- the long poll on presensid: wait-ledger ---- */

static void wait_start(struct push *p);

static gboolean on_wait_retry(gpointer ud)
{
	struct push *p = ud;

	p->wait_retry_src = 0;
	wait_start(p);
	return G_SOURCE_REMOVE;
}

static void wait_stop(struct push *p)
{
	if (p->wait_src)
		g_source_remove(p->wait_src);
	p->wait_src = 0;
	if (p->wait_fd >= 0)
		close(p->wait_fd);
	p->wait_fd = -1;
	p->wait_len = 0;
}

static void wait_later(struct push *p)
{
	wait_stop(p);
	if (!p->wait_retry_src)
		p->wait_retry_src = g_timeout_add_seconds(PUSH_WAIT_RETRY_S,
							  on_wait_retry, p);
}

static int wait_send(struct push *p)
{
	char line[128];

	snprintf(line, sizeof(line),
		 "wait-ledger\tafter=%" PRId64 "\ttimeout_ms=%d\n",
		 p->seen_head, PUSH_WAIT_MS);
	return control_write_all(p->wait_fd, line, strlen(line));
}

static gboolean on_wait_readable(gint fd, GIOCondition cond, gpointer ud)
{
	struct push *p = ud;
	ssize_t n;
	char *nl;

	(void)cond;
	n = read(fd, p->wait_buf + p->wait_len,
		 sizeof(p->wait_buf) - 1 - p->wait_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		log_debug("push: presensid closed the wait");
		p->wait_src = 0; /* removed by returning */
		wait_later(p);
		return G_SOURCE_REMOVE;
	}
	p->wait_len += (size_t)n;
	p->wait_buf[p->wait_len] = '\0';
	while ((nl = strchr(p->wait_buf, '\n'))) {
		struct control_msg m;
		const char *seq;

		*nl = '\0';
		if (control_parse(p->wait_buf, &m) == 0 &&
		    strcmp(m.field[0], "ok") == 0 &&
		    (seq = control_get(&m, "seq"))) {
			int64_t s = strtoll(seq, NULL, 10);

			if (s > p->seen_head) {
				p->seen_head = s;
				pump_soon(p);
			}
			if (wait_send(p) < 0) {
				p->wait_src = 0;
				wait_later(p);
				return G_SOURCE_REMOVE;
			}
		} else {
			/* an error (fault mode, a refusal): try again later */
			log_debug("push: wait-ledger: %s",
				  m.nfields > 2 ? m.field[2] : "refused");
			p->wait_src = 0;
			wait_later(p);
			return G_SOURCE_REMOVE;
		}
		memmove(p->wait_buf, nl + 1, strlen(nl + 1) + 1);
		p->wait_len = strlen(p->wait_buf);
	}
	if (p->wait_len == sizeof(p->wait_buf) - 1)
		p->wait_len = 0; /* a line we do not read: dropped */
	return G_SOURCE_CONTINUE;
}

static void wait_start(struct push *p)
{
	int fd = control_connect(sock(p));

	if (fd < 0) {
		log_debug("push: presensid not reachable at %s: %s", sock(p),
			  strerror(-fd));
		wait_later(p);
		return;
	}
	p->wait_fd = fd;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    wait_send(p) < 0) {
		wait_later(p);
		return;
	}
	p->wait_src = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
				    on_wait_readable, p);
	/* presensid is back: the wait for it is over (the server's waits
	 * are not cut), and its status shows us again */
	if (p->presensid_down && p->retry_src) {
		g_source_remove(p->retry_src);
		p->retry_src = 0;
		pushbackoff_reset(&p->backoff);
	}
	p->presensid_down = 0;
	pump_soon(p);
}

/* ---- life ---- */

int push_new(const struct conf *c, struct push **out)
{
	struct push *p;
	char why[MSG_MAX];
	int rc;

	if (!c->push.server[0])
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->conf = *c;
	p->wait_fd = -1;
	pushbackoff_reset(&p->backoff);
	rc = clock_new(CLOCK_SOURCE_SYSTEM, 0, 1, &p->clock);
	if (rc == 0)
		rc = pushhttp_new(c->push.server, c->push.pin_sha256, &p->http);
	if (rc < 0) {
		push_free(p);
		return rc;
	}
	rc = pushstate_load(c->push.state_path, &p->state, why, sizeof(why));
	if (rc == -ENOENT) {
		log_info("push: no state yet (%s): from the first row",
			 c->push.state_path);
	} else if (rc < 0) {
		log_warnx("push: the state file is unusable (%s): from the "
			  "first row",
			  why);
		pushstate_init(&p->state);
	}
	if (p->state.server[0] && strcmp(p->state.server, c->push.server)) {
		log_warnx("push: the server is now %s (was %s): from the "
			  "first row",
			  c->push.server, p->state.server);
		pushstate_init(&p->state);
	}
	snprintf(p->state.server, sizeof(p->state.server), "%s",
		 c->push.server);
	*out = p;
	return 0;
}

void push_start(struct push *p)
{
	p->rules_due = 1;
	p->timer_src =
		g_timeout_add_seconds(p->conf.push.batch_timer_s, on_timer, p);
	p->rules_src =
		g_timeout_add_seconds(PUSH_RULES_EVERY_S, on_rules_timer, p);
	log_info("push: to %s, the server holds rows 1..%" PRId64
		 " as last told",
		 p->conf.push.server, p->state.acked);
	wait_start(p);
	pump_soon(p);
}

void push_kick(struct push *p)
{
	log_info("push: trying now");
	if (p->retry_src)
		g_source_remove(p->retry_src);
	p->retry_src = 0;
	pushbackoff_reset(&p->backoff);
	p->conflicts = 0;
	p->rules_due = 1;
	p->state.rules_after = 0; /* refused ones again: a key pinned since */
	if (p->state.bundle_refused[0]) {
		/* the refused month once more, and every month after it */
		month_step(p->state.bundle_refused, -1, p->state.bundle);
		p->state.bundle_refused[0] = '\0';
		save(p);
	}
	pump_soon(p);
}

void push_free(struct push *p)
{
	if (!p)
		return;
	wait_stop(p);
	if (p->idle_src)
		g_source_remove(p->idle_src);
	if (p->retry_src)
		g_source_remove(p->retry_src);
	if (p->timer_src)
		g_source_remove(p->timer_src);
	if (p->rules_src)
		g_source_remove(p->rules_src);
	if (p->wait_retry_src)
		g_source_remove(p->wait_retry_src);
	pushhttp_free(p->http);
	pushread_free(&p->batch);
	store_close(p->st);
	clock_free(p->clock);
	free(p);
}
