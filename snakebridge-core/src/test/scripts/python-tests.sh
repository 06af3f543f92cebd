#!/usr/bin/env bash
# Runs the Python worker's tests on every CPython >= 3.9 this machine has, found the way a
# user's machine would: python3 and python3.9 .. python3.14 on PATH, and pyenv's versions when
# pyenv is on PATH. Interpreters are told apart by their real executable and their prefix, so
# a pyenv shim and the version it runs count once, while a venv counts on its own. Also runs
# them with $SNAKEBRIDGE_NUMPY_PYTHON (a venv's python with numpy) when that file exists.
#
# Fails if no interpreter was found or any run fails. Works from any directory.
set -uo pipefail

script=${BASH_SOURCE[0]}
case $script in */*) here=${script%/*} ;; *) here=. ;; esac
here=$(cd "$here" && pwd) || exit 1
tests=$(cd "$here/../python" && pwd) || exit 1

candidates=(python3)
for minor in 9 10 11 12 13 14; do
  candidates+=("python3.$minor")
done
if command -v pyenv >/dev/null 2>&1; then
  pyenv_root=$(pyenv root)
  while IFS= read -r version; do
    [ -n "$version" ] && candidates+=("$pyenv_root/versions/$version/bin/python")
  done < <(pyenv versions --bare 2>/dev/null)
fi
if [ -n "${SNAKEBRIDGE_NUMPY_PYTHON:-}" ]; then
  if [ -x "$SNAKEBRIDGE_NUMPY_PYTHON" ]; then
    candidates+=("$SNAKEBRIDGE_NUMPY_PYTHON")
  else
    echo "python-tests: SNAKEBRIDGE_NUMPY_PYTHON=$SNAKEBRIDGE_NUMPY_PYTHON does not exist; skipped"
  fi
fi

# Prints "<identity> <version>" for a CPython >= 3.9, nothing for anything else (a pyenv shim
# for a version that is not selected fails to run, and is skipped like a missing command).
describe() {
  "$1" - 2>/dev/null <<'EOF'
import os, platform, sys
if platform.python_implementation() == "CPython" and sys.version_info >= (3, 9):
    print(os.path.realpath(sys.executable) + "|" + sys.prefix, platform.python_version())
EOF
}

seen=$'\n'  # identities already run, one per line (bash 3.2 on macOS has no hash maps)
ran=()
failed=()
for candidate in "${candidates[@]}"; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  description=$(describe "$candidate") || continue
  [ -n "$description" ] || continue
  identity=${description% *}
  version=${description##* }
  case "$seen" in *$'\n'"$identity"$'\n'*) continue ;; esac
  seen="$seen$identity"$'\n'
  label="$candidate (Python $version)"
  echo "=== $label"
  if PYTHONDONTWRITEBYTECODE=1 "$candidate" -m unittest discover -s "$tests" -t "$tests"; then
    ran+=("$label")
  else
    failed+=("$label")
  fi
done

echo
if [ ${#ran[@]} -eq 0 ] && [ ${#failed[@]} -eq 0 ]; then
  echo "python-tests: no CPython 3.9 or newer found (looked for python3, python3.9..3.14, pyenv)" >&2
  exit 1
fi
for label in "${ran[@]}"; do
  echo "python-tests: passed on $label"
done
for label in "${failed[@]}"; do
  echo "python-tests: FAILED on $label" >&2
done
[ ${#failed[@]} -eq 0 ]
