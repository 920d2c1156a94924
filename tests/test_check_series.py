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
