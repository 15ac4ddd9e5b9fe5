/**
 * getSettings on each operation's own inputs: cancel-stale, rotate-secrets and the clean-up
 * operations.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import type { SettingsFor } from '../../src/operations/settings.js'
import { captureStdout } from '../lib/stdout.js'

// @actions/core announces masks on stdout; keep them for the assertions below, out of the test log.
const stdout = captureStdout()

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
