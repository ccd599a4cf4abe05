/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Feeding a running presensid's virtual_image reader from another process:
 * wait (over the control socket) until the reader's finger-status is
 * NEEDED, send one image or header, then wait until the daemon re-armed,
 * which means the image was consumed and its outcome handled.  Used by the
 * end-to-end tests, the demo and pd-feed.
 */
#ifndef PRESENSI_TOOLS_PDFEED_H
#define PRESENSI_TOOLS_PDFEED_H

#include <stdint.h>

/* Asks presensid to answer once reader is armed with a generation above
 * after; *gen gets it.  enrolment: only while an enrolment runs, else
 * -ENOENT.  0, -ETIMEDOUT, or -errno talking to the socket. */
int pdfeed_wait_armed(const char *ctl, int reader, uint64_t after,
		      int enrolment, int timeout_ms, uint64_t *gen);

enum pdfeed_kind {
	PDFEED_IMAGE = 0, /* fingergen finger/impression */
	PDFEED_RETRY,	  /* header (-1, code) */
	PDFEED_ERROR,	  /* header (-2, code) */
	PDFEED_UNPLUG,	  /* header (-5, 0) */
};

struct pdfeed {
	const char *ctl;    /* presensid control socket */
	const char *vimage; /* FP_VIRTUAL_IMAGE socket */
	int reader;
	enum pdfeed_kind kind;
	uint32_t finger, impression; /* PDFEED_IMAGE */
	int code;		     /* PDFEED_RETRY / PDFEED_ERROR */
	int wait_after;		     /* wait for the re-arm after sending */
	int enrolment;		     /* send only into a running enrolment */
	int timeout_ms;		     /* per wait */
};

/* Waits for the arm, sends, optionally waits for the re-arm.  0/-errno. */
int pdfeed_send(const struct pdfeed *f);

#endif /* PRESENSI_TOOLS_PDFEED_H */
