/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kecamatan's administrative acts (docs/kecamatan.md "Commands"):
 * creating a kecamatan on the server, choosing the one a command works
 * on, trusting a desa's device key (and re-keying a replaced box, with a
 * reason, audited), and the kecamatan office's own holidays, which move
 * the reporting deadline.  Each act is one transaction.  Called by the
 * presensi-kecamatan program.
 */
#ifndef PRESENSI_KEC_ADMIN_H
#define PRESENSI_KEC_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "kec_store.h"

#define KEC_ADMIN_WHY_MAX 512 /* a reason buffer that always suffices */

/*
 * Creates kecamatan name (of kabupaten, may be "") in zone timezone
 * ("Asia/Jakarta", NULL for it) with the bundle due on deadline_mday of
 * the next month (0 for the default, the 5th).  0; -EEXIST the name is
 * taken; -EINVAL a bad name, zone or day; a store error.  why says.
 */
int kec_admin_init(struct kec_store *st, const char *name,
		   const char *kabupaten, const char *timezone,
		   int deadline_mday, int64_t now_utc, struct kec_info *out,
		   char *why, size_t cap);

/*
 * The kecamatan a command works on: the one named, or the only one on
 * the server when name is NULL.  0; -ENOENT none, or no such name;
 * -EINVAL several and no name given (why lists them).
 */
int kec_admin_pick(struct kec_store *st, const char *name, struct kec_info *out,
		   char *why, size_t cap);

/*
 * Trusts public_key (64 hex digits) as desa_id's device key, registering
 * the desa (or renaming it) as desa_name.  A desa that already has a key
 * is a re-key (a box replaced after its SD card died): reason is then
 * required, the old keys are marked replaced (their bundles still
 * verify), and the new key's chain is accepted from its row 1.  Audited
 * with by.  0; -EEXIST the key is trusted already (why names the desa);
 * -EINVAL a bad key, id or name, or a re-key without reason; a store
 * error.  *out (may be NULL) gets the key with its fingerprint.
 */
int kec_admin_trust(struct kec_store *st, const struct kec_info *kec,
		    const char *desa_id, const char *desa_name,
		    const char *public_key, const char *reason, int64_t now_utc,
		    const char *by, struct kec_key *out, char *why, size_t cap);

/* The office calendar: a yearly file's text (named name in messages) or
 * one day of kind "libur", "cuti_bersama", "lokal".  0, -EINVAL (why
 * says: every error of the file), or a store error.  Audited. */
int kec_admin_calendar_file(struct kec_store *st, const struct kec_info *kec,
			    const char *name, const char *text, int64_t now_utc,
			    const char *by, char *why, size_t cap);
int kec_admin_calendar_day(struct kec_store *st, const struct kec_info *kec,
			   pd_day_t day, const char *kind, const char *name,
			   int64_t now_utc, const char *by, char *why,
			   size_t cap);

#endif /* PRESENSI_KEC_ADMIN_H */
