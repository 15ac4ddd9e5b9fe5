// The approve-fork-runs sub-action: the action's one bundle, run as approve-fork-runs. Generated from
// src/inputs/definition.ts by 'npm run generate'; edit that file, not this one.
globalThis[Symbol.for('actions-ops.operation')] = 'approve-fork-runs'
await import('../dist/index.js')
