/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecamatand's HTTP module: the only includer of libsoup (SoupServer on
 * the GLib main loop).  It listens (HTTPS from PEM files, or plain HTTP on
 * loopback), refuses a body over its cap before reading it, pauses each
 * request and runs kecd_handle() on a worker thread, each worker with its
 * own store connection: the push API on its own pool, so a slow page
 * never holds up a box.  The answer is sent from the main loop.
 */
#ifndef PRESENSI_KECD_HTTP_H
#define PRESENSI_KECD_HTTP_H

#include <stddef.h>

#include "kecd.h"

struct kecd_http;

/*
 * Loads the certificate and key as the server will (GIO's TLS backend,
 * glib-networking).  0, or -EINVAL with the reason in err.
 */
int kecd_http_check_tls(const char *cert, const char *key, char *err,
			size_t cap);

/*
 * Starts listening on k->conf's address and port.  api[0..napi) serve
 * /api/v1/push, page[0..npage) everything else; both arrays and their
 * workers stay the caller's and must outlive kecd_http_stop().  Call from
 * the thread that runs the default main context.  0, or -EADDRINUSE,
 * -EACCES, -EINVAL (TLS) with the reason in err.  Free with
 * kecd_http_stop().
 */
int kecd_http_start(struct kecd *k, struct kecd_worker *const *api, int napi,
		    struct kecd_worker *const *page, int npage,
		    struct kecd_http **out, char *err, size_t cap);
/* The port it listens on (the one chosen when the config says 0). */
int kecd_http_port(const struct kecd_http *h);
/* Stops listening, lets every request in progress finish and answers it,
 * then frees h.  NULL-safe. */
void kecd_http_stop(struct kecd_http *h);

#endif /* PRESENSI_KECD_HTTP_H */
