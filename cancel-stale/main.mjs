// The cancel-stale sub-action: the action's one bundle, run as cancel-stale. Generated from
// src/inputs/definition.ts by 'npm run generate'; edit that file, not this one.
globalThis[Symbol.for('actions-ops.operation')] = 'cancel-stale'
await import('../dist/index.js')
