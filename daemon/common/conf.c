/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf.c: presensi.conf into a validated struct conf.  Keys are looked up in
 * a sorted table per section (bsearch via ini_keyword); values are checked
 * for range as they come, cross-key rules (required keys, the simulated
 * start in the desa's zone) after the last line, and every error is
 * collected as "file:line: message" before conf_parse() fails.
 */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "crypto.h"
#include "ini.h"

#define DUP_WINDOW_MAX_S	 3600 /* an hour: longer is surely a typo */
#define DUP_WINDOW_DEFAULT_S	 120
#define SIM_SPEED_MAX		 3600 /* one real second = one simulated hour */
#define GPIO_LINE_MAX		 4095 /* largest line offset accepted */
#define WAKE_DEBOUNCE_DEFAULT_MS 50   /* a button's bounce, a pad's settle */
#define WAKE_ARMED_MIN_S	 5    /* shorter: nobody gets a finger down */
#define WAKE_ARMED_MAX_S	 600  /* longer: the heat guard does the work */
#define WAKE_REST_MAX_S		 60   /* a person waits at most this long */
#define WAKE_MARGIN_MAX_MIN	 240  /* four hours either side of the hours */
#define WAKE_IDLE_ARMED_MAX_S	 600
#define WAKE_IDLE_EVERY_MAX_S	 3600
#define KEY_SUFFIX		 ".key" /* default key file: <store path>.key */
/* A month closes by itself on this day of the next month (DOMAIN §7.3);
 * 28 at most, so that every month has the day. */
#define CLOSE_DAY_DEFAULT 3
#define CLOSE_DAY_MAX	  28
#define CLOSE_SEC_DEFAULT (23 * 3600 + 59 * 60) /* 23:59 local */
#define CLIENTS_DEFAULT	  64			/* control clients at once */
#define CLIENTS_MAX	  1024			/* more is surely a typo */
#define PUSH_TIMER_MIN_S  5    /* [push] batch_timer_s: no busier than this */
#define PUSH_TIMER_MAX_S  3600 /* and at least hourly */

enum key_id {
	K_BUNDLE_CLOSE_DAY,
	K_BUNDLE_CLOSE_TIME,
	K_CLOCK_SIMULATED_SPEED,
	K_CLOCK_SIMULATED_START,
	K_CLOCK_SOURCE,
	K_CONTROL_GROUP,
	K_CONTROL_MAX_CLIENTS,
	K_CONTROL_SOCKET,
	K_DAEMON_GROUP,
	K_DAEMON_USER,
	K_DESA_ID,
	K_DESA_KECAMATAN,
	K_DESA_NAME,
	K_DESA_TIMEZONE,
	K_LIGHTS_ACTIVE_LOW,
	K_LIGHTS_AMBER,
	K_LIGHTS_BACKEND,
	K_LIGHTS_BUZZER,
	K_LIGHTS_CHIP,
	K_LIGHTS_GREEN,
	K_LIGHTS_RED,
	K_LIGHTS_SIM_LOG,
	K_PUNCH_DUPLICATE_WINDOW_S,
	K_PUNCH_REFUSE_UNTRUSTED,
	K_PUSH_BATCH_TIMER_S,
	K_PUSH_GROUP,
	K_PUSH_PIN_SHA256,
	K_PUSH_PUBLISHER_KEY,
	K_PUSH_SERVER,
	K_PUSH_STATE,
	K_RULES_CALENDAR,
	K_RULES_PROFILE,
	K_STORE_KEY,
	K_STORE_PATH,
	K_WAKE_ACTIVE_LOW,
	K_WAKE_ARMED_S,
	K_WAKE_BACKEND,
	K_WAKE_BIAS,
	K_WAKE_CHIP,
	K_WAKE_DEBOUNCE_MS,
	K_WAKE_DUTY,
	K_WAKE_IDLE_ARMED_S,
	K_WAKE_IDLE_EVERY_S,
	K_WAKE_LINE,
	K_WAKE_MASUK_AFTER_MIN,
	K_WAKE_MASUK_BEFORE_MIN,
	K_WAKE_PULANG_AFTER_MIN,
	K_WAKE_PULANG_BEFORE_MIN,
	K_WAKE_REST_S,
	K_WAKE_SIM_PATH,
	K_COUNT
};

/* Key names of one section, sorted for bsearch, with their ids. */
struct section {
	const char *name;
	const char *const *keys;
	const enum key_id *ids;
	size_t n;
};

static const char *const bundle_keys[] = {"close_day", "close_time"};
static const enum key_id bundle_ids[] = {K_BUNDLE_CLOSE_DAY,
					 K_BUNDLE_CLOSE_TIME};
static const char *const clock_keys[] = {"simulated_speed", "simulated_start",
					 "source"};
static const enum key_id clock_ids[] = {
	K_CLOCK_SIMULATED_SPEED, K_CLOCK_SIMULATED_START, K_CLOCK_SOURCE};
static const char *const control_keys[] = {"group", "max_clients", "socket"};
static const enum key_id control_ids[] = {
	K_CONTROL_GROUP, K_CONTROL_MAX_CLIENTS, K_CONTROL_SOCKET};
static const char *const daemon_keys[] = {"group", "user"};
static const enum key_id daemon_ids[] = {K_DAEMON_GROUP, K_DAEMON_USER};
static const char *const desa_keys[] = {"id", "kecamatan", "name", "timezone"};
static const enum key_id desa_ids[] = {K_DESA_ID, K_DESA_KECAMATAN, K_DESA_NAME,
				       K_DESA_TIMEZONE};
static const char *const lights_keys[] = {"active_low", "amber",  "backend",
					  "buzzer",	"chip",	  "green",
					  "red",	"sim_log"};
static const enum key_id lights_ids[] = {K_LIGHTS_ACTIVE_LOW, K_LIGHTS_AMBER,
					 K_LIGHTS_BACKEND,    K_LIGHTS_BUZZER,
					 K_LIGHTS_CHIP,	      K_LIGHTS_GREEN,
					 K_LIGHTS_RED,	      K_LIGHTS_SIM_LOG};
static const char *const punch_keys[] = {"duplicate_window_s",
					 "refuse_untrusted"};
static const enum key_id punch_ids[] = {K_PUNCH_DUPLICATE_WINDOW_S,
					K_PUNCH_REFUSE_UNTRUSTED};
static const char *const push_keys[] = {"batch_timer_s", "group",  "pin_sha256",
					"publisher_key", "server", "state"};
static const enum key_id push_ids[] = {
	K_PUSH_BATCH_TIMER_S, K_PUSH_GROUP,  K_PUSH_PIN_SHA256,
	K_PUSH_PUBLISHER_KEY, K_PUSH_SERVER, K_PUSH_STATE};
static const char *const rules_keys[] = {"calendar", "profile"};
static const enum key_id rules_ids[] = {K_RULES_CALENDAR, K_RULES_PROFILE};
static const char *const store_keys[] = {"key", "path"};
static const enum key_id store_ids[] = {K_STORE_KEY, K_STORE_PATH};
static const char *const wake_keys[] = {"active_low",
					"armed_s",
					"backend",
					"bias",
					"chip",
					"debounce_ms",
					"duty",
					"idle_armed_s",
					"idle_every_s",
					"line",
					"masuk_after_min",
					"masuk_before_min",
					"pulang_after_min",
					"pulang_before_min",
					"rest_s",
					"sim_path"};
static const enum key_id wake_ids[] = {K_WAKE_ACTIVE_LOW,
				       K_WAKE_ARMED_S,
				       K_WAKE_BACKEND,
				       K_WAKE_BIAS,
				       K_WAKE_CHIP,
				       K_WAKE_DEBOUNCE_MS,
				       K_WAKE_DUTY,
				       K_WAKE_IDLE_ARMED_S,
				       K_WAKE_IDLE_EVERY_S,
				       K_WAKE_LINE,
				       K_WAKE_MASUK_AFTER_MIN,
				       K_WAKE_MASUK_BEFORE_MIN,
				       K_WAKE_PULANG_AFTER_MIN,
				       K_WAKE_PULANG_BEFORE_MIN,
				       K_WAKE_REST_S,
				       K_WAKE_SIM_PATH};

#define SECTION(s)                                                             \
	{                                                                      \
#s, s##_keys, s##_ids, sizeof(s##_keys) / sizeof(s##_keys[0])  \
	}
/* Sorted by name, for ini_keyword(). */
static const struct section sections[] = {
	SECTION(bundle), SECTION(clock),  SECTION(control), SECTION(daemon),
	SECTION(desa),	 SECTION(lights), SECTION(punch),   SECTION(push),
	SECTION(rules),	 SECTION(store),  SECTION(wake),
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))
static const char *const section_names[N_SECTIONS] = {
	"bundle", "clock", "control", "daemon", "desa", "lights",
	"punch",  "push",  "rules",   "store",	"wake",
};

struct parse {
	struct conf *c;
	struct ini_errors *e;
	const struct section *sec; /* NULL: outside or unknown section */
	bool sec_unknown;	   /* already reported: skip its keys */
	char dir[CONF_PATH_MAX];   /* of the file, "" = none (keep as is) */
	int line_of[K_COUNT];	   /* where each key was set, 0 = not set */
	bool tz_ok;
	bool start_ok;
	char start[CIVIL_LOCAL_LEN]; /* [clock] simulated_start, local */
	bool duty;		     /* [wake] duty, default yes */
};

int conf_tz_offset(const char *tz, int32_t *offset_min)
{
	return tz ? civil_tz_offset(tz, offset_min) : -EINVAL;
}

void conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->lights = LIGHTS_NONE;
	c->gpio.green = -1;
	c->gpio.amber = -1;
	c->gpio.red = -1;
	c->gpio.buzzer = -1;
	c->duplicate_window_s = DUP_WINDOW_DEFAULT_S;
	c->refuse_untrusted = false;
	c->clock_source = CLOCK_SOURCE_SYSTEM;
	c->simulated_speed = 1;
	c->close_day = CLOSE_DAY_DEFAULT;
	c->close_sec = CLOSE_SEC_DEFAULT;
	c->wake = WAKE_NONE;
	c->wake_gpio.line = -1;
	c->wake_gpio.active_low = 1; /* a button to ground, pulled up */
	c->wake_gpio.bias = WAKE_BIAS_PULL_UP;
	c->wake_debounce_ms = WAKE_DEBOUNCE_DEFAULT_MS;
	duty_conf_defaults(&c->duty);
	c->max_clients = CLIENTS_DEFAULT;
	snprintf(c->push.state_path, sizeof(c->push.state_path), "%s",
		 CONF_PUSH_STATE_DEFAULT);
	snprintf(c->push.group, sizeof(c->push.group), "%s",
		 CONF_PUSH_GROUP_DEFAULT);
	c->push.batch_timer_s = CONF_PUSH_TIMER_DEFAULT_S;
}

/* "[section] key: " prefix for messages about one key. */
#define KEYFMT "[%s] %s: "

static int set_str(struct parse *p, int line, const char *key, char *dst,
		   size_t cap, const char *v)
{
	if (!*v) {
		ini_error(p->e, line, KEYFMT "empty value", p->sec->name, key);
		return -EINVAL;
	}
	if (strlen(v) >= cap) {
		ini_error(p->e, line, KEYFMT "too long (at most %zu bytes)",
			  p->sec->name, key, cap - 1);
		return -EINVAL;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* Letters, digits and ".-_", not starting with '-': ids, group names. */
static bool is_token(const char *v)
{
	if (!*v || *v == '-')
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && !strchr("._-", *v))
			return false;
	return true;
}

static int set_path(struct parse *p, int line, const char *key, char *dst,
		    const char *v)
{
	int n;

	if (!*v) {
		ini_error(p->e, line, KEYFMT "empty path", p->sec->name, key);
		return -EINVAL;
	}
	if (v[0] == '/' || !p->dir[0])
		n = snprintf(dst, CONF_PATH_MAX, "%s", v);
	else
		n = snprintf(dst, CONF_PATH_MAX, "%s%s%s", p->dir,
			     strcmp(p->dir, "/") == 0 ? "" : "/", v);
	if (n < 0 || n >= CONF_PATH_MAX) {
		dst[0] = '\0';
		ini_error(p->e, line, KEYFMT "path too long (at most %d bytes)",
			  p->sec->name, key, CONF_PATH_MAX - 1);
		return -EINVAL;
	}
	return 0;
}

static int set_long(struct parse *p, int line, const char *key, const char *v,
		    long min, long max, long *out)
{
	if (ini_parse_long(v, min, max, out) < 0) {
		ini_error(p->e, line,
			  KEYFMT "\"%s\" is not a whole number in %ld..%ld",
			  p->sec->name, key, v, min, max);
		return -EINVAL;
	}
	return 0;
}

static int set_bool(struct parse *p, int line, const char *key, const char *v,
		    bool *out)
{
	if (ini_parse_bool(v, out) < 0) {
		ini_error(p->e, line, KEYFMT "\"%s\" is not yes or no",
			  p->sec->name, key, v);
		return -EINVAL;
	}
	return 0;
}

/* A GPIO line offset, or "none"/"-1" for an absent output. */
static int set_line(struct parse *p, int line, const char *key, const char *v,
		    int *out)
{
	long x;

	if (strcmp(v, "none") == 0 || strcmp(v, "-1") == 0) {
		*out = -1;
		return 0;
	}
	if (ini_parse_long(v, 0, GPIO_LINE_MAX, &x) < 0) {
		ini_error(p->e, line,
			  KEYFMT "\"%s\" is not a line offset (0..%d) or none",
			  p->sec->name, key, v, GPIO_LINE_MAX);
		return -EINVAL;
	}
	*out = (int)x;
	return 0;
}

static void set_u32(struct parse *p, int line, const char *key, const char *v,
		    long min, long max, uint32_t *out)
{
	long x;

	if (set_long(p, line, key, v, min, max, &x) == 0)
		*out = (uint32_t)x;
}

/* [wake] margins are written in minutes and kept in seconds. */
static void set_minutes(struct parse *p, int line, const char *key,
			const char *v, uint32_t *out_s)
{
	long x;

	if (set_long(p, line, key, v, 0, WAKE_MARGIN_MAX_MIN, &x) == 0)
		*out_s = (uint32_t)x * 60u;
}

static void set_bias(struct parse *p, int line, const char *key, const char *v,
		     enum wake_bias *out)
{
	if (strcmp(v, "pull-up") == 0)
		*out = WAKE_BIAS_PULL_UP;
	else if (strcmp(v, "pull-down") == 0)
		*out = WAKE_BIAS_PULL_DOWN;
	else if (strcmp(v, "disable") == 0)
		*out = WAKE_BIAS_DISABLE;
	else if (strcmp(v, "as-is") == 0)
		*out = WAKE_BIAS_AS_IS;
	else
		ini_error(p->e, line,
			  KEYFMT "\"%s\" is not pull-up, pull-down, disable "
				 "or as-is",
			  p->sec->name, key, v);
}

/* [push] server: http(s)://host[:port][/path], kept without a trailing
 * '/'; that plain http goes to loopback only is checked with the pin,
 * after the whole file. */
static void set_server(struct parse *p, int line, const char *key,
		       const char *v)
{
	struct conf_push *pc = &p->c->push;
	const char *host;
	size_t n;

	if (set_str(p, line, key, pc->server, sizeof(pc->server), v) < 0)
		return;
	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else
		host = NULL;
	if (!host) {
		ini_error(p->e, line,
			  KEYFMT "\"%s\" is not an http:// or https:// URL",
			  p->sec->name, key, v);
	} else if (!*host || *host == '/') {
		ini_error(p->e, line, KEYFMT "\"%s\" names no host",
			  p->sec->name, key, v);
	} else {
		for (const unsigned char *q = (const unsigned char *)v; *q; q++)
			if (*q <= ' ' || *q == 0x7f) {
				ini_error(p->e, line,
					  KEYFMT "\"%s\" has spaces or "
						 "control characters",
					  p->sec->name, key, v);
				break;
			}
	}
	n = strlen(pc->server);
	while (n && pc->server[n - 1] == '/')
		pc->server[--n] = '\0';
}

/* 64 hex digits, either case, with or without the colons openssl puts
 * between bytes; kept as lower-case hex without colons. */
static void set_pin(struct parse *p, int line, const char *key, const char *v)
{
	char *out = p->c->push.pin_sha256;
	size_t n = 0;

	for (const char *q = v; *q; q++) {
		if (*q == ':')
			continue;
		if (crypto_hex_digit(*q) < 0 || n == PD_HASH_HEX - 1) {
			n = 0;
			break;
		}
		out[n++] = (char)(*q >= 'A' && *q <= 'F' ? *q + 32 : *q);
	}
	out[n] = '\0';
	if (n != PD_HASH_HEX - 1) {
		out[0] = '\0';
		ini_error(p->e, line,
			  KEYFMT "\"%s\" is not 64 hex digits (colons "
				 "allowed)",
			  p->sec->name, key, v);
	}
}

/* One to CONF_PUSH_PUBLISHERS_MAX public keys, separated by commas or
 * white space. */
static void set_publishers(struct parse *p, int line, const char *key,
			   const char *v)
{
	struct conf_push *pc = &p->c->push;
	const char *q = v;

	pc->npublishers = 0;
	for (;;) {
		char hex[PD_HASH_HEX + 1];
		size_t n;

		q += strspn(q, ", \t");
		if (!*q)
			break;
		n = strcspn(q, ", \t");
		if (pc->npublishers == CONF_PUSH_PUBLISHERS_MAX) {
			ini_error(p->e, line, KEYFMT "more than %d keys",
				  p->sec->name, key, CONF_PUSH_PUBLISHERS_MAX);
			return;
		}
		snprintf(hex, sizeof(hex), "%.*s",
			 (int)(n < PD_HASH_HEX ? n : PD_HASH_HEX), q);
		if (n != PD_HASH_HEX - 1 ||
		    crypto_hex_decode(hex, pc->publisher[pc->npublishers],
				      sizeof(pc->publisher[0])) < 0) {
			ini_error(p->e, line,
				  KEYFMT "\"%.*s\" is not a public key (64 "
					 "hex digits)",
				  p->sec->name, key, (int)(n > 80 ? 80 : n), q);
			return;
		}
		pc->npublishers++;
		q += n;
	}
	if (!pc->npublishers)
		ini_error(p->e, line, KEYFMT "no key", p->sec->name, key);
}

static void set_key(struct parse *p, int line, enum key_id id, const char *key,
		    const char *v)
{
	struct conf *c = p->c;
	int64_t utc;
	long x;
	bool b;

	switch (id) {
	case K_DESA_ID:
		if (set_str(p, line, key, c->desa_id, sizeof(c->desa_id), v) ==
			    0 &&
		    !is_token(v))
			ini_error(p->e, line,
				  KEYFMT "\"%s\": use letters, digits, '.', "
					 "'-', '_'",
				  p->sec->name, key, v);
		break;
	case K_DESA_NAME:
		set_str(p, line, key, c->desa_name, sizeof(c->desa_name), v);
		break;
	case K_DESA_KECAMATAN:
		set_str(p, line, key, c->kecamatan, sizeof(c->kecamatan), v);
		break;
	case K_BUNDLE_CLOSE_DAY:
		if (set_long(p, line, key, v, 1, CLOSE_DAY_MAX, &x) == 0)
			c->close_day = (int)x;
		break;
	case K_BUNDLE_CLOSE_TIME:
		if (civil_time_parse(v, &c->close_sec) < 0)
			ini_error(p->e, line,
				  KEYFMT "\"%s\" is not a local time HH:MM",
				  p->sec->name, key, v);
		break;
	case K_DESA_TIMEZONE:
		if (conf_tz_offset(v, &c->offset_min) < 0) {
			ini_error(p->e, line,
				  KEYFMT "\"%s\" is not one of Asia/Jakarta "
					 "(WIB), Asia/Makassar (WITA), "
					 "Asia/Jayapura (WIT)",
				  p->sec->name, key, v);
			break;
		}
		snprintf(c->timezone, sizeof(c->timezone), "%s", v);
		p->tz_ok = true;
		break;
	case K_STORE_PATH:
		set_path(p, line, key, c->store_path, v);
		break;
	case K_STORE_KEY:
		set_path(p, line, key, c->key_path, v);
		break;
	case K_CONTROL_SOCKET:
		set_path(p, line, key, c->socket_path, v);
		break;
	case K_CONTROL_GROUP:
		if (set_str(p, line, key, c->socket_group,
			    sizeof(c->socket_group), v) == 0 &&
		    !is_token(v))
			ini_error(p->e, line,
				  KEYFMT "\"%s\" is not a group name",
				  p->sec->name, key, v);
		break;
	case K_CONTROL_MAX_CLIENTS:
		if (set_long(p, line, key, v, 1, CLIENTS_MAX, &x) == 0)
			c->max_clients = (unsigned int)x;
		break;
	case K_DAEMON_USER:
		if (set_str(p, line, key, c->daemon_user,
			    sizeof(c->daemon_user), v) == 0 &&
		    !is_token(v))
			ini_error(p->e, line,
				  KEYFMT "\"%s\" is not a user name",
				  p->sec->name, key, v);
		break;
	case K_DAEMON_GROUP:
		if (set_str(p, line, key, c->daemon_group,
			    sizeof(c->daemon_group), v) == 0 &&
		    !is_token(v))
			ini_error(p->e, line,
				  KEYFMT "\"%s\" is not a group name",
				  p->sec->name, key, v);
		break;
	case K_LIGHTS_BACKEND:
		if (strcmp(v, "sim") == 0)
			c->lights = LIGHTS_SIM;
		else if (strcmp(v, "gpiod") == 0)
			c->lights = LIGHTS_GPIOD;
		else if (strcmp(v, "none") == 0)
			c->lights = LIGHTS_NONE;
		else
			ini_error(p->e, line,
				  KEYFMT "\"%s\" is not sim, gpiod or none",
				  p->sec->name, key, v);
		break;
	case K_LIGHTS_SIM_LOG:
		set_path(p, line, key, c->sim_log, v);
		break;
	case K_LIGHTS_CHIP:
		/* A chip name, label or /dev path: never made relative. */
		set_str(p, line, key, c->gpio.chip, sizeof(c->gpio.chip), v);
		break;
	case K_LIGHTS_GREEN:
		set_line(p, line, key, v, &c->gpio.green);
		break;
	case K_LIGHTS_AMBER:
		set_line(p, line, key, v, &c->gpio.amber);
		break;
	case K_LIGHTS_RED:
		set_line(p, line, key, v, &c->gpio.red);
		break;
	case K_LIGHTS_BUZZER:
		if (set_line(p, line, key, v, &c->gpio.buzzer) == 0)
			c->buzzer = c->gpio.buzzer >= 0;
		break;
	case K_LIGHTS_ACTIVE_LOW:
		if (set_bool(p, line, key, v, &b) == 0)
			c->gpio.active_low = b;
		break;
	case K_PUNCH_DUPLICATE_WINDOW_S:
		if (set_long(p, line, key, v, 0, DUP_WINDOW_MAX_S, &x) == 0)
			c->duplicate_window_s = (uint32_t)x;
		break;
	case K_PUNCH_REFUSE_UNTRUSTED:
		set_bool(p, line, key, v, &c->refuse_untrusted);
		break;
	case K_CLOCK_SOURCE:
		if (strcmp(v, "system") == 0)
			c->clock_source = CLOCK_SOURCE_SYSTEM;
		else if (strcmp(v, "simulated") == 0)
			c->clock_source = CLOCK_SOURCE_SIMULATED;
		else
			ini_error(p->e, line,
				  KEYFMT "\"%s\" is not system or simulated",
				  p->sec->name, key, v);
		break;
	case K_CLOCK_SIMULATED_START:
		/* Shape and ranges now; the zone is applied after parsing. */
		if (strlen(v) != CIVIL_LOCAL_LEN - 1 ||
		    civil_local_parse(v, 0, &utc) < 0) {
			ini_error(p->e, line,
				  KEYFMT "\"%s\" is not a valid "
					 "\"YYYY-MM-DD HH:MM:SS\"",
				  p->sec->name, key, v);
			break;
		}
		snprintf(p->start, sizeof(p->start), "%s", v);
		p->start_ok = true;
		break;
	case K_CLOCK_SIMULATED_SPEED:
		/* 0: frozen, moved only by "presensi clock set" */
		if (set_long(p, line, key, v, 0, SIM_SPEED_MAX, &x) == 0)
			c->simulated_speed = (unsigned int)x;
		break;
	case K_RULES_PROFILE:
		set_path(p, line, key, c->default_profile, v);
		break;
	case K_RULES_CALENDAR:
		set_path(p, line, key, c->default_calendar, v);
		break;
	case K_WAKE_BACKEND:
		if (strcmp(v, "sim") == 0)
			c->wake = WAKE_SIM;
		else if (strcmp(v, "gpiod") == 0)
			c->wake = WAKE_GPIOD;
		else if (strcmp(v, "none") == 0)
			c->wake = WAKE_NONE;
		else
			ini_error(p->e, line,
				  KEYFMT "\"%s\" is not sim, gpiod or none",
				  p->sec->name, key, v);
		break;
	case K_WAKE_SIM_PATH:
		set_path(p, line, key, c->wake_sim_path, v);
		break;
	case K_WAKE_CHIP:
		set_str(p, line, key, c->wake_gpio.chip,
			sizeof(c->wake_gpio.chip), v);
		break;
	case K_WAKE_LINE:
		if (set_long(p, line, key, v, 0, GPIO_LINE_MAX, &x) == 0)
			c->wake_gpio.line = (int)x;
		break;
	case K_WAKE_ACTIVE_LOW:
		if (set_bool(p, line, key, v, &b) == 0)
			c->wake_gpio.active_low = b;
		break;
	case K_WAKE_BIAS:
		set_bias(p, line, key, v, &c->wake_gpio.bias);
		break;
	case K_WAKE_DEBOUNCE_MS:
		set_u32(p, line, key, v, 0, WAKE_DEBOUNCE_MAX_MS,
			&c->wake_debounce_ms);
		break;
	case K_WAKE_DUTY:
		set_bool(p, line, key, v, &p->duty);
		break;
	case K_WAKE_ARMED_S:
		set_u32(p, line, key, v, WAKE_ARMED_MIN_S, WAKE_ARMED_MAX_S,
			&c->duty.armed_s);
		break;
	case K_WAKE_REST_S:
		set_u32(p, line, key, v, 1, WAKE_REST_MAX_S, &c->duty.rest_s);
		break;
	case K_WAKE_MASUK_BEFORE_MIN:
		set_minutes(p, line, key, v, &c->duty.masuk_before_s);
		break;
	case K_WAKE_MASUK_AFTER_MIN:
		set_minutes(p, line, key, v, &c->duty.masuk_after_s);
		break;
	case K_WAKE_PULANG_BEFORE_MIN:
		set_minutes(p, line, key, v, &c->duty.pulang_before_s);
		break;
	case K_WAKE_PULANG_AFTER_MIN:
		set_minutes(p, line, key, v, &c->duty.pulang_after_s);
		break;
	case K_WAKE_IDLE_ARMED_S:
		set_u32(p, line, key, v, 1, WAKE_IDLE_ARMED_MAX_S,
			&c->duty.idle_armed_s);
		break;
	case K_WAKE_IDLE_EVERY_S:
		set_u32(p, line, key, v, 0, WAKE_IDLE_EVERY_MAX_S,
			&c->duty.idle_every_s);
		break;
	case K_PUSH_SERVER:
		set_server(p, line, key, v);
		break;
	case K_PUSH_PIN_SHA256:
		set_pin(p, line, key, v);
		break;
	case K_PUSH_STATE:
		set_path(p, line, key, c->push.state_path, v);
		break;
	case K_PUSH_BATCH_TIMER_S:
		if (set_long(p, line, key, v, PUSH_TIMER_MIN_S,
			     PUSH_TIMER_MAX_S, &x) == 0)
			c->push.batch_timer_s = (unsigned int)x;
		break;
	case K_PUSH_GROUP:
		if (set_str(p, line, key, c->push.group, sizeof(c->push.group),
			    v) == 0 &&
		    !is_token(v))
			ini_error(p->e, line,
				  KEYFMT "\"%s\" is not a group name",
				  p->sec->name, key, v);
		break;
	case K_PUSH_PUBLISHER_KEY:
		set_publishers(p, line, key, v);
		break;
	case K_COUNT:
		break;
	}
}

/* Whether an http:// URL's host is the loopback: 127.0.0.1, [::1] or
 * localhost, followed by a port, a path or nothing. */
static bool loopback_url(const char *url)
{
	static const char *const hosts[] = {"127.0.0.1", "[::1]", "localhost"};
	const char *h = url + strlen("http://");

	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		size_t n = strlen(hosts[i]);

		if (strncmp(h, hosts[i], n) == 0 &&
		    (h[n] == '\0' || h[n] == ':' || h[n] == '/'))
			return true;
	}
	return false;
}

/* [push]: https with its pinned certificate, or plain http to loopback;
 * the push's group is its own. */
static void check_push(struct parse *p)
{
	const struct conf *c = p->c;
	int at = p->line_of[K_PUSH_SERVER];

	if (at && strncmp(c->push.server, "https://", 8) == 0 &&
	    !c->push.pin_sha256[0] && !p->line_of[K_PUSH_PIN_SHA256])
		ini_error(p->e, at,
			  "[push] server: https needs pin_sha256 (the "
			  "SHA-256 of the server's certificate)");
	if (at && strncmp(c->push.server, "http://", 7) == 0 &&
	    !loopback_url(c->push.server))
		ini_error(p->e, at,
			  "[push] server: plain http only to loopback "
			  "(127.0.0.1, [::1], localhost); use https with "
			  "pin_sha256");
	if (c->socket_group[0] && strcmp(c->push.group, c->socket_group) == 0)
		ini_error(p->e,
			  p->line_of[K_PUSH_GROUP]
				  ? p->line_of[K_PUSH_GROUP]
				  : p->line_of[K_CONTROL_GROUP],
			  "[push] group: the same as [control] group; the "
			  "push's group must be its own");
}

static int on_kv(void *ud, struct ini_errors *e, int line, const char *section,
		 const char *key, const char *value)
{
	struct parse *p = ud;
	int i;

	if (!key) { /* a section header */
		i = ini_keyword(section_names, N_SECTIONS, section);
		p->sec = i < 0 ? NULL : &sections[i];
		p->sec_unknown = i < 0;
		if (i < 0)
			ini_error(e, line,
				  "unknown section [%s] (known: bundle, clock, "
				  "control, daemon, desa, lights, punch, push, "
				  "rules, store, wake)",
				  section);
		return 0;
	}
	if (p->sec_unknown)
		return 0; /* reported once, at its header */
	if (!p->sec) {
		ini_error(e, line, "\"%s\" is outside any [section]", key);
		return 0;
	}
	i = ini_keyword(p->sec->keys, p->sec->n, key);
	if (i < 0) {
		ini_error(e, line, "unknown key \"%s\" in [%s]", key,
			  p->sec->name);
		return 0;
	}
	if (p->line_of[p->sec->ids[i]]) {
		ini_error(e, line, KEYFMT "set twice (first on line %d)",
			  p->sec->name, key, p->line_of[p->sec->ids[i]]);
		return 0;
	}
	p->line_of[p->sec->ids[i]] = line;
	set_key(p, line, p->sec->ids[i], key, value);
	return 0;
}

/* [wake]: the backend's keys, and which arming mode the file means. */
static void check_wake(struct parse *p)
{
	struct conf *c = p->c;
	int at = p->line_of[K_WAKE_BACKEND];

	if (c->wake == WAKE_GPIOD) {
		if (!p->line_of[K_WAKE_CHIP])
			ini_error(p->e, at,
				  "[wake] backend = gpiod needs chip");
		if (!p->line_of[K_WAKE_LINE])
			ini_error(p->e, at,
				  "[wake] backend = gpiod needs line");
	}
	if (c->wake == WAKE_SIM && !p->line_of[K_WAKE_SIM_PATH])
		ini_error(p->e, at, "[wake] backend = sim needs sim_path");
	if (c->wake != WAKE_NONE && p->line_of[K_WAKE_DUTY])
		ini_error(p->e, p->line_of[K_WAKE_DUTY],
			  "[wake] duty: only for boxes without a wake input "
			  "(backend = none)");
	if (c->duty.idle_every_s &&
	    c->duty.idle_armed_s >= c->duty.idle_every_s)
		ini_error(p->e,
			  p->line_of[K_WAKE_IDLE_ARMED_S]
				  ? p->line_of[K_WAKE_IDLE_ARMED_S]
				  : p->line_of[K_WAKE_IDLE_EVERY_S],
			  "[wake] idle_armed_s: must be shorter than "
			  "idle_every_s (%u)",
			  c->duty.idle_every_s);
	if (c->wake != WAKE_NONE)
		c->duty.mode = DUTY_WAKE;
	else
		c->duty.mode = p->duty ? DUTY_WINDOWS : DUTY_ALWAYS;
}

/*
 * The control socket's path: it must fit a sockaddr_un, and it must not be
 * a file the daemon keeps (starting would replace that file by the
 * socket).  Paths are compared as configured, after the config file's
 * directory is applied; presensid refuses at start anything but a stale
 * socket at the path, which covers the rest (links, other names).
 */
static void check_socket(struct parse *p)
{
	const struct conf *c = p->c;
	char wal[CONF_PATH_MAX + 8], shm[CONF_PATH_MAX + 8];
	const struct {
		const char *path;
		const char *what;
	} others[] = {
		{c->store_path, "[store] path"},
		{wal, "[store] path's WAL"},
		{shm, "[store] path's shared-memory file"},
		{c->key_path, "[store] key"},
		{c->sim_log, "[lights] sim_log"},
		{c->default_profile, "[rules] profile"},
		{c->default_calendar, "[rules] calendar"},
	};
	size_t n = strlen(c->socket_path);
	int line = p->line_of[K_CONTROL_SOCKET];

	if (!line || !c->socket_path[0])
		return;
	if (n > CONF_SOCKET_PATH_MAX) {
		ini_error(p->e, line,
			  "[control] socket: %zu bytes, a socket path has at "
			  "most %d",
			  n, CONF_SOCKET_PATH_MAX);
		return;
	}
	snprintf(wal, sizeof(wal), "%s-wal", c->store_path);
	snprintf(shm, sizeof(shm), "%s-shm", c->store_path);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (others[i].path[0] &&
		    strcmp(others[i].path, c->socket_path) == 0) {
			ini_error(p->e, line,
				  "[control] socket: the same file as %s (%s)",
				  others[i].what, c->socket_path);
			return;
		}
}

/* Rules that need the whole file: required keys, dependent keys. */
static void check_whole(struct parse *p)
{
	struct conf *c = p->c;
	static const struct {
		enum key_id id;
		const char *what;
	} required[] = {
		{K_DESA_ID, "[desa] id"},
		{K_DESA_NAME, "[desa] name"},
		{K_DESA_TIMEZONE, "[desa] timezone"},
		{K_STORE_PATH, "[store] path"},
		{K_CONTROL_SOCKET, "[control] socket"},
	};

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!p->line_of[required[i].id])
			ini_error(p->e, 0, "%s is required", required[i].what);

	if (!p->line_of[K_STORE_KEY] && c->store_path[0]) {
		int n = snprintf(c->key_path, sizeof(c->key_path), "%s%s",
				 c->store_path, KEY_SUFFIX);

		if (n < 0 || (size_t)n >= sizeof(c->key_path))
			ini_error(p->e, p->line_of[K_STORE_PATH],
				  "[store] path: too long to derive the key "
				  "path \"<path>%s\"; set [store] key",
				  KEY_SUFFIX);
	}

	check_socket(p);
	if (p->line_of[K_DAEMON_GROUP] && !p->line_of[K_DAEMON_USER])
		ini_error(p->e, p->line_of[K_DAEMON_GROUP],
			  "[daemon] group: needs [daemon] user");

	if (c->lights == LIGHTS_SIM && !p->line_of[K_LIGHTS_SIM_LOG])
		ini_error(p->e, p->line_of[K_LIGHTS_BACKEND],
			  "[lights] backend = sim needs sim_log");
	if (c->lights == LIGHTS_GPIOD) {
		if (!p->line_of[K_LIGHTS_CHIP])
			ini_error(p->e, p->line_of[K_LIGHTS_BACKEND],
				  "[lights] backend = gpiod needs chip");
		if (c->gpio.green < 0 && c->gpio.amber < 0 && c->gpio.red < 0 &&
		    c->gpio.buzzer < 0)
			ini_error(p->e, p->line_of[K_LIGHTS_BACKEND],
				  "[lights] backend = gpiod needs at least "
				  "one of green, amber, red, buzzer");
	}

	check_wake(p);
	check_push(p);

	if (c->clock_source == CLOCK_SOURCE_SIMULATED &&
	    !p->line_of[K_CLOCK_SIMULATED_START])
		ini_error(p->e, p->line_of[K_CLOCK_SOURCE],
			  "[clock] source = simulated needs simulated_start");
	if (p->start_ok && !p->tz_ok && !p->line_of[K_DESA_TIMEZONE])
		ini_error(p->e, p->line_of[K_CLOCK_SIMULATED_START],
			  "[clock] simulated_start: needs [desa] timezone");
	if (p->start_ok && p->tz_ok) {
		int64_t s;

		if (civil_local_parse(p->start, c->offset_min, &s) == 0)
			c->simulated_start_utc_ms = s * 1000;
	}
}

/* The directory part of fname, or "" when it has none. */
static void dir_of(const char *fname, char *dir, size_t cap)
{
	const char *slash = fname ? strrchr(fname, '/') : NULL;
	size_t n;

	dir[0] = '\0';
	if (!slash)
		return;
	n = slash == fname ? 1 : (size_t)(slash - fname);
	if (n >= cap)
		return; /* then every relative path stays relative */
	memcpy(dir, fname, n);
	dir[n] = '\0';
}

int conf_parse(FILE *fp, const char *fname, struct conf *c, char *errbuf,
	       size_t errcap)
{
	struct ini_errors e;
	struct parse p;
	int rc;

	if (!fname)
		fname = "-";
	conf_defaults(c);
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.duty = true;
	p.e = &e;
	dir_of(fname, p.dir, sizeof(p.dir));
	ini_errors_init(&e, fname, errbuf, errcap);
	rc = ini_parse(fp, on_kv, &p, &e);
	if (rc == -EIO) {
		ini_error(&e, 0, "read error");
		return -EIO;
	}
	check_whole(&p);
	return e.count ? -EINVAL : 0;
}

int conf_load(const char *path, struct conf *c, char *errbuf, size_t errcap)
{
	struct ini_errors e;
	FILE *fp;
	int rc;

	fp = fopen(path, "re");
	if (!fp) {
		rc = -errno;
		ini_errors_init(&e, path, errbuf, errcap);
		ini_error(&e, 0, "cannot open: %s", strerror(-rc));
		return rc;
	}
	rc = conf_parse(fp, path, c, errbuf, errcap);
	fclose(fp);
	return rc;
}
