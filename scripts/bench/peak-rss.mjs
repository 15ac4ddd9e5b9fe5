// Preloaded with `node --expose-gc --import` into a benchmarked step: at exit, writes to the file
// named by ACTIONS_OPS_PEAK_RSS_FILE the process's peak resident memory (KiB, from getrusage) and
// the heap still in use after a full collection (bytes): what the step's own data takes, apart
// from the garbage V8 had not collected yet and the young generation it sized for it.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  const file = process.env.ACTIONS_OPS_PEAK_RSS_FILE
  if (!file) return
  const peak = process.resourceUsage().maxRSS
  globalThis.gc?.()
  writeFileSync(file, JSON.stringify({ peak, live: process.memoryUsage().heapUsed }))
})
