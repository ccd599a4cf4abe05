/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the [push] section of presensi.conf (conf.c): the live
 * push's server, its pinned certificate, state file, timer, the group
 * presensid gives the push's requests, and the publishers' keys that
 * presensid checks published rules against (docs/push.md).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "crypto.h"
#include "log.h"

#define FNAME "/etc/presensi/presensi.conf"
#define KEY_A "0f1e2d3c4b5a697887960a5b4c3d2e1f00112233445566778899aabbccddeeff"
#define KEY_B "ffeeddccbbaa99887766554433221100f0e1d2c3b4a5968778695a4b3c2d1e0f"
#define PIN   "5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const char minimal[] = "[desa]\n"
			      "id = 3517012001\n"
			      "name = Sumberejo\n"
			      "timezone = Asia/Jakarta\n"
			      "[store]\n"
			      "path = /var/lib/presensi/presensi.db\n"
			      "[control]\n"
			      "socket = /run/presensi/control.sock\n";

static struct conf conf_buf;
static char errbuf[4096];

static int parse_push(const char *push_section)
{
	static char text[4096];
	FILE *fp;
	int rc;

	snprintf(text, sizeof(text), "%s[push]\n%s", minimal, push_section);
	fp = fmemopen(text, strlen(text), "r");
	assert_non_null(fp);
	errbuf[0] = '\0';
	rc = conf_parse(fp, FNAME, &conf_buf, errbuf, sizeof(errbuf));
	fclose(fp);
	return rc;
}

static void test_push_conf_absent_means_no_push_and_defaults(void **state)
{
	struct conf c;
	FILE *fp = fmemopen((void *)(uintptr_t)minimal, strlen(minimal), "r");

	(void)state;
	assert_non_null(fp);
	assert_int_equal(conf_parse(fp, FNAME, &c, errbuf, sizeof(errbuf)), 0);
	fclose(fp);
	assert_string_equal(c.push.server, "");
	assert_string_equal(c.push.pin_sha256, "");
	assert_string_equal(c.push.state_path, CONF_PUSH_STATE_DEFAULT);
	assert_string_equal(c.push.group, CONF_PUSH_GROUP_DEFAULT);
	assert_int_equal(c.push.batch_timer_s, CONF_PUSH_TIMER_DEFAULT_S);
	assert_int_equal(c.push.npublishers, 0);
}

static void test_push_conf_every_key(void **state)
{
	uint8_t a[CRYPTO_PK_BYTES], b[CRYPTO_PK_BYTES];

	(void)state;
	assert_int_equal(parse_push("server = https://kec.example.go.id/\n"
				    "pin_sha256 = " PIN "\n"
				    "state = state/push.state\n"
				    "batch_timer_s = 30\n"
				    "group = push-box\n"
				    "publisher_key = " KEY_A ", " KEY_B "\n"),
			 0);
	/* a trailing slash goes: paths are appended to the base */
	assert_string_equal(conf_buf.push.server, "https://kec.example.go.id");
	assert_string_equal(conf_buf.push.pin_sha256, PIN);
	assert_string_equal(conf_buf.push.state_path,
			    "/etc/presensi/state/push.state");
	assert_int_equal(conf_buf.push.batch_timer_s, 30);
	assert_string_equal(conf_buf.push.group, "push-box");
	assert_int_equal(conf_buf.push.npublishers, 2);
	assert_int_equal(crypto_hex_decode(KEY_A, a, sizeof(a)), 0);
	assert_int_equal(crypto_hex_decode(KEY_B, b, sizeof(b)), 0);
	assert_memory_equal(conf_buf.push.publisher[0], a, sizeof(a));
	assert_memory_equal(conf_buf.push.publisher[1], b, sizeof(b));
}

/* openssl x509 -fingerprint -sha256 prints "AB:CD:...": taken as is. */
static void test_push_conf_pin_as_openssl_prints_it(void **state)
{
	char pin[200] = "pin_sha256 = ";

	(void)state;
	for (size_t i = 0; i < 64; i += 2) {
		char two[4] = {(char)(PIN[i] >= 'a' ? PIN[i] - 32 : PIN[i]),
			       (char)(PIN[i + 1] >= 'a' ? PIN[i + 1] - 32
							: PIN[i + 1]),
			       i + 2 < 64 ? ':' : '\n', 0};

		strcat(pin, two);
	}
	strcat(pin, "server = https://kec.example.go.id\n");
	assert_int_equal(parse_push(pin), 0);
	assert_string_equal(conf_buf.push.pin_sha256, PIN);
}

/* Plain HTTP is for loopback only; HTTPS needs its pin. */
static void test_push_conf_http_only_to_loopback(void **state)
{
	static const char *const ok[] = {
		"server = http://127.0.0.1:8080\n",
		"server = http://localhost:8080/\n",
		"server = http://[::1]:8080\n",
		"server = https://kec.example.go.id\npin_sha256 = " PIN "\n",
	};
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"server = http://kec.example.go.id\n",
		 FNAME ":10: [push] server: plain http only to loopback "
		       "(127.0.0.1, [::1], localhost); use https with "
		       "pin_sha256\n"},
		{"server = http://127.0.0.1.evil.example\n",
		 FNAME ":10: [push] server: plain http only to loopback "
		       "(127.0.0.1, [::1], localhost); use https with "
		       "pin_sha256\n"},
		{"server = ftp://kec\n",
		 FNAME ":10: [push] server: \"ftp://kec\" is not an http:// "
		       "or https:// URL\n"},
		{"server = https://\npin_sha256 = " PIN "\n",
		 FNAME ":10: [push] server: \"https://\" names no host\n"},
		{"server = https://kec.example.go.id/a b\npin_sha256 = " PIN
		 "\n",
		 FNAME ":10: [push] server: \"https://kec.example.go.id/a b\" "
		       "has spaces or control characters\n"},
		{"server = https://kec.example.go.id\n",
		 FNAME ":10: [push] server: https needs pin_sha256 (the "
		       "SHA-256 of the server's certificate)\n"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (parse_push(ok[i]) != 0)
			fail_msg("\"%s\": %s", ok[i], errbuf);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_push(bad[i].text), -EINVAL);
		assert_string_equal(errbuf, bad[i].want);
	}
}

static void test_push_conf_bad_values_report_their_line(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"pin_sha256 = 12ab\n",
		 FNAME ":10: [push] pin_sha256: \"12ab\" is not 64 hex digits "
		       "(colons allowed)\n"},
		{"publisher_key = " KEY_A " 12\n",
		 FNAME ":10: [push] publisher_key: \"12\" is not a public key "
		       "(64 hex digits)\n"},
		{"publisher_key = " KEY_A " " KEY_B " " KEY_A " " KEY_B
		 " " KEY_A "\n",
		 FNAME ":10: [push] publisher_key: more than 4 keys\n"},
		{"publisher_key = ,\n",
		 FNAME ":10: [push] publisher_key: no key\n"},
		{"batch_timer_s = 1\n",
		 FNAME ":10: [push] batch_timer_s: \"1\" is not a whole number "
		       "in 5..3600\n"},
		{"group = -x\n",
		 FNAME ":10: [push] group: \"-x\" is not a group name\n"},
		{"speed = 3\n", FNAME ":10: unknown key \"speed\" in [push]\n"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_push(bad[i].text), -EINVAL);
		assert_string_equal(errbuf, bad[i].want);
	}
}

/* The push group must differ from the admin group: a member of it is
 * never an admin (docs/push.md, "Who may ask"). */
static void test_push_conf_group_is_not_the_admin_group(void **state)
{
	static char text[1024];
	FILE *fp;

	(void)state;
	snprintf(text, sizeof(text),
		 "%s"
		 "group = presensi-admin\n[push]\ngroup = presensi-admin\n",
		 minimal);
	fp = fmemopen(text, strlen(text), "r");
	assert_non_null(fp);
	assert_int_equal(
		conf_parse(fp, FNAME, &conf_buf, errbuf, sizeof(errbuf)),
		-EINVAL);
	fclose(fp);
	assert_string_equal(errbuf,
			    FNAME ":11: [push] group: the same as [control] "
				  "group; the push's group must be its own\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_push_conf_absent_means_no_push_and_defaults),
		cmocka_unit_test(test_push_conf_every_key),
		cmocka_unit_test(test_push_conf_pin_as_openssl_prints_it),
		cmocka_unit_test(test_push_conf_http_only_to_loopback),
		cmocka_unit_test(test_push_conf_bad_values_report_their_line),
		cmocka_unit_test(test_push_conf_group_is_not_the_admin_group),
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
