"""check_series.py leaves out, before the last step, the test modules a
prefix lacks."""

from tests.support import TempDirTest, write

import check_series


class TestsNotInTreeTest(TempDirTest):
    def test_modules_and_packages_found(self):
        write(self.path("Lib", "test", "test_a.py"), "")
        write(self.path("Lib", "test", "test_pkg", "__init__.py"), "")
        tests = ["test_a", "test_pkg", "test_later"]
        self.assertEqual(check_series.tests_not_in_tree(self.tmp, tests),
                         ["test_later"])


PATCH = """\
Description: gh-1: Fix it
Author: someone

--- a/Lib/test/test__interpchannels.py
+++ b/Lib/test/test__interpchannels.py
@@ -1,1 +1,2 @@
 a
+b
--- a/Modules/_interpchannelsmodule.c
+++ b/Modules/_interpchannelsmodule.c
@@ -1,1 +1,2 @@
 c
+d
--- /dev/null
+++ b/Lib/test/test_interpreters/test_new.py
@@ -0,0 +1 @@
+e
--- /dev/null
+++ b/Lib/test/support/helper.py
@@ -0,0 +1 @@
+f
"""


class TestHunksTest(TempDirTest):
    def test_only_lib_test_and_its_modules(self):
        diff, modules = check_series.test_hunks(PATCH)
        self.assertEqual(modules, ["test__interpchannels",
                                   "test_interpreters"])
        self.assertNotIn("Modules/", diff)
        self.assertNotIn("Description", diff)
        self.assertIn("+b\n", diff)
        self.assertIn("+f\n", diff)     # a helper the tests need comes too

    def test_a_patch_without_tests(self):
        self.assertEqual(check_series.test_hunks(PATCH.split(
            "--- a/Lib")[0] + PATCH.split("+b\n")[1])[1][:1],
            ["test_interpreters"])
        self.assertEqual(check_series.test_hunks("Description: x\n"),
                         ("", []))

    def test_fails_first_refuses_a_patch_without_tests(self):
        write(self.path("p.patch"), "Description: x\n\n--- a/Modules/a.c\n"
              "+++ b/Modules/a.c\n@@ -1 +1 @@\n-a\n+b\n")
        why = check_series.fails_first(self.tmp, self.path("p.patch"),
                                       self.path("r"), "1", [], [])
        self.assertIn("has no test", why)
