/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privdrop.c: started as root by hand, presensid becomes [daemon] user once
 * its devices, store, lights and socket are open, and proves it cannot
 * become root again (OpenNTPD's ntp.c).  Under systemd it runs as
 * User=presensi from the start, and none of this happens.  Any failure is
 * fatal: a daemon half-way between root and its user must not run.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon_int.h"
#include "log.h"

#define PWBUF_MAX  4096 /* getpwnam_r / getgrnam_r buffer */
#define GROUPS_MAX 64	/* supplementary groups of the user kept */

/* The user's uid and primary gid, and the configured group's gid. */
static void lookup(const struct conf *c, uid_t *uid, gid_t *gid)
{
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char buf[PWBUF_MAX];
	int rc;

	rc = getpwnam_r(c->daemon_user, &pw, buf, sizeof(buf), &pwp);
	if (rc != 0 || !pwp)
		fatalx("[daemon] user %s: no such user%s%s", c->daemon_user,
		       rc ? ": " : "", rc ? strerror(rc) : "");
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	if (!c->daemon_group[0])
		return;
	rc = getgrnam_r(c->daemon_group, &gr, buf, sizeof(buf), &grp);
	if (rc != 0 || !grp)
		fatalx("[daemon] group %s: no such group%s%s", c->daemon_group,
		       rc ? ": " : "", rc ? strerror(rc) : "");
	*gid = gr.gr_gid;
}

void privdrop(struct daemon *d)
{
	const struct conf *c = &d->conf;
	gid_t groups[GROUPS_MAX], rg, eg, sg;
	uid_t uid, ru, eu, su;
	gid_t gid;
	int n = GROUPS_MAX;

	if (!c->daemon_user[0])
		return;
	if (getuid() != 0 && geteuid() != 0) {
		log_debug("not started as root: [daemon] user is not needed");
		return;
	}
	lookup(c, &uid, &gid);
	if (uid == 0)
		fatalx("[daemon] user %s is root: nothing to drop to",
		       c->daemon_user);
	/* the user's own supplementary groups, for the devices udev gives
	 * to groups (a reader plugged in later) */
	if (getgrouplist(c->daemon_user, gid, groups, &n) < 0)
		fatalx("[daemon] user %s: more than %d groups", c->daemon_user,
		       GROUPS_MAX);
	if (setgroups((size_t)n, groups) < 0)
		fatal("privileges: setgroups");
	if (setresgid(gid, gid, gid) < 0)
		fatal("privileges: setresgid %u", (unsigned int)gid);
	if (setresuid(uid, uid, uid) < 0)
		fatal("privileges: setresuid %u", (unsigned int)uid);
	/* proof: every id is the user's, and root cannot be had again */
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		fatal("privileges: getresuid");
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid)
		fatalx("privileges: still uid %u/%u/%u gid %u/%u/%u after the "
		       "drop",
		       (unsigned int)ru, (unsigned int)eu, (unsigned int)su,
		       (unsigned int)rg, (unsigned int)eg, (unsigned int)sg);
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1)
		fatalx("privileges: root could be regained after the drop");
	log_info("running as %s (uid %u, gid %u)", c->daemon_user,
		 (unsigned int)uid, (unsigned int)gid);
}
