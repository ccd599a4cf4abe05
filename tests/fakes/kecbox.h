/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A desa's box for the kecamatan's tests: a real device store, its
 * configuration and device key, filled through the store's own API (the
 * daemon's path for people, rules, punches and excuses), closed with
 * closing_close and exported with bundling_make, the code behind
 * "presensi close" and "presensi export".  Every function fails the
 * running cmocka test on an unexpected error.
 */
#ifndef PRESENSI_KECBOX_H
#define PRESENSI_KECBOX_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "crypto.h"
#include "report.h"
#include "store.h"

#define KECBOX_WIB 420

struct kecbox {
	char *dir;
	char path[256];
	struct store *st;
	struct conf conf;
	struct crypto_devkey key;
	char public_key[CRYPTO_PK_HEX];
	char fingerprint[CRYPTO_FPR_MAX];
};

/* Local time in WIB as UTC seconds. */
int64_t kecbox_at(int y, int mo, int d, int h, int mi, int s);

/* A new box of desa id/name whose device key comes from seed. */
void kecbox_open(struct kecbox *b, const char *desa_id, const char *name,
		 uint8_t seed);
void kecbox_close(struct kecbox *b);
/* The shipped PPU 24/2018 5 hari profile from from_day, and the 2026
 * calendar, imported at when. */
void kecbox_rules(struct kecbox *b, pd_day_t from_day, int64_t when);
void kecbox_person(struct kecbox *b, const char *id, const char *name,
		   pd_day_t since, int64_t when);
/* One reader punch at t (stored at t); flags PUNCH_F_*. */
void kecbox_punch(struct kecbox *b, const char *id, int64_t t,
		  unsigned int flags);
/* A manual punch at t, entered at when. */
void kecbox_manual(struct kecbox *b, const char *id, int64_t t, int64_t when);
/* An excuse of kind over from..to entered at when; returns its id. */
int64_t kecbox_excuse(struct kecbox *b, const char *id, const char *kind,
		      pd_day_t from, pd_day_t to, int64_t when);
/*
 * Punches of ids[0..n) on every working day of [from, to] under the
 * profile (Monday to Friday, not a 2026 holiday): arrivals and leaves
 * spread by a fixed pattern (some late, some early, a few days away).
 */
void kecbox_days(struct kecbox *b, const char *const *ids, size_t n,
		 pd_day_t from, pd_day_t to);
/* Closes month ("YYYY-MM") at now, as "presensi close" does. */
void kecbox_close_month(struct kecbox *b, const char *month, int64_t now);
/* month's bundle as "presensi export" makes it at now (free *zip). */
void kecbox_bundle(struct kecbox *b, const char *month, int64_t now,
		   uint8_t **zip, size_t *len);
/* The box's own rekap CSV of month as of now (free the result). */
char *kecbox_rekap_csv(struct kecbox *b, const char *month, int64_t now);

#endif /* PRESENSI_KECBOX_H */
