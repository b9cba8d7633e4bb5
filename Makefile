# SPDX-License-Identifier: GPL-2.0
#
# make            sipc.ko, libsipc (shared and static, with libsipc.pc), the
#                 tools, the examples, the selftests and the unit tests
# make install    libsipc (shared and static), its headers, pkg-config file
#                 and manual pages, sipcctl and sipc-servicemanager, with its
#                 systemd unit, the udev rule, sysusers.d and modules-load.d
#                 entries, and the modprobe.d entry that keeps handle 0 root's
#                 (PREFIX, DESTDIR, LIBDIR, BINDIR, ...: see below)
# make install-dkms  the module's sources and dkms.conf in /usr/src/sipc-VERSION
# make uninstall, make uninstall-dkms
# make lint       checkpatch --strict + sparse on the driver, -Werror builds
# make check      the whole test suite (tools/run-tests)
# make clean
#
# KDIR defaults to the running kernel's build tree when it has one, else to
# the Debian headers matching the dev VM's kernel (tools/sipc-kernel),
# looked up only by the targets that build the module.

# sipc's one version, also the DKMS package's and debian/changelog's.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(CURDIR)/dkms.conf)
SOVERSION := 1
CACHE := $(CURDIR)/.cache
B := $(CURDIR)/build

ifeq ($(origin KDIR), undefined)
KDIR = $(or $(wildcard /lib/modules/$(shell uname -r)/build),$(shell $(CURDIR)/tools/sipc-kernel --kdir))
endif

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# systemd, udev and sysusers read these under /usr/lib and /usr/local/lib.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
# kmod reads /usr/local/lib/modprobe.d and /lib/modprobe.d too.
MODPROBEDIR ?= $(PREFIX)/lib/modprobe.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
# dkms looks in /usr/src only.
DKMSDIR ?= /usr/src/sipc-$(VERSION)
CC ?= gcc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Wformat=2 -Wno-unused-parameter
# Channels' mmap offsets pass 2^32: a 32-bit build needs a 64-bit off_t.
CPPFLAGS += -I$(CURDIR)/include -I$(CURDIR)/include/uapi -D_GNU_SOURCE \
	-D_FILE_OFFSET_BITS=64
ALL_CFLAGS := $(CFLAGS) $(WARNINGS) $(CPPFLAGS) -pthread

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:lib/%.c=$(B)/lib/%.o)
LIB_SO := $(B)/lib/libsipc.so.$(VERSION)
LIB_A := $(B)/lib/libsipc.a
TOOLS := $(patsubst tools/%.c,$(B)/tools/%,$(wildcard tools/*.c))
# A tool of several files: tools/NAME/*.c make $(B)/tools/NAME.
BENCH_SRCS := $(wildcard tools/bench/*.c)
TOOLS += $(B)/tools/sipc-bench
# sipc-idl, the interface compiler; sipcctl shares its parser.
# textcall.c, typed calls from text, is sipcctl's: it needs libsipc.
IDL_SRCS := $(filter-out tools/sipc-idl/textcall.c,$(wildcard tools/sipc-idl/*.c))
IDL_HDRS := $(wildcard tools/sipc-idl/*.h)
IDL_PARSER := tools/sipc-idl/lex.c tools/sipc-idl/parse.c
SIPCCTL_IDL := $(IDL_PARSER) tools/sipc-idl/textcall.c
TOOLS += $(B)/tools/sipc-idl
SIPC_IDL := $(B)/tools/sipc-idl
# Interface files and what sipc-idl makes of them: NAME.idl gives
# $(B)/gen/NAME-idl.h and NAME-idl.c (generated at build time, not kept).
IDL_EXAMPLES := $(B)/examples/sipc-idl-echo-service $(B)/examples/sipc-idl-echo-client
SELFTESTS := $(patsubst selftests/%.c,$(B)/selftests/%,$(wildcard selftests/*.c))
UNITTESTS := $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/*.c))
EXAMPLES := $(patsubst examples/%.c,$(B)/examples/sipc-%,$(wildcard examples/*.c))
# The event-loop examples need their loop's library (SIPC_PACKAGES has
# them): without it they are left out, with a word.
EXAMPLE_PKG_echo-glib := glib-2.0
EXAMPLE_PKG_echo-sdevent := libsystemd
define example_pkg
ifeq ($$(shell pkg-config --exists $$(EXAMPLE_PKG_$(1)) && echo y),y)
$$(B)/examples/sipc-$(1): EXAMPLE_LIBS := $$(shell pkg-config --cflags --libs $$(EXAMPLE_PKG_$(1)))
else
$$(warning examples/$(1).c left out: no $$(EXAMPLE_PKG_$(1)) (pkg-config))
EXAMPLES := $$(filter-out $$(B)/examples/sipc-$(1),$$(EXAMPLES))
endif
endef
$(foreach e,echo-glib echo-sdevent,$(eval $(call example_pkg,$(e))))
KSFT_DIR := $(CACHE)/linux-source/tools/testing/selftests

.PHONY: all module lib tools examples selftests tests lint check clean \
	install uninstall install-dkms uninstall-dkms
all: module lib tools examples selftests tests

define idl_rule
$(B)/gen/%-idl.h $(B)/gen/%-idl.c: $(1)/%.idl $(SIPC_IDL)
	@mkdir -p $$(@D)
	$(SIPC_IDL) $$(if $$(IDL_PREFIX_$$*),-p $$(IDL_PREFIX_$$*)) \
		-H $(B)/gen/$$*-idl.h -C $(B)/gen/$$*-idl.c $$<
endef
# Two versions of one interface in one test program need two prefixes.
IDL_PREFIX_compat-v1 := compat1
IDL_PREFIX_compat-v2 := compat2
# Not sipc_registry_: libsipc's own functions have those names.
IDL_PREFIX_registry := registry
$(foreach d,examples/idl tests/idl tools tools/bench,$(eval $(call idl_rule,$(d))))
# Generated code is held to the project's warnings, unused parameters too.
$(B)/gen/%-idl.o: $(B)/gen/%-idl.c $(B)/gen/%-idl.h include/sipc.h
	$(CC) $(ALL_CFLAGS) -Wunused-parameter -I$(B)/gen -c -o $@ $<
.SECONDARY:

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

lib: $(LIB_SO) $(LIB_A) $(B)/lib/libsipc.pc

PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|'
$(B)/lib/libsipc.pc: lib/libsipc.pc.in dkms.conf
	@mkdir -p $(@D)
	$(PC_SED) $< >$@

$(B)/lib/%.o: lib/%.c include/sipc.h include/uapi/linux/sipc.h lib/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -fno-semantic-interposition \
		-c -o $@ $<

$(LIB_SO): $(LIB_OBJS) lib/libsipc.map
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libsipc.so.$(SOVERSION) \
		-Wl,--version-script=lib/libsipc.map -o $@ $(LIB_OBJS)
	ln -sf libsipc.so.$(VERSION) $(B)/lib/libsipc.so.$(SOVERSION)
	ln -sf libsipc.so.$(SOVERSION) $(B)/lib/libsipc.so

$(LIB_A): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

tools: $(TOOLS)
$(B)/tools/sipc-bench: $(BENCH_SRCS) tools/bench/bench.h $(B)/gen/bench-idl.o $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -I$(B)/gen $(LDFLAGS) -o $@ $(BENCH_SRCS) \
		$(B)/gen/bench-idl.o -L$(B)/lib -lsipc -lm
$(SIPC_IDL): $(IDL_SRCS) $(IDL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(IDL_SRCS)
$(B)/tools/sipcctl: tools/sipcctl.c $(SIPCCTL_IDL) $(IDL_HDRS) $(B)/gen/registry-idl.o $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itools/sipc-idl -I$(B)/gen $(LDFLAGS) -o $@ $< \
		$(SIPCCTL_IDL) $(B)/gen/registry-idl.o \
		-L$(B)/lib -lsipc -lm
$(B)/tools/sipc-servicemanager: tools/sipc-servicemanager.c $(B)/gen/registry-idl.o $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -I$(B)/gen $(LDFLAGS) -o $@ $< $(B)/gen/registry-idl.o \
		-L$(B)/lib -lsipc -lm
$(B)/tools/%: tools/%.c $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -L$(B)/lib -lsipc -lm

examples: $(EXAMPLES) $(IDL_EXAMPLES)
$(B)/examples/sipc-idl-echo-%: examples/idl/echo-%.c $(B)/gen/echo-idl.o $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -I$(B)/gen $(LDFLAGS) -o $@ $< $(B)/gen/echo-idl.o \
		-L$(B)/lib -lsipc
$(B)/examples/sipc-%: examples/%.c $(wildcard examples/*.h) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -L$(B)/lib -lsipc $(EXAMPLE_LIBS)

$(KSFT_DIR)/kselftest_harness.h:
	bash -c '. tools/sipc-env.sh && sipc_source_extract'

selftests: $(SELFTESTS)
$(B)/selftests/%: selftests/%.c $(wildcard selftests/*.h) include/uapi/linux/sipc.h $(KSFT_DIR)/kselftest_harness.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-sign-compare -Wno-missing-prototypes \
		-I$(KSFT_DIR) -o $@ $<

tests: $(UNITTESTS)
$(B)/tests/%: tests/%.c $(wildcard tests/*.h) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< \
		-L$(B)/lib -lsipc $$(pkg-config --cflags --libs check)

# The library's insides, linked from its archive.
$(B)/tests/check_pool_view: tests/check_pool_view.c $(wildcard tests/*.h) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilib -Wno-missing-prototypes -o $@ $< $(LIB_A) \
		-lpthread $$(pkg-config --cflags --libs check)

# The generator's tests: its parser, and the code it writes for tests/idl/.
IDL_TEST_GEN := $(patsubst tests/idl/%.idl,$(B)/gen/%-idl.o,$(wildcard tests/idl/*.idl)) \
	$(B)/gen/registry-idl.o
$(B)/tests/check_idl: tests/check_idl.c $(IDL_TEST_GEN) $(SIPCCTL_IDL) $(IDL_HDRS) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes \
		-I$(B)/gen -Itools/sipc-idl -o $@ $< $(IDL_TEST_GEN) $(SIPCCTL_IDL) \
		-L$(B)/lib -lsipc $$(pkg-config --cflags --libs check)

lint:
	tools/sipc-lint

# The pkg-config file and the unit are written here, not in $(B): they
# name the directories of this install.
install: lib $(B)/tools/sipcctl $(B)/tools/sipc-servicemanager $(SIPC_IDL)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(MODULESLOADDIR) \
		$(DESTDIR)$(MODPROBEDIR) \
		$(DESTDIR)$(SYSUSERSDIR)
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libsipc.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libsipc.so.$(SOVERSION)
	ln -sf libsipc.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libsipc.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	$(PC_SED) lib/libsipc.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/libsipc.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/libsipc.pc
	install -m 0644 include/sipc.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 0644 include/uapi/linux/sipc.h $(DESTDIR)$(INCLUDEDIR)/linux/
	install -m 0644 man/man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/man3/*.3 $(DESTDIR)$(MANDIR)/man3/
	install -m 0644 man/man5/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/man8/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0755 $(B)/tools/sipcctl $(DESTDIR)$(BINDIR)/
	install -m 0755 $(SIPC_IDL) $(DESTDIR)$(BINDIR)/
	install -m 0755 $(B)/tools/sipc-servicemanager $(DESTDIR)$(SBINDIR)/
	sed 's|@SBINDIR@|$(SBINDIR)|' dist/sipc-servicemanager.service.in \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/sipc-servicemanager.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/sipc-servicemanager.service
	install -m 0644 dist/60-sipc.rules $(DESTDIR)$(UDEVRULESDIR)/
	install -m 0644 dist/sipc.modules-load.conf \
		$(DESTDIR)$(MODULESLOADDIR)/sipc.conf
	install -m 0644 dist/sipc.modprobe.conf $(DESTDIR)$(MODPROBEDIR)/sipc.conf
	install -m 0644 dist/sipc.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/sipc.conf

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libsipc.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/libsipc.so.$(SOVERSION) \
		$(DESTDIR)$(LIBDIR)/libsipc.so $(DESTDIR)$(LIBDIR)/libsipc.a \
		$(DESTDIR)$(PKGCONFIGDIR)/libsipc.pc \
		$(DESTDIR)$(INCLUDEDIR)/sipc.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/sipc.h \
		$(patsubst man/%,$(DESTDIR)$(MANDIR)/%,$(wildcard man/man1/*.1 man/man3/*.3 man/man5/*.5 man/man8/*.8)) \
		$(DESTDIR)$(BINDIR)/sipcctl $(DESTDIR)$(BINDIR)/sipc-idl \
		$(DESTDIR)$(SBINDIR)/sipc-servicemanager \
		$(DESTDIR)$(SYSTEMDUNITDIR)/sipc-servicemanager.service \
		$(DESTDIR)$(UDEVRULESDIR)/60-sipc.rules \
		$(DESTDIR)$(MODULESLOADDIR)/sipc.conf \
		$(DESTDIR)$(MODPROBEDIR)/sipc.conf \
		$(DESTDIR)$(SYSUSERSDIR)/sipc.conf

# What dkms needs to build sipc.ko: Kbuild, the driver and the ABI header.
install-dkms:
	install -d $(DESTDIR)$(DKMSDIR)/driver $(DESTDIR)$(DKMSDIR)/include/uapi/linux
	install -m 0644 dkms.conf Kbuild $(DESTDIR)$(DKMSDIR)/
	install -m 0644 driver/*.c driver/*.h driver/*.mk $(DESTDIR)$(DKMSDIR)/driver/
	install -m 0644 include/uapi/linux/sipc.h \
		$(DESTDIR)$(DKMSDIR)/include/uapi/linux/

uninstall-dkms:
	rm -rf $(DESTDIR)$(DKMSDIR)

check:
	tools/run-tests

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf $(B)
