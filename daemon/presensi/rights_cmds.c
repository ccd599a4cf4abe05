/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rights_cmds.c: a person's data rights in the presensi CLI (UU 27/2022,
 * DOMAIN §6.5).  "person forget-prints" asks presensid to delete every
 * template of one person at once (audited: a "print delete" ledger row
 * each); their attendance records stay.  Also cli_ask(), the request
 * helper the backup commands share.
 */
#include "cli_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "control_client.h"

#define REPLY_MAX 8192
#define REQ_LINE  1024

int cli_ask(const struct conf *c, const char *line, int pass_fd, char *ok,
	    size_t ok_cap)
{
	struct control_reader rb;
	static char buf[REPLY_MAX];
	int fd = control_connect(c->socket_path), rc;

	if (ok && ok_cap)
		ok[0] = '\0';
	if (fd < 0) {
		fprintf(stderr,
			"presensi: cannot reach presensid at %s: %s (is the "
			"daemon running?)\n",
			c->socket_path, strerror(-fd));
		return CLI_EXIT_REFUSED;
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
		if (strcmp(m.field[0], "progress") == 0 && m.nfields > 1) {
			printf("  %s\n", m.field[1]);
			fflush(stdout);
		} else if (strcmp(m.field[0], "kv") == 0 && m.nfields > 2) {
			printf("%-16s %s\n", m.field[1], m.field[2]);
		} else if (strcmp(m.field[0], "ok") == 0) {
			if (ok && ok_cap)
				snprintf(ok, ok_cap, "%s",
					 m.nfields > 1 ? m.field[1] : "");
			close(fd);
			return CLI_EXIT_OK;
		} else if (strcmp(m.field[0], "err") == 0) {
			fprintf(stderr, "presensi: %s\n",
				m.nfields > 2 ? m.field[2] : "refused");
			close(fd);
			return cli_exit_for_error(m.nfields > 1 ? m.field[1]
								: "");
		}
	}
	fprintf(stderr, "presensi: the daemon closed the connection\n");
	close(fd);
	return CLI_EXIT_REFUSED;
}

/* ---- person forget-prints ---- */

int cli_run_person_forget_prints(const struct conf *c, const struct cli_args *a)
{
	const char *id = cli_get(a, "id");
	char line[REQ_LINE], ok[64];
	struct control_buf b;
	int rc;

	control_buf_init(&b, line, sizeof(line));
	control_buf_add(&b, "person-forget-prints");
	control_buf_addkv(&b, "id", id);
	control_buf_addkv(&b, "reason", cli_get(a, "reason"));
	if (control_buf_end(&b) < 0) {
		fprintf(stderr, "presensi: person forget-prints: --reason is "
				"too long\n");
		return CLI_EXIT_USAGE;
	}
	rc = cli_ask(c, line, -1, ok, sizeof(ok));
	if (rc != CLI_EXIT_OK)
		return rc;
	printf("deleted %s prints of %s (a \"print delete\" row each); "
	       "their attendance records stay: they are official records of "
	       "the desa\n",
	       strncmp(ok, "count=", 6) == 0 ? ok + 6 : "?", id);
	return CLI_EXIT_OK;
}
