/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rulepub.c: the statement a published rule file is signed by
 * (docs/push.md).  It names the file by its SHA-256, so the one signature
 * covers the text, the effective date, the scope and the number.
 */
#include "rulepub.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "crypto.h"
#include "ledger.h"

static const char *const kinds[] = {"profile", "calendar"};

const char *rulepub_kind_name(enum rulepub_kind kind)
{
	return (unsigned int)kind < 2 ? kinds[kind] : "";
}

int rulepub_kind_parse(const char *s, enum rulepub_kind *out)
{
	for (unsigned int i = 0; i < 2; i++)
		if (strcmp(s, kinds[i]) == 0) {
			*out = (enum rulepub_kind)i;
			return 0;
		}
	return -EINVAL;
}

/* One line of text: not empty, no control character (UTF-8 passes). */
static int line_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int rulepub_statement(const struct rulepub *p, char out[RULEPUB_STMT_MAX])
{
	char day[CIVIL_DATE_LEN], at[21];
	int n;

	if (p->id < 1 || (unsigned int)p->kind >= 2 || !line_ok(p->area) ||
	    !line_ok(p->name) ||
	    !crypto_hex_is_canonical(p->version, PD_HASH_HEX - 1))
		return -EINVAL;
	civil_date_format(p->from_day, day);
	ledger_iso_utc(p->published_utc, at);
	n = snprintf(out, RULEPUB_STMT_MAX,
		     "presensi-rules %d\nid %" PRId64 "\nkind %s\nscope %s %s\n"
		     "name %s\nversion %s\nfrom %s\npublished %s\n",
		     RULEPUB_VERSION, p->id, kinds[p->kind],
		     p->kabupaten ? "kabupaten" : "kecamatan", p->area, p->name,
		     p->version, day, at);
	if (n < 0 || n >= RULEPUB_STMT_MAX)
		return -EINVAL;
	return n;
}
