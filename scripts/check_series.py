#!/usr/bin/env python3
"""Prove that every step of the series builds and passes the targeted tests.

  check_series.py --tarball TARBALL --tree src/series --link build/series
                  --out out/check-series --patches PATCHES [--jobs N]
                  [--modules "NAME ..."] [--configure "OPTIONS"]
                  [--fail-first] --tests "TEST ..." [-- OPTIONS]

Step 0 is the before-state: the baseline part, or the pristine tarball for a
line with no baseline part.  Then, for each patch of the proposed part, in
order: push the series up to that patch in TREE (incrementally: only the new
patch is pushed), rebuild it in place with the configure OPTIONS of the
variant (incrementally; LINK links to it), and run the tests as `make check`
does (scripts/regrtest.py --strict), reports in OUT/.  Before the last step,
the test modules that the tree has not got yet (a later patch adds them) are
left out, and named.

--fail-first: before pushing a patch, its changes to Lib/test/ alone are
applied to the tree of the step before, and the test modules they touch must
fail there (the failing test cases are named); then they are taken out again
and the whole patch is pushed.  A patch with no test, or whose tests all
pass without its fix, is a bad step.

Stops at, and names, the first patch that breaks the build or a test.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junit  # noqa: E402
import regrtest  # noqa: E402
import workbench  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PROG = "check-series"


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


def test_hunks(patch_text):
    """The part of a patch that changes files under Lib/test/, and the
    regrtest modules those files belong to (Lib/test/test_x.py: test_x;
    Lib/test/test_pkg/...: test_pkg)."""
    sections = re.split(r"(?m)^(?=--- )", patch_text)
    kept, modules = [], []
    for section in sections[1:]:
        m = re.match(r"--- \S+\n\+\+\+ (?:b/)?(\S+)", section)
        if not m or not m.group(1).startswith("Lib/test/"):
            continue
        kept.append(section)
        first = m.group(1)[len("Lib/test/"):].split("/")[0]
        name = first[:-3] if first.endswith(".py") else first
        if name.startswith("test_") and name not in modules:
            modules.append(name)
    return "".join(kept), modules


def step(cmd):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.call(cmd, stdin=subprocess.DEVNULL) == 0


def patch_tree(tree, diff, reverse=False):
    """Apply (or take out) a diff to the tree with patch(1), exactly."""
    with tempfile.NamedTemporaryFile("w", suffix=".diff",
                                     delete=False) as f:
        f.write(diff)
    try:
        cmd = ["patch", "-p1", "-s", "-E", "--fuzz=0",
               "--no-backup-if-mismatch", "-d", tree, "-i", f.name]
        if reverse:
            cmd.insert(1, "-R")
        return step(cmd)
    finally:
        os.unlink(f.name)


def fails_first(tree, patch_path, report, jobs, extra, hangs):
    """Run the tests a patch adds or changes on the tree of the step before
    (the patch's Lib/test/ changes alone applied); return None when they
    fail there as they must, else why not."""
    with open(patch_path, encoding="utf-8") as f:
        diff, modules = test_hunks(f.read())
    if not modules:
        return "has no test (it changes no Lib/test/test_* file)"
    if not patch_tree(tree, diff):
        return "its tests do not apply without its fix"
    try:
        regrtest.run(regrtest.command(os.path.join(tree, "python"), report,
                                      jobs, extra, modules, hangs=hangs))
    finally:
        if not patch_tree(tree, diff, reverse=True):
            raise workbench.WorkbenchError(
                "{}: could not take the tests of {} out again; remove the "
                "tree".format(tree, os.path.basename(patch_path)))
    if not os.path.exists(report + ".xml"):
        return "its tests wrote no report without its fix"
    failed = sorted(junit.Results(report + ".xml", report + ".json")
                    .failed_cases())
    if not failed:
        return ("its tests ({}) pass without its fix: they cannot show "
                "what it fixes".format(" ".join(modules)))
    print("{}: without the fix, {} test case(s) fail as they must:"
          .format(PROG, len(failed)), flush=True)
    for name in failed:
        print("  " + name)
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", required=True)
    parser.add_argument("--tree", required=True,
                        help="the source tree the steps are built in")
    parser.add_argument("--link", required=True,
                        help="the build link to point at the tree")
    parser.add_argument("--out", required=True, help="the report folder")
    parser.add_argument("--patches", default=workbench.PATCHES,
                        help="the series folder")
    parser.add_argument("--python", default=sys.executable,
                        help="the Python that runs the workbench scripts")
    parser.add_argument("--modules", default="",
                        help="modules every build must import")
    parser.add_argument("--configure", default="",
                        help="the variant's configure options")
    parser.add_argument("--fail-first", action="store_true",
                        help="show each patch's tests failing without it")
    parser.add_argument("--tests", default="", help="the test modules")
    regrtest.add_run_arguments(parser)
    args = parser.parse_args(argv)
    jobs, extra = regrtest.run_arguments(args)
    tests = args.tests.split()
    # The input, before anything is made.
    if not os.path.isfile(args.tarball):
        raise workbench.WorkbenchError(
            "{}: no such file (run `make fetch`)".format(args.tarball))
    parts = workbench.series_parts(workbench.read_series(args.patches))
    if not parts["proposed"]:
        raise workbench.WorkbenchError(
            "{}/series has no proposed patch".format(args.patches))
    # (label, apply.py's selection of the step's patches)
    steps = ([("baseline", ["--upto", parts["baseline"][-1]])]
             if parts["baseline"] else [("pristine", ["--part", "none"])])
    steps += [(name, ["--upto", name]) for name in parts["proposed"]]
    os.makedirs(args.out, exist_ok=True)
    hangs = regrtest.known_hangs.options()
    results = []
    for i, (label, selection) in enumerate(steps):
        print("\n=== step {}/{}: up to {}".format(i, len(steps) - 1, label),
              flush=True)
        report = os.path.join(args.out, "step{}".format(i))
        ok, what = True, None
        if i and args.fail_first:
            why = fails_first(args.tree,
                              os.path.join(args.patches, label),
                              report + "-without-fix", jobs, extra,
                              hangs)
            if why:
                ok, what = False, why
        if ok:
            ok = step([args.python, os.path.join(HERE, "apply.py"),
                       "--tree", args.tree, "--tarball", args.tarball,
                       "--patches", args.patches] + selection)
            what = "does not apply"
        if ok:
            ok = step(["sh", os.path.join(HERE, "build.sh"), args.tree,
                       args.link, jobs, "--modules", args.modules,
                       "--patches", args.patches, "--"]
                      + args.configure.split())
            what = "breaks the build"
        step_tests = tests
        if ok and i < len(steps) - 1:
            # Only the whole series must have every test module.
            missing = tests_not_in_tree(args.tree, tests)
            if missing:
                print("{}: leaving out {}: added by a later patch"
                      .format(PROG, " ".join(missing)), flush=True)
                step_tests = [t for t in tests if t not in missing]
        if ok:
            ok = regrtest.run(regrtest.command(
                os.path.join(args.tree, "python"), report, jobs, extra,
                step_tests, strict=True, hangs=hangs)) == 0
            for problem in regrtest.strict_problems(report, step_tests):
                print("{}: {}".format(PROG, problem))
                ok = False
            what = "fails a test"
        results.append((label, "ok" if ok else what))
        if not ok:
            break
    print("\n=== check-series")
    for label, result in results:
        print("  {:60} {}".format(label, result))
    if results[-1][1] != "ok":
        raise workbench.WorkbenchError(
            "the first bad step is {}: it {}".format(*results[-1]))
    print("{}: all {} steps build and pass{}".format(
        PROG, len(results), ", each patch's tests failing without it first"
        if args.fail_first else ""))
    return 0


if __name__ == "__main__":
    sys.exit(workbench.run_main(PROG, main))
