// The rotate-secrets sub-action: the action's one bundle, run as rotate-secrets. Generated from
// src/inputs/definition.ts by 'npm run generate'; edit that file, not this one.
globalThis[Symbol.for('actions-ops.operation')] = 'rotate-secrets'
await import('../dist/index.js')
