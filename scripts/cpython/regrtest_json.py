"""Run CPython's regrtest and also write its per-module outcome as JSON.

Runs under the interpreter being tested, with its own test package (3.9's
Regrtest class, or 3.12+'s TestResults, whose names it maps to 3.9's):

    src/patched/python scripts/cpython/regrtest_json.py OUT.json [ARGS]

regrtest's --junit-xml has the test cases but says nothing of a module that
crashed, timed out or failed outside a test case; this records regrtest's own
per-module lists, read from its state, not from its printed text.  Each
junit testsuite element also gets a `module` attribute naming the regrtest
module that ran it (test_trace runs test.test_pprint's cases: they are
test_trace's).  The reports of an earlier run at the same paths are removed
first.  SIGINT starts at Python's default handler whatever the caller had
(a make started with nohup or from a background job inherits SIGINT
ignored; test_pdb and test_threading interrupt themselves with it).  The
exit status is regrtest's.
"""

import importlib
import json
import os
import signal
import sys

try:
    # By name: 3.9's test/libregrtest/__init__.py binds `main` to the
    # function, which `from test.libregrtest import main` would get.
    regrtest_main = importlib.import_module("test.libregrtest.main")
except ImportError as exc:
    # Not workbench.run_main: regrtest owns its signals and exit status.
    sys.exit("regrtest_json: {}: run it with a built CPython "
             "(TREE/python)".format(exc))

try:
    from test.libregrtest.results import TestResults
except ImportError:         # 3.9 to 3.11: the outcomes are Regrtest's
    TestResults = None

# The report's outcome names (3.9's Regrtest attributes), and where each is
# in 3.12+'s TestResults.
OUTCOMES = {"good": "good", "bad": "bad", "skipped": "skipped",
            "resource_denieds": "resource_denied",
            "environment_changed": "env_changed",
            "run_no_tests": "run_no_tests", "rerun": "rerun"}


def tagging(accumulate):
    """Wrap accumulate_result() to name, on each junit testsuite element it
    adds, the regrtest module whose run produced it; the object that holds
    the outcomes is remembered in HOLDER."""
    def accumulate_result(self, result, *args, **kwargs):
        HOLDER[0] = self
        suites = getattr(self, "testsuite_xml", None)
        before = len(suites) if suites is not None else 0
        accumulate(self, result, *args, **kwargs)
        suites = getattr(self, "testsuite_xml", None)
        for suite in (suites or [])[before:]:
            suite.set("module", result.test_name)
    return accumulate_result


HOLDER = [None]
if TestResults is None:
    class TaggingRegrtest(regrtest_main.Regrtest):
        accumulate_result = tagging(regrtest_main.Regrtest.accumulate_result)
else:
    TestResults.accumulate_result = tagging(TestResults.accumulate_result)


def main():
    # Python leaves an inherited SIG_IGN alone; worker processes inherit
    # whatever this process has, reset to SIG_DFL when it is a handler.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        print("regrtest_json: usage: TREE/python "
              "scripts/cpython/regrtest_json.py "
              "OUT.json [regrtest args]", file=sys.stderr)
        return 2
    out = os.path.abspath(sys.argv[1])
    # The input, before regrtest runs.
    if not os.access(os.path.dirname(out), os.W_OK):
        print("regrtest_json: {}: not a writable folder for the report"
              .format(os.path.dirname(out)), file=sys.stderr)
        return 2
    sys.argv[1:] = sys.argv[2:]
    # A run that dies before it writes its reports must not leave the last
    # run's reports to be read as its own.
    stale = [out]
    if "--junit-xml" in sys.argv[1:-1]:
        stale.append(sys.argv[sys.argv.index("--junit-xml") + 1])
    for path in stale:
        if os.path.exists(path):
            os.unlink(path)
    print("+ {} -m test {}".format(sys.executable,
          " ".join(sys.argv[1:])), flush=True)
    status = None
    try:
        if TestResults is None:
            HOLDER[0] = TaggingRegrtest()
            HOLDER[0].main()
        else:
            regrtest_main.main()
    except SystemExit as exc:
        status = exc.code
        raise
    finally:
        held = HOLDER[0]
        names = OUTCOMES if TestResults is not None else {
            key: key for key in OUTCOMES}
        report = {key: sorted(getattr(held, name, []) or [])
                  for key, name in names.items()}
        report["interrupted"] = bool(getattr(held, "interrupted", False))
        report["exit_status"] = status
        report["executable"] = sys.executable
        report["argv"] = " ".join([sys.executable, "-m", "test"]
                                  + sys.argv[1:])
        tmp = out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1, sort_keys=True)
        os.replace(tmp, out)


if __name__ == "__main__":
    sys.exit(main())
