"""scripts/apply.py on a tiny fixture tree and series (not CPython)."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import unittest

from tests.support import (ROOT, TempDirTest, dead_pid, interrupt_when,
                           make_tarball, read, run_script, write)

ORIGINAL = {
    "hello.c": "".join("line {}\n".format(i) for i in range(1, 41)),
    "README": "fixture\n",
}


def patch(path, old_line, new_line, at):
    """A unified diff that changes line `at` (1-based) of a file, 3 lines
    context."""
    lines = ORIGINAL[path].splitlines()
    start = max(at - 3, 1)
    end = min(at + 3, len(lines))
    body = []
    for n in range(start, end + 1):
        text = lines[n - 1]
        if n == at:
            assert text == old_line, (text, old_line)
            body += ["-" + old_line, "+" + new_line]
        else:
            body.append(" " + text)
    count = end - start + 1
    return textwrap.dedent("""\
        Description: change line {at} of {path}
        Author: test
        Forwarded: not-needed

        --- a/{path}
        +++ b/{path}
        @@ -{start},{count} +{start},{count} @@
        """).format(at=at, path=path, start=start, count=count) \
        + "\n".join(body) + "\n"


class ApplyTest(TempDirTest):
    def setUp(self):
        super().setUp()
        if shutil.which("quilt") is None:
            self.skipTest("quilt is not installed (make deps)")
        self.tarball = self.path("fixture-1.0.tar.xz")
        make_tarball(self.tarball, "fixture-1.0", ORIGINAL)
        self.patches = self.path("patches")
        self.tree = self.path("src", "tree")
        self.write_patch("baseline/01-a.patch",
                         patch("hello.c", "line 5", "line five", 5))
        self.write_patch("proposed/01-b.patch",
                         patch("hello.c", "line 20", "line twenty", 20))
        self.write_patch("proposed/02-c.patch",
                         patch("hello.c", "line 35", "line 35!", 35))
        self.write_series("baseline/01-a.patch", "proposed/01-b.patch",
                          "proposed/02-c.patch")

    def write_patch(self, name, text):
        write(os.path.join(self.patches, name), text)

    def write_series(self, *names):
        write(os.path.join(self.patches, "series"),
              "# baseline\n" + "\n".join(names) + "\n")

    def apply(self, *args, tree=None, cwd=None, env=None):
        return run_script("apply.py", "--tree", tree or self.tree,
                          "--tarball", self.tarball,
                          "--patches", self.patches,
                          "--quiltrc", os.path.join(ROOT, "quiltrc"), *args,
                          cwd=cwd, env=env)

    def assertOneMessage(self, proc, lines=2):
        """Failed, in a line or two (plus indented detail), no traceback."""
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("Traceback", proc.stdout)
        own = [line for line in proc.stdout.splitlines()
               if line and not line.startswith(" ")]
        self.assertLessEqual(len(own), lines, proc.stdout)

    def applied(self):
        path = os.path.join(self.tree, ".pc", "applied-patches")
        return read(path).split() if os.path.exists(path) else []

    def hello(self):
        return read(os.path.join(self.tree, "hello.c"))

    def test_part_none_is_the_pristine_tarball(self):
        # `make pristine`: the tree as released, with no patch pushed.
        proc = self.apply("--part", "none")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(self.applied(), [])
        self.assertEqual(self.hello(), ORIGINAL["hello.c"])

    def test_whole_series(self):
        proc = self.apply()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(self.applied(),
                         ["baseline/01-a.patch", "proposed/01-b.patch",
                          "proposed/02-c.patch"])
        self.assertIn("line five\n", self.hello())
        self.assertIn("line 35!\n", self.hello())
        self.assertTrue(os.path.islink(os.path.join(self.tree, "patches")))
        # nothing half-made is left beside the tree
        self.assertEqual(os.listdir(os.path.dirname(self.tree)), ["tree"])
        # the tree is readable by others, like the tarball's own folders
        self.assertEqual(os.stat(self.tree).st_mode & 0o055, 0o055)

    def test_idempotent(self):
        self.assertEqual(self.apply().returncode, 0)
        hello = os.path.join(self.tree, "hello.c")
        os.utime(hello, (1000000000, 1000000000))
        proc = self.apply()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("nothing to do", proc.stdout)
        self.assertNotIn("applied ", proc.stdout)
        self.assertEqual(os.stat(hello).st_mtime, 1000000000)  # untouched

    def test_baseline_part_only(self):
        proc = self.apply("--part", "baseline")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(self.applied(), ["baseline/01-a.patch"])
        self.assertNotIn("line twenty", self.hello())
        # then the rest, incrementally
        proc = self.apply()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("applied baseline/01-a.patch", proc.stdout)
        self.assertEqual(len(self.applied()), 3)

    def test_patch_that_does_not_apply_is_named(self):
        self.write_patch("proposed/02-c.patch",
                         patch("hello.c", "line 35", "x", 35)
                         .replace("-line 35", "-line 99"))
        proc = self.apply()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("patch proposed/02-c.patch does not apply", proc.stdout)
        self.assertIn("left at proposed/01-b.patch", proc.stdout)
        self.assertEqual(self.applied(),
                         ["baseline/01-a.patch", "proposed/01-b.patch"])
        self.assertIn("line twenty", self.hello())

    def test_offset_is_refused(self):
        text = patch("hello.c", "line 20", "line twenty", 20).replace(
            "@@ -17,7 +17,7 @@", "@@ -15,7 +15,7 @@")
        self.write_patch("proposed/01-b.patch", text)
        proc = self.apply()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("proposed/01-b.patch applies only with offset",
                      proc.stdout)
        # the advice refreshes that patch, not the top one
        self.assertIn("push proposed/01-b.patch && ", proc.stdout)
        self.assertIn("refresh proposed/01-b.patch", proc.stdout)
        self.assertEqual(self.applied(), ["baseline/01-a.patch"])
        self.assertNotIn("line twenty", self.hello())

    def test_changed_patch_is_pushed_again(self):
        self.assertEqual(self.apply().returncode, 0)
        self.write_patch("proposed/01-b.patch",
                         patch("hello.c", "line 20", "line 20?", 20))
        proc = self.apply()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("baseline/01-a.patch (changed", proc.stdout)
        self.assertIn("popped proposed/01-b.patch", proc.stdout)
        self.assertIn("line 20?\n", self.hello())
        self.assertNotIn("line twenty", self.hello())
        self.assertEqual(len(self.applied()), 3)

    def test_unrefreshed_changes_are_not_lost(self):
        self.assertEqual(self.apply().returncode, 0)
        hello = os.path.join(self.tree, "hello.c")
        write(hello,
              self.hello().replace("line 36\n", "line 36, edited by hand\n"))
        self.write_patch("proposed/02-c.patch",
                         patch("hello.c", "line 35", "line 35?", 35))
        proc = self.apply()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("changes that are not in proposed/02-c.patch",
                      proc.stdout)
        self.assertIn("edited by hand", self.hello())
        self.assertEqual(len(self.applied()), 3)

    def test_changed_patch_relative_tree(self):
        # As the Makefile calls it: --tree src/patched, relative.
        cwd = os.path.dirname(os.path.dirname(self.tree))
        rel = os.path.relpath(self.tree, cwd)
        self.assertEqual(self.apply(tree=rel, cwd=cwd).returncode, 0)
        self.write_patch("proposed/01-b.patch",
                         patch("hello.c", "line 20", "line 20?", 20))
        proc = self.apply(tree=rel, cwd=cwd)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("popped proposed/01-b.patch", proc.stdout)
        self.assertIn("line 20?\n", self.hello())
        self.assertEqual(len(self.applied()), 3)
        self.assertNotIn("warning", proc.stdout)

    def test_hand_edit_away_from_every_hunk_is_kept(self):
        for tree, cwd in ((self.tree, None), ("src/tree", self.tmp)):
            with self.subTest(tree=tree):
                shutil.rmtree(self.tree, ignore_errors=True)
                self.write_patch("proposed/02-c.patch",
                                 patch("hello.c", "line 35", "line 35!", 35))
                self.assertEqual(self.apply(tree=tree, cwd=cwd).returncode, 0)
                hello = os.path.join(self.tree, "hello.c")
                write(hello, "/* HAND EDIT */\n" + self.hello())
                self.write_patch("proposed/02-c.patch",
                                 patch("hello.c", "line 35", "line 35?", 35))
                proc = self.apply(tree=tree, cwd=cwd)
                self.assertOneMessage(proc)
                self.assertIn("changes that are not in proposed/02-c.patch",
                              proc.stdout)
                self.assertIn("+/* HAND EDIT */", proc.stdout)  # the diff
                self.assertTrue(self.hello().startswith("/* HAND EDIT */\n"))
                self.assertIn("line 35!", self.hello())
                self.assertEqual(len(self.applied()), 3)

    def test_unrefreshed_edits_are_named(self):
        self.assertEqual(self.apply().returncode, 0)
        write(os.path.join(self.tree, "README"), "edited\n")
        hello = os.path.join(self.tree, "hello.c")
        write(hello, self.hello().replace("line 1\n", "line one\n"))
        proc = self.apply()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("nothing to do", proc.stdout)
        self.assertIn("warning", proc.stdout)
        self.assertIn("README (in no patch", proc.stdout)
        self.assertIn("hello.c (in proposed/02-c.patch: not refreshed)",
                      proc.stdout)
        # touched but not changed: no warning
        write(os.path.join(self.tree, "README"), ORIGINAL["README"])
        write(hello, self.hello().replace("line one\n", "line 1\n"))
        proc = self.apply()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("warning", proc.stdout)

    def test_pc_deleted(self):
        self.assertEqual(self.apply().returncode, 0)
        shutil.rmtree(os.path.join(self.tree, ".pc"))
        proc = self.apply()
        self.assertOneMessage(proc)
        self.assertIn("not a quilt tree", proc.stdout)
        self.assertIn("rm -rf " + self.tree, proc.stdout)
        self.assertNotIn("pristine", proc.stdout)
        proc = self.apply("--pop")
        self.assertOneMessage(proc)
        self.assertIn("not a quilt tree", proc.stdout)

    def test_series_missing(self):
        os.unlink(os.path.join(self.patches, "series"))
        proc = self.apply()
        self.assertOneMessage(proc, lines=1)
        self.assertIn(os.path.join(self.patches, "series"), proc.stdout)
        self.assertFalse(os.path.exists(self.tree))

    def test_series_names_a_missing_patch(self):
        os.unlink(os.path.join(self.patches, "proposed/02-c.patch"))
        proc = self.apply()
        self.assertOneMessage(proc, lines=1)
        self.assertIn("proposed/02-c.patch", proc.stdout)
        self.assertFalse(os.path.exists(self.tree))

    def test_unwritable_parent(self):
        # src is a file: the tree cannot be made there.
        write(os.path.dirname(self.tree), "not a folder\n")
        proc = self.apply()
        self.assertOneMessage(proc, lines=1)
        self.assertIn(os.path.dirname(self.tree), proc.stdout)

    def test_bad_tarball(self):
        write(self.tarball, "not a tarball\n")
        proc = self.apply()
        self.assertOneMessage(proc, lines=1)
        self.assertIn("could not unpack", proc.stdout)
        self.assertEqual(os.listdir(os.path.dirname(self.tree)), [])

    def test_tree_belongs_to_the_user(self):
        make_tarball(self.tarball, "fixture-1.0", ORIGINAL, uid=4321)
        self.assertEqual(self.apply().returncode, 0)
        st = os.stat(os.path.join(self.tree, "hello.c"))
        self.assertEqual(st.st_uid, os.getuid())

    def test_leftovers_of_dead_runs_removed(self):
        src = os.path.dirname(self.tree)
        dead_tag = "pid{}".format(dead_pid())
        dead = os.path.join(src, "tree.unpacking.{}.abc".format(dead_tag))
        old = os.path.join(src, "tree.unpacking.xyz")
        live = os.path.join(src, "tree.unpacking.pid{}.def".format(
            os.getpid()))
        other = os.path.join(src, "tree-debug.unpacking.{}.abc".format(
            dead_tag))
        for d in (dead, old, live, other):
            os.makedirs(os.path.join(d, "Lib"))
        proc = self.apply()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertFalse(os.path.exists(dead))
        self.assertFalse(os.path.exists(old))
        self.assertTrue(os.path.exists(live))     # a run still going
        self.assertTrue(os.path.exists(other))    # another tree's

    def interrupt_unpack(self, signum):
        # A tar that hangs, to interrupt the unpacking.
        bin_dir = self.path("bin")
        write(os.path.join(bin_dir, "tar"), "#!/bin/sh\nexec sleep 30\n",
              0o755)
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"])
        env.pop("CPYTHON_TARBALL", None)
        proc = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "scripts", "apply.py"),
             "--tree", self.tree, "--tarball", self.tarball, "--patches",
             self.patches], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True, env=env, stdin=subprocess.DEVNULL)
        src = os.path.dirname(self.tree)
        out = interrupt_when(
            self, proc, lambda: os.path.isdir(src) and os.listdir(src),
            signum)
        self.assertEqual(len(out.strip().splitlines()), 1, out)
        self.assertEqual(os.listdir(src), [])

    def test_ctrl_c_leaves_nothing(self):
        self.interrupt_unpack(signal.SIGINT)

    def test_sigterm_leaves_nothing(self):
        self.interrupt_unpack(signal.SIGTERM)

    def test_removed_patch_is_popped(self):
        self.assertEqual(self.apply().returncode, 0)
        self.write_series("baseline/01-a.patch", "proposed/01-b.patch")
        os.unlink(os.path.join(self.patches, "proposed/02-c.patch"))
        # quilt needs the patch file to pop it: keep it until popped
        self.write_patch("proposed/02-c.patch",
                         patch("hello.c", "line 35", "line 35!", 35))
        proc = self.apply()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(self.applied(),
                         ["baseline/01-a.patch", "proposed/01-b.patch"])
        self.assertNotIn("line 35!", self.hello())

    def test_patch_inserted_below_applied_ones(self):
        self.write_series("baseline/01-a.patch", "proposed/02-c.patch")
        self.assertEqual(self.apply().returncode, 0)
        self.write_series("baseline/01-a.patch", "proposed/01-b.patch",
                          "proposed/02-c.patch")
        proc = self.apply()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("popped proposed/02-c.patch", proc.stdout)
        self.assertEqual(self.applied(),
                         ["baseline/01-a.patch", "proposed/01-b.patch",
                          "proposed/02-c.patch"])
        self.assertFalse(os.path.exists(os.path.join(self.tree, ".pc",
                                                     "series")))

    def test_pop(self):
        self.assertEqual(self.apply().returncode, 0)
        proc = self.apply("--pop")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(self.applied(), [])
        self.assertEqual(self.hello(), ORIGINAL["hello.c"])

    def test_name_with_space_needs_a_tab(self):
        text = textwrap.dedent("""\
            Description: add a file in a folder with spaces
            Author: test
            Forwarded: no

            --- /dev/null
            +++ b/Core and Builtins/new.rst
            @@ -0,0 +1 @@
            +news
            """)
        self.write_patch("proposed/02-c.patch", text)
        proc = self.apply()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("proposed/02-c.patch names a file with spaces",
                      proc.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.tree, "Core")))
        self.write_patch("proposed/02-c.patch",
                         text.replace("new.rst\n", "new.rst\t\n"))
        proc = self.apply()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(read(os.path.join(self.tree, "Core and Builtins",
                                           "new.rst")), "news\n")

    def test_series_out_of_order_refused(self):
        self.write_series("proposed/01-b.patch", "baseline/01-a.patch")
        proc = self.apply()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("the baseline part must come first", proc.stdout)


if __name__ == "__main__":
    unittest.main()
