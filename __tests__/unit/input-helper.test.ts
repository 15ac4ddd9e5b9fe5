import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import { parseOperation } from '../../src/inputs/operation.js'
import type { PacingSettings } from '../../src/settings.js'
import type { SettingsFor } from '../../src/operations/settings.js'

// @actions/core announces masks on stdout; keep them for the assertions below, out of the test log.
let stdout: string[] = []
beforeEach(() => {
  stdout = []
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    stdout.push(String(chunk))
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
})

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

describe('cancel-stale settings', () => {
  it('reads durations in seconds', () => {
    const settings = getSettings(
      inputs({
        operation: 'cancel-stale',
        'stale-after': '6h',
        'force-cancel-after': '5m',
        'keep-latest': '2'
      }),
      runnerEnv
    ) as SettingsFor<'cancel-stale'>
    expect(settings).toMatchObject({
      staleAfterSeconds: 21600,
      forceCancelAfterSeconds: 300,
      keepLatest: 2
    })
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

describe('rotate-secrets settings', () => {
  it('upper-cases names and merges names that differ only in case', () => {
    const settings = getSettings(
      inputs({
        operation: 'rotate-secrets',
        secrets: 'npm_token, NPM_TOKEN, Deploy_Key',
        value: 's3cr3t'
      }),
      runnerEnv
    ) as SettingsFor<'rotate-secrets'>
    expect(settings.secrets).toEqual(['NPM_TOKEN', 'DEPLOY_KEY'])
    expect(settings.source).toEqual({ kind: 'value', value: 's3cr3t' })
  })
  describe('value, read through core.getInput', () => {
    const PEM =
      '-----BEGIN TEST KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END TEST KEY-----\n'
    let saved: NodeJS.ProcessEnv
    beforeEach(() => {
      saved = { ...process.env }
    })
    afterEach(() => {
      process.env = saved
    })
    const withEnv = (value: string, more: Record<string, string> = {}): void => {
      const all = {
        operation: 'rotate-secrets',
        'github-token': 'ghs_test',
        secrets: 'TLS_KEY',
        value,
        ...more
      }
      for (const [name, input] of Object.entries(all))
        process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = input
    }

    it('keeps the value exactly as given, trailing newline and spaces included', () => {
      withEnv(`  ${PEM}`)
      const settings = getSettings(undefined, runnerEnv) as SettingsFor<'rotate-secrets'>
      expect(settings.source).toEqual({ kind: 'value', value: `  ${PEM}` })
    })
    it('masks the value as it is and each of its lines', () => {
      withEnv(PEM)
      getSettings(undefined, runnerEnv)
      const masks = stdout
        .join('')
        .split('\n')
        .filter(line => line.startsWith('::add-mask::'))
      expect(masks).toEqual([
        '::add-mask::ghs_test',
        `::add-mask::${PEM.replace(/\n/g, '%0A')}`,
        '::add-mask::-----BEGIN TEST KEY-----',
        '::add-mask::MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
        '::add-mask::-----END TEST KEY-----'
      ])
    })
    it('refuses a value of whitespace only, as empty, unless generate', () => {
      withEnv(' \n\t ')
      expect(() => getSettings(undefined, runnerEnv)).toThrow(
        /Input 'value': is empty \(only whitespace\)\. An empty value would wipe the secret/
      )
      withEnv(' \n', { generate: 'true' })
      const settings = getSettings(undefined, runnerEnv) as SettingsFor<'rotate-secrets'>
      expect(settings.source.kind).toBe('generate')
      expect(stdout.join('')).not.toMatch(/::add-mask::\s*(%0A)?\s*$/m)
    })
  })
  it('drops repeated selected-repositories, whatever their case', () => {
    const settings = getSettings(
      inputs({
        operation: 'rotate-secrets',
        secrets: 'A',
        value: 's3cr3t',
        scope: 'organization',
        visibility: 'selected',
        'selected-repositories': 'web, api\nWeb, web'
      }),
      runnerEnv
    ) as SettingsFor<'rotate-secrets'>
    expect(settings.selectedRepositories).toEqual(['web', 'api'])
  })
  it.each([
    ['', ['actions']],
    ['dependabot', ['dependabot']],
    ['dependabot, actions\ndependabot', ['dependabot', 'actions']],
    ['actions, dependabot, codespaces', ['actions', 'dependabot', 'codespaces']]
  ])('reads app %j as the stores %j, in input order without repeats', (app, apps) => {
    const settings = getSettings(
      inputs({ operation: 'rotate-secrets', secrets: 'A', value: 's3cr3t', app }),
      runnerEnv
    ) as SettingsFor<'rotate-secrets'>
    expect(settings.apps).toEqual(apps)
  })
  it('takes app actions with scope environment, and every store with scope organization', () => {
    const environment = getSettings(
      inputs({
        operation: 'rotate-secrets',
        secrets: 'A',
        value: 's3cr3t',
        scope: 'environment',
        environment: 'production',
        app: 'actions'
      }),
      runnerEnv
    ) as SettingsFor<'rotate-secrets'>
    expect(environment.apps).toEqual(['actions'])
    const organization = getSettings(
      inputs({
        operation: 'rotate-secrets',
        secrets: 'A',
        value: 's3cr3t',
        scope: 'organization',
        app: 'codespaces, dependabot'
      }),
      runnerEnv
    ) as SettingsFor<'rotate-secrets'>
    expect(organization.apps).toEqual(['codespaces', 'dependabot'])
  })
  it('defaults the organization to the repository owner', () => {
    const settings = getSettings(
      inputs({
        operation: 'rotate-secrets',
        secrets: 'A',
        generate: 'true',
        scope: 'organization'
      }),
      runnerEnv
    ) as SettingsFor<'rotate-secrets'>
    expect(settings).toMatchObject({
      organization: 'acme',
      source: { kind: 'generate', length: 32, encoding: 'base64url' }
    })
  })
})

describe('clean-up settings', () => {
  it('reads delete-runs: older-than in seconds, keep-latest 0, any GitHub conclusion', () => {
    const settings = getSettings(
      inputs({
        operation: 'delete-runs',
        'older-than': '30d',
        'keep-latest': '0',
        conclusions: 'startup_failure, stale, success, stale'
      }),
      runnerEnv
    ) as SettingsFor<'delete-runs'>
    expect(settings).toMatchObject({
      olderThanSeconds: 30 * 86_400,
      keepLatest: 0,
      conclusions: ['startup_failure', 'stale', 'success'],
      filters: { workflows: [], branches: [] }
    })
  })
  it('reads an empty conclusions as any for delete-runs and as failure for rerun-failed', () => {
    const deleteRuns = getSettings(
      inputs({ operation: 'delete-runs', 'older-than': '1d', conclusions: '' }),
      runnerEnv
    ) as SettingsFor<'delete-runs'>
    const rerun = getSettings(
      inputs({ operation: 'rerun-failed', conclusions: '' }),
      runnerEnv
    ) as SettingsFor<'rerun-failed'>
    expect(deleteRuns.conclusions).toEqual([])
    expect(deleteRuns.keepLatest).toBe(1)
    expect(rerun.conclusions).toEqual(['failure'])
  })
  it.each(['0s', '0d', '0h0m', '00s'])('reads older-than %s as no age condition', value => {
    const settings = getSettings(
      inputs({ operation: 'delete-caches', 'older-than': value }),
      runnerEnv
    ) as SettingsFor<'delete-caches'>
    expect(settings.olderThanSeconds).toBe(0)
  })
  it('reads delete-artifacts with its name globs and branch filters', () => {
    const settings = getSettings(
      inputs({
        operation: 'delete-artifacts',
        'older-than': '7d',
        'artifact-name': 'coverage-*, build',
        'exclude-branch': 'release/**'
      }),
      runnerEnv
    ) as SettingsFor<'delete-artifacts'>
    expect(settings).toMatchObject({
      olderThanSeconds: 7 * 86_400,
      keepLatest: 1,
      artifactNames: ['coverage-*', 'build'],
      filters: { excludeBranches: ['release/**'], workflows: [], events: [], actors: [] }
    })
  })
  it('reads delete-caches with key and ref globs and closed-pull-requests', () => {
    const settings = getSettings(
      inputs({
        operation: 'delete-caches',
        'older-than': '1w',
        'cache-key': 'Linux-node-*',
        'cache-ref': 'refs/pull/*/merge',
        'closed-pull-requests': 'true'
      }),
      runnerEnv
    ) as SettingsFor<'delete-caches'>
    expect(settings).toMatchObject({
      olderThanSeconds: 7 * 86_400,
      cacheKeys: ['Linux-node-*'],
      cacheRefs: ['refs/pull/*/merge'],
      closedPullRequests: true
    })
  })
})

// Every bad value fails before any API call (getSettings makes none) and names the input.
const BAD_INPUTS: Array<[string, Record<string, string>, RegExp]> = [
  ['unknown operation', { operation: 'purge' }, /'operation'.*Valid operations/],
  ['operation typo', { operation: 'aprove-fork-runs' }, /Did you mean 'approve-fork-runs'/],
  ['empty token', { operation: 'cancel-stale', 'github-token': ' ' }, /'github-token': is empty/],
  [
    'malformed repository',
    { operation: 'cancel-stale', repository: 'acme' },
    /'repository'.*owner\/repo/
  ],
  [
    'repository with three parts',
    { operation: 'cancel-stale', repository: 'a/b/c' },
    /'repository'/
  ],
  [
    'repository URL',
    { operation: 'cancel-stale', repository: 'https://github.com/acme/web' },
    /'repository'/
  ],
  [
    'owner glob in repository',
    { operation: 'cancel-stale', repository: '*/web' },
    /'repository'.*only the name part may be a glob/
  ],
  ['repository without a name', { operation: 'cancel-stale', repository: 'acme/' }, /'repository'/],
  [
    'exclude-repository without an owner part',
    { operation: 'cancel-stale', 'exclude-repository': 'legacy-*' },
    /'exclude-repository'/
  ],
  [
    'run-id with a repository pattern',
    { operation: 'cancel-stale', repository: 'acme/*', 'run-id': '5' },
    /'run-id'.*pattern/
  ],
  ['bad dry-run', { operation: 'cancel-stale', 'dry-run': 'yes' }, /'dry-run'.*true or false/],
  ['bad fail-on-error', { operation: 'cancel-stale', 'fail-on-error': 'nope' }, /'fail-on-error'/],
  ['negative limit', { operation: 'cancel-stale', limit: '-5' }, /'limit'.*whole number/],
  ['zero limit', { operation: 'cancel-stale', limit: '0' }, /'limit'.*out of range/],
  ['huge limit', { operation: 'cancel-stale', limit: '99999999' }, /'limit'.*out of range/],
  ['fractional limit', { operation: 'cancel-stale', limit: '2.5' }, /'limit'/],
  ['bad run-id', { operation: 'cancel-stale', 'run-id': 'abc' }, /'run-id'.*workflow run id/],
  ['zero run-id', { operation: 'rerun-failed', 'run-id': '0' }, /'run-id'/],
  ['bad workflow', { operation: 'cancel-stale', workflow: 'CI' }, /'workflow'.*ci\.yml/],
  ['negated branch glob', { operation: 'cancel-stale', branch: '!main' }, /'branch'/],
  [
    'negated exclude-branch',
    { operation: 'cancel-stale', 'exclude-branch': '!gh-pages' },
    /'exclude-branch'/
  ],
  ['bad event', { operation: 'cancel-stale', event: 'Push!' }, /'event'/],
  ['negated actor', { operation: 'cancel-stale', actor: '!bot' }, /'actor'/],
  ['bad keep-latest', { operation: 'cancel-stale', 'keep-latest': 'all' }, /'keep-latest'/],
  [
    'zero keep-latest',
    { operation: 'cancel-stale', 'keep-latest': '0' },
    /'keep-latest'.*out of range/
  ],
  [
    'bad stale-after',
    { operation: 'cancel-stale', 'stale-after': '6 hours' },
    /'stale-after'.*30m/
  ],
  ['unitless stale-after', { operation: 'cancel-stale', 'stale-after': '3600' }, /'stale-after'/],
  [
    'bad force-cancel-after',
    { operation: 'cancel-stale', 'force-cancel-after': '5min' },
    /'force-cancel-after'/
  ],
  ['bad lookback', { operation: 'rerun-failed', lookback: 'yesterday' }, /'lookback'/],
  [
    'lookback past the retention',
    { operation: 'rerun-failed', lookback: '999999999d' },
    /'lookback': "999999999d" is longer than 400d.*GitHub keeps runs at most 400 days.*e\.g\. 'lookback: 400d'/
  ],
  [
    'lookback of zero',
    { operation: 'rerun-failed', lookback: '0s' },
    /'lookback': "0s" is shorter than 1s/
  ],
  [
    'stale-after longer than a run lasts',
    { operation: 'cancel-stale', 'stale-after': '36d' },
    /'stale-after': "36d" is longer than 35d.*e\.g\. 'stale-after: 35d'/
  ],
  [
    'force-cancel-after longer than a job lasts',
    { operation: 'cancel-stale', 'force-cancel-after': '6h1m' },
    /'force-cancel-after': "6h1m" is longer than 6h.*e\.g\. 'force-cancel-after: 6h'/
  ],
  [
    'token with a line break',
    { operation: 'cancel-stale', 'github-token': 'ghs_abcdefgh\nijklmnop' },
    /'github-token': has a line break/
  ],
  [
    'lookbehind log-pattern',
    { operation: 'rerun-failed', 'log-pattern': '(?<=npm )ERR!' },
    /'log-pattern'.*RE2 syntax.*no lookahead or lookbehind/
  ],
  [
    'bad conclusion',
    { operation: 'rerun-failed', conclusions: 'failure, flaky' },
    /'conclusions'.*failure, timed_out, cancelled/
  ],
  ['zero max-attempts', { operation: 'rerun-failed', 'max-attempts': '0' }, /'max-attempts'/],
  [
    'max-attempts over 50',
    { operation: 'rerun-failed', 'max-attempts': '51' },
    /'max-attempts'.*1 to 50/
  ],
  [
    'bad log-pattern',
    { operation: 'rerun-failed', 'log-pattern': '[unclosed' },
    /'log-pattern'.*regular expression/
  ],
  ['negated job-filter', { operation: 'rerun-failed', 'job-filter': '!e2e' }, /'job-filter'/],
  [
    'bad enable-debug-logging',
    { operation: 'rerun-failed', 'enable-debug-logging': 'y' },
    /'enable-debug-logging'/
  ],
  [
    'bad skip-superseded',
    { operation: 'rerun-failed', 'skip-superseded': '2' },
    /'skip-superseded'/
  ],
  [
    'negated trusted-actors',
    { operation: 'approve-fork-runs', 'trusted-actors': '!mallory' },
    /'trusted-actors'/
  ],
  [
    'negated protected-paths',
    { operation: 'approve-fork-runs', 'protected-paths': '!src/**' },
    /'protected-paths'/
  ],
  [
    'bad state',
    { operation: 'review-deployments', state: 'approve' },
    /'state'.*approved, rejected/
  ],
  [
    'negated environments',
    { operation: 'review-deployments', environments: '!prod' },
    /'environments'/
  ],
  ['missing secrets', { operation: 'rotate-secrets', value: 'x' }, /'secrets': is required/],
  [
    'secret name with dash',
    { operation: 'rotate-secrets', secrets: 'NPM-TOKEN', value: 'x' },
    /'secrets'.*not a secret name/
  ],
  [
    'secret name starting with a digit',
    { operation: 'rotate-secrets', secrets: '1TOKEN', value: 'x' },
    /'secrets'/
  ],
  [
    'reserved GITHUB_ name',
    { operation: 'rotate-secrets', secrets: 'github_token', value: 'x' },
    /'secrets'.*GITHUB_/
  ],
  [
    'empty value without generate',
    { operation: 'rotate-secrets', secrets: 'A' },
    /'value': is empty/
  ],
  [
    'value and generate',
    { operation: 'rotate-secrets', secrets: 'A', value: 'x', generate: 'true' },
    /'value'.*generate/
  ],
  [
    'value over 48 KB',
    { operation: 'rotate-secrets', secrets: 'A', value: 'x'.repeat(49 * 1024) },
    /'value'.*48 KB/
  ],
  [
    'bad encoding',
    { operation: 'rotate-secrets', secrets: 'A', generate: 'true', encoding: 'base32' },
    /'encoding'/
  ],
  [
    'too short length',
    { operation: 'rotate-secrets', secrets: 'A', generate: 'true', length: '4' },
    /'length'/
  ],
  [
    'bad scope',
    { operation: 'rotate-secrets', secrets: 'A', value: 'x', scope: 'enterprise' },
    /'scope'/
  ],
  [
    'environment scope without environment',
    { operation: 'rotate-secrets', secrets: 'A', value: 'x', scope: 'environment' },
    /'environment': is required/
  ],
  [
    'environment without its scope',
    { operation: 'rotate-secrets', secrets: 'A', value: 'x', environment: 'prod' },
    /'environment'.*scope: environment/
  ],
  [
    'visibility outside organization scope',
    { operation: 'rotate-secrets', secrets: 'A', value: 'x', visibility: 'all' },
    /'visibility'.*scope: organization/
  ],
  [
    'bad visibility',
    {
      operation: 'rotate-secrets',
      secrets: 'A',
      value: 'x',
      scope: 'organization',
      visibility: 'public'
    },
    /'visibility'/
  ],
  [
    'selected without repositories',
    {
      operation: 'rotate-secrets',
      secrets: 'A',
      value: 'x',
      scope: 'organization',
      visibility: 'selected'
    },
    /'selected-repositories': is empty/
  ],
  [
    'repositories without selected',
    {
      operation: 'rotate-secrets',
      secrets: 'A',
      value: 'x',
      scope: 'organization',
      'selected-repositories': 'web'
    },
    /'selected-repositories'.*visibility: selected/
  ],
  [
    'unknown secret store',
    { operation: 'rotate-secrets', secrets: 'A', value: 'x', app: 'actions, dependabots' },
    /'app': "dependabots" is not a secret store\. Use actions, dependabot, codespaces/
  ],
  [
    'secret store in another case',
    { operation: 'rotate-secrets', secrets: 'A', value: 'x', app: 'Dependabot' },
    /'app': "Dependabot" is not a secret store/
  ],
  [
    'dependabot with scope environment',
    {
      operation: 'rotate-secrets',
      secrets: 'A',
      value: 'x',
      scope: 'environment',
      environment: 'prod',
      app: 'actions, dependabot'
    },
    /'app': dependabot cannot be used with 'scope: environment': Dependabot secrets live in repositories and organizations only/
  ],
  [
    'codespaces and dependabot with scope environment',
    {
      operation: 'rotate-secrets',
      secrets: 'A',
      value: 'x',
      scope: 'environment',
      environment: 'prod',
      app: 'codespaces, dependabot'
    },
    /'app': codespaces, dependabot cannot be used with 'scope: environment': Codespaces and Dependabot secrets/
  ],
  [
    'bad organization',
    {
      operation: 'rotate-secrets',
      secrets: 'A',
      value: 'x',
      scope: 'organization',
      organization: 'acme/web'
    },
    /'organization'/
  ],
  ['delete-runs without older-than', { operation: 'delete-runs' }, /'older-than': is required/],
  [
    'delete-artifacts without older-than',
    { operation: 'delete-artifacts', 'older-than': ' ' },
    /'older-than': is required/
  ],
  ['delete-caches without older-than', { operation: 'delete-caches' }, /'older-than': is required/],
  ['bad older-than', { operation: 'delete-runs', 'older-than': '30 days' }, /'older-than'/],
  ['negative older-than', { operation: 'delete-runs', 'older-than': '-1d' }, /'older-than'/],
  [
    'unknown delete-runs conclusion',
    { operation: 'delete-runs', 'older-than': '1d', conclusions: 'failed' },
    /'conclusions'.*startup_failure/
  ],
  [
    'rerun-failed conclusion outside the failed ones',
    { operation: 'rerun-failed', conclusions: 'success' },
    /'conclusions'/
  ],
  [
    'negative keep-latest for delete-runs',
    { operation: 'delete-runs', 'older-than': '1d', 'keep-latest': '-1' },
    /'keep-latest'/
  ],
  [
    'negated artifact-name',
    { operation: 'delete-artifacts', 'older-than': '1d', 'artifact-name': '!build' },
    /'artifact-name'/
  ],
  [
    'negated cache-key',
    { operation: 'delete-caches', 'older-than': '1d', 'cache-key': '!Linux-*' },
    /'cache-key'/
  ],
  [
    'negated cache-ref',
    { operation: 'delete-caches', 'older-than': '1d', 'cache-ref': '!refs/heads/main' },
    /'cache-ref'/
  ],
  [
    'bad closed-pull-requests',
    { operation: 'delete-caches', 'older-than': '1d', 'closed-pull-requests': 'yes' },
    /'closed-pull-requests'/
  ],
  [
    'workflow for delete-artifacts',
    { operation: 'delete-artifacts', 'older-than': '1d', workflow: 'ci.yml' },
    /'workflow': is not used by delete-artifacts/
  ],
  [
    'branch for delete-caches',
    { operation: 'delete-caches', 'older-than': '1d', branch: 'main' },
    /'branch': is not used by delete-caches.*cache-ref/
  ],
  [
    'run-id for delete-caches',
    { operation: 'delete-caches', 'older-than': '1d', 'run-id': '7' },
    /'run-id': is not used by delete-caches/
  ]
]

describe('bad inputs', () => {
  it.each(BAD_INPUTS)('%s fails naming the input', (_case, withInputs, message) => {
    expect(() => getSettings(inputs(withInputs), runnerEnv)).toThrow(message)
  })
  it.each(BAD_INPUTS)('%s shows an accepted value', (_case, withInputs) => {
    let thrown = ''
    try {
      getSettings(inputs(withInputs), runnerEnv)
    } catch (error) {
      thrown = error instanceof Error ? error.message : String(error)
    }
    expect(thrown).toMatch(/e\.g\. |Example: '|Did you mean '|Pass '|add '/)
  })
  it('has at least 40 cases', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(40)
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
