// The delete-caches sub-action: the action's one bundle, run as delete-caches. Generated from
// src/inputs/definition.ts by 'npm run generate'; edit that file, not this one.
globalThis[Symbol.for('actions-ops.operation')] = 'delete-caches'
await import('../dist/index.js')
