/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensi-push's requests to presensid over the control socket
 * (control.h; docs/push.md, "Who does what on the box"): have a batch
 * signed, have a closed month's bundle written into a file the push
 * opened (the descriptor travels with the request, as for "presensi
 * export"), hand over a published rule, report the push's state.  Each
 * is one short connection, blocking with a timeout: presensid answers
 * these at once from its main loop.  The long poll on the ledger
 * ("wait-ledger") is push.c's own, on the main loop.
 */
#ifndef PRESENSI_PUSHCTL_H
#define PRESENSI_PUSHCTL_H

#include <stddef.h>
#include <stdint.h>

#include "control.h"
#include "pushsign.h"
#include "pushwire.h"

#define PUSHCTL_TIMEOUT_MS 60000 /* one answer; a month's bundle on a Pi */
#define PUSHCTL_REPLY_MAX  8192	 /* the longest final line we read */

/*
 * Sends line (ended by '\n'; with pass_fd when >= 0) to the socket at
 * sock and reads to the final line.  0 on "ok", with its fields parsed
 * into *m (pointing into buf); on "err" the negative errno of its name,
 * with the message in why; a socket error (-ECONNREFUSED, -ENOENT: no
 * presensid; -EAGAIN: no answer in time) with why saying so.
 */
int pushctl_request(const char *sock, const char *line, int pass_fd, char *buf,
		    size_t cap, struct control_msg *m, char *why,
		    size_t why_cap);

/* "sign-batch first=N last=M": presensid's statement and signature of
 * its rows first..last into *out.  As pushctl_request. */
int pushctl_sign(const char *sock, int64_t first, int64_t last,
		 struct pushsign *out, char *why, size_t cap);

/* "export month=YYYY-MM" into fd (a regular file open for writing).  As
 * pushctl_request. */
int pushctl_export(const char *sock, const char *month, int fd, char *why,
		   size_t cap);

/* "rules-publish" of r: 0 with result "imported" or "in-force", or the
 * refusal (-EPERM, -EINVAL...) with presensid's reason in why. */
int pushctl_publish(const char *sock, const struct pushwire_rule *r,
		    char *result, size_t rcap, char *why, size_t cap);

/* "push-status": what status shows (strings "" when none). */
struct pushctl_report {
	const char *state; /* caught-up, sending, retrying */
	int64_t acked;
	const char *acked_head;
	int64_t ok_at;
	int64_t retry_s;
	const char *refused;
	int64_t refused_at;
	const char *refused_rows;
	const char *error;
	const char *bundle;
	const char *rules;
};
int pushctl_report(const char *sock, const struct pushctl_report *r, char *why,
		   size_t cap);

#endif /* PRESENSI_PUSHCTL_H */
