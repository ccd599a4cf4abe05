/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device store's readers for the core: the facts in force and the
 * rekap of a period, fed from the database into facts.h and the report
 * builder (report.h).  Read-only on the store; one read pass.  Called from
 * the daemon's main loop and by the CLI's reports.
 */
#ifndef PRESENSI_STORE_REPORT_H
#define PRESENSI_STORE_REPORT_H

#include <stddef.h>

#include "facts.h"
#include "report.h"
#include "store.h"

/* Loads every imported profile and calendar (and added days) from st.
 * A stored file that no longer parses is an error naming its seq.
 * Free with facts_free().  0, -ENOMEM, -EIO, -EINVAL (message in err). */
int store_facts_load(struct store *st, struct facts **out, char *err,
		     size_t cap);

/*
 * Builds the report of o's period from st, naming the ledger head it was
 * built at.  Free with report_free().  0, -ENOMEM, -EIO, -EINVAL (a
 * stored fact that does not parse; err says which).
 */
int store_report_build(struct store *st, const struct report_opts *o,
		       struct report **out, char *err, size_t cap);

#endif /* PRESENSI_STORE_REPORT_H */
