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

PKGS := yajl libseccomp libcap libselinux
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lyajl -lseccomp -lcap -lselinux)

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

LIB_SRC := $(wildcard src/*.c)
LIB_OBJ := $(patsubst src/%.c,$(BUILD)/src/%.o,$(LIB_SRC)) $(BUILD)/src/embed.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
HEADERS := $(wildcard include/runguard/*.h)

.PHONY: all check unit integration install uninstall clean format format-check

all: $(BUILD)/runguard

$(BUILD)/src/%.o: src/%.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(E) "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The default seccomp profile is embedded with .incbin so zero-config works.
$(BUILD)/src/embed.o: src/embed.S $(wildcard profiles/*.json)
	@mkdir -p $(dir $@)
	$(E) "  AS      $<"
	$(Q)$(CC) -c -fPIE -o $@ $<

$(BUILD)/librunguard.a: $(LIB_OBJ)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/runguard: cmd/runguard/main.c $(BUILD)/librunguard.a $(HEADERS)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/librunguard.a $(ALL_LDFLAGS) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/librunguard.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(BUILD)/librunguard.a \
		$(ALL_LDFLAGS) $(PKG_LIBS) -lcmocka

unit: $(BUILD)/runguard $(UNIT_BIN)
	@tests/run-unit.sh $(BUILD) $(UNIT_BIN)

integration: $(BUILD)/runguard
	RUNGUARD_BIN=$(CURDIR)/$(BUILD)/runguard bats --tap tests/integration

check: unit integration

install: $(BUILD)/runguard
	install -D -m 0755 $(BUILD)/runguard $(DESTDIR)$(BINDIR)/runguard
	install -D -m 0644 profiles/seccomp-default.json $(DESTDIR)$(DATADIR)/profiles/seccomp-default.json
	install -D -m 0644 doc/runguard.8 $(DESTDIR)$(MANDIR)/man8/runguard.8

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/runguard $(DESTDIR)$(MANDIR)/man8/runguard.8
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san

FORMAT_FILES := $(wildcard src/*.c include/runguard/*.h cmd/runguard/*.c tests/unit/*.c)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)
