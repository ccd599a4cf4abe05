/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the bundle module's files: bundle.c (the archive, libzip's one
 * includer), bundle_manifest.c (manifest.json) and bundle_verify.c (the
 * checks).  The contract stays include/bundle.h.
 */
#ifndef PRESENSI_BUNDLE_INT_H
#define PRESENSI_BUNDLE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle.h"

#define BUNDLE_VERSION16 16 /* hex digits of a version in a rules name */

/* s is exactly n lower-case hex digits. */
bool bundle_hex_ok(const char *s, size_t n);
/* A name docs/bundle.md allows: a fixed entry, or a rules file named by
 * 16 lower-case hex digits.  Says nothing about "..": a caller checks the
 * name's form first. */
bool bundle_name_allowed(const char *name);
/* The entries every bundle must hold. */
extern const char *const bundle_required[];
#define BUNDLE_REQUIRED 6

#endif /* PRESENSI_BUNDLE_INT_H */
