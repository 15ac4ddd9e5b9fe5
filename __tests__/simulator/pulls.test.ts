import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startSimulator,
  type Scenario,
  type ScenarioPull,
  type Simulator
} from '../../simulator/index.js'
import { call, links, scenario } from './helpers.js'

const FORK_SHA = 'f'.repeat(40)

/** acme/web with pull requests from forks and from its own branches; a token that may read them. */
function world(): Scenario {
  const pulls: ScenarioPull[] = [
    {
      number: 1,
      user: 'mallory',
      head: { ref: 'patch-1', sha: FORK_SHA, repo: 'mallory/web' },
      created_at: '2026-11-20T10:00:00Z',
      files: [
        { filename: 'src/app.ts' },
        {
          filename: 'tools/setup.yml',
          status: 'renamed',
          previous_filename: '.github/actions/setup/action.yml'
        }
      ]
    },
    {
      number: 2,
      user: 'eve',
      head: { ref: 'patch-1', sha: 'e'.repeat(40), repo: 'eve/web' },
      created_at: '2026-11-21T10:00:00Z',
      files: Array.from({ length: 3100 }, (_, i) => ({ filename: `src/f${i}.ts` }))
    },
    {
      number: 3,
      state: 'closed',
      user: 'mallory',
      head: { ref: 'old', sha: 'c'.repeat(40), repo: 'mallory/web' },
      created_at: '2026-11-19T10:00:00Z'
    },
    {
      number: 4,
      user: 'alice',
      head: { ref: 'feature/x', sha: 'd'.repeat(40), repo: 'acme/web' },
      base: { ref: 'release' },
      created_at: '2026-11-22T10:00:00Z'
    },
    {
      number: 5,
      user: 'trudy',
      head: { ref: 'gone', sha: '9'.repeat(40), repo: null },
      created_at: '2026-11-18T10:00:00Z'
    }
  ]
  const base = scenario()
  base.tokens['ghs_pulls'] = {
    login: 'github-actions[bot]',
    kind: 'github-token',
    permissions: { actions: 'write', pull_requests: 'read' },
    repositories: ['acme/web']
  }
  const repo = base.repositories[0]
  if (repo) repo.pulls = pulls
  return base
}

const numbers = (body: unknown): number[] => (body as { number: number }[]).map(p => p.number)

describe('pull requests', () => {
  let sim: Simulator

  beforeAll(async () => {
    sim = await startSimulator({ scenario: world() })
  })
  afterAll(async () => {
    expect(sim.violations).toEqual([])
    await sim.close()
  })

  it('lists open pull requests by default, newest first', async () => {
    const answer = await call(sim, '/repos/acme/web/pulls', { token: 'ghs_pulls' })
    expect(answer.status).toBe(200)
    expect(numbers(answer.body)).toEqual([4, 2, 1, 5])
  })

  it('filters by state, head (owner:branch) and base', async () => {
    const get = async (query: string): Promise<number[]> =>
      numbers((await call(sim, `/repos/acme/web/pulls?${query}`, { token: 'ghs_pulls' })).body)
    expect(await get('state=open&head=mallory:patch-1')).toEqual([1])
    expect(await get('state=open&head=MALLORY:patch-1')).toEqual([1])
    expect(await get('state=open&head=eve:patch-1')).toEqual([2])
    expect(await get('state=open&head=mallory:old')).toEqual([])
    expect(await get('state=all&head=mallory:old')).toEqual([3])
    expect(await get('state=closed')).toEqual([3])
    expect(await get('base=release')).toEqual([4])
    expect(await get('state=all&sort=created&direction=asc')).toEqual([5, 3, 1, 2, 4])
  })

  it("answers GitHub's shape: head with sha, label, user and repository; null for a deleted fork", async () => {
    const answer = await call(sim, '/repos/acme/web/pulls/1', { token: 'ghs_pulls' })
    expect(answer.body).toMatchObject({
      number: 1,
      state: 'open',
      user: { login: 'mallory' },
      head: {
        label: 'mallory:patch-1',
        ref: 'patch-1',
        sha: FORK_SHA,
        repo: { full_name: 'mallory/web', fork: true }
      },
      base: { ref: 'main', repo: { full_name: 'acme/web' } },
      changed_files: 2
    })
    const gone = await call(sim, '/repos/acme/web/pulls/5', { token: 'ghs_pulls' })
    expect((gone.body as { head: { repo: unknown } }).head.repo).toBeNull()
    expect((await call(sim, '/repos/acme/web/pulls/99', { token: 'ghs_pulls' })).status).toBe(404)
  })

  it('lists changed files with status and the previous name of renamed files', async () => {
    const answer = await call(sim, '/repos/acme/web/pulls/1/files', { token: 'ghs_pulls' })
    expect(answer.body).toMatchObject([
      { filename: 'src/app.ts', status: 'modified' },
      {
        filename: 'tools/setup.yml',
        status: 'renamed',
        previous_filename: '.github/actions/setup/action.yml'
      }
    ])
    expect((answer.body as object[])[0]).not.toHaveProperty('previous_filename')
  })

  it('pages changed files and stops at 3,000 like GitHub', async () => {
    const first = await call(sim, '/repos/acme/web/pulls/2/files?per_page=100', {
      token: 'ghs_pulls'
    })
    expect((first.body as unknown[]).length).toBe(100)
    expect(links(first).last).toContain('page=30')
    const last = await call(sim, '/repos/acme/web/pulls/2/files?per_page=100&page=30', {
      token: 'ghs_pulls'
    })
    expect((last.body as { filename: string }[]).at(-1)?.filename).toBe('src/f2999.ts')
    const past = await call(sim, '/repos/acme/web/pulls/2/files?per_page=100&page=31', {
      token: 'ghs_pulls'
    })
    expect(past.body).toEqual([])
  })

  it('counts changed_files beyond the listing: every file, or the count the scenario gives', async () => {
    const count = async (number: number): Promise<unknown> =>
      (
        (await call(sim, `/repos/acme/web/pulls/${number}`, { token: 'ghs_pulls' })).body as {
          changed_files: unknown
        }
      ).changed_files
    expect(await count(2)).toBe(3100)
    const pull = sim.state.repositories[0]?.pulls?.find(p => p.number === 1)
    if (!pull) throw new Error('the scenario has no pull request 1')
    pull.changed_files = 40
    expect(await count(1)).toBe(40)
    delete pull.changed_files
    expect(await count(1)).toBe(2)
  })

  it('needs pull-requests: read', async () => {
    const answer = await call(sim, '/repos/acme/web/pulls', { token: 'ghs_write' })
    expect(answer.status).toBe(403)
    expect(answer.headers.get('x-accepted-github-permissions')).toBe('pull_requests=read')
  })
})

describe('pull request listing with a malformed head filter', () => {
  it('answers 422 and records the violation', async () => {
    const sim = await startSimulator({ scenario: world() })
    try {
      const answer = await call(sim, '/repos/acme/web/pulls?head=patch-1', { token: 'ghs_pulls' })
      expect(answer.status).toBe(422)
      expect(sim.violations).toHaveLength(1)
    } finally {
      await sim.close()
    }
  })
})
