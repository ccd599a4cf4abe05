/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * records.c: the one table of punch flag names, shared by the ledger
 * encoders (codes) and every report and list for people (words).
 */
#include "records.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct {
	unsigned int bit;
	const char *code; /* in ledger rows: never change */
	const char *word; /* for people */
} flag_names[] = {
	{PUNCH_F_SUPPRESSED, "suppressed", "ganda"},
	{PUNCH_F_UNTRUSTED, "untrusted", "tak-tepercaya"},
	{PUNCH_F_MANUAL, "manual", "manual"},
	{PUNCH_F_BACKWARD, "backward", "jam-mundur"},
	{PUNCH_F_SIMULATED, "simulated", "simulasi"},
};
#define NFLAGS (sizeof(flag_names) / sizeof(flag_names[0]))

static const char *name_of(size_t i, enum records_flag_style style)
{
	return style == RECORDS_FLAG_CODE ? flag_names[i].code
					  : flag_names[i].word;
}

void records_flags_format(unsigned int flags, enum records_flag_style style,
			  char sep, char buf[RECORDS_FLAGS_MAX])
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NFLAGS; i++) {
		const char *w = name_of(i, style);
		size_t n = strlen(w);

		if (!(flags & flag_names[i].bit))
			continue;
		/* every name and separator fits: RECORDS_FLAGS_MAX says so */
		if (len && len + 1 < RECORDS_FLAGS_MAX)
			buf[len++] = sep;
		if (len + n >= RECORDS_FLAGS_MAX)
			break;
		memcpy(buf + len, w, n);
		len += n;
		buf[len] = '\0';
	}
}

int records_flags_parse(const char *s, enum records_flag_style style, char sep,
			unsigned int *out)
{
	unsigned int flags = 0;

	while (*s) {
		const char *end = strchr(s, sep);
		size_t n = end ? (size_t)(end - s) : strlen(s);
		size_t i;

		for (i = 0; i < NFLAGS; i++) {
			const char *w = name_of(i, style);

			if (strlen(w) == n && memcmp(w, s, n) == 0)
				break;
		}
		if (i == NFLAGS)
			return -EINVAL;
		flags |= flag_names[i].bit;
		s += n;
		if (*s) {
			s++;
			if (!*s)
				return -EINVAL; /* trailing separator */
		}
	}
	*out = flags;
	return 0;
}
