# The workbench: fetch CPython, apply the series, build, test.  See README.md.

include base.conf

SHELL := /bin/sh
PYTHON ?= python3
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEBUG ?=
ASAN ?=
FT ?=
TESTS ?=
TESTOPTS ?=
COMPARE ?=
CPYTHON_TARBALL ?=
export CPYTHON_TARBALL
# A relative CPYTHON_TARBALL is taken from the folder make was started in,
# also with `make -C DIR` (make's PWD is still the caller's).
WORKBENCH_CALLER_DIR ?= $(or $(PWD),$(CURDIR))
export WORKBENCH_CALLER_DIR

# -- the line of work: LINE=3.9 (default) or LINE=3.13 ---------------------------
# `make test` with no LINE tests every line; with LINE=, that line only.
TEST_LINES := $(if $(filter undefined,$(origin LINE)),$(LINES),$(LINE))
LINE ?= $(firstword $(LINES))
# What differs between the lines (base.conf has their bases and folders):
# the parts the line has, the tree patched is measured against, the
# targeted tests (`make check`), the test modules a proposed patch adds (a
# prefix of the series or the baseline lacks them), the modules the series
# needs built (scripts/check_build.py), the reference-leak selection, and
# whether check-series first shows each patch's new tests failing without
# its fix.
PARTS_3.9 := patched baseline pristine
BEFORE_3.9 := baseline
CHECK_TESTS_3.9 := test__xxsubinterpreters test_interpreters test_sys_settrace \
	test_sys_setprofile test_threading test_capi test_embed test_gdb test_trace \
	test_bdb test_pdb
ADDED_TESTS_3.9 := test_interpreters
SERIES_MODULES_3.9 := _xxsubinterpreters _testinternalcapi _testcapi
# Not test_interpreters: every subinterpreter that imports test.support (as
# run(channels=...) must, to bind the high-level types) leaks 36 references
# in 3.9's select module, which the series does not touch (NOTES.md,
# proposed/0011); under -R that is reported on every run.
REFLEAK_TESTS_3.9 := test__xxsubinterpreters test_sys_settrace \
	test_sys_setprofile
FAIL_FIRST_3.9 :=
PARTS_3.13 := patched pristine
BEFORE_3.13 := pristine
CHECK_TESTS_3.13 := test__interpchannels test__interpreters test_interpreters \
	test_threading test_os
ADDED_TESTS_3.13 :=
SERIES_MODULES_3.13 := _interpchannels _interpreters _interpqueues \
	_testinternalcapi _testcapi
REFLEAK_TESTS_3.13 := test__interpchannels test__interpreters \
	test_interpreters
FAIL_FIRST_3.13 := 1
# What the line's own tests skip as a whole on the free-threaded build, so
# `make check FT=1` leaves it out rather than fail on the skip: 3.13's
# Lib/test/test_interpreters/__init__.py raises SkipTest("GIL disabled").
FT_SKIPS_3.13 := test_interpreters

# Bad values are refused before anything runs, in one line.
ifeq ($(filter $(LINE),$(LINES)),)
$(error LINE=$(LINE): unknown line; use one of: $(LINES))
endif
ifneq ($(words $(LINE)),1)
$(error LINE=$(LINE): unknown line; use one of: $(LINES))
endif
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
ifneq ($(filter-out 1,$(FT)),)
$(error FT=$(FT): FT is on for 1 only; leave it empty for off)
endif
# The free-threaded build (--disable-gil) exists from 3.13 on.
FT_LINES := $(filter-out 3.9,$(LINES))
ifneq ($(FT),)
ifeq ($(filter $(LINE),$(FT_LINES)),)
$(error FT=1: the free-threaded build needs LINE=$(firstword $(FT_LINES)) \
	(the lines with one: $(FT_LINES)))
endif
endif

# The line's base, from base.conf.
BASE_VERSION := $(BASE_VERSION_$(LINE))
BASE_TARBALL := $(BASE_TARBALL_$(LINE))
PARTS := $(PARTS_$(LINE))
BEFORE := $(BEFORE_$(LINE))
# A line's `make check` modules in this variant.
line_check_tests = $(filter-out $(if $(FT),$(FT_SKIPS_$(1))),$(CHECK_TESTS_$(1)))
CHECK_TESTS := $(call line_check_tests,$(LINE))
ADDED_TESTS := $(ADDED_TESTS_$(LINE))
REFLEAK_TESTS := $(filter-out $(if $(FT),$(FT_SKIPS_$(LINE))),$(REFLEAK_TESTS_$(LINE)))

CACHE := cache
TARBALL := $(CACHE)/$(BASE_TARBALL)
OUT := out

# -- build variants ---------------------------------------------------------------
# Each variant builds in its own folder: build/patched, build/patched-debug,
# build/3.13/patched-ft, build/patched-debug-asan...
VARIANT := $(if $(DEBUG),-debug)$(if $(FT),-ft)$(if $(ASAN),-asan)
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
CONFIGURE_OPTS := $(if $(DEBUG),--with-pydebug) $(if $(FT),--disable-gil) \
	$(if $(ASAN),--with-address-sanitizer --with-undefined-behavior-sanitizer)
ifneq ($(ASAN),)
# As CPython's own sanitizer CI: 3.9 leaks at exit by design, which would stop
# the build (setup.py runs under the new interpreter).
export ASAN_OPTIONS ?= detect_leaks=0:allocator_may_return_null=1:handle_segv=0
endif

# -- the trees: defined here once ----------------------------------------------
# A tree is line x kind x variant.  A kind is a part (patched: the whole
# series; baseline: its baseline part; pristine: no patch), or a part with
# -shared (--enable-shared, for abi-check).  Its source is src/NAME, built in
# place (as CPython's own tests expect), its link build/NAME, its interpreter
# src/NAME/python (test_embed compares the paths of Programs/_testembed with
# the running interpreter's, so tests run it by its real path).
#   NAME = [FOLDER/]PART[VARIANT][-shared]     e.g. 3.13/patched-debug-ft
folder = $(if $(FOLDER_$(1)),$(FOLDER_$(1))/)
tree = $(call folder,$(LINE))$(firstword $(subst -, ,$(1)))$(VARIANT)$(filter \
	-shared,$(patsubst %-shared,-shared,$(1)))
tree_src = src/$(call tree,$(1))
tree_link = build/$(call tree,$(1))
tree_py = $(call tree_src,$(1))/python
tree_configure = $(CONFIGURE_OPTS)$(if $(filter %-shared,$(1)), --enable-shared)
# What scripts/apply.py pushes for a kind: the part of the series it ends at.
series_part = $(or $(filter baseline,$(firstword $(subst -, ,$(1)))),$(if \
	$(filter pristine,$(firstword $(subst -, ,$(1)))),none,proposed))
# A report of one run on LINE: out/[FOLDER/]NAME[VARIANT].{json,xml}.
report = $(OUT)/$(call folder,$(2))$(1)$(VARIANT)
# The line's series, and what check-series and export write.
PATCHES := patches/$(call folder,$(LINE))
SERIES_TREE := src/$(call folder,$(LINE))series$(VARIANT)
EXPORT_OUT := $(OUT)/export$(if $(FOLDER_$(LINE)),-$(LINE))
KINDS := $(PARTS) $(addsuffix -shared,$(PARTS))

# Every regrtest run goes through scripts/regrtest.py: the options all runs
# share (-j, --timeout, -u resources, tests that cannot finish here left
# out), reports named per line and variant.
RUN_REGRTEST = $(PYTHON) scripts/regrtest.py --jobs $(JOBS)
# The test modules of `make check` that a tree has (baseline lacks those the
# proposed part adds).
check_tests = $(if $(filter patched,$(1)),$(CHECK_TESTS),$(filter-out \
	$(ADDED_TESTS),$(CHECK_TESTS)))

.PHONY: all deps fetch apply unapply build baseline pristine baseline-apply \
	pristine-apply regrtest check test test-workbench compare export \
	patchcheck check-series refleaks abi-check bench bench-tracing \
	bench-channels bench-build examples fix-headers lint clean distclean \
	$(addprefix apply-,$(KINDS)) $(addprefix build-,$(KINDS)) \
	$(addprefix check-,$(PARTS)) $(addprefix regrtest-,$(PARTS))

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@sh scripts/deps.sh $(DEPS_EXTRA)

fetch:
	@$(PYTHON) scripts/fetch.py --cache $(CACHE) --line $(LINE)

# One set of rules for every tree: apply-KIND, build-KIND, check-PART,
# regrtest-PART.  The short names are the patched tree's, and the old ones
# stay: build = build-patched, baseline = build-baseline, pristine =
# build-pristine, check = check-patched, regrtest = regrtest-patched.
$(addprefix apply-,$(KINDS)): apply-%: fetch
	@$(PYTHON) scripts/apply.py --tree $(call tree_src,$*) --tarball $(TARBALL) \
		--patches $(PATCHES) --part $(call series_part,$*)

$(addprefix build-,$(KINDS)): build-%: apply-%
	@sh scripts/build.sh $(call tree_src,$*) $(call tree_link,$*) $(JOBS) \
		--modules "$(SERIES_MODULES_$(LINE))" --patches $(PATCHES) \
		-- $(call tree_configure,$*)

$(addprefix regrtest-,$(PARTS)): regrtest-%: build-%
	@$(RUN_REGRTEST) --python $(call tree_py,$*) \
		--report $(call report,regrtest-$*,$(LINE)) --tests "$(TESTS)" -- $(TESTOPTS)

# --strict: a module of the list that is skipped, runs no test or changes the
# environment fails the run.
$(addprefix check-,$(PARTS)): check-%: build-%
	@$(RUN_REGRTEST) --strict --python $(call tree_py,$*) \
		--report $(call report,check-$*,$(LINE)) \
		--tests "$(call check_tests,$*)" -- $(TESTOPTS)

apply: apply-patched
build: build-patched
baseline: build-baseline
pristine: build-pristine
baseline-apply: apply-baseline
pristine-apply: apply-pristine
check: check-patched
regrtest: regrtest-patched
# The line has no such part (3.13 has no baseline): say so in one line.
$(addprefix apply-,$(filter-out $(KINDS),baseline baseline-shared)) \
$(addprefix build-,$(filter-out $(KINDS),baseline baseline-shared)) \
$(addprefix check-,$(filter-out $(PARTS),baseline)) \
$(addprefix regrtest-,$(filter-out $(PARTS),baseline)):
	@echo "$@: LINE=$(LINE) has no baseline part (its pristine tree is the before-state); its trees: $(PARTS)" >&2; exit 2

unapply:
	@$(PYTHON) scripts/apply.py --tree $(call tree_src,patched) --pop \
		--patches $(PATCHES)

# After `quilt refresh` of a patch that adds or changes a file whose name has
# spaces (Misc/NEWS.d/next/Core and Builtins/...): put back the TAB patch needs.
fix-headers:
	@$(PYTHON) scripts/patch_headers.py --fix

test-workbench:
	@$(PYTHON) -m unittest discover -s tests -t . $(if $(filter 1,$(V)),-v)

lint:
	@sh scripts/lint.sh

# The steps run_tests.py takes for each line it tests: the make variables of
# the line, then the full path of the `make check` report it reads; then
# the 3.9 line's examples.
test: deps
	@COMPARE=$(COMPARE) $(PYTHON) scripts/run_tests.py \
		--compare-out $(call report,compare,$(firstword $(TEST_LINES))) \
		$(foreach l,$(TEST_LINES),--check "LINE=$(l)" "$(call \
		report,check-patched,$(l))" "$(call line_check_tests,$(l))") \
		$(foreach l,$(filter 3.9,$(TEST_LINES)),--target "LINE=$(l)" examples)

# -- review tooling -------------------------------------------------------------

# patched against the line's before-state: the baseline build on 3.9, the
# pristine tarball on 3.13.
compare: build-patched build-$(BEFORE)
	@$(PYTHON) scripts/compare.py --jobs $(JOBS) --baseline $(call tree_py,$(BEFORE)) \
		--patched $(call tree_py,patched) \
		--out $(call report,compare,$(LINE)) -- $(TESTOPTS) $(TESTS)

export: fetch
	@$(PYTHON) scripts/export.py --tarball $(TARBALL) --patches $(PATCHES) \
		--out $(EXPORT_OUT)

patchcheck: export build-patched
	@$(call tree_py,patched) scripts/cpython/run_patchcheck.py $(EXPORT_OUT)/repo

check-series: fetch
	@$(PYTHON) scripts/check_series.py --tarball $(TARBALL) --jobs $(JOBS) \
		--python $(PYTHON) --tree $(SERIES_TREE) \
		--link build/$(patsubst src/%,%,$(SERIES_TREE)) \
		--out $(call report,check-series,$(LINE)) --patches $(PATCHES) \
		--modules "$(SERIES_MODULES_$(LINE))" --configure="$(CONFIGURE_OPTS)" \
		$(if $(FAIL_FIRST_$(LINE)),--fail-first) \
		--tests "$(CHECK_TESTS)" -- $(TESTOPTS)

# -R needs a debug build: without DEBUG=1 this is `make refleaks DEBUG=1`
# (LINE, ASAN and the other variables kept).  No junit XML: its per-run
# result objects would count as leaks.  -u-cpu as CPython's refleak
# buildbots.
ifneq ($(DEBUG),)
refleaks: build-patched
	@$(RUN_REGRTEST) --no-junit --python $(call tree_py,patched) \
		--report $(call report,refleaks,$(LINE)) \
		--tests "$(REFLEAK_TESTS)" -- -R 3:3 -u-cpu $(TESTOPTS)
else
refleaks:
	@$(MAKE) --no-print-directory refleaks DEBUG=1
endif

# libpython's ABI against the pristine base's (bpo-43725's check, after the
# 3.9.3 recall): --enable-shared builds, with the -g of every default build,
# in trees of their own (src/NAME-shared); ABI_TREE=baseline checks the
# baseline part instead, which must show a change.
ABI_TREE ?= patched
ifeq ($(filter abi-check,$(MAKECMDGOALS)),abi-check)
ifeq ($(filter-out pristine,$(filter $(ABI_TREE),$(PARTS))),)
$(error ABI_TREE=$(ABI_TREE): use $(subst $(eval) , or ,$(filter-out pristine,$(PARTS))) (LINE=$(LINE)))
endif
endif
abi-check: build-pristine-shared build-$(ABI_TREE)-shared
	@$(PYTHON) scripts/abi_check.py --old $(call tree_src,pristine-shared) \
		--new $(call tree_src,$(ABI_TREE)-shared) --out $(OUT)/$(call folder,$(LINE))abi-check-$(ABI_TREE)$(VARIANT)-shared

# -- benchmarks: they print figures, they assert nothing ------------------------
# They measure the 3.9 line: its two changes against its baseline and
# pristine, and its build.

bench: bench-tracing bench-channels

ifeq ($(LINE),3.9)
# Ours, the baseline and the unpatched reference, side by side in one run.
bench-tracing: build-patched build-baseline build-pristine
	@$(PYTHON) scripts/bench_tracing.py --baseline $(call tree_py,baseline) \
		--patched $(call tree_py,patched) --pristine $(call tree_py,pristine)

bench-channels: build-patched build-pristine
	@$(PYTHON) scripts/bench_channels.py --patched $(call tree_py,patched) \
		--pristine $(call tree_py,pristine)

bench-build: fetch
	@PYTHON=$(PYTHON) sh scripts/bench_build.sh $(TARBALL) $(JOBS)

# What the README shows a user and what a debugger relies on, checked on the
# patched build: PEP 554's usage, and a debugger's attach (all line events,
# the count back to 0).
examples: build-patched
	@$(call tree_py,patched) scripts/cpython/pep554_example.py
	@$(PYTHON) scripts/debugger_attach.py --check $(call tree_py,patched)
else
bench-tracing bench-channels bench-build examples:
	@echo "$@: measures the 3.9 line (its changes, its build); run it with LINE=3.9" >&2; exit 2
endif

clean:
	@for t in src/*/ src/*/*/; do [ ! -f "$$t/Makefile" ] || $(MAKE) -s -C "$$t" clean; done
	rm -rf build $(OUT)

distclean:
	rm -rf build $(OUT) src $(CACHE)
