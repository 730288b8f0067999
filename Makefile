# SPDX-License-Identifier: GPL-2.0
#
# shadowvm top-level Makefile. `make` builds module/shadowvm.ko (and
# kunit/shadowvm_kunit.ko when the target kernel has CONFIG_KUNIT) against
# KDIR; the other targets drive the scripts in scripts/.

KDIR ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then \
		echo /lib/modules/$$(uname -r)/build; \
	else \
		ls -d /usr/src/linux-headers-6.12*-amd64 2>/dev/null | sort -V | tail -n1; \
	fi)

.PHONY: all modules clean check demo bench deps test-kernel userspace stress

all: modules

modules:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "KDIR not found: run scripts/deps or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
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
