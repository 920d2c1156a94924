# The workbench: fetch CPython, apply the series, build, test.  See README.md.

include base.conf

SHELL := /bin/sh
PYTHON ?= python3
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEBUG ?=
ASAN ?=
TESTS ?=
TESTOPTS ?=
CPYTHON_TARBALL ?=
export CPYTHON_TARBALL

CACHE := cache
TARBALL := $(CACHE)/$(BASE_TARBALL)
OUT := out

# Build variants live in their own folders: build/patched, build/patched-debug,
# build/patched-asan, build/patched-debug-asan (and the same for baseline).
VARIANT := $(if $(DEBUG),-debug)$(if $(ASAN),-asan)
CONFIGURE_OPTS := $(if $(DEBUG),--with-pydebug) \
	$(if $(ASAN),--with-address-sanitizer --with-undefined-behavior-sanitizer)
PATCHED_BUILD := build/patched$(VARIANT)
BASELINE_BUILD := build/baseline$(VARIANT)
PATCHED_PY := $(PATCHED_BUILD)/python
BASELINE_PY := $(BASELINE_BUILD)/python

# The targeted tests of what the series touches.
CHECK_TESTS := test__xxsubinterpreters test_sys_settrace test_sys_setprofile \
	test_threading test_capi test_embed test_gdb test_trace test_bdb test_pdb
# regrtest options shared by every run here.
REGRTEST := -j$(JOBS) --timeout=1200

.PHONY: all deps fetch apply unapply baseline-apply build baseline regrtest \
	regrtest-baseline check check-baseline test test-workbench clean distclean

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@sh scripts/deps.sh

fetch:
	@$(PYTHON) scripts/fetch.py --cache $(CACHE)

apply: fetch
	@$(PYTHON) scripts/apply.py --tree src/patched --tarball $(TARBALL)

unapply:
	@$(PYTHON) scripts/apply.py --tree src/patched --pop

baseline-apply: fetch
	@$(PYTHON) scripts/apply.py --tree src/baseline --tarball $(TARBALL) --part baseline

build: apply
	@sh scripts/build.sh src/patched $(PATCHED_BUILD) $(JOBS) $(CONFIGURE_OPTS)

baseline: baseline-apply
	@sh scripts/build.sh src/baseline $(BASELINE_BUILD) $(JOBS) $(CONFIGURE_OPTS)

# Each run leaves regrtest's junit XML and module JSON in out/NAME.{xml,json}.
run_regrtest = @mkdir -p $(OUT) && echo "+ $(1) -m test $(REGRTEST) $(3)" && \
	$(1) scripts/regrtest_json.py $(OUT)/$(2).json $(REGRTEST) \
	--junit-xml $(OUT)/$(2).xml $(3)

regrtest: build
	$(call run_regrtest,$(PATCHED_PY),regrtest-patched$(VARIANT),$(TESTOPTS) $(TESTS))

regrtest-baseline: baseline
	$(call run_regrtest,$(BASELINE_PY),regrtest-baseline$(VARIANT),$(TESTOPTS) $(TESTS))

check: build
	$(call run_regrtest,$(PATCHED_PY),check-patched$(VARIANT),$(TESTOPTS) $(CHECK_TESTS))

check-baseline: baseline
	$(call run_regrtest,$(BASELINE_PY),check-baseline$(VARIANT),$(TESTOPTS) $(CHECK_TESTS))

test-workbench:
	@$(PYTHON) -m unittest discover -s tests -t . $(if $(filter 1,$(V)),-v)

test: deps
	@$(PYTHON) scripts/run_tests.py

clean:
	rm -rf build $(OUT)

distclean: clean
	rm -rf src $(CACHE)
