/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fingerprint readers through libfprint: every reader libfprint finds is
 * opened and used; hot-plugged readers come and go.  Each reader runs
 * identify against the gallery prints compatible with it, and every
 * libfprint result becomes one small outcome (fprintd's device.c habit):
 * retry and disconnect are outcomes, not errors.  The heat model (TOO_HOT)
 * pauses a reader until it has cooled, then identify is re-armed.
 *
 * Only hw/scanner.c includes <fprint.h>; no GLib type appears here.
 *
 * Threads (STYLE §10).  libfprint runs on a thread that the scanner owns,
 * with its own GMainContext pushed as thread-default there; every
 * libfprint call but scanner_print_model() is made on it, so its matching
 * (bozorth3 over the gallery, inside libfprint's callbacks) never stalls
 * the caller's main loop.
 *   - The functions below are called from one thread, the caller's: the
 *     one whose thread-default context was current at scanner_new().
 *     None of them waits for the scanner thread except scanner_new(),
 *     scanner_free() and scanner_gallery_keys().
 *   - Requests (gallery set and order, enrol start and cancel, armed) are
 *     copied and queued to the scanner thread, which applies them in the
 *     order they were made; they return at once.  Their return codes come
 *     from the arguments and from the snapshot below.
 *   - Events are copied on the scanner thread and delivered, in order, by
 *     a source on the caller's context: scanner_event_fn always runs on
 *     the caller's thread, from its main loop.
 *   - scanner_reader_count() and scanner_reader_info() read a snapshot
 *     that the scanner thread updates under a mutex before it queues each
 *     event, so a caller that has seen an event sees at least its state.
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
 * Starts the scanner thread, which creates the libfprint context, opens
 * every reader found, and watches hot-plug.  Returns once the readers
 * found are in the snapshot (scanner_reader_count(); still opening: an
 * ADDED event follows each).  Identify starts on each reader once a
 * gallery is set (an empty gallery is valid: scans then yield
 * SCAN_NO_MATCH).  Events go to fn(ud, ...) on the calling thread's
 * thread-default context.  Not from inside a running loop of the global
 * default context: libfprint's enumeration spins that context.  Free with
 * scanner_free().  Returns 0, -EINVAL, -ENOMEM, -EDEADLK (the calling
 * thread runs the global default context).
 */
int scanner_new(scanner_event_fn *fn, void *ud, struct scanner **out);
/* Cancels everything, closes the readers (bounded wait) and joins the
 * scanner thread; events not yet delivered are dropped.  Not from inside
 * fn.  NULL-safe. */
void scanner_free(struct scanner *s);

/*
 * Replaces the gallery: the prints are copied (the copies are wiped once
 * deserialised) and applied on the scanner thread, where each reader keeps
 * only the prints compatible with it, in the order given (put the people
 * expected now first).  Running identifies are restarted; until they are,
 * scanner_reader_info() shows the readers unarmed.  A blob that does not
 * deserialise is logged there with its key and left out.  0, -EINVAL (s
 * NULL, or p NULL with n > 0), -ENOMEM.
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
 * the people expected now go first).  keys is copied; the order is
 * applied on the scanner thread, after the requests made before it.
 * 0, -EINVAL (s NULL, or keys NULL with n > 0), -ENOMEM.
 */
int scanner_gallery_order(struct scanner *s, const int64_t *keys, size_t n);

/*
 * For tests: the keys of the i-th connected reader's compatible prints, in
 * the order its next identify will try them, after every request made
 * before this call.  Fills keys[0 .. min(max, count)) and sets *count to
 * the full number.  Synchronous: waits for the scanner thread, which may
 * be matching (the length of one identify), so never from the daemon's
 * main loop.  0, -ENOENT (no such reader), -EINVAL (count NULL, or keys
 * NULL with max > 0).
 */
int scanner_gallery_keys(const struct scanner *s, size_t i, int64_t *keys,
			 size_t max, size_t *count);

/*
 * Enrols a finger on reader: pauses identify there, first identifies the
 * finger against the whole gallery (a match ends with ENROLL_FAILED,
 * outcome SCAN_MATCH and the print_key of the owner), then runs the
 * enrol stages (ENROLL_STAGE events) and ends with ENROLL_DONE or
 * ENROLL_FAILED (SCAN_GONE if the reader went away before the request
 * reached the scanner thread); identify resumes after.  An enrolment runs
 * from this call until its ENROLL_DONE or ENROLL_FAILED is delivered, or
 * its reader's REMOVED.  0, -ENODEV (no such reader in the snapshot, or
 * not open), -EBUSY (an enrolment is running), -ENOMEM.
 */
int scanner_enroll_start(struct scanner *s, int reader);
/*
 * Asks the running enrolment to stop: it ends with ENROLL_FAILED
 * "cancelled" (unless it ended already: its own end event is on its way).
 * 0, -ENOENT (none running), -ENOMEM.
 */
int scanner_enroll_cancel(struct scanner *s);

/* Pause or resume identify on every reader (a wake input arms it).  A
 * pause shows in scanner_reader_info() at once. */
void scanner_set_armed(struct scanner *s, int armed);

/* From the snapshot (never waits for the scanner thread). */
size_t scanner_reader_count(const struct scanner *s);
/* Fills info for the i-th connected reader from the snapshot; armed is
 * 0 while a request that ends the arm is on its way.  0 or -ENOENT. */
int scanner_reader_info(const struct scanner *s, size_t i,
			struct scanner_reader_info *info);

/*
 * Model of a serialised print ("<driver>/<device id>"); 0 or -EINVAL.
 * Parses the blob only (no context, no device), so it is the one call
 * that runs libfprint on the caller's thread; any thread may call it.
 */
int scanner_print_model(const uint8_t *blob, size_t len, char *model,
			size_t model_len);

#endif /* PRESENSI_SCANNER_H */
