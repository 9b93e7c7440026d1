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

@test "contrib/debian: dpkg-buildpackage -us -uc -b builds a package with the installed files" {
	require_or_skip "dpkg-buildpackage is not installed (apt-get install dpkg-dev)" command -v dpkg-buildpackage
	require_or_skip "debhelper is not installed (apt-get install debhelper)" command -v dh
	require_or_skip "fakeroot is not installed (apt-get install fakeroot)" command -v fakeroot
	local src=$T/deb/runguard-0.1.0
	mkdir -p "$src"
	# A copy of the source tree without build products.
	if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$REPO" && git ls-files -co --exclude-standard -z |
			grep -zvE '^(build|build-san|build-fuzz)/' |
			while IFS= read -r -d '' f; do [[ -e "$f" || -L "$f" ]] && printf '%s\0' "$f"; done |
			tar --null -T - -cf -) | tar -C "$src" -xf - || die "copying the source tree failed"
	else
		cp -a "$REPO/." "$src/" && rm -rf "$src"/build "$src"/build-san "$src"/build-fuzz
	fi
	cp -r "$src/contrib/debian" "$src/debian"

	RG_TIMEOUT=600 DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
		run_cmd bash -c "cd '$src' && dpkg-buildpackage -us -uc -b >'$T/deb/build.log' 2>&1"
	[[ $status -eq 0 ]] || { tail -n 40 "$T/deb/build.log" >&2; die "dpkg-buildpackage failed"; }
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
