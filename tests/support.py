"""Helpers for the workbench tests: temporary folders, fixture tarballs,
scripts."""

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "scripts")
sys.path.insert(0, SCRIPTS)


def make_tarball(path, top, files, uid=0):
    """Write a .tar.xz holding `top`/name for each name -> text in `files`."""
    with tarfile.open(path, "w:xz") as tar:
        for name, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo("{}/{}".format(top, name))
            info.size = len(data)
            info.uid = info.gid = uid
            info.mtime = 1600000000
            tar.addfile(info, io.BytesIO(data))
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def dead_pid():
    """The process id of a process that has ended."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def write(path, text, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def run_script(name, *args, env=None, cwd=None):
    """Run scripts/NAME with the current Python; return the
    CompletedProcess."""
    full_env = dict(os.environ)
    full_env.pop("CPYTHON_TARBALL", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable,
                           os.path.join(SCRIPTS, name)] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=full_env, cwd=cwd,
                          stdin=subprocess.DEVNULL)


def interrupt_when(test, proc, ready, signum, timeout=20):
    """Send `signum` to `proc` once `ready()` is true (a step under way),
    then check that it ended as the contract says: exit 128 + signum, one
    line and no traceback.  Returns what it printed."""
    deadline = time.monotonic() + timeout
    while not ready():
        test.assertLess(time.monotonic(), deadline)
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signum)
    out, _ = proc.communicate(timeout=timeout)
    test.assertEqual(proc.returncode, 128 + signum, out)
    test.assertNotIn("Traceback", out)
    return out


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="wbtest.")
        self.tmp = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)
