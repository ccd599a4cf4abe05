/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kec_device.c: a box's state folded from the rows and manifests it sent.
 */
#include "kec_device.h"

#include <stdio.h>
#include <string.h>

void kec_device_note(struct kec_device_state *d, const struct ledger_row *r,
		     const struct ledger_fact *f)
{
	switch (f->kind) {
	case LEDGER_FACT_PUNCH:
		if (r->at_utc >= d->last_punch_utc) {
			d->last_punch_utc = r->at_utc;
			d->clock_trusted = f->u.punch.flags & PUNCH_F_MANUAL
						   ? d->clock_trusted
						   : !(f->u.punch.flags &
						       PUNCH_F_UNTRUSTED);
		}
		if (!(f->u.punch.flags & PUNCH_F_MANUAL) &&
		    r->at_utc > d->last_reader_utc)
			d->last_reader_utc = r->at_utc;
		break;
	case LEDGER_FACT_PROFILE:
		snprintf(d->profile_version, sizeof(d->profile_version), "%s",
			 f->u.profile.version);
		snprintf(d->profile_name, sizeof(d->profile_name), "%s",
			 f->u.profile.name);
		d->profile_from = f->u.profile.from_day;
		break;
	case LEDGER_FACT_CALENDAR:
		snprintf(d->calendar_version, sizeof(d->calendar_version), "%s",
			 f->u.calendar.version);
		snprintf(d->calendar_name, sizeof(d->calendar_name), "%s",
			 f->u.calendar.name);
		break;
	case LEDGER_FACT_CHECKPOINT:
		if (f->u.checkpoint.at_utc >= d->health_utc) {
			d->health_utc = f->u.checkpoint.at_utc;
			d->disk_free = f->u.checkpoint.disk_free;
			d->reader_errors = f->u.checkpoint.reader_errors;
			d->uptime_s = f->u.checkpoint.uptime_s;
			d->untrusted = f->u.checkpoint.untrusted;
		}
		break;
	default:
		break;
	}
}

void kec_device_note_manifest(struct kec_device_state *d,
			      const struct bundle_manifest *m)
{
	snprintf(d->software, sizeof(d->software), "%s", m->software);
	if (m->closed_utc >= d->health_utc) {
		d->health_utc = m->closed_utc;
		d->disk_free = m->health.disk_free_bytes;
		d->reader_errors = m->health.reader_errors;
		d->uptime_s = m->health.uptime_s;
		d->untrusted = m->health.untrusted;
	}
}
