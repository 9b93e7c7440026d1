/* SPDX-License-Identifier: Apache-2.0 */
/* Adapter: host facts for the rules, read once from uname(2). */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "runguard/host.h"
#include "runguard/util.h"

/* uname machine -> libseccomp arch name and Go's GOARCH (as seccomp profiles' "arches" use). */
static const struct {
	const char *machine;
	const char *arch;
	const char *go_arch;
} arch_table[] = {
    {"x86_64", "SCMP_ARCH_X86_64", "amd64"},
    {"i386", "SCMP_ARCH_X86", "386"},
    {"i686", "SCMP_ARCH_X86", "386"},
    {"aarch64", "SCMP_ARCH_AARCH64", "arm64"},
    {"armv7l", "SCMP_ARCH_ARM", "arm"},
    {"armv6l", "SCMP_ARCH_ARM", "arm"},
    {"ppc64le", "SCMP_ARCH_PPC64LE", "ppc64le"},
    {"ppc64", "SCMP_ARCH_PPC64", "ppc64"},
    {"s390x", "SCMP_ARCH_S390X", "s390x"},
    {"riscv64", "SCMP_ARCH_RISCV64", "riscv64"},
    {"mips64", "SCMP_ARCH_MIPS64", "mips64"},
    {"loongarch64", "SCMP_ARCH_LOONGARCH64", "loong64"},
};

const char *rg_host_seccomp_arch(const char *machine)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(arch_table); i++)
		if (rg_streq(machine, arch_table[i].machine))
			return arch_table[i].arch;
	return NULL;
}

static const char *go_arch_of(const char *machine)
{
	for (size_t i = 0; i < RG_ARRAY_SIZE(arch_table); i++)
		if (rg_streq(machine, arch_table[i].machine))
			return arch_table[i].go_arch;
	return NULL;
}

void rg_host_detect(struct rg_host *ret)
{
	struct utsname u;

	memset(ret, 0, sizeof(*ret));
	ret->selinux_enabled = -1;
	if (uname(&u) < 0)
		return;
	ret->seccomp_arch = rg_host_seccomp_arch(u.machine);
	ret->go_arch = go_arch_of(u.machine);
	if (sscanf(u.release, "%d.%d", &ret->kernel_major, &ret->kernel_minor) != 2)
		ret->kernel_major = ret->kernel_minor = 0;
}
