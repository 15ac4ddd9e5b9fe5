/**
 * `state-file` end to end: a repeated sweep revalidates its listings (`If-None-Match`) and spends
 * no rate-limit point on the unchanged ones, with the same result; the file's safety rules (a
 * missing file, one that cannot be used, what it never holds, an input that names a bad path);
 * and no conditional request without it.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { minutesAgo, repository, run, scenario } from '../../__fixtures__/scenario.js'
import type { Scenario, ScenarioRun, ScenarioToken, Simulator } from '../../simulator/index.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

const SWEEPER_TOKEN = 'ghs_sweeper_0123456789abcdef'
const SWEEPER: ScenarioToken = {
  login: 'sweeper[bot]',
  kind: 'app',
  permissions: { actions: 'write', contents: 'read', metadata: 'read' }
}

/** Three repositories of acme: web with a superseded active run, api and docs quiet. */
function organization(): Scenario {
  const quiet = (name: string, id: number, firstRun: number): ScenarioRun[] => [
    run({
      id: firstRun,
      status: 'completed',
      conclusion: 'success',
      created_at: minutesAgo(300),
      head_repository: `acme/${name}`
    }),
    run({
      id: firstRun + 1,
      status: 'completed',
      conclusion: 'failure',
      created_at: minutesAgo(200),
      head_repository: `acme/${name}`
    })
  ]
  const base = scenario(
    repository(
      'acme/web',
      [run({ id: 7001, created_at: minutesAgo(20) }), run({ id: 7002, created_at: minutesAgo(5) })],
      601
    ),
    repository('acme/api', quiet('api', 602, 7101), 602),
    repository('acme/docs', quiet('docs', 603, 7201), 603)
  )
  return { ...base, tokens: { ...base.tokens, [SWEEPER_TOKEN]: SWEEPER } }
}

const stateFolder = (): string => mkdtempSync(join(tmpdir(), 'actions-ops-state-'))

/** The step's warnings (`::warning::` lines). */
const warnings = (run: ActionRun): string[] =>
  run.stdout.split('\n').filter(line => line.startsWith('::warning::'))

/** Points the token spent so far, as the simulator counts them. */
const pointsSpent = (sim: Simulator, token = SWEEPER_TOKEN): number => {
  const bucket = sim.state.rateLimits[token]
  return bucket === undefined ? 0 : bucket.limit - bucket.remaining
}

async function sweep(
  sim: Simulator,
  stateFile?: string,
  token = SWEEPER_TOKEN
): Promise<ActionRun> {
  return runAction({
    apiUrl: sim.url,
    token,
    with: {
      operation: 'cancel-stale',
      repository: 'acme/*',
      'dry-run': 'true',
      ...(stateFile !== undefined && { 'state-file': stateFile })
    }
  })
}

describe('state-file', () => {
  describe('a sweep repeated with nothing changed', () => {
    it('should revalidate every listing, spend no rate-limit point on them, and report the same', async () => {
      const sim = await simulate(organization())
      const file = join(stateFolder(), 'state.json')
      const first = await sweep(sim, file)
      expect(first.exitCode).toBe(0)
      expect(warnings(first)).toEqual([])
      expect(sim.requests.filter(r => r.conditional)).toEqual([])
      const spentFirst = pointsSpent(sim)
      expect(spentFirst).toBe(4) // the installation's repositories, then one page per repository

      const before = sim.requests.length
      const second = await sweep(sim, file)
      const again = sim.requests.slice(before)
      expect(second.result).toEqual(first.result)
      expect(second.result.map(r => `${r.repository} ${r.id} ${r.outcome}`)).toEqual([
        'acme/web 7001 planned'
      ])
      expect(again.map(r => [r.path, r.conditional, r.status])).toEqual([
        ['/installation/repositories', true, 304],
        ['/repos/acme/api/actions/runs', true, 304],
        ['/repos/acme/docs/actions/runs', true, 304],
        ['/repos/acme/web/actions/runs', true, 304]
      ])
      expect(pointsSpent(sim)).toBe(spentFirst)
      expect(second.stdout).toContain('4 answered 304 Not Modified')
    })

    it('should spend points only on the listings that changed', async () => {
      const sim = await simulate(organization())
      const file = join(stateFolder(), 'state.json')
      await sweep(sim, file)
      const spent = pointsSpent(sim)
      const docs = sim.state.repositories.find(r => r.name === 'docs')
      docs?.runs.push({
        ...(docs.runs[0] as (typeof docs.runs)[number]),
        id: 7299,
        status: 'queued',
        conclusion: null,
        created_at: minutesAgo(1)
      })
      const second = await sweep(sim, file)
      expect(pointsSpent(sim) - spent).toBe(1)
      const fresh = await sweep(sim)
      expect(second.result).toEqual(fresh.result)
    })
  })

  describe('the file', () => {
    it('should start fresh without a warning when it does not exist yet, and hold version, api and listings only', async () => {
      const sim = await simulate(organization())
      const folder = stateFolder()
      const file = join(folder, 'state.json')
      const result = await sweep(sim, file)
      expect(warnings(result)).toEqual([])
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
      expect(Object.keys(saved)).toEqual(['version', 'api', 'listings'])
      expect(saved).toMatchObject({ version: 1, api: sim.url })
      expect(Object.keys(saved.listings as object).sort()).toEqual([
        '/installation/repositories?per_page=100',
        '/repos/acme/api/actions/runs?per_page=100',
        '/repos/acme/docs/actions/runs?per_page=100',
        '/repos/acme/web/actions/runs?per_page=100'
      ])
      // Only the file itself: no temporary file left behind.
      expect(readdirSync(folder)).toEqual(['state.json'])
      // Small: well under 2 KB for each of the three repositories.
      expect(statSync(file).size / 3).toBeLessThan(1024)
    })

    it('should never hold the token, a header other than ETag and Link, or a log line', async () => {
      const sim = await simulate(organization())
      const file = join(stateFolder(), 'state.json')
      const result = await sweep(sim, file)
      const text = readFileSync(file, 'utf8')
      expect(text).not.toContain(SWEEPER_TOKEN)
      expect(text).not.toMatch(/authorization|x-ratelimit|x-github-request-id|::/i)
      for (const line of result.stdout.split('\n').filter(l => l.trim().length > 20)) {
        expect(text).not.toContain(line)
      }
    })

    it.each([
      ['empty', '', 'is empty'],
      [
        'cut short',
        '{"version":1,"api":"API","listings":{"/repos/acme/web/actions/ru',
        'is not JSON'
      ],
      ['corrupt', 'not json at all', 'is not JSON'],
      ['of another version', '{"version":2,"api":"API","listings":{}}', 'has version 2, not 1'],
      [
        'written for another API',
        '{"version":1,"api":"https://ghe.example.com/api/v3","listings":{}}',
        'was written for the API "https://ghe.example.com/api/v3"'
      ],
      [
        'holding a page without the fields a decision reads',
        '{"version":1,"api":"API","listings":{"/repos/acme/web/actions/runs?per_page=100":{"etag":"W/\\"x\\"","fields":["id"],"rows":[[7001]]}}}',
        'holds an entry it cannot use'
      ]
    ])(
      'should start fresh with one warning naming the path when it is %s',
      async (_, content, problem) => {
        const sim = await simulate(organization())
        const file = join(stateFolder(), 'state.json')
        writeFileSync(file, content.replace('"API"', JSON.stringify(sim.url)))
        const result = await sweep(sim, file)
        expect(result.exitCode).toBe(0)
        const warned = warnings(result)
        expect(warned).toHaveLength(1)
        expect(warned[0]).toContain(`state-file ${file} ${problem}`)
        expect(sim.requests.filter(r => r.conditional)).toEqual([])
        // Rewritten for the next run.
        expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1, api: sim.url })
      }
    )

    it('should key its pages below the API base URL of GitHub Enterprise Server', async () => {
      const sim = await simulate(organization())
      const file = join(stateFolder(), 'state.json')
      const ghes = async (): Promise<ActionRun> =>
        runAction({
          apiUrl: `${sim.url}/api/v3`,
          token: SWEEPER_TOKEN,
          with: {
            operation: 'cancel-stale',
            repository: 'acme/web',
            'dry-run': 'true',
            'state-file': file
          }
        })
      await ghes()
      await ghes()
      expect(sim.requests.map(r => [r.ghes, r.path, r.status])).toEqual([
        [true, '/repos/acme/web/actions/runs', 200],
        [true, '/repos/acme/web/actions/runs', 304]
      ])
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { api: string; listings: object }
      expect(saved.api).toBe(`${sim.url}/api/v3`)
      expect(Object.keys(saved.listings)).toEqual(['/repos/acme/web/actions/runs?per_page=100'])
    })

    it('should send no conditional request without it', async () => {
      const sim = await simulate(organization())
      await sweep(sim)
      await sweep(sim)
      expect(sim.requests.filter(r => r.conditional)).toEqual([])
    })

    it('should read every listing in full when the token changed, as GitHub binds validators to the token', async () => {
      const world = organization()
      world.tokens['ghs_sweeper_next_run_000000'] = SWEEPER
      const sim = await simulate(world)
      const file = join(stateFolder(), 'state.json')
      const first = await sweep(sim, file)
      const before = sim.requests.length
      const second = await sweep(sim, file, 'ghs_sweeper_next_run_000000')
      expect(second.result).toEqual(first.result)
      const again = sim.requests.slice(before)
      expect(again.every(r => r.conditional === true && r.status === 200)).toBe(true)
      expect(pointsSpent(sim, 'ghs_sweeper_next_run_000000')).toBe(4)
    })
  })

  describe('the input', () => {
    it.each([
      [
        'a folder that does not exist',
        (folder: string) => join(folder, 'missing', 'state.json'),
        'which does not exist'
      ],
      ['a folder', (folder: string) => folder, 'is a folder; name a file in it']
    ])('should refuse %s before any request, naming the input', async (_, path, message) => {
      const sim = await simulate(organization())
      const result = await sweep(sim, path(stateFolder()))
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain(`::error::Input 'state-file': `)
      expect(result.stdout).toContain(message)
      expect(sim.requests).toEqual([])
    })
  })
})

describe('state-file in concurrent steps', () => {
  it('should keep two steps that sweep at once with their own files apart', async () => {
    const sim = await simulate(organization())
    const folder = stateFolder()
    const files = [join(folder, 'a.json'), join(folder, 'b.json')]
    const sweepBundle = async (file: string, repositoryEntry: string): Promise<ActionRun> =>
      runAction({
        bundle: true,
        apiUrl: sim.url,
        token: SWEEPER_TOKEN,
        with: {
          operation: 'cancel-stale',
          repository: repositoryEntry,
          'dry-run': 'true',
          'state-file': file
        }
      })
    const [a, b] = await Promise.all([
      sweepBundle(files[0] ?? '', 'acme/web'),
      sweepBundle(files[1] ?? '', 'acme/api, acme/docs')
    ])
    expect([a.exitCode, b.exitCode]).toEqual([0, 0])
    expect(readdirSync(folder).sort()).toEqual(['a.json', 'b.json'])
    const keys = (file: string): string[] =>
      Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { listings: object }).listings)
    expect(keys(files[0] ?? '')).toEqual(['/repos/acme/web/actions/runs?per_page=100'])
    expect(keys(files[1] ?? '').sort()).toEqual([
      '/repos/acme/api/actions/runs?per_page=100',
      '/repos/acme/docs/actions/runs?per_page=100'
    ])
  })
})
