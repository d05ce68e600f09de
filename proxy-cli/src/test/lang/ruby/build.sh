#!/usr/bin/env bash
# Installs the Ruby probe client (probe_client.rb, see ../PROBE.md) as target/tools/lang/ruby/probe-client: a copy
# of the script and a bash wrapper running Debian's /usr/bin/ruby on it. The grpc gem is Debian 12's ruby-grpc
# (apt-get install ruby ruby-grpc; .ci/run does it); this checks that it loads with the version pinned in
# debian-packages.txt.
set -euo pipefail
start=$(date +%s%N)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../.." && pwd)"
src="$root/proxy-cli/src/test/lang/ruby"
out="$root/target/tools/lang/ruby"
ruby=/usr/bin/ruby

if [ ! -x "$ruby" ]; then
  echo "build.sh (ruby): $ruby not found; install Debian's ruby and ruby-grpc: apt-get install ruby ruby-grpc" >&2
  exit 1
fi
want=$(awk '$1 == "ruby-grpc" { print $2 }' "$src/debian-packages.txt")
have=$("$ruby" -e 'require "grpc"; print GRPC::VERSION' 2>/dev/null) || {
  echo "build.sh (ruby): 'ruby -e \"require \\\"grpc\\\"\"' fails; install Debian's ruby-grpc: apt-get install ruby-grpc" >&2
  exit 1
}
if [ "$have" != "$want" ]; then
  echo "build.sh (ruby): the grpc gem is $have, debian-packages.txt pins ruby-grpc $want" >&2
  exit 1
fi

mkdir -p "$out"
if ! cmp -s "$src/probe_client.rb" "$out/probe_client.rb"; then
  cp "$src/probe_client.rb" "$out/probe_client.rb.tmp"
  mv "$out/probe_client.rb.tmp" "$out/probe_client.rb"
fi
wrapper='#!/usr/bin/env bash
# The Ruby probe client (proxy-cli/src/test/lang/ruby/probe_client.rb), installed by its build.sh.
exec /usr/bin/ruby "$(dirname "${BASH_SOURCE[0]}")/probe_client.rb" "$@"'
if [ ! -x "$out/probe-client" ] || [ "$(cat "$out/probe-client")" != "$wrapper" ]; then
  printf '%s\n' "$wrapper" > "$out/probe-client.tmp"
  chmod +x "$out/probe-client.tmp"
  mv "$out/probe-client.tmp" "$out/probe-client"
fi
echo "build.sh (ruby): target/tools/lang/ruby/probe-client ready (grpc $have) in $(( ($(date +%s%N) - start) / 1000000 )) ms"
