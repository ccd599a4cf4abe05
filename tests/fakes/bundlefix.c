/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bundlefix.c: take a bundle apart, change it, put it together (see
 * bundlefix.h).  The raw patches walk the ZIP headers by signature, which
 * is enough for archives libzip wrote with no comment.
 */
#include "fakes/bundlefix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/testutil.h"

#define LOCAL_SIG 0x04034b50u
#define CDIR_SIG  0x02014b50u

void bundlefix_load(struct bundlefix *f, const void *zip, size_t len)
{
	char why[BUNDLE_WHY_MAX];
	struct bundle *b;

	memset(f, 0, sizeof(*f));
	if (bundle_open_mem(zip, len, &b, why, sizeof(why)) != 0)
		fail_msg("bundlefix: %s", why);
	f->n = bundle_entry_count(b);
	for (size_t i = 0; i < f->n; i++) {
		const char *name = bundle_entry_name(b, i);

		snprintf(f->e[i].name, sizeof(f->e[i].name), "%s", name);
		if (bundle_entry_read(b, name, &f->e[i].data, &f->e[i].len, why,
				      sizeof(why)) != 0)
			fail_msg("bundlefix: %s", why);
	}
	bundle_close(b);
}

void bundlefix_load_file(struct bundlefix *f, const char *path)
{
	size_t len;
	char *zip = testutil_slurp(path, &len);

	if (!zip)
		fail_msg("bundlefix: cannot read %s", path);
	bundlefix_load(f, zip, len);
	free(zip);
}

void bundlefix_free(struct bundlefix *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->e[i].data);
	f->n = 0;
}

static int find(const struct bundlefix *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->e[i].name, name) == 0)
			return (int)i;
	return -1;
}

void bundlefix_set(struct bundlefix *f, const char *name, const void *data,
		   size_t len)
{
	int i = find(f, name);
	uint8_t *copy = malloc(len + 1);

	assert_non_null(copy);
	memcpy(copy, data, len);
	copy[len] = '\0';
	if (i < 0) {
		assert_true(f->n < BUNDLE_ENTRIES_MAX);
		i = (int)f->n++;
		snprintf(f->e[i].name, sizeof(f->e[i].name), "%s", name);
	} else {
		free(f->e[i].data);
	}
	f->e[i].data = copy;
	f->e[i].len = len;
}

void bundlefix_remove(struct bundlefix *f, const char *name)
{
	int i = find(f, name);

	assert_true(i >= 0);
	free(f->e[i].data);
	memmove(&f->e[i], &f->e[i + 1],
		(f->n - (size_t)i - 1) * sizeof(f->e[0]));
	f->n--;
}

const char *bundlefix_get(const struct bundlefix *f, const char *name,
			  size_t *len)
{
	int i = find(f, name);

	if (i < 0)
		return NULL;
	if (len)
		*len = f->e[i].len;
	return (const char *)f->e[i].data;
}

void bundlefix_ledger_edit(struct bundlefix *f, int64_t seq,
			   void (*fn)(struct ledger_row *r))
{
	size_t len = 0, cap, o = 0;
	const char *csv = bundlefix_get(f, BUNDLE_LEDGER, &len);
	char *copy, *line, *save = NULL, *out;
	int found = 0;

	assert_non_null(csv);
	cap = len + 4096;
	copy = strdup(csv);
	out = malloc(cap);
	assert_non_null(copy);
	assert_non_null(out);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct ledger_row r;
		size_t n = strlen(line);

		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (ledger_parse_export(line, &r) == 0 && r.seq == seq) {
			found = 1;
			if (!fn)
				continue;
			fn(&r);
			assert_true(bundle_ledger_line(&r, out + o, cap - o) >
				    0);
			o += strlen(out + o);
			continue;
		}
		o += (size_t)snprintf(out + o, cap - o, "%s\r\n", line);
	}
	assert_true(found);
	bundlefix_set(f, BUNDLE_LEDGER, out, o);
	free(out);
	free(copy);
}

static void entries_of(const struct bundlefix *f, struct bundle_entry *e,
		       size_t *n, int without_manifest)
{
	*n = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (without_manifest &&
		    (strcmp(f->e[i].name, BUNDLE_MANIFEST) == 0 ||
		     strcmp(f->e[i].name, BUNDLE_SIGNATURE) == 0))
			continue;
		e[*n].name = f->e[i].name;
		e[*n].data = f->e[i].data;
		e[*n].len = f->e[i].len;
		(*n)++;
	}
}

void bundlefix_zip(const struct bundlefix *f, uint8_t **zip, size_t *len)
{
	struct bundle_entry e[BUNDLE_ENTRIES_MAX];
	char why[BUNDLE_WHY_MAX];
	size_t n;

	entries_of(f, e, &n, 0);
	if (bundle_zip(e, n, 1, zip, len, why, sizeof(why)) != 0)
		fail_msg("bundlefix: %s", why);
}

void bundlefix_resign(const struct bundlefix *f,
		      const struct crypto_devkey *key,
		      void (*edit)(struct bundle_manifest *m), uint8_t **zip,
		      size_t *len)
{
	struct bundle_entry e[BUNDLE_ENTRIES_MAX];
	struct bundle_manifest *m = calloc(1, sizeof(*m));
	char why[BUNDLE_WHY_MAX];
	size_t mlen = 0, n;
	const char *json = bundlefix_get(f, BUNDLE_MANIFEST, &mlen);

	assert_non_null(m);
	assert_non_null(json);
	if (bundle_manifest_decode(json, mlen, m, why, sizeof(why)) != 0)
		fail_msg("bundlefix: %s", why);
	if (edit)
		edit(m);
	entries_of(f, e, &n, 1);
	if (bundle_write(m, e, n, key, zip, len, why, sizeof(why)) != 0)
		fail_msg("bundlefix: %s", why);
	free(m);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Calls fn on each local (name at 30, length at 26) and central (name at
 * 46, length at 28) header whose name is name. */
static int each_header(uint8_t *zip, size_t len, const char *name,
		       void (*fn)(uint8_t *hdr, uint8_t *nm, int central,
				  void *ud),
		       void *ud)
{
	size_t nl = strlen(name);
	int hits = 0;

	for (size_t i = 0; i + 46 + nl <= len; i++) {
		uint32_t sig = le32(zip + i);
		int central = sig == CDIR_SIG;
		size_t at = central ? 46 : 30;

		if (sig != LOCAL_SIG && !central)
			continue;
		if (le16(zip + i + (central ? 28 : 26)) == nl &&
		    memcmp(zip + i + at, name, nl) == 0) {
			fn(zip + i, zip + i + at, central, ud);
			hits++;
		}
	}
	return hits;
}

struct rename {
	const char *to;
	size_t len;
};

static void do_rename(uint8_t *hdr, uint8_t *nm, int central, void *ud)
{
	const struct rename *r = ud;

	(void)hdr, (void)central;
	memcpy(nm, r->to, r->len);
}

void bundlefix_patch_name(uint8_t *zip, size_t len, const char *from,
			  const char *to, size_t to_len)
{
	struct rename r = {to, to_len};

	assert_int_equal(strlen(from), to_len);
	assert_int_equal(each_header(zip, len, from, do_rename, &r), 2);
}

static void do_size(uint8_t *hdr, uint8_t *nm, int central, void *ud)
{
	(void)nm;
	put32(hdr + (central ? 24 : 22), *(const uint32_t *)ud);
}

void bundlefix_patch_size(uint8_t *zip, size_t len, const char *name,
			  uint32_t size)
{
	assert_int_equal(each_header(zip, len, name, do_size, &size), 2);
}

void bundlefix_write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}
