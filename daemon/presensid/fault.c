/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault.c: fault mode.  When the store or the key cannot be trusted the
 * daemon stays up: the fault light blinks, the socket answers, status and
 * systemd's STATUS= say what is wrong and what to do, and punches are
 * refused.  One fault is shown at a time, the gravest; each is logged once
 * when it begins.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon_int.h"
#include "log.h"
#include "notify.h"

#define NOTIFY_MAX (FAULT_MSG_MAX + 32)

enum light_state daemon_idle_light(const struct daemon *d)
{
	if (d->fault_kind != FAULT_NONE)
		return LIGHT_FAULT;
	/* ready, or standby while the readers rest (arming.c) */
	return d->scanner && scanner_reader_count(d->scanner) ? arming_light(d)
							      : LIGHT_FAULT;
}

static void tell_systemd(const struct daemon *d)
{
	char msg[NOTIFY_MAX];

	if (d->fault_kind == FAULT_NONE)
		snprintf(msg, sizeof(msg), "STATUS=recording punches");
	else
		snprintf(msg, sizeof(msg), "STATUS=fault: %s", d->fault_msg);
	(void)notify_send(msg); /* no systemd: a no-op */
}

void fault_set(struct daemon *d, enum fault_kind kind, const char *fmt, ...)
{
	char msg[FAULT_MSG_MAX];
	va_list ap;

	if (kind < d->fault_kind)
		return; /* a graver fault is shown; this one is logged */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (kind == d->fault_kind && strcmp(msg, d->fault_msg) == 0)
		return; /* already shown and logged */
	d->fault_kind = kind;
	snprintf(d->fault_msg, sizeof(d->fault_msg), "%s", msg);
	log_warnx("fault: %s", msg);
	if (d->lights)
		daemon_lights(d, LIGHT_FAULT);
	tell_systemd(d);
}

void fault_clear(struct daemon *d, enum fault_kind kind)
{
	if (d->fault_kind != kind || kind == FAULT_NONE)
		return;
	log_info("fault cleared: %s", d->fault_msg);
	d->fault_kind = FAULT_NONE;
	d->fault_msg[0] = '\0';
	if (d->lights && lights_base(d->lights) == LIGHT_FAULT)
		daemon_lights(d, daemon_idle_light(d));
	tell_systemd(d);
}

int fault_store_usable(const struct daemon *d)
{
	return d->store && d->fault_kind != FAULT_STORE;
}

void fault_store_watch(struct daemon *d)
{
	if (!d->store || d->fault_kind == FAULT_STORE)
		return;
	if (store_path_check(d->store) == -ESTALE)
		fault_set(d, FAULT_STORE,
			  "store %s was deleted or replaced while presensid "
			  "ran: punches are refused; restore the database "
			  "from a backup, then restart presensid",
			  d->conf.store_path);
}

void fault_punch_result(struct daemon *d, const char *person, int store_rc,
			int stored)
{
	if (stored) {
		fault_clear(d, FAULT_PUNCH);
		return;
	}
	if (!store_rc)
		return;
	if (store_rc == -ESTALE) {
		fault_store_watch(d);
		return;
	}
	fault_set(d, FAULT_PUNCH,
		  "the last punch (person %s) was not stored: %s; the next "
		  "punch that is stored clears this",
		  person,
		  store_rc == -ENOSPC ? "the disk is full"
				      : strerror(-store_rc));
}
