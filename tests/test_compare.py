"""scripts/compare.py on small fixture reports (no CPython run)."""

import json
import unittest

from tests.support import TempDirTest, read, run_script, write


def report(cases):
    """A regrtest-style junit XML: cases is a list of (name, outcome) where
    outcome is 'ok', 'fail', 'error' or 'skip'; a later entry for the same
    name stands for -w's re-run."""
    body = []
    for name, outcome in cases:
        inner = {"ok": "",
                 "fail": '<failure message="AssertionError: {0}">tb</failure>',
                 "error": '<error message="OSError: {0}">tb</error>',
                 "skip": "<skipped>not here</skipped>"}[outcome].format(name)
        body.append('<testsuite><testcase name="{}" status="run" '
                    'result="completed">{}'
                    '</testcase></testsuite>'.format(name, inner))
    return "<testsuites>{}</testsuites>\n".format("".join(body))


class CompareTest(TempDirTest):
    def write_side(self, side, cases, bad=(), **modules):
        write(self.path(side + ".xml"), report(cases))
        modules.update(bad=list(bad))
        modules.setdefault("good", [])
        write(self.path(side + ".json"), json.dumps(modules))

    def sections(self, text):
        sections = {}
        current = None
        for line in text.splitlines():
            if line.startswith("== "):
                current = line[3:]
                sections[current] = []
            elif line.startswith("  ") and current:
                sections[current].append(line.split("  -- ")[0].strip())
        return sections

    def test_missing_or_skipped_on_patched(self):
        self.write_side("baseline", [
            ("test.test_a.T.test_kept", "ok"),
            ("test.test_a.T.test_gone", "ok"),
            ("test.test_a.T.test_skipped", "fail"),
            ("test.test_a.T.test_skipped_on_both", "skip"),
            ("118", "ok"),              # an id that names no module
        ], bad=["test_a"], good=["test_b", "test_c", "test_d"])
        self.write_side("patched", [
            ("test.test_a.T.test_kept", "ok"),
            ("test.test_a.T.test_skipped", "skip"),
            ("test.test_a.T.test_skipped_on_both", "skip"),
            ("119", "ok"),
        ], bad=["test_a"], good=["test_c"], skipped=["test_b"],
            environment_changed=["test_d"])
        proc = self.compare()
        self.assertEqual(proc.returncode, 1, proc.stdout)
        sections = self.sections(read(self.path("report.txt")))
        self.assertEqual(
            sections["ran on baseline, missing or skipped on patched"],
            ["test_b", "test.test_a.T.test_gone",
             "test.test_a.T.test_skipped"])
        self.assertEqual(sections["environment changed only on patched"],
                         ["test_d"])
        self.assertIn("test_b  -- module skipped on patched", proc.stdout)
        self.assertIn("test.test_a.T.test_gone  -- missing on patched",
                      proc.stdout)
        self.assertRegex(proc.stdout, r"compare: \d+ passed, 4 failed")

    def test_env_changed_on_both_is_not_a_regression(self):
        self.write_side("baseline", [("test.test_a.T.t", "ok")],
                        environment_changed=["test_a"])
        self.write_side("patched", [("test.test_a.T.t", "ok")],
                        environment_changed=["test_a"])
        proc = self.compare()
        self.assertEqual(proc.returncode, 0, proc.stdout)

    def test_build_environment_in_the_report(self):
        self.write_side("baseline", [("test.test_a.T.t", "ok")])
        self.write_side("patched", [("test.test_a.T.t", "ok")])
        for side in ("baseline", "patched"):
            write(self.path(side + ".env.json"), json.dumps(
                {"compiler": "GCC 12.2.0", "configure": "'--with-pydebug'",
                 "kernel": "Linux 6.1 x86_64", "openssl": "OpenSSL 3.0.11",
                 "OPT": "-fwrapv -O3"}))
        proc = self.compare()
        text = read(self.path("report.txt"))
        for line in ("patched compiler: GCC 12.2.0",
                     "baseline configure: '--with-pydebug'",
                     "patched kernel: Linux 6.1 x86_64",
                     "patched openssl: OpenSSL 3.0.11"):
            self.assertIn(line, text)
        self.assertEqual(proc.returncode, 0, proc.stdout)

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
        ], bad=["test_a", "test_b", "test_crashes"])  # no case failed
        proc = self.compare()
        self.assertEqual(proc.returncode, 1, proc.stdout)
        text = read(self.path("report.txt"))
        self.assertIn(text, proc.stdout)
        sections = self.sections(text)
        self.assertEqual(sections["failing only on patched"],
                         ["test.test_b.T.test_broken", "test_crashes"])
        self.assertEqual(sections["fixed by patched"], [
                         "test.test_a.T.test_fixed"])
        self.assertEqual(sections["failing on both (environmental)"], [
                         "test.test_a.T.test_env"])
        self.assertEqual(
            sections["flaky on baseline (failed, passed on re-run)"],
            ["test.test_b.T.test_flaky"])
        self.assertIn("OSError: test.test_b.T.test_broken", text)
        self.assertIn("new test cases on patched: 1", text)
        self.assertRegex(text, r"compare: 4 passed, 2 failed\n$")
        data = json.loads(read(self.path("report.json")))
        self.assertEqual(data["regressions"], 2)

    def test_failing_on_patched_flaky_on_baseline_is_not_a_regression(self):
        # The baseline failed it too in this run (then passed on re-run):
        # the environment's, reported on its own, not counted.
        self.write_side(
            "baseline",
            [("test.test_a.T.t", "fail"), ("test.test_a.T.t", "ok"),
             ("test.test_a.T.u", "ok")])
        self.write_side(
            "patched",
            [("test.test_a.T.t", "fail"), ("test.test_a.T.t", "fail"),
             ("test.test_a.T.u", "fail"), ("test.test_a.T.u", "fail")])
        proc = self.compare()
        self.assertEqual(proc.returncode, 1, proc.stdout)
        sections = self.sections(read(self.path("report.txt")))
        self.assertEqual(
            sections["failing on patched, flaky on baseline (failed there "
                     "too in this run; not counted)"], ["test.test_a.T.t"])
        self.assertEqual(sections["failing only on patched"],
                         ["test.test_a.T.u"])
        self.assertIn("worse only on patched: 1", proc.stdout)

    def test_flaky_on_patched_is_not_a_regression(self):
        self.write_side("baseline", [("test.test_a.T.t", "ok")])
        self.write_side(
            "patched",
            [("test.test_a.T.t", "fail"), ("test.test_a.T.t", "ok")])
        proc = self.compare()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("flaky on patched", proc.stdout)
        self.assertIn("worse only on patched: 0", proc.stdout)

    def test_missing_report(self):
        self.write_side("baseline", [("test.test_a.T.t", "ok")])
        proc = self.compare()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("patched.xml is missing", proc.stdout)


if __name__ == "__main__":
    unittest.main()
