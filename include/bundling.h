/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The desa's side of the monthly bundle (docs/bundle.md): builds a month's
 * bundle from the device store.  At closing, bundling_freeze makes the
 * parts a complete bundle holds besides its ledger rows (the rekap as CSV,
 * XLSX and HTML stamped with the closing time, the rules files in force,
 * the calendar set's version), which the store keeps with the checkpoint;
 * bundling_make then assembles a complete bundle from those and the rows,
 * the same bytes every time, or an interim one from the store as it is
 * now.  Signs with the device key, which only presensid holds.  No GLib:
 * called from presensid's main loop and from unit tests.
 */
#ifndef PRESENSI_BUNDLING_H
#define PRESENSI_BUNDLING_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "conf.h"
#include "crypto.h"
#include "store.h"

#define BUNDLING_FILES_MAX (2 * BUNDLE_RULES_MAX + 3) /* rules + rekap.* */

/* A month's frozen parts, owned: free with bundling_frozen_free(). */
struct bundling_frozen {
	struct store_frozen fz; /* what store_checkpoint_add takes */
	struct store_frozen_file files[BUNDLING_FILES_MAX];
	void *data[BUNDLING_FILES_MAX]; /* each file's bytes (owned) */
	char labels[BUNDLING_FILES_MAX][PD_TEXT_MAX];
	char names[BUNDLING_FILES_MAX][BUNDLE_NAME_MAX];
	char software[BUNDLE_SOFTWARE_MAX];
	char calendar_set[PD_HASH_HEX];
};

/*
 * The parts of month's bundle from the store as it is now, stamped with
 * at_utc ("dibuat pada", and "today" for the rekap).  The XLSX is written
 * through a private directory under $TMPDIR (or /tmp) and read back.
 * 0, -ENOMEM, -EIO, -EINVAL (a stored fact that does not parse, a month
 * that is not YYYY-MM); why says.
 */
int bundling_freeze(struct store *st, const struct conf *c, const char *month,
		    int64_t at_utc, struct bundling_frozen **out, char *why,
		    size_t cap);
void bundling_frozen_free(struct bundling_frozen *f); /* NULL-safe */

/* What bundling_make needs; borrowed for the call. */
struct bundling_deps {
	struct store *store;
	const struct conf *conf;
	const struct crypto_devkey *key; /* the device key */
	int64_t now_utc;		 /* for an interim bundle */
};

/*
 * month's bundle in memory (*zip, free with free()): complete when the
 * month is closed, built from its checkpoint and frozen parts, else
 * interim, from the rows after the last checkpoint to the head and the
 * month's rekap now.  *status and name (the file name) are set too.
 * -ENOENT nothing recorded for an interim bundle (no row since the last
 * close), -EINVAL a month after the running one or not YYYY-MM, -ENOMEM,
 * -EIO, or a database error; why says.
 */
int bundling_make(const struct bundling_deps *d, const char *month,
		  uint8_t **zip, size_t *zip_len, enum bundle_status *status,
		  char name[BUNDLE_FILE_NAME_MAX], char *why, size_t cap);

#endif /* PRESENSI_BUNDLING_H */
