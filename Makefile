# The workbench: fetch CPython, apply the series, build, test.  See README.md.

include base.conf

SHELL := /bin/sh
PYTHON ?= python3
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEBUG ?=
ASAN ?=
TESTS ?=
TESTOPTS ?=
COMPARE ?=
CPYTHON_TARBALL ?=
export CPYTHON_TARBALL
# A relative CPYTHON_TARBALL is taken from the folder make was started in,
# also with `make -C DIR` (make's PWD is still the caller's).
WORKBENCH_CALLER_DIR ?= $(or $(PWD),$(CURDIR))
export WORKBENCH_CALLER_DIR

# Bad values are refused before anything runs, in one line.
no_digits = $(subst 0,,$(subst 1,,$(subst 2,,$(subst 3,,$(subst 4,,$(subst \
	5,,$(subst 6,,$(subst 7,,$(subst 8,,$(subst 9,,$(1)))))))))))
ifneq ($(words $(JOBS))$(call no_digits,$(JOBS)),1)
$(error JOBS=$(JOBS): JOBS must be a positive integer, e.g. JOBS=4)
endif
ifeq ($(subst 0,,$(JOBS)),)
$(error JOBS=$(JOBS): JOBS must be a positive integer, e.g. JOBS=4)
endif
ifneq ($(filter-out 1,$(DEBUG)),)
$(error DEBUG=$(DEBUG): DEBUG is on for 1 only; leave it empty for off)
endif
ifneq ($(filter-out 1,$(ASAN)),)
$(error ASAN=$(ASAN): ASAN is on for 1 only; leave it empty for off)
endif

CACHE := cache
TARBALL := $(CACHE)/$(BASE_TARBALL)
OUT := out

# Build variants live in their own folders: build/patched, build/patched-debug,
# build/patched-asan, build/patched-debug-asan (and the same for baseline).
VARIANT := $(if $(DEBUG),-debug)$(if $(ASAN),-asan)
# The compiler: gcc, unless CC is given on the command line or in the
# environment (Make's own default, `cc`, does not count).  Any compiler but
# gcc/cc builds in folders of its own, its name last: CC=clang builds
# build/patched-clang, build/patched-debug-clang, build/patched-asan-clang.
ifeq ($(origin CC),default)
BUILD_CC :=
else
BUILD_CC := $(strip $(CC))
endif
ifneq ($(word 2,$(BUILD_CC)),)
$(error CC="$(BUILD_CC)": give one compiler, e.g. CC=clang (ccache is used through its PATH directory))
endif
CC_NAME := $(notdir $(BUILD_CC))
CC_VARIANT := $(if $(filter-out gcc cc,$(CC_NAME)),-$(CC_NAME))
VARIANT := $(VARIANT)$(CC_VARIANT)
# What `make deps` installs beyond the usual packages: the compiler asked for
# (CC=clang), abidiff when abi-check is among the goals (`make deps abi-check`).
DEPS_EXTRA := $(filter clang clang-%,$(CC_NAME)) \
	$(if $(filter abi-check,$(MAKECMDGOALS)),abigail-tools)
CONFIGURE_OPTS := $(if $(DEBUG),--with-pydebug) \
	$(if $(ASAN),--with-address-sanitizer --with-undefined-behavior-sanitizer)
# Each variant builds in its own source tree (in place, as CPython's own tests
# expect); build/NAME is a link to src/NAME.
PATCHED_TREE := src/patched$(VARIANT)
BASELINE_TREE := src/baseline$(VARIANT)
PRISTINE_TREE := src/pristine$(VARIANT)
ifneq ($(ASAN),)
# As CPython's own sanitizer CI: 3.9 leaks at exit by design, which would stop
# the build (setup.py runs under the new interpreter).
export ASAN_OPTIONS ?= detect_leaks=0:allocator_may_return_null=1:handle_segv=0
endif
PATCHED_BUILD := build/patched$(VARIANT)
BASELINE_BUILD := build/baseline$(VARIANT)
PRISTINE_BUILD := build/pristine$(VARIANT)
# Tests run the interpreter by its real path: test_embed compares the paths
# that Programs/_testembed computes with those of the running interpreter.
PATCHED_PY := $(PATCHED_TREE)/python
BASELINE_PY := $(BASELINE_TREE)/python
PRISTINE_PY := $(PRISTINE_TREE)/python

# The targeted tests of what the series touches.
CHECK_TESTS := test__xxsubinterpreters test_interpreters test_sys_settrace \
	test_sys_setprofile test_threading test_capi test_embed test_gdb test_trace \
	test_bdb test_pdb
# The test modules that the proposed part adds: the baseline tree has not got
# them, so check-baseline leaves them out.
ADDED_TESTS := test_interpreters
# Every regrtest run goes through scripts/regrtest.py: the options all runs
# share (-j, --timeout, -u resources, tests that cannot finish here left
# out), reports out/NAME.{json,xml} named per variant.
RUN_REGRTEST = $(PYTHON) scripts/regrtest.py --jobs $(JOBS)

# The modules the series touches, for the reference-leak run.  Not
# test_interpreters: every subinterpreter that imports test.support (as
# run(channels=...) must, to bind the high-level types) leaks 36 references
# in 3.9's select module, which the series does not touch (NOTES.md,
# proposed/0011); under -R that is reported on every run.
REFLEAK_TESTS := test__xxsubinterpreters test_sys_settrace test_sys_setprofile

.PHONY: all deps fetch apply unapply baseline-apply pristine-apply build \
	baseline pristine regrtest \
	regrtest-baseline check check-baseline test test-workbench compare export \
	patchcheck check-series refleaks abi-check bench bench-tracing \
	bench-channels bench-build fix-headers lint clean distclean

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@sh scripts/deps.sh $(DEPS_EXTRA)

fetch:
	@$(PYTHON) scripts/fetch.py --cache $(CACHE)

apply: fetch
	@$(PYTHON) scripts/apply.py --tree $(PATCHED_TREE) --tarball $(TARBALL)

unapply:
	@$(PYTHON) scripts/apply.py --tree $(PATCHED_TREE) --pop

# After `quilt refresh` of a patch that adds or changes a file whose name has
# spaces (Misc/NEWS.d/next/Core and Builtins/...): put back the TAB patch needs.
fix-headers:
	@$(PYTHON) scripts/patch_headers.py --fix

baseline-apply: fetch
	@$(PYTHON) scripts/apply.py --tree $(BASELINE_TREE) --tarball $(TARBALL) --part baseline

# The reference: the tarball as released, no patch at all (upstream's own
# implementation of what the series changes).
pristine-apply: fetch
	@$(PYTHON) scripts/apply.py --tree $(PRISTINE_TREE) --tarball $(TARBALL) --part none

build: apply
	@sh scripts/build.sh $(PATCHED_TREE) $(PATCHED_BUILD) $(JOBS) $(CONFIGURE_OPTS)

baseline: baseline-apply
	@sh scripts/build.sh $(BASELINE_TREE) $(BASELINE_BUILD) $(JOBS) $(CONFIGURE_OPTS)

pristine: pristine-apply
	@sh scripts/build.sh $(PRISTINE_TREE) $(PRISTINE_BUILD) $(JOBS) $(CONFIGURE_OPTS)

regrtest: build
	@$(RUN_REGRTEST) --python $(PATCHED_PY) \
		--report $(OUT)/regrtest-patched$(VARIANT) --tests "$(TESTS)" -- $(TESTOPTS)

regrtest-baseline: baseline
	@$(RUN_REGRTEST) --python $(BASELINE_PY) \
		--report $(OUT)/regrtest-baseline$(VARIANT) --tests "$(TESTS)" -- $(TESTOPTS)

# --strict: a module of the list that is skipped, runs no test or changes the
# environment fails the run.
check: build
	@$(RUN_REGRTEST) --strict --python $(PATCHED_PY) \
		--report $(OUT)/check-patched$(VARIANT) --tests "$(CHECK_TESTS)" -- $(TESTOPTS)

check-baseline: baseline
	@$(RUN_REGRTEST) --strict --python $(BASELINE_PY) \
		--report $(OUT)/check-baseline$(VARIANT) \
		--tests "$(filter-out $(ADDED_TESTS),$(CHECK_TESTS))" -- $(TESTOPTS)

test-workbench:
	@$(PYTHON) -m unittest discover -s tests -t . $(if $(filter 1,$(V)),-v)

lint:
	@sh scripts/lint.sh

test: deps
	@COMPARE=$(COMPARE) $(PYTHON) scripts/run_tests.py --variant="$(VARIANT)" \
		--check-tests "$(CHECK_TESTS)"

# -- review tooling -------------------------------------------------------------

compare: build baseline
	@$(PYTHON) scripts/compare.py --jobs $(JOBS) --baseline $(BASELINE_PY) \
		--patched $(PATCHED_PY) --out $(OUT)/compare$(VARIANT) -- $(TESTOPTS) $(TESTS)

export: fetch
	@$(PYTHON) scripts/export.py --tarball $(TARBALL) --out $(OUT)/export

patchcheck: export build
	@$(PATCHED_PY) scripts/run_patchcheck.py $(OUT)/export/repo

check-series: fetch
	@$(PYTHON) scripts/check_series.py --tarball $(TARBALL) --jobs $(JOBS) \
		--python $(PYTHON) --variant="$(VARIANT)" --configure="$(CONFIGURE_OPTS)" \
		--tests "$(CHECK_TESTS)" -- $(TESTOPTS)

# -R needs a debug build: without DEBUG=1 this is `make refleaks DEBUG=1`
# (ASAN and the other variables kept).  No junit XML: its per-run result
# objects would count as leaks.  -u-cpu as CPython's refleak buildbots.
ifneq ($(DEBUG),)
refleaks: build
	@$(RUN_REGRTEST) --no-junit --python $(PATCHED_PY) --report $(OUT)/refleaks$(VARIANT) \
		--tests "$(REFLEAK_TESTS)" -- -R 3:3 -u-cpu $(TESTOPTS)
else
refleaks:
	@$(MAKE) --no-print-directory refleaks DEBUG=1
endif

# libpython's ABI against 3.9.2's (bpo-43725's check, after the 3.9.3 recall):
# --enable-shared builds, with the -g of every default build, in trees of
# their own (src/NAME$(VARIANT)-shared); ABI_TREE=baseline checks the
# baseline part instead, which must show a change.
ABI_TREE ?= patched
ABI_PART := $(if $(filter patched,$(ABI_TREE)),proposed,$(filter baseline,$(ABI_TREE)))
SHARED := $(VARIANT)-shared
ABI_OLD := src/pristine$(SHARED)
ABI_NEW := src/$(ABI_TREE)$(SHARED)

abi-check: fetch
	@$(if $(ABI_PART),,echo "abi-check: ABI_TREE=$(ABI_TREE): use patched or baseline" >&2; exit 2)
	@$(PYTHON) scripts/apply.py --tree $(ABI_OLD) --tarball $(TARBALL) --part none
	@sh scripts/build.sh $(ABI_OLD) build/pristine$(SHARED) $(JOBS) $(CONFIGURE_OPTS) --enable-shared
	@$(PYTHON) scripts/apply.py --tree $(ABI_NEW) --tarball $(TARBALL) --part $(ABI_PART)
	@sh scripts/build.sh $(ABI_NEW) build/$(ABI_TREE)$(SHARED) $(JOBS) $(CONFIGURE_OPTS) --enable-shared
	@$(PYTHON) scripts/abi_check.py --old $(ABI_OLD) --new $(ABI_NEW) --out $(OUT)/abi-check-$(ABI_TREE)$(SHARED)

# -- benchmarks: they print figures, they assert nothing ------------------------

bench: bench-tracing bench-channels

# Ours, the baseline and the unpatched reference, side by side in one run.
bench-tracing: build baseline pristine
	@$(PYTHON) scripts/bench_tracing.py --baseline $(BASELINE_PY) \
		--patched $(PATCHED_PY) --pristine $(PRISTINE_PY)

bench-channels: build pristine
	@$(PYTHON) scripts/bench_channels.py --patched $(PATCHED_PY) \
		--pristine $(PRISTINE_PY)

bench-build: fetch
	@PYTHON=$(PYTHON) sh scripts/bench_build.sh $(TARBALL) $(JOBS)

clean:
	@for t in src/*/; do [ ! -f "$$t/Makefile" ] || $(MAKE) -s -C "$$t" clean; done
	rm -rf build $(OUT)

distclean:
	rm -rf build $(OUT) src $(CACHE)
