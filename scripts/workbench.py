"""Shared helpers of the workbench scripts: the pinned base and the series.

Standard library only; runs with any Python >= 3.7.
"""

import argparse
import errno
import hashlib
import os
import signal
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE_CONF = os.path.join(ROOT, "base.conf")
PATCHES = os.path.join(ROOT, "patches")

# The parts of patches/series, in the order they must appear.  A patch
# belongs to the part named by the first component of its path.
PARTS = ("baseline", "proposed")


class WorkbenchError(Exception):
    """A failure to report to the user in a line or two, without a
    traceback."""


class UsageError(WorkbenchError):
    """A bad command line (argparse's errors under run_main): exit 2."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised like KeyboardInterrupt so that every
    `finally` removes what the step had half made."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _terminated(signum, frame):
    raise Terminated(signum)


def os_error(exc):
    """An OSError as one line: what failed, on which path."""
    what = exc.strerror or str(exc)
    if exc.filename is not None and exc.filename2 is not None:
        return "{} -> {}: {}".format(exc.filename, exc.filename2, what)
    if exc.filename is not None:
        return "{}: {}".format(exc.filename, what)
    return what


# Under run_main, argparse's errors are one line: its own error() prints the
# usage first, several lines for most scripts.
def _usage_error(parser, message):
    raise UsageError("{} (see {} --help)".format(message, parser.prog))


def run_main(prog, main, argv=None):
    """Run a script's main(argv) as the contract wants failures reported:
    a WorkbenchError, an OSError (unwritable folder, full disk, a file that
    is a folder...) or a failed command in a line or two, never a traceback,
    exit 1; a bad command line (argparse) in one line, exit 2; Ctrl-C,
    SIGTERM or SIGHUP in one line, exit 128 + the signal, after the
    `finally` blocks removed what was half made.  Every script of scripts/
    that the host's python3 runs enters through this, and so does
    run_patchcheck.py (tests/test_errors.py runs them all)."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _terminated)
    error = argparse.ArgumentParser.error
    argparse.ArgumentParser.error = _usage_error
    try:
        return main(argv)
    except UsageError as exc:
        print("{}: {}".format(prog, exc), file=sys.stderr)
        return 2
    except WorkbenchError as exc:
        print("{}: {}".format(prog, exc), file=sys.stderr)
    except subprocess.CalledProcessError as exc:
        cmd = exc.cmd if isinstance(exc.cmd, str) else " ".join(exc.cmd)
        print("{}: `{}` failed (exit status {})".format(
            prog, cmd, exc.returncode), file=sys.stderr)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            hint = " (free some space and run it again)"
        elif exc.errno == errno.EROFS:
            hint = " (work in a writable checkout)"
        else:
            hint = ""
        print("{}: {}{}".format(prog, os_error(exc), hint), file=sys.stderr)
    except KeyboardInterrupt:
        print("\n{}: interrupted; its temporary files were removed".format(
            prog), file=sys.stderr)
        return 128 + signal.SIGINT
    except Terminated as exc:
        print("{}: killed by signal {}; its temporary files were removed"
              .format(prog, exc.signum), file=sys.stderr)
        return 128 + exc.signum
    finally:
        argparse.ArgumentParser.error = error
    return 1


def pid_tag():
    """Put in the names of temporary files and folders, so that a later run
    can tell the leftovers of a dead process from those of a running one."""
    return "pid{}.".format(os.getpid())


def leftover(name):
    """Is NAME, a temporary name made with pid_tag(), the leftover of a
    process that is gone?  (Names with no tag are leftovers too; call this
    before making temporary files of one's own.)"""
    for part in name.split("."):
        if part.startswith("pid") and part[3:].isdigit():
            pid = int(part[3:])
            if pid == os.getpid():
                return True
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            except OSError:
                return False     # alive, another user's
            return False
    return True


def read_conf(path=BASE_CONF, line=None):
    """The facts of one line of work from base.conf (`KEY_<line> = value`
    lines, '#' comments, as Make reads it), as {KEY: value}; `line` None is
    the default line, the first of LINES.  An unknown line is refused,
    naming the known ones."""
    raw = {}
    with open(path, encoding="utf-8") as f:
        for lineno, text in enumerate(f, 1):
            text = text.strip()
            if not text or text.startswith("#"):
                continue
            key, sep, value = text.partition("=")
            if not sep or not key.strip():
                raise WorkbenchError("{}:{}: expected KEY = value"
                                     .format(path, lineno))
            raw[key.strip()] = value.strip()
    lines = raw.get("LINES", "").split()
    if not lines:
        raise WorkbenchError("{}: no LINES = ... line".format(path))
    if line is None:
        line = lines[0]
    if line not in lines:
        raise WorkbenchError("LINE={}: unknown line; the lines are {}".format(
            line, ", ".join(lines)))
    suffix = "_" + line
    conf = {key[:-len(suffix)]: value for key, value in raw.items()
            if key.endswith(suffix)}
    conf["LINE"] = line
    return conf


def conf_lines(path=BASE_CONF):
    """The lines of work base.conf names, the default first."""
    with open(path, encoding="utf-8") as f:
        for text in f:
            key, sep, value = text.partition("=")
            if sep and key.strip() == "LINES":
                return value.split()
    raise WorkbenchError("{}: no LINES = ... line".format(path))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_series(patches=PATCHES):
    """Return the patch names of patches/series, in order, without comments."""
    names = []
    path = os.path.join(patches, "series")
    try:
        f = open(path, encoding="utf-8")
    except OSError as exc:
        raise WorkbenchError("cannot read the series: {}".format(
            os_error(exc)))
    with f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                # quilt allows options after the name (e.g. -p1); keep the
                # name.
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
                "patches/series: {} is in no part (its path must start with "
                "{})"
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
    """The prefix of the series that makes up `part` and the parts before
    it."""
    parts = series_parts(names)
    wanted = []
    for p in PARTS:
        wanted.extend(parts[p])
        if p == part:
            return wanted
    raise WorkbenchError("unknown part {!r} (one of: {})"
                         .format(part, ", ".join(PARTS)))


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
            if not line.strip() or line.startswith(("--- ", "diff ",
                                                    "Index: ")):
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
