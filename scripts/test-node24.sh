#!/usr/bin/env bash
# Runs the end-to-end suite with dist/index.js under Node 24 (the runtime action.yml declares),
# whatever Node runs the tests themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
node24=$(bash scripts/node24.sh)
echo "dist/index.js runs under $("$node24" --version)"
ACTIONS_OPS_NODE="$node24" \
  NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning" \
  npx jest __tests__/e2e "$@"
