/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pushctl.c: the push's short requests to presensid (pushctl.h). */
#include "pushctl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "control_client.h"

#define LINE_MAX_REQ (CONTROL_LINE_MAX + 1024) /* a rule's text and more */

int pushctl_request(const char *sock, const char *line, int pass_fd, char *buf,
		    size_t cap, struct control_msg *m, char *why,
		    size_t why_cap)
{
	struct timeval tv = {PUSHCTL_TIMEOUT_MS / 1000,
			     (PUSHCTL_TIMEOUT_MS % 1000) * 1000};
	struct control_reader *rb;
	int fd = control_connect(sock), rc;

	if (fd < 0) {
		snprintf(why, why_cap, "cannot reach presensid at %s: %s", sock,
			 strerror(-fd));
		return fd;
	}
	why[0] = '\0';
	rb = calloc(1, sizeof(*rb));
	if (!rb) {
		close(fd);
		snprintf(why, why_cap, "out of memory");
		return -ENOMEM;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		rc = -errno;
	else if (pass_fd >= 0)
		rc = control_write_all_fd(fd, line, strlen(line), pass_fd);
	else
		rc = control_write_all(fd, line, strlen(line));
	while (rc == 0) {
		rc = control_read_line(fd, rb, buf, cap);
		if (rc < 0) {
			snprintf(why, why_cap, "presensid did not answer: %s",
				 rc == -EAGAIN ? "no answer in time"
					       : strerror(-rc));
			break;
		}
		rc = 0;
		if (control_parse(buf, m) < 0)
			continue;
		if (strcmp(m->field[0], "ok") == 0)
			break;
		if (strcmp(m->field[0], "err") == 0) {
			snprintf(why, why_cap, "%s",
				 m->nfields > 2 ? m->field[2] : "refused");
			rc = -control_errno(m->nfields > 1 ? m->field[1]
							   : "EIO");
			break;
		}
	}
	if (rc < 0 && !why[0])
		snprintf(why, why_cap, "presensid: %s", strerror(-rc));
	free(rb);
	close(fd);
	return rc;
}

/* Requests and their replies are long: a rule's text, a statement. */
struct reqbuf {
	char line[LINE_MAX_REQ];
	char reply[PUSHCTL_REPLY_MAX];
	struct control_buf b;
	struct control_msg m;
};

static struct reqbuf *req_start(const char *cmd)
{
	struct reqbuf *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	control_buf_init(&r->b, r->line, sizeof(r->line));
	control_buf_add(&r->b, cmd);
	return r;
}

static int req_send(struct reqbuf *r, const char *sock, int pass_fd, char *why,
		    size_t cap)
{
	why[0] = '\0';
	if (control_buf_end(&r->b) < 0) {
		snprintf(why, cap, "request too long");
		return -E2BIG;
	}
	return pushctl_request(sock, r->line, pass_fd, r->reply,
			       sizeof(r->reply), &r->m, why, cap);
}

/* A field of the ok line into dst; -EPROTO when absent or too long. */
static int take(const struct control_msg *m, const char *key, char *dst,
		size_t cap)
{
	const char *v = control_get(m, key);

	if (!v || strlen(v) >= cap)
		return -EPROTO;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int pushctl_sign(const char *sock, int64_t first, int64_t last,
		 struct pushsign *out, char *why, size_t cap)
{
	struct reqbuf *r = req_start("sign-batch");
	const char *v;
	int rc;

	if (!r)
		return -ENOMEM;
	control_buf_addkvf(&r->b, "first", "%" PRId64, first);
	control_buf_addkvf(&r->b, "last", "%" PRId64, last);
	rc = req_send(r, sock, -1, why, cap);
	if (rc == 0) {
		memset(out, 0, sizeof(*out));
		rc = take(&r->m, "device", out->device, sizeof(out->device));
		if (!rc)
			rc = take(&r->m, "public_key", out->public_key,
				  sizeof(out->public_key));
		if (!rc)
			rc = take(&r->m, "desa", out->desa, sizeof(out->desa));
		if (!rc)
			rc = take(&r->m, "prev", out->prev, sizeof(out->prev));
		if (!rc)
			rc = take(&r->m, "head", out->head, sizeof(out->head));
		if (!rc)
			rc = take(&r->m, "lines", out->lines,
				  sizeof(out->lines));
		if (!rc)
			rc = take(&r->m, "signature", out->signature,
				  sizeof(out->signature));
		v = control_get(&r->m, "first");
		out->first = v ? strtoll(v, NULL, 10) : 0;
		v = control_get(&r->m, "last");
		out->last = v ? strtoll(v, NULL, 10) : 0;
		if (rc)
			snprintf(why, cap,
				 "sign-batch: presensid's answer "
				 "lacks a field");
	}
	free(r);
	return rc;
}

int pushctl_export(const char *sock, const char *month, int fd, char *why,
		   size_t cap)
{
	struct reqbuf *r = req_start("export");
	int rc;

	if (!r)
		return -ENOMEM;
	control_buf_addkv(&r->b, "month", month);
	rc = req_send(r, sock, fd, why, cap);
	free(r);
	return rc;
}

int pushctl_publish(const char *sock, const struct pushwire_rule *p,
		    char *result, size_t rcap, char *why, size_t cap)
{
	struct reqbuf *r = req_start("rules-publish");
	int rc;

	if (!r)
		return -ENOMEM;
	control_buf_addkvf(&r->b, "id", "%" PRId64, p->id);
	control_buf_addkv(&r->b, "kind", p->kind);
	control_buf_addkv(&r->b, "scope", p->scope);
	control_buf_addkv(&r->b, "area", p->area);
	control_buf_addkv(&r->b, "name", p->name);
	control_buf_addkv(&r->b, "from", p->from);
	control_buf_addkv(&r->b, "published", p->published);
	{
		/* a file, whole: longer than control_buf_addkv takes */
		size_t n = strlen("text=") + strlen(p->text) + 1;
		char *field = malloc(n);

		if (!field) {
			free(r);
			return -ENOMEM;
		}
		snprintf(field, n, "text=%s", p->text);
		control_buf_add(&r->b, field);
		free(field);
	}
	control_buf_addkv(&r->b, "signature", p->signature);
	rc = req_send(r, sock, -1, why, cap);
	if (rc == 0 && take(&r->m, "result", result, rcap) < 0)
		snprintf(result, rcap, "imported");
	free(r);
	return rc;
}

int pushctl_report(const char *sock, const struct pushctl_report *p, char *why,
		   size_t cap)
{
	struct reqbuf *r = req_start("push-status");
	int rc;

	if (!r)
		return -ENOMEM;
	control_buf_addkv(&r->b, "state", p->state);
	control_buf_addkvf(&r->b, "acked", "%" PRId64, p->acked);
	control_buf_addkv(&r->b, "acked_head", p->acked_head);
	control_buf_addkvf(&r->b, "ok_at", "%" PRId64, p->ok_at);
	control_buf_addkvf(&r->b, "retry_s", "%" PRId64, p->retry_s);
	if (p->refused && *p->refused) {
		control_buf_addkv(&r->b, "refused", p->refused);
		control_buf_addkvf(&r->b, "refused_at", "%" PRId64,
				   p->refused_at);
		control_buf_addkv(&r->b, "refused_rows", p->refused_rows);
	}
	if (p->error && *p->error)
		control_buf_addkv(&r->b, "error", p->error);
	if (p->bundle && *p->bundle)
		control_buf_addkv(&r->b, "bundle", p->bundle);
	if (p->rules && *p->rules)
		control_buf_addkv(&r->b, "rules", p->rules);
	rc = req_send(r, sock, -1, why, cap);
	free(r);
	return rc;
}
