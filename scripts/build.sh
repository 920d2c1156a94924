#!/bin/sh
# Configure (when needed) and build a CPython source tree in place, and point
# the build link at it.
#
#   build.sh TREE LINK JOBS [--modules "NAME ..."] [--patches DIR] [--]
#            [configure options...]
#
# The build is in the tree, as in a CPython checkout: 3.9's test_embed looks
# for Programs/_testembed beside its own sources and skips itself otherwise.
# LINK (e.g. build/patched) becomes a symlink to TREE, so the interpreter is
# at LINK/python.  configure runs when TREE has no Makefile, when the options
# (or the compiler) differ from those it was configured with, or when
# configure is newer than the Makefile.  A configure that fails leaves no
# Makefile behind, so the next run starts again; make itself is incremental.
#
# ccache is used when it is installed, through its PATH folder of compiler
# links (/usr/lib/ccache), never inside CC: configure probes the compiler as
# "$CC" (e.g. `"$CC" -v --help` for -fwrapv), so CC="ccache gcc" would lose
# flags that a default CPython build has.
#
# After make, scripts/check_build.py fails the build when an extension module
# failed to build or import, or was not built while deps.sh provides what it
# needs, and import-checks the modules the series (the series file of
# --patches DIR) touches and those of --modules.
set -eu
here=$(dirname "$0")

usage="usage: build.sh TREE LINK JOBS [--modules \"NAME ...\"] [--patches DIR] [--] [configure options...]"
if [ $# -lt 3 ]; then
    echo "$usage" >&2
    exit 2
fi
tree=$1 link=$2 jobs=$3
shift 3
set -- "$@" ""      # a marker: what follows it is the configure options
modules='' patches=''
while [ $# -gt 1 ]; do
    case $1 in
        --modules|--patches)
            if [ $# -lt 3 ]; then
                echo "build: $1 needs a value; $usage" >&2
                exit 2
            fi
            if [ "$1" = --modules ]; then modules=$2; else patches=$2; fi
            shift 2 ;;
        --) shift; break ;;
        *) break ;;
    esac
done
# Keep the configure options, drop the marker.
n=$#
for arg do
    n=$((n - 1))
    [ "$n" -eq 0 ] || set -- "$@" "$arg"
    shift
done

if [ ! -x "$tree/configure" ]; then
    echo "build: $tree/configure not found: run \`make apply\` first" >&2
    exit 1
fi

cc=${CC:-gcc}
case $cc in
    *[[:space:]]*)
        echo "build: CC=\"$cc\": give one compiler, e.g. CC=clang (ccache is used through its PATH directory)" >&2
        exit 2 ;;
esac
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "build: compiler $cc not found: install it (\`make deps CC=$cc\` for clang)" >&2
    exit 1
fi
ccache_dir=${WORKBENCH_CCACHE_DIR:-/usr/lib/ccache}
if [ -d "$ccache_dir" ] && command -v ccache >/dev/null 2>&1; then
    PATH=$ccache_dir:$PATH
    export PATH
fi
want="CC=$cc $*"
case " $* " in
    *" --enable-shared "*)
        # A shared build's python runs with its own libpython: setup.py's
        # run and every check below need it, and no system one must do.
        LD_LIBRARY_PATH=$(realpath "$tree")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
        export LD_LIBRARY_PATH ;;
esac
stamp=$tree/.workbench-configure

if [ ! -f "$tree/Makefile" ] || [ ! -f "$stamp" ] \
        || [ "$(cat "$stamp")" != "$want" ] \
        || [ -n "$(find "$tree/configure" -newer "$tree/Makefile")" ]; then
    echo "build: configuring $tree ($want)"
    rm -f "$stamp"
    if [ -f "$tree/Makefile" ]; then
        # Other options: start from a clean tree, as configure expects.
        make -C "$tree" -s distclean >/dev/null 2>&1 || true
    fi
    if ! (cd "$tree" && ./configure -q CC="$cc" "$@"); then
        rm -f "$tree/Makefile" "$tree/config.status"
        echo "build: configure failed for $tree (options: $want); see $tree/config.log" >&2
        exit 1
    fi
    printf '%s\n' "$want" > "$stamp"
fi

log=$tree/.workbench-make.log
echo "build: make -j$jobs in $tree"
if ! make -C "$tree" -j"$jobs" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "build: make failed in $tree; full log: $log" >&2
    exit 1
fi
if [ ! -x "$tree/python" ]; then
    echo "build: make finished but $tree/python is missing" >&2
    exit 1
fi
# What make would not say: the extension modules setup.py could not build.
if ! "${PYTHON:-python3}" "$here/check_build.py" --tree "$tree" --log "$log" \
        --modules "$modules" ${patches:+--patches "$patches"}; then
    echo "build: $tree is not complete (full log: $log)" >&2
    exit 1
fi

# The link, relative so that the checkout can move.
mkdir -p "$(dirname "$link")"
if [ -e "$link" ] && [ ! -L "$link" ]; then
    echo "build: replacing the folder $link (an out-of-tree build of an older workbench) by a link"
    rm -rf "$link"
fi
ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$tree")" "$link"
echo "build: $link/python ready"
