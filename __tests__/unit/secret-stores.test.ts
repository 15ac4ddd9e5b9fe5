import { describe, expect, it } from '@jest/globals'
import { describeSecretsApiError, PERMISSION_HINTS } from '../../src/boundary/api-errors.js'
import type { TargetResult } from '../../src/boundary/outcomes.js'
import { summaryGroups } from '../../src/adapters/action/report.js'
import type { SecretApp, SecretScopeKind } from '../../src/settings.js'

/** An error shaped like Octokit's RequestError. */
const apiError = (status: number, message: string, headers: Record<string, string> = {}): Error =>
  Object.assign(new Error(`${message} - https://docs.github.com/rest`), {
    status,
    response: { headers }
  })

describe('describeSecretsApiError', () => {
  it.each<[SecretApp, SecretScopeKind, string]>([
    [
      'actions',
      'repository',
      '`secrets: write` (Actions secrets of repositories; a classic token needs `repo`)'
    ],
    [
      'actions',
      'environment',
      '`secrets: write` (Actions secrets of environments also need `environments: write` and `actions: read`; a classic token needs `repo`)'
    ],
    [
      'actions',
      'organization',
      '`organization_secrets: write` (Actions secrets of organizations; a classic token needs `admin:org`)'
    ],
    [
      'dependabot',
      'repository',
      '`dependabot_secrets: write` (Dependabot secrets of repositories; a classic token needs `repo`)'
    ],
    [
      'dependabot',
      'organization',
      '`organization_dependabot_secrets: write` (Dependabot secrets of organizations; a classic token needs `admin:org`)'
    ],
    [
      'codespaces',
      'repository',
      '`codespaces_secrets: write` (Codespaces secrets of repositories; a classic token needs `repo`)'
    ],
    [
      'codespaces',
      'organization',
      '`organization_codespaces_secrets: write` (Codespaces secrets of organizations; a classic token needs `admin:org`)'
    ]
  ])('names the permission of %s secrets of a %s on a 403', (app, kind, permission) => {
    expect(
      describeSecretsApiError(apiError(403, 'Resource not accessible by integration'), app, kind)
    ).toBe(
      `403 Resource not accessible by integration: \`GITHUB_TOKEN\` cannot write secrets: pass a token with ${permission} in \`github-token\``
    )
  })

  it('says a token answered 401 is invalid, naming github-token and every store the operation writes', () => {
    const revoked = describeSecretsApiError(
      apiError(401, 'Bad credentials'),
      'dependabot',
      'repository'
    )
    expect(revoked).toBe(
      `401 Bad credentials: the token is invalid or expired; pass a valid one in \`github-token\` (for rotate-secrets, ${PERMISSION_HINTS['rotate-secrets']})`
    )
    expect(revoked).toContain('`dependabot_secrets: write`')
  })

  it('says when the primary rate limit ran out rather than naming a permission', () => {
    const error = apiError(403, 'API rate limit exceeded', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '1700000000'
    })
    expect(describeSecretsApiError(error, 'dependabot', 'repository')).toBe(
      'rate limit exhausted until 2023-11-14T22:13:20.000Z'
    )
  })

  it('reads other errors as for any request', () => {
    expect(
      describeSecretsApiError(
        apiError(422, 'Invalid repository ids: 7'),
        'codespaces',
        'organization'
      )
    ).toBe('422 Invalid repository ids: 7')
    expect(describeSecretsApiError(new Error('socket hang up'), 'dependabot', 'repository')).toBe(
      'socket hang up'
    )
  })
})

describe('summaryGroups', () => {
  const result = (id: string, app?: SecretApp): TargetResult => ({
    repository: 'acme/web',
    kind: app ? 'secret' : 'run',
    id,
    action: app ? 'write-secret' : 'cancel',
    url: '',
    ...(app && { app }),
    outcome: 'done',
    reason: ''
  })

  it('keeps results without a store in one table without a heading', () => {
    const runs = [result('1'), result('2')]
    expect(summaryGroups(runs)).toEqual([{ results: runs }])
  })

  it('groups secrets by store, in the order the stores first appear, keeping the order within', () => {
    const rows = [
      result('A', 'dependabot'),
      result('A', 'actions'),
      result('B', 'dependabot'),
      result('B', 'actions'),
      result('C', 'codespaces')
    ]
    expect(
      summaryGroups(rows).map(group => [group.heading, group.results.map(r => r.id).join('')])
    ).toEqual([
      ['Dependabot secrets', 'AB'],
      ['Actions secrets', 'AB'],
      ['Codespaces secrets', 'C']
    ])
  })

  it('gives no table for no results', () => {
    expect(summaryGroups([])).toEqual([])
  })
})
