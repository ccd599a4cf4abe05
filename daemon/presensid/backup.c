/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * backup.c: presensid's "backup" request (DOMAIN §6.8).  The CLI opens the
 * output file through the atomic writer and passes its descriptor with
 * the request, and the passphrase travels over the socket to presensid
 * only: presensid reads the key file and the configuration itself, copies
 * the store without its templates (store_backup_image), lays the file out
 * (backupfile.h) and hands the slow part, Argon2id and the sealing, to a
 * thread of its own, so that punches go on being served meanwhile; the
 * thread writes the sealed file into the descriptor, and the main loop
 * answers.  The key never passes through the CLI's process.  Also the
 * settling of a restored store's prints at start-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backupfile.h"
#include "daemon_int.h"
#include "keyfile.h"
#include "log.h"

_Static_assert(CONTROL_PASS_MAX == BACKUPFILE_PASS_MAX,
	       "the request table bounds the passphrase as the file does");

/* One backup being written; the daemon holds at most one (d->backup). */
struct backup_job {
	struct daemon *d;
	struct client *c; /* NULL once the client left: nobody to answer */
	int fd;		  /* the file to write into (SCM_RIGHTS) */
	struct backupfile *file;
	char *pass; /* wiped when sealed */
	size_t pass_len;
	struct backupfile_meta meta; /* for the answer */
	GThread *thread;
	/* the thread's results, read after it is joined */
	int rc;
	const char *stage; /* what failed */
	char sha256[PD_HASH_HEX];
	size_t bytes;
};

static int64_t now_utc(struct daemon *d)
{
	struct clock_reading r;

	clock_read(d->clock, &r);
	return r.utc_ms / 1000;
}

static void job_free(struct backup_job *j)
{
	if (!j)
		return;
	if (j->pass) {
		explicit_bzero(j->pass, j->pass_len);
		free(j->pass);
	}
	backupfile_free(j->file);
	if (j->fd >= 0)
		close(j->fd);
	free(j);
}

/* ---- the thread: derive, seal, write ---- */

/* Writes all of buf at the start of fd, a regular file open for writing
 * (checked at the request).  0 or -errno. */
static int write_at_start(int fd, const uint8_t *buf, size_t len)
{
	size_t off = 0;

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

static gboolean job_done(gpointer ud);

/* No GLib but the idle that hands the job back, no log, no store: the
 * job is this thread's alone until then. */
static gpointer job_run(gpointer ud)
{
	struct backup_job *j = ud;
	const uint8_t *bytes;

	j->stage = "seal";
	j->rc = backupfile_seal(j->file, j->pass, j->pass_len);
	explicit_bzero(j->pass, j->pass_len);
	if (j->rc == 0) {
		bytes = backupfile_bytes(j->file, &j->bytes);
		crypto_sha256_hex(bytes, j->bytes, j->sha256);
		j->stage = "write";
		j->rc = write_at_start(j->fd, bytes, j->bytes);
	}
	g_idle_add(job_done, j);
	return NULL;
}

/* ---- the main loop: answer ---- */

static void kv(struct admin_ctx *a, const char *key, const char *val)
{
	char text[PD_NAME_MAX + 64];

	snprintf(text, sizeof(text), "%s\t%s", key, val);
	admin_reply_line(a, "kv", text);
}

static gboolean job_done(gpointer ud)
{
	struct backup_job *j = ud;
	struct daemon *d = j->d;
	struct admin_ctx a;
	char v[96];

	g_thread_join(j->thread);
	d->backup = NULL;
	if (j->rc == 0)
		log_info("backup written: %zu bytes, ledger rows 1..%" PRId64
			 ", %" PRId64 " templates left out",
			 j->bytes, j->meta.ledger_rows, j->meta.prints_dropped);
	else
		log_errno(j->rc, "backup: cannot %s the file", j->stage);
	if (j->c && !server_client_dead(j->c)) {
		server_ctx(d, j->c, &a);
		if (j->rc == 0) {
			snprintf(v, sizeof(v), "1..%" PRId64,
				 j->meta.ledger_rows);
			kv(&a, "rows", v);
			kv(&a, "head", j->meta.ledger_head);
			snprintf(v, sizeof(v),
				 "%" PRId64 " (people re-enrol "
				 "after a restore)",
				 j->meta.prints_dropped);
			kv(&a, "templates_out", v);
			snprintf(v, sizeof(v), "%zu", j->bytes);
			kv(&a, "bytes", v);
			admin_reply_ok(&a, "sha256", j->sha256);
		} else if (j->rc == -ENOMEM) {
			admin_reply_err(&a, j->rc,
					"backup: not enough memory for the key "
					"derivation; nothing was written");
		} else {
			admin_reply_err(&a, j->rc,
					"backup: cannot %s the file: %s",
					j->stage, strerror(-j->rc));
		}
	}
	job_free(j);
	return G_SOURCE_REMOVE;
}

/* ---- the request ---- */

/* Reads the configuration file presensid was started with. */
static int read_conf(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f)
		return -errno;
	buf = malloc(BACKUPFILE_CONF_MAX + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, BACKUPFILE_CONF_MAX + 1, f);
	if (ferror(f) || n > BACKUPFILE_CONF_MAX) {
		int rc = ferror(f) ? -EIO : -EFBIG;

		fclose(f);
		free(buf);
		return rc;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

/* What store_backup_image's callback needs to lay the file out. */
struct build {
	struct backupfile_parts parts;
	struct backupfile *file;
};

static int build_file(void *ud, const void *img, size_t len,
		      const struct store_backup_info *info)
{
	struct build *b = ud;
	struct crypto_pw_cost cost;

	b->parts.db = img;
	b->parts.db_len = len;
	b->parts.meta.schema = info->schema;
	b->parts.meta.ledger_rows = info->ledger_rows;
	snprintf(b->parts.meta.ledger_head, sizeof(b->parts.meta.ledger_head),
		 "%s", info->ledger_head);
	b->parts.meta.prints_dropped = info->prints_dropped;
	crypto_pw_cost_moderate(&cost);
	return backupfile_build(&b->parts, &cost, &b->file);
}

/* A regular file open for writing: never a pipe, socket or terminal,
 * where the thread's write could block for ever. */
static int writable_file(int fd)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	       (fl & O_ACCMODE) != O_RDONLY;
}

/* Lays the file out; 0, or answered. */
static int prepare(struct daemon *d, struct admin_ctx *a, struct build *b)
{
	uint8_t key[CRYPTO_KEY_BYTES], *conf = NULL;
	size_t conf_len = 0;
	int rc;

	rc = keyfile_load(d->conf.key_path, key);
	if (rc < 0) {
		admin_reply_err(a, -EIO,
				"backup: the key file %s cannot be read (%s); "
				"nothing was written",
				d->conf.key_path, strerror(-rc));
		return rc;
	}
	rc = read_conf(d->conf_path, &conf, &conf_len);
	if (rc < 0) {
		explicit_bzero(key, sizeof(key));
		admin_reply_err(a, -EIO,
				"backup: the configuration %s cannot be read "
				"(%s); nothing was written",
				d->conf_path, strerror(-rc));
		return rc;
	}
	memset(b, 0, sizeof(*b));
	b->parts.key = key;
	b->parts.conf = conf;
	b->parts.conf_len = conf_len;
	snprintf(b->parts.meta.desa_id, sizeof(b->parts.meta.desa_id), "%s",
		 d->conf.desa_id);
	snprintf(b->parts.meta.desa_name, sizeof(b->parts.meta.desa_name), "%s",
		 d->conf.desa_name);
	snprintf(b->parts.meta.software, sizeof(b->parts.meta.software),
		 "presensi %s", PD_VERSION);
	b->parts.meta.made_utc = now_utc(d);
	rc = store_backup_image(d->store, build_file, b);
	explicit_bzero(key, sizeof(key));
	free(conf);
	b->parts.key = NULL;
	b->parts.conf = NULL;
	if (rc < 0)
		admin_reply_err(a, rc == -ENOMEM ? -ENOMEM : -EIO,
				"backup: cannot copy the database (%s); "
				"nothing was written",
				strerror(-rc));
	return rc;
}

static void cmd_backup(struct daemon *d, struct client *c,
		       const struct control_msg *m)
{
	const char *pass = control_get(m, "passphrase");
	int fd = server_client_take_fd(c);
	struct backup_job *j = NULL;
	struct admin_ctx a;
	struct build b;
	GError *err = NULL;

	server_ctx(d, c, &a);
	if (!pass || strlen(pass) < BACKUPFILE_PASS_MIN) {
		admin_reply_err(&a, -EINVAL,
				"passphrase: at least %d characters",
				BACKUPFILE_PASS_MIN);
		goto out;
	}
	if (fd < 0 || !writable_file(fd)) {
		admin_reply_err(&a, -EINVAL,
				"backup: the file to write into must come with "
				"the request, a regular file open for writing");
		goto out;
	}
	if (d->backup) {
		admin_reply_err(&a, -EBUSY, "backup: one is being written");
		goto out;
	}
	if (!d->have_key) {
		admin_reply_err(&a, -EIO, "backup: refused: %s",
				d->fault_msg[0] ? d->fault_msg
						: "no device key");
		goto out;
	}
	if (prepare(d, &a, &b) < 0)
		goto out;
	j = calloc(1, sizeof(*j));
	if (j)
		j->pass = strdup(pass);
	if (!j || !j->pass) {
		admin_reply_err(&a, -ENOMEM, "backup: out of memory");
		backupfile_free(b.file);
		free(j);
		goto out;
	}
	j->d = d;
	j->c = c;
	j->fd = fd;
	j->file = b.file;
	j->pass_len = strlen(pass);
	j->meta = b.parts.meta;
	admin_reply_line(&a, "progress",
			 "the key is derived from the passphrase (Argon2id, "
			 "256 MiB): a few seconds");
	j->thread = g_thread_try_new("backup", job_run, j, &err);
	if (!j->thread) {
		admin_reply_err(&a, -EIO, "backup: cannot start: %s",
				err ? err->message : "no thread");
		g_clear_error(&err);
		job_free(j);
		return;
	}
	d->backup = j;
	log_info("backup requested by uid %lld", (long long)a.actor_uid);
	return;
out:
	if (fd >= 0)
		close(fd);
}

int backup_dispatch(struct daemon *d, struct client *c,
		    const struct control_msg *m)
{
	if (strcmp(m->field[0], "backup") != 0)
		return -ENOENT;
	cmd_backup(d, c, m);
	return 0;
}

void backup_client_gone(struct daemon *d, struct client *c)
{
	if (d->backup && d->backup->c == c)
		d->backup->c = NULL; /* written all the same, unanswered */
}

void backup_stop(struct daemon *d)
{
	struct backup_job *j = d->backup;

	if (!j)
		return;
	/* the thread ends by itself in seconds; its idle never runs now */
	g_thread_join(j->thread);
	while (g_idle_remove_by_data(j))
		;
	d->backup = NULL;
	log_warnx("backup: stopped before it was answered");
	job_free(j);
}

void backup_after_restore(struct daemon *d)
{
	int n = 0, rc;

	rc = store_restore_settle(d->store, now_utc(d),
				  ACTOR("presensid", (int64_t)getuid()), &n);
	if (rc < 0)
		log_errno(rc, "restore: cannot record the prints a backup left "
			      "out; will try at the next start");
	else if (n > 0)
		log_info("restore: %d prints were not in the backup: enrol "
			 "each person again (with consent)",
			 n);
}
