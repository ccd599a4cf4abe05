/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UTF-8 well-formedness (RFC 3629): the check every text field passes at
 * the edges (the CLI's arguments, the control socket's request table,
 * profile and calendar files) before it can reach a CSV, HTML, XLSX or
 * ledger row.  Pure.  Normalising to NFC is nfc.h's job (utf8proc).
 */
#ifndef PRESENSI_UTF8_H
#define PRESENSI_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Checks the n bytes at s.  Refused: a byte that starts no sequence (0x80
 * to 0xBF alone, 0xC0, 0xC1, 0xF5 to 0xFF), a sequence cut short, an
 * overlong form (U+002F written in two bytes), a surrogate (U+D800 to
 * U+DFFF) and anything above U+10FFFF.  Returns 0, or -EILSEQ with
 * *bad_off (may be NULL) the offset of the sequence's first byte.
 */
int utf8_check(const char *s, size_t n, size_t *bad_off);
/* utf8_check over a NUL-terminated string; NULL is not valid. */
bool utf8_valid(const char *s);

#endif /* PRESENSI_UTF8_H */
