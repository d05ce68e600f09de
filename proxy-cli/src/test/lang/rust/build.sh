#!/usr/bin/env bash
# Builds the Rust probe client (../PROBE.md) into target/tools/lang/rust/probe-client, pinned by the committed
# Cargo.lock (--locked). Idempotent: cargo rebuilds nothing when the sources are unchanged, and the binary is
# copied only when it differs.
set -euo pipefail
start=$SECONDS
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../.." && pwd)"
out="$root/target/tools/lang/rust"
mkdir -p "$out"
export CARGO_TARGET_DIR="$out/cargo-target"
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
if ! cmp -s "$CARGO_TARGET_DIR/release/probe-client" "$out/probe-client"; then
  cp "$CARGO_TARGET_DIR/release/probe-client" "$out/probe-client.tmp"
  mv "$out/probe-client.tmp" "$out/probe-client"
fi
echo "rust probe-client: built in $((SECONDS - start)) s ($out/probe-client)"
