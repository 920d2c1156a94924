#!/usr/bin/env python3
"""Export the proposed patches as git commits and mails for upstream review.

  export.py --tarball cache/<BASE_TARBALL> --out out/export

Makes OUT/repo, a git repository holding the base tree with the baseline part
(if the line has one) applied as one commit, tagged `baseline`, and one
commit per proposed patch: subject in CPython's
style ("bpo-NNNNN: ..." where the patch has a bpo), body, author and date from
the DEP-3 header.  Writes `git format-patch` mails to OUT/*.patch, then checks
the round trip: `git am` of those mails onto a fresh clone of the baseline
commit must give the very tree of the export's last commit, and that tree must
match, file for file, a fresh tree made by quilt from the series.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workbench  # noqa: E402

PROG = "export"
HERE = os.path.dirname(os.path.abspath(__file__))
BRANCH = "series"
FIXED_DATE = "2000-01-01"   # for commits with no date of their own
# What the workbench itself adds to a quilt tree; not part of the sources.
TREE_EXTRAS = {".pc", "patches", ".workbench-pushed"}


def git(repo, *args, env=None, input=None):
    full_env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=repo,
                    GIT_AUTHOR_NAME="multi-core Python workbench",
                    GIT_AUTHOR_EMAIL="",
                    GIT_COMMITTER_NAME="multi-core Python workbench",
                    GIT_COMMITTER_EMAIL="")
    full_env.update(env or {})
    try:
        proc = subprocess.run(
            ["git", "-c", "core.autocrlf=false",
             "-c", "user.useConfigOnly=false", "-c", "commit.gpgsign=false",
             "-c", "init.defaultBranch=" + BRANCH] + list(args),
            cwd=repo, env=full_env, input=input, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, universal_newlines=True)
    except FileNotFoundError:
        raise workbench.WorkbenchError(
            "git is not installed (run `make deps`)")
    if proc.returncode != 0:
        raise workbench.WorkbenchError("`git {}` failed in {}: {}".format(
            " ".join(args[:3]), repo, (proc.stderr or proc.stdout).strip()))
    return proc.stdout


def split_author(text):
    """'Name <mail>' -> (name, mail); 'Name' -> (name, '')."""
    m = re.match(r"^(.*?)\s*<([^>]*)>\s*$", text)
    return (m.group(1), m.group(2)) if m else (text.strip(), "")


def commit_message(fields, name):
    """Subject and body of a commit from a patch's DEP-3 fields."""
    desc = fields.get("Description") or fields.get("Subject")
    if not desc:
        raise workbench.WorkbenchError("{}: no DEP-3 Description".format(name))
    lines = desc.splitlines()
    subject, body = lines[0].strip(), "\n".join(lines[1:]).strip("\n")
    bug = fields.get("Bug", "")
    m = re.search(r"bugs\.python\.org/issue(\d+)", bug)
    # CPython's subjects name one issue: a gh- subject keeps its own.
    if m and not subject.startswith(("bpo-", "gh-")):
        subject = "bpo-{}: {}".format(m.group(1), subject)
    message = subject + "\n"
    if body:
        message += "\n" + body + "\n"
    return message


def commit_env(fields):
    name, mail = split_author(fields.get("Author") or fields.get("From")
                              or "unknown")
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": mail}
    # Dates from the header, so that the same series exports to the same
    # commits.
    stamp = "{}T00:00:00+0000".format(fields.get("Last-Update") or FIXED_DATE)
    env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    return env


def apply_patch(tree, patch_path, name):
    """Apply a patch as quilt would (no fuzz, no offset check here: apply.py
    does that); git apply is exact about context."""
    proc = subprocess.run(["git", "apply", "--index", "--whitespace=nowarn",
                           patch_path],
                          cwd=tree, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          universal_newlines=True)
    if proc.returncode != 0:
        raise workbench.WorkbenchError(
            "{} does not apply to the export repository: {}"
            .format(name, proc.stdout.strip()))


def build_repo(repo, tarball, patches, names):
    parts = workbench.series_parts(names)
    if os.path.exists(repo):
        shutil.rmtree(repo)
    os.makedirs(repo)
    proc = subprocess.run(["tar", "-x", "-f", tarball, "-C", repo,
                           "--strip-components=1", "--no-same-owner"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    if proc.returncode != 0:
        raise workbench.WorkbenchError("could not unpack {}: {}".format(
            tarball, (proc.stdout.strip() or "?").splitlines()[0]))
    git(repo, "init", "-q")
    git(repo, "add", "-A", "-f")
    git(repo, "commit", "-q", "-m",
        "Base: the release tarball " + os.path.basename(tarball),
        env=commit_env({"Author": "multi-core Python workbench"}))
    if parts["baseline"]:
        for name in parts["baseline"]:
            apply_patch(repo, os.path.join(patches, name), name)
        git(repo, "commit", "-q", "--amend", "-m",
            "Baseline: {} with the baseline part of the series\n\n{}\n"
            .format(os.path.basename(tarball),
                    "\n".join("  " + n for n in parts["baseline"])),
            env=commit_env({"Author": "multi-core Python workbench"}))
    # The before-state the mails apply to: the baseline part, or the
    # pristine tarball for a line that has none.
    git(repo, "tag", "-f", "baseline")
    for name in parts["proposed"]:
        path = os.path.join(patches, name)
        fields = workbench.read_dep3(path)
        apply_patch(repo, path, name)
        git(repo, "commit", "-q", "-F", "-",
            input=commit_message(fields, name),
            env=commit_env(fields))
    return parts["proposed"]


def format_patches(repo, out):
    for old in os.listdir(out):
        if old.endswith(".patch"):
            os.unlink(os.path.join(out, old))
    mails = git(repo, "format-patch", "--no-signature", "--zero-commit",
                "-o", os.path.abspath(out), "baseline..HEAD").split()
    return mails


def round_trip(repo, mails):
    """git am the mails onto a fresh clone of the baseline; compare the
    trees."""
    tmp = tempfile.mkdtemp(prefix="export-am.")
    try:
        clone = os.path.join(tmp, "clone")
        git(tmp, "clone", "-q", "--no-checkout", os.path.abspath(repo), clone)
        git(clone, "checkout", "-q", "-b", "am", "baseline")
        if mails:
            git(clone, "am", "-q", "--keep-cr", *mails)
        got = git(clone, "rev-parse", "HEAD^{tree}").strip()
        want = git(repo, "rev-parse", "HEAD^{tree}").strip()
        if got != want:
            diff = git(clone, "diff", "--stat", "HEAD",
                       git(repo, "rev-parse", "HEAD").strip())
            raise workbench.WorkbenchError(
                "round trip failed: git am of the mails gives tree {}, the "
                "export has {}\n{}"
                .format(got, want, diff))
        return got
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def quilt_tree_matches(repo, tarball, patches):
    """The export's working tree must equal, file for file, a fresh tree with
    the whole series pushed by quilt (scripts/apply.py)."""
    tmp = tempfile.mkdtemp(prefix="export-quilt.")
    try:
        tree = os.path.join(tmp, "tree")
        proc = subprocess.run([sys.executable, os.path.join(HERE, "apply.py"),
                               "--tree", tree,
                               "--tarball", os.path.abspath(tarball),
                               "--patches", patches],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True)
        if proc.returncode != 0:
            raise workbench.WorkbenchError(
                "quilt could not apply the series:\n" + proc.stdout)
        excludes = sorted(TREE_EXTRAS | {".git"})
        proc = subprocess.run(["diff", "-r", "-q", "--no-dereference"]
                              + ["--exclude=" + e for e in excludes]
                              + [tree, repo], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True)
        if proc.returncode != 0:
            raise workbench.WorkbenchError(
                "the export differs from the tree quilt makes of the "
                "series:\n{}".format(
                    proc.stdout.strip().replace(tree, "<quilt tree>")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--patches", default=workbench.PATCHES)
    args = parser.parse_args(argv)
    if not os.path.isfile(args.tarball):
        raise workbench.WorkbenchError(
            "{}: no such file (run `make fetch`)".format(args.tarball))
    # git runs in the export repository: the patches by their full path.
    args.patches = os.path.abspath(args.patches)
    names = workbench.read_series(args.patches)
    os.makedirs(args.out, exist_ok=True)
    repo = os.path.join(args.out, "repo")
    proposed = build_repo(repo, args.tarball, args.patches, names)
    mails = format_patches(repo, args.out)
    tree = round_trip(repo, mails)
    quilt_tree_matches(repo, args.tarball, args.patches)
    print("{}: {} proposed commit(s) on tag baseline in {}"
          .format(PROG, len(proposed), repo))
    for mail in mails:
        print("  " + os.path.relpath(mail))
    print("{}: round trip OK: git am of the mails onto the baseline gives "
          "tree {}, the same files as the quilt series"
          .format(PROG, tree[:12]))
    return 0


if __name__ == "__main__":
    sys.exit(workbench.run_main(PROG, main))
