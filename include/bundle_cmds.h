/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The month-end commands of the presensi CLI (bundle_cmds.c): close,
 * export, verify, device key and usb-export.  All but verify talk to
 * presensid, which alone holds the device key; verify reads a bundle file
 * and needs neither the daemon nor a config, so that it runs anywhere.
 */
#ifndef PRESENSI_BUNDLE_CMDS_H
#define PRESENSI_BUNDLE_CMDS_H

#include <stdbool.h>

#include "cli.h"
#include "conf.h"

/* True for the verbs bundle_cmds_run serves. */
bool bundle_cmds_serves(enum cli_verb verb);
/* True for those that run without a config (verify). */
bool bundle_cmds_no_config(enum cli_verb verb);
/*
 * Runs a's command; c is the loaded config (NULL for verify).  Returns
 * the exit code: 0 done, 1 refused or failed, 2 bad arguments.
 */
int bundle_cmds_run(const struct cli_args *a, const struct conf *c);

#endif /* PRESENSI_BUNDLE_CMDS_H */
