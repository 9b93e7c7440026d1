#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Hostile files and hostile file systems. Each case must get a clear error
# (naming config.json and the reason), leave the bundle exactly as it was
# (same listing, so no temp file left behind; same modes; same sha256 of
# config.json), start no container and never start the real runtime
# (expect_refused in helpers.bash checks all of that for create, run and
# restore). refuse.bats has the basic cases (a 9 MiB file, 100 000 nested
# arrays, duplicate keys, a symlink or FIFO config.json); this file adds
# what those do not cover.

load helpers

# helpers.bash's bundle_snapshot ends with a failing status when config.json
# is a symlink to something that is not a regular file, or a socket (which
# sha256sum cannot open); its output is what matters here.
eval "helpers_$(declare -f bundle_snapshot)"
bundle_snapshot() {
	helpers_bundle_snapshot "$@" || true
}

# config_without_last_brace: the original config.json compact, without its closing brace.
config_without_last_brace() {
	jq -c . "$T/orig.json" | sed 's/}$//'
}

# with_member JSON-TEXT: writes config.json as the bundle's config plus one
# more top-level member, given as raw text ("key": value).
with_member() {
	local base
	base=$(jq -c . "$T/orig.json" | sed 's/}$//')
	printf '%s,%s}' "$base" "$1" >"$BUNDLE/config.json"
}

hostile_bundle() {
	make_bundle "$BUNDLE"
	cp "$BUNDLE/config.json" "$T/orig.json"
}

# peak_rss_kb_and_secs COMMAND...: runs COMMAND under /usr/bin/time and
# prints "MAXRSS_KB ELAPSED_S".
peak_rss_kb_and_secs() {
	/usr/bin/time -f '%M %e' -o "$T/time.out" "$@" >/dev/null 2>&1 </dev/null || true
	tail -n 1 "$T/time.out"
}

# ---------------------------------------------------------------------------
# size and depth

@test "hostile: 100 MB config.json (valid JSON, and a sparse file of NULs) is refused from its size, fast and in little memory" {
	hostile_bundle
	{
		config_without_last_brace
		printf ',"x-pad":"'
		head -c $((100 * 1024 * 1024)) /dev/zero | tr '\0' a
		printf '"}'
	} >"$T/big.json"
	cat "$T/big.json" >"$BUNDLE/config.json"
	rm -f "$T/big.json"
	[[ $(stat -c %s "$BUNDLE/config.json") -gt $((100 * 1024 * 1024)) ]]
	expect_refused "$BUNDLE" config.json "limit"

	# It is refused from fstat(2), before reading: no 100 MB buffer, no delay.
	local rss secs
	read -r rss secs < <(peak_rss_kb_and_secs env RUNGUARD_RUNTIME=/bin/false \
		"$RUNGUARD_BIN" --root "$STATE" create -b "$BUNDLE" hostile-big)
	echo "# 100 MB config: peak RSS ${rss} KiB, ${secs} s" >&3
	((rss < 32 * 1024)) || die "peak RSS ${rss} KiB: the file was read into memory"
	awk -v s="$secs" 'BEGIN { exit !(s < 2) }' || die "refusal took ${secs}s"

	rm -f "$BUNDLE/config.json"
	truncate -s 100M "$BUNDLE/config.json"
	chmod 0644 "$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "limit"
}

@test "hostile: 100 000-deep objects, mixed arrays and objects, and an unterminated deep prefix are refused without a crash" {
	hostile_bundle
	local n=100000
	{
		config_without_last_brace
		printf ',"x-deep":'
		for ((i = 0; i < n / 1000; i++)); do printf '%.0s{"a":' {1..1000}; done
		printf '1'
		head -c "$n" /dev/zero | tr '\0' '}'
		printf '}'
	} >"$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "nesting|limit"

	{
		config_without_last_brace
		printf ',"x-deep":'
		for ((i = 0; i < n / 1000; i++)); do printf '%.0s[{"a":' {1..500}; done
		printf 'null'
		for ((i = 0; i < n / 1000; i++)); do printf '%.0s}]' {1..500}; done
		printf '}'
	} >"$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "nesting|limit"

	# The whole document is one unterminated 100 000-deep array.
	head -c "$n" /dev/zero | tr '\0' '[' >"$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "nesting|limit|invalid JSON"
}

# ---------------------------------------------------------------------------
# encoding

@test "hostile: invalid UTF-8 in a value and in a key (overlong, raw surrogates, above U+10FFFF, truncated, stray continuation, 0xFF) is refused" {
	hostile_bundle
	local seq
	# Each is a byte sequence Go would decode as U+FFFD: the checked text
	# would not be the text runc applies.
	for seq in '\xc0\xaf' '\xe0\x80\xaf' '\xf0\x80\x80\xaf' '\xed\xa0\x80' '\xed\xbf\xbf' \
		'\xf4\x90\x80\x80' '\xe2\x82' '\x80' '\xff' '\xc3\x28'; do
		with_member "$(printf '"x-utf8":"a%bb"' "$seq")"
		expect_refused "$BUNDLE" config.json "UTF-8|UTF8"
		with_member "$(printf '"x-%b":1' "$seq")"
		expect_refused "$BUNDLE" config.json "UTF-8|UTF8"
	done
}

@test "hostile: escaped UTF-16 surrogates that do not pair (\\ud800, \\ud800\\u0041, \\udc00) are refused; a real pair survives byte for byte" {
	hostile_bundle
	local esc
	for esc in '\ud800' '\ud800AB' '\ud800\u0041' '\udbff\udbff' '\udc00'; do
		with_member "\"x-esc\":\"a${esc}b\""
		expect_refused "$BUNDLE" config.json "surrogate|UTF-8"
		with_member "\"x-${esc}\":1"
		expect_refused "$BUNDLE" config.json "surrogate|UTF-8"
	done

	with_member '"x-emoji":"a\ud83d\ude00b"'
	use_config '{"rules": {"fields": {"allow": [".x-emoji"]}}}'
	local id
	new_id id
	RUNGUARD_RUNTIME=/bin/true rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(jq -r '.["x-emoji"]' "$BUNDLE/config.json")" == "a😀b" ]] || die "pair not kept"
}

@test "hostile: raw NUL bytes (in a string, between tokens, before and after the document) are refused" {
	hostile_bundle
	local base
	base=$(jq -c . "$T/orig.json" | sed 's/}$//')
	printf '%s,"x-nul":"a\0b"}' "$base" >"$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "invalid JSON"
	printf '%s,\0"x-nul":1}' "$base" >"$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "invalid JSON"
	printf '\0%s}' "$base" >"$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "invalid JSON"
	printf '%s}\0' "$base" >"$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "invalid JSON"
	printf '%s}\0{"process":{}}' "$base" >"$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "invalid JSON"
}

@test "hostile: escaped NUL (\\u0000) survives in values runguard does not read, and hides nothing in a capability name" {
	hostile_bundle
	with_member '"annotations":{"org.example/nul":"a\u0000b"}'
	local id
	new_id id
	RUNGUARD_RUNTIME=/bin/true rg --root "$STATE" create -b "$BUNDLE" "$id"
	assert_status 0
	[[ "$(jq -c '.annotations["org.example/nul"]' "$BUNDLE/config.json")" == '"a\u0000b"' ]] ||
		die "escaped NUL not kept: $(jq -c .annotations "$BUNDLE/config.json")"

	# A C-string view would read "CAP_KILL" and keep it; runc reads all of it.
	cat "$T/orig.json" >"$BUNDLE/config.json"
	edit_config "$BUNDLE" '.process.capabilities.bounding += ["CAP_KILL\u0000CAP_SYS_ADMIN"]'
	expect_refused "$BUNDLE" config.json .process.capabilities.bounding
}

@test "hostile: duplicate keys hidden by escapes, in annotations, inside an array element, and empty keys are refused" {
	hostile_bundle
	local base
	base=$(jq -c . "$T/orig.json" | sed 's/}$//')
	# "proc\u0065ss" is "process": a textual check would miss it.
	printf '%s,"proc\\u0065ss":{"args":["sh"]}}' "$base" >"$BUNDLE/config.json"
	jq -e '.process.args == ["sh"]' "$BUNDLE/config.json" >/dev/null
	expect_refused "$BUNDLE" config.json "duplicate"

	# A map (Go keeps the last): the profile annotation twice.
	with_member '"annotations":{"run.runguard.profile":"restricted","run.runguard.profile":"privileged"}'
	expect_refused "$BUNDLE" config.json "duplicate" "run.runguard.profile"

	cat "$T/orig.json" >"$BUNDLE/config.json"
	jq -c '.mounts[2].options = ["X"]' "$T/orig.json" |
		sed 's/"options":\["X"\]/"options":["ro"],"options":["rw"]/' >"$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "duplicate" ".mounts[2]"

	with_member '"x-empty":{"":1,"":2}'
	expect_refused "$BUNDLE" config.json "duplicate"
}

# ---------------------------------------------------------------------------
# what config.json is

@test "hostile: config.json is a symlink to /dev/zero, a dangling symlink, a FIFO with a writer, a socket or a device node" {
	hostile_bundle
	rm "$BUNDLE/config.json"
	ln -s /dev/zero "$BUNDLE/config.json"
	RG_TIMEOUT=10 expect_refused "$BUNDLE" config.json "symlink"
	rm "$BUNDLE/config.json"
	ln -s "$T/nowhere.json" "$BUNDLE/config.json"
	expect_refused "$BUNDLE" config.json "symlink"
	rm "$BUNDLE/config.json"

	# A FIFO that has a writer holding JSON in it: still not a regular file.
	mkfifo -m 0644 "$BUNDLE/config.json"
	exec 8<>"$BUNDLE/config.json"
	on_teardown 'exec 8>&-'
	jq -c . "$T/orig.json" >&8
	RG_TIMEOUT=10 expect_refused "$BUNDLE" config.json "not a regular file"
	exec 8>&-
	rm "$BUNDLE/config.json"

	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$BUNDLE/config.json"
	chmod 0644 "$BUNDLE/config.json"
	[[ -S "$BUNDLE/config.json" ]]
	expect_refused "$BUNDLE" config.json "No such device|not a regular file"
	rm "$BUNDLE/config.json"

	mknod -m 0644 "$BUNDLE/config.json" c 1 3
	RG_TIMEOUT=10 expect_refused "$BUNDLE" config.json "not a regular file"
}

# ---------------------------------------------------------------------------
# permissions and read-only bundles

# A bundle a non-root user can reach: under a fresh 0755 directory, not
# under bats' 0700 temporary directory.
open_bundle() {
	OPEN_DIR=$(mktemp -d /tmp/rg-hostile.XXXXXX)
	chmod 0755 "$OPEN_DIR"
	on_teardown "rm -rf '$OPEN_DIR'"
	BUNDLE=$OPEN_DIR/bundle
	mkdir -m 0755 "$BUNDLE"
	(cd "$BUNDLE" && "$REAL_RUNC" spec)
	edit_config "$BUNDLE" '.process.terminal = false'
}

# as_nobody_refused NEEDLE: runguard create as uid/gid 65534 is refused
# cleanly, naming the reason, and config.json and the listing stay as they were.
as_nobody_refused() {
	local before
	before=$(bundle_snapshot "$BUNDLE")
	run_cmd setpriv --reuid=65534 --regid=65534 --clear-groups env RUNGUARD_RUNTIME=/bin/true \
		"$RUNGUARD_BIN" --root "$OPEN_DIR/state" create -b "$BUNDLE" hostile-nobody
	assert_failed_cleanly
	assert_contains "$stderr" "$BUNDLE"
	assert_contains "$stderr" "$1"
	[[ "$(bundle_snapshot "$BUNDLE")" == "$before" ]] || die "bundle changed"
}

@test "hostile: an unreadable bundle (a non-root caller; root is not stopped by mode bits)" {
	open_bundle
	# The bundle directory cannot be opened.
	chmod 0700 "$BUNDLE"
	as_nobody_refused "Permission denied"
	# The directory can, config.json cannot be read.
	chmod 0755 "$BUNDLE"
	chmod 0600 "$BUNDLE/config.json"
	as_nobody_refused "Permission denied"

	# As root, mode 000 does not stop runguard (CAP_DAC_OVERRIDE), nor runc:
	# runguard enforces and keeps the file's mode.
	chmod 000 "$BUNDLE" "$BUNDLE/config.json"
	RUNGUARD_RUNTIME=/bin/true rg --root "$OPEN_DIR/state" create -b "$BUNDLE" hostile-root
	assert_status 0
	chmod 0755 "$BUNDLE"
	[[ "$(stat -c %a "$BUNDLE/config.json")" == 0 ]] || die "mode not kept"
	[[ -n "$(jq -r '.annotations["run.runguard.policy"] // empty' "$BUNDLE/config.json")" ]]
	[[ -z "$(ls -A "$BUNDLE" | grep -v '^config.json$')" ]] || die "left: $(ls -A "$BUNDLE")"
}

@test "hostile: a read-only bundle directory (read-only bind mount) gets a clear error" {
	hostile_bundle
	mount --bind "$BUNDLE" "$BUNDLE"
	on_teardown "umount '$BUNDLE'"
	mount -o remount,bind,ro "$BUNDLE"
	! touch "$BUNDLE/.probe" 2>/dev/null || die "bind mount is not read-only"
	expect_refused "$BUNDLE" config.json "Read-only file system"
}

@test "hostile: an immutable bundle directory, and an immutable config.json in a writable one (chattr +i)" {
	hostile_bundle
	require_or_skip "chattr +i works on $T" chattr +i "$BUNDLE"
	on_teardown "chattr -i '$BUNDLE' 2>/dev/null"
	expect_refused "$BUNDLE" config.json "Operation not permitted" "temporary file"
	chattr -i "$BUNDLE"

	# The temp file is written, the rename fails: the temp file must go.
	chattr +i "$BUNDLE/config.json"
	on_teardown "chattr -i '$BUNDLE/config.json' 2>/dev/null"
	expect_refused "$BUNDLE" config.json "Operation not permitted" "rename" "unchanged"
}

# small_fs SIZE INODES: a tmpfs at $T/small, unmounted in teardown.
small_fs() {
	mkdir -p "$T/small"
	mount -t tmpfs -o "size=$1,nr_inodes=$2,mode=0755" rg-hostile "$T/small"
	on_teardown "umount '$T/small'"
}

@test "hostile: disk full during save (tmpfs with one free page: the write fails with ENOSPC)" {
	make_bundle "$T/src"
	small_fs 1m 1000
	BUNDLE=$T/small/bundle
	mkdir -m 0755 "$BUNDLE"
	cp "$T/src/config.json" "$BUNDLE/config.json"
	# runguard writes ~11 KB (the resolved seccomp profile); leave 4 KiB.
	dd if=/dev/zero of="$T/small/fill" bs=4096 2>/dev/null || true
	truncate --size=-4096 "$T/small/fill"
	[[ $(stat -f -c %a "$T/small") -le 1 ]] || die "tmpfs not full: $(df "$T/small")"
	expect_refused "$BUNDLE" config.json "No space left on device" "write" "unchanged"
}

@test "hostile: no inode left for the temp file (tmpfs nr_inodes)" {
	make_bundle "$T/src"
	small_fs 4m 8
	BUNDLE=$T/small/bundle
	mkdir -m 0755 "$BUNDLE"
	cp "$T/src/config.json" "$BUNDLE/config.json"
	local i
	for ((i = 0; i < 16; i++)); do touch "$T/small/inode.$i" 2>/dev/null || break; done
	! touch "$T/small/one-more" 2>/dev/null || die "inodes not exhausted"
	expect_refused "$BUNDLE" config.json "No space left on device" "temporary file"
}
