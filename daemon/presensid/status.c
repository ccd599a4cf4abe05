/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * status.c: the answer to "status": version, desa, clock and its trust,
 * readers and their state, prints loaded, unknown fingers, the ledger
 * head, the lights, recent identify latencies, and the active people who
 * have no print for a connected reader's model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "daemon_int.h"

#define LINE_MAX_STATUS (FAULT_MSG_MAX + 128) /* the longest kv line: fault */

/* (person, model) of every enrolled print, sorted, for one bsearch per
 * active person and reader: one pass over the prints, not one per person. */
struct print_key {
	char person[PD_ID_MAX];
	char model[PD_READER_MAX];
};

struct print_keys {
	struct print_key *k;
	size_t n, cap;
	int rc;
};

static int key_cmp(const void *a, const void *b)
{
	const struct print_key *x = a, *y = b;
	int c = strcmp(x->person, y->person);

	return c ? c : strcmp(x->model, y->model);
}

static int collect_key(void *ud, const struct print_rec *r)
{
	struct print_keys *pk = ud;

	if (pk->n == pk->cap) {
		size_t nc = pk->cap ? pk->cap * 2 : 64;
		struct print_key *nk = reallocarray(pk->k, nc, sizeof(*nk));

		if (!nk)
			return pk->rc = -ENOMEM;
		pk->k = nk;
		pk->cap = nc;
	}
	snprintf(pk->k[pk->n].person, sizeof(pk->k[pk->n].person), "%s",
		 r->person);
	snprintf(pk->k[pk->n].model, sizeof(pk->k[pk->n].model), "%s",
		 r->model);
	pk->n++;
	return 0;
}

struct missing_ctx {
	struct admin_ctx *a;
	const struct print_keys *pk;
	const char *model;
};

static int person_missing(void *ud, const struct person *p)
{
	struct missing_ctx *m = ud;
	struct print_key key;
	char line[LINE_MAX_STATUS];

	if (p->until != PD_DAY_OPEN)
		return 0;
	snprintf(key.person, sizeof(key.person), "%s", p->id);
	snprintf(key.model, sizeof(key.model), "%s", m->model);
	if (m->pk->n && bsearch(&key, m->pk->k, m->pk->n, sizeof(key), key_cmp))
		return 0;
	snprintf(line, sizeof(line), "no-print\t%s\t%s", p->id, m->model);
	admin_reply_line(m->a, "row", line);
	return 0;
}

static void missing_prints(struct daemon *d, struct admin_ctx *a, size_t n)
{
	struct print_keys pk = {0};

	if (store_print_meta_each(d->store, collect_key, &pk) < 0 || pk.rc) {
		free(pk.k);
		return;
	}
	if (pk.n)
		qsort(pk.k, pk.n, sizeof(*pk.k), key_cmp);
	for (size_t i = 0; i < n; i++) {
		struct scanner_reader_info ri;
		struct missing_ctx m = {.a = a, .pk = &pk};

		if (scanner_reader_info(d->scanner, i, &ri) < 0)
			continue;
		m.model = ri.model;
		store_person_each(d->store, person_missing, &m);
	}
	free(pk.k);
}

void status_cmd(struct daemon *d, struct client *c)
{
	struct admin_ctx a;
	struct clock_reading now;
	char line[LINE_MAX_STATUS], head[PD_HASH_HEX];
	char local[CIVIL_LOCAL_LEN];
	int64_t seq = 0, head_utc = 0, unknown = 0;
	size_t n = scanner_reader_count(d->scanner);

	fault_store_watch(d); /* a deleted store shows here at the latest */
	server_ctx(d, c, &a);
	clock_read(d->clock, &now);
#define KV(k, ...)                                                             \
	do {                                                                   \
		snprintf(line, sizeof(line), k "\t" __VA_ARGS__);              \
		admin_reply_line(&a, "kv", line);                              \
	} while (0)
	KV("version", "%s", PD_VERSION);
	if (d->fault_kind != FAULT_NONE)
		KV("fault", "%s", d->fault_msg);
	KV("desa", "%s %s", d->conf.desa_id, d->conf.desa_name);
	civil_local_format(now.utc_ms / 1000, d->conf.offset_min, local);
	KV("clock", "%s %s, source %s, %s", local,
	   civil_tz_abbrev(d->conf.offset_min), now.source,
	   now.trusted ? "trusted" : "NOT trusted");
	KV("boot_id", "%s", clock_boot_id(d->clock));
	KV("readers", "%zu", n);
	for (size_t i = 0; i < n; i++) {
		struct scanner_reader_info ri;

		if (scanner_reader_info(d->scanner, i, &ri) < 0)
			continue;
		snprintf(line, sizeof(line),
			 "reader\t%d\t%s\t%s\t%s\t%s\tgallery=%zu", ri.reader,
			 ri.model, ri.name, ri.state, ri.temperature,
			 ri.gallery);
		admin_reply_line(&a, "row", line);
	}
	KV("prints_loaded", "%zu", gallery_count(d->gallery));
	if (gallery_bad_count(d->gallery)) {
		KV("prints_bad",
		   "%zu do not open (altered, moved to another "
		   "person, or another key): re-enrol them",
		   gallery_bad_count(d->gallery));
		for (size_t i = 0; i < gallery_bad_count(d->gallery); i++) {
			const struct print_rec *r = gallery_bad(d->gallery, i);

			snprintf(line, sizeof(line),
				 "bad-print\t%lld\t%s\t%s\t%s",
				 (long long)r->key, r->person, r->finger,
				 r->model);
			admin_reply_line(&a, "row", line);
		}
	}
	if (!d->store ||
	    store_counter_get(d->store, "unknown_finger", &unknown) < 0)
		unknown = 0;
	KV("unknown_fingers", "%lld", (long long)unknown);
	if (d->store && store_ledger_head(d->store, &seq, &head_utc, head) == 0)
		KV("ledger", "%lld rows, head %.16s", (long long)seq, head);
	KV("lights", "%s (%u errors)",
	   lights_state_name(lights_current(d->lights)),
	   lights_errors(d->lights));
	KV("arming", "%s (%s), heat %.2f, wake presses %u",
	   d->duty.armed ? "armed" : "resting", duty_why_name(d->duty.why),
	   d->duty.heat.r, d->wake ? wake_presses(d->wake) : 0);
	for (unsigned int i = 0; i < LATENCY_KEEP && i < d->nlat; i++) {
		const struct latency *l =
			&d->lat[(d->nlat - 1 - i) % LATENCY_KEEP];

		snprintf(line, sizeof(line), "latency\t%d\t%s\t%.1f\t%.1f",
			 l->reader, attend_result_name(l->result),
			 l->image_to_decision_us / 1000.0,
			 l->decision_to_light_us / 1000.0);
		admin_reply_line(&a, "row", line);
	}
	if (d->store)
		missing_prints(d, &a, n);
	push_status_show(d, &a);
#undef KV
	admin_reply_ok(&a, NULL, NULL);
}
