/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kecd-box: a desa's box for the kecamatan server's demo, browser test
 * and benchmark, kept in a directory between calls.  Its store is the
 * box's real store (people, rules, punches through the store's own API);
 * it pushes as the box's push program will (docs/push.md): the rows after
 * the head the server acknowledged, in batches built with pushbatch and
 * signed with the device key, and keeps the acknowledged head.
 *
 *   kecd-box DIR init DESA NAME SEED SINCE ID=NAME...
 *   kecd-box DIR key                      the device key, 64 hex
 *   kecd-box DIR punch ID "YYYY-MM-DD HH:MM:SS" [untrusted]   (WIB)
 *   kecd-box DIR days FROM TO ID...       a pattern of working days
 *   kecd-box DIR push PORT                what is not acknowledged yet
 *   kecd-box DIR close MONTH "YYYY-MM-DD HH:MM:SS"
 *   kecd-box DIR bundle MONTH "YYYY-MM-DD HH:MM:SS" OUT.zip
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "civil.h"
#include "fakes/testutil.h"
#include "json.h"
#include "kecdfix.h"
#include "log.h"
#include "pushbatch.h"
#include "store.h"

static const uint8_t store_key[CRYPTO_KEY_BYTES] = {0x42};

static int usage(void)
{
	fputs("usage: kecd-box DIR init DESA NAME SEED SINCE ID=NAME...\n"
	      "       kecd-box DIR key | punch ID TIME [untrusted] | push PORT"
	      "\n       kecd-box DIR days FROM TO ID..."
	      "\n       kecd-box DIR close MONTH TIME | bundle MONTH TIME "
	      "OUT.zip\n",
	      stderr);
	return 2;
}

static int64_t local(const char *s)
{
	pd_day_t day;
	int h, m, sec;
	char date[CIVIL_DATE_LEN];

	if (sscanf(s, "%10s %d:%d:%d", date, &h, &m, &sec) != 4 ||
	    civil_date_parse(date, &day)) {
		fprintf(stderr, "kecd-box: %s is not YYYY-MM-DD HH:MM:SS\n", s);
		exit(2);
	}
	return civil_utc_from_local(day, h * 3600 + m * 60 + sec, KECBOX_WIB);
}

static char *file_in(const char *dir, const char *name)
{
	static char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

/* The box in dir: its store, configuration and key (from box.conf). */
static void box_open(struct kecbox *b, const char *dir)
{
	char *conf = testutil_slurp(file_in(dir, "box.conf"), NULL);
	char desa[PD_ID_MAX], name[PD_NAME_MAX];
	uint8_t s[CRYPTO_KEY_BYTES] = {0};
	int seed;

	if (!conf ||
	    sscanf(conf, "%31[^\n]\n%95[^\n]\n%d", desa, name, &seed) != 3) {
		fprintf(stderr, "kecd-box: %s is not a box (init it)\n", dir);
		exit(1);
	}
	free(conf);
	memset(b, 0, sizeof(*b));
	snprintf(b->path, sizeof(b->path), "%s", file_in(dir, "presensi.db"));
	if (store_open(b->path, NULL, 0, store_key, &b->st) != 0) {
		fprintf(stderr, "kecd-box: cannot open %s\n", b->path);
		exit(1);
	}
	conf_defaults(&b->conf);
	snprintf(b->conf.desa_id, sizeof(b->conf.desa_id), "%s", desa);
	snprintf(b->conf.desa_name, sizeof(b->conf.desa_name), "%s", name);
	snprintf(b->conf.kecamatan, sizeof(b->conf.kecamatan), "Pucuk");
	snprintf(b->conf.store_path, sizeof(b->conf.store_path), "%s", b->path);
	b->conf.offset_min = KECBOX_WIB;
	s[0] = (uint8_t)seed;
	s[1] = 0x5e;
	s[2] = (uint8_t)(seed >> 8);
	crypto_devkey_from_seed(s, &b->key);
	crypto_pubkey_hex(b->key.pk, b->public_key);
	crypto_pubkey_fingerprint(b->key.pk, b->fingerprint);
}

static int cmd_init(const char *dir, int argc, char **argv)
{
	char text[256];
	struct kecbox b;
	pd_day_t since;

	if (argc < 4 || civil_date_parse(argv[3], &since))
		return usage();
	mkdir(dir, 0755);
	snprintf(text, sizeof(text), "%s\n%s\n%s\n", argv[0], argv[1], argv[2]);
	if (testutil_write(file_in(dir, "box.conf"), text) != 0)
		return 1;
	box_open(&b, dir);
	/* on the first day, before work: no month before it has a row */
	kecbox_rules(&b, since,
		     civil_utc_from_local(since, 5 * 3600, KECBOX_WIB));
	for (int i = 4; i < argc; i++) {
		char id[PD_ID_MAX];
		const char *eq = strchr(argv[i], '=');

		if (!eq || (size_t)(eq - argv[i]) >= sizeof(id))
			return usage();
		snprintf(id, sizeof(id), "%.*s", (int)(eq - argv[i]), argv[i]);
		kecbox_person(
			&b, id, eq + 1, since,
			civil_utc_from_local(since, 6 * 3600 + i, KECBOX_WIB));
	}
	printf("%s\n", b.public_key);
	store_close(b.st);
	return 0;
}

static int64_t acked(const char *dir)
{
	char *t = testutil_slurp(file_in(dir, "acked"), NULL);
	int64_t seq = t ? strtoll(t, NULL, 10) : 0;

	free(t);
	return seq;
}

static int cmd_push(struct kecbox *b, const char *dir, int port)
{
	int64_t from = acked(dir) + 1, head = kecdfix_box_head(b);

	while (from <= head) {
		int64_t last = from + PUSHBATCH_ROWS_MAX - 1;
		struct kecdfix_reply r;
		struct json_value *v = NULL;
		int64_t seq = 0;
		char text[32];
		int status;

		if (last > head)
			last = head;
		status = kecdfix_push(port, b, from, last, &r);
		if ((status == 200 || status == 409) &&
		    json_value_parse(r.body, r.len, &v, NULL, 0) == 0 &&
		    json_value_int(json_value_get(v, "seq"), &seq) == 0) {
			snprintf(text, sizeof(text), "%" PRId64 "\n", seq);
			testutil_write(file_in(dir, "acked"), text);
		}
		json_value_free(v);
		printf("push %" PRId64 "..%" PRId64 ": %d %s", from, last,
		       status, r.body);
		kecdfix_reply_free(&r);
		if (status != 200 && status != 409)
			return 1;
		from = seq + 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct kecbox b;
	int rc = 0;

	if (argc < 3)
		return usage();
	log_init(LOG_TO_NONE, 0);
	signal(SIGPIPE, SIG_IGN);
	if (crypto_init() != 0)
		return 1;
	if (strcmp(argv[2], "init") == 0)
		return cmd_init(argv[1], argc - 3, argv + 3);
	box_open(&b, argv[1]);
	if (strcmp(argv[2], "key") == 0 && argc == 3) {
		printf("%s\n", b.public_key);
	} else if (strcmp(argv[2], "punch") == 0 && (argc == 5 || argc == 6)) {
		kecbox_punch(&b, argv[3], local(argv[4]),
			     argc == 6 ? PUNCH_F_UNTRUSTED : 0);
	} else if (strcmp(argv[2], "days") == 0 && argc >= 6) {
		pd_day_t from, to;

		if (civil_date_parse(argv[3], &from) ||
		    civil_date_parse(argv[4], &to))
			rc = usage();
		else
			kecbox_days(&b, (const char *const *)(argv + 5),
				    (size_t)(argc - 5), from, to);
	} else if (strcmp(argv[2], "push") == 0 && argc == 4) {
		rc = cmd_push(&b, argv[1], atoi(argv[3]));
	} else if (strcmp(argv[2], "close") == 0 && argc == 5) {
		kecbox_close_month(&b, argv[3], local(argv[4]));
	} else if (strcmp(argv[2], "bundle") == 0 && argc == 6) {
		uint8_t *zip;
		size_t len;
		FILE *fp;

		kecbox_bundle(&b, argv[3], local(argv[4]), &zip, &len);
		fp = fopen(argv[5], "wb");
		rc = !fp || fwrite(zip, 1, len, fp) != len;
		if (fp && fclose(fp) != 0)
			rc = 1;
		free(zip);
	} else {
		rc = usage();
	}
	store_close(b.st);
	explicit_bzero(&b.key, sizeof(b.key));
	return rc;
}
