/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * htmlesc.c: text into HTML, safe in element content and in quoted
 * attribute values alike.
 */
#include "htmlesc.h"

void htmlesc_put(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}
