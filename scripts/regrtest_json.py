"""Run CPython's regrtest and also write its per-module outcome as JSON.

Runs under the interpreter being tested (CPython 3.9's own test package):

    src/patched/python scripts/regrtest_json.py OUT.json [regrtest args]

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

import json
import os
import signal
import sys

try:
    from test.libregrtest.main import Regrtest
except ImportError as exc:
    # Not workbench.run_main: regrtest owns its signals and exit status.
    sys.exit("regrtest_json: {}: run it with a built CPython "
             "(TREE/python)".format(exc))

# Regrtest attributes: the module names in each outcome.
OUTCOMES = ("good", "bad", "skipped", "resource_denieds",
            "environment_changed",
            "run_no_tests", "rerun")


class TaggingRegrtest(Regrtest):
    """Regrtest that names, on each junit testsuite element, the regrtest
    module whose run produced it."""

    def accumulate_result(self, result, *args, **kwargs):
        suites = getattr(self, "testsuite_xml", None)
        before = len(suites) if suites is not None else 0
        super().accumulate_result(result, *args, **kwargs)
        suites = getattr(self, "testsuite_xml", None)
        for suite in (suites or [])[before:]:
            suite.set("module", result.test_name)


def main():
    # Python leaves an inherited SIG_IGN alone; worker processes inherit
    # whatever this process has, reset to SIG_DFL when it is a handler.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        print("regrtest_json: usage: TREE/python scripts/regrtest_json.py "
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
    regrtest = TaggingRegrtest()
    status = None
    try:
        regrtest.main()
    except SystemExit as exc:
        status = exc.code
        raise
    finally:
        report = {name: sorted(getattr(regrtest, name, []) or [])
                  for name in OUTCOMES}
        report["interrupted"] = bool(getattr(regrtest, "interrupted", False))
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
