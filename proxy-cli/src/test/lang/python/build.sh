#!/usr/bin/env bash
# Installs the Python probe client (see ../PROBE.md) into target/tools/lang/python/: a virtualenv with grpcio from
# PyPI, pinned with hashes in requirements.txt, plus the script and a `probe-client` wrapper that runs it.
# Idempotent: the virtualenv is rebuilt only when requirements.txt or the interpreter changed.
#
# Interpreter: Debian's /usr/bin/python3 (with its venv module, Debian package python3-venv) when it exists, since a
# fresh Debian 12 machine has exactly that; else the python3 on PATH. Not a pyenv/other python3 that happens to come
# first on PATH: it may be absent on the next machine or change under the virtualenv.
set -euo pipefail
start=$(date +%s.%N)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../.." && pwd)"
src="$root/proxy-cli/src/test/lang/python"
out="$root/target/tools/lang/python"

if [[ -x /usr/bin/python3 ]]; then python=/usr/bin/python3; else python="$(command -v python3)"; fi
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "build.sh: $python has no working venv module: install Debian's python3-venv (apt-get install python3-venv)" >&2
  exit 1
fi

mkdir -p "$out"
stamp="$("$python" -c 'import sys; print(sys.executable, sys.version.split()[0])') $(sha256sum < "$src/requirements.txt")"
if [[ ! -x "$out/venv/bin/python" || "$(cat "$out/venv.stamp" 2>/dev/null)" != "$stamp" ]]; then
  rm -rf "$out/venv" "$out/venv.stamp"
  "$python" -m venv "$out/venv"
  "$out/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --require-hashes \
    -r "$src/requirements.txt"
  echo "$stamp" > "$out/venv.stamp"
fi

cmp -s "$src/probe_client.py" "$out/probe_client.py" || cp "$src/probe_client.py" "$out/probe_client.py"
wrapper='#!/usr/bin/env bash
# Runs the Python probe client (proxy-cli/src/test/lang/python) with its virtualenv; written by its build.sh.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/venv/bin/python" -I "$here/probe_client.py" "$@"'
if [[ "$(cat "$out/probe-client" 2>/dev/null)" != "$wrapper" ]]; then
  printf '%s\n' "$wrapper" > "$out/probe-client"
fi
chmod +x "$out/probe-client"

echo "python probe client: $out/probe-client ($(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s)"
