/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the control socket line codec (control.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control.h"
#include "control_client.h"

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

/* One request checked against the table: 0, or the errno and the reason. */
static int check(const char *req, char *why, size_t cap)
{
	static char line[CONTROL_LINE_MAX];
	const struct control_cmd *c = NULL;
	struct control_msg m;
	int rc;

	snprintf(line, sizeof(line), "%s", req);
	why[0] = '\0';
	if (control_parse(line, &m) < 0)
		return -EBADMSG;
	rc = control_check(&m, &c, why, cap);
	if (rc == 0)
		assert_non_null(c);
	return rc;
}

static void test_control_check_table_bounds_every_field(void **state)
{
	static const struct {
		const char *req;
		int rc;
		const char *why;
	} rows[] = {
		{"ping", 0, ""},
		{"enroll\tid=101\tfinger=right-index\treader=0", 0, ""},
		/* consent is a field of its own (DOMAIN §6.5): its word and
		 * the version of the text shown */
		{"enroll\tid=101\tfinger=right-index\tconsent=yes"
		 "\tconsent_version=2026.2",
		 0, ""},
		{"backup\tpassphrase=kata sandi yang panjang", 0, ""},
		{"backup\tpassphrase=a\\nb", -EINVAL,
		 "passphrase: control characters are not allowed"},
		{"person-forget-prints\tid=103\treason=permintaan sendiri", 0,
		 ""},
		{"person-forget-prints\tid=103\treason=a\\tb", -EINVAL,
		 "reason: control characters are not allowed"},
		{"enroll\tid=101\tconsent=perhaps", -EINVAL,
		 "consent: longer than 3 bytes"},
		{"enroll\tid=101\tconsent_version=a\\nb", -EINVAL,
		 "consent_version: control characters are not allowed"},
		/* the crash: a reader index past any array, refused here */
		{"enroll\tid=101\tfinger=right-index\treader=4294967296",
		 -EINVAL,
		 "reader: \"4294967296\" is not a whole number in "
		 "0..2147483647"},
		{"enroll\treader=-1", -EINVAL,
		 "reader: \"-1\" is not a whole number in 0..2147483647"},
		{"enroll\treader= 1", -EINVAL,
		 "reader: \" 1\" is not a whole number in 0..2147483647"},
		{"enroll\treader=99999999999999999999999", -EINVAL,
		 "reader: \"99999999999999999999999\" is not a whole number "
		 "in 0..2147483647"},
		{"wait-armed\ttimeout_ms=600001", -EINVAL,
		 "timeout_ms: \"600001\" is not a whole number in 0..600000"},
		{"wait-armed\tenrolment=1\ttimeout_ms=5", 0, ""},
		{"wait-armed\tenrolment=yes", -EINVAL,
		 "enrolment: takes no value but 1"},
		{"frobnicate", -ENOENT, "unknown command \"frobnicate\""},
		{"", -EINVAL, "malformed request"},
		{"person-add\tid=1\tcolour=blue", -EINVAL,
		 "person-add: unknown field \"colour\""},
		{"person-add\tid=1\tid=2", -EINVAL, "id: given twice"},
		{"person-add\tnoequals", -EINVAL, "field 1: not key=value"},
		{"person-add\tid=", -EINVAL,
		 "id: must be 1 to 31 printable characters"},
		{"person-add\tid=0123456789012345678901234567890123", -EINVAL,
		 "id: must be 1 to 31 printable characters"},
		{"person-add\tid=1\tsince=2026-02-30", -EINVAL,
		 "since: \"2026-02-30\" is not a date YYYY-MM-DD"},
		{"person-add\tid=1\tname=a\\nb", -EINVAL,
		 "name: control characters are not allowed"},
		{"punch-manual\tid=1\tat=2026-11-23 7:30", -EINVAL,
		 "at: \"2026-11-23 7:30\" is not a local time \"YYYY-MM-DD "
		 "HH:MM[:SS]\""},
		{"punch-manual\tid=1\tat=2026-11-23 07:30", 0, ""},
		{"excuse-revoke\texcuse=9223372036854775808", -EINVAL,
		 "excuse: \"9223372036854775808\" is not a whole number in "
		 "0..9223372036854775807"},
		/* every text is UTF-8: the bytes that broke CSV, HTML, XLSX */
		{"person-add\tid=1\tname=Bud\xff\xfei", -EINVAL,
		 "name: not valid UTF-8 (byte 4)"},
		{"person-add\tid=1\tname=Jose\xcc\x81", 0, ""},
		{"excuse-add\treason=\xed\xa0\x80", -EINVAL,
		 "reason: not valid UTF-8 (byte 1)"},
		{"person-add\tid=a\xc0\xaf", -EINVAL,
		 "id: not valid UTF-8 (byte 2)"},
		{"calendar-import\ttext=[calendar]\\nname = \xf4\x90\x80\x80",
		 -EINVAL, "text: not valid UTF-8 (byte 19)"},
		/* file text may hold newlines and tabs */
		{"calendar-import\ttext=[libur]\\n2026-01-01 = x\\t", 0, ""},
	};
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = check(rows[i].req, why, sizeof(why));

		if (rc != rows[i].rc || strcmp(why, rows[i].why) != 0)
			fail_msg("%zu \"%s\": got %d \"%s\", want %d \"%s\"", i,
				 rows[i].req, rc, why, rows[i].rc, rows[i].why);
	}
}

static void test_control_check_text_length_bounds(void **state)
{
	char req[1024], why[256];

	(void)state;
	/* name: PD_NAME_MAX - 1 = 95 bytes fit, 96 do not */
	snprintf(req, sizeof(req), "person-add\tid=1\tname=%095d", 0);
	assert_int_equal(check(req, why, sizeof(why)), 0);
	snprintf(req, sizeof(req), "person-add\tid=1\tname=%096d", 0);
	assert_int_equal(check(req, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "name: longer than 95 bytes");
}

static void test_control_get_uint_reads_checked_values(void **state)
{
	char line[] = "wait-armed\treader=7\tafter=18446744073709551615";
	struct control_msg m;

	(void)state;
	assert_int_equal(control_parse(line, &m), 0);
	assert_int_equal(control_get_uint(&m, "reader", 0), 7);
	assert_true(control_get_uint(&m, "after", 0) == UINT64_MAX);
	assert_int_equal(control_get_uint(&m, "timeout_ms", 30000), 30000);
}

static void test_control_table_is_sorted_and_findable(void **state)
{
	static const char *const names[] = {
		"backup",
		"calendar-add",
		"calendar-import",
		"calendar-remove",
		"clock-set",
		"enroll",
		"excuse-add",
		"excuse-revoke",
		"person-add",
		"person-deactivate",
		"person-forget-prints",
		"person-reactivate",
		"ping",
		"profile-import",
		"punch-manual",
		"status",
		"wait-armed",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct control_cmd *c = control_cmd_find(names[i]);

		assert_non_null(c);
		assert_string_equal(c->name, names[i]);
	}
	assert_int_equal(control_cmd_find("status")->access,
			 CONTROL_ACCESS_READ);
	assert_int_equal(control_cmd_find("person-add")->access,
			 CONTROL_ACCESS_ADMIN);
}

/* ["", ""] must come back as two empty fields, not one. */
static void test_control_empty_first_field_keeps_its_tab(void **state)
{
	char line[64];
	struct control_buf b;
	struct control_msg m;

	(void)state;
	control_buf_init(&b, line, sizeof(line));
	control_buf_add(&b, "");
	control_buf_add(&b, "");
	assert_true(control_buf_end(&b) > 0);
	assert_string_equal(line, "\t\n");
	assert_int_equal(control_parse(line, &m), 0);
	assert_int_equal(m.nfields, 2);
	assert_string_equal(m.field[0], "");
	assert_string_equal(m.field[1], "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_check_table_bounds_every_field),
		cmocka_unit_test(test_control_check_text_length_bounds),
		cmocka_unit_test(test_control_get_uint_reads_checked_values),
		cmocka_unit_test(test_control_table_is_sorted_and_findable),
		cmocka_unit_test(test_control_empty_first_field_keeps_its_tab),
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
