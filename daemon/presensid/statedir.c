/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statedir.c: the store's directory, which one daemon owns.  A lock held
 * for the daemon's life keeps a second presensid off the same store, and
 * a marker file written with the first store remembers that the
 * directory held one: a store missing later is a fault, never a reason
 * to start an empty ledger.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "daemon_int.h"
#include "log.h"

#define MARKER_NAME STORE_MARKER_NAME /* beside the database (store.h) */
#define MARKER_MODE 0640

/* The directory part of the store path into dir (cap bytes). */
static void store_dir(const struct daemon *d, char *dir, size_t cap)
{
	char copy[CONF_PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", d->conf.store_path);
	snprintf(dir, cap, "%s", dirname(copy));
}

void statedir_marker_path(const struct daemon *d, char *out, size_t cap)
{
	char dir[CONF_PATH_MAX];

	store_dir(d, dir, sizeof(dir));
	snprintf(out, cap, "%s/%s", dir, MARKER_NAME);
}

int statedir_marked(const struct daemon *d)
{
	char path[CONF_PATH_MAX + sizeof(MARKER_NAME) + 1];
	struct stat sb;

	statedir_marker_path(d, path, sizeof(path));
	return lstat(path, &sb) == 0;
}

int statedir_mark(const struct daemon *d)
{
	char path[CONF_PATH_MAX + sizeof(MARKER_NAME) + 1],
		text[CONF_PATH_MAX + 96];
	int n, rc;

	if (statedir_marked(d))
		return 0;
	statedir_marker_path(d, path, sizeof(path));
	n = snprintf(text, sizeof(text),
		     "presensid keeps its store here: %s\n"
		     "If that file is missing, restore it from a backup.\n",
		     d->conf.store_path);
	rc = atomicfile_write(path, MARKER_MODE, ATOMICFILE_NOREPLACE, text,
			      (size_t)n);
	if (rc == -EEXIST)
		rc = 0;
	if (rc < 0)
		log_errno(rc, "store: cannot write %s", path);
	return rc;
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
