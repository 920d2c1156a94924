"""The error contract, for every script of scripts/ (design.md, "Errors"):
bad input (a missing file, an unwritable output, an unknown option) ends
with a non-zero exit and a line or two on stderr, never a traceback, and
nothing made before the input was checked.

The scripts are found by listing scripts/, so a new one is covered: an
unknown option is tried on each, and the table below gives each its other
bad arguments (a script with no row fails the test until it has one).  Each
runs in an empty working folder, its outputs pointed there or at an
unwritable path; that folder, and the repository's generated folders, must
be left as they were.
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest

from tests.support import ROOT, SCRIPTS, TempDirTest, write


M = "{missing}"          # a file that does not exist
F = "{file}"             # a file that exists but is no tarball, log...
D = "{dir}"              # an existing empty folder
W = "{work}"             # the working folder, which must stay empty
U = "/proc/nope/x"       # an output that cannot be made

# Bad arguments for each script, beyond an unknown option.
CASES = {
    "abi_check.py": [["--old", M, "--new", M, "--out", W + "/abi"],
                     ["--old", D, "--new", D, "--out", U]],
    "apply.py": [["--tree", W + "/tree", "--tarball", M],
                 ["--tree", W + "/tree", "--tarball", F],
                 ["--tree", U, "--tarball", M],
                 ["--tree", W + "/tree", "--patches", M]],
    "bench_build.sh": [[M, "2", W + "/scratch"], [],
                       [F, "two", W + "/scratch"]],
    "bench_channels.py": [["--patched", M, "--pristine", M]],
    "bench_tracing.py": [["--baseline", M, "--patched", M,
                          "--pristine", M]],
    "build.sh": [[M, W + "/build", "2"], [D, W + "/build", "2"]],
    "check_build.py": [["--tree", M, "--log", M]],
    "check_series.py": [["--tarball", M, "--tree", W + "/tree", "--link",
                         W + "/link", "--out", W + "/out"],
                        ["--tarball", F, "--tree", W + "/tree", "--link",
                         W + "/link", "--out", W + "/out", "--jobs", "x"],
                        ["--tarball", F, "--tree", W + "/tree", "--link",
                         W + "/link", "--out", W + "/out", "--patches", M],
                        ["--tarball", M]],
    "compare.py": [["--out", U, "--reports-only"],
                   ["--out", W + "/compare", "--reports-only"],
                   ["--out", W + "/compare", "--baseline", M,
                    "--patched", M]],
    "debugger_attach.py": [[M]],
    "deps.sh": [],
    "export.py": [["--tarball", M, "--out", W + "/export"],
                  ["--tarball", F, "--out", U]],
    "fetch.py": [["--cache", W + "/cache", "--tarball", M],
                 ["--cache", W + "/cache", "--conf", M],
                 ["--cache", U, "--conf", M],
                 ["--cache", W + "/cache", "--line", "2.7"]],
    "known_hangs.py": [[M]],
    "lint.sh": [[M]],
    "patch_headers.py": [["--check", M], ["--fix", M]],
    "cpython/pep554_example.py": [[M]],
    "regrtest.py": [["--python", M, "--report", W + "/out/x"]],
    "cpython/regrtest_json.py": [[], [U + ".json"]],
    "cpython/run_patchcheck.py": [[M], []],
    "run_tests.py": [[M]],
}

# The folders of the repository that scripts write to by default.
GENERATED = ("cache", "src", "build", "out", "tools")


def is_module(name):
    """A module the scripts import (workbench.py, junit.py): Python that
    another script imports and that has no `__main__`."""
    if not name.endswith(".py"):
        return False
    texts = {}
    for other in os.listdir(SCRIPTS):
        if other.endswith(".py"):
            with open(os.path.join(SCRIPTS, other), encoding="utf-8") as f:
                texts[other] = f.read()
    imported = re.compile(r"^import {}\b".format(name[:-3]), re.M)
    return ("__main__" not in texts[name]
            and any(imported.search(text) for text in texts.values()))


def scripts():
    """The scripts of scripts/, and of scripts/cpython/ (those the CPython
    under test runs) as cpython/NAME."""
    found = [name for name in os.listdir(SCRIPTS)
             if name.endswith((".py", ".sh")) and not is_module(name)]
    found += ["cpython/" + name
              for name in os.listdir(os.path.join(SCRIPTS, "cpython"))
              if name.endswith(".py")]
    return sorted(found)


def snapshot():
    """The repository's generated folders, one level deep."""
    seen = {}
    for name in GENERATED:
        path = os.path.join(ROOT, name)
        seen[name] = sorted(os.listdir(path)) if os.path.isdir(path) else None
    return seen


class ErrorContractTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.fill = {"missing": self.path("inputs", "missing"),
                     "file": self.path("inputs", "file"),
                     "dir": self.path("inputs", "dir")}
        write(self.fill["file"], "not what it should be\n")
        os.mkdir(self.fill["dir"])

    def run_script(self, name, args):
        path = os.path.join(SCRIPTS, name)
        cmd = ([sys.executable, path] if name.endswith(".py")
               else ["/bin/sh", path])
        env = dict(os.environ)
        env.pop("CPYTHON_TARBALL", None)
        # No apt-get run, whatever deps.sh is given.
        env["PATH"] = "/nonexistent:" + env.get("PATH", "")
        return subprocess.run(cmd + [a.format(**self.fill) for a in args],
                              cwd=self.work, env=env, timeout=120,
                              stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)

    def check(self, name, args):
        # A new working folder for each run.
        self.work = tempfile.mkdtemp(dir=self.tmp, prefix="work.")
        self.fill["work"] = self.work
        before = snapshot()
        proc = self.run_script(name, args)
        what = "{} {}: exit {}, stderr:\n{}".format(
            name, " ".join(args), proc.returncode, proc.stderr)
        self.assertNotEqual(proc.returncode, 0, what)
        self.assertNotIn("Traceback", proc.stderr + proc.stdout, what)
        self.assertLessEqual(len(proc.stderr.splitlines()), 2, what)
        self.assertGreaterEqual(len(proc.stderr.splitlines()), 1, what)
        self.assertEqual(os.listdir(self.work), [], what)
        self.assertEqual(snapshot(), before, what)

    def test_every_script_has_its_bad_arguments(self):
        self.assertEqual(sorted(set(scripts()) - set(CASES)), [],
                         "add these scripts' bad arguments to CASES")
        self.assertEqual(sorted(set(CASES) - set(scripts())), [],
                         "these scripts are gone: remove them from CASES")

    def test_unknown_option(self):
        for name in scripts():
            with self.subTest(script=name):
                self.check(name, ["--no-such-option"])

    def test_bad_arguments(self):
        for name in scripts():
            for args in CASES.get(name, []):
                with self.subTest(script=name, args=args):
                    self.check(name, args)


if __name__ == "__main__":
    unittest.main()
