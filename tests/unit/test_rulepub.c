/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of rulepub.c: the statement a published rule file is signed
 * by (docs/push.md, "Rules down the same channel"), byte for byte, and
 * what it refuses to state.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "civil.h"
#include "rulepub.h"

#define V64 "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

static void sample(struct rulepub *p)
{
	memset(p, 0, sizeof(*p));
	p->id = 7;
	p->kind = RULEPUB_PROFILE;
	p->kabupaten = true;
	snprintf(p->area, sizeof(p->area), "Lamongan");
	snprintf(p->name, sizeof(p->name), "PPU 24/2018 5 hari");
	snprintf(p->version, sizeof(p->version), "%s", V64);
	p->from_day = civil_from_ymd(2026, 12, 1);
	p->published_utc = 1795000000; /* 2026-11-18T11:06:40Z */
}

static void test_rulepub_statement_is_the_documented_text(void **state)
{
	char out[RULEPUB_STMT_MAX];
	const char *want = "presensi-rules 1\nid 7\nkind profile\n"
			   "scope kabupaten Lamongan\n"
			   "name PPU 24/2018 5 hari\nversion " V64 "\n"
			   "from 2026-12-01\npublished 2026-11-18T11:06:40Z\n";
	struct rulepub p;

	(void)state;
	sample(&p);
	assert_int_equal(rulepub_statement(&p, out), (int)strlen(want));
	assert_string_equal(out, want);
	p.kind = RULEPUB_CALENDAR;
	p.kabupaten = false;
	snprintf(p.area, sizeof(p.area), "Pucuk");
	assert_true(rulepub_statement(&p, out) > 0);
	assert_non_null(
		strstr(out, "\nkind calendar\nscope kecamatan Pucuk\n"));
}

static void test_rulepub_refuses_what_it_cannot_state(void **state)
{
	char out[RULEPUB_STMT_MAX];
	struct rulepub p;

	(void)state;
	sample(&p);
	p.id = 0;
	assert_int_equal(rulepub_statement(&p, out), -EINVAL);
	sample(&p);
	snprintf(p.name, sizeof(p.name), "two\nlines");
	assert_int_equal(rulepub_statement(&p, out), -EINVAL);
	sample(&p);
	p.area[0] = '\0';
	assert_int_equal(rulepub_statement(&p, out), -EINVAL);
	sample(&p);
	p.version[10] = 'F'; /* upper case is not the version's spelling */
	assert_int_equal(rulepub_statement(&p, out), -EINVAL);
	sample(&p);
	p.version[63] = '\0';
	assert_int_equal(rulepub_statement(&p, out), -EINVAL);
	sample(&p);
	p.kind = (enum rulepub_kind)5;
	assert_int_equal(rulepub_statement(&p, out), -EINVAL);
}

static void test_rulepub_kind_names_round_trip(void **state)
{
	enum rulepub_kind k;

	(void)state;
	assert_int_equal(rulepub_kind_parse("profile", &k), 0);
	assert_int_equal(k, RULEPUB_PROFILE);
	assert_string_equal(rulepub_kind_name(k), "profile");
	assert_int_equal(rulepub_kind_parse("calendar", &k), 0);
	assert_string_equal(rulepub_kind_name(k), "calendar");
	assert_int_equal(rulepub_kind_parse("Profile", &k), -EINVAL);
	assert_int_equal(rulepub_kind_parse("", &k), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rulepub_statement_is_the_documented_text),
		cmocka_unit_test(test_rulepub_refuses_what_it_cannot_state),
		cmocka_unit_test(test_rulepub_kind_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
