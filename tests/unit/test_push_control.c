/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the live push's rows in the control request table
 * (control.c; docs/push.md, "Who may ask"): which requests the push may
 * send, which only admins, which anyone; and the fields of each, held
 * against their types and bounds before any handler runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "control.h"

#define SIG128                                                                 \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"     \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_push_control_requests_and_their_access(void **state)
{
	static const struct {
		const char *name;
		unsigned int access;
	} rows[] = {
		{"sign-batch", CONTROL_ACCESS_PUSH},
		{"rules-publish", CONTROL_ACCESS_PUSH},
		{"push-status", CONTROL_ACCESS_PUSH},
		/* the push exports closed months' bundles as the CLI does */
		{"export", CONTROL_ACCESS_PUSH},
		/* the ledger head is in status already */
		{"wait-ledger", CONTROL_ACCESS_READ},
		{"device-key", CONTROL_ACCESS_READ},
		/* everything that changes records stays the admins' */
		{"profile-import", CONTROL_ACCESS_ADMIN},
		{"calendar-import", CONTROL_ACCESS_ADMIN},
		{"close", CONTROL_ACCESS_ADMIN},
		{"person-add", CONTROL_ACCESS_ADMIN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct control_cmd *c = control_cmd_find(rows[i].name);

		assert_non_null(c);
		if (c->access != rows[i].access)
			fail_msg("%s: access %u, want %u", rows[i].name,
				 c->access, rows[i].access);
	}
}

/* Root and admins may send anything; the push group the push's requests
 * and the read ones; everyone else the read ones. */
static void test_push_control_access_matrix(void **state)
{
	static const struct {
		unsigned int access;
		bool admin, push, ok;
	} rows[] = {
		{CONTROL_ACCESS_READ, false, false, true},
		{CONTROL_ACCESS_READ, false, true, true},
		{CONTROL_ACCESS_READ, true, false, true},
		{CONTROL_ACCESS_PUSH, false, false, false},
		{CONTROL_ACCESS_PUSH, false, true, true},
		{CONTROL_ACCESS_PUSH, true, false, true},
		{CONTROL_ACCESS_ADMIN, false, false, false},
		{CONTROL_ACCESS_ADMIN, false, true, false},
		{CONTROL_ACCESS_ADMIN, true, false, true},
		{7, true, true, false}, /* no such level: nobody */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (control_access_ok(rows[i].access, rows[i].admin,
				      rows[i].push) != rows[i].ok)
			fail_msg("row %zu", i);
}

/* One request line through control_check: 0 or -EINVAL with why. */
static int check(const char *req, char *why, size_t cap)
{
	static char line[8192];
	const struct control_cmd *cmd;
	struct control_msg m;

	snprintf(line, sizeof(line), "%s", req);
	assert_int_equal(control_parse(line, &m), 0);
	why[0] = '\0';
	return control_check(&m, &cmd, why, cap);
}

static void test_push_control_fields_are_bounded(void **state)
{
	static const struct {
		const char *req;
		const char *needle; /* NULL: accepted */
	} rows[] = {
		{"sign-batch\tfirst=1\tlast=500", NULL},
		{"sign-batch\tfirst=-1\tlast=5",
		 "first: \"-1\" is not a whole"},
		{"sign-batch\tfirst=1\tlast=x", "last: \"x\" is not a whole"},
		{"sign-batch\tfirst=1\tlast=2\tkey=3", "unknown field \"key\""},
		{"wait-ledger\tafter=0\ttimeout_ms=600000", NULL},
		{"wait-ledger\tafter=0\ttimeout_ms=600001",
		 "timeout_ms: \"600001\" is not a whole number in 0..600000"},
		{"rules-publish\tid=3\tkind=profile\tscope=kabupaten\t"
		 "area=Lamongan\tname=PPU 24/2018\tfrom=2026-12-01\t"
		 "published=2026-11-18T11:06:40Z\ttext=[profile]\n\t"
		 "signature=" SIG128,
		 NULL},
		{"rules-publish\tscope=kabupaten2",
		 "scope: longer than 9 bytes"},
		{"rules-publish\tkind=profile\tfrom=2026-02-30",
		 "from: \"2026-02-30\" is not a date"},
		{"rules-publish\tsignature=" SIG128 "0",
		 "signature: longer than 128 bytes"},
		{"rules-publish\tkind=timetable", "kind: longer than 8 bytes"},
		{"push-status\tstate=sending\tacked=12\tacked_head=" SIG128,
		 "acked_head: longer than 64 bytes"},
		{"push-status\tstate=retrying\tacked=12\tok_at=1764000000\t"
		 "retry_s=5\trefused=HTTP 403: key not trusted\t"
		 "refused_at=1764000001\trefused_rows=13..20\terror=\t"
		 "bundle=2026-10\trules=1 imported",
		 NULL},
		{"push-status\trefused=a\nb",
		 "refused: control characters are not allowed"},
	};
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = check(rows[i].req, why, sizeof(why));

		if (!rows[i].needle && rc != 0)
			fail_msg("row %zu refused: %s", i, why);
		if (rows[i].needle &&
		    (rc != -EINVAL || !strstr(why, rows[i].needle)))
			fail_msg("row %zu: rc %d, \"%s\", want \"%s\"", i, rc,
				 why, rows[i].needle);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_control_requests_and_their_access),
		cmocka_unit_test(test_push_control_access_matrix),
		cmocka_unit_test(test_push_control_fields_are_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
