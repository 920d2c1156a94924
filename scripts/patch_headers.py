#!/usr/bin/env python3
"""File names with spaces in patch headers (e.g. Misc/NEWS.d/next/Core and
Builtins/).

GNU patch (and so quilt push) reads a `--- `/`+++ ` header's file name up to
the first white space unless a TAB ends it.  quilt refresh with
--no-timestamps writes no TAB, so `+++ b/Misc/NEWS.d/next/Core and
Builtins/x.rst` would create a file `Misc/NEWS.d/next/Core`.  git puts a TAB
after such names; so do we.

  patch_headers.py --check [PATCH...]   list the header lines that need a TAB
  patch_headers.py --fix [PATCH...]     add it (idempotent); run after
                                        `quilt refresh`

Without PATCH, every patch of patches/series.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workbench  # noqa: E402

NEEDS_TAB = re.compile(r"^(?:---|\+\+\+) (?!/dev/null)[^\t]* [^\t]*$")


def header_indexes(lines):
    """Indexes of the `--- `/`+++ ` lines that head a hunk (not diff
    content)."""
    for i in range(len(lines) - 2):
        if (lines[i].startswith("--- ") and lines[i + 1].startswith("+++ ")
                and lines[i + 2].startswith("@@ ")):
            yield i
            yield i + 1


def unterminated(text):
    """Header lines that hold a name with a space and no TAB after it."""
    lines = text.split("\n")
    return [lines[i] for i in header_indexes(lines)
            if NEEDS_TAB.match(lines[i])]


def fix(text):
    lines = text.split("\n")
    for i in header_indexes(lines):
        if NEEDS_TAB.match(lines[i]):
            lines[i] += "\t"
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--fix", action="store_true")
    parser.add_argument("patches", nargs="*")
    args = parser.parse_args(argv)
    if not args.patches:
        args.patches = [os.path.join(workbench.PATCHES, name)
                        for name in workbench.read_series()]
    bad = 0
    for path in args.patches:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        lines = unterminated(text)
        if not lines:
            continue
        if args.fix:
            with open(path, "w", encoding="utf-8") as f:
                f.write(fix(text))
            print("{}: added a TAB after {} file name(s) with spaces"
                  .format(path, len(lines)))
        else:
            bad += 1
            for line in lines:
                print("{}: no TAB after a file name with spaces: {}"
                      .format(path, line))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(workbench.run_main("fix-headers", main))
