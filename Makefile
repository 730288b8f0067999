# SPDX-License-Identifier: GPL-2.0
#
# shadowvm top-level Makefile. `make` builds module/shadowvm.ko (and
# kunit/shadowvm_kunit.ko when the target kernel has CONFIG_KUNIT) against
# KDIR, by default the running kernel's headers; `make install` installs it
# for that kernel. Linux 6.1 and later (see Documentation/usage.rst). The
# other targets drive the scripts in scripts/.

SVM_MIN_KERNEL := 6.1
KRELEASE := $(shell uname -r)
KDIR ?= /lib/modules/$(KRELEASE)/build

.PHONY: all modules install kdir-check clean check demo bench deps \
	test-kernel userspace stress htmldocs

all: modules

# The kernel KDIR builds for: its version, for the minimum, and its
# uname -r (Debian's 6.1 headers have 6.1.<n> in kernel.release and
# 6.1.0-<abi>-amd64 in UTS_RELEASE).
kdir-version = $(shell cat "$(KDIR)/include/config/kernel.release" 2>/dev/null)
kdir-release = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	"$(KDIR)/include/generated/utsrelease.h" 2>/dev/null)
kdir-too-old = $(shell [ "$$(printf '%s\n' $(SVM_MIN_KERNEL) "$(kdir-version)" | \
	sort -V | head -n1)" = $(SVM_MIN_KERNEL) ] || echo y)

# One line saying what to install when KDIR is not a kernel shadowvm
# builds for: kbuild's own error would be a screen of make output.
kdir-check:
	$(if $(kdir-version),,$(error shadowvm: no kernel headers in $(KDIR): \
		apt-get install linux-headers-$(KRELEASE), or pass KDIR= the \
		headers of a $(SVM_MIN_KERNEL) or later kernel))
	$(if $(kdir-too-old),$(error shadowvm: $(KDIR) is Linux \
		$(kdir-version), older than $(SVM_MIN_KERNEL): install \
		linux-headers-amd64 (Debian 12) or a later kernel's headers and \
		pass KDIR=))
	@:

modules: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@echo "shadowvm: built for $(kdir-release) (KDIR=$(KDIR))"

# updates/, as on 6.12 (6.1's kbuild says extra/): it comes first in
# depmod's default search order, ahead of an older copy elsewhere.
INSTALL_MOD_DIR ?= updates
install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		modules_install

clean:
	-[ ! -d "$(KDIR)" ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

deps:
	scripts/deps

test-kernel: deps
	scripts/build-test-kernel

userspace:
	scripts/build-userspace

check:
	scripts/check $(CHECK_ARGS)

demo:
	scripts/demo

bench:
	scripts/bench

stress:
	STRESS_SECONDS=$(or $(STRESS_SECONDS),240) scripts/stress

# Documentation/ as HTML, with Sphinx and the kernel's kerneldoc extension
# (Documentation/conf.py), so that the API reference comes from the code.
htmldocs: deps
	sphinx-build -b html -q -W --keep-going Documentation build/htmldocs
	@echo "shadowvm: HTML documentation in build/htmldocs/index.html"
