#!/usr/bin/env bash
# Makes <dir> a virtual environment holding the given pip packages, for the tests that need
# them (numpy arrays; pandas and scikit-learn objects). Idempotent: a venv whose python already
# imports every module is left as it is. Fails loudly, so a missing install can never turn into
# silently skipped tests.
#
# Usage: test-venv.sh <dir> <package>[=<module>] ...   e.g. scikit-learn=sklearn, 'ruff<0.17=ruff'
set -euo pipefail

if [ $# -lt 2 ] || [ -z "$1" ]; then
  echo "usage: $0 <venv-dir> <package>[=<module>] ..." >&2
  exit 2
fi
venv=$1
shift
python="$venv/bin/python"
packages=()
modules=()
for spec in "$@"; do
  packages+=("${spec%%=*}")
  modules+=("${spec#*=}")
done
imports=$(IFS=,; echo "${modules[*]}")
# Versions from the installed distributions: not every package has a __version__ (ruff has not).
versions="import re, sys; from importlib.metadata import version; names = [re.split(r'[<>=!~ ]', p)[0] for p in sys.argv[1:]]; print(', '.join(n + ' ' + version(n) for n in names))"

if [ -x "$python" ] && "$python" -c "import $imports" 2>/dev/null; then
  echo "test-venv: $venv already has $("$python" -c "$versions" "${packages[@]}")"
  exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "test-venv: no python3 on PATH, cannot create $venv" >&2; exit 1; }
if ! python3 -m venv "$venv"; then
  echo "test-venv: 'python3 -m venv $venv' failed (Debian and Ubuntu ship the venv module" \
       "separately, as python3-venv)" >&2
  exit 1
fi
# --retries 0: with no reachable index, fail at once rather than after minutes of retries.
if ! "$venv/bin/pip" install --retries 0 -q "${packages[@]}"; then
  echo "test-venv: could not install ${packages[*]} into $venv (is a package index reachable?" \
       "-Dexec.skip=true builds without the Python checks and tests)" >&2
  rm -rf "$venv"
  exit 1
fi
echo "test-venv: created $venv with $("$python" -c "$versions" "${packages[@]}")"
