/**
 * Repeat sweeps with a state file (`npm run bench repeat-sweeps`): a dry-run sweep of an
 * organization of 1,000 quiet repositories (`repository: acme/*`, an installation token), then the
 * same sweep again with nothing changed, then again after 20 repositories changed, each time with
 * the state file the last sweep wrote; and once more with another token (GitHub binds validators
 * to the token that received them). For each: the primary rate-limit points spent (what
 * `x-ratelimit-used` grows by, read from the simulator's window for the token), the requests and
 * how many were answered 304, whether `result` is the first sweep's (or, after the change, a sweep
 * without the file's), the wall time, and the file's size per repository.
 */
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  generateOrganization,
  rebaseScenario,
  startSimulator,
  type RepositoryState,
  type Scenario,
  type ScenarioRun,
  type Simulator
} from '../../simulator/index.js'
import { normalizeRun } from '../../simulator/state.js'
import { runBundle, type ActionRun } from '../lib/runner.js'

const REPOSITORIES = 1000
const CHANGED = 20
const TOKEN = 'ghs_sweeper'
/** The same app's token of a later run: a new installation token every run. */
const NEXT_TOKEN = 'ghs_sweeper_next'

/** One operation's sweep, and how a repository changes so that it has one target. */
interface RepeatCase {
  operation: string
  with: Record<string, string>
  /** Gives `repository` one target of the operation (runs created relative to `nowMs`). */
  change: (repository: RepositoryState, nowMs: number) => void
  /** Whether to measure the sweep with the next run's token too. */
  newToken?: boolean
}

let nextRunId = 8_000_000_000

function addRun(repository: RepositoryState, overrides: Partial<ScenarioRun>): void {
  const id = nextRunId++
  repository.runs.push(
    normalizeRun({
      id,
      workflow_id: repository.workflows[0]?.id ?? 1,
      head_branch: 'main',
      head_sha: id.toString(16).padStart(40, '0'),
      event: 'push',
      status: 'completed',
      conclusion: 'success',
      run_attempt: 1,
      run_number: id,
      created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      actor: 'alice',
      head_repository: `${repository.owner}/${repository.name}`,
      ...overrides
    })
  )
}

const ago = (nowMs: number, minutes: number): string =>
  new Date(nowMs - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')

const CASES: RepeatCase[] = [
  {
    operation: 'cancel-stale',
    with: {},
    // Two active runs of one group: the older is superseded.
    change: (repository, nowMs) => {
      addRun(repository, { status: 'in_progress', conclusion: null, created_at: ago(nowMs, 10) })
      addRun(repository, { status: 'in_progress', conclusion: null, created_at: ago(nowMs, 5) })
    },
    newToken: true
  },
  {
    operation: 'rerun-failed',
    with: {},
    change: (repository, nowMs) => {
      addRun(repository, { conclusion: 'failure', created_at: ago(nowMs, 60), head_branch: 'fix' })
    }
  },
  {
    operation: 'delete-runs',
    with: { 'older-than': '30d' },
    // Two runs of a branch, 40 days old: the older is past keep-latest 1.
    change: (repository, nowMs) => {
      addRun(repository, { head_branch: 'old', created_at: ago(nowMs, 41 * 24 * 60) })
      addRun(repository, { head_branch: 'old', created_at: ago(nowMs, 40 * 24 * 60) })
    }
  }
]

/** An organization of 1,000 quiet repositories (three completed runs each, two days old). */
function organization(): Scenario {
  const scenario = generateOrganization({
    seed: REPOSITORIES,
    repositories: REPOSITORIES,
    withWork: 0
  })
  scenario.rateLimit = { limit: 100_000 }
  const sweeper = {
    login: 'sweeper[bot]',
    kind: 'app' as const,
    permissions: { actions: 'write' as const, metadata: 'read' as const }
  }
  scenario.tokens[TOKEN] = sweeper
  scenario.tokens[NEXT_TOKEN] = structuredClone(sweeper)
  return rebaseScenario(scenario)
}

/** Points spent by `token` so far in its window. */
function spent(simulator: Simulator, token: string): number {
  const bucket = simulator.state.rateLimits[token]
  return bucket === undefined ? 0 : bucket.limit - bucket.remaining
}

interface Sweep {
  run: ActionRun
  points: number
  requests: number
  notModified: number
  seconds: number
}

async function sweep(
  simulator: Simulator,
  bench: RepeatCase,
  options: { stateFile?: string; token?: string; env: Record<string, string> }
): Promise<Sweep> {
  const token = options.token ?? TOKEN
  const before = spent(simulator, token)
  const from = simulator.requests.length
  const run = await runBundle({
    apiUrl: simulator.url,
    token,
    with: {
      operation: bench.operation,
      repository: 'acme/*',
      'dry-run': 'true',
      limit: '10000',
      ...bench.with,
      ...(options.stateFile !== undefined && { 'state-file': options.stateFile })
    },
    env: options.env,
    timeoutMs: 60 * 60_000
  })
  if (run.exitCode !== 0) {
    console.error(
      run.stdout
        .split('\n')
        .filter(line => line.startsWith('::error::'))
        .join('\n')
    )
  }
  const requests = simulator.requests.slice(from)
  return {
    run,
    points: spent(simulator, token) - before,
    requests: requests.length,
    notModified: requests.filter(request => request.status === 304).length,
    seconds: (run.exitedAt - run.launchedAt) / 1000
  }
}

const same = (a: ActionRun, b: ActionRun): string =>
  JSON.stringify(a.result) === JSON.stringify(b.result) ? 'same' : 'DIFFERENT'

/**
 * Runs every case and prints one table.
 * @param env the step's environment beyond the runner's (`ACTIONS_OPS_TIME_SCALE`).
 * @param latencyMs the simulator's answer latency.
 */
export async function benchRepeatSweeps(
  env: Record<string, string>,
  latencyMs: number
): Promise<void> {
  console.log(
    `\nrepeat-sweeps (${REPOSITORIES} quiet repositories, dry run, state file carried from sweep to sweep)`
  )
  console.log(
    '| operation | sweep | points | of the first | requests | 304 | result | wall time | state file |'
  )
  console.log('|---|---|---:|---:|---:|---:|---|---:|---:|')
  for (const bench of CASES) {
    const simulator = await startSimulator({ scenario: organization(), latencyMs })
    const file = join(mkdtempSync(join(tmpdir(), 'actions-ops-bench-state-')), 'state.json')
    const size = (): string => {
      const bytes = statSync(file).size
      return `${Math.round(bytes / 1024)} KB (${Math.round(bytes / REPOSITORIES)} B per repository)`
    }
    try {
      const row = (
        label: string,
        measured: Sweep,
        first: Sweep,
        result: string,
        fileSize: string
      ): void => {
        const share = ((100 * measured.points) / Math.max(1, first.points)).toFixed(1)
        console.log(
          `| ${bench.operation} | ${label} | ${measured.points} | ${share} % | ${measured.requests} | ${measured.notModified} | ${result} | ${measured.seconds.toFixed(1)} s | ${fileSize} |`
        )
      }
      const first = await sweep(simulator, bench, { stateFile: file, env })
      row('first, no state file yet', first, first, `${first.run.result.length} targets`, size())
      const repeated = await sweep(simulator, bench, { stateFile: file, env })
      row('again, nothing changed', repeated, first, same(repeated.run, first.run), size())
      const nowMs = Date.now()
      const step = Math.floor(REPOSITORIES / CHANGED)
      for (let index = 0; index < CHANGED; index += 1) {
        const repository = simulator.state.repositories[index * step]
        if (repository !== undefined) bench.change(repository, nowMs)
      }
      const changed = await sweep(simulator, bench, { stateFile: file, env })
      const fresh = await sweep(simulator, bench, { env })
      row(
        `again, ${CHANGED} repositories changed`,
        changed,
        first,
        `${same(changed.run, fresh.run)} as without the file (${changed.run.result.length} targets)`,
        size()
      )
      row('the same, without a state file', fresh, first, '', '')
      if (bench.newToken === true) {
        const renewed = await sweep(simulator, bench, { stateFile: file, token: NEXT_TOKEN, env })
        row('again, another token', renewed, first, same(renewed.run, fresh.run), size())
      }
    } finally {
      await simulator.close()
    }
  }
}
