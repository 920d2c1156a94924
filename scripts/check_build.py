#!/usr/bin/env python3
"""Check a CPython build right after its make, as a distro packager would.

  check_build.py --tree TREE --log MAKELOG

3.9's setup.py (3.13's Tools/build/check_extension_modules.py, in the same
words) reports the extension modules it could not build and still exits 0,
so make succeeds and the tests run without them (or with the .so of an
earlier build).  This fails the build when:

1. setup.py failed to build a module ("Failed to build these modules"), or
   built one that did not import ("removed because they could not be
   imported"); the .so files of such a module are removed, so that a stale
   one from an earlier build cannot be imported or tested;
2. setup.py did not find what a module needs ("The necessary bits ... were
   not found", or "disabled by configure"), unless
   scripts/modules-not-built.txt lists that module: only modules whose
   Debian build dependency scripts/deps.sh does not install may be missing;
3. a module the series touches (PyInit_* of each Modules/*.c file that a
   patch of --patches changes, and those of --modules) does not import with
   TREE/python, or its shared library is older than its C source.

Prints one line per problem and exits 1; prints one line and exits 0 when
the build is complete.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workbench  # noqa: E402

PROG = "check-build"
NOT_BUILT = os.path.join(workbench.ROOT, "scripts", "modules-not-built.txt")

# setup.py's summary: the heading of each list, and the line that ends it.
SECTIONS = (
    ("missing", "The necessary bits to build these optional modules were "
     "not found:", "To find the necessary bits"),
    ("disabled_configure", "been built, they are *disabled* by configure:",
     ""),
    ("disabled_configure", "modules are *disabled* in configure script:",
     ""),
    ("failed", "Failed to build these modules:", ""),
    ("failed_on_import", "but were removed because they could not be "
     "imported:", ""),
)

IMPORT_CODE = """\
import importlib, json, sys
out = {}
for name in sys.argv[1:]:
    try:
        mod = importlib.import_module(name)
    except BaseException as exc:
        out[name] = {"error": "%s: %s" % (type(exc).__name__, exc)}
    else:
        out[name] = {"file": getattr(mod, "__file__", None)}
print(json.dumps(out))
"""


def setup_summary(text):
    """Return {section: [module, ...]} from setup.py's summary in `text`."""
    found = {name: [] for name, _, _ in SECTIONS}
    current = None
    for line in text.splitlines():
        if current is None:
            for name, heading, _ in SECTIONS:
                if line.rstrip().endswith(heading):
                    current = name
                    end = dict((n, e) for n, _, e in SECTIONS)[name]
                    break
            continue
        if (end and line.startswith(end)) or (not end and not line.strip()):
            current = None
            continue
        found[current].extend(line.split())
    return found


def read_not_built(path=NOT_BUILT):
    """Return {module: package} from scripts/modules-not-built.txt."""
    allowed = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split(None, 2)
            if len(fields) < 3:
                raise workbench.WorkbenchError(
                    "{}:{}: expected MODULE PACKAGE REASON"
                    .format(path, lineno))
            allowed[fields[0]] = fields[1]
    return allowed


def touched_sources(patches_dir=workbench.PATCHES):
    """The Modules/*.c files that a patch of the series changes."""
    sources = set()
    for name in workbench.read_series(patches_dir):
        with open(os.path.join(patches_dir, name), encoding="utf-8",
                  errors="replace") as f:
            for line in f:
                m = re.match(r"\+\+\+ b/(Modules/\S+\.c)\s*$", line)
                if m:
                    sources.add(m.group(1))
    return sorted(sources)


def modules_to_import(tree, patches_dir=workbench.PATCHES, needed=()):
    """{module: C source or None}: the modules the series touches, and those
    the series' tests need whether or not a patch changes them."""
    modules = {}
    for source in touched_sources(patches_dir):
        path = os.path.join(tree, source)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for name in re.findall(r"\bPyInit_(\w+)\s*\(", f.read()):
                modules[name] = path
    for name in needed:
        if name not in modules:
            for candidate in (name + "module.c", name + ".c"):
                path = os.path.join(tree, "Modules", candidate)
                if os.path.exists(path):
                    modules[name] = path
                    break
            else:
                modules[name] = None
    return modules


def remove_built(tree, module):
    """Remove TREE/build/lib.*/MODULE*.so: what an earlier build left."""
    removed = []
    lib = os.path.join(tree, "build", "lib.*")
    for path in (glob.glob(os.path.join(lib, module + ".*so"))
                 + glob.glob(os.path.join(lib, module + ".so"))):
        os.unlink(path)
        removed.append(path)
    return removed


def import_check(tree, modules):
    """Problems (lines) importing `modules` with TREE/python."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    python = os.path.join(tree, "python")
    try:
        proc = subprocess.run([python, "-s", "-c", IMPORT_CODE]
                              + sorted(modules),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ["{} does not run: {}".format(python, exc)]
    try:
        results = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return ["{} could not import-check {}: {}".format(
            python, " ".join(sorted(modules)), tail)]
    problems = []
    for name in sorted(modules):
        result = results.get(name, {"error": "not checked"})
        if "error" in result:
            problems.append("{} does not import: {}".format(
                name, result["error"]))
            continue
        source, built = modules[name], result.get("file")
        if (source and built
                and os.path.getmtime(built) < os.path.getmtime(source)):
            problems.append("{} is stale: {} is older than {}".format(
                name, built, source))
    return problems


def check(tree, log, patches_dir=workbench.PATCHES, not_built=NOT_BUILT,
          needed=()):
    """Return the problems of the build in TREE, one line each."""
    with open(log, encoding="utf-8", errors="replace") as f:
        summary = setup_summary(f.read())
    allowed = read_not_built(not_built)
    problems = []
    for section, what in (("failed", "setup.py failed to build"),
                          ("failed_on_import", "setup.py built but could not "
                           "import")):
        for module in summary[section]:
            removed = remove_built(tree, module)
            problems.append("{} {}{}".format(
                what, module, " (removed the stale {})".format(
                    ", ".join(removed)) if removed else ""))
    for section, what in (("missing", "setup.py did not find what {} needs"),
                          ("disabled_configure", "configure disabled {}")):
        for module in summary[section]:
            if module not in allowed:
                problems.append(
                    (what + ", though scripts/deps.sh provides it (not in "
                     "scripts/modules-not-built.txt)").format(module))
    problems += import_check(tree, modules_to_import(tree, patches_dir,
                                                     needed))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", required=True, help="the built source tree")
    parser.add_argument("--log", required=True, help="the log of its make")
    parser.add_argument("--patches", default=workbench.PATCHES,
                        help="the series folder (its series file's patches)")
    parser.add_argument("--modules", default="",
                        help="modules that must import whether or not a "
                        "patch changes them, separated by spaces")
    parser.add_argument("--not-built", default=NOT_BUILT,
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not os.path.isdir(args.tree):
        raise workbench.WorkbenchError(
            "{}: no such source tree".format(args.tree))
    problems = check(args.tree, args.log, args.patches, args.not_built,
                     args.modules.split())
    for problem in problems:
        print("{}: {}: {}".format(PROG, args.tree, problem), file=sys.stderr)
    if problems:
        return 1
    print("{}: {}: every expected extension module built; the series' "
          "modules import".format(PROG, args.tree))
    return 0


if __name__ == "__main__":
    sys.exit(workbench.run_main(PROG, main))
