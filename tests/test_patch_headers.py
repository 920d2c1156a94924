"""scripts/patch_headers.py (make fix-headers) on fixture patches."""

import unittest

from tests.support import TempDirTest, read, run_script, write

PATCH = ("Description: x\n\n--- a/Core and Builtins/x.rst\n"
         "+++ b/Core and Builtins/x.rst\n@@ -1 +1 @@\n-a\n+b\n")


class PatchHeadersTest(TempDirTest):
    def test_fix_adds_the_tab(self):
        path = self.path("p.patch")
        write(path, PATCH)
        proc = run_script("patch_headers.py", "--check", path)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        proc = run_script("patch_headers.py", "--fix", path)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("x.rst\t\n+++ b/Core and Builtins/x.rst\t\n",
                      read(path))
        proc = run_script("patch_headers.py", "--check", path)
        self.assertEqual(proc.returncode, 0, proc.stdout)

    def test_missing_patch_in_one_line(self):
        missing = self.path("missing.patch")
        proc = run_script("patch_headers.py", "--fix", missing)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertNotIn("Traceback", proc.stdout)
        self.assertEqual(proc.stdout.strip().splitlines(),
                         ["fix-headers: {}: No such file or directory"
                          .format(missing)])


if __name__ == "__main__":
    unittest.main()
