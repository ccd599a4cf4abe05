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
/* bundle_cmds.c: the month's end */
cli_run_fn cli_run_close;
cli_run_fn cli_run_export;
cli_run_fn cli_run_verify;
cli_run_fn cli_run_device_key;
cli_run_fn cli_run_usb_export;

#endif /* PRESENSI_CLI_INT_H */
