/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_DIFF_H
#define RUNGUARD_DIFF_H

#include <stddef.h>

/*
 * A unified diff from a to b (either may be NULL: an absent file), with
 * labels as the ---/+++ names, as diff -u writes it: a shortest edit script
 * (Myers' algorithm; past RG_DIFF_MAX_EDITS edits, the changed middle as
 * one block), three lines of context, changes closer than seven lines in one
 * hunk, "\ No newline at end of file" where a file ends without one. patch(1)
 * applied to a reproduces b. Empty string when equal. Caller frees.
 */
char *rg_text_diff(const char *label_a, const char *a, size_t alen, const char *label_b,
		   const char *b, size_t blen);

/* More edits than this between two files: one replacing block (bounds time and memory). */
#define RG_DIFF_MAX_EDITS 1000

#endif
