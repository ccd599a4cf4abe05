/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.c: the command table of the presensi CLI and its parser.  Commands
 * that change something talk to the daemon; reports read the database.
 */
#include "cli.h"

#include <errno.h>
#include <string.h>

#define PERIOD_OPTS                                                            \
	{"date", true, false, "YYYY-MM-DD"},                                   \
		{"week", true, false, "YYYY-Www (ISO week)"},                  \
		{"month", true, false, "YYYY-MM"},                             \
		{"quarter", true, false, "YYYY-Qn"},                           \
	{                                                                      \
		"year", true, false, "YYYY"                                    \
	}

static const struct cli_cmd cmds[] = {
	{CLI_PERSON_ADD,
	 "person add",
	 NULL,
	 "add a perangkat desa",
	 {{"id", true, true, "desa-assigned id (NIPD)"},
	  {"name", true, true, "full name"},
	  {"jabatan", true, true, "e.g. \"Kaur Keuangan\""},
	  {"since", true, false, "first active day (default today)"}}},
	{CLI_PERSON_LIST,
	 "person list",
	 NULL,
	 "list people and their prints",
	 {{"format", true, false, "text|csv"}}},
	{CLI_PERSON_DEACTIVATE,
	 "person deactivate",
	 NULL,
	 "end a person's active period; deletes their prints",
	 {{"id", true, true, "person id"},
	  {"on", true, false, "last active day (default today)"}}},
	{CLI_PERSON_REACTIVATE,
	 "person reactivate",
	 NULL,
	 "re-hire: open a new active period",
	 {{"id", true, true, "person id"},
	  {"since", true, false, "first active day (default today)"}}},
	{CLI_ENROLL,
	 "enroll",
	 NULL,
	 "enrol a finger (with the person's consent, UU 27/2022)",
	 {{"id", true, true, "person id"},
	  {"finger", true, true, "e.g. right-index"},
	  {"reader", true, false, "reader number (default 0)"}}},
	{CLI_PROFILE_IMPORT,
	 "profile import",
	 "FILE",
	 "import a working-hours profile",
	 {{"from", true, true, "first day it judges, YYYY-MM-DD"}}},
	{CLI_PROFILE_LIST,
	 "profile list",
	 NULL,
	 "profiles and their dates",
	 {{NULL, false, false, NULL}}},
	{CLI_PROFILE_SHOW,
	 "profile show",
	 NULL,
	 "show the profile in force on a day",
	 {{"date", true, false, "YYYY-MM-DD (default today)"}}},
	{CLI_CALENDAR_IMPORT,
	 "calendar import",
	 "FILE",
	 "import a yearly holiday calendar",
	 {{NULL, false, false, NULL}}},
	{CLI_CALENDAR_LIST,
	 "calendar list",
	 NULL,
	 "holidays of a year",
	 {{"year", true, true, "YYYY"}}},
	{CLI_CALENDAR_ADD,
	 "calendar add",
	 NULL,
	 "add a local day or a late isbat change",
	 {{"date", true, true, "YYYY-MM-DD"},
	  {"name", true, true, "name of the day"},
	  {"kind", true, false, "lokal (default), libur, cuti_bersama"}}},
	{CLI_EXCUSE_ADD,
	 "excuse add",
	 NULL,
	 "record an excuse",
	 {{"id", true, true, "person id"},
	  {"from", true, true, "first day"},
	  {"to", true, false, "last day (default = from)"},
	  {"kind", true, true, "izin|sakit|cuti|dinas-luar|alat-rusak"},
	  {"partial", true, false, "terlambat|pulang-cepat (one day)"},
	  {"reason", true, true, "why"},
	  {"document", true, false, "document / surat tugas number"}}},
	{CLI_EXCUSE_LIST,
	 "excuse list",
	 NULL,
	 "excuses of a period",
	 {PERIOD_OPTS, {"id", true, false, "only this person"}}},
	{CLI_EXCUSE_REVOKE,
	 "excuse revoke",
	 NULL,
	 "revoke an excuse",
	 {{"excuse", true, true, "excuse number"},
	  {"reason", true, true, "why"}}},
	{CLI_PUNCH_MANUAL,
	 "punch manual",
	 NULL,
	 "enter a punch by hand (appliance was down)",
	 {{"id", true, true, "person id"},
	  {"at", true, true, "\"YYYY-MM-DD HH:MM\" local time"},
	  {"reason", true, true, "why"}}},
	{CLI_PUNCHES,
	 "punches",
	 NULL,
	 "punches of a day",
	 {{"date", true, false, "YYYY-MM-DD (default today)"},
	  {"format", true, false, "text|csv"}}},
	{CLI_STATUS,
	 "status",
	 NULL,
	 "readers, clock trust, counts, latencies",
	 {{NULL, false, false, NULL}}},
	{CLI_REKAP,
	 "rekap",
	 NULL,
	 "discipline rekap of a period",
	 {PERIOD_OPTS,
	  {"format", true, false, "text|csv|xlsx|html"},
	  {"out", true, false, "file (required for xlsx)"},
	  {"daily", false, false, "csv: one row per person-day"},
	  {"id", true, false, "only this person"},
	  {"deductions", false, false,
	   "show indicative deductions (Permentan 68/2012)"}}},
	{CLI_RINGKAS,
	 "ringkas",
	 NULL,
	 "short summary for WhatsApp",
	 {{"date", true, false, "YYYY-MM-DD"},
	  {"week", true, false, "YYYY-Www"}}},
	{CLI_CHAIN_VERIFY,
	 "chain verify",
	 NULL,
	 "re-check the hash chain of the ledger",
	 {{NULL, false, false, NULL}}},
	{CLI_CLOCK_SET,
	 "clock set",
	 NULL,
	 "set the simulated clock",
	 {{"at", true, true, "\"YYYY-MM-DD HH:MM[:SS]\" local"}}},
	{CLI_CLOSE,
	 "close",
	 NULL,
	 "close a month, after its last corrections",
	 {{"month", true, true, "YYYY-MM (a month before the running one)"}}},
	{CLI_EXPORT,
	 "export",
	 NULL,
	 "write a month's signed bundle for the kecamatan",
	 {{"month", true, true, "YYYY-MM"},
	  {"out", true, false, "directory (default: the current one)"}}},
	{CLI_VERIFY,
	 "verify",
	 "FILE.zip",
	 "check a bundle from the file alone (no daemon, no config)",
	 {{"after", true, false,
	   "PREV.zip: also check that FILE continues it"}}},
	{CLI_DEVICE_KEY,
	 "device key",
	 NULL,
	 "the device's public key and fingerprint (for the kecamatan)",
	 {{NULL, false, false, NULL}}},
	{CLI_USB_EXPORT,
	 "usb-export",
	 NULL,
	 "write this and last month's bundles to a mounted USB stick",
	 {{"mount", true, false, "where the stick is mounted"},
	  {"failed", false, false,
	   "only show the export-fail light (the stick did not mount)"}}},
	{CLI_WAIT_ARMED,
	 "wait-armed",
	 NULL,
	 "wait until a reader waits for a finger (tests)",
	 {{"reader", true, false, "reader number"},
	  {"after", true, false, "armed generation already seen"},
	  {"timeout", true, false, "milliseconds"}}},
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
