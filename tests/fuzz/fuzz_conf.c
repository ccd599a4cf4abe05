/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_conf: libFuzzer harness for conf_parse(), the presensi.conf reader,
 * on arbitrary bytes through fmemopen (as the unit tests feed it).  Every
 * accepted file must give a struct conf within the ranges conf.h promises,
 * with every string terminated; every refusal must say why.  A file with
 * a NUL byte in it is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz.h"

#define ERRBUF_BYTES 4096 /* small, so truncation of the list is exercised */

static void check_conf(const struct conf *c)
{
	FUZZ_CHECK(fuzz_terminated(c->desa_id, sizeof(c->desa_id)));
	FUZZ_CHECK(fuzz_terminated(c->desa_name, sizeof(c->desa_name)));
	FUZZ_CHECK(fuzz_terminated(c->timezone, sizeof(c->timezone)));
	FUZZ_CHECK(fuzz_terminated(c->store_path, sizeof(c->store_path)));
	FUZZ_CHECK(fuzz_terminated(c->key_path, sizeof(c->key_path)));
	FUZZ_CHECK(fuzz_terminated(c->socket_path, sizeof(c->socket_path)));
	FUZZ_CHECK(fuzz_terminated(c->socket_group, sizeof(c->socket_group)));
	FUZZ_CHECK(fuzz_terminated(c->sim_log, sizeof(c->sim_log)));
	FUZZ_CHECK(fuzz_terminated(c->default_profile,
				   sizeof(c->default_profile)));
	FUZZ_CHECK(fuzz_terminated(c->default_calendar,
				   sizeof(c->default_calendar)));
	/* required keys, and the zone's fixed offset */
	FUZZ_CHECK(c->desa_id[0] && c->desa_name[0] && c->store_path[0] &&
		   c->socket_path[0]);
	FUZZ_CHECK(c->offset_min == 420 || c->offset_min == 480 ||
		   c->offset_min == 540);
	FUZZ_CHECK(c->duplicate_window_s <= 3600);
	FUZZ_CHECK(c->simulated_speed <= 3600);
	FUZZ_CHECK(c->lights == LIGHTS_NONE || c->lights == LIGHTS_SIM ||
		   c->lights == LIGHTS_GPIOD);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *errbuf;
	struct conf *c;
	FILE *fp;
	int rc;

	errbuf = malloc(ERRBUF_BYTES);
	c = malloc(sizeof(*c));
	if (!copy || !errbuf || !c)
		goto out;
	if (size)
		memcpy(copy, data, size);
	fp = fmemopen(copy, size, "r");
	if (!fp)
		goto out;
	memset(errbuf, 0x5a, ERRBUF_BYTES); /* no stale NUL to hide behind */
	rc = conf_parse(fp, "/etc/presensi/fuzz.conf", c, errbuf, ERRBUF_BYTES);
	fclose(fp);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EIO);
	/* a NUL byte is no text: refused, never a silent line break or
	 * the end of a line whose rest is dropped (ini.h) */
	if (memchr(data, '\0', size))
		FUZZ_CHECK(rc != 0);
	if (rc == 0)
		check_conf(c);
	else if (rc == -EINVAL)
		FUZZ_CHECK(fuzz_terminated(errbuf, ERRBUF_BYTES) &&
			   errbuf[0] != '\0');
out:
	free(c);
	free(errbuf);
	free(copy);
	return 0;
}
