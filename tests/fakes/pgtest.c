/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pgtest.c: a throw-away PostgreSQL server on a UNIX socket for tests. */
#include "pgtest.h"

#include <errno.h>
#include <glob.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define PATH_MAX_ 512

struct pgtest {
	char *dir;		 /* socket directory; data in dir/data */
	char bin[PATH_MAX_];	 /* /usr/lib/postgresql/N/bin */
	char runuser[PATH_MAX_]; /* "" when not root */
};

/* The newest installed PostgreSQL's bin directory. */
static int find_bin(char *out, size_t cap)
{
	glob_t g;
	int rc = -ENOENT;

	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0)
		return -ENOENT;
	if (g.gl_pathc > 0) {
		/* glob sorts: the last is the highest version of one digit
		 * count, which is enough on a Debian system */
		const char *p = g.gl_pathv[g.gl_pathc - 1];
		size_t n = strlen(p) - strlen("/initdb");

		if (n < cap) {
			memcpy(out, p, n);
			out[n] = '\0';
			rc = 0;
		}
	}
	globfree(&g);
	return rc;
}

/*
 * Runs argv with its output in a file, not a pipe: the postmaster that
 * pg_ctl leaves running would hold a pipe open and block the reader.
 * Prints the output when the program fails.
 */
static int spawn(char **argv, const char *logdir)
{
	char log[PATH_MAX_ + 16];
	int status, fd;
	pid_t pid;

	snprintf(log, sizeof(log), "%s/pgtest-cmd.log", logdir);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	{
		char *out = testutil_slurp(log, NULL);

		fprintf(stderr, "pgtest: %s failed:\n%s\n", argv[0],
			out ? out : "");
		free(out);
	}
	return -EIO;
}

/* Runs argv as the server's user (postgres when we are root). */
static int run_as(struct pgtest *pg, char **argv)
{
	char *full[24];
	int n = 0;

	if (pg->runuser[0]) {
		full[n++] = pg->runuser;
		full[n++] = "-u";
		full[n++] = "postgres";
		full[n++] = "--";
	}
	for (int i = 0; argv[i] && n < 23; i++)
		full[n++] = argv[i];
	full[n] = NULL;
	return spawn(full, pg->dir);
}

static int chown_to_postgres(const char *path)
{
	struct passwd *pw = getpwnam("postgres");

	if (!pw)
		return -ENOENT;
	return chown(path, pw->pw_uid, pw->pw_gid) == 0 ? 0 : -errno;
}

/* The cluster kept for the next program: $O/pgtest-template. */
static int template_path(char *buf, size_t cap)
{
	const char *o = getenv("O");
	char cwd[PATH_MAX_];

	if (!o || !*o)
		o = "build";
	if (o[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		return snprintf(buf, cap, "%s/%s/pgtest-template", cwd, o) <
				       (int)cap
			       ? 0
			       : -ENAMETOOLONG;
	}
	return snprintf(buf, cap, "%s/pgtest-template", o) < (int)cap
		       ? 0
		       : -ENAMETOOLONG;
}

static int cluster(struct pgtest *pg, char *data)
{
	char initdb[PATH_MAX_ + 16], tmpl[PATH_MAX_], tmp[PATH_MAX_ + 16];
	char *cp[] = {"/bin/cp", "-a", tmpl, data, NULL};
	struct stat sb;
	int rc;

	rc = template_path(tmpl, sizeof(tmpl));
	if (rc == 0 && stat(tmpl, &sb) == 0 && testutil_run(cp, NULL) == 0)
		return 0;
	snprintf(initdb, sizeof(initdb), "%s/initdb", pg->bin);
	{
		char *argv[] = {initdb,	 "-D",	       data,	    "-A",
				"trust", "-U",	       "postgres",  "-E",
				"UTF8",	 "--locale=C", "--no-sync", NULL};

		rc = run_as(pg, argv);
	}
	if (rc)
		return rc;
	/* keep a copy, moved into place whole so a parallel run never sees
	 * half of it */
	if (template_path(tmpl, sizeof(tmpl)) == 0 &&
	    snprintf(tmp, sizeof(tmp), "%s.%d", tmpl, (int)getpid()) <
		    (int)sizeof(tmp)) {
		char *keep[] = {"/bin/cp", "-a", data, tmp, NULL};

		if (testutil_run(keep, NULL) == 0 && rename(tmp, tmpl) != 0) {
			char *rm[] = {"/bin/rm", "-rf", tmp, NULL};

			(void)testutil_run(rm, NULL); /* someone was first */
		}
	}
	return 0;
}

static int start(struct pgtest **out, bool durable)
{
	struct pgtest *pg = calloc(1, sizeof(*pg));
	char data[PATH_MAX_ + 8], log[PATH_MAX_ + 8], ctl[PATH_MAX_ + 8];
	char opts[PATH_MAX_ + 64];
	int rc;

	if (!pg)
		return -ENOMEM;
	rc = find_bin(pg->bin, sizeof(pg->bin));
	if (rc) {
		fprintf(stderr, "pgtest: PostgreSQL is not installed "
				"(make deps installs postgresql)\n");
		free(pg);
		return rc;
	}
	if (geteuid() == 0) {
		snprintf(pg->runuser, sizeof(pg->runuser), "%s",
			 access("/usr/sbin/runuser", X_OK) == 0
				 ? "/usr/sbin/runuser"
				 : "/sbin/runuser");
	}
	pg->dir = testutil_tmpdir("pg");
	if (!pg->dir) {
		free(pg);
		return -EIO;
	}
	if (pg->runuser[0] && (rc = chown_to_postgres(pg->dir)) != 0)
		goto err;
	snprintf(data, sizeof(data), "%s/data", pg->dir);
	snprintf(log, sizeof(log), "%s/log", pg->dir);
	snprintf(ctl, sizeof(ctl), "%s/pg_ctl", pg->bin);
	/* no TCP; the socket in our directory; no fsync unless durable */
	snprintf(opts, sizeof(opts),
		 "-k %s -c listen_addresses= %s-c max_connections=20", pg->dir,
		 durable ? "" : "-F ");
	rc = cluster(pg, data);
	if (rc == 0) {
		char *argv[] = {ctl,  "-D", data, "-o",	   opts,
				"-l", log,  "-w", "start", NULL};

		rc = run_as(pg, argv);
	}
	if (rc)
		goto err;
	*out = pg;
	return 0;
err:
	testutil_rmtree_free(pg->dir);
	free(pg);
	return rc ? rc : -EIO;
}

int pgtest_start(struct pgtest **out)
{
	return start(out, false);
}

int pgtest_start_durable(struct pgtest **out)
{
	return start(out, true);
}

int pgtest_createdb(struct pgtest *pg, const char *name, char *buf, size_t cap)
{
	char createdb[PATH_MAX_ + 16], db[64];
	int rc;

	if (snprintf(db, sizeof(db), "%s", name) >= (int)sizeof(db))
		return -ENAMETOOLONG;
	snprintf(createdb, sizeof(createdb), "%s/createdb", pg->bin);
	{
		char *argv[] = {createdb,    "-h",	 pg->dir,
				"-U",	     "postgres", "-T",
				"template0", db,	 NULL};

		rc = spawn(argv, pg->dir);
	}
	if (rc)
		return -EIO;
	if (snprintf(buf, cap, "host=%s dbname=%s user=postgres", pg->dir,
		     name) >= (int)cap)
		return -ENAMETOOLONG;
	return 0;
}

void pgtest_stop(struct pgtest *pg)
{
	char data[PATH_MAX_ + 8], ctl[PATH_MAX_ + 8];

	if (!pg)
		return;
	snprintf(data, sizeof(data), "%s/data", pg->dir);
	snprintf(ctl, sizeof(ctl), "%s/pg_ctl", pg->bin);
	{
		char *argv[] = {ctl,	"-D", data,   "-m",
				"fast", "-w", "stop", NULL};

		(void)run_as(pg, argv); /* printed if it failed */
	}
	testutil_rmtree_free(pg->dir);
	free(pg);
}
