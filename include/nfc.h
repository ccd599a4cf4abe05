/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unicode normalisation form C (NFC) of UTF-8 text, so that a name typed
 * as "e" + U+0301 and one typed as U+00E9 are stored, compared and printed
 * as the same bytes.  The only user of utf8proc.  Called by the daemon's
 * admin commands on every text field and file before anything is stored.
 */
#ifndef PRESENSI_NFC_H
#define PRESENSI_NFC_H

#include <stddef.h>

/*
 * Normalises the NUL-terminated UTF-8 string s to NFC into a new string
 * *out (free with free()).  Returns 0, -EILSEQ when s is not well-formed
 * UTF-8 (utf8.h; *out untouched) or -ENOMEM.
 */
int nfc_normalize(const char *s, char **out);

#endif /* PRESENSI_NFC_H */
