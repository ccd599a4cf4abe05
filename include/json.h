/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON documents: a small tree of values, parsed strictly and written in
 * one canonical form (keys sorted, two-space indent, a final newline), so
 * that the same document always gives the same bytes (the bundle's signed
 * manifest, docs/bundle.md).  json.c is the only includer of jansson.h; no
 * jansson type leaves it.  Used by every program that reads or writes a
 * bundle (the box's daemon and CLI, the kecamatan).
 *
 * The names avoid jansson's own (json_object, json_string...): every
 * function here is json_value_*.
 */
#ifndef PRESENSI_JSON_H
#define PRESENSI_JSON_H

#include <stddef.h>
#include <stdint.h>

/* A JSON value (object, array, string, integer...).  Opaque. */
struct json_value;

enum json_value_type {
	JSON_VALUE_NULL = 0,
	JSON_VALUE_BOOL,
	JSON_VALUE_INT,
	JSON_VALUE_REAL,
	JSON_VALUE_STRING,
	JSON_VALUE_ARRAY,
	JSON_VALUE_OBJECT,
};

/*
 * Parses exactly one JSON value from text (len bytes, no NUL needed):
 * UTF-8 only, no duplicate keys, no "\u0000" in strings, nothing but
 * white space after the value.  Free with json_value_free().  0, -ENOMEM,
 * or -EINVAL with a one-line reason ("line 3 column 5: ...") in why.
 */
int json_value_parse(const char *text, size_t len, struct json_value **out,
		     char *why, size_t cap);
void json_value_free(struct json_value *v); /* NULL-safe */

/* ---- building: each returns NULL when out of memory ---- */
struct json_value *json_value_object(void);
struct json_value *json_value_array(void);
/*
 * Sets key of an object.  The _set form takes v over (it is freed on
 * failure too).  0, -ENOMEM, or -EINVAL (obj is not an object, or a key
 * or string that is not UTF-8).
 */
int json_value_set_string(struct json_value *obj, const char *key,
			  const char *s);
int json_value_set_int(struct json_value *obj, const char *key, int64_t v);
int json_value_set(struct json_value *obj, const char *key,
		   struct json_value *v);
/* Appends v (taken over, freed on failure) to an array.  0, -ENOMEM,
 * -EINVAL. */
int json_value_append(struct json_value *arr, struct json_value *v);

/*
 * The canonical text of v: keys sorted by their bytes, two-space indent,
 * UTF-8 as is (no \u escapes but for control characters), ending with a
 * newline.  *out is NUL-terminated, *len excludes the NUL; free with
 * free().  0, -ENOMEM.
 */
int json_value_dump(const struct json_value *v, char **out, size_t *len);

/* ---- reading: pointers stay valid while the root value lives ---- */
enum json_value_type json_value_type(const struct json_value *v);
/* Member key of an object, or NULL (absent, or v is not an object). */
const struct json_value *json_value_get(const struct json_value *obj,
					const char *key);
/* Members of an object or elements of an array; 0 for anything else. */
size_t json_value_size(const struct json_value *v);
/* Element i of an array, or NULL. */
const struct json_value *json_value_at(const struct json_value *arr, size_t i);
/*
 * Calls fn for every member of an object, in the document's order; stops
 * at and returns fn's first non-zero.  -EINVAL when obj is not an object.
 */
typedef int json_value_member_fn(void *ud, const char *key,
				 const struct json_value *v);
int json_value_each(const struct json_value *obj, json_value_member_fn *fn,
		    void *ud);
/* The string (NUL-terminated, UTF-8) or integer of v; -EINVAL for another
 * type. */
int json_value_string(const struct json_value *v, const char **s);
int json_value_int(const struct json_value *v, int64_t *out);

#endif /* PRESENSI_JSON_H */
