#!/usr/bin/env bash
# Makes <dir> a virtual environment with numpy, for the tests that need arrays.
# Idempotent: an existing venv whose python already imports numpy is left as it is.
#
# Usage: numpy-venv.sh <dir>
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 <venv-dir>" >&2
  exit 2
fi
venv=$1
python="$venv/bin/python"

if [ -x "$python" ] && "$python" -c 'import numpy' 2>/dev/null; then
  echo "numpy-venv: $venv already has numpy $("$python" -c 'import numpy; print(numpy.__version__)')"
  exit 0
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "numpy-venv: no python3 on PATH, cannot create $venv" >&2
  exit 1
fi
if ! python3 -m venv "$venv"; then
  echo "numpy-venv: 'python3 -m venv $venv' failed (see above; Debian and Ubuntu ship the" \
       "venv module separately, as python3-venv)" >&2
  exit 1
fi
if ! "$venv/bin/pip" install --retries 0 -q numpy; then
  echo "numpy-venv: could not install numpy into $venv (is a package index reachable?)" >&2
  exit 1
fi
echo "numpy-venv: created $venv with numpy $("$python" -c 'import numpy; print(numpy.__version__)')"
