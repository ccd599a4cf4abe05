/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rekapdiff.c: the desa's rekap.csv against the kecamatan's recompute,
 * column by name and row by id.  A small RFC 4180 reader (quotes, CRLF
 * or LF) that splits each file into rows of fields once.
 */
#include "rekapdiff.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns never compared (see rekapdiff.h). */
static const char *const skipped[] = {"kalender_versi"};

struct table {
	char *buf;     /* the fields, NUL-separated */
	char **field;  /* all fields, row after row */
	size_t *start; /* each row's first field index, and one past */
	size_t nrows;  /* rows including the header */
	size_t nfields;
	int id; /* the "id" column */
};

static void table_free(struct table *t)
{
	free(t->buf);
	free(t->field);
	free(t->start);
}

static int push(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;

	if (n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 64;
	p = reallocarray(*arr, *cap, elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

/* Splits s into rows and fields.  0, -EINVAL, -ENOMEM. */
static int parse(const char *s, size_t len, struct table *t)
{
	size_t fcap = 0, rcap = 0, o = 0, i = 0;
	bool row_open = false;

	memset(t, 0, sizeof(*t));
	t->buf = malloc(len + 1);
	if (!t->buf)
		return -ENOMEM;
	while (i < len) {
		size_t f0 = o;

		if (!row_open) {
			if (push((void **)&t->start, &rcap, t->nrows + 1,
				 sizeof(*t->start)))
				return -ENOMEM;
			t->start[t->nrows++] = t->nfields;
			row_open = true;
		}
		if (s[i] == '"') {
			for (i++;; i++) {
				if (i >= len)
					return -EINVAL; /* unterminated */
				if (s[i] == '"') {
					if (i + 1 < len && s[i + 1] == '"') {
						t->buf[o++] = '"';
						i++;
						continue;
					}
					i++;
					break;
				}
				t->buf[o++] = s[i];
			}
		} else {
			while (i < len && s[i] != ',' && s[i] != '\r' &&
			       s[i] != '\n') {
				if (s[i] == '"')
					return -EINVAL;
				t->buf[o++] = s[i++];
			}
		}
		t->buf[o++] = '\0';
		if (push((void **)&t->field, &fcap, t->nfields,
			 sizeof(*t->field)))
			return -ENOMEM;
		t->field[t->nfields++] = t->buf + f0;
		if (i < len && s[i] == ',') {
			i++;
			if (i == len)
				return -EINVAL;
			continue;
		}
		if (i < len && s[i] == '\r')
			i++;
		if (i < len && s[i] != '\n')
			return -EINVAL;
		i++;
		row_open = false;
	}
	if (push((void **)&t->start, &rcap, t->nrows + 1, sizeof(*t->start)))
		return -ENOMEM;
	t->start[t->nrows] = t->nfields;
	if (t->nrows == 0)
		return -EINVAL;
	t->id = -1;
	for (size_t c = t->start[0]; c < t->start[1]; c++)
		if (strcmp(t->field[c], "id") == 0)
			t->id = (int)(c - t->start[0]);
	if (t->id < 0)
		return -EINVAL;
	for (size_t r = 1; r < t->nrows; r++)
		if (t->start[r + 1] - t->start[r] != t->start[1] - t->start[0])
			return -EINVAL; /* a row of another width */
	return 0;
}

static size_t width(const struct table *t)
{
	return t->start[1] - t->start[0];
}

static const char *cell(const struct table *t, size_t row, size_t col)
{
	return t->field[t->start[row] + col];
}

static long find_row(const struct table *t, const char *id)
{
	for (size_t r = 1; r < t->nrows; r++)
		if (strcmp(cell(t, r, (size_t)t->id), id) == 0)
			return (long)r;
	return -1;
}

static long find_col(const struct table *t, const char *name)
{
	for (size_t c = 0; c < width(t); c++)
		if (strcmp(cell(t, 0, c), name) == 0)
			return (long)c;
	return -1;
}

static bool is_skipped(const char *name)
{
	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (strcmp(name, skipped[i]) == 0)
			return true;
	return false;
}

int rekapdiff_compare(const char *desa, size_t desa_len, const char *ours,
		      size_t ours_len, struct rekapdiff *out)
{
	struct table d, k;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = parse(desa, desa_len, &d);
	if (rc == 0)
		rc = parse(ours, ours_len, &k);
	else
		memset(&k, 0, sizeof(k));
	if (rc) {
		snprintf(out->first, sizeof(out->first), "%s",
			 rc == -ENOMEM ? "out of memory"
				       : "rekap.csv is not a CSV with an id "
					 "column");
		goto done;
	}
	for (size_t r = 1; r < d.nrows; r++) {
		const char *id = cell(&d, r, (size_t)d.id);
		long kr = find_row(&k, id);

		if (kr < 0) {
			if (!out->cells && !out->only_desa && !out->only_ours)
				snprintf(out->first, sizeof(out->first),
					 "%s only in the desa's rekap", id);
			out->only_desa++;
			continue;
		}
		for (size_t c = 0; c < width(&d); c++) {
			const char *name = cell(&d, 0, c);
			long kc = find_col(&k, name);

			if (kc < 0 || is_skipped(name) ||
			    strcmp(cell(&d, r, c),
				   cell(&k, (size_t)kr, (size_t)kc)) == 0)
				continue;
			if (!out->cells && !out->only_desa && !out->only_ours)
				snprintf(out->first, sizeof(out->first),
					 "%s %s: desa %s, kecamatan %s", id,
					 name, cell(&d, r, c),
					 cell(&k, (size_t)kr, (size_t)kc));
			out->cells++;
		}
	}
	for (size_t r = 1; r < k.nrows; r++) {
		const char *id = cell(&k, r, (size_t)k.id);

		if (find_row(&d, id) >= 0)
			continue;
		if (!out->cells && !out->only_desa && !out->only_ours)
			snprintf(out->first, sizeof(out->first),
				 "%s only in the recompute", id);
		out->only_ours++;
	}
done:
	table_free(&d);
	table_free(&k);
	return rc;
}
