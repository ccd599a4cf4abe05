/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecamatand's pages: one frame for every page (Indonesian, server
 * rendered, usable without JavaScript, phone-sized first, one inline
 * stylesheet and no external asset), the escaping every text passes
 * through, the navigation each role sees, messages, and the trend chart
 * (inline SVG drawn here).  Writes into a memory stream; pure but for
 * the stream.
 */
#ifndef PRESENSI_KECD_PAGE_H
#define PRESENSI_KECD_PAGE_H

#include <stdint.h>
#include <stdio.h>

#include "kecd.h"
#include "kecd_auth.h"
#include "rekap.h"

struct kecd_page {
	FILE *fp; /* write the page's body here */
	int refresh_s;
	char *buf;
	size_t len;
};

/* Where a page sits, for the navigation. */
enum kecd_nav {
	KECD_NAV_NONE = 0,
	KECD_NAV_TODAY,
	KECD_NAV_REKAP,
	KECD_NAV_BOXES,
	KECD_NAV_UPLOAD,
	KECD_NAV_KAB,
	KECD_NAV_RULES,
	KECD_NAV_LOG,
};

/*
 * Starts a page titled title (escaped) for who (NULL: logged out), in
 * kecamatan kec named kec_name (0: none).  -ENOMEM.  kecd_page_refresh
 * before it makes the page reload itself every refresh_s seconds.
 */
int kecd_page_open(struct kecd_page *p, const struct kecd_who *who,
		   const char *title, int64_t kec, const char *kec_name,
		   enum kecd_nav at);
void kecd_page_refresh(struct kecd_page *p, int refresh_s);
/* Ends the page and hands it to resp with status and the security
 * headers (CSP, no-store, nosniff, frame-ancestors, HSTS under TLS). */
int kecd_page_finish(struct kecd_page *p, const struct kecd_req *req,
		     struct kecd_resp *resp, int status);
void kecd_page_abort(struct kecd_page *p); /* NULL-safe */
/* The security headers alone (downloads get them too). */
void kecd_page_headers(const struct kecd_req *req, struct kecd_resp *resp);

/* Text, HTML-escaped (& < > " '), safe in content and quoted attributes. */
void kecd_h(FILE *fp, const char *s);
/* A URL component, percent-encoded (all but A-Z a-z 0-9 - . _ ~). */
void kecd_u(FILE *fp, const char *s);
/* A message box: kind "galat", "sukses" or "info"; text escaped. */
void kecd_msg(FILE *fp, const char *kind, const char *text);
/* The hidden CSRF field of a form. */
void kecd_csrf_field(FILE *fp, const struct kecd_who *who);
/* "87,50 %" or "–": num / den as people read it. */
void kecd_pct(FILE *fp, const struct rekap_ratio *r);
/* "12 / 15 = 80,00 %" */
void kecd_ratio(FILE *fp, const struct rekap_ratio *r);
/* A local time "2026-11-23 07:12 WIB" (or "–" for 0). */
void kecd_when(FILE *fp, int64_t utc, int32_t offset_min);

/* One line of the trend chart: a label and percents (-1: no value). */
#define KECD_CHART_POINTS 12
#define KECD_CHART_LINES  3
struct kecd_chart {
	int npoints;
	char label[KECD_CHART_POINTS][16]; /* "Jan", "Feb"... */
	int nlines;
	const char *name[KECD_CHART_LINES];
	int64_t cp[KECD_CHART_LINES][KECD_CHART_POINTS]; /* hundredths */
};
/* An inline SVG line chart, 0..100 %, with its legend and a table of
 * the same figures for screen readers and print. */
void kecd_chart_svg(FILE *fp, const struct kecd_chart *c, const char *title);

#endif /* PRESENSI_KECD_PAGE_H */
