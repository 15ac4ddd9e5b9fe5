import { describe, expect, it } from '@jest/globals'
import {
  artifactGroupKey,
  selectArtifacts,
  type ArtifactRules,
  type RetentionArtifact
} from '../../src/operations/delete-artifacts/rules.js'
import {
  cacheListings,
  pullNumberOfRef,
  selectCaches,
  type CacheRules,
  type RetentionCache
} from '../../src/operations/delete-caches/rules.js'
import {
  cutoffOf,
  formatBytes,
  isBefore,
  isLiteralGlob,
  literalPrefix,
  roughAge
} from '../../src/rules/retention.js'
import {
  judgeRetention,
  retentionGroupKey,
  undecidedWithin,
  type RetentionRun
} from '../../src/operations/delete-runs/rules.js'

const now = new Date('2026-11-22T12:00:00Z')
const daysAgo = (days: number, minutes = 0): string =>
  new Date(now.getTime() - days * 86_400_000 - minutes * 60_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')

describe('shared retention rules', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [1_288_490_189, '1.2 GiB'],
    [10 * 1024 ** 3, '10 GiB'],
    [5 * 1024 ** 4 + 1024 ** 3 * 512, '5.5 TiB']
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })

  it.each([
    [999, '0s'],
    [59_000, '59s'],
    [5 * 60_000, '5m'],
    [3 * 3_600_000 + 59 * 60_000, '3h'],
    [45 * 86_400_000 + 3_600_000, '45d']
  ])('rounds an age of %d ms down to %s', (ms, text) => {
    expect(roughAge(ms)).toBe(text)
  })

  it('cuts off at a whole second, and not at all for 0', () => {
    expect(cutoffOf(new Date('2026-11-22T12:00:00.750Z'), 60)).toBe(
      Date.parse('2026-11-22T11:59:00Z')
    )
    expect(cutoffOf(now, 0)).toBeUndefined()
    expect(isBefore(daysAgo(1), undefined)).toBe(true)
    expect(isBefore(null, Date.parse(daysAgo(0)))).toBe(false)
    expect(isBefore(daysAgo(1), Date.parse(daysAgo(1)))).toBe(false)
    expect(isBefore(daysAgo(1, 1), Date.parse(daysAgo(1)))).toBe(true)
  })

  it.each([
    ['Linux-node-*', 'Linux-node-', false],
    ['npm-lock', 'npm-lock', true],
    ['*-node', '', false],
    ['a?b', 'a', false],
    ['setup-{node,go}-x', 'setup-', false],
    ['refs/pull/[0-9]*/merge', 'refs/pull/', false],
    ['esc\\*aped', 'esc', false],
    ['@(a|b)', '', false]
  ])('takes the literal prefix of %s', (glob, prefix, literal) => {
    expect(literalPrefix(glob)).toBe(prefix)
    expect(isLiteralGlob(glob)).toBe(literal)
  })
})

describe('run retention', () => {
  let id = 100
  const aRun = (overrides: Partial<RetentionRun> = {}): RetentionRun => ({
    id: id++,
    workflow_id: 11,
    head_branch: 'main',
    head_repository: { id: 101, full_name: 'acme/web' },
    created_at: daysAgo(40),
    ...overrides
  })
  const verdicts = (
    history: RetentionRun[],
    options: Partial<Parameters<typeof judgeRetention>[1]> = {}
  ): Array<[number, string]> =>
    judgeRetention(history, { keepLatest: 1, newerCount: () => 0, ...options }).map(v => [
      v.run.id,
      v.verdict
    ])

  it('groups by workflow, head branch and head repository, never by event or actor', () => {
    const base = aRun()
    expect(retentionGroupKey(aRun({ created_at: daysAgo(50) }))).toBe(retentionGroupKey(base))
    for (const other of [
      aRun({ workflow_id: 12 }),
      aRun({ head_branch: 'dev' }),
      aRun({ head_repository: { id: 999, full_name: 'mallory/web' } })
    ]) {
      expect(retentionGroupKey(other)).not.toBe(retentionGroupKey(base))
    }
  })

  it('keeps the newest keep-latest of a group when nothing newer exists, deletes the rest oldest first', () => {
    const runs = [
      aRun({ id: 1, created_at: daysAgo(40) }),
      aRun({ id: 2, created_at: daysAgo(35) }),
      aRun({ id: 3, created_at: daysAgo(31) })
    ]
    expect(verdicts(runs)).toEqual([
      [1, 'delete'],
      [2, 'delete'],
      [3, 'keep']
    ])
    expect(verdicts(runs, { keepLatest: 2 })).toEqual([
      [1, 'delete'],
      [2, 'keep'],
      [3, 'keep']
    ])
    expect(verdicts(runs, { keepLatest: 0 })).toEqual([
      [1, 'delete'],
      [2, 'delete'],
      [3, 'delete']
    ])
  })

  it('counts runs after the cut-off: with enough of them every older run goes', () => {
    const runs = [
      aRun({ id: 1, created_at: daysAgo(40) }),
      aRun({ id: 2, created_at: daysAgo(35) })
    ]
    expect(verdicts(runs, { keepLatest: 3, newerCount: () => 1 })).toEqual([
      [1, 'keep'],
      [2, 'keep']
    ])
    expect(verdicts(runs, { keepLatest: 3, newerCount: () => 2 })).toEqual([
      [1, 'delete'],
      [2, 'keep']
    ])
    expect(verdicts(runs, { keepLatest: 3, newerCount: () => 5 })).toEqual([
      [1, 'delete'],
      [2, 'delete']
    ])
  })

  it('leaves undecided only the runs whose fate depends on unread runs after the cut-off', () => {
    const runs = [
      aRun({ id: 1, created_at: daysAgo(40) }),
      aRun({ id: 2, created_at: daysAgo(35) }),
      aRun({ id: 3, created_at: daysAgo(33), head_branch: 'dev' })
    ]
    expect(verdicts(runs, { newerCount: () => undefined })).toEqual([
      [1, 'delete'],
      [2, 'undecided'],
      [3, 'undecided']
    ])
  })

  it('judges only candidates, while every run of the group counts among its newest', () => {
    // The newest run of the group fails the filters: it is still kept, and the older one goes.
    const runs = [
      aRun({ id: 1, created_at: daysAgo(40) }),
      aRun({ id: 2, created_at: daysAgo(35) })
    ]
    expect(verdicts(runs, { isCandidate: run => run.id === 1 })).toEqual([[1, 'delete']])
    expect(verdicts(runs, { isCandidate: run => run.id === 2 })).toEqual([[2, 'keep']])
  })

  it('breaks a tie of created_at by id, like the listing', () => {
    const runs = [
      aRun({ id: 8, created_at: daysAgo(40) }),
      aRun({ id: 9, created_at: daysAgo(40) })
    ]
    expect(verdicts(runs)).toEqual([
      [8, 'delete'],
      [9, 'keep']
    ])
  })

  it('finds the undecided runs the budget reaches, oldest first, skipping kept ones', () => {
    const runs = [
      aRun({ id: 1, created_at: daysAgo(40), head_branch: 'a' }),
      aRun({ id: 2, created_at: daysAgo(39) }),
      aRun({ id: 3, created_at: daysAgo(38) }),
      aRun({ id: 4, created_at: daysAgo(37), head_branch: 'b' })
    ]
    const judged = judgeRetention(runs, {
      keepLatest: 1,
      newerCount: key => (key.includes('"a"') ? undefined : key.includes('"b"') ? undefined : 0)
    })
    expect(judged.map(v => [v.run.id, v.verdict])).toEqual([
      [1, 'undecided'],
      [2, 'delete'],
      [3, 'keep'],
      [4, 'undecided']
    ])
    expect(undecidedWithin(judged, 1).map(run => run.id)).toEqual([1])
    expect(undecidedWithin(judged, 2).map(run => run.id)).toEqual([1])
    expect(undecidedWithin(judged, 3).map(run => run.id)).toEqual([1, 4])
    expect(undecidedWithin(judged, 0)).toEqual([])
  })
})

describe('artifact retention', () => {
  let id = 1
  const anArtifact = (
    overrides: Partial<RetentionArtifact> & { branch?: string } = {}
  ): RetentionArtifact => {
    const { branch, ...rest } = overrides
    return {
      id: id++,
      name: 'build',
      size_in_bytes: 1024,
      expired: false,
      created_at: daysAgo(10),
      workflow_run: { id: 7, head_branch: branch ?? 'main', head_repository_id: 101 },
      ...rest
    }
  }
  const rules: ArtifactRules = {
    keepLatest: 1,
    cutoffMs: Date.parse(daysAgo(7)),
    names: [],
    branches: [],
    excludeBranches: [],
    explicit: false,
    now
  }
  const targets = (
    artifacts: RetentionArtifact[],
    overrides: Partial<ArtifactRules> = {}
  ): number[] =>
    selectArtifacts(artifacts, { ...rules, ...overrides }).map(target => target.artifact.id)

  it('groups by name, head branch and head repository', () => {
    const base = anArtifact()
    expect(artifactGroupKey(anArtifact({ created_at: daysAgo(1) }))).toBe(artifactGroupKey(base))
    for (const other of [
      anArtifact({ name: 'coverage' }),
      anArtifact({ branch: 'dev' }),
      anArtifact({ workflow_run: { id: 8, head_branch: 'main', head_repository_id: 999 } })
    ]) {
      expect(artifactGroupKey(other)).not.toBe(artifactGroupKey(base))
    }
  })

  it('keeps the newest of each group and what is younger than older-than, deleting oldest first', () => {
    const artifacts = [
      anArtifact({ id: 1, created_at: daysAgo(20) }),
      anArtifact({ id: 2, created_at: daysAgo(30) }),
      anArtifact({ id: 3, created_at: daysAgo(3) }),
      anArtifact({ id: 4, created_at: daysAgo(9), name: 'coverage' })
    ]
    expect(targets(artifacts)).toEqual([2, 1])
    expect(targets(artifacts, { keepLatest: 0 })).toEqual([2, 1, 4])
    expect(targets(artifacts, { keepLatest: 2 })).toEqual([2])
    expect(targets(artifacts, { cutoffMs: undefined, keepLatest: 0 })).toEqual([2, 1, 4, 3])
  })

  it('forms groups before the filters: the newest of a group is kept even when it fails them', () => {
    const artifacts = [
      anArtifact({ id: 1, created_at: daysAgo(20) }),
      anArtifact({ id: 2, created_at: daysAgo(15) })
    ]
    // id 2, the newest, is younger than the cut-off of 16 days: no target, but still kept as the
    // newest of the group, so id 1 goes.
    expect(targets(artifacts, { cutoffMs: Date.parse(daysAgo(16)) })).toEqual([1])
  })

  it('never counts or deletes expired artifacts', () => {
    const artifacts = [
      anArtifact({ id: 1, created_at: daysAgo(20) }),
      anArtifact({ id: 2, created_at: daysAgo(15), expired: true })
    ]
    // The expired newer one does not make id 1 deletable: id 1 is the newest unexpired one.
    expect(targets(artifacts)).toEqual([])
    expect(targets(artifacts, { keepLatest: 0 })).toEqual([1])
  })

  it('filters by name globs and head branch globs', () => {
    const artifacts = [
      anArtifact({ id: 1, name: 'coverage-unit', created_at: daysAgo(20) }),
      anArtifact({ id: 2, name: 'coverage-e2e', created_at: daysAgo(20) }),
      anArtifact({ id: 3, name: 'build', created_at: daysAgo(20), branch: 'release/1' }),
      anArtifact({ id: 4, name: 'build', created_at: daysAgo(20), branch: 'feature/x' })
    ]
    const all = { keepLatest: 0 }
    expect(targets(artifacts, { ...all, names: ['coverage-*'] })).toEqual([1, 2])
    expect(targets(artifacts, { ...all, branches: ['release/**'] })).toEqual([3])
    expect(targets(artifacts, { ...all, excludeBranches: ['release/*', 'main'] })).toEqual([4])
  })

  it('does not protect the artifacts of a run named by run-id, but still applies the filters', () => {
    const artifacts = [
      anArtifact({ id: 1, created_at: daysAgo(20) }),
      anArtifact({ id: 2, created_at: daysAgo(20), name: 'coverage' }),
      anArtifact({ id: 3, created_at: daysAgo(1), name: 'logs' })
    ]
    expect(targets(artifacts, { explicit: true })).toEqual([1, 2])
    expect(targets(artifacts, { explicit: true, names: ['build'] })).toEqual([1])
  })

  it('gives the age and the size as the reason', () => {
    const [target] = selectArtifacts(
      [anArtifact({ created_at: daysAgo(9), size_in_bytes: 1_288_490_189 })],
      { ...rules, keepLatest: 0 }
    )
    expect(target?.reason).toBe('created 9d ago, 1.2 GiB')
  })
})

describe('cache retention', () => {
  it.each([
    ['refs/pull/42/merge', 42],
    ['refs/pull/7/head', 7],
    ['refs/pull/42/merge/x', undefined],
    ['refs/heads/pull/42/merge', undefined],
    ['refs/pull/0/merge', undefined],
    ['refs/pull/abc/merge', undefined],
    ['refs/heads/main', undefined]
  ])('reads %s as pull request %p', (ref, number) => {
    expect(pullNumberOfRef(ref)).toBe(number)
  })

  it.each<[string[], string[], Array<{ key?: string; ref?: string }>]>([
    [[], [], [{}]],
    [['Linux-node-*'], [], [{ key: 'Linux-node-' }]],
    [['Linux-node-*', 'Linux-*'], [], [{ key: 'Linux-' }]],
    [['Linux-*', 'Windows-*'], [], [{ key: 'Linux-' }, { key: 'Windows-' }]],
    [['Linux-*', '*-node-*'], [], [{}]],
    [[], ['refs/heads/main'], [{ ref: 'refs/heads/main' }]],
    [[], ['refs/pull/*/merge'], [{}]],
    [[], ['refs/heads/main', 'refs/pull/*/merge'], [{}]],
    [
      ['npm-*'],
      ['refs/heads/main', 'refs/heads/dev'],
      [
        { key: 'npm-', ref: 'refs/heads/main' },
        { key: 'npm-', ref: 'refs/heads/dev' }
      ]
    ]
  ])('lists keys %j and refs %j with %j', (keys, refs, listings) => {
    expect(cacheListings(keys, refs)).toEqual(listings)
  })

  const aCache = (overrides: Partial<RetentionCache> = {}): RetentionCache => ({
    id: 1,
    key: 'Linux-node-abc',
    ref: 'refs/heads/main',
    size_in_bytes: 1000,
    created_at: daysAgo(30),
    last_accessed_at: daysAgo(10),
    ...overrides
  })
  const rules: CacheRules = {
    cutoffMs: Date.parse(daysAgo(7)),
    keys: [],
    refs: [],
    pullRequestsOnly: false,
    now
  }
  const ids = (caches: RetentionCache[], overrides: Partial<CacheRules> = {}): number[] =>
    selectCaches(caches, { ...rules, ...overrides }).map(candidate => candidate.cache.id ?? 0)

  it('selects caches last accessed before the cut-off, least recently accessed first, each once', () => {
    const caches = [
      aCache({ id: 1, last_accessed_at: daysAgo(10) }),
      aCache({ id: 2, last_accessed_at: daysAgo(20), created_at: daysAgo(21) }),
      aCache({ id: 3, last_accessed_at: daysAgo(2), created_at: daysAgo(40) }),
      aCache({ id: 2, last_accessed_at: daysAgo(20), created_at: daysAgo(21) })
    ]
    expect(ids(caches)).toEqual([2, 1])
    expect(ids(caches, { cutoffMs: undefined })).toEqual([2, 1, 3])
  })

  it('matches key and ref globs', () => {
    const caches = [
      aCache({ id: 1, key: 'Linux-node-a', ref: 'refs/pull/5/merge' }),
      aCache({ id: 2, key: 'Linux-pip-b', ref: 'refs/heads/main' }),
      aCache({ id: 3, key: 'Windows-node-c', ref: 'refs/heads/feature/x' })
    ]
    expect(ids(caches, { keys: ['*-node-*'] })).toEqual([1, 3])
    expect(ids(caches, { refs: ['refs/pull/*/merge'] })).toEqual([1])
    expect(ids(caches, { refs: ['refs/heads/*'] })).toEqual([2])
    expect(ids(caches, { refs: ['refs/heads/**'] })).toEqual([2, 3])
  })

  it('with pull requests only, leaves branch caches out and tells the pull request', () => {
    const caches = [
      aCache({ id: 1, ref: 'refs/pull/5/merge' }),
      aCache({ id: 2, ref: 'refs/heads/main' }),
      aCache({ id: 3, ref: 'refs/pull/6/head' })
    ]
    const selected = selectCaches(caches, { ...rules, pullRequestsOnly: true })
    expect(selected.map(c => [c.cache.id, c.pullNumber])).toEqual([
      [1, 5],
      [3, 6]
    ])
  })

  it('gives the last access and the size as the reason', () => {
    const [candidate] = selectCaches([aCache({ size_in_bytes: 325_582_848 })], rules)
    expect(candidate?.reason).toBe('last accessed 10d ago, 310.5 MiB')
  })
})
