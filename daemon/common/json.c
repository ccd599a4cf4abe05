/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.c: JSON documents over jansson, its only includer.  A struct
 * json_value is jansson's json_t behind an opaque name; parsing is strict
 * (no duplicate keys, no NUL in strings) and the one writer gives the
 * canonical form json.h describes.
 */
#include "json.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_SORT_KEYS)

/* Our opaque name and jansson's type are the same object. */
static json_t *jv(struct json_value *v)
{
	return (json_t *)v;
}

static const json_t *cjv(const struct json_value *v)
{
	return (const json_t *)v;
}

static struct json_value *ours(json_t *j)
{
	return (struct json_value *)j;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static bool utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int c = *p, n, cp, min;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return false;
		}
		for (unsigned int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

int json_value_parse(const char *text, size_t len, struct json_value **out,
		     char *why, size_t cap)
{
	json_error_t err;
	json_t *j;

	j = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
		       &err);
	if (!j) {
		if (why && cap)
			snprintf(why, cap, "line %d column %d: %s", err.line,
				 err.column, err.text);
		return json_error_code(&err) == json_error_out_of_memory
			       ? -ENOMEM
			       : -EINVAL;
	}
	*out = ours(j);
	return 0;
}

void json_value_free(struct json_value *v)
{
	if (v)
		json_decref(jv(v));
}

struct json_value *json_value_object(void)
{
	return ours(json_object());
}

struct json_value *json_value_array(void)
{
	return ours(json_array());
}

int json_value_set(struct json_value *obj, const char *key,
		   struct json_value *v)
{
	if (!v) {
		return -ENOMEM;
	}
	if (!obj || !json_is_object(jv(obj)) || !key || !utf8_ok(key)) {
		json_decref(jv(v));
		return -EINVAL;
	}
	/* _set_new takes v over, on failure too */
	return json_object_set_new(jv(obj), key, jv(v)) == 0 ? 0 : -ENOMEM;
}

int json_value_set_string(struct json_value *obj, const char *key,
			  const char *s)
{
	if (!s || !utf8_ok(s))
		return -EINVAL;
	return json_value_set(obj, key, ours(json_string(s)));
}

int json_value_set_int(struct json_value *obj, const char *key, int64_t v)
{
	return json_value_set(obj, key, ours(json_integer((json_int_t)v)));
}

int json_value_append(struct json_value *arr, struct json_value *v)
{
	if (!v)
		return -ENOMEM;
	if (!arr || !json_is_array(jv(arr))) {
		json_decref(jv(v));
		return -EINVAL;
	}
	return json_array_append_new(jv(arr), jv(v)) == 0 ? 0 : -ENOMEM;
}

int json_value_dump(const struct json_value *v, char **out, size_t *len)
{
	char *s = json_dumps(cjv(v), DUMP_FLAGS);
	size_t n;
	char *t;

	if (!s)
		return -ENOMEM;
	n = strlen(s);
	t = realloc(s, n + 2);
	if (!t) {
		free(s);
		return -ENOMEM;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	*out = t;
	*len = n + 1;
	return 0;
}

enum json_value_type json_value_type(const struct json_value *v)
{
	switch (json_typeof(cjv(v))) {
	case JSON_OBJECT:
		return JSON_VALUE_OBJECT;
	case JSON_ARRAY:
		return JSON_VALUE_ARRAY;
	case JSON_STRING:
		return JSON_VALUE_STRING;
	case JSON_INTEGER:
		return JSON_VALUE_INT;
	case JSON_REAL:
		return JSON_VALUE_REAL;
	case JSON_TRUE:
	case JSON_FALSE:
		return JSON_VALUE_BOOL;
	case JSON_NULL:
		break;
	}
	return JSON_VALUE_NULL;
}

const struct json_value *json_value_get(const struct json_value *obj,
					const char *key)
{
	if (!obj || !json_is_object(cjv(obj)))
		return NULL;
	return ours(json_object_get(cjv(obj), key));
}

size_t json_value_size(const struct json_value *v)
{
	if (!v)
		return 0;
	if (json_is_object(cjv(v)))
		return json_object_size(cjv(v));
	if (json_is_array(cjv(v)))
		return json_array_size(cjv(v));
	return 0;
}

const struct json_value *json_value_at(const struct json_value *arr, size_t i)
{
	if (!arr || !json_is_array(cjv(arr)))
		return NULL;
	return ours(json_array_get(cjv(arr), i));
}

int json_value_each(const struct json_value *obj, json_value_member_fn *fn,
		    void *ud)
{
	const char *key;
	json_t *val;

	if (!obj || !json_is_object(cjv(obj)))
		return -EINVAL;
	/* jansson's iteration wants a non-const object; it does not change
	 * it */
	json_object_foreach((json_t *)(uintptr_t)cjv(obj), key, val)
	{
		int rc = fn(ud, key, ours(val));

		if (rc)
			return rc;
	}
	return 0;
}

int json_value_string(const struct json_value *v, const char **s)
{
	if (!v || !json_is_string(cjv(v)))
		return -EINVAL;
	*s = json_string_value(cjv(v));
	return 0;
}

int json_value_int(const struct json_value *v, int64_t *out)
{
	if (!v || !json_is_integer(cjv(v)))
		return -EINVAL;
	*out = (int64_t)json_integer_value(cjv(v));
	return 0;
}
