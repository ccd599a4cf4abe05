/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * push_rules.c: "rules-publish", a profile or calendar the kabupaten or
 * kecamatan published, brought down the push channel by presensi-push
 * (docs/push.md, "Rules down the same channel").  The publisher's
 * signature is checked against the keys pinned in presensi.conf; then the
 * file goes in through the very admin code of "presensi profile import" /
 * "calendar import", as the daemon, audited with the publisher's name.
 * Only from today on: what would judge a past day again needs the
 * explicit act at the box (DOMAIN §2.3).
 */
#include "pushsign.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "civil.h"
#include "log.h"
#include "nfc.h"
#include "rulepub.h"
#include "rules.h"
#include "store_report.h"

#define REPLY_MAX 4096

/* The inner admin command's one reply line, kept to be passed on. */
struct capture {
	char line[REPLY_MAX];
	int n;
};

static void capture(void *ud, const char *line)
{
	struct capture *c = ud;

	snprintf(c->line, sizeof(c->line), "%s", line);
	c->n++;
}

static int64_t now_utc(const struct admin_ctx *a)
{
	struct clock_reading r;

	clock_read(a->clock, &r);
	return r.utc_ms / 1000;
}

static pd_day_t today(const struct admin_ctx *a)
{
	pd_day_t d;
	int32_t s;

	civil_local_from_utc(now_utc(a), a->conf->offset_min, &d, &s);
	return d;
}

static void reply_ok(struct admin_ctx *a, const char *result,
		     const char *version)
{
	char line[256];

	snprintf(line, sizeof(line), "ok\tresult=%s\tversion=%s\n", result,
		 version);
	a->reply(a->reply_ud, line);
}

/* The calendar of text, parsed (errors answered).  Free with free(). */
static struct calendar *parse_calendar(struct admin_ctx *a, const char *fname,
				       const char *text)
{
	struct calendar *cal = calloc(1, sizeof(*cal));
	char err[1024];
	FILE *fp;
	int rc;

	if (!cal) {
		admin_reply_err(a, -ENOMEM, "out of memory");
		return NULL;
	}
	fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	if (!fp) {
		free(cal);
		admin_reply_err(a, -ENOMEM, "out of memory");
		return NULL;
	}
	rc = calendar_parse(fp, fname, cal, err, sizeof(err));
	fclose(fp);
	if (rc < 0) {
		size_t n = strlen(err);

		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
		admin_reply_err(a, -EINVAL, "%s", err);
		free(cal);
		return NULL;
	}
	return cal;
}

/*
 * A calendar that would change a day before from (a holiday added,
 * dropped or renamed there) judges past days again: refused, answered.
 * 0 when every change lies on or after from.
 */
static int check_calendar_days(struct admin_ctx *a, const struct facts *f,
			       const struct calendar *cal, pd_day_t from)
{
	const struct calendar_set *now = facts_calendar(f);
	struct calendar_set *next = malloc(sizeof(*next));
	pd_day_t day = civil_from_ymd(cal->year, 1, 1);
	pd_day_t end = civil_from_ymd(cal->year, 12, 31);
	char d1[CIVIL_DATE_LEN], d2[CIVIL_DATE_LEN];
	int rc = 0;

	if (!next) {
		admin_reply_err(a, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	*next = *now;
	if (calendar_set_add(next, cal) < 0) {
		free(next);
		admin_reply_err(a, -ENOSPC, "calendar: the set is full");
		return -ENOSPC;
	}
	for (; day < from && day <= end; day++) {
		enum calendar_kind k1 = CALENDAR_NONE, k2 = CALENDAR_NONE;
		const char *n1 = "", *n2 = "";

		(void)calendar_day(now, day, &k1, &n1); /* -ENOENT: none */
		(void)calendar_day(next, day, &k2, &n2);
		if (k1 == k2 && strcmp(n1 ? n1 : "", n2 ? n2 : "") == 0)
			continue;
		civil_date_format(day, d1);
		civil_date_format(from, d2);
		admin_reply_err(a, -EPERM,
				"from: the calendar changes %s, before %s, "
				"when it takes effect: that judges past days "
				"again and needs the explicit act at the box "
				"(presensi calendar import); not imported",
				d1, d2);
		rc = -EPERM;
		break;
	}
	free(next);
	return rc;
}

/* Is this very version in force on from?  1 yes, 0 no, or answered
 * -errno (a file that does not parse). */
static int in_force(struct admin_ctx *a, const struct facts *f,
		    enum rulepub_kind kind, pd_day_t from, const char *fname,
		    const char *text, const char *version)
{
	const struct calendar_set *cs = facts_calendar(f);
	struct calendar *cal;
	int rc = 0;

	if (kind == RULEPUB_PROFILE) {
		const struct rules_profile *p =
			rules_set_find(facts_rules(f), from, NULL);

		return p && strcmp(p->version, version) == 0;
	}
	cal = parse_calendar(a, fname, text);
	if (!cal)
		return -EINVAL;
	for (int i = 0; i < cs->nfiles; i++)
		if (cs->files[i].year == cal->year)
			rc = strcmp(cs->files[i].version, version) == 0;
	if (rc == 0 && check_calendar_days(a, f, cal, from) < 0)
		rc = -EPERM;
	free(cal);
	return rc;
}

/* The publisher's signature of p under one of the pinned keys: 0 with
 * *which, -EBADMSG none, -ENOKEY none pinned, -EINVAL not 128 hex. */
static int verify(const struct conf_push *pc, const struct rulepub *p,
		  const char *sig_hex, int *which)
{
	uint8_t sig[CRYPTO_SIG_BYTES];
	char stmt[RULEPUB_STMT_MAX];
	int n;

	if (crypto_hex_decode(sig_hex, sig, sizeof(sig)) < 0)
		return -EINVAL;
	n = rulepub_statement(p, stmt);
	if (n < 0)
		return -EINVAL;
	if (pc->npublishers <= 0)
		return -ENOKEY;
	for (int i = 0; i < pc->npublishers; i++)
		if (crypto_sig_verify(pc->publisher[i], stmt, (size_t)n, sig) ==
		    0) {
			*which = i;
			return 0;
		}
	return -EBADMSG;
}

/* The publication in m, its signature, its scope and its day; answered
 * when refused.  0 when it may go in, with *p filled. */
static int check_published(struct admin_ctx *a, const struct control_msg *m,
			   struct rulepub *p, int *which)
{
	const struct conf_push *pc = &a->conf->push;
	const char *k = control_get(m, "kind"), *f = control_get(m, "from");
	const char *scope = control_get(m, "scope");
	const char *area = control_get(m, "area");
	const char *name = control_get(m, "name");
	const char *published = control_get(m, "published");
	const char *text = control_get(m, "text");
	const char *sig = control_get(m, "signature");
	char *norm = NULL, d1[CIVIL_DATE_LEN], d2[CIVIL_DATE_LEN];
	int rc;

	memset(p, 0, sizeof(*p));
	p->id = (int64_t)control_get_uint(m, "id", 0);
	if (p->id < 1) {
		admin_reply_err(a, -EINVAL,
				"id: required (the publication's "
				"number)");
		return -EINVAL;
	}
	if (!k || rulepub_kind_parse(k, &p->kind) < 0) {
		admin_reply_err(a, -EINVAL, "kind: profile or calendar");
		return -EINVAL;
	}
	if (!scope || (strcmp(scope, "kabupaten") != 0 &&
		       strcmp(scope, "kecamatan") != 0)) {
		admin_reply_err(a, -EINVAL, "scope: kabupaten or kecamatan");
		return -EINVAL;
	}
	p->kabupaten = strcmp(scope, "kabupaten") == 0;
	if (!f || civil_date_parse(f, &p->from_day) < 0) {
		admin_reply_err(a, -EINVAL, "from: required (YYYY-MM-DD)");
		return -EINVAL;
	}
	if (!published || ledger_iso_parse(published, &p->published_utc) < 0) {
		admin_reply_err(a, -EINVAL,
				"published: required (YYYY-MM-DDTHH:MM:SSZ)");
		return -EINVAL;
	}
	if (!area || !*area || !name || !*name) {
		admin_reply_err(a, -EINVAL, "area and name: required");
		return -EINVAL;
	}
	snprintf(p->area, sizeof(p->area), "%s", area);
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (!text || !*text) {
		admin_reply_err(a, -EINVAL, "text: required (the file)");
		return -EINVAL;
	}
	if (!sig || !*sig) {
		admin_reply_err(a, -EINVAL,
				"signature: required (the publisher's)");
		return -EINVAL;
	}
	crypto_sha256_hex(text, strlen(text), p->version);
	rc = verify(pc, p, sig, which);
	if (rc == -ENOKEY) {
		admin_reply_err(a, -EPERM,
				"no publisher key is pinned ([push] "
				"publisher_key): published rules are not "
				"taken");
		return -EPERM;
	}
	if (rc == -EINVAL) {
		admin_reply_err(a, -EINVAL,
				"signature: not 128 hex digits, or a "
				"publication that cannot be stated");
		return -EINVAL;
	}
	if (rc < 0) {
		admin_reply_err(a, -EPERM,
				"signature: not by a publisher key pinned in "
				"[push] publisher_key; not imported");
		return -EPERM;
	}
	/* the server signs for every kecamatan it serves: a kecamatan's
	 * own rules are for its desa only */
	if (!p->kabupaten && strcmp(p->area, a->conf->kecamatan) != 0) {
		admin_reply_err(a, -EPERM,
				"scope: published for kecamatan %s, and this "
				"box is in %s ([desa] kecamatan); not "
				"imported",
				p->area,
				a->conf->kecamatan[0] ? a->conf->kecamatan
						      : "no kecamatan");
		return -EPERM;
	}
	/* the admin code stores the text in NFC: the version signed must
	 * be the version stored */
	rc = nfc_normalize(text, &norm);
	if (rc == 0 && strcmp(norm, text) != 0)
		rc = -EILSEQ;
	free(norm);
	if (rc < 0) {
		admin_reply_err(a, -EINVAL,
				"text: not Unicode NFC text: its version "
				"would change on import; the publisher must "
				"publish it in NFC");
		return -EINVAL;
	}
	if (p->from_day < today(a)) {
		civil_date_format(p->from_day, d1);
		civil_date_format(today(a), d2);
		admin_reply_err(a, -EPERM,
				"from: %s is before today (%s): a published "
				"%s takes effect from today or later; a "
				"retroactive change needs the explicit act "
				"at the box (presensi %s import); not "
				"imported",
				d1, d2, k, k);
		return -EPERM;
	}
	return 0;
}

void pushrules_publish(struct admin_ctx *a, const struct control_msg *m)
{
	const char *text = control_get(m, "text");
	char fpr[CRYPTO_FPR_MAX], err[1024], from_s[CIVIL_DATE_LEN];
	char f_from[64], f_file[PD_TEXT_MAX + 8], detail[768];
	struct control_msg im = {0};
	struct admin_ctx ia;
	struct capture cap = {0};
	struct facts *f = NULL;
	struct rulepub p;
	int which = -1, rc;
	char *f_txt = NULL;

	if (check_published(a, m, &p, &which) < 0)
		return;
	civil_date_format(p.from_day, from_s);
	crypto_pubkey_fingerprint(a->conf->push.publisher[which], fpr);
	rc = store_facts_load(a->store, &f, err, sizeof(err));
	if (rc < 0) {
		admin_reply_err(a, rc, "%s", err);
		return;
	}
	rc = in_force(a, f, p.kind, p.from_day, p.name, text, p.version);
	facts_free(f);
	if (rc < 0)
		return; /* answered */
	if (rc == 1) {
		reply_ok(a, "in-force", p.version);
		return;
	}

	/* the admin code's own request, as the daemon on the publisher's
	 * word */
	f_txt = malloc(strlen("text=") + strlen(text) + 1);
	if (!f_txt) {
		admin_reply_err(a, -ENOMEM, "out of memory");
		return;
	}
	strcpy(f_txt, "text=");
	strcat(f_txt, text);
	snprintf(f_from, sizeof(f_from), "from=%s", from_s);
	snprintf(f_file, sizeof(f_file), "file=%s", p.name);
	im.field[im.nfields++] = p.kind == RULEPUB_PROFILE ? "profile-import"
							   : "calendar-import";
	if (p.kind == RULEPUB_PROFILE)
		im.field[im.nfields++] = f_from;
	im.field[im.nfields++] = f_file;
	im.field[im.nfields++] = f_txt;
	ia = *a;
	ia.reply = capture;
	ia.reply_ud = &cap;
	ia.changed = 0;
	snprintf(ia.actor_name, sizeof(ia.actor_name),
		 "presensid (publisher %s)", fpr);
	ia.actor_uid = (int64_t)getuid();
	rc = admin_dispatch(&ia, &im);
	free(f_txt);
	a->changed |= ia.changed;
	if (rc < 0 || cap.n != 1) {
		admin_reply_err(a, -EIO,
				"rules-publish: the import did not "
				"answer");
		return;
	}
	if (strncmp(cap.line, "ok", 2) != 0) {
		a->reply(a->reply_ud, cap.line); /* its err line, as is */
		return;
	}
	snprintf(detail, sizeof(detail),
		 "%s #%lld (%s %s) from %s, version %.16s, published by %s, "
		 "brought by %s (uid %lld)",
		 rulepub_kind_name(p.kind), (long long)p.id,
		 p.kabupaten ? "kabupaten" : "kecamatan", p.area, from_s,
		 p.version, fpr, a->actor_name, (long long)a->actor_uid);
	rc = store_audit_add(a->store, now_utc(a),
			     ACTOR(ia.actor_name, ia.actor_uid),
			     "rules.publish", p.version, detail);
	if (rc < 0)
		log_errno(rc, "rules-publish: audit record");
	log_info("rules-publish: %s", detail);
	reply_ok(a, "imported", p.version);
}
