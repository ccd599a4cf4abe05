/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bundle_cmds.c: the month-end commands of the presensi CLI (bundle_cmds.h).
 * "export" opens the output file itself through the atomic writer and
 * passes its descriptor to presensid with the request (SCM_RIGHTS): the
 * daemon, which runs with ProtectSystem=strict, writes the bundle into it
 * and never needs the path; the CLI then fsyncs and renames it into place
 * (docs/bundle.md, "Writing a bundle").  "usb-export" does that for this
 * and last month into a mounted stick, reads both back and verifies them,
 * then asks presensid to show export-ok or export-fail.
 */
#include "cli_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "bundle.h"
#include "civil.h"
#include "control.h"
#include "control_client.h"
#include "crypto.h"

#define REPLY_MAX 8192
#define REQ_LINE  512

/* ---- talking to presensid ---- */

struct reply {
	char ok[256];	     /* the ok line's first field, "key=value" */
	char err[REPLY_MAX]; /* the err line's message */
	int quiet;	     /* do not print kv lines */
};

/*
 * Sends line (with pass_fd, when >= 0) and reads to the final line; kv
 * lines are printed unless r->quiet.  0 on ok, 1 on err (message in r->err
 * and printed unless r->quiet), 1 when the daemon cannot be reached.
 */
static int ask(const struct conf *c, const char *line, int pass_fd,
	       struct reply *r)
{
	struct control_reader rb;
	static char buf[REPLY_MAX];
	int fd = control_connect(c->socket_path), rc;

	r->ok[0] = r->err[0] = '\0';
	if (fd < 0) {
		snprintf(r->err, sizeof(r->err),
			 "cannot reach presensid at %s: %s (is the daemon "
			 "running?)",
			 c->socket_path, strerror(-fd));
		if (!r->quiet)
			fprintf(stderr, "presensi: %s\n", r->err);
		return 1;
	}
	rc = pass_fd >= 0
		     ? control_write_all_fd(fd, line, strlen(line), pass_fd)
		     : control_write_all(fd, line, strlen(line));
	memset(&rb, 0, sizeof(rb));
	while (rc == 0) {
		struct control_msg m;

		rc = control_read_line(fd, &rb, buf, sizeof(buf));
		if (rc < 0)
			break;
		rc = 0;
		if (control_parse(buf, &m) < 0)
			continue;
		if (strcmp(m.field[0], "kv") == 0 && m.nfields > 2) {
			if (!r->quiet)
				printf("%-16s %s\n", m.field[1], m.field[2]);
		} else if (strcmp(m.field[0], "ok") == 0) {
			snprintf(r->ok, sizeof(r->ok), "%s",
				 m.nfields > 1 ? m.field[1] : "");
			close(fd);
			return 0;
		} else if (strcmp(m.field[0], "err") == 0) {
			snprintf(r->err, sizeof(r->err), "%s",
				 m.nfields > 2 ? m.field[2] : "refused");
			if (!r->quiet)
				fprintf(stderr, "presensi: %s\n", r->err);
			close(fd);
			return 1;
		}
	}
	snprintf(r->err, sizeof(r->err), "the daemon closed the connection");
	if (!r->quiet)
		fprintf(stderr, "presensi: %s\n", r->err);
	close(fd);
	return 1;
}

/* A request line: command and key=value fields, escaped. */
static int request_line(char *buf, size_t cap, const char *cmd, const char *key,
			const char *value)
{
	struct control_buf b;

	control_buf_init(&b, buf, cap);
	control_buf_add(&b, cmd);
	if (key)
		control_buf_addkv(&b, key, value);
	return control_buf_end(&b) < 0 ? -ENAMETOOLONG : 0;
}

static bool month_ok(const char *m)
{
	return strlen(m) == LEDGER_MONTH_LEN - 1 && m[4] == '-' &&
	       strspn(m, "0123456789-") == LEDGER_MONTH_LEN - 1;
}

/* ---- close, device key ---- */

static int cmd_close(const struct cli_args *a, const struct conf *c)
{
	const char *month = cli_get(a, "month");
	char line[REQ_LINE];
	struct reply r = {0};

	if (!month_ok(month)) {
		fprintf(stderr, "presensi: close: --month must be YYYY-MM\n");
		return 2;
	}
	if (request_line(line, sizeof(line), "close", "month", month) < 0)
		return 2;
	if (ask(c, line, -1, &r))
		return 1;
	printf("%s closed: bundles of it are complete from now on\n", month);
	return 0;
}

static int cmd_device_key(const struct conf *c)
{
	struct reply r = {0};

	return ask(c, "device-key\n", -1, &r);
}

/* ---- verify ---- */

struct verify_out {
	FILE *fp;
};

static void print_check(void *ud, enum bundle_check check, bool ok,
			const char *detail)
{
	const struct verify_out *o = ud;

	if (ok)
		fprintf(o->fp, "ok   %s%s%s%s\n", bundle_check_name(check),
			*detail ? " (" : "", detail, *detail ? ")" : "");
	else
		fprintf(o->fp, "FAIL %s: %s\n", bundle_check_name(check),
			detail);
}

/* Quiet runs keep the first failure's reason. */
static void note_failure(void *ud, enum bundle_check check, bool ok,
			 const char *detail)
{
	char *why = ud;

	if (!ok)
		snprintf(why, BUNDLE_WHY_MAX, "%s: %s",
			 bundle_check_name(check), detail);
}

/* Opens and verifies path quietly; 0 with *b and *m, or the reason. */
static int open_verified(const char *path, struct bundle **b,
			 const struct bundle_manifest **m, char *why)
{
	char tmp[BUNDLE_WHY_MAX] = "";
	int rc;

	why[0] = '\0';
	rc = bundle_open(path, b, tmp, sizeof(tmp));
	if (rc) {
		snprintf(why, BUNDLE_WHY_MAX, "archive: %.200s", tmp);
		return rc;
	}
	rc = bundle_verify(*b, note_failure, why);
	if (rc == 0)
		rc = bundle_manifest_get(*b, m, tmp, sizeof(tmp));
	if (rc) {
		bundle_close(*b);
		*b = NULL;
	}
	return rc;
}

static int cmd_verify(const struct cli_args *a)
{
	const char *after = cli_get(a, "after");
	struct verify_out o = {stdout};
	const struct bundle_manifest *m, *pm;
	struct bundle *b, *prev;
	char why[BUNDLE_WHY_MAX];
	int rc;

	if (crypto_init() < 0) {
		fprintf(stderr, "presensi: crypto: libsodium failed\n");
		return 1;
	}
	if (bundle_verify_file(a->positional, print_check, &o) != 0)
		return 1;
	if (!after)
		return 0;
	if (open_verified(after, &prev, &pm, why) != 0) {
		printf("FAIL continues: %s does not verify: %s\n", after, why);
		return 1;
	}
	if (open_verified(a->positional, &b, &m, why) != 0) {
		/* verified above: only memory can fail here */
		bundle_close(prev);
		printf("FAIL continues: %s\n", why);
		return 1;
	}
	rc = bundle_continues(pm, m, why, sizeof(why));
	if (rc == 0)
		printf("ok   continues (%s: rows %lld..%lld, then %s: rows "
		       "%lld..%lld)\n",
		       pm->period, (long long)pm->first_seq,
		       (long long)pm->last_seq, m->period,
		       (long long)m->first_seq, (long long)m->last_seq);
	else
		printf("FAIL continues: %s does not continue %s: %s\n",
		       m->period, pm->period, why);
	bundle_close(b);
	bundle_close(prev);
	return rc ? 1 : 0;
}

/* ---- export ---- */

/*
 * Has presensid write month's bundle into dir through the atomic writer.
 * 0 written (*name and *complete set), -ENOENT nothing to export (the
 * daemon said so), or another failure; the reason is in r->err.
 */
static int export_to(const struct conf *c, const char *month, const char *dir,
		     char path[], size_t path_cap, bool quiet, struct reply *r)
{
	char name[BUNDLE_FILE_NAME_MAX], line[REQ_LINE];
	struct atomicfile *af;
	int rc, n;

	r->quiet = quiet;
	if (bundle_file_name(c->desa_id, month, name) < 0 ||
	    request_line(line, sizeof(line), "export", "month", month) < 0)
		return -ENAMETOOLONG;
	n = snprintf(path, path_cap, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= path_cap) {
		snprintf(r->err, sizeof(r->err), "%s/%s: path too long", dir,
			 name);
		return -ENAMETOOLONG;
	}
	rc = atomicfile_open(path, 0666, 0, &af);
	if (rc) {
		snprintf(r->err, sizeof(r->err), "%s: %s", path, strerror(-rc));
		return rc;
	}
	if (ask(c, line, fileno(atomicfile_stream(af)), r) != 0) {
		atomicfile_abort(af);
		return strstr(r->err, "nothing is recorded") ? -ENOENT : -EIO;
	}
	rc = atomicfile_commit(af); /* fsync, rename, fsync of the dir */
	if (rc)
		snprintf(r->err, sizeof(r->err), "%s: %s", path, strerror(-rc));
	return rc;
}

static int cmd_export(const struct cli_args *a, const struct conf *c)
{
	const char *month = cli_get(a, "month");
	const char *dir = cli_get(a, "out") ? cli_get(a, "out") : ".";
	char path[4096], why[BUNDLE_WHY_MAX];
	struct reply r = {0};
	struct bundle *b;
	const struct bundle_manifest *m;
	int rc;

	if (!month_ok(month)) {
		fprintf(stderr, "presensi: export: --month must be YYYY-MM\n");
		return 2;
	}
	rc = export_to(c, month, dir, path, sizeof(path), false, &r);
	if (rc) {
		if (rc != -EIO) /* the daemon's reason is printed already */
			fprintf(stderr, "presensi: %s\n", r.err);
		return 1;
	}
	if (crypto_init() < 0 || open_verified(path, &b, &m, why) != 0) {
		fprintf(stderr, "presensi: %s does not verify: %s\n", path,
			why);
		return 1;
	}
	printf("written %s (%s, rows %lld..%lld)\n", path,
	       m->status == BUNDLE_COMPLETE ? "complete" : "interim",
	       (long long)m->first_seq, (long long)m->last_seq);
	bundle_close(b);
	return 0;
}

/* ---- usb-export ---- */

/* This month and the one before, in the desa's zone. */
static void months_of(int64_t now, int32_t offset_min,
		      char cur[LEDGER_MONTH_LEN], char prev[LEDGER_MONTH_LEN])
{
	pd_day_t day;
	int32_t sec;
	int y, m, d;

	civil_local_from_utc(now, offset_min, &day, &sec);
	civil_to_ymd(day, &y, &m, &d);
	snprintf(cur, LEDGER_MONTH_LEN, "%04u-%02u", (unsigned int)y % 10000u,
		 (unsigned int)m % 100u);
	civil_to_ymd(civil_from_ymd(y, m, 1) - 1, &y, &m, &d);
	snprintf(prev, LEDGER_MONTH_LEN, "%04u-%02u", (unsigned int)y % 10000u,
		 (unsigned int)m % 100u);
}

static int show_result(const struct conf *c, bool ok)
{
	char line[REQ_LINE];
	struct reply r = {.quiet = 1};

	if (request_line(line, sizeof(line), "export-lights", "result",
			 ok ? "ok" : "fail") < 0 ||
	    ask(c, line, -1, &r) != 0) {
		fprintf(stderr, "presensi: cannot show the export light: %s\n",
			r.err);
		return -EIO;
	}
	return 0;
}

static int cmd_usb_export(const struct cli_args *a, const struct conf *c)
{
	const char *dir = cli_get(a, "mount");
	char months[2][LEDGER_MONTH_LEN], path[4096], why[BUNDLE_WHY_MAX];
	struct reply r = {0};
	struct stat st;
	int64_t now = 0;
	int written = 0, failed = 0;

	if (cli_get(a, "failed")) /* the stick did not even mount */
		return show_result(c, false) == 0 ? 0 : 1;
	if (!dir) {
		fprintf(stderr, "presensi: usb-export: --mount DIR is required "
				"(or --failed)\n");
		return 2;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "presensi: usb-export: %s is not a directory\n",
			dir);
		show_result(c, false);
		return 1;
	}
	if (crypto_init() < 0 || (now = cli_daemon_now(c)) <= 0) {
		fprintf(stderr,
			"presensi: usb-export: cannot read presensid's clock "
			"at %s (is the daemon running?)\n",
			c->socket_path);
		show_result(c, false);
		return 1;
	}
	months_of(now, c->offset_min, months[1], months[0]);
	for (int i = 0; i < 2; i++) {
		const struct bundle_manifest *m;
		struct bundle *b;
		int rc = export_to(c, months[i], dir, path, sizeof(path), true,
				   &r);

		if (rc == -ENOENT) {
			printf("%s: %s\n", months[i], r.err);
			continue;
		}
		if (rc) {
			fprintf(stderr, "presensi: %s: %s\n", months[i], r.err);
			failed++;
			continue;
		}
		/* read it back from the stick */
		if (open_verified(path, &b, &m, why) != 0) {
			fprintf(stderr, "presensi: %s does not verify: %s\n",
				path, why);
			failed++;
			continue;
		}
		printf("written %s (%s)\n", path,
		       m->status == BUNDLE_COMPLETE ? "complete" : "interim");
		bundle_close(b);
		written++;
	}
	sync(); /* the stick may be pulled as soon as the light shows */
	if (show_result(c, written > 0 && failed == 0) != 0)
		return 1;
	return written > 0 && failed == 0 ? 0 : 1;
}

/* ---- the command table's handlers (cli_int.h) ---- */

int cli_run_close(const struct conf *c, const struct cli_args *a)
{
	return cmd_close(a, c);
}

int cli_run_export(const struct conf *c, const struct cli_args *a)
{
	return cmd_export(a, c);
}

int cli_run_verify(const struct conf *c, const struct cli_args *a)
{
	(void)c; /* no config: verify runs anywhere */
	return cmd_verify(a);
}

int cli_run_device_key(const struct conf *c, const struct cli_args *a)
{
	(void)a;
	return cmd_device_key(c);
}

int cli_run_usb_export(const struct conf *c, const struct cli_args *a)
{
	return cmd_usb_export(a, c);
}
