"""scripts/compare.py on small fixture reports (no CPython run)."""

import json
import os
import textwrap
import unittest

from tests.support import TempDirTest, read, run_script, write


def report(cases):
    """A regrtest-style junit XML: cases is a list of (name, outcome) where
    outcome is 'ok', 'fail', 'error' or 'skip'; a later entry for the same
    name stands for -w's re-run."""
    body = []
    for name, outcome in cases:
        inner = {"ok": "", "fail": '<failure message="AssertionError: {0}">tb</failure>',
                 "error": '<error message="OSError: {0}">tb</error>',
                 "skip": "<skipped>not here</skipped>"}[outcome].format(name)
        body.append('<testsuite><testcase name="{}" status="run" result="completed">{}'
                    '</testcase></testsuite>'.format(name, inner))
    return "<testsuites>{}</testsuites>\n".format("".join(body))


class CompareTest(TempDirTest):
    def write_side(self, side, cases, bad=()):
        write(self.path(side + ".xml"), report(cases))
        write(self.path(side + ".json"), json.dumps({"bad": list(bad), "good": []}))

    def compare(self):
        return run_script("compare.py", "--out", self.tmp, "--reports-only")

    def test_sections_and_exit_status(self):
        self.write_side("baseline", [
            ("test.test_a.T.test_same", "ok"),
            ("test.test_a.T.test_env", "fail"),         # fails on both
            ("test.test_a.T.test_fixed", "fail"),       # fixed by patched
            ("test.test_b.T.test_flaky", "fail"),       # flaky on baseline
            ("test.test_b.T.test_flaky", "ok"),
            ("test.test_b.T.test_broken", "ok"),
        ], bad=["test_a"])
        self.write_side("patched", [
            ("test.test_a.T.test_same", "ok"),
            ("test.test_a.T.test_env", "fail"),
            ("test.test_a.T.test_fixed", "ok"),
            ("test.test_b.T.test_flaky", "ok"),
            ("test.test_b.T.test_broken", "error"),     # only on patched
            ("test.test_new.T.test_added", "ok"),       # new test
        ], bad=["test_a", "test_b", "test_crashes"])    # test_crashes: no case failed
        proc = self.compare()
        self.assertEqual(proc.returncode, 1, proc.stdout)
        text = read(self.path("report.txt"))
        self.assertIn(text, proc.stdout)
        sections = {}
        current = None
        for line in text.splitlines():
            if line.startswith("== "):
                current = line[3:]
                sections[current] = []
            elif line.startswith("  ") and current:
                sections[current].append(line.split("  -- ")[0].strip())
        self.assertEqual(sections["failing only on patched"],
                         ["test.test_b.T.test_broken", "test_crashes"])
        self.assertEqual(sections["fixed by patched"], ["test.test_a.T.test_fixed"])
        self.assertEqual(sections["failing on both (environmental)"], ["test.test_a.T.test_env"])
        self.assertEqual(sections["flaky on baseline (failed, passed on re-run)"],
                         ["test.test_b.T.test_flaky"])
        self.assertIn("OSError: test.test_b.T.test_broken", text)
        self.assertIn("new test cases on patched: 1", text)
        self.assertRegex(text, r"compare: 4 passed, 2 failed\n$")
        data = json.loads(read(self.path("report.json")))
        self.assertEqual(data["regressions"], 2)

    def test_flaky_on_patched_is_not_a_regression(self):
        self.write_side("baseline", [("test.test_a.T.t", "ok")])
        self.write_side("patched", [("test.test_a.T.t", "fail"), ("test.test_a.T.t", "ok")])
        proc = self.compare()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("flaky on patched", proc.stdout)
        self.assertIn("failing only on patched: 0", proc.stdout)

    def test_missing_report(self):
        self.write_side("baseline", [("test.test_a.T.t", "ok")])
        proc = self.compare()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("patched.xml is missing", proc.stdout)


if __name__ == "__main__":
    unittest.main()
