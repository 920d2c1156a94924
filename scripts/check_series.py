#!/usr/bin/env python3
"""Prove that every step of the series builds and passes the targeted tests.

  check_series.py --tarball cache/<BASE_TARBALL> --jobs N [--variant SUFFIX]
                  [--configure "OPTIONS"] --tests "TEST ..." [-- OPTIONS]

For the baseline part and then each prefix of the proposed part, in order:
push the series up to that patch in src/series+SUFFIX (incrementally: only
the new patch is pushed), rebuild it in place with the configure OPTIONS of
the variant (incrementally; build/series+SUFFIX links to it), and run the
tests as `make check` does (scripts/regrtest.py --strict), reports in
out/check-series+SUFFIX/.  Before the last step, the test modules that the
tree has not got yet (a later patch adds them) are left out, and named.
Stops at, and names, the first patch that breaks the build or a test.
"""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regrtest  # noqa: E402
import workbench  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def tests_not_in_tree(tree, tests):
    """The test modules of `tests` that the tree has not got.

    A prefix of the series lacks the test modules that later patches add.
    """
    missing = []
    for name in tests:
        base = os.path.join(tree, "Lib", "test", name)
        if not (os.path.isfile(base + ".py") or os.path.isdir(base)):
            missing.append(name)
    return missing


def step(cmd):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.call(cmd, stdin=subprocess.DEVNULL) == 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", required=True)
    parser.add_argument("--jobs", default="2")
    parser.add_argument("--python", default=sys.executable,
                        help="the Python that runs the workbench scripts")
    parser.add_argument("--variant", default="",
                        help="the build variant's suffix (-debug, -asan...)")
    parser.add_argument("--configure", default="",
                        help="the variant's configure options")
    parser.add_argument("--tests", default="", help="the test modules")
    parser.add_argument("extra", nargs=argparse.REMAINDER,
                        help="regrtest options, after --")
    args = parser.parse_args(argv)
    extra = [t for t in args.extra if t != "--"]
    tests = args.tests.split()
    # The input, before anything is made.
    if not os.path.isfile(args.tarball):
        raise workbench.WorkbenchError(
            "{}: no such file (run `make fetch`)".format(args.tarball))
    if not args.jobs.isdigit() or int(args.jobs) < 1:
        raise workbench.WorkbenchError(
            "--jobs {}: a positive integer, e.g. 4".format(args.jobs))
    tree = os.path.join(workbench.ROOT, "src", "series" + args.variant)
    build = os.path.join(workbench.ROOT, "build", "series" + args.variant)
    out = os.path.join(workbench.ROOT, "out", "check-series" + args.variant)
    parts = workbench.series_parts(workbench.read_series())
    steps = parts["baseline"][-1:] + parts["proposed"]
    os.makedirs(out, exist_ok=True)
    hangs = regrtest.known_hangs.options()
    results = []
    for i, name in enumerate(steps):
        label = "baseline" if i == 0 else name
        print("\n=== step {}/{}: up to {}".format(i +
              1, len(steps), name), flush=True)
        ok = step([args.python, os.path.join(HERE, "apply.py"),
                   "--tree", tree, "--tarball", args.tarball, "--upto", name])
        what = "does not apply"
        if ok:
            ok = step(["sh", os.path.join(HERE, "build.sh"), tree, build,
                       args.jobs] + args.configure.split())
            what = "breaks the build"
        step_tests = tests
        if ok and i < len(steps) - 1:
            # Only the whole series must have every test module.
            missing = tests_not_in_tree(tree, tests)
            if missing:
                print("check-series: leaving out {}: added by a later patch"
                      .format(" ".join(missing)), flush=True)
                step_tests = [t for t in tests if t not in missing]
        if ok:
            report = os.path.join(out, "step{}".format(i + 1))
            ok = regrtest.run(regrtest.command(
                os.path.join(tree, "python"), report, args.jobs, extra,
                step_tests, strict=True, hangs=hangs)) == 0
            for problem in regrtest.strict_problems(report, step_tests):
                print("check-series: {}".format(problem))
                ok = False
            what = "fails a test"
        results.append((label, "ok" if ok else what))
        if not ok:
            break
    print("\n=== check-series")
    for label, result in results:
        print("  {:60} {}".format(label, result))
    if results and results[-1][1] != "ok":
        print(
            "check-series: the first bad step is {}: it {}"
            .format(*results[-1]))
        return 1
    print("check-series: all {} steps build and pass".format(len(results)))
    return 0


if __name__ == "__main__":
    sys.exit(workbench.run_main("check-series", main))
