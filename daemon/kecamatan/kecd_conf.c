/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_conf.c: kecamatand's INI file into a validated struct kecd_conf.
 * One sorted table of "section.key" names (bsearch through ini_keyword),
 * each with its type and range; cross-key rules (TLS off loopback, the
 * clock file) after the last line; every error collected first.
 */
#include "kecd_conf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"

enum kind { K_STR, K_INT, K_BOOL, K_PATH, K_CLOCK };

struct key {
	enum kind kind;
	size_t off, cap; /* the field in struct kecd_conf */
	long min, max;	 /* K_INT */
};

#define F(field) offsetof(struct kecd_conf, field)
#define S(field) sizeof(((struct kecd_conf *)0)->field)

/* Sorted by name (bytes): ini_keyword's bsearch. */
static const char *const names[] = {
	"clock.simulated_file",
	"clock.source",
	"limits.bundle_max_mb",
	"limits.form_max_kb",
	"limits.push_max_kb",
	"publisher.key",
	"rules.dir",
	"server.api_workers",
	"server.certificate",
	"server.key",
	"server.listen",
	"server.page_workers",
	"server.port",
	"server.public_url",
	"server.tmp_dir",
	"store.db",
	"web.address_attempts",
	"web.login_attempts",
	"web.login_window_min",
	"web.session_idle_min",
	"web.session_max_h",
};
#define NKEYS (sizeof(names) / sizeof(names[0]))

static const struct key keys[NKEYS] = {
	{K_PATH, F(clock_file), S(clock_file), 0, 0},
	{K_CLOCK, 0, 0, 0, 0},
	{K_INT, F(bundle_max_mb), 0, 1, 256},
	{K_INT, F(form_max_kb), 0, 4, 1024},
	{K_INT, F(push_max_kb), 0, 64, 16384},
	{K_PATH, F(publisher_key), S(publisher_key), 0, 0},
	{K_PATH, F(rules_dir), S(rules_dir), 0, 0},
	{K_INT, F(api_workers), 0, 1, 64},
	{K_PATH, F(certificate), S(certificate), 0, 0},
	{K_PATH, F(key), S(key), 0, 0},
	{K_STR, F(listen), S(listen), 0, 0},
	{K_INT, F(page_workers), 0, 1, 64},
	{K_INT, F(port), 0, 0, 65535},
	{K_STR, F(public_url), S(public_url), 0, 0},
	{K_PATH, F(tmp_dir), S(tmp_dir), 0, 0},
	{K_STR, F(db), S(db), 0, 0},
	{K_INT, F(address_attempts), 0, 1, 10000},
	{K_INT, F(login_attempts), 0, 1, 1000},
	{K_INT, F(login_window_min), 0, 1, 1440},
	{K_INT, F(session_idle_min), 0, 1, 1440},
	{K_INT, F(session_max_h), 0, 1, 168},
};

static const char *const sections[] = {"clock",	 "limits", "publisher", "rules",
				       "server", "store",  "web"};

void kecd_conf_defaults(struct kecd_conf *c)
{
	const char *tmp = getenv("TMPDIR");

	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1");
	c->port = KECD_PORT_DEFAULT;
	c->api_workers = 4;
	c->page_workers = 2;
	snprintf(c->tmp_dir, sizeof(c->tmp_dir), "%s",
		 tmp && *tmp == '/' ? tmp : "/tmp");
	snprintf(c->db, sizeof(c->db),
		 "/var/lib/presensi-kecamatan/kecamatan.db");
	snprintf(c->publisher_key, sizeof(c->publisher_key),
		 "/var/lib/presensi-kecamatan/publisher.key");
	c->session_idle_min = 30;
	c->session_max_h = 12;
	c->login_attempts = 5;
	c->address_attempts = 30;
	c->login_window_min = 15;
	c->push_max_kb = 1024;
	c->bundle_max_mb = 32;
	c->form_max_kb = 64;
}

int kecd_conf_is_loopback(const char *addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return memcmp(&a6, &in6addr_loopback, sizeof(a6)) == 0;
	return 0;
}

struct parse {
	struct kecd_conf *c;
	char dir[KECD_PATH_MAX]; /* the file's directory, for relative paths */
	int line_of[NKEYS];	 /* where each key was given, 0 if not */
};

static int known_section(const char *s)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strcmp(s, sections[i]) == 0)
			return 1;
	return 0;
}

static int set_path(struct parse *p, struct ini_errors *e, int line,
		    const char *key, const char *v, char *dst, size_t cap)
{
	int n;

	if (!*v) {
		ini_error(e, line, "%s: a path is needed", key);
		return 0;
	}
	if (v[0] == '/' || !p->dir[0])
		n = snprintf(dst, cap, "%s", v);
	else
		n = snprintf(dst, cap, "%s/%s", p->dir, v);
	if (n < 0 || (size_t)n >= cap)
		ini_error(e, line, "%s: path too long", key);
	return 0;
}

static int on_kv(void *ud, struct ini_errors *e, int line, const char *section,
		 const char *key, const char *value)
{
	struct parse *p = ud;
	char full[96];
	const struct key *k;
	long v;
	int i;

	if (!key) {
		if (!known_section(section))
			ini_error(e, line, "unknown section [%s]", section);
		return 0;
	}
	if (!known_section(section))
		return 0; /* said once, at its header */
	snprintf(full, sizeof(full), "%s.%s", section, key);
	i = ini_keyword(names, NKEYS, full);
	if (i < 0) {
		ini_error(e, line, "unknown key %s in [%s]", key, section);
		return 0;
	}
	if (p->line_of[i]) {
		ini_error(e, line, "%s given twice (first on line %d)", key,
			  p->line_of[i]);
		return 0;
	}
	p->line_of[i] = line;
	k = &keys[i];
	switch (k->kind) {
	case K_INT:
		if (ini_parse_long(value, k->min, k->max, &v) != 0)
			ini_error(e, line, "%s: a whole number %ld to %ld", key,
				  k->min, k->max);
		else
			*(int *)(void *)((char *)p->c + k->off) = (int)v;
		break;
	case K_STR:
		if (strlen(value) >= k->cap || !*value)
			ini_error(e, line, "%s: 1 to %zu characters", key,
				  k->cap - 1);
		else
			snprintf((char *)p->c + k->off, k->cap, "%s", value);
		break;
	case K_PATH:
		set_path(p, e, line, key, value, (char *)p->c + k->off, k->cap);
		break;
	case K_CLOCK:
		if (strcmp(value, "system") == 0)
			p->c->clock_simulated = false;
		else if (strcmp(value, "simulated") == 0)
			p->c->clock_simulated = true;
		else
			ini_error(e, line, "source: system or simulated");
		break;
	default:
		break;
	}
	return 0;
}

static int line_of(const struct parse *p, const char *name)
{
	int i = ini_keyword(names, NKEYS, name);

	return i < 0 ? 0 : p->line_of[i];
}

/* Rules across keys, after the last line. */
static void check_whole(struct parse *p, struct ini_errors *e)
{
	struct kecd_conf *c = p->c;
	struct in6_addr a6;
	struct in_addr a4;
	int at = line_of(p, "server.listen");

	if (inet_pton(AF_INET, c->listen, &a4) != 1 &&
	    inet_pton(AF_INET6, c->listen, &a6) != 1)
		ini_error(e, at,
			  "listen: an IP address such as 127.0.0.1, "
			  "0.0.0.0 or ::, not \"%s\"",
			  c->listen);
	c->loopback = kecd_conf_is_loopback(c->listen);
	if (!c->certificate[0] != !c->key[0])
		ini_error(e,
			  line_of(p, c->certificate[0] ? "server.certificate"
						       : "server.key"),
			  "certificate and key go together (PEM files)");
	c->tls = c->certificate[0] && c->key[0];
	if (!c->tls && !c->loopback)
		ini_error(e, at,
			  "listen = %s is not loopback: plain HTTP is allowed "
			  "on loopback only; set certificate and key",
			  c->listen);
	if (c->clock_simulated && !c->clock_file[0])
		ini_error(e, line_of(p, "clock.source"),
			  "source = simulated needs simulated_file");
	if (!c->clock_simulated && c->clock_file[0])
		ini_error(e, line_of(p, "clock.simulated_file"),
			  "simulated_file needs source = simulated");
}

static void dir_of(const char *fname, char *dir, size_t cap)
{
	const char *slash = strrchr(fname, '/');

	dir[0] = '\0';
	if (slash && (size_t)(slash - fname) < cap)
		snprintf(dir, cap, "%.*s", (int)(slash - fname), fname);
}

int kecd_conf_parse(FILE *fp, const char *fname, struct kecd_conf *c,
		    char *errbuf, size_t errcap)
{
	struct ini_errors e;
	struct parse p;
	int rc;

	if (!fname)
		fname = "-";
	kecd_conf_defaults(c);
	memset(&p, 0, sizeof(p));
	p.c = c;
	dir_of(fname, p.dir, sizeof(p.dir));
	ini_errors_init(&e, fname, errbuf, errcap);
	rc = ini_parse(fp, on_kv, &p, &e);
	if (rc == -EIO) {
		ini_error(&e, 0, "read error");
		return -EIO;
	}
	check_whole(&p, &e);
	return e.count ? -EINVAL : 0;
}

int kecd_conf_load(const char *path, struct kecd_conf *c, char *errbuf,
		   size_t errcap)
{
	struct ini_errors e;
	FILE *fp = fopen(path, "re");
	int rc;

	if (!fp) {
		rc = -errno;
		ini_errors_init(&e, path, errbuf, errcap);
		ini_error(&e, 0, "cannot open: %s", strerror(-rc));
		return rc;
	}
	rc = kecd_conf_parse(fp, path, c, errbuf, errcap);
	fclose(fp);
	return rc;
}
