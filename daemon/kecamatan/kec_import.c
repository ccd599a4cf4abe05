/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kec_import.c: one bundle into the kecamatan's store.  Reads and
 * verifies it with the shared bundle reader (bundle.h), adds the
 * kecamatan's checks (trust for that desa, continuity, identical overlap,
 * rows that decode), merges the new rows in one transaction keyed by
 * (device, seq), and checks a complete bundle's own rekap.csv against the
 * recompute over the same rows.  Every attempt is logged.
 */
#include "kec_import.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "civil.h"
#include "crypto.h"
#include "export.h"
#include "kec_device.h"
#include "kec_rekap.h"
#include "ledger_decode.h"
#include "log.h"
#include "rekapdiff.h"

/* The first failing check of the bundle reader, as "check: detail". */
static void on_check(void *ud, enum bundle_check check, bool ok,
		     const char *detail)
{
	char *reason = ud;

	if (!ok && !reason[0])
		snprintf(reason, KEC_REASON_MAX, "%s: %s",
			 bundle_check_name(check), detail);
}

static void refuse(struct kec_import *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void refuse(struct kec_import *r, const char *fmt, ...)
{
	va_list ap;

	r->result = KEC_IMPORT_REFUSED;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* Every row of ledger.csv, decoded, and the punches among the new ones. */
struct rows {
	size_t n, cap;
	struct ledger_row *row;
	size_t np;
	struct kec_punch *punch;
	int64_t dev, new_from; /* rows from new_from on are new */
	struct kec_import *r;
};

static int take_row(void *ud, const struct ledger_row *row)
{
	struct rows *x = ud;
	char why[LEDGER_DECODE_ERR_MAX];
	struct ledger_fact f;
	int rc;

	rc = ledger_decode(row, &f, why, sizeof(why));
	if (rc) {
		refuse(x->r, "rows: row %" PRId64 ": %s", row->seq, why);
		return -EBADMSG;
	}
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 1024;
		void *p = reallocarray(x->row, nc, sizeof(*x->row));

		if (!p)
			return -ENOMEM;
		x->row = p;
		p = reallocarray(x->punch, nc, sizeof(*x->punch));
		if (!p)
			return -ENOMEM;
		x->punch = p;
		x->cap = nc;
	}
	x->row[x->n++] = *row;
	if (f.kind == LEDGER_FACT_PUNCH) {
		struct kec_punch *p = &x->punch[x->np++];

		p->seq = row->seq;
		memcpy(p->person, row->person, sizeof(p->person));
		p->day = f.u.punch.local_day;
		p->sec = f.u.punch.local_sec;
		p->flags = f.u.punch.flags;
	}
	return 0;
}

struct overlap {
	const struct rows *x;
	int64_t bad_seq;
};

/* A held row must be the bundle's row: same seq, same hash (which covers
 * the line and, through prev_hash, every row before it). */
static int same_hash(void *ud, int64_t seq, const char *hash)
{
	struct overlap *o = ud;
	const struct ledger_row *row = &o->x->row[seq - o->x->row[0].seq];

	if (strcmp(row->hash, hash) != 0) {
		o->bad_seq = seq;
		return 1;
	}
	return 0;
}

/* Reads a bundle entry as a NUL-terminated text (free()). */
static int entry_text(struct bundle *b, const char *name, char **text,
		      size_t *len, struct kec_import *r)
{
	char why[BUNDLE_WHY_MAX];
	uint8_t *data;
	size_t n;
	int rc = bundle_entry_read(b, name, &data, &n, why, sizeof(why));

	if (rc) {
		refuse(r, "files: %s", why);
		return rc;
	}
	*text = (char *)data;
	if (len)
		*len = n;
	return 0;
}

static int keep_rules(struct kec_store *st, int64_t kec, struct bundle *b,
		      const struct bundle_manifest *m, struct kec_import *r)
{
	int rc = 0;

	for (int i = 0; rc == 0 && i < m->nprofiles + m->ncalendars; i++) {
		bool cal = i >= m->nprofiles;
		const struct bundle_rules_file *f =
			cal ? &m->calendars[i - m->nprofiles] : &m->profiles[i];
		char *text;

		rc = entry_text(b, f->file, &text, NULL, r);
		if (rc == 0) {
			rc = kec_store_rule_put(st, kec, f->version,
						cal ? "calendar" : "profile",
						f->name, text);
			free(text);
		}
	}
	return rc;
}

/* The desa's own rekap.csv against the recompute over the same rows: its
 * device's rows up to the month's checkpoint, judged as of closing. */
static int check_rekap(struct kec_store *st, const struct kec_info *kec,
		       const struct bundle_manifest *m, int64_t key_id,
		       const char *desa_csv, size_t desa_len,
		       struct kec_import *r)
{
	struct kec_recompute q;
	struct rekapdiff d;
	struct report *rep = NULL;
	char why[KEC_REASON_MAX - 32], *csv = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	memset(&q, 0, sizeof(q));
	q.kec = kec->id;
	q.desa_id = m->desa_id;
	q.desa_name = m->desa_name;
	q.offset_min = kec->offset_min;
	q.kind = CIVIL_PERIOD_MONTH;
	if (civil_period_parse(CIVIL_PERIOD_MONTH, m->period, &q.first, &q.last,
			       NULL, 0))
		return -EINVAL; /* the reader checked it */
	civil_local_from_utc(m->closed_utc, kec->offset_min, &q.today,
			     &q.now_sec);
	q.now_utc = m->closed_utc;
	q.bound.dev = key_id;
	q.bound.max_seq = m->last_seq;
	rc = kec_recompute_desa(st, &q, &rep, NULL, why, sizeof(why));
	if (rc == -ENOMEM || rc == -EIO || rc == -EBUSY)
		return rc;
	if (rc) {
		r->rekap_same = 0;
		snprintf(r->rekap_diff, sizeof(r->rekap_diff),
			 "no recompute: %s", why);
		return 0;
	}
	fp = open_memstream(&csv, &len);
	if (!fp) {
		report_free(rep);
		return -ENOMEM;
	}
	rc = export_csv(fp, rep, NULL);
	if (fclose(fp) != 0 && rc == 0)
		rc = -ENOMEM;
	report_free(rep);
	if (rc == 0)
		rc = rekapdiff_compare(desa_csv, desa_len, csv, len, &d);
	free(csv);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		r->rekap_same = 0;
		snprintf(r->rekap_diff, sizeof(r->rekap_diff), "%s", d.first);
		return 0;
	}
	r->rekap_same = d.cells + d.only_desa + d.only_ours == 0;
	if (!r->rekap_same)
		snprintf(r->rekap_diff, sizeof(r->rekap_diff),
			 "%u figure(s) differ, %u row(s) on one side only; "
			 "first: %s",
			 d.cells, d.only_desa + d.only_ours, d.first);
	return 0;
}

/* What the box told us: its newest rows, health and software (the
 * server's pages show it; docs/kecamatan.md "The server"). */
static int note_device(struct kec_store *st, const struct kec_import_opts *o,
		       const struct bundle_manifest *m,
		       const struct kec_key *key, const struct rows *x)
{
	struct kec_device_state d;
	int rc = kec_store_device_get(st, key->id, &d);

	if (rc == -ENOENT) {
		kec_device_state_init(&d);
		d.key_id = key->id;
		d.kec = o->kec->id;
		snprintf(d.desa, sizeof(d.desa), "%s", key->desa);
		rc = 0;
	}
	if (rc)
		return rc;
	for (size_t i = (size_t)(x->new_from - x->row[0].seq); i < x->n; i++) {
		struct ledger_fact f;

		if (ledger_decode(&x->row[i], &f, NULL, 0) == 0)
			kec_device_note(&d, &x->row[i], &f);
	}
	kec_device_note_manifest(&d, m);
	d.last_bundle_utc = o->received_utc;
	return kec_store_device_put(st, &d);
}

/* Stores what the checks let through; the caller's transaction. */
static int merge(struct kec_store *st, const struct kec_import_opts *o,
		 struct bundle *b, const struct bundle_manifest *m,
		 const struct kec_key *key, struct rows *x,
		 const char *rekap_csv, size_t rekap_len, struct kec_import *r)
{
	size_t first_new = (size_t)(x->new_from - x->row[0].seq);
	size_t np = 0;
	int rc;

	rc = kec_store_import_add(st, o->kec->id, r, rekap_csv);
	if (rc == 0)
		rc = kec_store_rows_add(st, o->kec->id, key->desa, key->id,
					r->id, x->row + first_new,
					x->n - first_new);
	/* the new punches, compacted in place */
	for (size_t i = 0; i < x->np; i++)
		if (x->punch[i].seq >= x->new_from) {
			x->punch[np] = x->punch[i];
			x->punch[np++].dev = key->id;
		}
	if (rc == 0)
		rc = kec_store_punches_add(st, o->kec->id, key->desa, x->punch,
					   np);
	if (rc == 0)
		rc = keep_rules(st, o->kec->id, b, m, r);
	if (rc == 0)
		rc = note_device(st, o, m, key, x);
	if (rc == 0 && m->status == BUNDLE_COMPLETE) {
		rc = check_rekap(st, o->kec, m, key->id, rekap_csv, rekap_len,
				 r);
		if (rc == 0)
			rc = kec_store_import_rekap(st, r->id, r->rekap_same,
						    r->rekap_diff);
	}
	return rc;
}

/* The checks that need the store, then the merge, in one transaction. */
static int import_verified(struct kec_store *st,
			   const struct kec_import_opts *o, struct bundle *b,
			   const struct bundle_manifest *m, struct rows *x,
			   struct kec_import *r)
{
	char why[BUNDLE_WHY_MAX], held[PD_HASH_HEX], *rekap_csv = NULL;
	struct overlap ov = {x, 0};
	size_t rekap_len = 0;
	struct kec_key key;
	int64_t head;
	int rc;

	rc = kec_store_key_find(st, o->kec->id, m->public_key, &key);
	if (rc == -ENOENT) {
		refuse(r,
		       "trust: device key %s is not trusted here "
		       "(presensi-kecamatan trust)",
		       m->device_id);
		return 0;
	}
	if (rc)
		return rc;
	r->key_id = key.id;
	if (strcmp(key.desa, m->desa_id) != 0) {
		refuse(r,
		       "trust: device key %s is trusted for desa %s, not for "
		       "desa %s",
		       m->device_id, key.desa, m->desa_id);
		return 0;
	}
	if (m->status == BUNDLE_COMPLETE &&
	    entry_text(b, BUNDLE_REKAP_CSV, &rekap_csv, &rekap_len, r))
		return 0;
	rc = kec_store_begin(st);
	if (rc)
		goto out;
	rc = kec_store_key_lock(st, key.id);
	if (rc == 0)
		rc = kec_store_head(st, key.id, &head, held);
	if (rc)
		goto end;
	x->new_from = head + 1;
	if (m->first_seq <= head) {
		/* an overlap: what is held must be what came */
		rc = kec_store_hash_each(st, key.id, m->first_seq,
					 m->last_seq < head ? m->last_seq
							    : head,
					 same_hash, &ov);
		if (rc == 1) {
			refuse(r,
			       "continuity: row %" PRId64
			       " differs from the row already held for device "
			       "%s",
			       ov.bad_seq, m->device_id);
			rc = -EBADMSG;
		}
		if (rc == 0 && m->last_seq <= head) {
			r->result = KEC_IMPORT_DUPLICATE;
			snprintf(r->reason, sizeof(r->reason),
				 "already held: rows %" PRId64 "..%" PRId64
				 " of device %s, nothing changed",
				 m->first_seq, m->last_seq, m->device_id);
			rc = -EALREADY;
		}
	} else if (bundle_follows(m, head, held, why, sizeof(why)) != 0) {
		if (head == 0)
			refuse(r,
			       "continuity: device %s was never seen, so its "
			       "first bundle must start at row 1, not %" PRId64,
			       m->device_id, m->first_seq);
		else
			refuse(r, "continuity: %s (device %s)", why,
			       m->device_id);
		rc = -EBADMSG;
	}
	if (rc == 0) {
		r->rows_new = m->last_seq - x->new_from + 1;
		r->result = KEC_IMPORT_OK;
		snprintf(r->reason, sizeof(r->reason),
			 "%" PRId64 " new rows (%" PRId64 "..%" PRId64 ")",
			 r->rows_new, x->new_from, m->last_seq);
		rc = merge(st, o, b, m, &key, x, rekap_csv, rekap_len, r);
	}
end:
	rc = kec_store_end(st, rc);
out:
	free(rekap_csv);
	/* a refusal or a duplicate is an outcome, logged by the caller */
	return rc == -EBADMSG || rc == -EALREADY ? 0 : rc;
}

static void fill_from_manifest(struct kec_import *r,
			       const struct bundle_manifest *m)
{
	snprintf(r->desa, sizeof(r->desa), "%s", m->desa_id);
	snprintf(r->device, sizeof(r->device), "%s", m->device_id);
	snprintf(r->period, sizeof(r->period), "%s", m->period);
	r->complete = m->status == BUNDLE_COMPLETE;
	r->first_seq = m->first_seq;
	r->last_seq = m->last_seq;
}

static void start(struct kec_import *r, const struct kec_import_opts *o,
		  const char *file)
{
	const char *base = strrchr(file, '/');

	memset(r, 0, sizeof(*r));
	r->received_utc = o->received_utc;
	snprintf(r->file, sizeof(r->file), "%s", base ? base + 1 : file);
	snprintf(r->by, sizeof(r->by), "%s", o->by ? o->by : "");
	r->rekap_same = -1;
}

/* Logs a refusal or a duplicate in its own statement. */
static int log_outcome(struct kec_store *st, const struct kec_import_opts *o,
		       struct kec_import *r)
{
	char was[KEC_REASON_MAX];
	int rc = kec_store_import_add(st, o->kec->id, r, NULL);

	if (rc) {
		memcpy(was, r->reason, sizeof(was));
		refuse(r, "not logged: the database failed (%s); %s",
		       strerror(-rc), was);
	}
	return rc;
}

int kec_import_mem(struct kec_store *st, const struct kec_import_opts *o,
		   const char *file, const void *zip, size_t len,
		   struct kec_import *r)
{
	const struct bundle_manifest *m;
	char why[BUNDLE_WHY_MAX];
	struct rows x = {0};
	struct bundle *b = NULL;
	int rc;

	start(r, o, file);
	crypto_sha256_hex(zip, len, r->sha256);
	x.r = r;
	rc = bundle_open_mem(zip, len, &b, why, sizeof(why));
	if (rc) {
		refuse(r, "archive: %s", why);
		if (rc != -ENOMEM)
			rc = log_outcome(st, o, r);
		goto out;
	}
	if (bundle_manifest_get(b, &m, why, sizeof(why)) == 0)
		fill_from_manifest(r, m);
	rc = bundle_verify(b, on_check, r->reason);
	if (rc == -ENOMEM)
		goto out;
	if (rc) {
		r->result = KEC_IMPORT_REFUSED;
		rc = log_outcome(st, o, r);
		goto out;
	}
	rc = bundle_ledger_each(b, take_row, &x, why, sizeof(why));
	if (rc == -ENOMEM)
		goto out;
	if (rc) {
		if (r->result != KEC_IMPORT_REFUSED)
			refuse(r, "chain: %s", why);
		rc = log_outcome(st, o, r);
		goto out;
	}
	if (x.n == 0 || x.row[0].seq != m->first_seq) {
		refuse(r, "chain: ledger.csv does not hold the rows the "
			  "manifest names");
		rc = log_outcome(st, o, r);
		goto out;
	}
	rc = import_verified(st, o, b, m, &x, r);
	if (rc == 0 && r->result != KEC_IMPORT_OK)
		rc = log_outcome(st, o, r);
	else if (rc && r->result != KEC_IMPORT_REFUSED) {
		/* the database failed: nothing was stored; say so, try to log
		 */
		refuse(r, "store: not stored: %s", strerror(-rc));
		if (log_outcome(st, o, r) == 0)
			rc = 0;
	}
out:
	if (rc == -ENOMEM)
		snprintf(r->reason, sizeof(r->reason), "out of memory");
	free(x.row);
	free(x.punch);
	bundle_close(b);
	if (r->result == KEC_IMPORT_OK)
		log_debug("import %s: desa %s %s rows %" PRId64 "..%" PRId64
			  ", %" PRId64 " new",
			  r->file, r->desa, r->period, r->first_seq,
			  r->last_seq, r->rows_new);
	else
		log_debug("import %s: %s", r->file, r->reason);
	return rc;
}

int kec_import_file(struct kec_store *st, const struct kec_import_opts *o,
		    const char *path, struct kec_import *r)
{
	struct stat sb;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		rc = -errno;
	} else if (!S_ISREG(sb.st_mode)) {
		rc = -EISDIR;
	} else if (sb.st_size > KEC_IMPORT_FILE_MAX) {
		rc = -EFBIG;
	} else {
		buf = malloc((size_t)sb.st_size + 1);
		if (!buf)
			rc = -ENOMEM;
		while (buf && got < (size_t)sb.st_size) {
			ssize_t n =
				read(fd, buf + got, (size_t)sb.st_size - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				rc = n < 0 ? -errno : -EIO;
				break;
			}
			got += (size_t)n;
		}
	}
	if (fd >= 0)
		close(fd);
	if (rc == -ENOMEM) {
		free(buf);
		return rc;
	}
	if (rc) {
		start(r, o, path);
		refuse(r, "archive: cannot read %s: %s", r->file,
		       strerror(-rc));
		free(buf);
		return log_outcome(st, o, r);
	}
	rc = kec_import_mem(st, o, path, buf, got, r);
	free(buf);
	return rc;
}
