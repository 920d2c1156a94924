"""scripts/fetch.py: verification, the order of the sources, failures."""

import contextlib
import errno
import io
import os
import re
import signal
import stat
import subprocess
import sys
import textwrap
import unittest
from unittest import mock

from tests.support import (SCRIPTS, TempDirTest, dead_pid, interrupt_when,
                           make_tarball, read, run_script, write)

import fetch

# A stand-in for apt-get: `update` succeeds; `source --download-only SRC=VER`
# copies $STUB_ORIG (if set) into the current folder as the orig tarball, and
# every call is logged to $STUB_LOG.
STUB_APT = textwrap.dedent("""\
    #!/bin/sh
    echo "$*" >> "$STUB_LOG"
    for a in "$@"; do last=$a; done
    case " $* " in
        *" update "*)
            [ -z "${STUB_SLEEP:-}" ] || exec sleep "$STUB_SLEEP"
            if [ -n "${STUB_UNREACHABLE:-}" ]; then
                echo "Err:1 http://mirror.invalid/debian stable InRelease"
                echo "  Could not resolve 'mirror.invalid'"
                printf '%s%s%s\\n' "W: Failed to fetch " \
                    "http://mirror.invalid/debian/dists/stable/InRelease  " \
                    "Could not resolve 'mirror.invalid'"
                echo "W: Some index files failed to download."
                exit 0
            fi
            echo "Get:1 stub InRelease"; exit 0 ;;
        *" source "*)
            [ -n "${STUB_ORIG:-}" ] || {
                echo "E: Unable to find a source package"; exit 100; }
            cp "$STUB_ORIG" ./"$STUB_ORIG_NAME"
            echo "Get:2 stub (tar)"; exit 0 ;;
    esac
    exit 1
    """)


class FetchTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.good = self.path("upstream", "Foo-1.0.tar.xz")
        os.makedirs(os.path.dirname(self.good))
        self.sha = make_tarball(self.good, "Foo-1.0", {"README": "good\n"})
        self.bad = self.path("upstream", "bad.tar.xz")
        self.bad_sha = make_tarball(self.bad, "Foo-1.0", {"README": "evil\n"})
        self.cache = self.path("cache")
        self.log = self.path("apt.log")
        write(self.path("apt-get"), STUB_APT, 0o755)
        write(self.path("apt", "sources.list"),
              "deb http://mirror.invalid/debian stable main\n")
        self.write_conf("file://" + self.good)

    def write_conf(self, url):
        write(self.path("base.conf"), textwrap.dedent("""\
            LINES = 1.0 2.0
            BASE_VERSION_1.0 = 1.0
            BASE_TARBALL_1.0 = Foo-1.0.tar.xz
            BASE_SHA256_1.0 = {}
            BASE_URL_1.0 = {}
            DEBIAN_SOURCE_1.0 = foo
            DEBIAN_VERSION_1.0 = 1.0-1
            DEBIAN_SUITE_1.0 = stable
            DEBIAN_COMPONENT_1.0 = main
            BASE_TARBALL_2.0 = Foo-2.0.tar.xz
            """.format(self.sha, url)))

    def fetch(self, *args, debian_orig=None, env=None, cwd=None):
        full_env = {"STUB_LOG": self.log,
                    "STUB_ORIG_NAME": "foo_1.0.orig.tar.xz",
                    "STUB_ORIG": debian_orig or ""}
        full_env.update(env or {})
        return run_script("fetch.py", "--conf", self.path("base.conf"),
                          "--cache", self.cache, "--apt-etc", self.path("apt"),
                          "--apt-get", self.path("apt-get"), "--timeout", "2",
                          *args, env=full_env, cwd=cwd)

    def fetch_here(self, *args):
        """fetch.py run in this process (to inject faults): (exit, output)."""
        err = io.StringIO()
        argv = ["--conf", self.path("base.conf"), "--cache", self.cache,
                "--apt-etc", self.path("apt"), "--apt-get",
                self.path("apt-get"), "--timeout", "2"] + list(args)
        with contextlib.redirect_stderr(err), \
                mock.patch.dict(os.environ, {"STUB_LOG": self.log}):
            code = fetch.workbench.run_main("fetch", fetch.main, argv)
        return code, err.getvalue()

    def assertOneMessage(self, proc, lines=2):
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("Traceback", proc.stdout)
        # progress lines: a source failed, apt's Get: lines, trying...
        errors = [line for line in proc.stdout.splitlines()
                  if line.startswith("fetch: ") and " failed: " not in line
                  and not line.startswith(("fetch:   ", "fetch: trying"))]
        self.assertLessEqual(len(errors), lines, proc.stdout)

    def cached(self):
        return os.path.join(self.cache, "Foo-1.0.tar.xz")

    def apt_calls(self):
        return read(self.log).splitlines() if os.path.exists(self.log) else []

    def assertCachedGood(self):
        self.assertTrue(os.path.exists(self.cached()))
        self.assertEqual(fetch.workbench.sha256_file(self.cached()), self.sha)
        leftovers = [n for n in os.listdir(self.cache)
                     if n != "Foo-1.0.tar.xz"]
        self.assertEqual(leftovers, [])

    # -- the order of the sources ---------------------------------------------

    def test_url_used_when_cache_empty(self):
        proc = self.fetch()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("from the upstream URL", proc.stdout)
        self.assertCachedGood()
        self.assertEqual(self.apt_calls(), [])  # Debian not tried

    def test_cache_used_first(self):
        self.assertEqual(self.fetch().returncode, 0)
        self.write_conf("file://" + self.path("nowhere.tar.xz"))
        proc = self.fetch()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("from the download cache", proc.stdout)
        self.assertEqual(self.apt_calls(), [])

    def test_debian_after_url_fails(self):
        self.write_conf("file://" + self.path("nowhere.tar.xz"))
        proc = self.fetch(debian_orig=self.good)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("upstream URL failed", proc.stdout)
        self.assertIn("from the Debian source package", proc.stdout)
        self.assertCachedGood()
        calls = self.apt_calls()
        self.assertEqual(len(calls), 2, calls)
        self.assertIn("update", calls[0])
        self.assertIn("source --download-only foo=1.0-1", calls[1])
        # apt worked in a private state folder, gone afterwards.
        self.assertIn("Dir::State::Lists=" + self.cache, calls[0])

    def test_debian_with_a_relative_cache(self):
        # As the Makefile calls it (--cache cache): apt must get absolute
        # paths.
        self.write_conf("file://" + self.path("nowhere.tar.xz"))
        env = {"STUB_LOG": self.log, "STUB_ORIG_NAME": "foo_1.0.orig.tar.xz",
               "STUB_ORIG": self.good}
        proc = run_script("fetch.py", "--conf", self.path("base.conf"),
                          "--cache", "cache",
                          "--apt-etc", self.path("apt"), "--apt-get",
                          self.path("apt-get"),
                          env=env, cwd=self.tmp)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        for call in self.apt_calls():
            for option in re.findall(r"Dir::[\w:]+=(\S+)", call):
                self.assertTrue(os.path.isabs(option), call)

    def test_user_tarball_is_the_only_source(self):
        proc = self.fetch("--tarball", self.good)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("from the CPYTHON_TARBALL", proc.stdout)
        self.assertCachedGood()

    def test_user_tarball_from_environment(self):
        env_good = self.path("mine.tar.xz")
        with open(self.good, "rb") as src, open(env_good, "wb") as dst:
            dst.write(src.read())
        proc = run_script("fetch.py", "--conf", self.path("base.conf"),
                          "--cache",
                          self.cache, env={"CPYTHON_TARBALL": env_good})
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("CPYTHON_TARBALL " + env_good, proc.stdout)

    # -- verification ---------------------------------------------------------

    def test_mismatch_refused_and_download_removed(self):
        self.write_conf("file://" + self.bad)
        proc = self.fetch()   # the Debian stub has nothing either
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(self.sha, proc.stdout)
        self.assertIn(self.bad_sha, proc.stdout)
        self.assertIn("removed", proc.stdout)
        self.assertEqual(os.listdir(self.cache), [])

    def test_debian_mismatch_removed(self):
        self.write_conf("file://" + self.path("nowhere.tar.xz"))
        proc = self.fetch(debian_orig=self.bad)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(self.bad_sha, proc.stdout)
        self.assertEqual(os.listdir(self.cache), [])

    def test_corrupt_cache_removed_then_refetched(self):
        os.makedirs(self.cache)
        with open(self.bad, "rb") as src, open(self.cached(), "wb") as dst:
            dst.write(src.read())
        proc = self.fetch()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("download cache failed", proc.stdout)
        self.assertIn("from the upstream URL", proc.stdout)
        self.assertCachedGood()

    def test_user_bad_tarball_refused_and_kept(self):
        proc = self.fetch("--tarball", self.bad, debian_orig=self.good)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("CPYTHON_TARBALL refused", proc.stdout)
        self.assertIn(self.bad_sha, proc.stdout)
        self.assertTrue(os.path.exists(self.bad))          # kept
        self.assertFalse(os.path.exists(self.cached()))    # not replaced
        self.assertEqual(self.apt_calls(), [])             # no other source

    def test_user_missing_tarball_refused(self):
        proc = self.fetch("--tarball", self.path("missing.tar.xz"))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("no such file", proc.stdout)

    def test_every_source_fails_one_line_each(self):
        self.write_conf("file://" + self.path("nowhere.tar.xz"))
        proc = self.fetch()
        self.assertNotEqual(proc.returncode, 0)
        lines = proc.stdout.splitlines()
        tried = [line for line in lines
                 if line.startswith("  ") and ":" in line]
        labels = [line.strip().split(":")[0] for line in tried]
        self.assertEqual(labels,
                         ["download cache", "upstream URL",
                          "Debian source package"])
        self.assertIn("Unable to find a source package", proc.stdout)
        self.assertFalse(os.path.exists(self.cached()))

    def test_corrupt_cache_removed_when_every_source_fails(self):
        os.makedirs(self.cache)
        with open(self.bad, "rb") as src, open(self.cached(), "wb") as dst:
            dst.write(src.read())
        self.write_conf("file://" + self.path("nowhere.tar.xz"))
        proc = self.fetch()
        self.assertOneMessage(proc)
        self.assertIn(self.bad_sha, proc.stdout)
        self.assertEqual(os.listdir(self.cache), [])

    # -- bad input and faults: one line, no traceback -----------------------

    def test_cache_is_a_file(self):
        write(self.cache, "not a folder\n")
        proc = self.fetch()
        self.assertOneMessage(proc, lines=1)
        self.assertIn(self.cache + " is not a folder", proc.stdout)
        self.assertEqual(read(self.cache), "not a folder\n")

    def test_cache_entry_is_a_folder(self):
        os.makedirs(os.path.join(self.cached(), "x"))
        for args in ((), ("--tarball", self.good)):
            proc = self.fetch(*args)
            self.assertOneMessage(proc, lines=1)
            self.assertIn(self.cached() + " is a folder", proc.stdout)
            self.assertTrue(os.path.isdir(os.path.join(self.cached(), "x")))

    def test_unwritable_cache(self):
        # As root, permissions do not stop writes: fake what the kernel says.
        os.makedirs(self.cache)
        denied = OSError(errno.EACCES, "Permission denied", self.cache)
        with mock.patch("tempfile.mkstemp", side_effect=denied):
            code, out = self.fetch_here()
        self.assertEqual(code, 1, out)
        self.assertNotIn("Traceback", out)
        self.assertEqual(len(out.strip().splitlines()), 1, out)
        self.assertIn("cannot write the download cache", out)
        self.assertIn("Permission denied", out)
        self.assertEqual(self.apt_calls(), [])
        # a good tarball already in a read-only cache is all that is needed
        with open(self.good, "rb") as src, open(self.cached(), "wb") as dst:
            dst.write(src.read())
        with mock.patch("tempfile.mkstemp", side_effect=denied):
            code, out = self.fetch_here()
        self.assertEqual(code, 0, out)

    @unittest.skipUnless(os.geteuid() == 0, "setpriv needs root")
    def test_read_only_checkout_as_another_user(self):
        # The real thing: a cache folder this user cannot write.
        os.chmod(self.tmp, 0o755)
        os.makedirs(self.cache, mode=0o755)
        proc = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             sys.executable, os.path.join(SCRIPTS, "fetch.py"),
             "--conf", self.path("base.conf"), "--cache", self.cache,
             "--apt-etc", self.path("apt"), "--apt-get",
             self.path("apt-get")], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, universal_newlines=True,
            env={"PATH": os.environ["PATH"], "STUB_LOG": self.log})
        if "setpriv:" in proc.stdout:
            self.skipTest(proc.stdout.strip())
        self.assertOneMessage(proc, lines=1)
        self.assertIn("cannot write the download cache", proc.stdout)
        self.assertEqual(os.listdir(self.cache), [])

    def test_disk_full_copying_user_tarball(self):
        def fill_disk(src, dst):
            with open(dst, "wb") as f:
                f.write(b"partial")
            raise OSError(errno.ENOSPC, "No space left on device", dst)
        with mock.patch.object(fetch, "copy_file", fill_disk):
            code, out = self.fetch_here("--tarball", self.good)
        self.assertEqual(code, 1, out)
        self.assertNotIn("Traceback", out)
        self.assertEqual(len(out.strip().splitlines()), 1, out)
        self.assertIn("No space left on device", out)
        self.assertIn(self.good, out)
        self.assertEqual(os.listdir(self.cache), [])   # no partial copy

    def test_user_tarball_is_a_folder(self):
        proc = self.fetch("--tarball", self.tmp)
        self.assertOneMessage(proc, lines=1)
        self.assertIn("a folder, not a tarball", proc.stdout)

    def test_relative_user_tarball_from_the_callers_folder(self):
        # make -C DIR: the script runs in DIR, the user gave a path
        # relative to the folder make was started in.
        elsewhere = self.path("elsewhere")
        os.makedirs(elsewhere)
        rel = os.path.relpath(self.good, self.tmp)
        proc = self.fetch("--tarball", rel, cwd=elsewhere,
                          env={"WORKBENCH_CALLER_DIR": self.tmp})
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertCachedGood()
        proc = self.fetch("--tarball", "missing.tar.xz", cwd=elsewhere,
                          env={"WORKBENCH_CALLER_DIR": self.tmp})
        self.assertOneMessage(proc, lines=1)
        self.assertIn(self.path("missing.tar.xz") + ": no such file",
                      proc.stdout)

    def test_cache_copy_has_normal_permissions(self):
        old = os.umask(0o022)
        try:
            proc = self.fetch("--tarball", self.good)
        finally:
            os.umask(old)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(stat.S_IMODE(os.stat(self.cached()).st_mode), 0o644)

    def test_unreachable_mirror_named_with_apts_error(self):
        self.write_conf("file://" + self.path("nowhere.tar.xz"))
        proc = self.fetch(env={"STUB_UNREACHABLE": "1"},
                          debian_orig=self.good)
        self.assertOneMessage(proc)
        self.assertIn("Failed to fetch http://mirror.invalid/debian/dists/"
                      "stable/InRelease  Could not resolve", proc.stdout)
        self.assertFalse(os.path.exists(self.cached()))

    def test_leftovers_of_dead_runs_removed(self):
        os.makedirs(self.cache)
        tag = "pid{}".format(dead_pid())
        dead = [os.path.join(self.cache, n.format(tag)) for n in (
            "Foo-1.0.tar.xz.{}.abc.part", "Foo-1.0.tar.xz.xyz.part",
            "apt-state.{}.abc", "apt-state.xyz")]
        live = [os.path.join(self.cache, n.format(os.getpid())) for n in (
            "Foo-1.0.tar.xz.pid{}.abc.part", "apt-state.pid{}.abc")]
        for path in dead + live:
            if path.endswith(".part"):
                write(path, "partial")
            else:
                os.makedirs(os.path.join(path, "lists"))
        proc = self.fetch()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(sorted(os.listdir(self.cache)),
                         sorted(["Foo-1.0.tar.xz"] +
                                [os.path.basename(p) for p in live]))

    def interrupt_apt(self, signum):
        self.write_conf("file://" + self.path("nowhere.tar.xz"))
        env = dict(os.environ, STUB_LOG=self.log, STUB_SLEEP="30")
        env.pop("CPYTHON_TARBALL", None)
        proc = subprocess.Popen(
            [sys.executable, os.path.join(SCRIPTS, "fetch.py"),
             "--conf", self.path("base.conf"), "--cache", self.cache,
             "--apt-etc", self.path("apt"), "--apt-get",
             self.path("apt-get"), "--timeout", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True, env=env, stdin=subprocess.DEVNULL)
        out = interrupt_when(self, proc, self.apt_calls, signum)
        self.assertIn("fetch: interrupted" if signum == signal.SIGINT
                      else "fetch: killed by signal", out)
        self.assertEqual(os.listdir(self.cache), [])    # no apt-state.*

    def test_ctrl_c_leaves_nothing(self):
        self.interrupt_apt(signal.SIGINT)

    def test_sigterm_leaves_nothing(self):
        self.interrupt_apt(signal.SIGTERM)


class MirrorTest(TempDirTest):
    def test_one_line_and_deb822(self):
        write(self.path("sources.list"), textwrap.dedent("""\
            # a comment
            deb [{options}] http://a.invalid/debian bookworm main
            deb http://a.invalid/debian-security bookworm-security main
            deb http://c.invalid/debian/ bookworm main contrib
            """).format(options="arch=amd64 signed-by=/usr/share/keyrings/"
                                "debian-archive-keyring.gpg"))
        write(self.path("sources.list.d", "debian.sources"),
              textwrap.dedent("""\
            Types: deb
            URIs: http://b.invalid/debian
            Suites: bookworm bookworm-updates
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb
            URIs: http://b.invalid/debian-security
            Suites: bookworm-security
            Components: main

            Types: deb
            URIs: http://d.invalid/debian
            Suites: bookworm
            Components: main
            Enabled: no
            """))
        write(self.path("sources.list.d", "other.sources"),
              textwrap.dedent("""\
            Types: deb
            URIs: https://vendor.invalid/apt
            Suites: stable
            Components: main
            Signed-By: /usr/share/keyrings/vendor.gpg
            """))
        write(self.path("sources.list.d", "x.list.disabled"),
              "deb http://e.invalid/debian bookworm main\n")
        got = fetch.debian_mirrors(self.tmp)
        self.assertEqual([u for u, _ in got], ["http://a.invalid/debian",
                                               "http://c.invalid/debian",
                                               "http://b.invalid/debian"])
        self.assertEqual(got[0][1],
                         "/usr/share/keyrings/debian-archive-keyring.gpg")
        self.assertEqual(got[1][1], "")

    def test_none(self):
        self.assertEqual(fetch.debian_mirrors(self.tmp), [])


if __name__ == "__main__":
    unittest.main()
