/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTML text escaping for every page and printable report any program
 * writes (html.c, the kecamatan's pages): the one place that decides
 * which characters become entities.  Pure.
 */
#ifndef PRESENSI_HTMLESC_H
#define PRESENSI_HTMLESC_H

#include <stdio.h>

/* Writes s to fp with & < > " ' as entities; NULL writes nothing. */
void htmlesc_put(FILE *fp, const char *s);

#endif /* PRESENSI_HTMLESC_H */
