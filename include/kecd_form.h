/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a browser sends kecamatand, read strictly and within bounds: query
 * strings and application/x-www-form-urlencoded bodies, the Cookie
 * header, and multipart/form-data (a bundle uploaded with its form's
 * token).  Every value is percent-decoded into a caller's fixed buffer and
 * must be valid UTF-8 without NUL or other control bytes (tabs and line
 * ends are allowed only where a field says so).  Pure.
 */
#ifndef PRESENSI_KECD_FORM_H
#define PRESENSI_KECD_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KECD_FILENAME_MAX 256

/*
 * The value of key in data (len bytes of "a=1&b=2", '+' a space) into out
 * (cap bytes).  0; -ENOENT when key is absent; -EINVAL for a bad escape,
 * a control byte, invalid UTF-8, a key given twice, or a value that does
 * not fit.
 */
int kecd_form_get(const char *data, size_t len, const char *key, char *out,
		  size_t cap);
/* The cookie name of a Cookie header into out.  0, -ENOENT, -EINVAL. */
int kecd_cookie_get(const char *header, const char *name, char *out,
		    size_t cap);

struct kecd_mpart {
	const uint8_t *data; /* inside the body */
	size_t len;
	char filename[KECD_FILENAME_MAX]; /* "" when not a file */
};
/*
 * The part named field of a multipart/form-data body whose Content-Type
 * header is ctype.  0; -ENOENT when no part has that name; -EINVAL when
 * ctype has no boundary, the body is malformed, or field comes twice.
 */
int kecd_multipart_get(const char *ctype, const uint8_t *body, size_t len,
		       const char *field, struct kecd_mpart *out);

/* The n-th (from 0) part named field, for a file input that takes
 * several files.  0; -ENOENT when there are n or fewer; -EINVAL. */
int kecd_multipart_nth(const char *ctype, const uint8_t *body, size_t len,
		       const char *field, int n, struct kecd_mpart *out);

struct kecd_req;
/*
 * A field of a request's POSTed form: urlencoded or multipart/form-data
 * (any other type is -EINVAL), its value NUL-free and UTF-8 in out.  0;
 * -ENOENT when the form has no such field; -EINVAL; -ENOSPC.
 */
int kecd_req_field(const struct kecd_req *req, const char *key, char *out,
		   size_t cap);

#endif /* PRESENSI_KECD_FORM_H */
