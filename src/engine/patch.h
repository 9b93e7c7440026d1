/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_PATCH_H
#define RUNGUARD_PATCH_H

#include "runguard/json.h"

/*
 * An RFC 6902 JSON Patch (as a JSON array, caller owns it) that turns
 * `from` into `to`: objects are diffed member by member (new members are
 * "add"ed in `to`'s order, so applying the patch reproduces the key order
 * too), arrays of equal length item by item, anything else replaced.
 */
struct rg_json *rg_json_diff(const struct rg_json *from, const struct rg_json *to);

#endif
