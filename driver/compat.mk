# SPDX-License-Identifier: GPL-2.0
#
# Feature tests for driver/compat.h: which APIs the kernel sipc.ko is built
# for has, read from its headers ($(srctree) is the kernel's source or
# headers tree). Each test names the kernel that brought the API.

# $(call sipc_has,HEADER,EXTENDED-REGEX,NAME): -DSIPC_HAVE_NAME if found.
# Make counts parentheses even in a regex: "." stands for "(" below.
sipc_has = $(if $(shell grep -qsE '$(2)' $(srctree)/include/linux/$(1) && \
	echo y),-DSIPC_HAVE_$(3))

# 6.3
ccflags-y += $(call sipc_has,mm.h,void vm_flags_set.struct vm_area_struct,VM_FLAGS_SET)
# 6.7
ccflags-y += $(call sipc_has,shrinker.h,[*]shrinker_alloc.unsigned int flags,SHRINKER_ALLOC)
