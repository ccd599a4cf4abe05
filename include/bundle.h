/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monthly bundle (docs/bundle.md): one signed ZIP file per desa per
 * month with the month's ledger rows, the rekap the box computed and the
 * rules it used.  This module reads and verifies a bundle from the file
 * alone, for the box's "presensi verify" and for the kecamatan's import,
 * and assembles one from entries the caller made.  It needs no store and no
 * daemon: only the core (ledger lines), crypto (SHA-256, Ed25519) and json.
 * bundle.c is the only includer of libzip's zip.h; bundle_manifest.c holds
 * the manifest's JSON form, bundle_verify.c the checks (bundle_int.h).
 *
 * Reading: bundle_open() applies every limit of docs/bundle.md (entry
 * names, count, sizes, compression ratio, duplicates, damage) before any
 * byte is decompressed; bundle_verify() runs checks 2 to 7, reporting one
 * line per check through a callback and stopping at the first failure;
 * then bundle_ledger_each() hands over the rows.  A bundle is used from one
 * thread at a time.
 */
#ifndef PRESENSI_BUNDLE_H
#define PRESENSI_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "crypto.h"
#include "ledger.h"
#include "pd.h"

/* ---- limits (docs/bundle.md, "Name and container") ---- */
#define BUNDLE_FORMAT	       1	      /* manifest "format" */
#define BUNDLE_ENTRIES_MAX     64	      /* entries in one archive */
#define BUNDLE_ENTRY_MAX_BYTES (64ULL << 20)  /* one entry, uncompressed */
#define BUNDLE_TOTAL_MAX_BYTES (256ULL << 20) /* all entries, uncompressed */
#define BUNDLE_RATIO_MAX       200	      /* uncompressed / compressed */
#define BUNDLE_NAME_MAX	       64  /* an entry name + NUL ("rules/...ini") */
#define BUNDLE_RULES_MAX       16  /* profiles, or calendars, in one bundle */
#define BUNDLE_SOFTWARE_MAX    64  /* "presensi 0.2.0" */
#define BUNDLE_WHY_MAX	       256 /* a reason buffer that always suffices */
/* "presensi-<desa-id>-<YYYY-MM>.zip" + NUL */
#define BUNDLE_FILE_NAME_MAX (PD_ID_MAX + LEDGER_MONTH_LEN + 16)

/* The fixed entries. */
#define BUNDLE_LEDGER	      "ledger.csv"
#define BUNDLE_REKAP_CSV      "rekap.csv"
#define BUNDLE_REKAP_XLSX     "rekap.xlsx"
#define BUNDLE_REKAP_HTML     "rekap.html"
#define BUNDLE_MANIFEST	      "manifest.json"
#define BUNDLE_SIGNATURE      "manifest.sig"
#define BUNDLE_PROFILE_ENTRY  "rules/profile-"	/* + 16 hex + ".ini" */
#define BUNDLE_CALENDAR_ENTRY "rules/calendar-" /* + 16 hex + ".ini" */
/* ledger.csv's header line (each line ends with CRLF). */
#define BUNDLE_LEDGER_HEADER                                                   \
	"seq,kind,recorded_utc,person,at_utc,data,prev_hash,hash"

enum bundle_status {
	BUNDLE_INTERIM = 0,  /* the running month, not yet closed */
	BUNDLE_COMPLETE = 1, /* ends with the month's checkpoint row */
};

/* The kinds "counts" lists, in this order (sorted, as in the JSON). */
#define BUNDLE_KINDS 8
/* "calendar" "checkpoint" "excuse" "person" "print" "profile" "punch"
 * "revoke" for i in 0..BUNDLE_KINDS-1, else NULL. */
const char *bundle_kind_name(int i);
/* The index of a kind, or -1 for one the format does not know. */
int bundle_kind_index(const char *kind);

struct bundle_rules_file {
	char file[BUNDLE_NAME_MAX]; /* "rules/profile-0f1e2d3c4b5a6978.ini" */
	char name[PD_TEXT_MAX];	    /* the name in the file */
	char version[PD_HASH_HEX];  /* SHA-256 of the file's bytes */
};

struct bundle_file_hash {
	char name[BUNDLE_NAME_MAX];
	char sha256[PD_HASH_HEX];
};

/* manifest.json, field by field (docs/bundle.md). */
struct bundle_manifest {
	int format;			   /* BUNDLE_FORMAT */
	enum bundle_status status;	   /* "complete" / "interim" */
	char period[LEDGER_MONTH_LEN];	   /* "YYYY-MM" */
	char desa_id[PD_ID_MAX];	   /* desa.id */
	char desa_name[PD_NAME_MAX];	   /* desa.name */
	char kecamatan[PD_NAME_MAX];	   /* may be "" */
	char device_id[CRYPTO_FPR_MAX];	   /* fingerprint of public_key */
	char public_key[CRYPTO_PK_HEX];	   /* 64 hex */
	int64_t closed_utc;		   /* "closed_utc", UTC seconds */
	int64_t first_seq, last_seq, rows; /* ledger.* */
	char prev_hash[PD_HASH_HEX];	   /* ledger.prev_hash */
	char head[PD_HASH_HEX];		   /* ledger.head */
	int64_t counts[BUNDLE_KINDS];	   /* by bundle_kind_name(i) */
	char calendar_set[PD_HASH_HEX];	   /* facts_calendar_version */
	int nprofiles;
	struct bundle_rules_file profiles[BUNDLE_RULES_MAX];
	int ncalendars;
	struct bundle_rules_file calendars[BUNDLE_RULES_MAX];
	struct ledger_health health; /* health.* */
	int nfiles;		     /* files: every other entry */
	struct bundle_file_hash files[BUNDLE_ENTRIES_MAX];
	char software[BUNDLE_SOFTWARE_MAX]; /* "presensi 0.2.0" */
};

/* ---- reading ---- */
struct bundle;

/*
 * Opens the bundle at path (or len bytes at buf, copied) and applies the
 * container's limits: a damaged archive, more than BUNDLE_ENTRIES_MAX
 * entries, an entry name that is absolute, holds "..", a backslash or a
 * NUL, or is not one of the entries docs/bundle.md allows, a duplicate
 * name, an entry over BUNDLE_ENTRY_MAX_BYTES uncompressed or a total over
 * BUNDLE_TOTAL_MAX_BYTES, a compression ratio over BUNDLE_RATIO_MAX, or a
 * missing fixed entry (ledger.csv, rekap.*, manifest.*) are all refused
 * with -EBADMSG and a one-line reason in why (BUNDLE_WHY_MAX suffices).
 * Other failures: -ENOMEM, or -errno of open/read (why says).  Nothing is
 * decompressed here.  Free with bundle_close().
 */
int bundle_open(const char *path, struct bundle **out, char *why, size_t cap);
int bundle_open_mem(const void *buf, size_t len, struct bundle **out, char *why,
		    size_t cap);
void bundle_close(struct bundle *b); /* NULL-safe */

/* Entries in archive order; names are valid while b is open. */
size_t bundle_entry_count(const struct bundle *b);
const char *bundle_entry_name(const struct bundle *b, size_t i);
/*
 * Decompresses entry name into a new buffer (*data, NUL-terminated for
 * convenience, *len without it; free with free()).  Never returns more
 * than the size the archive declares.  0, -ENOENT (no such entry),
 * -ENOMEM, -EBADMSG (damaged: bad data, CRC, or a size other than the
 * declared one; why says).
 */
int bundle_entry_read(struct bundle *b, const char *name, uint8_t **data,
		      size_t *len, char *why, size_t cap);

/*
 * Parses manifest.json (check 2): every key of docs/bundle.md and no other,
 * each of its type and form, device_id the fingerprint of public_key.
 * *m points into b, valid while b is open.  0, -EBADMSG (why says), -ENOMEM.
 */
int bundle_manifest_get(struct bundle *b, const struct bundle_manifest **m,
			char *why, size_t cap);

/* ---- verifying (docs/bundle.md, "Checks") ---- */
enum bundle_check {
	BUNDLE_CHECK_ARCHIVE = 1, /* opens, allowed entries, limits */
	BUNDLE_CHECK_MANIFEST,	  /* parses, every key, device id */
	BUNDLE_CHECK_SIGNATURE,	  /* manifest.sig by device.public_key */
	BUNDLE_CHECK_FILES,	  /* every entry's SHA-256 is in files */
	BUNDLE_CHECK_CHAIN,	  /* ledger.csv rows, seqs, hashes, links */
	BUNDLE_CHECK_COUNTS,	  /* counts, rows, checkpoint of period */
	BUNDLE_CHECK_RULES,	  /* rules/ files hash to their versions */
};
#define BUNDLE_CHECKS 7
/* "archive" "manifest" "signature" "files" "chain" "counts" "rules". */
const char *bundle_check_name(enum bundle_check c);

/*
 * Called once per check in order: ok with a short detail (may be ""), or
 * not ok with the reason ("row 57 does not link: ..."); after a failure no
 * further check runs.
 */
typedef void bundle_check_fn(void *ud, enum bundle_check check, bool ok,
			     const char *detail);
/*
 * Runs checks 2 to 7 on an open bundle.  0 when all pass, -EBADMSG when
 * one failed (fn was told which and why), -ENOMEM.
 */
int bundle_verify(struct bundle *b, bundle_check_fn *fn, void *ud);
/* Opens path (check 1) and runs bundle_verify.  Same returns; a file that
 * cannot be read fails check 1. */
int bundle_verify_file(const char *path, bundle_check_fn *fn, void *ud);

/*
 * Calls fn with each row of ledger.csv in order (the header line checked
 * and skipped); stops at and returns fn's first non-zero.  A line that
 * does not parse is -EBADMSG naming its line in why.  Run bundle_verify()
 * first: this parses, it does not check the chain.
 */
typedef int bundle_row_fn(void *ud, const struct ledger_row *r);
int bundle_ledger_each(struct bundle *b, bundle_row_fn *fn, void *ud, char *why,
		       size_t cap);

/*
 * Continuity between bundles of one device (the kecamatan's check; verify
 * alone checks one file).  bundle_follows: m's first row comes right after
 * row seq whose hash is head (seq 0 and 64 zeros for a device never seen).
 * bundle_continues: next is signed by the same device key as prev and
 * follows prev's last row.  0, or -EBADMSG with the reason in why.
 */
int bundle_follows(const struct bundle_manifest *m, int64_t seq,
		   const char *head, char *why, size_t cap);
int bundle_continues(const struct bundle_manifest *prev,
		     const struct bundle_manifest *next, char *why, size_t cap);

/* ---- writing ---- */
struct bundle_entry {
	const char *name; /* one of the allowed names */
	const void *data;
	size_t len;
};

/* "presensi-<desa_id>-<period>.zip"; -ENAMETOOLONG if it does not fit. */
int bundle_file_name(const char *desa_id, const char *period,
		     char out[BUNDLE_FILE_NAME_MAX]);
/* "rules/profile-<16 hex>.ini" or "rules/calendar-<16 hex>.ini" for a
 * file's version (64 hex digits). */
void bundle_rules_entry(bool calendar, const char *version,
			char out[BUNDLE_NAME_MAX]);
/* One ledger.csv line of r: its export line and CRLF.  Returns the
 * length, or -ENAMETOOLONG. */
int bundle_ledger_line(const struct ledger_row *r, char *buf, size_t cap);

/*
 * manifest.json's bytes for m: keys sorted, two-space indent, a final
 * newline (json.h).  Free *json with free().  0, -ENOMEM, -EINVAL (a
 * field that is not UTF-8).
 */
int bundle_manifest_encode(const struct bundle_manifest *m, char **json,
			   size_t *len);
/* The reverse, with check 2's rules (bundle_manifest_get). */
int bundle_manifest_decode(const char *json, size_t len,
			   struct bundle_manifest *m, char *why, size_t cap);

/*
 * Assembles a bundle: sets m's device id and public key from key and its
 * files from entries (their SHA-256), encodes manifest.json, signs it, and
 * writes a ZIP in memory with entries in order, then manifest.json and
 * manifest.sig last; every entry deflated and dated m->closed_utc, so the
 * same input gives the same bytes.  The caller fills every other field of
 * m.  *zip is freed with free().  0, -ENOMEM, -EINVAL (a name not allowed,
 * too many entries), -EIO (libzip failed; why says).
 */
int bundle_write(struct bundle_manifest *m, const struct bundle_entry *entries,
		 size_t n, const struct crypto_devkey *key, uint8_t **zip,
		 size_t *zip_len, char *why, size_t cap);
/*
 * A raw ZIP of entries, in order, dated mtime_utc, with no manifest added
 * and no name checked: for tests that build damaged bundles, and for
 * bundle_write.  Same returns.
 */
int bundle_zip(const struct bundle_entry *entries, size_t n, int64_t mtime_utc,
	       uint8_t **zip, size_t *zip_len, char *why, size_t cap);

#endif /* PRESENSI_BUNDLE_H */
