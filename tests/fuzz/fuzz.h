/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer harnesses in tests/fuzz: the entry point's
 * prototype (the project builds with -Wmissing-prototypes), a NUL-terminated
 * copy of the fuzzer's bytes, and FUZZ_CHECK, which aborts on a broken
 * property so that libFuzzer records the input as a crash.
 */
#ifndef PRESENSI_FUZZ_H
#define PRESENSI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property every accepted input must keep; abort() makes it a crash. */
#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: property broken: %s\n",        \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/*
 * The input as a C string: a malloc'd copy with a NUL appended (an
 * embedded NUL simply ends the string early, as it would for the parsers'
 * real callers).  Free with free(); NULL only when out of memory.
 */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		if (size)
			memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* True when s (cap bytes) holds a NUL: a parser left a bounded string. */
static inline int fuzz_terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

#endif /* PRESENSI_FUZZ_H */
