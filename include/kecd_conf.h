/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecamatand's configuration (docs/kecamatan.md "The server"): an INI file
 * in presensi.conf's syntax (ini.h) parsed into a validated struct with
 * defaults and ranges.  Unknown sections and keys are errors; every error
 * is collected as "file:line: message" before the parse fails.  A listen
 * address that is not loopback needs a certificate and a key: plain HTTP
 * leaves the machine never.  Pure (no GLib, no libsoup).
 */
#ifndef PRESENSI_KECD_CONF_H
#define PRESENSI_KECD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define KECD_PATH_MAX	  512
#define KECD_ADDR_MAX	  64
#define KECD_PORT_DEFAULT 8080
#define KECD_ERRORS_MAX	  4096 /* room for every error of a file */

struct kecd_conf {
	/* [server] */
	char listen[KECD_ADDR_MAX];	 /* an IP literal; default 127.0.0.1 */
	int port;			 /* 0: any free port (tests) */
	char certificate[KECD_PATH_MAX]; /* PEM; with key: HTTPS */
	char key[KECD_PATH_MAX];
	char public_url[KECD_PATH_MAX]; /* what users type, for messages */
	int api_workers;		/* threads for the push API */
	int page_workers;		/* threads for pages and uploads */
	char tmp_dir[KECD_PATH_MAX];	/* XLSX downloads are made here */
	/* [store] */
	char db[KECD_PATH_MAX]; /* as presensi-kecamatan --db */
	/* [publisher] */
	char publisher_key[KECD_PATH_MAX]; /* Ed25519 seed file, 0600 */
	/* [rules] */
	char rules_dir[KECD_PATH_MAX]; /* profiles/ and calendars/ shipped
					* with the boxes, "" for none */
	/* [web] */
	int session_idle_min; /* a session unused this long ends */
	int session_max_h;    /* and any session after this long */
	int login_attempts;   /* failed logins of one account per window */
	int address_attempts; /* failed logins from one address per window */
	int login_window_min; /* the window, and how long a lock lasts */
	/* [limits] */
	int push_max_kb;   /* POST /api/v1/push body */
	int bundle_max_mb; /* a bundle, by the API or the upload form */
	int form_max_kb;   /* any other form */
	/* [clock] */
	bool clock_simulated;		/* tests and demos */
	char clock_file[KECD_PATH_MAX]; /* holds "YYYY-MM-DDTHH:MM:SSZ" */
	/* derived */
	bool tls;      /* certificate and key given */
	bool loopback; /* listen is a loopback address */
};

/* The defaults (docs/kecamatan.md lists them). */
void kecd_conf_defaults(struct kecd_conf *c);
/*
 * Parses fp (named fname in messages) into c.  0, -EINVAL when any error
 * was found (errbuf has every one, "file:line: message\n" each), -EIO on
 * a read error.  Relative paths are taken from the file's directory.
 */
int kecd_conf_parse(FILE *fp, const char *fname, struct kecd_conf *c,
		    char *errbuf, size_t errcap);
/* kecd_conf_parse of the file at path; -errno when it cannot be opened. */
int kecd_conf_load(const char *path, struct kecd_conf *c, char *errbuf,
		   size_t errcap);
/* 1 when addr is an IPv4 127.0.0.0/8 or the IPv6 ::1 literal. */
int kecd_conf_is_loopback(const char *addr);

#endif /* PRESENSI_KECD_CONF_H */
