#!/bin/sh
# Configure (when needed) and build a CPython source tree out of tree.
#
#   build.sh SRC BUILD JOBS [configure options...]
#
# configure runs when BUILD has no Makefile, when the options (or the compiler)
# differ from those it was configured with, or when SRC/configure is newer.
# A configure that fails leaves no Makefile behind, so the next run starts
# again; make itself is incremental.  ccache is used when it is installed.
set -eu

if [ $# -lt 3 ]; then
    echo "usage: build.sh SRC BUILD JOBS [configure options...]" >&2
    exit 2
fi
src=$1 build=$2 jobs=$3
shift 3

if [ ! -x "$src/configure" ]; then
    echo "build: $src/configure not found: run \`make apply\` first" >&2
    exit 1
fi
src_abs=$(cd "$src" && pwd)
if [ -f "$src_abs/Makefile" ] || [ -f "$src_abs/pyconfig.h" ]; then
    echo "build: $src was configured in place; out-of-tree builds need it clean (make distclean there, or remove the tree)" >&2
    exit 1
fi

cc=${CC:-gcc}
if [ -z "${CC:-}" ] && command -v ccache >/dev/null 2>&1; then
    cc="ccache gcc"
fi
want="CC=$cc $*"
stamp=$build/.workbench-configure

mkdir -p "$build"
if [ ! -f "$build/Makefile" ] || [ ! -f "$stamp" ] \
        || [ "$(cat "$stamp")" != "$want" ] || [ "$src/configure" -nt "$build/Makefile" ]; then
    echo "build: configuring $build ($want)"
    rm -f "$stamp"
    if ! (cd "$build" && "$src_abs/configure" -q CC="$cc" "$@"); then
        rm -f "$build/Makefile" "$build/config.status"
        echo "build: configure failed for $build (options: $want); see $build/config.log" >&2
        exit 1
    fi
    printf '%s\n' "$want" > "$stamp"
fi

echo "build: make -j$jobs in $build"
if ! make -C "$build" -j"$jobs" >"$build/.workbench-make.log" 2>&1; then
    tail -n 30 "$build/.workbench-make.log" >&2
    echo "build: make failed in $build; full log: $build/.workbench-make.log" >&2
    exit 1
fi
# What make would not say: the extension modules setup.py could not build.
sed -n '/^Python build finished/,/^$/p; /^Failed to build these modules:/,/^$/p' \
    "$build/.workbench-make.log"
if [ ! -x "$build/python" ]; then
    echo "build: make finished but $build/python is missing" >&2
    exit 1
fi
echo "build: $build/python ready"
