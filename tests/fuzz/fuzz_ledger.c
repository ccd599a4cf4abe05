/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_ledger: libFuzzer harness for the ledger's readers.  Each input is
 * an export line for ledger_parse_export(): a row it accepts must
 * re-serialise (ledger_line + ",prev_hash,hash") to a line that parses to
 * the same row, and to the very bytes read (one canonical form, so a
 * SHA-256 of the file checks what ledger_check() checks), within the
 * writer's line limit; hashing it must give a row that checks.  The same
 * bytes are also a row's data for ledger_data_format() and
 * ledger_data_get(), and a value for a ledger_data_add()/get round trip.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "fuzz.h"
#include "ledger.h"

#define REWRITE_BYTES (4 * LEDGER_DATA_MAX + 256) /* any parsed row fits */
#define SMALL_CAP     8 /* a tight output buffer for ledger_data_get */

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (crypto_init() != 0)
		abort();
	return 0;
}

static int hash_hex_ok(const char *h)
{
	return strlen(h) == 64 && strspn(h, "0123456789abcdef") == 64;
}

static void check_same_row(const struct ledger_row *a,
			   const struct ledger_row *b)
{
	FUZZ_CHECK(a->seq == b->seq);
	FUZZ_CHECK(strcmp(a->kind, b->kind) == 0);
	FUZZ_CHECK(a->recorded_utc == b->recorded_utc);
	FUZZ_CHECK(strcmp(a->person, b->person) == 0);
	FUZZ_CHECK(a->at_utc == b->at_utc);
	FUZZ_CHECK(strcmp(a->data, b->data) == 0);
	FUZZ_CHECK(strcmp(a->prev_hash, b->prev_hash) == 0);
	FUZZ_CHECK(strcmp(a->hash, b->hash) == 0);
}

/* crlf: end the re-written line with CRLF (else with nothing) */
static void check_export_line(const char *line, int crlf)
{
	static struct ledger_row r, again, hashed;
	static char buf[REWRITE_BYTES];
	int rc, n;

	rc = ledger_parse_export(line, &r);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc != 0)
		return;
	FUZZ_CHECK(r.seq >= 0);
	FUZZ_CHECK(r.kind[0] && fuzz_terminated(r.kind, sizeof(r.kind)));
	FUZZ_CHECK(fuzz_terminated(r.person, sizeof(r.person)));
	FUZZ_CHECK(fuzz_terminated(r.data, sizeof(r.data)));
	FUZZ_CHECK(hash_hex_ok(r.prev_hash) && hash_hex_ok(r.hash));

	/* the row written again parses to the same row */
	n = ledger_line(&r, buf, sizeof(buf));
	FUZZ_CHECK(n > 0 && (size_t)n == strlen(buf));
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, ",%s,%s", r.prev_hash,
		      r.hash);
	FUZZ_CHECK((size_t)n + 2 < sizeof(buf));
	/* and it is the very line read: the bytes a SHA-256 of the file
	 * covers are the bytes ledger_check() hashes (docs/ledger.md) */
	FUZZ_CHECK(strncmp(line, buf, (size_t)n) == 0 &&
		   (strcmp(line + n, "") == 0 || strcmp(line + n, "\n") == 0 ||
		    strcmp(line + n, "\r\n") == 0));
	if (crlf)
		strcat(buf, "\r\n");
	FUZZ_CHECK(ledger_parse_export(buf, &again) == 0);
	check_same_row(&r, &again);

	/* a row read fits what a writer can write; hashed, it checks */
	FUZZ_CHECK(ledger_line(&r, buf, LEDGER_LINE_MAX) > 0);
	rc = ledger_check(&r);
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG);
	hashed = r;
	FUZZ_CHECK(ledger_hash(&hashed) == 0 && hash_hex_ok(hashed.hash));
	FUZZ_CHECK(ledger_check(&hashed) == 0);
}

static void check_data(const char *data, size_t len)
{
	static const char *const keys[] = {
		"v",	  "day",  "sec",   "flags",  "source", "reader",
		"clock",  "boot", "mono",  "reason", "by",     "uid",
		"action", "name", "since", "until",  "",       "x=y",
	};
	static char big[LEDGER_DATA_MAX + 8];
	char small[SMALL_CAP], key[64];
	const char *eq = memchr(data, '=', len);
	int fmt = -1, rc, rs;

	rc = ledger_data_format(data, &fmt);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOTSUP);
	if (rc == 0) {
		FUZZ_CHECK(fmt >= LEDGER_FORMAT_1 && fmt <= LEDGER_FORMAT);
		/* format 1 has no "v" key; every later row begins "v=N" */
		FUZZ_CHECK((fmt == LEDGER_FORMAT_1) ==
			   (strncmp(data, "v=", 2) != 0));
	}
	/* the table's keys, and the input's own first key */
	snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - data) : 0, data);
	for (size_t i = 0; i <= sizeof(keys) / sizeof(keys[0]); i++) {
		const char *k =
			i < sizeof(keys) / sizeof(keys[0]) ? keys[i] : key;

		rc = ledger_data_get(data, k, big, sizeof(big));
		FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -ENAMETOOLONG ||
			   rc == -EINVAL);
		rs = ledger_data_get(data, k, small, sizeof(small));
		if (rc == 0) {
			FUZZ_CHECK(strlen(big) < sizeof(big));
			/* the same answer whatever the buffer, or too long */
			FUZZ_CHECK(strlen(big) < sizeof(small)
					   ? rs == 0 && strcmp(small, big) == 0
					   : rs == -ENAMETOOLONG);
		} else if (rc != -ENAMETOOLONG) {
			FUZZ_CHECK(rs == rc);
		}
	}
}

static void check_add_get(const char *value)
{
	static char data[LEDGER_DATA_MAX], out[LEDGER_DATA_MAX];
	int fmt = 0, rc;

	strcpy(data, "v=2");
	rc = ledger_data_add(data, sizeof(data), "reason", value);
	FUZZ_CHECK(rc == 0 || rc == -ENAMETOOLONG);
	if (rc != 0) {
		FUZZ_CHECK(strcmp(data, "v=2") == 0); /* left as it was */
		return;
	}
	FUZZ_CHECK(ledger_data_format(data, &fmt) == 0 && fmt == 2);
	FUZZ_CHECK(ledger_data_get(data, "reason", out, sizeof(out)) == 0);
	FUZZ_CHECK(strcmp(out, value) == 0);
	FUZZ_CHECK(ledger_data_get(data, "v", out, sizeof(out)) == 0);
	FUZZ_CHECK(strcmp(out, "2") == 0);
	/* nothing a value holds can start a key of its own */
	FUZZ_CHECK(strchr(data + 4, ';') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	if (!s)
		return 0;
	check_export_line(s, size && data[0] & 1);
	check_data(s, strlen(s));
	check_add_get(s);
	free(s);
	return 0;
}
