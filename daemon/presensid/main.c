/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensid: the appliance daemon.  Reads the config, opens the store, the
 * lights and every fingerprint reader, serves the control socket, and runs
 * one GMainLoop.  Wiring only: signals, the watchdog and the lights timer
 * live here; what happens on a reader event, a request or a punch lives in
 * the files daemon_int.h lists.
 */
#include <errno.h>
#include <getopt.h>
#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "daemon_int.h"
#include "keyfile.h"
#include "log.h"
#include "notify.h"
#include "store_report.h"

#define FACTS_ERR_MAX 1024
#define CONF_ERR_MAX  8192

/* ---- lights ---- */

static gboolean lights_timeout(gpointer ud);

void daemon_lights_arm(struct daemon *d, uint64_t deadline_ms)
{
	uint64_t now = clock_mono_ms();

	if (d->lights_src) {
		g_source_remove(d->lights_src);
		d->lights_src = 0;
	}
	if (!deadline_ms)
		return;
	d->lights_src = g_timeout_add(
		deadline_ms > now ? (guint)(deadline_ms - now) : 0,
		lights_timeout, d);
}

static gboolean lights_timeout(gpointer ud)
{
	struct daemon *d = ud;

	d->lights_src = 0;
	daemon_lights_arm(d, lights_tick(d->lights, clock_mono_ms()));
	return G_SOURCE_REMOVE;
}

void daemon_lights(struct daemon *d, enum light_state st)
{
	daemon_lights_arm(d, lights_show(d->lights, st, clock_mono_ms()));
}

static int open_lights(struct daemon *d)
{
	struct lights_backend *be = NULL;
	int rc = 0;

	switch (d->conf.lights) {
	case LIGHTS_SIM:
		rc = lights_sim_new(d->conf.sim_log, &be);
		break;
	case LIGHTS_GPIOD:
		rc = lights_gpiod_new(&d->conf.gpio, &be);
		break;
	case LIGHTS_NONE:
		be = NULL;
		break;
	}
	if (rc < 0) {
		log_errno(rc, "lights: backend unavailable, running dark");
		be = NULL;
	}
	return lights_new(be, d->conf.buzzer, &d->lights);
}

/* ---- facts ---- */

int daemon_reload_facts(struct daemon *d)
{
	struct facts *f;
	char err[FACTS_ERR_MAX];
	int rc = store_facts_load(d->store, &f, err, sizeof(err));

	if (rc < 0) {
		log_warnx("rules: %s (keeping the previous rules)", err);
		return rc;
	}
	facts_free(d->facts);
	d->facts = f;
	return 0;
}

/* ---- systemd watchdog ---- */

/*
 * Pings only while the main loop runs and the store answers: a wedged
 * loop or a dead database gets the daemon restarted.  A missing reader
 * does not stop the pings (that is the fault light's job: restarting
 * would not bring a USB reader back).
 */
static gboolean watchdog_tick(gpointer ud)
{
	struct daemon *d = ud;
	int64_t seq, utc;
	char head[PD_HASH_HEX];

	if (store_ledger_head(d->store, &seq, &utc, head) == 0)
		(void)notify_send("WATCHDOG=1"); /* no systemd: a no-op */
	else
		log_warnx("watchdog: the store does not answer; not pinging");
	return G_SOURCE_CONTINUE;
}

/* ---- signals ---- */

static gboolean on_quit(gpointer ud)
{
	struct daemon *d = ud;

	log_info("stopping");
	(void)notify_send("STOPPING=1"); /* best effort */
	d->quitting = 1;
	g_main_loop_quit(d->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean on_hup(gpointer ud)
{
	struct daemon *d = ud;
	struct conf nc;
	char err[CONF_ERR_MAX];

	(void)notify_send("RELOADING=1"); /* best effort, as below */
	if (conf_load(d->conf_path, &nc, err, sizeof(err)) < 0) {
		log_warnx("reload: %s is invalid, keeping the running "
			  "configuration: %s",
			  d->conf_path, err);
		(void)notify_send("READY=1");
		return G_SOURCE_CONTINUE;
	}
	if (strcmp(nc.store_path, d->conf.store_path) ||
	    strcmp(nc.socket_path, d->conf.socket_path) ||
	    nc.lights != d->conf.lights ||
	    nc.clock_source != d->conf.clock_source)
		log_warnx("reload: store, socket, lights and clock changes "
			  "take effect after a restart");
	snprintf(d->conf.desa_name, sizeof(d->conf.desa_name), "%s",
		 nc.desa_name);
	d->conf.duplicate_window_s = nc.duplicate_window_s;
	d->conf.refuse_untrusted = nc.refuse_untrusted;
	d->conf.close_day = nc.close_day;
	d->conf.close_sec = nc.close_sec;
	snprintf(d->conf.kecamatan, sizeof(d->conf.kecamatan), "%s",
		 nc.kecamatan);
	arming_reload(d, &nc);
	if (nc.offset_min != d->conf.offset_min)
		log_warnx("reload: timezone changes take effect after a "
			  "restart");
	log_info("configuration reloaded");
	(void)notify_send("READY=1");
	return G_SOURCE_CONTINUE;
}

/* ---- start and stop ---- */

static void usage(FILE *f)
{
	fprintf(f, "usage: presensid --config FILE [--check] [--debug]\n"
		   "  --config FILE  configuration (see presensi.conf(5))\n"
		   "  --check        validate the configuration and exit\n"
		   "  --debug        verbose logging in plain text on a tty\n"
		   "  --version      print the version\n");
}

/* Parses the command line and the config; returns -1 to go on, else an
 * exit code. */
static int start_args(struct daemon *d, int argc, char **argv, int *debug)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check", no_argument, NULL, 'n'},
		{"debug", no_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static char err[CONF_ERR_MAX];
	const char *conf_path = NULL;
	int check = 0, ch;

	while ((ch = getopt_long(argc, argv, "c:ndhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'd':
			*debug = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("presensid %s\n", PD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!conf_path || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (conf_load(conf_path, &d->conf, err, sizeof(err)) < 0) {
		fputs(err, stderr);
		if (err[0] && err[strlen(err) - 1] != '\n')
			fputc('\n', stderr);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		return 0;
	}
	snprintf(d->conf_path, sizeof(d->conf_path), "%s", conf_path);
	return -1;
}

/* The store, opened with the template key derived from the key file. */
static void start_store(struct daemon *d)
{
	uint8_t master[CRYPTO_KEY_BYTES], prints_key[CRYPTO_KEY_BYTES];
	uint8_t sign_seed[CRYPTO_KEY_BYTES];
	int rc;

	if (crypto_init() < 0)
		fatalx("crypto: libsodium failed to initialise");
	rc = keyfile_load_or_create(d->conf.key_path, master);
	if (rc < 0)
		fatalx("key %s: %s", d->conf.key_path, strerror(-rc));
	crypto_key_derive(master, CRYPTO_SUBKEY_PRINTS, prints_key);
	/* the device key that signs bundles (crypto.h) */
	crypto_key_derive(master, CRYPTO_SUBKEY_SIGN, sign_seed);
	crypto_devkey_from_seed(sign_seed, &d->devkey);
	explicit_bzero(sign_seed, sizeof(sign_seed));
	explicit_bzero(master, sizeof(master));
	rc = store_open(d->conf.store_path, NULL, 0, prints_key, &d->store);
	explicit_bzero(prints_key, sizeof(prints_key));
	if (rc < 0)
		fatalx("store %s: %s", d->conf.store_path, strerror(-rc));
}

static void stop(struct daemon *d)
{
	/* Every store call commits before it returns, so there is no open
	 * transaction here; cancel the reader, lights off, close. */
	monthly_stop(d);
	server_close(d);
	arming_stop(d);
	scanner_free(d->scanner);
	d->scanner = NULL;
	if (d->lights_src)
		g_source_remove(d->lights_src);
	lights_free(d->lights);
	facts_free(d->facts);
	gallery_free(d->gallery);
	store_close(d->store);
	clock_free(d->clock);
	explicit_bzero(&d->devkey, sizeof(d->devkey));
	g_main_loop_unref(d->loop);
}

int main(int argc, char **argv)
{
	struct daemon *d = g_new0(struct daemon, 1);
	int debug = 0, rc;
	uint64_t wd_us;

	d->listen_fd = -1;
	rc = start_args(d, argc, argv, &debug);
	if (rc >= 0) {
		g_free(d);
		return rc;
	}
	log_init(debug || isatty(2) ? LOG_TO_TTY : LOG_TO_STDERR, debug);
	/* scanner.c routes GLib and libfprint messages into log.h. */
	signal(SIGPIPE, SIG_IGN);

	start_store(d);
	rc = clock_new(d->conf.clock_source, d->conf.simulated_start_utc_ms,
		       d->conf.simulated_speed, &d->clock);
	if (rc < 0)
		fatalx("clock: %s", strerror(-rc));
	if (open_lights(d) < 0 || gallery_new(&d->gallery) < 0)
		fatalx("out of memory");
	firststart_import(d);
	if (daemon_reload_facts(d) < 0)
		log_warnx("rules: none in force; punches are recorded but "
			  "not judged");
	d->loop = g_main_loop_new(NULL, FALSE);
	if (server_listen(d) < 0)
		fatalx("control: cannot listen on %s", d->conf.socket_path);
	daemon_lights(d, LIGHT_FAULT); /* until a reader shows up */
	rc = scanner_new(readers_on_event, d, &d->scanner);
	if (rc < 0)
		fatalx("scanner: %s", strerror(-rc));
	arming_start(d); /* before any reader opens and arms itself */
	readers_reload_gallery(d);
	monthly_start(d); /* closes the months whose day has come */
	g_unix_signal_add(SIGTERM, on_quit, d);
	g_unix_signal_add(SIGINT, on_quit, d);
	g_unix_signal_add(SIGHUP, on_hup, d);
	wd_us = notify_watchdog_usec();
	if (wd_us)
		g_timeout_add((guint)(wd_us / 2000), watchdog_tick, d);
	rc = notify_send("READY=1\nSTATUS=recording punches");
	if (rc < 0)
		log_errno(rc, "systemd notify");
	log_info("presensid %s started: desa %s, %s, clock %s", PD_VERSION,
		 d->conf.desa_id, d->conf.timezone,
		 d->conf.clock_source == CLOCK_SOURCE_SIMULATED ? "simulated"
								: "system");

	g_main_loop_run(d->loop);

	stop(d);
	g_free(d);
	log_info("stopped");
	return 0;
}
