/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pushstate.c: the push's state file, read strictly, written atomically. */
#include "pushstate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomicfile.h"
#include "civil.h"

#define LINE_MAX_STATE 512 /* the longest line: server or refused */
#define STATE_MODE     0640

enum key {
	K_ACKED,
	K_ACKED_HEAD,
	K_BUNDLE,
	K_BUNDLE_REFUSED,
	K_DEVICE,
	K_OK_AT,
	K_REFUSED,
	K_REFUSED_AT,
	K_REFUSED_ROWS,
	K_RULES_AFTER,
	K_SERVER,
	K_N
};

static const char *const keys[K_N] = {
	"acked",	"acked_head",  "bundle",  "bundle_refused",
	"device",	"ok_at",       "refused", "refused_at",
	"refused_rows", "rules_after", "server",
};

void pushstate_init(struct pushstate *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->acked_head, sizeof(s->acked_head), "%s",
		 PUSHSTATE_HEAD_ZERO);
}

static int parse_i64(const char *v, int64_t *out)
{
	char *end;
	long long x;

	if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 18)
		return -EINVAL;
	x = strtoll(v, &end, 10);
	*out = (int64_t)x;
	return 0;
}

static bool month_ok(const char *v)
{
	char first[CIVIL_DATE_LEN];
	pd_day_t d;

	if (strlen(v) != LEDGER_MONTH_LEN - 1)
		return false;
	snprintf(first, sizeof(first), "%s-01", v);
	return civil_date_parse(first, &d) == 0;
}

static int set(struct pushstate *s, enum key k, const char *v, char *why,
	       size_t cap, int line)
{
	int64_t *num = NULL;
	char *str = NULL;
	size_t scap = 0;

	switch (k) {
	case K_ACKED:
		num = &s->acked;
		break;
	case K_OK_AT:
		num = &s->ok_at;
		break;
	case K_REFUSED_AT:
		num = &s->refused_at;
		break;
	case K_RULES_AFTER:
		num = &s->rules_after;
		break;
	case K_ACKED_HEAD:
		if (strlen(v) != PD_HASH_HEX - 1 ||
		    strspn(v, "0123456789abcdef") != PD_HASH_HEX - 1) {
			snprintf(why, cap,
				 "line %d: acked_head: not 64 hex digits",
				 line);
			return -EINVAL;
		}
		str = s->acked_head;
		scap = sizeof(s->acked_head);
		break;
	case K_BUNDLE:
	case K_BUNDLE_REFUSED:
		if (!month_ok(v)) {
			snprintf(why, cap,
				 "line %d: %s: \"%.16s\" is not a month", line,
				 keys[k], v);
			return -EINVAL;
		}
		str = k == K_BUNDLE ? s->bundle : s->bundle_refused;
		scap = sizeof(s->bundle);
		break;
	case K_DEVICE:
		str = s->device;
		scap = sizeof(s->device);
		break;
	case K_REFUSED:
		str = s->refused;
		scap = sizeof(s->refused);
		break;
	case K_REFUSED_ROWS:
		str = s->refused_rows;
		scap = sizeof(s->refused_rows);
		break;
	case K_SERVER:
		str = s->server;
		scap = sizeof(s->server);
		break;
	case K_N:
		break;
	}
	if (num) {
		if (parse_i64(v, num) < 0) {
			snprintf(why, cap,
				 "line %d: %s: \"%.24s\" is not a row number "
				 "or time",
				 line, keys[k], v);
			if (k == K_ACKED)
				snprintf(why, cap,
					 "line %d: acked: \"%.24s\" is not a "
					 "row number",
					 line, v);
			return -EINVAL;
		}
		return 0;
	}
	if (!str || strlen(v) >= scap) {
		snprintf(why, cap, "line %d: %s: too long", line, keys[k]);
		return -EINVAL;
	}
	memcpy(str, v, strlen(v) + 1);
	return 0;
}

int pushstate_parse(FILE *fp, struct pushstate *s, char *why, size_t cap)
{
	char line[LINE_MAX_STATE];
	int seen[K_N] = {0}, n = 0;

	pushstate_init(s);
	while (fgets(line, sizeof(line), fp)) {
		size_t len = strlen(line);
		char *sp;
		int k;

		n++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(fp)) {
			snprintf(why, cap, "line %d: too long", n);
			return -EINVAL;
		}
		if (n == 1) {
			char want[32];

			snprintf(want, sizeof(want), "presensi-push-state %d",
				 PUSHSTATE_VERSION);
			if (strcmp(line, want) != 0) {
				snprintf(why, cap,
					 "line 1: not a presensi-push state "
					 "file (\"%s\" expected)",
					 want);
				return -EINVAL;
			}
			continue;
		}
		if (!len)
			continue;
		sp = strchr(line, ' ');
		if (sp)
			*sp = '\0';
		for (k = 0; k < K_N && strcmp(line, keys[k]) != 0; k++)
			;
		if (k == K_N) {
			snprintf(why, cap, "line %d: unknown key \"%.32s\"", n,
				 line);
			return -EINVAL;
		}
		if (seen[k]) {
			snprintf(why, cap, "line %d: %s: given twice", n,
				 keys[k]);
			return -EINVAL;
		}
		seen[k] = n;
		if (set(s, (enum key)k, sp ? sp + 1 : "", why, cap, n) < 0)
			return -EINVAL;
	}
	if (ferror(fp)) {
		snprintf(why, cap, "read error");
		return -EIO;
	}
	if (n == 0) {
		snprintf(why, cap, "line 1: not a presensi-push state file");
		return -EINVAL;
	}
	if (seen[K_ACKED] && s->acked && !seen[K_ACKED_HEAD]) {
		snprintf(why, cap, "acked %" PRId64 " without acked_head",
			 s->acked);
		return -EINVAL;
	}
	if (s->acked < 0) {
		snprintf(why, cap, "acked: negative");
		return -EINVAL;
	}
	return 0;
}

int pushstate_load(const char *path, struct pushstate *s, char *why, size_t cap)
{
	FILE *fp = fopen(path, "re");
	int rc;

	if (!fp) {
		rc = -errno;
		pushstate_init(s);
		snprintf(why, cap, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = pushstate_parse(fp, s, why, cap);
	fclose(fp);
	return rc;
}

int pushstate_save(const char *path, const struct pushstate *s)
{
	struct atomicfile *af;
	FILE *fp;
	int rc = atomicfile_open(path, STATE_MODE, 0, &af);

	if (rc < 0)
		return rc;
	fp = atomicfile_stream(af);
	fprintf(fp, "presensi-push-state %d\n", PUSHSTATE_VERSION);
	fprintf(fp, "server %s\ndevice %s\n", s->server, s->device);
	fprintf(fp, "acked %" PRId64 "\nacked_head %s\n", s->acked,
		s->acked_head);
	fprintf(fp, "ok_at %" PRId64 "\n", s->ok_at);
	if (s->bundle[0])
		fprintf(fp, "bundle %s\n", s->bundle);
	if (s->bundle_refused[0])
		fprintf(fp, "bundle_refused %s\n", s->bundle_refused);
	if (s->rules_after)
		fprintf(fp, "rules_after %" PRId64 "\n", s->rules_after);
	if (s->refused[0])
		fprintf(fp,
			"refused_at %" PRId64 "\nrefused_rows %s\n"
			"refused %s\n",
			s->refused_at, s->refused_rows, s->refused);
	if (ferror(fp)) {
		atomicfile_abort(af);
		return -EIO;
	}
	/* atomicfile_open's mode is filtered by the umask: the state is
	 * for the push and the admins who read its directory */
	if (fchmod(fileno(fp), STATE_MODE) < 0) {
		rc = -errno;
		atomicfile_abort(af);
		return rc;
	}
	return atomicfile_commit(af);
}
