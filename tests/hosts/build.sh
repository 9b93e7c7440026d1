#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds the guest for the host matrix (tests/hosts/run.sh) from Debian's
# packages only, and caches it in $RG_HOSTS_CACHE (default
# /var/tmp/runguard-hosts):
#   kernel/vmlinuz   Debian 12's kernel (the linux-image-amd64 it depends on)
#   initrd.img       a tiny initramfs: busybox-static, the virtio and ext4
#                    modules, an /init that mounts /dev/vda and switches to it
#   rootfs/          a debootstrap --variant=minbase guest with runc, crun,
#                    busybox-static, SELinux (selinux-policy-default plus the
#                    refpolicy container module built from selinux-policy-src,
#                    which Debian's policy lacks) and AppArmor
# The expensive parts (debootstrap, kernel, policy) are cached; every call
# then makes a fresh disk image, disk.img, holding the runguard binary given
# as $1 (its profiles beside it), this directory's guest scripts and a busybox
# bundle, labelled for SELinux on the build host (setfiles -r; mkfs.ext4 -d
# keeps the xattrs). Boots use qemu's -snapshot, so the image never changes.
set -euo pipefail

RG_BIN=$(readlink -f "${1:?usage: build.sh RUNGUARD_BINARY}")
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${RG_HOSTS_CACHE:-/var/tmp/runguard-hosts}
MIRROR=${RG_HOSTS_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$CACHE"
cd "$CACHE"

T0=$SECONDS
# log MSG: progress on stderr, with the seconds since the build started.
log() { printf 'hosts-build: [%3d s] %s\n' "$((SECONDS - T0))" "$*" >&2; }

GUEST_PACKAGES=runc,crun,busybox-static,selinux-policy-default,policycoreutils,apparmor,libyajl2,libseccomp2,libcap2,libselinux1,jq,bats,util-linux,procps,kmod,libcap2-bin,diffutils

# --- kernel: the package linux-image-amd64 depends on, unpacked here; then
# the initramfs. A function, run beside debootstrap when both are built.
kernel_initrd() {
if [[ ! -s kernel/vmlinuz ]]; then
	pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[[ -n "$pkg" ]] || { log "cannot tell which kernel linux-image-amd64 names"; exit 1; }
	log "kernel: $pkg"
	rm -rf kernel.tmp && mkdir kernel.tmp
	(cd kernel.tmp && apt-get download -q "$pkg" >/dev/null && dpkg-deb -x ./*.deb unpacked)
	kver=$(ls kernel.tmp/unpacked/lib/modules)
	cp "kernel.tmp/unpacked/boot/vmlinuz-$kver" kernel.tmp/vmlinuz
	mkdir kernel.tmp/modules && cp -a "kernel.tmp/unpacked/lib/modules/$kver" kernel.tmp/modules/
	rm -rf kernel.tmp/unpacked kernel.tmp/*.deb kernel && mv kernel.tmp kernel
fi
kver=$(ls kernel/modules)
moddir=kernel/modules/$kver

# --- initramfs: busybox and the modules to reach an ext4 root on virtio-blk
# mod_order NAME: NAME's module dependencies first, then NAME (from modinfo).
declare -A seen=()
mods=()
mod_order() {
	local m=$1 f d
	[[ -z "${seen[$m]:-}" ]] || return 0
	seen[$m]=1
	f=$(find "$moddir" -name "$m.ko" -o -name "$m.ko.xz" | head -1)
	[[ -n "$f" ]] || { log "module $m not found"; exit 1; }
	for d in $(/sbin/modinfo -F depends "$f" | tr ',' ' '); do mod_order "$d"; done
	mods+=("$f")
}
if [[ ! -s initrd.img ]]; then
	log "initramfs"
	for m in virtio_pci virtio_blk crc32c_generic ext4; do mod_order "$m"; done
	rm -rf initrd.tmp && mkdir -p initrd.tmp/{bin,dev,proc,sys,newroot,mod}
	cp /bin/busybox initrd.tmp/bin/busybox
	for f in "${mods[@]}"; do cp "$f" initrd.tmp/mod/; done
	printf '%s\n' "${mods[@]##*/}" >initrd.tmp/mod/order
	cat >initrd.tmp/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in $(cat /mod/order); do insmod /mod/$m; done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
mount -t ext4 -o rw /dev/vda /newroot || { echo "initrd: cannot mount /dev/vda"; poweroff -f; }
umount /proc
exec switch_root /newroot /sbin/init
INIT
	chmod +x initrd.tmp/init
	(cd initrd.tmp && find . | cpio -o -H newc --quiet | gzip -1) >initrd.img.tmp
	rm -rf initrd.tmp && mv initrd.img.tmp initrd.img
fi
}

# --- the guest root file system, in debootstrap's two stages (download and
# unpack; configure in a chroot), logged apart, while the kernel is fetched.
# What the guest never reads (apt's lists and .debs, documentation,
# translations) is left out of the image.
if [[ ! -d rootfs ]]; then
	kernel_initrd &
	kpid=$!
	log "debootstrap: download and unpack (cached in $CACHE/rootfs)"
	rm -rf rootfs.tmp rootfs.labelled
	debootstrap --foreign --variant=minbase --include="$GUEST_PACKAGES" bookworm rootfs.tmp "$MIRROR" \
		>debootstrap.log 2>&1 || { tail -20 debootstrap.log >&2; exit 1; }
	log "debootstrap: configure (second stage)"
	# dpkg without an fsync per file: a tree from a failed build is thrown away
	mkdir -p rootfs.tmp/etc/dpkg/dpkg.cfg.d
	echo force-unsafe-io >rootfs.tmp/etc/dpkg/dpkg.cfg.d/rg-unsafe-io
	chroot rootfs.tmp /debootstrap/debootstrap --second-stage >>debootstrap.log 2>&1 ||
		{ tail -20 debootstrap.log >&2; exit 1; }
	rm -f rootfs.tmp/etc/dpkg/dpkg.cfg.d/rg-unsafe-io
	rm -rf rootfs.tmp/var/cache/apt/archives/*.deb rootfs.tmp/var/lib/apt/lists/* \
		rootfs.tmp/usr/share/doc/* rootfs.tmp/usr/share/man/* rootfs.tmp/usr/share/locale/*
	mv rootfs.tmp rootfs
	wait "$kpid" || { log "the kernel or the initramfs could not be made"; exit 1; }
fi
kernel_initrd

# --- SELinux: the refpolicy container module (container_t, container_file_t,
# spc_t, container_runtime_t ...) that selinux-policy-default lacks, built from
# selinux-policy-src with selinux-policy-dev; and rg_hosts.te for what runc
# needs on this policy. The policy without them is kept for the
# "selinux-nocontainer" host kind.
if [[ ! -s rootfs/etc/selinux/default/policy/policy.33.nocontainer ]]; then
	log "SELinux container module"
	rm -rf policy.tmp && mkdir policy.tmp
	tar --zstd -xf /usr/src/selinux-policy-src.tar.zst -C policy.tmp \
		selinux-policy-src/policy/modules/services/container.te \
		selinux-policy-src/policy/modules/services/container.if \
		selinux-policy-src/policy/modules/services/container.fc
	cp policy.tmp/selinux-policy-src/policy/modules/services/container.* policy.tmp/
	cp "$HERE/rg_hosts.te" policy.tmp/
	(cd policy.tmp && make -s -f /usr/share/selinux/devel/Makefile container.pp rg_hosts.pp >make.log 2>&1) ||
		{ cat policy.tmp/make.log >&2; exit 1; }
	cp rootfs/etc/selinux/default/policy/policy.33 policy.33.nocontainer
	cp policy.tmp/container.pp policy.tmp/rg_hosts.pp rootfs/tmp/
	chroot rootfs semodule -i /tmp/container.pp /tmp/rg_hosts.pp
	rm -f rootfs/tmp/*.pp
	mv policy.33.nocontainer rootfs/etc/selinux/default/policy/policy.33.nocontainer
	rm -rf policy.tmp
fi

# --- this run's files: runguard, guest scripts, a busybox bundle rootfs
log "installing runguard and the guest scripts"
R=$CACHE/rootfs
install -m 0755 "$RG_BIN" "$R/usr/local/sbin/runguard"
mkdir -p "$R/usr/local/share/runguard" "$R/etc/apparmor.d"
cp -r "$REPO/profiles/." "$R/usr/local/share/runguard/"
install -m 0644 "$REPO/profiles/apparmor/runguard-default" "$R/etc/apparmor.d/runguard-default"
rm -rf "$R/opt/rg" && mkdir -p "$R/opt/rg/busybox/bin" "$R/opt/rg/integration"
cp "$HERE"/guest-*.sh "$HERE/lib.sh" "$R/opt/rg/"
cp "$REPO"/tests/integration/*.bats "$REPO"/tests/integration/*.bash "$REPO"/tests/integration/*.py "$R/opt/rg/integration/"
cp /bin/busybox "$R/opt/rg/busybox/bin/busybox"
install -m 0755 "$HERE/init.sh" "$R/usr/sbin/init"
mkdir -p "$R/sys/fs/cgroup" "$R/var/lib/containers"

# SELinux labels, as the policy's file_contexts gives them; the build host
# needs no SELinux for this (setfiles -r writes the xattrs). The whole tree
# once (rootfs.labelled marks it), then only what each build installs.
FC=$R/etc/selinux/default/contexts/files/file_contexts
if [[ ! -e rootfs.labelled ]]; then
	log "labelling the root file system (setfiles)"
	setfiles -F -r "$R" "$FC" "$R" >/dev/null 2>&1 || true
	touch rootfs.labelled
fi
setfiles -F -r "$R" "$FC" "$R/usr/local" "$R/etc/apparmor.d" "$R/opt/rg" "$R/usr/sbin/init" \
	"$R/sys" "$R/var/lib/containers" >/dev/null 2>&1 || true

log "disk image (mkfs.ext4 -d)"
size=$(du -sm "$R" | awk '{ print int($1 * 1.3) + 512 }')
rm -f disk.img
mkfs.ext4 -q -F -L rg-guest -d "$R" disk.img "${size}M"
log "disk.img ready (${size} MB)"
