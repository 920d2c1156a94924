"""scripts/abi_check.py on fixture trees and a stand-in abidiff."""

import os

from tests.support import TempDirTest, read, run_script, write

# A python that runs only on its own tree's libpython, as a shared build's.
FAKE_PYTHON = """#!/bin/sh
here=$(cd "$(dirname "$0")" && pwd)
case ${LD_LIBRARY_PATH:-} in
    "$here"|"$here":*) echo 3.9.2 ;;
    *) echo "error while loading shared libraries: libpython3.9.so.1.0" >&2
       exit 127 ;;
esac
"""

CHANGED = """\
Functions changes summary: 0 Removed, 1 Changed (12 filtered out), \
0 Added functions
Variables changes summary: 0 Removed, 1 Changed, 0 Added variable
Function symbols changes summary: 0 Removed, 0 Added function symbol \
not referenced by debug info
Variable symbols changes summary: 0 Removed, 0 Added variable symbol \
not referenced by debug info

1 function with some indirect sub-type change:
  [C] 'function PyThreadState* PyThreadState_New(PyInterpreterState*)' \
has some changes
"""

DEBUG_LIB = b"\x7fELF...\0.debug_info\0..."


class AbiCheckTest(TempDirTest):
    def tree(self, name, lib=DEBUG_LIB, python=FAKE_PYTHON):
        tree = self.path(name)
        os.makedirs(tree)
        if lib is not None:
            with open(os.path.join(tree, "libpython3.9.so.1.0"), "wb") as f:
                f.write(lib)
        write(os.path.join(tree, "python"), python, mode=0o755)
        return tree

    def abidiff(self, status, output=""):
        path = self.path("abidiff")
        script = "#!/bin/sh\ncat <<'EOF'\n{}EOF\nexit {}\n"
        write(path, script.format(output, status), mode=0o755)
        return path

    def run_check(self, abidiff, old=None, new=None):
        old = old or self.tree("pristine-shared")
        new = new or self.tree("patched-shared")
        return run_script("abi_check.py", "--old", old, "--new", new,
                          "--out", self.path("out"), "--abidiff", abidiff)

    def last_line(self, proc):
        return proc.stdout.strip().splitlines()[-1]

    def test_no_change(self):
        proc = self.run_check(self.abidiff(0))
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertRegex(
            self.last_line(proc),
            r"^abi-check: OK: no ABI change, libpython3\.9\.so\.1\.0 of "
            r".*patched-shared against .*pristine-shared "
            r"\(abidiff exit 0\)$")
        self.assertIn("patched-shared/python 3.9.2 runs", proc.stdout)
        self.assertIn("$ " + self.path("abidiff"),
                      read(self.path("out", "report.txt")))

    def test_change_fails_in_one_line(self):
        proc = self.run_check(self.abidiff(4, CHANGED))
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertRegex(
            self.last_line(proc),
            r"^abi-check: FAILED: ABI change, libpython3\.9\.so\.1\.0 of .* "
            r"functions: 0 removed, 1 changed, 0 added; "
            r"variables: 0 removed, 1 changed, 0 added \(abidiff exit 4\); "
            r"report: .*report\.txt$")
        self.assertIn("PyThreadState_New", proc.stdout)
        self.assertIn("PyThreadState_New",
                      read(self.path("out", "report.txt")))

    def test_incompatible_change(self):
        proc = self.run_check(self.abidiff(12, CHANGED))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("FAILED: incompatible ABI change",
                      self.last_line(proc))

    def test_abidiff_error(self):
        proc = self.run_check(self.abidiff(1, "could not read DWARF\n"))
        self.assertEqual(proc.returncode, 1)
        self.assertRegex(self.last_line(proc),
                         r"^abi-check: abidiff failed \(exit 1\) on .*: "
                         r"could not read DWARF; ")
        self.assertNotIn("Traceback", proc.stdout)

    def test_no_abidiff(self):
        proc = self.run_check(self.path("no-abidiff"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("not found: run `make deps abi-check` "
                      "(Debian's abigail-tools)", proc.stdout)

    def test_not_a_shared_build(self):
        proc = self.run_check(self.abidiff(0),
                              new=self.tree("patched", lib=None))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no libpython*.so.1.0: not a --enable-shared build",
                      proc.stdout)

    def test_no_tree(self):
        proc = self.run_check(self.abidiff(0), new=self.path("nothing"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("nothing: no such tree", proc.stdout)

    def test_no_debug_info(self):
        stripped = self.tree("patched-shared", lib=b"\x7fELF stripped")
        proc = self.run_check(self.abidiff(0), new=stripped)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no debug info (.debug_info)", proc.stdout)

    def test_python_that_does_not_run(self):
        broken = "#!/bin/sh\necho 'Fatal Python error: init' >&2\nexit 1\n"
        proc = self.run_check(self.abidiff(0),
                              new=self.tree("patched-shared", python=broken))
        self.assertEqual(proc.returncode, 1)
        self.assertRegex(proc.stdout,
                         r"patched-shared/python \(LD_LIBRARY_PATH=.*"
                         r"patched-shared\) exited 1: Fatal Python error")
        self.assertFalse(os.path.exists(self.path("out", "report.txt")))
