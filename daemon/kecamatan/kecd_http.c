/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_http.c: kecamatand's HTTP over libsoup 3 (the only includer of
 * libsoup).  The early handler refuses a body over its cap, or one
 * without a length, before a byte of it is read; the handler copies what
 * the request says into a job, pauses the message and queues the job on
 * the API or page pool; a pool thread takes a free worker (its own store
 * connection), runs kecd_handle(), and hands the answer back to the main
 * loop, which sends it.
 */
#include "kecd_http.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsoup/soup.h>

#include "log.h"

struct pool {
	GThreadPool *threads;
	GAsyncQueue *free; /* struct kecd_worker * not in use */
};

struct kecd_http {
	struct kecd *k;
	SoupServer *srv;
	GMainContext *ctx; /* where answers are sent from */
	struct pool api, page;
	int port;
};

struct job {
	struct kecd_http *h;
	SoupServerMessage *msg;
	GBytes *body;
	char *method, *path, *query, *ctype, *cookie, *origin;
	struct kecd_req req;
	struct kecd_resp resp;
};

static char *dup_or_empty(const char *s)
{
	return g_strdup(s ? s : "");
}

static void job_free(struct job *j)
{
	g_object_unref(j->msg);
	g_bytes_unref(j->body);
	g_free(j->method);
	g_free(j->path);
	g_free(j->query);
	g_free(j->ctype);
	g_free(j->cookie);
	g_free(j->origin);
	kecd_resp_free(&j->resp);
	g_free(j);
}

/* On the main loop: the answer goes out. */
static gboolean finish(gpointer data)
{
	struct job *j = data;
	SoupMessageHeaders *hd =
		soup_server_message_get_response_headers(j->msg);

	soup_server_message_set_status(j->msg, (guint)j->resp.status, NULL);
	for (int i = 0; i < j->resp.nheaders; i++)
		soup_message_headers_append(hd, j->resp.hname[i],
					    j->resp.hvalue[i]);
	soup_server_message_set_response(
		j->msg,
		j->resp.content_type[0] ? j->resp.content_type
					: "text/plain; charset=utf-8",
		SOUP_MEMORY_COPY, j->resp.body ? j->resp.body : "",
		j->resp.len);
	soup_server_message_unpause(j->msg);
	job_free(j);
	return G_SOURCE_REMOVE;
}

/* On a pool thread: one request with a free worker of the pool. */
static void run(gpointer data, gpointer user_data)
{
	struct job *j = data;
	struct pool *p = user_data;
	struct kecd_worker *w = g_async_queue_pop(p->free);

	kecd_handle(w, &j->req, &j->resp);
	g_async_queue_push(p->free, w);
	if (!j->resp.status)
		j->resp.status = 500;
	g_main_context_invoke(j->h->ctx, finish, j);
}

static void refuse(SoupServerMessage *msg, guint status, const char *why)
{
	char body[160];
	int n = snprintf(body, sizeof(body), "{\"error\": \"%s\"}\n", why);

	soup_server_message_set_status(msg, status, NULL);
	soup_message_headers_append(
		soup_server_message_get_response_headers(msg), "Connection",
		"close");
	soup_server_message_set_response(msg, "application/json",
					 SOUP_MEMORY_COPY, body, (gsize)n);
}

/* After the headers, before the body: a body over its cap (or without a
 * length) is refused unread. */
static void early(SoupServer *srv, SoupServerMessage *msg, const char *path,
		  GHashTable *query, gpointer data)
{
	struct kecd_http *h = data;
	SoupMessageHeaders *hd = soup_server_message_get_request_headers(msg);
	const char *method = soup_server_message_get_method(msg);
	SoupEncoding enc = soup_message_headers_get_encoding(hd);
	size_t max = kecd_body_max(h->k, method, path);

	(void)srv;
	(void)query;
	if (enc == SOUP_ENCODING_CHUNKED || enc == SOUP_ENCODING_EOF) {
		refuse(msg, 411, "a body needs Content-Length");
		return;
	}
	if (enc == SOUP_ENCODING_CONTENT_LENGTH &&
	    (uint64_t)soup_message_headers_get_content_length(hd) > max)
		refuse(msg, 413, "the body is over this server's cap");
}

static void handler(SoupServer *srv, SoupServerMessage *msg, const char *path,
		    GHashTable *query, gpointer data)
{
	struct kecd_http *h = data;
	SoupMessageHeaders *hd = soup_server_message_get_request_headers(msg);
	SoupMessageBody *mb = soup_server_message_get_request_body(msg);
	GUri *uri = soup_server_message_get_uri(msg);
	const char *remote = soup_server_message_get_remote_host(msg);
	struct job *j = g_new0(struct job, 1);
	gsize blen = 0;

	(void)srv;
	(void)path;
	(void)query;
	j->h = h;
	j->msg = g_object_ref(msg);
	j->body = soup_message_body_flatten(mb);
	j->method = g_strdup(soup_server_message_get_method(msg));
	j->path = dup_or_empty(g_uri_get_path(uri));
	j->query = dup_or_empty(g_uri_get_query(uri));
	j->ctype =
		dup_or_empty(soup_message_headers_get_one(hd, "Content-Type"));
	j->cookie = dup_or_empty(soup_message_headers_get_list(hd, "Cookie"));
	j->origin = dup_or_empty(soup_message_headers_get_one(hd, "Origin"));
	j->req.method = j->method;
	j->req.path = j->path;
	j->req.query = j->query;
	j->req.content_type = j->ctype;
	j->req.cookie = j->cookie;
	j->req.origin = j->origin;
	j->req.body = g_bytes_get_data(j->body, &blen);
	j->req.body_len = blen;
	snprintf(j->req.remote, sizeof(j->req.remote), "%s",
		 remote ? remote : "");
	j->req.tls = h->k->conf.tls;
	j->req.now_utc = kecd_now(h->k);
	soup_server_message_pause(msg);
	g_thread_pool_push(strcmp(j->path, "/api/v1/push") == 0
				   ? h->api.threads
				   : h->page.threads,
			   j, NULL);
	/* the pool owns j now: run frees it */
	// cppcheck-suppress memleak
}

int kecd_http_check_tls(const char *cert, const char *key, char *err,
			size_t cap)
{
	GError *e = NULL;
	GTlsCertificate *c;

	if (!g_tls_backend_supports_tls(g_tls_backend_get_default())) {
		snprintf(err, cap,
			 "no TLS backend for GIO (install glib-networking)");
		return -EINVAL;
	}
	c = g_tls_certificate_new_from_files(cert, key, &e);
	if (!c) {
		snprintf(err, cap, "%s, %s: %s", cert, key, e->message);
		g_error_free(e);
		return -EINVAL;
	}
	g_object_unref(c);
	return 0;
}

static int pool_new(struct pool *p, struct kecd_worker *const *w, int n,
		    char *err, size_t cap)
{
	GError *e = NULL;

	p->free = g_async_queue_new();
	for (int i = 0; i < n; i++)
		g_async_queue_push(p->free, w[i]);
	p->threads = g_thread_pool_new(run, p, n, TRUE, &e);
	if (!p->threads) {
		snprintf(err, cap, "worker threads: %s", e->message);
		g_error_free(e);
		return -ENOMEM;
	}
	return 0;
}

static void pool_free(struct pool *p)
{
	if (p->threads)
		g_thread_pool_free(p->threads, FALSE, TRUE);
	if (p->free)
		g_async_queue_unref(p->free);
	p->threads = NULL;
	p->free = NULL;
}

static int bound_port(SoupServer *srv)
{
	GSList *l = soup_server_get_listeners(srv);
	int port = 0;

	for (; l && !port; l = l->next) {
		GSocketAddress *a =
			g_socket_get_local_address(G_SOCKET(l->data), NULL);

		if (a && G_IS_INET_SOCKET_ADDRESS(a))
			port = g_inet_socket_address_get_port(
				G_INET_SOCKET_ADDRESS(a));
		if (a)
			g_object_unref(a);
	}
	g_slist_free(l);
	return port;
}

int kecd_http_start(struct kecd *k, struct kecd_worker *const *api, int napi,
		    struct kecd_worker *const *page, int npage,
		    struct kecd_http **out, char *err, size_t cap)
{
	struct kecd_http *h = g_new0(struct kecd_http, 1);
	SoupServerListenOptions opts = 0;
	GSocketAddress *addr;
	GError *e = NULL;
	int rc;

	h->k = k;
	h->ctx = g_main_context_default();
	h->srv = soup_server_new("server-header", "kecamatand", NULL);
	if (k->conf.tls) {
		GTlsCertificate *c = g_tls_certificate_new_from_files(
			k->conf.certificate, k->conf.key, &e);

		if (!c) {
			snprintf(err, cap, "TLS: %s", e->message);
			g_error_free(e);
			rc = -EINVAL;
			goto err_free;
		}
		soup_server_set_tls_certificate(h->srv, c);
		g_object_unref(c);
		opts |= SOUP_SERVER_LISTEN_HTTPS;
	}
	rc = pool_new(&h->api, api, napi, err, cap);
	if (rc == 0)
		rc = pool_new(&h->page, page, npage, err, cap);
	if (rc)
		goto err_free;
	soup_server_add_early_handler(h->srv, NULL, early, h, NULL);
	soup_server_add_handler(h->srv, NULL, handler, h, NULL);
	addr = g_inet_socket_address_new_from_string(k->conf.listen,
						     (guint)k->conf.port);
	if (!addr) {
		snprintf(err, cap, "listen = %s: not an IP address",
			 k->conf.listen);
		rc = -EINVAL;
		goto err_free;
	}
	if (!soup_server_listen(h->srv, addr, opts, &e)) {
		rc = g_error_matches(e, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE)
			     ? -EADDRINUSE
			     : -EACCES;
		snprintf(err, cap, "cannot listen on %s port %d: %s",
			 k->conf.listen, k->conf.port, e->message);
		g_error_free(e);
		g_object_unref(addr);
		goto err_free;
	}
	g_object_unref(addr);
	h->port = bound_port(h->srv);
	*out = h;
	return 0;
err_free:
	kecd_http_stop(h);
	return rc;
}

int kecd_http_port(const struct kecd_http *h)
{
	return h->port;
}

void kecd_http_stop(struct kecd_http *h)
{
	if (!h)
		return;
	pool_free(&h->api); /* every queued request runs first */
	pool_free(&h->page);
	/* their answers wait on the main context: send them */
	while (g_main_context_pending(h->ctx))
		g_main_context_iteration(h->ctx, FALSE);
	if (h->srv) {
		soup_server_disconnect(h->srv);
		g_object_unref(h->srv);
	}
	g_free(h);
}
