/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What kecamatand reads before anything else: its configuration (every
 * error as file:line, plain HTTP only on loopback), and what browsers
 * send (query strings and forms, cookies, multipart uploads), decoded
 * strictly into bounded buffers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kecd_conf.h"
#include "kecd_form.h"

static int parse(const char *text, struct kecd_conf *c, char *err, size_t cap)
{
	FILE *fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	int rc;

	assert_non_null(fp);
	rc = kecd_conf_parse(fp, "/etc/pk/kecamatand.conf", c, err, cap);
	fclose(fp);
	return rc;
}

static void test_kecd_conf_defaults_and_paths(void **state)
{
	char err[KECD_ERRORS_MAX] = "";
	struct kecd_conf c;

	(void)state;
	assert_int_equal(parse("[server]\nport = 0\n[store]\ndb = "
			       "postgresql://kab@/presensi\n[publisher]\n"
			       "key = pub.key\n[web]\nsession_idle_min = 5\n",
			       &c, err, sizeof(err)),
			 0);
	assert_string_equal(c.listen, "127.0.0.1");
	assert_int_equal(c.port, 0);
	assert_true(c.loopback);
	assert_false(c.tls);
	assert_string_equal(c.db, "postgresql://kab@/presensi");
	assert_string_equal(c.publisher_key, "/etc/pk/pub.key");
	assert_int_equal(c.session_idle_min, 5);
	assert_int_equal(c.session_max_h, 12);
	assert_int_equal(c.push_max_kb, 1024);
	assert_false(c.clock_simulated);
}

static void test_kecd_conf_every_error_with_its_line(void **state)
{
	char err[KECD_ERRORS_MAX] = "";
	struct kecd_conf c;

	(void)state;
	assert_int_equal(parse("[server]\nlisten = 0.0.0.0\nport = 70000\n"
			       "colour = blue\nport = 1\n[sever]\nx = 1\n"
			       "[clock]\nsource = simulated\n",
			       &c, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "kecamatand.conf:3: port: a whole"));
	assert_non_null(strstr(err, "kecamatand.conf:4: unknown key colour"));
	assert_non_null(strstr(err, "kecamatand.conf:5: port given twice"));
	assert_non_null(strstr(err, "kecamatand.conf:6: unknown section"));
	assert_null(strstr(err, ":7:")); /* said once, at the header */
	assert_non_null(strstr(err, "kecamatand.conf:2: listen = 0.0.0.0 is "
				    "not loopback: plain HTTP"));
	assert_non_null(strstr(err, ":9: source = simulated needs"));
}

static void test_kecd_conf_tls_off_loopback(void **state)
{
	char err[KECD_ERRORS_MAX] = "";
	struct kecd_conf c;

	(void)state;
	assert_int_equal(parse("[server]\nlisten = ::\ncertificate = "
			       "/etc/ssl/k.pem\nkey = /etc/ssl/k.key\n",
			       &c, err, sizeof(err)),
			 0);
	assert_true(c.tls);
	assert_false(c.loopback);
	assert_int_equal(parse("[server]\nlisten = 10.0.0.1\ncertificate = "
			       "k.pem\n",
			       &c, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, ":3: certificate and key go together"));
	assert_int_equal(
		parse("[server]\nlisten = localhost\n", &c, err, sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, "an IP address"));
	assert_true(kecd_conf_is_loopback("127.0.0.1"));
	assert_true(kecd_conf_is_loopback("127.8.9.10"));
	assert_true(kecd_conf_is_loopback("::1"));
	assert_false(kecd_conf_is_loopback("::"));
	assert_false(kecd_conf_is_loopback("128.0.0.1"));
	assert_false(kecd_conf_is_loopback("::ffff:127.0.0.1"));
}

static void test_kecd_form_values_decoded_strictly(void **state)
{
	const char *q = "periode=2026-11&desa=3524%2F01&nama=Siti+Nur&kosong"
			"&x=%C3%A9";
	char v[16];

	(void)state;
	assert_int_equal(kecd_form_get(q, strlen(q), "periode", v, sizeof(v)),
			 0);
	assert_string_equal(v, "2026-11");
	assert_int_equal(kecd_form_get(q, strlen(q), "desa", v, sizeof(v)), 0);
	assert_string_equal(v, "3524/01");
	assert_int_equal(kecd_form_get(q, strlen(q), "nama", v, sizeof(v)), 0);
	assert_string_equal(v, "Siti Nur");
	assert_int_equal(kecd_form_get(q, strlen(q), "kosong", v, sizeof(v)),
			 0);
	assert_string_equal(v, "");
	assert_int_equal(kecd_form_get(q, strlen(q), "x", v, sizeof(v)), 0);
	assert_string_equal(v, "\xc3\xa9");
	assert_int_equal(kecd_form_get(q, strlen(q), "per", v, sizeof(v)),
			 -ENOENT);
	/* only len bytes count: the key past them is not there */
	assert_int_equal(kecd_form_get(q, 10, "desa", v, sizeof(v)), -ENOENT);
	assert_int_equal(kecd_form_get("a=%zz", 5, "a", v, sizeof(v)), -EINVAL);
	assert_int_equal(kecd_form_get("a=%4", 4, "a", v, sizeof(v)), -EINVAL);
	assert_int_equal(kecd_form_get("a=%00", 5, "a", v, sizeof(v)), -EINVAL);
	assert_int_equal(kecd_form_get("a=%C3", 5, "a", v, sizeof(v)), -EINVAL);
	assert_int_equal(kecd_form_get("a=1&a=2", 7, "a", v, sizeof(v)),
			 -EINVAL);
	assert_int_equal(
		kecd_form_get("a=0123456789abcdef", 18, "a", v, sizeof(v)),
		-EINVAL);
}

static void test_kecd_cookie_by_name(void **state)
{
	char v[70];

	(void)state;
	assert_int_equal(kecd_cookie_get("a=1; kd_sesi=abc; b=2", "kd_sesi", v,
					 sizeof(v)),
			 0);
	assert_string_equal(v, "abc");
	assert_int_equal(kecd_cookie_get("xkd_sesi=1", "kd_sesi", v, sizeof(v)),
			 -ENOENT);
	assert_int_equal(kecd_cookie_get("", "kd_sesi", v, sizeof(v)), -ENOENT);
	assert_int_equal(
		kecd_cookie_get("kd_sesi=a\x01", "kd_sesi", v, sizeof(v)),
		-EINVAL);
}

static void test_kecd_multipart_parts_by_name(void **state)
{
	static const char ct[] = "multipart/form-data; boundary=----XyZ";
	static const char body[] =
		"------XyZ\r\n"
		"Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
		"abc123\r\n"
		"------XyZ\r\n"
		"Content-Disposition: form-data; name=\"berkas\"; "
		"filename=\"presensi-1-2026-11.zip\"\r\n"
		"Content-Type: application/zip\r\n\r\n"
		"PK\x03\x04\r\n--not-the-boundary\r\n"
		"------XyZ--\r\n";
	struct kecd_mpart p;

	(void)state;
	assert_int_equal(kecd_multipart_get(ct, (const uint8_t *)body,
					    sizeof(body) - 1, "csrf", &p),
			 0);
	assert_int_equal(p.len, 6);
	assert_memory_equal(p.data, "abc123", 6);
	assert_string_equal(p.filename, "");
	assert_int_equal(kecd_multipart_get(ct, (const uint8_t *)body,
					    sizeof(body) - 1, "berkas", &p),
			 0);
	assert_string_equal(p.filename, "presensi-1-2026-11.zip");
	assert_int_equal(p.len, 4 + 2 + 18);
	assert_int_equal(kecd_multipart_get(ct, (const uint8_t *)body,
					    sizeof(body) - 1, "lain", &p),
			 -ENOENT);
	/* cut before its closing delimiter */
	assert_int_equal(kecd_multipart_get(ct, (const uint8_t *)body, 120,
					    "berkas", &p),
			 -EINVAL);
	assert_int_equal(kecd_multipart_get("multipart/form-data",
					    (const uint8_t *)body,
					    sizeof(body) - 1, "csrf", &p),
			 -EINVAL);
	assert_int_equal(kecd_multipart_get("text/plain; boundary=a",
					    (const uint8_t *)body,
					    sizeof(body) - 1, "csrf", &p),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kecd_conf_defaults_and_paths),
		cmocka_unit_test(test_kecd_conf_every_error_with_its_line),
		cmocka_unit_test(test_kecd_conf_tls_off_loopback),
		cmocka_unit_test(test_kecd_form_values_decoded_strictly),
		cmocka_unit_test(test_kecd_cookie_by_name),
		cmocka_unit_test(test_kecd_multipart_parts_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
