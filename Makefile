# SPDX-License-Identifier: Apache-2.0
# runguard build. `make` builds build/runguard; `make check` runs the tests
# that need no root (headers, unit, unprivileged integration suites); `make
# check-root` runs every test, as root; SANITIZE=1 does it with ASan+UBSan.

# The version, in this one place. contrib/debian/changelog (VERSION-N), the
# man page and the installer image's tag in contrib/kubernetes repeat it;
# tests/integration/install.bats fails when one of them differs
# (`make print-version` prints it).
VERSION ?= 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share/runguard
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR ?=

CC ?= cc
# The compiler for build-time generators that run on the build machine.
BUILD_CC ?= cc
# `make V=1` shows full command lines.
ifeq ($(V),1)
Q :=
E := @true
else
Q := @
E := @echo
endif
BUILD ?= build
ifeq ($(SANITIZE),1)
BUILD := build-san
endif
# FUZZ=1 (used by `make fuzz`): clang, libFuzzer instrumentation, ASan+UBSan.
ifeq ($(FUZZ),1)
BUILD := build-fuzz
CC := clang
endif

PKGS := yajl libseccomp libcap libselinux
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Headers only: src/lib/libs.c opens the libraries when a command needs them
# (dlopen), so a passthrough call pays for none of them. libdl is in libc.
PKG_LIBS := -ldl
# Unit tests also call the libraries directly (test_rules_seccomp_profile checks the
# seccomp tables against libseccomp), so they are linked against them.
TEST_LIBS := $(PKG_LIBS) $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lyajl -lseccomp -lcap -lselinux)

# The flags runguard needs are kept apart from the user's CPPFLAGS, CFLAGS and
# LDFLAGS (GNU conventions): ours come first, the user's after them, so a
# packager's -O level, debug flags or fortify level win.
# WERROR=0 (for packagers, whose newer compilers warn about more) builds
# without -Werror; the project's own builds and CI keep it.
WERROR ?= 1
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wswitch-default -Wno-unused-parameter -Wvla -Wpointer-arith
ifeq ($(WERROR),1)
WARN += -Werror
endif
# _FORTIFY_SOURCE=2 unless the user's flags name it at all: a distribution
# passes its own level (dpkg-buildflags: -D_FORTIFY_SOURCE=2 or 3; Fedora:
# -Wp,-D_FORTIFY_SOURCE=3), and a second, different definition is a
# redefinition warning (an error with -Werror). -U first: a compiler that
# predefines it (Ubuntu's) then takes ours.
ifeq (,$(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)))
FORTIFY := -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
endif
CFLAGS ?= -O2 -g
RG_CPPFLAGS := -D_GNU_SOURCE -Iinclude -I$(BUILD) $(PKG_CFLAGS) $(FORTIFY) \
	-DRG_VERSION='"$(VERSION)"' -DRG_DATADIR='"$(DATADIR)"'
RG_CFLAGS := -std=gnu11 $(WARN) -fstack-protector-strong -fPIE
RG_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
ALL_CFLAGS := $(RG_CPPFLAGS) $(CPPFLAGS) $(RG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(RG_LDFLAGS) $(LDFLAGS)

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -U_FORTIFY_SOURCE -O1
ALL_LDFLAGS += -fsanitize=address,undefined
endif
# -Wno-error: the warning gate is the gcc build; clang's extra warnings are shown, not fatal.
ifeq ($(FUZZ),1)
ALL_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -U_FORTIFY_SOURCE -O1 -Wno-error
ALL_LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC := $(wildcard src/*/*.c)
LIB_OBJ := $(patsubst src/%.c,$(BUILD)/src/%.o,$(LIB_SRC)) $(BUILD)/src/engine/embed.o
UNIT_SRC := $(wildcard tests/unit/*/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
HEADERS := $(wildcard include/runguard/*.h include/runguard/*.def src/*/*.h)
# The modules with test switches (environment variables that replace host
# facts): built a second time with -DRG_TEST_SWITCHES for build/runguard-test
# and the unit tests. build/runguard, the binary `make install` installs,
# never reads them.
TS_SRC := src/host/apparmor.c src/host/selinux.c src/engine/config_cache.c
TS_OBJ := $(patsubst src/%.c,$(BUILD)/test-switches/%.o,$(TS_SRC))

FUZZ_TARGETS := fuzz_spec fuzz_config fuzz_cli
FUZZ_TIME ?= 600

.PHONY: all check check-root check-root-user check-headers unit integration integration-unprivileged
.PHONY: install install-config uninstall clean format format-check shellcheck
.PHONY: fuzz fuzz-smoke fuzz-bins bench print-version dist

all: $(BUILD)/runguard

$(BUILD)/src/%.o: src/%.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(E) "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The embedded seccomp profile's SHA-256, computed at build time: the policy
# digest covers it, and hashing 12 KB on every create was a fifth of the work.
$(BUILD)/embedded_digest.h: profiles/seccomp-default.json
	@mkdir -p $(dir $@)
	$(Q)printf '#define RG_EMBEDDED_SECCOMP_SHA256 "%s"\n' "$$(sha256sum <$< | cut -d' ' -f1)" >$@

$(BUILD)/src/engine/embedded.o: $(BUILD)/embedded_digest.h
$(BUILD)/src/engine/policy.o: $(BUILD)/policy_digests.h

# libcap's capability names as runc spells them, taken once at build time
# (tools/gen_cap_names.c): runguard itself does not load libcap.
$(BUILD)/cap_names.h: tools/gen_cap_names.c
	@mkdir -p $(BUILD)/tools
	$(Q)$(BUILD_CC) -O2 -o $(BUILD)/tools/gen_cap_names $< -lcap
	$(Q)$(BUILD)/tools/gen_cap_names >$@.tmp && mv $@.tmp $@

$(BUILD)/src/lib/capnames.o: $(BUILD)/cap_names.h

# The shipped profiles are embedded with .incbin so zero-config works: as
# text (for check-config and the digest) and as trees packed at build time
# by tools/gen_packed.c with runguard's own parser, so that a create unpacks
# them instead of parsing their text.
PACKED := $(patsubst profiles/%.json,$(BUILD)/packed/%.bin,$(wildcard profiles/*.json))
GEN_PACKED_OBJ := $(addprefix $(BUILD)/src/lib/,json.o jsonpack.o util.o error.o libs.o fileio.o)
$(BUILD)/tools/gen_packed: tools/gen_packed.c $(GEN_PACKED_OBJ) $(HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(GEN_PACKED_OBJ) $(ALL_LDFLAGS) $(PKG_LIBS)
# The shipped policy profiles' digests (no overrides, per mode), computed at
# build time by the same code as at run time (src/engine/digest.c).
POLICY_PROFILES := profiles/baseline.json profiles/restricted.json profiles/privileged.json
GEN_DIGESTS_OBJ := $(GEN_PACKED_OBJ) $(BUILD)/src/lib/sha256.o $(BUILD)/src/engine/digest.o
$(BUILD)/tools/gen_policy_digests: tools/gen_policy_digests.c $(GEN_DIGESTS_OBJ) $(HEADERS) \
		$(BUILD)/embedded_digest.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(GEN_DIGESTS_OBJ) $(ALL_LDFLAGS) $(PKG_LIBS)
$(BUILD)/policy_digests.h: $(POLICY_PROFILES) $(BUILD)/tools/gen_policy_digests
	$(Q)$(BUILD)/tools/gen_policy_digests $(POLICY_PROFILES) >$@.tmp && mv $@.tmp $@

# The shipped seccomp profile's allowing entries as C tables (capabilities
# needed, syscall names), for seccompDeny's cap-only set: made at build time,
# not unpacked per create (tools/gen_seccomp_caps.c).
$(BUILD)/tools/gen_seccomp_caps: tools/gen_seccomp_caps.c $(GEN_PACKED_OBJ) $(HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(GEN_PACKED_OBJ) $(ALL_LDFLAGS) $(PKG_LIBS)
$(BUILD)/seccomp_caps_table.h: profiles/seccomp-default.json $(BUILD)/tools/gen_seccomp_caps
	$(Q)$(BUILD)/tools/gen_seccomp_caps $< >$@.tmp && mv $@.tmp $@

$(BUILD)/src/rules/seccomp_deny_caps.o: $(BUILD)/seccomp_caps_table.h

$(BUILD)/packed/%.bin: profiles/%.json $(BUILD)/tools/gen_packed
	@mkdir -p $(dir $@)
	$(Q)$(BUILD)/tools/gen_packed $< $@

$(BUILD)/src/engine/embed.o: src/engine/embed.S $(wildcard profiles/*.json) $(PACKED)
	@mkdir -p $(dir $@)
	$(E) "  AS      $<"
	$(Q)$(CC) -c -fPIE -Wa,-I$(BUILD) -o $@ $<

$(BUILD)/test-switches/%.o: src/%.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(E) "  CC      $< (test switches)"
	$(Q)$(CC) $(ALL_CFLAGS) -DRG_TEST_SWITCHES -c -o $@ $<

$(BUILD)/librunguard.a: $(LIB_OBJ)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/runguard: cmd/runguard/main.c $(BUILD)/librunguard.a $(HEADERS)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/librunguard.a $(ALL_LDFLAGS) $(PKG_LIBS)

# The test build: the same program, with the test switches' objects linked
# ahead of the library's (the linker then takes no member defining them).
$(BUILD)/runguard-test: cmd/runguard/main.c $(TS_OBJ) $(BUILD)/librunguard.a $(HEADERS)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -DRG_TEST_SWITCHES -o $@ $< $(TS_OBJ) $(BUILD)/librunguard.a \
		$(ALL_LDFLAGS) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(TS_OBJ) $(BUILD)/librunguard.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -Wno-missing-prototypes -o $@ $< $(TS_OBJ) $(BUILD)/librunguard.a \
		$(ALL_LDFLAGS) $(TEST_LIBS) -lcmocka

# The replay test compiles the fuzz targets in.
$(BUILD)/tests/engine/test_fuzz_replay: $(wildcard tests/fuzz/*.c tests/fuzz/*.h)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(BUILD)/librunguard.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/librunguard.a \
		$(ALL_LDFLAGS) $(PKG_LIBS)

fuzz-bins: $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_TARGETS))

# Each target runs FUZZ_TIME seconds on its seed corpus and kept crashers.
fuzz:
	$(MAKE) FUZZ=1 fuzz-bins
	tests/fuzz/run.sh build-fuzz $(FUZZ_TIME) $(FUZZ_TARGETS)

fuzz-smoke:
	$(MAKE) fuzz FUZZ_TIME=60

bench: $(BUILD)/runguard
	bench/run.sh $(CURDIR)/$(BUILD)/runguard

unit: $(BUILD)/runguard $(BUILD)/runguard-test $(UNIT_BIN)
	@tests/run-unit.sh $(BUILD) $(UNIT_BIN)

# Every header compiles on its own, and twice in a row (its include guard):
# it includes what it uses instead of leaning on what its users included first.
HEADER_CHECKS := $(patsubst %.h,$(BUILD)/headers/%.ok,$(filter %.h,$(HEADERS)))
$(BUILD)/headers/%.ok: %.h $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(E) "  HDR     $<"
	$(Q)printf '#include "%s"\n#include "%s"\n' $(CURDIR)/$< $(CURDIR)/$< | \
		$(CC) $(ALL_CFLAGS) -fsyntax-only -x c -
	$(Q)touch $@
check-headers: $(HEADER_CHECKS)

# The integration suites that need neither root nor a container engine: they
# edit engine files under a fake node root, check the shipped snippets and
# install into a DESTDIR (a test that wants an engine binary, e.g. containerd
# reading a file, skips when it is not installed). Every other suite starts
# real containers with runc or crun, as root, or an engine.
UNPRIV_BATS := tests/integration/configure.bats tests/integration/contrib.bats \
	tests/integration/install.bats
# BATS=... runs a subset, e.g. BATS="tests/integration/enforce.bats tests/integration/refuse.bats",
# in `make integration`, `make check` and `make check-root` alike.
ifeq ($(origin BATS),undefined)
BATS := tests/integration
CHECK_BATS := $(UNPRIV_BATS)
else
CHECK_BATS := $(BATS)
endif
# RUNGUARD_TEST_BIN: the test build, for the tests that use test switches.
run_bats = RUNGUARD_BIN=$(CURDIR)/$(BUILD)/runguard RUNGUARD_TEST_BIN=$(CURDIR)/$(BUILD)/runguard-test \
	bats --tap $(1)
integration: $(BUILD)/runguard $(BUILD)/runguard-test
	$(call run_bats,$(BATS))
integration-unprivileged: $(BUILD)/runguard $(BUILD)/runguard-test
	@command -v bats >/dev/null || { echo "make check: bats is not installed (Debian: apt-get" \
		"install bats); it runs $(CHECK_BATS)"; exit 1; }
	$(call run_bats,$(CHECK_BATS))

# `make check`: what a packager can run (no root, no engine, no network): the
# header check, the unit tests and the unprivileged integration suites.
# `make check-root`: the header check, the unit tests and every integration
# suite (real containers, engines; root) -- what CI runs.
check: check-headers unit integration-unprivileged
check-root: check-headers unit check-root-user integration
check-root-user:
	@[ "$$(id -u)" = 0 ] || { echo "make check-root: the integration suites start containers" \
		"and engines, as root (make check runs what needs no root)"; exit 1; }

# `make install` installs the binary, every shipped profile, the man page and
# examples (the commented configuration and the engine snippets from contrib/)
# under PREFIX. It writes nothing under SYSCONFDIR: with no configuration file
# runguard enforces its embedded default, and a copy of the example would
# change the policy (it exempts kube-system, for one). `make install-config`
# copies the example to $(SYSCONFDIR)/runguard/config.json, never over an
# existing file; runguard reads /etc/runguard/config.json (or
# $RUNGUARD_CONFIG) whatever SYSCONFDIR says. INSTALL_BIN installs another
# build of the binary (the tests install the one under test).
INSTALL_BIN ?= $(BUILD)/runguard
PROFILES := $(wildcard profiles/*.json)
EXAMPLES := config/config.json containerd/config.toml containerd/runguard-v3.toml crio/10-runguard.conf \
	podman/containers.conf kubernetes/runtimeclass.yaml

install: $(INSTALL_BIN)
	install -D -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/runguard
	install -d -m 0755 $(DESTDIR)$(DATADIR)/profiles
	install -m 0644 $(PROFILES) $(DESTDIR)$(DATADIR)/profiles/
	for f in $(EXAMPLES); do \
		install -D -m 0644 contrib/$$f $(DESTDIR)$(DATADIR)/examples/$$f || exit 1; \
	done
	install -D -m 0644 doc/runguard.8 $(DESTDIR)$(MANDIR)/man8/runguard.8
	install -D -m 0644 profiles/apparmor/runguard-default \
		$(DESTDIR)$(DATADIR)/apparmor/runguard-default
	@# SELinux: runguard runs in its caller's domain (README: SELinux).
	@if [ -z "$(DESTDIR)" ] && [ -e /sys/fs/selinux/enforce ]; then \
		echo "SELinux: $(BINDIR)/runguard runs in its caller's domain and labels the" \
			"files it hands the runtime for the runtime's (runguard doctor checks it);" \
			"to run it in the runtime's domain instead: semanage fcontext -a -t" \
			"container_engine_exec_t $(BINDIR)/runguard && restorecon $(BINDIR)/runguard"; \
	fi

install-config:
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/runguard/config.json ]; then \
		echo "$(DESTDIR)$(SYSCONFDIR)/runguard/config.json exists; not overwritten"; \
	else \
		install -D -m 0644 contrib/config/config.json $(DESTDIR)$(SYSCONFDIR)/runguard/config.json; \
		echo "installed $(DESTDIR)$(SYSCONFDIR)/runguard/config.json: review it, then" \
			"runguard check-config"; \
	fi
	@# The AppArmor profile the apparmor rule sets, where AppArmor loads it at boot.
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/apparmor.d/runguard-default ]; then \
		echo "$(DESTDIR)$(SYSCONFDIR)/apparmor.d/runguard-default exists; not overwritten"; \
	else \
		install -D -m 0644 profiles/apparmor/runguard-default \
			$(DESTDIR)$(SYSCONFDIR)/apparmor.d/runguard-default; \
		echo "installed $(DESTDIR)$(SYSCONFDIR)/apparmor.d/runguard-default: load it with" \
			"apparmor_parser -r $(SYSCONFDIR)/apparmor.d/runguard-default"; \
	fi

# Removes exactly the files `make install` installed, then the directories it
# made under DATADIR if they are empty: a file someone else put there (a
# local profile) stays, and so does a DATADIR that is not runguard's alone.
# Leaves $(SYSCONFDIR)/runguard (the operator's configuration) alone.
DATA_DIRS := $(sort $(dir $(addprefix examples/,$(EXAMPLES)))) examples/ profiles/ apparmor/
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/runguard $(DESTDIR)$(MANDIR)/man8/runguard.8
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/profiles/,$(notdir $(PROFILES)))
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/examples/,$(EXAMPLES))
	rm -f $(DESTDIR)$(DATADIR)/apparmor/runguard-default
	for d in $(DATA_DIRS) ""; do \
		if [ -d "$(DESTDIR)$(DATADIR)/$$d" ]; then \
			rmdir --ignore-fail-on-non-empty "$(DESTDIR)$(DATADIR)/$$d" || exit 1; \
		fi; \
	done

clean:
	rm -rf build build-san build-fuzz

print-version:
	@echo $(VERSION)

# `make dist`: the source tarball $(DIST_DIR)/runguard-$(VERSION).tar.gz
# (Debian's orig tarball, see contrib/debian/rules): the files git tracks and
# the untracked ones it does not ignore, so no build directory; sorted and
# with fixed owners, so the same tree gives the same tarball.
DIST_DIR ?= .
DIST := runguard-$(VERSION)
dist:
	@git rev-parse --git-dir >/dev/null 2>&1 || { echo "make dist: needs a git checkout"; exit 1; }
	git ls-files -co --exclude-standard -z | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] || [ -L "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - --sort=name --owner=0 --group=0 --numeric-owner \
			--mtime="$$(git log -1 --format=%cI 2>/dev/null || echo @0)" \
			--transform 's|^|$(DIST)/|' -cf - | gzip -n9 >$(DIST_DIR)/$(DIST).tar.gz.tmp
	mv $(DIST_DIR)/$(DIST).tar.gz.tmp $(DIST_DIR)/$(DIST).tar.gz
	@echo "$(DIST_DIR)/$(DIST).tar.gz"

FORMAT_FILES := $(wildcard src/*/*.c src/*/*.h include/runguard/*.h cmd/runguard/*.c tests/unit/*.h tests/unit/*/*.c \
	tests/fuzz/*.c tests/fuzz/*.h bench/*.c)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

# shellcheck on every shell script (settings and the checks left out, with
# their reasons, in .shellcheckrc). The test suites and their libraries also
# leave out what shellcheck cannot follow or what they do on purpose:
# SC2034/SC2154, variables shared across the files bats `load`s (helpers.bash
# sets $status, $output, $stderr; suites set what helpers read); SC2010,
# SC2012, SC2143, directories the test made listed as text to compare and to
# show; SC2103, cd and back around commands whose $status the test reads.
SCRIPTS := $(wildcard .ci/run scripts/*.sh bench/*.sh tests/*.sh tests/fuzz/*.sh \
	contrib/kubernetes/installer/*.sh)
TEST_SCRIPTS := $(wildcard tests/integration/*.bats tests/integration/*.bash tests/hosts/*.sh)
shellcheck:
	shellcheck $(SCRIPTS)
	shellcheck -e SC2034,SC2154,SC2010,SC2012,SC2143,SC2103 $(TEST_SCRIPTS)
