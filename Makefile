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

CACHE := cache
TARBALL := $(CACHE)/$(BASE_TARBALL)
OUT := out

# Build variants live in their own folders: build/patched, build/patched-debug,
# build/patched-asan, build/patched-debug-asan (and the same for baseline).
VARIANT := $(if $(DEBUG),-debug)$(if $(ASAN),-asan)
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
# regrtest options shared by every run here.  KNOWN_HANGS leaves out the tests
# that a probe shows cannot finish on this machine (scripts/known_hangs.py
# names each on stderr); it is worked out only when a regrtest runs.
KNOWN_HANGS = $(shell $(PYTHON) scripts/known_hangs.py)
REGRTEST = -j$(JOBS) --timeout=1200 $(KNOWN_HANGS)

# The modules the series touches, for the reference-leak run.
REFLEAK_TESTS := test__xxsubinterpreters test_interpreters test_sys_settrace \
	test_sys_setprofile

.PHONY: all deps fetch apply unapply baseline-apply pristine-apply build \
	baseline pristine regrtest \
	regrtest-baseline check check-baseline test test-workbench compare export \
	patchcheck check-series refleaks bench bench-tracing bench-channels \
	bench-build fix-headers clean distclean

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@sh scripts/deps.sh

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

# Each run leaves regrtest's junit XML and module JSON in out/NAME.{xml,json}.
run_regrtest = @mkdir -p $(OUT) && \
	$(1) scripts/regrtest_json.py $(OUT)/$(2).json $(REGRTEST) \
	--junit-xml $(OUT)/$(2).xml $(3)

regrtest: build
	$(call run_regrtest,$(PATCHED_PY),regrtest-patched$(VARIANT),$(TESTOPTS) $(TESTS))

regrtest-baseline: baseline
	$(call run_regrtest,$(BASELINE_PY),regrtest-baseline$(VARIANT),$(TESTOPTS) $(TESTS))

check: build
	$(call run_regrtest,$(PATCHED_PY),check-patched$(VARIANT),$(TESTOPTS) $(CHECK_TESTS))

check-baseline: baseline
	$(call run_regrtest,$(BASELINE_PY),check-baseline$(VARIANT),$(TESTOPTS) \
		$(filter-out $(ADDED_TESTS),$(CHECK_TESTS)))

test-workbench:
	@$(PYTHON) -m unittest discover -s tests -t . $(if $(filter 1,$(V)),-v)

test: deps
	@COMPARE=$(COMPARE) $(PYTHON) scripts/run_tests.py

# -- review tooling -------------------------------------------------------------

compare: build baseline
	@$(PYTHON) scripts/compare.py --baseline $(BASELINE_PY) --patched $(PATCHED_PY) \
		--out $(OUT)/compare$(VARIANT) -- $(REGRTEST) $(TESTOPTS) $(TESTS)

export: fetch
	@$(PYTHON) scripts/export.py --tarball $(TARBALL) --out $(OUT)/export

patchcheck: export build
	@$(PATCHED_PY) scripts/run_patchcheck.py $(OUT)/export/repo

check-series: fetch
	@$(PYTHON) scripts/check_series.py --tarball $(TARBALL) --jobs $(JOBS) \
		--python $(PYTHON) -- $(REGRTEST) $(TESTOPTS) $(CHECK_TESTS)

refleaks:
	@$(MAKE) --no-print-directory build DEBUG=1
	@# No --junit-xml here: its per-run result objects would count as leaks.
	@mkdir -p $(OUT) && src/patched-debug/python scripts/regrtest_json.py \
		$(OUT)/refleaks.json $(REGRTEST) -R 3:3 $(TESTOPTS) $(REFLEAK_TESTS)

# -- benchmarks: they print figures, they assert nothing ------------------------

bench: bench-tracing bench-channels

bench-tracing: build baseline
	@$(PYTHON) scripts/bench_tracing.py --baseline $(BASELINE_PY) --patched $(PATCHED_PY)

bench-channels: build
	@$(PYTHON) scripts/bench_channels.py --python $(PATCHED_PY)

bench-build: fetch
	@PYTHON=$(PYTHON) sh scripts/bench_build.sh $(TARBALL) $(JOBS)

clean:
	@for t in src/*/; do [ ! -f "$$t/Makefile" ] || $(MAKE) -s -C "$$t" clean; done
	rm -rf build $(OUT)

distclean:
	rm -rf build $(OUT) src $(CACHE)
