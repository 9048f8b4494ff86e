# Sourced by bin/serve and bin/test: find Python 3.12+, make .venv, install the pinned set.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

is_new_enough() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }

find_python() {
  local candidate version
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3 python; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && is_new_enough "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  # pyenv installs versions that its shims only run when selected: look them up directly.
  if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare 2>/dev/null | sort -rV); do
      candidate="$(pyenv root)/versions/$version/bin/python3"
      if [ -x "$candidate" ] && is_new_enough "$candidate"; then
        echo "$candidate"
        return 0
      fi
    done
  fi
  return 1
}

if [ ! -x .venv/bin/python ] || ! is_new_enough .venv/bin/python; then
  PY="$(find_python)" || {
    echo "The forum needs Python 3.12 or newer; none was found. Install it, or set PYTHON=/path/to/python3.12." >&2
    exit 1
  }
  echo "Creating .venv with $("$PY" --version) ($PY)"
  rm -rf .venv
  "$PY" -m venv .venv
fi

# Reinstall only when the pinned set changed.
stamp=".venv/.requirements.sha256"
wanted="$(sha256sum requirements.lock | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.lock
  echo "$wanted" > "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
