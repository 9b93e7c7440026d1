/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_JSON_ARENA_H
#define RUNGUARD_JSON_ARENA_H

#include <stddef.h>

#include "runguard/json.h"

/*
 * Blocks that the nodes of a tree are carved from (src/lib/json.c): for the
 * trees a create builds before it execs (the parsed config.json, the
 * unpacked embedded profiles). Never given back; rg_json_free and the
 * other removals pass what they free through rg_json_arena_free, which
 * leaves arena memory alone. Private to src/lib (json.c, jsonpack.c).
 */
struct rg_json_arena;

/* A block of size bytes, or NULL when the process has made all it may (then use malloc). */
struct rg_json_arena *rg_json_arena_new(size_t size);
/* n bytes, 8-aligned, from a; from malloc when a is NULL or full. Never NULL. */
void *rg_json_arena_alloc(struct rg_json_arena *a, size_t n);
/* A node of type t, zeroed but for the type. */
struct rg_json *rg_json_arena_node(struct rg_json_arena *a, enum rg_json_type t);
/* A string or number node and its text (len bytes, NUL-terminated) in one piece. */
struct rg_json *rg_json_arena_string(struct rg_json_arena *a, const char *s, size_t len,
				     enum rg_json_type t);
/* free(p) unless p is arena memory. */
void rg_json_arena_free(void *p);

#endif
