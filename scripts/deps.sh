#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs the Debian 12 packages runguard needs to build, test and demo.
# Idempotent and fast when everything is present: dpkg-query first, apt-get
# only for what is missing.
set -euo pipefail

PACKAGES=(
	# build
	build-essential pkg-config libyajl-dev libseccomp-dev libcap-dev libselinux1-dev
	# unit tests, formatting, shellcheck, sanitizer builds; libFuzzer (make
	# fuzz) is only a Recommends of clang here
	libcmocka-dev clang clang-format shellcheck libclang-rt-14-dev
	# integration tests and demo: real containers on a busybox-static rootfs
	bats runc crun busybox-static jq libcap2-bin util-linux mount coreutils diffutils procps python3
	# engine tests (podman.bats, containerd.bats, cri.bats, contrib.bats,
	# install.bats): the engines, a CRI v1 client on gRPC, TOML/YAML checks,
	# man page and packaging checks
	podman conmon containerd protobuf-compiler python3-protobuf python3-grpcio python3-yaml
	man-db dpkg-dev debhelper fakeroot
	# docker.bats (dockerd 20.10), and apparmor_parser to check the shipped
	# AppArmor profile (configure.bats)
	docker.io apparmor
	# the host matrix (tests/hosts): a debootstrap guest booted under qemu
	# with Debian's kernel, labelled and given the container SELinux module
	# built from selinux-policy-src
	qemu-system-x86 debootstrap cpio e2fsprogs kmod policycoreutils selinux-policy-default
	selinux-policy-src selinux-policy-dev zstd
)

missing=()
for p in "${PACKAGES[@]}"; do
	if [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" != ii* ]]; then
		missing+=("$p")
	fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
	echo "deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

echo "deps: installing: ${missing[*]}"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || { echo "deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
	SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
