/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atomicfile.c: temp file, fsync, rename, fsync of the directory, for every
 * file any program writes whole: reports, workbooks, bundles, key files.
 */
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define TMP_TRIES 16 /* random names tried before giving up */

struct atomicfile {
	char *path;
	char *tmp;
	FILE *fp;
	unsigned int flags;
};

int atomicfile_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (!slash) {
		strcpy(dir, ".");
	} else if (slash == path) {
		strcpy(dir, "/");
	} else {
		if ((size_t)(slash - path) >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* some file systems (FAT through some drivers) cannot sync a
	 * directory: EINVAL there is not a failure of ours */
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = -errno;
	close(fd);
	return rc;
}

int atomicfile_open(const char *path, mode_t mode, unsigned int flags,
		    struct atomicfile **out)
{
	struct atomicfile *af;
	size_t n = strlen(path);
	int fd = -1, rc;

	if (!n || n > PATH_MAX - 32)
		return -ENAMETOOLONG;
	af = calloc(1, sizeof(*af));
	if (!af)
		return -ENOMEM;
	af->flags = flags;
	af->path = strdup(path);
	af->tmp = malloc(n + 32);
	if (!af->path || !af->tmp) {
		rc = -ENOMEM;
		goto err_free;
	}
	for (int i = 0; i < TMP_TRIES && fd < 0; i++) {
		uint32_t r;

		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint32_t)getpid() * 2654435761u + (uint32_t)i;
		snprintf(af->tmp, n + 32, "%s.tmp.%08x", path, r);
		fd = open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			  mode);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = -errno;
		goto err_free;
	}
	af->fp = fdopen(fd, "w");
	if (!af->fp) {
		rc = -errno;
		close(fd);
		unlink(af->tmp);
		goto err_free;
	}
	*out = af;
	return 0;

err_free:
	free(af->path);
	free(af->tmp);
	free(af);
	return rc;
}

FILE *atomicfile_stream(struct atomicfile *af)
{
	return af->fp;
}

const char *atomicfile_tmp_path(const struct atomicfile *af)
{
	return af->tmp;
}

static void af_free(struct atomicfile *af)
{
	free(af->path);
	free(af->tmp);
	free(af);
}

void atomicfile_abort(struct atomicfile *af)
{
	if (!af)
		return;
	if (af->fp)
		fclose(af->fp); /* a failed close changes nothing: unlinked */
	unlink(af->tmp);
	af_free(af);
}

int atomicfile_commit(struct atomicfile *af)
{
	int rc = 0, fd = fileno(af->fp);

	if (fflush(af->fp) != 0 || ferror(af->fp))
		rc = -(errno ? errno : EIO);
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (fclose(af->fp) != 0 && rc == 0)
		rc = -errno;
	af->fp = NULL;
	if (rc == 0) {
		if (af->flags & ATOMICFILE_NOREPLACE) {
			/* link() never replaces: a file that appeared in the
			 * meantime wins */
			if (link(af->tmp, af->path) != 0)
				rc = -errno;
		} else if (rename(af->tmp, af->path) != 0) {
			rc = -errno;
		}
	}
	if (rc != 0 || (af->flags & ATOMICFILE_NOREPLACE)) {
		if (unlink(af->tmp) != 0 && rc == 0)
			log_warn("%s: cannot remove the temporary file",
				 af->tmp);
	}
	if (rc == 0) {
		rc = atomicfile_sync_dir(af->path);
		if (rc != 0)
			log_errno(rc, "%s: directory sync", af->path);
	}
	af_free(af);
	return rc;
}

int atomicfile_write(const char *path, mode_t mode, unsigned int flags,
		     const void *buf, size_t len)
{
	struct atomicfile *af;
	int rc = atomicfile_open(path, mode, flags, &af);

	if (rc < 0)
		return rc;
	/* unbuffered: a key's bytes go from buf to the file, no copy left
	 * in a stdio buffer */
	setvbuf(atomicfile_stream(af), NULL, _IONBF, 0);
	if (len && fwrite(buf, 1, len, atomicfile_stream(af)) != len) {
		rc = -(errno ? errno : EIO);
		atomicfile_abort(af);
		return rc;
	}
	return atomicfile_commit(af);
}
