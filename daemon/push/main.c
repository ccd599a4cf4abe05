/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensi-push: the box's live push to the kecamatan's server
 * (docs/push.md, presensi-push(8)).  main.c wires the configuration (the
 * box's presensi.conf and its [push] section), logging, signals and the
 * GLib main loop; the work is push.c's.  It runs in the foreground under
 * its own systemd unit, as its own user, and never talks to the
 * fingerprint readers or holds the device key: presensid signs.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib.h>

#include "conf.h"
#include "crypto.h"
#include "daemonargs.h"
#include "log.h"
#include "notify.h"
#include "push.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: presensi-push --config FILE [--check] [--debug]\n"
		   "  --config FILE  the box's configuration, with its [push] "
		   "section\n"
		   "                 (see presensi.conf(5))\n"
		   "  --check        validate the configuration and exit\n"
		   "  --debug        verbose logging in plain text on a tty\n"
		   "  --version      print the version\n"
		   "SIGUSR1 tries at once, without waiting out the backoff.\n");
}

/* GLib's and libsoup's messages, as log.h lines. */
static GLogWriterOutput log_writer(GLogLevelFlags level,
				   const GLogField *fields, gsize n_fields,
				   gpointer ud)
{
	const char *domain = NULL, *msg = NULL;

	(void)ud;
	for (gsize i = 0; i < n_fields; i++) {
		if (!strcmp(fields[i].key, "GLIB_DOMAIN"))
			domain = fields[i].value;
		else if (!strcmp(fields[i].key, "MESSAGE"))
			msg = fields[i].value;
	}
	if (level &
	    (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
		log_warnx("%s: %s", domain ? domain : "glib", msg ? msg : "");
	else if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
		log_info("%s: %s", domain ? domain : "glib", msg ? msg : "");
	else
		log_debug("%s: %s", domain ? domain : "glib", msg ? msg : "");
	return G_LOG_WRITER_HANDLED;
}

static gboolean on_quit(gpointer ud)
{
	g_main_loop_quit(ud);
	return G_SOURCE_CONTINUE;
}

static gboolean on_kick(gpointer ud)
{
	push_kick(ud);
	return G_SOURCE_CONTINUE;
}

static gboolean on_hup(gpointer ud)
{
	(void)ud;
	log_warnx("push: configuration changes take effect after a restart "
		  "(systemctl restart presensi-push)");
	return G_SOURCE_CONTINUE;
}

/* Parses the command line and the configuration: -1 to go on, else the
 * exit code. */
static int start_args(int argc, char **argv, struct conf *c, int *debug)
{
	struct daemon_args a;
	int rc = daemon_args_parse(argc, argv, "presensi-push", usage, &a);

	if (rc >= 0)
		return rc;
	*debug = a.debug;
	if (daemon_conf_load(a.config, c))
		return 1;
	if (!c->push.server[0]) {
		fprintf(stderr,
			"%s: [push] server is required: the kecamatan "
			"server's URL (see presensi.conf(5))\n",
			a.config);
		return 1;
	}
	if (a.check) {
		printf("configuration OK\n");
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct conf *c = calloc(1, sizeof(*c));
	struct push *p = NULL;
	GMainLoop *loop;
	int debug = 0, rc;

	if (!c)
		return 1;
	rc = start_args(argc, argv, c, &debug);
	if (rc >= 0) {
		free(c);
		return rc;
	}
	log_init(debug || isatty(2) ? LOG_TO_TTY : LOG_TO_STDERR, debug);
	g_log_set_writer_func(log_writer, NULL, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (crypto_init() < 0)
		fatalx("crypto: libsodium does not start");
	rc = push_new(c, &p);
	if (rc < 0)
		fatalx("push: cannot start: %s", strerror(-rc));
	loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_quit, loop);
	g_unix_signal_add(SIGINT, on_quit, loop);
	g_unix_signal_add(SIGUSR1, on_kick, p);
	g_unix_signal_add(SIGHUP, on_hup, NULL);
	push_start(p);
	rc = notify_send("READY=1");
	if (rc < 0)
		log_errno(rc, "systemd notify");
	log_info("presensi-push %s started: desa %s to %s", PD_VERSION,
		 c->desa_id, c->push.server);

	g_main_loop_run(loop);

	push_free(p);
	g_main_loop_unref(loop);
	free(c);
	log_info("stopped");
	return 0;
}
