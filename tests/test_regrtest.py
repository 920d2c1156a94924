"""scripts/regrtest.py and scripts/cpython/regrtest_json.py with a fixture
regrtest
(a fake test.libregrtest package; no CPython build)."""

import json
import os
import shlex
import signal
import subprocess
import sys
import textwrap
import unittest

from tests.support import ROOT, SCRIPTS, TempDirTest, read, write

import junit
import regrtest

# What both fixture regrtests do first (test/libregrtest/fixture.py):
# record the SIGINT disposition they started with, and crash when asked to.
FAKE_START = textwrap.dedent("""\
    import os, signal, sys


    def start():
        with open(os.environ["FIXTURE_SIGINT"], "w") as f:
            handler = signal.getsignal(signal.SIGINT)
            f.write(getattr(handler, "__name__", str(handler)))
        action = os.environ.get("FIXTURE_ACTION", "")
        if action == "crash":
            sys.exit(2)
        return action, sys.argv[1:]
    """)

# A stand-in for CPython 3.9's test.libregrtest.main.Regrtest: main() does
# what FIXTURE_ACTION in the environment says, and records the SIGINT
# disposition it started with.
FAKE_MAIN = textwrap.dedent("""\
    import sys
    import xml.etree.ElementTree as ET
    from test.libregrtest.fixture import start


    class Result:
        def __init__(self, name, xml):
            self.test_name = name
            self.xml_data = xml


    class Regrtest:
        def __init__(self):
            self.good, self.bad, self.skipped = [], [], []
            self.environment_changed, self.run_no_tests = [], []
            self.resource_denieds, self.rerun = [], []
            self.interrupted = False
            self.testsuite_xml = None

        def accumulate_result(self, result, rerun=False):
            self.good.append(result.test_name)
            for e in result.xml_data:
                self.testsuite_xml.append(ET.fromstring(e))

        def main(self):
            action, argv = start()
            if action.startswith("status:"):
                getattr(self, action.split(":")[1]).append(argv[-1])
                sys.exit(0)
            self.testsuite_xml = []
            suite = ('<testsuite><testcase name="test.test_pprint.T.test_a"/>'
                     '</testsuite>')
            self.accumulate_result(Result(argv[-1], [suite]))
            root = ET.Element("testsuites")
            root.extend(self.testsuite_xml)
            ET.ElementTree(root).write(argv[argv.index("--junit-xml") + 1])
            sys.exit(0)


    def main():
        Regrtest().main()
    """)


# The same for 3.12+: test.libregrtest.main.main() and the outcomes in a
# test.libregrtest.results.TestResults, under their own names.
FAKE_RESULTS_313 = textwrap.dedent("""\
    import xml.etree.ElementTree as ET


    class TestResults:
        def __init__(self):
            self.good, self.bad, self.skipped = [], [], []
            self.env_changed, self.run_no_tests = [], []
            self.resource_denied, self.rerun = [], []
            self.interrupted = False
            self.testsuite_xml = []

        def accumulate_result(self, result, runtests):
            self.good.append(result.test_name)
            for e in result.xml_data:
                self.testsuite_xml.append(ET.fromstring(e))
    """)

FAKE_MAIN_313 = textwrap.dedent("""\
    import sys
    import xml.etree.ElementTree as ET
    from .fixture import start
    from .results import TestResults

    NAMES = {"environment_changed": "env_changed",
             "resource_denieds": "resource_denied"}


    class Result:
        def __init__(self, name, xml):
            self.test_name = name
            self.xml_data = xml


    def main(tests=None, _add_python_opts=False):
        action, argv = start()
        results = TestResults()
        if action.startswith("status:"):
            results.accumulate_result(Result(argv[-1], []), None)
            results.good.remove(argv[-1])
            name = action.split(":")[1]
            getattr(results, NAMES.get(name, name)).append(argv[-1])
            sys.exit(0)
        suite = ('<testsuite><testcase name="test.test_pprint.T.test_a"/>'
                 '</testsuite>')
        results.accumulate_result(Result(argv[-1], [suite]), None)
        root = ET.Element("testsuites")
        root.extend(results.testsuite_xml)
        ET.ElementTree(root).write(argv[argv.index("--junit-xml") + 1])
        sys.exit(0)
    """)


class FakeRegrtestTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.lib = self.path("lib")
        write(os.path.join(self.lib, "test", "__init__.py"), "")
        # As 3.9's: the package's `main` is the function, not the module.
        write(os.path.join(self.lib, "test", "libregrtest", "__init__.py"),
              "from test.libregrtest.main import main\n")
        write(os.path.join(self.lib, "test", "libregrtest", "main.py"),
              FAKE_MAIN)
        write(os.path.join(self.lib, "test", "libregrtest", "fixture.py"),
              FAKE_START)
        self.report = self.path("out", "check")
        os.makedirs(self.path("out"))
        self.sigint = self.path("sigint")

    def run_json(self, *args, action="", sigint=signal.SIG_DFL):
        env = dict(os.environ, PYTHONPATH=self.lib, FIXTURE_ACTION=action,
                   FIXTURE_SIGINT=self.sigint)
        return subprocess.run(
            [sys.executable,
             os.path.join(SCRIPTS, "cpython", "regrtest_json.py"),
             self.report + ".json"] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True, env=env, stdin=subprocess.DEVNULL,
            preexec_fn=lambda: signal.signal(signal.SIGINT, sigint))

    def run_regrtest(self, *args, action=""):
        env = dict(os.environ, PYTHONPATH=self.lib, FIXTURE_ACTION=action,
                   FIXTURE_SIGINT=self.sigint)
        return subprocess.run(
            [sys.executable, os.path.join(SCRIPTS, "regrtest.py"),
             "--python", sys.executable, "--report", self.report,
             "--jobs", "1"] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True, env=env, stdin=subprocess.DEVNULL,
            cwd=ROOT)

    def test_sigint_default_even_when_inherited_ignored(self):
        proc = self.run_json("--junit-xml", self.report + ".xml", "test_x",
                             sigint=signal.SIG_IGN)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(read(self.sigint), "default_int_handler")

    def test_stale_reports_removed(self):
        write(self.report + ".xml", "<testsuites/>")
        write(self.report + ".json", "{}")
        proc = self.run_json("--junit-xml", self.report + ".xml", "test_x",
                             action="crash")
        self.assertEqual(proc.returncode, 2, proc.stdout)
        self.assertFalse(os.path.exists(self.report + ".xml"))
        data = json.loads(read(self.report + ".json"))
        self.assertEqual(data["exit_status"], 2)

    def test_cases_belong_to_the_module_that_ran_them(self):
        proc = self.run_json("--junit-xml", self.report + ".xml", "test_trace")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        cases = junit.read_cases(self.report + ".xml")
        self.assertEqual([c.module for c in cases.values()], ["test_trace"])
        self.assertEqual(list(cases),
                         ["test.test_pprint.T.test_a [test_trace]"])

    def test_strict_run_fails_on_a_skipped_module(self):
        for status in ("skipped", "run_no_tests", "environment_changed",
                       "resource_denieds"):
            with self.subTest(status=status):
                proc = self.run_regrtest("--strict", "--tests", "test_x",
                                         action="status:" + status)
                self.assertEqual(proc.returncode, 1, proc.stdout)
                self.assertIn("regrtest: test_x ", proc.stdout)

    def test_strict_run_fails_on_a_module_that_did_not_run(self):
        proc = self.run_regrtest("--strict", "--tests", "test_x test_y")
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn("regrtest: test_x did not run", proc.stdout)

    def test_strict_run_passes_when_every_module_passed(self):
        proc = self.run_regrtest("--strict", "--tests", "test_x")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("--fail-env-changed", proc.stdout)

    def test_plain_run_does_not_judge_skips(self):
        proc = self.run_regrtest("--tests", "test_x", action="status:skipped")
        self.assertEqual(proc.returncode, 0, proc.stdout)


class CommandTest(unittest.TestCase):
    def test_shared_options(self):
        cmd = regrtest.command("py", "out/check", "3", ["-v"], ["test_a"],
                               hangs=["--ignore", "X"])
        self.assertEqual(cmd[:3], ["py", os.path.join(SCRIPTS, "cpython",
                                                      "regrtest_json.py"),
                                   "out/check.json"])
        self.assertIn("-j3", cmd)
        self.assertIn("--timeout=1200", cmd)
        resources = cmd[cmd.index("-u") + 1].split(",")
        self.assertEqual(resources[0], "all")
        for denied in ("-network", "-urlfetch", "-largefile", "-gui",
                       "-audio"):
            self.assertIn(denied, resources)
        self.assertEqual(cmd[cmd.index("--ignore") + 1], "X")
        self.assertEqual(cmd[cmd.index("--junit-xml") + 1], "out/check.xml")
        self.assertEqual(cmd[-2:], ["-v", "test_a"])
        self.assertNotIn("--fail-env-changed", cmd)
        self.assertIn("--fail-env-changed",
                      regrtest.command("py", "r", 1, strict=True, hangs=[]))
        self.assertNotIn("--junit-xml",
                         regrtest.command("py", "r", 1, junit_xml=False,
                                          hangs=[]))


class FakeRegrtest313Test(FakeRegrtestTest):
    """The same with 3.12+'s libregrtest (the 3.13 line)."""

    def setUp(self):
        super().setUp()
        write(os.path.join(self.lib, "test", "libregrtest", "main.py"),
              FAKE_MAIN_313)
        write(os.path.join(self.lib, "test", "libregrtest", "results.py"),
              FAKE_RESULTS_313)


class MakefileVariantTest(unittest.TestCase):
    """Every regrtest target goes through scripts/regrtest.py, with reports
    named per variant."""

    def dry_run(self, *args):
        proc = subprocess.run(
            ["make", "-n", "--no-print-directory", "-C", ROOT] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True, stdin=subprocess.DEVNULL)
        return proc.stdout

    def test_reports_per_variant(self):
        for target, report in (("check", "out/check-patched"),
                               ("regrtest", "out/regrtest-patched"),
                               ("check-baseline", "out/check-baseline"),
                               ("check-pristine", "out/check-pristine"),
                               ("compare", "out/compare")):
            for variables, suffix in (((), ""), (("DEBUG=1",), "-debug"),
                                      (("ASAN=1",), "-asan")):
                with self.subTest(target=target, variables=variables):
                    out = self.dry_run(target, *variables)
                    self.assertRegex(out, r"(--report|--out) {}{}( |$)"
                                     .format(report, suffix))
        for target, report in (("check", "out/3.13/check-patched"),
                               ("regrtest", "out/3.13/regrtest-patched"),
                               ("compare", "out/3.13/compare")):
            for variables, suffix in (((), ""), (("FT=1",), "-ft"),
                                      (("DEBUG=1", "FT=1"), "-debug-ft")):
                with self.subTest(target=target, variables=variables):
                    out = self.dry_run(target, "LINE=3.13", *variables)
                    self.assertRegex(out, r"(--report|--out) {}{}( |$)"
                                     .format(report, suffix))

    def test_trees_of_each_line(self):
        """One tree table: a tree's source, link and interpreter."""
        for args, tree in (((), "patched"), (("FT=1", "LINE=3.13"),
                                             "3.13/patched-ft"),
                           (("LINE=3.13", "DEBUG=1", "ASAN=1", "CC=clang"),
                            "3.13/patched-debug-asan-clang")):
            with self.subTest(args=args):
                out = self.dry_run("build", *args)
                self.assertIn("--tree src/{} ".format(tree), out)
                self.assertIn("build.sh src/{} build/{} ".format(tree, tree),
                              out)
        out = self.dry_run("compare", "LINE=3.13")
        self.assertIn("--baseline src/3.13/pristine/python", out)
        self.assertIn("--patched src/3.13/patched/python", out)
        out = self.dry_run("abi-check")
        self.assertIn("build.sh src/pristine-shared build/pristine-shared",
                      out)
        self.assertIn("--new src/patched-shared ", out)
        out = self.dry_run("export", "LINE=3.13").replace("\\\n\t", "")
        self.assertIn("--patches patches/3.13/ --out out/export-3.13", out)

    def test_check_is_strict(self):
        out = self.dry_run("check")
        self.assertIn("scripts/regrtest.py", out)
        self.assertIn("--strict", out)

    def test_refleaks_on_a_debug_build_honouring_asan(self):
        self.assertIn("refleaks DEBUG=1", self.dry_run("refleaks"))
        out = self.dry_run("refleaks", "DEBUG=1", "LINE=3.13")
        self.assertIn("--report out/3.13/refleaks-debug ", out)
        out = self.dry_run("refleaks", "DEBUG=1", "ASAN=1")
        self.assertIn("--report out/refleaks-debug-asan", out)
        self.assertIn("src/patched-debug-asan/python", out)

    def test_variant_arguments_parse(self):
        """The scripts accept what the Makefile passes (a value such as
        -debug must not be taken for an option)."""
        for target, script in (("check-series", "check_series.py"),
                               ("test", "run_tests.py")):
            with self.subTest(target=target):
                out = self.dry_run(target, "DEBUG=1", "ASAN=1")
                line = [w for w in out.replace("\\\n", " ").splitlines()
                        if script in w][-1]
                argv = shlex.split(line)
                start = [i for i, w in enumerate(argv) if w.endswith(script)]
                argv = argv[start[0]:]
                if "--" in argv:
                    argv = argv[:argv.index("--")]
                proc = subprocess.run(
                    [sys.executable, os.path.join(ROOT, argv[0])]
                    + argv[1:] + ["--help"], cwd=ROOT,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    universal_newlines=True, stdin=subprocess.DEVNULL)
                self.assertEqual(proc.returncode, 0, proc.stdout)

    def test_check_series_and_test_honour_the_variant(self):
        out = self.dry_run("check-series", "DEBUG=1")
        self.assertIn("--tree src/series-debug ", out)
        self.assertIn("--out out/check-series-debug ", out)
        self.assertIn("--with-pydebug", out)
        out = self.dry_run("check-series", "DEBUG=1", "LINE=3.13", "FT=1")
        self.assertIn("--tree src/3.13/series-debug-ft ", out)
        self.assertIn("--link build/3.13/series-debug-ft ", out)
        self.assertIn("--with-pydebug --disable-gil", out)
        self.assertIn("--fail-first", out)
        out = self.dry_run("test", "ASAN=1")
        self.assertIn('"out/check-patched-asan"', out)
        self.assertIn('"out/3.13/check-patched-asan"', out)
        self.assertIn('--compare-out out/compare-asan ', out)
        out = self.dry_run("test", "ASAN=1", "LINE=3.13")
        self.assertNotIn('"out/check-patched-asan"', out)
        self.assertIn('--compare-out out/3.13/compare-asan ', out)


if __name__ == "__main__":
    unittest.main()
