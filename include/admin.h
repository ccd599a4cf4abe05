/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's synchronous admin commands over the control socket: people,
 * profiles, calendars, excuses, manual punches, the simulated clock.  Each
 * validates every field before it writes; a rejected command writes
 * nothing and answers one "err" line naming the field.  Enrolment, status
 * and waits are asynchronous and live in presensid.c.
 */
#ifndef PRESENSI_ADMIN_H
#define PRESENSI_ADMIN_H

#include "clock.h"
#include "conf.h"
#include "control.h"
#include "store.h"

/*
 * The earliest year an admin may name in a record (a manual punch, an
 * excuse, an active period): older dates are typos (1999 for 2019) or a
 * clock never set, never facts of this appliance.  Refused as bad input.
 */
#define ADMIN_YEAR_MIN 2020

#define ADMIN_CHANGED_PRINTS 0x1 /* reload the scanner gallery */
#define ADMIN_CHANGED_FACTS  0x2 /* reload profiles and calendars */
#define ADMIN_CHANGED_CLOCK  0x4 /* the clock jumped: months may be due */

struct admin_ctx {
	struct store *store;
	const struct conf *conf;
	struct clock *clock;
	/* Sends one reply line (no trailing newline needed: added). */
	void (*reply)(void *ud, const char *line);
	void *reply_ud;
	/* who acts: from the socket's peer credentials (server.c), or the
	 * daemon itself; recorded in every row and audit entry */
	char actor_name[PD_NAME_MAX];
	int64_t actor_uid;
	unsigned int changed; /* ADMIN_CHANGED_* set by handlers */
};

/*
 * Runs the command in m.  Returns 0 when it was an admin command (its
 * final "ok" or "err" line was sent), -ENOENT when m names no admin
 * command (the caller tries its own).
 */
int admin_dispatch(struct admin_ctx *a, const struct control_msg *m);

/* Reply helpers, shared with presensid.c. */
void admin_reply_ok(struct admin_ctx *a, const char *key, const char *value);
void admin_reply_err(struct admin_ctx *a, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sends "type" followed by text's TAB-separated parts as fields. */
void admin_reply_line(struct admin_ctx *a, const char *type, const char *text);

/* Field checks shared with the CLI: 0 or -EINVAL with why[] filled. */
int admin_check_id(const char *id, char *why, size_t cap);
int admin_check_text(const char *field, const char *v, size_t max,
		     bool required, char *why, size_t cap);

#endif /* PRESENSI_ADMIN_H */
