/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of rekapdiff.c: the same rekap in other column orders and
 * quoting is the same; a changed figure, a row only one side has, and a
 * CSV without an id column are reported.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rekapdiff.h"

static int cmp(const char *a, const char *b, struct rekapdiff *d)
{
	return rekapdiff_compare(a, strlen(a), b, strlen(b), d);
}

static const char ours[] = "periode,desa,id,nama,tl1,tk,kalender_versi\r\n"
			   "2026-11,3524012001,101,\"Budi, S.Pd\",2,0,aaa\r\n"
			   "2026-11,3524012001,102,Sri,0,1,aaa\r\n"
			   "2026-11,3524012001,TOTAL,Total desa,2,1,aaa\r\n";

static void test_rekapdiff_same_in_another_order_and_quoting(void **s)
{
	struct rekapdiff d;
	/* columns moved, a field quoted that need not be, LF line ends, a
	 * column only the desa has, other calendar versions */
	const char desa[] = "id,periode,desa,tk,tl1,nama,kalender_versi,baru\n"
			    "101,2026-11,3524012001,0,2,\"Budi, S.Pd\",bbb,x\n"
			    "\"102\",2026-11,3524012001,1,0,Sri,bbb,x\n"
			    "TOTAL,2026-11,3524012001,1,2,Total desa,bbb,x\n";

	(void)s;
	assert_int_equal(cmp(desa, ours, &d), 0);
	assert_int_equal(d.cells, 0);
	assert_int_equal(d.only_desa + d.only_ours, 0);
}

static void test_rekapdiff_names_the_first_changed_figure(void **s)
{
	struct rekapdiff d;
	const char desa[] = "periode,desa,id,nama,tl1,tk,kalender_versi\r\n"
			    "2026-11,3524012001,101,\"Budi, S.Pd\",1,0,aaa\r\n"
			    "2026-11,3524012001,102,Sri,0,1,aaa\r\n"
			    "2026-11,3524012001,TOTAL,Total desa,1,1,aaa\r\n";

	(void)s;
	assert_int_equal(cmp(desa, ours, &d), 0);
	assert_int_equal(d.cells, 2);
	assert_string_equal(d.first, "101 tl1: desa 1, kecamatan 2");
}

static void test_rekapdiff_rows_only_one_side_has(void **s)
{
	struct rekapdiff d;
	const char desa[] = "periode,desa,id,nama,tl1,tk,kalender_versi\r\n"
			    "2026-11,3524012001,101,\"Budi, S.Pd\",2,0,aaa\r\n"
			    "2026-11,3524012001,103,Dewi,0,0,aaa\r\n"
			    "2026-11,3524012001,TOTAL,Total desa,2,1,aaa\r\n";

	(void)s;
	assert_int_equal(cmp(desa, ours, &d), 0);
	assert_int_equal(d.only_desa, 1);
	assert_int_equal(d.only_ours, 1);
	assert_string_equal(d.first, "103 only in the desa's rekap");
}

static void test_rekapdiff_refuses_what_is_not_a_rekap(void **s)
{
	struct rekapdiff d;

	(void)s;
	assert_int_equal(cmp("a,b\r\n1,2\r\n", ours, &d), -EINVAL);
	assert_non_null(strstr(d.first, "id"));
	assert_int_equal(cmp("id,\"a\r\n", ours, &d), -EINVAL);
	assert_int_equal(cmp("", ours, &d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_rekapdiff_same_in_another_order_and_quoting),
		cmocka_unit_test(test_rekapdiff_names_the_first_changed_figure),
		cmocka_unit_test(test_rekapdiff_rows_only_one_side_has),
		cmocka_unit_test(test_rekapdiff_refuses_what_is_not_a_rekap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
