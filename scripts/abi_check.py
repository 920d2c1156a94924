#!/usr/bin/env python3
"""libpython's ABI of two shared builds compared by abidiff (make abi-check).

    abi_check.py --old src/pristine-shared --new src/patched-shared --out DIR

Both trees are CPython builds configured with --enable-shared, whose
libpython3.X.so.1.0 carries debug info (the -g of every default build):
abidiff reads the types from it, so a moved or added field of
PyThreadState or PyInterpreterState is a change (3.9.3 was recalled for
one, bpo-43710; bpo-43725 added abidiff to CPython's CI).  Any change that
abidiff reports fails: a bugfix release keeps its ABI.

Before comparing, each tree's python is run with its own libpython
(LD_LIBRARY_PATH), so a broken build is not taken for a library.  The full
report goes to DIR/report.txt; the last line printed is the verdict.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workbench  # noqa: E402

PROG = "abi-check"

# abidiff's exit status is a bit field (libabigail's abidiff documentation).
ABIDIFF_ERROR = 1
ABIDIFF_USAGE_ERROR = 2
ABIDIFF_ABI_CHANGE = 4
ABIDIFF_ABI_INCOMPATIBLE_CHANGE = 8


def library(tree):
    """The one libpython*.so.1.0 of a shared build in TREE."""
    if not os.path.isdir(tree):
        raise workbench.WorkbenchError(
            "{}: no such tree (make abi-check builds it)".format(tree))
    found = sorted(glob.glob(os.path.join(tree, "libpython*.so.1.0")))
    if len(found) != 1:
        what = "no" if not found else "more than one"
        raise workbench.WorkbenchError(
            "{}: {} libpython*.so.1.0: not a --enable-shared build".format(
                tree, what))
    lib = found[0]
    with open(lib, "rb") as f:
        if b".debug_info" not in f.read():
            raise workbench.WorkbenchError(
                "{}: no debug info (.debug_info): abidiff could only compare "
                "symbol names; configure without stripping -g".format(lib))
    return lib


def run_python(tree):
    """Run TREE/python on its own libpython; return its version line."""
    python = os.path.join(tree, "python")
    env = dict(os.environ)
    libdir = os.path.abspath(tree)
    old = env.get("LD_LIBRARY_PATH")
    env["LD_LIBRARY_PATH"] = libdir + (":" + old if old else "")
    code = "import sys; print(sys.version.split()[0])"
    try:
        proc = subprocess.run([python, "-c", code], env=env,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True,
                              stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise workbench.WorkbenchError(
            "{}: cannot run: {}".format(python, exc))
    if proc.returncode != 0:
        last = (proc.stdout.strip().splitlines() or ["no output"])[-1]
        raise workbench.WorkbenchError(
            "{} (LD_LIBRARY_PATH={}) exited {}: {}".format(
                python, libdir, proc.returncode, last))
    return proc.stdout.strip()


def summary(report):
    """abidiff's summary lines, shortened to one phrase each."""
    parts = []
    for kind in ("Functions", "Variables"):
        m = re.search(r"^{} changes summary: (.*)$".format(kind), report, re.M)
        if m:
            counts = re.sub(r" \(\d+ filtered out\)", "", m.group(1))
            counts = re.sub(r" (functions?|variables?)$", "", counts)
            parts.append("{}: {}".format(kind.lower(), counts.lower()))
    for kind in ("Function symbols", "Variable symbols"):
        m = re.search(r"^{} changes summary: (.*)$".format(kind), report, re.M)
        if m and not re.match(r"0 Removed, 0 Added", m.group(1)):
            parts.append("{} without debug info: {}".format(
                kind.lower().split()[0], m.group(1).lower()))
    return "; ".join(parts)


def compare(old, new, out, abidiff="abidiff"):
    """Return (ok, verdict line)."""
    if shutil.which(abidiff) is None:
        raise workbench.WorkbenchError(
            "{} not found: run `make deps abi-check` "
            "(Debian's abigail-tools)".format(abidiff))
    old_lib, new_lib = library(old), library(new)
    if os.path.basename(old_lib) != os.path.basename(new_lib):
        raise workbench.WorkbenchError(
            "{} and {}: not the same library; build both trees with the "
            "same options".format(old_lib, new_lib))
    for tree in (old, new):
        print("{}: {}/python {} runs on {}".format(
            PROG, tree, run_python(tree), os.path.basename(old_lib)))
    cmd = [abidiff, old_lib, new_lib]
    print("+ " + " ".join(cmd), flush=True)
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True,
                              stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise workbench.WorkbenchError("{}: {}".format(abidiff, exc))
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "report.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("$ {}\n{}".format(" ".join(cmd), proc.stdout))
    status = proc.returncode
    what = "{} of {} against {}".format(os.path.basename(new_lib), new, old)
    if status & (ABIDIFF_ERROR | ABIDIFF_USAGE_ERROR) or status < 0:
        last = (proc.stdout.strip().splitlines() or ["no output"])[-1]
        raise workbench.WorkbenchError(
            "abidiff failed (exit {}) on {}: {}; report: {}".format(
                status, what, last, path))
    if status == 0:
        return True, "{}: OK: no ABI change, {} (abidiff exit 0)".format(
            PROG, what)
    kind = ("incompatible ABI change"
            if status & ABIDIFF_ABI_INCOMPATIBLE_CHANGE else "ABI change")
    lines = proc.stdout.rstrip().splitlines()
    shown = lines[:60]
    print("\n".join(shown))
    if len(lines) > len(shown):
        print("[... {} more lines in {}]".format(len(lines) - len(shown),
                                                 path))
    verdict = "{}: FAILED: {}, {}: {} (abidiff exit {}); report: {}"
    return False, verdict.format(
        PROG, kind, what, summary(proc.stdout) or "see the report", status,
        path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True,
                        help="the reference shared build (pristine)")
    parser.add_argument("--new", required=True,
                        help="the shared build to check")
    parser.add_argument("--out", required=True, help="the report folder")
    parser.add_argument("--abidiff", default="abidiff", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    ok, verdict = compare(args.old, args.new, args.out, args.abidiff)
    print(verdict)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(workbench.run_main(PROG, main))
