/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * enrol.c: one enrolment at a time, over the control socket.  The scanner
 * first identifies the finger against everyone (a finger already enrolled
 * to someone else is refused), then takes its stages; each stage is
 * streamed to the client as a progress line and shown on the lights.  It
 * starts only with the person's consent (consent=yes, for the text of
 * PD_CONSENT_VERSION); the print is stored with its consent record (who,
 * when, which finger, the text's version); nothing is stored on failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon_int.h"
#include "log.h"

static void enrol_end(struct daemon *d)
{
	if (d->enr.timeout_src)
		g_source_remove(d->enr.timeout_src);
	memset(&d->enr, 0, sizeof(d->enr));
	arming_on_enrol(d, 0);
	daemon_lights(d, daemon_idle_light(d));
	readers_waits_check(d); /* enrolment-only waits end here */
}

static gboolean enrol_timeout(gpointer ud)
{
	struct daemon *d = ud;
	struct admin_ctx a;

	d->enr.timeout_src = 0;
	scanner_enroll_cancel(d->scanner);
	if (d->enr.c) {
		server_ctx(d, d->enr.c, &a);
		admin_reply_err(&a, -ETIMEDOUT,
				"enrolment timed out after %d s: nothing was "
				"stored",
				ENROLL_TIMEOUT_S);
	}
	enrol_end(d);
	return G_SOURCE_REMOVE;
}

static int finger_ok(const char *f)
{
	static const char *const fingers[] = {PD_FINGERS};

	for (size_t i = 0; i < sizeof(fingers) / sizeof(fingers[0]); i++)
		if (strcmp(f, fingers[i]) == 0)
			return 1;
	return 0;
}

void enrol_cmd(struct daemon *d, struct client *c, const struct control_msg *m)
{
	const char *id = control_get(m, "id");
	const char *finger = control_get(m, "finger");
	const char *consent = control_get(m, "consent");
	const char *version = control_get(m, "consent_version");
	/* in 0..INT_MAX: checked against the request table */
	int reader = (int)control_get_uint(m, "reader", 0);
	struct reader_slot *s;
	struct admin_ctx a;
	struct person p;
	char why[256];
	int rc, was_armed;

	server_ctx(d, c, &a);
	if (admin_check_id(id, why, sizeof(why)) < 0) {
		admin_reply_err(&a, -EINVAL, "%s", why);
		return;
	}
	if (!finger || !finger_ok(finger)) {
		admin_reply_err(&a, -EINVAL,
				"finger: \"%s\" is not one of left-/right-"
				"thumb, index, middle, ring, little",
				finger ? finger : "");
		return;
	}
	/* UU 27/2022: no scan without the person's consent to the text
	 * this box records (DOMAIN §6.5) */
	if (!consent) {
		admin_reply_err(
			&a, -EINVAL,
			"consent: required: consent=yes once the person "
			"agreed to the consent text (version %s)",
			PD_CONSENT_VERSION);
		return;
	}
	if (strcmp(consent, "yes") != 0) {
		admin_reply_err(&a, -EPERM,
				"no consent given: nothing was enrolled");
		return;
	}
	if (version && strcmp(version, PD_CONSENT_VERSION) != 0) {
		admin_reply_err(&a, -EPERM,
				"consent_version: the text shown was version "
				"%s, this box records version %s: show the "
				"current text (update presensi), nothing was "
				"enrolled",
				version, PD_CONSENT_VERSION);
		return;
	}
	if (store_person_get(d->store, id, &p) < 0) {
		admin_reply_err(&a, -ENOENT, "id: no person %s", id);
		return;
	}
	if (p.until != PD_DAY_OPEN) {
		admin_reply_err(&a, -EINVAL, "id: person %s is not active", id);
		return;
	}
	if (d->enr.c) {
		admin_reply_err(&a, -EBUSY, "another enrolment is running");
		return;
	}
	if (!d->have_key) {
		admin_reply_err(&a, -EIO, "enrolment refused: %s",
				d->fault_msg[0] ? d->fault_msg
						: "no template key");
		return;
	}
	/*
	 * The identify that was armed is gone: waits need the next arm.
	 * Cleared before the start, which may report the enrolment's own
	 * arm at once (an idle reader, as in standby).
	 */
	s = readers_slot(d, reader);
	was_armed = s ? s->armed : 0;
	if (s)
		s->armed = 0;
	rc = scanner_enroll_start(d->scanner, reader);
	if (rc < 0) {
		if (s)
			s->armed = was_armed;
		admin_reply_err(&a, rc,
				rc == -ENODEV ? "reader %d: not connected"
					      : "reader %d: busy",
				reader);
		return;
	}
	d->enr.c = c;
	d->enr.reader = reader;
	snprintf(d->enr.person, sizeof(d->enr.person), "%s", id);
	snprintf(d->enr.finger, sizeof(d->enr.finger), "%s", finger);
	snprintf(d->enr.by, sizeof(d->enr.by), "%s", a.actor_name);
	d->enr.by_uid = a.actor_uid;
	d->enr.timeout_src =
		g_timeout_add_seconds(ENROLL_TIMEOUT_S, enrol_timeout, d);
	daemon_lights(d, LIGHT_ENROLL);
	arming_on_enrol(d, 1);
	admin_reply_line(&a, "progress",
			 "place the finger on the reader (first a check that "
			 "it is not enrolled yet)");
	log_info("enrolment started: person %s", id);
}

static void enrol_done(struct daemon *d, const struct scanner_event *ev)
{
	struct admin_ctx a;
	struct print_rec r;
	struct clock_reading now;
	char detail[160], key[32];
	int64_t k;
	int rc;

	server_ctx(d, d->enr.c, &a);
	clock_read(d->clock, &now);
	memset(&r, 0, sizeof(r));
	snprintf(r.person, sizeof(r.person), "%s", d->enr.person);
	snprintf(r.finger, sizeof(r.finger), "%s", d->enr.finger);
	snprintf(r.model, sizeof(r.model), "%s", ev->model ? ev->model : "");
	/* the version of the text the person agreed to (checked at the
	 * request): the "print enrol" row records it */
	snprintf(r.consent, sizeof(r.consent), "%s", PD_CONSENT_VERSION);
	r.created_utc = now.utc_ms / 1000;
	/* the same finger's print that no longer opens: replaced by this */
	for (size_t i = 0; i < gallery_bad_count(d->gallery); i++) {
		const struct print_rec *b = gallery_bad(d->gallery, i);

		if (!strcmp(b->person, r.person) &&
		    !strcmp(b->finger, r.finger) && !strcmp(b->model, r.model))
			r.replaces = b->key;
	}
	rc = store_print_add(d->store, &r, ev->blob, ev->blob_len,
			     ACTOR(d->enr.by, d->enr.by_uid), now.utc_ms / 1000,
			     &k);
	if (rc < 0) {
		admin_reply_err(
			&a, rc,
			rc == -EEXIST ? "%s of %s is already enrolled on this "
					"reader model"
				      : "cannot store the print of %s %s",
			d->enr.finger, d->enr.person);
		enrol_end(d);
		return;
	}
	/* UU 27/2022: consent is recorded with who, when and which finger. */
	snprintf(detail, sizeof(detail),
		 "consent recorded at enrolment; finger=%s; reader=%s",
		 d->enr.finger, r.model);
	rc = store_audit_add(d->store, now.utc_ms / 1000,
			     ACTOR(d->enr.by, d->enr.by_uid), "enroll",
			     d->enr.person, detail);
	if (rc < 0)
		log_errno(rc, "audit: enrolment of %s not recorded",
			  d->enr.person);
	log_info("enrolment done: person %s print %lld", d->enr.person,
		 (long long)k);
	snprintf(key, sizeof(key), "%lld", (long long)k);
	admin_reply_ok(&a, "print", key);
	enrol_end(d);
	readers_reload_gallery(d);
}

void enrol_on_event(struct daemon *d, const struct scanner_event *ev)
{
	struct admin_ctx a;
	char msg[160];

	if (!d->enr.c) {
		scanner_enroll_cancel(d->scanner);
		return;
	}
	server_ctx(d, d->enr.c, &a);
	switch (ev->kind) {
	case SCANNER_EV_ENROLL_STAGE:
		if (ev->stage >= ev->stages)
			snprintf(msg, sizeof(msg), "stage %d/%d done",
				 ev->stage, ev->stages);
		else
			snprintf(msg, sizeof(msg),
				 "stage %d/%d done: lift and place the finger "
				 "again",
				 ev->stage, ev->stages);
		admin_reply_line(&a, "progress", msg);
		daemon_lights(d, LIGHT_ENROLL_STAGE);
		break;
	case SCANNER_EV_ENROLL_DONE:
		enrol_done(d, ev);
		break;
	case SCANNER_EV_ENROLL_FAILED:
		if (ev->outcome == SCAN_MATCH) {
			const char *owner =
				gallery_person_of(d->gallery, ev->print_key);

			admin_reply_err(&a, -EEXIST,
					"this finger is already enrolled to "
					"person %s: nothing was stored",
					owner ? owner : "?");
		} else {
			admin_reply_err(&a, -EIO, "enrolment failed: %s",
					ev->message ? ev->message
						    : "reader error");
		}
		daemon_lights(d, LIGHT_UNKNOWN);
		enrol_end(d);
		break;
	default:
		break;
	}
}

void enrol_client_gone(struct daemon *d, struct client *c)
{
	if (d->enr.c != c)
		return;
	scanner_enroll_cancel(d->scanner);
	log_info("enrolment cancelled: client left");
	enrol_end(d);
}

void enrol_reader_gone(struct daemon *d, int reader)
{
	struct admin_ctx a;

	if (!d->enr.c || d->enr.reader != reader)
		return;
	server_ctx(d, d->enr.c, &a);
	admin_reply_err(&a, -ENODEV,
			"the reader was unplugged during enrolment");
	enrol_end(d);
}
