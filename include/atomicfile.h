/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one atomic file writer of every program: a temporary file of our own
 * beside the target, written, flushed and fsynced, then moved into place
 * and the directory fsynced.  A power cut leaves the old file or the whole
 * new one, never a truncated file under the target's name.  (On FAT, as
 * on a USB stick, rename is not atomic: bundles write their manifest last
 * so that a half-written stick never verifies.)
 */
#ifndef PRESENSI_ATOMICFILE_H
#define PRESENSI_ATOMICFILE_H

#include <stdio.h>
#include <sys/types.h>

#define ATOMICFILE_NOREPLACE 0x1 /* never replace: -EEXIST if it exists */

struct atomicfile;

/*
 * Starts writing path: creates "<path>.tmp.<random>" exclusively with mode
 * (0666 for a report: the umask decides, as for any file the user makes;
 * 0600 for a key).  Free with atomicfile_commit() or atomicfile_abort().
 * 0, -ENOMEM, -ENAMETOOLONG, or -errno of open(2).
 */
int atomicfile_open(const char *path, mode_t mode, unsigned int flags,
		    struct atomicfile **out);
/* The stream to write to; owned by the atomicfile (do not fclose). */
FILE *atomicfile_stream(struct atomicfile *af);
/* The temporary file's path, for writers that need a name
 * (libxlsxwriter); valid until commit or abort. */
const char *atomicfile_tmp_path(const struct atomicfile *af);
/*
 * Flushes, fsyncs and closes the temporary file, moves it onto the target
 * (link(2) + unlink(2) with ATOMICFILE_NOREPLACE, else rename(2)) and
 * fsyncs the directory.  Frees af either way; on failure the temporary
 * file is removed and the target is as it was.  0, -EEXIST (NOREPLACE),
 * -ENOSPC, -EIO, or another -errno.
 */
int atomicfile_commit(struct atomicfile *af);
/* Removes the temporary file and frees af.  NULL-safe. */
void atomicfile_abort(struct atomicfile *af);

/*
 * Writes len bytes of buf to path through the above.  Same return codes
 * as open and commit.
 */
int atomicfile_write(const char *path, mode_t mode, unsigned int flags,
		     const void *buf, size_t len);

/* fsyncs the directory that holds path.  0 or -errno. */
int atomicfile_sync_dir(const char *path);

#endif /* PRESENSI_ATOMICFILE_H */
