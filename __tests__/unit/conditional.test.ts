/**
 * The conditional layer: what a page keeps (the fields decisions read, compacted) and rebuilds,
 * and the client with it against the simulator: a repeated listing goes out with If-None-Match,
 * a 304 is answered with the kept page (never seen by the retry and throttling plugins, counted
 * apart), a 200 replaces the page, and a listing without total_count whose full last page could
 * hide a new page is asked in full.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { createClient } from '../../src/boundary/client.js'
import { ConditionalRequests, keep, rebuild } from '../../src/boundary/conditional.js'
import {
  ARTIFACT_LISTING,
  CACHE_LISTING,
  LISTING_SHAPES,
  REPOSITORY_LISTING,
  RUN_LISTING
} from '../../src/readers/listing-shapes.js'
import type { PacingSettings } from '../../src/settings.js'
import { minutesAgo, repository, run, scenario } from '../../__fixtures__/scenario.js'
import { startSimulator, type Scenario, type Simulator } from '../../simulator/index.js'
import { presentRun } from '../../simulator/present.js'
import { createState } from '../../simulator/state.js'

const pacing: PacingSettings = {
  timeScale: 0.001,
  writeIntervalMs: 1,
  retryBaseMs: 1,
  retryAfterScale: 0.001,
  requestTimeoutMs: 5000,
  pollIntervalMs: 10
}

beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
})

describe('a kept page', () => {
  const world = scenario(
    repository('acme/web', [
      run({ id: 1, created_at: '2026-11-22T10:00:00Z' }),
      run({ id: 2, created_at: '2026-11-22T11:00:00Z', head_repository: 'octo/fork' }),
      run({ id: 3, created_at: '2026-11-22T11:30:00Z', triggering_actor: 'bob' })
    ])
  )
  const repo = createState(world, new Date()).repositories[0]
  if (repo === undefined) throw new Error('no repository')
  const presented = repo.runs.map(r => presentRun(repo, r, 'https://api.github.com'))

  it('should rebuild the fields decisions read, exactly, and nothing else', () => {
    const page = keep(RUN_LISTING, { total_count: 3, workflow_runs: presented }, 'W/"a"', undefined)
    if (page === undefined) throw new Error('not kept')
    const rebuilt = rebuild(RUN_LISTING, page) as {
      total_count: number
      workflow_runs: Record<string, unknown>[]
    }
    expect(rebuilt.total_count).toBe(3)
    expect(rebuilt.workflow_runs).toEqual(
      presented.map(r => ({
        id: r.id,
        workflow_id: r.workflow_id,
        path: r.path,
        head_branch: r.head_branch,
        head_sha: r.head_sha,
        event: r.event,
        status: r.status,
        conclusion: r.conclusion,
        created_at: r.created_at,
        run_attempt: r.run_attempt,
        actor: { login: (r.actor as { login: string }).login },
        triggering_actor: { login: (r.triggering_actor as { login: string }).login },
        head_repository: {
          id: (r.head_repository as { id: number }).id,
          full_name: (r.head_repository as { full_name: string }).full_name,
          owner: { login: (r.head_repository as { owner: { login: string } }).owner.login }
        },
        html_url: r.html_url
      }))
    )
  })

  it('should keep what every object shares once, and URLs ending in the id as a prefix', () => {
    const page = keep(RUN_LISTING, { total_count: 3, workflow_runs: presented }, 'W/"a"', undefined)
    expect(page?.same).toMatchObject({ workflow_id: 11, event: 'push', actor: 'alice' })
    expect(page?.prefix).toEqual({ html_url: 'https://github.com/acme/web/actions/runs/' })
    expect(page?.fields).toEqual([
      'id',
      'head_sha',
      'created_at',
      'triggering_actor',
      'head_repository'
    ])
    expect(page?.rows).toHaveLength(3)
  })

  it('should keep null, and leave out a field GitHub did not send', () => {
    const caches = [
      { id: 1, key: 'k', ref: 'refs/heads/main', size_in_bytes: 5, created_at: 'x' },
      { id: 2, key: 'k', ref: 'refs/heads/main', size_in_bytes: 5, created_at: 'x' }
    ]
    const page = keep(CACHE_LISTING, { total_count: 2, actions_caches: caches }, '"e"', undefined)
    if (page === undefined) throw new Error('not kept')
    expect(rebuild(CACHE_LISTING, page)).toEqual({ total_count: 2, actions_caches: caches })
    const artifacts = [
      {
        id: 7,
        name: 'logs',
        size_in_bytes: 1,
        expired: false,
        created_at: null,
        workflow_run: null,
        url: 'dropped'
      }
    ]
    const kept = keep(ARTIFACT_LISTING, { total_count: 1, artifacts }, '"e"', undefined)
    if (kept === undefined) throw new Error('not kept')
    expect(rebuild(ARTIFACT_LISTING, kept)).toEqual({
      total_count: 1,
      artifacts: [
        {
          id: 7,
          name: 'logs',
          size_in_bytes: 1,
          expired: false,
          created_at: null,
          workflow_run: null
        }
      ]
    })
  })

  it('should keep nothing of an answer that is not the listing it expects', () => {
    expect(keep(RUN_LISTING, { message: 'Not Found' }, '"e"', undefined)).toBeUndefined()
    expect(keep(REPOSITORY_LISTING, { total_count: 0 }, '"e"', undefined)).toBeUndefined()
  })
})

describe('the client with conditional requests', () => {
  let sim: Simulator | undefined
  afterEach(async () => {
    await sim?.close()
    sim = undefined
  })

  async function client(
    world: Scenario
  ): Promise<
    Awaited<ReturnType<typeof createClient>> & { conditional: ConditionalRequests; sim: Simulator }
  > {
    sim = await startSimulator({ scenario: world })
    const conditional = new ConditionalRequests(new Map(), LISTING_SHAPES, sim.url)
    const api = await createClient({ token: 'ghs_write', apiUrl: sim.url, pacing, conditional })
    return { ...api, conditional, sim }
  }

  it('should answer a repeated listing from the kept page on 304, count it apart, and never retry it', async () => {
    const {
      octokit,
      counter,
      conditional,
      sim: s
    } = await client(scenario(repository('acme/web', [run({ id: 1, created_at: minutesAgo(5) })])))
    const params = { owner: 'acme', repo: 'web', per_page: 100 }
    const first = await octokit.rest.actions.listWorkflowRunsForRepo(params)
    const second = await octokit.rest.actions.listWorkflowRunsForRepo(params)
    expect(s.requests.map(r => [r.status, r.conditional === true])).toEqual([
      [200, false],
      [304, true]
    ])
    expect(second.data).toEqual(first.data)
    expect(second.data.workflow_runs[0]?.html_url).toBe(
      'https://github.com/acme/web/actions/runs/1'
    )
    expect(counter.total).toBe(2)
    expect(counter.notModified).toBe(1)
    expect(conditional.tally).toEqual({ sent: 1, notModified: 1 })
    expect([...conditional.pages().keys()]).toEqual(['/repos/acme/web/actions/runs?per_page=100'])
  })

  it('should hand on a changed listing and keep its new page', async () => {
    const { octokit, sim: s } = await client(
      scenario(repository('acme/web', [run({ id: 1, created_at: minutesAgo(5) })]))
    )
    const params = { owner: 'acme', repo: 'web', per_page: 100 }
    await octokit.rest.actions.listWorkflowRunsForRepo(params)
    const listed = s.state.repositories[0]?.runs[0]
    if (listed) listed.status = 'completed'
    const changed = await octokit.rest.actions.listWorkflowRunsForRepo(params)
    expect(changed.data.workflow_runs[0]?.status).toBe('completed')
    const again = await octokit.rest.actions.listWorkflowRunsForRepo(params)
    expect(again.data.workflow_runs[0]?.status).toBe('completed')
    expect(s.requests.map(r => r.status)).toEqual([200, 200, 304])
  })

  it('should page through kept pages with their Link headers', async () => {
    const runs = Array.from({ length: 5 }, (_, i) => run({ id: 10 + i, created_at: minutesAgo(i) }))
    const { octokit, sim: s } = await client(scenario(repository('acme/web', runs)))
    const list = async (): Promise<number[]> =>
      (
        await octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, {
          owner: 'acme',
          repo: 'web',
          per_page: 2
        })
      ).map(r => r.id)
    const first = await list()
    expect(await list()).toEqual(first)
    expect(first).toHaveLength(5)
    expect(s.requests.map(r => r.status)).toEqual([200, 200, 200, 304, 304, 304])
  })

  it('should ask in full for a full last page of a listing without total_count', async () => {
    const world = scenario(repository('acme/web', [], 201), repository('acme/api', [], 202))
    world.tokens['ghp_alice'] = { login: 'alice', kind: 'user' }
    world.organizations = [{ login: 'acme' }]
    sim = await startSimulator({ scenario: world })
    const conditional = new ConditionalRequests(new Map(), LISTING_SHAPES, sim.url)
    const { octokit } = await createClient({
      token: 'ghp_alice',
      apiUrl: sim.url,
      pacing,
      conditional
    })
    const list = async (perPage: number): Promise<void> => {
      await octokit.rest.repos.listForOrg({ org: 'acme', per_page: perPage })
    }
    // Two repositories on a page of two: a third would come on a page this one cannot show.
    await list(2)
    await list(2)
    // On a page of three there is room: a new repository would change this very page.
    await list(3)
    await list(3)
    expect(sim.requests.map(r => [r.query.per_page, r.conditional === true, r.status])).toEqual([
      ['2', false, 200],
      ['2', false, 200],
      ['3', false, 200],
      ['3', true, 304]
    ])
  })
})
