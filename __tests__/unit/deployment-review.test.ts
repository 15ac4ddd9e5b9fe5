import { describe, expect, it } from '@jest/globals'
import {
  blockedAfterReviews,
  describeHistory,
  describeReview,
  parseDeploymentCallbackUrl,
  planReview,
  protectionRulePayload,
  waitTimerLeftSeconds,
  type PastReview,
  type PendingDeployment
} from '../../src/operations/review-deployments/rules.js'

const now = new Date('2026-11-22T12:00:00Z')

function pending(
  name: string,
  overrides: Partial<Omit<PendingDeployment, 'environment'>> = {}
): PendingDeployment {
  return {
    environment: { id: name.length * 100, name },
    wait_timer: 0,
    wait_timer_started_at: null,
    current_user_can_approve: true,
    reviewers: ['rita'],
    ...overrides
  }
}

const names = (deployments: PendingDeployment[]): string[] =>
  deployments.map(deployment => deployment.environment.name)

describe('planReview', () => {
  const staging = pending('staging')
  const production = pending('production')
  const preview = pending('preview/pr-7')
  const locked = pending('audit', { current_user_can_approve: false, reviewers: ['carol'] })
  const gated = pending('qa', { current_user_can_approve: false, reviewers: [] })

  it.each([
    ['empty = every environment', [], ['staging', 'production', 'preview/pr-7'], []],
    ['one literal name', ['staging'], ['staging'], ['production', 'preview/pr-7']],
    ['a glob that stops at /', ['preview*'], [], ['staging', 'production', 'preview/pr-7']],
    ['a glob across /', ['preview/**'], ['preview/pr-7'], ['staging', 'production']],
    ['several globs', ['staging', 'prod*'], ['staging', 'production'], ['preview/pr-7']]
  ])('with environments %s', (_, globs, reviewed, unmatched) => {
    const plan = planReview([staging, production, preview], globs, now)
    expect(names(plan.review)).toEqual(reviewed)
    expect(names(plan.unmatched)).toEqual(unmatched)
    expect(plan.blocked).toEqual([])
  })

  it('should block matched deployments the token may not approve, naming the reviewers', () => {
    const plan = planReview([staging, locked], [], now)
    expect(names(plan.review)).toEqual(['staging'])
    expect(plan.blocked.map(blocked => blocked.reason)).toEqual([
      "audit: the token may not approve (required reviewers: carol); pass a required reviewer's token in `github-token` (GITHUB_TOKEN cannot review)"
    ])
  })

  it('should not block what it does not match', () => {
    const plan = planReview([staging, locked], ['staging'], now)
    expect(plan.blocked).toEqual([])
    expect(names(plan.unmatched)).toEqual(['audit'])
  })

  it.each([
    [
      'a protection rule',
      gated,
      'qa has no required reviewers; it waits for a deployment protection rule, which only the GitHub App that owns it can answer'
    ],
    [
      'a running wait timer',
      { ...gated, wait_timer: 30, wait_timer_started_at: '2026-11-22T11:50:00Z' },
      'qa has no required reviewers; it waits for its wait timer (about 20 min left)'
    ]
  ])('should say a deployment without reviewers waits for %s', (_, deployment, reason) => {
    expect(planReview([deployment], [], now).blocked[0]?.reason).toBe(reason)
  })
})

describe('blockedAfterReviews', () => {
  const release = pending('release', { current_user_can_approve: false, reviewers: ['bob'] })
  const blocked = planReview([release], [], now).blocked[0]
  if (!blocked) throw new Error('release is not blocked')
  const approved = (user: string, ...environments: string[]): PastReview => ({
    user,
    state: 'approved',
    environments
  })
  const rule =
    'it waits for a deployment protection rule, which only the GitHub App that owns it can answer'

  it.each([
    ['no history', [], blocked.reason],
    ['reviews of other environments only', [approved('bob', 'staging')], blocked.reason],
    [
      'an approval of it',
      [approved('bob', 'staging', 'Release')],
      `release: its required reviewers approved (bob); ${rule}`
    ],
    [
      'approvals by two people',
      [approved('bob', 'release'), approved('dora', 'release')],
      `release: its required reviewers approved (bob, dora); ${rule}`
    ]
  ])('with %s', (_, history, reason) => {
    expect(blockedAfterReviews(blocked, history, now)).toBe(reason)
  })

  it('should name a running wait timer as the gate left', () => {
    const timed = planReview(
      [{ ...release, wait_timer: 30, wait_timer_started_at: '2026-11-22T11:50:00Z' }],
      [],
      now
    ).blocked[0]
    if (!timed) throw new Error('release is not blocked')
    expect(blockedAfterReviews(timed, [approved('bob', 'release')], now)).toBe(
      'release: its required reviewers approved (bob); it waits for its wait timer (about 20 min left)'
    )
  })

  it('should keep the reason of an environment without reviewers', () => {
    const gated = planReview(
      [pending('qa', { current_user_can_approve: false, reviewers: [] })],
      [],
      now
    ).blocked[0]
    if (!gated) throw new Error('qa is not blocked')
    expect(blockedAfterReviews(gated, [approved('bob', 'qa')], now)).toBe(gated.reason)
  })
})

describe('waitTimerLeftSeconds', () => {
  it.each([
    ['no timer', 0, '2026-11-22T11:59:00Z', 0],
    ['not started', 30, null, 0],
    ['running', 30, '2026-11-22T11:50:00Z', 20 * 60],
    ['elapsed', 5, '2026-11-22T11:50:00Z', 0],
    ['unreadable start', 5, 'soon', 0]
  ])('%s', (_, minutes, started, left) => {
    expect(
      waitTimerLeftSeconds(
        pending('production', { wait_timer: minutes, wait_timer_started_at: started }),
        now
      )
    ).toBe(left)
  })
})

describe('describeReview', () => {
  const timed = pending('production', {
    wait_timer: 30,
    wait_timer_started_at: '2026-11-22T11:45:30Z'
  })
  it.each([
    ['approved', [pending('staging')], 'approved staging'],
    [
      'approved',
      [pending('staging'), timed],
      'approved staging, production; wait timer on production: about 16 min left'
    ],
    ['rejected', [pending('staging'), timed], 'rejected staging, production']
  ] as const)('%s %#', (state, deployments, reason) => {
    expect(describeReview(state, deployments, now)).toBe(reason)
  })
})

describe('describeHistory', () => {
  it.each([
    [[], ''],
    [
      [{ user: 'bob', state: 'approved', environments: ['staging'] }],
      'reviews so far: bob approved staging'
    ],
    [
      [
        { user: 'bob', state: 'approved', environments: ['staging', 'qa'] },
        { user: 'carol', state: 'rejected', environments: ['audit'] }
      ],
      'reviews so far: bob approved staging, qa; carol rejected audit'
    ]
  ])('%#', (history, text) => {
    expect(describeHistory(history)).toBe(text)
  })
})

describe('parseDeploymentCallbackUrl', () => {
  it.each([
    [
      'https://api.github.com/repos/acme/web/actions/runs/42/deployment_protection_rule',
      { owner: 'acme', repo: 'web', runId: 42 }
    ],
    [
      'https://ghe.example.com/api/v3/repos/acme/web.site/actions/runs/7/deployment_protection_rule',
      { owner: 'acme', repo: 'web.site', runId: 7 }
    ],
    ['https://api.github.com/repos/acme/web/actions/runs/42', undefined],
    ['https://api.github.com/repos/acme/web/actions/runs/0/deployment_protection_rule', undefined],
    ['/repos/acme/web/actions/runs/42/deployment_protection_rule', undefined],
    [42, undefined],
    [undefined, undefined]
  ])('%p', (value, expected) => {
    expect(parseDeploymentCallbackUrl(value)).toEqual(expected)
  })
})

describe('protectionRulePayload', () => {
  const rule = {
    environment: 'qa',
    deployment_callback_url: 'https://x/repos/a/b/actions/runs/1/deployment_protection_rule'
  }
  it.each([
    ['the event itself', 'deployment_protection_rule', rule, rule],
    [
      'a relayed repository_dispatch',
      'repository_dispatch',
      { action: 'deployment_protection_rule', client_payload: rule },
      rule
    ],
    [
      'another repository_dispatch',
      'repository_dispatch',
      { action: 'deploy', client_payload: rule },
      undefined
    ],
    [
      'a relay without payload',
      'repository_dispatch',
      { action: 'deployment_protection_rule' },
      undefined
    ],
    ['a workflow_run', 'workflow_run', { workflow_run: { id: 1 } }, undefined]
  ])('%s', (_, eventName, payload, expected) => {
    expect(protectionRulePayload(eventName, payload)).toEqual(expected)
  })
})
