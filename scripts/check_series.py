#!/usr/bin/env python3
"""Prove that every step of the series builds and passes the targeted tests.

  check_series.py --tarball cache/<BASE_TARBALL> --jobs N -- [REGRTEST OPTIONS] TEST...

For the baseline part and then each prefix of the proposed part, in order:
push the series up to that patch in src/series (incrementally: only the new
patch is pushed), rebuild it in place (incrementally; build/series links to
it), and run the tests (before the last step, without the test modules
that the tree has not got yet: a later patch adds them).
Stops at, and names, the first patch that breaks the build or a test.
"""

import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workbench  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.join(workbench.ROOT, "src", "series")
BUILD = os.path.join(workbench.ROOT, "build", "series")
OUT = os.path.join(workbench.ROOT, "out", "check-series")


# regrtest options whose value may look like a test name.
VALUE_OPTIONS = {"-i", "--ignore", "-m", "--match", "--matchfile", "--ignorefile"}


def tests_not_in_tree(tree, regrtest):
    """The test modules named in regrtest's arguments that the tree has not got.

    A prefix of the series lacks the test modules that later patches add.
    """
    missing = []
    for prev, arg in zip([None] + regrtest, regrtest):
        if prev in VALUE_OPTIONS or not re.fullmatch(r"test_\w+", arg):
            continue
        base = os.path.join(tree, "Lib", "test", arg)
        if not (os.path.isfile(base + ".py") or os.path.isdir(base)):
            missing.append(arg)
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
    parser.add_argument("regrtest", nargs=argparse.REMAINDER,
                        help="regrtest options and tests, after --")
    args = parser.parse_args(argv)
    regrtest = [t for t in args.regrtest if t != "--"]
    parts = workbench.series_parts(workbench.read_series())
    steps = parts["baseline"][-1:] + parts["proposed"]
    os.makedirs(OUT, exist_ok=True)
    results = []
    for i, name in enumerate(steps):
        label = "baseline" if i == 0 else name
        print("\n=== step {}/{}: up to {}".format(i + 1, len(steps), name), flush=True)
        ok = step([args.python, os.path.join(HERE, "apply.py"), "--tree", TREE,
                   "--tarball", args.tarball, "--upto", name])
        what = "does not apply"
        if ok:
            ok = step(["sh", os.path.join(HERE, "build.sh"), TREE, BUILD, args.jobs])
            what = "breaks the build"
        tests = regrtest
        if ok and i < len(steps) - 1:
            # Only the whole series must have every test module.
            missing = tests_not_in_tree(TREE, regrtest)
            if missing:
                print("check-series: leaving out {}: added by a later patch".format(
                    " ".join(missing)), flush=True)
                tests = [t for t in regrtest if t not in missing]
        if ok:
            tag = "step{}".format(i + 1)
            ok = step([os.path.join(TREE, "python"), os.path.join(HERE, "regrtest_json.py"),
                       os.path.join(OUT, tag + ".json"),
                       "--junit-xml", os.path.join(OUT, tag + ".xml")] + tests)
            what = "fails a test"
        results.append((label, "ok" if ok else what))
        if not ok:
            break
    print("\n=== check-series")
    for label, result in results:
        print("  {:60} {}".format(label, result))
    if results and results[-1][1] != "ok":
        print("check-series: the first bad step is {}: it {}".format(*results[-1]))
        return 1
    print("check-series: all {} steps build and pass".format(len(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
