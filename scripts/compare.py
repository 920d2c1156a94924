#!/usr/bin/env python3
"""Run the same regrtest selection on the baseline and patched builds and
compare the results, read from regrtest's junit XML and module JSON.

  compare.py --baseline build/baseline/python --patched build/patched/python \\
             --out out/compare [-- regrtest options and tests]
  compare.py --out out/compare --reports-only     # compare existing reports

Each run uses -w, so a module that fails is re-run before it counts; a test
that failed and then passed is reported as flaky, not as failing.  Prints
(and writes to OUT/report.txt and OUT/report.json) what fails only on
patched, what the patches fixed, and what fails on both (this machine's
environment); exits 1 when anything fails only on patched.
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junit  # noqa: E402
import workbench  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SIDES = ("baseline", "patched")


def run_side(python, out, side, regrtest_args):
    """Run regrtest under `python`; leave OUT/SIDE.{xml,json}."""
    cmd = [python, os.path.join(HERE, "regrtest_json.py"),
           os.path.join(out, side + ".json"), "-w",
           "--junit-xml", os.path.join(out, side + ".xml")] + regrtest_args
    return subprocess.call(cmd, stdin=subprocess.DEVNULL)


class Comparison:
    def __init__(self, base, patched):
        self.base = base
        self.patched = patched
        bf = base.failed_cases()
        pf = patched.failed_cases()
        self.only_patched = sorted(set(pf) - set(bf))
        self.fixed = sorted(n for n in set(bf) - set(pf) if n in patched.cases)
        self.both = sorted(set(bf) & set(pf))
        # Modules that failed with no failed test case (crash, timeout, setup).
        bm = set(base.modules_failed_outside_cases())
        pm = set(patched.modules_failed_outside_cases())
        bbad, pbad = base.bad_modules(), patched.bad_modules()
        self.modules_only_patched = sorted(m for m in pm if m not in bbad)
        self.modules_fixed = sorted(m for m in bm if m not in pbad)
        self.modules_both = sorted(pm & bbad)
        self.flaky = {side: sorted(r.flaky_cases()) for side, r in
                      (("baseline", base), ("patched", patched))}
        self.new_in_patched = sorted(set(patched.cases) - set(base.cases))

    @property
    def regressions(self):
        return len(self.only_patched) + len(self.modules_only_patched)

    def rows(self):
        """(section, test, detail) rows of the report."""
        p, b = self.patched.cases, self.base.cases
        for name in self.only_patched:
            yield "failing only on patched", name, first_line(p[name].message)
        for module in self.modules_only_patched:
            yield "failing only on patched", module, "module failed outside its test cases"
        for name in self.fixed:
            yield "fixed by patched", name, first_line(b[name].message)
        for module in self.modules_fixed:
            yield "fixed by patched", module, "module failed outside its test cases on baseline"
        for name in self.both:
            yield "failing on both (environmental)", name, first_line(p[name].message)
        for module in self.modules_both:
            yield "failing on both (environmental)", module, "module failed outside its test cases"
        for side in SIDES:
            for name in self.flaky[side]:
                yield "flaky on " + side + " (failed, passed on re-run)", name, ""

    def summary(self):
        lines = []
        for side, r in (("baseline", self.base), ("patched", self.patched)):
            passed, failed, skipped = r.counts()
            lines.append("{:9} {:6d} test cases: {} passed, {} failed, {} skipped; "
                         "modules failed: {}".format(side, len(r.cases), passed, failed,
                                                     skipped, len(r.bad_modules())))
        lines.append("new test cases on patched: {}".format(len(self.new_in_patched)))
        lines.append("failing only on patched: {}; fixed by patched: {}; failing on both: {}"
                     .format(self.regressions, len(self.fixed) + len(self.modules_fixed),
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
            out.append("  {}{}".format(name, "  -- " + detail if detail else ""))
        out.append("")
        out.extend(self.summary())
        passed = self.patched.counts()[0]
        out.append("compare: {} passed, {} failed".format(passed, self.regressions))
        return "\n".join(out).lstrip("\n") + "\n"

    def as_json(self):
        data = {}
        for sec, name, detail in self.rows():
            data.setdefault(sec, []).append({"test": name, "detail": detail})
        data["regressions"] = self.regressions
        return data


def first_line(text):
    lines = [l for l in (text or "").splitlines() if l.strip()]
    return lines[-1].strip()[:160] if lines else ""


def load(out, side):
    xml = os.path.join(out, side + ".xml")
    if not os.path.exists(xml):
        raise workbench.WorkbenchError("{} is missing: the {} run wrote no junit report "
                                       "(see its output above)".format(xml, side))
    return junit.Results(xml, os.path.join(out, side + ".json"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", help="the baseline interpreter")
    parser.add_argument("--patched", help="the patched interpreter")
    parser.add_argument("--out", required=True, help="the report folder")
    parser.add_argument("--reports-only", action="store_true",
                        help="compare OUT/{baseline,patched}.{xml,json} as they are")
    parser.add_argument("regrtest", nargs=argparse.REMAINDER,
                        help="regrtest options and test names, after --")
    args = parser.parse_args(argv)
    regrtest_args = [a for a in args.regrtest if a != "--"]
    os.makedirs(args.out, exist_ok=True)
    if not args.reports_only:
        if not (args.baseline and args.patched):
            parser.error("--baseline and --patched are needed unless --reports-only")
        for side, python in (("baseline", args.baseline), ("patched", args.patched)):
            run_side(python, args.out, side, regrtest_args)
    try:
        comparison = Comparison(load(args.out, "baseline"), load(args.out, "patched"))
    except workbench.WorkbenchError as exc:
        workbench.die("compare", exc)
    text = comparison.report()
    if regrtest_args:
        # Say what ran, left-out tests included (scripts/known_hangs.py).
        text = "regrtest options: {}\n\n{}".format(" ".join(regrtest_args), text)
    with open(os.path.join(args.out, "report.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(args.out, "report.json"), "w", encoding="utf-8") as f:
        json.dump(comparison.as_json(), f, indent=1, sort_keys=True)
    print()
    print(text, end="")
    print("(report: {})".format(os.path.join(args.out, "report.txt")))
    return 1 if comparison.regressions else 0


if __name__ == "__main__":
    sys.exit(main())
