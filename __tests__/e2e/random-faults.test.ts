/**
 * Seeded random faults, per operation: a schedule of 5xx bursts (some longer than the client's
 * retries), dropped connections, lost answers, secondary rate limits, hung and slow requests, drawn
 * from a seed and injected into a small world. Whatever the schedule:
 * - every target gets exactly one entry in `result` (unless its repository could not be read);
 * - the simulator's state and `result` agree: a write took effect exactly for the targets
 *   reported `done`;
 * - no write reached GitHub again after one took effect (a lost answer is read back, not resent);
 * - the step fails exactly when a target failed;
 * - nothing secret is printed (`runAction` scans every run).
 * A failing seed names itself in the test's title; `ACTIONS_OPS_E2E=heavy` runs many more seeds.
 */
import { describe, expect, it } from '@jest/globals'
import { forkBacklog } from '../../__fixtures__/approve-fork-runs.js'
import { artifact, cache, completedRun } from '../../__fixtures__/clean-up.js'
import { flakyScenario } from '../../__fixtures__/rerun-failed.js'
import {
  deployRepository,
  deployScenario,
  waitingRun
} from '../../__fixtures__/review-deployments.js'
import { busySecretsWorld, svc, ROTATOR_TOKEN } from '../../__fixtures__/rotate-secrets.js'
import { minutesAgo, repository, run, scenario } from '../../__fixtures__/scenario.js'
import {
  mulberry32,
  type FaultRule,
  type RecordedRequest,
  type Scenario,
  type Simulator
} from '../../simulator/index.js'
import { E2E_HEAVY, runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { findRun } from '../lib/world.js'

const simulate = simulatorPerTest()
// Two seeds per operation keep npm test within its minute; CI's heavy run takes sixteen.
const SEEDS = Array.from({ length: E2E_HEAVY ? 16 : 2 }, (_, i) => 1001 + i)
const VALUE = 'rotated-Q7vN2xLp9Ks4Wd'

type Entry = ActionRun['result'][number]

/** One operation's world, what it reads and writes, and how its state shows a write. */
interface Case {
  operation: string
  world: () => Scenario
  with: Record<string, string>
  token?: string
  /** Operations the action reads with, faults are drawn from these and `writes`. */
  reads: string[]
  writes: string[]
  /** Every target as `repository kind id`. */
  targets: (s: Simulator) => string[]
  /** Whether the target's write took effect in the simulator. */
  landed: (s: Simulator, entry: Entry) => boolean
  /** A target not reported `done` whose write may still have taken effect (default none). */
  unproven?: (entry: Entry) => boolean
}

const runState = (s: Simulator, entry: Entry): Record<string, unknown> | undefined =>
  findRun(s, Number(entry.id), entry.repository) as Record<string, unknown> | undefined

const CASES: Case[] = [
  {
    operation: 'cancel-stale',
    // Nine active runs of one group: the newest survives, eight are superseded.
    world: () =>
      scenario(
        repository(
          'acme/web',
          Array.from({ length: 9 }, (_, i) => run({ id: 100 + i, created_at: minutesAgo(60 - i) }))
        )
      ),
    with: {},
    reads: ['actions/list-workflow-runs-for-repo', 'actions/get-workflow-run'],
    writes: ['actions/cancel-workflow-run'],
    targets: () => Array.from({ length: 8 }, (_, i) => `acme/web run ${100 + i}`),
    landed: (s, entry) => runState(s, entry)?.conclusion === 'cancelled'
  },
  {
    operation: 'rerun-failed',
    world: () => flakyScenario(6),
    with: {},
    reads: [
      'actions/list-workflow-runs-for-repo',
      'actions/list-workflow-runs',
      'actions/get-workflow-run'
    ],
    writes: ['actions/re-run-workflow-failed-jobs'],
    targets: () => Array.from({ length: 6 }, (_, i) => `acme/web run ${30_000 + i}`),
    landed: (s, entry) => Number(runState(s, entry)?.run_attempt) > 1
  },
  {
    operation: 'approve-fork-runs',
    world: () => forkBacklog(4, 2).world,
    with: {},
    reads: [
      'actions/list-workflow-runs-for-repo',
      'pulls/list',
      'pulls/list-files',
      'pulls/get',
      'actions/get-workflow-run'
    ],
    writes: ['actions/approve-workflow-run'],
    targets: () => Array.from({ length: 8 }, (_, i) => `acme/web run ${30_000 + i}`),
    landed: (s, entry) => runState(s, entry)?.conclusion !== 'action_required'
  },
  {
    operation: 'review-deployments',
    // Runs waiting on staging (rita reviews it), one also on audit, which she may not review.
    world: () =>
      deployScenario(
        deployRepository(
          Array.from({ length: 6 }, (_, i) =>
            waitingRun(i === 2 ? ['staging', 'audit'] : ['staging'], {
              id: 700 + i,
              created_at: minutesAgo(60 - i)
            })
          )
        )
      ),
    token: 'ghp_rita',
    with: {},
    reads: [
      'actions/list-workflow-runs-for-repo',
      'actions/get-pending-deployments-for-run',
      'actions/get-reviews-for-run'
    ],
    writes: ['actions/review-pending-deployments-for-run'],
    targets: () => Array.from({ length: 6 }, (_, i) => `acme/web run ${700 + i}`),
    landed: (s, entry) =>
      ((runState(s, entry)?.approvals as Array<{ user: string }> | undefined) ?? []).some(
        review => review.user === 'rita'
      )
  },
  {
    operation: 'rotate-secrets',
    world: () => busySecretsWorld(2),
    token: ROTATOR_TOKEN,
    with: {
      repository: `${svc(0)}, ${svc(1)}`,
      secrets: 'KEY_01, KEY_02, KEY_11',
      value: VALUE
    },
    reads: ['actions/get-repo-public-key', 'actions/list-repo-secrets', 'actions/get-repo-secret'],
    writes: ['actions/create-or-update-repo-secret'],
    targets: () =>
      [svc(0), svc(1)].flatMap(repo =>
        ['KEY_01', 'KEY_02', 'KEY_11'].map(name => `${repo} secret ${name}`)
      ),
    landed: (s, entry) =>
      s.state.repositories
        .find(r => `${r.owner}/${r.name}` === entry.repository)
        ?.secrets?.find(secret => secret.name === String(entry.id))?.value === VALUE,
    // GitHub accepted the value but reading it back failed: `failed`, as the value may be stored.
    unproven: entry => entry.outcome === 'failed' && entry.reason.startsWith('GitHub accepted')
  },
  {
    operation: 'delete-runs',
    // Eight old completed runs, each alone on its branch, so keep-latest 0 lets every one go.
    world: () =>
      scenario(
        repository(
          'acme/web',
          Array.from({ length: 8 }, (_, i) =>
            completedRun(40 - i, { id: 300 + i, head_branch: `topic/${i}` })
          )
        )
      ),
    with: { 'older-than': '30d', 'keep-latest': '0' },
    reads: ['actions/list-workflow-runs-for-repo', 'actions/get-workflow-run'],
    writes: ['actions/delete-workflow-run'],
    targets: () => Array.from({ length: 8 }, (_, i) => `acme/web run ${300 + i}`),
    landed: (s, entry) => runState(s, entry) === undefined
  },
  {
    operation: 'delete-artifacts',
    world: () => {
      const web = repository('acme/web', [completedRun(20, { id: 1 })])
      web.artifacts = Array.from({ length: 6 }, (_, i) =>
        artifact({ id: 1 }, `build-${i}`, 20, { id: 400 + i })
      )
      return scenario(web)
    },
    with: { 'older-than': '7d', 'keep-latest': '0' },
    reads: ['actions/list-artifacts-for-repo', 'actions/get-artifact'],
    writes: ['actions/delete-artifact'],
    targets: () => Array.from({ length: 6 }, (_, i) => `acme/web artifact ${400 + i}`),
    landed: (s, entry) =>
      !s.state.repositories[0]?.artifacts?.some(found => found.id === Number(entry.id))
  },
  {
    operation: 'delete-caches',
    world: () => {
      const web = repository('acme/web', [])
      web.caches = Array.from({ length: 6 }, (_, i) =>
        cache(`Linux-node-${i}`, 'refs/heads/main', 10 + i, { id: 500 + i })
      )
      return scenario(web)
    },
    with: { 'older-than': '7d' },
    reads: ['actions/get-actions-cache-list'],
    writes: ['actions/delete-actions-cache-by-id'],
    targets: () => Array.from({ length: 6 }, (_, i) => `acme/web cache ${500 + i}`),
    landed: (s, entry) =>
      !s.state.repositories[0]?.caches?.some(found => found.id === Number(entry.id))
  }
]

/**
 * Two to six fault rules drawn from `random`, on the case's reads and writes: 5xx bursts of one to
 * four (four outlasts the client's three retries), dropped connections, lost answers on writes,
 * secondary rate limits, a hung request, a slow one.
 */
function faultSchedule(random: () => number, reads: string[], writes: string[]): FaultRule[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const rules: FaultRule[] = []
  const count = 2 + Math.floor(random() * 5)
  for (let i = 0; i < count; i++) {
    const isWrite = random() < 0.5
    const operationId = pick(isWrite ? writes : reads)
    const kind = pick(['status', 'drop', 'lost', 'secondary', 'hang', 'latency'] as const)
    const times = 1 + Math.floor(random() * (kind === 'status' ? 4 : 2))
    switch (kind) {
      case 'status':
        rules.push({ operationId, kind, status: pick([500, 502, 503] as const), times })
        break
      case 'drop':
        rules.push({ operationId, kind, times })
        break
      case 'lost':
        if (isWrite)
          rules.push({
            operationId,
            kind: pick(['status', 'drop'] as const),
            status: 502,
            times: 1,
            after: 'after-handler'
          })
        break
      case 'secondary':
        rules.push({
          operationId,
          kind: 'secondary-rate-limit',
          status: pick([403, 429] as const),
          retryAfterSeconds: 1,
          times
        })
        break
      case 'hang':
        rules.push({ operationId, kind, times: 1 })
        break
      case 'latency':
        rules.push({ operationId, kind, delayMs: 20 + Math.floor(random() * 150), times })
        break
    }
  }
  return rules
}

/** Whether a recorded write took effect in the simulator (answered 2xx, or its 2xx answer was lost). */
const tookEffect = (request: RecordedRequest): boolean =>
  request.method !== 'GET' &&
  ((request.fault === undefined && request.status >= 200 && request.status < 300) ||
    (request.handledStatus !== undefined &&
      request.handledStatus >= 200 &&
      request.handledStatus < 300))

describe.each(CASES.map(c => [c.operation, c] as const))('%s under random faults', (_, c) => {
  it.each(SEEDS)(
    'seed %i: one entry per target, state and result agree, no write twice',
    async seed => {
      const s = await simulate(c.world())
      const schedule = faultSchedule(mulberry32(seed), c.reads, c.writes)
      for (const rule of schedule) s.faults.add(rule)
      const run = await runAction({
        apiUrl: s.url,
        ...(c.token && { token: c.token }),
        with: { operation: c.operation, ...c.with },
        secrets: [VALUE]
      })
      const context = `seed ${seed}, faults ${JSON.stringify(schedule)}`
      const writes = s.requests.filter(tookEffect)

      // rotate-secrets reads every scope before its first write: a read that fails for good fails
      // the step with nothing written.
      if (run.result.length === 0 && run.exitCode === 1) {
        expect([context, c.operation, writes]).toEqual([context, 'rotate-secrets', []])
        expect(run.stdout).toContain('Nothing was written')
        return
      }

      const keys = run.result.map(entry => `${entry.repository} ${entry.kind} ${entry.id}`)
      expect([context, keys.filter((key, i) => keys.indexOf(key) !== i)]).toEqual([context, []])
      const unreadable = new Set(
        run.result.filter(entry => entry.kind === 'repository').map(entry => entry.repository)
      )
      const expected = c.targets(s).filter(key => !unreadable.has(key.split(' ')[0] ?? ''))
      expect([context, keys.filter(key => !key.includes(' repository ')).sort()]).toEqual([
        context,
        expected.sort()
      ])

      for (const entry of run.result.filter(e => e.kind !== 'repository')) {
        const seen = [context, entry.id, entry.outcome, entry.reason]
        expect([...seen, c.landed(s, entry)]).toEqual([...seen, entry.outcome === 'done'])
      }

      const resent = new Map<string, number>()
      const effective = new Set<string>()
      for (const request of s.requests) {
        if (request.method === 'GET') continue
        const key = `${request.method} ${request.path}`
        if (effective.has(key)) resent.set(key, (resent.get(key) ?? 0) + 1)
        if (tookEffect(request)) effective.add(key)
      }
      expect([context, [...resent]]).toEqual([context, []])

      const failed = run.result.some(entry => entry.outcome === 'failed')
      expect([context, run.exitCode]).toEqual([context, failed ? 1 : 0])
    }
  )
})
