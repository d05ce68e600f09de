#!/usr/bin/env bash
# Builds the C++ probe client (../PROBE.md) with g++ against Debian's libgrpc++-dev (pinned in debian-packages.txt)
# into target/tools/lang/cpp/probe-client; does nothing when the source, this script and the toolchain are unchanged.
set -euo pipefail
started=$EPOCHREALTIME
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../.." && pwd)"
src="$root/proxy-cli/src/test/lang/cpp"
out="$root/target/tools/lang/cpp"

want=$(awk '$1 == "libgrpc++-dev" { print $2 }' "$src/debian-packages.txt")
have=$(pkg-config --modversion grpc++) || {
  echo "grpc++ not found by pkg-config: apt-get install g++ pkg-config libgrpc++-dev" >&2
  exit 1
}
if [[ $have != "$want" ]]; then
  echo "expected grpc++ $want (debian-packages.txt), found $have" >&2
  exit 1
fi

# What the binary depends on: the source, this script (the flags), the grpc++ version and the compiler.
stamp=$({ cat "$src/probe_client.cc" "$src/build.sh"; echo "grpc++ $have"; g++ --version | head -n 1; } |
  sha256sum | cut -d ' ' -f 1)

if [[ -x $out/probe-client && -f $out/probe-client.stamp && $(< "$out/probe-client.stamp") == "$stamp" ]]; then
  what="up to date"
else
  mkdir -p "$out"
  cxxflags="-std=c++17 -O2 -Wall -Wextra $(pkg-config --cflags grpc++)"
  libs="$(pkg-config --libs grpc++)"
  # shellcheck disable=SC2086 # the flags are word lists
  g++ $cxxflags -o "$out/probe-client.tmp" "$src/probe_client.cc" $libs
  mv -f "$out/probe-client.tmp" "$out/probe-client"
  echo "$stamp" > "$out/probe-client.stamp"
  what="built"
fi
took=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "cpp probe-client $what (grpc++ $have) in $took s"
