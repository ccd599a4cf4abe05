/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * firststart.c: on a store with no rules yet, imports the configured
 * default profile and calendar, effective from today, through the same
 * admin command a person would use (so they are audited ledger rows).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "civil.h"
#include "daemon_int.h"
#include "log.h"

#define REPLY_MAX 512

static void keep_reply(void *ud, const char *line)
{
	char *dst = ud;

	snprintf(dst, REPLY_MAX, "%s", line);
}

static int import_file(struct daemon *d, const char *cmd, const char *path)
{
	char *text = NULL, last[REPLY_MAX] = "", today_s[CIVIL_DATE_LEN];
	char line_from[32];
	struct control_msg m;
	struct admin_ctx a;
	struct clock_reading now;
	pd_day_t today;
	int32_t sec;
	gsize len;
	char *f_text, *f_file;

	if (!g_file_get_contents(path, &text, &len, NULL)) {
		log_warnx("rules: cannot read %s", path);
		return -ENOENT;
	}
	clock_read(d->clock, &now);
	civil_local_from_utc(now.utc_ms / 1000, d->conf.offset_min, &today,
			     &sec);
	civil_date_format(today, today_s);
	snprintf(line_from, sizeof(line_from), "from=%s", today_s);
	f_text = g_strconcat("text=", text, NULL);
	f_file = g_strconcat("file=", path, NULL);
	m.nfields = 0;
	m.field[m.nfields++] = (char *)(uintptr_t)cmd;
	if (strcmp(cmd, "profile-import") == 0)
		m.field[m.nfields++] = line_from;
	m.field[m.nfields++] = f_file;
	m.field[m.nfields++] = f_text;
	memset(&a, 0, sizeof(a));
	a.store = d->store;
	a.conf = &d->conf;
	a.clock = d->clock;
	a.reply = keep_reply;
	a.reply_ud = last;
	/* the daemon's own act (docs/ledger.md, "Who acted") */
	snprintf(a.actor_name, sizeof(a.actor_name), "presensid");
	a.actor_uid = (int64_t)getuid();
	admin_dispatch(&a, &m);
	g_free(f_text);
	g_free(f_file);
	g_free(text);
	if (strncmp(last, "ok", 2) != 0) {
		log_warnx("rules: %s not imported: %s", path, last);
		return -EINVAL;
	}
	log_info("rules: imported %s (first start)", path);
	return 0;
}

static int has_profile(void *ud, pd_day_t a, const char *b, const char *c,
		       const char *e, int64_t f)
{
	(void)a, (void)b, (void)c, (void)e, (void)f;
	*(int *)ud = 1;
	return 1;
}

static int has_calendar(void *ud, int64_t a, const char *b, const char *c,
			const char *e)
{
	(void)a, (void)b, (void)c, (void)e;
	*(int *)ud = 1;
	return 1;
}

void firststart_import(struct daemon *d)
{
	int have = 0;

	store_profile_each(d->store, has_profile, &have);
	if (!have && d->conf.default_profile[0])
		import_file(d, "profile-import", d->conf.default_profile);
	have = 0;
	store_calendar_each(d->store, has_calendar, NULL, &have);
	if (!have && d->conf.default_calendar[0])
		import_file(d, "calendar-import", d->conf.default_calendar);
}
