#!/bin/sh
# Build speed, measured side by side in one run, in a scratch folder:
#   bare   ./configure && make -jJOBS of the unpacked tarball (no ccache, in tree)
#   cold   the workbench's build of a fresh tree with an empty ccache
#   no-op  the same `make build` again, nothing changed
#   warm   tree and build removed, then made again with the warm ccache
# Each printed as seconds and as a ratio to bare.
#
#   bench_build.sh TARBALL JOBS [SCRATCH]
#
# Works in a new folder bench-build.XXXXXX inside SCRATCH (default: $TMPDIR
# or /tmp) and removes only that folder at exit, never SCRATCH itself.
set -eu
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: bench_build.sh TARBALL JOBS [SCRATCH]" >&2
    exit 2
fi
tarball=$1 jobs=$2
# The input, before anything is made.
if [ ! -f "$tarball" ]; then
    echo "bench-build: $tarball: no such file (run \`make fetch\`)" >&2
    exit 1
fi
case $jobs in
    ''|0*|*[!0-9]*)
        echo "bench-build: JOBS=$jobs: a positive integer, e.g. 4" >&2
        exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
parent=${3:-${TMPDIR:-/tmp}}
mkdir -p "$parent"
scratch=$(mktemp -d "$parent/bench-build.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
python=${PYTHON:-python3}

if ! command -v ccache >/dev/null 2>&1; then
    echo "bench-build: ccache is not installed (make deps)" >&2
    exit 1
fi
now() { date +%s.%N; }
elapsed() { "$python" -c "print($2 - $1)"; }
quiet() { "$@" >"$scratch/log" 2>&1 || { tail -20 "$scratch/log" >&2; exit 1; }; }

mkdir -p "$scratch/bare"
t0=$(now)
tar -x -f "$tarball" -C "$scratch/bare" --strip-components=1 --no-same-owner
quiet sh -c "cd '$scratch/bare' && ./configure -q && make -j$jobs"
bare=$(elapsed "$t0" "$(now)")

export CCACHE_DIR="$scratch/ccache"
build_fresh() {
    rm -rf "$scratch/src" "$scratch/build"
    quiet "$python" "$here/apply.py" --tree "$scratch/src" --tarball "$tarball"
    quiet sh "$here/build.sh" "$scratch/src" "$scratch/build" "$jobs"
}
t0=$(now); build_fresh; cold=$(elapsed "$t0" "$(now)")
t0=$(now); quiet "$python" "$here/apply.py" --tree "$scratch/src" --tarball "$tarball"
quiet sh "$here/build.sh" "$scratch/src" "$scratch/build" "$jobs"; noop=$(elapsed "$t0" "$(now)")
t0=$(now); build_fresh; warm=$(elapsed "$t0" "$(now)")

"$python" - "$bare" "$cold" "$noop" "$warm" <<'EOF'
import sys
bare, cold, noop, warm = map(float, sys.argv[1:])
print("{:34} {:>8} {:>8}".format("build", "seconds", "x bare"))
for label, t in (("bare ./configure && make", bare),
                 ("cold (fresh tree, empty ccache)", cold),
                 ("no-op make build", noop),
                 ("warm ccache rebuild (fresh tree)", warm)):
    print("{:34} {:8.1f} {:8.3f}".format(label, t, t / bare))
EOF
