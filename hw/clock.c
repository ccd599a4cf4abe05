/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clock.c: the only reader of the wall clock.  A system clock is trusted
 * when the kernel says it is NTP-synchronised, or when it was set at boot
 * from a plausible hardware RTC; a simulated clock (demo, tests) runs from a
 * set start at a set speed.  Also reads the kernel's boot id once.
 */
#include "clock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
#define BOOT_ID_LEN  36 /* 8-4-4-4-12 hex digits with dashes */

/*
 * adjtimex() maxerror, in µs, below which the kernel clock counts as
 * synchronised: the kernel raises STA_UNSYNC itself at 16 s, and systemd's
 * timedated uses the same limit.
 */
#define NTP_MAXERROR_US 16000000L
/*
 * Under systemd's ProtectClock=yes even a read-only adjtimex() fails with
 * EPERM; then systemd-timesyncd's flag file, touched on every successful
 * synchronisation, is the fallback.
 */
#define TIMESYNC_FLAG "/run/systemd/timesync/synchronized"

#define RTC_DEV		"/dev/rtc0"
#define RTC_HCTOSYS	"/sys/class/rtc/rtc0/hctosys"	  /* 1: set the clock */
#define RTC_SINCE_EPOCH "/sys/class/rtc/rtc0/since_epoch" /* RTC time, s */
/*
 * An RTC with a flat battery restarts at 2000-01-01 (or 1970): anything
 * before 2025-01-01 00:00:00 UTC is a reset clock, not the time.
 */
#define RTC_PLAUSIBLE_MIN_S 1735689600LL
/* RTC and system clock may differ by this much and still agree, s. */
#define RTC_AGREE_S 120LL

#define SIM_SPEED_MAX 3600 /* one real second = one simulated hour */

struct clock {
	enum clock_source src;
	/* simulated: utc = sim_start_utc_ms + (mono - sim_mono0) * speed */
	int64_t sim_start_utc_ms;
	uint64_t sim_mono0_us;
	unsigned int sim_speed;
	char boot_id[PD_BOOTID_MAX];
};

uint64_t clock_mono_us(void)
{
	struct timespec ts;

	/* Cannot fail with a valid clock id and pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t clock_mono_ms(void)
{
	return clock_mono_us() / 1000u;
}

static void read_boot_id(char *buf, size_t cap)
{
	char tmp[64];
	FILE *fp = fopen(BOOT_ID_PATH, "re");
	size_t n;

	snprintf(buf, cap, "unknown");
	if (!fp)
		return;
	if (!fgets(tmp, sizeof(tmp), fp)) {
		fclose(fp);
		return;
	}
	fclose(fp);
	n = strcspn(tmp, "\r\n");
	tmp[n] = '\0';
	if (n != BOOT_ID_LEN || n >= cap)
		return;
	memcpy(buf, tmp, n + 1);
}

int clock_new(enum clock_source src, int64_t sim_start_utc_ms,
	      unsigned int sim_speed, struct clock **out)
{
	struct clock *c;

	if (src != CLOCK_SOURCE_SYSTEM && src != CLOCK_SOURCE_SIMULATED)
		return -EINVAL;
	if (src == CLOCK_SOURCE_SIMULATED && sim_speed > SIM_SPEED_MAX)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->src = src;
	c->sim_start_utc_ms = sim_start_utc_ms;
	c->sim_mono0_us = clock_mono_us();
	c->sim_speed = src == CLOCK_SOURCE_SIMULATED ? sim_speed : 1;
	read_boot_id(c->boot_id, sizeof(c->boot_id));
	*out = c;
	return 0;
}

void clock_free(struct clock *c)
{
	free(c);
}

static bool ntp_synced(void)
{
	struct timex tx;
	int state;

	memset(&tx, 0, sizeof(tx)); /* modes = 0: read only */
	state = adjtimex(&tx);
	if (state < 0)
		return access(TIMESYNC_FLAG, F_OK) == 0;
	if (state == TIME_ERROR || (tx.status & STA_UNSYNC))
		return false;
	return tx.maxerror < NTP_MAXERROR_US;
}

static bool read_ll(const char *path, long long *out)
{
	FILE *fp = fopen(path, "re");
	long long v;
	int n;

	if (!fp)
		return false;
	n = fscanf(fp, "%lld", &v);
	fclose(fp);
	if (n != 1)
		return false;
	*out = v;
	return true;
}

/* A battery RTC that set the system clock at boot and still agrees. */
static bool rtc_trusted(int64_t utc_ms)
{
	long long hctosys, since_epoch, now_s = utc_ms / 1000;

	if (access(RTC_DEV, F_OK) != 0)
		return false;
	if (!read_ll(RTC_HCTOSYS, &hctosys) || hctosys != 1)
		return false;
	if (!read_ll(RTC_SINCE_EPOCH, &since_epoch))
		return false;
	if (since_epoch < RTC_PLAUSIBLE_MIN_S)
		return false;
	return llabs(since_epoch - now_s) <= RTC_AGREE_S;
}

void clock_read(struct clock *c, struct clock_reading *out)
{
	uint64_t mono_us = clock_mono_us();
	struct timespec ts;

	out->mono_ms = mono_us / 1000u;
	if (c->src == CLOCK_SOURCE_SIMULATED) {
		uint64_t el_us = mono_us - c->sim_mono0_us;

		/* speed 0: frozen, time moves only by clock_sim_set */
		out->utc_ms = c->sim_start_utc_ms +
			      (int64_t)(el_us * c->sim_speed / 1000u);
		/* Trusted by construction; the daemon flags the punch
		 * PUNCH_F_SIMULATED instead. */
		out->trusted = true;
		out->source = "simulated";
		return;
	}
	(void)clock_gettime(CLOCK_REALTIME, &ts); /* as above */
	out->utc_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (ntp_synced()) {
		out->trusted = true;
		out->source = "ntp";
	} else if (rtc_trusted(out->utc_ms)) {
		out->trusted = true;
		out->source = "rtc";
	} else {
		out->trusted = false;
		out->source = "unsynced";
	}
}

const char *clock_boot_id(const struct clock *c)
{
	return c->boot_id;
}

int clock_sim_set(struct clock *c, int64_t utc_ms)
{
	if (c->src != CLOCK_SOURCE_SIMULATED)
		return -EPERM;
	c->sim_start_utc_ms = utc_ms;
	c->sim_mono0_us = clock_mono_us();
	return 0;
}

enum clock_source clock_source_of(const struct clock *c)
{
	return c->src;
}
