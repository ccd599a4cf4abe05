/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensi.conf: parsed from a FILE * into a validated struct conf with
 * defaults and ranges.  Unknown sections and keys are errors; every error
 * is reported as "file:line: message", all of them before failing.  The
 * configuration holds no working hours: those are rule profiles in the
 * database.
 */
#ifndef PRESENSI_CONF_H
#define PRESENSI_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "clock.h"
#include "duty.h"
#include "lights.h"
#include "pd.h"
#include "wake.h"

#define CONF_PATH_MAX 256
/* sockaddr_un's sun_path holds 108 bytes with the NUL */
#define CONF_SOCKET_PATH_MAX 107

enum lights_kind {
	LIGHTS_NONE = 0,
	LIGHTS_SIM,
	LIGHTS_GPIOD,
};

/* [push]: the live push (presensi-push) and what presensid needs of it
 * (docs/push.md). */
#define CONF_PUSH_URL_MAX	  256 /* the server's base URL, with NUL */
#define CONF_PUSH_PUBLISHERS_MAX  4   /* publishers' keys pinned */
#define CONF_PUSH_TIMER_DEFAULT_S 60  /* a batch at least this often */
#define CONF_PUSH_GROUP_DEFAULT	  "presensi-push"
#define CONF_PUSH_STATE_DEFAULT	  "/var/lib/presensi-push/push.state"

struct conf_push {
	char server[CONF_PUSH_URL_MAX]; /* "" = no push; no trailing '/' */
	char pin_sha256[PD_HASH_HEX]; /* certificate SHA-256, lower-case hex */
	char state_path[CONF_PATH_MAX]; /* the push's own state file */
	unsigned int batch_timer_s;	/* 5..3600 */
	char group[64]; /* the push's requests: root, admins and this group */
	int npublishers;
	uint8_t publisher[CONF_PUSH_PUBLISHERS_MAX][32]; /* Ed25519 keys */
};

enum wake_kind {
	WAKE_NONE = 0, /* no wake input: duty.mode WINDOWS or ALWAYS */
	WAKE_SIM,      /* a FIFO (wake.h) */
	WAKE_GPIOD,    /* a button or touch pad on a GPIO line */
};

struct conf {
	/* [desa] */
	char desa_id[PD_ID_MAX];     /* required, e.g. "3517012001" */
	char desa_name[PD_NAME_MAX]; /* required */
	char kecamatan[PD_NAME_MAX]; /* optional; named in every bundle */
	char timezone[32];  /* Asia/Jakarta|Asia/Makassar|Asia/Jayapura */
	int32_t offset_min; /* derived from timezone: 420/480/540 */
	/* [store] */
	char store_path[CONF_PATH_MAX]; /* database file */
	char key_path[CONF_PATH_MAX];	/* device key; default <store>.key */
	/* [control] */
	char socket_path[CONF_PATH_MAX];
	char socket_group[64];	  /* group allowed to use it; "" = owner's */
	unsigned int max_clients; /* connected at once; default 64 */
	/* [daemon] */
	char daemon_user[64];  /* started as root: run as this user; "" */
	char daemon_group[64]; /* and this group; "" = the user's own */
	/* [lights] */
	enum lights_kind lights;
	char sim_log[CONF_PATH_MAX];
	struct lights_gpio_conf gpio;
	bool buzzer; /* true when [lights] buzzer is set */
	/* [punch] */
	uint32_t duplicate_window_s; /* default 120 */
	bool refuse_untrusted;	     /* default false: keep and flag */
	/* [clock] */
	enum clock_source clock_source;
	int64_t simulated_start_utc_ms; /* from "YYYY-MM-DD HH:MM:SS" local */
	unsigned int simulated_speed;	/* default 1 */
	/* [bundle] */
	int close_day;	   /* a month closes itself on this day of the
			      next, 1..28; default 3 */
	int32_t close_sec; /* at this local time (seconds); default 23:59 */
	/* [rules] */
	char default_profile[CONF_PATH_MAX];  /* imported on first start */
	char default_calendar[CONF_PATH_MAX]; /* "" = none */
	/* [wake] */
	enum wake_kind wake;
	char wake_sim_path[CONF_PATH_MAX]; /* WAKE_SIM: the FIFO */
	struct wake_gpio_conf wake_gpio;   /* WAKE_GPIOD; line -1 = unset */
	uint32_t wake_debounce_ms;	   /* default 50 */
	struct duty_conf duty; /* mode: WAKE with an input, else WINDOWS
				  (duty = yes, the default) or ALWAYS */
	/* [push] */
	struct conf_push push;
};

/* Fills c with defaults (no required field set). */
void conf_defaults(struct conf *c);

/*
 * Parses fp (named fname in messages) into c, starting from defaults.
 * Relative paths are resolved against the directory of fname.
 * Returns 0, or -EINVAL with every error written into errbuf as
 * "fname:line: message\n" lines (-EIO on a read error); c is then
 * unspecified.
 */
int conf_parse(FILE *fp, const char *fname, struct conf *c, char *errbuf,
	       size_t errcap);
/* Opens and parses path; -ENOENT/-EACCES are reported in errbuf too. */
int conf_load(const char *path, struct conf *c, char *errbuf, size_t errcap);

/* Timezone name -> fixed offset minutes; -EINVAL for anything else. */
int conf_tz_offset(const char *tz, int32_t *offset_min);

#endif /* PRESENSI_CONF_H */
