#!/usr/bin/env python3
"""Run the same regrtest selection on the baseline and patched builds and
compare the results, read from regrtest's junit XML and module JSON.

  compare.py --baseline build/baseline/python --patched build/patched/python \\
             --out out/compare [-- regrtest options and tests]
  compare.py --out out/compare --reports-only     # compare existing reports

Both runs are built by scripts/regrtest.py (the options every run shares)
with -w, so a module that fails is re-run before it counts; a test that
failed and then passed is reported as flaky, not as failing; so is a case
that fails on patched but failed on baseline too before passing on its
re-run (reported in a section of its own).  Prints (and
writes to OUT/report.txt and OUT/report.json) what fails only on patched,
what ran on baseline but is missing or skipped on patched, what changed the
environment only on patched, what the patches fixed, and what fails on both
(this machine's environment), with each build's compiler, configure
options, kernel and OpenSSL; exits 1 on anything that is worse on patched.
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junit  # noqa: E402
import regrtest  # noqa: E402
import workbench  # noqa: E402

SIDES = ("baseline", "patched")

# What each build is, recorded beside its results (OUT/SIDE.env.json).
ENV_CODE = """import json, platform, sysconfig
info = {"compiler": platform.python_compiler(),
        "CC": sysconfig.get_config_var("CC"),
        "configure": sysconfig.get_config_var("CONFIG_ARGS"),
        "OPT": sysconfig.get_config_var("OPT"),
        "kernel": " ".join(platform.uname()[i] for i in (0, 2, 4))}
try:
    import ssl
    info["openssl"] = ssl.OPENSSL_VERSION
except ImportError as exc:
    info["openssl"] = "no ssl module: %s" % exc
print(json.dumps(info))
"""
ENV_KEYS = ("compiler", "CC", "configure", "OPT", "kernel", "openssl")


def build_env(python):
    """What the interpreter was built with and runs on, as a dict."""
    try:
        out = subprocess.run([python, "-c", ENV_CODE], stdout=subprocess.PIPE,
                             stdin=subprocess.DEVNULL,
                             universal_newlines=True, timeout=120).stdout
        return json.loads(out)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        return {"error": str(exc)}


def run_side(python, out, side, jobs, regrtest_args, hangs):
    """Run regrtest under `python`; leave OUT/SIDE.{xml,json,env.json}."""
    with open(os.path.join(out, side + ".env.json"), "w",
              encoding="utf-8") as f:
        json.dump(build_env(python), f, indent=1, sort_keys=True)
    cmd = regrtest.command(python, os.path.join(out, side), jobs,
                           extra=regrtest_args, rerun=True, hangs=hangs)
    return regrtest.run(cmd)


class Comparison:
    def __init__(self, base, patched):
        self.base = base
        self.patched = patched
        bf = base.failed_cases()
        pf = patched.failed_cases()
        # A case that fails on patched and failed on baseline too before
        # passing on its re-run (flaky there) is the environment's, as one
        # flaky on patched is: its own section, not counted as worse.
        flaky_base = set(base.flaky_cases())
        only = set(pf) - set(bf)
        self.failing_flaky_on_base = sorted(only & flaky_base)
        self.only_patched = sorted(only - flaky_base)
        self.fixed = sorted(n for n in set(bf) - set(pf) if n in patched.cases)
        self.both = sorted(set(bf) & set(pf))
        # Modules that failed with no failed test case (crash, timeout, setup).
        bm = set(base.modules_failed_outside_cases())
        pm = set(patched.modules_failed_outside_cases())
        bbad, pbad = base.bad_modules(), patched.bad_modules()
        self.modules_only_patched = sorted(m for m in pm if m not in bbad)
        self.modules_fixed = sorted(m for m in bm if m not in pbad)
        self.modules_both = sorted(pm & bbad)
        # What ran on baseline and is gone or skipped on patched.  A case
        # whose name names no module (a test that overwrote its id) cannot
        # be matched across runs; its module still is.
        self.cases_lost = sorted(
            n for n, c in base.cases.items()
            if "." in n and c.outcome != junit.SKIPPED
            and (n not in patched.cases
                 or patched.cases[n].outcome == junit.SKIPPED))
        self.modules_lost = sorted(base.ran_modules()
                                   - patched.ran_modules())
        self.env_changed_only_patched = sorted(
            patched.env_changed_modules() - base.env_changed_modules())
        self.flaky = {side: sorted(r.flaky_cases()) for side, r in
                      (("baseline", base), ("patched", patched))}
        self.new_in_patched = sorted(n for n in set(patched.cases)
                                     - set(base.cases) if "." in n)

    @property
    def regressions(self):
        return (len(self.only_patched) + len(self.modules_only_patched)
                + len(self.cases_lost) + len(self.modules_lost)
                + len(self.env_changed_only_patched))

    def lost_detail(self, name, module=False):
        if module:
            for key, text in (("skipped", "skipped"),
                              ("resource_denieds", "resource denied"),
                              ("run_no_tests", "ran no test")):
                if name in self.patched.modules.get(key, ()):
                    return "module {} on patched".format(text)
            return "module did not run on patched"
        case = self.patched.cases.get(name)
        if case is None:
            return "missing on patched"
        return "skipped on patched: " + first_line(case.message)

    def rows(self):
        """(section, test, detail) rows of the report."""
        p, b = self.patched.cases, self.base.cases
        failing = "failing only on patched"
        lost = "ran on baseline, missing or skipped on patched"
        env = "environment changed only on patched"
        for name in self.only_patched:
            yield failing, name, first_line(p[name].message)
        for module in self.modules_only_patched:
            yield failing, module, "module failed outside its test cases"
        for module in self.modules_lost:
            yield lost, module, self.lost_detail(module, module=True)
        for name in self.cases_lost:
            yield lost, name, self.lost_detail(name)
        for module in self.env_changed_only_patched:
            yield env, module, "regrtest: environment changed"
        for name in self.fixed:
            yield "fixed by patched", name, first_line(b[name].message)
        for module in self.modules_fixed:
            yield ("fixed by patched", module,
                   "module failed outside its test cases on baseline")
        for name in self.both:
            yield ("failing on both (environmental)", name,
                   first_line(p[name].message))
        for module in self.modules_both:
            yield ("failing on both (environmental)", module,
                   "module failed outside its test cases")
        for name in self.failing_flaky_on_base:
            yield ("failing on patched, flaky on baseline (failed there too "
                   "in this run; not counted)", name,
                   first_line(p[name].message))
        for side in SIDES:
            for name in self.flaky[side]:
                yield ("flaky on " + side + " (failed, passed on re-run)",
                       name, "")

    def summary(self):
        lines = []
        for side, r in (("baseline", self.base), ("patched", self.patched)):
            passed, failed, skipped = r.counts()
            lines.append(
                "{:9} {:6d} test cases: {} passed, {} failed, {} skipped; "
                "modules failed: {}, skipped: {}, env changed: {}".format(
                    side, len(r.cases), passed, failed, skipped,
                    len(r.bad_modules()), len(r.skipped_modules()),
                    len(r.env_changed_modules())))
        lines.append("new test cases on patched: {}".format(
            len(self.new_in_patched)))
        lines.append(
            "worse only on patched: {} (failing {}, missing or skipped {}, "
            "env changed {}); fixed by patched: {}; failing on both: {}"
            .format(self.regressions,
                    len(self.only_patched) + len(self.modules_only_patched),
                    len(self.cases_lost) + len(self.modules_lost),
                    len(self.env_changed_only_patched),
                    len(self.fixed) + len(self.modules_fixed),
                    len(self.both) + len(self.modules_both)))
        return lines

    def report(self):
        out = []
        section = None
        for sec, name, detail in self.rows():
            if sec != section:
                out.append("")
                out.append("== " + sec)
                section = sec
            out.append("  {}{}".format(
                name, "  -- " + detail if detail else ""))
        out.append("")
        out.extend(self.summary())
        passed = self.patched.counts()[0]
        out.append("compare: {} passed, {} failed".format(
            passed, self.regressions))
        return "\n".join(out).lstrip("\n") + "\n"

    def as_json(self):
        data = {}
        for sec, name, detail in self.rows():
            data.setdefault(sec, []).append({"test": name, "detail": detail})
        data["regressions"] = self.regressions
        return data


def first_line(text):
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-1].strip()[:160] if lines else ""


def environment_lines(out):
    """The report's head: what ran, and what each build is."""
    lines = []
    for side in SIDES:
        for path, what in ((side + ".json", "command"),
                           (side + ".env.json", "build")):
            data = junit.read_modules(os.path.join(out, path)) or {}
            if what == "command" and data.get("argv"):
                lines.append("{} command: {}".format(side, data["argv"]))
            elif what == "build":
                for key in ENV_KEYS:
                    if key in data:
                        lines.append("{} {}: {}".format(side, key, data[key]))
    return "\n".join(lines) + "\n\n" if lines else ""


def load(out, side):
    xml = os.path.join(out, side + ".xml")
    if not os.path.exists(xml):
        raise workbench.WorkbenchError(
            "{} is missing: the {} run wrote no junit report (see its output "
            "above)".format(xml, side))
    return junit.Results(xml, os.path.join(out, side + ".json"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", help="the baseline interpreter")
    parser.add_argument("--patched", help="the patched interpreter")
    parser.add_argument("--out", required=True, help="the report folder")
    parser.add_argument("--reports-only", action="store_true",
                        help="compare OUT/{baseline,patched}.{xml,json} "
                        "as they are")
    regrtest.add_run_arguments(parser)     # regrtest's options and tests
    args = parser.parse_args(argv)
    jobs, regrtest_args = regrtest.run_arguments(args)
    if not args.reports_only:
        if not (args.baseline and args.patched):
            parser.error(
                "--baseline and --patched are needed unless --reports-only")
        for python in (args.baseline, args.patched):
            if not os.path.exists(python):
                raise workbench.WorkbenchError(
                    "{} not found: build it first".format(python))
        os.makedirs(args.out, exist_ok=True)
        hangs = regrtest.known_hangs.options()
        for side, python in (("baseline", args.baseline),
                             ("patched", args.patched)):
            run_side(python, args.out, side, jobs, regrtest_args, hangs)
    comparison = Comparison(
        load(args.out, "baseline"), load(args.out, "patched"))
    text = environment_lines(args.out) + comparison.report()
    with open(os.path.join(args.out, "report.txt"), "w",
              encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(args.out, "report.json"), "w",
              encoding="utf-8") as f:
        json.dump(comparison.as_json(), f, indent=1, sort_keys=True)
    print()
    print(text, end="")
    print("(report: {})".format(os.path.join(args.out, "report.txt")))
    return 1 if comparison.regressions else 0


if __name__ == "__main__":
    sys.exit(workbench.run_main("compare", main))
