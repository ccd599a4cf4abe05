/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the kecamatan knows of each box, from what the box itself sent
 * (docs/kecamatan.md "The server"): its newest punch and reader punch and
 * whether its clock was trusted, the last profile and calendar file it
 * imported, the health its last checkpoint or bundle manifest carried,
 * and the software a manifest named.  Folded row by row as rows arrive,
 * by the push API and by every import (the CLI's too).  Pure.
 */
#ifndef PRESENSI_KEC_DEVICE_H
#define PRESENSI_KEC_DEVICE_H

#include "bundle.h"
#include "kec_store.h"
#include "ledger_decode.h"

/* Folds row r, decoded as f, into d (rows come in seq order). */
void kec_device_note(struct kec_device_state *d, const struct ledger_row *r,
		     const struct ledger_fact *f);
/* Folds a bundle's manifest (software; health when newer than d's). */
void kec_device_note_manifest(struct kec_device_state *d,
			      const struct bundle_manifest *m);

#endif /* PRESENSI_KEC_DEVICE_H */
