#!/usr/bin/env python3
"""The project's test command (`make test`).

1. the workbench's own tests (tests/, standard-library unittest), then
   `make lint`;
2. for each line of work (each --check): `make build`, then `make check`
   (the targeted regrtest selection on the patched build), read from
   regrtest's junit XML and module JSON;
3. with COMPARE=1 in the environment (`make test COMPARE=1`, what CI runs):
   `make compare` on the whole suite for the first line, where a failure is
   anything worse on patched than on baseline.

  run_tests.py --compare-out DIR
               --check MAKEVARS REPORT "TEST ..." [--check ...]
               [--target MAKEVARS TARGET ...]

The Makefile passes the paths of the reports to read (out/check-patched-debug
for DEBUG=1, ...), and for each line the make variables that select it
(LINE=3.13); make, run from here, inherits the other variables of the
calling make (DEBUG=1, ASAN=1, ...) through MAKEFLAGS.

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


def regrtest_counts(report):
    """(passed, failed, skipped) of REPORT.{xml,json}, or None if absent."""
    xml, js = report + ".xml", report + ".json"
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


def compare_counts(status, out):
    """(passed, failed, skipped) of `make compare` (reports in OUT): the
    patched run's test cases, failed being what is worse on patched."""
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


def check_counts(status, report, tests):
    """(passed, failed, skipped) of `make check`: its test cases, and one
    failure for each module that was skipped, ran no test, changed the
    environment or did not run (a failed module is counted by its cases
    already), or for a non-zero exit with nothing recorded."""
    counts = regrtest_counts(report)
    if counts is None:
        return 0, 1, 0
    passed, failed, skipped = counts
    found = regrtest.verdicts(report, tests) or []
    failed += len([test for test, reasons in found
                   if reasons != [regrtest.FAILED]])
    if status != 0 and failed == 0:
        print("make check exited {}: see its lines above".format(status))
        failed = 1
    return passed, failed, skipped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", nargs=3, action="append", default=[],
                        metavar=("MAKEVARS", "REPORT", "TESTS"),
                        help="a line to build and check: its make "
                        "variables, the report of its `make check`, its "
                        "modules")
    parser.add_argument("--target", nargs=2, action="append", default=[],
                        metavar=("MAKEVARS", "TARGET"),
                        help="one more make target to run after the "
                        "checks, one check (e.g. examples)")
    parser.add_argument("--compare-out", default=None,
                        help="the report folder of `make compare`")
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

    for i, (makevars, report, tests) in enumerate(args.check):
        makevars = makevars.split()
        label = " ".join(makevars)
        print("== build ({})".format(label), flush=True)
        if make("build", *makevars) != 0:
            add("build " + label, 0, 1)
            continue
        print("== check ({})".format(label), flush=True)
        add("check " + label, *check_counts(make("check", *makevars),
                                            report, tests.split()))
        if i == 0 and os.environ.get("COMPARE") == "1":
            print("== compare ({}: the whole regrtest suite, before vs "
                  "patched)".format(label), flush=True)
            add("compare " + label, *compare_counts(
                make("compare", *makevars), args.compare_out))

    for makevars, target in args.target:
        makevars = makevars.split()
        label = " ".join([target] + makevars)
        print("== " + label, flush=True)
        ok = make(target, *makevars) == 0
        add(label, int(ok), int(not ok))

    print()
    for line in lines:
        print(line)
    print("{} passed, {} failed".format(total_passed, total_failed))
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(workbench.run_main("run-tests", main))
