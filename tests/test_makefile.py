"""The Makefile's variables: bad values refused before anything runs."""

import os
import shutil
import subprocess
import unittest

from tests.support import ROOT, TempDirTest


def make(*args, cwd=ROOT, env=None):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("JOBS", "DEBUG", "ASAN", "MAKEFLAGS", "MFLAGS",
                             "MAKELEVEL", "CPYTHON_TARBALL",
                             "WORKBENCH_CALLER_DIR")}
    full_env.update(env or {})
    return subprocess.run(["make", "--no-print-directory"] + list(args),
                          cwd=cwd, env=full_env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True,
                          stdin=subprocess.DEVNULL)


@unittest.skipIf(shutil.which("make") is None, "make is not installed")
class VariablesTest(TempDirTest):
    def assertRefused(self, proc, what):
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        lines = proc.stdout.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stdout)
        self.assertIn(what, lines[0])
        # -n: with the check missing, make would list the build's commands
        self.assertNotIn("build.sh", proc.stdout)

    def test_jobs_must_be_a_positive_integer(self):
        for jobs in ("abc", "0", "00", "-1", "2x", "1 2", ""):
            with self.subTest(jobs=jobs):
                proc = make("-n", "build", "JOBS=" + jobs)
                self.assertRefused(proc, "JOBS={}: JOBS must be a positive "
                                   "integer".format(jobs))
        for jobs in ("1", "12"):
            with self.subTest(jobs=jobs):
                proc = make("-n", "build", "JOBS=" + jobs)
                self.assertEqual(proc.returncode, 0, proc.stdout)
                self.assertIn(" " + jobs + " ", proc.stdout)

    def test_debug_and_asan_are_on_for_1_only(self):
        for var in ("DEBUG", "ASAN"):
            for value in ("0", "no", "yes", "true"):
                with self.subTest(var=var, value=value):
                    proc = make("-n", "build", "{}={}".format(var, value))
                    self.assertRefused(proc, "{}={}: {} is on for 1 only"
                                       .format(var, value, var))
        on = make("-n", "build", "DEBUG=1", "ASAN=1")
        self.assertEqual(on.returncode, 0, on.stdout)
        self.assertIn("--with-pydebug", on.stdout)
        self.assertIn("--with-address-sanitizer", on.stdout)
        self.assertIn("src/patched-debug-asan", on.stdout)
        off = make("-n", "build", "DEBUG=", "ASAN=")
        self.assertEqual(off.returncode, 0, off.stdout)
        self.assertNotIn("--with-pydebug", off.stdout)
        self.assertNotIn("sanitizer", off.stdout)

    def test_line_and_ft(self):
        for args, what in (
                (("LINE=2.7",), "LINE=2.7: unknown line; use one of: 3.9 "
                 "3.13"),
                (("LINE=3.9 3.13",), "unknown line; use one of: 3.9 3.13"),
                (("FT=1",), "FT=1: the free-threaded build needs "
                 "LINE=3.13 (the lines with one: 3.13)"),
                (("FT=1", "LINE=3.9"), "FT=1: the free-threaded build"),
                (("FT=yes", "LINE=3.13"), "FT=yes: FT is on for 1 only")):
            with self.subTest(args=args):
                self.assertRefused(make("-n", "build", *args), what)
        proc = make("-n", "build", "LINE=3.13", "FT=1")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("--disable-gil", proc.stdout)
        self.assertIn("src/3.13/patched-ft", proc.stdout)
        # 3.13 skips test_interpreters as a whole on the free-threaded
        # build: only there is it left out of check.
        ft = make("-n", "check", "LINE=3.13", "FT=1").stdout
        self.assertNotIn("test_interpreters", ft)
        self.assertIn("test__interpchannels", ft)
        self.assertIn("test_interpreters", make("-n", "check",
                                                "LINE=3.13").stdout)

    def test_a_line_without_baseline(self):
        for target in ("baseline", "check-baseline", "regrtest-baseline"):
            with self.subTest(target=target):
                proc = make(target, "LINE=3.13")
                self.assertNotEqual(proc.returncode, 0, proc.stdout)
                self.assertIn("LINE=3.13 has no baseline part",
                              proc.stdout.splitlines()[0])
                self.assertNotIn("build.sh", proc.stdout)

    def test_benchmarks_are_of_the_39_line(self):
        proc = make("bench-channels", "LINE=3.13")
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("run it with LINE=3.9", proc.stdout)

    def test_caller_dir_with_make_C(self):
        # fetch.py resolves a relative CPYTHON_TARBALL from the folder make
        # was started in, which make -C leaves in PWD.
        proc = make("-s", "-C", ROOT, "--eval",
                    "wb-show: ; @echo \"$$WORKBENCH_CALLER_DIR\"", "wb-show",
                    cwd=self.tmp, env={"PWD": self.tmp})
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(proc.stdout.strip(), self.tmp)


if __name__ == "__main__":
    unittest.main()
