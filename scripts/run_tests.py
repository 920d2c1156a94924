#!/usr/bin/env python3
"""The project's test command (`make test`).

1. the workbench's own tests (tests/, standard-library unittest), then
   `make lint`;
2. `make build`, then `make check` (the targeted regrtest selection on the
   patched build), read from regrtest's junit XML and module JSON;
3. with COMPARE=1 in the environment (`make test COMPARE=1`, what CI runs):
   `make compare` on the whole suite, where a failure is anything worse on
   patched than on baseline.

  run_tests.py [--variant SUFFIX]

The reports read are those of the variant (out/check-patched-debug for
DEBUG=1, ...); make, run from here, inherits the variables of the calling
make (DEBUG=1, ASAN=1, ...) through MAKEFLAGS.

Prints a count for each step and, as its last line, `N passed, N failed`.
Exits non-zero when anything failed.
"""

import argparse
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import junit  # noqa: E402
import regrtest  # noqa: E402
import workbench  # noqa: E402

MAKE = os.environ.get("MAKE", "make")


def workbench_tests():
    loader = unittest.TestLoader()
    suite = loader.discover(os.path.join(workbench.ROOT, "tests"),
                            top_level_dir=workbench.ROOT)
    result = unittest.TextTestRunner(verbosity=1, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + \
        len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    return result.testsRun - failed - skipped, failed, skipped


def make(*targets):
    cmd = [MAKE, "--no-print-directory", "-C", workbench.ROOT] + list(targets)
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.call(cmd, stdin=subprocess.DEVNULL)


def lint():
    """(passed, failed, skipped) of `make lint`: one check."""
    return (1, 0, 0) if make("lint") == 0 else (0, 1, 0)


def regrtest_counts(name):
    """(passed, failed, skipped) of out/NAME.{xml,json}, or None if absent."""
    xml = os.path.join(workbench.ROOT, "out", name + ".xml")
    js = os.path.join(workbench.ROOT, "out", name + ".json")
    if not os.path.exists(xml):
        return None
    results = junit.Results(xml, js)
    for case in results.failed_cases().values():
        print("FAILED: {}".format(case.name))
    for module in results.modules_failed_outside_cases():
        print("FAILED: {} (the module failed outside its test cases)"
              .format(module))
    for case in results.flaky_cases().values():
        print("flaky (failed, then passed on re-run): {}".format(case.name))
    return results.counts()


def compare_counts(status, variant):
    """(passed, failed, skipped) of `make compare`: the patched run's test
    cases, failed being what is worse on patched."""
    out = os.path.join(workbench.ROOT, "out", "compare" + variant)
    try:
        comparison = compare.Comparison(compare.load(
            out, "baseline"), compare.load(out, "patched"))
    except workbench.WorkbenchError as exc:  # a report is missing
        print("compare: {}".format(exc))
        return 0, 1, 0
    passed, _, skipped = comparison.patched.counts()
    failed = comparison.regressions
    if status != 0 and failed == 0:
        print("make compare exited {} with no regression recorded"
              .format(status))
        failed = 1
    return passed, failed, skipped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", default="",
                        help="the build variant's suffix (-debug, -asan...)")
    parser.add_argument("--check-tests", default="",
                        help="the modules of `make check`")
    args = parser.parse_args(argv)
    lines = []
    total_passed = total_failed = 0

    def add(label, passed, failed, skipped=0):
        nonlocal total_passed, total_failed
        total_passed += passed
        total_failed += failed
        lines.append("{}: {} passed, {} failed, {} skipped".format(
            label, passed, failed, skipped))

    print("== workbench tests", flush=True)
    add("workbench", *workbench_tests())
    print("== lint", flush=True)
    add("lint", *lint())

    print("== build", flush=True)
    if make("build") != 0:
        add("build", 0, 1)
    else:
        print("== check", flush=True)
        status = make("check")
        counts = regrtest_counts("check-patched" + args.variant)
        if counts is None:
            add("check", 0, 1)
        else:
            passed, failed, skipped = counts
            # A module skipped, with no test run, that changed the
            # environment or did not run: one failure each (a failed
            # module is counted by its cases already).
            report = os.path.join(workbench.ROOT, "out",
                                  "check-patched" + args.variant)
            failed += len([p for p in regrtest.strict_problems(
                report, args.check_tests.split()) if not p.endswith(
                    " failed")])
            if status != 0 and failed == 0:
                print("make check exited {}: see its lines above"
                      .format(status))
                failed = 1
            add("check", passed, failed, skipped)

        if os.environ.get("COMPARE") == "1":
            print("== compare (the whole regrtest suite, baseline vs "
                  "patched)", flush=True)
            add("compare", *compare_counts(make("compare"), args.variant))

    print()
    for line in lines:
        print(line)
    print("{} passed, {} failed".format(total_passed, total_failed))
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(workbench.run_main("run-tests", main))
