/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pushwire.c: the push's JSON bodies and the server's answers. */
#include "pushwire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int pushwire_batch_body(const struct pushwire_batch *b, char **out, size_t *len)
{
	struct json_value *o = json_value_object();
	int rc;

	if (!o)
		return -ENOMEM;
	rc = json_value_set_string(o, "device", b->device);
	if (!rc)
		rc = json_value_set_string(o, "public_key", b->public_key);
	if (!rc)
		rc = json_value_set_string(o, "desa", b->desa);
	if (!rc)
		rc = json_value_set_int(o, "first", b->first);
	if (!rc)
		rc = json_value_set_int(o, "last", b->last);
	if (!rc)
		rc = json_value_set_string(o, "prev", b->prev);
	if (!rc)
		rc = json_value_set_string(o, "head", b->head);
	if (!rc)
		rc = json_value_set_string(o, "lines", b->lines);
	if (!rc)
		rc = json_value_set_string(o, "signature", b->signature);
	if (!rc)
		rc = json_value_dump(o, out, len);
	json_value_free(o);
	return rc;
}

/* Copies s into dst, control characters as spaces, cut to cap. */
static void clean_copy(char *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && s[i] && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' && o)
			break; /* the first line */
		dst[o++] = (char)(c < 0x20 || c == 0x7f ? ' ' : c);
	}
	dst[o] = '\0';
}

static int hex64(const char *s)
{
	return s && strlen(s) == PD_HASH_HEX - 1 &&
	       strspn(s, "0123456789abcdef") == PD_HASH_HEX - 1;
}

int pushwire_answer_parse(const char *body, size_t len,
			  struct pushwire_answer *out)
{
	struct json_value *v = NULL;
	const char *s;
	char why[128];
	int64_t seq;

	memset(out, 0, sizeof(*out));
	if (!body || !len ||
	    json_value_parse(body, len, &v, why, sizeof(why)) < 0 ||
	    json_value_type(v) != JSON_VALUE_OBJECT) {
		json_value_free(v);
		clean_copy(out->error, sizeof(out->error), body ? body : "",
			   body ? len : 0);
		return -EINVAL;
	}
	if (json_value_string(json_value_get(v, "error"), &s) == 0)
		clean_copy(out->error, sizeof(out->error), s, strlen(s));
	if (json_value_string(json_value_get(v, "result"), &s) == 0)
		clean_copy(out->result, sizeof(out->result), s, strlen(s));
	if (json_value_int(json_value_get(v, "seq"), &seq) == 0 && seq >= 0 &&
	    json_value_string(json_value_get(v, "head"), &s) == 0 && hex64(s)) {
		out->has_head = 1;
		out->seq = seq;
		memcpy(out->head, s, PD_HASH_HEX);
	}
	json_value_free(v);
	return 0;
}

/* A string member into dst (cap with NUL): 0, or -EINVAL when absent,
 * not a string, empty or too long. */
static int get_str(const struct json_value *o, const char *key, char *dst,
		   size_t cap)
{
	const char *s;

	if (json_value_string(json_value_get(o, key), &s) < 0 || !*s ||
	    strlen(s) >= cap)
		return -EINVAL;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int one_rule(const struct json_value *o, struct pushwire_rule *r)
{
	const char *text;

	memset(r, 0, sizeof(*r));
	if (json_value_type(o) != JSON_VALUE_OBJECT ||
	    json_value_int(json_value_get(o, "id"), &r->id) < 0 || r->id < 1 ||
	    get_str(o, "kind", r->kind, sizeof(r->kind)) < 0 ||
	    get_str(o, "scope", r->scope, sizeof(r->scope)) < 0 ||
	    get_str(o, "area", r->area, sizeof(r->area)) < 0 ||
	    get_str(o, "name", r->name, sizeof(r->name)) < 0 ||
	    get_str(o, "version", r->version, sizeof(r->version)) < 0 ||
	    get_str(o, "from", r->from, sizeof(r->from)) < 0 ||
	    get_str(o, "published", r->published, sizeof(r->published)) < 0 ||
	    get_str(o, "signature", r->signature, sizeof(r->signature)) < 0 ||
	    json_value_string(json_value_get(o, "text"), &text) < 0 || !*text)
		return -EINVAL;
	r->text = strdup(text);
	return r->text ? 0 : -ENOMEM;
}

int pushwire_rules_parse(const char *body, size_t len,
			 struct pushwire_rules *out, size_t *skipped, char *why,
			 size_t cap)
{
	const struct json_value *arr;
	struct json_value *v = NULL;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (skipped)
		*skipped = 0;
	rc = json_value_parse(body, len, &v, why, cap);
	if (rc < 0)
		return rc;
	arr = json_value_type(v) == JSON_VALUE_OBJECT
		      ? json_value_get(v, "rules")
		      : NULL;
	if (!arr || json_value_type(arr) != JSON_VALUE_ARRAY) {
		snprintf(why, cap, "not a listing of rules (no \"rules\")");
		json_value_free(v);
		return -EINVAL;
	}
	(void)get_str(v, "publisher_key", out->publisher_key,
		      sizeof(out->publisher_key)); /* optional */
	(void)get_str(v, "kecamatan", out->kecamatan, sizeof(out->kecamatan));
	n = json_value_size(arr);
	out->r = n ? calloc(n, sizeof(*out->r)) : NULL;
	if (n && !out->r) {
		json_value_free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		rc = one_rule(json_value_at(arr, i), &out->r[out->n]);
		if (rc == -ENOMEM) {
			json_value_free(v);
			pushwire_rules_free(out);
			return rc;
		}
		if (rc == 0)
			out->n++;
		else if (skipped)
			(*skipped)++;
	}
	json_value_free(v);
	return 0;
}

void pushwire_rules_free(struct pushwire_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->r[i].text);
	free(r->r);
	r->r = NULL;
	r->n = 0;
}
