"""scripts/junit.py on small fixture reports in regrtest's format."""

import json
import textwrap
import unittest

from tests.support import TempDirTest, write

import junit

# Two modules; test_b.T.test_flaky fails, then passes when -w re-runs test_b
# (regrtest appends the re-run's testsuite to the same report).
REPORT = textwrap.dedent("""\
    <testsuites tests="6" errors="1" failures="2">
    <testsuite start="x" tests="3" errors="0" failures="1">
      <testcase name="test.test_a.T.test_ok" status="run" time="0.1"/>
      <testcase name="test.test_a.T.test_bad" status="run" result="completed">
        <failure type="AssertionError"
                 message="AssertionError: 1 != 2">tb</failure>
      </testcase>
      <testcase name="test.test_a.T.test_skip" status="run" result="completed">
        <skipped>no network</skipped>
      </testcase>
    </testsuite>
    <testsuite start="x" tests="2" errors="1" failures="1">
      <testcase name="test.test_b.T.test_flaky" status="run">
        <failure type="AssertionError" message="timing">tb</failure>
      </testcase>
      <testcase name="setUpClass (test.test_b.U)" status="run">
        <error type="OSError" message="OSError: boom">tb</error>
      </testcase>
    </testsuite>
    <testsuite start="x" tests="1" errors="0" failures="0">
      <testcase name="test.test_b.T.test_flaky" status="run"/>
    </testsuite>
    </testsuites>
    """)


class JunitTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.xml = self.path("r.xml")
        write(self.xml, REPORT)
        self.json = self.path("r.json")
        write(self.json, json.dumps({"good": ["test_c"],
                                     "bad": ["test_a", "test_b", "test_crash"],
                                     "rerun": ["test_b"]}))

    def test_cases(self):
        cases = junit.read_cases(self.xml)
        self.assertEqual(cases["test.test_a.T.test_ok"].outcome, junit.PASSED)
        self.assertEqual(cases["test.test_a.T.test_bad"].outcome, junit.FAILED)
        self.assertEqual(
            cases["test.test_a.T.test_bad"].message, "AssertionError: 1 != 2")
        self.assertEqual(
            cases["test.test_a.T.test_skip"].outcome, junit.SKIPPED)
        self.assertEqual(
            cases["setUpClass (test.test_b.U)"].outcome, junit.FAILED)
        self.assertEqual(cases["setUpClass (test.test_b.U)"].module, "test_b")

    def test_flaky_then_passing_counts_as_passed(self):
        case = junit.read_cases(self.xml)["test.test_b.T.test_flaky"]
        self.assertEqual(case.outcome, junit.PASSED)
        self.assertEqual(case.runs, [junit.FAILED, junit.PASSED])
        self.assertTrue(case.flaky)

    def test_counts_include_module_failures_outside_cases(self):
        results = junit.Results(self.xml, self.json)
        self.assertEqual(
            results.modules_failed_outside_cases(), ["test_crash"])
        # passed: test_ok, test_flaky; failed: test_bad, setUpClass, test_crash
        self.assertEqual(results.counts(), (2, 3, 1))

    def test_missing_json(self):
        results = junit.Results(self.xml, self.path("none.json"))
        self.assertEqual(results.counts(), (2, 2, 1))

    def test_undotted_name_takes_its_suites_module(self):
        write(self.xml, textwrap.dedent("""\
            <testsuites><testsuite>
              <testcase name="test.test_x.T.test_a"/>
              <testcase name="118"><failure message="boom">tb</failure>
              </testcase>
            </testsuite></testsuites>
            """))
        write(self.json, json.dumps({"bad": ["test_x"]}))
        results = junit.Results(self.xml, self.json)
        self.assertEqual(junit.read_cases(self.xml)["118"].module, "test_x")
        self.assertEqual(results.modules_failed_outside_cases(), [])
        self.assertEqual(results.counts(), (1, 1, 0))

    def test_module_of(self):
        self.assertEqual(junit.module_of("test.test_x.A.test_y"), "test_x")
        self.assertEqual(junit.module_of(
            "test.test_email.test_utils.T.t"), "test_email")
        self.assertEqual(junit.module_of(
            "tearDownModule (test.test_z)"), "test_z")


if __name__ == "__main__":
    unittest.main()
