/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pdfeed.c: paces images into a running presensid on its reader's
 * finger-status (never on sleeps), through the control socket.
 */
#include "tools/pdfeed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "control_client.h"
#include "tools/fingergen.h"
#include "tools/vimage.h"

int pdfeed_wait_armed(const char *ctl, int reader, uint64_t after,
		      int enrolment, int timeout_ms, uint64_t *gen)
{
	struct control_reader rb;
	struct control_msg m;
	char req[160], line[1024];
	int fd, rc;

	fd = control_connect(ctl);
	if (fd < 0)
		return fd;
	snprintf(req, sizeof(req),
		 "wait-armed\treader=%d\tafter=%llu\ttimeout_ms=%d%s\n", reader,
		 (unsigned long long)after, timeout_ms,
		 enrolment ? "\tenrolment=1" : "");
	rc = control_write_all(fd, req, strlen(req));
	memset(&rb, 0, sizeof(rb));
	if (rc == 0)
		rc = control_read_line(fd, &rb, line, sizeof(line));
	close(fd);
	if (rc < 0)
		return rc;
	if (control_parse(line, &m) < 0)
		return -EPROTO;
	if (strcmp(m.field[0], "ok") != 0)
		return m.nfields > 1 ? -control_errno(m.field[1]) : -EIO;
	if (gen)
		*gen = strtoull(control_get(&m, "gen") ? control_get(&m, "gen")
						       : "0",
				NULL, 10);
	return 0;
}

int pdfeed_send(const struct pdfeed *f)
{
	struct vimage *v = NULL;
	uint8_t *img = NULL;
	uint64_t gen = 0;
	int rc;

	rc = pdfeed_wait_armed(f->ctl, f->reader, 0, f->enrolment,
			       f->timeout_ms, &gen);
	if (rc < 0)
		return rc;
	rc = vimage_connect(f->vimage, f->timeout_ms, &v);
	if (rc < 0)
		return rc;
	switch (f->kind) {
	case PDFEED_IMAGE:
		img = malloc((size_t)FINGERGEN_W * FINGERGEN_H);
		if (!img) {
			rc = -ENOMEM;
			break;
		}
		rc = fingergen_render(f->finger, f->impression, img,
				      FINGERGEN_W, FINGERGEN_H);
		if (rc == 0)
			rc = vimage_send_image(v, img, FINGERGEN_W,
					       FINGERGEN_H);
		free(img);
		break;
	case PDFEED_RETRY:
		rc = vimage_send_retry(v, f->code);
		break;
	case PDFEED_ERROR:
		rc = vimage_send_error(v, f->code);
		break;
	case PDFEED_UNPLUG:
		rc = vimage_send_unplug(v);
		break;
	}
	if (rc == 0 && f->wait_after)
		rc = pdfeed_wait_armed(f->ctl, f->reader, gen, 0, f->timeout_ms,
				       NULL);
	vimage_close(v);
	return rc;
}
