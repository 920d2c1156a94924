#!/usr/bin/env python3
"""Make a source tree from the tarball and push the series onto it with quilt.

  apply.py --tree src/patched --tarball cache/<BASE_TARBALL> [--part baseline]
  apply.py --tree src/patched --pop

The tree is unpacked once (into a temporary name, renamed when complete), with
a `patches` link to the repository's patches/.  Pushing is incremental: the
patches already applied stay, unless a patch file changed since it was pushed
(or the series changed below it), in which case the tree is popped down to the
first such patch and pushed again.  Each patch is pushed on its own with
--fuzz=0; one that needs fuzz or an offset, or does not apply at all, is named
and the tree is left at the last patch that applied cleanly.
"""

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import patch_headers  # noqa: E402
import workbench  # noqa: E402

PROG = "apply"
PUSHED = ".workbench-pushed"   # in the tree: a copy of each patch as pushed
SLOPPY = re.compile(r"^Hunk #\d+ succeeded at \d+ .*(offset|fuzz)", re.M)


def log(msg):
    print("{}: {}".format(PROG, msg), flush=True)


class Tree:
    def __init__(self, tree, patches, quiltrc):
        self.tree = tree
        self.patches = patches
        self.quiltrc = quiltrc

    # -- quilt ----------------------------------------------------------------

    def quilt(self, *args, check=True):
        cmd = ["quilt", "--quiltrc", self.quiltrc] + list(args)
        try:
            proc = subprocess.run(cmd, cwd=self.tree, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, universal_newlines=True,
                                  stdin=subprocess.DEVNULL,
                                  env=dict(os.environ, QUILT_PATCHES="patches"))
        except FileNotFoundError:
            raise workbench.WorkbenchError("quilt is not installed (run `make deps`)")
        if check and proc.returncode != 0:
            raise workbench.WorkbenchError(
                "`quilt {}` failed in {}:\n{}".format(" ".join(args), self.tree,
                                                     proc.stdout.rstrip()))
        return proc

    def applied(self):
        path = os.path.join(self.tree, ".pc", "applied-patches")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]

    # -- what was pushed: a copy of each patch as it was when pushed -------------

    def pushed_copy(self, name):
        return os.path.join(self.tree, PUSHED, name)

    def unchanged(self, name):
        """Is patches/NAME the same as when it was pushed?"""
        try:
            with open(self.pushed_copy(name), "rb") as f:
                pushed = f.read()
            with open(os.path.join(self.patches, name), "rb") as f:
                return f.read() == pushed
        except OSError:
            return False

    def remember(self, name):
        copy = self.pushed_copy(name)
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        shutil.copyfile(os.path.join(self.patches, name), copy + ".tmp")
        os.replace(copy + ".tmp", copy)

    def forget(self, name):
        if os.path.exists(self.pushed_copy(name)):
            os.unlink(self.pushed_copy(name))

    # -- steps ------------------------------------------------------------------

    def unpack(self, tarball):
        if os.path.isdir(self.tree):
            return False
        parent = os.path.dirname(os.path.abspath(self.tree))
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=os.path.basename(self.tree) + ".unpacking.",
                               dir=parent)
        # mkdtemp makes the folder private (0700); a source tree is not: tests
        # run interpreters as other users (test_subprocess's test_user).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        try:
            proc = subprocess.run(["tar", "-x", "-f", tarball, "-C", tmp,
                                   "--strip-components=1"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  universal_newlines=True)
            if proc.returncode != 0:
                raise workbench.WorkbenchError(
                    "could not unpack {}: {}".format(tarball, proc.stdout.strip()))
            rel = os.path.relpath(os.path.abspath(self.patches), os.path.abspath(self.tree))
            os.symlink(rel, os.path.join(tmp, "patches"))
            os.rename(tmp, self.tree)
        finally:
            if os.path.isdir(tmp):
                shutil.rmtree(tmp)
        log("unpacked {} into {}".format(os.path.basename(tarball), self.tree))
        return True

    def pop_one(self):
        """Pop the top patch; mark its files as changed so builds see them.

        When the patch file changed since it was pushed, quilt can no longer
        check that it removes cleanly; the copy kept at push time can: if the
        tree is exactly as that copy left it, the pop is forced (quilt then
        restores the files it saved), otherwise the tree holds changes that
        are in no patch and nothing is popped.
        """
        top = self.applied()[-1]
        files = self.quilt("files").stdout.split()
        proc = self.quilt("pop", check=False)
        if proc.returncode != 0:
            if not self.matches_pushed_copy(top):
                raise workbench.WorkbenchError(
                    "{} has changes that are not in {} (refresh them with `quilt "
                    "refresh`, or remove the tree); nothing was popped.\n{}".format(
                        self.tree, top, indent(proc.stdout)))
            self.quilt("pop", "-f")
        self.forget(top)
        for name in files:
            path = os.path.join(self.tree, name)
            if os.path.exists(path):
                os.utime(path)
        return top

    @contextlib.contextmanager
    def series_of_applied(self, applied):
        """quilt refuses to pop when the applied patches are no longer the
        start of the series (a patch was inserted below them, reordered or
        removed).  It reads .pc/series before patches/series, so while
        popping, that file lists the applied patches as they were pushed."""
        series = workbench.read_series(self.patches)
        if series[:len(applied)] == applied:
            yield
            return
        path = os.path.join(self.tree, ".pc", "series")
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(name + "\n" for name in applied))
        try:
            yield
        finally:
            os.unlink(path)

    def matches_pushed_copy(self, name):
        copy = self.pushed_copy(name)
        if not os.path.exists(copy):
            return False
        proc = subprocess.run(["patch", "-R", "-p1", "--dry-run", "-s", "-f", "-i", copy],
                              cwd=self.tree, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        return proc.returncode == 0

    def sync(self, wanted):
        """Make the applied patches equal to `wanted`, a prefix of the series."""
        applied = self.applied()
        keep = 0
        while (keep < len(applied) and keep < len(wanted)
               and applied[keep] == wanted[keep] and self.unchanged(applied[keep])):
            keep += 1
        with self.series_of_applied(applied):
            while len(self.applied()) > keep:
                log("popped {} (changed, or no longer wanted)".format(self.pop_one()))
        for name in wanted[keep:]:
            self.push(name)
        if keep == len(wanted):
            log("{}: {} patches applied, nothing to do".format(self.tree, keep))
        else:
            log("{}: now at {}".format(self.tree, wanted[-1] if wanted else "no patch"))

    def push(self, name):
        with open(os.path.join(self.patches, name), encoding="utf-8") as f:
            unterminated = patch_headers.unterminated(f.read())
        if unterminated:
            # patch would cut the name at its first space and make a wrong file.
            raise workbench.WorkbenchError(
                "patch {} names a file with spaces and no TAB after it (quilt refresh "
                "drops it): run `make fix-headers`.\n{}".format(
                    name, indent("\n".join(unterminated))))
        proc = self.quilt("push", "--fuzz=0", check=False)
        applied = self.applied()
        top = applied[-1] if applied else None
        if proc.returncode != 0 or top != name:
            last = applied[-1] if applied else "no patch (pristine {})".format(self.tree)
            raise workbench.WorkbenchError(
                "patch {} does not apply; {} is left at {}.\n{}".format(
                    name, self.tree, last, indent(proc.stdout)))
        self.remember(name)
        sloppy = SLOPPY.search(proc.stdout)
        if sloppy:
            self.pop_one()
            applied = self.applied()
            last = applied[-1] if applied else "no patch"
            raise workbench.WorkbenchError(
                "patch {} applies only with {}: refresh it (`quilt refresh`); {} is "
                "left at {}.\n{}".format(name, sloppy.group(1), self.tree, last,
                                         indent(proc.stdout)))
        log("applied " + name)


def indent(text):
    return "\n".join("    " + line for line in text.rstrip().splitlines())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", required=True, help="the source tree")
    parser.add_argument("--tarball", help="the verified tarball to unpack a new tree from")
    parser.add_argument("--part", default=workbench.PARTS[-1],
                        choices=("none",) + workbench.PARTS,
                        help="push the series up to the end of this part "
                             "(default: %(default)s, i.e. the whole series; "
                             "none: the pristine tarball)")
    parser.add_argument("--upto", metavar="PATCH",
                        help="push the series up to and including PATCH instead")
    parser.add_argument("--pop", action="store_true", help="pop every patch instead")
    parser.add_argument("--patches", default=workbench.PATCHES)
    parser.add_argument("--quiltrc", default=os.path.join(workbench.ROOT, "quiltrc"))
    args = parser.parse_args(argv)
    tree = Tree(args.tree, args.patches, os.path.abspath(args.quiltrc))
    try:
        if args.pop:
            if not os.path.isdir(args.tree):
                log("{}: no tree, nothing to pop".format(args.tree))
                return 0
            while tree.applied():
                log("popped " + tree.pop_one())
            log("{}: no patch applied".format(args.tree))
            return 0
        series = workbench.read_series(args.patches)
        if args.upto:
            if args.upto not in series:
                raise workbench.WorkbenchError("{} is not in the series".format(args.upto))
            wanted = series[:series.index(args.upto) + 1]
        elif args.part == "none":
            wanted = []
        else:
            wanted = workbench.patches_upto(series, args.part)
        if not os.path.isdir(args.tree):
            if not args.tarball:
                raise workbench.WorkbenchError("{}: no tree and no --tarball".format(args.tree))
            tree.unpack(args.tarball)
        tree.sync(wanted)
    except workbench.WorkbenchError as exc:
        workbench.die(PROG, exc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
