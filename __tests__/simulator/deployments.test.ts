import { describe, expect, it } from '@jest/globals'
import {
  type ScenarioEnvironment,
  type ScenarioRun,
  type Simulator
} from '../../simulator/index.js'
import { call, run, runIds, scenario, type Answer } from './helpers.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const start = simulatorPerTest()

const ENVIRONMENTS: ScenarioEnvironment[] = [
  { id: 201, name: 'staging', reviewers: ['rita'] },
  {
    id: 202,
    name: 'production',
    reviewers: ['rita', 'alice'],
    wait_timer: 30,
    prevent_self_review: true
  },
  { id: 203, name: 'qa', protection_rule_app: 'deploy-gate[bot]' },
  { id: 204, name: 'release', reviewers: ['rita'], protection_rule_app: 'deploy-gate[bot]' }
]

async function simulate(
  runs: ScenarioRun[],
  waitingFilter?: 'misses-waiting-runs'
): Promise<Simulator> {
  const world = scenario(runs)
  world.tokens = {
    ...world.tokens,
    ghp_rita: { login: 'rita', kind: 'user' },
    ghs_deploy: {
      login: 'github-actions[bot]',
      kind: 'github-token',
      permissions: { actions: 'write', deployments: 'write' },
      repositories: ['acme/web']
    },
    ghs_gate: {
      login: 'deploy-gate[bot]',
      kind: 'app',
      permissions: { actions: 'read', deployments: 'write' }
    },
    ghs_other: {
      login: 'other[bot]',
      kind: 'app',
      permissions: { actions: 'read', deployments: 'write' }
    }
  }
  const web = world.repositories[0]
  if (web) {
    web.environments = structuredClone(ENVIRONMENTS)
    if (waitingFilter) web.waiting_filter = waitingFilter
  }
  return start(world)
}

const waiting = (id: number, environments: string[]): ScenarioRun =>
  run({
    id,
    workflow_id: 12,
    status: 'waiting',
    created_at: '2026-11-22T11:50:00Z',
    pending_deployments: environments.map(environment => ({ environment }))
  })
const stateOf = (s: Simulator, id: number): string => {
  const found = s.state.repositories[0]?.runs.find(r => r.id === id)
  return `${found?.status}/${found?.conclusion ?? ''}:${(found?.pending_deployments ?? []).map(p => p.environment).join('+')}`
}
const review = async (
  s: Simulator,
  id: number,
  token: string,
  environmentIds: number[],
  state = 'approved'
): Promise<Answer> =>
  call(s, `/repos/acme/web/actions/runs/${id}/pending_deployments`, {
    method: 'POST',
    token,
    body: { environment_ids: environmentIds, state, comment: 'ok' }
  })
const answerRule = async (
  s: Simulator,
  id: number,
  token: string,
  body: Record<string, unknown>
): Promise<Answer> =>
  call(s, `/repos/acme/web/actions/runs/${id}/deployment_protection_rule`, {
    method: 'POST',
    token,
    body
  })

describe('pending deployments', () => {
  it("lists a waiting run's environments with wait timer, reviewers and who may approve", async () => {
    const s = await simulate([waiting(1, ['staging', 'production', 'qa'])])
    const rita = await call(s, '/repos/acme/web/actions/runs/1/pending_deployments', {
      token: 'ghp_rita'
    })
    expect(rita.status).toBe(200)
    const body = rita.body as Array<Record<string, unknown>>
    expect(body.map(entry => (entry.environment as { name: string }).name)).toEqual([
      'staging',
      'production',
      'qa'
    ])
    expect(body.map(entry => entry.current_user_can_approve)).toEqual([true, true, false])
    expect(body[1]).toMatchObject({
      environment: { id: 202, name: 'production' },
      wait_timer: 30,
      wait_timer_started_at: '2026-11-22T11:50:00Z',
      reviewers: [
        { type: 'User', reviewer: { login: 'rita' } },
        { type: 'User', reviewer: { login: 'alice' } }
      ]
    })
    expect(body[0]).toMatchObject({ wait_timer: 0, wait_timer_started_at: null })
  })

  it.each([
    ['a workflow token', 'ghs_deploy', [false, false]],
    // alice triggered the run and production prevents self-review; she is no reviewer of staging.
    ['the person who triggered the run', 'ghp_alice', [false, false]]
  ])('never lets %s approve', async (_, token, expected) => {
    const s = await simulate([waiting(1, ['staging', 'production'])])
    const answer = await call(s, '/repos/acme/web/actions/runs/1/pending_deployments', { token })
    const body = answer.body as Array<{ current_user_can_approve: boolean }>
    expect(body.map(entry => entry.current_user_can_approve)).toEqual(expected)
  })

  it('derives the id of an environment the scenario does not number, and reviews by it', async () => {
    const s = await simulate([waiting(1, ['preview'])])
    s.state.repositories[0]?.environments?.push({ name: 'preview', reviewers: ['rita'] })
    const listed = await call(s, '/repos/acme/web/actions/runs/1/pending_deployments', {
      token: 'ghp_rita'
    })
    const id = (listed.body as Array<{ environment: { id: number } }>)[0]?.environment.id ?? 0
    expect(id).toBeGreaterThan(0)
    expect((await review(s, 1, 'ghp_rita', [id])).status).toBe(200)
    expect(stateOf(s, 1)).toBe('in_progress/:')
  })

  it('lists nothing for a run that is not waiting', async () => {
    const s = await simulate([run({ id: 1, pending_deployments: [{ environment: 'staging' }] })])
    const answer = await call(s, '/repos/acme/web/actions/runs/1/pending_deployments')
    expect(answer.body).toEqual([])
  })
})

describe('reviews', () => {
  it('keeps the run waiting until every environment is approved, then lets it go on', async () => {
    const s = await simulate([waiting(1, ['staging', 'production'])])
    const first = await review(s, 1, 'ghp_rita', [201])
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject([{ environment: 'staging', creator: { login: 'rita' } }])
    expect(stateOf(s, 1)).toBe('waiting/:production')
    expect((await review(s, 1, 'ghp_rita', [202])).status).toBe(200)
    expect(stateOf(s, 1)).toBe('in_progress/:')
    const history = await call(s, '/repos/acme/web/actions/runs/1/approvals')
    expect(history.body).toMatchObject([
      { state: 'approved', user: { login: 'rita' }, environments: [{ id: 201, name: 'staging' }] },
      { state: 'approved', comment: 'ok', environments: [{ name: 'production' }] }
    ])
  })

  it('fails the run on a rejection', async () => {
    const s = await simulate([waiting(1, ['staging', 'production'])])
    expect((await review(s, 1, 'ghp_rita', [201], 'rejected')).status).toBe(200)
    expect(stateOf(s, 1)).toBe('completed/failure:')
  })

  it.each([
    ['a workflow token', 'ghs_deploy', [201], 403, 'Resource not accessible by integration'],
    [
      'a token without deployments: write',
      'ghs_write',
      [201],
      403,
      'Resource not accessible by integration'
    ],
    [
      'a person who is no reviewer',
      'ghp_alice',
      [201],
      422,
      'alice is not a required reviewer of environment staging'
    ],
    [
      'an environment the run does not wait on',
      'ghp_rita',
      [201, 999],
      422,
      'Environment 999 has no pending deployment in workflow run 1'
    ],
    [
      'an environment without reviewers',
      'ghp_rita',
      [203],
      422,
      'Environment qa is not waiting for a review in this workflow run'
    ]
  ])('refuses %s', async (_, token, ids, status, message) => {
    const s = await simulate([waiting(1, ['staging', 'qa'])])
    const answer = await review(s, 1, token, ids)
    expect(answer.status).toBe(status)
    expect((answer.body as { message: string }).message).toBe(message)
    expect(stateOf(s, 1)).toBe('waiting/:staging+qa')
  })
})

describe('custom deployment protection rules', () => {
  it("accepts the owning app's approval; an environment with reviewers also needs them", async () => {
    const s = await simulate([waiting(1, ['qa', 'release'])])
    expect(
      (
        await answerRule(s, 1, 'ghs_gate', {
          environment_name: 'qa',
          state: 'approved',
          comment: 'ok'
        })
      ).status
    ).toBe(204)
    expect(stateOf(s, 1)).toBe('waiting/:release')
    expect(
      (await answerRule(s, 1, 'ghs_gate', { environment_name: 'release', state: 'approved' }))
        .status
    ).toBe(204)
    expect(stateOf(s, 1)).toBe('waiting/:release')
    expect((await review(s, 1, 'ghp_rita', [204])).status).toBe(200)
    expect(stateOf(s, 1)).toBe('in_progress/:')
  })

  it('takes a comment alone as a status report, changing nothing', async () => {
    const s = await simulate([waiting(1, ['qa'])])
    const answer = await answerRule(s, 1, 'ghs_gate', {
      environment_name: 'qa',
      comment: 'checking'
    })
    expect(answer.status).toBe(204)
    expect(stateOf(s, 1)).toBe('waiting/:qa')
    expect(s.state.repositories[0]?.runs[0]?.protection_rule_answers).toEqual([
      { environment: 'qa', comment: 'checking', app: 'deploy-gate[bot]' }
    ])
  })

  it('fails the run on a rejection', async () => {
    const s = await simulate([waiting(1, ['qa'])])
    await answerRule(s, 1, 'ghs_gate', { environment_name: 'qa', state: 'rejected', comment: 'no' })
    expect(stateOf(s, 1)).toBe('completed/failure:')
  })

  it.each([
    ['a person', 'ghp_rita', 'qa', 403, 'Resource not accessible by personal access token'],
    ['a workflow token', 'ghs_deploy', 'qa', 403, 'Resource not accessible by integration'],
    [
      'another app',
      'ghs_other',
      'qa',
      422,
      'No deployment protection rule of other[bot] is waiting on environment qa in workflow run 1'
    ],
    [
      'an environment without the rule',
      'ghs_gate',
      'staging',
      422,
      'No deployment protection rule of deploy-gate[bot] is waiting on environment staging in workflow run 1'
    ]
  ])('refuses %s', async (_, token, environment, status, message) => {
    const s = await simulate([waiting(1, ['qa', 'staging'])])
    const answer = await answerRule(s, 1, token, {
      environment_name: environment,
      state: 'approved',
      comment: 'x'
    })
    expect(answer.status).toBe(status)
    expect((answer.body as { message: string }).message).toBe(message)
    expect(stateOf(s, 1)).toBe('waiting/:qa+staging')
  })
})

describe('the status=waiting filter', () => {
  it('finds waiting runs when it works', async () => {
    const s = await simulate([waiting(1, ['staging']), run({ id: 2 })])
    expect(runIds(await call(s, '/repos/acme/web/actions/runs?status=waiting'))).toEqual([1])
  })

  it('with misses-waiting-runs returns nothing; only a listing without a status filter shows them', async () => {
    const s = await simulate([waiting(1, ['staging']), run({ id: 2 })], 'misses-waiting-runs')
    expect(runIds(await call(s, '/repos/acme/web/actions/runs?status=waiting'))).toEqual([])
    expect(runIds(await call(s, '/repos/acme/web/actions/runs?status=in_progress'))).toEqual([2])
    const all = await call(s, '/repos/acme/web/actions/runs')
    const runs = (all.body as { workflow_runs: Array<{ id: number; status: string }> })
      .workflow_runs
    expect(runs.map(r => `${r.id}:${r.status}`).sort()).toEqual(['1:waiting', '2:in_progress'])
  })
})
