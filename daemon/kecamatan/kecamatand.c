/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecamatand: the kecamatan server (docs/kecamatan.md "The server").
 * Reads its configuration, opens one store connection per worker thread,
 * loads (or makes) the publisher key, listens, and runs one GMainLoop;
 * the boxes push to it and the camat, the kasi and the kabupaten read
 * its pages.  Wiring only: signals, readiness and the watchdog live here;
 * HTTP in kecd_http.c, everything a request does in kecd_web.c and the
 * files it routes to.
 */
#include <errno.h>
#include <getopt.h>
#include <glib-unix.h>
#include <glib.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "kecd.h"
#include "kecd_auth.h"
#include "kecd_cache.h"
#include "kecd_http.h"
#include "keyfile.h"
#include "log.h"
#include "notify.h"

static GMainLoop *loop;

static void usage(FILE *fp)
{
	fputs("usage: kecamatand --config FILE [--check] [--debug] "
	      "[--publisher-key]\n"
	      "  --check          check FILE (and its certificate) and "
	      "exit\n"
	      "  --debug          verbose logging on the terminal\n"
	      "  --publisher-key  print the public key boxes pin for "
	      "published rules\n",
	      fp);
}

static gboolean on_quit(gpointer ud)
{
	(void)ud;
	log_info("stopping");
	(void)notify_send("STOPPING=1"); /* best effort */
	g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

/* SIGHUP: [web] and [limits] are read again; the rest needs a restart. */
static gboolean on_hup(gpointer ud)
{
	struct kecd *k = ud;
	char err[KECD_ERRORS_MAX];
	struct kecd_conf c;

	if (kecd_conf_load(k->conf_path, &c, err, sizeof(err)) != 0) {
		log_warnx(
			"reload refused, the running configuration stays:\n%s",
			err);
		return G_SOURCE_CONTINUE;
	}
	k->conf.session_idle_min = c.session_idle_min;
	k->conf.session_max_h = c.session_max_h;
	k->conf.login_attempts = c.login_attempts;
	k->conf.address_attempts = c.address_attempts;
	k->conf.login_window_min = c.login_window_min;
	k->conf.push_max_kb = c.push_max_kb;
	k->conf.bundle_max_mb = c.bundle_max_mb;
	k->conf.form_max_kb = c.form_max_kb;
	log_info("configuration reloaded ([web], [limits]; [server], [store], "
		 "[publisher] and [clock] take a restart)");
	return G_SOURCE_CONTINUE;
}

static gboolean watchdog_tick(gpointer ud)
{
	(void)ud;
	(void)notify_send("WATCHDOG=1"); /* no systemd: a no-op */
	return G_SOURCE_CONTINUE;
}

/* GLib's own messages into our log. */
static GLogWriterOutput glib_log(GLogLevelFlags level, const GLogField *fields,
				 gsize n, gpointer ud)
{
	const char *msg = NULL, *domain = "";

	(void)ud;
	for (gsize i = 0; i < n; i++) {
		if (strcmp(fields[i].key, "MESSAGE") == 0)
			msg = fields[i].value;
		else if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0)
			domain = fields[i].value;
	}
	if (!msg)
		return G_LOG_WRITER_HANDLED;
	if (level &
	    (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
		log_warnx("%s: %s", domain, msg);
	else
		log_debug("%s: %s", domain, msg);
	return G_LOG_WRITER_HANDLED;
}

static int open_workers(struct kecd *k, struct kecd_worker ***out, int n)
{
	struct kecd_worker **w = calloc((size_t)n, sizeof(*w));
	int rc;

	if (!w)
		return -ENOMEM;
	*out = w;
	for (int i = 0; i < n; i++) {
		w[i] = calloc(1, sizeof(**w));
		if (!w[i])
			return -ENOMEM;
		w[i]->k = k;
		rc = kec_store_open(k->conf.db, &w[i]->st);
		if (rc)
			return rc;
	}
	return 0;
}

static void close_workers(struct kecd_worker **w, int n)
{
	if (!w)
		return;
	for (int i = 0; i < n; i++)
		if (w[i]) {
			kec_store_close(w[i]->st);
			free(w[i]);
		}
	free(w);
}

/* --check: the file, then what it names that can be checked unopened. */
static int check(struct kecd *k)
{
	char err[512];
	int bad = 0;

	if (k->conf.tls && kecd_http_check_tls(k->conf.certificate, k->conf.key,
					       err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", k->conf_path, err);
		bad = 1;
	}
	if (k->conf.clock_simulated && access(k->conf.clock_file, R_OK) != 0) {
		fprintf(stderr, "%s: simulated_file %s: %s\n", k->conf_path,
			k->conf.clock_file, strerror(errno));
		bad = 1;
	}
	if (bad)
		return 1;
	puts("configuration OK");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check", no_argument, NULL, 'k'},
		{"debug", no_argument, NULL, 'd'},
		{"publisher-key", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct kecd_worker **api = NULL, **page = NULL;
	struct kecd_http *http = NULL;
	static struct kecd k;
	char err[KECD_ERRORS_MAX], fpr[CRYPTO_FPR_MAX];
	int c, do_check = 0, debug = 0, print_key = 0, rc, status = 1;
	uint64_t wd;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			snprintf(k.conf_path, sizeof(k.conf_path), "%s",
				 optarg);
			break;
		case 'k':
			do_check = 1;
			break;
		case 'd':
			debug = 1;
			break;
		case 'p':
			print_key = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!k.conf_path[0] || optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init(debug ? LOG_TO_TTY : LOG_TO_STDERR, debug);
	g_log_set_writer_func(glib_log, NULL, NULL);
	if (kecd_conf_load(k.conf_path, &k.conf, err, sizeof(err)) != 0) {
		fputs(err, stderr);
		return 1;
	}
	if (do_check)
		return check(&k);
	if (crypto_init() != 0) {
		log_warnx("libsodium failed to start");
		return 1;
	}
	rc = keyfile_devkey_load_or_create(k.conf.publisher_key, &k.publisher);
	if (rc) {
		log_errno(rc, "publisher key %s", k.conf.publisher_key);
		return 1;
	}
	crypto_pubkey_hex(k.publisher.pk, k.publisher_pk);
	crypto_pubkey_fingerprint(k.publisher.pk, fpr);
	if (print_key) {
		printf("publisher_key    %s\nfingerprint      %s\n",
		       k.publisher_pk, fpr);
		explicit_bzero(&k.publisher, sizeof(k.publisher));
		return 0;
	}
	pthread_mutex_init(&k.clock_lock, NULL);
	if (kecd_limiter_new(&k.limiter) || kecd_cache_new(&k.cache)) {
		log_warnx("out of memory");
		goto out;
	}
	rc = open_workers(&k, &api, k.conf.api_workers);
	if (rc == 0)
		rc = open_workers(&k, &page, k.conf.page_workers);
	if (rc) {
		log_errno(rc, "cannot open the store %s", k.conf.db);
		goto out;
	}
	rc = kecd_known_rules(page[0]->st, k.conf.rules_dir);
	if (rc) {
		log_errno(rc, "rules: the shipped files could not be kept");
		goto out;
	}
	loop = g_main_loop_new(NULL, FALSE);
	rc = kecd_http_start(&k, api, k.conf.api_workers, page,
			     k.conf.page_workers, &http, err, sizeof(err));
	if (rc) {
		log_warnx("%s", err);
		goto out;
	}
	g_unix_signal_add(SIGTERM, on_quit, NULL);
	g_unix_signal_add(SIGINT, on_quit, NULL);
	g_unix_signal_add(SIGHUP, on_hup, &k);
	signal(SIGPIPE, SIG_IGN);
	wd = notify_watchdog_usec();
	if (wd)
		g_timeout_add((guint)(wd / 2000), watchdog_tick, NULL);
	log_info("listening on %s://%s%s%s:%d (store %s, publisher key %s)",
		 k.conf.tls ? "https" : "http",
		 strchr(k.conf.listen, ':') ? "[" : "", k.conf.listen,
		 strchr(k.conf.listen, ':') ? "]" : "", kecd_http_port(http),
		 kec_store_backend_name(api[0]->st), fpr);
	{
		char state[128];

		snprintf(state, sizeof(state),
			 "READY=1\nSTATUS=listening on "
			 "port %d",
			 kecd_http_port(http));
		(void)notify_send(state); /* outside systemd: a no-op */
	}
	g_main_loop_run(loop);
	status = 0;
out:
	kecd_http_stop(http);
	close_workers(api, k.conf.api_workers);
	close_workers(page, k.conf.page_workers);
	kecd_cache_free(k.cache);
	kecd_limiter_free(k.limiter);
	if (loop)
		g_main_loop_unref(loop);
	explicit_bzero(&k.publisher, sizeof(k.publisher));
	return status;
}
