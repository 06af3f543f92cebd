#!/usr/bin/env bash
# Makes <dir> a virtual environment with numpy, pandas and scikit-learn, for the integration
# tests that use them (references to DataFrames, fitted models, callbacks from pandas).
# Idempotent: an existing venv whose python already imports all three is left as it is.
#
# Never fails the build: without a package index (or python3 -m venv) it says why and exits 0,
# and the tests that need the venv skip themselves.
#
# Usage: science-venv.sh <dir>
set -uo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 <venv-dir>" >&2
  exit 2
fi
venv=$1
python="$venv/bin/python"
check='import numpy, pandas, sklearn; print("numpy", numpy.__version__, "pandas", pandas.__version__, "scikit-learn", sklearn.__version__)'

if [ -x "$python" ] && versions=$("$python" -c "$check" 2>/dev/null); then
  echo "science-venv: $venv already has $versions"
  exit 0
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "science-venv: no python3 on PATH; the tests that need $venv will be skipped" >&2
  exit 0
fi
if ! python3 -m venv "$venv"; then
  echo "science-venv: 'python3 -m venv $venv' failed (Debian and Ubuntu ship the venv module" \
       "separately, as python3-venv); the tests that need it will be skipped" >&2
  exit 0
fi
# --retries 0: with no reachable index, fail at once rather than after minutes of retries.
if ! "$venv/bin/pip" install --retries 0 -q numpy pandas scikit-learn; then
  echo "science-venv: could not install numpy, pandas and scikit-learn into $venv (is a" \
       "package index reachable?); the tests that need them will be skipped" >&2
  rm -rf "$venv"
  exit 0
fi
echo "science-venv: created $venv with $("$python" -c "$check")"
