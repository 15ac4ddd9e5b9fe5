import { afterEach, describe, expect, it } from '@jest/globals'
import {
  addArtifacts,
  addCaches,
  generateScenario,
  startSimulator,
  type Scenario,
  type ScenarioArtifact,
  type ScenarioCache,
  type Simulator
} from '../../simulator/index.js'
import { call, links, NOW, run, scenario } from './helpers.js'

interface ArtifactBody {
  id: number
  name: string
  size_in_bytes: number
  expired: boolean
  expires_at: string
  workflow_run: {
    id: number
    repository_id: number
    head_repository_id: number
    head_branch: string
    head_sha: string
  } | null
}
interface CacheBody {
  id: number
  key: string
  ref: string
  version: string
  size_in_bytes: number
  last_accessed_at: string
  created_at: string
}

const artifactIds = (body: unknown): number[] =>
  (body as { artifacts: ArtifactBody[] }).artifacts.map(a => a.id)
const cacheIds = (body: unknown): number[] =>
  (body as { actions_caches: CacheBody[] }).actions_caches.map(c => c.id)

/** acme/web: a completed run 7001 on main, a fork run 7002, an active run 7003, and their artifacts. */
function world(): Scenario {
  const base = scenario([
    run({
      id: 7001,
      status: 'completed',
      conclusion: 'success',
      created_at: '2026-11-01T10:00:00Z'
    }),
    run({
      id: 7002,
      status: 'completed',
      conclusion: 'failure',
      head_branch: 'patch-1',
      head_repository: 'mallory/web',
      event: 'pull_request',
      created_at: '2026-11-02T10:00:00Z'
    }),
    run({ id: 7003, status: 'in_progress', created_at: '2026-11-22T11:00:00Z' })
  ])
  const artifacts: ScenarioArtifact[] = [
    { id: 1, name: 'build', run_id: 7001, size_in_bytes: 100, created_at: '2026-11-01T10:05:00Z' },
    {
      id: 2,
      name: 'coverage',
      run_id: 7001,
      size_in_bytes: 200,
      created_at: '2026-11-01T10:06:00Z',
      expires_at: '2026-11-10T10:06:00Z'
    },
    { id: 3, name: 'build', run_id: 7002, size_in_bytes: 300, created_at: '2026-11-02T10:05:00Z' },
    { id: 4, name: 'build', run_id: 7003, size_in_bytes: 400, created_at: '2026-11-22T11:05:00Z' }
  ]
  const caches: ScenarioCache[] = [
    {
      id: 11,
      key: 'Linux-node-aaa',
      ref: 'refs/heads/main',
      size_in_bytes: 3000,
      created_at: '2026-11-01T00:00:00Z',
      last_accessed_at: '2026-11-20T00:00:00Z'
    },
    {
      id: 12,
      key: 'Linux-node-bbb',
      ref: 'refs/pull/5/merge',
      size_in_bytes: 1000,
      created_at: '2026-11-03T00:00:00Z',
      last_accessed_at: '2026-11-04T00:00:00Z'
    },
    {
      id: 13,
      key: 'Linux-pip-ccc',
      ref: 'refs/heads/main',
      size_in_bytes: 2000,
      created_at: '2026-11-02T00:00:00Z',
      last_accessed_at: '2026-11-21T00:00:00Z'
    }
  ]
  const repo = base.repositories[0]
  if (repo) {
    repo.artifacts = artifacts
    repo.caches = caches
  }
  return base
}

describe('artifacts, caches and run deletion', () => {
  let sim: Simulator | undefined

  const start = async (scenario: Scenario = world()): Promise<Simulator> => {
    sim = await startSimulator({ scenario })
    return sim
  }
  afterEach(async () => {
    if (!sim) return
    expect(sim.violations).toEqual([])
    await sim.close()
    sim = undefined
  })

  describe('artifact listings', () => {
    it('lists newest first with the workflow run each came from, and expiry at the clock', async () => {
      const s = await start()
      const answer = await call(s, '/repos/acme/web/actions/artifacts')
      expect(answer.status).toBe(200)
      const body = answer.body as { total_count: number; artifacts: ArtifactBody[] }
      expect(body.total_count).toBe(4)
      expect(artifactIds(body)).toEqual([4, 3, 2, 1])
      const byId = new Map(body.artifacts.map(a => [a.id, a]))
      expect(byId.get(2)?.expired).toBe(true)
      expect(byId.get(1)?.expired).toBe(false)
      expect(byId.get(1)?.expires_at).toBe('2027-01-30T10:05:00Z')
      expect(byId.get(1)?.workflow_run).toEqual({
        id: 7001,
        repository_id: 101,
        head_repository_id: 101,
        head_branch: 'main',
        head_sha: 'a'.repeat(40)
      })
      expect(byId.get(3)?.workflow_run?.head_repository_id).not.toBe(101)
      expect(byId.get(3)?.workflow_run?.head_branch).toBe('patch-1')
    })

    it('filters by exact name, pages with a Link header, and lists one run', async () => {
      const s = await start()
      const named = await call(s, '/repos/acme/web/actions/artifacts?name=build&per_page=2')
      expect(artifactIds(named.body)).toEqual([4, 3])
      expect((named.body as { total_count: number }).total_count).toBe(3)
      const next = links(named).next ?? ''
      expect(next).toContain('page=2')
      const second = await call(s, next.slice(s.url.length))
      expect(artifactIds(second.body)).toEqual([1])
      const prefix = await call(s, '/repos/acme/web/actions/artifacts?name=buil')
      expect(artifactIds(prefix.body)).toEqual([])
      const ofRun = await call(s, '/repos/acme/web/actions/runs/7001/artifacts')
      expect(artifactIds(ofRun.body)).toEqual([2, 1])
      const ascending = await call(s, '/repos/acme/web/actions/runs/7001/artifacts?direction=asc')
      expect(artifactIds(ascending.body)).toEqual([1, 2])
      expect((await call(s, '/repos/acme/web/actions/runs/9/artifacts')).status).toBe(404)
    })

    it('needs actions: read to list and actions: write to delete', async () => {
      const s = await start()
      expect(
        (await call(s, '/repos/acme/web/actions/artifacts', { token: 'ghs_none' })).status
      ).toBe(403)
      const refused = await call(s, '/repos/acme/web/actions/artifacts/1', {
        method: 'DELETE',
        token: 'ghs_read'
      })
      expect(refused.status).toBe(403)
      expect(refused.headers.get('x-accepted-github-permissions')).toBe('actions=write')
      expect(s.state.repositories[0]?.artifacts).toHaveLength(4)
    })
  })

  describe('artifact deletion', () => {
    it('answers 204, then 404 for the same artifact, which GET no longer finds', async () => {
      const s = await start()
      const path = '/repos/acme/web/actions/artifacts/3'
      const found = await call(s, path, { token: 'ghs_read' })
      expect(found.status).toBe(200)
      expect((found.body as ArtifactBody).name).toBe('build')
      expect((await call(s, path, { method: 'DELETE' })).status).toBe(204)
      expect((await call(s, path)).status).toBe(404)
      expect((await call(s, path, { method: 'DELETE' })).status).toBe(404)
      expect(s.state.repositories[0]?.artifacts?.map(a => a.id)).toEqual([1, 2, 4])
    })
  })

  describe('run deletion', () => {
    it('deletes a completed run with its artifacts, then answers 404', async () => {
      const s = await start()
      const path = '/repos/acme/web/actions/runs/7001'
      expect((await call(s, path, { method: 'DELETE' })).status).toBe(204)
      expect(s.state.repositories[0]?.runs.map(r => r.id)).toEqual([7002, 7003])
      expect(s.state.repositories[0]?.artifacts?.map(a => a.id)).toEqual([3, 4])
      expect((await call(s, path)).status).toBe(404)
      expect((await call(s, path, { method: 'DELETE' })).status).toBe(404)
    })

    it('refuses an active run with 403 and keeps it', async () => {
      const s = await start()
      const answer = await call(s, '/repos/acme/web/actions/runs/7003', { method: 'DELETE' })
      expect(answer.status).toBe(403)
      expect((answer.body as { message: string }).message).toBe(
        'Cannot delete a workflow run that is not completed.'
      )
      expect(s.state.repositories[0]?.runs.map(r => r.id)).toContain(7003)
      expect(s.state.repositories[0]?.artifacts).toHaveLength(4)
    })

    it('needs actions: write', async () => {
      const s = await start()
      const answer = await call(s, '/repos/acme/web/actions/runs/7001', {
        method: 'DELETE',
        token: 'ghs_read'
      })
      expect(answer.status).toBe(403)
      expect(s.state.repositories[0]?.runs).toHaveLength(3)
    })
  })

  describe('cache listings', () => {
    it('sorts by last access, newest first, by default', async () => {
      const s = await start()
      const answer = await call(s, '/repos/acme/web/actions/caches')
      expect(answer.status).toBe(200)
      const body = answer.body as { total_count: number; actions_caches: CacheBody[] }
      expect(body.total_count).toBe(3)
      expect(cacheIds(body)).toEqual([13, 11, 12])
      expect(body.actions_caches[0]).toMatchObject({
        key: 'Linux-pip-ccc',
        ref: 'refs/heads/main',
        size_in_bytes: 2000,
        created_at: '2026-11-02T00:00:00Z',
        last_accessed_at: '2026-11-21T00:00:00Z'
      })
      expect(body.actions_caches[0]?.version).toMatch(/^[0-9a-f]{64}$/)
    })

    it.each([
      ['sort=created_at&direction=asc', [11, 13, 12]],
      ['sort=size_in_bytes&direction=desc', [11, 13, 12]],
      ['sort=size_in_bytes&direction=asc', [12, 13, 11]],
      ['direction=asc', [12, 11, 13]],
      ['key=Linux-node-', [11, 12]],
      ['key=Linux-pip-ccc', [13]],
      ['ref=refs/heads/main', [13, 11]],
      ['ref=refs/heads/mai', []],
      ['key=Linux-node&ref=refs/pull/5/merge', [12]]
    ])('answers %s with %j', async (query, ids) => {
      const s = await start()
      const answer = await call(s, `/repos/acme/web/actions/caches?${query}`)
      expect(cacheIds(answer.body)).toEqual(ids)
      expect((answer.body as { total_count: number }).total_count).toBe(ids.length)
    })

    it('pages with a Link header', async () => {
      const s = await start()
      const first = await call(s, '/repos/acme/web/actions/caches?per_page=2')
      expect(cacheIds(first.body)).toEqual([13, 11])
      const second = await call(s, (links(first).next ?? '').slice(s.url.length))
      expect(cacheIds(second.body)).toEqual([12])
    })

    it('refuses a sort GitHub does not know, as a violation', async () => {
      const s = await start()
      const answer = await call(s, '/repos/acme/web/actions/caches?sort=key')
      expect(answer.status).toBe(422)
      expect(s.violations).toHaveLength(1)
      s.violations.length = 0
    })
  })

  describe('cache deletion', () => {
    it('deletes by id: 204, then 404', async () => {
      const s = await start()
      const path = '/repos/acme/web/actions/caches/12'
      expect((await call(s, path, { method: 'DELETE', token: 'ghs_read' })).status).toBe(403)
      expect((await call(s, path, { method: 'DELETE' })).status).toBe(204)
      expect((await call(s, path, { method: 'DELETE' })).status).toBe(404)
      expect(s.state.repositories[0]?.caches?.map(c => c.id)).toEqual([11, 13])
    })
  })

  describe('generated storage', () => {
    it('adds artifacts of completed runs and caches of pull requests, the same for the same seed', () => {
      const make = (): Scenario => {
        const generated = generateScenario({ seed: 3, runsPerRepository: 300, jobs: false })
        const repo = generated.repositories[0]
        if (!repo) throw new Error('no repository')
        addArtifacts(repo, { seed: 3, count: 250 })
        addCaches(repo, { seed: 3, count: 200, now: NOW, pulls: 20, closedPulls: 8 })
        return generated
      }
      const generated = make()
      expect(make()).toEqual(generated)
      const repo = generated.repositories[0]
      const runs = new Map(repo?.runs.map(r => [r.id, r]))
      expect(repo?.artifacts).toHaveLength(250)
      expect(repo?.artifacts?.every(a => runs.get(a.run_id)?.status === 'completed')).toBe(true)
      expect(new Set(repo?.artifacts?.map(a => a.id)).size).toBe(250)
      expect(repo?.caches).toHaveLength(200)
      expect(repo?.pulls?.filter(p => p.state === 'closed')).toHaveLength(8)
      expect(repo?.pulls?.filter(p => p.merged)).toHaveLength(4)
      const pullRefs = repo?.caches?.filter(c => /^refs\/pull\/\d+\/merge$/.test(c.ref)) ?? []
      expect(pullRefs.length).toBeGreaterThan(50)
      expect(
        repo?.caches?.every(c => Date.parse(c.created_at) <= Date.parse(c.last_accessed_at ?? ''))
      ).toBe(true)
    })
  })
})
