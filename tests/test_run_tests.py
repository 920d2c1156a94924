"""run_tests.py's counting of `make check`: test cases from the junit XML,
plus one failure for each module of the list that did not pass cleanly for
another reason than failed cases (the one strict verdict of regrtest.py)."""

import json
import textwrap

from tests.support import TempDirTest, write

import regrtest
import run_tests

REPORT = textwrap.dedent("""\
    <testsuites>
    <testsuite module="test_a">
      <testcase name="test.test_a.T.test_ok" status="run"/>
      <testcase name="test.test_a.T.test_bad" status="run">
        <failure type="AssertionError" message="1 != 2">tb</failure>
      </testcase>
    </testsuite>
    <testsuite module="test_b">
      <testcase name="test.test_b.T.test_ok" status="run"/>
      <testcase name="test.test_b.T.test_skip" status="run">
        <skipped>no</skipped>
      </testcase>
    </testsuite>
    </testsuites>
    """)


class CheckCountsTest(TempDirTest):
    def report(self, modules):
        base = self.path("check")
        write(base + ".xml", REPORT)
        write(base + ".json", json.dumps(modules))
        return base

    def test_failed_cases_count_once(self):
        base = self.report({"bad": ["test_a"], "good": ["test_b"]})
        self.assertEqual(run_tests.check_counts(1, base, ["test_a", "test_b"]),
                         (2, 1, 1))

    def test_module_problems_count_one_each(self):
        base = self.report({"bad": ["test_a"], "environment_changed":
                            ["test_b"], "run_no_tests": ["test_c"]})
        self.assertEqual(
            run_tests.check_counts(1, base,
                                   ["test_a", "test_b", "test_c", "test_d"]),
            (2, 4, 1))      # test_a's case, test_b, test_c, test_d not run

    def test_exit_status_without_a_recorded_failure(self):
        base = self.report({"good": ["test_a", "test_b"]})
        write(base + ".xml", REPORT.replace("<failure", "<skipped")
              .replace("</failure>", "</skipped>"))
        self.assertEqual(run_tests.check_counts(0, base, ["test_a"]),
                         (2, 0, 2))
        self.assertEqual(run_tests.check_counts(2, base, ["test_a"]),
                         (2, 1, 2))

    def test_missing_report_is_a_failure(self):
        self.assertEqual(run_tests.check_counts(0, self.path("none"), []),
                         (0, 1, 0))

    def test_one_verdict(self):
        base = self.report({"bad": ["test_a"], "skipped": ["test_b"],
                            "environment_changed": ["test_b"]})
        self.assertEqual(regrtest.verdicts(base, ["test_a", "test_b"]),
                         [("test_a", ["failed"]),
                          ("test_b", ["changed the environment",
                                      "was skipped"])])
        self.assertEqual(regrtest.strict_problems(base, ["test_b"]),
                         ["test_b changed the environment and was skipped"])
        self.assertIsNone(regrtest.verdicts(self.path("none"), ["test_a"]))
