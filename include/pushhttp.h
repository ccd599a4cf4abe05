/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live push's HTTP client (docs/push.md, "HTTP"): libsoup's async
 * SoupSession on the thread-default GLib main context; pushhttp.c is the
 * only includer of libsoup, and no GLib or libsoup type leaves it.
 *
 * HTTPS is taken only from the server whose certificate's SHA-256 is the
 * one pinned in [push] pin_sha256: the session has no CA database, so
 * every certificate comes to the pin check, and a certificate that is not
 * the pinned one is refused before anything is sent.  Plain HTTP goes to
 * loopback only (conf.c refuses anything else).
 */
#ifndef PRESENSI_PUSHHTTP_H
#define PRESENSI_PUSHHTTP_H

#include <stddef.h>

#include "pd.h"

#define PUSHHTTP_TIMEOUT_S 60 /* no byte moved this long: the try failed */
#define PUSHHTTP_WHY_MAX   256

struct pushhttp;

/*
 * An answer, on the main loop: status is the HTTP status, or 0 when none
 * came (why says why: the connection, TLS, a certificate not pinned).
 * body is valid during the call only.
 */
typedef void pushhttp_done_fn(void *ud, int status, const char *body,
			      size_t len, const char *why);

/* A client of base_url ("https://host[:port][/prefix]" or a loopback
 * "http://...") with the certificate pin (64 hex; "" for http).  Free with
 * pushhttp_free().  0, -EINVAL (a URL or pin it cannot use), -ENOMEM. */
int pushhttp_new(const char *base_url, const char *pin_sha256,
		 struct pushhttp **out);
/* Cancels what is in flight (its callback is not called).  NULL-safe. */
void pushhttp_free(struct pushhttp *h);

/*
 * Sends method ("GET", "POST") to base_url + path (with its query) and
 * calls fn once with the answer.  body (len bytes, copied) goes with
 * content_type; NULL for none.  One request at a time: -EBUSY while one
 * is in flight.  0 or -EINVAL, -ENOMEM.
 */
int pushhttp_request(struct pushhttp *h, const char *method, const char *path,
		     const char *content_type, const void *body, size_t len,
		     pushhttp_done_fn *fn, void *ud);
/* Whether a request is in flight. */
int pushhttp_busy(const struct pushhttp *h);

/* 0 when the SHA-256 of der (a certificate in DER) is pin (64 lower-case
 * hex), -EPERM when not; actual gets the certificate's (may be NULL). */
int pushhttp_pin_check(const void *der, size_t len, const char *pin,
		       char actual[PD_HASH_HEX]);

#endif /* PRESENSI_PUSHHTTP_H */
