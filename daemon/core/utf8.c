// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * utf8.c: is a byte string well-formed UTF-8?  The table of RFC 3629 §4
 * (the shortest form only, no surrogates, nothing above U+10FFFF), one
 * pass, no allocation.  Used by control.c, rules.c, calendar.c and the CLI.
 */
#include "utf8.h"

#include <errno.h>
#include <string.h>

int utf8_check(const char *s, size_t n, size_t *bad_off)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t len;
		unsigned char lo = 0x80, hi = 0xBF; /* second byte's range */

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0; /* overlong below U+0800 */
			else if (c == 0xED)
				hi = 0x9F; /* surrogates U+D800..U+DFFF */
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90; /* overlong below U+10000 */
			else if (c == 0xF4)
				hi = 0x8F; /* above U+10FFFF */
		} else {
			goto bad; /* a continuation byte, C0, C1, F5..FF */
		}
		if (n - i < len || p[i + 1] < lo || p[i + 1] > hi)
			goto bad;
		for (size_t k = 2; k < len; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xBF)
				goto bad;
		i += len;
	}
	return 0;
bad:
	if (bad_off)
		*bad_off = i;
	return -EILSEQ;
}

bool utf8_valid(const char *s)
{
	return s && utf8_check(s, strlen(s), NULL) == 0;
}
