#!/usr/bin/env python3
"""Get the pinned CPython tarball into the download cache and verify it.

Sources, in order, the first that yields a file with the pinned SHA-256 wins:
  1. the user's own tarball (--tarball, or CPYTHON_TARBALL in the environment):
     when it is given it is the only source; a mismatch is refused and the
     file is left alone;
  2. the download cache;
  3. the upstream URL;
  4. the Debian source package, whose orig tarball is byte-identical to the
     release, fetched with apt-get in a private apt state directory from the
     Debian mirror(s) this machine's own apt configuration names.

Every download goes to a temporary name, is verified, and only then renamed
into place; a file that fails verification is removed.  The temporary names
carry the process id: an interrupted run removes its own on the way out, and
the next run removes those of a run that is gone (killed with SIGKILL).

A download cache that cannot be written stops the fetch before any download:
the tarball must end up in the cache for `make apply`, so downloading it
anywhere else would not help.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workbench  # noqa: E402

PROG = "fetch"


class SourceFailed(Exception):
    """This source did not yield a good tarball; the message says why."""

    def __init__(self, msg, quiet=False):
        super().__init__(msg)
        self.quiet = quiet  # nothing worth saying unless every source fails


def log(msg):
    print("{}: {}".format(PROG, msg), file=sys.stderr, flush=True)


class Fetcher:
    def __init__(self, conf, cache, apt_etc="/etc/apt", apt_get="apt-get",
                 timeout=10):
        self.conf = conf
        # Absolute: apt runs in other folders and reads the paths given to it.
        self.cache = os.path.abspath(cache)
        self.apt_etc = apt_etc
        self.apt_get = apt_get
        self.timeout = timeout
        self.name = conf["BASE_TARBALL"]
        self.sha256 = conf["BASE_SHA256"].lower()
        self.target = os.path.join(cache, self.name)

    # -- verification -----------------------------------------------------

    def verify(self, path, what, remove=True):
        digest = workbench.sha256_file(path)
        if digest != self.sha256:
            if remove:
                os.unlink(path)
                fate = "removed it"
            else:
                fate = "left it in place"
            raise SourceFailed(
                "{}: SHA-256 mismatch: expected {}, got {}; {}"
                .format(what, self.sha256, digest, fate))

    def install(self, tmp, what="download"):
        """Verify a temporary file and rename it to the cache entry."""
        self.verify(tmp, what)
        # mkstemp made it private (0600); a cache entry is not.
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, self.target)

    def tmpname(self):
        os.makedirs(self.cache, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix="{}.{}".format(self.name, workbench.pid_tag()),
            suffix=".part", dir=self.cache)
        os.close(fd)
        return tmp

    # -- the cache folder ---------------------------------------------------

    def check_cache(self):
        """Odd things where the cache or its entry should be: refused before
        anything is tried, with what to do."""
        if os.path.lexists(self.cache) and not os.path.isdir(self.cache):
            raise workbench.WorkbenchError(
                "{} is not a folder: the download cache must be one "
                "(move the file away); nothing was tried".format(self.cache))
        if os.path.isdir(self.target):
            raise workbench.WorkbenchError(
                "{} is a folder, not the tarball: remove it (rm -r '{}'); "
                "nothing was tried".format(self.target, self.target))

    def remove_leftovers(self):
        """Remove what runs that are gone left in the cache: partial
        downloads and private apt state folders."""
        try:
            names = os.listdir(self.cache)
        except OSError:
            return
        for name in names:
            path = os.path.join(self.cache, name)
            if not ((name.startswith(self.name + ".") and
                     name.endswith(".part")) or
                    name.startswith("apt-state.")):
                continue
            if not workbench.leftover(name):
                continue
            try:
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
            except OSError as exc:
                log("could not remove the leftover {}".format(
                    workbench.os_error(exc)))
                continue
            log("removed {}, left by an interrupted run".format(path))

    def check_writable(self):
        """Downloads need a writable cache: say so once, before any."""
        try:
            os.makedirs(self.cache, exist_ok=True)
            os.unlink(self.tmpname())
        except OSError as exc:
            raise workbench.WorkbenchError(
                "cannot write the download cache {}: {}; no download was "
                "tried (the tarball must be there for `make apply`): make "
                "the folder writable, or work in a writable checkout".format(
                    self.cache, exc.strerror or exc))

    # -- the sources --------------------------------------------------------

    def from_user(self, path):
        if os.path.isdir(path):
            raise SourceFailed("{}: a folder, not a tarball".format(path))
        if not os.path.isfile(path):
            raise SourceFailed("{}: no such file".format(path))
        try:
            self.verify(path, path, remove=False)
        except OSError as exc:
            raise SourceFailed("cannot read it: " + workbench.os_error(exc))
        if os.path.abspath(path) == os.path.abspath(self.target):
            return
        self.check_writable()
        tmp = self.tmpname()
        try:
            try:
                copy_file(path, tmp)
            except OSError as exc:
                raise workbench.WorkbenchError(
                    "could not copy CPYTHON_TARBALL {} into {}: {}; the "
                    "partial copy was removed".format(
                        path, self.cache, exc.strerror or exc))
            self.install(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def from_cache(self):
        if not os.path.exists(self.target):
            raise SourceFailed("{}: not there".format(self.target), quiet=True)
        self.verify(self.target, self.target)

    def from_url(self):
        url = self.conf["BASE_URL"]
        tmp = self.tmpname()
        try:
            try:
                with urllib.request.urlopen(url,
                                            timeout=self.timeout) as resp, \
                        open(tmp, "wb") as out:
                    copy_with_progress(resp, out, url)
            except OSError as exc:  # URLError, socket errors, timeouts
                raise SourceFailed("{}: {}".format(url,
                                                   getattr(exc, "reason",
                                                           exc)))
            self.install(tmp)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def from_debian(self):
        mirrors = debian_mirrors(self.apt_etc)
        if not mirrors:
            raise SourceFailed(
                "no Debian mirror found in "
                "{}/sources.list{{,.d/*.list,.d/*.sources}}"
                .format(self.apt_etc))
        errors = []
        for uri, signed_by in mirrors:
            try:
                self.from_debian_mirror(uri, signed_by)
                return
            except SourceFailed as exc:
                errors.append(str(exc))
        raise SourceFailed("; ".join(errors))

    def from_debian_mirror(self, uri, signed_by):
        c = self.conf
        src, version = c["DEBIAN_SOURCE"], c["DEBIAN_VERSION"]
        upstream = version.rsplit("-", 1)[0].split(":")[-1]
        ext = self.name.rsplit(".tar.", 1)[-1]
        orig = "{}_{}.orig.tar.{}".format(src, upstream, ext)
        opts = "[signed-by={}] ".format(signed_by) if signed_by else ""
        line = "deb-src {}{} {} {}\n".format(opts, uri, c["DEBIAN_SUITE"],
                                             c["DEBIAN_COMPONENT"])
        what = "{}={} from {} {}".format(src, version, uri, c["DEBIAN_SUITE"])
        os.makedirs(self.cache, exist_ok=True)
        state = tempfile.mkdtemp(
            prefix="apt-state." + workbench.pid_tag(), dir=self.cache)
        try:
            for d in ("lists/partial", "cache/archives/partial",
                      "etc/sources.list.d", "etc/preferences.d", "download"):
                os.makedirs(os.path.join(state, d))
            with open(os.path.join(state, "etc/sources.list"), "w") as f:
                f.write(line)
            # Everything apt reads or writes is in `state`; the system's
            # sources, lists, caches and locks are not touched.
            apt = [self.apt_get, "-q",
                   "-o", "Dir::Etc::SourceList="
                   + os.path.join(state, "etc/sources.list"),
                   "-o", "Dir::Etc::SourceParts="
                   + os.path.join(state, "etc/sources.list.d"),
                   "-o", "Dir::Etc::Preferences="
                   + os.path.join(state, "etc/preferences"),
                   "-o", "Dir::Etc::PreferencesParts="
                   + os.path.join(state, "etc/preferences.d"),
                   "-o", "Dir::State::Lists=" + os.path.join(state, "lists"),
                   "-o", "Dir::Cache=" + os.path.join(state, "cache"),
                   "-o", "Debug::NoLocking=1",
                   "-o", "APT::Get::Only-Source=1"]
            if os.geteuid() == 0:
                # The private directory is not readable by the _apt user.
                apt += ["-o", "APT::Sandbox::User=root"]
            log("trying Debian source package " + what)
            out = run_apt(apt + ["update"], state,
                          "apt-get update ({})".format(line.strip()))
            # apt-get update exits 0 when it could not fetch the index: its
            # own error line says why (no network, no such host...).
            failed = [line for line in out
                      if line.startswith("W: Failed to fetch")]
            if failed:
                raise SourceFailed("apt-get update ({}) failed: {}".format(
                    line.strip(), failed[0][3:]))
            download = os.path.join(state, "download")
            run_apt(apt + ["source", "--download-only",
                           "{}={}".format(src, version)],
                    download, "apt-get source {}={}".format(src, version))
            got = os.path.join(download, orig)
            if not os.path.exists(got):
                raise SourceFailed("{}: apt-get fetched no {}".format(what,
                                                                      orig))
            tmp = self.tmpname()
            os.replace(got, tmp)
            try:
                self.install(tmp)
            except SourceFailed as exc:
                raise SourceFailed("{}: {}".format(what, exc))
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        finally:
            shutil.rmtree(state, ignore_errors=True)

    # -- the whole -----------------------------------------------------------

    def fetch(self, user_tarball=None):
        self.check_cache()
        self.remove_leftovers()
        if user_tarball:
            try:
                self.from_user(user_tarball)
            except SourceFailed as exc:
                raise workbench.WorkbenchError(
                    "CPYTHON_TARBALL refused: {} (no other source is tried "
                    "when a tarball is given)".format(exc))
            return "CPYTHON_TARBALL " + user_tarball
        sources = [
            ("download cache", self.from_cache),
            ("upstream URL", self.from_url),
            ("Debian source package", self.from_debian),
        ]
        failures = []
        for label, source in sources:
            try:
                if source != self.from_cache:
                    self.check_writable()
                source()
                return label
            except SourceFailed as exc:
                if not exc.quiet:
                    log("{} failed: {}".format(label, exc))
                failures.append("  {}: {}".format(label, exc))
        raise workbench.WorkbenchError(
            "could not get {} (sha256 {}); tried:\n{}".format(
                self.name, self.sha256, "\n".join(failures)))


def run_apt(cmd, cwd, what):
    """Run apt-get, passing its progress lines on as they come."""
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                universal_newlines=True,
                                stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise SourceFailed("{}: {}".format(what, workbench.os_error(exc)))
    out = []
    try:
        for line in proc.stdout:
            line = line.rstrip()
            out.append(line)
            if line.startswith(("Get:", "Fetched")):
                log("  " + line)
        proc.wait()
    except BaseException:
        proc.kill()         # interrupted: apt goes too
        proc.wait()
        raise
    if proc.returncode != 0:
        errors = [line for line in out
                  if line.startswith(("E:", "Err:"))]
        detail = " / ".join(errors[-3:] or out[-3:]) or "no output"
        raise SourceFailed("{} failed (exit {}): {}".format(
            what, proc.returncode, detail))
    return out


def current_umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask


def copy_file(src, dst):
    """shutil.copyfile, a function of its own so that tests can fill the
    disk."""
    shutil.copyfile(src, dst)


def resolve_user_tarball(path, caller_dir=None):
    """CPYTHON_TARBALL relative to the folder make was started in (make -C
    changes folder before it runs us), or failing that relative to ours."""
    if os.path.isabs(path):
        return path
    if caller_dir and os.path.isabs(caller_dir):
        first = os.path.join(caller_dir, path)
        if os.path.lexists(first) or not os.path.lexists(path):
            return os.path.normpath(first)
    return os.path.abspath(path)


def copy_with_progress(resp, out, label):
    total = resp.headers.get("Content-Length")
    total = int(total) if total and total.isdigit() else None
    done = 0
    last = time.monotonic()
    while True:
        block = resp.read(1 << 16)
        if not block:
            break
        out.write(block)
        done += len(block)
        now = time.monotonic()
        if now - last >= 1:
            last = now
            if total:
                log("{}: {:.1f} of {:.1f} MB ({:.0f}%)".format(
                    label, done / 1e6, total / 1e6, 100 * done / total))
            else:
                log("{}: {:.1f} MB".format(label, done / 1e6))


# -- apt configuration -------------------------------------------------------

def parse_one_line(text):
    """Entries of a one-line-style sources.list: (types, uri, suites,
    options)."""
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        kind = words.pop(0)
        options = {}
        if words and words[0].startswith("["):
            opt_words = []
            while words:
                w = words.pop(0)
                opt_words.append(w)
                if w.endswith("]"):
                    break
            for opt in " ".join(opt_words).strip("[]").split():
                k, _, v = opt.partition("=")
                options[k.lower()] = v
        if len(words) < 2:
            continue
        yield [kind], words[0], [words[1]], options


def parse_deb822(text):
    """Entries of a deb822-style .sources file."""
    for stanza in text.split("\n\n"):
        fields = {}
        key = None
        for line in stanza.splitlines():
            if line.startswith("#"):
                continue
            if line[:1] in (" ", "\t") and key:
                fields[key] += " " + line.strip()
                continue
            k, sep, v = line.partition(":")
            if sep:
                key = k.strip().lower()
                fields[key] = v.strip()
        if fields.get("enabled", "yes").lower() == "no":
            continue
        if "uris" not in fields or "suites" not in fields:
            continue
        types = fields.get("types", "").split()
        options = {"signed-by": fields.get("signed-by", "")}
        for uri in fields["uris"].split():
            yield types, uri, fields["suites"].split(), options


def debian_mirrors(apt_etc="/etc/apt"):
    """The Debian archive URIs this machine's apt configuration uses.

    Returns a list of (uri, signed_by) in the order apt would read them.
    Security, updates and backports suites, and repositories signed by
    other keys than Debian's, are not Debian's main archive and are left out.
    """
    files = []
    main = os.path.join(apt_etc, "sources.list")
    if os.path.isfile(main):
        files.append(main)
    parts = os.path.join(apt_etc, "sources.list.d")
    files += sorted(glob.glob(os.path.join(parts, "*.list")) +
                    glob.glob(os.path.join(parts, "*.sources")))
    found = []
    for path in files:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if path.endswith(".sources"):
            entries = parse_deb822(text)
        else:
            entries = parse_one_line(text)
        for types, uri, suites, options in entries:
            if not any(t in ("deb", "deb-src") for t in types):
                continue
            if not any("-" not in s and "/" not in s for s in suites):
                continue
            signed_by = options.get("signed-by", "")
            if signed_by and "debian-archive" not in signed_by:
                continue
            if signed_by and not signed_by.startswith("/"):
                signed_by = ""  # an inline key: let apt use its trusted keys
            uri = uri.rstrip("/")
            if uri not in [u for u, _ in found]:
                found.append((uri, signed_by))
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", default=workbench.BASE_CONF,
                        help="the pinned bases (base.conf)")
    parser.add_argument("--line", default=None,
                        help="the line of work whose base to fetch "
                        "(default: the first of base.conf's LINES)")
    parser.add_argument("--cache",
                        default=os.path.join(workbench.ROOT, "cache"),
                        help="the download cache directory")
    parser.add_argument("--tarball",
                        default=os.environ.get("CPYTHON_TARBALL") or None,
                        help="the user's own tarball "
                        "(default: $CPYTHON_TARBALL)")
    parser.add_argument("--apt-etc", default="/etc/apt",
                        help="where to read the machine's apt sources from")
    parser.add_argument("--apt-get", default="apt-get",
                        help="the apt-get command")
    parser.add_argument("--timeout", type=float, default=10,
                        help="connect timeout for the upstream URL, in "
                        "seconds")
    parser.add_argument("--caller-dir",
                        default=os.environ.get("WORKBENCH_CALLER_DIR"),
                        help="resolve a relative --tarball from here "
                             "(default: $WORKBENCH_CALLER_DIR, which the "
                             "Makefile sets to the folder make started in)")
    args = parser.parse_args(argv)
    tarball = args.tarball
    if tarball:
        tarball = resolve_user_tarball(tarball, args.caller_dir)
    conf = workbench.read_conf(args.conf, args.line)
    fetcher = Fetcher(conf, args.cache, args.apt_etc, args.apt_get,
                      args.timeout)
    source = fetcher.fetch(tarball)
    log("{} verified (sha256 {}), from the {}".format(
        fetcher.target, fetcher.sha256, source))
    return 0


if __name__ == "__main__":
    sys.exit(workbench.run_main(PROG, main))
