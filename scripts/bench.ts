/**
 * `npm run bench [operation or case name…]`: runs each operation through dist/index.js against the
 * simulator on generated scenarios, with simulated network latency, and prints per operation the
 * requests made against the minimum possible, and the wall time against the floor GitHub's pacing
 * sets. Sweeps over an organization (`cancel-stale-org`, …) also print requests per repository and
 * the step's peak resident memory. `repeat-sweeps` repeats an organization sweep with a state file
 * and prints the rate-limit points each sweep spent (see `bench/repeat-sweeps.ts`).
 *
 * Waits are shrunk by ACTIONS_OPS_TIME_SCALE (BENCH_TIME_SCALE, default 0.1: writes 100 ms apart
 * instead of 1 s) so 5,000-run scenarios finish in minutes; the floor is computed at the same scale:
 * the run's start-up + writes × max(write gap, request cost) + reads × request cost, requests made
 * one after another, where the request cost is what one GET costs the client stack the action is
 * built on (Octokit with the retry and throttling plugins), measured first on this machine.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateScenario, rebaseScenario, startSimulator } from '../simulator/index.js'
import { BENCH_CASES } from './bench/cases.js'
import { benchRepeatSweeps } from './bench/repeat-sweeps.js'
import { runBundle } from './lib/runner.js'

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50)
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.1)
const WRITE_GAP_MS = 1000 * TIME_SCALE
const only = process.argv.slice(2)
const sizesOverride = process.env.BENCH_SIZES?.split(',').map(Number)
// The bundle runs under the Node that action.yml declares, as on GitHub's runners (ACTIONS_OPS_NODE
// picks another binary).
process.env.ACTIONS_OPS_NODE ||= execFileSync(
  'bash',
  [new URL('node24.sh', import.meta.url).pathname],
  { encoding: 'utf8' }
).trim()
const NODE = process.env.ACTIONS_OPS_NODE

console.log(
  `dist/index.js under Node ${execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()}; ` +
    `every answer ${LATENCY_MS} ms after its request; writes ${WRITE_GAP_MS} ms apart (time scale ${TIME_SCALE})`
)
const REQUEST_COST_MS = await measureClientCost()
/** Preloaded into the step of a sweep: records its peak resident memory. */
const PEAK_RSS = new URL('bench/peak-rss.mjs', import.meta.url).href

const picked = BENCH_CASES.filter(
  b => only.length === 0 || only.includes(b.name ?? b.operation) || only.includes(b.operation)
)
for (const bench of picked) {
  const sweep = bench.repositories !== undefined
  const latencyMs = bench.latencyMs ?? LATENCY_MS
  console.log(
    `\n${bench.name ?? bench.operation}${latencyMs !== LATENCY_MS ? ` (answers ${latencyMs} ms after their request)` : ''}`
  )
  console.log(
    `| size | requests | minimum | ratio | wall time | floor | ratio | start-up |${sweep ? ' per repository | peak RSS |' : ''} outcomes |`
  )
  console.log(`|---:|---:|---:|---:|---:|---:|---:|---:|${sweep ? '---:|---:|' : ''}---|`)
  for (const size of sizesOverride ?? bench.sizes) {
    // Generated scenarios have a fixed clock; the action judges ages by the real one.
    const scenario = rebaseScenario(bench.scenario(size))
    const simulator = await startSimulator({
      scenario: structuredClone(scenario),
      latencyMs
    })
    const rssFile = join(mkdtempSync(join(tmpdir(), 'actions-ops-bench-')), 'peak-rss')
    try {
      const run = await runBundle({
        apiUrl: simulator.url,
        with: { operation: bench.operation, ...bench.with(scenario) },
        ...(bench.token && { token: bench.token }),
        env: {
          ACTIONS_OPS_TIME_SCALE: String(TIME_SCALE),
          ...(sweep && {
            NODE_OPTIONS: `--expose-gc --import ${PEAK_RSS}`,
            ACTIONS_OPS_PEAK_RSS_FILE: rssFile
          })
        },
        // 5,000 paced writes take minutes even at the reduced scale.
        timeoutMs: 60 * 60_000
      })
      const wall = run.exitedAt - run.launchedAt
      if (run.exitCode !== 0)
        console.error(
          run.stdout
            .split('\n')
            .filter(l => l.startsWith('::error::'))
            .join('\n')
        )
      const requests = simulator.requests.length
      // From launch to the first request: Node, the bundle, settings (no request can go earlier).
      const startup = (simulator.requests[0]?.at ?? run.exitedAt) - run.launchedAt
      const { reads, writes } = bench.minimum(scenario, run, simulator)
      const minimum = reads + writes
      const requestCost =
        latencyMs === LATENCY_MS ? REQUEST_COST_MS : REQUEST_COST_MS - LATENCY_MS + latencyMs
      const floor = startup + writes * Math.max(WRITE_GAP_MS, requestCost) + reads * requestCost
      const counts = new Map<string, number>()
      for (const r of run.result) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1)
      const outcomes = [...counts].map(([o, n]) => `${n} ${o}`).join(', ')
      const sweepColumns = sweep
        ? ` ${(requests / Math.max(1, bench.repositories?.(scenario) ?? 1)).toFixed(3)} | ${peakRss(rssFile)} |`
        : ''
      console.log(
        `| ${size} ${bench.unit} | ${requests} | ${minimum} | ${(requests / minimum).toFixed(3)} | ${(wall / 1000).toFixed(1)} s | ${(floor / 1000).toFixed(1)} s | ${(wall / floor).toFixed(2)} | ${(startup / 1000).toFixed(2)} s |${sweepColumns} ${outcomes} |`
      )
      if (simulator.violations.length > 0)
        console.log(`  OpenAPI violations: ${simulator.violations.length}`)
    } finally {
      await simulator.close()
    }
  }
}

// Sweeps repeated with a state file: rate-limit points against the first sweep's.
if (only.length === 0 || only.includes('repeat-sweeps')) {
  await benchRepeatSweeps({ ACTIONS_OPS_TIME_SCALE: String(TIME_SCALE) }, LATENCY_MS)
}

/**
 * What `bench/peak-rss.mjs` recorded for the step: its peak resident memory and, after a full
 * collection at exit, the heap still in use, e.g. `240 MB (live heap 14 MB)`.
 */
function peakRss(file: string): string {
  try {
    const { peak, live } = JSON.parse(readFileSync(file, 'utf8')) as { peak: number; live: number }
    return `${Math.round(peak / 1024)} MB (live heap ${Math.round(live / 1048576)} MB)`
  } catch {
    return 'n/a'
  }
}

/**
 * The cost of one GET to a client, apart from the action (`bench/client-cost.mjs`): the latency
 * plus what the client stack adds to it. Prints the three measures.
 * @returns milliseconds per GET with Octokit and the retry and throttling plugins.
 */
async function measureClientCost(): Promise<number> {
  const simulator = await startSimulator({
    scenario: generateScenario({ seed: 1, runsPerRepository: 1000, jobs: false }),
    latencyMs: LATENCY_MS
  })
  try {
    const script = new URL('bench/client-cost.mjs', import.meta.url).pathname
    // Not execFileSync: the simulator answers from this very process.
    const { stdout } = await promisify(execFile)(NODE, [script, simulator.url, 'ghs_write'])
    const cost = JSON.parse(stdout) as { fetch: number; octokit: number; plugins: number }
    console.log(
      `one GET of 100 runs takes a client ${cost.fetch} ms with fetch, ${cost.octokit} ms with Octokit, ` +
        `${cost.plugins} ms with Octokit and the retry and throttling plugins (the floor's cost per request)`
    )
    return cost.plugins
  } finally {
    await simulator.close()
  }
}
