/**
 * getSettings refusing bad inputs: every case fails naming its input and shows an accepted value.
 */
import { describe, expect, it } from '@jest/globals'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import { captureStdout } from '../lib/stdout.js'

// @actions/core announces masks on stdout; keep them out of the test log.
captureStdout()

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
