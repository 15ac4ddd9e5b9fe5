/**
 * The action in its worker thread (the bundle `dist/action/index.js`, started by `dist/index.js`).
 * Run directly with Node (`node dist/action/index.js`) it runs the same action in the main thread,
 * without the worker's memory bound: the way to debug it.
 */
import { workerData } from 'node:worker_threads'
import type { OperationName } from '../../inputs/definition.js'
import { run } from './main.js'

const operation = (workerData as { operation?: OperationName } | null)?.operation
await run(operation)
