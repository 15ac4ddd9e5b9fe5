// The rerun-failed sub-action: the action's one bundle, run as rerun-failed. Generated from
// src/inputs/definition.ts by 'npm run generate'; edit that file, not this one.
globalThis[Symbol.for('actions-ops.operation')] = 'rerun-failed'
await import('../dist/index.js')
