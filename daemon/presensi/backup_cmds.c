/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * backup_cmds.c: "backup" and "restore" in the presensi CLI (DOMAIN §6.8).
 * backup opens the output file through the atomic writer and passes its
 * descriptor to presensid with the passphrase (asked twice, without echo):
 * presensid, which alone holds the key file, writes the sealed file into
 * it, and the CLI commits it and checks what landed.  restore, on a fresh
 * card with presensid stopped, opens a backup with its passphrase, checks
 * everything (the database with chain verify, its ledger head against the
 * file, the configuration, the state directory), and only then installs
 * the database, the key file and the configuration, and marks the state
 * directory.
 */
#include "cli_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "atomicfile.h"
#include "backupfile.h"
#include "civil.h"
#include "control.h"
#include "control_client.h"
#include "crypto.h"
#include "keyfile.h"
#include "nfc.h"
#include "store.h"

#define PASS_BUF    (BACKUPFILE_PASS_MAX + 2) /* a line, its '\n', NUL */
#define REQ_MAX	    (4 * BACKUPFILE_PASS_MAX + 64)
#define FILE_MAX    ((size_t)2 << 30) /* a backup file we read, bytes */
#define DB_MODE	    0640	      /* as presensid makes it (DOMAIN §6.6) */
#define CONF_MODE   0640
#define MARKER_MODE 0640
#define WHY_MAX	    512

/* ---- the passphrase: from the terminal without echo, or stdin ---- */

static struct termios saved_tio;
static volatile sig_atomic_t tio_saved;

static void restore_tty(void)
{
	if (tio_saved)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	tio_saved = 0;
}

/* Interrupted at the prompt: the terminal gets its echo back. */
static void on_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One line from stdin into buf (cap bytes), without its line end.  0,
 * -E2BIG (longer than BACKUPFILE_PASS_MAX), -ENODATA (nothing). */
static int read_line(char *buf, size_t cap)
{
	size_t n = 0;

	for (;;) {
		char ch;
		ssize_t r = read(STDIN_FILENO, &ch, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || ch == '\n')
			break;
		if (n + 1 >= cap) {
			explicit_bzero(buf, cap);
			return -E2BIG;
		}
		buf[n++] = ch;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return n ? 0 : -ENODATA;
}

/* Asks with prompt (on stderr); on a terminal without echo. */
static int ask_pass(const char *prompt, char *buf, size_t cap)
{
	struct termios tio;
	int rc;

	if (!isatty(STDIN_FILENO))
		return read_line(buf, cap); /* tests, scripts */
	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return -errno;
	tio = saved_tio;
	tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tio_saved = 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &tio) < 0) {
		rc = -errno;
		tio_saved = 0;
		return rc;
	}
	fputs(prompt, stderr);
	fflush(stderr);
	rc = read_line(buf, cap);
	restore_tty();
	fputc('\n', stderr);
	return rc;
}

/* The passphrase in NFC (so the same words typed on another keyboard
 * give the same key) into a new string *out: 0, or the exit code after
 * saying why. */
static int get_pass(bool twice, char **out)
{
	char a[PASS_BUF], b[PASS_BUF];
	int rc;

	rc = ask_pass("Kata sandi cadangan: ", a, sizeof(a));
	if (rc == 0 && twice) {
		rc = ask_pass("Ulangi kata sandi: ", b, sizeof(b));
		if (rc == 0 && strcmp(a, b) != 0)
			rc = -EILSEQ;
		explicit_bzero(b, sizeof(b));
	}
	if (rc == 0)
		rc = nfc_normalize(a, out);
	explicit_bzero(a, sizeof(a));
	switch (rc) {
	case 0:
		return 0;
	case -EILSEQ:
		fprintf(stderr, "presensi: the two passphrases differ, or it "
				"is not UTF-8; nothing was written\n");
		return CLI_EXIT_USAGE;
	case -E2BIG:
		fprintf(stderr,
			"presensi: the passphrase is longer than %d "
			"bytes\n",
			BACKUPFILE_PASS_MAX);
		return CLI_EXIT_USAGE;
	case -ENODATA:
		fprintf(stderr, "presensi: no passphrase given\n");
		return CLI_EXIT_USAGE;
	default:
		fprintf(stderr, "presensi: cannot read the passphrase: %s\n",
			strerror(-rc));
		return CLI_EXIT_REFUSED;
	}
}

static void free_pass(char *p)
{
	if (p) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

/* ---- backup ---- */

/* "presensi-<desa>-backup-YYYYMMDD-HHMMSS.pdbak", local time. */
static void backup_name(const struct conf *c, int64_t now, char *out,
			size_t cap)
{
	char local[CIVIL_LOCAL_LEN];

	civil_local_format(now, c->offset_min, local);
	snprintf(out, cap,
		 "presensi-%s-backup-%.4s%.2s%.2s-%.2s%.2s%."
		 "2s" BACKUPFILE_SUFFIX,
		 c->desa_id, local, local + 5, local + 8, local + 11,
		 local + 14, local + 17);
}

/* Sends the request with the passphrase and the file; 0 or the exit
 * code.  sha gets the daemon's SHA-256 of what it wrote. */
static int ask_backup(const struct conf *c, const char *pass, int fd,
		      char sha[PD_HASH_HEX])
{
	char *line = malloc(REQ_MAX), ok[128];
	struct control_buf b;
	int rc;

	if (!line)
		return CLI_EXIT_REFUSED;
	control_buf_init(&b, line, REQ_MAX);
	control_buf_add(&b, "backup");
	control_buf_addkv(&b, "passphrase", pass);
	rc = control_buf_end(&b) < 0 ? CLI_EXIT_USAGE
				     : cli_ask(c, line, fd, ok, sizeof(ok));
	explicit_bzero(line, REQ_MAX);
	free(line);
	if (rc == 0) {
		if (strncmp(ok, "sha256=", 7) != 0 ||
		    strlen(ok + 7) != PD_HASH_HEX - 1) {
			fprintf(stderr, "presensi: backup: presensid's answer "
					"lacks the file's SHA-256\n");
			return CLI_EXIT_REFUSED;
		}
		memcpy(sha, ok + 7, PD_HASH_HEX); /* 64 digits and NUL */
	}
	return rc;
}

int cli_run_backup(const struct conf *c, const struct cli_args *a)
{
	const char *dir = cli_get(a, "out");
	char name[PD_ID_MAX + 64], path[PATH_MAX], sha[PD_HASH_HEX],
		back[PD_HASH_HEX];
	struct atomicfile *af = NULL;
	struct stat st;
	char *pass = NULL;
	int64_t now;
	int rc;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "presensi: backup: %s is not a directory\n",
			dir);
		return CLI_EXIT_USAGE;
	}
	rc = get_pass(true, &pass);
	if (rc != 0)
		return rc;
	if (strlen(pass) < BACKUPFILE_PASS_MIN) {
		fprintf(stderr,
			"presensi: backup: the passphrase needs at least %d "
			"characters (a few words are best); nothing was "
			"written\n",
			BACKUPFILE_PASS_MIN);
		free_pass(pass);
		return CLI_EXIT_USAGE;
	}
	now = cli_daemon_now(c);
	if (now <= 0) {
		fprintf(stderr,
			"presensi: cannot reach presensid at %s (is the daemon "
			"running?): it makes the backup\n",
			c->socket_path);
		free_pass(pass);
		return CLI_EXIT_REFUSED;
	}
	backup_name(c, now, name, sizeof(name));
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		free_pass(pass);
		fprintf(stderr, "presensi: backup: %s: path too long\n", dir);
		return CLI_EXIT_USAGE;
	}
	/* 0600: the file holds the key file, sealed; on FAT it is moot */
	rc = atomicfile_open(path, 0600, ATOMICFILE_NOREPLACE, &af);
	if (rc < 0) {
		free_pass(pass);
		fprintf(stderr, "presensi: backup: %s: %s\n", path,
			strerror(-rc));
		return CLI_EXIT_REFUSED;
	}
	rc = ask_backup(c, pass, fileno(atomicfile_stream(af)), sha);
	free_pass(pass);
	if (rc != 0) {
		atomicfile_abort(af);
		return rc;
	}
	rc = atomicfile_commit(af); /* fsync, rename, fsync of the dir */
	if (rc == 0)
		rc = crypto_sha256_file(path, back);
	if (rc < 0) {
		fprintf(stderr, "presensi: backup: %s: %s\n", path,
			strerror(-rc));
		return CLI_EXIT_REFUSED;
	}
	if (strcmp(sha, back) != 0) {
		fprintf(stderr,
			"presensi: backup: %s does not read back as written "
			"(SHA-256 differs): use another stick\n",
			path);
		return CLI_EXIT_REFUSED;
	}
	sync(); /* the stick may be pulled as soon as this returns */
	printf("written %s\nsha256           %s\nKeep the passphrase apart "
	       "from the stick: without it the file cannot be restored.\n",
	       path, sha);
	return CLI_EXIT_OK;
}

/* ---- restore ---- */

/* Reads the whole file into a new buffer; 0 or -errno (said). */
static int slurp(const char *path, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t off = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > FILE_MAX) {
		rc = -EFBIG;
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			free(buf);
			goto out;
		}
		off += (size_t)n;
	}
	*out = buf;
	*len = off;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		fprintf(stderr, "presensi: restore: %s: %s\n", path,
			rc == -EFBIG ? "not a backup file (too large, or not "
				       "a file)"
				     : strerror(-rc));
	return rc;
}

/* The canonical directory of path's parent, into out (PATH_MAX). */
static int parent_of(const char *path, char *out)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	return realpath(dirname(copy), out) ? 0 : -errno;
}

/* Everything restore checks and installs. */
struct restore {
	const char *from, *state, *conf_out;
	struct backupfile_parts p;
	struct conf conf;
	char marker[PATH_MAX + sizeof(STORE_MARKER_NAME) + 1];
	char why[WHY_MAX];
};

/* The backup's configuration, parsed as it will live at --config-out
 * (relative paths resolve against its directory). */
static int check_conf(struct restore *r)
{
	char err[4096];
	FILE *fp;
	int rc;

	fp = fmemopen((void *)(uintptr_t)r->p.conf, r->p.conf_len, "r");
	if (!fp)
		return -errno;
	rc = conf_parse(fp, r->conf_out, &r->conf, err, sizeof(err));
	fclose(fp);
	if (rc < 0) {
		fprintf(stderr,
			"presensi: restore: the configuration in the backup "
			"does not load:\n%s",
			err);
		return rc;
	}
	if (strcmp(r->conf.desa_id, r->p.meta.desa_id) != 0) {
		fprintf(stderr,
			"presensi: restore: the backup's configuration names "
			"desa %s, its contents desa %s\n",
			r->conf.desa_id, r->p.meta.desa_id);
		return -EINVAL;
	}
	return 0;
}

/* The state directory: it exists, it is where the configuration keeps
 * the database and the key, and it holds no store yet. */
static int check_state_dir(struct restore *r)
{
	char dir[PATH_MAX], db_dir[PATH_MAX], key_dir[PATH_MAX];
	char wal[PATH_MAX + 8], shm[PATH_MAX + 8];
	const char *const there[] = {r->conf.store_path, wal, shm,
				     r->conf.key_path, r->marker};
	struct stat st;

	if (!realpath(r->state, dir) || stat(dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode)) {
		fprintf(stderr,
			"presensi: restore: %s is not a directory: create it "
			"(mode 0750, owned by presensid's user) first\n",
			r->state);
		return -ENOTDIR;
	}
	if (parent_of(r->conf.store_path, db_dir) != 0 ||
	    parent_of(r->conf.key_path, key_dir) != 0 ||
	    strcmp(dir, db_dir) != 0 || strcmp(dir, key_dir) != 0) {
		fprintf(stderr,
			"presensi: restore: the backup's configuration keeps "
			"its database at %s and its key at %s, not in %s: "
			"restore with --state-dir set to that directory\n",
			r->conf.store_path, r->conf.key_path, r->state);
		return -EXDEV;
	}
	snprintf(r->marker, sizeof(r->marker), "%s/%s", dir, STORE_MARKER_NAME);
	snprintf(wal, sizeof(wal), "%s-wal", r->conf.store_path);
	snprintf(shm, sizeof(shm), "%s-shm", r->conf.store_path);
	for (size_t i = 0; i < sizeof(there) / sizeof(there[0]); i++)
		if (lstat(there[i], &st) == 0) {
			fprintf(stderr,
				"presensi: restore: %s exists: this directory "
				"holds a store already; restore only onto a "
				"fresh card (move it away first)\n",
				there[i]);
			return -EEXIST;
		}
	return 0;
}

/* The database, before anything is installed: it opens, every page is
 * well formed, the chain verifies, and it ends where the file says. */
static int check_db(struct restore *r, int64_t *rows)
{
	struct store *st = NULL;
	int64_t bad = 0, seq = 0, t;
	char head[PD_HASH_HEX];
	int rc;

	rc = store_image_open(r->p.db, r->p.db_len, &st);
	if (rc == 0)
		rc = store_check(st, r->why, sizeof(r->why));
	if (rc == 0) {
		rc = store_chain_verify(st, rows, &bad, r->why, sizeof(r->why));
		if (rc == -EBADMSG)
			fprintf(stderr,
				"presensi: restore: the database's chain is "
				"broken at seq %lld: %s\n",
				(long long)bad, r->why);
	}
	if (rc == 0)
		rc = store_ledger_head(st, &seq, &t, head);
	if (rc == 0 && (seq != r->p.meta.ledger_rows ||
			strcmp(head, r->p.meta.ledger_head) != 0)) {
		fprintf(stderr,
			"presensi: restore: the database ends at row %lld, "
			"the backup says %lld\n",
			(long long)seq, (long long)r->p.meta.ledger_rows);
		rc = -EBADMSG;
	}
	store_close(st);
	if (rc < 0 && rc != -EBADMSG)
		fprintf(stderr,
			"presensi: restore: the database does not "
			"open: %s\n",
			r->why[0] ? r->why : strerror(-rc));
	return rc;
}

/* Root restores for presensid's user: each file takes the owner and
 * group of the state directory (tmpfiles: presensi, presensi-admin). */
static int own_like(const char *path, const char *like)
{
	struct stat st;

	if (geteuid() != 0)
		return 0;
	if (stat(like, &st) != 0 || chown(path, st.st_uid, st.st_gid) != 0)
		return -errno;
	return 0;
}

static int write_marker(const struct restore *r)
{
	char text[PATH_MAX + 128];
	int n = snprintf(text, sizeof(text),
			 "presensid keeps its store here: %s\nIf that file is "
			 "missing, restore it from a backup.\n",
			 r->conf.store_path);

	return atomicfile_write(r->marker, MARKER_MODE, ATOMICFILE_NOREPLACE,
				text, (size_t)n);
}

/* The configuration at --config-out: one that was there keeps its owner
 * and mode; a new one its directory's group. */
static int install_conf(const struct restore *r)
{
	char dir[PATH_MAX];
	struct stat old;
	bool had = stat(r->conf_out, &old) == 0;
	int rc;

	rc = atomicfile_write(r->conf_out,
			      had ? old.st_mode & 07777 : CONF_MODE, 0,
			      r->p.conf, r->p.conf_len);
	if (rc == 0 && geteuid() == 0) {
		if (had && chown(r->conf_out, old.st_uid, old.st_gid) != 0)
			rc = -errno;
		else if (!had && parent_of(r->conf_out, dir) == 0)
			rc = own_like(r->conf_out, dir);
	}
	return rc;
}

/* Installs database, key and marker, then the configuration; on a
 * failure removes what it installed. */
static int install(struct restore *r)
{
	const char *done[3];
	int n = 0, rc;

	rc = atomicfile_write(r->conf.store_path, DB_MODE, ATOMICFILE_NOREPLACE,
			      r->p.db, r->p.db_len);
	if (rc == 0) {
		done[n++] = r->conf.store_path;
		rc = own_like(r->conf.store_path, r->state);
	}
	if (rc == 0)
		rc = keyfile_install(r->conf.key_path, r->p.key);
	if (rc == 0) {
		done[n++] = r->conf.key_path;
		rc = own_like(r->conf.key_path, r->state);
	}
	if (rc == 0)
		rc = write_marker(r);
	if (rc == 0) {
		done[n++] = r->marker;
		rc = own_like(r->marker, r->state);
	}
	if (rc == 0)
		rc = install_conf(r);
	if (rc < 0) {
		fprintf(stderr,
			"presensi: restore: cannot install (%s); removed what "
			"was installed\n",
			strerror(-rc));
		while (n > 0)
			(void)unlink(done[--n]); /* best effort, said above */
	}
	return rc;
}

/* Opens the file and checks every part; 0 or the exit code (said). */
static int restore_check(struct restore *r, uint8_t *buf, size_t len,
			 int64_t *rows)
{
	struct backupfile_info info;
	char *pass = NULL;
	int rc;

	rc = backupfile_check(buf, len, &info, r->why, sizeof(r->why));
	if (rc < 0) {
		fprintf(stderr,
			"presensi: restore: %s: %s; nothing was "
			"written\n",
			r->from, r->why);
		return CLI_EXIT_REFUSED;
	}
	rc = get_pass(false, &pass);
	if (rc != 0)
		return rc;
	rc = backupfile_open(buf, len, pass, strlen(pass), &r->p, r->why,
			     sizeof(r->why));
	free_pass(pass);
	if (rc < 0) {
		fprintf(stderr,
			"presensi: restore: %s: %s; nothing was "
			"written\n",
			r->from, r->why);
		return CLI_EXIT_REFUSED;
	}
	r->why[0] = '\0';
	if (check_conf(r) < 0 || check_state_dir(r) < 0 ||
	    check_db(r, rows) < 0) {
		fprintf(stderr, "presensi: restore: nothing was written\n");
		return CLI_EXIT_REFUSED;
	}
	return 0;
}

int cli_run_restore(const struct conf *c, const struct cli_args *a)
{
	struct restore *r = calloc(1, sizeof(*r));
	char pk[CRYPTO_PK_HEX], fpr[CRYPTO_FPR_MAX];
	uint8_t seed[CRYPTO_KEY_BYTES], *buf = NULL;
	struct crypto_devkey dk;
	size_t len = 0;
	int64_t rows = 0;
	int lock = -1, rc;

	(void)c; /* no config: it comes from the backup */
	if (!r)
		return CLI_EXIT_REFUSED;
	r->from = cli_get(a, "from");
	r->state = cli_get(a, "state-dir");
	r->conf_out = cli_get(a, "config-out");
	if (crypto_init() < 0 || slurp(r->from, &buf, &len) < 0) {
		free(r);
		return CLI_EXIT_REFUSED;
	}
	/* a presensid running on the directory holds its lock */
	lock = open(r->state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr,
			"presensi: restore: %s is in use by a running "
			"presensid: stop it first; nothing was written\n",
			r->state);
		rc = CLI_EXIT_REFUSED;
		goto out;
	}
	rc = restore_check(r, buf, len, &rows);
	if (rc == 0 && install(r) < 0)
		rc = CLI_EXIT_REFUSED;
	if (rc != 0)
		goto out;
	crypto_key_derive(r->p.key, CRYPTO_SUBKEY_SIGN, seed);
	crypto_devkey_from_seed(seed, &dk);
	explicit_bzero(seed, sizeof(seed));
	crypto_pubkey_hex(dk.pk, pk);
	crypto_pubkey_fingerprint(dk.pk, fpr);
	explicit_bzero(&dk, sizeof(dk));
	printf("restored desa %s (%s), backup of ledger rows 1..%lld\n"
	       "database         %s\nkey              %s\n"
	       "configuration    %s\npublic_key       %s\n"
	       "fingerprint      %s\n"
	       "The device key is the one the kecamatan knows: the box's "
	       "chain goes on.\nNo fingerprint template was in the backup "
	       "(%lld left out): start presensid, then enrol everyone again, "
	       "with consent.\n",
	       r->p.meta.desa_id, r->p.meta.desa_name, (long long)rows,
	       r->conf.store_path, r->conf.key_path, r->conf_out, pk, fpr,
	       (long long)r->p.meta.prints_dropped);
out:
	if (lock >= 0)
		close(lock);
	explicit_bzero(buf, len); /* it holds the key file */
	free(buf);
	explicit_bzero(r, sizeof(*r));
	free(r);
	return rc;
}
