/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_push.c: one push batch, checked in the order docs/push.md gives
 * and stored under the device's push channel.  Rows are held as the
 * device sent them; a batch wholly held changes nothing.
 */
#include "kecd_push.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "json.h"
#include "kec_device.h"
#include "ledger_decode.h"
#include "log.h"
#include "pushbatch.h"

static void answer(struct kecd_push_result *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void answer(struct kecd_push_result *r, int status, const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

static int id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= PD_ID_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || *s == '.' || *s == '-' ||
		      *s == '_'))
			return 0;
	return 1;
}

/* The body's fields, each checked for type and form. */
struct batch {
	const char *device, *public_key, *desa, *prev, *head, *lines, *sig;
	int64_t first, last;
};

static const char *const keys[] = {"desa", "device",	 "first",
				   "head", "last",	 "lines",
				   "prev", "public_key", "signature"};

static int only_known(void *ud, const char *key, const struct json_value *v)
{
	const char **bad = ud;

	(void)v;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return 0;
	*bad = key;
	return 1;
}

static int str_of(const struct json_value *o, const char *key, const char **out,
		  struct kecd_push_result *r)
{
	const struct json_value *v = json_value_get(o, key);

	if (!v) {
		answer(r, 400, "%s is missing", key);
		return -1;
	}
	if (json_value_string(v, out)) {
		answer(r, 400, "%s must be a string", key);
		return -1;
	}
	return 0;
}

static int int_of(const struct json_value *o, const char *key, int64_t *out,
		  struct kecd_push_result *r)
{
	const struct json_value *v = json_value_get(o, key);

	if (!v) {
		answer(r, 400, "%s is missing", key);
		return -1;
	}
	if (json_value_int(v, out) || *out < 1) {
		answer(r, 400, "%s must be a whole number from 1", key);
		return -1;
	}
	return 0;
}

static int read_batch(const struct json_value *o, struct batch *b,
		      struct kecd_push_result *r)
{
	const char *bad = NULL;

	if (json_value_type(o) != JSON_VALUE_OBJECT) {
		answer(r, 400, "the body must be a JSON object");
		return -1;
	}
	if (json_value_each(o, only_known, &bad) == 1) {
		answer(r, 400, "unknown key %.64s", bad);
		return -1;
	}
	if (str_of(o, "device", &b->device, r) ||
	    str_of(o, "public_key", &b->public_key, r) ||
	    str_of(o, "desa", &b->desa, r) ||
	    int_of(o, "first", &b->first, r) ||
	    int_of(o, "last", &b->last, r) || str_of(o, "prev", &b->prev, r) ||
	    str_of(o, "head", &b->head, r) ||
	    str_of(o, "lines", &b->lines, r) ||
	    str_of(o, "signature", &b->sig, r))
		return -1;
	if (strlen(b->device) != CRYPTO_FPR_MAX - 1) {
		answer(r, 400, "device must be xxxx-xxxx-xxxx-xxxx");
		return -1;
	}
	if (!crypto_hex_is_canonical(b->public_key, 64)) {
		answer(r, 400, "public_key must be 64 lower-case hex digits");
		return -1;
	}
	if (!id_ok(b->desa)) {
		answer(r, 400, "desa must be 1 to 31 of 0-9 A-Z a-z . - _");
		return -1;
	}
	if (!crypto_hex_is_canonical(b->prev, 64) ||
	    !crypto_hex_is_canonical(b->head, 64)) {
		answer(r, 400,
		       "prev and head must be 64 lower-case hex digits");
		return -1;
	}
	if (!crypto_hex_is_canonical(b->sig, 128)) {
		answer(r, 400, "signature must be 128 lower-case hex digits");
		return -1;
	}
	if (b->last < b->first || b->last - b->first >= PUSHBATCH_ROWS_MAX) {
		answer(r, 400, "first..last must name 1 to %d rows",
		       PUSHBATCH_ROWS_MAX);
		return -1;
	}
	return 0;
}

/* The batch's rows from its lines: each parses, hashes, links. */
static int read_rows(const struct batch *b, struct ledger_row *rows,
		     struct pushbatch *pb, struct kecd_push_result *r)
{
	const char *p = b->lines;
	int64_t want = b->last - b->first + 1, n = 0;
	char line[LEDGER_LINE_MAX + 2 * PD_HASH_HEX + 8];

	if (strlen(p) > PUSHBATCH_BYTES_MAX) {
		answer(r, 400, "lines hold more than %d bytes",
		       PUSHBATCH_BYTES_MAX);
		return -1;
	}
	pushbatch_init(pb);
	while (*p) {
		const char *crlf = strstr(p, "\r\n");
		size_t len;

		if (!crlf) {
			answer(r, 400, "line %" PRId64 " is not ended by CRLF",
			       b->first + n);
			return -1;
		}
		len = (size_t)(crlf - p);
		if (n >= want || len >= sizeof(line)) {
			answer(r, 400, "lines hold more rows than first..last");
			return -1;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		if (ledger_parse_export(line, &rows[n]) != 0) {
			answer(r, 400, "line %" PRId64 " is not an export line",
			       b->first + n);
			return -1;
		}
		if (rows[n].seq != b->first + n) {
			answer(r, 400, "line %" PRId64 " holds row %" PRId64,
			       b->first + n, rows[n].seq);
			return -1;
		}
		if (pushbatch_add(pb, &rows[n]) != 0) {
			answer(r, 400,
			       "row %" PRId64 ": its hash does not recompute "
			       "or does not link to the row before",
			       rows[n].seq);
			return -1;
		}
		n++;
		p = crlf + 2;
	}
	if (n != want) {
		answer(r, 400,
		       "lines hold %" PRId64 " rows, first..last %" PRId64, n,
		       want);
		return -1;
	}
	if (strcmp(rows[0].prev_hash, b->prev) != 0 ||
	    strcmp(rows[n - 1].hash, b->head) != 0) {
		answer(r, 400, "prev and head are not the rows' own hashes");
		return -1;
	}
	return 0;
}

struct held {
	const struct ledger_row *rows;
	int64_t first, bad;
};

static int same_hash(void *ud, int64_t seq, const char *hash)
{
	struct held *h = ud;

	if (strcmp(h->rows[seq - h->first].hash, hash) != 0) {
		h->bad = seq;
		return 1;
	}
	return 0;
}

/* The device's state, or a new one, with its push channel. */
static int device_state(struct kec_store *st, int64_t kec,
			const struct kec_key *key, int64_t now,
			struct kec_device_state *d)
{
	int rc = kec_store_device_get(st, key->id, d);

	if (rc == -ENOENT) {
		kec_device_state_init(d);
		d->key_id = key->id;
		d->kec = kec;
		snprintf(d->desa, sizeof(d->desa), "%s", key->desa);
		rc = 0;
	}
	if (rc == 0 && !d->push_channel) {
		struct kec_import ch;

		memset(&ch, 0, sizeof(ch));
		ch.received_utc = now;
		snprintf(ch.file, sizeof(ch.file), "push");
		ch.result = KEC_IMPORT_OK;
		snprintf(ch.reason, sizeof(ch.reason),
			 "the push channel of device %s: its pushed rows",
			 key->fingerprint);
		snprintf(ch.desa, sizeof(ch.desa), "%s", key->desa);
		snprintf(ch.device, sizeof(ch.device), "%s", key->fingerprint);
		ch.key_id = key->id;
		ch.rekap_same = -1;
		snprintf(ch.by, sizeof(ch.by), "kecamatand");
		rc = kec_store_import_add(st, kec, &ch, NULL);
		d->push_channel = ch.id;
	}
	return rc;
}

/* Keeps why a box's push was refused, for its page (own statement). */
static void note_refusal(struct kec_store *st, int64_t kec,
			 const struct kec_key *key, int64_t now,
			 const struct kecd_push_result *r)
{
	struct kec_device_state d;

	if (device_state(st, kec, key, now, &d) != 0)
		return;
	snprintf(d.last_error, sizeof(d.last_error), "%d: %.480s", r->status,
		 r->error);
	d.last_error_utc = now;
	d.last_push_utc = now;
	if (kec_store_device_put(st, &d) != 0)
		log_warnx("push of %s: its refusal was not kept",
			  key->fingerprint);
}

/* Continuity and the store, in one transaction. */
static int store_batch(struct kec_store *st, int64_t kec,
		       const struct kec_key *key, const struct ledger_row *rows,
		       const struct ledger_fact *facts, int64_t n, int64_t now,
		       struct kecd_push_result *r)
{
	struct kec_device_state d;
	struct kec_punch *p = NULL;
	int64_t first = rows[0].seq, last = rows[n - 1].seq, held, from;
	char hash[PD_HASH_HEX];
	size_t np = 0;
	int rc;

	rc = kec_store_begin(st);
	if (rc)
		return rc;
	rc = kec_store_key_lock(st, key->id);
	if (rc == 0)
		rc = kec_store_head(st, key->id, &held, hash);
	if (rc)
		goto end;
	r->old_seq = held;
	r->seq = held;
	snprintf(r->head, sizeof(r->head), "%s", hash);
	if (first > held + 1) {
		answer(r, 409, "gap");
		rc = -EAGAIN;
		goto end;
	}
	if (first <= held) {
		struct held h = {rows, first, 0};

		rc = kec_store_hash_each(st, key->id, first,
					 last < held ? last : held, same_hash,
					 &h);
		if (rc == 1) {
			answer(r, 403,
			       "row %" PRId64
			       " differs from the row held for device %s",
			       h.bad, key->fingerprint);
			rc = -EAGAIN;
			goto end;
		}
		if (rc)
			goto end;
	} else if (strcmp(rows[0].prev_hash, hash) != 0) {
		answer(r, 403,
		       "another chain: row %" PRId64
		       " does not link to row %" PRId64 " held for device %s",
		       first, held, key->fingerprint);
		rc = -EAGAIN;
		goto end;
	}
	rc = device_state(st, kec, key, now, &d);
	if (rc)
		goto end;
	d.last_push_utc = now;
	from = held + 1 > first ? held + 1 : first;
	if (last >= from) {
		size_t i0 = (size_t)(from - first),
		       nn = (size_t)(last - from + 1);

		p = calloc(nn, sizeof(*p));
		if (!p) {
			rc = -ENOMEM;
			goto end;
		}
		r->day_min = INT32_MAX;
		r->day_max = INT32_MIN;
		for (size_t i = i0; i < (size_t)n; i++) {
			kec_device_note(&d, &rows[i], &facts[i]);
			if (facts[i].kind != LEDGER_FACT_PUNCH) {
				r->facts_new++;
				continue;
			}
			p[np].dev = key->id;
			p[np].seq = rows[i].seq;
			memcpy(p[np].person, rows[i].person,
			       sizeof(p[np].person));
			p[np].day = facts[i].u.punch.local_day;
			p[np].sec = facts[i].u.punch.local_sec;
			p[np].flags = facts[i].u.punch.flags;
			if (p[np].day < r->day_min)
				r->day_min = p[np].day;
			if (p[np].day > r->day_max)
				r->day_max = p[np].day;
			np++;
		}
		rc = kec_store_rows_add(st, kec, key->desa, key->id,
					d.push_channel, rows + i0, nn);
		if (rc == 0)
			rc = kec_store_punches_add(st, kec, key->desa, p, np);
		d.pushes++;
		r->rows_new = (int64_t)nn;
		r->seq = last;
		snprintf(r->head, sizeof(r->head), "%s", rows[n - 1].hash);
	}
	d.last_error[0] = '\0';
	if (rc == 0)
		rc = kec_store_device_put(st, &d);
	if (rc == 0)
		r->status = 200;
end:
	free(p);
	rc = kec_store_end(st, rc);
	return rc == -EAGAIN ? 0 : rc;
}

void kecd_push(struct kecd_worker *w, const char *body, size_t len,
	       int64_t now_utc, struct kecd_push_result *r)
{
	uint8_t pk[CRYPTO_PK_BYTES], sig[CRYPTO_SIG_BYTES];
	char fpr[CRYPTO_FPR_MAX], stmt[PUSHBATCH_STMT_MAX], why[160];
	struct json_value *o = NULL;
	struct ledger_row *rows = NULL;
	struct ledger_fact *facts = NULL;
	struct pushbatch pb;
	struct kec_key key;
	struct batch b;
	int n, rc;

	memset(r, 0, sizeof(*r));
	rc = json_value_parse(body, len, &o, why, sizeof(why));
	if (rc) {
		if (rc == -ENOMEM)
			answer(r, 503, "out of memory");
		else
			answer(r, 400, "not JSON: %s", why);
		return;
	}
	if (read_batch(o, &b, r))
		goto out;
	/* 2: the device is the key's fingerprint */
	if (crypto_hex_decode(b.public_key, pk, sizeof(pk)) != 0) {
		answer(r, 400, "public_key is not hex");
		goto out;
	}
	crypto_pubkey_fingerprint(pk, fpr);
	if (strcmp(fpr, b.device) != 0) {
		answer(r, 400,
		       "device %s is not the fingerprint %s of "
		       "public_key",
		       b.device, fpr);
		goto out;
	}
	/* 3: trusted here, for that desa */
	rc = kec_store_key_find_any(w->st, b.public_key, &r->kec, &key);
	if (rc == -ENOENT) {
		answer(r, 403, "device key %s is not trusted here", fpr);
		goto out;
	}
	if (rc) {
		answer(r, 503, "the store is not available");
		goto out;
	}
	r->key_id = key.id;
	snprintf(r->desa, sizeof(r->desa), "%s", key.desa);
	if (strcmp(key.desa, b.desa) != 0) {
		answer(r, 403,
		       "device key %s is trusted for desa %s, not for "
		       "desa %s",
		       fpr, key.desa, b.desa);
		goto refused;
	}
	/* 4: the rows */
	n = (int)(b.last - b.first + 1);
	rows = calloc((size_t)n, sizeof(*rows));
	facts = calloc((size_t)n, sizeof(*facts));
	if (!rows || !facts) {
		answer(r, 503, "out of memory");
		goto out;
	}
	if (read_rows(&b, rows, &pb, r))
		goto out;
	/* 5: the signature over the statement rebuilt from them */
	if (pushbatch_statement(&pb, b.device, b.desa, stmt) < 0) {
		answer(r, 400, "no statement can be made of this batch");
		goto out;
	}
	if (crypto_hex_decode(b.sig, sig, sizeof(sig)) != 0 ||
	    crypto_sig_verify(pk, stmt, strlen(stmt), sig) != 0) {
		answer(r, 403, "bad signature");
		goto refused;
	}
	/* 6: every row decodes */
	for (int i = 0; i < n; i++)
		if (ledger_decode(&rows[i], &facts[i], why, sizeof(why))) {
			answer(r, 400, "row %" PRId64 ": %s", rows[i].seq, why);
			goto out;
		}
	/* 7: continuity, then the store */
	rc = store_batch(w->st, r->kec, &key, rows, facts, n, now_utc, r);
	if (rc) {
		answer(r, 503, "the store failed: %s", strerror(-rc));
		goto out;
	}
	if (r->status == 403)
		goto refused;
	goto out;
refused:
	log_warnx("push from device %s (desa %s) refused: %s", fpr, b.desa,
		  r->error);
	note_refusal(w->st, r->kec, &key, now_utc, r);
out:
	free(rows);
	free(facts);
	json_value_free(o);
}

char *kecd_push_answer(const struct kecd_push_result *r, size_t *len)
{
	struct json_value *o = json_value_object();
	char *text = NULL;
	int rc;

	if (!o)
		return NULL;
	if (r->status == 200 || r->status == 409) {
		rc = json_value_set_int(o, "seq", r->seq);
		if (rc == 0)
			rc = json_value_set_string(o, "head", r->head);
		if (rc == 0 && r->status == 409)
			rc = json_value_set_string(o, "error", "gap");
	} else {
		rc = json_value_set_string(o, "error", r->error);
	}
	if (rc == 0)
		rc = json_value_dump(o, &text, len);
	json_value_free(o);
	return rc ? NULL : text;
}
