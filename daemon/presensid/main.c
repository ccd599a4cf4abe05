/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensid: the appliance daemon.  Reads the config, opens the store, the
 * lights and every fingerprint reader, serves the control socket, and runs
 * one GMainLoop.  Wiring only: signals, the watchdog and the lights timer
 * live here; what happens on a reader event, a request or a punch lives in
 * the files daemon_int.h lists.
 */
#include <errno.h>
#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "daemonargs.h"
#include "daemon_int.h"
#include "keyfile.h"
#include "log.h"
#include "notify.h"
#include "store_report.h"

#define FACTS_ERR_MAX 1024
/* How often the store's path is looked at between writes: a deleted
 * database shows on the fault light within this, even with no punch. */
#define STORE_WATCH_S 30

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
	int rc;

	if (!fault_store_usable(d))
		return -EIO;
	rc = store_facts_load(d->store, &f, err, sizeof(err));
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
 * would not bring a USB reader back), and neither does a known storage
 * fault: fault mode shows it, and a restart would only repeat it.
 */
static gboolean watchdog_tick(gpointer ud)
{
	struct daemon *d = ud;
	int64_t seq, utc;
	char head[PD_HASH_HEX];

	if (d->fault_kind == FAULT_STORE ||
	    store_ledger_head(d->store, &seq, &utc, head) == 0)
		(void)notify_send("WATCHDOG=1"); /* no systemd: a no-op */
	else
		log_warnx("watchdog: the store does not answer; not pinging");
	return G_SOURCE_CONTINUE;
}

static gboolean store_watch_tick(gpointer ud)
{
	fault_store_watch(ud);
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
	d->conf.push = nc.push; /* publishers' keys; the group at restart */
	arming_reload(d, &nc);
	if (nc.offset_min != d->conf.offset_min)
		log_warnx("reload: timezone changes take effect after a "
			  "restart");
	log_info("configuration reloaded");
	(void)notify_send("READY=1");
	return G_SOURCE_CONTINUE;
}

/* Reader events, then the live push's waits: a punch or an enrolment
 * may have added rows. */
static void on_scanner_event(void *ud, const struct scanner_event *ev)
{
	readers_on_event(ud, ev);
	push_ledger_changed(ud);
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
	struct daemon_args a;
	int rc = daemon_args_parse(argc, argv, "presensid", usage, &a);

	if (rc >= 0)
		return rc;
	*debug = a.debug;
	if (daemon_conf_load(a.config, &d->conf))
		return 1;
	if (a.check) {
		printf("configuration OK\n");
		return 0;
	}
	snprintf(d->conf_path, sizeof(d->conf_path), "%s", a.config);
	return -1;
}

/* Fault mode for a store that cannot be opened or trusted: what is
 * wrong, and what to do. */
static void store_fault(struct daemon *d, int rc, const char *why)
{
	const char *path = d->conf.store_path;
	const char *sep = why && *why ? " (" : "", *end = *sep ? ")" : "";

	if (!why)
		why = "";
	switch (rc) {
	case -EROFS:
		fault_set(d, FAULT_STORE,
			  "store %s is read-only%s%s%s: punches cannot be "
			  "recorded; make it writable by presensid (file "
			  "mode, owner, or the file system's mount), then "
			  "restart presensid",
			  path, sep, why, end);
		break;
	case -EACCES:
	case -EPERM:
		fault_set(d, FAULT_STORE,
			  "store %s cannot be opened: permission denied; give "
			  "it to presensid's user, then restart presensid",
			  path);
		break;
	case -EIO:
		fault_set(d, FAULT_STORE,
			  "store %s is damaged or is not a database%s%s%s: "
			  "punches are refused; restore a backup, then "
			  "restart presensid",
			  path, sep, why, end);
		break;
	default:
		fault_set(d, FAULT_STORE,
			  "store %s cannot be opened: %s; punches are "
			  "refused (see the log), restart presensid once it "
			  "is fixed",
			  path, strerror(-rc));
	}
}

/*
 * The key, once the store says whether it is new: a key file is made only
 * for an empty store, since prints sealed under a lost key would never
 * open again, and the key is also the device's signing identity.  Without
 * a usable key the daemon stays up in fault mode (no finger is identified,
 * nothing else is refused).
 */
static void start_key(struct daemon *d)
{
	uint8_t master[CRYPTO_KEY_BYTES], prints_key[CRYPTO_KEY_BYTES];
	uint8_t sign_seed[CRYPTO_KEY_BYTES];
	const char *path = d->conf.key_path;
	char head[PD_HASH_HEX];
	struct stat sb;
	int64_t n = -1, rows = -1, t;
	int rc;

	if (store_print_count(d->store, &n) < 0 ||
	    store_ledger_head(d->store, &rows, &t, head) < 0)
		n = rows = -1; /* unknown: never make a key then */
	if (lstat(path, &sb) < 0 && errno == ENOENT && (n || rows)) {
		if (n)
			fault_set(d, FAULT_KEY,
				  "key file %s is missing, and the store holds "
				  "%lld enrolled prints that only it opens: "
				  "restore the key file from a backup (mode "
				  "0600), or re-enrol (presensid(8), KEYS)",
				  path, (long long)n);
		else
			fault_set(d, FAULT_KEY,
				  "key file %s is missing, and the store "
				  "holds %lld ledger rows signed for with it: "
				  "restore the key file from a backup (mode "
				  "0600), or make a new one by hand "
				  "(presensid(8), KEYS)",
				  path, (long long)rows);
		return;
	}
	rc = keyfile_load_or_create(path, master);
	if (rc < 0) {
		fault_set(d, FAULT_KEY,
			  "key file %s cannot be used (%s; see the log): "
			  "restore or fix it; no finger is identified until "
			  "then",
			  path, strerror(-rc));
		return;
	}
	crypto_key_derive(master, CRYPTO_SUBKEY_PRINTS, prints_key);
	/* the device key that signs bundles (crypto.h) */
	crypto_key_derive(master, CRYPTO_SUBKEY_SIGN, sign_seed);
	crypto_devkey_from_seed(sign_seed, &d->devkey);
	explicit_bzero(sign_seed, sizeof(sign_seed));
	explicit_bzero(master, sizeof(master));
	rc = store_key_set(d->store, prints_key);
	explicit_bzero(prints_key, sizeof(prints_key));
	if (rc == 0)
		d->have_key = 1;
}

/*
 * The store, checked before it takes a punch (writable, every page well
 * formed), then its key.  A store that fails is closed and the daemon
 * goes on in fault mode.
 */
static void start_store(struct daemon *d)
{
	char why[256], marker[CONF_PATH_MAX + 32];
	struct store *st = NULL;
	struct stat sb;
	int rc;

	if (crypto_init() < 0)
		fatalx("crypto: libsodium failed to initialise");
	/* A store is created only where none ever was: a missing one in a
	 * directory that held one was lost, and an empty ledger in its
	 * place would hide that. */
	if (stat(d->conf.store_path, &sb) < 0 && errno == ENOENT &&
	    statedir_marked(d)) {
		statedir_marker_path(d, marker, sizeof(marker));
		fault_set(d, FAULT_STORE,
			  "store %s is missing, but this directory held one "
			  "(%s): punches are refused; restore the database "
			  "from a backup, then restart presensid",
			  d->conf.store_path, marker);
		return;
	}
	rc = store_open(d->conf.store_path, NULL, 0, NULL, &st);
	if (rc < 0) {
		store_fault(d, rc, NULL);
		return;
	}
	(void)statedir_mark(d); /* logged; only a later start needs it */
	rc = store_check(st, why, sizeof(why));
	if (rc < 0) {
		store_close(st);
		store_fault(d, rc, why);
		return;
	}
	d->store = st;
	start_key(d);
}

static void stop(struct daemon *d)
{
	/* Every store call commits before it returns, so there is no open
	 * transaction here; cancel the reader, lights off, close. */
	monthly_stop(d);
	backup_stop(d);
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
	statedir_unlock(d);
}

int main(int argc, char **argv)
{
	struct daemon *d = g_new0(struct daemon, 1);
	int debug = 0, rc;
	uint64_t wd_us;

	d->listen_fd = -1;
	d->lock_fd = -1;
	rc = start_args(d, argc, argv, &debug);
	if (rc >= 0) {
		g_free(d);
		return rc;
	}
	log_init(debug || isatty(2) ? LOG_TO_TTY : LOG_TO_STDERR, debug);
	/* scanner.c routes GLib and libfprint messages into log.h. */
	signal(SIGPIPE, SIG_IGN);
	/* Before anything is touched: one daemon per store. */
	if (statedir_lock(d) == -EBUSY)
		fatalx("not started: %s is in use by another presensid",
		       d->conf.store_path);
	/* The lights first: whatever fails next is shown on them. */
	if (open_lights(d) < 0 || gallery_new(&d->gallery) < 0)
		fatalx("out of memory");
	daemon_lights(d, LIGHT_FAULT); /* until a reader shows up */
	rc = clock_new(d->conf.clock_source, d->conf.simulated_start_utc_ms,
		       d->conf.simulated_speed, &d->clock);
	if (rc < 0)
		fatalx("clock: %s", strerror(-rc));
	d->loop = g_main_loop_new(NULL, FALSE);
	/* Then the socket, so that status answers in fault mode too. */
	if (server_listen(d) < 0)
		fatalx("control: cannot listen on %s", d->conf.socket_path);
	start_store(d);
	if (fault_store_usable(d)) {
		firststart_import(d);
		backup_after_restore(d);
		if (daemon_reload_facts(d) < 0)
			log_warnx("rules: none in force; punches are recorded "
				  "but not judged");
	}
	rc = scanner_new(on_scanner_event, d, &d->scanner);
	if (rc < 0)
		fatalx("scanner: %s", strerror(-rc));
	arming_start(d); /* before any reader opens and arms itself */
	readers_reload_gallery(d);
	/* devices, store, lights and socket are open: root is not needed */
	privdrop(d);
	monthly_start(d); /* closes the months whose day has come */
	g_unix_signal_add(SIGTERM, on_quit, d);
	g_unix_signal_add(SIGINT, on_quit, d);
	g_unix_signal_add(SIGHUP, on_hup, d);
	wd_us = notify_watchdog_usec();
	if (wd_us)
		g_timeout_add((guint)(wd_us / 2000), watchdog_tick, d);
	g_timeout_add_seconds(STORE_WATCH_S, store_watch_tick, d);
	rc = notify_send(d->fault_kind == FAULT_NONE
				 ? "READY=1\nSTATUS=recording punches"
				 : "READY=1");
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
