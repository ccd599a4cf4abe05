/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the control socket line codec (control.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control.h"

static void test_control_roundtrip_special_chars_survive(void **state)
{
	static const char *const vals[] = {"plain",
					   "tab\there",
					   "line\nbreak",
					   "back\\slash",
					   "cr\rx",
					   "",
					   "Sekretaris Desa \xc3\xa9"};
	char line[1024];
	struct control_buf b;
	struct control_msg m;

	(void)state;
	control_buf_init(&b, line, sizeof(line));
	control_buf_add(&b, "cmd");
	for (size_t i = 0; i < 7; i++)
		control_buf_addkv(&b, "k", vals[i]);
	assert_true(control_buf_end(&b) > 0);
	/* exactly one newline, at the end */
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
	assert_int_equal(control_parse(line, &m), 0);
	assert_int_equal(m.nfields, 8);
	assert_string_equal(m.field[0], "cmd");
	for (size_t i = 0; i < 7; i++) {
		assert_memory_equal(m.field[i + 1], "k=", 2);
		assert_string_equal(m.field[i + 1] + 2, vals[i]);
	}
}

static void test_control_get_finds_key_not_prefix(void **state)
{
	char line[] = "person-add\tidx=1\tid=42\tname=Budi";
	struct control_msg m;

	(void)state;
	assert_int_equal(control_parse(line, &m), 0);
	assert_string_equal(control_get(&m, "id"), "42");
	assert_string_equal(control_get(&m, "idx"), "1");
	assert_null(control_get(&m, "jabatan"));
	/* the command itself is never a key */
	assert_null(control_get(&m, "person-add"));
}

static void test_control_parse_bad_escape_is_einval(void **state)
{
	char line[] = "cmd\tk=\\x";
	struct control_msg m;

	(void)state;
	assert_int_equal(control_parse(line, &m), -EINVAL);
}

static void test_control_parse_too_many_fields_is_e2big(void **state)
{
	char line[CONTROL_FIELDS_MAX * 3 + 8];
	struct control_msg m;
	size_t o = 0;

	(void)state;
	for (int i = 0; i <= CONTROL_FIELDS_MAX; i++)
		o += (size_t)sprintf(line + o, "%sx", i ? "\t" : "");
	assert_int_equal(control_parse(line, &m), -E2BIG);
}

static void test_control_buf_overflow_is_reported(void **state)
{
	char line[16];
	struct control_buf b;

	(void)state;
	control_buf_init(&b, line, sizeof(line));
	control_buf_add(&b, "0123456789");
	control_buf_add(&b, "0123456789");
	assert_int_equal(control_buf_end(&b), -ENAMETOOLONG);
}

static void test_control_read_line_splits_and_detects_eof(void **state)
{
	struct control_reader rb;
	char buf[64];
	int sv[2];

	(void)state;
	memset(&rb, 0, sizeof(rb));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(control_write_all(sv[0], "a\tb\nok\npartial", 14), 0);
	close(sv[0]);
	assert_int_equal(control_read_line(sv[1], &rb, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "a\tb");
	assert_int_equal(control_read_line(sv[1], &rb, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "ok");
	assert_int_equal(control_read_line(sv[1], &rb, buf, sizeof(buf)),
			 -EPIPE);
	close(sv[1]);
}

static void test_control_errname_roundtrip(void **state)
{
	(void)state;
	assert_string_equal(control_errname(-EEXIST), "EEXIST");
	assert_int_equal(control_errno("ETIMEDOUT"), ETIMEDOUT);
	assert_int_equal(control_errno("nonsense"), EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_roundtrip_special_chars_survive),
		cmocka_unit_test(test_control_get_finds_key_not_prefix),
		cmocka_unit_test(test_control_parse_bad_escape_is_einval),
		cmocka_unit_test(test_control_parse_too_many_fields_is_e2big),
		cmocka_unit_test(test_control_buf_overflow_is_reported),
		cmocka_unit_test(test_control_read_line_splits_and_detects_eof),
		cmocka_unit_test(test_control_errname_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
