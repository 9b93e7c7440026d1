#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# PID 1 of the host-matrix guest (installed as /usr/sbin/init, labelled
# init_exec_t by the policy's file_contexts). The kernel command line names
# the host kind (rg.kind=cgroupv2|selinux|selinux-nocontainer|apparmor); this
# sets the host up as that kind's init system would, runs
# /opt/rg/guest-<kind>.sh with its TAP on the second serial port (the first
# is the console) and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8

kind=
mountpoint -q /proc || mount -t proc proc /proc
for a in $(</proc/cmdline); do
	case $a in rg.kind=*) kind=${a#rg.kind=} ;; esac
done
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev

# SELinux: load the policy as an init system does (the kernel loads none),
# then exec this file again, so that the kernel_t -> init_t transition
# happens and everything started from here runs as the system would run it.
if [[ $kind == selinux* && "$(cat /proc/self/attr/current 2>/dev/null)" == kernel* ]]; then
	mountpoint -q /sys/fs/selinux || mount -t selinuxfs selinuxfs /sys/fs/selinux
	# Both kinds enforcing; selinux-nocontainer with the policy as Debian ships it.
	if [[ $kind == selinux-nocontainer ]]; then
		cp /etc/selinux/default/policy/policy.33.nocontainer /etc/selinux/default/policy/policy.33
	fi
	sed -i "s/^SELINUX=.*/SELINUX=enforcing/" /etc/selinux/config
	load_policy -i || echo "init: load_policy failed" >&2
	exec /usr/sbin/init
fi

for i in 0 1 2; do ln -sf "/proc/self/fd/$i" "/dev/$(echo stdin stdout stderr | cut -d' ' -f$((i + 1)))"; done
ln -sfn /proc/self/fd /dev/fd
mountpoint -q /dev/pts || { mkdir -p /dev/pts && mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts; }
mountpoint -q /dev/shm || { mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm; }
mountpoint -q /run || mount -t tmpfs -o mode=0755 tmpfs /run
mountpoint -q /tmp || mount -t tmpfs tmpfs /tmp
mountpoint -q /sys/kernel/security || mount -t securityfs securityfs /sys/kernel/security
# Pure cgroup v2, as Debian 12, Ubuntu 22.04+, Fedora and RHEL 9 mount it.
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
hostname rg-guest
if [[ $kind == selinux* ]]; then
	# What udev and systemd-tmpfiles would do: the file systems mounted
	# before the policy was loaded get their labels; the console the kernel
	# opened (kernel_t's) is replaced by one opened here.
	restorecon -R /dev /run /tmp /var/lib/containers 2>/dev/null
	exec </dev/null >/dev/ttyS0 2>&1
fi
ip link set lo up 2>/dev/null || busybox ip link set lo up 2>/dev/null

if [[ $kind == apparmor ]]; then
	apparmor_parser -r /etc/apparmor.d/runguard-default 2>&1 || echo "init: apparmor_parser failed" >&2
fi

tap=/dev/ttyS1
stty -F "$tap" raw -echo 115200 2>/dev/null
if [[ -x /opt/rg/guest-$kind.sh ]]; then
	(cd /opt/rg && exec "./guest-$kind.sh") >"$tap" 2>&1
else
	echo "not ok 1 no guest script for host kind '$kind'" >"$tap"
fi
echo "# rg-hosts: done" >"$tap"
sync
echo o >/proc/sysrq-trigger
sleep 30
