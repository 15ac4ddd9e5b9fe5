import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import {
  loadRequestValidator,
  type CheckResult,
  type RequestCheck
} from '../../simulator/openapi.js'

const validator = loadRequestValidator()

function check(method: string, pathAndQuery: string, body?: unknown): CheckResult {
  const [path = '', query = ''] = pathAndQuery.split('?')
  const req: RequestCheck = { method, path, query: new URLSearchParams(query), body }
  return validator.check(req)
}

function expectMatch(
  result: CheckResult,
  operationId: string,
  pathParams: Record<string, string>
): void {
  expect(result).toEqual({ ok: true, match: { operationId, pathParams } })
}

function expect422(result: CheckResult, operationId: string): string[] {
  expect(result.ok).toBe(false)
  if (result.ok) throw new Error('unreachable')
  expect(result.status).toBe(422)
  expect(result.message).toBe('Validation Failed')
  expect(result.operationId).toBe(operationId)
  expect(result.errors.length).toBeGreaterThan(0)
  return result.errors
}

const KEY = 'hBT5WZEj8ZoOv6TYJsfWq7MxTEQopZO5/IT3ZCVQPzs='

describe('operation list', () => {
  it('knows every operation from operations.json, sorted', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../simulator/openapi/operations.json', import.meta.url), 'utf8')
    ) as { operations: Record<string, unknown> }
    const ids = validator.operationIds()
    expect(ids).toEqual(Object.keys(file.operations).sort())
    expect(ids).toHaveLength(75)
    expect(ids).toContain('actions/review-custom-gates-for-run')
    expect(ids).toContain('users/get-authenticated')
  })

  it('turns OpenAPI nullable into a JSON-schema type union', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../simulator/openapi/operations.json', import.meta.url), 'utf8')
    ) as { operations: Record<string, { requestBody: { schema: { type: unknown } } | null }> }
    expect(file.operations['actions/re-run-workflow']?.requestBody?.schema.type).toEqual([
      'object',
      'null'
    ])
    expect(JSON.stringify(file)).not.toContain('"nullable"')
    expect(JSON.stringify(file)).not.toContain('"$ref"')
  })

  it('uses validators compiled from operations.json as it stands (node scripts/compile-openapi.mjs)', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/compile-openapi.mjs', '--check'], {
        stdio: 'pipe'
      })
    ).not.toThrow()
  })

  it('is loaded once per process', () => {
    expect(loadRequestValidator()).toBe(validator)
  })
})

describe('routing', () => {
  it('matches valid requests with their operationId and path parameters', () => {
    expectMatch(
      check('GET', '/repos/octo/hello/actions/runs?status=failure&per_page=100&page=2'),
      'actions/list-workflow-runs-for-repo',
      { owner: 'octo', repo: 'hello' }
    )
    expectMatch(check('GET', '/repos/octo/hello/actions/runs/42'), 'actions/get-workflow-run', {
      owner: 'octo',
      repo: 'hello',
      run_id: '42'
    })
    expectMatch(
      check('GET', '/repos/octo/hello/actions/runs/42/attempts/3/jobs?filter=all'),
      'actions/list-jobs-for-workflow-run-attempt',
      { owner: 'octo', repo: 'hello', run_id: '42', attempt_number: '3' }
    )
    expectMatch(
      check('POST', '/repos/octo/hello/actions/jobs/7/rerun', { enable_debug_logging: true }),
      'actions/re-run-job-for-workflow-run',
      { owner: 'octo', repo: 'hello', job_id: '7' }
    )
    expectMatch(
      check('GET', '/repos/octo/hello/actions/workflows/ci.yml/runs?exclude_pull_requests=true'),
      'actions/list-workflow-runs',
      { owner: 'octo', repo: 'hello', workflow_id: 'ci.yml' }
    )
    expectMatch(
      check('GET', '/repos/octo/hello/actions/workflows/161335'),
      'actions/get-workflow',
      { owner: 'octo', repo: 'hello', workflow_id: '161335' }
    )
    expectMatch(
      check('GET', '/repos/octo/hello/pulls?state=open&sort=updated&direction=asc'),
      'pulls/list',
      { owner: 'octo', repo: 'hello' }
    )
    expectMatch(check('GET', '/orgs/acme/repos?type=private'), 'repos/list-for-org', {
      org: 'acme'
    })
    expectMatch(check('GET', '/rate_limit'), 'rate-limit/get', {})
    expectMatch(check('GET', '/user'), 'users/get-authenticated', {})
  })

  it('prefers a literal segment over a parameter', () => {
    expectMatch(
      check('GET', '/repos/octo/hello/actions/secrets/public-key'),
      'actions/get-repo-public-key',
      { owner: 'octo', repo: 'hello' }
    )
    expectMatch(
      check('GET', '/repos/octo/hello/actions/secrets/NPM_TOKEN'),
      'actions/get-repo-secret',
      { owner: 'octo', repo: 'hello', secret_name: 'NPM_TOKEN' }
    )
    expectMatch(
      check('GET', '/orgs/acme/actions/secrets/public-key'),
      'actions/get-org-public-key',
      { org: 'acme' }
    )
    expectMatch(
      check('GET', '/repos/octo/hello/environments/prod/secrets/public-key'),
      'actions/get-environment-public-key',
      { owner: 'octo', repo: 'hello', environment_name: 'prod' }
    )
  })

  it('routes GET and POST on the same path to different operations', () => {
    expectMatch(
      check('GET', '/repos/o/r/actions/runs/1/pending_deployments'),
      'actions/get-pending-deployments-for-run',
      { owner: 'o', repo: 'r', run_id: '1' }
    )
    expectMatch(
      check('post', '/repos/o/r/actions/runs/1/pending_deployments', {
        environment_ids: [5],
        state: 'approved',
        comment: 'ok'
      }),
      'actions/review-pending-deployments-for-run',
      { owner: 'o', repo: 'r', run_id: '1' }
    )
  })

  it('percent-decodes environment names and other path parameters', () => {
    expectMatch(
      check('GET', '/repos/octo/hello/environments/staging%2Feu%20west'),
      'repos/get-environment',
      { owner: 'octo', repo: 'hello', environment_name: 'staging/eu west' }
    )
    expectMatch(
      check('PUT', '/repos/octo/hello/environments/prod%20%F0%9F%9A%80/secrets/API_KEY', {
        encrypted_value: KEY,
        key_id: '568250167242549743'
      }),
      'actions/create-or-update-environment-secret',
      { owner: 'octo', repo: 'hello', environment_name: 'prod 🚀', secret_name: 'API_KEY' }
    )
    expectMatch(
      check('GET', '/repos/octo/hello/environments/a%2Fb/secrets'),
      'actions/list-environment-secrets',
      { owner: 'octo', repo: 'hello', environment_name: 'a/b' }
    )
  })

  it('lets a multi-segment parameter span slashes', () => {
    expectMatch(
      check('GET', '/repos/o/r/commits/heads/main/pulls'),
      'repos/list-pull-requests-associated-with-commit',
      { owner: 'o', repo: 'r', commit_sha: 'heads/main' }
    )
    expectMatch(
      check('GET', '/repos/o/r/commits/6dcb09b5b57875f334f61aebed695e2e4193db5e/pulls'),
      'repos/list-pull-requests-associated-with-commit',
      { owner: 'o', repo: 'r', commit_sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e' }
    )
  })

  it('answers HEAD like GET', () => {
    expectMatch(check('HEAD', '/repos/octo/hello'), 'repos/get', { owner: 'octo', repo: 'hello' })
  })

  it.each([
    ['GET', '/repos/octo/hello/issues'],
    ['PATCH', '/repos/octo/hello/actions/runs/42'],
    ['GET', '/repos/octo/hello/actions/runs/42/'],
    ['GET', '/repos//hello'],
    ['GET', '/repos/octo/hello/environments/%E0%A4%A'],
    ['GET', 'rate_limit'],
    ['GET', '/']
  ])('returns 404 for %s %s', (method, path) => {
    expect(check(method, path)).toEqual({
      ok: false,
      status: 404,
      message: 'Not Found',
      errors: []
    })
  })
})

describe('query parameters', () => {
  it('rejects a status outside the documented enum', () => {
    const errors = expect422(
      check('GET', '/repos/o/r/actions/runs?status=bogus'),
      'actions/list-workflow-runs-for-repo'
    )
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /^query parameter "status" must be one of: completed, action_required, .*\(got "bogus"\)$/
    )
  })

  it('rejects per_page above 100', () => {
    const errors = expect422(
      check('GET', '/repos/o/r/actions/runs?per_page=101'),
      'actions/list-workflow-runs-for-repo'
    )
    expect(errors).toEqual(['query parameter "per_page" must be <= 100 (got 101)'])
    expect(check('GET', '/repos/o/r/pulls?per_page=100').ok).toBe(true)
    expect422(
      check('GET', '/orgs/acme/actions/secrets/X/repositories?per_page=500'),
      'actions/list-selected-repos-for-org-secret'
    )
  })

  it('rejects a non-integer page and a non-boolean flag, naming each field', () => {
    const errors = expect422(
      check('GET', '/repos/o/r/actions/runs?page=two&exclude_pull_requests=yes'),
      'actions/list-workflow-runs-for-repo'
    )
    expect(errors).toEqual([
      'query parameter "page" must be integer (got "two")',
      'query parameter "exclude_pull_requests" must be boolean (got "yes")'
    ])
    expect422(check('GET', '/repos/o/r/pulls?page=1.5'), 'pulls/list')
  })

  it('accepts search-syntax date ranges for created, as GitHub does', () => {
    for (const created of ['2024-01-01T00:00:00Z', '>=2024-01-01', '2024-01-01..2024-02-01']) {
      expect(
        check('GET', `/repos/o/r/actions/runs?created=${encodeURIComponent(created)}`).ok
      ).toBe(true)
    }
  })

  it('ignores query parameters GitHub does not document', () => {
    expect(check('GET', '/repos/o/r/actions/runs?foo=bar&per_page=5').ok).toBe(true)
  })

  it('uses the last value of a repeated parameter', () => {
    expect(check('GET', '/repos/o/r/actions/runs?per_page=500&per_page=50').ok).toBe(true)
    expect(check('GET', '/repos/o/r/actions/runs?per_page=50&per_page=500').ok).toBe(false)
  })
})

describe('path parameters', () => {
  it('rejects a run id that is not an integer', () => {
    const errors = expect422(
      check('POST', '/repos/o/r/actions/runs/abc/cancel'),
      'actions/cancel-workflow-run'
    )
    expect(errors).toEqual(['path parameter "run_id" must be integer (got "abc")'])
  })

  it('accepts a workflow id given as a number or a file name', () => {
    expect(check('GET', '/repos/o/r/actions/workflows/12/runs').ok).toBe(true)
    expect(check('GET', '/repos/o/r/actions/workflows/deploy.yaml/runs').ok).toBe(true)
  })
})

describe('request bodies', () => {
  it('accepts a cancel with or without a body, since the operation documents none', () => {
    expect(check('POST', '/repos/o/r/actions/runs/9/cancel', {}).ok).toBe(true)
    expect(check('POST', '/repos/o/r/actions/runs/9/cancel', { reason: 'stale' }).ok).toBe(true)
    expect(check('POST', '/repos/o/r/actions/runs/9/force-cancel').ok).toBe(true)
    expect(check('POST', '/repos/o/r/actions/runs/9/approve', null).ok).toBe(true)
  })

  it('accepts a repository secret with encrypted_value and key_id', () => {
    expectMatch(
      check('PUT', '/repos/o/r/actions/secrets/NPM_TOKEN', {
        encrypted_value: KEY,
        key_id: '568250167242549743'
      }),
      'actions/create-or-update-repo-secret',
      { owner: 'o', repo: 'r', secret_name: 'NPM_TOKEN' }
    )
  })

  it('rejects a repository secret without key_id, or with a value that is not base64', () => {
    expect(
      expect422(
        check('PUT', '/repos/o/r/actions/secrets/T', { encrypted_value: KEY }),
        'actions/create-or-update-repo-secret'
      )
    ).toEqual(['body.key_id is required'])
    const errors = expect422(
      check('PUT', '/repos/o/r/actions/secrets/T', { encrypted_value: 'not base64!', key_id: '1' }),
      'actions/create-or-update-repo-secret'
    )
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^body\.encrypted_value must match pattern/)
  })

  it('rejects a missing required body', () => {
    expect(
      expect422(
        check('PUT', '/repos/o/r/actions/secrets/T'),
        'actions/create-or-update-repo-secret'
      )
    ).toEqual(['body is required'])
  })

  it('rejects an organization secret without visibility', () => {
    const errors = expect422(
      check('PUT', '/orgs/acme/actions/secrets/DEPLOY_KEY', { encrypted_value: KEY, key_id: '1' }),
      'actions/create-or-update-org-secret'
    )
    expect(errors).toEqual(['body.visibility is required'])
  })

  it('accepts an organization secret with selected repositories and rejects a bad visibility', () => {
    expect(
      check('PUT', '/orgs/acme/actions/secrets/DEPLOY_KEY', {
        encrypted_value: KEY,
        key_id: '1',
        visibility: 'selected',
        selected_repository_ids: [1296269, '1296280']
      }).ok
    ).toBe(true)
    const errors = expect422(
      check('PUT', '/orgs/acme/actions/secrets/DEPLOY_KEY', { visibility: 'everyone' }),
      'actions/create-or-update-org-secret'
    )
    expect(errors).toEqual([
      'body.visibility must be one of: all, private, selected (got "everyone")'
    ])
  })

  it('takes Dependabot organization repository ids as strings or integers, Codespaces ones as integers only', () => {
    const body = {
      encrypted_value: KEY,
      key_id: '1',
      visibility: 'selected',
      selected_repository_ids: [1296269, '1296280']
    }
    expect(check('PUT', '/orgs/acme/dependabot/secrets/NPM_TOKEN', body).ok).toBe(true)
    expect(
      expect422(
        check('PUT', '/orgs/acme/codespaces/secrets/NPM_TOKEN', body),
        'codespaces/create-or-update-org-secret'
      )
    ).toEqual(['body.selected_repository_ids[1] must be integer (got "1296280")'])
  })

  it('requires integer repository ids when setting selected repositories', () => {
    expect(
      check('PUT', '/orgs/acme/actions/secrets/X/repositories', { selected_repository_ids: [1, 2] })
        .ok
    ).toBe(true)
    expect(
      expect422(
        check('PUT', '/orgs/acme/actions/secrets/X/repositories', {
          selected_repository_ids: [1, 'two']
        }),
        'actions/set-selected-repos-for-org-secret'
      )
    ).toEqual(['body.selected_repository_ids[1] must be integer (got "two")'])
  })

  it('rejects a pending-deployment review without comment', () => {
    const errors = expect422(
      check('POST', '/repos/o/r/actions/runs/1/pending_deployments', {
        environment_ids: [161171787],
        state: 'approved'
      }),
      'actions/review-pending-deployments-for-run'
    )
    expect(errors).toEqual(['body.comment is required'])
  })

  it('reports every problem of a body at once', () => {
    const errors = expect422(
      check('POST', '/repos/o/r/actions/runs/1/pending_deployments', {
        environment_ids: 'prod',
        state: 'maybe'
      }),
      'actions/review-pending-deployments-for-run'
    )
    expect(errors).toEqual(
      expect.arrayContaining([
        'body.comment is required',
        'body.environment_ids must be array (got "prod")',
        'body.state must be one of: approved, rejected (got "maybe")'
      ])
    )
  })

  it('accepts null where the schema is nullable, and an omitted optional body', () => {
    expect(check('POST', '/repos/o/r/actions/runs/1/rerun', null).ok).toBe(true)
    expect(check('POST', '/repos/o/r/actions/runs/1/rerun-failed-jobs', null).ok).toBe(true)
    expect(check('POST', '/repos/o/r/actions/runs/1/rerun').ok).toBe(true)
    expect(
      check('POST', '/repos/o/r/actions/runs/1/rerun', { enable_debug_logging: true }).ok
    ).toBe(true)
    expect(
      expect422(
        check('POST', '/repos/o/r/actions/runs/1/rerun', { enable_debug_logging: 'yes' }),
        'actions/re-run-workflow'
      )
    ).toEqual(['body.enable_debug_logging must be boolean (got "yes")'])
    // Non-nullable bodies still reject null.
    expect(
      expect422(
        check('PUT', '/repos/o/r/actions/secrets/T', null),
        'actions/create-or-update-repo-secret'
      )
    ).toEqual(['body must be object (got null)'])
  })

  it('accepts either documented shape for custom deployment gates', () => {
    const path = '/repos/o/r/actions/runs/1/deployment_protection_rule'
    expect(check('POST', path, { environment_name: 'prod', state: 'approved' }).ok).toBe(true)
    expect(
      check('POST', path, { environment_name: 'prod', comment: 'health checks passed' }).ok
    ).toBe(true)
    const errors = expect422(
      check('POST', path, { environment_name: 'prod' }),
      'actions/review-custom-gates-for-run'
    )
    expect(errors).toEqual(expect.arrayContaining(['body does not match any documented shape']))
  })
})
