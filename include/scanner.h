/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fingerprint readers through libfprint: every reader libfprint finds is
 * opened and used; hot-plugged readers come and go.  Each reader runs
 * identify against the gallery prints compatible with it, and every
 * libfprint result becomes one small outcome (fprintd's device.c habit):
 * retry and disconnect are outcomes, not errors.  The heat model (TOO_HOT)
 * pauses a reader until it has cooled, then identify is re-armed.
 *
 * Only hw/scanner.c includes <fprint.h>; no GLib type appears here.  All
 * calls and callbacks run in the thread of the GMainContext that was the
 * thread-default when scanner_new() was called.
 */
#ifndef PRESENSI_SCANNER_H
#define PRESENSI_SCANNER_H

#include <stddef.h>
#include <stdint.h>

#include "pd.h"

enum scan_outcome {
	SCAN_MATCH = 0, /* a gallery print matched: event.print_key */
	SCAN_NO_MATCH,	/* a good scan that matched nobody */
	SCAN_RETRY,	/* too short, not centred, remove and retry */
	SCAN_GONE,	/* the reader disappeared */
	SCAN_FAILED,	/* any other device error */
};

enum scanner_event_kind {
	SCANNER_EV_ADDED = 0, /* a reader was opened */
	SCANNER_EV_REMOVED,   /* a reader vanished */
	SCANNER_EV_ARMED,     /* finger-status NEEDED: waiting for a finger */
	SCANNER_EV_RESULT,    /* identify finished: outcome, print_key */
	SCANNER_EV_COOLING,   /* TOO_HOT: paused until cool */
	SCANNER_EV_COOLED,    /* cool again; identify re-armed */
	SCANNER_EV_ENROLL_STAGE, /* enrol stage done: stage/stages */
	SCANNER_EV_ENROLL_DONE,	 /* enrol finished: blob/blob_len */
	SCANNER_EV_ENROLL_FAILED /* outcome + message (duplicate, error) */
};

struct scanner_event {
	enum scanner_event_kind kind;
	int reader;		   /* reader index, stable while connected */
	const char *model;	   /* "<driver>/<device id>" */
	enum scan_outcome outcome; /* RESULT, ENROLL_FAILED */
	int64_t print_key;	   /* MATCH: key given in the gallery */
	int retry_code;		   /* RETRY: libfprint's FpDeviceRetry */
	uint64_t t_image_us;	   /* monotonic: image captured */
	uint64_t t_decision_us;	   /* monotonic: identify decided */
	uint64_t armed_gen;	   /* ARMED: increments every arm */
	int stage, stages;	   /* ENROLL_STAGE / ENROLL_DONE */
	const uint8_t *blob;	   /* ENROLL_DONE: serialised print */
	size_t blob_len;	   /*   valid only during the callback */
	const char *message;	   /* human text for failures, or NULL */
};

typedef void scanner_event_fn(void *ud, const struct scanner_event *ev);

/* One enrolled print handed to the scanner; blob is borrowed. */
struct scanner_print {
	int64_t key;	     /* caller's id for the print (prints.id) */
	const uint8_t *blob; /* fp_print_serialize() bytes */
	size_t blob_len;
};

struct scanner_reader_info {
	int reader;
	char model[PD_READER_MAX]; /* "<driver>/<device id>" */
	char name[PD_TEXT_MAX];	   /* libfprint's full name */
	const char *state;	   /* "idle", "identify", "enroll",
				      "cooling", "error" */
	const char *temperature;   /* "cold", "warm", "hot" */
	int heats;		   /* 1: libfprint's heat model applies (TOO_HOT
				      after ~180 s armed); 0: the driver is
				      always-on (hw/README.md) */
	uint64_t armed_gen;
	int armed;	/* finger-status NEEDED now */
	size_t gallery; /* compatible prints loaded */
};

struct scanner;

/*
 * Creates the libfprint context, opens every reader found, and watches
 * hot-plug.  Identify starts on each reader once a gallery is set (an
 * empty gallery is valid: scans then yield SCAN_NO_MATCH).  Free with
 * scanner_free().  Returns 0, -ENOMEM.
 */
int scanner_new(scanner_event_fn *fn, void *ud, struct scanner **out);
/* Cancels everything and closes the readers.  NULL-safe. */
void scanner_free(struct scanner *s);

/*
 * Replaces the gallery (deserialised here once; each reader keeps only the
 * prints compatible with it, in the order given: put the people expected
 * now first).  Running identifies are restarted.  0, -EINVAL (a blob that
 * does not deserialise: its key is logged, the rest are used), -ENOMEM.
 */
int scanner_gallery_set(struct scanner *s, const struct scanner_print *p,
			size_t n);

/*
 * Reorders the gallery without deserialising anything: the prints whose
 * keys are listed come first, in the order of keys; the rest keep their
 * relative order after them; keys not in the gallery and repeats are
 * ignored.  Every reader's compatible list follows, and so does a reader
 * plugged in later.  A running identify is not cancelled: it finishes over
 * the list it was given, and the new order applies from the next identify
 * (libfprint tries the prints in order and stops at the first match, so
 * the people expected now go first).  keys is borrowed for the call.
 * 0, -EINVAL (s NULL, or keys NULL with n > 0), -ENOMEM.
 */
int scanner_gallery_order(struct scanner *s, const int64_t *keys, size_t n);

/*
 * For tests and status: the keys of the i-th connected reader's
 * compatible prints, in the order its next identify will try them.  Fills
 * keys[0 .. min(max, count)) and sets *count to the full number.
 * 0, -ENOENT (no such reader), -EINVAL (count NULL, or keys NULL with
 * max > 0).
 */
int scanner_gallery_keys(const struct scanner *s, size_t i, int64_t *keys,
			 size_t max, size_t *count);

/*
 * Enrols a finger on reader: pauses identify there, first identifies the
 * finger against the whole gallery (a match ends with ENROLL_FAILED,
 * outcome SCAN_MATCH and the print_key of the owner), then runs the
 * enrol stages (ENROLL_STAGE events) and ends with ENROLL_DONE or
 * ENROLL_FAILED; identify resumes after.  0, -ENODEV (no such reader),
 * -EBUSY (an enrolment is running).
 */
int scanner_enroll_start(struct scanner *s, int reader);
int scanner_enroll_cancel(struct scanner *s);

/* Pause or resume identify on every reader (a wake input arms it). */
void scanner_set_armed(struct scanner *s, int armed);

size_t scanner_reader_count(const struct scanner *s);
/* Fills info for the i-th connected reader; 0 or -ENOENT. */
int scanner_reader_info(const struct scanner *s, size_t i,
			struct scanner_reader_info *info);

/* Model of a serialised print ("<driver>/<device id>"); 0 or -EINVAL. */
int scanner_print_model(const uint8_t *blob, size_t len, char *model,
			size_t model_len);

#endif /* PRESENSI_SCANNER_H */
