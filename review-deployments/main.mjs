// The review-deployments sub-action: the action's one bundle, run as review-deployments. Generated from
// src/inputs/definition.ts by 'npm run generate'; edit that file, not this one.
globalThis[Symbol.for('actions-ops.operation')] = 'review-deployments'
await import('../dist/index.js')
