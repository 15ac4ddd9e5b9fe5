/**
 * The bundle's entry, kept small: it loads only the definition of the operations, refuses a
 * missing or unknown `operation` at once, and starts the action in a worker thread
 * (`action/index.js`, the adapter in worker.ts), ending with its exit code.
 *
 * Why a worker: V8 sizes a process's young generation for its allocation rate, and a sweep over
 * thousands of repositories made it grow to a few hundred megabytes while the action's own data
 * stayed near 10 MB. An action cannot pass Node flags, but a worker's heap takes limits. Why a
 * separate file: the main thread then never parses the action's code (about 2 MB), only this.
 *
 * A sub-action's entry (`<operation>/main.mjs`) names its operation in a global before importing
 * this file: GitHub's runner tells a JavaScript action no path it could learn it from.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { OperationName } from './inputs/definition.js'
import { parseOperation } from './inputs/operation.js'

/** The young generation of the worker's heap, in megabytes (V8's own default is far larger). */
const YOUNG_GENERATION_MB = 2

const subAction = (globalThis as Record<symbol, unknown>)[Symbol.for('actions-ops.operation')] as
  OperationName | undefined

/** `core.setFailed` as the runner reads it, without loading `@actions/core` here. */
function fail(message: string): void {
  const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  process.stdout.write(`::error::${escaped}\n`)
  process.exitCode = 1
}

function start(): void {
  if (subAction === undefined) {
    try {
      // `core.getInput('operation')`: the runner's INPUT_OPERATION, trimmed.
      parseOperation(process.env.INPUT_OPERATION ?? '')
    } catch (error) {
      fail((error as Error).message)
      return
    }
  }
  const worker = new Worker(join(dirname(fileURLToPath(import.meta.url)), 'action', 'index.js'), {
    workerData: { operation: subAction },
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
  })
  worker.on('error', error => {
    // `run()` reports every error itself; this is the worker dying (out of memory, say). Only
    // the error's code or class is printed: its message could quote what the step was given.
    const code = (error as { code?: unknown }).code
    fail(`actions-ops stopped unexpectedly (${typeof code === 'string' ? code : error.name})`)
  })
  worker.on('exit', code => {
    if (code !== 0) process.exitCode = code
  })
}

start()
