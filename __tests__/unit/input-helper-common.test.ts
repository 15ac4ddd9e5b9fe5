/**
 * getSettings on the inputs every operation reads: masking, operation, the common settings,
 * github-token, the event payload, run-id and ACTIONS_OPS_TIME_SCALE.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import { parseOperation } from '../../src/inputs/operation.js'
import type { PacingSettings } from '../../src/settings.js'
import type { SettingsFor } from '../../src/operations/settings.js'
import { captureStdout } from '../lib/stdout.js'

// @actions/core announces masks on stdout; keep them for the assertions below, out of the test log.
const stdout = captureStdout()

describe('masking', () => {
  it('masks the token and a given secret value before anything else can print them', () => {
    getSettings(
      inputs({ operation: 'rotate-secrets', secrets: 'DEPLOY_KEY', value: 's3cr3t-value' }),
      runnerEnv
    )
    expect(stdout.join('')).toContain('::add-mask::ghs_test')
    expect(stdout.join('')).toContain('::add-mask::s3cr3t-value')
  })
})

describe('operation', () => {
  it('suggests the nearest operation for a typo and lists the valid ones', () => {
    expect(() => parseOperation('cancel-stal')).toThrow(
      /Did you mean 'cancel-stale'\?.*rerun-failed, cancel-stale, approve-fork-runs, review-deployments, rotate-secrets/
    )
    expect(() => parseOperation('rerun_failed')).toThrow(/Did you mean 'rerun-failed'/)
  })
  it('is required', () => {
    expect(() => getSettings(inputs({}), runnerEnv)).toThrow(/Input 'operation': is required/)
  })
})

describe('common settings', () => {
  it('reads defaults like action.yml gives them', () => {
    const settings = getSettings(inputs({ operation: 'cancel-stale' }), runnerEnv)
    expect(settings).toMatchObject({
      operation: 'cancel-stale',
      repositories: [{ owner: 'acme', repo: 'web' }],
      dryRun: false,
      limit: 100,
      failOnError: true,
      keepLatest: 1,
      filters: { workflows: [], branches: [], excludeBranches: [], events: [], actors: [] }
    })
    expect(settings.runner).toMatchObject({ apiUrl: 'http://127.0.0.1:1/api/v3', currentRunId: 77 })
    expect(settings.pacing.writeIntervalMs).toBe(1000)
  })
  it('takes several repositories, without duplicates', () => {
    const settings = getSettings(
      inputs({ operation: 'cancel-stale', repository: 'acme/web\nacme/api, ACME/web' }),
      runnerEnv
    )
    expect(settings.repositories).toEqual([
      { owner: 'acme', repo: 'web' },
      { owner: 'acme', repo: 'api' }
    ])
  })
  it('shrinks every wait with ACTIONS_OPS_TIME_SCALE, the request timeout included', () => {
    const pacing = (scale?: string): PacingSettings =>
      getSettings(inputs({ operation: 'cancel-stale' }), {
        ...runnerEnv,
        ...(scale !== undefined && { ACTIONS_OPS_TIME_SCALE: scale })
      }).pacing
    expect(pacing('0.01')).toEqual({
      timeScale: 0.01,
      writeIntervalMs: 10,
      retryBaseMs: 10,
      retryAfterScale: 0.01,
      requestTimeoutMs: 300,
      pollIntervalMs: 100
    })
    expect(pacing().requestTimeoutMs).toBe(30_000)
    expect(pacing('0.5').requestTimeoutMs).toBe(15_000)
    // Never shorter than a local server needs to answer a page of runs on a busy machine.
    expect(pacing('0.001').requestTimeoutMs).toBe(250)
    expect(pacing('0').requestTimeoutMs).toBe(250)
  })
  it.each(['-0.5', '2', 'fast'])('refuses ACTIONS_OPS_TIME_SCALE=%j', raw => {
    expect(() =>
      getSettings(inputs({ operation: 'cancel-stale' }), {
        ...runnerEnv,
        ACTIONS_OPS_TIME_SCALE: raw
      })
    ).toThrow(/ACTIONS_OPS_TIME_SCALE.*not a number from 0 to 1/)
  })
})

describe('github-token', () => {
  // Each is a token a secret could hold after a careless paste; none may be sent or echoed.
  const TOKEN = 'ghs_Zq8KpWxLmNvBtRyUaQwErTyUiOpAsDfGhJk'
  const BAD_TOKENS: Array<[string, string, RegExp]> = [
    [
      'a line break inside',
      `${TOKEN.slice(0, 20)}\n${TOKEN.slice(20)}`,
      /a line break \(U\+000A\) at character 21 of 40/
    ],
    [
      'a trailing zero-width space',
      `${TOKEN}\u200b`,
      /a non-ASCII character \(U\+200B, invisible\) at character 40 of 40/
    ],
    [
      'a tab inside',
      `${TOKEN.slice(0, 4)}\t${TOKEN.slice(4)}`,
      /a tab \(U\+0009\) at character 5 of 40/
    ],
    ['a space inside', `token ${TOKEN}`, /a space \(U\+0020\) at character 6 of 45/],
    [
      'a non-ASCII letter',
      `${TOKEN.slice(0, 10)}é${TOKEN.slice(10)}`,
      /a non-ASCII character \(U\+00E9\) at character 11 of 40/
    ],
    [
      'a control character',
      `${TOKEN}\u0007`,
      /a control character \(U\+0007\) at character 40 of 40/
    ]
  ]
  it.each(BAD_TOKENS)(
    'refuses a token with %s, naming github-token and where, never any part of it',
    (_case, token, where) => {
      let message = ''
      try {
        getSettings(inputs({ operation: 'cancel-stale', 'github-token': token }), runnerEnv)
      } catch (error) {
        message = error instanceof Error ? error.message : String(error)
      }
      expect(message).toMatch(/^Input 'github-token': has /)
      expect(message).toMatch(where)
      expect(message).toContain("e.g. 'github-token: ${{ secrets.OPS_TOKEN }}'")
      // No five characters in a row of the token, and nothing was masked: it never got that far.
      for (let i = 0; i + 5 <= TOKEN.length; i++) {
        expect(message).not.toContain(TOKEN.slice(i, i + 5))
      }
      expect(stdout.join('')).not.toContain('::add-mask::')
    }
  )
  it('takes a token with surrounding whitespace, trimmed, like core.getInput', () => {
    const settings = getSettings(
      inputs({ operation: 'cancel-stale', 'github-token': `  ${TOKEN}\n` }),
      runnerEnv
    )
    expect(settings.token).toBe(TOKEN)
  })
})

describe('the event payload', () => {
  it('says a GITHUB_EVENT_PATH that is not JSON is the payload file, not the run-id input', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
    writeFileSync(path, '{"workflow_run": {"id": 5')
    const env = { ...runnerEnv, GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: path }
    let message = ''
    try {
      getSettings(inputs({ operation: 'rerun-failed' }), env)
    } catch (error) {
      message = error instanceof Error ? error.message : String(error)
    }
    expect(message).toMatch(
      new RegExp(`^The event payload at GITHUB_EVENT_PATH \\(${path}\\) is not JSON \\(`)
    )
    expect(message).toContain("e.g. one holding '{}'")
    expect(message).not.toContain("'run-id'")
    // An operation that does not read the payload is not stopped by it.
    expect(getSettings(inputs({ operation: 'cancel-stale' }), env).operation).toBe('cancel-stale')
  })
  it('says when GITHUB_EVENT_PATH names no file', () => {
    const env = { ...runnerEnv, GITHUB_EVENT_PATH: join(tmpdir(), 'no-such-dir', 'event.json') }
    expect(() => getSettings(inputs({ operation: 'review-deployments' }), env)).toThrow(
      /^The event payload at GITHUB_EVENT_PATH \(.*event\.json\) could not be read \(ENOENT/
    )
  })
})

describe('run-id', () => {
  const eventFile = (payload: unknown): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
    writeFileSync(path, JSON.stringify(payload))
    return path
  }
  it('comes from the workflow_run event for rerun-failed', () => {
    const env = {
      ...runnerEnv,
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: eventFile({ workflow_run: { id: 555 } })
    }
    const settings = getSettings(
      inputs({ operation: 'rerun-failed' }),
      env
    ) as SettingsFor<'rerun-failed'>
    expect(settings.filters.runId).toBe(555)
  })
  it("reads the event's run once into the settings: id, attempt and repository", () => {
    const env = {
      ...runnerEnv,
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: eventFile({
        workflow_run: { id: 555, run_attempt: 2, repository: { full_name: 'acme/api' } }
      })
    }
    for (const operation of ['rerun-failed', 'cancel-stale']) {
      expect(getSettings(inputs({ operation }), env).runner.eventRun).toEqual({
        id: 555,
        attempt: 2,
        repository: 'acme/api'
      })
    }
    const push = { ...env, GITHUB_EVENT_NAME: 'push' }
    expect(getSettings(inputs({ operation: 'rerun-failed' }), push).runner.eventRun).toBeUndefined()
  })
  it('is not taken from the event for cancel-stale, which scans', () => {
    const env = {
      ...runnerEnv,
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: eventFile({ workflow_run: { id: 555 } })
    }
    const settings = getSettings(
      inputs({ operation: 'cancel-stale' }),
      env
    ) as SettingsFor<'cancel-stale'>
    expect(settings.filters.runId).toBeUndefined()
  })
  describe('with several repositories', () => {
    const two = { repository: 'acme/web, Acme/API' }
    const filtersFor = (payload: unknown): SettingsFor<'rerun-failed'>['filters'] =>
      (
        getSettings(inputs({ operation: 'rerun-failed', ...two }), {
          ...runnerEnv,
          GITHUB_EVENT_NAME: 'workflow_run',
          GITHUB_EVENT_PATH: eventFile(payload)
        }) as SettingsFor<'rerun-failed'>
      ).filters
    it("belongs to the workflow_run event's own repository, as repository spells it", () => {
      expect(
        filtersFor({ workflow_run: { id: 555 }, repository: { full_name: 'acme/api' } })
      ).toMatchObject({ runId: 555, runIdRepository: 'Acme/API' })
      expect(
        filtersFor({ workflow_run: { id: 555, repository: { full_name: 'acme/web' } } })
      ).toMatchObject({ runId: 555, runIdRepository: 'acme/web' })
    })
    it('is not taken from an event of another repository, or of none', () => {
      for (const payload of [
        { workflow_run: { id: 555 }, repository: { full_name: 'acme/docs' } },
        { workflow_run: { id: 555 } }
      ]) {
        const filters = filtersFor(payload)
        expect([filters.runId, filters.runIdRepository]).toEqual([undefined, undefined])
      }
    })
    it('refuses an explicit run-id, naming run-id and repository', () => {
      for (const operation of ['rerun-failed', 'cancel-stale', 'approve-fork-runs']) {
        expect(() =>
          getSettings(inputs({ operation, 'run-id': '555', ...two }), runnerEnv)
        ).toThrow(
          `Input 'run-id': "555" names one run, but 'repository' lists 2 repositories (acme/web, Acme/API)`
        )
      }
    })
  })
})

describe('ACTIONS_OPS_TIME_SCALE', () => {
  it('is named as the environment variable it is, not as an input', () => {
    expect(() =>
      getSettings(inputs({ operation: 'cancel-stale' }), {
        ...runnerEnv,
        ACTIONS_OPS_TIME_SCALE: 'fast'
      })
    ).toThrow(
      'The environment variable ACTIONS_OPS_TIME_SCALE is "fast", not a number from 0 to 1.'
    )
  })
})

describe('an empty github-token on a deployment_protection_rule event', () => {
  it("names the rule's app as the only token that can answer, not a personal access token", () => {
    const dir = mkdtempSync(join(tmpdir(), 'actions-ops-rule-'))
    const eventPath = join(dir, 'event.json')
    writeFileSync(
      eventPath,
      JSON.stringify({
        environment: 'production',
        deployment_callback_url:
          'https://api.github.com/repos/acme/web/actions/runs/7/deployment_protection_rule'
      })
    )
    const read = (): unknown =>
      getSettings(inputs({ operation: 'review-deployments', 'github-token': '' }), {
        ...runnerEnv,
        GITHUB_EVENT_NAME: 'deployment_protection_rule',
        GITHUB_EVENT_PATH: eventPath
      })
    expect(read).toThrow(/only the GitHub App that owns the deployment protection rule/)
    expect(read).not.toThrow(/personal access token/)
  })
})
