"""scripts/build.sh and scripts/check_build.py on fixture trees (no CPython
build: a fake configure, Makefile and python)."""

import os
import re
import subprocess
import textwrap
import time
import unittest

from tests.support import ROOT, SCRIPTS, TempDirTest, read, write

import check_build

# setup.py's summary as 3.9.2 prints it (trimmed).
SUMMARY = textwrap.dedent("""\

    Python build finished successfully!
    The necessary bits to build these optional modules were not found:
    _tkinter              nis
    To find the necessary bits, look in setup.py in detect_modules() for \
the module's name.


    The following modules found by detect_modules() in setup.py, have been
    built by the Makefile instead, as configured by the Setup files:
    _abc                  atexit                pwd
    time

    {extra}
    running build_scripts
    """)

FAILED = textwrap.dedent("""\
    Failed to build these modules:
    _xxsubinterpreters

    """)

IMPORT_FAILED = textwrap.dedent("""\
    Following modules built successfully but were removed because they \
could not be imported:
    _ctypes

    """)

NOT_BUILT = "_tkinter tk-dev Tk\nnis libnsl-dev NIS\n"

# 3.13's Tools/build/check_extension_modules.py, at the end of make (trimmed).
SUMMARY_313 = textwrap.dedent("""\
    The following modules are *disabled* in configure script:
    _sqlite3

    The necessary bits to build these optional modules were not found:
    _tkinter
    To find the necessary bits, look in configure.ac and config.log.

    Following modules built successfully but were removed because they \
could not be imported:
    _interpchannels

    Checked 112 modules (33 built-in, 76 shared, 1 n/a on linux-x86_64, \
1 disabled, 1 missing, 1 failed on import)
    """)

# The modules the series' tests need (the Makefile's SERIES_MODULES_<line>).
MODULES = ("_xxsubinterpreters", "_testinternalcapi", "_testcapi")

# A python for the fixture tree: the test's own interpreter, importing the
# tree's build/lib.fixture (stand-ins for the extension modules).
FAKE_PYTHON = textwrap.dedent("""\
    #!/bin/sh
    PYTHONPATH="$(dirname "$0")/build/lib.fixture" exec "{python}" "$@"
    """)


def deps_packages():
    """The package names scripts/deps.sh installs."""
    text = read(os.path.join(SCRIPTS, "deps.sh"))
    m = re.search(r'^PACKAGES="([^"]*)"', text, re.M)
    return set(m.group(1).split())


class CheckBuildTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.tree = self.path("tree")
        write(os.path.join(self.tree, "Modules",
                           "_xxsubinterpretersmodule.c"),
              "PyMODINIT_FUNC\nPyInit__xxsubinterpreters(void)\n{}\n")
        old = time.time() - 100
        os.utime(os.path.join(self.tree, "Modules",
                              "_xxsubinterpretersmodule.c"), (old, old))
        self.lib = os.path.join(self.tree, "build", "lib.fixture")
        for name in MODULES:
            write(os.path.join(self.lib, name + ".py"), "")
        write(os.path.join(self.tree, "python"),
              FAKE_PYTHON.format(python=os.path.realpath(
                  __import__("sys").executable)), mode=0o755)
        write(self.path("patches", "series"), "proposed/0001-x.patch\n")
        write(self.path("patches", "proposed", "0001-x.patch"),
              "--- a/Modules/_xxsubinterpretersmodule.c\n"
              "+++ b/Modules/_xxsubinterpretersmodule.c\n")
        write(self.path("not-built.txt"), NOT_BUILT)
        self.log = self.path("make.log")

    def check(self, extra=""):
        write(self.log, SUMMARY.format(extra=extra))
        return check_build.check(self.tree, self.log,
                                 patches_dir=self.path("patches"),
                                 not_built=self.path("not-built.txt"),
                                 needed=MODULES)

    def test_complete_build_passes(self):
        self.assertEqual(self.check(), [])

    def test_summary(self):
        summary = check_build.setup_summary(
            SUMMARY.format(extra=FAILED + IMPORT_FAILED))
        self.assertEqual(summary["missing"], ["_tkinter", "nis"])
        self.assertEqual(summary["failed"], ["_xxsubinterpreters"])
        self.assertEqual(summary["failed_on_import"], ["_ctypes"])

    def test_summary_of_313(self):
        summary = check_build.setup_summary(SUMMARY_313)
        self.assertEqual(summary["disabled_configure"], ["_sqlite3"])
        self.assertEqual(summary["missing"], ["_tkinter"])
        self.assertEqual(summary["failed_on_import"], ["_interpchannels"])

    def test_failed_module_fails_and_its_stale_so_is_removed(self):
        stale = os.path.join(
            self.lib, "_xxsubinterpreters.cpython-39-x86_64-linux-gnu.so")
        write(stale, "")
        problems = self.check(FAILED)
        self.assertTrue(any("failed to build _xxsubinterpreters" in p
                            for p in problems), problems)
        self.assertFalse(os.path.exists(stale))

    def test_module_removed_on_import_fails(self):
        problems = self.check(IMPORT_FAILED)
        self.assertTrue(any("could not import _ctypes" in p
                            for p in problems), problems)

    def test_missing_bits_fail_unless_listed(self):
        write(self.path("not-built.txt"), "_tkinter tk-dev Tk\n")
        problems = self.check()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("what nis needs", problems[0])

    def test_series_module_must_import(self):
        write(os.path.join(self.lib, "_testcapi.py"),
              "raise ImportError('not built')\n")
        problems = self.check()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("_testcapi does not import", problems[0])

    def test_module_older_than_its_source_is_stale(self):
        built = os.path.join(self.lib, "_xxsubinterpreters.py")
        old = time.time() - 200
        os.utime(built, (old, old))
        problems = self.check()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("_xxsubinterpreters is stale", problems[0])

    def test_touched_modules_come_from_the_patches(self):
        modules = check_build.modules_to_import(self.tree,
                                                self.path("patches"))
        self.assertEqual(modules, {"_xxsubinterpreters": os.path.join(
            self.tree, "Modules", "_xxsubinterpretersmodule.c")})
        modules = check_build.modules_to_import(self.tree,
                                                self.path("patches"),
                                                ["_testcapi"])
        self.assertEqual(set(modules), {"_xxsubinterpreters", "_testcapi"})


class NotBuiltListTest(unittest.TestCase):
    def test_only_modules_deps_sh_does_not_provide(self):
        """A module may be missing from a build only when the Debian package
        that would provide it is not one that deps.sh installs."""
        allowed = check_build.read_not_built()
        self.assertTrue(allowed)
        provided = deps_packages()
        for module, package in sorted(allowed.items()):
            self.assertNotIn(package, provided,
                             "{} is allowed missing, but deps.sh installs "
                             "{}".format(module, package))


class BuildShTest(TempDirTest):
    """build.sh with a fixture configure and Makefile."""

    CONFIGURE = textwrap.dedent("""\
        #!/bin/sh
        # Records what it was given, then writes a Makefile.
        printf '%s\\n' "$@" > configure.args
        command -v gcc > configure.gcc
        cat > Makefile <<'MK'
        all:
        \tcp python.in python
        \tcat make.out
        distclean:
        MK
        echo x > config.status
        exit "${FAIL_CONFIGURE:-0}"
        """)

    def setUp(self):
        super().setUp()
        self.tree = self.path("tree")
        write(os.path.join(self.tree, "configure"), self.CONFIGURE,
              mode=0o755)
        lib = os.path.join(self.tree, "build", "lib.fixture")
        for name in MODULES:
            write(os.path.join(lib, name + ".py"), "")
        write(os.path.join(self.tree, "python.in"),
              FAKE_PYTHON.format(python=os.path.realpath(
                  __import__("sys").executable)), mode=0o755)
        write(os.path.join(self.tree, "make.out"), "make: done\n")
        # ccache's folder of compiler links, and a ccache command.
        self.ccache = self.path("ccache")
        write(os.path.join(self.ccache, "gcc"), "#!/bin/sh\n", mode=0o755)
        self.bin = self.path("bin")
        write(os.path.join(self.bin, "ccache"), "#!/bin/sh\n", mode=0o755)

    def build(self, *options, **env):
        full = dict(os.environ)
        full.pop("CC", None)
        full["PATH"] = self.bin + os.pathsep + full["PATH"]
        full["WORKBENCH_CCACHE_DIR"] = self.ccache
        full.update(env)
        return subprocess.run(
            ["sh", os.path.join(SCRIPTS, "build.sh"), self.tree,
             self.path("build", "patched"), "1",
             "--modules", " ".join(MODULES)] + list(options),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True, env=full, cwd=ROOT,
            stdin=subprocess.DEVNULL)

    def test_ccache_through_path_not_cc(self):
        proc = self.build()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        args = read(os.path.join(self.tree, "configure.args")).split("\n")
        self.assertIn("CC=gcc", args)
        self.assertFalse([a for a in args if "ccache" in a], args)
        self.assertEqual(read(os.path.join(self.tree, "configure.gcc")),
                         os.path.join(self.ccache, "gcc") + "\n")
        self.assertTrue(os.path.islink(self.path("build", "patched")))

    def test_configure_options_after_the_workbench_options(self):
        write(self.path("patches", "series"), "")
        proc = self.build("--patches", self.path("patches"), "--",
                          "--with-pydebug", "--enable-shared")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        args = read(os.path.join(self.tree, "configure.args")).split("\n")
        self.assertIn("--with-pydebug", args)
        self.assertIn("--enable-shared", args)
        self.assertFalse([a for a in args if "patches" in a or a == "--"],
                         args)

    def test_option_without_value_refused(self):
        proc = self.build("--modules")
        self.assertEqual(proc.returncode, 2, proc.stdout)
        self.assertIn("--modules needs a value", proc.stdout)

    def test_failed_configure_leaves_no_makefile(self):
        proc = self.build(FAIL_CONFIGURE="1")
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn("configure failed", proc.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.tree, "Makefile")))
        self.assertFalse(os.path.exists(os.path.join(self.tree,
                                                     "config.status")))

    def test_failed_extension_fails_the_build(self):
        write(os.path.join(self.tree, "make.out"), FAILED)
        proc = self.build()
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn("failed to build _xxsubinterpreters", proc.stdout)
        self.assertNotIn("ready", proc.stdout)


if __name__ == "__main__":
    unittest.main()
