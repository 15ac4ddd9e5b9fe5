// The delete-artifacts sub-action: the action's one bundle, run as delete-artifacts. Generated from
// src/inputs/definition.ts by 'npm run generate'; edit that file, not this one.
globalThis[Symbol.for('actions-ops.operation')] = 'delete-artifacts'
await import('../dist/index.js')
