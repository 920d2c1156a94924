"""CC: which compiler, which folders, what make deps installs (make -n)."""

import os
import subprocess
import unittest

from tests.support import ROOT, SCRIPTS, TempDirTest, write


def make_dry(*args, env=None):
    """`make -n ARGS` in the repository, free of the caller's make state."""
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "CC",
                             "DEBUG", "ASAN", "ABI_TREE")}
    full_env.update(env or {})
    return subprocess.run(["make", "--no-print-directory", "-n", "-C", ROOT]
                          + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=full_env,
                          stdin=subprocess.DEVNULL)


def build_line(proc):
    lines = [line for line in proc.stdout.splitlines()
             if "scripts/build.sh" in line]
    return lines[0].split()[2:4] if lines else None


class MakefileCompilerTest(unittest.TestCase):
    def test_default_is_gcc_folders(self):
        self.assertEqual(build_line(make_dry("build")),
                         ["src/patched", "build/patched"])

    def test_cc_gcc_from_the_environment(self):
        proc = make_dry("build", env={"CC": "gcc"})
        self.assertEqual(build_line(proc), ["src/patched", "build/patched"])

    def test_clang_folders(self):
        self.assertEqual(build_line(make_dry("build", "CC=clang")),
                         ["src/patched-clang", "build/patched-clang"])
        self.assertEqual(build_line(make_dry("baseline", "CC=clang")),
                         ["src/baseline-clang", "build/baseline-clang"])
        self.assertEqual(
            build_line(make_dry("pristine", "DEBUG=1", env={"CC": "clang"})),
            ["src/pristine-debug-clang", "build/pristine-debug-clang"])

    def test_refleaks_runs_the_clang_debug_build(self):
        out = make_dry("refleaks", "CC=clang").stdout.replace("\\\n\t", "")
        self.assertIn("--python src/patched-debug-clang/python"
                      " --report out/refleaks-debug-clang", out)

    def test_two_words_refused(self):
        proc = make_dry("build", "CC=ccache gcc")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('CC="ccache gcc": give one compiler, e.g. CC=clang',
                      proc.stdout)
        self.assertNotIn("build.sh", proc.stdout)

    def test_deps_asked_for(self):
        def deps(*args):
            return [line for line in make_dry(*args).stdout.splitlines()
                    if "deps.sh" in line][0].split()[2:]
        self.assertEqual(deps("deps"), [])
        self.assertEqual(deps("deps", "CC=clang"), ["clang"])
        self.assertEqual(deps("deps", "CC=gcc"), [])
        self.assertEqual(deps("deps", "abi-check"), ["abigail-tools"])

    def test_abi_check_trees(self):
        out = make_dry("abi-check").stdout.replace("\\\n\t", "")
        self.assertIn("--old src/pristine-shared --new src/patched-shared "
                      "--out out/abi-check-patched-shared", out)
        self.assertIn("--enable-shared", out)
        out = make_dry("abi-check", "ABI_TREE=baseline", "DEBUG=1").stdout
        self.assertIn("--tree src/baseline-debug-shared", out)
        self.assertIn("--part baseline", out)
        self.assertIn("--new src/baseline-debug-shared", out)

    def test_abi_tree_checked(self):
        out = make_dry("abi-check", "ABI_TREE=pristine").stdout
        self.assertIn("ABI_TREE=pristine: use patched or baseline", out)
        self.assertNotIn("ABI_TREE=patched: use", make_dry("abi-check").stdout)


class BuildScriptCompilerTest(TempDirTest):
    def run_build(self, cc):
        tree = self.path("tree")
        write(os.path.join(tree, "configure"), "#!/bin/sh\nexit 0\n",
              mode=0o755)
        env = dict(os.environ, CC=cc)
        return subprocess.run(["sh", os.path.join(SCRIPTS, "build.sh"), tree,
                               self.path("link"), "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, env=env,
                              stdin=subprocess.DEVNULL)

    def test_two_words_refused(self):
        proc = self.run_build("ccache gcc")
        self.assertEqual(proc.returncode, 2)
        self.assertIn('build: CC="ccache gcc": give one compiler',
                      proc.stdout)
        self.assertFalse(os.path.exists(self.path("tree", "Makefile")))

    def test_missing_compiler(self):
        proc = self.run_build("no-such-cc-here")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout.strip(),
                         "build: compiler no-such-cc-here not found: install "
                         "it (`make deps CC=no-such-cc-here` for clang)")
