#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# `make install` / `make uninstall` / `make install-config` into a DESTDIR,
# the man page as installed, and the Debian packaging recipe in
# contrib/debian (dpkg-buildpackage on a copy of the source tree).

load helpers

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

# mk TARGET VAR=VALUE...: make in the source tree, installing the binary
# under test (INSTALL_BIN) so that nothing is rebuilt here.
mk() {
	run_cmd make -C "$REPO" --no-print-directory INSTALL_BIN="$RUNGUARD_BIN" "$@"
}

# expected_files PREFIX: what `make install` must install under PREFIX, sorted.
expected_files() {
	local p=${1#/} f
	{
		echo "$p/sbin/runguard"
		echo "$p/share/man/man8/runguard.8"
		echo "$p/share/runguard/apparmor/runguard-default"
		for f in "$REPO"/profiles/*.json; do
			echo "$p/share/runguard/profiles/${f##*/}"
		done
		for f in config/config.json containerd/config.toml containerd/runguard-v3.toml crio/10-runguard.conf \
			podman/containers.conf kubernetes/runtimeclass.yaml; do
			echo "$p/share/runguard/examples/$f"
		done
	} | sort
}

@test "make install DESTDIR=... PREFIX=/usr: binary, every profile, examples, man page; nothing in /etc" {
	local d=$T/dest
	mk install DESTDIR="$d" PREFIX=/usr
	assert_status 0
	diff <(cd "$d" && find . -type f -o -type l | sed 's|^\./||' | sort) <(expected_files /usr) >&2 ||
		die "installed files differ from the expected list (< installed, > expected)"
	[[ ! -e "$d/etc" ]] || die "make install wrote under /etc"

	cmp "$RUNGUARD_BIN" "$d/usr/sbin/runguard" || die "the installed binary is not the one under test"
	[[ "$(stat -c %a "$d/usr/sbin/runguard")" == 755 ]] || die "binary mode $(stat -c %a "$d/usr/sbin/runguard")"
	local f
	for f in "$REPO"/profiles/*.json; do
		cmp "$f" "$d/usr/share/runguard/profiles/${f##*/}" || die "profile ${f##*/} differs"
		[[ "$(stat -c %a "$d/usr/share/runguard/profiles/${f##*/}")" == 644 ]] || die "mode of ${f##*/}"
	done
	cmp "$REPO/contrib/config/config.json" "$d/usr/share/runguard/examples/config/config.json" ||
		die "example configuration differs"
	# The installed binary runs and accepts the installed example.
	run_cmd "$d/usr/sbin/runguard" check-config "$d/usr/share/runguard/examples/config/config.json"
	assert_status 0
}

@test "the installed man page renders without warnings and 'man runguard' finds it" {
	local d=$T/dest
	mk install DESTDIR="$d" PREFIX=/usr
	assert_status 0
	require_or_skip "man-db is not installed (apt-get install man-db)" command -v man

	MANPAGER=cat MANWIDTH=80 run_cmd man --warnings -E UTF-8 -l "$d/usr/share/man/man8/runguard.8"
	assert_status 0
	[[ -z "$stderr" ]] || die "groff warnings: $stderr"
	assert_contains "${lines[0]}" "RUNGUARD(8)" "the man page's header"
	assert_contains "$output" "runguard - OCI runtime" "NAME"
	assert_contains "$output" "/etc/runguard/config.json" "FILES"

	# `man runguard` with that tree on the manual path.
	MANPATH=$d/usr/share/man run_cmd man -w runguard
	assert_status 0
	[[ "$output" == "$d/usr/share/man/man8/runguard.8" ]] || die "man -w runguard: '$output'"
	MANPATH=$d/usr/share/man MANPAGER=cat MANWIDTH=80 run_cmd man runguard
	assert_status 0
	assert_contains "$output" "RUNGUARD(8)" "man runguard"
}

@test "make uninstall removes what make install installed" {
	local d=$T/dest
	mk install DESTDIR="$d" PREFIX=/usr
	assert_status 0
	# The operator's configuration is not the package's to remove.
	mkdir -p "$d/etc/runguard"
	echo '{}' >"$d/etc/runguard/config.json"
	mk uninstall DESTDIR="$d" PREFIX=/usr
	assert_status 0
	local left
	left=$(cd "$d" && find . -type f | sort)
	[[ "$left" == "./etc/runguard/config.json" ]] || die "left after uninstall: $left"
	# The directories install made under DATADIR went with their files.
	[[ ! -e "$d/usr/share/runguard" ]] || die "$d/usr/share/runguard is left: $(cd "$d" && find usr/share/runguard)"
}

@test "make uninstall removes only install's files: another file under DATADIR stays, and so does its directory" {
	local d=$T/dest
	mk install DESTDIR="$d" PREFIX=/usr
	assert_status 0
	# An operator's own profile beside the shipped ones, and a DATADIR that
	# is not runguard's alone (a packager's mistake must not wipe it).
	echo '{}' >"$d/usr/share/runguard/profiles/local.json"
	mkdir -p "$d/usr/share/other"
	echo x >"$d/usr/share/other/keep"
	mk install DESTDIR="$d" PREFIX=/usr DATADIR=/usr/share
	assert_status 0
	mk uninstall DESTDIR="$d" PREFIX=/usr
	assert_status 0
	mk uninstall DESTDIR="$d" PREFIX=/usr DATADIR=/usr/share
	assert_status 0
	local left
	left=$(cd "$d" && find . -type f | sort | tr '\n' ' ')
	[[ "$left" == "./usr/share/other/keep ./usr/share/runguard/profiles/local.json " ]] ||
		die "left after uninstall: $left"
	# Directories install made and left empty are gone; those with a file stay.
	[[ ! -e "$d/usr/share/runguard/examples" && ! -e "$d/usr/share/profiles" ]] ||
		die "empty directories left: $(cd "$d" && find . -type d | sort | tr '\n' ' ')"
	[[ -d "$d/usr/share/other" ]] || die "uninstall removed a directory it did not make"
}

@test "make install defaults to PREFIX=/usr/local; install-config never overwrites" {
	mk -n install
	assert_status 0
	assert_contains "$output" "/usr/local/sbin/runguard" "make -n install"
	assert_contains "$output" "/usr/local/share/man/man8/runguard.8" "make -n install"
	assert_contains "$output" "/usr/local/share/runguard/profiles/" "make -n install"

	local d=$T/dest
	mk install-config DESTDIR="$d"
	assert_status 0
	cmp "$REPO/contrib/config/config.json" "$d/etc/runguard/config.json" || die "install-config copied something else"
	[[ "$(stat -c %a "$d/etc/runguard/config.json")" == 644 ]] || die "config mode"
	echo '{"mode": "audit"}' >"$d/etc/runguard/config.json"
	mk install-config DESTDIR="$d"
	assert_status 0
	assert_contains "$output" "not overwritten" "second install-config"
	[[ "$(cat "$d/etc/runguard/config.json")" == '{"mode": "audit"}' ]] || die "install-config overwrote the file"
}

@test "the version is the Makefile's everywhere it is written: the Debian changelog, the man page, the installer image, runguard info" {
	mk -s print-version
	assert_status 0
	local v=$output
	[[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "make print-version: '$v'"
	# contrib/debian/changelog: VERSION-REVISION (an upstream package, 3.0 (quilt)).
	local deb_v
	deb_v=$(sed -nE '1s/^runguard \(([^)]*)\).*/\1/p' "$REPO/contrib/debian/changelog")
	[[ "$deb_v" =~ ^"$v"-[0-9]+$ ]] || die "contrib/debian/changelog says '$deb_v', the Makefile $v"
	[[ "$(cat "$REPO/contrib/debian/source/format")" == "3.0 (quilt)" ]] || die "contrib/debian/source/format"
	# The man page's header and its VERSION line.
	grep -qE "^\.TH RUNGUARD 8 [0-9-]+ \"runguard $v\"" "$REPO/doc/runguard.8" ||
		die "doc/runguard.8: .TH does not say runguard $v"
	local line
	while read -r line; do
		[[ "$line" == "runguard version $v" ]] || die "doc/runguard.8: '$line', the Makefile says $v"
	done < <(grep -E '^runguard version' "$REPO/doc/runguard.8")
	# The installer image's tag, wherever it is written.
	local f tag
	for f in "$REPO"/contrib/kubernetes/installer/*; do
		while read -r tag; do
			[[ "$tag" == "$v" ]] || die "$f: installer image tag $tag, the Makefile says $v"
		done < <(grep -oE 'runguard/installer:[^ ]+' "$f" | sed 's/.*://')
	done
	# The binary under test was built with it.
	RUNGUARD_CONFIG=$REPO/contrib/config/config.json run_cmd "$RUNGUARD_BIN" info
	assert_status 0
	assert_contains "$output" "runguard version $v" "runguard info"
}

@test "contrib/debian: 3.0 (quilt) from make dist's tarball: dpkg-buildpackage -us -uc builds the source and a package with the installed files" {
	require_or_skip "dpkg-buildpackage is not installed (apt-get install dpkg-dev)" command -v dpkg-buildpackage
	require_or_skip "debhelper is not installed (apt-get install debhelper)" command -v dh
	require_or_skip "fakeroot is not installed (apt-get install fakeroot)" command -v fakeroot
	require_or_skip "the source is not a git checkout (make dist needs one)" git -C "$REPO" rev-parse --git-dir
	mk -s print-version
	local v=$output
	mkdir -p "$T/deb"
	# The release tarball (tracked and untracked, unignored files; no build
	# products) as the orig tarball beside the unpacked source.
	mk -s dist DIST_DIR="$T/deb"
	assert_status 0
	[[ -f "$T/deb/runguard-$v.tar.gz" ]] || die "make dist made no runguard-$v.tar.gz"
	ln -s "runguard-$v.tar.gz" "$T/deb/runguard_$v.orig.tar.gz"
	tar -C "$T/deb" -xzf "$T/deb/runguard-$v.tar.gz" || die "unpacking the tarball failed"
	local src=$T/deb/runguard-$v
	[[ ! -e "$src/build" ]] || die "the tarball holds a build directory"
	cp -r "$src/contrib/debian" "$src/debian"

	RG_TIMEOUT=600 DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
		run_cmd bash -c "cd '$src' && dpkg-buildpackage -us -uc >'$T/deb/build.log' 2>&1"
	[[ $status -eq 0 ]] || { tail -n 40 "$T/deb/build.log" >&2; die "dpkg-buildpackage failed"; }
	# An upstream source package: the orig tarball and a debian tarball.
	local dsc=$T/deb/runguard_$v-1.dsc
	[[ -f "$dsc" ]] || die "no runguard_$v-1.dsc: $(ls "$T/deb")"
	grep -qx 'Format: 3.0 (quilt)' "$dsc" || die "$dsc: $(grep Format "$dsc")"
	grep -qE " runguard_$v\.orig\.tar\.gz$" "$dsc" || die "$dsc does not list the orig tarball"
	[[ -f "$T/deb/runguard_$v-1.debian.tar.xz" ]] || die "no debian tarball: $(ls "$T/deb")"
	# The package was built with the distribution's flags, its fortify level once.
	grep -qE -- '-D_FORTIFY_SOURCE=2 .*-Wformat -Werror=format-security' "$T/deb/build.log" ||
		die "the build did not use dpkg-buildflags' flags"
	local cc_line
	cc_line=$(grep -m1 -E '^cc .*src/lib/util\.c' "$T/deb/build.log")
	[[ $(grep -o _FORTIFY_SOURCE <<<"$cc_line" | wc -l) -eq 1 ]] || die "_FORTIFY_SOURCE not once: $cc_line"
	local deb f
	for f in "$T"/deb/runguard_*.deb; do
		[[ "$f" == *dbgsym* ]] || deb=$f
	done
	[[ -f "${deb:-}" ]] || die "no .deb built"

	# The package holds what `make install PREFIX=/usr` installs (the man
	# page compressed) plus Debian's doc files.
	diff <(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' |
		grep -v '^usr/share/doc/' | sed 's/\.gz$//' | sort) <(expected_files /usr) >&2 ||
		die "package contents differ from make install's (< package, > expected)"
	run_cmd dpkg-deb -f "$deb" Depends
	assert_contains "$output" "runc | crun" "Depends"
	assert_contains "$output" "libseccomp2" "Depends"
	# The packaged binary runs.
	mkdir -p "$T/deb/x"
	dpkg-deb -x "$deb" "$T/deb/x"
	run_cmd "$T/deb/x/usr/sbin/runguard" check-config "$T/deb/x/usr/share/runguard/examples/config/config.json"
	assert_status 0
}
