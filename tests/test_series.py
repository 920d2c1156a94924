"""The repository's own series, patches and pinned base agree with each
other."""

import os
import re
import subprocess
import unittest
import urllib.parse

from tests.support import ROOT

import workbench

LINES = workbench.conf_lines()
# Each line's patches/FOLDER, and the folders of the other lines inside it.
FOLDERS = {line: workbench.read_conf(line=line)["FOLDER"] for line in LINES}


def line_patches(line):
    return os.path.join(ROOT, "patches", FOLDERS[line])


class SeriesTest(unittest.TestCase):
    """The series of the line LINE (each line's class below)."""

    LINE = LINES[0]

    def setUp(self):
        self.patches = line_patches(self.LINE)
        self.series = workbench.read_series(self.patches)

    def test_series_and_files_agree(self):
        others = {os.path.join(ROOT, "patches", FOLDERS[line])
                  for line in LINES if line != self.LINE}
        on_disk = set()
        for dirpath, dirs, files in os.walk(self.patches):
            dirs[:] = [d for d in dirs
                       if os.path.join(dirpath, d) not in others]
            for name in files:
                if name != "series":
                    on_disk.add(os.path.relpath(os.path.join(dirpath, name),
                                                self.patches))
        self.assertEqual(sorted(on_disk), sorted(self.series))
        self.assertEqual(len(set(self.series)), len(self.series),
                         "a patch is listed twice")

    def test_parts_in_order(self):
        parts = workbench.series_parts(self.series)
        self.assertTrue(parts["proposed"], "the proposed part is empty")
        if self.LINE == LINES[0]:
            # 3.9 already has both changes: the baseline part undoes them.
            self.assertTrue(parts["baseline"], "the baseline part is empty")
        else:
            # Later lines are measured against their pristine tarball.
            self.assertEqual(parts["baseline"], [],
                             "only the first line has a baseline part")

    def test_dep3_headers(self):
        for name in self.series:
            with self.subTest(patch=name):
                fields = workbench.read_dep3(os.path.join(self.patches, name))
                for field in ("Description", "Author", "Forwarded"):
                    self.assertTrue(fields.get(field),
                                    "no {}: field".format(field))
                subject = fields["Description"].splitlines()[0]
                self.assertLessEqual(len(subject), 80,
                                     "the subject line is too long")
                if name.startswith("baseline/"):
                    self.assertEqual(fields["Forwarded"], "not-needed")
                else:
                    self.assertNotEqual(fields["Forwarded"], "not-needed")
                    self.assertTrue(fields["Description"].count("\n") >= 2,
                                    "a proposed patch needs a body in its "
                                    "Description")

    def test_patches_are_quilt_refreshed(self):
        """a/ b/ paths, no timestamps, no Index: lines: what `quilt refresh`
        with the project's quiltrc writes."""
        for name in self.series:
            with self.subTest(patch=name):
                path = os.path.join(self.patches, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                self.assertNotIn("\nIndex: ", text)
                for line in re.findall(r"^(?:---|\+\+\+) .*$", text, re.M):
                    self.assertRegex(
                        line, r"^(--- (a/|/dev/null)"
                              r"|\+\+\+ (b/|/dev/null))[^\t]*\t?$")

    def test_names_with_spaces_end_with_a_tab(self):
        import patch_headers
        for name in self.series:
            with self.subTest(patch=name):
                path = os.path.join(self.patches, name)
                with open(path, encoding="utf-8") as f:
                    self.assertEqual(patch_headers.unterminated(f.read()), [],
                                     "run `make fix-headers`")

    def test_bug_names_the_github_issue(self):
        """bugs.python.org has been read-only since 2022: a proposed patch's
        Bug: names the GitHub issue (or the fix's pull request, where the
        migrated issue's number is not known), and the bpo issue it was
        migrated from where there is one."""
        for name in workbench.series_parts(self.series)["proposed"]:
            with self.subTest(patch=name):
                fields = workbench.read_dep3(os.path.join(self.patches, name))
                bug = fields.get("Bug")
                if bug is None:
                    continue    # no upstream issue: the NOTES say so
                self.assertRegex(bug, r"https://github\.com/python/cpython/"
                                      r"(issues|pull)/\d+")
                for url in bug.split():
                    self.assertRegex(
                        url, r"^https://(github\.com/python/cpython/"
                             r"(issues|pull)/"
                             r"|bugs\.python\.org/issue)\d+$")

    def test_proposed_patches_have_news(self):
        for name in workbench.series_parts(self.series)["proposed"]:
            with self.subTest(patch=name):
                path = os.path.join(self.patches, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                self.assertRegex(
                    text, r"\n\+\+\+ b/Misc/NEWS\.d/next/[^/]+/"
                          r"\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\."
                          r"(bpo|gh-issue)-\d+\.[\w-]{6}\.rst\t?\n")
                self.assertRegex(text, r"\n\+\+\+ b/Lib/test/",
                                 "no regression test")


class SeriesTest313(SeriesTest):
    LINE = "3.13"

    def test_upstream_layout(self):
        """CPython main's layout: tests under Lib/test/test_interpreters/ or
        the low-level modules' tests, blurb NEWS named by a GitHub issue, a
        gh- subject."""
        for name in self.series:
            with self.subTest(patch=name):
                fields = workbench.read_dep3(os.path.join(self.patches, name))
                self.assertRegex(fields["Description"], r"^gh-\d+: ")
                path = os.path.join(self.patches, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                self.assertNotRegex(text, r"\+\+\+ b/Misc/NEWS\.d/next/"
                                          r"[^\n]*\.bpo-")
                # No GitHub issue yet: the number is a placeholder (999900
                # and up, no Bug: header), and the header says so.
                number = int(re.match(r"gh-(\d+)", fields["Description"])
                             .group(1))
                if number >= 999900:
                    self.assertNotIn("Bug", fields)
                    self.assertIn("placeholder", fields["Description"])
                    self.assertIn("gh-issue-{}.".format(number), text)


class BaseConfTest(unittest.TestCase):
    def test_every_fact(self):
        self.assertEqual(LINES[0], "3.9", "3.9 stays the default line")
        for line in LINES:
            with self.subTest(line=line):
                conf = workbench.read_conf(line=line)
                for key in ("BASE_VERSION", "BASE_TARBALL", "BASE_SHA256",
                            "BASE_URL", "DEBIAN_SOURCE", "DEBIAN_VERSION",
                            "DEBIAN_SUITE"):
                    self.assertTrue(conf.get(key), key)
                self.assertRegex(conf["BASE_SHA256"], r"^[0-9a-f]{64}$")
                self.assertTrue(conf["BASE_VERSION"].startswith(line + "."))
                self.assertIn(conf["BASE_VERSION"], conf["BASE_TARBALL"])
                self.assertTrue(
                    conf["BASE_URL"].endswith("/" + conf["BASE_TARBALL"]))

    def test_unknown_line_refused(self):
        with self.assertRaisesRegex(workbench.WorkbenchError,
                                    r"LINE=2\.7: unknown line; the lines "
                                    r"are 3\.9, 3\.13"):
            workbench.read_conf(line="2.7")

    def test_facts_stated_once(self):
        """No tracked file but base.conf names the checksum or the tarball, and
        none names a host of this machine's Debian mirrors."""
        import fetch
        confs = [workbench.read_conf(line=line) for line in LINES]
        hosts = {urllib.parse.urlsplit(uri).hostname for uri,
                 _ in fetch.debian_mirrors()}
        try:
            files = subprocess.run(["git", "ls-files"], cwd=ROOT,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL,
                                   universal_newlines=True,
                                   check=True).stdout.split()
        except (OSError, subprocess.CalledProcessError):
            self.skipTest("not a git checkout")
        for path in files:
            full = os.path.join(ROOT, path)
            if not os.path.isfile(full):
                continue
            with open(full, encoding="utf-8", errors="replace") as f:
                text = f.read()
            with self.subTest(path=path):
                for host in hosts:
                    self.assertFalse(host and host in text,
                                     "names the mirror " + host)
                if (path == "base.conf" or path.endswith(".md")
                        or path.startswith("patches/")):
                    continue
                for conf in confs:
                    for key in ("BASE_SHA256", "BASE_TARBALL"):
                        self.assertFalse(conf[key] in text,
                                         "states {} again".format(key))


if __name__ == "__main__":
    unittest.main()
