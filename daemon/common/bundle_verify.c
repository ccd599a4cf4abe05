/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bundle_verify.c: the checks of docs/bundle.md on an open bundle, in
 * order, each reported through the caller's callback and the first failure
 * ending the run; the walk over ledger.csv's rows they and the kecamatan's
 * import share; and the continuity of two bundles of one device.
 */
#include "bundle.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"

#define SIG_HEX (2 * CRYPTO_SIG_BYTES) /* manifest.sig without its newline */

static const char *const check_names[BUNDLE_CHECKS] = {
	"archive", "manifest", "signature", "files", "chain", "counts", "rules",
};

const char *bundle_check_name(enum bundle_check c)
{
	return c >= BUNDLE_CHECK_ARCHIVE && c <= BUNDLE_CHECK_RULES
		       ? check_names[c - 1]
		       : "?";
}

/* ---- ledger.csv, line by line ---- */

typedef int line_fn(void *ud, const struct ledger_row *r, size_t line,
		    char *why, size_t cap);

/* Reads ledger.csv, checks its header and hands each parsed row with its
 * line number to fn.  0, fn's non-zero, -EBADMSG (why), -ENOMEM. */
static int walk_ledger(struct bundle *b, line_fn *fn, void *ud, char *why,
		       size_t cap)
{
	struct ledger_row *r;
	uint8_t *data;
	size_t len, line = 1;
	char *p, *end;
	int rc;

	rc = bundle_entry_read(b, BUNDLE_LEDGER, &data, &len, why, cap);
	if (rc)
		return rc == -ENOENT ? -EBADMSG : rc;
	r = malloc(sizeof(*r));
	if (!r) {
		free(data);
		return -ENOMEM;
	}
	p = (char *)data;
	end = p + len;
	if (memchr(p, '\0', len)) {
		snprintf(why, cap, "ledger.csv holds a NUL byte");
		rc = -EBADMSG;
		goto out;
	}
	while (rc == 0 && p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl || nl == p || nl[-1] != '\r') {
			snprintf(why, cap,
				 "ledger.csv line %zu does not end with CRLF",
				 line);
			rc = -EBADMSG;
			break;
		}
		nl[-1] = '\0';
		if (line == 1) {
			if (strcmp(p, BUNDLE_LEDGER_HEADER) != 0) {
				snprintf(why, cap,
					 "ledger.csv does not begin with "
					 "its header line");
				rc = -EBADMSG;
			}
		} else if (ledger_parse_export(p, r) != 0) {
			snprintf(why, cap, "ledger.csv line %zu does not parse",
				 line);
			rc = -EBADMSG;
		} else {
			rc = fn(ud, r, line, why, cap);
		}
		p = nl + 1;
		line++;
	}
	if (rc == 0 && line == 1) {
		snprintf(why, cap, "ledger.csv is empty");
		rc = -EBADMSG;
	}
out:
	free(r);
	free(data);
	return rc;
}

struct each_ctx {
	bundle_row_fn *fn;
	void *ud;
};

static int each_line(void *ud, const struct ledger_row *r, size_t line,
		     char *why, size_t cap)
{
	const struct each_ctx *c = ud;

	(void)line, (void)why, (void)cap;
	return c->fn(c->ud, r);
}

int bundle_ledger_each(struct bundle *b, bundle_row_fn *fn, void *ud, char *why,
		       size_t cap)
{
	struct each_ctx c = {fn, ud};

	return walk_ledger(b, each_line, &c, why, cap);
}

/* ---- checks 5 and 6 share one walk ---- */

struct chain {
	const struct bundle_manifest *m;
	int64_t n;		/* rows seen */
	int64_t next_seq;	/* the seq the next row must have */
	char prev[PD_HASH_HEX]; /* the hash it must link to */
	int64_t counts[BUNDLE_KINDS];
	int64_t bad_kind_seq; /* first row of an unknown kind, 0 none */
	char bad_kind[LEDGER_KIND_MAX];
	int64_t period_checkpoints; /* checkpoint rows of the period */
	struct ledger_row last;
};

static int chain_row(void *ud, const struct ledger_row *r, size_t line,
		     char *why, size_t cap)
{
	struct chain *c = ud;
	int fmt, k, rc;

	(void)line;
	if (r->seq != c->next_seq) {
		if (r->seq > c->next_seq)
			snprintf(why, cap,
				 "row %" PRId64 " missing (next row is "
				 "%" PRId64 ")",
				 c->next_seq, r->seq);
		else
			snprintf(why, cap,
				 "row %" PRId64 " comes where row %" PRId64
				 " belongs",
				 r->seq, c->next_seq);
		return -EBADMSG;
	}
	if (strcmp(r->prev_hash, c->prev) != 0) {
		if (c->n == 0)
			snprintf(why, cap,
				 "row %" PRId64 " does not link: its prev_hash "
				 "is not ledger.prev_hash of the manifest",
				 r->seq);
		else
			snprintf(why, cap,
				 "row %" PRId64 " does not link: its prev_hash "
				 "is not the hash of row %" PRId64,
				 r->seq, r->seq - 1);
		return -EBADMSG;
	}
	if (ledger_check(r) != 0) {
		snprintf(why, cap,
			 "row %" PRId64 ": hash does not match the row",
			 r->seq);
		return -EBADMSG;
	}
	rc = ledger_data_format(r->data, &fmt);
	if (rc) {
		snprintf(why, cap, "row %" PRId64 ": %s", r->seq,
			 rc == -ENOTSUP
				 ? "row format is newer than this program"
				 : "row format version is malformed");
		return -EBADMSG;
	}
	k = bundle_kind_index(r->kind);
	if (k < 0 && !c->bad_kind_seq) {
		c->bad_kind_seq = r->seq;
		snprintf(c->bad_kind, sizeof(c->bad_kind), "%s", r->kind);
	}
	if (k >= 0)
		c->counts[k]++;
	if (strcmp(r->kind, LEDGER_CHECKPOINT) == 0) {
		struct ledger_checkpoint cp;

		if (ledger_checkpoint_parse(r->data, &cp) == 0 &&
		    strcmp(cp.month, c->m->period) == 0)
			c->period_checkpoints++;
	}
	memcpy(c->prev, r->hash, sizeof(c->prev));
	c->next_seq++;
	c->n++;
	c->last = *r;
	return 0;
}

/* Check 5's end: the run is the manifest's. */
static int chain_end(const struct chain *c, char *why, size_t cap)
{
	const struct bundle_manifest *m = c->m;

	if (c->n == 0) {
		snprintf(why, cap, "ledger.csv has no rows");
		return -EBADMSG;
	}
	if (c->last.seq != m->last_seq) {
		snprintf(why, cap,
			 "ledger.csv ends at row %" PRId64
			 ", the manifest says last_seq %" PRId64,
			 c->last.seq, m->last_seq);
		return -EBADMSG;
	}
	if (strcmp(c->last.hash, m->head) != 0) {
		snprintf(why, cap,
			 "the hash of row %" PRId64
			 " is not ledger.head of the manifest",
			 c->last.seq);
		return -EBADMSG;
	}
	return 0;
}

/* Check 6. */
static int counts_check(const struct chain *c, char *why, size_t cap)
{
	const struct bundle_manifest *m = c->m;
	struct ledger_checkpoint cp;

	if (c->bad_kind_seq) {
		snprintf(why, cap, "row %" PRId64 ": kind \"%s\" is unknown",
			 c->bad_kind_seq, c->bad_kind);
		return -EBADMSG;
	}
	if (c->n != m->rows) {
		snprintf(why, cap,
			 "%" PRId64 " rows, the manifest says %" PRId64, c->n,
			 m->rows);
		return -EBADMSG;
	}
	for (int i = 0; i < BUNDLE_KINDS; i++)
		if (c->counts[i] != m->counts[i]) {
			snprintf(why, cap,
				 "%" PRId64 " %s rows, the manifest counts "
				 "%" PRId64,
				 c->counts[i], bundle_kind_name(i),
				 m->counts[i]);
			return -EBADMSG;
		}
	if (m->status == BUNDLE_INTERIM) {
		if (c->period_checkpoints) {
			snprintf(why, cap,
				 "an interim bundle holds the checkpoint of %s",
				 m->period);
			return -EBADMSG;
		}
		return 0;
	}
	if (strcmp(c->last.kind, LEDGER_CHECKPOINT) != 0 ||
	    ledger_checkpoint_parse(c->last.data, &cp) != 0 ||
	    strcmp(cp.month, m->period) != 0) {
		snprintf(why, cap,
			 "a complete bundle must end with the checkpoint of "
			 "%s; row %" PRId64 " is not",
			 m->period, c->last.seq);
		return -EBADMSG;
	}
	if (c->period_checkpoints != 1) {
		snprintf(why, cap, "%s is closed %" PRId64 " times", m->period,
			 c->period_checkpoints);
		return -EBADMSG;
	}
	if (c->last.at_utc != m->closed_utc ||
	    memcmp(&cp.health, &m->health, sizeof(cp.health)) != 0) {
		snprintf(why, cap,
			 "closed_utc and health are not those of the "
			 "checkpoint row %" PRId64,
			 c->last.seq);
		return -EBADMSG;
	}
	return 0;
}

/* ---- checks 3, 4 and 7 ---- */

static int signature_check(struct bundle *b, const struct bundle_manifest *m,
			   char *why, size_t cap)
{
	uint8_t *json = NULL, *sig = NULL;
	uint8_t pk[CRYPTO_PK_BYTES], raw[CRYPTO_SIG_BYTES];
	size_t jlen, slen;
	int rc;

	rc = bundle_entry_read(b, BUNDLE_SIGNATURE, &sig, &slen, why, cap);
	if (rc == 0)
		rc = bundle_entry_read(b, BUNDLE_MANIFEST, &json, &jlen, why,
				       cap);
	if (rc)
		goto out;
	if (slen != SIG_HEX + 1 || sig[SIG_HEX] != '\n') {
		snprintf(why, cap,
			 "manifest.sig is not 128 hex digits and a newline");
		rc = -EBADMSG;
		goto out;
	}
	sig[SIG_HEX] = '\0';
	if (!bundle_hex_ok((const char *)sig, SIG_HEX) ||
	    crypto_hex_decode((const char *)sig, raw, sizeof(raw)) != 0 ||
	    crypto_hex_decode(m->public_key, pk, sizeof(pk)) != 0) {
		snprintf(why, cap, "manifest.sig is not lower-case hex");
		rc = -EBADMSG;
		goto out;
	}
	if (crypto_sig_verify(pk, json, jlen, raw) != 0) {
		snprintf(why, cap,
			 "manifest.sig is not device %s's signature of "
			 "manifest.json",
			 m->device_id);
		rc = -EBADMSG;
	}
out:
	free(json);
	free(sig);
	return rc == -ENOENT ? -EBADMSG : rc;
}

static const struct bundle_file_hash *listed(const struct bundle_manifest *m,
					     const char *name)
{
	for (int i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].name, name) == 0)
			return &m->files[i];
	return NULL;
}

static int files_check(struct bundle *b, const struct bundle_manifest *m,
		       char *why, size_t cap)
{
	size_t n = bundle_entry_count(b), checked = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		const char *name = bundle_entry_name(b, i);
		const struct bundle_file_hash *f;
		char sha[PD_HASH_HEX];
		uint8_t *data;
		size_t len;

		if (strcmp(name, BUNDLE_MANIFEST) == 0 ||
		    strcmp(name, BUNDLE_SIGNATURE) == 0)
			continue;
		f = listed(m, name);
		if (!f) {
			snprintf(why, cap,
				 "entry %s is not listed in the manifest's "
				 "files",
				 name);
			return -EBADMSG;
		}
		rc = bundle_entry_read(b, name, &data, &len, why, cap);
		if (rc)
			return rc;
		crypto_sha256_hex(data, len, sha);
		free(data);
		if (strcmp(sha, f->sha256) != 0) {
			snprintf(
				why, cap,
				"%s does not match its SHA-256 in the manifest",
				name);
			return -EBADMSG;
		}
		checked++;
	}
	if (checked != (size_t)m->nfiles) {
		for (int i = 0; i < m->nfiles; i++) {
			size_t j;

			for (j = 0; j < n; j++)
				if (strcmp(bundle_entry_name(b, j),
					   m->files[i].name) == 0)
					break;
			if (j == n) {
				snprintf(why, cap,
					 "%s is listed in files but not in the "
					 "archive",
					 m->files[i].name);
				return -EBADMSG;
			}
		}
	}
	return 0;
}

static int rules_one(struct bundle *b, const struct bundle_rules_file *f,
		     char *why, size_t cap)
{
	char sha[PD_HASH_HEX];
	uint8_t *data;
	size_t len;
	int rc;

	rc = bundle_entry_read(b, f->file, &data, &len, why, cap);
	if (rc == -ENOENT) {
		snprintf(why, cap, "%s (\"%.60s\") is not in the archive",
			 f->file, f->name);
		return -EBADMSG;
	}
	if (rc)
		return rc;
	crypto_sha256_hex(data, len, sha);
	free(data);
	if (strcmp(sha, f->version) != 0) {
		snprintf(why, cap, "%s does not hash to its version %.16s",
			 f->file, f->version);
		return -EBADMSG;
	}
	return 0;
}

static bool named_rules(const struct bundle_manifest *m, const char *name)
{
	for (int i = 0; i < m->nprofiles; i++)
		if (strcmp(m->profiles[i].file, name) == 0)
			return true;
	for (int i = 0; i < m->ncalendars; i++)
		if (strcmp(m->calendars[i].file, name) == 0)
			return true;
	return false;
}

static int rules_check(struct bundle *b, const struct bundle_manifest *m,
		       char *why, size_t cap)
{
	int rc;

	for (int i = 0; i < m->nprofiles; i++)
		if ((rc = rules_one(b, &m->profiles[i], why, cap)))
			return rc;
	for (int i = 0; i < m->ncalendars; i++)
		if ((rc = rules_one(b, &m->calendars[i], why, cap)))
			return rc;
	for (size_t i = 0; i < bundle_entry_count(b); i++) {
		const char *name = bundle_entry_name(b, i);

		if (strncmp(name, "rules/", 6) == 0 && !named_rules(m, name)) {
			snprintf(why, cap,
				 "%s is named by no profile or calendar of the "
				 "manifest",
				 name);
			return -EBADMSG;
		}
	}
	return 0;
}

/* ---- the run ---- */

/* Reports check c: ok with detail, or the failure in why.  Returns rc. */
static int report(bundle_check_fn *fn, void *ud, enum bundle_check c, int rc,
		  const char *detail, const char *why)
{
	if (rc == 0)
		fn(ud, c, true, detail);
	else
		fn(ud, c, false, rc == -ENOMEM ? "out of memory" : why);
	return rc;
}

int bundle_verify(struct bundle *b, bundle_check_fn *fn, void *ud)
{
	const struct bundle_manifest *m = NULL;
	char why[BUNDLE_WHY_MAX] = "", detail[BUNDLE_WHY_MAX] = "";
	struct chain *c;
	int rc;

	rc = bundle_manifest_get(b, &m, why, sizeof(why));
	if (rc == 0)
		snprintf(detail, sizeof(detail), "%s %s %s, %s, device %s",
			 m->desa_id, m->desa_name, m->period,
			 m->status == BUNDLE_COMPLETE ? "complete" : "interim",
			 m->device_id);
	if (report(fn, ud, BUNDLE_CHECK_MANIFEST, rc, detail, why))
		return rc == -ENOMEM ? rc : -EBADMSG;
	rc = signature_check(b, m, why, sizeof(why));
	if (report(fn, ud, BUNDLE_CHECK_SIGNATURE, rc, "", why))
		return rc == -ENOMEM ? rc : -EBADMSG;
	rc = files_check(b, m, why, sizeof(why));
	snprintf(detail, sizeof(detail), "%d entries", m->nfiles);
	if (report(fn, ud, BUNDLE_CHECK_FILES, rc, detail, why))
		return rc == -ENOMEM ? rc : -EBADMSG;

	c = calloc(1, sizeof(*c));
	if (!c)
		return report(fn, ud, BUNDLE_CHECK_CHAIN, -ENOMEM, "", "");
	c->m = m;
	c->next_seq = m->first_seq;
	memcpy(c->prev, m->prev_hash, sizeof(c->prev));
	rc = walk_ledger(b, chain_row, c, why, sizeof(why));
	if (rc == 0)
		rc = chain_end(c, why, sizeof(why));
	snprintf(detail, sizeof(detail),
		 "rows %" PRId64 "..%" PRId64 ", head %.16s", m->first_seq,
		 m->last_seq, m->head);
	if (report(fn, ud, BUNDLE_CHECK_CHAIN, rc, detail, why) == 0) {
		rc = counts_check(c, why, sizeof(why));
		snprintf(detail, sizeof(detail),
			 "%" PRId64 " rows, %" PRId64 " punches%s", c->n,
			 c->counts[bundle_kind_index(LEDGER_PUNCH)],
			 m->status == BUNDLE_COMPLETE
				 ? ", ends with the month's checkpoint"
				 : ", interim");
		report(fn, ud, BUNDLE_CHECK_COUNTS, rc, detail, why);
	}
	free(c);
	if (rc)
		return rc == -ENOMEM ? rc : -EBADMSG;
	rc = rules_check(b, m, why, sizeof(why));
	snprintf(detail, sizeof(detail), "%d profiles, %d calendars",
		 m->nprofiles, m->ncalendars);
	if (report(fn, ud, BUNDLE_CHECK_RULES, rc, detail, why))
		return rc == -ENOMEM ? rc : -EBADMSG;
	return 0;
}

int bundle_verify_file(const char *path, bundle_check_fn *fn, void *ud)
{
	char why[BUNDLE_WHY_MAX] = "", detail[BUNDLE_WHY_MAX];
	struct bundle *b;
	int rc;

	rc = bundle_open(path, &b, why, sizeof(why));
	if (rc) {
		fn(ud, BUNDLE_CHECK_ARCHIVE, false,
		   rc == -ENOMEM ? "out of memory" : why);
		return rc == -ENOMEM ? rc : -EBADMSG;
	}
	snprintf(detail, sizeof(detail), "%zu entries", bundle_entry_count(b));
	fn(ud, BUNDLE_CHECK_ARCHIVE, true, detail);
	rc = bundle_verify(b, fn, ud);
	bundle_close(b);
	return rc;
}

/* ---- continuity ---- */

int bundle_follows(const struct bundle_manifest *m, int64_t seq,
		   const char *head, char *why, size_t cap)
{
	if (m->first_seq > seq + 1) {
		if (why && cap)
			snprintf(why, cap,
				 "a gap: the bundle starts at row %" PRId64
				 ", the one before ends at row %" PRId64
				 " (rows %" PRId64 "..%" PRId64 " missing)",
				 m->first_seq, seq, seq + 1, m->first_seq - 1);
		return -EBADMSG;
	}
	if (m->first_seq <= seq) {
		if (why && cap)
			snprintf(
				why, cap,
				"an overlap: the bundle starts at row %" PRId64
				", the one before already ends at row %" PRId64,
				m->first_seq, seq);
		return -EBADMSG;
	}
	if (strcmp(m->prev_hash, head) != 0) {
		if (why && cap)
			snprintf(why, cap,
				 "row %" PRId64 " does not link to row %" PRId64
				 " held before (another chain)",
				 m->first_seq, seq);
		return -EBADMSG;
	}
	return 0;
}

int bundle_continues(const struct bundle_manifest *prev,
		     const struct bundle_manifest *next, char *why, size_t cap)
{
	if (strcmp(prev->public_key, next->public_key) != 0) {
		if (why && cap)
			snprintf(why, cap,
				 "signed by device %s, the earlier bundle by "
				 "device %s",
				 next->device_id, prev->device_id);
		return -EBADMSG;
	}
	return bundle_follows(next, prev->last_seq, prev->head, why, cap);
}
