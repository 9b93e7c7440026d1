/* SPDX-License-Identifier: Apache-2.0 */
/* Shipped profiles compiled into the binary, so that zero-config works. */
	.section .rodata

.macro embed name, file
	.global rg_embedded_\name\()_start
	.global rg_embedded_\name\()_end
	.balign 16
rg_embedded_\name\()_start:
	.incbin "\file"
rg_embedded_\name\()_end:
	.byte 0
.endm

	embed seccomp, "profiles/seccomp-default.json"
	embed baseline, "profiles/baseline.json"
	embed restricted, "profiles/restricted.json"
	embed privileged, "profiles/privileged.json"
	/* The same, packed at build time (tools/gen_packed.c; found through -I$(BUILD)). */
	embed seccomp_packed, "packed/seccomp-default.bin"
	embed baseline_packed, "packed/baseline.bin"
	embed restricted_packed, "packed/restricted.bin"
	embed privileged_packed, "packed/privileged.bin"

	.section .note.GNU-stack,"",%progbits
