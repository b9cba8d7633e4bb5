# SPDX-License-Identifier: GPL-2.0
#
# make            sipc.ko, libsipc (shared and static, with libsipc.pc), the
#                 tools, the examples, the selftests and the unit tests
# make install    libsipc, its headers, pkg-config file and manual pages,
#                 sipcctl and sipc-servicemanager (PREFIX, DESTDIR)
# make lint       checkpatch --strict + sparse on the driver, -Werror builds
# make check      the whole test suite (tools/run-tests)
# make clean
#
# KDIR defaults to the running kernel's build tree when it has one, else to
# the Debian headers matching the dev VM's kernel (tools/sipc-kernel).

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(CURDIR)/dkms.conf)
SOVERSION := 1
CACHE := $(CURDIR)/.cache
B := $(CURDIR)/build

ifeq ($(origin KDIR), undefined)
KDIR := $(wildcard /lib/modules/$(shell uname -r)/build)
ifeq ($(KDIR),)
KDIR := $(shell $(CURDIR)/tools/sipc-kernel --kdir)
endif
endif

PREFIX ?= /usr/local
CC ?= gcc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Wformat=2 -Wno-unused-parameter
CPPFLAGS += -I$(CURDIR)/include -I$(CURDIR)/include/uapi -D_GNU_SOURCE
ALL_CFLAGS := $(CFLAGS) $(WARNINGS) $(CPPFLAGS) -pthread

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:lib/%.c=$(B)/lib/%.o)
LIB_SO := $(B)/lib/libsipc.so.$(VERSION)
LIB_A := $(B)/lib/libsipc.a
TOOLS := $(patsubst tools/%.c,$(B)/tools/%,$(wildcard tools/*.c))
# A tool of several files: tools/NAME/*.c make $(B)/tools/NAME.
BENCH_SRCS := $(wildcard tools/bench/*.c)
TOOLS += $(B)/tools/sipc-bench
SELFTESTS := $(patsubst selftests/%.c,$(B)/selftests/%,$(wildcard selftests/*.c))
UNITTESTS := $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/*.c))
EXAMPLES := $(patsubst examples/%.c,$(B)/examples/sipc-%,$(wildcard examples/*.c))
KSFT_DIR := $(CACHE)/linux-source/tools/testing/selftests

.PHONY: all module lib tools examples selftests tests lint check clean install
all: module lib tools examples selftests tests

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

lib: $(LIB_SO) $(LIB_A) $(B)/lib/libsipc.pc

$(B)/lib/libsipc.pc: lib/libsipc.pc.in dkms.conf
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' $< >$@

$(B)/lib/%.o: lib/%.c include/sipc.h include/uapi/linux/sipc.h lib/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(LIB_SO): $(LIB_OBJS) lib/libsipc.map
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,libsipc.so.$(SOVERSION) \
		-Wl,--version-script=lib/libsipc.map -o $@ $(LIB_OBJS)
	ln -sf libsipc.so.$(VERSION) $(B)/lib/libsipc.so.$(SOVERSION)
	ln -sf libsipc.so.$(SOVERSION) $(B)/lib/libsipc.so

$(LIB_A): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

tools: $(TOOLS)
$(B)/tools/sipc-bench: $(BENCH_SRCS) tools/bench/bench.h $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(BENCH_SRCS) -L$(B)/lib -lsipc -lm
$(B)/tools/%: tools/%.c $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -L$(B)/lib -lsipc -lm

examples: $(EXAMPLES)
$(B)/examples/sipc-%: examples/%.c $(wildcard examples/*.h) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -L$(B)/lib -lsipc

$(KSFT_DIR)/kselftest_harness.h:
	bash -c '. tools/sipc-env.sh && sipc_source_extract'

selftests: $(SELFTESTS)
$(B)/selftests/%: selftests/%.c $(wildcard selftests/*.h) include/uapi/linux/sipc.h $(KSFT_DIR)/kselftest_harness.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-sign-compare -Wno-missing-prototypes \
		-I$(KSFT_DIR) -o $@ $<

tests: $(UNITTESTS)
$(B)/tests/%: tests/%.c $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< \
		-L$(B)/lib -lsipc $$(pkg-config --cflags --libs check)

lint:
	tools/sipc-lint

install: lib $(B)/tools/sipcctl $(B)/tools/sipc-servicemanager
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/linux $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man3 \
		$(DESTDIR)$(PREFIX)/share/man/man8
	cp -a $(B)/lib/libsipc.so* $(LIB_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 0644 $(B)/lib/libsipc.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 0644 include/sipc.h $(DESTDIR)$(PREFIX)/include/
	install -m 0644 include/uapi/linux/sipc.h \
		$(DESTDIR)$(PREFIX)/include/linux/
	install -m 0644 man/man3/*.3 $(DESTDIR)$(PREFIX)/share/man/man3/
	install -m 0644 man/man8/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0755 $(B)/tools/sipcctl $(DESTDIR)$(PREFIX)/bin/
	install -m 0755 $(B)/tools/sipc-servicemanager \
		$(DESTDIR)$(PREFIX)/sbin/

check:
	tools/run-tests

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf $(B)
