/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rights.c: presensid's requests for a person's data rights (UU 27/2022,
 * DOMAIN §6.5).  "person-forget-prints" deletes every template of one
 * person at once, each with its "print delete" ledger row, and drops them
 * from the readers; the person's attendance records stay.  (What the box
 * holds about a person is read by "presensi person report" straight from
 * the database: no request.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "log.h"
#include "nfc.h"

static int64_t now_utc(struct daemon *d)
{
	struct clock_reading r;

	clock_read(d->clock, &r);
	return r.utc_ms / 1000;
}

static void cmd_forget_prints(struct daemon *d, struct admin_ctx *a,
			      const struct control_msg *m)
{
	const char *id = control_get(m, "id");
	const char *reason = control_get(m, "reason");
	char why[256], count[16];
	char *norm = NULL;
	int rc, n = 0;

	if (admin_check_id(id, why, sizeof(why)) < 0 ||
	    admin_check_text("reason", reason, PD_TEXT_MAX, true, why,
			     sizeof(why)) < 0) {
		admin_reply_err(a, -EINVAL, "%s", why);
		return;
	}
	/* an enrolment of the same person would add a print right after */
	if (d->enr.c && strcmp(d->enr.person, id) == 0) {
		admin_reply_err(a, -EBUSY,
				"person %s is being enrolled: let it end or "
				"cancel it first",
				id);
		return;
	}
	rc = nfc_normalize(reason, &norm); /* one spelling, as admin.c */
	if (rc == 0)
		rc = store_person_forget_prints(
			d->store, id, norm, now_utc(d),
			ACTOR(a->actor_name, a->actor_uid), &n);
	free(norm);
	fault_store_watch(d); /* a write may have found the store gone */
	switch (rc) {
	case 0:
		break;
	case -ENOENT:
		admin_reply_err(a, rc, "id: no person %s", id);
		return;
	case -EINVAL:
	case -EILSEQ:
		admin_reply_err(a, -EINVAL, "reason: not a printable text");
		return;
	case -EBUSY:
		admin_reply_err(a, rc, "the database is busy, try again");
		return;
	default:
		admin_reply_err(a, rc,
				"person %s: the prints could not be deleted "
				"(%s); nothing was changed",
				id, strerror(-rc));
		return;
	}
	if (n > 0)
		readers_reload_gallery(d);
	log_info("person %s: %d prints deleted on request", id, n);
	snprintf(count, sizeof(count), "%d", n);
	admin_reply_ok(a, "count", count);
}

int rights_dispatch(struct daemon *d, struct client *c,
		    const struct control_msg *m)
{
	struct admin_ctx a;

	if (strcmp(m->field[0], "person-forget-prints") != 0)
		return -ENOENT;
	server_ctx(d, c, &a);
	cmd_forget_prints(d, &a, m);
	return 0;
}
