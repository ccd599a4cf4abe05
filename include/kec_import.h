/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Importing a desa's monthly bundle at the kecamatan (docs/kecamatan.md
 * "Import", docs/bundle.md "Checks"): the shared bundle reader's checks
 * 1 to 7, then the kecamatan's own: the device key is trusted for that
 * desa, the rows continue the last row held for that device (or start at
 * row 1 for a device never seen), rows already held are identical, and
 * every row decodes.  Then, in one transaction, the new rows, their
 * punches and the rule files are stored, keyed by (device, seq), so the
 * same or an overlapping bundle twice changes nothing; and a complete
 * bundle's own rekap.csv is checked against the recompute over the same
 * rows.  Every attempt is logged with its result, a one-line reason and
 * the time it was received, which is what counts for kepatuhan
 * pelaporan.  A refused bundle stores nothing but its log line.
 */
#ifndef PRESENSI_KEC_IMPORT_H
#define PRESENSI_KEC_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "kec_store.h"

#define KEC_IMPORT_FILE_MAX (256LL << 20) /* a bundle file, bytes */

struct kec_import_opts {
	const struct kec_info *kec; /* the kecamatan importing */
	int64_t received_utc;	    /* the kecamatan's clock */
	const char *by;		    /* the system user importing */
};

/*
 * Imports the bundle zip (len bytes) that arrived as file (its name, for
 * the log).  *r receives the log record: r->result is KEC_IMPORT_OK
 * (merged; r->rows_new rows were new), KEC_IMPORT_DUPLICATE (every row
 * was held already: nothing changed) or KEC_IMPORT_REFUSED (r->reason
 * says why, "check: detail").  Returns 0 when the attempt was logged,
 * whatever its result, or a negative errno when even the log could not
 * be written (r->reason says why).
 */
int kec_import_mem(struct kec_store *st, const struct kec_import_opts *o,
		   const char *file, const void *zip, size_t len,
		   struct kec_import *r);
/* The same for the file at path (a file that cannot be read is refused
 * and logged). */
int kec_import_file(struct kec_store *st, const struct kec_import_opts *o,
		    const char *path, struct kec_import *r);

#endif /* PRESENSI_KEC_IMPORT_H */
