/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the push's HTTP client (pushhttp.c) against a libsoup
 * server on loopback, plain and with TLS (tests/data/push's self-signed
 * certificates): the pinned certificate is taken and nothing else, even
 * one a CA would vouch for is not asked; a certificate that is not the
 * pinned one is refused before the request is sent; no server, no
 * answer, and why.  Each answer is awaited on the main loop, never timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsoup/soup.h>

#include "fakes/testutil.h"
#include "log.h"
#include "pushhttp.h"

#define CERT	   "tests/data/push/cert.pem"
#define KEY	   "tests/data/push/key.pem"
#define OTHER_CERT "tests/data/push/other-cert.pem"
#define OTHER_KEY  "tests/data/push/other-key.pem"
#define PIN	   "b0f86f76c86b9ebe4cc3c682d753916ebed7a61e57928a95e3f85180d3631e66"

struct srv {
	SoupServer *s;
	int port;
	int requests; /* handled */
};

static void handler(SoupServer *server, SoupServerMessage *msg,
		    const char *path, GHashTable *query, gpointer ud)
{
	struct srv *s = ud;
	SoupMessageBody *body = soup_server_message_get_request_body(msg);
	char *reply;

	(void)server;
	(void)query;
	s->requests++;
	reply = g_strdup_printf("{\"path\": \"%s\", \"got\": %ld}\n", path,
				(long)body->length);
	soup_server_message_set_status(msg, 200, NULL);
	soup_server_message_set_response(msg, "application/json",
					 SOUP_MEMORY_TAKE, reply,
					 strlen(reply));
}

static void srv_start(struct srv *s, const char *cert, const char *key)
{
	GError *err = NULL;
	GSList *uris;

	memset(s, 0, sizeof(*s));
	if (cert) {
		GTlsCertificate *c =
			g_tls_certificate_new_from_files(cert, key, &err);

		if (!c)
			fail_msg("%s: %s", cert, err->message);
		s->s = soup_server_new("tls-certificate", c, NULL);
		g_object_unref(c);
	} else {
		s->s = soup_server_new(NULL, NULL);
	}
	soup_server_add_handler(s->s, NULL, handler, s, NULL);
	if (!soup_server_listen_local(
		    s->s, 0, cert ? SOUP_SERVER_LISTEN_HTTPS : 0, &err))
		fail_msg("listen: %s", err->message);
	uris = soup_server_get_uris(s->s);
	s->port = g_uri_get_port(uris->data);
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
}

static void srv_stop(struct srv *s)
{
	soup_server_disconnect(s->s);
	g_object_unref(s->s);
}

struct answer {
	int done, status;
	char body[512], why[PUSHHTTP_WHY_MAX];
};

static void on_answer(void *ud, int status, const char *body, size_t len,
		      const char *why)
{
	struct answer *a = ud;

	a->done = 1;
	a->status = status;
	snprintf(a->body, sizeof(a->body), "%.*s", (int)len, body);
	snprintf(a->why, sizeof(a->why), "%s", why);
}

/* One POST of "hello" to base/api/v1/push, awaited on the main loop. */
static struct answer post(const char *base, const char *pin)
{
	struct pushhttp *h;
	struct answer a = {0};

	assert_int_equal(pushhttp_new(base, pin, &h), 0);
	assert_int_equal(pushhttp_request(h, "POST", "/api/v1/push",
					  "application/json", "hello", 5,
					  on_answer, &a),
			 0);
	assert_true(pushhttp_busy(h));
	/* one request at a time */
	assert_int_equal(
		pushhttp_request(h, "GET", "/", NULL, NULL, 0, on_answer, &a),
		-EBUSY);
	while (!a.done)
		g_main_context_iteration(NULL, TRUE);
	assert_false(pushhttp_busy(h));
	pushhttp_free(h);
	return a;
}

static void test_pushhttp_plain_http_to_loopback(void **state)
{
	struct srv s;
	struct answer a;
	char base[64];

	(void)state;
	srv_start(&s, NULL, NULL);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d/", s.port);
	a = post(base, "");
	assert_int_equal(a.status, 200);
	assert_string_equal(a.body,
			    "{\"path\": \"/api/v1/push\", \"got\": 5}\n");
	assert_int_equal(s.requests, 1);
	srv_stop(&s);
}

static void test_pushhttp_pinned_certificate_is_taken(void **state)
{
	struct srv s;
	struct answer a;
	char base[64];

	(void)state;
	srv_start(&s, CERT, KEY);
	snprintf(base, sizeof(base), "https://127.0.0.1:%d", s.port);
	a = post(base, PIN);
	if (a.status != 200)
		fail_msg("status %d: %s", a.status, a.why);
	assert_int_equal(s.requests, 1);
	srv_stop(&s);
}

static void test_pushhttp_other_certificate_is_refused_unsent(void **state)
{
	struct srv s;
	struct answer a;
	char base[64];

	(void)state;
	srv_start(&s, OTHER_CERT, OTHER_KEY);
	snprintf(base, sizeof(base), "https://127.0.0.1:%d", s.port);
	a = post(base, PIN);
	assert_int_equal(a.status, 0);
	assert_non_null(strstr(a.why, "is not the one pinned in [push] "
				      "pin_sha256 (b0f86f76c86b9ebe...); "
				      "refused, nothing sent"));
	assert_int_equal(s.requests, 0);
	srv_stop(&s);
	/* and the right server with a wrong pin */
	srv_start(&s, CERT, KEY);
	snprintf(base, sizeof(base), "https://127.0.0.1:%d", s.port);
	a = post(base, "00000000000000000000000000000000"
		       "00000000000000000000000000000000");
	assert_int_equal(a.status, 0);
	assert_non_null(strstr(a.why, "(SHA-256 " PIN ") is not the one"));
	assert_int_equal(s.requests, 0);
	srv_stop(&s);
}

static void test_pushhttp_no_server_no_answer(void **state)
{
	struct srv s;
	struct answer a;
	char base[64];

	(void)state;
	srv_start(&s, NULL, NULL); /* a port nobody listens on after this */
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", s.port);
	srv_stop(&s);
	a = post(base, "");
	assert_int_equal(a.status, 0);
	assert_true(a.why[0] != '\0');
}

static void test_pushhttp_pin_and_urls(void **state)
{
	char *pem = testutil_slurp(CERT, NULL), actual[PD_HASH_HEX];
	GTlsCertificate *c;
	GByteArray *der = NULL;
	struct pushhttp *h;

	(void)state;
	assert_non_null(pem);
	c = g_tls_certificate_new_from_pem(pem, -1, NULL);
	assert_non_null(c);
	g_object_get(c, "certificate", &der, NULL);
	assert_int_equal(pushhttp_pin_check(der->data, der->len, PIN, actual),
			 0);
	assert_string_equal(actual, PIN);
	assert_int_equal(pushhttp_pin_check(der->data, der->len - 1, PIN, NULL),
			 -EPERM);
	g_byte_array_unref(der);
	g_object_unref(c);
	free(pem);
	assert_int_equal(pushhttp_new("https://kec.example", "", &h), -EINVAL);
	assert_int_equal(pushhttp_new("ftp://kec.example", "", &h), -EINVAL);
	assert_int_equal(pushhttp_new("https://kec.example", PIN, &h), 0);
	pushhttp_free(h);
}

/* Freed with a request in flight: no callback, nothing leaks. */
static void test_pushhttp_free_in_flight(void **state)
{
	struct srv s;
	struct pushhttp *h;
	struct answer a = {0};
	char base[64];

	(void)state;
	srv_start(&s, NULL, NULL);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", s.port);
	assert_int_equal(pushhttp_new(base, "", &h), 0);
	assert_int_equal(
		pushhttp_request(h, "GET", "/", NULL, NULL, 0, on_answer, &a),
		0);
	pushhttp_free(h);
	while (g_main_context_iteration(NULL, FALSE))
		;
	assert_int_equal(a.done, 0);
	srv_stop(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pushhttp_plain_http_to_loopback),
		cmocka_unit_test(test_pushhttp_pinned_certificate_is_taken),
		cmocka_unit_test(
			test_pushhttp_other_certificate_is_refused_unsent),
		cmocka_unit_test(test_pushhttp_no_server_no_answer),
		cmocka_unit_test(test_pushhttp_pin_and_urls),
		cmocka_unit_test(test_pushhttp_free_in_flight),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
