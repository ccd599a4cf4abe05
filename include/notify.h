/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The systemd notify protocol without libsystemd: READY=1, STATUS=...,
 * STOPPING=1 and watchdog pings, as datagrams to $NOTIFY_SOCKET.  Outside
 * systemd ($NOTIFY_SOCKET unset) every call is a no-op returning 0.
 */
#ifndef PRESENSI_NOTIFY_H
#define PRESENSI_NOTIFY_H

#include <stdint.h>

/* Sends state ("READY=1\nSTATUS=...").  0, or -errno of socket/sendto. */
int notify_send(const char *state);
/*
 * The watchdog interval systemd asked for ($WATCHDOG_USEC, honoured only
 * when $WATCHDOG_PID is unset or ours), in microseconds; 0 when none.
 */
uint64_t notify_watchdog_usec(void);

#endif /* PRESENSI_NOTIFY_H */
