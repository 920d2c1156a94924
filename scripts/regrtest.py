#!/usr/bin/env python3
"""Every regrtest run of the workbench: one command line, one set of reports.

  regrtest.py --python TREE/python --report out/NAME [--jobs N] [--strict]
              [--no-junit] [--tests "TEST ..."] [-- OPTIONS]

Runs TREE/python scripts/cpython/regrtest_json.py, which leaves
out/NAME.json (the
per-module outcome) and, unless --no-junit, out/NAME.xml (regrtest's junit
report), with the options every run here shares (`options()`): -jN,
--timeout=1200, the resources of RESOURCES, and the tests that a probe shows
cannot finish on this machine left out (scripts/known_hangs.py).  OPTIONS
come after those, then the tests.  The make targets, compare.py and
check_series.py all build their command with `command()`.

--strict (`make check`): adds --fail-env-changed, and fails when a module
of --tests was skipped, ran no test, changed the environment or did not run
at all, even when regrtest itself exits 0.
"""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junit  # noqa: E402
import known_hangs  # noqa: E402
import workbench  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PROG = "regrtest"

# What CPython's own test runner enables (Tools/scripts/run_tests.py:
# all,-largefile,-audio,-gui), minus what needs the internet (network,
# urlfetch: this project's machines reach only the Debian archive, so those
# tests would fail or wait for timeouts on both builds and prove nothing).
RESOURCES = "all,-largefile,-audio,-gui,-network,-urlfetch"
TIMEOUT = 1200      # as `make buildbottest`


def options(jobs, hangs=None):
    """The regrtest options shared by every run."""
    if hangs is None:
        hangs = known_hangs.options()
    return (["-j{}".format(jobs), "--timeout={}".format(TIMEOUT),
             "-u", RESOURCES] + hangs)


def command(python, report, jobs, extra=(), tests=(), junit_xml=True,
            rerun=False, strict=False, hangs=None):
    """The argv of one regrtest run under `python`, reporting to REPORT.json
    and (junit_xml) REPORT.xml."""
    cmd = [python, os.path.join(HERE, "cpython", "regrtest_json.py"),
           report + ".json"]
    cmd += options(jobs, hangs)
    if rerun:
        cmd.append("-w")
    if strict:
        cmd.append("--fail-env-changed")
    if junit_xml:
        cmd += ["--junit-xml", report + ".xml"]
    return cmd + list(extra) + list(tests)


# What a --strict run does not accept, by regrtest's JSON key: the words
# that name it.  FAILED is the one a module's failed test cases already show.
FAILED = "failed"
NOT_CLEAN = (("bad", FAILED),
             ("environment_changed", "changed the environment"),
             ("skipped", "was skipped"),
             ("resource_denieds", "was skipped (resource denied)"),
             ("run_no_tests", "ran no test"))
DID_NOT_RUN = "did not run"


def verdicts(report, tests):
    """The strict verdict, in one place: [(module, [reason, ...])] for each
    module of `tests` that did not pass cleanly in REPORT.json, a reason
    being one of the words of NOT_CLEAN or DID_NOT_RUN.  None when regrtest
    wrote no report."""
    modules = junit.read_modules(report + ".json")
    if modules is None:
        return None
    found = []
    for test in tests:
        reasons = [text for key, text in NOT_CLEAN
                   if test in modules.get(key, ())]
        if not reasons and test not in modules.get("good", ()):
            reasons = [DID_NOT_RUN]
        if reasons:
            found.append((test, reasons))
    return found


def strict_problems(report, tests):
    """Why a --strict run fails although regrtest may have exited 0, one
    line each: each module of `tests` must be among the modules that
    passed."""
    found = verdicts(report, tests)
    if found is None:
        return ["{}.json is missing: regrtest wrote no report".format(report)]
    return ["{} {}".format(test, " and ".join(reasons))
            for test, reasons in found]


def add_run_arguments(parser):
    """The arguments every script that runs regrtest takes: --jobs (a
    positive integer, default the CPU count), and regrtest's own options
    after `--`.  Read them back with run_arguments()."""
    parser.add_argument("--jobs", default=str(os.cpu_count() or 2),
                        help="parallel regrtest workers (default: the CPU "
                        "count)")
    parser.add_argument("extra", nargs=argparse.REMAINDER,
                        help="regrtest options, after --")


def run_arguments(args):
    """(jobs, regrtest options) of add_run_arguments(), checked."""
    if not args.jobs.isdigit() or int(args.jobs) < 1:
        raise workbench.WorkbenchError(
            "--jobs {}: a positive integer, e.g. 4".format(args.jobs))
    return args.jobs, [a for a in args.extra if a != "--"]


def run(cmd):
    print("+ " + " ".join(cmd), flush=True)
    try:
        return subprocess.call(cmd, stdin=subprocess.DEVNULL)
    except OSError as exc:
        print("{}: cannot run {}: {}".format(PROG, cmd[0], exc),
              file=sys.stderr)
        return 127


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", required=True,
                        help="the interpreter under test (TREE/python)")
    parser.add_argument("--report", required=True,
                        help="report path without extension (out/NAME)")
    parser.add_argument("--tests", default="",
                        help="the test modules, separated by spaces")
    parser.add_argument("--strict", action="store_true",
                        help="fail on a module that did not pass cleanly")
    parser.add_argument("--no-junit", action="store_true",
                        help="no junit XML (a -R run counts it as leaks)")
    add_run_arguments(parser)
    args = parser.parse_args(argv)
    jobs, extra = run_arguments(args)
    tests = args.tests.split()
    if not os.path.exists(args.python):
        raise workbench.WorkbenchError(
            "{} not found: build it first".format(args.python))
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    status = run(command(args.python, args.report, jobs, extra, tests,
                         junit_xml=not args.no_junit,
                         strict=args.strict))
    if args.strict:
        problems = strict_problems(args.report, tests)
        for problem in problems:
            print("{}: {}".format(PROG, problem), file=sys.stderr)
        if problems and status == 0:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(workbench.run_main(PROG, main))
