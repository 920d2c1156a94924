"""scripts/bench_channels.py: issue 9's targets, judged on given times."""

import importlib.util
import os
import unittest

from tests.support import ROOT

SCRIPT = os.path.join(ROOT, "scripts", "bench_channels.py")


def load_script():
    spec = importlib.util.spec_from_file_location("bench_channels", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def times(**ratios):
    """Best times per call: pristine 1.0 s everywhere, ours 1/ratio.

    Keys are case_size (send_100=3.0); the 'workers' rows take ours' time
    itself as workers_0=... and workers_1000=...
    """
    best = {}
    for key, value in ratios.items():
        case, size = key.rsplit("_", 1)
        case = case.replace("_", "-")
        best["pristine", case, int(size)] = 1.0
        if case == "workers":
            best["ours", case, int(size)] = value
        else:
            best["ours", case, int(size)] = 1.0 / value
    return best


class CheckTargetsTest(unittest.TestCase):
    def setUp(self):
        self.check = load_script().check_targets

    def verdicts(self, best):
        return [(text.split(":")[0], met) for text, met in self.check(best)]

    def test_all_met(self):
        best = times(send_100=3.0, recv_100=2.5, all_100=1.2,
                     workers_0=0.5, workers_1000=0.9)
        self.assertEqual(self.verdicts(best), [
            ("2 ends at 100 interpreters, send end", True),
            ("2 ends at 100 interpreters, recv end", True),
            ("all 100 associated", True),
            ("1 listed after 1000 workers", True),
            ("never slower than pristine", True),
        ])

    def test_each_missed(self):
        best = times(send_100=2.49, recv_100=3.0, all_100=1.19,
                     workers_0=0.4, workers_1000=0.8)
        self.assertEqual(self.verdicts(best), [
            ("2 ends at 100 interpreters, send end", False),
            ("2 ends at 100 interpreters, recv end", True),
            ("all 100 associated", False),
            ("1 listed after 1000 workers", False),
            ("never slower than pristine", True),
        ])

    def test_slower_rows_are_named(self):
        best = times(workers_main_last_250=0.97, send_1=1.0)
        [(text, met)] = self.check(best)
        self.assertFalse(met)
        self.assertIn("workers-main-last N=250 0.97x", text)
        self.assertNotIn("send", text)

    def test_only_the_rows_run(self):
        self.assertEqual(self.verdicts(times(all_10=1.5)),
                         [("never slower than pristine", True)])


if __name__ == "__main__":
    unittest.main()
