/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_page.c: the frame, stylesheet, navigation and small pieces every
 * page of kecamatand is made of, and the SVG trend chart.  Every text
 * from the store or the request goes through kecd_h() or kecd_u().
 */
#include "kecd_page.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "htmlesc.h"

/* Phone first: one column, big touch targets; wider screens get a row
 * header and grids.  No external font, image or script. */
static const char css[] =
	":root{--hijau:#1b7f3b;--tua:#0f3d2e;--kuning:#9a5b00;"
	"--merah:#b3261e;--abu:#5f6368;--garis:#d9dde3;--latar:#f4f6f8;"
	"--biru:#0b57d0}"
	"*{box-sizing:border-box}"
	"html{-webkit-text-size-adjust:100%}"
	"body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',"
	"Roboto,'Noto Sans','DejaVu Sans',sans-serif;color:#1f2328;"
	"background:var(--latar)}"
	"header{background:var(--tua);color:#fff;padding:.6rem 1rem}"
	"header .merek{font-weight:700;letter-spacing:.01em}"
	"header .merek small{font-weight:400;opacity:.85}"
	"header nav{display:flex;flex-wrap:wrap;gap:.15rem 1rem;"
	"margin-top:.35rem}"
	"header nav a{color:#dcefe4;text-decoration:none;padding:.3rem 0;"
	"border-bottom:2px solid transparent}"
	"header nav a.aktif{border-color:#9be3b8;color:#fff;font-weight:600}"
	"header .akun{display:flex;align-items:center;gap:.6rem;"
	"font-size:.85rem;margin-top:.4rem}"
	"header .akun form{margin:0}"
	"header .akun button{min-height:2.2rem;padding:.2rem .8rem;"
	"background:transparent;border:1px solid #9fc7b1;color:#fff}"
	"main{max-width:74rem;margin:0 auto;padding:1rem}"
	"h1{font-size:1.35rem;margin:.2rem 0 .6rem}"
	"h2{font-size:1.1rem;margin:1.3rem 0 .5rem}"
	"h3{font-size:1rem;margin:.2rem 0 .4rem}"
	".kartu{background:#fff;border:1px solid var(--garis);"
	"border-radius:10px;padding:.8rem 1rem;margin:0 0 .8rem}"
	".kisi{display:grid;grid-template-columns:repeat(auto-fill,"
	"minmax(17rem,1fr));gap:.8rem}"
	".kisi .kartu{margin:0}"
	".gulir{overflow-x:auto;-webkit-overflow-scrolling:touch;"
	"background:#fff;border:1px solid var(--garis);border-radius:10px;"
	"margin:0 0 .8rem}"
	"table{border-collapse:collapse;width:100%;font-size:.92rem}"
	"th,td{padding:.45rem .55rem;border-bottom:1px solid var(--garis);"
	"text-align:left;white-space:nowrap;vertical-align:top}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"td.teks{white-space:normal;min-width:12rem}"
	"thead th{background:#eef1f4;font-size:.85rem}"
	"tfoot td{font-weight:700;background:#f7f8fa}"
	"tr:last-child td{border-bottom:0}"
	".lencana{display:inline-block;padding:.08rem .5rem;"
	"border-radius:999px;font-size:.8rem;font-weight:600;"
	"white-space:nowrap}"
	".ok{background:#e3f4e8;color:#17692f}"
	".telat{background:#fff1dc;color:var(--kuning)}"
	".absen{background:#fde7e6;color:var(--merah)}"
	".tunggu{background:#eceff1;color:var(--abu)}"
	".kecil{font-size:.85rem;color:var(--abu)}"
	".angka{font-size:1.8rem;font-weight:700;line-height:1.1}"
	".baris{display:flex;flex-wrap:wrap;gap:.5rem .8rem;"
	"align-items:flex-end}"
	".baris>*{flex:1 1 9rem}"
	"label{display:block;font-weight:600;margin:.6rem 0 .25rem}"
	"input,select,button,textarea{font:inherit;padding:.55rem .7rem;"
	"border:1px solid #b8c0c8;border-radius:8px;min-height:2.75rem;"
	"max-width:100%}"
	"input[type=text],input[type=password],input[type=date],select,"
	"input[type=file]{width:100%;background:#fff}"
	"button,.tombol{background:var(--hijau);color:#fff;"
	"border:1px solid var(--hijau);font-weight:600;cursor:pointer;"
	"display:inline-block;text-decoration:none;border-radius:8px;"
	"padding:.55rem 1rem}"
	".tombol.sekunder{background:#fff;color:var(--tua);"
	"border-color:#b8c0c8}"
	".unduh{display:flex;flex-wrap:wrap;gap:.5rem;margin:.4rem 0 .8rem}"
	".unduh a{flex:0 1 auto;font-size:.9rem;padding:.45rem .8rem}"
	".pesan{padding:.7rem 1rem;border-radius:8px;margin:.6rem 0;"
	"border:1px solid transparent}"
	".pesan.galat{background:#fde7e6;color:#8c1d18;border-color:#f3b9b5}"
	".pesan.sukses{background:#e3f4e8;color:#0d5226;border-color:#a9dcb9}"
	".pesan.info{background:#e8f0fe;color:#0b3a8c;border-color:#b7cdf7}"
	"a{color:var(--biru)}"
	".tab{display:flex;gap:.4rem;flex-wrap:wrap;margin:.4rem 0 .8rem}"
	".tab a{padding:.4rem .9rem;border-radius:999px;background:#fff;"
	"border:1px solid var(--garis);text-decoration:none;color:#1f2328}"
	".tab a.aktif{background:var(--tua);color:#fff;"
	"border-color:var(--tua)}"
	".masuk{max-width:24rem;margin:2rem auto}"
	"ul.daftar{list-style:none;padding:0;margin:0}"
	"ul.daftar li{padding:.35rem 0;border-bottom:1px solid var(--garis)}"
	"ul.daftar li:last-child{border-bottom:0}"
	".grafik{width:100%;height:auto;max-width:46rem;display:block}"
	".grafik text{font:11px system-ui,sans-serif;fill:#5f6368}"
	".sr{position:absolute;left:-9999px}"
	".legenda{display:flex;gap:1rem;flex-wrap:wrap;font-size:.85rem}"
	".legenda i{display:inline-block;width:1.4rem;height:.25rem;"
	"vertical-align:middle;margin-right:.35rem}"
	"@media (min-width:48rem){header{display:flex;align-items:center;"
	"gap:1.5rem}header nav{margin:0}header .akun{margin:0 0 0 auto}"
	"h1{font-size:1.55rem}}"
	"@media print{header,.tab,.unduh,form{display:none}"
	"body{background:#fff}.kartu,.gulir{border:0}}";

static const char *const line_color[KECD_CHART_LINES] = {"#1b7f3b", "#0b57d0",
							 "#9a5b00"};

void kecd_h(FILE *fp, const char *s)
{
	htmlesc_put(fp, s);
}

void kecd_u(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			fputc(c, fp);
		else
			fprintf(fp, "%%%02X", c);
	}
}

void kecd_msg(FILE *fp, const char *kind, const char *text)
{
	fprintf(fp, "<p class=\"pesan %s\" role=\"status\">", kind);
	kecd_h(fp, text);
	fputs("</p>\n", fp);
}

void kecd_csrf_field(FILE *fp, const struct kecd_who *who)
{
	fputs("<input type=\"hidden\" name=\"csrf\" value=\"", fp);
	kecd_h(fp, who && who->in ? who->s.csrf : "");
	fputs("\">", fp);
}

void kecd_pct(FILE *fp, const struct rekap_ratio *r)
{
	char buf[REKAP_PCT_MAX];

	if (!r->den) {
		fputs("–", fp);
		return;
	}
	rekap_percent_format(r, ',', buf, sizeof(buf));
	fprintf(fp, "%s&nbsp;%%", buf);
}

void kecd_ratio(FILE *fp, const struct rekap_ratio *r)
{
	fprintf(fp, "%" PRIu64 " / %" PRIu64 " = ", r->num, r->den);
	kecd_pct(fp, r);
}

void kecd_when(FILE *fp, int64_t utc, int32_t offset_min)
{
	char local[CIVIL_LOCAL_LEN];
	const char *tz = civil_tz_abbrev(offset_min);

	if (!utc) {
		fputs("–", fp);
		return;
	}
	civil_local_format(utc, offset_min, local);
	local[16] = '\0'; /* to the minute */
	fprintf(fp, "%s %s", local, tz ? tz : "");
}

struct navlink {
	enum kecd_nav at;
	const char *label;
	const char *path; /* after /k/<kec>, or absolute when it starts '/' */
	int kec;	  /* needs a kecamatan in view */
};

static void nav_link(FILE *fp, enum kecd_nav at, enum kecd_nav here,
		     const char *label, int64_t kec, const char *path)
{
	fputs("<a href=\"", fp);
	if (kec)
		fprintf(fp, "/k/%" PRId64, kec);
	kecd_h(fp, path);
	fprintf(fp, "\"%s>",
		at == here ? " class=\"aktif\" aria-current=\"page\"" : "");
	kecd_h(fp, label);
	fputs("</a>", fp);
}

static void nav(FILE *fp, const struct kecd_who *who, int64_t kec,
		enum kecd_nav at)
{
	const struct kec_user *u = &who->u;
	int64_t home = kec ? kec : u->kec;

	fputs("<nav aria-label=\"Menu\">", fp);
	if (kecd_auth_sees_all(u))
		nav_link(fp, KECD_NAV_KAB, at, "Kabupaten", 0, "/kabupaten");
	if (u->role != KEC_ROLE_OPERATOR && home) {
		nav_link(fp, KECD_NAV_TODAY, at, "Hari ini", home, "/hari-ini");
		nav_link(fp, KECD_NAV_REKAP, at, "Rekap", home, "/rekap");
		nav_link(fp, KECD_NAV_BOXES, at, "Perangkat", home,
			 "/perangkat");
	}
	nav_link(fp, KECD_NAV_UPLOAD, at, "Unggah berkas", 0, "/unggah");
	if (u->role == KEC_ROLE_KABUPATEN || u->role == KEC_ROLE_CAMAT)
		nav_link(fp, KECD_NAV_RULES, at, "Aturan", 0, "/aturan");
	if (u->role != KEC_ROLE_OPERATOR)
		nav_link(fp, KECD_NAV_LOG, at, "Catatan akses", 0, "/catatan");
	fputs("</nav>", fp);
}

int kecd_page_open(struct kecd_page *p, const struct kecd_who *who,
		   const char *title, int64_t kec, const char *kec_name,
		   enum kecd_nav at)
{
	static const char *const role_label[KEC_ROLES] = {
		"Kabupaten", "Camat", "Kasi Pemerintahan", "Operator"};

	int refresh = p->refresh_s;

	memset(p, 0, sizeof(*p));
	p->fp = open_memstream(&p->buf, &p->len);
	if (!p->fp)
		return -ENOMEM;
	fputs("<!DOCTYPE html>\n<html lang=\"id\"><head><meta "
	      "charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">",
	      p->fp);
	if (refresh > 0)
		fprintf(p->fp, "<meta http-equiv=\"refresh\" content=\"%d\">",
			refresh);
	fputs("<title>", p->fp);
	kecd_h(p->fp, title);
	fputs(" · Presensi Desa</title><style>", p->fp);
	fputs(css, p->fp);
	fputs("</style></head><body><header><div class=\"merek\">Presensi Desa",
	      p->fp);
	if (kec_name && *kec_name) {
		fputs(" <small>· Kec. ", p->fp);
		kecd_h(p->fp, kec_name);
		fputs("</small>", p->fp);
	}
	fputs("</div>", p->fp);
	if (who && who->in) {
		nav(p->fp, who, kec, at);
		fputs("<div class=\"akun\"><span>", p->fp);
		kecd_h(p->fp, who->u.name);
		fputs(" · ", p->fp);
		kecd_h(p->fp, (unsigned int)who->u.role < KEC_ROLES
				      ? role_label[who->u.role]
				      : "");
		fputs("</span><form method=\"post\" action=\"/keluar\">",
		      p->fp);
		kecd_csrf_field(p->fp, who);
		fputs("<button type=\"submit\">Keluar</button></form></div>",
		      p->fp);
	}
	fputs("</header>\n<main>\n", p->fp);
	return 0;
}

void kecd_page_refresh(struct kecd_page *p, int refresh_s)
{
	memset(p, 0, sizeof(*p));
	p->refresh_s = refresh_s;
}

void kecd_page_headers(const struct kecd_req *req, struct kecd_resp *resp)
{
	/* a header that does not fit is dropped; none is optional for the
	 * page to work, and the frame leaves room for all */
	(void)kecd_resp_header(resp, "Content-Security-Policy",
			       "default-src 'none'; style-src 'unsafe-inline'; "
			       "img-src 'self' data:; form-action 'self'; "
			       "frame-ancestors 'none'; base-uri 'none'");
	(void)kecd_resp_header(resp, "X-Content-Type-Options", "nosniff");
	(void)kecd_resp_header(resp, "Referrer-Policy", "same-origin");
	(void)kecd_resp_header(resp, "Cache-Control", "no-store");
	if (req->tls)
		(void)kecd_resp_header(resp, "Strict-Transport-Security",
				       "max-age=31536000");
}

int kecd_page_finish(struct kecd_page *p, const struct kecd_req *req,
		     struct kecd_resp *resp, int status)
{
	int rc;

	fputs("</main></body></html>\n", p->fp);
	if (fclose(p->fp) != 0) {
		p->fp = NULL;
		free(p->buf);
		p->buf = NULL;
		return -ENOMEM;
	}
	p->fp = NULL;
	kecd_page_headers(req, resp);
	free(resp->body);
	resp->body = p->buf;
	resp->len = p->len;
	resp->status = status;
	snprintf(resp->content_type, sizeof(resp->content_type),
		 "text/html; charset=utf-8");
	p->buf = NULL;
	rc = 0;
	return rc;
}

void kecd_page_abort(struct kecd_page *p)
{
	if (!p)
		return;
	if (p->fp)
		fclose(p->fp);
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

/* ---- the trend chart ---- */

#define CW 640 /* viewBox width */
#define CH 240
#define ML 40 /* margins */
#define MR 30 /* room for half of the last month label */
#define MT 12
#define MB 28

static int cx(const struct kecd_chart *c, int i)
{
	int span = CW - ML - MR;

	if (c->npoints <= 1)
		return ML + span / 2;
	return ML + span * i / (c->npoints - 1);
}

static int cy(int64_t cp)
{
	return MT + (int)((CH - MT - MB) * (10000 - cp) / 10000);
}

void kecd_chart_svg(FILE *fp, const struct kecd_chart *c, const char *title)
{
	fprintf(fp, "<figure class=\"kartu\" style=\"margin:0 0 .8rem\">"
		    "<figcaption><h3>");
	kecd_h(fp, title);
	fprintf(fp,
		"</h3></figcaption><svg class=\"grafik\" viewBox=\"0 0 %d %d\" "
		"role=\"img\" aria-label=\"",
		CW, CH);
	kecd_h(fp, title);
	fputs("\">", fp);
	for (int g = 0; g <= 100; g += 25) {
		int y = cy(g * 100);

		fprintf(fp,
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			"stroke=\"#e3e6ea\"/><text x=\"%d\" y=\"%d\" "
			"text-anchor=\"end\">%d%%</text>",
			ML, y, CW - MR, y, ML - 6, y + 4, g);
	}
	for (int i = 0; i < c->npoints; i++) {
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
			cx(c, i), CH - 8);
		kecd_h(fp, c->label[i]);
		fputs("</text>", fp);
	}
	for (int l = 0; l < c->nlines; l++) {
		int open = 0;

		for (int i = 0; i < c->npoints; i++) {
			if (c->cp[l][i] < 0) {
				if (open)
					fputs("\"/>", fp);
				open = 0;
				continue;
			}
			if (!open)
				fprintf(fp,
					"<polyline fill=\"none\" stroke=\"%s\" "
					"stroke-width=\"2.5\" points=\"",
					line_color[l]);
			fprintf(fp, "%d,%d ", cx(c, i), cy(c->cp[l][i]));
			open = 1;
		}
		if (open)
			fputs("\"/>", fp);
		for (int i = 0; i < c->npoints; i++)
			if (c->cp[l][i] >= 0)
				fprintf(fp,
					"<circle cx=\"%d\" cy=\"%d\" r=\"3.5\" "
					"fill=\"%s\"/>",
					cx(c, i), cy(c->cp[l][i]),
					line_color[l]);
	}
	fputs("</svg><div class=\"legenda\">", fp);
	for (int l = 0; l < c->nlines; l++) {
		fprintf(fp, "<span><i style=\"background:%s\"></i>",
			line_color[l]);
		kecd_h(fp, c->name[l]);
		fputs("</span>", fp);
	}
	fputs("</div><table class=\"sr\"><tr><th>Bulan</th>", fp);
	for (int l = 0; l < c->nlines; l++) {
		fputs("<th>", fp);
		kecd_h(fp, c->name[l]);
		fputs("</th>", fp);
	}
	fputs("</tr>", fp);
	for (int i = 0; i < c->npoints; i++) {
		fputs("<tr><td>", fp);
		kecd_h(fp, c->label[i]);
		fputs("</td>", fp);
		for (int l = 0; l < c->nlines; l++) {
			if (c->cp[l][i] < 0)
				fputs("<td>–</td>", fp);
			else
				fprintf(fp,
					"<td>%" PRId64 ",%02" PRId64 "</td>",
					c->cp[l][i] / 100, c->cp[l][i] % 100);
		}
		fputs("</tr>", fp);
	}
	fputs("</table></figure>\n", fp);
}
