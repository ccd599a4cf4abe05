/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of atomicfile.c: a committed file replaces the old one whole;
 * a write that fails (the file-size limit stands in for a full disk) or an
 * abort leaves the old file as it was and no temporary file behind;
 * NOREPLACE never replaces; the mode is the one asked, less the umask.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "atomicfile.h"
#include "fakes/testutil.h"
#include "log.h"

struct fx {
	char *dir;
	char path[512];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || !(f->dir = testutil_tmpdir("atomicfile")))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/rekap.csv", f->dir);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	testutil_rmtree_free(f->dir);
	free(f);
	return 0;
}

/* Entries of dir other than . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void assert_file(const char *path, const char *want)
{
	char *got = testutil_slurp(path, NULL);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_atomicfile_commit_replaces_whole(void **state)
{
	struct fx *f = *state;
	struct atomicfile *af;

	assert_int_equal(testutil_write(f->path, "old,1\r\n"), 0);
	assert_int_equal(atomicfile_open(f->path, 0666, 0, &af), 0);
	fputs("new,2\r\n", atomicfile_stream(af));
	/* until commit the old file is what a reader sees */
	assert_file(f->path, "old,1\r\n");
	assert_int_equal(entries(f->dir), 2);
	assert_int_equal(atomicfile_commit(af), 0);
	assert_file(f->path, "new,2\r\n");
	assert_int_equal(entries(f->dir), 1);
}

static void test_atomicfile_failed_write_keeps_old_file(void **state)
{
	struct fx *f = *state;
	struct atomicfile *af;
	struct rlimit old, lim = {.rlim_cur = 4096, .rlim_max = RLIM_INFINITY};
	char block[1024];
	int rc;

	memset(block, 'x', sizeof(block));
	assert_int_equal(testutil_write(f->path, "old,1\r\n"), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim.rlim_max = old.rlim_max;
	signal(SIGXFSZ, SIG_IGN); /* write fails with EFBIG instead */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(atomicfile_open(f->path, 0666, 0, &af), 0);
	for (int i = 0; i < 16; i++)
		fwrite(block, 1, sizeof(block), atomicfile_stream(af));
	rc = atomicfile_commit(af);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(rc, -EFBIG);
	assert_file(f->path, "old,1\r\n");
	assert_int_equal(entries(f->dir), 1);
}

static void test_atomicfile_abort_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct atomicfile *af;

	assert_int_equal(atomicfile_open(f->path, 0666, 0, &af), 0);
	fputs("half", atomicfile_stream(af));
	atomicfile_abort(af);
	atomicfile_abort(NULL);
	assert_int_equal(entries(f->dir), 0);
}

static void test_atomicfile_noreplace_keeps_existing(void **state)
{
	struct fx *f = *state;

	assert_int_equal(atomicfile_write(f->path, 0600, ATOMICFILE_NOREPLACE,
					  "key1", 4),
			 0);
	assert_int_equal(atomicfile_write(f->path, 0600, ATOMICFILE_NOREPLACE,
					  "key2", 4),
			 -EEXIST);
	assert_file(f->path, "key1");
	assert_int_equal(entries(f->dir), 1);
}

static void test_atomicfile_mode_follows_umask(void **state)
{
	struct fx *f = *state;
	struct stat sb;
	mode_t old = umask(022);

	assert_int_equal(atomicfile_write(f->path, 0666, 0, "a", 1), 0);
	umask(old);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)
		T(test_atomicfile_commit_replaces_whole),
		T(test_atomicfile_failed_write_keeps_old_file),
		T(test_atomicfile_abort_leaves_nothing),
		T(test_atomicfile_noreplace_keeps_existing),
		T(test_atomicfile_mode_follows_umask),
#undef T
	};

	log_init(LOG_TO_NONE, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
