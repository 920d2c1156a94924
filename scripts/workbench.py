"""Shared helpers of the workbench scripts: the pinned base and the series.

Standard library only; runs with any Python >= 3.7.
"""

import hashlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE_CONF = os.path.join(ROOT, "base.conf")
PATCHES = os.path.join(ROOT, "patches")

# The parts of patches/series, in the order they must appear.  A patch
# belongs to the part named by the first component of its path.
PARTS = ("baseline", "proposed")


class WorkbenchError(Exception):
    """A failure to report to the user in a line or two, without a traceback."""


def die(prog, err):
    print("{}: {}".format(prog, err), file=sys.stderr)
    sys.exit(1)


def read_conf(path=BASE_CONF):
    """Read base.conf: `KEY = value` lines, '#' comments, as Make reads it."""
    conf = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise WorkbenchError("{}:{}: expected KEY = value".format(path, lineno))
            conf[key.strip()] = value.strip()
    return conf


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_series(patches=PATCHES):
    """Return the patch names of patches/series, in order, without comments."""
    names = []
    with open(os.path.join(patches, "series"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                # quilt allows options after the name (e.g. -p1); keep the name.
                names.append(line.split()[0])
    return names


def series_parts(names):
    """Split the series into its parts, checking that they come in order.

    Returns a dict part -> list of names.
    """
    parts = {part: [] for part in PARTS}
    last = 0
    for name in names:
        part = name.split("/", 1)[0]
        if part not in parts:
            raise WorkbenchError(
                "patches/series: {} is in no part (its path must start with {})"
                .format(name, " or ".join(p + "/" for p in PARTS)))
        index = PARTS.index(part)
        if index < last:
            raise WorkbenchError(
                "patches/series: {} comes after a {} patch; the {} part must "
                "come first".format(name, PARTS[last], part))
        last = index
        parts[part].append(name)
    return parts


def patches_upto(names, part):
    """The prefix of the series that makes up `part` and the parts before it."""
    parts = series_parts(names)
    wanted = []
    for p in PARTS:
        wanted.extend(parts[p])
        if p == part:
            return wanted
    raise WorkbenchError("unknown part {!r} (one of: {})".format(part, ", ".join(PARTS)))


def read_dep3(path):
    """Return the DEP-3 header fields of a patch file as a dict.

    Continuation lines (starting with a space) are joined to their field with
    newlines; a line ' .' stands for an empty line.  The header ends at the
    first empty line or the first line of the diff.
    """
    fields = {}
    key = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith(("--- ", "diff ", "Index: ")):
                break
            if line[0] in " \t" and key is not None:
                text = line[1:]
                fields[key] += "\n" + ("" if text.strip() == "." else text)
                continue
            k, sep, v = line.partition(":")
            if not sep:
                break
            key = k.strip()
            fields[key] = v.strip()
    return fields
