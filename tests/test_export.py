"""scripts/export.py: commits, mails and the git am round trip, on a
fixture."""

import os
import shutil
import subprocess
import sys
import textwrap
import unittest

from tests.support import (SCRIPTS, TempDirTest, make_tarball, read,
                           run_script, write)

FILES = {"a.c": "int a;\n", "b.py": "b = 1\n", "README": "fixture\n"}

BASELINE = textwrap.dedent("""\
    Description: baseline: drop b
    Author: test
    Forwarded: not-needed

    --- a/b.py
    +++ b/b.py
    @@ -1 +1 @@
    -b = 1
    +b = 0
    """)

PROPOSED_1 = textwrap.dedent("""\
    Description: Add c to a.c
     Body of the first change,
     on two lines.
     .
     A second paragraph.
    Author: Ada Lovelace <ada@example.org>
    Forwarded: no
    Bug: https://bugs.python.org/issue12345
    Last-Update: 2026-11-25

    --- a/a.c
    +++ b/a.c
    @@ -1 +1,2 @@
     int a;
    +int c;
    """)

PROPOSED_2 = textwrap.dedent("""\
    Description: bpo-777: Add a news file
     Why it matters.
    Author: multi-core Python workbench
    Forwarded: no

    --- /dev/null
    +++ b/NEWS.rst
    @@ -0,0 +1 @@
    +Added c.
    """)


def git(repo, *args):
    return subprocess.run(["git"] + list(args), cwd=repo, check=True,
                          stdout=subprocess.PIPE,
                          universal_newlines=True).stdout


class ExportTest(TempDirTest):
    def setUp(self):
        super().setUp()
        if shutil.which("git") is None or shutil.which("quilt") is None:
            self.skipTest("needs git and quilt")
        self.tarball = self.path("fix-1.0.tar.xz")
        make_tarball(self.tarball, "fix-1.0", FILES)
        self.patches = self.path("patches")
        write(os.path.join(self.patches, "baseline", "01.patch"), BASELINE)
        write(os.path.join(self.patches, "proposed", "01.patch"), PROPOSED_1)
        write(os.path.join(self.patches, "proposed", "02.patch"), PROPOSED_2)
        write(os.path.join(self.patches, "series"),
              "baseline/01.patch\nproposed/01.patch\nproposed/02.patch\n")
        self.out = self.path("out")
        self.tree = self.path("tree")

    def export(self):
        return run_script("export.py", "--tarball", self.tarball, "--out",
                          self.out,
                          "--patches", self.patches)

    def test_commits_mails_round_trip(self):
        proc = self.export()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("round trip OK", proc.stdout)
        repo = os.path.join(self.out, "repo")
        log = git(repo, "log", "--format=%an <%ae>|%ad|%B%x00", "--date=short",
                  "baseline..HEAD").split("\x00")
        first = [e.strip() for e in log if "Add c to a.c" in e][0]
        self.assertEqual(first, "Ada Lovelace <ada@example.org>|2026-11-25|"
                                "bpo-12345: Add c to a.c\n\n"
                                "Body of the first change,\n"
                                "on two lines.\n\nA second paragraph.")
        subjects = git(repo, "log", "--format=%s", "--reverse",
                       "baseline..HEAD").split("\n")
        self.assertEqual(subjects[:2],
                         ["bpo-12345: Add c to a.c",
                          "bpo-777: Add a news file"])
        # the baseline is one commit holding the baseline part
        self.assertEqual(git(repo, "rev-list", "--count", "baseline").strip(),
                         "1")
        self.assertEqual(git(repo, "show", "baseline:b.py"), "b = 0\n")
        mails = sorted(n for n in os.listdir(self.out) if n.endswith(".patch"))
        self.assertEqual(len(mails), 2)
        self.assertIn("Subject: [PATCH 1/2] bpo-12345: Add c to a.c",
                      read(os.path.join(self.out, mails[0])))

    def test_line_without_baseline_and_relative_patches(self):
        """The 3.13 line: no baseline part (the mails apply to the pristine
        tarball, tagged baseline), --patches relative to the caller."""
        write(os.path.join(self.patches, "series"),
              "proposed/01.patch\nproposed/02.patch\n")
        with open(os.path.join(self.patches, "proposed", "01.patch")) as f:
            text = f.read()
        # Without the baseline part, 01 applies to the tarball's b.py.
        write(os.path.join(self.patches, "proposed", "01.patch"), text)
        proc = subprocess.run(
            [sys.executable, os.path.join(SCRIPTS, "export.py"),
             "--tarball", self.tarball, "--out", "out", "--patches",
             "patches"], cwd=self.tmp, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, universal_newlines=True)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        repo = os.path.join(self.out, "repo")
        self.assertEqual(git(repo, "log", "-1", "--format=%s",
                             "baseline").strip(),
                         "Base: the release tarball fix-1.0.tar.xz")
        self.assertEqual(git(repo, "rev-list", "--count",
                             "baseline..HEAD").strip(), "2")

    def test_gh_subject_keeps_its_issue(self):
        import export
        fields = {"Description": "gh-101437: Fix it\n body",
                  "Bug": "https://github.com/python/cpython/issues/101437\n"
                         "https://bugs.python.org/issue39958"}
        self.assertTrue(export.commit_message(fields, "p").startswith(
            "gh-101437: Fix it\n"))
        fields["Description"] = "Fix it\n body"
        self.assertTrue(export.commit_message(fields, "p").startswith(
            "bpo-39958: Fix it\n"))

    def test_patch_that_git_reads_otherwise_is_reported(self):
        # A hunk whose count is too long: patch (quilt) tolerates it as
        # trailing garbage, git apply refuses it; either way, it is named.
        write(os.path.join(self.patches, "proposed", "02.patch"),
              PROPOSED_2.replace("@@ -0,0 +1 @@", "@@ -0,0 +1,2 @@"))
        proc = self.export()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("proposed/02.patch", proc.stdout)

    def test_export_is_repeatable(self):
        first = self.export()
        self.assertEqual(first.returncode, 0, first.stdout)
        head = git(os.path.join(self.out, "repo"), "rev-parse", "HEAD")
        second = self.export()
        self.assertEqual(second.returncode, 0, second.stdout)
        # same dates and authors from the DEP-3 headers: the same commits
        self.assertEqual(git(os.path.join(self.out, "repo"), "rev-parse",
                             "HEAD"), head)

    def assertOneMessage(self, proc, what):
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("Traceback", proc.stdout)
        self.assertLessEqual(len(proc.stdout.strip().splitlines()), 2,
                             proc.stdout)
        self.assertIn(what, proc.stdout)

    def test_bad_input_in_one_line(self):
        os.unlink(os.path.join(self.patches, "proposed", "01.patch"))
        self.assertOneMessage(self.export(), "proposed/01.patch")
        os.unlink(os.path.join(self.patches, "series"))
        self.assertOneMessage(self.export(),
                              os.path.join(self.patches, "series"))
        write(os.path.join(self.patches, "series"), "baseline/01.patch\n")
        write(self.tarball, "not a tarball\n")
        self.assertOneMessage(self.export(), "could not unpack")
        os.unlink(self.tarball)
        self.assertOneMessage(self.export(), self.tarball + ": no such file")


if __name__ == "__main__":
    unittest.main()
