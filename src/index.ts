/**
 * The bundle's entry. The main thread starts the action in a worker thread and ends with its exit
 * code; the worker runs `run()` (main.ts). Why a worker: V8 sizes a process's young generation for
 * its allocation rate, and a sweep over thousands of repositories made it grow to a few hundred
 * megabytes while the action's own data stayed near 10 MB. An action cannot pass Node flags, but
 * a worker's heap takes limits.
 */
import { isMainThread, Worker } from 'node:worker_threads'

/** The young generation of the worker's heap, in megabytes (V8's own default is far larger). */
const YOUNG_GENERATION_MB = 2

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url), {
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
  })
  worker.on('error', error => {
    // `run()` reports every error itself; this is the worker dying (out of memory, say). Its
    // message is not printed: it could quote what the step was given.
    process.stdout.write(`::error::actions-ops stopped unexpectedly (${error.name})\n`)
    process.exitCode = 1
  })
  worker.on('exit', code => {
    if (code !== 0) process.exitCode = code
  })
} else {
  // Eager: bundled into this one file, evaluated only here.
  const { run } = await import(/* webpackMode: "eager" */ './adapters/action/main.js')
  await run()
}
