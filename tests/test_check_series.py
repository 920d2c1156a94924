"""check_series.py leaves out, before the last step, the test modules a prefix lacks."""

from tests.support import TempDirTest, write

import check_series


class TestsNotInTreeTest(TempDirTest):
    def test_modules_and_packages_found(self):
        write(self.path("Lib", "test", "test_a.py"), "")
        write(self.path("Lib", "test", "test_pkg", "__init__.py"), "")
        args = ["-j2", "--timeout=1200", "test_a", "test_pkg", "test_later"]
        self.assertEqual(check_series.tests_not_in_tree(self.tmp, args),
                         ["test_later"])

    def test_option_values_are_not_tests(self):
        args = ["--ignore", "test_x", "-m", "test_y", "test_z"]
        self.assertEqual(check_series.tests_not_in_tree(self.tmp, args),
                         ["test_z"])
