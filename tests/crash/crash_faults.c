/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crash_faults: store_punch_add under an injected write fault at every
 * write it makes.  For k = 1, 2, 3 ... the faultvfs wrapper lets k - 1
 * writes through and fails the k-th and every later one (SQLITE_IOERR or
 * SQLITE_FULL), until a punch goes through without the fault firing.  Each
 * time the store must hold either nothing new (the punch refused with
 * -EIO or -ENOSPC) or the whole punch, the same handle must take the next
 * punch once the disk is well, and chain verify must pass after reopening.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "fakes/faultvfs.h"
#include "fakes/testutil.h"
#include "log.h"
#include "store.h"

#define T0	     1795393800 /* 2026-11-23T00:30:00Z, 07:30 WIB */
#define WIB_S	     (7 * 3600)
#define MAX_WRITES   200 /* a punch taking more writes is itself a bug */
#define PERSON	     "P001"
#define PREFILL_ROWS 3 /* punches stored before the faults start */
/* SQLite checkpoints a WAL past 1000 pages: a few hundred punches. */
#define CKPT_PUNCHES_MAX 1000
#define CKPT_LATE_WANT	 3 /* checkpoint faults to see before stopping */

static const uint8_t key[CRYPTO_KEY_BYTES] = {0x5e, 0xc2, 0x37};
static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "crash_faults: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failures++;
}

static struct punch mkpunch(int64_t at, bool manual)
{
	struct punch p;

	memset(&p, 0, sizeof(p));
	snprintf(p.person, sizeof(p.person), "%s", PERSON);
	p.at_utc = at;
	p.local_day = (pd_day_t)((at + WIB_S) / 86400);
	p.local_sec = (int32_t)((at + WIB_S) % 86400);
	if (manual) {
		p.flags = PUNCH_F_MANUAL;
		strcpy(p.source, "manual");
		strcpy(p.clock, "manual");
		strcpy(p.reason, "listrik padam; 50% data");
		strcpy(p.by, "sekdes");
	} else {
		strcpy(p.source, "reader");
		strcpy(p.reader, "virtual_image/0");
		strcpy(p.clock, "ntp");
	}
	strcpy(p.boot_id, "6f1c2d3e-0000-4000-8000-0123456789ab");
	p.mono_ms = (uint64_t)at * 10;
	return p;
}

/* What the store holds, seen through a second, plain connection. */
struct snap {
	int64_t ledger, punches, head_seq;
	char head[PD_HASH_HEX];
};

static int snapshot(const char *path, struct snap *s)
{
	struct store *st = NULL;
	int64_t rec;
	int rc;

	rc = faultvfs_query_int(path, "SELECT count(*) FROM ledger",
				&s->ledger);
	if (rc == 0)
		rc = faultvfs_query_int(path, "SELECT count(*) FROM punches",
					&s->punches);
	if (rc == 0)
		rc = store_open(path, NULL, STORE_RDONLY, NULL, &st);
	if (rc == 0)
		rc = store_ledger_head(st, &s->head_seq, &rec, s->head);
	store_close(st);
	return rc;
}

struct find {
	const struct punch *want;
	int n;	     /* rows at want's instant */
	bool same;   /* and the last of them equal to want, field by field */
	int64_t seq; /* its seq */
};

static int note(void *ud, const struct punch *p)
{
	struct find *f = ud;
	const struct punch *w = f->want;

	if (p->at_utc != w->at_utc)
		return 0;
	f->n++;
	f->seq = p->seq;
	f->same =
		strcmp(p->person, w->person) == 0 &&
		p->local_day == w->local_day && p->local_sec == w->local_sec &&
		p->flags == w->flags && strcmp(p->source, w->source) == 0 &&
		strcmp(p->reader, w->reader) == 0 &&
		strcmp(p->clock, w->clock) == 0 &&
		strcmp(p->boot_id, w->boot_id) == 0 &&
		p->mono_ms == w->mono_ms && strcmp(p->reason, w->reason) == 0 &&
		strcmp(p->by, w->by) == 0;
	return 0;
}

/* Rows holding want (0 or 1 expected); *same when the row is whole. */
static int count_punch(const char *path, const struct punch *want, bool *same)
{
	struct find f = {.want = want};
	struct store *st = NULL;
	int rc = store_open(path, NULL, STORE_RDONLY, NULL, &st);

	if (rc == 0)
		rc = store_punch_each(st, want->local_day, want->local_day,
				      want->person, note, &f);
	store_close(st);
	if (rc < 0)
		return rc;
	*same = f.same && f.seq == want->seq;
	return f.n;
}

static int chain_ok(const char *path, int64_t *rows)
{
	struct store *st = NULL;
	char why[256] = "";
	int64_t bad = 0;
	int rc = store_open(path, NULL, 0, key, &st);

	if (rc == 0)
		rc = store_chain_verify(st, rows, &bad, why, sizeof(why));
	store_close(st);
	if (rc < 0)
		fail("chain verify: %s (seq %" PRId64 "): %s", strerror(-rc),
		     bad, why);
	return rc;
}

struct tally {
	int refused;	/* punch refused, store unchanged */
	int late_fault; /* fault fired after the commit point: stored, 0 */
	int writes;	/* writes a punch takes (no fault fired at k + 1) */
};

/*
 * On the open handle st: lets k - 1 writes through, fails the rest, adds
 * p and checks the outcome, then (with_next) adds one more punch with the
 * disk well again.  Returns true when the fault never fired.
 */
static bool one_case(struct store *st, const char *path,
		     enum faultvfs_fault fault, int want, int k, struct punch p,
		     bool with_next, struct tally *t)
{
	struct punch next = mkpunch(p.at_utc + 30, false);
	struct snap before, after;
	bool same = false;
	int rc, fired, n;

	if (snapshot(path, &before) != 0) {
		fail("k=%d: cannot read the store", k);
		return true;
	}
	faultvfs_arm(fault, k - 1);
	rc = store_punch_add(st, &p, p.at_utc);
	fired = faultvfs_failed_writes();
	faultvfs_disarm();

	n = count_punch(path, &p, &same);
	if (snapshot(path, &after) != 0) {
		fail("k=%d: cannot read the store after the fault", k);
	} else if (rc == 0) {
		/* stored: the whole punch, once, one ledger row more */
		if (n != 1 || !same || after.ledger != before.ledger + 1 ||
		    after.punches != before.punches + 1)
			fail("k=%d: punch accepted but stored %d times "
			     "(whole: %d), ledger %+" PRId64
			     ", punches %+" PRId64,
			     k, n, same, after.ledger - before.ledger,
			     after.punches - before.punches);
		if (fired)
			t->late_fault++;
	} else {
		/* refused: with the fault's own code, and nothing changed */
		if (rc != want)
			fail("k=%d: refused with %s, want %s", k, strerror(-rc),
			     strerror(-want));
		if (!fired)
			fail("k=%d: refused (%s) but no write failed", k,
			     strerror(-rc));
		if (n != 0 || after.ledger != before.ledger ||
		    after.punches != before.punches ||
		    after.head_seq != before.head_seq ||
		    strcmp(after.head, before.head) != 0)
			fail("k=%d: refused punch left %d rows, ledger "
			     "%+" PRId64 ", punches %+" PRId64,
			     k, n, after.ledger - before.ledger,
			     after.punches - before.punches);
		t->refused++;
	}
	if (!with_next)
		return fired == 0;
	/* the disk is well again: the same handle takes the next punch */
	rc = store_punch_add(st, &next, next.at_utc);
	if (rc != 0)
		fail("k=%d: the next punch on the same handle: %s", k,
		     strerror(-rc));
	else if (count_punch(path, &next, &same) != 1 || !same)
		fail("k=%d: the next punch is not stored whole", k);
	return fired == 0;
}

/* Closes st, reopens the store with the plain VFS, verifies the chain. */
static void close_and_verify(struct store *st, const char *path, int k)
{
	struct snap after;
	int64_t rows = 0;

	store_close(st);
	if (chain_ok(path, &rows) == 0 && snapshot(path, &after) == 0 &&
	    rows != after.ledger)
		fail("k=%d: chain verify counted %" PRId64 " of %" PRId64
		     " rows",
		     k, rows, after.ledger);
}

static int make_store(const char *path)
{
	struct person who = {.id = PERSON,
			     .name = "Budi Santoso",
			     .jabatan = "Kaur Keuangan",
			     .since = 20000};
	struct store *st = NULL;
	int rc = store_open(path, NULL, 0, key, &st);

	if (rc == 0)
		rc = store_person_add(st, &who, T0, ACTOR("sekdes", 0));
	for (int i = 0; rc == 0 && i < PREFILL_ROWS; i++) {
		struct punch p = mkpunch(T0 - 86400 + i * 600, false);

		rc = store_punch_add(st, &p, p.at_utc);
	}
	store_close(st);
	return rc;
}

/*
 * Every write of one punch: for k = 1, 2, ... a fresh handle, the k-th
 * write fails, the handle is closed and the store reopened and verified;
 * until a punch needs fewer than k writes.  Returns the writes a punch
 * takes, or -1.
 */
static int every_write(const char *path, enum faultvfs_fault fault, int want,
		       const char *name, bool manual, int64_t base)
{
	struct tally t = {0};
	int k, before = failures;

	for (k = 1; k <= MAX_WRITES; k++) {
		struct store *st = NULL;
		bool done;

		if (store_open(path, FAULTVFS_NAME, 0, key, &st) != 0) {
			fail("k=%d: cannot open the store", k);
			break;
		}
		done = one_case(st, path, fault, want, k,
				mkpunch(base + (int64_t)k * 600, manual), true,
				&t);
		close_and_verify(st, path, k);
		if (done) {
			t.writes = k - 1;
			break;
		}
	}
	if (k > MAX_WRITES)
		fail("%s: still faulting after %d writes", name, MAX_WRITES);
	printf("crash_faults: %-5s %-6s punch, fault at write k = 1..%d: "
	       "%d refused and unchanged, %d stored whole; %s\n",
	       name, manual ? "manual" : "reader", t.writes + 1, t.refused,
	       t.late_fault,
	       failures == before ? "chain OK each time" : "FAILED");
	return failures == before ? t.writes : -1;
}

/*
 * One handle kept open, as the daemon keeps it, and the fault placed just
 * after the writes each punch needs: the allowance grows by one after a
 * refusal (the punch needed more: a B-tree page split) and shrinks by one
 * after a clean punch, so it hugs the commit point.  Once the WAL passes
 * its checkpoint size, the commit's checkpoint is what fails, after the
 * commit point: the punch must then be stored whole and reported stored.
 */
static void checkpoint_faults(const char *path, enum faultvfs_fault fault,
			      int want, const char *name, int writes)
{
	struct tally t = {0};
	struct store *st = NULL;
	int before = failures, allow = writes, i;

	if (store_open(path, FAULTVFS_NAME, 0, key, &st) != 0) {
		fail("%s: cannot open the store", name);
		return;
	}
	for (i = 0; i < CKPT_PUNCHES_MAX && t.late_fault < CKPT_LATE_WANT &&
		    failures == before;
	     i++) {
		int refused = t.refused;
		bool clean = one_case(
			st, path, fault, want, allow + 1,
			mkpunch(T0 + 4 * 86400 + (int64_t)i * 120, false),
			false, &t);

		if (t.refused > refused)
			allow++;
		else if (clean && allow > 1)
			allow--;
	}
	/* the disk well again: the handle takes a punch and checkpoints */
	{
		struct punch p = mkpunch(T0 + 4 * 86400 - 60, false);

		if (store_punch_add(st, &p, p.at_utc) != 0)
			fail("%s: no punch after the checkpoint faults", name);
	}
	close_and_verify(st, path, i);
	if (t.late_fault < CKPT_LATE_WANT)
		fail("%s: the checkpoint never failed in %d punches", name, i);
	printf("crash_faults: %-5s checkpoint: %d punches on one handle, "
	       "fault right after each one's writes: %d refused and "
	       "unchanged, %d failed in the checkpoint after the commit "
	       "(stored whole); %s\n",
	       name, i, t.refused, t.late_fault,
	       failures == before ? "chain OK" : "FAILED");
}

static void run_fault(enum faultvfs_fault fault, int want, const char *name)
{
	char *dir = testutil_tmpdir("crash-faults"), path[512];
	int before = failures, writes = -1;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/presensi.db", dir);
	if (make_store(path) != 0) {
		fail("%s: cannot set the store up", name);
	} else {
		/* each loop on days of its own: punches never share a time */
		every_write(path, fault, want, name, true, T0);
		writes = every_write(path, fault, want, name, false,
				     T0 + 2 * 86400);
	}
	if (writes > 0)
		checkpoint_faults(path, fault, want, name, writes);
	if (failures == before)
		testutil_rmtree_free(dir);
	else
		printf("crash_faults: files kept in %s\n", dir);
}

int main(void)
{
	log_init(LOG_TO_NONE, 0);
	if (crypto_init() != 0 || faultvfs_register() != 0) {
		fprintf(stderr, "crash_faults: cannot set up crypto or VFS\n");
		return 1;
	}
	run_fault(FAULTVFS_IOERR, -EIO, "IOERR");
	run_fault(FAULTVFS_FULL, -ENOSPC, "FULL");
	if (failures) {
		printf("crash_faults: %d FAILURES\n", failures);
		return 1;
	}
	printf("crash_faults: OK\n");
	return 0;
}
