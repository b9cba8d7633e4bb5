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
# 6.9
ccflags-y += $(call sipc_has,file.h,int receive_fd.struct file [*]file. int __user [*]ufd,RECEIVE_FD_UFD)
# 6.14
ccflags-y += $(call sipc_has,security.h,int security_lsmprop_to_secctx.struct lsm_prop,LSMPROP_TO_SECCTX)

# The kernels sipc supports, as dkms.conf's BUILD_EXCLUSIVE_KERNEL says:
# an older one lacks what the driver needs, a newer one is untested.
sipc_kv := $(shell echo $$(($(VERSION) * 100 + $(PATCHLEVEL))))
ifeq ($(shell [ $(sipc_kv) -lt 601 ] && echo old),old)
$(error sipc needs Linux 6.1 or newer, not $(VERSION).$(PATCHLEVEL))
endif
ifeq ($(shell [ $(sipc_kv) -gt 702 ] && echo new),new)
$(warning sipc is tested on Linux 6.1 to 7.2, not on $(VERSION).$(PATCHLEVEL))
endif
