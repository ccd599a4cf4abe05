/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ledger.c: the pure part of the hash-chained ledger.  Builds a row's
 * canonical CSV line, percent-escapes its key=value data, chains rows with
 * SHA-256 (through crypto.c) and parses export lines back for checking.
 * No allocation, no I/O: store.c and the exporters call it.
 */
#include "ledger.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "crypto.h"

#define ISO_LEN	      20 /* "YYYY-MM-DDTHH:MM:SSZ" */
#define HASH_HEX_LEN  64
#define EXPORT_FIELDS 8 /* seq,kind,recorded,person,at,data,prev,hash */
/* Range ledger_iso_utc can print with a four-digit year. */
#define ISO_MIN_T (-62167219200LL) /* 0000-01-01T00:00:00Z */
#define ISO_MAX_T (253402300799LL) /* 9999-12-31T23:59:59Z */

/* ---- ISO 8601 UTC instants, through civil.c's calendar ---- */

static void put_digits(char *p, unsigned int v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void ledger_iso_utc(int64_t t, char buf[21])
{
	int32_t sec;
	pd_day_t day;
	int y, m, d;

	if (t == 0) {
		buf[0] = '\0';
		return;
	}
	if (t < ISO_MIN_T)
		t = ISO_MIN_T;
	if (t > ISO_MAX_T)
		t = ISO_MAX_T;
	civil_local_from_utc(t, 0, &day, &sec);
	civil_to_ymd(day, &y, &m, &d);
	/* Digit by digit: every field is in range after the clamp above. */
	put_digits(buf, (unsigned int)y, 4);
	buf[4] = '-';
	put_digits(buf + 5, (unsigned int)m, 2);
	buf[7] = '-';
	put_digits(buf + 8, (unsigned int)d, 2);
	buf[10] = 'T';
	put_digits(buf + 11, (unsigned int)(sec / 3600), 2);
	buf[13] = ':';
	put_digits(buf + 14, (unsigned int)(sec / 60 % 60), 2);
	buf[16] = ':';
	put_digits(buf + 17, (unsigned int)(sec % 60), 2);
	buf[19] = 'Z';
	buf[ISO_LEN] = '\0';
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parses "YYYY-MM-DDTHH:MM:SSZ" (len bytes) or "" (0). */
static int iso_parse(const char *s, size_t len, int64_t *out)
{
	int y, mo, d, h, mi, se;

	if (len == 0) {
		*out = 0;
		return 0;
	}
	if (len != ISO_LEN || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -EINVAL;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
	    digits(s + 17, 2, &se))
		return -EINVAL;
	/* any year a four-digit field holds, not only civil's parse range */
	if (mo < 1 || mo > 12 || d < 1 || d > civil_days_in_month(y, mo) ||
	    h > 23 || mi > 59 || se > 59)
		return -EINVAL;
	*out = civil_utc_from_local(civil_from_ymd(y, mo, d),
				    h * 3600 + mi * 60 + se, 0);
	return 0;
}

int ledger_iso_parse(const char *s, int64_t *t)
{
	return iso_parse(s, strlen(s), t);
}

/* ---- canonical line ---- */

struct out {
	char *buf;
	size_t cap, len;
	bool overflow;
};

static void out_putc(struct out *o, char ch)
{
	if (o->len + 1 >= o->cap) {
		o->overflow = true;
		return;
	}
	o->buf[o->len++] = ch;
	o->buf[o->len] = '\0';
}

static void out_puts(struct out *o, const char *s)
{
	while (*s)
		out_putc(o, *s++);
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double quotes. */
static void out_csv(struct out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		out_puts(o, s);
		return;
	}
	out_putc(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			out_putc(o, '"');
		out_putc(o, *s);
	}
	out_putc(o, '"');
}

int ledger_line(const struct ledger_row *r, char *buf, size_t cap)
{
	struct out o = {.buf = buf, .cap = cap};
	char num[24], iso[ISO_LEN + 1];

	if (cap == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	snprintf(num, sizeof(num), "%" PRId64, r->seq);
	out_puts(&o, num);
	out_putc(&o, ',');
	out_csv(&o, r->kind);
	out_putc(&o, ',');
	ledger_iso_utc(r->recorded_utc, iso);
	out_puts(&o, iso);
	out_putc(&o, ',');
	out_csv(&o, r->person);
	out_putc(&o, ',');
	ledger_iso_utc(r->at_utc, iso);
	out_puts(&o, iso);
	out_putc(&o, ',');
	out_csv(&o, r->data);
	if (o.overflow) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return (int)o.len;
}

static bool is_hash_hex(const char *s)
{
	for (int i = 0; i < HASH_HEX_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[HASH_HEX_LEN] == '\0';
}

/* SHA-256(prev_hash bytes || line) as hex into out. */
static int chain_hash(const struct ledger_row *r, char out[PD_HASH_HEX])
{
	struct crypto_sha256_ctx c = {{0}}; /* cppcheck: not read */
	uint8_t prev[CRYPTO_SHA256_BYTES], h[CRYPTO_SHA256_BYTES];
	char line[LEDGER_LINE_MAX];
	int len;

	if (!is_hash_hex(r->prev_hash) ||
	    crypto_hex_decode(r->prev_hash, prev, sizeof(prev)) != 0)
		return -EINVAL;
	len = ledger_line(r, line, sizeof(line));
	if (len < 0)
		return len;
	crypto_sha256_start(&c);
	crypto_sha256_update(&c, prev, sizeof(prev));
	crypto_sha256_update(&c, line, (size_t)len);
	crypto_sha256_final(&c, h);
	crypto_hex_encode(h, sizeof(h), out);
	return 0;
}

int ledger_hash(struct ledger_row *r)
{
	char h[PD_HASH_HEX];
	int rc = chain_hash(r, h);

	if (rc == 0)
		memcpy(r->hash, h, sizeof(h));
	return rc;
}

int ledger_check(const struct ledger_row *r)
{
	char h[PD_HASH_HEX];

	if (chain_hash(r, h) != 0)
		return -EBADMSG;
	return strncmp(h, r->hash, sizeof(h)) == 0 ? 0 : -EBADMSG;
}

/* ---- data: key=value;key=value ---- */

static bool key_ok(const char *key)
{
	if (!*key)
		return false;
	for (; *key; key++)
		if (!((*key >= 'a' && *key <= 'z') ||
		      (*key >= '0' && *key <= '9') || *key == '_' ||
		      *key == '-' || *key == '.'))
			return false;
	return true;
}

static bool needs_escape(unsigned char ch)
{
	return ch == '%' || ch == ';' || ch == '=' || ch < 0x20 || ch == 0x7f;
}

int ledger_data_add(char *data, size_t cap, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = strnlen(data, cap);
	struct out o = {.buf = data, .cap = cap, .len = start};

	if (!key_ok(key))
		return -EINVAL;
	if (start >= cap)
		return -ENAMETOOLONG;
	if (!value)
		value = "";
	if (start > 0)
		out_putc(&o, ';');
	out_puts(&o, key);
	out_putc(&o, '=');
	for (const unsigned char *v = (const unsigned char *)value; *v; v++) {
		if (needs_escape(*v)) {
			out_putc(&o, '%');
			out_putc(&o, hex[*v >> 4]);
			out_putc(&o, hex[*v & 0xf]);
		} else {
			out_putc(&o, (char)*v);
		}
	}
	if (o.overflow) {
		data[start] = '\0'; /* leave data as it was */
		return -ENAMETOOLONG;
	}
	return 0;
}

int ledger_data_addf(char *data, size_t cap, const char *key, const char *fmt,
		     ...)
{
	char value[LEDGER_DATA_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= sizeof(value))
		return -ENAMETOOLONG;
	return ledger_data_add(data, cap, key, value);
}

/* Unescapes [v, end) into out if non-NULL; returns the decoded length or
 * -EINVAL for a broken escape. */
static int unescape(const char *v, const char *end, char *out)
{
	int n = 0;

	while (v < end) {
		char ch = *v++;

		if (ch == '%') {
			int hi, lo;

			if (end - v < 2)
				return -EINVAL;
			hi = crypto_hex_digit(v[0]);
			lo = crypto_hex_digit(v[1]);
			if (hi < 0 || lo < 0 || (hi << 4 | lo) == 0)
				return -EINVAL;
			ch = (char)(hi << 4 | lo);
			v += 2;
		}
		if (out)
			out[n] = ch;
		n++;
	}
	return n;
}

int ledger_data_get(const char *data, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	const char *p = data;

	while (*p) {
		const char *end = strchr(p, ';');
		const char *eq;

		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq && (size_t)(eq - p) == klen &&
		    memcmp(p, key, klen) == 0) {
			int n = unescape(eq + 1, end, NULL);

			if (n < 0)
				return n;
			if ((size_t)n >= cap)
				return -ENAMETOOLONG;
			unescape(eq + 1, end, out);
			out[n] = '\0';
			return 0;
		}
		p = *end ? end + 1 : end;
	}
	return -ENOENT;
}

/* ---- export lines ---- */

/* Copies the next CSV field of *pp into out (cap bytes), unquoting; moves
 * *pp past the field and its comma.  *last is set at the end of the line. */
static int csv_field(const char **pp, char *out, size_t cap, bool *last)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p == '"') {
		p++;
		for (;;) {
			if (*p == '\0')
				return -EINVAL; /* unterminated quote */
			if (*p == '"') {
				if (p[1] != '"')
					break;
				p++;
			}
			if (n + 1 >= cap)
				return -EINVAL;
			out[n++] = *p++;
		}
		p++; /* closing quote */
	} else {
		while (*p && *p != ',' && *p != '\r' && *p != '\n') {
			if (*p == '"' || n + 1 >= cap)
				return -EINVAL;
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	if (*p == ',') {
		*last = false;
		p++;
	} else if (*p == '\0' || strcmp(p, "\n") == 0 ||
		   strcmp(p, "\r\n") == 0) {
		*last = true;
		p += strlen(p);
	} else {
		return -EINVAL;
	}
	*pp = p;
	return 0;
}

static int parse_seq(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int ledger_parse_export(const char *line, struct ledger_row *r)
{
	struct ledger_row t;
	char f[EXPORT_FIELDS][LEDGER_DATA_MAX], canon[LEDGER_LINE_MAX];
	const char *p = line, *canon_end = line;
	bool last = false;
	int i, n;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < EXPORT_FIELDS && !last; i++) {
		if (csv_field(&p, f[i], sizeof(f[i]), &last) != 0)
			return -EINVAL;
		if (i == EXPORT_FIELDS - 3) /* data: the canonical part ends */
			canon_end = p - 1;
	}
	if (i != EXPORT_FIELDS || !last)
		return -EINVAL;
	if (parse_seq(f[0], &t.seq) != 0 ||
	    iso_parse(f[2], strlen(f[2]), &t.recorded_utc) != 0 ||
	    iso_parse(f[4], strlen(f[4]), &t.at_utc) != 0)
		return -EINVAL;
	if (!*f[1] || strlen(f[1]) >= sizeof(t.kind) ||
	    strlen(f[3]) >= sizeof(t.person) || !is_hash_hex(f[6]) ||
	    !is_hash_hex(f[7]))
		return -EINVAL;
	strcpy(t.kind, f[1]);
	strcpy(t.person, f[3]);
	strcpy(t.data, f[5]);
	strcpy(t.prev_hash, f[6]);
	strcpy(t.hash, f[7]);
	/* One spelling per row: the line must be the row's canonical line,
	 * byte for byte ("010", a needless quote or 1970-01-01T00:00:00Z for
	 * an unset time would parse to a row whose hash checks while a
	 * SHA-256 of the file's own bytes does not). */
	n = ledger_line(&t, canon, sizeof(canon));
	if (n < 0 || (size_t)n != (size_t)(canon_end - line) ||
	    memcmp(canon, line, (size_t)n) != 0)
		return -EINVAL;
	*r = t;
	return 0;
}
