/**
 * Deterministic generator of realistic scenarios: several workflows, branches and events, fork
 * pull requests whose branch names clash with ours, runs in every status spread over a few days,
 * and groups with several active runs so that superseded runs exist.
 */
import type { ScenarioPull } from './routes/pulls.js'
import type {
  Scenario,
  ScenarioJob,
  ScenarioRepository,
  ScenarioRun,
  ScenarioToken,
  ScenarioWorkflow
} from './scenario.js'

export interface GenerateOptions {
  /** Seed of the PRNG: the same options always give the same scenario. */
  seed: number
  /** Number of repositories (default 1), named `web`, `api`, `docs`, ... */
  repositories?: number
  /** Owner of the repositories (default `acme`). */
  owner?: string
  /** Runs per repository (raised to `activeRuns` when that is larger). */
  runsPerRepository: number
  /** The scenario's fixed clock, ISO 8601 (default `2026-11-22T12:00:00Z`). */
  now?: string
  /** Runs are created over this many days before `now` (default 3). */
  days?: number
  /** Exactly this many active runs per repository (e.g. 1200 for the 1,000-result cap). */
  activeRuns?: number
  /** Share of pull-request runs that come from forks, 0..1 (default 0.3). */
  forkShare?: number
  /** Whether runs carry jobs with logs (default true). */
  jobs?: boolean
}

/** The default clock of generated scenarios. */
export const DEFAULT_NOW = '2026-11-22T12:00:00Z'

const REPO_NAMES = ['web', 'api', 'docs', 'infra', 'mobile', 'cli', 'sdk', 'site']
const MEMBERS = ['alice', 'bob', 'carol', 'dave']
const FORK_OWNERS = ['mallory', 'eve', 'trudy', 'oscar']
const FEATURES = ['login', 'search', 'billing', 'dark-mode', 'api-v2', 'cache']
const DEPENDENCIES = [
  'npm_and_yarn/lodash-4.17.21',
  'github_actions/actions/checkout-5',
  'npm_and_yarn/jest-30.5.2'
]
const FORK_BRANCHES = ['main', 'feature/login', 'patch-1', 'fix-typo']
const MESSAGES = [
  'Fix flaky login test',
  'Add search endpoint',
  'Bump dependencies',
  'Refactor billing service',
  'Update README',
  'Speed up CI cache',
  'Handle empty results'
]
const ACTIVE_STATUSES: [string, number][] = [
  ['in_progress', 50],
  ['queued', 25],
  ['waiting', 10],
  ['pending', 10],
  ['requested', 5]
]
const CONCLUSIONS: [string, number][] = [
  ['success', 68],
  ['failure', 16],
  ['cancelled', 9],
  ['timed_out', 3],
  ['skipped', 2],
  ['startup_failure', 2]
]
const FAILURE_LOGS = [
  'Error: connect ECONNRESET 140.82.112.3:443\n    at TLSWrap.onStreamRead',
  'FAIL __tests__/login.test.ts\n  ● login › redirects\n    expect(received).toBe(expected)',
  "error TS2322: Type 'string' is not assignable to type 'number'.",
  'The runner has received a shutdown signal.'
]

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Helpers over one PRNG stream. */
class Dice {
  constructor(readonly next: () => number) {}

  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new Error('pick from an empty list')
    return item
  }

  weighted(table: readonly [string, number][]): string {
    const total = table.reduce((sum, [, w]) => sum + w, 0)
    let roll = this.next() * total
    for (const [value, weight] of table) {
      roll -= weight
      if (roll < 0) return value
    }
    return table[table.length - 1]?.[0] ?? ''
  }

  sha(): string {
    let hex = ''
    while (hex.length < 40) hex += this.int(0, 0xffff).toString(16).padStart(4, '0')
    return hex.slice(0, 40)
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i)
      const a = items[i] as T
      items[i] = items[j] as T
      items[j] = a
    }
    return items
  }
}

/** The tokens of generated scenarios, covering each permission case. */
export function generatedTokens(): Record<string, ScenarioToken> {
  return {
    ghs_write: {
      login: 'github-actions[bot]',
      kind: 'github-token',
      permissions: {
        actions: 'write',
        contents: 'read',
        pull_requests: 'read',
        secrets: 'write',
        deployments: 'write',
        environments: 'read'
      }
    },
    ghs_read: {
      login: 'github-actions[bot]',
      kind: 'github-token',
      permissions: { actions: 'read', contents: 'read', pull_requests: 'read' }
    },
    ghs_none: {
      login: 'github-actions[bot]',
      kind: 'github-token',
      permissions: { contents: 'read' }
    },
    ghp_alice: { login: 'alice', kind: 'user' }
  }
}

/**
 * Generates a scenario. Deterministic: the same options give a deep-equal result (no clock, no
 * Math.random). Run ids grow with `created_at` like GitHub's.
 * @throws Error when `runsPerRepository` or `repositories` is negative or not an integer.
 */
export function generateScenario(options: GenerateOptions): Scenario {
  const repoCount = options.repositories ?? 1
  for (const [name, value] of [
    ['repositories', repoCount],
    ['runsPerRepository', options.runsPerRepository]
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`generateScenario: ${name} must be a non-negative integer, got ${value}`)
    }
  }
  const dice = new Dice(mulberry32(options.seed))
  const now = options.now ?? DEFAULT_NOW
  const repositories: ScenarioRepository[] = []
  for (let index = 0; index < repoCount; index++) {
    repositories.push(generateRepository(dice, options, index, Date.parse(now)))
  }
  return { now, tokens: generatedTokens(), rateLimit: { limit: 5000 }, repositories }
}

function generateRepository(
  dice: Dice,
  options: GenerateOptions,
  index: number,
  nowMs: number
): ScenarioRepository {
  const owner = options.owner ?? 'acme'
  const name = REPO_NAMES[index] ?? `repo-${index + 1}`
  const id = 101 + index
  const workflows: ScenarioWorkflow[] = [
    { id: id * 100 + 11, name: 'CI', path: '.github/workflows/ci.yml', state: 'active' },
    { id: id * 100 + 12, name: 'Deploy', path: '.github/workflows/deploy.yml', state: 'active' },
    { id: id * 100 + 13, name: 'Nightly', path: '.github/workflows/nightly.yml', state: 'active' }
  ]
  const total = Math.max(options.runsPerRepository, options.activeRuns ?? 0)
  const spanMs = (options.days ?? 3) * 86_400_000
  const createdTimes = Array.from({ length: total }, () => nowMs - Math.floor(dice.next() * spanMs))
  createdTimes.sort((a, b) => a - b)

  // Which runs are active: forced to an exact number, else likelier the more recent a run is.
  let forcedActive: Set<number> | undefined
  if (options.activeRuns !== undefined) {
    const order = dice.shuffle(Array.from({ length: total }, (_, i) => i))
    forcedActive = new Set(order.slice(0, options.activeRuns))
  }

  const context: RepoContext = {
    dice,
    owner,
    name,
    workflows,
    forkShare: options.forkShare ?? 0.3,
    withJobs: options.jobs ?? true,
    shas: new Map(),
    prNumbers: new Map(),
    runNumbers: new Map(),
    nextJobId: 80_000_000_000 + index * 10_000_000
  }
  const runs = createdTimes.map((createdMs, i) => {
    const ageHours = (nowMs - createdMs) / 3_600_000
    const chance = ageHours < 6 ? 0.7 : ageHours < 24 ? 0.12 : 0.03
    const active = forcedActive ? forcedActive.has(i) : dice.chance(chance)
    return generateRun(context, 7_000_000_000 + index * 10_000_000 + i * 3, createdMs, active)
  })
  return { owner, name, id, private: index % 2 === 1, default_branch: 'main', workflows, runs }
}

interface RepoContext {
  dice: Dice
  owner: string
  name: string
  workflows: ScenarioWorkflow[]
  forkShare: number
  withJobs: boolean
  /** Branch key → its head commits, newest last (several runs share a commit). */
  shas: Map<string, string[]>
  prNumbers: Map<string, number>
  runNumbers: Map<number, number>
  nextJobId: number
  /** The previous run's trigger: pushes come in bursts, which is what supersedes runs. */
  lastTrigger?: Trigger
}

interface Trigger {
  workflow: ScenarioWorkflow
  event: string
  branch: string
  actor: string
  headRepository: string
  fork: boolean
}

function pickTrigger(c: RepoContext): Trigger {
  const { dice } = c
  const [ci, deploy, nightly] = c.workflows as [
    ScenarioWorkflow,
    ScenarioWorkflow,
    ScenarioWorkflow
  ]
  const own = `${c.owner}/${c.name}`
  const roll = dice.next()
  if (roll < 0.1) {
    return {
      workflow: nightly,
      event: 'schedule',
      branch: 'main',
      actor: 'alice',
      headRepository: own,
      fork: false
    }
  }
  if (roll < 0.28) {
    const event = dice.chance(0.7) ? 'push' : 'workflow_dispatch'
    return {
      workflow: deploy,
      event,
      branch: 'main',
      actor: dice.pick(MEMBERS),
      headRepository: own,
      fork: false
    }
  }
  const event = dice.weighted([
    ['pull_request', 50],
    ['push', 40],
    ['workflow_dispatch', 10]
  ])
  if (event === 'pull_request' && dice.chance(c.forkShare)) {
    const forkOwner = dice.pick(FORK_OWNERS)
    return {
      workflow: ci,
      event,
      branch: dice.pick(FORK_BRANCHES),
      actor: forkOwner,
      headRepository: `${forkOwner}/${c.name}`,
      fork: true
    }
  }
  if (dice.chance(0.2)) {
    const branch = `dependabot/${dice.pick(DEPENDENCIES)}`
    return {
      workflow: ci,
      event: event === 'workflow_dispatch' ? 'push' : event,
      branch,
      actor: 'dependabot[bot]',
      headRepository: own,
      fork: false
    }
  }
  const branch = event === 'push' && dice.chance(0.5) ? 'main' : `feature/${dice.pick(FEATURES)}`
  return {
    workflow: ci,
    event,
    branch,
    actor: dice.pick(MEMBERS),
    headRepository: own,
    fork: false
  }
}

function headSha(c: RepoContext, trigger: Trigger): string {
  const key = `${trigger.headRepository}:${trigger.branch}`
  const shas = c.shas.get(key) ?? []
  if (shas.length === 0 || c.dice.chance(0.6)) shas.push(c.dice.sha())
  c.shas.set(key, shas)
  return shas[shas.length - 1] ?? ''
}

function generateRun(c: RepoContext, id: number, createdMs: number, active: boolean): ScenarioRun {
  const { dice } = c
  const trigger = c.lastTrigger && dice.chance(0.35) ? c.lastTrigger : pickTrigger(c)
  c.lastTrigger = trigger
  const sha = headSha(c, trigger)
  const runNumber = (c.runNumbers.get(trigger.workflow.id) ?? 0) + 1
  c.runNumbers.set(trigger.workflow.id, runNumber)

  let status = 'completed'
  let conclusion: string | null
  if (active) {
    status = dice.weighted(ACTIVE_STATUSES)
    // Only deployments wait on environment protection rules.
    if (status === 'waiting' && trigger.workflow.path !== '.github/workflows/deploy.yml') {
      status = 'in_progress'
    }
    conclusion = null
  } else if (trigger.fork && dice.chance(0.3)) {
    conclusion = 'action_required'
  } else {
    conclusion = dice.weighted(CONCLUSIONS)
  }

  const created = iso(createdMs)
  const minutes = dice.int(1, 25)
  const run: ScenarioRun = {
    id,
    workflow_id: trigger.workflow.id,
    head_branch: trigger.branch,
    head_sha: sha,
    event: trigger.event,
    status,
    conclusion,
    run_attempt: !active && conclusion !== 'action_required' && dice.chance(0.1) ? 2 : 1,
    run_number: runNumber,
    created_at: created,
    updated_at: active ? created : iso(createdMs + minutes * 60_000),
    actor: trigger.actor,
    triggering_actor: trigger.actor,
    head_repository: trigger.headRepository,
    pull_requests: [],
    display_title: dice.pick(MESSAGES)
  }
  if (trigger.event === 'pull_request' && !trigger.fork) {
    let number = c.prNumbers.get(trigger.branch)
    if (number === undefined) {
      number = 100 + c.prNumbers.size
      c.prNumbers.set(trigger.branch, number)
    }
    run.pull_requests = [{ number, head: { ref: trigger.branch, sha }, base: { ref: 'main' } }]
  }
  if (active && status === 'in_progress' && dice.chance(0.04)) run.on_cancel = 'ignore'
  if (active && dice.chance(0.03)) run.completes_after_listed = true
  if (c.withJobs) run.jobs = generateJobs(c, run, createdMs, minutes)
  return run
}

function generateJobs(
  c: RepoContext,
  run: ScenarioRun,
  createdMs: number,
  minutes: number
): ScenarioJob[] {
  const names =
    run.workflow_id === c.workflows[0]?.id
      ? ['build', 'test', 'lint']
      : run.workflow_id === c.workflows[1]?.id
        ? ['deploy']
        : ['nightly']
  if (run.conclusion === 'action_required' || run.status === 'requested') return []
  const jobs: ScenarioJob[] = []
  for (let attempt = 1; attempt <= run.run_attempt; attempt++) {
    const latest = attempt === run.run_attempt
    const failing = latest ? run.conclusion : 'failure'
    const failedIndex = c.dice.int(0, names.length - 1)
    names.forEach((name, i) => {
      const job: ScenarioJob = {
        id: c.nextJobId++,
        name,
        status: 'completed',
        conclusion: 'success',
        run_attempt: attempt,
        started_at: iso(createdMs + 10_000),
        completed_at: iso(createdMs + minutes * 60_000)
      }
      if (latest && run.status !== 'completed') {
        job.status = i === 0 && run.status === 'in_progress' ? 'in_progress' : 'queued'
        job.conclusion = null
        job.completed_at = null
      } else if (failing !== 'success' && i === failedIndex) {
        job.conclusion = failing
        job.log = `##[group]Run npm test\n${c.dice.pick(FAILURE_LOGS)}\n##[error]Process completed with exit code 1.`
      }
      jobs.push(job)
    })
  }
  return jobs
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export interface OrganizationOptions {
  /** Seed of the PRNG: the same options always give the same scenario. */
  seed: number
  /** Repositories of the organization. */
  repositories: number
  /**
   * How many of them, spread evenly, have work: generated runs (a realistic mix, active,
   * superseded and failed ones included), named `svc-NNNN`. The others are quiet: `quietRuns`
   * completed runs each, two days old, named `repo-NNNN`.
   */
  withWork: number
  /** Runs of a repository with work, created over the last day (default 60). */
  runsPerRepository?: number
  /** Completed runs of a quiet repository (default 3). */
  quietRuns?: number
  /**
   * Active runs of one group (workflow, event, branch) in each quiet repository, a minute apart:
   * all but the newest are superseded (default 0).
   */
  quietActiveRuns?: number
  /** Owner of the repositories (default `acme`), an organization. */
  owner?: string
  /** The scenario's fixed clock, ISO 8601 (default `2026-11-22T12:00:00Z`). */
  now?: string
  /**
   * Open pull requests of each repository with work (default 0): those of its branches' pull
   * request runs, lowest numbers first, each with its head at the commit of the branch's newest
   * run.
   */
  openPullRequests?: number
}

/**
 * Generates an organization of many repositories of which a few have work, for sweeps over
 * `owner/*`. Deterministic like `generateScenario`; repository ids start at 100,001, run ids are
 * unique across repositories, every fourth repository is private.
 * @throws Error when `repositories` or `withWork` is negative, or `withWork` exceeds `repositories`.
 */
export function generateOrganization(options: OrganizationOptions): Scenario {
  const { repositories: count, withWork } = options
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(withWork) || withWork < 0) {
    throw new Error('generateOrganization: repositories and withWork must be non-negative integers')
  }
  if (withWork > count) {
    throw new Error(`generateOrganization: withWork (${withWork}) exceeds repositories (${count})`)
  }
  const dice = new Dice(mulberry32(options.seed))
  const now = options.now ?? DEFAULT_NOW
  const nowMs = Date.parse(now)
  const owner = options.owner ?? 'acme'
  const every = withWork === 0 ? Infinity : count / withWork
  const repositories: ScenarioRepository[] = []
  let worked = 0
  for (let index = 0; index < count; index++) {
    const busy = worked < withWork && Math.floor(worked * every) === index
    const id = 100_001 + index
    const number = String(index + 1).padStart(4, '0')
    if (busy) {
      worked += 1
      const generated = generateRepository(
        dice,
        {
          seed: options.seed,
          runsPerRepository: options.runsPerRepository ?? 60,
          days: 1,
          jobs: false,
          owner
        },
        index,
        nowMs
      )
      const busyRepository = renumber(generated, `svc-${number}`, id, index)
      repositories.push({
        ...busyRepository,
        private: index % 4 === 3,
        ...(options.openPullRequests !== undefined && {
          pulls: openPulls(busyRepository, options.openPullRequests)
        })
      })
      continue
    }
    const workflows: ScenarioWorkflow[] = [
      { id: id * 100 + 11, name: 'CI', path: '.github/workflows/ci.yml', state: 'active' }
    ]
    const quietRun = (i: number, created: number, active: boolean): ScenarioRun => ({
      id: 9_000_000_000 + index * 1000 + i,
      workflow_id: id * 100 + 11,
      head_branch: 'main',
      head_sha: dice.sha(),
      event: 'push',
      status: active ? 'in_progress' : 'completed',
      conclusion: active ? null : 'success',
      run_attempt: 1,
      run_number: i + 1,
      created_at: iso(created),
      updated_at: iso(active ? created : created + 300_000),
      actor: 'alice',
      triggering_actor: 'alice',
      head_repository: `${owner}/repo-${number}`,
      pull_requests: []
    })
    const completed = options.quietRuns ?? 3
    const active = options.quietActiveRuns ?? 0
    const runs = [
      ...Array.from({ length: completed }, (_, i) =>
        quietRun(i, nowMs - 2 * 86_400_000 - (completed - i) * 3_600_000, false)
      ),
      ...Array.from({ length: active }, (_, i) =>
        quietRun(completed + i, nowMs - (active - i) * 60_000, true)
      )
    ]
    repositories.push({
      owner,
      name: `repo-${number}`,
      id,
      private: index % 4 === 3,
      default_branch: 'main',
      workflows,
      runs
    })
  }
  return {
    now,
    tokens: generatedTokens(),
    rateLimit: { limit: 5000 },
    organizations: [{ login: owner }],
    repositories
  }
}

/**
 * The first `count` pull requests (lowest numbers) that `repository`'s runs belong to, open, each
 * with its head at the commit of its branch's newest run.
 */
function openPulls(repository: ScenarioRepository, count: number): ScenarioPull[] {
  const newest = new Map<number, ScenarioRun>()
  for (const run of repository.runs) {
    const number = run.pull_requests?.[0]?.number
    if (number === undefined) continue
    const known = newest.get(number)
    if (known === undefined || Date.parse(run.created_at) > Date.parse(known.created_at)) {
      newest.set(number, run)
    }
  }
  return [...newest]
    .sort(([a], [b]) => a - b)
    .slice(0, count)
    .map(([number, run]) => ({
      number,
      user: run.actor,
      head: { ref: run.head_branch, sha: run.head_sha, repo: run.head_repository }
    }))
}

/**
 * A generated repository under another name and id, its runs renumbered so ids stay unique across
 * the organization and its own runs' head repository follows the new name.
 */
function renumber(
  generated: ScenarioRepository,
  name: string,
  id: number,
  index: number
): ScenarioRepository {
  const oldFull = `${generated.owner}/${generated.name}`
  const newFull = `${generated.owner}/${name}`
  return {
    ...generated,
    name,
    id,
    runs: generated.runs.map((run, i) => ({
      ...run,
      id: 8_000_000_000 + index * 1000 + i,
      head_repository: run.head_repository === oldFull ? newFull : run.head_repository
    }))
  }
}
