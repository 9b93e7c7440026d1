/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNGUARD_SHA256_H
#define RUNGUARD_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct rg_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t buf_len;
};

void rg_sha256_init(struct rg_sha256 *s);
void rg_sha256_update(struct rg_sha256 *s, const void *data, size_t n);
/* Writes 64 lowercase hex digits and a NUL to hex. */
void rg_sha256_hex(struct rg_sha256 *s, char hex[65]);

#endif
