/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * backupfile.c: the box's backup file (its format is in backupfile.h).
 * Lays it out in one buffer, header then the plain text where it will be
 * sealed, so that sealing and opening happen in place: a database of tens
 * of MiB is held once, not three times, next to Argon2id's memory on a
 * Raspberry Pi.  It sits beside the store because it carries the device
 * store; only the box's programs link it.
 */
#include "backupfile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC_LEN    8
#define HASH_LEN     CRYPTO_SHA256_BYTES
#define SECTION_HEAD 12	  /* tag (4) and length (8) */
#define SECTIONS     4	  /* META, CONF, KEY, DBSQ */
#define META_MAX     1024 /* the META text, bytes */
/* where the plain text starts: the header, then nonce and tag */
#define PLAIN_OFF (BACKUPFILE_HEADER_LEN + CRYPTO_SEAL_OVERHEAD)

static const char *const tags[SECTIONS] = {"META", "CONF", "KEY ", "DBSQ"};

struct backupfile {
	uint8_t *buf;
	size_t len;
	bool sealed;
};

/* ---- big-endian integers ---- */

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* ---- META: key=value lines ---- */

static int meta_text(const struct backupfile_meta *m, char *out, size_t cap)
{
	int n = snprintf(
		out, cap,
		"format=%d\ndesa_id=%s\ndesa_name=%s\nmade_utc=%" PRId64
		"\nsoftware=%s\nschema=%d\nledger_rows=%" PRId64
		"\nledger_head=%s\nprints_dropped=%" PRId64 "\n",
		BACKUPFILE_VERSION, m->desa_id, m->desa_name, m->made_utc,
		m->software, m->schema, m->ledger_rows, m->ledger_head,
		m->prints_dropped);

	if (n < 0 || (size_t)n >= cap)
		return -EINVAL;
	return n;
}

/* A value without a line break, which a META line could not carry. */
static bool one_line(const char *s)
{
	return !strchr(s, '\n') && !strchr(s, '\r');
}

static int parse_int(const char *v, int64_t *out)
{
	char *end;
	long long x;

	if (!*v || (*v != '-' && (*v < '0' || *v > '9')))
		return -EINVAL;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = x;
	return 0;
}

static int copy_value(char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap)
		return -EINVAL;
	strcpy(dst, v);
	return 0;
}

/* One "key=value" line into m; a key this program does not know is
 * skipped.  *seen gets a bit per required key. */
static int meta_line(char *line, struct backupfile_meta *m, unsigned int *seen)
{
	char *eq = strchr(line, '=');
	const char *k, *v;
	int64_t x = 0;
	int rc = 0;

	if (!eq)
		return -EINVAL;
	*eq = '\0';
	k = line;
	v = eq + 1;
	if (strcmp(k, "format") == 0) {
		rc = parse_int(v, &x);
		if (rc == 0 && x != BACKUPFILE_VERSION)
			rc = -EINVAL;
		*seen |= 1u << 0;
	} else if (strcmp(k, "desa_id") == 0) {
		rc = copy_value(m->desa_id, sizeof(m->desa_id), v);
		*seen |= 1u << 1;
	} else if (strcmp(k, "desa_name") == 0) {
		rc = copy_value(m->desa_name, sizeof(m->desa_name), v);
	} else if (strcmp(k, "made_utc") == 0) {
		rc = parse_int(v, &m->made_utc);
		*seen |= 1u << 2;
	} else if (strcmp(k, "software") == 0) {
		rc = copy_value(m->software, sizeof(m->software), v);
	} else if (strcmp(k, "schema") == 0) {
		rc = parse_int(v, &x);
		if (rc == 0 && (x < 1 || x > 1000000))
			rc = -EINVAL;
		m->schema = (int)x;
		*seen |= 1u << 3;
	} else if (strcmp(k, "ledger_rows") == 0) {
		rc = parse_int(v, &m->ledger_rows);
		*seen |= 1u << 4;
	} else if (strcmp(k, "ledger_head") == 0) {
		rc = strlen(v) == PD_HASH_HEX - 1
			     ? copy_value(m->ledger_head,
					  sizeof(m->ledger_head), v)
			     : -EINVAL;
		*seen |= 1u << 5;
	} else if (strcmp(k, "prints_dropped") == 0) {
		rc = parse_int(v, &m->prints_dropped);
	}
	return rc;
}

#define META_REQUIRED 0x3fu /* format .. ledger_head */

static int meta_parse(const uint8_t *p, size_t n, struct backupfile_meta *m)
{
	char text[META_MAX + 1], *line, *save = NULL;
	unsigned int seen = 0;
	int rc = 0;

	if (n > META_MAX || memchr(p, '\0', n))
		return -EINVAL;
	memcpy(text, p, n);
	text[n] = '\0';
	memset(m, 0, sizeof(*m));
	for (line = strtok_r(text, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save))
		rc = meta_line(line, m, &seen);
	if (rc == 0 && (seen & META_REQUIRED) != META_REQUIRED)
		rc = -EINVAL;
	return rc;
}

/* ---- building and sealing ---- */

/* Appends a section at *off. */
static void put_section(uint8_t *buf, size_t *off, int i, const void *data,
			size_t n)
{
	memcpy(buf + *off, tags[i], 4);
	put_be(buf + *off + 4, n, 8);
	*off += SECTION_HEAD;
	if (n)
		memcpy(buf + *off, data, n);
	*off += n;
}

int backupfile_build(const struct backupfile_parts *p,
		     const struct crypto_pw_cost *c, struct backupfile **out)
{
	const struct backupfile_meta *m = &p->meta;
	char meta[META_MAX];
	struct backupfile *b;
	size_t plain, off;
	int meta_len;

	if (!p->conf || !p->key || !p->db ||
	    p->conf_len > BACKUPFILE_CONF_MAX || p->db_len == 0 ||
	    crypto_pw_cost_check(c) != 0 || c->mem_bytes % 1024 != 0 ||
	    !one_line(m->desa_id) || !one_line(m->desa_name) ||
	    !one_line(m->software) || !one_line(m->ledger_head))
		return -EINVAL;
	meta_len = meta_text(m, meta, sizeof(meta));
	if (meta_len < 0)
		return -EINVAL;
	plain = HASH_LEN + SECTIONS * SECTION_HEAD + (size_t)meta_len +
		p->conf_len + CRYPTO_KEY_BYTES;
	if (p->db_len > SIZE_MAX - PLAIN_OFF - plain)
		return -EINVAL;
	plain += p->db_len;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->len = PLAIN_OFF + plain;
	b->buf = malloc(b->len);
	if (!b->buf) {
		free(b);
		return -ENOMEM;
	}
	memcpy(b->buf, BACKUPFILE_MAGIC, MAGIC_LEN);
	put_be(b->buf + 8, BACKUPFILE_VERSION, 2);
	put_be(b->buf + 10, BACKUPFILE_KDF_ARGON2, 2);
	put_be(b->buf + 12, c->ops, 4);
	put_be(b->buf + 16, c->mem_bytes / 1024, 4);
	crypto_random(b->buf + 20, CRYPTO_PW_SALT_BYTES);
	put_be(b->buf + 36, CRYPTO_SEAL_OVERHEAD + plain, 8);
	memset(b->buf + BACKUPFILE_HEADER_LEN, 0, CRYPTO_SEAL_OVERHEAD);
	off = PLAIN_OFF;
	crypto_sha256(b->buf, BACKUPFILE_HEADER_LEN, b->buf + off);
	off += HASH_LEN;
	put_section(b->buf, &off, 0, meta, (size_t)meta_len);
	put_section(b->buf, &off, 1, p->conf, p->conf_len);
	put_section(b->buf, &off, 2, p->key, CRYPTO_KEY_BYTES);
	put_section(b->buf, &off, 3, p->db, p->db_len);
	*out = b;
	return 0;
}

/* The cost the header names. */
static void header_cost(const uint8_t *buf, struct crypto_pw_cost *c)
{
	c->ops = get_be(buf + 12, 4);
	c->mem_bytes = get_be(buf + 16, 4) * 1024;
}

int backupfile_seal(struct backupfile *b, const void *pass, size_t len)
{
	uint8_t key[CRYPTO_KEY_BYTES];
	struct crypto_pw_cost c;
	int rc;

	if (b->sealed || len < BACKUPFILE_PASS_MIN || len > BACKUPFILE_PASS_MAX)
		return -EINVAL;
	header_cost(b->buf, &c);
	rc = crypto_pw_key(pass, len, b->buf + 20, &c, key);
	if (rc == 0)
		rc = crypto_seal(key, b->buf + PLAIN_OFF, b->len - PLAIN_OFF,
				 b->buf + BACKUPFILE_HEADER_LEN,
				 b->len - BACKUPFILE_HEADER_LEN);
	explicit_bzero(key, sizeof(key));
	if (rc == 0)
		b->sealed = true;
	return rc;
}

const uint8_t *backupfile_bytes(const struct backupfile *b, size_t *len)
{
	*len = b->len;
	return b->buf;
}

void backupfile_free(struct backupfile *b)
{
	if (!b)
		return;
	if (b->buf) {
		explicit_bzero(b->buf, b->len);
		free(b->buf);
	}
	free(b);
}

/* ---- checking and opening ---- */

int backupfile_check(const uint8_t *buf, size_t len,
		     struct backupfile_info *info, char *why, size_t cap)
{
	memset(info, 0, sizeof(*info));
	if (len < MAGIC_LEN || memcmp(buf, BACKUPFILE_MAGIC, MAGIC_LEN) != 0) {
		snprintf(why, cap, "not a presensi backup file");
		return -EINVAL;
	}
	if (len < BACKUPFILE_HEADER_LEN) {
		snprintf(why, cap,
			 "truncated: %zu bytes, shorter than the "
			 "header",
			 len);
		return -EBADMSG;
	}
	info->version = (int)get_be(buf + 8, 2);
	if (info->version != BACKUPFILE_VERSION) {
		snprintf(why, cap,
			 "format version %d: made by a newer program (this "
			 "one reads version %d)",
			 info->version, BACKUPFILE_VERSION);
		return -ENOTSUP;
	}
	if (get_be(buf + 10, 2) != BACKUPFILE_KDF_ARGON2) {
		snprintf(why, cap, "unknown key derivation %u",
			 (unsigned int)get_be(buf + 10, 2));
		return -ENOTSUP;
	}
	header_cost(buf, &info->cost);
	info->sealed_len = get_be(buf + 36, 8);
	if (info->sealed_len != len - BACKUPFILE_HEADER_LEN ||
	    info->sealed_len < CRYPTO_SEAL_OVERHEAD + HASH_LEN) {
		snprintf(why, cap,
			 "truncated or altered: %zu bytes, the header says "
			 "%" PRIu64,
			 len,
			 (uint64_t)BACKUPFILE_HEADER_LEN + info->sealed_len);
		return -EBADMSG;
	}
	if (crypto_pw_cost_check(&info->cost) != 0) {
		snprintf(why, cap,
			 "altered: its key derivation cost (%" PRIu64
			 " passes, %" PRIu64 " KiB) is out of bounds",
			 info->cost.ops, info->cost.mem_bytes / 1024);
		return -EBADMSG;
	}
	return 0;
}

/* Reads section i at *off of the plain text [.., end). */
static int get_section(const uint8_t *buf, size_t *off, size_t end, int i,
		       const uint8_t **data, size_t *n)
{
	uint64_t len;

	if (end - *off < SECTION_HEAD || memcmp(buf + *off, tags[i], 4) != 0)
		return -EBADMSG;
	len = get_be(buf + *off + 4, 8);
	*off += SECTION_HEAD;
	if (len > end - *off)
		return -EBADMSG;
	*data = buf + *off;
	*n = (size_t)len;
	*off += (size_t)len;
	return 0;
}

static int read_contents(const uint8_t *buf, size_t len,
			 struct backupfile_parts *out, char *why, size_t cap)
{
	uint8_t h[HASH_LEN];
	const uint8_t *meta, *key;
	size_t off = PLAIN_OFF + HASH_LEN, meta_len, key_len;

	crypto_sha256(buf, BACKUPFILE_HEADER_LEN, h);
	if (memcmp(h, buf + PLAIN_OFF, HASH_LEN) != 0) {
		snprintf(why, cap,
			 "altered: the header is not the one the "
			 "contents were sealed with");
		return -EBADMSG;
	}
	memset(out, 0, sizeof(*out));
	if (get_section(buf, &off, len, 0, &meta, &meta_len) ||
	    get_section(buf, &off, len, 1, &out->conf, &out->conf_len) ||
	    get_section(buf, &off, len, 2, &key, &key_len) ||
	    get_section(buf, &off, len, 3, &out->db, &out->db_len) ||
	    off != len || key_len != CRYPTO_KEY_BYTES || out->db_len == 0 ||
	    out->conf_len > BACKUPFILE_CONF_MAX) {
		snprintf(why, cap, "malformed contents (sections)");
		return -EBADMSG;
	}
	out->key = key;
	if (meta_parse(meta, meta_len, &out->meta) != 0) {
		snprintf(why, cap, "malformed contents (META)");
		return -EBADMSG;
	}
	return 0;
}

int backupfile_open(uint8_t *buf, size_t len, const void *pass, size_t pass_len,
		    struct backupfile_parts *out, char *why, size_t cap)
{
	struct backupfile_info info;
	uint8_t key[CRYPTO_KEY_BYTES];
	size_t plain = 0;
	int rc;

	rc = backupfile_check(buf, len, &info, why, cap);
	if (rc != 0)
		return rc;
	if (pass_len == 0 || pass_len > BACKUPFILE_PASS_MAX) {
		snprintf(why, cap, "wrong passphrase, or the file was altered");
		return -EBADMSG;
	}
	rc = crypto_pw_key(pass, pass_len, buf + 20, &info.cost, key);
	if (rc == -ENOMEM) {
		snprintf(why, cap,
			 "not enough memory for the key derivation (%" PRIu64
			 " MiB)",
			 info.cost.mem_bytes >> 20);
		return rc;
	}
	if (rc == 0)
		rc = crypto_unseal(key, buf + BACKUPFILE_HEADER_LEN,
				   len - BACKUPFILE_HEADER_LEN, buf + PLAIN_OFF,
				   len - PLAIN_OFF, &plain);
	explicit_bzero(key, sizeof(key));
	if (rc != 0) {
		snprintf(why, cap, "wrong passphrase, or the file was altered");
		return -EBADMSG;
	}
	return read_contents(buf, len, out, why, cap);
}
