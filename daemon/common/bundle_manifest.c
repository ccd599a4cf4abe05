/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bundle_manifest.c: manifest.json of a bundle (docs/bundle.md) to and from
 * struct bundle_manifest through json.h, with check 2's rules on reading:
 * every key and no other, each of its type and form.  Also the small
 * formats a bundle is made of: its file name, the rules entries' names,
 * ledger.csv's lines and the calendar set's version.
 */
#include "bundle.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"
#include "civil.h"
#include "json.h"

#define HEX64 64 /* SHA-256 and public keys in hex */

static const char *const kinds[BUNDLE_KINDS] = {
	"calendar", "checkpoint", "excuse", "person",
	"print",    "profile",	  "punch",  "revoke",
};

const char *bundle_kind_name(int i)
{
	return i >= 0 && i < BUNDLE_KINDS ? kinds[i] : NULL;
}

int bundle_kind_index(const char *kind)
{
	for (int i = 0; i < BUNDLE_KINDS; i++)
		if (strcmp(kinds[i], kind) == 0)
			return i;
	return -1;
}

int bundle_file_name(const char *desa_id, const char *period,
		     char out[BUNDLE_FILE_NAME_MAX])
{
	int n = snprintf(out, BUNDLE_FILE_NAME_MAX, "presensi-%s-%s.zip",
			 desa_id, period);

	return n < 0 || n >= BUNDLE_FILE_NAME_MAX ? -ENAMETOOLONG : 0;
}

void bundle_rules_entry(bool calendar, const char *version,
			char out[BUNDLE_NAME_MAX])
{
	snprintf(out, BUNDLE_NAME_MAX, "%s%.16s.ini",
		 calendar ? BUNDLE_CALENDAR_ENTRY : BUNDLE_PROFILE_ENTRY,
		 version);
}

int bundle_ledger_line(const struct ledger_row *r, char *buf, size_t cap)
{
	int n = ledger_line(r, buf, cap), m;

	if (n < 0)
		return n;
	m = snprintf(buf + n, cap - (size_t)n, ",%s,%s\r\n", r->prev_hash,
		     r->hash);
	if (m < 0 || (size_t)m >= cap - (size_t)n)
		return -ENAMETOOLONG;
	return n + m;
}

/* ---- encoding ---- */

/* Adds to obj, remembering the first failure in *rc. */
static void put_str(struct json_value *obj, const char *key, const char *v,
		    int *rc)
{
	if (*rc == 0)
		*rc = json_value_set_string(obj, key, v);
}

static void put_int(struct json_value *obj, const char *key, int64_t v, int *rc)
{
	if (*rc == 0)
		*rc = json_value_set_int(obj, key, v);
}

static void put(struct json_value *obj, const char *key, struct json_value *v,
		int *rc)
{
	if (*rc == 0)
		*rc = json_value_set(obj, key, v);
	else
		json_value_free(v);
}

static struct json_value *rules_array(const struct bundle_rules_file *f, int n,
				      int *rc)
{
	struct json_value *a = json_value_array();

	if (!a) {
		*rc = -ENOMEM;
		return NULL;
	}
	for (int i = 0; i < n && *rc == 0; i++) {
		struct json_value *o = json_value_object();

		put_str(o, "file", f[i].file, rc);
		put_str(o, "name", f[i].name, rc);
		put_str(o, "version", f[i].version, rc);
		if (*rc == 0)
			*rc = json_value_append(a, o);
		else
			json_value_free(o);
	}
	return a;
}

int bundle_manifest_encode(const struct bundle_manifest *m, char **json,
			   size_t *len)
{
	struct json_value *root = json_value_object(), *o;
	char iso[21];
	int rc = root ? 0 : -ENOMEM;

	put_str(root, "calendar_set", m->calendar_set, &rc);
	put(root, "calendars", rules_array(m->calendars, m->ncalendars, &rc),
	    &rc);
	ledger_iso_utc(m->closed_utc, iso);
	put_str(root, "closed_utc", iso, &rc);
	o = json_value_object();
	for (int i = 0; i < BUNDLE_KINDS; i++)
		put_int(o, kinds[i], m->counts[i], &rc);
	put(root, "counts", o, &rc);
	o = json_value_object();
	put_str(o, "id", m->desa_id, &rc);
	put_str(o, "name", m->desa_name, &rc);
	put(root, "desa", o, &rc);
	o = json_value_object();
	put_str(o, "id", m->device_id, &rc);
	put_str(o, "public_key", m->public_key, &rc);
	put(root, "device", o, &rc);
	o = json_value_object();
	for (int i = 0; i < m->nfiles; i++)
		put_str(o, m->files[i].name, m->files[i].sha256, &rc);
	put(root, "files", o, &rc);
	put_int(root, "format", m->format, &rc);
	o = json_value_object();
	put_int(o, "disk_free", m->health.disk_free_bytes, &rc);
	put_int(o, "reader_errors", m->health.reader_errors, &rc);
	put_int(o, "untrusted", m->health.untrusted, &rc);
	put_int(o, "uptime", m->health.uptime_s, &rc);
	put(root, "health", o, &rc);
	put_str(root, "kecamatan", m->kecamatan, &rc);
	o = json_value_object();
	put_int(o, "first_seq", m->first_seq, &rc);
	put_str(o, "head", m->head, &rc);
	put_int(o, "last_seq", m->last_seq, &rc);
	put_str(o, "prev_hash", m->prev_hash, &rc);
	put_int(o, "rows", m->rows, &rc);
	put(root, "ledger", o, &rc);
	put_str(root, "period", m->period, &rc);
	put(root, "profiles", rules_array(m->profiles, m->nprofiles, &rc), &rc);
	put_str(root, "software", m->software, &rc);
	put_str(root, "status",
		m->status == BUNDLE_COMPLETE ? "complete" : "interim", &rc);
	if (rc == 0)
		rc = json_value_dump(root, json, len);
	json_value_free(root);
	return rc;
}

/* ---- decoding: check 2 ---- */

#define BAD(...)                                                               \
	do {                                                                   \
		if (why && cap)                                                \
			snprintf(why, cap, __VA_ARGS__);                       \
		return -EBADMSG;                                               \
	} while (0)

/* Exactly the keys of names (n of them), no other. */
static int keys_exactly(const struct json_value *obj, const char *path,
			const char *const *names, size_t n, char *why,
			size_t cap)
{
	if (!obj || json_value_type(obj) != JSON_VALUE_OBJECT)
		BAD("%s: not an object", path);
	for (size_t i = 0; i < n; i++)
		if (!json_value_get(obj, names[i]))
			BAD("%s: key \"%s\" is missing", path, names[i]);
	if (json_value_size(obj) != n)
		BAD("%s: holds a key that is not in docs/bundle.md", path);
	return 0;
}

static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A string member: fits cap_out, no control characters; nonempty when
 * required. */
static int get_str(const struct json_value *obj, const char *path,
		   const char *key, char *out, size_t out_cap, bool nonempty,
		   char *why, size_t cap)
{
	const char *s;

	if (json_value_string(json_value_get(obj, key), &s) != 0)
		BAD("%s%s: not a string", path, key);
	if (strlen(s) >= out_cap)
		BAD("%s%s: longer than %zu bytes", path, key, out_cap - 1);
	if (has_ctl(s))
		BAD("%s%s: holds control characters", path, key);
	if (nonempty && !*s)
		BAD("%s%s: empty", path, key);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int get_hex(const struct json_value *obj, const char *path,
		   const char *key, char out[PD_HASH_HEX], char *why,
		   size_t cap)
{
	int rc = get_str(obj, path, key, out, PD_HASH_HEX, true, why, cap);

	if (rc)
		return rc;
	if (!bundle_hex_ok(out, HEX64))
		BAD("%s%s: not 64 lower-case hex digits", path, key);
	return 0;
}

static int get_count(const struct json_value *obj, const char *path,
		     const char *key, int64_t *out, char *why, size_t cap)
{
	if (json_value_int(json_value_get(obj, key), out) != 0)
		BAD("%s%s: not a whole number", path, key);
	if (*out < 0)
		BAD("%s%s: negative", path, key);
	return 0;
}

static int get_rules(const struct json_value *root, const char *key,
		     bool calendar, struct bundle_rules_file *f, int *n,
		     char *why, size_t cap)
{
	static const char *const rk[] = {"file", "name", "version"};
	const struct json_value *a = json_value_get(root, key);
	char path[48], want[BUNDLE_NAME_MAX];
	int rc;

	if (!a || json_value_type(a) != JSON_VALUE_ARRAY)
		BAD("%s: not an array", key);
	if (json_value_size(a) > BUNDLE_RULES_MAX)
		BAD("%s: more than %d", key, BUNDLE_RULES_MAX);
	*n = (int)json_value_size(a);
	for (int i = 0; i < *n; i++) {
		const struct json_value *o = json_value_at(a, (size_t)i);

		snprintf(path, sizeof(path), "%s[%d]", key, i);
		if ((rc = keys_exactly(o, path, rk, 3, why, cap)))
			return rc;
		strcat(path, ".");
		if ((rc = get_str(o, path, "file", f[i].file, sizeof(f[i].file),
				  true, why, cap)) ||
		    (rc = get_str(o, path, "name", f[i].name, sizeof(f[i].name),
				  false, why, cap)) ||
		    (rc = get_hex(o, path, "version", f[i].version, why, cap)))
			return rc;
		bundle_rules_entry(calendar, f[i].version, want);
		if (strcmp(f[i].file, want) != 0)
			BAD("%sfile: \"%s\" is not the name of version %.16s "
			    "(\"%s\")",
			    path, f[i].file, f[i].version, want);
	}
	return 0;
}

/* One "files" member: an allowed entry name and its SHA-256. */
struct files_dec {
	struct bundle_manifest *m;
	char *why;
	size_t cap;
};

static int file_member(void *ud, const char *key, const struct json_value *v)
{
	struct files_dec *fd = ud;
	struct bundle_file_hash *f = &fd->m->files[fd->m->nfiles];
	char *why = fd->why;
	size_t cap = fd->cap;
	const char *s;

	if (strlen(key) >= sizeof(f->name) || !bundle_name_allowed(key) ||
	    strcmp(key, BUNDLE_MANIFEST) == 0 ||
	    strcmp(key, BUNDLE_SIGNATURE) == 0)
		BAD("files: \"%.64s\" is not an entry a bundle lists", key);
	if (json_value_string(v, &s) != 0 || strlen(s) != HEX64 ||
	    !bundle_hex_ok(s, HEX64))
		BAD("files.%s: not 64 lower-case hex digits", key);
	snprintf(f->name, sizeof(f->name), "%s", key);
	memcpy(f->sha256, s, HEX64 + 1);
	fd->m->nfiles++;
	return 0;
}

static int dec_files(const struct json_value *files, struct files_dec *fd)
{
	char *why = fd->why;
	size_t cap = fd->cap;

	if (!files || json_value_type(files) != JSON_VALUE_OBJECT)
		BAD("files: not an object");
	if (json_value_size(files) > BUNDLE_ENTRIES_MAX - 2)
		BAD("files: more than %d entries", BUNDLE_ENTRIES_MAX - 2);
	return json_value_each(files, file_member, fd);
}

static int dec_top(const struct json_value *root, struct bundle_manifest *m,
		   char *why, size_t cap)
{
	static const char *const top[] = {
		"calendar_set", "calendars", "closed_utc", "counts",
		"desa",		"device",    "files",	   "format",
		"health",	"kecamatan", "ledger",	   "period",
		"profiles",	"software",  "status",
	};
	char status[16], iso[24];
	pd_day_t f, l;
	int64_t fmt;
	int rc;

	if ((rc = keys_exactly(root, "manifest", top,
			       sizeof(top) / sizeof(top[0]), why, cap)))
		return rc;
	if (json_value_int(json_value_get(root, "format"), &fmt) != 0)
		BAD("format: not a whole number");
	if (fmt != BUNDLE_FORMAT)
		BAD("format %" PRId64 " is not %d (a newer program made it?)",
		    fmt, BUNDLE_FORMAT);
	m->format = (int)fmt;
	if ((rc = get_str(root, "", "status", status, sizeof(status), true, why,
			  cap)))
		return rc;
	if (strcmp(status, "complete") == 0)
		m->status = BUNDLE_COMPLETE;
	else if (strcmp(status, "interim") == 0)
		m->status = BUNDLE_INTERIM;
	else
		BAD("status: \"%s\" is neither complete nor interim", status);
	if ((rc = get_str(root, "", "period", m->period, sizeof(m->period),
			  true, why, cap)))
		return rc;
	if (strlen(m->period) != LEDGER_MONTH_LEN - 1 ||
	    civil_period_parse(CIVIL_PERIOD_MONTH, m->period, &f, &l, NULL,
			       0) != 0)
		BAD("period: \"%s\" is not a month YYYY-MM", m->period);
	if ((rc = get_str(root, "", "closed_utc", iso, sizeof(iso), true, why,
			  cap)))
		return rc;
	if (ledger_iso_parse(iso, &m->closed_utc) != 0)
		BAD("closed_utc: \"%s\" is not YYYY-MM-DDTHH:MM:SSZ", iso);
	if ((rc = get_str(root, "", "kecamatan", m->kecamatan,
			  sizeof(m->kecamatan), false, why, cap)) ||
	    (rc = get_str(root, "", "software", m->software,
			  sizeof(m->software), true, why, cap)) ||
	    (rc = get_hex(root, "", "calendar_set", m->calendar_set, why, cap)))
		return rc;
	return 0;
}

static int dec_objects(const struct json_value *root, struct bundle_manifest *m,
		       char *why, size_t cap)
{
	static const char *const desa[] = {"id", "name"};
	static const char *const device[] = {"id", "public_key"};
	static const char *const health[] = {"disk_free", "reader_errors",
					     "untrusted", "uptime"};
	static const char *const ledger[] = {"first_seq", "head", "last_seq",
					     "prev_hash", "rows"};
	const struct json_value *o;
	uint8_t pk[CRYPTO_PK_BYTES];
	char fpr[CRYPTO_FPR_MAX];
	int rc;

	o = json_value_get(root, "desa");
	if ((rc = keys_exactly(o, "desa", desa, 2, why, cap)) ||
	    (rc = get_str(o, "desa.", "id", m->desa_id, sizeof(m->desa_id),
			  true, why, cap)) ||
	    (rc = get_str(o, "desa.", "name", m->desa_name,
			  sizeof(m->desa_name), true, why, cap)))
		return rc;
	o = json_value_get(root, "device");
	if ((rc = keys_exactly(o, "device", device, 2, why, cap)) ||
	    (rc = get_str(o, "device.", "id", m->device_id,
			  sizeof(m->device_id), true, why, cap)) ||
	    (rc = get_hex(o, "device.", "public_key", m->public_key, why, cap)))
		return rc;
	if (crypto_hex_decode(m->public_key, pk, sizeof(pk)) != 0)
		BAD("device.public_key: not hex");
	crypto_pubkey_fingerprint(pk, fpr);
	if (strcmp(fpr, m->device_id) != 0)
		BAD("device.id %s is not the fingerprint of device.public_key "
		    "(%s)",
		    m->device_id, fpr);
	o = json_value_get(root, "health");
	if ((rc = keys_exactly(o, "health", health, 4, why, cap)) ||
	    (rc = get_count(o, "health.", "disk_free",
			    &m->health.disk_free_bytes, why, cap)) ||
	    (rc = get_count(o, "health.", "reader_errors",
			    &m->health.reader_errors, why, cap)) ||
	    (rc = get_count(o, "health.", "untrusted", &m->health.untrusted,
			    why, cap)) ||
	    (rc = get_count(o, "health.", "uptime", &m->health.uptime_s, why,
			    cap)))
		return rc;
	o = json_value_get(root, "ledger");
	if ((rc = keys_exactly(o, "ledger", ledger, 5, why, cap)) ||
	    (rc = get_count(o, "ledger.", "first_seq", &m->first_seq, why,
			    cap)) ||
	    (rc = get_count(o, "ledger.", "last_seq", &m->last_seq, why,
			    cap)) ||
	    (rc = get_count(o, "ledger.", "rows", &m->rows, why, cap)) ||
	    (rc = get_hex(o, "ledger.", "head", m->head, why, cap)) ||
	    (rc = get_hex(o, "ledger.", "prev_hash", m->prev_hash, why, cap)))
		return rc;
	if (m->first_seq < 1 || m->last_seq < m->first_seq)
		BAD("ledger: first_seq %" PRId64 " and last_seq %" PRId64
		    " are no run of rows",
		    m->first_seq, m->last_seq);
	if (m->rows != m->last_seq - m->first_seq + 1)
		BAD("ledger.rows %" PRId64 " is not last_seq - first_seq + 1",
		    m->rows);
	o = json_value_get(root, "counts");
	if ((rc = keys_exactly(o, "counts", kinds, BUNDLE_KINDS, why, cap)))
		return rc;
	for (int i = 0; i < BUNDLE_KINDS; i++)
		if ((rc = get_count(o, "counts.", kinds[i], &m->counts[i], why,
				    cap)))
			return rc;
	return 0;
}

int bundle_manifest_decode(const char *json, size_t len,
			   struct bundle_manifest *m, char *why, size_t cap)
{
	struct json_value *root = NULL;
	const struct json_value *files;
	struct files_dec fd = {m, why, cap};
	char jwhy[160];
	int rc;

	memset(m, 0, sizeof(*m));
	rc = json_value_parse(json, len, &root, jwhy, sizeof(jwhy));
	if (rc == -ENOMEM)
		return rc;
	if (rc)
		BAD("manifest.json does not parse: %s", jwhy);
	rc = dec_top(root, m, why, cap);
	if (rc == 0)
		rc = dec_objects(root, m, why, cap);
	if (rc == 0)
		rc = get_rules(root, "profiles", false, m->profiles,
			       &m->nprofiles, why, cap);
	if (rc == 0)
		rc = get_rules(root, "calendars", true, m->calendars,
			       &m->ncalendars, why, cap);
	files = json_value_get(root, "files");
	if (rc == 0)
		rc = dec_files(files, &fd);
	json_value_free(root);
	return rc;
}
