#!/usr/bin/env bash
# Installs the JavaScript probe client (see ../PROBE.md) into target/tools/lang/js/: @grpc/grpc-js pinned by
# package.json + package-lock.json, installed there with `npm ci` (node_modules never lands in the source directory),
# and a `probe-client` wrapper that runs probe-client.js with Node.js. Idempotent: npm ci runs only when the lock changed.
set -euo pipefail
start=$(date +%s)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../.." && pwd)"
src="$root/proxy-cli/src/test/lang/js"
out="$root/target/tools/lang/js"
mkdir -p "$out"

# Copies a file only when it differs, so that an unchanged tree stays untouched.
sync_file() { cmp -s "$1" "$2" || cp "$1" "$2"; }

if ! cmp -s "$src/package-lock.json" "$out/.installed-lock.json" || ! cmp -s "$src/package.json" "$out/package.json" \
    || [ ! -d "$out/node_modules/@grpc/grpc-js" ]; then
  cp "$src/package.json" "$src/package-lock.json" "$out/"
  (cd "$out" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$src/package-lock.json" "$out/.installed-lock.json"
fi
sync_file "$src/probe-client.js" "$out/probe-client.js"

wrapper="$out/probe-client"
cat > "$wrapper.new" <<'WRAPPER'
#!/usr/bin/env bash
# Runs the JavaScript probe client of PROBE.md; its node_modules sit beside it.
exec node "$(dirname "${BASH_SOURCE[0]}")/probe-client.js" "$@"
WRAPPER
if cmp -s "$wrapper.new" "$wrapper"; then rm "$wrapper.new"; else mv "$wrapper.new" "$wrapper"; fi
chmod +x "$wrapper"

echo "js probe client: built in $(( $(date +%s) - start )) s ($out/probe-client)"
