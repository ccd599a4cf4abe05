/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * monthly.c: presensid's month-end requests and timer.  "close" closes a
 * month for the sekdes, "export" writes a month's bundle into a file the
 * client opened and passed along (SCM_RIGHTS: presensid never opens a path
 * an admin names, docs/bundle.md), "device-key" shows the public key,
 * "export-lights" shows how a USB export went; a timer, the start-up and
 * every clock change close the months whose day has come.  The work itself
 * is closing.c and bundling.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundling.h"
#include "closing.h"
#include "daemon_int.h"
#include "log.h"

#define AUTO_CLOSE_CHECK_S 60 /* how often the close day is looked for */

static int64_t now_utc(struct daemon *d)
{
	struct clock_reading r;

	clock_read(d->clock, &r);
	return r.utc_ms / 1000;
}

/* ---- the automatic close ---- */

void monthly_auto_close(struct daemon *d)
{
	static char last_why[CLOSING_WHY_MAX]; /* log a failure once */
	struct closing_deps cd = {d->store, &d->conf, 0};
	char why[CLOSING_WHY_MAX] = "";
	struct clock_reading now;
	int n = 0, rc;

	if (!fault_store_usable(d))
		return; /* fault mode: no store to close months in */

	/* A clock that is not trusted may be years off (a Pi has no RTC):
	 * closing months on it cannot be undone.  The sekdes closes by hand
	 * on a box whose clock is never trusted (DOMAIN §7.3). */
	clock_read(d->clock, &now);
	if (!now.trusted) {
		snprintf(why, sizeof(why),
			 "the clock is not trusted (%s): months are not closed "
			 "automatically",
			 now.source);
		if (strcmp(why, last_why) != 0)
			log_warnx("month close: %s", why);
		snprintf(last_why, sizeof(last_why), "%s", why);
		return;
	}
	cd.now_utc = now.utc_ms / 1000;
	rc = closing_auto(&cd, ACTOR("presensid", (int64_t)getuid()), &n, why,
			  sizeof(why));
	if (rc && strcmp(why, last_why) != 0)
		log_warnx("month close: %s", why);
	snprintf(last_why, sizeof(last_why), "%s", rc ? why : "");
}

static gboolean auto_close_tick(gpointer ud)
{
	monthly_auto_close(ud);
	push_ledger_changed(ud); /* a checkpoint row, for the push */
	return G_SOURCE_CONTINUE;
}

void monthly_start(struct daemon *d)
{
	monthly_auto_close(d);
	d->monthly_src =
		g_timeout_add_seconds(AUTO_CLOSE_CHECK_S, auto_close_tick, d);
}

void monthly_stop(struct daemon *d)
{
	if (d->monthly_src)
		g_source_remove(d->monthly_src);
	d->monthly_src = 0;
}

/* ---- requests ---- */

static void kv(struct admin_ctx *a, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void kv(struct admin_ctx *a, const char *key, const char *fmt, ...)
{
	char val[256], text[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text), "%s\t%s", key, val);
	admin_reply_line(a, "kv", text);
}

static void cmd_close(struct daemon *d, struct admin_ctx *a,
		      const struct control_msg *m)
{
	struct closing_deps cd = {d->store, &d->conf, now_utc(d)};
	const char *month = control_get(m, "month");
	char why[CLOSING_WHY_MAX] = "", seq_s[24];
	struct store_checkpoint c;
	int64_t seq = 0;
	int rc;

	if (!month || !*month) {
		admin_reply_err(a, -EINVAL, "month: required (YYYY-MM)");
		return;
	}
	rc = closing_close(&cd, month, false,
			   ACTOR(a->actor_name, a->actor_uid), &seq, why,
			   sizeof(why));
	if (rc) {
		admin_reply_err(a, rc, "%s", why);
		return;
	}
	if (store_checkpoint_get(d->store, month, &c) == 0) {
		kv(a, "checkpoint", "row %" PRId64, c.seq);
		kv(a, "rows", "%" PRId64 "..%" PRId64, c.prev_seq + 1, c.seq);
		kv(a, "untrusted", "%" PRId64, c.cp.health.untrusted);
		kv(a, "reader_errors", "%" PRId64, c.cp.health.reader_errors);
		kv(a, "disk_free", "%" PRId64 " MiB",
		   c.cp.health.disk_free_bytes >> 20);
	}
	snprintf(seq_s, sizeof(seq_s), "%" PRId64, seq);
	admin_reply_ok(a, "seq", seq_s);
}

static void cmd_device_key(struct daemon *d, struct admin_ctx *a)
{
	char pk[CRYPTO_PK_HEX], fpr[CRYPTO_FPR_MAX];

	crypto_pubkey_hex(d->devkey.pk, pk);
	crypto_pubkey_fingerprint(d->devkey.pk, fpr);
	kv(a, "public_key", "%s", pk);
	kv(a, "fingerprint", "%s", fpr);
	admin_reply_ok(a, "fingerprint", fpr);
}

/* Writes all of buf at the start of fd, which must be a regular file
 * open for writing.  0 or -errno. */
static int write_into(int fd, const uint8_t *buf, size_t len)
{
	struct stat st;
	size_t off = 0;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fstat(fd, &st) < 0)
		return -errno;
	/* never a pipe, socket or terminal: a write there could stall the
	 * main loop, and with it every punch */
	if (!S_ISREG(st.st_mode) || (fl & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (ftruncate(fd, 0) < 0)
		return -errno;
	while (off < len) {
		ssize_t n = pwrite(fd, buf + off, len - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	return 0;
}

static void cmd_export(struct daemon *d, struct client *c, struct admin_ctx *a,
		       const struct control_msg *m)
{
	struct bundling_deps bd = {d->store, &d->conf, &d->devkey, now_utc(d)};
	const char *month = control_get(m, "month");
	char name[BUNDLE_FILE_NAME_MAX], why[BUNDLE_WHY_MAX] = "";
	enum bundle_status st;
	int fd = server_client_take_fd(c), rc;
	uint8_t *zip = NULL;
	size_t len = 0;

	if (!month || !*month) {
		admin_reply_err(a, -EINVAL, "month: required (YYYY-MM)");
		goto out;
	}
	if (fd < 0) {
		admin_reply_err(a, -EINVAL,
				"export: the file to write into must come with "
				"the request");
		goto out;
	}
	rc = bundling_make(&bd, month, &zip, &len, &st, name, why, sizeof(why));
	if (rc) {
		admin_reply_err(a, rc, "%s", why);
		goto out;
	}
	rc = write_into(fd, zip, len);
	if (rc) {
		admin_reply_err(a, rc, "export: cannot write %s: %s", name,
				rc == -EBADF ? "not a regular file open for "
					       "writing"
					     : strerror(-rc));
		goto out;
	}
	log_info("bundle %s written (%s, %zu bytes)", name,
		 st == BUNDLE_COMPLETE ? "complete" : "interim", len);
	admin_reply_ok(a, "name", name);
out:
	free(zip);
	if (fd >= 0)
		close(fd);
}

static void cmd_export_lights(struct daemon *d, struct admin_ctx *a,
			      const struct control_msg *m)
{
	const char *r = control_get(m, "result");

	if (!r || (strcmp(r, "ok") != 0 && strcmp(r, "fail") != 0)) {
		admin_reply_err(a, -EINVAL, "result: ok or fail");
		return;
	}
	daemon_lights(d, strcmp(r, "ok") == 0 ? LIGHT_EXPORT_OK
					      : LIGHT_EXPORT_FAIL);
	admin_reply_ok(a, "result", r);
}

int monthly_dispatch(struct daemon *d, struct client *c,
		     const struct control_msg *m)
{
	struct admin_ctx a;
	const char *name = m->field[0];

	server_ctx(d, c, &a);
	if (strcmp(name, "export-lights") != 0 && !fault_store_usable(d)) {
		/* fault mode: no store to read or close */
		admin_reply_err(&a, -EIO, "%s: refused: %s", name,
				d->fault_msg[0] ? d->fault_msg
						: "the store is not open");
		return 0;
	}
	if ((strcmp(name, "export") == 0 || strcmp(name, "device-key") == 0) &&
	    !d->have_key) {
		/* no key file: no device key to sign or show */
		admin_reply_err(&a, -EIO, "%s: refused: %s", name,
				d->fault_msg[0] ? d->fault_msg
						: "no device key");
		return 0;
	}
	if (strcmp(name, "close") == 0)
		cmd_close(d, &a, m);
	else if (strcmp(name, "device-key") == 0)
		cmd_device_key(d, &a);
	else if (strcmp(name, "export") == 0)
		cmd_export(d, c, &a, m);
	else if (strcmp(name, "export-lights") == 0)
		cmd_export_lights(d, &a, m);
	else
		return -ENOENT;
	return 0;
}
