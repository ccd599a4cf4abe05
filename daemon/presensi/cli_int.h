/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the presensi CLI: the handler of each row of the command
 * table (cli.c), defined in commands.c.  Each runs one parsed command with
 * the loaded configuration and returns the exit code (cli.h CLI_EXIT_*).
 */
#ifndef PRESENSI_CLI_INT_H
#define PRESENSI_CLI_INT_H

#include "cli.h"
#include "conf.h"

cli_run_fn cli_run_person_add;
cli_run_fn cli_run_person_list;
cli_run_fn cli_run_person_deactivate;
cli_run_fn cli_run_person_reactivate;
cli_run_fn cli_run_enroll;
cli_run_fn cli_run_profile_import;
cli_run_fn cli_run_profile_list;
cli_run_fn cli_run_profile_show;
cli_run_fn cli_run_calendar_import;
cli_run_fn cli_run_calendar_list;
cli_run_fn cli_run_calendar_add;
cli_run_fn cli_run_calendar_remove;
cli_run_fn cli_run_excuse_add;
cli_run_fn cli_run_excuse_list;
cli_run_fn cli_run_excuse_revoke;
cli_run_fn cli_run_punch_manual;
cli_run_fn cli_run_punches;
cli_run_fn cli_run_status;
cli_run_fn cli_run_rekap;
cli_run_fn cli_run_ringkas;
cli_run_fn cli_run_chain_verify;
cli_run_fn cli_run_clock_set;
cli_run_fn cli_run_wait_armed;
/* rights_cmds.c: a person's data rights (DOMAIN §6.5) */
cli_run_fn cli_run_person_report;
cli_run_fn cli_run_person_forget_prints;
/*
 * Sends one request line to presensid (with pass_fd, when >= 0, passed
 * along: SCM_RIGHTS) and reads to its final line: progress and kv lines
 * are printed as they come, an "err" line's message goes to stderr.
 * Returns the exit code: CLI_EXIT_OK, cli_exit_for_error() of the error's
 * name, or CLI_EXIT_REFUSED when the daemon cannot be reached.  ok (may
 * be NULL) gets the ok line's first field.
 */
/* The daemon's clock (it may be simulated), from its ping; 0 when it
 * does not answer. */
int64_t cli_daemon_now(const struct conf *c);
/* The desa's clock: the daemon's when it answers, else [clock] read here. */
int64_t cli_desa_now(const struct conf *c);
int cli_ask(const struct conf *c, const char *line, int pass_fd, char *ok,
	    size_t ok_cap);
/* backup_cmds.c: the box's backup (DOMAIN §6.8) */
cli_run_fn cli_run_backup;
cli_run_fn cli_run_restore;
/* bundle_cmds.c: the month's end */
cli_run_fn cli_run_close;
cli_run_fn cli_run_export;
cli_run_fn cli_run_verify;
cli_run_fn cli_run_device_key;
cli_run_fn cli_run_usb_export;

#endif /* PRESENSI_CLI_INT_H */
