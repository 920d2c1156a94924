"""scripts/bench_build.sh: what it removes at exit (no build here)."""

import os
import subprocess
import unittest

from tests.support import SCRIPTS, TempDirTest, write


class ScratchTest(TempDirTest):
    def run_bench(self, *args):
        # A tarball that is not one: the script fails at its first step.
        write(self.path("bad.tar.xz"), "not a tarball\n")
        return subprocess.run(["/bin/sh", os.path.join(SCRIPTS,
                                                       "bench_build.sh"),
                               self.path("bad.tar.xz"), "1"] + list(args),
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True,
                              env=dict(os.environ, TMPDIR=self.tmp),
                              stdin=subprocess.DEVNULL)

    def test_users_scratch_folder_is_kept(self):
        scratch = self.path("mine")
        write(os.path.join(scratch, "keep.txt"), "the user's\n")
        proc = self.run_bench(scratch)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(os.listdir(scratch), ["keep.txt"])

    def test_own_folder_removed(self):
        proc = self.run_bench()
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(sorted(os.listdir(self.tmp)), ["bad.tar.xz"])


if __name__ == "__main__":
    unittest.main()
