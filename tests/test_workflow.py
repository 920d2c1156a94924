"""The GitHub workflow runs the workbench's own make targets, and they exist.

The workflow is read as YAML with PyYAML: Debian's python3-yaml, which
`make deps` installs.  The workbench's Python may be another python3 than
Debian's (a pyenv one, say), so when `import yaml` fails here the file is
converted by /usr/bin/python3; when neither has yaml the tests fail, saying
so: a workflow that nobody checks must not pass as checked.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

from tests.support import ROOT, TempDirTest, read, write

WORKFLOWS = os.path.join(ROOT, ".github", "workflows")
SYSTEM_PYTHON = "/usr/bin/python3"
TO_JSON = ("import json, sys, yaml; "
           "json.dump(yaml.safe_load(sys.stdin), sys.stdout)")
MAKE_DEPS = "run `make deps` (Debian's python3-yaml)"

# The steps that are not make commands: a bare debian:bookworm has no make
# (nor git, for a checkout that is a git clone).
BOOTSTRAP = re.compile(r"^apt-get update -q && apt-get install -y -q "
                       r"--no-install-recommends make git ca-certificates$"
                       r"|^git config --global --add safe\.directory "
                       r"\"\$GITHUB_WORKSPACE\"$")

# Targets that build and run an interpreter of the variant asked for.
BUILDING = {"build", "check", "compare", "regrtest", "check-series",
            "abi-check"}


def load_yaml(path):
    """The YAML document at PATH, or raise AssertionError saying why not."""
    text = read(path)
    try:
        import yaml
    except ImportError:
        yaml = None
    if yaml is not None:
        return yaml.safe_load(text)
    if not os.path.exists(SYSTEM_PYTHON):
        raise AssertionError("PyYAML not found (no `import yaml`, no {}): "
                             "{}".format(SYSTEM_PYTHON, MAKE_DEPS))
    proc = subprocess.run([SYSTEM_PYTHON, "-c", TO_JSON], input=text,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise AssertionError("{} could not read {} as YAML ({}): {}".format(
            SYSTEM_PYTHON, path, last, MAKE_DEPS))
    return json.loads(proc.stdout)


def make_commands(script):
    """[(targets, {VAR: value})] of each `make ...` line of a run: script;
    raise AssertionError on a line that is neither make nor the bootstrap."""
    commands = []
    for line in script.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or BOOTSTRAP.match(line):
            continue
        words = shlex.split(line)
        if words[0] != "make":
            raise AssertionError(
                "not a make command (nothing CI-only): " + line)
        targets, variables = [], {}
        for word in words[1:]:
            if word.startswith("-"):
                raise AssertionError("make option in the workflow: " + line)
            name, sep, value = word.partition("=")
            if sep:
                variables[name] = value
            else:
                targets.append(word)
        commands.append((targets or ["all"], variables))
    return commands


def makefile_targets(text):
    targets = set()
    pattern = r"^([A-Za-z0-9_.-]+(?: [A-Za-z0-9_.-]+)*):(?!=)"
    for m in re.finditer(pattern, text, re.M):
        targets.update(m.group(1).split())
    return targets


def makefile_uses_variable(text, name):
    pattern = r"\$\({0}\)|\(origin {0}\)|^{0} [?:]?=".format(re.escape(name))
    return bool(re.search(pattern, text, re.M))


def readme_targets(text):
    return set(re.findall(r"^\| `make ([a-z0-9-]*)`", text, re.M)) | {"all"}


def readme_variables(text):
    return set(re.findall(r"^\| `([A-Z_]+)[=`]", text, re.M))


def variant(variables):
    """(compiler, kind) of a make command's variables."""
    compiler = os.path.basename(variables.get("CC") or "gcc")
    if variables.get("ASAN") == "1":
        kind = "asan"
    elif variables.get("DEBUG") == "1":
        kind = "debug"
    else:
        kind = "release"
    return compiler, kind


class WorkflowCheck:
    """What the tests below check, on one workflow file."""

    def __init__(self, path, makefile, readme):
        self.path = path
        self.doc = load_yaml(path)
        self.makefile = makefile
        self.readme = readme

    def jobs(self):
        jobs = self.doc.get("jobs") if isinstance(self.doc, dict) else None
        if not jobs:
            raise AssertionError("{}: no jobs".format(self.path))
        return jobs

    def runs(self):
        """[(job label, run script)] with matrix.run expanded per entry."""
        runs = []
        for job_id, job in self.jobs().items():
            matrix = (job.get("strategy") or {}).get("matrix") or {}
            for step in job.get("steps", []):
                script = step.get("run")
                if script is None:
                    continue
                if "${{ matrix.run }}" in script:
                    for entry in matrix.get("include", []):
                        label = "{} / {}".format(job_id, entry.get("name"))
                        runs.append((label, script.replace(
                            "${{ matrix.run }}", entry["run"])))
                elif "${{" in script:
                    raise AssertionError(
                        "{}: an expression this test does not expand: "
                        "{}".format(job_id, script))
                else:
                    runs.append((job_id, script))
        return runs

    def commands(self):
        return [(label, targets, variables)
                for label, script in self.runs()
                for targets, variables in make_commands(script)]

    def problems(self):
        """Every target or variable missing from the Makefile or README."""
        known = makefile_targets(self.makefile)
        documented = readme_targets(self.readme)
        documented_vars = readme_variables(self.readme)
        found = []
        for label, targets, variables in self.commands():
            for target in targets:
                if target not in known:
                    found.append("{}: target {} not in the Makefile".format(
                        label, target))
                if target not in documented:
                    found.append("{}: target {} not in README.md".format(
                        label, target))
            for name in variables:
                if not makefile_uses_variable(self.makefile, name):
                    found.append("{}: variable {} not used by the "
                                 "Makefile".format(label, name))
                if name not in documented_vars:
                    found.append("{}: variable {} not in README.md".format(
                        label, name))
        return sorted(set(found), key=found.index)

    def variants(self):
        found = set()
        for _, targets, variables in self.commands():
            if BUILDING & set(targets):
                found.add(variant(variables))
            if "refleaks" in targets:  # always on the debug build
                found.add(variant(dict(variables, DEBUG="1")))
        return found


def repo_check():
    return WorkflowCheck(os.path.join(WORKFLOWS, "ci.yml"),
                         read(os.path.join(ROOT, "Makefile")),
                         read(os.path.join(ROOT, "README.md")))


class WorkflowTest(unittest.TestCase):
    def setUp(self):
        self.check = repo_check()

    def test_only_workflow(self):
        self.assertEqual(sorted(os.listdir(WORKFLOWS)), ["ci.yml"])

    def test_targets_and_variables_exist(self):
        self.assertTrue(self.check.commands(),
                        "no make command in the workflow")
        self.assertEqual(self.check.problems(), [])

    def test_matrix_covers_compilers_and_builds(self):
        variants = self.check.variants()
        compilers = {c for c, _ in variants}
        kinds = {k for _, k in variants}
        self.assertLessEqual({"gcc", "clang"}, compilers, variants)
        self.assertLessEqual({"release", "debug", "asan"}, kinds, variants)

    def test_the_issue_jobs(self):
        """Every job of the plan is there (ci/README.md lists them)."""
        commands = self.check.commands()
        targets = {t for _, ts, _ in commands for t in ts}
        for target in ("test-workbench", "check", "compare", "refleaks",
                       "check-series", "export", "patchcheck", "abi-check"):
            self.assertIn(target, targets)
        debug = [v.get("TESTOPTS", "") for _, ts, v in commands
                 if "compare" in ts and v.get("DEBUG") == "1"
                 and "TESTS" not in v]
        self.assertTrue(debug, "no whole-suite run on the debug build")
        for option in ("-u all", "-W", "--slowest", "--fail-env-changed",
                       "--timeout=1200"):
            self.assertIn(option, debug[0], "buildbottest option missing")

    def test_asan_selection_is_make_checks(self):
        """The ASAN runs compare make check's own selection."""
        check_tests = {}
        for m in re.finditer(r"^CHECK_TESTS_(\S+) := ((?:.*\\\n)*.*)$",
                             self.check.makefile, re.M):
            check_tests[m.group(1)] = m.group(2).replace("\\\n",
                                                         " ").split()
        self.assertIn("3.9", check_tests)
        selections = [(v.get("LINE", "3.9"), v["TESTS"].split())
                      for _, _, v in self.check.commands() if "TESTS" in v]
        self.assertTrue(selections)
        for line, selection in selections:
            self.assertEqual(selection, check_tests[line],
                             "set TESTS= in .github/workflows/ci.yml to "
                             "the Makefile's CHECK_TESTS_" + line)

    def test_container_matrix_and_caches(self):
        for job_id, job in self.check.jobs().items():
            with self.subTest(job=job_id):
                self.assertEqual(job.get("container"), "debian:bookworm")
                self.assertIs(job["strategy"].get("fail-fast"), False)
                cached = {s["with"]["path"] for s in job["steps"]
                          if s.get("uses", "").startswith("actions/cache@")}
                self.assertIn("cache", cached,
                              "the download cache is not kept")
                self.assertIn(job["env"]["CCACHE_DIR"], cached,
                              "ccache is not kept")
                # actions/cache refuses keys with commas; one cache per job.
                ids = [e["id"] for e in job["strategy"]["matrix"]["include"]]
                self.assertEqual(len(set(ids)), len(ids), "ids repeat")
                for i in ids:
                    self.assertRegex(i, r"^[a-z0-9-]+$")
                keys = [s["with"]["key"] for s in job["steps"]
                        if s.get("uses", "").startswith("actions/cache@")]
                for key in keys:
                    self.assertNotIn(",", key)
                    self.assertNotIn("matrix.name", key)


class LoadYamlTest(TempDirTest):
    """yaml from another python3, and a clear failure without any."""

    def setUp(self):
        super().setUp()
        self.yml = self.path("w.yml")
        write(self.yml, "jobs: {a: [1, 2]}\n")

    def test_from_the_system_python(self):
        if not os.path.exists(SYSTEM_PYTHON):
            self.skipTest("no " + SYSTEM_PYTHON)
        with mock.patch.dict(sys.modules, {"yaml": None}):
            self.assertEqual(load_yaml(self.yml), {"jobs": {"a": [1, 2]}})

    def test_no_yaml_anywhere(self):
        fake = self.path("python3")
        error = "ModuleNotFoundError: No module named 'yaml'"
        write(fake, "#!/bin/sh\necho \"{}\" >&2\nexit 1\n".format(error),
              mode=0o755)
        with mock.patch.dict(sys.modules, {"yaml": None}), \
                mock.patch(__name__ + ".SYSTEM_PYTHON", fake):
            with self.assertRaisesRegex(
                    AssertionError, r"No module named 'yaml'\): run `make "
                                    r"deps` \(Debian's python3-yaml\)"):
                load_yaml(self.yml)

    def test_no_system_python(self):
        with mock.patch.dict(sys.modules, {"yaml": None}), \
                mock.patch(__name__ + ".SYSTEM_PYTHON", self.path("none")):
            with self.assertRaisesRegex(AssertionError, "PyYAML not found"):
                load_yaml(self.yml)


class WorkflowCheckTest(unittest.TestCase):
    """The checks above fail on a workflow that is wrong."""

    MAKEFILE = ("DEBUG ?=\nASAN ?=\nBUILD := $(DEBUG)$(ASAN)$(origin CC)\n"
                "check: build\n\t@true\nbuild:\n\t@true\n")
    README = ("| `make check` | x |\n| `make build` | x |\n"
              "| `DEBUG=1` | x |\n| `ASAN=1` | x |\n| `CC=clang` | x |\n")

    def workflow(self, runs):
        include = "".join(
            "          - name: n{}\n            run: {}\n".format(i, r)
            for i, r in enumerate(runs))
        text = ("jobs:\n  make:\n    container: debian:bookworm\n"
                "    strategy:\n      fail-fast: false\n      matrix:\n"
                "        include:\n" + include +
                "    steps:\n      - run: ${{ matrix.run }}\n")
        tmp = tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False)
        self.addCleanup(os.unlink, tmp.name)
        with tmp:
            tmp.write(text)
        return WorkflowCheck(tmp.name, self.MAKEFILE, self.README)

    def test_good(self):
        check = self.workflow(["make check", "make check DEBUG=1",
                               "make check ASAN=1 CC=clang"])
        self.assertEqual(check.problems(), [])
        self.assertEqual(check.variants(),
                         {("gcc", "release"), ("gcc", "debug"),
                          ("clang", "asan")})

    def test_unknown_target(self):
        problems = self.workflow(["make chek"]).problems()
        self.assertEqual(problems,
                         ["make / n0: target chek not in the Makefile",
                          "make / n0: target chek not in README.md"])

    def test_undocumented_variable(self):
        check = self.workflow(["make check JOBZ=3"])
        self.assertEqual(check.problems(),
                         ["make / n0: variable JOBZ not used by the Makefile",
                          "make / n0: variable JOBZ not in README.md"])

    def test_ci_only_command(self):
        with self.assertRaisesRegex(AssertionError, "not a make command"):
            self.workflow(["./configure && make"]).commands()

    def test_make_options_refused(self):
        with self.assertRaisesRegex(AssertionError, "make option"):
            self.workflow(["make -k check"]).commands()


if __name__ == "__main__":
    unittest.main()
