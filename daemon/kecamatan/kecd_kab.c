/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_kab.c: the kabupaten's pages.  "Kabupaten" (/kabupaten): every
 * kecamatan's figures for a period and the boxes that need a look
 * (silent, an untrusted clock, a refused push, rules not taken); "Aturan"
 * (/aturan): publishing a profile or calendar with an effective date,
 * signed by the server's publisher key and served on /api/v1/rules (a
 * camat publishes for their kecamatan only); "Catatan akses" (/catatan):
 * the access log of the account's scope.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "kec_rekap.h"
#include "kecd_api.h"
#include "kecd_cache.h"
#include "kecd_form.h"
#include "kecd_int.h"
#include "log.h"
#include "rules.h"
#include "rulepub.h"
#include "utf8.h"

#define LOG_LINES 200	      /* access log lines on a page */
#define SILENT_S  (26 * 3600) /* a box not heard for longer needs a look */

struct kec_list {
	size_t n;
	struct kec_info *k;
};

static int take_kec(void *ud, const struct kec_info *k)
{
	struct kec_list *l = ud;
	struct kec_info *p = reallocarray(l->k, l->n + 1, sizeof(*l->k));

	if (!p)
		return -ENOMEM;
	l->k = p;
	l->k[l->n++] = *k;
	return 0;
}

static const char *kec_name(const struct kec_list *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->k[i].id == id)
			return l->k[i].name;
	return "";
}

static void td_u(FILE *fp, uint64_t v)
{
	fprintf(fp, "<td class=\"n\">%" PRIu64 "</td>", v);
}

static void td_pct(FILE *fp, const struct rekap_ratio *q)
{
	fputs("<td class=\"n\">", fp);
	kecd_pct(fp, q);
	fputs("</td>", fp);
}

struct pub_latest {
	struct kec_published profile, calendar;
};

static int latest_pub(void *ud, const struct kec_published *p)
{
	struct pub_latest *l = ud;

	if (strcmp(p->kind, "profile") == 0)
		l->profile = *p;
	else
		l->calendar = *p;
	l->profile.text = l->calendar.text = NULL;
	return 0;
}

/* The latest publications reaching kec, read once per kecamatan into memo
 * (room for one per box, *n used), not once per box. */
struct pub_memo {
	int64_t kec;
	struct pub_latest pub;
};

static int latest_for(struct kec_store *st, int64_t kec, struct pub_memo *memo,
		      size_t *n, const struct pub_latest **out)
{
	struct pub_memo *m;
	int rc;

	for (size_t i = 0; i < *n; i++)
		if (memo[i].kec == kec) {
			*out = &memo[i].pub;
			return 0;
		}
	m = &memo[*n];
	memset(m, 0, sizeof(*m));
	m->kec = kec;
	rc = kec_store_published_each(st, kec, 0, latest_pub, &m->pub);
	if (rc < 0)
		return rc;
	(*n)++;
	*out = &m->pub;
	return 0;
}

/* What a box needs looked at, in words; "" when nothing. */
static void box_issue(const struct kec_device_state *d,
		      const struct pub_latest *pub, int64_t now, char *out,
		      size_t cap)
{
	int64_t last = d->last_push_utc > d->last_bundle_utc
			       ? d->last_push_utc
			       : d->last_bundle_utc;
	size_t o = 0;

	out[0] = '\0';
#define ADD(...)                                                               \
	do {                                                                   \
		if (o < cap)                                                   \
			o += (size_t)snprintf(out + o, cap - o, __VA_ARGS__);  \
	} while (0)
	if (now - last > SILENT_S)
		ADD("tidak melapor lebih dari sehari; ");
	if (d->clock_trusted == 0)
		ADD("jam tidak tepercaya; ");
	if (d->last_error[0])
		ADD("push ditolak; ");
	if (pub->profile.id && d->profile_version[0] &&
	    strcmp(pub->profile.version, d->profile_version) != 0)
		ADD("belum mengambil profil terbaru; ");
	if (pub->calendar.id && d->calendar_version[0] &&
	    strcmp(pub->calendar.version, d->calendar_version) != 0)
		ADD("belum mengambil kalender terbaru; ");
	if (d->disk_free >= 0 && d->disk_free < (512LL << 20))
		ADD("disk hampir penuh; ");
#undef ADD
	if (o >= 2 && o < cap)
		out[o - 2] = '\0';
}

int kecd_page_kab(struct kecd_ctx *x)
{
	struct kec_list kecs = {0};
	struct kecd_boxes boxes = {0};
	struct kecd_page p = {0};
	struct pub_memo *memo = NULL;
	enum civil_period_kind kind;
	char label[CIVIL_LABEL_MAX], period[CIVIL_LABEL_MAX], title[96];
	pd_day_t first, last;
	struct rekap total;
	uint32_t on_time = 0, due = 0, people = 0;
	size_t ndesa = 0, attention = 0, rows_len = 0, nmemo = 0;
	FILE *rows = NULL;
	char *rows_buf = NULL;
	int rc;

	x->kec.offset_min = 420; /* the period's default month, in WIB */
	if (kecd_period(x, &kind, &first, &last, label, sizeof(label)))
		return -ENOENT;
	civil_period_label(kind, first, period, sizeof(period));
	rc = kec_store_kec_each(x->w->st, take_kec, &kecs);
	if (rc == 0)
		rc = kecd_boxes_read(x->w->st, 0, &boxes);
	snprintf(title, sizeof(title), "Kabupaten · %s", label);
	if (rc == 0)
		rc = kecd_page_open(&p, &x->who, title, 0, NULL, KECD_NAV_KAB);
	if (rc)
		goto out;
	fputs("<h1>Kabupaten <span class=\"kecil\">", p.fp);
	kecd_h(p.fp, label);
	fputs("</span></h1><nav class=\"tab\">", p.fp);
	{
		static const struct {
			enum civil_period_kind k;
			const char *t;
		} tabs[] = {{CIVIL_PERIOD_MONTH, "Bulan"},
			    {CIVIL_PERIOD_QUARTER, "Triwulan"},
			    {CIVIL_PERIOD_YEAR, "Tahun"}};

		for (int i = 0; i < 3; i++) {
			char v[CIVIL_LABEL_MAX];

			civil_period_label(tabs[i].k, first, v, sizeof(v));
			fprintf(p.fp, "<a%s href=\"/kabupaten?periode=",
				tabs[i].k == kind ? " class=\"aktif\"" : "");
			kecd_u(p.fp, v);
			fprintf(p.fp, "\">%s</a>", tabs[i].t);
		}
	}
	fputs("</nav><h2>Per kecamatan</h2><div class=\"gulir\"><table "
	      "id=\"rekap-kecamatan\"><thead><tr><th>Kecamatan</th>"
	      "<th class=\"n\">Desa</th><th class=\"n\">Orang</th>"
	      "<th class=\"n\">HKE</th><th class=\"n\">Hadir</th>"
	      "<th class=\"n\">Tepat</th><th class=\"n\">TL</th>"
	      "<th class=\"n\">PSW</th><th class=\"n\">TK</th>"
	      "<th class=\"n\">Kehadiran</th><th class=\"n\">Tepat waktu</th>"
	      "<th class=\"n\">Pelaporan</th><th class=\"n\">Alat melapor "
	      "hari ini</th></tr></thead><tbody>",
	      p.fp);
	rekap_init(&total);
	for (size_t i = 0; i < kecs.n; i++) {
		struct kecd_heads heads = {0};
		struct kecd_source src;
		struct kec_rekap_opts o;
		struct kecrekap *k = NULL;
		struct rekap_ratio q;
		char err[256];
		int tl = 0, psw = 0, today = 0;
		pd_day_t day;
		int32_t sec;

		rc = kecd_heads_read(x->w->st, kecs.k[i].id, &heads);
		if (rc)
			goto out;
		kecd_source_init(&src, x->w->k->cache, &heads);
		memset(&o, 0, sizeof(o));
		o.kec = &kecs.k[i];
		o.kind = kind;
		o.first = first;
		o.last = last;
		o.now_utc = x->req->now_utc;
		o.source = &src.src;
		rc = kec_rekap_build(x->w->st, &o, &k, err, sizeof(err));
		kecd_heads_free(&heads);
		if (rc)
			goto out;
		for (int b = 1; b <= 4; b++) {
			tl += (int)k->total.tl[b].count;
			psw += (int)k->total.psw[b].count;
		}
		civil_local_from_utc(x->req->now_utc, kecs.k[i].offset_min,
				     &day, &sec);
		for (size_t j = 0; j < boxes.n; j++)
			if (boxes.d[j].kec == kecs.k[i].id &&
			    boxes.d[j].last_push_utc >=
				    civil_utc_from_local(day, 0,
							 kecs.k[i].offset_min))
				today++;
		fprintf(p.fp, "<tr><td><a href=\"/k/%" PRId64 "/rekap?periode=",
			kecs.k[i].id);
		kecd_u(p.fp, period);
		fputs("\">", p.fp);
		kecd_h(p.fp, kecs.k[i].name);
		fprintf(p.fp,
			"</a> <a class=\"kecil\" href=\"/k/%" PRId64
			"/hari-ini\">hari ini</a></td>",
			kecs.k[i].id);
		td_u(p.fp, k->ndesa);
		td_u(p.fp, k->people);
		td_u(p.fp, k->total.hari_kerja_efektif);
		td_u(p.fp, k->total.hadir);
		td_u(p.fp, k->total.tepat_waktu);
		td_u(p.fp, (uint64_t)tl);
		td_u(p.fp, (uint64_t)psw);
		td_u(p.fp, k->total.tk);
		rekap_indicator(&k->total, REKAP_KEHADIRAN, &q);
		td_pct(p.fp, &q);
		rekap_indicator(&k->total, REKAP_TEPAT_WAKTU, &q);
		td_pct(p.fp, &q);
		kecrekap_pelaporan(k, &q);
		td_pct(p.fp, &q);
		fprintf(p.fp, "<td class=\"n\">%d / %zu</td></tr>", today,
			k->ndesa);
		rekap_merge(&total, &k->total);
		on_time += k->pel_on_time;
		due += k->pel_due;
		people += k->people;
		ndesa += k->ndesa;
		kecrekap_free(k);
	}
	{
		struct rekap_ratio q;
		int tl = 0, psw = 0;

		for (int b = 1; b <= 4; b++) {
			tl += (int)total.tl[b].count;
			psw += (int)total.psw[b].count;
		}
		fprintf(p.fp,
			"</tbody><tfoot><tr><td>Kabupaten</td><td class=\"n\">"
			"%zu</td><td class=\"n\">%u</td>",
			ndesa, people);
		td_u(p.fp, total.hari_kerja_efektif);
		td_u(p.fp, total.hadir);
		td_u(p.fp, total.tepat_waktu);
		td_u(p.fp, (uint64_t)tl);
		td_u(p.fp, (uint64_t)psw);
		td_u(p.fp, total.tk);
		rekap_indicator(&total, REKAP_KEHADIRAN, &q);
		td_pct(p.fp, &q);
		rekap_indicator(&total, REKAP_TEPAT_WAKTU, &q);
		td_pct(p.fp, &q);
		rekap_pelaporan(on_time, due, &q);
		td_pct(p.fp, &q);
		fputs("<td></td></tr></tfoot></table></div>", p.fp);
	}
	fputs("<h2>Alat yang perlu perhatian</h2>", p.fp);
	/* the rows first: the table is shown only when it has some */
	rows = open_memstream(&rows_buf, &rows_len);
	memo = calloc(boxes.n ? boxes.n : 1, sizeof(*memo));
	if (!rows || !memo) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t j = 0; j < boxes.n; j++) {
		const struct kec_device_state *d = &boxes.d[j];
		const struct pub_latest *pub;
		char issue[300];

		if (latest_for(x->w->st, d->kec, memo, &nmemo, &pub) < 0)
			break;
		box_issue(d, pub, x->req->now_utc, issue, sizeof(issue));
		if (!issue[0])
			continue;
		attention++;
		fputs("<tr><td>", rows);
		kecd_h(rows, kec_name(&kecs, d->kec));
		fputs("</td><td>", rows);
		kecd_h(rows, d->desa);
		fputs("</td><td>", rows);
		kecd_h(rows, d->software[0] ? d->software : "–");
		fputs("</td><td>", rows);
		kecd_h(rows, d->profile_name[0] ? d->profile_name : "–");
		fprintf(rows, " <span class=\"kecil\">%.8s</span></td><td>",
			d->profile_version);
		kecd_h(rows, d->calendar_name[0] ? d->calendar_name : "–");
		fputs("</td><td>", rows);
		kecd_box_contact(rows, d, x->req->now_utc, 420);
		fputs("</td><td class=\"teks\">", rows);
		kecd_h(rows, issue);
		fputs("</td></tr>", rows);
	}
	if (fclose(rows) != 0) {
		rows = NULL;
		rc = -ENOMEM;
		goto out;
	}
	rows = NULL;
	if (attention) {
		fputs("<div class=\"gulir\"><table id=\"alat\"><thead><tr>"
		      "<th>Kecamatan</th><th>Desa</th><th>Perangkat lunak</th>"
		      "<th>Profil</th><th>Kalender</th><th>Laporan terakhir"
		      "</th><th>Masalah</th></tr></thead><tbody>",
		      p.fp);
		fwrite(rows_buf, 1, rows_len, p.fp);
		fputs("</tbody></table></div>", p.fp);
	}
	if (!attention)
		kecd_msg(p.fp, "sukses",
			 "Semua alat melapor, jamnya tepercaya, dan memakai "
			 "aturan terbaru.");
	fprintf(p.fp,
		"<p class=\"kecil\">%zu alat terdaftar. Rincian tiap alat ada "
		"di halaman Perangkat tiap kecamatan.</p>",
		boxes.n);
	rc = kecd_page_finish(&p, x->req, x->resp, 200);
out:
	if (rows)
		fclose(rows);
	free(rows_buf);
	free(memo);
	kecd_page_abort(&p);
	free(kecs.k);
	kecd_boxes_free(&boxes);
	return rc;
}

/* ---- publishing rules ---- */

struct pub_rows {
	FILE *fp;
	const struct kec_list *kecs;
};

static int pub_row(void *ud, const struct kec_published *x)
{
	struct pub_rows *r = ud;
	char day[CIVIL_DATE_LEN];

	civil_date_format(x->from_day, day);
	fprintf(r->fp, "<tr><td class=\"n\">%" PRId64 "</td><td>%s</td><td>",
		x->id,
		strcmp(x->kind, "profile") == 0 ? "Profil jam kerja"
						: "Kalender");
	kecd_h(r->fp, x->name);
	fprintf(r->fp,
		" <span class=\"kecil\">%.8s</span></td><td>%s</td>"
		"<td>",
		x->version, day);
	if (x->kec) {
		fputs("Kec. ", r->fp);
		kecd_h(r->fp, kec_name(r->kecs, x->kec));
	} else {
		fputs("Seluruh kabupaten", r->fp);
	}
	fputs("</td><td>", r->fp);
	kecd_when(r->fp, x->published_utc, 420);
	fputs(" · ", r->fp);
	kecd_h(r->fp, x->by);
	fputs("</td></tr>", r->fp);
	return 0;
}

/* Parses text as kind; its name into name, or every error into err. */
static int check_rule(const char *kind, const char *fname, const char *text,
		      size_t len, char *name, size_t cap, char *err,
		      size_t ecap)
{
	FILE *fp = fmemopen((void *)(uintptr_t)text, len, "r");
	int rc;

	if (!fp)
		return -ENOMEM;
	if (strcmp(kind, "profile") == 0) {
		struct rules_profile *r = calloc(1, sizeof(*r));

		rc = r ? rules_parse(fp, fname, r, err, ecap) : -ENOMEM;
		if (rc == 0)
			snprintf(name, cap, "%s", r->name);
		free(r);
	} else {
		struct calendar *c = calloc(1, sizeof(*c));

		rc = c ? calendar_parse(fp, fname, c, err, ecap) : -ENOMEM;
		if (rc == 0)
			snprintf(name, cap, "%s", c->name[0] ? c->name : fname);
		free(c);
	}
	fclose(fp);
	return rc;
}

/* Signs and stores one publication, its text kept for the recompute of
 * every kecamatan it reaches.  The caller's transaction. */
static int publish(struct kecd_ctx *x, struct kec_published *pub,
		   const char *text, const struct kec_list *kecs)
{
	uint8_t sig[CRYPTO_SIG_BYTES];
	char stmt[RULEPUB_STMT_MAX];
	struct rulepub rp;
	int rc = kec_store_published_add(x->w->st, pub, text);

	if (rc)
		return rc;
	memset(&rp, 0, sizeof(rp));
	rp.id = pub->id;
	rc = rulepub_kind_parse(pub->kind, &rp.kind);
	rp.kabupaten = pub->kec == 0;
	snprintf(rp.area, sizeof(rp.area), "%s", pub->area);
	snprintf(rp.name, sizeof(rp.name), "%s", pub->name);
	snprintf(rp.version, sizeof(rp.version), "%s", pub->version);
	rp.from_day = pub->from_day;
	rp.published_utc = pub->published_utc;
	if (rc == 0 && rulepub_statement(&rp, stmt) < 0)
		rc = -EINVAL;
	if (rc)
		return rc;
	crypto_devkey_sign(&x->w->k->publisher, stmt, strlen(stmt), sig);
	crypto_hex_encode(sig, sizeof(sig), pub->signature);
	rc = kec_store_published_sign(x->w->st, pub->id, pub->signature);
	for (size_t i = 0; rc == 0 && i < kecs->n; i++)
		if (!pub->kec || kecs->k[i].id == pub->kec)
			rc = kec_store_rule_put(x->w->st, kecs->k[i].id,
						pub->version, pub->kind,
						pub->name, text);
	return rc;
}

static int do_publish(struct kecd_ctx *x, const struct kec_list *kecs, FILE *fp)
{
	struct kec_published pub;
	struct kecd_mpart part;
	char kind[16], scope[24], from[16], err[2048], *text = NULL;
	pd_day_t today = kecd_today(x, NULL);
	char *end;
	long long kec;
	int rc;

	memset(&pub, 0, sizeof(pub));
	if (kecd_field(x, "jenis", kind, sizeof(kind)) ||
	    (strcmp(kind, "profile") && strcmp(kind, "calendar")) ||
	    kecd_field(x, "wilayah", scope, sizeof(scope)) ||
	    kecd_field(x, "berlaku", from, sizeof(from)) ||
	    kecd_multipart_get(x->req->content_type, x->req->body,
			       x->req->body_len, "berkas", &part)) {
		kecd_msg(fp, "galat", "Formulir tidak lengkap.");
		return 0;
	}
	kec = strtoll(scope, &end, 10);
	if (*end || kec < 0 || !kecd_auth_publishes(&x->who.u, kec) ||
	    (kec && !kec_name(kecs, kec)[0])) {
		kecd_msg(fp, "galat", "Wilayah tidak dapat dipilih.");
		return 0;
	}
	if (civil_date_parse(from, &pub.from_day) || pub.from_day < today) {
		kecd_msg(fp, "galat",
			 "Tanggal berlaku harus hari ini atau sesudahnya. "
			 "Perubahan surut dilakukan di alat desa sendiri, "
			 "dengan alasan yang tercatat.");
		return 0;
	}
	if (!part.len || part.len > RULEPUB_TEXT_MAX ||
	    memchr(part.data, '\0', part.len) ||
	    utf8_check((const char *)part.data, part.len, NULL)) {
		kecd_msg(fp, "galat",
			 "Berkas kosong, terlalu besar, atau "
			 "bukan teks UTF-8.");
		return 0;
	}
	text = strndup((const char *)part.data, part.len);
	if (!text)
		return -ENOMEM;
	err[0] = '\0';
	rc = check_rule(kind, part.filename[0] ? part.filename : "berkas", text,
			part.len, pub.name, sizeof(pub.name), err, sizeof(err));
	if (rc == -ENOMEM) {
		free(text);
		return rc;
	}
	if (rc) {
		kecd_msg(fp, "galat", "Berkas tidak dapat dibaca:");
		fputs("<pre class=\"kartu\">", fp);
		kecd_h(fp, err);
		fputs("</pre>", fp);
		free(text);
		return 0;
	}
	pub.kec = kec;
	snprintf(pub.kind, sizeof(pub.kind), "%s", kind);
	if (kec)
		snprintf(pub.area, sizeof(pub.area), "%s", kec_name(kecs, kec));
	else
		snprintf(pub.area, sizeof(pub.area), "%s",
			 kecs->n && kecs->k[0].kabupaten[0]
				 ? kecs->k[0].kabupaten
				 : "kabupaten");
	crypto_sha256_hex(text, part.len, pub.version);
	pub.published_utc = x->req->now_utc;
	snprintf(pub.by, sizeof(pub.by), "%s", x->who.u.name);
	rc = kec_store_begin(x->w->st);
	if (rc == 0)
		rc = kec_store_end(x->w->st, publish(x, &pub, text, kecs));
	free(text);
	if (rc)
		return rc;
	kecd_cache_all(x->w->k->cache);
	kecd_audit(x->w, x->req, kec, x->who.u.name, "terbit", pub.name,
		   pub.version);
	{
		char msg[400];

		snprintf(msg, sizeof(msg),
			 "Diterbitkan sebagai nomor %" PRId64
			 ": %s. Alat desa mengambilnya pada kontak "
			 "berikutnya.",
			 pub.id, pub.name);
		kecd_msg(fp, "sukses", msg);
	}
	return 0;
}

int kecd_page_rules(struct kecd_ctx *x)
{
	struct kec_list kecs = {0};
	struct kecd_page p = {0};
	struct pub_rows rows;
	char fpr[CRYPTO_FPR_MAX], today[CIVIL_DATE_LEN];
	int64_t scope = kecd_auth_sees_all(&x->who.u) ? -1 : x->who.u.kec;
	int rc;

	rc = kec_store_kec_each(x->w->st, take_kec, &kecs);
	if (rc == 0)
		rc = kecd_page_open(&p, &x->who, "Aturan", 0, NULL,
				    KECD_NAV_RULES);
	if (rc)
		goto out;
	fputs("<h1>Menerbitkan aturan</h1><p class=\"kecil\">Profil jam kerja "
	      "dan kalender libur yang diterbitkan di sini ditandatangani "
	      "dengan kunci penerbit server ini dan diambil alat desa lewat "
	      "saluran push. Alat hanya menerima tanda tangan dari kunci yang "
	      "dipasang padanya:</p><p><code>",
	      p.fp);
	crypto_pubkey_fingerprint(x->w->k->publisher.pk, fpr);
	kecd_h(p.fp, x->w->k->publisher_pk);
	fputs("</code> <span class=\"kecil\">(", p.fp);
	kecd_h(p.fp, fpr);
	fputs(")</span></p>", p.fp);
	if (strcmp(x->req->method, "POST") == 0) {
		rc = do_publish(x, &kecs, p.fp);
		if (rc)
			goto out;
	}
	fputs("<form class=\"kartu\" method=\"post\" action=\"/aturan\" "
	      "enctype=\"multipart/form-data\">",
	      p.fp);
	kecd_csrf_field(p.fp, &x->who);
	fputs("<div class=\"baris\"><div><label for=\"jenis\">Jenis</label>"
	      "<select id=\"jenis\" name=\"jenis\"><option value=\"profile\">"
	      "Profil jam kerja</option><option value=\"calendar\">Kalender "
	      "libur</option></select></div><div><label for=\"wilayah\">"
	      "Untuk</label><select id=\"wilayah\" name=\"wilayah\">",
	      p.fp);
	if (kecd_auth_sees_all(&x->who.u))
		fputs("<option value=\"0\">Seluruh kabupaten</option>", p.fp);
	for (size_t i = 0; i < kecs.n; i++) {
		if (!kecd_auth_publishes(&x->who.u, kecs.k[i].id))
			continue;
		fprintf(p.fp, "<option value=\"%" PRId64 "\">Kec. ",
			kecs.k[i].id);
		kecd_h(p.fp, kecs.k[i].name);
		fputs("</option>", p.fp);
	}
	civil_date_format(kecd_today(x, NULL), today);
	fputs("</select></div><div><label for=\"berlaku\">Berlaku mulai"
	      "</label><input type=\"date\" id=\"berlaku\" name=\"berlaku\" "
	      "required min=\"",
	      p.fp);
	kecd_h(p.fp, today);
	fputs("\"></div></div><label for=\"berkas\">Berkas (.ini)</label>"
	      "<input type=\"file\" id=\"berkas\" name=\"berkas\" "
	      "accept=\".ini,text/plain\" required><p><button type=\"submit\">"
	      "Terbitkan</button></p></form>",
	      p.fp);
	fputs("<h2>Sudah diterbitkan</h2><div class=\"gulir\"><table>"
	      "<thead><tr><th>No</th><th>Jenis</th><th>Nama</th>"
	      "<th>Berlaku</th><th>Untuk</th><th>Diterbitkan</th></tr>"
	      "</thead><tbody>",
	      p.fp);
	rows.fp = p.fp;
	rows.kecs = &kecs;
	rc = kec_store_published_each(x->w->st, scope, 0, pub_row, &rows);
	if (rc)
		goto out;
	fputs("</tbody></table></div>", p.fp);
	rc = kecd_page_finish(&p, x->req, x->resp, 200);
out:
	kecd_page_abort(&p);
	free(kecs.k);
	return rc;
}

/* ---- the access log ---- */

struct log_rows {
	FILE *fp;
	const struct kec_list *kecs;
};

static int log_row(void *ud, const struct kec_access *a)
{
	struct log_rows *r = ud;

	fputs("<tr><td>", r->fp);
	kecd_when(r->fp, a->at_utc, 420);
	fputs("</td><td>", r->fp);
	kecd_h(r->fp, a->action);
	fputs("</td><td>", r->fp);
	kecd_h(r->fp, a->user[0] ? a->user : "(alat)");
	fputs("</td><td>", r->fp);
	kecd_h(r->fp, a->address);
	fputs("</td><td>", r->fp);
	kecd_h(r->fp, a->kec ? kec_name(r->kecs, a->kec) : "–");
	fputs("</td><td class=\"teks\">", r->fp);
	kecd_h(r->fp, a->subject);
	if (a->detail[0]) {
		fputs(" <span class=\"kecil\">", r->fp);
		kecd_h(r->fp, a->detail);
		fputs("</span>", r->fp);
	}
	fputs("</td></tr>", r->fp);
	return 0;
}

int kecd_page_log(struct kecd_ctx *x)
{
	struct kec_list kecs = {0};
	struct kecd_page p = {0};
	struct log_rows rows;
	int rc;

	rc = kec_store_kec_each(x->w->st, take_kec, &kecs);
	if (rc == 0)
		rc = kecd_page_open(&p, &x->who, "Catatan akses", 0, NULL,
				    KECD_NAV_LOG);
	if (rc)
		goto out;
	fprintf(p.fp,
		"<h1>Catatan akses</h1><p class=\"kecil\">Setiap masuk, "
		"gagal masuk, keluar, unggahan, penerbitan aturan dan push "
		"yang ditolak; %d terakhir.</p><div class=\"gulir\"><table>"
		"<thead><tr><th>Waktu</th><th>Tindakan</th><th>Akun</th>"
		"<th>Alamat</th><th>Kecamatan</th><th>Rincian</th></tr>"
		"</thead><tbody>",
		LOG_LINES);
	rows.fp = p.fp;
	rows.kecs = &kecs;
	rc = kec_store_access_each(
		x->w->st, kecd_auth_sees_all(&x->who.u) ? 0 : x->who.u.kec,
		LOG_LINES, log_row, &rows);
	if (rc)
		goto out;
	fputs("</tbody></table></div>", p.fp);
	rc = kecd_page_finish(&p, x->req, x->resp, 200);
out:
	kecd_page_abort(&p);
	free(kecs.k);
	return rc;
}
