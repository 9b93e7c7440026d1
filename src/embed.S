/* SPDX-License-Identifier: Apache-2.0 */
/* The shipped default seccomp profile, compiled into the binary. */
	.section .rodata
	.global rg_embedded_seccomp_start
	.global rg_embedded_seccomp_end
	.balign 16
rg_embedded_seccomp_start:
	.incbin "profiles/seccomp-default.json"
rg_embedded_seccomp_end:
	.byte 0
	.section .note.GNU-stack,"",%progbits
