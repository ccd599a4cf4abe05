/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_base.c: what every handler of kecamatand uses: building a
 * response, the server's clock (the system's, or a simulated instant read
 * from a file for tests and the demo), and the body caps by route.
 */
#include "kecd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ledger.h"
#include "log.h"

int kecd_resp_header(struct kecd_resp *r, const char *name, const char *fmt,
		     ...)
{
	va_list ap;
	int n;

	if (r->nheaders >= KECD_HEADERS_MAX ||
	    strlen(name) >= sizeof(r->hname[0]))
		return -E2BIG;
	va_start(ap, fmt);
	n = vsnprintf(r->hvalue[r->nheaders], sizeof(r->hvalue[0]), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(r->hvalue[0]))
		return -E2BIG;
	snprintf(r->hname[r->nheaders], sizeof(r->hname[0]), "%s", name);
	r->nheaders++;
	return 0;
}

int kecd_resp_set(struct kecd_resp *r, int status, const char *ctype,
		  const void *body, size_t len)
{
	char *b = malloc(len + 1);

	if (!b)
		return -ENOMEM;
	memcpy(b, body, len);
	b[len] = '\0';
	free(r->body);
	r->body = b;
	r->len = len;
	r->status = status;
	snprintf(r->content_type, sizeof(r->content_type), "%s", ctype);
	return 0;
}

int kecd_resp_error_json(struct kecd_resp *r, int status, const char *fmt, ...)
{
	char msg[KEC_REASON_MAX], body[2 * KEC_REASON_MAX + 32];
	size_t o = 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* a JSON string by hand: the message is ours, escape the few */
	n = snprintf(body, sizeof(body), "{\"error\": \"");
	o = (size_t)n;
	for (const char *p = msg; *p && o + 8 < sizeof(body); p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\') {
			body[o++] = '\\';
			body[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(body + o, sizeof(body) - o,
					      "\\u%04x", c);
		} else {
			body[o++] = (char)c;
		}
	}
	o += (size_t)snprintf(body + o, sizeof(body) - o, "\"}\n");
	(void)kecd_resp_header(r, "Cache-Control", "no-store");
	return kecd_resp_set(r, status, "application/json", body, o);
}

int kecd_resp_redirect(struct kecd_resp *r, const char *path)
{
	if (kecd_resp_header(r, "Location", "%s", path))
		return -E2BIG;
	return kecd_resp_set(r, 303, "text/plain; charset=utf-8", "", 0);
}

void kecd_resp_free(struct kecd_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

/* The simulated clock's file: "YYYY-MM-DDTHH:MM:SSZ", re-read when its
 * modification time changes.  The system clock when it cannot be read. */
int64_t kecd_now(struct kecd *k)
{
	struct stat sb;
	int64_t t;

	if (!k->conf.clock_simulated)
		return (int64_t)time(NULL);
	pthread_mutex_lock(&k->clock_lock);
	if (stat(k->conf.clock_file, &sb) == 0) {
		int64_t m = (int64_t)sb.st_mtim.tv_sec * 1000000000LL +
			    sb.st_mtim.tv_nsec;

		if (m != k->clock_mtime_ns) {
			char buf[64] = "";
			FILE *fp = fopen(k->conf.clock_file, "re");
			int64_t v;

			if (fp) {
				if (!fgets(buf, sizeof(buf), fp))
					buf[0] = '\0';
				fclose(fp);
			}
			buf[strcspn(buf, "\r\n")] = '\0';
			if (ledger_iso_parse(buf, &v) == 0 && v) {
				k->clock_utc = v;
				k->clock_mtime_ns = m;
			} else {
				log_warnx("clock: %s does not hold "
					  "YYYY-MM-DDTHH:MM:SSZ",
					  k->conf.clock_file);
			}
		}
	}
	t = k->clock_utc ? k->clock_utc : (int64_t)time(NULL);
	pthread_mutex_unlock(&k->clock_lock);
	return t;
}

size_t kecd_body_max(const struct kecd *k, const char *method, const char *path)
{
	if (strcmp(method, "POST") != 0)
		return 0; /* GET and HEAD carry no body */
	if (strcmp(path, "/api/v1/push") == 0)
		return (size_t)k->conf.push_max_kb << 10;
	if (strcmp(path, "/api/v1/bundle") == 0 || strcmp(path, "/unggah") == 0)
		return ((size_t)k->conf.bundle_max_mb << 20) + (64 << 10);
	return (size_t)k->conf.form_max_kb << 10;
}
