/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.c: the command table of the presensi CLI, the one list of its
 * commands, each with its options, their types, its help and its handler
 * (commands.c), and the parser that holds argv against it.  Commands that
 * change something talk to the daemon; reports read the database.
 */
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "civil.h"
#include "cli_int.h"
#include "utf8.h"

/* --date and the other periods: civil_period_parse checks them. */
#define PERIOD_OPTS                                                            \
	{"date", true, false, "YYYY-MM-DD", CLI_TEXT},                         \
		{"week", true, false, "YYYY-Www (ISO week)", CLI_TEXT},        \
		{"month", true, false, "YYYY-MM", CLI_TEXT},                   \
		{"quarter", true, false, "YYYY-Qn", CLI_TEXT},                 \
	{                                                                      \
		"year", true, false, "YYYY", CLI_TEXT                          \
	}

static const struct cli_cmd cmds[] = {
	{"person add",
	 NULL,
	 "add a perangkat desa",
	 cli_run_person_add,
	 {{"id", true, true, "desa-assigned id (NIPD)", CLI_TEXT},
	  {"name", true, true, "full name", CLI_TEXT},
	  {"jabatan", true, true, "e.g. \"Kaur Keuangan\"", CLI_TEXT},
	  {"since", true, false, "first active day (default today)", CLI_DATE}},
	 false},
	{"person list",
	 NULL,
	 "list people and their prints",
	 cli_run_person_list,
	 {{"format", true, false, "text|csv", CLI_TEXT}},
	 false},
	{"person deactivate",
	 NULL,
	 "end a person's active period; deletes their prints",
	 cli_run_person_deactivate,
	 {{"id", true, true, "person id", CLI_TEXT},
	  {"on", true, false, "last active day (default today)", CLI_DATE}},
	 false},
	{"person reactivate",
	 NULL,
	 "re-hire: open a new active period",
	 cli_run_person_reactivate,
	 {{"id", true, true, "person id", CLI_TEXT},
	  {"since", true, false, "first active day (default today)", CLI_DATE}},
	 false},
	{"person report",
	 NULL,
	 "everything the box holds about one person (never a template)",
	 cli_run_person_report,
	 {{"id", true, true, "person id", CLI_TEXT},
	  {"format", true, false, "text|csv", CLI_TEXT}},
	 false},
	{"person forget-prints",
	 NULL,
	 "delete a person's fingerprints now, at their request (attendance "
	 "stays)",
	 cli_run_person_forget_prints,
	 {{"id", true, true, "person id", CLI_TEXT},
	  {"reason", true, true, "why, e.g. \"permintaan yang bersangkutan\"",
	   CLI_TEXT}},
	 false},
	{"enroll",
	 NULL,
	 "enrol a finger (with the person's consent, UU 27/2022)",
	 cli_run_enroll,
	 {{"id", true, true, "person id", CLI_TEXT},
	  {"finger", true, true, "e.g. right-index", CLI_TEXT},
	  {"reader", true, false, "reader number (default 0)", CLI_TEXT},
	  {"consent", true, false,
	   "yes, once the person agreed to the consent text shown", CLI_TEXT}},
	 false},
	{"profile import",
	 "FILE",
	 "import a working-hours profile",
	 cli_run_profile_import,
	 {{"from", true, true, "first day it judges, YYYY-MM-DD", CLI_DATE},
	  {"retroactive", false, false,
	   "--from is before today: judge those days again (DOMAIN 2.3)",
	   CLI_TEXT},
	  {"reason", true, false,
	   "why, for --retroactive: the Perbup's date and number", CLI_TEXT}},
	 false},
	{"profile list",
	 NULL,
	 "profiles and their dates",
	 cli_run_profile_list,
	 {{NULL, false, false, NULL, CLI_TEXT}},
	 false},
	{"profile show",
	 NULL,
	 "show the profile in force on a day",
	 cli_run_profile_show,
	 {{"date", true, false, "YYYY-MM-DD (default today)", CLI_DATE}},
	 false},
	{"calendar import",
	 "FILE",
	 "import a yearly holiday calendar",
	 cli_run_calendar_import,
	 {{NULL, false, false, NULL, CLI_TEXT}},
	 false},
	{"calendar list",
	 NULL,
	 "holidays of a year",
	 cli_run_calendar_list,
	 {{"year", true, true, "YYYY", CLI_TEXT}},
	 false},
	{"calendar add",
	 NULL,
	 "add a local day or a late isbat change",
	 cli_run_calendar_add,
	 {{"date", true, true, "YYYY-MM-DD", CLI_DATE},
	  {"name", true, true, "name of the day", CLI_TEXT},
	  {"kind", true, false, "lokal (default), libur, cuti_bersama",
	   CLI_TEXT}},
	 false},
	{"calendar remove",
	 NULL,
	 "remove a listed day (a date moved after sidang isbat)",
	 cli_run_calendar_remove,
	 {{"date", true, true, "YYYY-MM-DD", CLI_DATE},
	  {"reason", true, true, "why, e.g. the new SKB", CLI_TEXT}},
	 false},
	{"excuse add",
	 NULL,
	 "record an excuse",
	 cli_run_excuse_add,
	 {{"id", true, true, "person id", CLI_TEXT},
	  {"from", true, true, "first day", CLI_DATE},
	  {"to", true, false, "last day (default = from)", CLI_DATE},
	  {"kind", true, true, "izin|sakit|cuti|dinas-luar|alat-rusak",
	   CLI_TEXT},
	  {"partial", true, false, "terlambat|pulang-cepat (one day)",
	   CLI_TEXT},
	  {"reason", true, true, "why", CLI_TEXT},
	  {"document", true, false, "document / surat tugas number", CLI_TEXT}},
	 false},
	{"excuse list",
	 NULL,
	 "excuses of a period",
	 cli_run_excuse_list,
	 {PERIOD_OPTS, {"id", true, false, "only this person", CLI_TEXT}},
	 false},
	{"excuse revoke",
	 NULL,
	 "revoke an excuse",
	 cli_run_excuse_revoke,
	 {{"excuse", true, true, "excuse number", CLI_TEXT},
	  {"reason", true, true, "why", CLI_TEXT}},
	 false},
	{"punch manual",
	 NULL,
	 "enter a punch by hand (appliance was down)",
	 cli_run_punch_manual,
	 {{"id", true, true, "person id", CLI_TEXT},
	  {"at", true, true, "\"YYYY-MM-DD HH:MM\" local time", CLI_LOCAL},
	  {"reason", true, true, "why", CLI_TEXT}},
	 false},
	{"punches",
	 NULL,
	 "punches of a day",
	 cli_run_punches,
	 {{"date", true, false, "YYYY-MM-DD (default today)", CLI_DATE},
	  {"format", true, false, "text|csv", CLI_TEXT}},
	 false},
	{"status",
	 NULL,
	 "readers, clock trust, counts, latencies",
	 cli_run_status,
	 {{NULL, false, false, NULL, CLI_TEXT}},
	 false},
	{"rekap",
	 NULL,
	 "discipline rekap of a period",
	 cli_run_rekap,
	 {PERIOD_OPTS,
	  {"format", true, false, "text|csv|xlsx|html", CLI_TEXT},
	  {"out", true, false, "file (required for xlsx)", CLI_TEXT},
	  {"daily", false, false, "csv: one row per person-day", CLI_TEXT},
	  {"id", true, false, "only this person", CLI_TEXT},
	  {"deductions", false, false,
	   "show indicative deductions (Permentan 68/2012)", CLI_TEXT}},
	 false},
	{"ringkas",
	 NULL,
	 "short summary for WhatsApp",
	 cli_run_ringkas,
	 {{"date", true, false, "YYYY-MM-DD", CLI_TEXT},
	  {"week", true, false, "YYYY-Www", CLI_TEXT}},
	 false},
	{"chain verify",
	 NULL,
	 "re-check the hash chain of the ledger",
	 cli_run_chain_verify,
	 {{NULL, false, false, NULL, CLI_TEXT}},
	 false},
	{"clock set",
	 NULL,
	 "set the simulated clock",
	 cli_run_clock_set,
	 {{"at", true, true, "\"YYYY-MM-DD HH:MM[:SS]\" local", CLI_LOCAL}},
	 false},
	{"close",
	 NULL,
	 "close a month, after its last corrections",
	 cli_run_close,
	 {{"month", true, true, "YYYY-MM (a month before the running one)",
	   CLI_TEXT}},
	 false},
	{"export",
	 NULL,
	 "write a month's signed bundle for the kecamatan",
	 cli_run_export,
	 {{"month", true, true, "YYYY-MM", CLI_TEXT},
	  {"out", true, false, "directory (default: the current one)",
	   CLI_TEXT}},
	 false},
	{"verify",
	 "FILE.zip",
	 "check a bundle from the file alone (no daemon, no config)",
	 cli_run_verify,
	 {{"after", true, false, "PREV.zip: also check that FILE continues it",
	   CLI_TEXT}},
	 true},
	{"device key",
	 NULL,
	 "the device's public key and fingerprint (for the kecamatan)",
	 cli_run_device_key,
	 {{NULL, false, false, NULL, CLI_TEXT}},
	 false},
	{"usb-export",
	 NULL,
	 "write this and last month's bundles to a mounted USB stick",
	 cli_run_usb_export,
	 {{"mount", true, false, "where the stick is mounted", CLI_TEXT},
	  {"failed", false, false,
	   "only show the export-fail light (the stick did not mount)",
	   CLI_TEXT}},
	 false},
	{"backup",
	 NULL,
	 "an encrypted backup of the ledger, configuration and device key "
	 "(no fingerprint templates), made by presensid",
	 cli_run_backup,
	 {{"out", true, true, "directory, e.g. a mounted USB stick", CLI_TEXT}},
	 false},
	{"restore",
	 NULL,
	 "bring a backup onto a fresh card (presensid stopped; no config)",
	 cli_run_restore,
	 {{"from", true, true, "the backup file (.pdbak)", CLI_TEXT},
	  {"state-dir", true, true,
	   "the empty state directory the configuration keeps its store in",
	   CLI_TEXT},
	  {"config-out", true, true, "where the configuration goes", CLI_TEXT}},
	 true},
	{"wait-armed",
	 NULL,
	 "wait until a reader waits for a finger (tests)",
	 cli_run_wait_armed,
	 {{"reader", true, false, "reader number", CLI_TEXT},
	  {"after", true, false, "armed generation already seen", CLI_TEXT},
	  {"timeout", true, false, "milliseconds", CLI_TEXT}},
	 false},
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static size_t nopts(const struct cli_cmd *c)
{
	size_t n = 0;

	while (n < CLI_OPTS_MAX && c->opts[n].name)
		n++;
	return n;
}

/* Longest command whose words match argv[i..]; sets *used words. */
static const struct cli_cmd *match_cmd(int argc, char **argv, int i, int *used)
{
	const struct cli_cmd *best = NULL;
	int best_n = 0;

	for (size_t c = 0; c < NCMDS; c++) {
		char words[64], *save = NULL, *w;
		int n = 0, ok = 1;

		strcpy(words, cmds[c].words);
		for (w = strtok_r(words, " ", &save); w;
		     w = strtok_r(NULL, " ", &save)) {
			if (i + n >= argc || strcmp(argv[i + n], w) != 0) {
				ok = 0;
				break;
			}
			n++;
		}
		if (ok && n > best_n) {
			best = &cmds[c];
			best_n = n;
		}
	}
	*used = best_n;
	return best;
}

int cli_exit_for_error(const char *errname)
{
	return errname && strcmp(errname, "EINVAL") == 0 ? CLI_EXIT_USAGE
							 : CLI_EXIT_REFUSED;
}

/* A value against its option's type: every value is UTF-8, dates and
 * local times are real ones.  0, or -EINVAL with err naming the option. */
static int check_type(const struct cli_cmd *c, const struct cli_opt *o,
		      const char *v, char *err, size_t cap)
{
	pd_day_t day;
	int64_t t;

	if (!utf8_valid(v)) {
		snprintf(err, cap, "%s: --%s: not valid UTF-8", c->words,
			 o->name);
		return -EINVAL;
	}
	if (o->type == CLI_DATE && civil_date_parse(v, &day) < 0) {
		snprintf(err, cap,
			 "%s: --%s: \"%.40s\" is not a date YYYY-MM-DD",
			 c->words, o->name, v);
		return -EINVAL;
	}
	if (o->type == CLI_LOCAL && civil_local_parse(v, 0, &t) < 0) {
		snprintf(err, cap,
			 "%s: --%s: \"%.40s\" is not a local time "
			 "\"YYYY-MM-DD HH:MM[:SS]\"",
			 c->words, o->name, v);
		return -EINVAL;
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_args *out, char *err,
	      size_t cap)
{
	int i = 1, used;
	const struct cli_cmd *c;

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	/* global options before the command */
	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			out->help = true;
			i++;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			out->config = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			out->config = argv[i] + 9;
			i++;
		} else {
			snprintf(err, cap,
				 "unknown option %s (before the "
				 "command only --config and --help)",
				 argv[i]);
			return -EINVAL;
		}
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
		const char *a = argv[i], *eq, *val = NULL;
		size_t n = nopts(c), k, len;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			out->help = true;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (c->positional && !out->positional) {
				out->positional = a;
				continue;
			}
			snprintf(err, cap, "%s: unexpected argument \"%s\"",
				 c->words, a);
			return -EINVAL;
		}
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		if (len == 6 && strncmp(a, "config", 6) == 0) {
			if (eq)
				out->config = eq + 1;
			else if (i + 1 < argc)
				out->config = argv[++i];
			continue;
		}
		for (k = 0; k < n; k++)
			if (strlen(c->opts[k].name) == len &&
			    strncmp(c->opts[k].name, a, len) == 0)
				break;
		if (k == n) {
			snprintf(err, cap, "%s: unknown option --%.*s",
				 c->words, (int)len, a);
			return -EINVAL;
		}
		if (c->opts[k].value) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				snprintf(err, cap, "%s: --%s needs a value",
					 c->words, c->opts[k].name);
				return -EINVAL;
			}
		} else {
			if (eq) {
				snprintf(err, cap, "%s: --%s takes no value",
					 c->words, c->opts[k].name);
				return -EINVAL;
			}
			val = "";
		}
		if (out->val[k]) {
			snprintf(err, cap, "%s: --%s given twice", c->words,
				 c->opts[k].name);
			return -EINVAL;
		}
		if (check_type(c, &c->opts[k], val, err, cap) < 0)
			return -EINVAL;
		out->val[k] = val;
	}
	if (out->help)
		return 0;
	for (size_t k = 0; k < nopts(c); k++)
		if (c->opts[k].required && !out->val[k]) {
			snprintf(err, cap, "%s: --%s is required", c->words,
				 c->opts[k].name);
			return -EINVAL;
		}
	if (c->positional && !out->positional) {
		snprintf(err, cap, "%s: %s is required", c->words,
			 c->positional);
		return -EINVAL;
	}
	return 0;
}

const char *cli_get(const struct cli_args *a, const char *name)
{
	if (!a->cmd)
		return NULL;
	for (size_t k = 0; k < nopts(a->cmd); k++)
		if (strcmp(a->cmd->opts[k].name, name) == 0)
			return a->val[k];
	return NULL;
}

void cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	if (!cmd) {
		fprintf(f, "usage: presensi [--config FILE] COMMAND [OPTIONS]\n"
			   "\nCommands:\n");
		for (size_t c = 0; c < NCMDS; c++)
			fprintf(f, "  %-20s %s\n", cmds[c].words,
				cmds[c].summary);
		fprintf(f, "\n\"presensi COMMAND --help\" shows its "
			   "options.  The config defaults to "
			   "$PRESENSI_CONF or /etc/presensi/presensi.conf.\n");
		return;
	}
	fprintf(f, "usage: presensi [--config FILE] %s%s%s [OPTIONS]\n%s\n",
		cmd->words, cmd->positional ? " " : "",
		cmd->positional ? cmd->positional : "", cmd->summary);
	for (size_t k = 0; k < nopts(cmd); k++) {
		char left[40];

		snprintf(left, sizeof(left), "--%s%s", cmd->opts[k].name,
			 cmd->opts[k].value ? " V" : "");
		fprintf(f, "  %-18s %s%s\n", left, cmd->opts[k].help,
			cmd->opts[k].required ? " (required)" : "");
	}
}
