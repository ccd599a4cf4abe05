// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfc.c: NFC through utf8proc, after utf8.c's strict check (utf8proc
 * alone would let some malformed input through on older releases).
 */
#include "nfc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "utf8.h"

int nfc_normalize(const char *s, char **out)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;

	if (!s || !utf8_valid(s))
		return -EILSEQ;
	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &dst,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE |
				 UTF8PROC_COMPOSE);
	if (n < 0) {
		free(dst);
		return n == UTF8PROC_ERROR_NOMEM ? -ENOMEM : -EILSEQ;
	}
	*out = (char *)dst;
	return 0;
}
