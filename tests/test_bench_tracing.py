"""scripts/bench_tracing.py refuses interpreters it cannot run, in one line."""

import os
import subprocess
import sys
import unittest

from tests.support import ROOT

SCRIPT = os.path.join(ROOT, "scripts", "bench_tracing.py")


class BenchTracingArgsTest(unittest.TestCase):
    def run_bench(self, *args):
        return subprocess.run([sys.executable, SCRIPT] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=60)

    def test_pristine_not_executable(self):
        proc = self.run_bench("--baseline", sys.executable,
                              "--patched", sys.executable,
                              "--pristine",
                              os.path.join(ROOT, "no-such-python"))
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stdout, "")
        self.assertIn("not an executable: ", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)

    def test_baseline_and_patched_required(self):
        proc = self.run_bench("--pristine", sys.executable)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--baseline and --patched are required", proc.stderr)


if __name__ == "__main__":
    unittest.main()
