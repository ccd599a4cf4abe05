/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * push_req.c: presensid's requests for the live push (docs/push.md).
 * presensi-push reads the ledger itself, read-only; it comes here to have
 * a batch of rows signed by the device key ("sign-batch": presensid reads
 * the rows again and signs only its own), to wait for the next row
 * ("wait-ledger", a long poll woken after every write), to hand over
 * published rules ("rules-publish", push_rules.c) and to report how the
 * server answered ("push-status"), which "status" then shows.  The
 * signing itself is push_sign.c's.
 */
#include "pushsign.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "daemon_int.h"
#include "log.h"

#define WAIT_LEDGER_DEFAULT_MS 60000 /* a long poll with no timeout_ms */
#define REPLY_LINE_MAX	       2048  /* a sign-batch ok line fits */

/* ---- sign-batch ---- */

/* Refuses (answered) unless the store and the key can be trusted: the
 * fault mode of DOMAIN §6.6, or no key at all.  0 when they can. */
static int refuse_untrusted(struct daemon *d, struct admin_ctx *a,
			    const char *name)
{
	if (!fault_store_usable(d) || d->fault_kind >= FAULT_KEY) {
		admin_reply_err(a, -EIO,
				"%s: refused, the box is in fault "
				"mode: %s",
				name,
				d->fault_msg[0] ? d->fault_msg
						: "the store is not open");
		return -EIO;
	}
	if (!d->have_key) {
		admin_reply_err(a, -EIO, "%s: refused: no device key", name);
		return -EIO;
	}
	return 0;
}

static void cmd_sign_batch(struct daemon *d, struct admin_ctx *a,
			   const struct control_msg *m)
{
	struct pushsign *s;
	char why[256], line[REPLY_LINE_MAX];
	struct control_buf b;
	int rc;

	if (!control_get(m, "first") || !control_get(m, "last")) {
		admin_reply_err(a, -EINVAL,
				"sign-batch: first and last are "
				"required");
		return;
	}
	if (refuse_untrusted(d, a, "sign-batch") < 0)
		return;
	s = calloc(1, sizeof(*s));
	if (!s) {
		admin_reply_err(a, -ENOMEM, "out of memory");
		return;
	}
	rc = pushsign_batch(d->store, &d->devkey, d->conf.desa_id,
			    (int64_t)control_get_uint(m, "first", 0),
			    (int64_t)control_get_uint(m, "last", 0), s, why,
			    sizeof(why));
	if (rc < 0) {
		admin_reply_err(a, rc, "sign-batch: %s", why);
		free(s);
		return;
	}
	control_buf_init(&b, line, sizeof(line));
	control_buf_add(&b, "ok");
	control_buf_addkv(&b, "device", s->device);
	control_buf_addkv(&b, "public_key", s->public_key);
	control_buf_addkv(&b, "desa", s->desa);
	control_buf_addkvf(&b, "first", "%" PRId64, s->first);
	control_buf_addkvf(&b, "last", "%" PRId64, s->last);
	control_buf_addkv(&b, "prev", s->prev);
	control_buf_addkv(&b, "head", s->head);
	control_buf_addkv(&b, "lines", s->lines);
	control_buf_addkv(&b, "signature", s->signature);
	if (control_buf_end(&b) < 0)
		admin_reply_err(a, -EIO, "sign-batch: reply too long");
	else
		a->reply(a->reply_ud, line);
	free(s);
}

/* ---- wait-ledger: a long poll on the ledger head ---- */

struct ledger_waiter {
	struct daemon *d;
	struct client *c;
	int64_t after;
	guint timeout_src;
	struct ledger_waiter *next;
};

static void waiter_answer(struct daemon *d, struct ledger_waiter *w,
			  int64_t seq, const char *head)
{
	struct ledger_waiter **pp;
	struct admin_ctx a;
	char line[256];

	for (pp = &d->ledger_waiters; *pp && *pp != w; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = w->next;
	if (w->timeout_src)
		g_source_remove(w->timeout_src);
	if (head) {
		server_ctx(d, w->c, &a);
		snprintf(line, sizeof(line), "ok\tseq=%" PRId64 "\thead=%s\n",
			 seq, head);
		a.reply(a.reply_ud, line);
	}
	g_free(w);
}

/* The head now, or -1 (answered as an error) when it cannot be read. */
static int64_t head_now(struct daemon *d, char head[PD_HASH_HEX])
{
	int64_t seq = 0, utc;

	if (!fault_store_usable(d) ||
	    store_ledger_head(d->store, &seq, &utc, head) < 0)
		return -1;
	return seq;
}

void push_ledger_changed(struct daemon *d)
{
	struct ledger_waiter *w, *next;
	char head[PD_HASH_HEX];
	int64_t seq;

	if (!d->ledger_waiters)
		return;
	seq = head_now(d, head);
	if (seq < 0)
		return; /* fault mode: they time out and try again */
	for (w = d->ledger_waiters; w; w = next) {
		next = w->next;
		if (seq > w->after)
			waiter_answer(d, w, seq, head);
	}
}

static gboolean waiter_timeout(gpointer ud)
{
	struct ledger_waiter *w = ud;
	struct daemon *d = w->d;
	char head[PD_HASH_HEX];
	int64_t seq = head_now(d, head);

	w->timeout_src = 0;
	if (seq < 0) {
		struct admin_ctx a;

		server_ctx(d, w->c, &a);
		admin_reply_err(&a, -EIO,
				"wait-ledger: the store is not "
				"usable: %s",
				d->fault_msg);
		waiter_answer(d, w, 0, NULL);
	} else {
		waiter_answer(d, w, seq, head); /* unchanged: seq <= after */
	}
	return G_SOURCE_REMOVE;
}

static void cmd_wait_ledger(struct daemon *d, struct client *c,
			    struct admin_ctx *a, const struct control_msg *m)
{
	struct ledger_waiter *w;
	char head[PD_HASH_HEX];
	int64_t after = (int64_t)control_get_uint(m, "after", 0);
	int64_t seq = head_now(d, head);

	if (seq < 0) {
		admin_reply_err(a, -EIO,
				"wait-ledger: the store is not "
				"usable: %s",
				d->fault_msg[0] ? d->fault_msg : "not open");
		return;
	}
	w = g_new0(struct ledger_waiter, 1);
	w->d = d;
	w->c = c;
	w->after = after;
	w->next = d->ledger_waiters;
	d->ledger_waiters = w;
	if (seq > after) {
		waiter_answer(d, w, seq, head);
		return;
	}
	w->timeout_src =
		g_timeout_add((guint)control_get_uint(m, "timeout_ms",
						      WAIT_LEDGER_DEFAULT_MS),
			      waiter_timeout, w);
}

/* ---- push-status ---- */

static void copy_field(const struct control_msg *m, const char *key, char *dst,
		       size_t cap)
{
	const char *v = control_get(m, key);

	snprintf(dst, cap, "%s", v ? v : "");
}

static void cmd_push_status(struct daemon *d, struct client *c,
			    struct admin_ctx *a, const struct control_msg *m)
{
	struct push_report *r = &d->push_report;

	memset(r, 0, sizeof(*r));
	r->have = 1;
	r->uid = c ? server_client_uid(c) : -1;
	copy_field(m, "state", r->state, sizeof(r->state));
	r->acked = (int64_t)control_get_uint(m, "acked", 0);
	copy_field(m, "acked_head", r->acked_head, sizeof(r->acked_head));
	r->ok_at = (int64_t)control_get_uint(m, "ok_at", 0);
	r->retry_s = (int64_t)control_get_uint(m, "retry_s", 0);
	copy_field(m, "refused", r->refused, sizeof(r->refused));
	r->refused_at = (int64_t)control_get_uint(m, "refused_at", 0);
	copy_field(m, "refused_rows", r->refused_rows, sizeof(r->refused_rows));
	copy_field(m, "error", r->error, sizeof(r->error));
	copy_field(m, "bundle", r->bundle, sizeof(r->bundle));
	copy_field(m, "rules", r->rules, sizeof(r->rules));
	admin_reply_ok(a, "state", r->state);
}

/* ---- the dispatcher, the client's end, status ---- */

int push_dispatch(struct daemon *d, struct client *c,
		  const struct control_msg *m)
{
	const char *name = m->field[0];
	struct admin_ctx a;

	server_ctx(d, c, &a);
	if (strcmp(name, "sign-batch") == 0) {
		cmd_sign_batch(d, &a, m);
	} else if (strcmp(name, "wait-ledger") == 0) {
		cmd_wait_ledger(d, c, &a, m);
	} else if (strcmp(name, "push-status") == 0) {
		cmd_push_status(d, c, &a, m);
	} else if (strcmp(name, "rules-publish") == 0) {
		if (refuse_untrusted(d, &a, "rules-publish") < 0)
			return 0;
		pushrules_publish(&a, m);
		if (a.changed & ADMIN_CHANGED_FACTS)
			daemon_reload_facts(d);
	} else {
		return -ENOENT;
	}
	return 0;
}

void push_client_gone(struct daemon *d, struct client *c)
{
	struct ledger_waiter *w, *next;

	for (w = d->ledger_waiters; w; w = next) {
		next = w->next;
		if (w->c == c)
			waiter_answer(d, w, 0, NULL);
	}
}

void push_stop(struct daemon *d)
{
	while (d->ledger_waiters)
		waiter_answer(d, d->ledger_waiters, 0, NULL);
}

/* Whether the reporting push holds a wait-ledger open now. */
static int push_connected(const struct daemon *d)
{
	for (const struct ledger_waiter *w = d->ledger_waiters; w; w = w->next)
		if (server_client_uid(w->c) == d->push_report.uid)
			return 1;
	return 0;
}

void push_status_show(struct daemon *d, struct admin_ctx *a)
{
	const struct push_report *r = &d->push_report;
	char line[640], t[CIVIL_LOCAL_LEN], ok[CIVIL_LOCAL_LEN + 8];
	const char *tz = civil_tz_abbrev(d->conf.offset_min);

	if (!d->conf.push.server[0] && !r->have)
		return; /* no push on this box */
	if (!r->have) {
		snprintf(line, sizeof(line),
			 "push\tnot reporting: is presensi-push running? "
			 "(server %s)",
			 d->conf.push.server);
		admin_reply_line(a, "kv", line);
		return;
	}
	if (r->ok_at) {
		civil_local_format(r->ok_at, d->conf.offset_min, t);
		snprintf(ok, sizeof(ok), "%s %s", t, tz);
	} else {
		snprintf(ok, sizeof(ok), "never");
	}
	snprintf(line, sizeof(line),
		 "push\t%s, %s; the server holds rows 1..%" PRId64
		 " (head %.16s), last success %s",
		 r->state[0] ? r->state : "unknown",
		 push_connected(d) ? "connected" : "NOT connected", r->acked,
		 r->acked_head[0] ? r->acked_head : LEDGER_HASH_ZERO, ok);
	admin_reply_line(a, "kv", line);
	if (r->retry_s) {
		snprintf(line, sizeof(line), "push_retry\tin %" PRId64 " s",
			 r->retry_s);
		admin_reply_line(a, "kv", line);
	}
	if (r->refused[0]) {
		civil_local_format(r->refused_at, d->conf.offset_min, t);
		snprintf(line, sizeof(line), "push_refused\t%s %s %s: %s", t,
			 tz, r->refused_rows[0] ? r->refused_rows : "-",
			 r->refused);
		admin_reply_line(a, "kv", line);
	}
	if (r->error[0]) {
		snprintf(line, sizeof(line), "push_error\t%s", r->error);
		admin_reply_line(a, "kv", line);
	}
	if (r->bundle[0]) {
		snprintf(line, sizeof(line),
			 "push_bundle\tclosed months up to %s acknowledged",
			 r->bundle);
		admin_reply_line(a, "kv", line);
	}
	if (r->rules[0]) {
		snprintf(line, sizeof(line), "push_rules\t%s", r->rules);
		admin_reply_line(a, "kv", line);
	}
}
