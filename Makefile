# SPDX-License-Identifier: Apache-2.0
# runguard build. `make` builds build/runguard; `make check` runs unit and
# integration tests; `make check SANITIZE=1` does it with ASan+UBSan.

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
# Unit tests also call the libraries directly (test_profile checks the
# seccomp tables against libseccomp), so they are linked against them.
TEST_LIBS := $(PKG_LIBS) $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lyajl -lseccomp -lcap -lselinux)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wswitch-default -Wno-unused-parameter -Wvla -Wpointer-arith
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) -Iinclude -I$(BUILD) $(PKG_CFLAGS) \
	-DRG_VERSION='"$(VERSION)"' -DRG_DATADIR='"$(DATADIR)"'
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(LDFLAGS)

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
HEADERS := $(wildcard include/runguard/*.h src/*/*.h)
# The modules with test switches (environment variables that replace host
# facts): built a second time with -DRG_TEST_SWITCHES for build/runguard-test
# and the unit tests. build/runguard, the binary `make install` installs,
# never reads them.
TS_SRC := src/host/apparmor.c src/host/selinux.c
TS_OBJ := $(patsubst src/%.c,$(BUILD)/test-switches/%.o,$(TS_SRC))

FUZZ_TARGETS := fuzz_spec fuzz_config fuzz_cli
FUZZ_TIME ?= 600

.PHONY: all check unit integration install install-config uninstall clean format format-check
.PHONY: fuzz fuzz-smoke fuzz-bins bench

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

$(BUILD)/src/engine/policy.o: $(BUILD)/embedded_digest.h

# libcap's capability names as runc spells them, taken once at build time
# (tools/gen_cap_names.c): runguard itself does not load libcap.
$(BUILD)/cap_names.h: tools/gen_cap_names.c
	@mkdir -p $(BUILD)/tools
	$(Q)$(BUILD_CC) -O2 -o $(BUILD)/tools/gen_cap_names $< -lcap
	$(Q)$(BUILD)/tools/gen_cap_names >$@.tmp && mv $@.tmp $@

$(BUILD)/src/rules/capabilities.o: $(BUILD)/cap_names.h

# The shipped profiles are embedded with .incbin so zero-config works: as
# text (for check-config and the digest) and as trees packed at build time
# by tools/gen_packed.c with runguard's own parser, so that a create unpacks
# them instead of parsing their text.
PACKED := $(patsubst profiles/%.json,$(BUILD)/packed/%.bin,$(wildcard profiles/*.json))
GEN_PACKED_OBJ := $(addprefix $(BUILD)/src/lib/,json.o jsonpack.o util.o error.o libs.o fileio.o)
$(BUILD)/tools/gen_packed: tools/gen_packed.c $(GEN_PACKED_OBJ) $(HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(GEN_PACKED_OBJ) $(ALL_LDFLAGS) $(PKG_LIBS)
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

# BATS=... runs a subset, e.g. BATS="tests/integration/enforce.bats tests/integration/refuse.bats".
BATS ?= tests/integration
# RUNGUARD_TEST_BIN: the test build, for the tests that use test switches.
integration: $(BUILD)/runguard $(BUILD)/runguard-test
	RUNGUARD_BIN=$(CURDIR)/$(BUILD)/runguard RUNGUARD_TEST_BIN=$(CURDIR)/$(BUILD)/runguard-test \
		bats --tap $(BATS)

check: unit integration

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

# Leaves $(SYSCONFDIR)/runguard (the operator's configuration) alone.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/runguard $(DESTDIR)$(MANDIR)/man8/runguard.8
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-fuzz

FORMAT_FILES := $(wildcard src/*/*.c src/*/*.h include/runguard/*.h cmd/runguard/*.c tests/unit/*.h tests/unit/*/*.c \
	tests/fuzz/*.c tests/fuzz/*.h bench/*.c)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)
