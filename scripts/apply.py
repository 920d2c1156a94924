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

No edit is lost: a changed patch is popped only when the tree's files are
exactly what the copy of it kept at push time made of quilt's backups (what
quilt pop itself checks, with the patch as it was pushed).  The content of
every file the workbench wrote (unpacked or pushed) is recorded, so that an
edit nobody refreshed is named, also in a file of no patch, which quilt
cannot see.
"""

import argparse
import contextlib
import hashlib
import json
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
# ... and the size, mtime and SHA-256 of each file as the workbench left it.
STATE = os.path.join(PUSHED, "files.json")
NOT_SOURCES = {".pc", "patches", PUSHED}
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
                                  stderr=subprocess.STDOUT,
                                  universal_newlines=True,
                                  stdin=subprocess.DEVNULL,
                                  env=dict(os.environ,
                                           QUILT_PATCHES="patches"))
        except FileNotFoundError:
            raise workbench.WorkbenchError(
                "quilt is not installed (run `make deps`)")
        if check and proc.returncode != 0:
            raise workbench.WorkbenchError(
                "`quilt {}` failed in {}:\n{}".format(
                    " ".join(args), self.tree, proc.stdout.rstrip()))
        return proc

    def applied(self):
        path = os.path.join(self.tree, ".pc", "applied-patches")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]

    # -- what was pushed: a copy of each patch as it was when pushed ----------

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

    # -- steps ---------------------------------------------------------------

    def unpacking_prefix(self):
        parent = os.path.dirname(os.path.abspath(self.tree))
        return parent, os.path.basename(self.tree) + ".unpacking."

    def remove_leftovers(self):
        """Half-unpacked trees of a run that is gone (SIGKILL, power cut)."""
        parent, prefix = self.unpacking_prefix()
        try:
            names = os.listdir(parent)
        except OSError:
            return
        for name in names:
            if name.startswith(prefix) and workbench.leftover(name):
                shutil.rmtree(os.path.join(parent, name), ignore_errors=True)
                log("removed {}, left by an interrupted run".format(
                    os.path.join(parent, name)))

    def unpack(self, tarball):
        if os.path.isdir(self.tree):
            return False
        parent, prefix = self.unpacking_prefix()
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=prefix + workbench.pid_tag(),
                               dir=parent)
        # mkdtemp makes the folder private (0700); a source tree is not: tests
        # run interpreters as other users (test_subprocess's test_user).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        try:
            # --no-same-owner: as root, tar would give the files the
            # tarball's uid.
            proc = subprocess.run(["tar", "-x", "-f", tarball, "-C", tmp,
                                   "--strip-components=1",
                                   "--no-same-owner"],
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  universal_newlines=True)
            if proc.returncode != 0:
                raise workbench.WorkbenchError(
                    "could not unpack {}: {}".format(
                        tarball, (proc.stdout.strip() or "?").splitlines()[0]))
            rel = os.path.relpath(os.path.abspath(self.patches),
                                  os.path.abspath(self.tree))
            os.symlink(rel, os.path.join(tmp, "patches"))
            record_files(tmp, list(source_files(tmp)))
            os.rename(tmp, self.tree)
        finally:
            if os.path.isdir(tmp):
                shutil.rmtree(tmp)
        log("unpacked {} into {}".format(os.path.basename(tarball), self.tree))
        return True

    def tracked(self, name):
        """The files quilt keeps a backup of for the applied patch NAME."""
        backup = os.path.join(self.tree, ".pc", name)
        files = []
        for top, dirs, names in os.walk(backup):
            for n in names:
                path = os.path.relpath(os.path.join(top, n), backup)
                if path != ".timestamp":
                    files.append(path)
        return sorted(files)

    def pop_one(self):
        """Pop the top patch; mark its files as changed so builds see them.

        When the patch file changed since it was pushed, quilt can no longer
        check that it removes cleanly; the copy kept at push time can: if the
        tree is exactly as that copy left it, the pop is forced (quilt then
        restores the files it saved), otherwise the tree holds changes that
        are in no patch and nothing is popped.
        """
        top = self.applied()[-1]
        files = self.tracked(top)
        proc = self.quilt("pop", check=False)
        if proc.returncode != 0:
            edited, diff = self.edited_since_push(top, files)
            if edited:
                raise workbench.WorkbenchError(
                    "{} has changes that are not in {} as it was pushed (in "
                    "{}); nothing was popped.\nSave them: `cd {} && quilt "
                    "pop -f` would drop them; then `make apply` pushes the "
                    "new {}.\n{}".format(
                        self.tree, top, ", ".join(edited[:5]) +
                        (", ..." if len(edited) > 5 else ""), self.tree, top,
                        indent(diff)))
            self.quilt("pop", "-f")
        self.forget(top)
        for name in files:
            path = os.path.join(self.tree, name)
            if os.path.exists(path):
                os.utime(path)
        record_files(self.tree, files)
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

    def edited_since_push(self, name, files):
        """The files of the top patch NAME that differ from what the copy of
        NAME kept at push time makes of quilt's backups, and a diff of those
        edits (every file when there is no such copy or it does not apply).
        """
        copy = os.path.abspath(self.pushed_copy(name))
        if not os.path.exists(copy):
            return files or [name], "(no copy of {} as pushed)".format(name)
        backup = os.path.join(self.tree, ".pc", name)
        tmp = tempfile.mkdtemp(prefix="apply-check.")
        try:
            for path in files:
                src = os.path.join(backup, path)
                if os.path.getsize(src):   # quilt: empty = did not exist
                    os.makedirs(os.path.dirname(os.path.join(tmp, path)),
                                exist_ok=True)
                    shutil.copyfile(src, os.path.join(tmp, path))
            proc = subprocess.run(
                ["patch", "-p1", "-s", "-f", "-E", "--fuzz=0",
                 "--no-backup-if-mismatch", "-i", copy],
                cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                universal_newlines=True, stdin=subprocess.DEVNULL)
            if proc.returncode != 0:
                return files, "the copy as pushed does not apply to quilt's " \
                    "backups:\n" + proc.stdout
            edited = [path for path in files
                      if content(os.path.join(self.tree, path)) !=
                      content(os.path.join(tmp, path))]
            diff = []
            for path in edited[:3]:
                proc = subprocess.run(
                    ["diff", "-u", "--label", "as pushed/" + path,
                     "--label", "now/" + path,
                     os.path.join(tmp, path) if os.path.exists(
                         os.path.join(tmp, path)) else "/dev/null",
                     os.path.join(self.tree, path) if os.path.exists(
                         os.path.join(self.tree, path)) else "/dev/null"],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    universal_newlines=True, errors="replace")
                diff += proc.stdout.splitlines()
            if len(diff) > 30:
                diff = diff[:30] + ["..."]
            return edited, "\n".join(diff)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def not_a_quilt_tree(self):
        """Patches were pushed, but .pc (quilt's record of them) is gone."""
        pushed = os.path.join(self.tree, PUSHED)
        if os.path.isdir(os.path.join(self.tree, ".pc")):
            return
        copies = [n for top, dirs, names in os.walk(pushed) for n in names
                  if n.endswith(".patch")]
        if copies:
            raise workbench.WorkbenchError(
                "{} is not a quilt tree any more: its .pc folder is gone, but "
                "{} patch(es) were pushed onto it, so quilt can neither pop "
                "nor push them.\nSave any edits you made in it, then remove "
                "it (rm -rf {}) and run `make apply` again.".format(
                    self.tree, len(copies), self.tree))

    def warn_edits(self):
        """Name the files changed since the workbench wrote them: edits
        nobody refreshed (quilt refresh), or in files of no patch."""
        edited = changed_files(self.tree)
        if not edited:
            return
        owner = {}
        for name in self.applied():
            for path in self.tracked(name):
                owner[path] = name
        lines = []
        for path in edited[:10]:
            if path in owner:
                lines.append("    {} (in {}: not refreshed)".format(
                    path, owner[path]))
            else:
                lines.append("    {} (in no patch: quilt cannot see it)"
                             .format(path))
        if len(edited) > 10:
            lines.append("    ... and {} more".format(len(edited) - 10))
        log("warning: {} has {} edited file(s) that no patch holds: `quilt "
            "refresh` them, or `quilt add` them to a patch first (or they "
            "stay out of the series):\n{}".format(
                self.tree, len(edited), "\n".join(lines)))

    def sync(self, wanted):
        """Make the applied patches equal to `wanted`, a prefix of the
        series."""
        self.not_a_quilt_tree()
        applied = self.applied()
        keep = 0
        while (keep < len(applied) and keep < len(wanted)
               and applied[keep] == wanted[keep]
               and self.unchanged(applied[keep])):
            keep += 1
        with self.series_of_applied(applied):
            while len(self.applied()) > keep:
                log("popped {} (changed, or no longer wanted)"
                    .format(self.pop_one()))
        for name in wanted[keep:]:
            self.push(name)
        if keep == len(wanted):
            log("{}: {} patches applied, nothing to do".format(self.tree,
                                                               keep))
        else:
            log("{}: now at {}".format(self.tree,
                                       wanted[-1] if wanted else "no patch"))
        self.warn_edits()

    def push(self, name):
        with open(os.path.join(self.patches, name), encoding="utf-8") as f:
            unterminated = patch_headers.unterminated(f.read())
        if unterminated:
            # patch would cut the name at its first space and make a wrong
            # file.
            raise workbench.WorkbenchError(
                "patch {} names a file with spaces and no TAB after it (quilt "
                "refresh drops it): run `make fix-headers`.\n{}".format(
                    name, indent("\n".join(unterminated))))
        proc = self.quilt("push", "--fuzz=0", check=False)
        applied = self.applied()
        top = applied[-1] if applied else None
        if proc.returncode != 0 or top != name:
            last = applied[-1] if applied else "no patch"
            raise workbench.WorkbenchError(
                "patch {} does not apply; {} is left at {}.\n{}".format(
                    name, self.tree, last, indent(proc.stdout)))
        self.remember(name)
        record_files(self.tree, self.tracked(name))
        sloppy = SLOPPY.search(proc.stdout)
        if sloppy:
            self.pop_one()
            applied = self.applied()
            last = applied[-1] if applied else "no patch"
            rc = "quilt --quiltrc " + self.quiltrc
            raise workbench.WorkbenchError(
                "patch {} applies only with {}; {} is left at {}.\nRefresh "
                "it: cd {} && {} push {} && {} refresh {} && cd - && make "
                "fix-headers\n{}".format(
                    name, sloppy.group(1), self.tree, last, self.tree, rc,
                    name, rc, name, indent(proc.stdout)))
        log("applied " + name)


def indent(text):
    return "\n".join("    " + line for line in text.rstrip().splitlines())


def content(path):
    """A file's bytes; b"" for no file (as quilt, which backs up a file a
    patch creates as an empty one)."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def source_files(tree):
    """The files of a freshly unpacked tree, relative to it."""
    for top, dirs, names in os.walk(tree):
        if top == tree:
            dirs[:] = [d for d in dirs if d not in NOT_SOURCES]
        for n in names:
            path = os.path.join(top, n)
            if not os.path.islink(path):
                yield os.path.relpath(path, tree)


def file_state(path, digest=True):
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    state = [st.st_size, st.st_mtime_ns]
    if digest:
        with open(path, "rb") as f:
            state.append(hashlib.sha256(f.read()).hexdigest())
    return state


def load_state(tree):
    try:
        with open(os.path.join(tree, STATE), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_state(tree, state):
    path = os.path.join(tree, STATE)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(state, f, sort_keys=True)
    os.replace(path + ".tmp", path)


def record_files(tree, paths):
    """Remember the files PATHS of TREE as the workbench leaves them."""
    state = load_state(tree)
    for path in paths:
        state[path] = file_state(os.path.join(tree, path))
    save_state(tree, state)


def changed_files(tree):
    """The recorded files whose content changed since: a size or mtime that
    differs is only a hint; the SHA-256 decides."""
    state = load_state(tree)
    changed = []
    touched = False
    for path, old in sorted(state.items()):
        full = os.path.join(tree, path)
        now = file_state(full, digest=False)
        if old is None or now is None:
            if (old is None) != (now is None):
                changed.append(path)
            continue
        if now == old[:2]:
            continue
        now = file_state(full)
        if now[2] != old[2]:
            changed.append(path)
        else:
            state[path] = now       # touched, not changed: cheaper next time
            touched = True
    if touched:
        try:
            save_state(tree, state)
        except OSError:
            pass        # a read-only tree: only slower next time
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", required=True, help="the source tree")
    parser.add_argument("--tarball",
                        help="the verified tarball to unpack a new tree from")
    parser.add_argument("--part", default=workbench.PARTS[-1],
                        choices=("none",) + workbench.PARTS,
                        help="push the series up to the end of this part "
                             "(default: %(default)s, i.e. the whole series; "
                             "none: the pristine tarball)")
    parser.add_argument("--upto", metavar="PATCH",
                        help="push the series up to and including PATCH "
                        "instead")
    parser.add_argument("--pop", action="store_true",
                        help="pop every patch instead")
    parser.add_argument("--patches", default=workbench.PATCHES)
    parser.add_argument("--quiltrc",
                        default=os.path.join(workbench.ROOT, "quiltrc"))
    args = parser.parse_args(argv)
    tree = Tree(args.tree, args.patches, os.path.abspath(args.quiltrc))
    tree.remove_leftovers()
    if args.pop:
        if not os.path.isdir(args.tree):
            log("{}: no tree, nothing to pop".format(args.tree))
            return 0
        tree.not_a_quilt_tree()
        while tree.applied():
            log("popped " + tree.pop_one())
        log("{}: no patch applied".format(args.tree))
        return 0
    series = workbench.read_series(args.patches)
    if args.upto:
        if args.upto not in series:
            raise workbench.WorkbenchError(
                "{} is not in the series".format(args.upto))
        wanted = series[:series.index(args.upto) + 1]
    elif args.part == "none":
        wanted = []
    else:
        wanted = workbench.patches_upto(series, args.part)
    missing = [name for name in wanted
               if not os.path.isfile(os.path.join(args.patches, name))]
    if missing:
        raise workbench.WorkbenchError(
            "{}/series names {} patch(es) that are not in {}: {}; nothing "
            "was pushed".format(args.patches, len(missing), args.patches,
                                ", ".join(missing)))
    if not os.path.isdir(args.tree):
        if not args.tarball:
            raise workbench.WorkbenchError(
                "{}: no tree and no --tarball".format(args.tree))
        tree.unpack(args.tarball)
    tree.sync(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(workbench.run_main(PROG, main))
