/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_form.c: query strings, urlencoded forms, cookies and multipart
 * bodies, decoded strictly into fixed buffers.
 */
#include "kecd_form.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "kecd.h"
#include "utf8.h"

/* Decodes src[0..len) ('+' a space) into out; -EINVAL as kecd_form_get. */
static int decode(const char *src, size_t len, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)src[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -EINVAL;
			hi = crypto_hex_digit(src[i + 1]);
			lo = crypto_hex_digit(src[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = hi * 16 + lo;
			i += 2;
		}
		/* tab, CR and LF pass (a reason typed in a text area) */
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
		    c == 0x7f)
			return -EINVAL;
		if (o + 1 >= cap)
			return -EINVAL;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return utf8_check(out, o, NULL) == 0 ? 0 : -EINVAL;
}

int kecd_form_get(const char *data, size_t len, const char *key, char *out,
		  size_t cap)
{
	size_t klen = strlen(key), i = 0;
	int found = 0;

	while (i < len) {
		const char *pair = data + i, *amp, *eq;
		size_t plen;

		amp = memchr(pair, '&', len - i);
		plen = amp ? (size_t)(amp - pair) : len - i;
		eq = memchr(pair, '=', plen);
		if (eq && (size_t)(eq - pair) == klen &&
		    memcmp(pair, key, klen) == 0) {
			int rc;

			if (found)
				return -EINVAL; /* twice: which one is meant? */
			rc = decode(eq + 1, plen - klen - 1, out, cap);
			if (rc)
				return rc;
			found = 1;
		} else if (!eq && plen == klen &&
			   memcmp(pair, key, klen) == 0) {
			if (found || cap < 1)
				return -EINVAL;
			out[0] = '\0';
			found = 1;
		}
		i += plen + 1;
	}
	return found ? 0 : -ENOENT;
}

int kecd_cookie_get(const char *header, const char *name, char *out, size_t cap)
{
	size_t nlen = strlen(name);
	const char *p = header;

	while (p && *p) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		if (len > nlen && p[nlen] == '=' &&
		    memcmp(p, name, nlen) == 0) {
			size_t vlen = len - nlen - 1;

			if (vlen >= cap)
				return -EINVAL;
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			for (size_t i = 0; i < vlen; i++)
				if ((unsigned char)out[i] <= 0x20 ||
				    (unsigned char)out[i] >= 0x7f)
					return -EINVAL;
			return 0;
		}
		p = end ? end + 1 : NULL;
	}
	return -ENOENT;
}

/* The boundary parameter of a multipart Content-Type into out. */
static int boundary_of(const char *ctype, char *out, size_t cap)
{
	const char *b;
	size_t n;

	if (strncmp(ctype, "multipart/form-data", 19) != 0)
		return -EINVAL;
	b = strstr(ctype, "boundary=");
	if (!b)
		return -EINVAL;
	b += 9;
	if (*b == '"') {
		const char *q = strchr(++b, '"');

		if (!q)
			return -EINVAL;
		n = (size_t)(q - b);
	} else {
		n = strcspn(b, "; \t");
	}
	if (n == 0 || n > 70 || n + 1 > cap) /* RFC 2046: 1..70 */
		return -EINVAL;
	memcpy(out, b, n);
	out[n] = '\0';
	return 0;
}

/* A parameter of a Content-Disposition line (name="x"), into out. */
static int disp_param(const char *line, size_t len, const char *param,
		      char *out, size_t cap)
{
	size_t plen = strlen(param);

	for (size_t i = 0; i + plen + 2 <= len; i++) {
		const char *v, *q;
		size_t n;

		if (memcmp(line + i, param, plen) != 0 ||
		    line[i + plen] != '=' || line[i + plen + 1] != '"' ||
		    (i > 0 && line[i - 1] != ' ' && line[i - 1] != ';'))
			continue;
		v = line + i + plen + 2;
		q = memchr(v, '"', len - (size_t)(v - line));
		if (!q)
			return -EINVAL;
		n = (size_t)(q - v);
		if (n >= cap)
			return -EINVAL;
		memcpy(out, v, n);
		out[n] = '\0';
		return 0;
	}
	return -ENOENT;
}

/* Every part named field, in order: the n-th into out (n -1: the only
 * one, a second is -EINVAL). */
static int parts(const char *ctype, const uint8_t *body, size_t len,
		 const char *field, int n, struct kecd_mpart *out)
{
	char bnd[80], delim[86];
	const uint8_t *p, *end = body + len;
	size_t dlen;
	int found = 0;

	if (boundary_of(ctype, bnd, sizeof(bnd)))
		return -EINVAL;
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", bnd);
	/* the first delimiter may open the body without its CRLF */
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = memmem(body, len, delim, dlen)))
		p += dlen;
	else
		return -EINVAL;
	for (;;) {
		const uint8_t *hdr_end, *next;
		char name[128], fname[KECD_FILENAME_MAX];
		const char *h;
		int has_name = 0;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return -EINVAL;
		p += 2;
		hdr_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hdr_end)
			return -EINVAL;
		fname[0] = '\0';
		for (h = (const char *)p; h < (const char *)hdr_end;) {
			const char *eol =
				memmem(h, (size_t)((const char *)hdr_end - h),
				       "\r\n", 2);
			size_t hl = eol ? (size_t)(eol - h)
					: (size_t)((const char *)hdr_end - h);

			if (hl > 20 &&
			    strncasecmp(h, "Content-Disposition:", 20) == 0) {
				int rc = disp_param(h, hl, "name", name,
						    sizeof(name));

				if (rc == -EINVAL)
					return -EINVAL;
				has_name = rc == 0;
				if (disp_param(h, hl, "filename", fname,
					       sizeof(fname)) == -EINVAL)
					return -EINVAL;
			}
			h += hl + 2;
		}
		p = hdr_end + 4;
		next = memmem(p, (size_t)(end - p), delim, dlen);
		if (!next)
			return -EINVAL;
		if (has_name && strcmp(name, field) == 0) {
			if (found && n < 0)
				return -EINVAL;
			if (n < 0 || found == n) {
				out->data = p;
				out->len = (size_t)(next - p);
				snprintf(out->filename, sizeof(out->filename),
					 "%s", fname);
			}
			found++;
		}
		p = next + dlen;
	}
	return found > (n < 0 ? 0 : n) ? 0 : -ENOENT;
}

int kecd_multipart_get(const char *ctype, const uint8_t *body, size_t len,
		       const char *field, struct kecd_mpart *out)
{
	return parts(ctype, body, len, field, -1, out);
}

int kecd_multipart_nth(const char *ctype, const uint8_t *body, size_t len,
		       const char *field, int n, struct kecd_mpart *out)
{
	return parts(ctype, body, len, field, n < 0 ? 0 : n, out);
}

int kecd_req_field(const struct kecd_req *req, const char *key, char *out,
		   size_t cap)
{
	if (strncmp(req->content_type, "multipart/form-data", 19) == 0) {
		struct kecd_mpart p;
		int rc = kecd_multipart_get(req->content_type, req->body,
					    req->body_len, key, &p);

		if (rc)
			return rc;
		if (p.len >= cap || memchr(p.data, '\0', p.len))
			return -EINVAL;
		memcpy(out, p.data, p.len);
		out[p.len] = '\0';
		return utf8_valid(out) ? 0 : -EINVAL;
	}
	if (strncmp(req->content_type, "application/x-www-form-urlencoded",
		    33) != 0)
		return -EINVAL;
	return kecd_form_get((const char *)req->body, req->body_len, key, out,
			     cap);
}
