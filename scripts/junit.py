"""Read regrtest results: its --junit-xml report and the module JSON of
scripts/cpython/regrtest_json.py.

A test case that appears more than once (regrtest's -w re-runs a failed
module and appends the new results) counts with its last outcome, so a test
that failed once and then passed is "passed", and is also listed as flaky.
"""

import json
import os
import xml.etree.ElementTree as ET

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


class Case:
    __slots__ = ("name", "outcome", "message", "runs", "module")

    def __init__(self, name, outcome, message, module):
        self.name = name
        self.outcome = outcome
        self.message = message
        self.runs = [outcome]
        self.module = module

    @property
    def flaky(self):
        return self.outcome == PASSED and FAILED in self.runs


def module_of(name):
    """'test.test_x.Class.test_y' -> 'test_x'; setUpClass errors name their
    class    in parentheses: 'setUpClass (test.test_x.Class)'."""
    if "(" in name and name.endswith(")"):
        name = name[name.rindex("(") + 1:-1]
    parts = name.split(".")
    if parts[0] == "test" and len(parts) > 1:
        return parts[1]
    return parts[0]


def read_cases(path):
    """Return an ordered dict name -> Case from a junit XML file."""
    cases = {}
    root = ET.parse(path).getroot()
    for suite in root.iter("testsuite"):
        _read_suite(suite, cases)
    return cases


def _read_suite(suite, cases):
    """Add the test cases of one testsuite element (one module's run)."""
    elems = list(suite.iter("testcase"))
    # scripts/cpython/regrtest_json.py names the regrtest module that ran
    # the suite;
    # without it (an older report), the module most of its cases name.  A
    # test whose `id` was overwritten (test__xxsubinterpreters' RunStringTests
    # sets self.id) has a junit name that names no module: it belongs to the
    # suite's module too.
    suite_module = suite.get("module")
    if not suite_module:
        dotted = [module_of(e.get("name", "")) for e in elems
                  if "." in e.get("name", "")]
        suite_module = max(set(dotted), key=dotted.count) if dotted else "?"
    for elem in elems:
        name = elem.get("name", "?")
        outcome, message = PASSED, ""
        for child in elem:
            if child.tag in ("failure", "error"):
                outcome = FAILED
                message = (child.get("message") or child.text or "").strip()
                break
            if child.tag == "skipped":
                outcome = SKIPPED
                message = (child.text or child.get("message") or "").strip()
        if elem.get("status") == "skipped" and outcome == PASSED:
            outcome = SKIPPED
        if suite.get("module") or "." not in name:
            module = suite_module
        else:
            module = module_of(name)
        # A case that another module's run ran (test_trace runs
        # test.test_pprint's cases) is that module's, under its own key.
        key = name
        if "." in name and module_of(name) != module:
            key = "{} [{}]".format(name, module)
        if key in cases:
            case = cases[key]
            case.runs.append(outcome)
            case.outcome, case.message = outcome, message
        else:
            cases[key] = Case(key, outcome, message, module)


def read_modules(path):
    """Return the module outcome JSON of scripts/cpython/regrtest_json.py,
    or None."""
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Results:
    """One regrtest run: its test cases and its module outcomes."""

    def __init__(self, xml_path, json_path=None):
        self.cases = (read_cases(xml_path)
                      if xml_path and os.path.exists(xml_path) else {})
        self.modules = read_modules(json_path) or {}

    def module_set(self, *keys):
        """The modules in the given lists of the module JSON."""
        found = set()
        for key in keys:
            found.update(self.modules.get(key, ()))
        return found

    def ran_modules(self):
        """Modules that ran tests (passed, failed, or changed the
        environment)."""
        return self.module_set("good", "bad", "environment_changed")

    def skipped_modules(self):
        return self.module_set("skipped", "resource_denieds", "run_no_tests")

    def env_changed_modules(self):
        return self.module_set("environment_changed")

    def failed_cases(self):
        return {n: c for n, c in self.cases.items() if c.outcome == FAILED}

    def flaky_cases(self):
        return {n: c for n, c in self.cases.items() if c.flaky}

    def bad_modules(self):
        return set(self.modules.get("bad", []))

    def modules_failed_outside_cases(self):
        """Modules regrtest counts as failed with no failed test case of theirs
        (a crash, a timeout, an import error, a failure in module setup)."""
        with_cases = {c.module for c in self.failed_cases().values()}
        return sorted(self.bad_modules() - with_cases)

    def counts(self):
        """(passed, failed, skipped): test cases, plus one failure for each
        module that failed outside its test cases."""
        n = {PASSED: 0, FAILED: 0, SKIPPED: 0}
        for case in self.cases.values():
            n[case.outcome] += 1
        failed = n[FAILED] + len(self.modules_failed_outside_cases())
        return n[PASSED], failed, n[SKIPPED]
