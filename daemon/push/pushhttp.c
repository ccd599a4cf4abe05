/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pushhttp.c: the push's HTTP client over libsoup 3 (its only includer on
 * the box).  The session has no TLS database, so libsoup finds every
 * certificate invalid and asks "accept-certificate": there the pinned
 * SHA-256 alone decides, and the answer's peer certificate is checked
 * again before its body is believed.
 */
#include "pushhttp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libsoup/soup.h>

#include "crypto.h"
#include "log.h"

#define USER_AGENT   "presensi-push/" PD_VERSION
#define IDLE_TIMEOUT 30 /* s a kept-alive connection may idle */

struct pushhttp {
	SoupSession *session;
	char base[512];
	char pin[PD_HASH_HEX]; /* "" for plain http */
	int https;
	/* the request in flight */
	SoupMessage *msg;
	GCancellable *cancel;
	pushhttp_done_fn *fn;
	void *ud;
	char pin_why[PUSHHTTP_WHY_MAX]; /* a refused certificate, why */
	int dead; /* freed while a request was in flight: on_done frees */
};

int pushhttp_pin_check(const void *der, size_t len, const char *pin,
		       char actual[PD_HASH_HEX])
{
	char hex[PD_HASH_HEX];

	crypto_sha256_hex(der, len, hex);
	if (actual)
		memcpy(actual, hex, sizeof(hex));
	return pin && strcmp(hex, pin) == 0 ? 0 : -EPERM;
}

/* The certificate's pin check; why filled when it is refused. */
static int cert_pinned(struct pushhttp *h, GTlsCertificate *cert)
{
	GByteArray *der = NULL;
	char actual[PD_HASH_HEX];
	int rc;

	if (!cert) {
		snprintf(h->pin_why, sizeof(h->pin_why),
			 "the server showed no certificate; refused");
		return -EPERM;
	}
	g_object_get(cert, "certificate", &der, NULL);
	if (!der) {
		snprintf(h->pin_why, sizeof(h->pin_why),
			 "the server's certificate cannot be read; refused");
		return -EPERM;
	}
	rc = pushhttp_pin_check(der->data, der->len, h->pin, actual);
	g_byte_array_unref(der);
	if (rc < 0)
		snprintf(h->pin_why, sizeof(h->pin_why),
			 "the server's certificate (SHA-256 %s) is not the one "
			 "pinned in [push] pin_sha256 (%.16s...); refused, "
			 "nothing sent",
			 actual, h->pin);
	return rc;
}

static gboolean on_accept_certificate(SoupMessage *msg, GTlsCertificate *cert,
				      GTlsCertificateFlags errors, gpointer ud)
{
	struct pushhttp *h = ud;

	(void)msg;
	(void)errors; /* no CA database: every certificate has errors; the
			 pin alone decides */
	return cert_pinned(h, cert) == 0;
}

int pushhttp_new(const char *base_url, const char *pin_sha256,
		 struct pushhttp **out)
{
	struct pushhttp *h;
	size_t n;

	if (!base_url || strlen(base_url) >= sizeof(h->base))
		return -EINVAL;
	h = g_new0(struct pushhttp, 1);
	snprintf(h->base, sizeof(h->base), "%s", base_url);
	n = strlen(h->base);
	while (n && h->base[n - 1] == '/')
		h->base[--n] = '\0';
	h->https = strncmp(h->base, "https://", 8) == 0;
	if (h->https) {
		if (!pin_sha256 || strlen(pin_sha256) != PD_HASH_HEX - 1) {
			g_free(h);
			return -EINVAL;
		}
		snprintf(h->pin, sizeof(h->pin), "%s", pin_sha256);
	} else if (strncmp(h->base, "http://", 7) != 0) {
		g_free(h);
		return -EINVAL;
	}
	h->session = soup_session_new_with_options(
		"timeout", PUSHHTTP_TIMEOUT_S, "idle-timeout", IDLE_TIMEOUT,
		"user-agent", USER_AGENT, NULL);
	if (!h->session) {
		g_free(h);
		return -ENOMEM;
	}
	/* no CA is trusted: every certificate comes to the pin */
	soup_session_set_tls_database(h->session, NULL);
	*out = h;
	return 0;
}

static void request_end(struct pushhttp *h)
{
	if (h->msg)
		g_signal_handlers_disconnect_by_data(h->msg, h);
	g_clear_object(&h->msg);
	g_clear_object(&h->cancel);
	h->fn = NULL;
	h->ud = NULL;
}

static void destroy(struct pushhttp *h)
{
	request_end(h);
	g_clear_object(&h->session);
	g_free(h);
}

void pushhttp_free(struct pushhttp *h)
{
	if (!h)
		return;
	if (h->msg) {
		/* the request still holds h: its end frees it */
		h->dead = 1;
		h->fn = NULL;
		g_cancellable_cancel(h->cancel);
		return;
	}
	destroy(h);
}

int pushhttp_busy(const struct pushhttp *h)
{
	return h->msg != NULL;
}

/* The answer came (or did not), on the main loop. */
static void on_done(GObject *src, GAsyncResult *res, gpointer ud)
{
	struct pushhttp *h = ud;
	GError *err = NULL;
	GBytes *bytes =
		soup_session_send_and_read_finish(SOUP_SESSION(src), res, &err);
	pushhttp_done_fn *fn = h->fn;
	void *fud = h->ud;
	const char *body = NULL;
	char why[PUSHHTTP_WHY_MAX] = "";
	gsize len = 0;
	int status = 0;

	if (h->dead) { /* pushhttp_free came first */
		if (err)
			g_error_free(err);
		if (bytes)
			g_bytes_unref(bytes);
		destroy(h);
		return;
	}
	if (err) {
		snprintf(why, sizeof(why), "%s",
			 h->pin_why[0] ? h->pin_why : err->message);
		g_error_free(err);
	} else if (h->https &&
		   cert_pinned(h, soup_message_get_tls_peer_certificate(
					  h->msg)) < 0) {
		snprintf(why, sizeof(why), "%s", h->pin_why);
	} else {
		status = (int)soup_message_get_status(h->msg);
		body = bytes ? g_bytes_get_data(bytes, &len) : NULL;
	}
	request_end(h);
	if (fn)
		fn(fud, status, body ? body : "", body ? len : 0, why);
	if (bytes)
		g_bytes_unref(bytes);
}

int pushhttp_request(struct pushhttp *h, const char *method, const char *path,
		     const char *content_type, const void *body, size_t len,
		     pushhttp_done_fn *fn, void *ud)
{
	char *url;

	if (h->msg)
		return -EBUSY;
	url = g_strdup_printf("%s%s", h->base, path);
	h->msg = soup_message_new(method, url);
	g_free(url);
	if (!h->msg)
		return -EINVAL;
	if (body) {
		GBytes *b = g_bytes_new(body, len);

		soup_message_set_request_body_from_bytes(h->msg, content_type,
							 b);
		g_bytes_unref(b);
	}
	soup_message_headers_replace(soup_message_get_request_headers(h->msg),
				     "Accept", "application/json");
	if (h->https)
		g_signal_connect(h->msg, "accept-certificate",
				 G_CALLBACK(on_accept_certificate), h);
	h->pin_why[0] = '\0';
	h->fn = fn;
	h->ud = ud;
	h->cancel = g_cancellable_new();
	soup_session_send_and_read_async(h->session, h->msg, G_PRIORITY_DEFAULT,
					 h->cancel, on_done, h);
	return 0;
}
