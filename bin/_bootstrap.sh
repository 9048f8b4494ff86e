# Sourced by bin/serve and bin/test: find Python 3.12+, make the virtualenv, install the pinned set.
#
#   PYTHON=/path/to/python3.12   the interpreter (default: python3.13, python3.12, python3, pyenv's);
#                                a virtualenv made with another version is made again
#   VENV=.venv-3.13              the virtualenv's folder (default .venv), e.g. one per version
#   FORUM_REQUIREMENTS           set by the caller: requirements.lock (runtime, enough for serving)
#                                or requirements-dev.lock (the runtime set plus the test tools)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="${VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
export VENV  # tests that start bin/serve use the same virtualenv
VENV_NAME="${VENV#"$ROOT"/}"
# The embedded PostgreSQL's data folder (used when DATABASE_URL is unset); forum/settings.py
# reads the same variable.
EMBEDDED_PGDATA="${EMBEDDED_PGDATA:-$ROOT/.pgdata}"
export EMBEDDED_PGDATA

is_new_enough() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }
minor_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }

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

remake=""
if [ ! -x "$VENV/bin/python" ] || ! is_new_enough "$VENV/bin/python"; then
  remake=yes
elif [ -n "${PYTHON:-}" ] && is_new_enough "$PYTHON" &&
  [ "$(minor_version "$PYTHON")" != "$(minor_version "$VENV/bin/python")" ]; then
  echo "$VENV_NAME has Python $(minor_version "$VENV/bin/python"); PYTHON=$PYTHON asks for $(minor_version "$PYTHON")."
  remake=yes
fi
if [ -n "$remake" ]; then
  PY="$(find_python)" || {
    echo "The forum needs Python 3.12 or newer; none was found. Install it, or set PYTHON=/path/to/python3.12." >&2
    exit 1
  }
  echo "Creating $VENV_NAME with $("$PY" --version) ($PY)"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

# Install only when the pinned set changed. The development set contains the runtime set, so a
# virtualenv made by bin/test also serves.
stamp="$VENV/.requirements.sha256"
runtime_sum="$(cat requirements.lock | sha256sum | cut -d' ' -f1)"
dev_sum="$(cat requirements.lock requirements-dev.lock | sha256sum | cut -d' ' -f1)"
installed="$(cat "$stamp" 2>/dev/null || true)"
if [ "${FORUM_REQUIREMENTS:-requirements.lock}" = requirements-dev.lock ]; then
  wanted="$dev_sum" accepted=" $dev_sum "
else
  wanted="$runtime_sum" accepted=" $runtime_sum $dev_sum "
fi
if [[ "$accepted" != *" $installed "* ]] || [ -z "$installed" ]; then
  if [ -z "$installed" ]; then
    echo "Installing the pinned packages into $VENV_NAME (first run, about a minute)…"
  else
    echo "Installing the changed pinned packages into $VENV_NAME…"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "${FORUM_REQUIREMENTS:-requirements.lock}"
  echo "$wanted" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"

# A variable set in the environment or in the .env file that forum/settings.py also reads.
configured() {
  [ -n "${!1:-}" ] || grep -Eqs "^[[:space:]]*(export[[:space:]]+)?$1=[^[:space:]]" .env
}

# The embedded PostgreSQL (no DATABASE_URL) is started by the first command that needs it and
# keeps running for the next ones. A script that found it stopped calls this to stop it again
# when the script ends, however it ends (bin/stop stops it at any time).
embedded_db_started_here=""
embedded_db_note_state() {
  if ! python -m forum.embedded_db status "$EMBEDDED_PGDATA" >/dev/null; then
    embedded_db_started_here=yes
  fi
}
embedded_db_stop_if_started_here() {
  if [ -n "$embedded_db_started_here" ]; then
    python -m forum.embedded_db stop "$EMBEDDED_PGDATA" || true
  fi
}
