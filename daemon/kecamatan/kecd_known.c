/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd_known.c: the profiles and calendars shipped with the boxes, kept
 * as rule files of every kecamatan at start-up.  A push brings a profile
 * row, never its text; without these a desa on a shipped profile could
 * not be judged before its month's bundle arrives.
 */
#include "kecd.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "log.h"
#include "rulepub.h"
#include "rules.h"
#include "utf8.h"

struct kec_ids {
	size_t n;
	int64_t id[1024];
};

static int take_kec(void *ud, const struct kec_info *k)
{
	struct kec_ids *l = ud;

	if (l->n < sizeof(l->id) / sizeof(l->id[0]))
		l->id[l->n++] = k->id;
	return 0;
}

/* The file's name as it names itself, or -EINVAL when it does not parse. */
static int name_of(const char *kind, const char *path, const char *text,
		   size_t len, char *name, size_t cap)
{
	FILE *fp = fmemopen((void *)(uintptr_t)text, len, "r");
	int rc;

	if (!fp)
		return -ENOMEM;
	if (strcmp(kind, "profile") == 0) {
		struct rules_profile *r = calloc(1, sizeof(*r));

		rc = r ? rules_parse(fp, path, r, NULL, 0) : -ENOMEM;
		if (rc == 0)
			snprintf(name, cap, "%s", r->name);
		free(r);
	} else {
		struct calendar *c = calloc(1, sizeof(*c));

		rc = c ? calendar_parse(fp, path, c, NULL, 0) : -ENOMEM;
		if (rc == 0)
			snprintf(name, cap, "%s", c->name);
		free(c);
	}
	fclose(fp);
	return rc;
}

static int one_dir(struct kec_store *st, const struct kec_ids *kecs,
		   const char *dir, const char *sub, const char *kind, int *n)
{
	char path[KECD_PATH_MAX + 300];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	d = opendir(path);
	if (!d)
		return 0; /* none shipped there */
	/* readdir_r is deprecated in glibc; one thread reads this dir. */
	// cppcheck-suppress readdirCalled ; see above
	while (rc == 0 && (e = readdir(d))) {
		char version[PD_HASH_HEX], name[PD_TEXT_MAX], *text;
		size_t len = strlen(e->d_name);
		FILE *fp;

		if (len < 5 || strcmp(e->d_name + len - 4, ".ini") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, e->d_name);
		fp = fopen(path, "re");
		if (!fp)
			continue;
		text = calloc(1, RULEPUB_TEXT_MAX + 1);
		len = text ? fread(text, 1, RULEPUB_TEXT_MAX + 1, fp) : 0;
		fclose(fp);
		if (!text || len > RULEPUB_TEXT_MAX ||
		    utf8_check(text, len, NULL) ||
		    name_of(kind, path, text, len, name, sizeof(name))) {
			log_warnx("rules: %s skipped: not a %s this server "
				  "reads",
				  path, kind);
			free(text);
			continue;
		}
		crypto_sha256_hex(text, len, version);
		for (size_t i = 0; rc == 0 && i < kecs->n; i++)
			rc = kec_store_rule_put(st, kecs->id[i], version, kind,
						name, text);
		free(text);
		(*n)++;
	}
	closedir(d);
	return rc;
}

int kecd_known_rules(struct kec_store *st, const char *dir)
{
	struct kec_ids *kecs;
	int rc, n = 0;

	if (!dir[0])
		return 0;
	kecs = calloc(1, sizeof(*kecs));
	if (!kecs)
		return -ENOMEM;
	rc = kec_store_kec_each(st, take_kec, kecs);
	if (rc == 0)
		rc = one_dir(st, kecs, dir, "profiles", "profile", &n);
	if (rc == 0)
		rc = one_dir(st, kecs, dir, "calendars", "calendar", &n);
	if (rc == 0)
		log_info("rules: %d shipped profile and calendar files known "
			 "to %zu kecamatan",
			 n, kecs->n);
	free(kecs);
	return rc;
}
