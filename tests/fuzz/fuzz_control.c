/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_control: libFuzzer harness for the control-socket codec.  Each input
 * is used twice.  As one request line it goes through control_parse() and
 * control_check(), and whatever the table accepts must be within its
 * declared types and bounds.  Split on its first byte (the separator) into
 * fields, it is built into a line with control_buf_add / _addkv / _addkvf
 * and parsed back: the fields must come back byte for byte.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "control.h"
#include "fuzz.h"

#define WHY_BYTES	 128  /* small: long reasons must truncate safely */
#define ADDKVF_VALUE_MAX 1000 /* addkvf formats into a 1024-byte buffer */
#define ROUND_FIELDS_MAX 48   /* a few over CONTROL_FIELDS_MAX */

/* The accepted value v of arg a, checked again from the header's words. */
static void check_arg_value(const struct control_arg *a, const char *v)
{
	size_t n = strlen(v);
	pd_day_t day;
	int64_t t;
	char *end;

	switch (a->type) {
	case CONTROL_ARG_TEXT:
		FUZZ_CHECK(n <= a->max);
		for (const char *p = v; *p; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
		break;
	case CONTROL_ARG_FILE:
		FUZZ_CHECK(n <= a->max);
		break;
	case CONTROL_ARG_ID:
		FUZZ_CHECK(n >= 1 && n < PD_ID_MAX);
		break;
	case CONTROL_ARG_DATE:
		FUZZ_CHECK(n == 0 || civil_date_parse(v, &day) == 0);
		break;
	case CONTROL_ARG_LOCAL:
		FUZZ_CHECK(n == 0 || civil_local_parse(v, 0, &t) == 0);
		break;
	case CONTROL_ARG_UINT:
		FUZZ_CHECK(n >= 1 && strspn(v, "0123456789") == n);
		FUZZ_CHECK(strtoull(v, &end, 10) <= a->max && *end == '\0');
		break;
	case CONTROL_ARG_FLAG:
		FUZZ_CHECK(n == 0 || strcmp(v, "1") == 0);
		break;
	}
}

static void check_request(char *line)
{
	const struct control_cmd *cmd = NULL;
	struct control_msg m;
	char why[WHY_BYTES];
	int rc;

	rc = control_parse(line, &m);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG);
	if (rc != 0)
		return;
	FUZZ_CHECK(m.nfields >= 1 && m.nfields <= CONTROL_FIELDS_MAX);
	memset(why, 0x5a, sizeof(why));
	rc = control_check(&m, &cmd, why, sizeof(why));
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOENT);
	if (rc != 0) {
		FUZZ_CHECK(fuzz_terminated(why, sizeof(why)) && why[0]);
		return;
	}
	FUZZ_CHECK(cmd && strcmp(cmd->name, m.field[0]) == 0);
	FUZZ_CHECK(control_cmd_find(m.field[0]) == cmd);
	for (const struct control_arg *a = cmd->args; a->key; a++) {
		const char *v = control_get(&m, a->key);

		if (v)
			check_arg_value(a, v);
		if (v && a->type == CONTROL_ARG_UINT)
			FUZZ_CHECK(control_get_uint(&m, a->key, 0) <= a->max);
	}
	/* every field is key=value with a key of the table, once */
	for (int i = 1; i < m.nfields; i++) {
		const char *eq = strchr(m.field[i], '=');

		FUZZ_CHECK(eq && eq != m.field[i]);
	}
}

/* Fields of s split on sep; returns how many (at most max). */
static int split(char *s, size_t len, char sep, char **f, int max)
{
	int n = 0;
	char *p = s;

	f[n++] = p;
	for (size_t i = 0; i < len && n < max; i++)
		if (s[i] == sep) {
			s[i] = '\0';
			f[n++] = s + i + 1;
		}
	return n;
}

static void check_round_trip(const uint8_t *data, size_t size)
{
	char *fields[ROUND_FIELDS_MAX], *copy, *line;
	struct control_buf b;
	struct control_msg m;
	size_t cap;
	int n, len, rc, longest = 0;

	if (size < 2)
		return;
	copy = fuzz_cstr(data + 2, size - 2);
	/* usually room for everything (escaping at most doubles a byte);
	 * sometimes a tight buffer, to exercise the overflow paths */
	cap = data[1] % 4 == 0 ? (size_t)data[1] + 1 : 3 * size + 16;
	line = malloc(cap);
	if (!copy || !line)
		goto out;
	/* an embedded NUL ends the text: split only what strlen sees */
	n = split(copy, strlen(copy), (char)data[0], fields, ROUND_FIELDS_MAX);
	control_buf_init(&b, line, cap);
	for (int i = 0; i < n; i++) {
		char *eq = i ? strchr(fields[i], '=') : NULL;
		int l = (int)strlen(fields[i]);

		longest = l > longest ? l : longest;
		if (!eq) {
			control_buf_add(&b, fields[i]);
			continue;
		}
		*eq = '\0';
		if (i % 2)
			control_buf_addkv(&b, fields[i], eq + 1);
		else
			control_buf_addkvf(&b, fields[i], "%s", eq + 1);
		*eq = '=';
	}
	/* nfields stops counting once something did not fit */
	FUZZ_CHECK(b.overflow || b.nfields == n);
	len = control_buf_end(&b);
	if (cap > 3 * size && longest < ADDKVF_VALUE_MAX)
		FUZZ_CHECK(len > 0); /* it had room: nothing may overflow */
	if (len < 0)
		goto out;
	FUZZ_CHECK((size_t)len == strlen(line) && line[len - 1] == '\n');
	/* one line: only the final LF, every TAB a separator */
	FUZZ_CHECK(strchr(line, '\n') == line + len - 1);
	rc = control_parse(line, &m);
	if (n > CONTROL_FIELDS_MAX) {
		FUZZ_CHECK(rc == -E2BIG);
		goto out;
	}
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(m.nfields == n);
	for (int i = 0; i < n; i++)
		FUZZ_CHECK(strcmp(m.field[i], fields[i]) == 0);
out:
	free(line);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstr(data, size);

	if (!line)
		return 0;
	check_request(line);
	free(line);
	check_round_trip(data, size);
	return 0;
}
