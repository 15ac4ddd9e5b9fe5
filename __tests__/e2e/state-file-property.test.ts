/**
 * A state file never changes a decision. Seeded random worlds (an organization of a few
 * repositories, runs of every status, conclusion, branch, event and age, fork runs and their pull
 * requests, waiting deployments, artifacts and caches), and a few steps of one operation each,
 * between which the clock moves (from nothing to days) and the world changes or not (new runs,
 * runs that finish, are re-run or deleted, new artifacts and caches). Every step runs twice on two
 * copies of the world at the same instant: with the state file it carried from the last step, and
 * without one. Both must give the same `result`, the same outputs and the same writes, in the same
 * order; and across a case the file must have answered some listings (304), or the property would
 * say nothing. The failing seed and operation name themselves in the title; `ACTIONS_OPS_E2E=heavy`
 * runs many more seeds and steps.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ENVIRONMENTS, REVIEW_TOKENS } from '../../__fixtures__/review-deployments.js'
import {
  mulberry32,
  type RepositoryState,
  type Scenario,
  type ScenarioArtifact,
  type ScenarioCache,
  type ScenarioPull,
  type ScenarioRepository,
  type ScenarioRun,
  type Simulator
} from '../../simulator/index.js'
import { isoSeconds, normalizeRun } from '../../simulator/state.js'
import { E2E_HEAVY, runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()
// CI's heavy run (every case a child process) takes four worlds per operation, four steps each.
const SEEDS = Array.from({ length: E2E_HEAVY ? 4 : 1 }, (_, i) => 7001 + i)
const STEPS = E2E_HEAVY ? 4 : 2
const SWEEPER = 'ghs_sweeper_property_0001'
const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

type Rng = () => number
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T
const between = (rng: Rng, low: number, high: number): number =>
  low + Math.floor(rng() * (high - low + 1))

/** The operation, its token, and its inputs for one step (drawn per step). */
interface Operation {
  name: string
  token: string
  inputs: (rng: Rng) => Record<string, string>
}

/** Now and then a run filter, each read on the client from fields of the listed runs. */
function runFilters(rng: Rng): Record<string, string> {
  const maybe = (name: string, values: readonly string[]): Record<string, string> =>
    rng() < 0.12 ? { [name]: pick(rng, values) } : {}
  return {
    ...maybe('workflow', ['ci.yml', '12', 'ci.yml, deploy.yml']),
    ...maybe('branch', ['main', 'feature/*', 'main, dev']),
    ...maybe('exclude-branch', ['dev', 'feature/*']),
    ...maybe('event', ['push', 'push, schedule', 'pull_request']),
    ...maybe('actor', ['alice', 'contrib*', '*[bot]'])
  }
}

const OPERATIONS: Operation[] = [
  {
    name: 'cancel-stale',
    token: SWEEPER,
    inputs: rng => ({ 'stale-after': pick(rng, ['', '6h', '2d']), ...runFilters(rng) })
  },
  {
    name: 'rerun-failed',
    token: SWEEPER,
    inputs: rng => ({
      lookback: pick(rng, ['24h', '3d', '40d']),
      conclusions: pick(rng, ['', 'failure, timed_out']),
      ...runFilters(rng)
    })
  },
  {
    name: 'approve-fork-runs',
    token: SWEEPER,
    inputs: rng => ({ 'trusted-actors': pick(rng, ['', 'contrib*']), ...runFilters(rng) })
  },
  { name: 'review-deployments', token: 'ghp_rita', inputs: rng => runFilters(rng) },
  {
    name: 'delete-runs',
    token: SWEEPER,
    inputs: rng => ({
      'older-than': pick(rng, ['0s', '1d', '7d']),
      'keep-latest': pick(rng, ['0', '1', '2']),
      conclusions: pick(rng, ['', 'failure']),
      ...runFilters(rng)
    })
  },
  {
    name: 'delete-artifacts',
    token: SWEEPER,
    inputs: rng => ({
      'older-than': pick(rng, ['0s', '2d']),
      'keep-latest': pick(rng, ['0', '1']),
      ...(rng() < 0.3 && { 'artifact-name': pick(rng, ['logs', 'co*']) }),
      ...(rng() < 0.3 && { branch: pick(rng, ['main', 'feature/*']) }),
      ...(rng() < 0.3 && { 'exclude-branch': 'dev' })
    })
  },
  {
    name: 'delete-caches',
    token: SWEEPER,
    inputs: rng => ({
      'older-than': pick(rng, ['1d', '3d']),
      'closed-pull-requests': pick(rng, ['false', 'true']),
      ...(rng() < 0.3 && { 'cache-key': pick(rng, ['npm-linux-*', '*-3']) }),
      ...(rng() < 0.3 && { 'cache-ref': pick(rng, ['refs/heads/main', 'refs/pull/*/merge']) })
    })
  }
]

/** Where the world takes ids from: increasing, so newer runs have higher ids as on GitHub. */
interface Ids {
  take: () => number
}

function increasingIds(): Ids {
  let next = 10_000
  return { take: () => (next += 1) }
}

/** One id drawn already: what a change made once is made the same on each copy of the world. */
const drawnId = (id: number): Ids => ({ take: () => id })

/**
 * A run of repository `name` created at `createdMs`, with everything else drawn; in a busy
 * repository few runs are active (each would be a write of cancel-stale).
 */
function randomRun(rng: Rng, ids: Ids, name: string, createdMs: number, busy = false): ScenarioRun {
  const id = ids.take()
  const fork = rng() < 0.2
  const active = rng() < (busy ? 0.03 : 0.5)
  const status =
    fork || !active ? 'completed' : pick(rng, ['in_progress', 'queued', 'waiting'] as const)
  const conclusion =
    status !== 'completed'
      ? null
      : fork
        ? 'action_required'
        : pick(rng, ['success', 'failure', 'failure', 'cancelled', 'timed_out', 'skipped'])
  const actor = fork ? 'contrib' : pick(rng, ['alice', 'bob', 'dependabot[bot]'])
  return {
    id,
    workflow_id: status === 'waiting' ? 12 : pick(rng, [11, 11, 12]),
    head_branch: fork ? 'patch-1' : pick(rng, ['main', 'main', 'dev', 'feature/x']),
    head_sha: id.toString(16).padStart(40, '0'),
    event: fork ? 'pull_request' : pick(rng, ['push', 'push', 'pull_request', 'schedule']),
    status,
    conclusion,
    run_attempt: status === 'completed' ? between(rng, 1, 3) : 1,
    run_number: id,
    created_at: isoSeconds(new Date(createdMs)),
    actor,
    head_repository: fork ? `contrib/${name}` : `acme/${name}`,
    ...(status === 'waiting' && {
      pending_deployments: [
        {
          environment: pick(rng, ['staging', 'production']),
          wait_timer_started_at: isoSeconds(new Date(createdMs))
        }
      ]
    })
  }
}

function randomArtifact(rng: Rng, ids: Ids, run: ScenarioRun): ScenarioArtifact {
  return {
    id: ids.take(),
    name: pick(rng, ['logs', 'coverage', 'dist']),
    run_id: run.id,
    size_in_bytes: between(rng, 1, 50) * 1024,
    created_at: run.created_at
  }
}

function randomCache(rng: Rng, ids: Ids, nowMs: number): ScenarioCache {
  const accessed = nowMs - between(rng, 0, 6 * 24 * 60) * MINUTE
  return {
    id: ids.take(),
    key: `npm-${pick(rng, ['linux', 'macos'])}-${between(rng, 1, 9)}`,
    ref: pick(rng, ['refs/heads/main', 'refs/heads/dev', 'refs/pull/3/merge', 'refs/pull/4/merge']),
    size_in_bytes: between(rng, 1, 100) * 1024 * 1024,
    created_at: isoSeconds(new Date(accessed - DAY)),
    last_accessed_at: isoSeconds(new Date(accessed))
  }
}

/** An organization of three repositories, one of them busy (more runs than a page) in one seed of two. */
function randomWorld(rng: Rng, ids: Ids, nowMs: number): Scenario {
  const repositories: ScenarioRepository[] = ['r0', 'r1', 'r2'].map((name, index) => {
    const busy = index === 0 && rng() < 0.5
    const count = busy ? between(rng, 101, 140) : between(rng, 2, 12)
    const runs = Array.from({ length: count }, () =>
      randomRun(rng, ids, name, nowMs - between(rng, 1, 40 * 24 * 60) * MINUTE, busy)
    )
    const completed = runs.filter(run => run.status === 'completed')
    const pulls: ScenarioPull[] = [3, 4].map(number => ({
      number,
      user: 'contrib',
      state: rng() < 0.5 ? 'open' : 'closed',
      head: {
        ref: 'patch-1',
        sha: pick(rng, runs)?.head_sha ?? 'f'.repeat(40),
        repo: `contrib/${name}`
      },
      files: [{ filename: pick(rng, ['src/app.ts', '.github/workflows/ci.yml', 'docs/a.md']) }]
    }))
    return {
      owner: 'acme',
      name,
      id: 400 + index,
      private: false,
      workflows: [
        { id: 11, name: 'CI', path: '.github/workflows/ci.yml', state: 'active' },
        { id: 12, name: 'Deploy', path: '.github/workflows/deploy.yml', state: 'active' }
      ],
      runs,
      environments: structuredClone(ENVIRONMENTS),
      pulls,
      artifacts: completed.filter(() => rng() < 0.5).map(run => randomArtifact(rng, ids, run)),
      caches: Array.from({ length: between(rng, 0, 5) }, () => randomCache(rng, ids, nowMs))
    }
  })
  return {
    tokens: {
      [SWEEPER]: {
        login: 'sweeper[bot]',
        kind: 'app',
        permissions: { actions: 'write', pull_requests: 'read', contents: 'read', metadata: 'read' }
      },
      ghp_rita: structuredClone(REVIEW_TOKENS.ghp_rita ?? { login: 'rita', kind: 'user' })
    },
    rateLimit: { limit: 100_000 },
    organizations: [{ login: 'acme' }],
    repositories
  } as Scenario
}

/**
 * Changes the world the same way on each copy: nothing (in one step of three), or a few of: a new
 * run, an active run that finishes, a failed run someone re-runs, a run deleted, a new artifact or
 * cache. `changes` is drawn once, then applied to each simulator.
 */
function drawChanges(
  rng: Rng,
  ids: Ids,
  nowMs: number
): (repo: RepositoryState, index: number) => void {
  if (rng() < 0.34) return () => undefined
  const target = between(rng, 0, 2)
  const kinds = Array.from({ length: between(rng, 1, 3) }, () =>
    pick(rng, ['new run', 'finish', 're-run', 'delete', 'artifact', 'cache'] as const)
  )
  const draws = kinds.map(kind => ({ kind, value: rng(), id: ids.take(), extra: rng() }))
  const fresh = draws.map(draw =>
    randomRun(
      mulberry32(Math.floor(draw.value * 1e9)),
      drawnId(draw.id),
      `r${target}`,
      nowMs - Math.floor(draw.extra * 30 * MINUTE)
    )
  )
  return (repo, index) => {
    if (index !== target) return
    draws.forEach((draw, n) => {
      const runs = repo.runs
      const chosen = (
        filter: (run: (typeof runs)[number]) => boolean
      ): (typeof runs)[number] | undefined => {
        const candidates = runs.filter(filter).sort((a, b) => a.id - b.id)
        return candidates[Math.floor(draw.value * candidates.length)]
      }
      const at = isoSeconds(new Date(nowMs))
      switch (draw.kind) {
        case 'new run':
          runs.push(normalizeRun(structuredClone(fresh[n] as ScenarioRun)))
          break
        case 'finish': {
          const run = chosen(r => r.status !== 'completed')
          if (run)
            Object.assign(run, {
              status: 'completed',
              conclusion: draw.extra < 0.5 ? 'success' : 'failure',
              updated_at: at
            })
          break
        }
        case 're-run': {
          const run = chosen(r => r.status === 'completed' && r.conclusion === 'failure')
          if (run)
            Object.assign(run, {
              status: 'queued',
              conclusion: null,
              run_attempt: run.run_attempt + 1,
              updated_at: at
            })
          break
        }
        case 'delete': {
          const run = chosen(r => r.status === 'completed')
          if (run) runs.splice(runs.indexOf(run), 1)
          break
        }
        case 'artifact': {
          const run = chosen(r => r.status === 'completed')
          if (run)
            repo.artifacts = [
              ...(repo.artifacts ?? []),
              {
                ...randomArtifact(mulberry32(draw.id), drawnId(draw.id), run),
                created_at: at
              }
            ]
          break
        }
        case 'cache':
          repo.caches = [
            ...(repo.caches ?? []),
            randomCache(mulberry32(draw.id), drawnId(draw.id), nowMs)
          ]
          break
      }
    })
  }
}

/** The writes a step sent, in order (every request but a GET). */
const writes = (sim: Simulator, from: number): string[] =>
  sim.requests
    .slice(from)
    .filter(r => r.method !== 'GET')
    .map(r => `${r.method} ${r.path}`)

async function step(
  sim: Simulator,
  operation: Operation,
  inputs: Record<string, string>,
  stateFile?: string
): Promise<{ run: ActionRun; writes: string[]; notModified: number }> {
  const from = sim.requests.length
  const run = await runAction({
    apiUrl: sim.url,
    token: operation.token,
    repository: 'acme/r0',
    with: {
      operation: operation.name,
      repository: 'acme/*',
      ...inputs,
      ...(stateFile !== undefined && { 'state-file': stateFile })
    }
  })
  return {
    run,
    writes: writes(sim, from),
    notModified: sim.requests.slice(from).filter(r => r.status === 304).length
  }
}

afterEach(() => {
  jest.useRealTimers()
})

/**
 * The latest instant a case reached. The next case starts after it: the throttling plugin's
 * schedules are shared by every client of the process and would wait for an instant the clock
 * already passed once if it went back.
 */
let latest = 0

describe('state-file: the same decisions with or without it', () => {
  const cases = OPERATIONS.flatMap(operation => SEEDS.map(seed => [operation.name, seed] as const))
  it.each(cases)('%s, seed %i', async (name, seed) => {
    const operation = OPERATIONS.find(candidate => candidate.name === name) as Operation
    const rng = mulberry32(seed * 31 + OPERATIONS.indexOf(operation))
    const ids = increasingIds()
    let nowMs = Math.max(Math.floor(Date.now() / 1000) * 1000, latest + 1000)
    // Only Date is faked: both copies of the world and the action see the same instant.
    jest.useFakeTimers({
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout'
      ],
      now: nowMs
    })
    const world = randomWorld(rng, ids, nowMs)
    const withFile = await simulate(structuredClone(world))
    const without = await simulate(structuredClone(world))
    const file = join(mkdtempSync(join(tmpdir(), 'actions-ops-property-')), 'state.json')
    let answered = 0
    for (let index = 0; index < STEPS; index += 1) {
      if (index > 0) {
        nowMs += pick(rng, [0, MINUTE, 30 * MINUTE, 6 * 60 * MINUTE, DAY, 3 * DAY])
        jest.setSystemTime(nowMs)
        const change = drawChanges(rng, ids, nowMs)
        withFile.state.repositories.forEach(change)
        without.state.repositories.forEach(change)
      }
      // A small limit now and then: targets past it are reported, not written (and a frozen clock
      // makes each write wait a little longer than the last).
      const inputs = {
        ...operation.inputs(rng),
        'dry-run': pick(rng, ['true', 'false']),
        limit: pick(rng, ['3', '20'])
      }
      latest = nowMs
      const a = await step(withFile, operation, inputs, file)
      const b = await step(without, operation, inputs)
      const label = `${name}, seed ${seed}, step ${index}, ${JSON.stringify(inputs)}`
      expect([label, a.run.exitCode]).toEqual([label, b.run.exitCode])
      expect([label, a.run.result]).toEqual([label, b.run.result])
      expect([label, a.run.outputs]).toEqual([label, b.run.outputs])
      expect([label, a.writes]).toEqual([label, b.writes])
      expect(b.notModified).toBe(0)
      answered += a.notModified
    }
    expect(answered).toBeGreaterThan(0)
  })
})
