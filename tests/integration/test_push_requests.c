/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensid's requests for the live push, with the real build/presensid
 * (frozen simulated clock, no reader, manual punches through the real
 * build/presensi) and no server: sign-batch over the socket verifies
 * under the device key "presensi device key" shows; wait-ledger answers
 * as soon as a row comes, and at its timeout with the head unchanged;
 * push-status is shown by "presensi status", with whether the push's
 * long poll is open; who may ask what, by peer credentials (a member of
 * the push's group is never an admin, even in the admin group: run as
 * root, the peers are forked as nobody with chosen groups); and in fault
 * mode nothing is signed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "control_client.h"
#include "crypto.h"
#include "fakes/testutil.h"
#include "pushbatch.h"
#include "store.h"

#define ADMIN_GROUP "users"   /* groups every Debian system has */
#define PUSH_GROUP  "nogroup" /* (the tests' stand-ins) */
#define ANSWER_MS   20000     /* "answers at all", not a latency bound */
#define OTHER_GID   4242      /* a group neither of them */

static char top[400], bin_d[600], bin_c[600];

struct box {
	char *dir;
	char conf[600], ctl[600], db[600], log[600], simlog[600];
	pid_t pid;
	char pk[CRYPTO_PK_HEX], fpr[CRYPTO_FPR_MAX];
};

static int cli(struct box *b, char **o, ...)
{
	char *argv[24];
	const char *a;
	va_list ap;
	int n = 0;

	argv[n++] = bin_c;
	argv[n++] = "--config";
	argv[n++] = b->conf;
	va_start(ap, o);
	while ((a = va_arg(ap, const char *)) && n < 23)
		argv[n++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[n] = NULL;
	return testutil_run(argv, o);
}

static void ok(struct box *b, ...)
{
	char *argv[24], *o = NULL;
	const char *a;
	va_list ap;
	int n = 0;

	argv[n++] = bin_c;
	argv[n++] = "--config";
	argv[n++] = b->conf;
	va_start(ap, b);
	while ((a = va_arg(ap, const char *)) && n < 23)
		argv[n++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[n] = NULL;
	if (testutil_run(argv, &o) != 0)
		fail_msg("presensi %s %s: %s", argv[3], argv[4], o);
	free(o);
}

static void box_start(struct box *b, void **state)
{
	char text[4096], *o = NULL, *p;

	memset(b, 0, sizeof(*b));
	b->dir = testutil_tmpdir("push-req");
	assert_non_null(b->dir);
	/* nobody (the forked peers) reaches the socket through it */
	assert_int_equal(chmod(b->dir, 0711), 0);
	snprintf(b->conf, sizeof(b->conf), "%s/presensi.conf", b->dir);
	snprintf(b->ctl, sizeof(b->ctl), "%s/ctl.sock", b->dir);
	snprintf(b->db, sizeof(b->db), "%s/presensi.db", b->dir);
	snprintf(b->log, sizeof(b->log), "%s/presensid.log", b->dir);
	snprintf(b->simlog, sizeof(b->simlog), "%s/lights.log", b->dir);
	snprintf(text, sizeof(text),
		 "[desa]\nid = 3517012001\nname = Sumberejo\n"
		 "kecamatan = Pucuk\ntimezone = Asia/Jakarta\n"
		 "[store]\npath = %s\n[control]\nsocket = %s\ngroup "
		 "= " ADMIN_GROUP "\n[lights]\nbackend = sim\nsim_log = %s\n"
		 "[clock]\nsource = simulated\n"
		 "simulated_start = 2026-11-23 07:00:00\nsimulated_speed = 0\n"
		 "[wake]\nduty = no\n[rules]\nprofile = "
		 "%s/firmware/profiles/ppu-24-2018-5hari.ini\n"
		 "[push]\nserver = http://127.0.0.1:9\ngroup = " PUSH_GROUP
		 "\n",
		 b->db, b->ctl, b->simlog, top);
	assert_int_equal(testutil_write(b->conf, text), 0);
	b->pid = fork();
	assert_true(b->pid >= 0);
	if (b->pid == 0) {
		if (!freopen(b->log, "a", stderr))
			_exit(126);
		setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
		setenv("FP_DRIVERS_ALLOWLIST", "virtual_image", 1);
		unsetenv("FP_VIRTUAL_IMAGE");
		execl(bin_d, bin_d, "--config", b->conf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0;; i++) {
		int rc = cli(b, &o, "status", NULL);

		free(o);
		o = NULL;
		if (rc == 0)
			break;
		if (i > ANSWER_MS / 50 ||
		    waitpid(b->pid, NULL, WNOHANG) == b->pid)
			fail_msg("presensid did not start");
		usleep(50 * 1000); /* start-up poll, not pacing */
	}
	ok(b, "person", "add", "--id", "101", "--name", "Budi", "--jabatan",
	   "Kaur", "--since", "2026-11-01", NULL);
	assert_int_equal(cli(b, &o, "device", "key", NULL), 0);
	p = strstr(o, "public_key");
	assert_non_null(p);
	p += strlen("public_key") + strspn(p + strlen("public_key"), " ");
	snprintf(b->pk, sizeof(b->pk), "%.64s", p);
	p = strstr(o, "fingerprint");
	assert_non_null(p);
	p += strlen("fingerprint") + strspn(p + strlen("fingerprint"), " ");
	snprintf(b->fpr, sizeof(b->fpr), "%.19s", p);
	free(o);
	*state = b;
}

static int setup(void **state)
{
	static struct box b;

	box_start(&b, state);
	return 0;
}

static int teardown(void **state)
{
	struct box *b = *state;

	if (b->pid > 0) {
		kill(b->pid, SIGTERM);
		waitpid(b->pid, NULL, 0);
	}
	testutil_rmtree_free(b->dir);
	return 0;
}

/* A connection with a read timeout: a missing answer fails, not hangs. */
static int connect_to(struct box *b)
{
	struct timeval tv = {ANSWER_MS / 1000, 0};
	int fd = control_connect(b->ctl);

	assert_true(fd >= 0);
	assert_int_equal(
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	return fd;
}

/* Sends line on fd and reads the final line into out. */
static void ask_on(int fd, const char *line, char *out, size_t cap)
{
	struct control_reader rb = {0};

	assert_int_equal(control_write_all(fd, line, strlen(line)), 0);
	for (;;) {
		int n = control_read_line(fd, &rb, out, cap);

		if (n < 0)
			fail_msg("%s: no answer (%d)", line, n);
		if (strncmp(out, "ok", 2) == 0 || strncmp(out, "err", 3) == 0)
			return;
	}
}

static void ask(struct box *b, const char *line, char *out, size_t cap)
{
	int fd = connect_to(b);

	ask_on(fd, line, out, cap);
	close(fd);
}

static int64_t head_of(struct box *b, char hash[PD_HASH_HEX])
{
	struct store *st;
	int64_t seq = 0, utc;

	assert_int_equal(store_open(b->db, NULL, STORE_RDONLY, NULL, &st), 0);
	assert_int_equal(store_ledger_head(st, &seq, &utc, hash), 0);
	store_close(st);
	return seq;
}

struct rows {
	struct pushbatch b;
};

static int add_row(void *ud, const struct ledger_row *r)
{
	struct rows *x = ud;

	assert_int_equal(pushbatch_add(&x->b, r), 0);
	return 0;
}

static void test_push_sign_batch_verifies_under_the_device_key(void **state)
{
	struct box *b = *state;
	char line[8192], req[128], stmt[PUSHBATCH_STMT_MAX], head[PD_HASH_HEX];
	struct control_msg m;
	struct rows x;
	struct store *st;
	uint8_t pk[CRYPTO_PK_BYTES], sig[CRYPTO_SIG_BYTES];
	int64_t n = head_of(b, head);

	snprintf(req, sizeof(req), "sign-batch\tfirst=1\tlast=%lld\n",
		 (long long)n);
	ask(b, req, line, sizeof(line));
	assert_int_equal(control_parse(line, &m), 0);
	assert_string_equal(m.field[0], "ok");
	assert_string_equal(control_get(&m, "device"), b->fpr);
	assert_string_equal(control_get(&m, "public_key"), b->pk);
	assert_string_equal(control_get(&m, "desa"), "3517012001");
	assert_string_equal(control_get(&m, "head"), head);
	/* the statement, rebuilt here from the rows read read-only */
	pushbatch_init(&x.b);
	assert_int_equal(store_open(b->db, NULL, STORE_RDONLY, NULL, &st), 0);
	assert_int_equal(store_ledger_each(st, 1, n, add_row, &x), 0);
	store_close(st);
	assert_true(pushbatch_statement(&x.b, b->fpr, "3517012001", stmt) > 0);
	assert_non_null(strstr(stmt, control_get(&m, "lines")));
	assert_int_equal(crypto_hex_decode(b->pk, pk, sizeof(pk)), 0);
	assert_int_equal(crypto_hex_decode(control_get(&m, "signature"), sig,
					   sizeof(sig)),
			 0);
	assert_int_equal(crypto_sig_verify(pk, stmt, strlen(stmt), sig), 0);
	/* rows it does not have, and a malformed range */
	snprintf(req, sizeof(req), "sign-batch\tfirst=1\tlast=%lld\n",
		 (long long)n + 1);
	ask(b, req, line, sizeof(line));
	assert_non_null(strstr(line, "err\tERANGE\tsign-batch: rows 1.."));
	ask(b, "sign-batch\tfirst=x\tlast=2\n", line, sizeof(line));
	assert_non_null(strstr(line, "err\tEINVAL\tfirst:"));
}

static void test_push_wait_ledger_answers_after_a_row(void **state)
{
	struct box *b = *state;
	char line[512], req[128], head[PD_HASH_HEX];
	int64_t n = head_of(b, head);
	int fd;

	/* at its timeout, the head unchanged */
	snprintf(req, sizeof(req), "wait-ledger\tafter=%lld\ttimeout_ms=1\n",
		 (long long)n);
	ask(b, req, line, sizeof(line));
	snprintf(req, sizeof(req), "ok\tseq=%lld\thead=%s", (long long)n, head);
	assert_string_equal(line, req);
	/* behind: at once */
	snprintf(req, sizeof(req), "wait-ledger\tafter=%lld\n",
		 (long long)n - 1);
	ask(b, req, line, sizeof(line));
	assert_non_null(strstr(line, "ok\tseq="));
	/* the long poll open, then a row: it answers with the new head */
	fd = connect_to(b);
	snprintf(req, sizeof(req), "wait-ledger\tafter=%lld\ttimeout_ms=%d\n",
		 (long long)n, CONTROL_WAIT_MAX_MS);
	assert_int_equal(control_write_all(fd, req, strlen(req)), 0);
	ok(b, "punch", "manual", "--id", "101", "--at", "2026-11-23 06:50",
	   "--reason", "alat mati", NULL);
	{
		struct control_reader rb = {0};

		assert_true(control_read_line(fd, &rb, line, sizeof(line)) > 0);
	}
	close(fd);
	snprintf(req, sizeof(req), "ok\tseq=%lld\t", (long long)n + 1);
	assert_non_null(strstr(line, req));
	assert_int_equal(head_of(b, head), n + 1);
}

static void test_push_status_shown_with_the_long_poll(void **state)
{
	struct box *b = *state;
	char line[1024], *o = NULL;
	int fd;

	/* configured, nothing reported yet */
	assert_int_equal(cli(b, &o, "status", NULL), 0);
	assert_non_null(strstr(o, "push             not reporting: is "
				  "presensi-push running? (server "
				  "http://127.0.0.1:9)"));
	free(o);
	ask(b,
	    "push-status\tstate=retrying\tacked=3\tacked_head="
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	    "\tok_at=1795392000\tretry_s=40\trefused=HTTP 403: device key "
	    "x is not trusted here\trefused_at=1795392060\t"
	    "refused_rows=4..6\terror=\tbundle=2026-10\trules=2026-11-23 "
	    "07:00:00: 1 imported\n",
	    line, sizeof(line));
	assert_string_equal(line, "ok\tstate=retrying");
	assert_int_equal(cli(b, &o, "status", NULL), 0);
	assert_non_null(strstr(o, "push             retrying, NOT connected; "
				  "the server holds rows 1..3 (head "
				  "9f86d081884c7d65), last success "
				  "2026-11-23 07:00:00 WIB"));
	assert_non_null(strstr(o, "push_retry       in 40 s"));
	assert_non_null(strstr(o, "push_refused     2026-11-23 07:01:00 WIB "
				  "4..6: HTTP 403: device key x is not "
				  "trusted here"));
	assert_null(strstr(o, "push_error"));
	assert_non_null(strstr(o, "push_bundle      closed months up to "
				  "2026-10 acknowledged"));
	assert_non_null(strstr(o, "push_rules       2026-11-23 07:00:00: 1 "
				  "imported"));
	free(o);
	/* the same peer's long poll open: connected */
	fd = connect_to(b);
	assert_int_equal(control_write_all(fd,
					   "wait-ledger\tafter=999999\t"
					   "timeout_ms=600000\n",
					   strlen("wait-ledger\tafter=999999\t"
						  "timeout_ms=600000\n")),
			 0);
	for (int i = 0;; i++) {
		int has;

		assert_int_equal(cli(b, &o, "status", NULL), 0);
		has = strstr(o, "retrying, connected;") != NULL;
		free(o);
		if (has)
			break;
		if (i > ANSWER_MS / 20)
			fail_msg("the open long poll is not seen");
		usleep(20 * 1000); /* the request's arrival, polled */
	}
	close(fd);
}

/* What a peer of uid nobody, group primary and supplementary groups
 * gids, sees of each request: its final lines, one per request, into
 * out (through a pipe). */
static void as_nobody(struct box *b, gid_t primary, const gid_t *gids,
		      int ngids, const char *const *reqs, char *out, size_t cap)
{
	int pfd[2];
	pid_t pid;
	size_t len = 0;
	ssize_t n;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char line[1024];

		close(pfd[0]);
		if (setgroups((size_t)ngids, gids) < 0 ||
		    setresgid(primary, primary, primary) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(125);
		for (; *reqs; reqs++) {
			int fd = control_connect(b->ctl);
			struct control_reader rb = {0};

			if (fd < 0) {
				dprintf(pfd[1], "connect: %s\n", strerror(-fd));
				continue;
			}
			if (control_write_all(fd, *reqs, strlen(*reqs)) < 0 ||
			    control_read_line(fd, &rb, line, sizeof(line)) < 0)
				snprintf(line, sizeof(line), "no answer");
			close(fd);
			dprintf(pfd[1], "%.200s\n", line);
		}
		_exit(0);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pfd[0]);
	waitpid(pid, NULL, 0);
}

static void test_push_group_may_ask_the_push_requests_only(void **state)
{
	struct box *b = *state;
	static const char *const reqs[] = {
		"sign-batch\tfirst=1\tlast=1\n",
		"person-add\tid=999\tname=X\tjabatan=Y\n",
		"push-status\tstate=caught-up\tacked=1\n",
		"ping\n",
		NULL,
	};
	struct group *g;
	char out[4096];
	gid_t admin, push;

	if (geteuid() != 0) {
		skip(); /* peers of other uids need root to be made */
		return;
	}
	/* getgrnam's answer lives until the next call: each taken at once */
	g = getgrnam(ADMIN_GROUP);
	assert_non_null(g);
	admin = g->gr_gid;
	g = getgrnam(PUSH_GROUP);
	assert_non_null(g);
	push = g->gr_gid;
	/* as the push's unit runs it: its own group, and the admin group to
	 * reach the socket: the push's requests, never an admin's */
	as_nobody(b, push, &admin, 1, reqs, out, sizeof(out));
	assert_non_null(strstr(out, "ok\tdevice="));
	assert_non_null(strstr(out, "err\tEPERM\tperson-add: only root and "
				    "members of group " ADMIN_GROUP
				    " may change records"));
	assert_non_null(strstr(out, "ok\tstate=caught-up"));
	assert_non_null(strstr(out, "ok\tversion="));
	/* an admin may do both */
	as_nobody(b, admin, &admin, 1, reqs, out, sizeof(out));
	assert_non_null(strstr(out, "ok\tdevice="));
	assert_non_null(strstr(out, "ok\tid=999"));
	/* in neither group: not even the socket */
	as_nobody(b, OTHER_GID, NULL, 0, reqs, out, sizeof(out));
	assert_non_null(strstr(out, "connect: Permission denied"));
	assert_null(strstr(out, "ok"));
	/* in the push's group alone: the socket stays closed too (the
	 * admin group opens it) */
	as_nobody(b, push, NULL, 0, reqs, out, sizeof(out));
	assert_non_null(strstr(out, "connect: Permission denied"));
}

static void test_push_fault_mode_signs_nothing(void **state)
{
	struct box *b = *state;
	char line[1024], moved[700], *o = NULL;

	/* the database deleted under the running daemon: fault mode */
	snprintf(moved, sizeof(moved), "%s.moved", b->db);
	assert_int_equal(rename(b->db, moved), 0);
	(void)cli(b, &o, "status", NULL); /* status notices it */
	free(o);
	ask(b, "sign-batch\tfirst=1\tlast=1\n", line, sizeof(line));
	assert_non_null(strstr(line, "err\tEIO\tsign-batch: refused, the box "
				     "is in fault mode"));
	ask(b, "wait-ledger\tafter=0\n", line, sizeof(line));
	assert_non_null(strstr(line, "err\tEIO\twait-ledger: the store is not "
				     "usable"));
	/* a report is still taken: the push says how it is */
	ask(b, "push-status\tstate=retrying\n", line, sizeof(line));
	assert_string_equal(line, "ok\tstate=retrying");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_push_sign_batch_verifies_under_the_device_key,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_push_wait_ledger_answers_after_a_row, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_push_status_shown_with_the_long_poll, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_push_group_may_ask_the_push_requests_only, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_push_fault_mode_signs_nothing, setup, teardown),
	};
	const char *o = getenv("O") ? getenv("O") : "build";

	signal(SIGPIPE, SIG_IGN);
	if (!getcwd(top, sizeof(top)) || crypto_init() < 0)
		return 1;
	snprintf(bin_d, sizeof(bin_d), "%s/%s/presensid", top, o);
	snprintf(bin_c, sizeof(bin_c), "%s/%s/presensi", top, o);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
