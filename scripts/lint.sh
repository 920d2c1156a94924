#!/bin/sh
# make lint: flake8 (CPython's PEP 8: 79 columns, ci/flake8.cfg) over the
# workbench's Python, shellcheck over its shell scripts.  Both come from
# Debian (make deps).  Runs both, then fails if either found something.
set -u
cd "$(dirname "$0")/.." || exit 1

for tool in flake8 shellcheck; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "lint: $tool is not installed (make deps installs it)" >&2
        exit 1
    fi
done
status=0
flake8 --config ci/flake8.cfg scripts tests || status=1
shellcheck scripts/*.sh .ci/run || status=1
if [ "$status" -ne 0 ]; then
    echo "lint: fix the lines above" >&2
    exit 1
fi
echo "lint: flake8 and shellcheck found nothing"
