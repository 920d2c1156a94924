"""scripts/deps.sh with stand-ins for dpkg-query, apt-get, sudo and id."""

import os
import subprocess
import textwrap
import unittest

from tests.support import SCRIPTS, TempDirTest, read, write

# dpkg-query -W -f='${Status}' PKG: the packages in $STUB_MISSING are not
# installed (quilt: removed, only its config files left; others: unknown to
# dpkg, which then exits 1 as the real one does); the rest are.
DPKG_QUERY = textwrap.dedent("""\
    #!/bin/sh
    for p in "$@"; do :; done
    case " $STUB_MISSING " in
        *" $p "*)
            if [ "$p" = quilt ]; then
                printf 'deinstall ok config-files'
            elif [ "$p" = gdb ]; then
                printf 'unknown ok not-installed'
            else
                echo "dpkg-query: no packages found matching $p" >&2
                exit 1
            fi ;;
        *) printf 'install ok installed' ;;
    esac
    """)
APT_GET = textwrap.dedent("""\
    #!/bin/sh
    echo "apt-get $*" >> "$STUB_LOG"
    case " $* " in *" install "*) exit "${STUB_INSTALL_EXIT:-0}" ;; esac
    """)
SUDO = '#!/bin/sh\necho "sudo" >> "$STUB_LOG"\nexec "$@"\n'
ID = '#!/bin/sh\necho "$STUB_UID"\n'


class DepsTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.bin = self.path("bin")
        self.log = self.path("log")
        write(os.path.join(self.bin, "dpkg-query"), DPKG_QUERY, 0o755)
        write(os.path.join(self.bin, "apt-get"), APT_GET, 0o755)
        write(os.path.join(self.bin, "sudo"), SUDO, 0o755)
        write(os.path.join(self.bin, "id"), ID, 0o755)

    def deps(self, missing="", uid=0, **env):
        full_env = {"PATH": self.bin, "STUB_LOG": self.log,
                    "STUB_MISSING": missing, "STUB_UID": str(uid)}
        full_env.update(env)
        return subprocess.run(["/bin/sh", os.path.join(SCRIPTS, "deps.sh")],
                              env=full_env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True,
                              stdin=subprocess.DEVNULL)

    def calls(self):
        return read(self.log).splitlines() if os.path.exists(self.log) else []

    def test_nothing_missing_is_a_no_op(self):
        proc = self.deps()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("all packages installed", proc.stdout)
        self.assertEqual(self.calls(), [])

    def test_only_the_missing_ones_installed(self):
        proc = self.deps(missing="gdb quilt uuid-dev")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        calls = self.calls()
        self.assertEqual(len(calls), 2, calls)
        self.assertIn("update", calls[0])
        self.assertTrue(calls[1].startswith("apt-get install"), calls)
        words = calls[1].split()
        installed = words[words.index("--no-install-recommends") + 1:]
        self.assertEqual(sorted(installed), ["gdb", "quilt", "uuid-dev"])

    def test_through_sudo_when_not_root(self):
        proc = self.deps(missing="quilt", uid=1000)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(self.calls()[0], "sudo")
        self.assertIn("apt-get install", "\n".join(self.calls()))

    def test_not_root_and_no_sudo(self):
        os.unlink(os.path.join(self.bin, "sudo"))
        proc = self.deps(missing="quilt", uid=1000)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("apt-get install quilt", proc.stdout)
        self.assertEqual(self.calls(), [])

    def test_no_apt_get_names_the_packages(self):
        os.unlink(os.path.join(self.bin, "apt-get"))
        proc = self.deps(missing="gdb quilt")
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(len(proc.stdout.strip().splitlines()), 1,
                         proc.stdout)
        self.assertIn("no apt-get here", proc.stdout)
        self.assertIn("gdb", proc.stdout)
        self.assertIn("quilt", proc.stdout)

    def test_failed_install_is_an_error(self):
        proc = self.deps(missing="quilt", STUB_INSTALL_EXIT="100")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("apt-get install failed for: quilt", proc.stdout)


if __name__ == "__main__":
    unittest.main()
