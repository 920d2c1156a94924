#!/bin/sh
# Install the Debian packages the workbench needs, and only those missing.
#
#   deps.sh [PACKAGE...]      the usual packages, and these too
# Needs nothing but sh and apt-get (a bare Debian has no python3, gcc or quilt).
# As root it runs apt-get itself; otherwise through sudo.
set -eu

# The tools (git for `make export`, ca-certificates for the upstream URL,
# flake8 and shellcheck for `make lint`), then
# the -dev packages CPython 3.9's extension modules need.
PACKAGES="python3 gcc libc6-dev make autoconf quilt patch gdb pkg-config xz-utils tar ccache
flake8 shellcheck
git ca-certificates
libssl-dev zlib1g-dev libffi-dev libbz2-dev liblzma-dev libsqlite3-dev
libreadline-dev libncurses-dev libgdbm-dev libgdbm-compat-dev uuid-dev"
# python3-yaml: the workbench test that reads the GitHub workflow.
PACKAGES="$PACKAGES python3-yaml"
# Asked for by the Makefile (deps.sh PACKAGE...): clang for CC=clang,
# abigail-tools for `make deps abi-check`.
PACKAGES="$PACKAGES $*"

missing=
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case $status in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done
if [ -z "$missing" ]; then
    echo "deps: all packages installed"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: no apt-get here; install these packages (or their equivalents):$missing" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=
elif command -v sudo >/dev/null 2>&1; then
    as_root=sudo
else
    echo "deps: not root and no sudo; as root run: apt-get install$missing" >&2
    exit 1
fi

echo "deps: installing$missing"
$as_root apt-get update -q || {
    echo "deps: apt-get update failed; the packages to install are:$missing" >&2
    exit 1
}
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -q --no-install-recommends $missing || {
    echo "deps: apt-get install failed for:$missing" >&2
    exit 1
}
echo "deps: installed$missing"
