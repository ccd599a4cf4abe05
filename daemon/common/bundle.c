/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bundle.c: the bundle's container, libzip's only includer.  Opens an
 * archive from memory with every limit of docs/bundle.md checked before
 * anything is decompressed (its central directory is also walked by hand,
 * to see the raw names libzip would cut at a NUL), reads entries with
 * their declared sizes enforced, and writes a ZIP in memory.
 */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "bundle_int.h"
#include "crypto.h"

/* ZIP structures this file walks (APPNOTE.TXT 4.3.12, 4.3.16). */
#define EOCD_SIG      0x06054b50u
#define EOCD_LEN      22
#define EOCD_SEARCH   (EOCD_LEN + 0xffff) /* the comment is at most 64 KiB */
#define CDIR_SIG      0x02014b50u
#define CDIR_LEN      46
#define ZIP64_MARK16  0xffffu
#define ZIP64_MARK32  0xffffffffu
#define DEFLATE_LEVEL 9
/* An archive holds its entries compressed: never more than the total. */
#define ARCHIVE_MAX_BYTES BUNDLE_TOTAL_MAX_BYTES

const char *const bundle_required[] = {
	BUNDLE_LEDGER,	   BUNDLE_REKAP_CSV, BUNDLE_REKAP_XLSX,
	BUNDLE_REKAP_HTML, BUNDLE_MANIFEST,  BUNDLE_SIGNATURE,
};
_Static_assert(sizeof(bundle_required) / sizeof(bundle_required[0]) ==
		       BUNDLE_REQUIRED,
	       "BUNDLE_REQUIRED counts bundle_required[]");

struct bundle_item {
	char name[BUNDLE_NAME_MAX];
	zip_uint64_t index; /* in the archive */
	zip_uint64_t size;  /* declared, uncompressed */
};

struct bundle {
	uint8_t *buf; /* the archive's bytes (owned) */
	size_t len;
	zip_t *za;
	size_t n;
	struct bundle_item item[BUNDLE_ENTRIES_MAX];
	struct bundle_manifest *m; /* parsed on first bundle_manifest_get */
};

#define WHY(...)                                                               \
	do {                                                                   \
		if (why && cap)                                                \
			snprintf(why, cap, __VA_ARGS__);                       \
	} while (0)

bool bundle_hex_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[n] == '\0';
}

static bool rules_name(const char *name, const char *prefix)
{
	size_t p = strlen(prefix);
	const char *h = name + p;

	if (strncmp(name, prefix, p) != 0 || strlen(h) != BUNDLE_VERSION16 + 4)
		return false;
	if (strcmp(h + BUNDLE_VERSION16, ".ini") != 0)
		return false;
	for (int i = 0; i < BUNDLE_VERSION16; i++)
		if (!((h[i] >= '0' && h[i] <= '9') ||
		      (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

bool bundle_name_allowed(const char *name)
{
	for (int i = 0; i < BUNDLE_REQUIRED; i++)
		if (strcmp(name, bundle_required[i]) == 0)
			return true;
	return rules_name(name, BUNDLE_PROFILE_ENTRY) ||
	       rules_name(name, BUNDLE_CALENDAR_ENTRY);
}

/* ---- the raw central directory ---- */

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* The form of one raw name (len bytes): not empty, not absolute, no "..",
 * backslash or NUL.  0, or -EBADMSG with why. */
static int raw_name_check(const uint8_t *name, size_t len, char *why,
			  size_t cap)
{
	char shown[BUNDLE_NAME_MAX];
	size_t k;

	/* for the message: printable bytes only, cut at the buffer */
	for (k = 0; k < len && k < sizeof(shown) - 1; k++)
		shown[k] =
			name[k] >= 0x20 && name[k] < 0x7f ? (char)name[k] : '?';
	shown[k] = '\0';
	if (len == 0) {
		WHY("an entry has an empty name");
		return -EBADMSG;
	}
	if (memchr(name, '\0', len)) {
		WHY("entry name \"%s\" holds a NUL byte", shown);
		return -EBADMSG;
	}
	if (name[0] == '/') {
		WHY("entry name \"%s\" is absolute", shown);
		return -EBADMSG;
	}
	if (memchr(name, '\\', len)) {
		WHY("entry name \"%s\" holds a backslash", shown);
		return -EBADMSG;
	}
	for (k = 0; k + 1 < len; k++)
		if (name[k] == '.' && name[k + 1] == '.') {
			WHY("entry name \"%s\" holds \"..\"", shown);
			return -EBADMSG;
		}
	return 0;
}

/*
 * Finds the end record and walks every central directory entry, checking
 * each raw name's form.  Sets *count.  -EBADMSG for an archive that is
 * damaged, ZIP64, spans disks or has too many entries.
 */
static int walk_cdir(const uint8_t *buf, size_t len, size_t *count, char *why,
		     size_t cap)
{
	size_t name_at[BUNDLE_ENTRIES_MAX], name_len[BUNDLE_ENTRIES_MAX];
	size_t eocd = 0, lo, off, end, total;
	bool found = false;
	int rc;

	if (len < EOCD_LEN) {
		WHY("damaged archive: too short to be a ZIP file");
		return -EBADMSG;
	}
	lo = len > EOCD_SEARCH ? len - EOCD_SEARCH : 0;
	for (size_t i = len - EOCD_LEN + 1; i-- > lo;)
		if (le32(buf + i) == EOCD_SIG &&
		    i + EOCD_LEN + le16(buf + i + 20) == len) {
			eocd = i;
			found = true;
			break;
		}
	if (!found) {
		WHY("damaged archive: no end of central directory "
		    "(truncated?)");
		return -EBADMSG;
	}
	total = le16(buf + eocd + 10);
	off = le32(buf + eocd + 16);
	if (total == ZIP64_MARK16 || off == ZIP64_MARK32 ||
	    le32(buf + eocd + 12) == ZIP64_MARK32) {
		WHY("ZIP64 archives are not bundles");
		return -EBADMSG;
	}
	if (le16(buf + eocd + 4) != 0 || le16(buf + eocd + 6) != 0 ||
	    le16(buf + eocd + 8) != total) {
		WHY("damaged archive: spans several disks");
		return -EBADMSG;
	}
	if (total > BUNDLE_ENTRIES_MAX) {
		WHY("%zu entries, more than %d", total, BUNDLE_ENTRIES_MAX);
		return -EBADMSG;
	}
	end = off + le32(buf + eocd + 12);
	if (off > eocd || end > eocd) {
		WHY("damaged archive: central directory out of bounds");
		return -EBADMSG;
	}
	for (size_t i = 0; i < total; i++) {
		size_t nlen, next;

		if (off + CDIR_LEN > end || le32(buf + off) != CDIR_SIG) {
			WHY("damaged archive: central directory entry %zu",
			    i + 1);
			return -EBADMSG;
		}
		nlen = le16(buf + off + 28);
		next = off + CDIR_LEN + nlen + le16(buf + off + 30) +
		       le16(buf + off + 32);
		if (next > end) {
			WHY("damaged archive: central directory entry %zu",
			    i + 1);
			return -EBADMSG;
		}
		if (nlen >= BUNDLE_NAME_MAX) {
			WHY("entry %zu: a name of %zu bytes is not part of a "
			    "bundle",
			    i + 1, nlen);
			return -EBADMSG;
		}
		rc = raw_name_check(buf + off + CDIR_LEN, nlen, why, cap);
		if (rc)
			return rc;
		name_at[i] = off + CDIR_LEN;
		name_len[i] = nlen;
		for (size_t k = 0; k < i; k++)
			if (name_len[k] == nlen &&
			    memcmp(buf + name_at[k], buf + off + CDIR_LEN,
				   nlen) == 0) {
				WHY("entry \"%.*s\" appears twice", (int)nlen,
				    (const char *)buf + off + CDIR_LEN);
				return -EBADMSG;
			}
		off = next;
	}
	*count = total;
	return 0;
}

/* ---- opening ---- */

static void zip_why(zip_error_t *e, char *why, size_t cap)
{
	WHY("damaged archive: %s", zip_error_strerror(e));
}

/* Checks one entry's stat against the limits and records it. */
static int add_item(struct bundle *b, zip_uint64_t i, zip_uint64_t *total,
		    char *why, size_t cap)
{
	struct bundle_item *it = &b->item[b->n];
	zip_stat_t st;

	zip_stat_init(&st);
	if (zip_stat_index(b->za, i, ZIP_FL_ENC_RAW, &st) < 0 ||
	    !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE) ||
	    !(st.valid & ZIP_STAT_COMP_SIZE)) {
		WHY("damaged archive: entry %llu", (unsigned long long)i + 1);
		return -EBADMSG;
	}
	if (strlen(st.name) >= sizeof(it->name) ||
	    !bundle_name_allowed(st.name)) {
		WHY("entry \"%.*s\" is not part of a bundle",
		    (int)(BUNDLE_NAME_MAX - 1), st.name);
		return -EBADMSG;
	}
	for (size_t k = 0; k < b->n; k++)
		if (strcmp(b->item[k].name, st.name) == 0) {
			WHY("entry \"%s\" appears twice", st.name);
			return -EBADMSG;
		}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st.encryption_method != ZIP_EM_NONE) {
		WHY("entry \"%s\" is encrypted", st.name);
		return -EBADMSG;
	}
	if ((st.valid & ZIP_STAT_COMP_METHOD) &&
	    st.comp_method != ZIP_CM_STORE &&
	    st.comp_method != ZIP_CM_DEFLATE) {
		WHY("entry \"%s\": compression method %d is neither stored "
		    "nor deflate",
		    st.name, (int)st.comp_method);
		return -EBADMSG;
	}
	if (st.size > BUNDLE_ENTRY_MAX_BYTES) {
		WHY("entry \"%s\" declares %llu bytes, more than %llu MiB "
		    "(zip bomb?)",
		    st.name, (unsigned long long)st.size,
		    BUNDLE_ENTRY_MAX_BYTES >> 20);
		return -EBADMSG;
	}
	/* comp_size is at most the archive's size: no overflow */
	if (st.size > (zip_uint64_t)BUNDLE_RATIO_MAX * st.comp_size) {
		WHY("entry \"%s\": compression ratio over %d (%llu bytes from "
		    "%llu; zip bomb?)",
		    st.name, BUNDLE_RATIO_MAX, (unsigned long long)st.size,
		    (unsigned long long)st.comp_size);
		return -EBADMSG;
	}
	*total += st.size;
	if (*total > BUNDLE_TOTAL_MAX_BYTES) {
		WHY("entries total more than %llu MiB uncompressed (zip bomb?)",
		    BUNDLE_TOTAL_MAX_BYTES >> 20);
		return -EBADMSG;
	}
	snprintf(it->name, sizeof(it->name), "%s", st.name);
	it->index = i;
	it->size = st.size;
	b->n++;
	return 0;
}

/* Opens b->buf with libzip and checks every entry. */
static int open_archive(struct bundle *b, char *why, size_t cap)
{
	zip_uint64_t total = 0;
	zip_error_t err;
	zip_source_t *src;
	size_t raw_n = 0;
	zip_int64_t n;
	int rc;

	rc = walk_cdir(b->buf, b->len, &raw_n, why, cap);
	if (rc)
		return rc;
	zip_error_init(&err);
	src = zip_source_buffer_create(b->buf, b->len, 0, &err);
	if (!src) {
		zip_error_fini(&err);
		return -ENOMEM;
	}
	b->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	if (!b->za) {
		zip_source_free(src);
		zip_why(&err, why, cap);
		zip_error_fini(&err);
		return -EBADMSG;
	}
	zip_error_fini(&err);
	n = zip_get_num_entries(b->za, 0);
	if (n < 0 || (size_t)n != raw_n) {
		WHY("damaged archive: %lld entries listed, %zu found",
		    (long long)n, raw_n);
		return -EBADMSG;
	}
	for (zip_int64_t i = 0; i < n; i++) {
		rc = add_item(b, (zip_uint64_t)i, &total, why, cap);
		if (rc)
			return rc;
	}
	for (int k = 0; k < BUNDLE_REQUIRED; k++) {
		size_t j;

		for (j = 0; j < b->n; j++)
			if (strcmp(b->item[j].name, bundle_required[k]) == 0)
				break;
		if (j == b->n) {
			WHY("entry \"%s\" is missing", bundle_required[k]);
			return -EBADMSG;
		}
	}
	return 0;
}

int bundle_open_mem(const void *buf, size_t len, struct bundle **out, char *why,
		    size_t cap)
{
	struct bundle *b;
	int rc;

	if (len > ARCHIVE_MAX_BYTES) {
		WHY("archive of %zu bytes, more than %llu MiB", len,
		    ARCHIVE_MAX_BYTES >> 20);
		return -EBADMSG;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->buf = malloc(len ? len : 1);
	if (!b->buf) {
		free(b);
		return -ENOMEM;
	}
	memcpy(b->buf, buf, len);
	b->len = len;
	rc = open_archive(b, why, cap);
	if (rc) {
		bundle_close(b);
		return rc;
	}
	*out = b;
	return 0;
}

int bundle_open(const char *path, struct bundle **out, char *why, size_t cap)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		WHY("%s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		WHY("%s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		WHY("%s: not a regular file", path);
		close(fd);
		return -EBADMSG;
	}
	if ((unsigned long long)st.st_size > ARCHIVE_MAX_BYTES) {
		WHY("archive of %lld bytes, more than %llu MiB",
		    (long long)st.st_size, ARCHIVE_MAX_BYTES >> 20);
		close(fd);
		return -EBADMSG;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -errno : -EIO;
			WHY("%s: read: %s", path, strerror(-rc));
			close(fd);
			free(buf);
			return rc;
		}
		got += (size_t)r;
	}
	close(fd);
	rc = bundle_open_mem(buf, got, out, why, cap);
	free(buf);
	return rc;
}

void bundle_close(struct bundle *b)
{
	if (!b)
		return;
	if (b->za)
		zip_discard(b->za);
	free(b->m);
	free(b->buf);
	free(b);
}

size_t bundle_entry_count(const struct bundle *b)
{
	return b->n;
}

const char *bundle_entry_name(const struct bundle *b, size_t i)
{
	return i < b->n ? b->item[i].name : NULL;
}

int bundle_entry_read(struct bundle *b, const char *name, uint8_t **data,
		      size_t *len, char *why, size_t cap)
{
	const struct bundle_item *it = NULL;
	zip_file_t *f;
	uint8_t *buf;
	zip_int64_t r;
	size_t got = 0;

	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->item[i].name, name) == 0)
			it = &b->item[i];
	if (!it) {
		WHY("no entry \"%s\"", name);
		return -ENOENT;
	}
	/* one byte more than declared, to see an entry that lies */
	buf = malloc((size_t)it->size + 2);
	if (!buf)
		return -ENOMEM;
	f = zip_fopen_index(b->za, it->index, 0);
	if (!f) {
		WHY("entry \"%s\": %s", name, zip_strerror(b->za));
		free(buf);
		return -EBADMSG;
	}
	for (;;) {
		r = zip_fread(f, buf + got, (zip_uint64_t)(it->size + 1 - got));
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got > it->size)
			break;
	}
	if (r < 0 || got != it->size) {
		if (r < 0)
			WHY("entry \"%s\" is damaged: %s", name,
			    zip_file_strerror(f));
		else
			WHY("entry \"%s\" is not the %llu bytes it declares",
			    name, (unsigned long long)it->size);
		zip_fclose(f);
		free(buf);
		return -EBADMSG;
	}
	if (zip_fclose(f) != 0) {
		WHY("entry \"%s\" is damaged (CRC)", name);
		free(buf);
		return -EBADMSG;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int bundle_manifest_get(struct bundle *b, const struct bundle_manifest **m,
			char *why, size_t cap)
{
	struct bundle_manifest *pm;
	uint8_t *json;
	size_t len;
	int rc;

	if (b->m) {
		*m = b->m;
		return 0;
	}
	rc = bundle_entry_read(b, BUNDLE_MANIFEST, &json, &len, why, cap);
	if (rc)
		return rc == -ENOENT ? -EBADMSG : rc;
	pm = calloc(1, sizeof(*pm));
	if (!pm) {
		free(json);
		return -ENOMEM;
	}
	rc = bundle_manifest_decode((const char *)json, len, pm, why, cap);
	free(json);
	if (rc) {
		free(pm);
		return rc;
	}
	b->m = pm;
	*m = pm;
	return 0;
}

/* ---- writing ---- */

int bundle_zip(const struct bundle_entry *entries, size_t n, int64_t mtime_utc,
	       uint8_t **zip, size_t *zip_len, char *why, size_t cap)
{
	zip_error_t err;
	zip_source_t *src;
	zip_stat_t st;
	zip_t *za;
	uint8_t *out = NULL;
	int rc = -EIO;

	zip_error_init(&err);
	src = zip_source_buffer_create(NULL, 0, 0, &err);
	if (!src) {
		zip_error_fini(&err);
		return -ENOMEM;
	}
	za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
	if (!za) {
		WHY("zip: %s", zip_error_strerror(&err));
		zip_error_fini(&err);
		zip_source_free(src);
		return -EIO;
	}
	zip_error_fini(&err);
	zip_source_keep(src); /* read back after zip_close */
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(za, entries[i].data,
						    entries[i].len, 0);
		zip_int64_t idx;

		if (!s) {
			WHY("zip: %s", zip_strerror(za));
			goto err_discard;
		}
		idx = zip_file_add(za, entries[i].name, s, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(s);
			WHY("zip: %s: %s", entries[i].name, zip_strerror(za));
			goto err_discard;
		}
		if (zip_set_file_compression(za, (zip_uint64_t)idx,
					     ZIP_CM_DEFLATE,
					     DEFLATE_LEVEL) < 0 ||
		    zip_file_set_mtime(za, (zip_uint64_t)idx, (time_t)mtime_utc,
				       0) < 0) {
			WHY("zip: %s: %s", entries[i].name, zip_strerror(za));
			goto err_discard;
		}
	}
	if (zip_close(za) < 0) {
		WHY("zip: %s", zip_strerror(za));
		goto err_discard;
	}
	zip_stat_init(&st);
	if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    zip_source_open(src) < 0) {
		WHY("zip: cannot read the archive back");
		goto err_free;
	}
	out = malloc(st.size ? (size_t)st.size : 1);
	if (!out) {
		rc = -ENOMEM;
	} else if (zip_source_read(src, out, st.size) != (zip_int64_t)st.size) {
		WHY("zip: cannot read the archive back");
		free(out);
		out = NULL;
	} else {
		rc = 0;
	}
	zip_source_close(src);
	zip_source_free(src);
	if (rc == 0) {
		*zip = out;
		*zip_len = (size_t)st.size;
	}
	return rc;

err_discard:
	zip_discard(za);
err_free:
	zip_source_free(src);
	return rc;
}

int bundle_write(struct bundle_manifest *m, const struct bundle_entry *entries,
		 size_t n, const struct crypto_devkey *key, uint8_t **zip,
		 size_t *zip_len, char *why, size_t cap)
{
	struct bundle_entry *all;
	uint8_t sig[CRYPTO_SIG_BYTES];
	char sighex[2 * CRYPTO_SIG_BYTES + 2];
	char *json = NULL;
	size_t len;
	int rc;

	if (n + 2 > BUNDLE_ENTRIES_MAX) {
		WHY("%zu entries, more than %d", n + 2, BUNDLE_ENTRIES_MAX);
		return -EINVAL;
	}
	crypto_pubkey_hex(key->pk, m->public_key);
	crypto_pubkey_fingerprint(key->pk, m->device_id);
	m->nfiles = 0;
	for (size_t i = 0; i < n; i++) {
		struct bundle_file_hash *f = &m->files[m->nfiles++];

		if (strlen(entries[i].name) >= sizeof(f->name) ||
		    !bundle_name_allowed(entries[i].name) ||
		    strcmp(entries[i].name, BUNDLE_MANIFEST) == 0 ||
		    strcmp(entries[i].name, BUNDLE_SIGNATURE) == 0) {
			WHY("entry \"%s\" is not part of a bundle",
			    entries[i].name);
			return -EINVAL;
		}
		snprintf(f->name, sizeof(f->name), "%s", entries[i].name);
		crypto_sha256_hex(entries[i].data, entries[i].len, f->sha256);
	}
	rc = bundle_manifest_encode(m, &json, &len);
	if (rc) {
		WHY("manifest: %s", strerror(-rc));
		return rc;
	}
	crypto_devkey_sign(key, json, len, sig);
	crypto_hex_encode(sig, sizeof(sig), sighex);
	strcat(sighex, "\n");
	all = calloc(n + 2, sizeof(*all));
	if (!all) {
		free(json);
		return -ENOMEM;
	}
	memcpy(all, entries, n * sizeof(*all));
	all[n] = (struct bundle_entry){BUNDLE_MANIFEST, json, len};
	all[n + 1] =
		(struct bundle_entry){BUNDLE_SIGNATURE, sighex, strlen(sighex)};
	rc = bundle_zip(all, n + 2, m->closed_utc, zip, zip_len, why, cap);
	free(all);
	free(json);
	return rc;
}
