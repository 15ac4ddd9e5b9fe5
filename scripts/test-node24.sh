#!/usr/bin/env bash
# Runs every end-to-end case again, each one starting dist/index.js under Node 24 (the runtime
# action.yml declares) as GitHub's runner does, and the fault tests with their large worlds; and the
# command line's tests with dist/cli/index.js under Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
node24=$(bash scripts/node24.sh)
echo "dist/index.js runs under $("$node24" --version)"
ACTIONS_OPS_NODE="$node24" ACTIONS_OPS_E2E=bundle,heavy \
  NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning" \
  npx jest --maxWorkers=3 __tests__/e2e __tests__/cli "$@"
# Three workers, not four: every case starts a child process here, and a machine too busy to
# answer within the scaled request timeout turns requests into retries.
