/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Limits and small shared types of Presensi Desa.  Every record uses fixed,
 * bounded fields sized here, so pure modules never allocate.
 */
#ifndef PRESENSI_PD_H
#define PRESENSI_PD_H

#include <stdbool.h>
#include <stdint.h>

/* The software version every program reports (bundles record it too). */
#define PD_VERSION "0.2.0"

#define PD_ID_MAX      32  /* person id (NIPD), bytes incl. NUL */
#define PD_NAME_MAX    96  /* person name, UTF-8 bytes incl. NUL */
#define PD_JABATAN_MAX 64  /* jabatan, bytes incl. NUL */
#define PD_FINGER_MAX  24  /* "right-index" etc. */
#define PD_READER_MAX  64  /* reader model: "<driver>/<device id>" */
#define PD_TEXT_MAX    256 /* reasons, references, names of holidays */
#define PD_BOOTID_MAX  40  /* /proc/sys/kernel/random/boot_id, 36 + NUL */
#define PD_HASH_HEX    65  /* SHA-256 as 64 hex digits + NUL */

/* Days are counted from 1970-01-01 (day 0) in the desa's local calendar. */
typedef int32_t pd_day_t; /* NOLINT: a plain integer alias, not a struct */

/* The version of the consent "presensi enroll" states (UU 27/2022), as
 * each "print enrol" ledger row records it; change it with the text. */
#define PD_CONSENT_VERSION "2026.1"
#define PD_CONSENT_MAX	   32 /* a consent version, bytes incl. NUL */

/* Names of the fingers accepted by "enroll --finger". */
#define PD_FINGERS                                                             \
	"left-thumb", "left-index", "left-middle", "left-ring", "left-little", \
		"right-thumb", "right-index", "right-middle", "right-ring",    \
		"right-little"

#endif /* PRESENSI_PD_H */
