/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ini.c: tokeniser for the INI syntax of presensi.conf, rule profiles and
 * calendars.  Callers own the meaning of keys; this file owns the syntax
 * and the "file:line: message" error format.
 */
#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void ini_errors_init(struct ini_errors *e, const char *file, char *buf,
		     size_t cap)
{
	memset(e, 0, sizeof(*e));
	e->file = file ? file : "-";
	e->buf = buf;
	e->cap = buf ? cap : 0;
	if (buf && cap)
		buf[0] = '\0';
}

void ini_error(struct ini_errors *e, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	e->count++;
	if (!e->buf || e->len + 1 >= e->cap)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		n = snprintf(e->buf + e->len, e->cap - e->len, "%s:%d: %s\n",
			     e->file, line, msg);
	else
		n = snprintf(e->buf + e->len, e->cap - e->len, "%s: %s\n",
			     e->file, msg);
	if (n < 0)
		return;
	if ((size_t)n >= e->cap - e->len)
		e->len = e->cap - 1; /* truncated: keep what fits */
	else
		e->len += (size_t)n;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

static bool section_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) ||
		      isdigit((unsigned char)*s) || *s == '_' || *s == '-' ||
		      *s == '.'))
			return false;
	return true;
}

/*
 * fgets, but returning the bytes read, so that a NUL byte inside the line
 * (which would end it early for strlen) is seen: *nul is then set.  0 at
 * the end of the file.
 */
static size_t read_line(FILE *fp, char *line, size_t cap, bool *nul)
{
	size_t n = 0;
	int c;

	*nul = false;
	while (n + 1 < cap && (c = getc_unlocked(fp)) != EOF) {
		*nul |= c == '\0';
		line[n++] = (char)c;
		if (c == '\n')
			break;
	}
	line[n] = '\0';
	return n;
}

int ini_parse(FILE *fp, ini_kv_fn *fn, void *ud, struct ini_errors *e)
{
	char line[INI_LINE_MAX + 2];
	char section[64] = "";
	int lineno = 0;
	int start_count = e->count;
	size_t len;
	bool nul;
	int rc;

	flockfile(fp); /* once, not per byte: a rule is parsed per desa */
	while ((len = read_line(fp, line, sizeof(line), &nul)) > 0) {
		char *s, *eq, *key, *val;
		bool too_long = len == sizeof(line) - 1 &&
				line[len - 1] != '\n' && !feof(fp);

		lineno++;
		if (too_long || nul) {
			int c;

			if (nul)
				ini_error(e, lineno, "NUL byte in the line");
			else
				ini_error(e, lineno,
					  "line longer than %d bytes",
					  INI_LINE_MAX);
			while (line[len - 1] != '\n' &&
			       (c = getc_unlocked(fp)) != EOF && c != '\n')
				;
			continue;
		}
		if (lineno == 1 && (unsigned char)line[0] == 0xef &&
		    (unsigned char)line[1] == 0xbb &&
		    (unsigned char)line[2] == 0xbf)
			memmove(line, line + 3, strlen(line + 3) + 1);
		if (!utf8_valid(line)) { /* utf8.h: strict, RFC 3629 */
			ini_error(e, lineno, "invalid UTF-8");
			continue;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || close[1] != '\0') {
				ini_error(e, lineno,
					  "section header must be \"[name]\"");
				continue;
			}
			*close = '\0';
			s = trim(s + 1);
			if (!section_name_ok(s) ||
			    strlen(s) >= sizeof(section)) {
				ini_error(e, lineno,
					  "bad section name \"%s\" (use a-z, "
					  "0-9, '_', '-', '.')",
					  s);
				continue;
			}
			strcpy(section, s);
			fn(ud, e, lineno, section, NULL, NULL);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			ini_error(e, lineno, "expected \"key = value\"");
			continue;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (*key == '\0') {
			ini_error(e, lineno, "missing key before '='");
			continue;
		}
		fn(ud, e, lineno, section, key, val);
	}
	if (ferror(fp))
		rc = -EIO;
	else
		rc = e->count > start_count ? -EINVAL : 0;
	funlockfile(fp);
	return rc;
}

int ini_parse_long(const char *v, long min, long max, long *out)
{
	char *end;
	long x;

	if (!v || !*v)
		return -EINVAL;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || *end != '\0' || x < min || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

int ini_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"1", "on", "true", "yes"};
	static const char *const no[] = {"0", "false", "no", "off"};

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int ini_parse_hms(const char *v, int32_t *out)
{
	int h, m, s = 0, n = 0;

	if (strlen(v) == 5) {
		if (sscanf(v, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5)
			return -EINVAL;
	} else if (strlen(v) == 8) {
		if (sscanf(v, "%2d:%2d:%2d%n", &h, &m, &s, &n) != 3 || n != 8)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	for (const char *p = v; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != ':')
			return -EINVAL;
	if (h == 24 && m == 0 && s == 0) {
		*out = 86400;
		return 0;
	}
	if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59)
		return -EINVAL;
	*out = h * 3600 + m * 60 + s;
	return 0;
}

static int cmp_kw(const void *a, const void *b)
{
	return strcmp((const char *)a, *(const char *const *)b);
}

int ini_keyword(const char *const *sorted, size_t n, const char *key)
{
	const char *const *p = bsearch(key, sorted, n, sizeof(*sorted), cmp_kw);

	return p ? (int)(p - sorted) : -1;
}

int ini_key_once(const char *const *sorted, size_t n, const char *section,
		 const char *key, int *line_of, struct ini_errors *e, int line)
{
	int k = ini_keyword(sorted, n, key);

	if (k < 0) {
		ini_error(e, line, "unknown key \"%s\" in [%s]", key, section);
		return -1;
	}
	if (line_of[k]) {
		ini_error(e, line, "duplicate key \"%s\" (first on line %d)",
			  key, line_of[k]);
		return -1;
	}
	line_of[k] = line;
	return k;
}
