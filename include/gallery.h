/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The print gallery of presensid: which person each enrolled print (key)
 * belongs to, and the order to try prints in, the people expected at the
 * reader next first (expect.h), because identify stops at the first match.
 * Reads the store; never touches libfprint (the caller hands the prints
 * and the order to scanner.h).  Main loop only.
 */
#ifndef PRESENSI_GALLERY_H
#define PRESENSI_GALLERY_H

#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "scanner.h"
#include "store.h"

struct gallery;

/* An empty gallery.  Free with gallery_free().  0 or -ENOMEM. */
int gallery_new(struct gallery **out);
void gallery_free(struct gallery *g); /* NULL-safe */

/*
 * Reloads from st the prints of active people.  *prints gets a copy of
 * every opened template for scanner_gallery_set() (free it at once with
 * gallery_prints_free(), which wipes the blobs) and *n their count; a
 * print that does not open is skipped and listed (gallery_bad).  The
 * key-to-person map is replaced only on success, and the order's history
 * is re-read at the next gallery_order().  0, -ENOMEM, or the store's
 * error (the previous gallery stays).
 */
int gallery_load(struct gallery *g, struct store *st,
		 struct scanner_print **prints, size_t *n);
void gallery_prints_free(struct scanner_print *prints, size_t n);

/* Prints loaded. */
size_t gallery_count(const struct gallery *g);
/* The prints that did not open at the last load (altered, moved to
 * another person, sealed with another key): skipped, for status and so
 * that a new enrolment can replace one.  i < gallery_bad_count(). */
size_t gallery_bad_count(const struct gallery *g);
const struct print_rec *gallery_bad(const struct gallery *g, size_t i);
/* The person of a print key, or NULL; valid until the next load. */
const char *gallery_person_of(const struct gallery *g, int64_t key);

/*
 * The keys in the order to try them at local day/sec: people expected
 * next first.  keys must hold gallery_count() entries; *n gets how many
 * were written (every key of a person with a print).  Re-reads the last
 * EXPECT_DAYS_MAX days of punches from st when the day changed or after a
 * load.  0, -ENOMEM, -EIO (history unreadable: the order is still given,
 * from what is known).
 */
int gallery_order(struct gallery *g, struct store *st, pd_day_t today,
		  int32_t sec, int64_t *keys, size_t *n);
/* A punch just recorded joins its person's today (suppressed taps do
 * not count). */
void gallery_note_punch(struct gallery *g, const struct punch *p);

#endif /* PRESENSI_GALLERY_H */
