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
 * each "print enrol" ledger row records it; change it with the text.
 * 2026.1 was the one-line English statement of the first release. */
#define PD_CONSENT_VERSION "2026.2"
#define PD_CONSENT_MAX	   32 /* a consent version, bytes incl. NUL */
/* The consent text itself, in Indonesian, as "presensi enroll" shows it
 * before anything is scanned (docs/domain.md §6.5).  Every line fits 80
 * columns; the command prints the version above it. */
#define PD_CONSENT_TEXT                                                        \
	"PERSETUJUAN PENDAFTARAN SIDIK JARI\n"                                 \
	"Sidik jari adalah data pribadi yang bersifat spesifik (data\n"        \
	"biometrik, UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi).\n" \
	"- Tujuan: hanya untuk mencatat kehadiran (presensi) di alat ini.\n"   \
	"- Templat sidik jari disimpan terenkripsi hanya di alat ini;\n"       \
	"  templat tidak dikirim ke kecamatan, tidak ikut cadangan\n"          \
	"  (backup), dan tidak pernah diekspor.\n"                             \
	"- Yang dicatat tentang pendaftaran ini: siapa yang mendaftarkan,\n"   \
	"  kapan, jari mana, dan versi teks persetujuan ini.\n"                \
	"- Anda boleh menolak; kehadiran Anda lalu dicatat dengan cara lain\n" \
	"  yang ditetapkan desa. Persetujuan dapat ditarik kapan saja:\n"      \
	"  templat dihapus saat itu juga (presensi person forget-prints),\n"   \
	"  dan juga ketika Anda berhenti bertugas.\n"                          \
	"- Catatan kehadiran Anda tidak ikut dihapus: itu arsip resmi\n"       \
	"  pemerintah desa.\n"                                                 \
	"- Anda berhak melihat semua data tentang Anda yang disimpan alat\n"   \
	"  ini (presensi person report).\n"

/* Names of the fingers accepted by "enroll --finger". */
#define PD_FINGERS                                                             \
	"left-thumb", "left-index", "left-middle", "left-ring", "left-little", \
		"right-thumb", "right-index", "right-middle", "right-ring",    \
		"right-little"

#endif /* PRESENSI_PD_H */
