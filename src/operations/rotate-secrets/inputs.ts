/** Reads the settings of rotate-secrets from the step's inputs. */
import { MAX_SECRET_BYTES } from '../../github-limits.js'
import { InputError } from '../../inputs/input-error.js'
import { parseChoice } from '../../inputs/parse.js'
import type { StepInputs } from '../../inputs/step-inputs.js'
import { log } from '../../log.js'
import type {
  CommonSettings,
  SecretApp,
  SecretScopeKind,
  SecretVisibility
} from '../../settings.js'
import { SECRET_APPS, SECRET_APP_NAMES, SECRET_APP_SCOPES } from './rules.js'
import type { RotateSecretsSettings, SecretEncoding } from './settings.js'

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * @returns rotate-secrets' settings over `common`; a given value is masked at once (whole and
 *   line by line).
 * @throws InputError naming the input (never quoting `value`), before any request: nothing is
 *   written when one target or value is wrong.
 */
export function readRotateSecretsSettings(
  inputs: StepInputs,
  common: CommonSettings
): RotateSecretsSettings {
  const secrets = readSecretNames(inputs.list('secrets'))
  const generate = inputs.boolean('generate')
  // Untrimmed: a PEM key's trailing newline is part of the value.
  const value = inputs.raw('value', { trimWhitespace: false })
  // Whitespace alone is what a missing secret with stray spaces evaluates to: as empty as ''.
  const blank = value.trim() === ''
  if (!blank) maskValue(value)
  const encoding = inputs.choice<SecretEncoding>(
    'encoding',
    ['base64url', 'base64', 'hex', 'alphanumeric'],
    'base64url'
  )
  const length = inputs.integer('length', { min: 16, max: 4096 })
  if (generate && !blank) {
    throw new InputError(
      'value',
      `is set while 'generate: true' asks for generated values. Set one of them, e.g. 'generate: true' with no value.`
    )
  }
  if (!generate && blank) {
    throw new InputError(
      'value',
      `is empty${value === '' ? '' : ' (only whitespace)'}. An empty value would wipe the secret (a missing \${{ secrets.X }} evaluates to ''). Pass 'value: \${{ steps.mint.outputs.token }}' or set 'generate: true'.`
    )
  }
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
    throw new InputError(
      'value',
      `is ${Buffer.byteLength(value, 'utf8')} bytes; GitHub accepts at most ${MAX_SECRET_BYTES} bytes (48 KB). Store a smaller value, e.g. a key rather than a bundle.`
    )
  }
  const scope = inputs.choice<SecretScopeKind>(
    'scope',
    ['repository', 'environment', 'organization'],
    'repository'
  )
  const apps: SecretApp[] = []
  for (const raw of inputs.list('app')) {
    const app = SECRET_APPS.find(known => known === raw)
    if (app === undefined) {
      throw new InputError(
        'app',
        `${JSON.stringify(raw)} is not a secret store. Use ${SECRET_APPS.join(', ')} (a list), e.g. 'app: actions, dependabot'.`
      )
    }
    if (!apps.includes(app)) apps.push(app)
  }
  if (apps.length === 0) apps.push('actions')
  const unscoped = apps.filter(app => !SECRET_APP_SCOPES[app].includes(scope))
  if (unscoped.length > 0) {
    const names = unscoped.map(app => SECRET_APP_NAMES[app]).join(' and ')
    throw new InputError(
      'app',
      `${unscoped.join(', ')} cannot be used with 'scope: ${scope}': ${names} secrets live in repositories and organizations only. Use 'scope: repository' or 'scope: organization' for them, and a step of its own with 'app: actions' for the environment, e.g. 'app: actions' with 'scope: environment'.`
    )
  }
  const environment = inputs.text('environment')
  if (scope === 'environment' && environment === '') {
    throw new InputError(
      'environment',
      `is required with 'scope: environment', e.g. 'environment: production'.`
    )
  }
  if (scope !== 'environment' && environment !== '') {
    throw new InputError(
      'environment',
      `is only used with 'scope: environment'; add 'scope: environment' or remove it.`
    )
  }
  const organization = inputs.text('organization')
  if (organization !== '' && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(organization)) {
    throw new InputError(
      'organization',
      `${JSON.stringify(organization)} is not an organization login, e.g. 'organization: octo-org'.`
    )
  }
  const rawVisibility = inputs.text('visibility')
  const visibility =
    rawVisibility === ''
      ? undefined
      : parseChoice<SecretVisibility>(
          'visibility',
          rawVisibility,
          ['all', 'private', 'selected'],
          'private'
        )
  if (scope !== 'organization' && (visibility !== undefined || organization !== '')) {
    throw new InputError(
      visibility !== undefined ? 'visibility' : 'organization',
      `is only used with 'scope: organization'; add 'scope: organization' or remove it.`
    )
  }
  const selectedRepositories = dedupeNames(inputs.list('selected-repositories'))
  for (const name of selectedRepositories) {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
      throw new InputError(
        'selected-repositories',
        `${JSON.stringify(name)} is not a repository name. List names without the owner, e.g. 'selected-repositories: web, api'.`
      )
    }
  }
  if (selectedRepositories.length > 0 && visibility !== 'selected') {
    throw new InputError(
      'selected-repositories',
      `is only used with 'visibility: selected'; add it, e.g. 'visibility: selected' with 'selected-repositories: web, api', or remove it.`
    )
  }
  if (visibility === 'selected' && selectedRepositories.length === 0) {
    throw new InputError(
      'selected-repositories',
      `is empty while 'visibility: selected'; that would leave the secret visible to no repository. List them, e.g. 'selected-repositories: web, api'.`
    )
  }
  return {
    ...common,
    operation: 'rotate-secrets',
    secrets,
    source: generate ? { kind: 'generate', length, encoding } : { kind: 'value', value },
    scope,
    apps,
    ...(scope === 'environment' && { environment }),
    ...(scope === 'organization' && {
      organization: organization || defaultOrganization(common)
    }),
    ...(visibility !== undefined && { visibility }),
    selectedRepositories
  }
}

/**
 * The owner of the first entry of `repository` that names one (`acme/web` or `acme/*`).
 * @throws InputError naming `organization` when every entry is `*`.
 */
function defaultOrganization(common: CommonSettings): string {
  for (const entry of common.repositoryEntries) {
    if (entry.owner !== undefined) return entry.owner
  }
  throw new InputError(
    'organization',
    `is required with 'scope: organization' when 'repository' names no owner ('*'). Name the organization, e.g. 'organization: acme'.`
  )
}

/**
 * Masks a secret value as it is and each of its non-blank lines: the runner masks a log line by
 * line, so a multi-line value (a PEM key) printed in part would otherwise show.
 */
function maskValue(value: string): void {
  log.mask(value)
  for (const line of value.split(/\r\n|\r|\n/)) {
    if (line.trim() !== '' && line !== value) log.mask(line)
  }
}

/** Drops repeated names, case-insensitively like GitHub's repository names, keeping the first. */
function dedupeNames(names: string[]): string[] {
  const seen = new Set<string>()
  return names.filter(name => {
    const key = name.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function readSecretNames(names: string[]): string[] {
  if (names.length === 0) {
    throw new InputError(
      'secrets',
      `is required. List the secret names to write, e.g. 'secrets: NPM_TOKEN'.`
    )
  }
  const seen = new Set<string>()
  for (const name of names) {
    if (!SECRET_NAME.test(name)) {
      throw new InputError(
        'secrets',
        `${JSON.stringify(name)} is not a secret name. Use letters, digits and _, not starting with a digit, e.g. 'secrets: NPM_TOKEN'.`
      )
    }
    if (name.toUpperCase().startsWith('GITHUB_')) {
      throw new InputError(
        'secrets',
        `${JSON.stringify(name)} starts with GITHUB_, which GitHub reserves. Rename it, e.g. 'GH_APP_KEY'.`
      )
    }
    seen.add(name.toUpperCase())
  }
  return [...seen]
}
