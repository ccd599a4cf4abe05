/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statedir.c: the store's directory, which one daemon owns.  A lock held
 * for the daemon's life keeps a second presensid off the same store.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "daemon_int.h"
#include "log.h"

/* The directory part of the store path into dir (cap bytes). */
static void store_dir(const struct daemon *d, char *dir, size_t cap)
{
	char copy[CONF_PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", d->conf.store_path);
	snprintf(dir, cap, "%s", dirname(copy));
}

int statedir_lock(struct daemon *d)
{
	char dir[CONF_PATH_MAX];
	int fd, rc;

	store_dir(d, dir, sizeof(dir));
	/* flock(2) on the directory itself: no file to create, own or
	 * leave behind, and the kernel drops it when the daemon dies. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		log_errno(rc, "store: cannot open its directory %s", dir);
		return rc;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (rc == -EBUSY)
			log_warnx("store: another presensid is running on %s "
				  "(its directory %s is locked); stop it "
				  "first",
				  d->conf.store_path, dir);
		else
			log_errno(rc, "store: cannot lock %s", dir);
		close(fd);
		return rc;
	}
	d->lock_fd = fd;
	return 0;
}

void statedir_unlock(struct daemon *d)
{
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	d->lock_fd = -1;
}
