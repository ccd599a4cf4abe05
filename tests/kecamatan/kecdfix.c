/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kecdfix.c: the real kecamatand, an HTTP client and a pushing box. */
#include "kecdfix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto.h"
#include "fakes/testutil.h"
#include "json.h"
#include "ledger.h"
#include "pushbatch.h"
#include "store.h"

#define START_TIMEOUT_MS 20000 /* kecamatand's READY=1, at most */
#define REPLY_MAX	 (64 << 20)

static char *bin(const char *name, char *buf, size_t cap)
{
	const char *o = getenv("O");

	snprintf(buf, cap, "%s/%s", o && *o ? o : "build", name);
	return buf;
}

/* The tree's top: where the tests run (or $PD_TOP). */
static const char *top(void)
{
	static char cwd[512];
	const char *t = getenv("PD_TOP");

	if (t && *t)
		return t;
	if (!cwd[0] && !getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	return cwd;
}

/* ---- HTTP ---- */

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int kecdfix_http(int port, const char *method, const char *path,
		 const char *ctype, const char *cookie, const void *body,
		 size_t len, struct kecdfix_reply *out)
{
	struct sockaddr_in sa;
	char head[4096], *buf = NULL, *sep;
	size_t got = 0, cap = 0;
	int fd, n, rc;

	memset(out, 0, sizeof(*out));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	n = snprintf(head, sizeof(head),
		     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
		     "Connection: close\r\n%s%s%s%s%s%s",
		     method, path, port, ctype ? "Content-Type: " : "",
		     ctype ? ctype : "", ctype ? "\r\n" : "",
		     cookie ? "Cookie: " : "", cookie ? cookie : "",
		     cookie ? "\r\n" : "");
	if (body || strcmp(method, "POST") == 0)
		n += snprintf(head + n, sizeof(head) - (size_t)n,
			      "Content-Length: %zu\r\n", len);
	n += snprintf(head + n, sizeof(head) - (size_t)n, "\r\n");
	rc = write_all(fd, head, (size_t)n);
	if (rc == 0 && len)
		rc = write_all(fd, body, len);
	/* a server that refused the body early closes: read its answer */
	if (rc == -EPIPE || rc == -ECONNRESET)
		rc = 0;
	while (rc == 0) {
		ssize_t r;

		if (got + 65536 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 131072;
			if (cap > REPLY_MAX || !(nb = realloc(buf, cap))) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
		}
		r = read(fd, buf + got, cap - got - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != ECONNRESET)
			rc = -errno;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (rc || !buf) {
		free(buf);
		return rc ? rc : -EIO;
	}
	buf[got] = '\0';
	sep = strstr(buf, "\r\n\r\n");
	if (!sep || sscanf(buf, "HTTP/1.1 %d", &out->status) != 1) {
		free(buf);
		return -EIO;
	}
	*sep = '\0';
	out->head = buf;
	out->body = sep + 4;
	out->len = got - (size_t)(out->body - buf);
	/* a chunked answer: join the chunks */
	if (strcasestr(out->head, "Transfer-Encoding: chunked")) {
		char *r = out->body, *w = out->body;

		for (;;) {
			unsigned long sz = strtoul(r, &r, 16);

			r = strstr(r, "\r\n");
			if (!r || !sz)
				break;
			r += 2;
			memmove(w, r, sz);
			w += sz;
			r += sz + 2;
		}
		*w = '\0';
		out->len = (size_t)(w - out->body);
	}
	return 0;
}

void kecdfix_reply_free(struct kecdfix_reply *r)
{
	free(r->head);
	memset(r, 0, sizeof(*r));
}

const char *kecdfix_header(const struct kecdfix_reply *r, const char *name,
			   int n, char *out, size_t cap)
{
	const char *p = r->head;
	size_t nl = strlen(name);

	while ((p = strstr(p, "\r\n"))) {
		p += 2;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':' && n-- == 0) {
			const char *v = p + nl + 1, *e;

			while (*v == ' ')
				v++;
			e = strstr(v, "\r\n");
			snprintf(out, cap, "%.*s",
				 (int)(e ? (size_t)(e - v) : strlen(v)), v);
			return out;
		}
	}
	return NULL;
}

/* ---- the server ---- */

static int free_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

void kecdfix_clock(struct kecdfix_server *s, int64_t utc)
{
	char at[21], text[32];

	ledger_iso_utc(utc, at);
	snprintf(text, sizeof(text), "%s\n", at);
	/* a new file each time: its modification time always moves */
	{
		char tmp[340];

		snprintf(tmp, sizeof(tmp), "%s.tmp", s->clock);
		assert_int_equal(testutil_write(tmp, text), 0);
		assert_int_equal(rename(tmp, s->clock), 0);
	}
}

/* The server of a test that failed before stopping it: stopped at the
 * next start and at exit, so no server outlives its test program. */
static pid_t running;

static void stop_running(void)
{
	if (running > 0) {
		kill(running, SIGTERM);
		waitpid(running, NULL, 0);
		running = 0;
	}
}

void kecdfix_start(struct kecdfix_server *s, const char *dir, const char *db,
		   int64_t now_utc, const char *extra)
{
	static int registered;
	char text[4096], notify[300], k[512], buf[64];
	struct sockaddr_un sa;
	struct pollfd pfd;
	int fd, n, left = START_TIMEOUT_MS;

	stop_running();
	if (!registered++)
		atexit(stop_running);
	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	snprintf(s->db, sizeof(s->db), "%s", db);
	snprintf(s->conf, sizeof(s->conf), "%s/kecamatand.conf", dir);
	snprintf(s->clock, sizeof(s->clock), "%s/clock", dir);
	snprintf(s->log, sizeof(s->log), "%s/kecamatand.log", dir);
	kecdfix_clock(s, now_utc);
	s->port = free_port();
	snprintf(text, sizeof(text),
		 "[server]\nlisten = 127.0.0.1\nport = %d\napi_workers = 3\n"
		 "page_workers = 2\ntmp_dir = %s\n[store]\ndb = %s\n"
		 "[publisher]\nkey = %s/publisher.key\n[rules]\n"
		 "dir = %s/firmware\n[clock]\n"
		 "source = simulated\nsimulated_file = %s\n%s",
		 s->port, dir, db, dir, top(), s->clock, extra ? extra : "");
	assert_int_equal(testutil_write(s->conf, text), 0);
	snprintf(notify, sizeof(notify), "%s/notify", dir);
	unlink(notify);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	assert_true(strlen(notify) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, notify, strlen(notify) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	bin("kecamatand", k, sizeof(k));
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		/* nothing of ours stays open in it: a pipe the test's output
		 * goes to must close when the test ends */
		if (!freopen(s->log, "a", stderr) ||
		    !freopen("/dev/null", "w", stdout))
			_exit(126);
		setenv("NOTIFY_SOCKET", notify, 1);
		execl(k, k, "--config", s->conf, (char *)NULL);
		_exit(127);
	}
	/* READY=1, as systemd waits for it (Type=notify) */
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (left > 0) {
		int rc = poll(&pfd, 1, 200);

		left -= 200;
		if (rc > 0) {
			n = (int)recv(fd, buf, sizeof(buf) - 1, 0);
			if (n > 0) {
				buf[n] = '\0';
				if (strstr(buf, "READY=1"))
					break;
			}
		}
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			char *log = testutil_slurp(s->log, NULL);

			s->pid = 0;
			close(fd);
			fail_msg("kecamatand exited at start:\n%s",
				 log ? log : "");
		}
	}
	close(fd);
	running = s->pid;
	if (left <= 0)
		fail_msg("kecamatand: no READY=1 in %d ms", START_TIMEOUT_MS);
}

void kecdfix_stop(struct kecdfix_server *s)
{
	int status;

	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (running == s->pid)
		running = 0;
	s->pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *log = testutil_slurp(s->log, NULL);

		fail_msg("kecamatand did not stop cleanly (status %d):\n%s",
			 status, log ? log : "");
	}
}

/* ---- accounts and pages ---- */

int kecdfix_cli(const char *db, const char *stdin_text, char **out, ...)
{
	char k[512], in[320], *argv[24], *o;
	const char *a;
	size_t got = 0, cap = 4096;
	int n = 0, rc, pipefd[2], status;
	va_list ap;
	pid_t pid;

	argv[n++] = bin("presensi-kecamatan", k, sizeof(k));
	argv[n++] = "--db";
	argv[n++] = (char *)(uintptr_t)db;
	va_start(ap, out);
	while ((a = va_arg(ap, const char *)) && n < 23)
		argv[n++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[n] = NULL;
	snprintf(in, sizeof(in), "/tmp/kecdfix-stdin-%d", (int)getpid());
	assert_int_equal(testutil_write(in, stdin_text ? stdin_text : ""), 0);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(in, O_RDONLY);

		if (fd < 0)
			_exit(126);
		dup2(fd, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	o = malloc(cap);
	assert_non_null(o);
	for (;;) {
		ssize_t r;

		if (got + 1 >= cap) {
			o = realloc(o, cap *= 2);
			assert_non_null(o);
		}
		r = read(pipefd[0], o + got, cap - got - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	o[got] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	unlink(in);
	if (out)
		*out = o;
	else
		free(o);
	return rc;
}

void kecdfix_user(const char *db, const char *kecamatan, const char *name,
		  const char *role, const char *pw)
{
	char in[160], *o = NULL;
	int rc;

	snprintf(in, sizeof(in), "%s\n", pw);
	if (kecamatan)
		rc = kecdfix_cli(db, in, &o, "--kecamatan", kecamatan, "user",
				 "add", "--name", name, "--role", role, NULL);
	else
		rc = kecdfix_cli(db, in, &o, "user", "add", "--name", name,
				 "--role", role, NULL);
	if (rc != 0)
		fail_msg("user add %s: %s", name, o);
	free(o);
}

int kecdfix_csrf(const char *page, char *out, size_t cap)
{
	const char *p = strstr(page, "name=\"csrf\" value=\"");
	const char *e;

	if (!p)
		return -ENOENT;
	p += strlen("name=\"csrf\" value=\"");
	e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= cap)
		return -EINVAL;
	snprintf(out, cap, "%.*s", (int)(e - p), p);
	return 0;
}

char *kecdfix_get(int port, const char *path, const char *cookie, int *status)
{
	struct kecdfix_reply r;
	char *page;

	assert_int_equal(
		kecdfix_http(port, "GET", path, NULL, cookie, NULL, 0, &r), 0);
	*status = r.status;
	page = strdup(r.body);
	kecdfix_reply_free(&r);
	return page;
}

int kecdfix_login(int port, const char *name, const char *pw, char *cookie,
		  size_t cap)
{
	struct kecdfix_reply r;
	char pre[160], tok[80], body[512], hdr[512];
	int status;

	assert_int_equal(
		kecdfix_http(port, "GET", "/masuk", NULL, NULL, NULL, 0, &r),
		0);
	assert_non_null(kecdfix_header(&r, "Set-Cookie", 0, hdr, sizeof(hdr)));
	snprintf(pre, sizeof(pre), "%.*s", (int)strcspn(hdr, ";"), hdr);
	assert_int_equal(kecdfix_csrf(r.body, tok, sizeof(tok)), 0);
	kecdfix_reply_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&nama=%s&sandi=%s", tok, name, pw);
	assert_int_equal(kecdfix_http(port, "POST", "/masuk",
				      "application/x-www-form-urlencoded", pre,
				      body, strlen(body), &r),
			 0);
	status = r.status;
	cookie[0] = '\0';
	for (int i = 0; kecdfix_header(&r, "Set-Cookie", i, hdr, sizeof(hdr));
	     i++)
		if (strncmp(hdr, "kd_sesi=", 8) == 0)
			snprintf(cookie, cap, "%.*s", (int)strcspn(hdr, ";"),
				 hdr);
	kecdfix_reply_free(&r);
	return status;
}

/* ---- pushing ---- */

struct rows_ctx {
	struct pushbatch *b;
	FILE *lines;
};

static int take_row(void *ud, const struct ledger_row *r)
{
	struct rows_ctx *c = ud;
	char line[LEDGER_LINE_MAX + 2 * PD_HASH_HEX + 8];
	int n = ledger_line(r, line, sizeof(line));

	assert_true(n > 0);
	fprintf(c->lines, "%s,%s,%s\r\n", line, r->prev_hash, r->hash);
	return pushbatch_add(c->b, r);
}

char *kecdfix_push_body(struct kecbox *b, int64_t first, int64_t last,
			size_t *len)
{
	struct pushbatch pb;
	struct rows_ctx c = {&pb, NULL};
	struct json_value *o = json_value_object();
	char *lines = NULL, *text = NULL, stmt[PUSHBATCH_STMT_MAX];
	char sig_hex[2 * CRYPTO_SIG_BYTES + 1];
	uint8_t sig[CRYPTO_SIG_BYTES];
	size_t llen = 0;

	assert_non_null(o);
	pushbatch_init(&pb);
	c.lines = open_memstream(&lines, &llen);
	assert_non_null(c.lines);
	assert_int_equal(store_ledger_each(b->st, first, last, take_row, &c),
			 0);
	assert_int_equal(fclose(c.lines), 0);
	assert_true(pushbatch_statement(&pb, b->fingerprint, b->conf.desa_id,
					stmt) > 0);
	crypto_devkey_sign(&b->key, stmt, strlen(stmt), sig);
	crypto_hex_encode(sig, sizeof(sig), sig_hex);
	assert_int_equal(json_value_set_string(o, "device", b->fingerprint), 0);
	assert_int_equal(json_value_set_string(o, "public_key", b->public_key),
			 0);
	assert_int_equal(json_value_set_string(o, "desa", b->conf.desa_id), 0);
	assert_int_equal(json_value_set_int(o, "first", pb.first), 0);
	assert_int_equal(json_value_set_int(o, "last", pb.last), 0);
	assert_int_equal(json_value_set_string(o, "prev", pb.prev), 0);
	assert_int_equal(json_value_set_string(o, "head", pb.head), 0);
	assert_int_equal(json_value_set_string(o, "lines", lines), 0);
	assert_int_equal(json_value_set_string(o, "signature", sig_hex), 0);
	assert_int_equal(json_value_dump(o, &text, len), 0);
	json_value_free(o);
	free(lines);
	return text;
}

int kecdfix_push(int port, struct kecbox *b, int64_t first, int64_t last,
		 struct kecdfix_reply *r)
{
	struct kecdfix_reply own;
	size_t len;
	char *body = kecdfix_push_body(b, first, last, &len);
	int status;

	if (!r)
		r = &own;
	assert_int_equal(kecdfix_http(port, "POST", "/api/v1/push",
				      "application/json", NULL, body, len, r),
			 0);
	free(body);
	status = r->status;
	if (r == &own)
		kecdfix_reply_free(&own);
	return status;
}

int64_t kecdfix_box_head(struct kecbox *b)
{
	char hash[PD_HASH_HEX];
	int64_t seq, at;

	assert_int_equal(store_ledger_head(b->st, &seq, &at, hash), 0);
	return seq;
}

char *kecdfix_multipart(const char *boundary, const char *const *fields,
			const char *file_field, const char *file_name,
			const void *file, size_t file_len, size_t *len)
{
	char *out = NULL;
	FILE *fp = open_memstream(&out, len);

	assert_non_null(fp);
	for (int i = 0; fields && fields[i]; i += 2)
		fprintf(fp,
			"--%s\r\nContent-Disposition: form-data; name=\"%s\""
			"\r\n\r\n%s\r\n",
			boundary, fields[i], fields[i + 1]);
	if (file_field) {
		fprintf(fp,
			"--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
			"filename=\"%s\"\r\nContent-Type: application/zip\r\n"
			"\r\n",
			boundary, file_field, file_name);
		fwrite(file, 1, file_len, fp);
		fputs("\r\n", fp);
	}
	fprintf(fp, "--%s--\r\n", boundary);
	assert_int_equal(fclose(fp), 0);
	return out;
}
