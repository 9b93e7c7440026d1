/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the libFuzzer targets in tests/fuzz/. Each target is also
 * compiled into tests/unit/engine/test_fuzz_replay.c (with its entry points renamed
 * by macros) so that `make unit` replays the seed corpus and every kept
 * crasher without libFuzzer; static names in the targets therefore carry the
 * target's prefix.
 */
#ifndef RUNGUARD_FUZZ_H
#define RUNGUARD_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

/* An assertion that survives NDEBUG and reports like a sanitizer would. */
#define FUZZ_ASSERT(cond)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: fuzz assertion failed: %s\n", __FILE__, __LINE__,  \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
