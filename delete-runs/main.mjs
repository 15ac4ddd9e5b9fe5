// The delete-runs sub-action: the action's one bundle, run as delete-runs. Generated from
// src/inputs/definition.ts by 'npm run generate'; edit that file, not this one.
globalThis[Symbol.for('actions-ops.operation')] = 'delete-runs'
await import('../dist/index.js')
