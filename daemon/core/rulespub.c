/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rulespub.c: the statement of a published profile or calendar and its
 * signature check (docs/push.md).  Like pushbatch.c, a statement both
 * sides rebuild from what they hold, so nothing signed is taken on trust.
 */
#include "rulespub.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "civil.h"

static const char *const kind_names[] = {
	[RULESPUB_PROFILE] = "profile",
	[RULESPUB_CALENDAR] = "calendar",
};

const char *rulespub_kind_name(enum rulespub_kind kind)
{
	if ((unsigned int)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return NULL;
	return kind_names[kind];
}

int rulespub_kind_parse(const char *name, enum rulespub_kind *out)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (name && strcmp(name, kind_names[i]) == 0) {
			*out = (enum rulespub_kind)i;
			return 0;
		}
	return -EINVAL;
}

int rulespub_statement(enum rulespub_kind kind, const char *from,
		       const void *text, size_t len,
		       char out[RULESPUB_STMT_MAX])
{
	const char *name = rulespub_kind_name(kind);
	char version[PD_HASH_HEX];
	pd_day_t day;
	int n;

	if (!name || !from || civil_date_parse(from, &day) < 0)
		return -EINVAL;
	crypto_sha256_hex(text, len, version);
	n = snprintf(out, RULESPUB_STMT_MAX,
		     "presensi-rules %d\nkind %s\nfrom %s\nversion %s\n",
		     RULESPUB_VERSION, name, from, version);
	if (n < 0 || n >= RULESPUB_STMT_MAX)
		return -EINVAL;
	return n;
}

int rulespub_sign(const struct crypto_devkey *k, enum rulespub_kind kind,
		  const char *from, const void *text, size_t len,
		  uint8_t sig[CRYPTO_SIG_BYTES])
{
	char stmt[RULESPUB_STMT_MAX];
	int n = rulespub_statement(kind, from, text, len, stmt);

	if (n < 0)
		return n;
	crypto_devkey_sign(k, stmt, (size_t)n, sig);
	return 0;
}

int rulespub_verify(const uint8_t (*pks)[CRYPTO_PK_BYTES], int npks,
		    enum rulespub_kind kind, const char *from, const void *text,
		    size_t len, const char *sig_hex, int *which)
{
	uint8_t sig[CRYPTO_SIG_BYTES];
	char stmt[RULESPUB_STMT_MAX];
	int n;

	if (!sig_hex || crypto_hex_decode(sig_hex, sig, sizeof(sig)) < 0)
		return -EINVAL;
	n = rulespub_statement(kind, from, text, len, stmt);
	if (n < 0)
		return n;
	if (npks <= 0)
		return -ENOKEY;
	for (int i = 0; i < npks; i++)
		if (crypto_sig_verify(pks[i], stmt, (size_t)n, sig) == 0) {
			*which = i;
			return 0;
		}
	return -EBADMSG;
}
