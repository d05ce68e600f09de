#!/usr/bin/env bash
# Builds Dapr's daprd and Sentry, the release pinned with every dependency in go.mod and go.sum here, from
# the Go module proxy into a cache outside the source tree: $H2SPLICE_DAPR_CACHE, default ~/.cache/h2splice/dapr,
# under the release's name. Nothing of Dapr's code is in this repository; daprd/main.go only registers the SQLite name
# resolver before calling Dapr's own daprd entry point. A second run finds both binaries and does nothing.
# Prints the directory holding daprd and sentry on its last line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
release="$(awk '($1 == "github.com/dapr/dapr" && $2 ~ /^v/) {print $2} ($1 == "require" && $2 == "github.com/dapr/dapr") {print $3}' "$here/go.mod")"
[ -n "$release" ] || { echo "error: no github.com/dapr/dapr version in $here/go.mod" >&2; exit 1; }
out="${H2SPLICE_DAPR_CACHE:-$HOME/.cache/h2splice/dapr}/$release"
stamp="$out/.built-from"
want="$(cat "$here/go.mod" "$here/go.sum" "$here/daprd/main.go" "$here/build.sh" | sha256sum | cut -d' ' -f1)"
if [ -x "$out/daprd" ] && [ -x "$out/sentry" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "daprd and sentry $release already built" >&2
  echo "$out"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "error: Go is needed to build daprd and sentry" >&2; exit 1; }
start=$(date +%s)
mkdir -p "$out"
cd "$here"
# As Dapr's Makefile builds a release: its version stamped in, symbols stripped; daprd with the stable components
# (without a components tag daprd refuses to start).
ldflags="-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=${release#v}"
go build -trimpath -tags stablecomponents -ldflags "$ldflags" -o "$out/daprd" ./daprd
go build -trimpath -ldflags "$ldflags" -o "$out/sentry" github.com/dapr/dapr/cmd/sentry
echo "$want" > "$stamp"
echo "built daprd and sentry $release in $(( $(date +%s) - start )) s" >&2
echo "$out"
