"""Run the base's own patchcheck.py on each commit of the export.

Runs under a built CPython of the base (patchcheck needs its version):

    build/patched/python scripts/cpython/run_patchcheck.py out/export/repo

patchcheck.py (what CPython's `make patchcheck` runs: Tools/scripts/ in 3.9,
Tools/patchcheck/ from 3.12 on) takes its source folder
from sysconfig, i.e. from the interpreter's own build; here it is pointed at
the export repository instead.  For each proposed commit it sees a pull request
against its parent: branch `review` at the commit, `origin/<major.minor>` at
the parent.  What patchcheck fixes in place (Python or C whitespace) is a
finding: it is shown as a diff and the run fails.  Its other questions (NEWS
entry, docs, ACKS) are printed for the reader; a commit that touches code but
adds no NEWS entry fails too.
"""

import contextlib
import io
import os
import subprocess
import sys

# Runs under the built CPython, which imports workbench.py (standard
# library only) as the host's python3 does.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import workbench  # noqa: E402


def git(repo, *args):
    return subprocess.run(["git"] + list(args), cwd=repo, check=True,
                          stdout=subprocess.PIPE,
                          universal_newlines=True).stdout


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith("-"):
        raise workbench.UsageError(
            "usage: build/patched/python scripts/cpython/run_patchcheck.py "
            "out/export/repo")
    repo = os.path.abspath(argv[0])
    for folder in ("patchcheck", "scripts"):
        if os.path.isfile(os.path.join(repo, "Tools", folder,
                                       "patchcheck.py")):
            sys.path.insert(0, os.path.join(repo, "Tools", folder))
            break
    else:
        raise workbench.WorkbenchError(
            "{}: no Tools/*/patchcheck.py: not the export repository "
            "(run `make export`)".format(argv[0]))
    import patchcheck

    patchcheck.SRCDIR = repo
    base_branch = "{0.major}.{0.minor}".format(sys.version_info)
    commits = git(repo, "rev-list", "--reverse", "baseline..series").split()
    if not commits:
        print("patchcheck: no proposed commit to check")
        return 0
    failed = 0
    try:
        for commit in commits:
            subject = git(repo, "log", "-1", "--format=%s", commit).strip()
            print("== {} {}".format(commit[:12], subject), flush=True)
            git(repo, "checkout", "-q", "-B", "review", commit)
            git(repo, "update-ref", "refs/remotes/origin/" + base_branch,
                commit + "^")
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                patchcheck.main()
            text = out.getvalue()
            print(text, end="")
            fixed = git(repo, "diff")
            if fixed:
                print("patchcheck changed files (whitespace): fix this in "
                      "the patch:")
                print(fixed)
                failed += 1
                git(repo, "checkout", "-q", "--", ".")
            files = git(repo, "diff", "--name-only", commit + "^",
                        commit).split()
            code = [f for f in files if f.endswith((".c", ".h", ".py"))]
            news = [f for f in files if f.startswith("Misc/NEWS.d/next/")]
            if code and not news:
                print("no NEWS entry in Misc/NEWS.d/next/ for a change to "
                      "code")
                failed += 1
    finally:
        git(repo, "checkout", "-q", "series")
    print("patchcheck: {} commit(s) checked, {} with findings to fix"
          .format(len(commits), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(workbench.run_main("patchcheck", main))
