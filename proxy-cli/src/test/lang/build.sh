#!/usr/bin/env bash
# Builds the probe service's Go server and every language's probe client (PROBE.md) into target/tools/lang/ of the
# repository, each from its own registry with pinned versions; each step does nothing when its output is up to date.
# .ci/run calls it after installing the Debian packages the C++ and Ruby clients need.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
out="$root/target/tools/lang"
start=$(date +%s)

server="$out/go-server/probe-server"
if [ ! -x "$server" ] || [ -n "$(find "$here/go-server" -newer "$server" -type f)" ]; then
  (cd "$here/go-server" && go build -o "$server" .)
fi
for lang in python js cpp ruby rust; do
  echo "== probe client: $lang"
  bash "$here/$lang/build.sh"
done
echo "probe server and clients ready in $out ($(( $(date +%s) - start )) s)"
