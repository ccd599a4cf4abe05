/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kec_cli.c: the command table of presensi-kecamatan and its parser.
 */
#include "kec_cli.h"

#include <errno.h>
#include <string.h>

#define NO_OPTS                                                                \
	{                                                                      \
		{                                                              \
			NULL, false, false, NULL                               \
		}                                                              \
	}

static const struct kec_cli_cmd cmds[] = {
	{KEC_INIT,
	 "init",
	 NULL,
	 0,
	 0,
	 "create a kecamatan in the database",
	 {{"name", true, true, "the kecamatan's name, e.g. \"Pucuk\""},
	  {"kabupaten", true, false, "its kabupaten, e.g. \"Lamongan\""},
	  {"timezone", true, false,
	   "Asia/Jakarta (default), Asia/Makassar, Asia/Jayapura"},
	  {"deadline-day", true, false,
	   "bundles are due on this day of the next month (default 5)"}}},
	{KEC_TRUST,
	 "trust",
	 NULL,
	 0,
	 0,
	 "trust a desa's device key (a second key is a re-key)",
	 {{"desa", true, true, "the desa's id, as its box is configured"},
	  {"name", true, true, "the desa's name"},
	  {"key", true, true,
	   "the device key, 64 hex digits (presensi device key)"},
	  {"reason", true, false, "why a desa's box was replaced (re-key)"}}},
	{KEC_KEYS,
	 "keys",
	 NULL,
	 0,
	 0,
	 "list the trusted device keys",
	 {{"desa", true, false, "only this desa"}}},
	{KEC_DESA, "desa", NULL, 0, 0,
	 "list the desa, their keys and what was last received", NO_OPTS},
	{KEC_IMPORT, "import", "FILE.zip...", 1, KEC_CLI_POS_MAX,
	 "verify and merge desa bundles; each is logged", NO_OPTS},
	{KEC_LOG,
	 "log",
	 NULL,
	 0,
	 0,
	 "every import attempt, with its result and receive time",
	 {{"month", true, false, "only bundles of YYYY-MM"}}},
	{KEC_REKAP,
	 "rekap",
	 NULL,
	 0,
	 0,
	 "the camat's rekap, or one desa's per-person rekap",
	 {{"month", true, false, "YYYY-MM"},
	  {"quarter", true, false, "YYYY-Qn"},
	  {"year", true, false, "YYYY"},
	  {"format", true, false, "text (default), csv, xlsx, html"},
	  {"out", true, false, "write to FILE (xlsx needs it)"},
	  {"desa", true, false, "one desa's per-person rekap"}}},
	{KEC_CALENDAR_IMPORT, "calendar import", "FILE", 1, 1,
	 "the kecamatan office's yearly holidays (move the deadline)", NO_OPTS},
	{KEC_CALENDAR_ADD,
	 "calendar add",
	 NULL,
	 0,
	 0,
	 "one holiday of the kecamatan office",
	 {{"date", true, true, "YYYY-MM-DD"},
	  {"name", true, true, "the day's name"},
	  {"kind", true, false, "lokal (default), libur, cuti_bersama"}}},
	{KEC_CALENDAR_LIST,
	 "calendar list",
	 NULL,
	 0,
	 0,
	 "the office's holidays and the deadlines of a year",
	 {{"year", true, true, "YYYY"}}},
	{KEC_AUDIT, "audit", NULL, 0, 0,
	 "trust, re-key and calendar changes, with who and when", NO_OPTS},
	{KEC_USER_ADD,
	 "user add",
	 NULL,
	 0,
	 0,
	 "an account of the server; the password is read from the terminal "
	 "(twice, not shown) or from the first line of stdin",
	 {{"name", true, true, "the login name"},
	  {"role", true, true,
	   "kabupaten (every kecamatan), camat or kasi (the --kecamatan), "
	   "operator (uploads only; of the --kecamatan, or of all)"}}},
	{KEC_USER_PASSWD,
	 "user passwd",
	 NULL,
	 0,
	 0,
	 "a new password for an account (read as for user add); its sessions "
	 "end",
	 {{"name", true, true, "the login name"}}},
	{KEC_USER_DISABLE,
	 "user disable",
	 NULL,
	 0,
	 0,
	 "stop an account from logging in; its sessions end",
	 {{"name", true, true, "the login name"}}},
	{KEC_USER_LIST, "user list", NULL, 0, 0,
	 "the server's accounts, their roles and kecamatan", NO_OPTS},
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static size_t nopts(const struct kec_cli_cmd *c)
{
	size_t n = 0;

	while (n < KEC_CLI_OPTS_MAX && c->opts[n].name)
		n++;
	return n;
}

/* The command whose words begin at argv[i]; *used words. */
static const struct kec_cli_cmd *match_cmd(int argc, char **argv, int i,
					   int *used)
{
	const struct kec_cli_cmd *best = NULL;
	int best_words = 0;

	for (size_t c = 0; c < NCMDS; c++) {
		char words[64];
		char *save = NULL, *w;
		int k = 0;
		bool ok = true;

		snprintf(words, sizeof(words), "%s", cmds[c].words);
		for (w = strtok_r(words, " ", &save); w;
		     w = strtok_r(NULL, " ", &save), k++)
			if (i + k >= argc || strcmp(argv[i + k], w) != 0) {
				ok = false;
				break;
			}
		if (ok && k > best_words) {
			best = &cmds[c];
			best_words = k;
		}
	}
	*used = best_words;
	return best;
}

/* --db / --kecamatan, before or after the command: 1 when argv[*i] was
 * one (and consumed), 0 when not, -EINVAL without its value. */
static int global(int argc, char **argv, int *i, struct kec_cli_args *out,
		  char *err, size_t cap)
{
	static const char *const names[] = {"--db", "--kecamatan"};

	for (int g = 0; g < 2; g++) {
		size_t n = strlen(names[g]);
		const char *v = NULL;

		if (strncmp(argv[*i], names[g], n) != 0)
			continue;
		if (argv[*i][n] == '=')
			v = argv[*i] + n + 1;
		else if (argv[*i][n] != '\0')
			continue;
		else if (*i + 1 < argc)
			v = argv[++*i];
		if (!v || !*v) {
			snprintf(err, cap, "%s needs a value", names[g]);
			return -EINVAL;
		}
		if (g == 0)
			out->db = v;
		else
			out->kecamatan = v;
		return 1;
	}
	return 0;
}

int kec_cli_parse(int argc, char **argv, struct kec_cli_args *out, char *err,
		  size_t cap)
{
	const struct kec_cli_cmd *c;
	int i = 1, used, rc;

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	while (i < argc && strncmp(argv[i], "-", 1) == 0) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			out->help = true;
			i++;
			continue;
		}
		rc = global(argc, argv, &i, out, err, cap);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			snprintf(err, cap,
				 "unknown option %s (before the command only "
				 "--db, --kecamatan and --help)",
				 argv[i]);
			return -EINVAL;
		}
		i++;
	}
	if (i >= argc) {
		if (out->help)
			return 0;
		snprintf(err, cap, "no command given (try --help)");
		return -EINVAL;
	}
	c = match_cmd(argc, argv, i, &used);
	if (!c) {
		snprintf(err, cap, "unknown command \"%s\" (try --help)",
			 argv[i]);
		return -EINVAL;
	}
	out->cmd = c;
	for (i += used; i < argc; i++) {
		const char *a = argv[i], *eq;
		size_t n = nopts(c), k, len;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			out->help = true;
			continue;
		}
		if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
			if (strcmp(a, "--") == 0 && ++i >= argc)
				break;
			if (out->npos >= c->pos_max) {
				snprintf(err, cap,
					 "%s: unexpected argument \"%s\"",
					 c->words, argv[i]);
				return -EINVAL;
			}
			out->pos[out->npos++] = argv[i];
			continue;
		}
		rc = global(argc, argv, &i, out, err, cap);
		if (rc < 0)
			return rc;
		if (rc > 0)
			continue;
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		for (k = 0; k < n; k++)
			if (strlen(c->opts[k].name) == len &&
			    strncmp(c->opts[k].name, a, len) == 0)
				break;
		if (k == n) {
			snprintf(err, cap, "%s: unknown option --%.*s",
				 c->words, (int)len, a);
			return -EINVAL;
		}
		if (!c->opts[k].value) {
			out->val[k] = "";
			continue;
		}
		if (eq)
			out->val[k] = eq + 1;
		else if (i + 1 < argc)
			out->val[k] = argv[++i];
		else {
			snprintf(err, cap, "%s: --%s needs a value", c->words,
				 c->opts[k].name);
			return -EINVAL;
		}
	}
	if (out->help)
		return 0;
	for (size_t k = 0; k < nopts(c); k++)
		if (c->opts[k].required && !out->val[k]) {
			snprintf(err, cap, "%s: --%s is required", c->words,
				 c->opts[k].name);
			return -EINVAL;
		}
	if (out->npos < c->pos_min) {
		snprintf(err, cap, "%s: %s is required", c->words,
			 c->positional);
		return -EINVAL;
	}
	return 0;
}

const char *kec_cli_get(const struct kec_cli_args *a, const char *name)
{
	if (!a->cmd)
		return NULL;
	for (size_t k = 0; k < nopts(a->cmd); k++)
		if (strcmp(a->cmd->opts[k].name, name) == 0)
			return a->val[k];
	return NULL;
}

void kec_cli_usage(FILE *f, const struct kec_cli_cmd *cmd)
{
	if (!cmd) {
		fputs("usage: presensi-kecamatan [--db DB] [--kecamatan NAME] "
		      "COMMAND [OPTIONS]\n\n"
		      "  --db DB          a SQLite file (one kecamatan), or "
		      "postgresql://... or a\n"
		      "                   libpq conninfo (a kabupaten's "
		      "server); default\n"
		      "                   $PRESENSI_KECAMATAN_DB or "
		      "/var/lib/presensi-kecamatan/kecamatan.db\n"
		      "  --kecamatan NAME which kecamatan, when the database "
		      "holds several\n\ncommands:\n",
		      f);
		for (size_t c = 0; c < NCMDS; c++)
			fprintf(f, "  %-17s %s\n", cmds[c].words,
				cmds[c].summary);
		fputs("\n\"presensi-kecamatan COMMAND --help\" shows its "
		      "options.\n",
		      f);
		return;
	}
	fprintf(f, "usage: presensi-kecamatan %s", cmd->words);
	for (size_t k = 0; k < nopts(cmd); k++)
		fprintf(f, cmd->opts[k].required ? " --%s%s" : " [--%s%s]",
			cmd->opts[k].name, cmd->opts[k].value ? " V" : "");
	if (cmd->positional)
		fprintf(f, " %s", cmd->positional);
	fprintf(f, "\n  %s\n", cmd->summary);
	for (size_t k = 0; k < nopts(cmd); k++)
		fprintf(f, "  --%-13s %s\n", cmd->opts[k].name,
			cmd->opts[k].help);
}
