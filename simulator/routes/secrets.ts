/**
 * Secrets of the three stores GitHub keeps them in — Actions (repositories, environments,
 * organizations), Dependabot and Codespaces (repositories, organizations) — each under its own
 * endpoints (`/actions/secrets`, `/dependabot/secrets`, `/codespaces/secrets`) and permission.
 * Every store of every scope holds its own real X25519 key pair: a write is opened with
 * `crypto_box_seal_open`, and the plaintext is kept in the live state (`secret.value`) so tests can
 * prove which value reached which place. A value that does not open, or a `key_id` that is not
 * the store's current one there, answers 422 like GitHub.
 */
import sodium from 'libsodium-wrappers'
import { forbiddenMessage, satisfies } from '../auth.js'
import { paginate } from '../pagination.js'
import { presentRepository } from '../present.js'
import { ApiError, errorResponse, type ApiResponse } from '../responses.js'
import { json, type HandlerContext, type Router } from '../router.js'
import type { ScenarioEnvironment } from '../environments.js'
import { isoSeconds, stableId, type RepositoryState, type SimState } from '../state.js'

export type SecretVisibility = 'all' | 'private' | 'selected'

/** A secret store: the first segment of its endpoints' operationIds and the `{app}` of its paths. */
export type SecretApp = 'actions' | 'dependabot' | 'codespaces'
const APPS: readonly SecretApp[] = ['actions', 'dependabot', 'codespaces']

/** Where a repository or organization of the scenario keeps each store's secrets. */
export const SECRETS_FIELD = {
  actions: 'secrets',
  dependabot: 'dependabot_secrets',
  codespaces: 'codespaces_secrets'
} as const

/** The organization permission each store's organization endpoints need (GitHub's names). */
const ORG_PERMISSION: Record<SecretApp, string> = {
  actions: 'organization_secrets',
  dependabot: 'organization_dependabot_secrets',
  codespaces: 'organization_codespaces_secrets'
}

/** A secret as the scenario gives it; `value` is the plaintext the simulator last opened. */
export interface ScenarioSecret {
  /** Stored upper-case, like GitHub. */
  name: string
  value?: string
  /** ISO 8601; default 2024-01-01T00:00:00Z. */
  created_at?: string
  /** ISO 8601; default `created_at`. Moves on every write. */
  updated_at?: string
}

/** An organization secret: which repositories may use it. */
export interface ScenarioOrgSecret extends ScenarioSecret {
  visibility: SecretVisibility
  /** Repository ids, for visibility `selected`. */
  selected_repository_ids?: number[]
}

/** An organization (its repositories are the scenario's repositories with this owner). */
export interface ScenarioOrganization {
  login: string
  /** Default derived from the login. */
  id?: number
  /** Organization Actions secrets. */
  secrets?: ScenarioOrgSecret[]
  /** Organization Dependabot secrets. */
  dependabot_secrets?: ScenarioOrgSecret[]
  /** Organization Codespaces secrets. */
  codespaces_secrets?: ScenarioOrgSecret[]
}

declare module '../scenario.js' {
  interface ScenarioRepository {
    /** Repository Actions secrets. */
    secrets?: ScenarioSecret[]
    /** Repository Dependabot secrets. */
    dependabot_secrets?: ScenarioSecret[]
    /** Repository Codespaces secrets. */
    codespaces_secrets?: ScenarioSecret[]
  }
  interface Scenario {
    /** Organizations that hold organization secrets. */
    organizations?: ScenarioOrganization[]
  }
}

declare module '../state.js' {
  interface SimState {
    organizations?: ScenarioOrganization[]
  }
}

/** GitHub refuses values over 48 KB. */
const MAX_VALUE_BYTES = 48 * 1024
const DEFAULT_TIME = '2024-01-01T00:00:00Z'
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const REPO_DOCS: Record<SecretApp, string> = {
  actions: 'https://docs.github.com/rest/actions/secrets#create-or-update-a-repository-secret',
  dependabot:
    'https://docs.github.com/rest/dependabot/secrets#create-or-update-a-repository-secret',
  codespaces:
    'https://docs.github.com/rest/codespaces/repository-secrets#create-or-update-a-repository-secret'
}
const ENV_DOCS =
  'https://docs.github.com/rest/actions/secrets#create-or-update-an-environment-secret'
const ORG_DOCS: Record<SecretApp, string> = {
  actions: 'https://docs.github.com/rest/actions/secrets#create-or-update-an-organization-secret',
  dependabot:
    'https://docs.github.com/rest/dependabot/secrets#create-or-update-an-organization-secret',
  codespaces:
    'https://docs.github.com/rest/codespaces/organization-secrets#create-or-update-an-organization-secret'
}
const BAD_SEAL = 'Bad request - validation failed due to an improperly encrypted secret'

interface KeyPair {
  keyId: string
  publicKey: Uint8Array
  privateKey: Uint8Array
}

/**
 * Each store's key pair in each scope, by the object that holds its secrets (repository,
 * environment, organization) and the store.
 */
const keyPairs = new WeakMap<object, Map<SecretApp, KeyPair>>()
let nextKeyId = 568_250_167_242_549_000n

function newKeyPair(): KeyPair {
  const pair = sodium.crypto_box_keypair()
  nextKeyId += 1n
  return { keyId: String(nextKeyId), publicKey: pair.publicKey, privateKey: pair.privateKey }
}

function pairsOf(holder: object): Map<SecretApp, KeyPair> {
  let pairs = keyPairs.get(holder)
  if (!pairs) {
    pairs = new Map()
    keyPairs.set(holder, pairs)
  }
  return pairs
}

function keyPairOf(holder: object, app: SecretApp): KeyPair {
  const pairs = pairsOf(holder)
  let pair = pairs.get(app)
  if (!pair) {
    pair = newKeyPair()
    pairs.set(app, pair)
  }
  return pair
}

/**
 * Replaces the key pair of one store in a scope (a repository, environment or organization of the
 * live state), as GitHub does when it rotates a public key: a value sealed for the old `key_id`
 * then answers 422. The other stores' keys of that scope stay.
 * @param app the store, `actions` by default.
 * @returns the new `key_id`.
 */
export async function rotatePublicKey(holder: object, app: SecretApp = 'actions'): Promise<string> {
  await sodium.ready
  const pair = newKeyPair()
  pairsOf(holder).set(app, pair)
  return pair.keyId
}

/** Stores of scopes whose key rotates right after it is read, with how many more reads do that. */
const rotateOnRead = new WeakMap<object, Map<SecretApp, number>>()

/**
 * Makes the next `reads` reads of a store's public key in a scope (default 1; `Infinity` for every
 * read) answer the current key and rotate it right after, so whatever the client seals with that
 * key is refused with 422 (GitHub rotating a key between a client's read and its write).
 * @param app the store, `actions` by default.
 */
export function rotatePublicKeyOnRead(holder: object, reads = 1, app: SecretApp = 'actions'): void {
  const stores = rotateOnRead.get(holder) ?? new Map<SecretApp, number>()
  stores.set(app, reads)
  rotateOnRead.set(holder, stores)
}

/** The organization named `login` (case-insensitive), if the scenario has it. */
export function findOrganization(state: SimState, login: string): ScenarioOrganization | undefined {
  const wanted = login.toLowerCase()
  return state.organizations?.find(org => org.login.toLowerCase() === wanted)
}

/** Registers the secret, public-key and environment endpoints of every store on `router`. */
export function registerRoutes(router: Router): void {
  for (const app of APPS) registerStore(router, app)

  router.register('repos/get-environment', ctx =>
    json(presentEnvironment(ctx, ctx.repository(), findEnvironment(ctx)))
  )
  router.register('actions/get-environment-public-key', async ctx =>
    publicKey(findEnvironment(ctx), 'actions')
  )
  router.register('actions/list-environment-secrets', ctx =>
    listSecrets(ctx, (findEnvironment(ctx).secrets ??= []))
  )
  router.register('actions/get-environment-secret', ctx =>
    json(presentSecret(findSecret(findEnvironment(ctx).secrets, secretName(ctx))))
  )
  router.register('actions/create-or-update-environment-secret', async ctx => {
    // GitHub asks for both: secrets (checked by the pipeline) and environments.
    if (!satisfies(ctx.caller, ctx.repository(), { scope: 'environments', level: 'write' })) {
      return errorResponse(403, forbiddenMessage(ctx.caller))
    }
    const environment = findEnvironment(ctx)
    return writeSecret(ctx, environment, 'actions', (environment.secrets ??= []), ENV_DOCS)
  })
}

/**
 * The repository and organization endpoints of one store (`{app}/get-repo-public-key`, …,
 * `{app}/set-selected-repos-for-org-secret`). Repository permissions are checked by the pipeline
 * (`REQUIRED_PERMISSIONS`); organization ones here, by the store's organization permission.
 */
function registerStore(router: Router, app: SecretApp): void {
  const field = SECRETS_FIELD[app]
  router.register(`${app}/get-repo-public-key`, async ctx => publicKey(ctx.repository(), app))
  router.register(`${app}/list-repo-secrets`, ctx =>
    listSecrets(ctx, (ctx.repository()[field] ??= []))
  )
  router.register(`${app}/get-repo-secret`, ctx =>
    json(presentSecret(findSecret(ctx.repository()[field], secretName(ctx))))
  )
  router.register(`${app}/create-or-update-repo-secret`, async ctx => {
    const repo = ctx.repository()
    return writeSecret(ctx, repo, app, (repo[field] ??= []), REPO_DOCS[app])
  })

  router.register(`${app}/get-org-public-key`, async ctx =>
    publicKey(organization(ctx, app, 'read'), app)
  )
  router.register(`${app}/list-org-secrets`, ctx => {
    const org = organization(ctx, app, 'read')
    return listSecrets(ctx, (org[field] ??= []), secret => presentOrgSecret(ctx, app, org, secret))
  })
  router.register(`${app}/get-org-secret`, ctx => {
    const org = organization(ctx, app, 'read')
    return json(presentOrgSecret(ctx, app, org, findSecret(org[field], secretName(ctx))))
  })
  router.register(`${app}/list-selected-repos-for-org-secret`, ctx => {
    const org = organization(ctx, app, 'read')
    const secret = findSecret(org[field], secretName(ctx))
    if (secret.visibility !== 'selected') return notSelected()
    const repositories = (secret.selected_repository_ids ?? [])
      .map(id => ctx.state.repositories.find(repo => repo.id === id))
      .filter((repo): repo is RepositoryState => repo !== undefined)
    const page = paginate(repositories, ctx.url)
    const body = {
      total_count: repositories.length,
      repositories: page.items.map(repo =>
        presentRepository(`${repo.owner}/${repo.name}`, repo.id, ctx.apiBase, {
          private: repo.private
        })
      )
    }
    return json(body, 200, page.link ? { link: page.link } : undefined)
  })
  router.register(`${app}/set-selected-repos-for-org-secret`, ctx => {
    const org = organization(ctx, app, 'write')
    const secret = findSecret(org[field], secretName(ctx))
    if (secret.visibility !== 'selected') return notSelected()
    const ids = (ctx.body as { selected_repository_ids: unknown[] }).selected_repository_ids.map(
      Number
    )
    const unknown = unknownRepositoryIds(ctx, org, ids)
    if (unknown) return unknown
    secret.selected_repository_ids = ids
    return { status: 204 }
  })
  router.register(`${app}/create-or-update-org-secret`, async ctx => {
    const org = organization(ctx, app, 'write')
    // Dependabot also takes the ids as strings; the others only as integers (the description checks).
    const body = ctx.body as { visibility: SecretVisibility; selected_repository_ids?: unknown[] }
    const ids = (body.selected_repository_ids ?? []).map(Number)
    const unknown = unknownRepositoryIds(ctx, org, ids, ORG_DOCS[app])
    if (unknown) return unknown
    const secrets = (org[field] ??= [])
    const answer = await writeSecret(ctx, org, app, secrets, ORG_DOCS[app])
    if (answer.status === 201 || answer.status === 204) {
      const secret = findSecret(secrets, secretName(ctx))
      secret.visibility = body.visibility
      // `selected` without ids clears the list, like GitHub; other visibilities drop it.
      if (body.visibility === 'selected') secret.selected_repository_ids = ids
      else delete secret.selected_repository_ids
    }
    return answer
  })
}

function notSelected(): ApiResponse {
  return errorResponse(409, 'The visibility of the secret is not set to selected.')
}

/** A 422 naming the ids that are no repository of `org`, or undefined when every id is one. */
function unknownRepositoryIds(
  ctx: HandlerContext,
  org: ScenarioOrganization,
  ids: number[],
  docs?: string
): ApiResponse | undefined {
  const owned = new Set(
    ctx.state.repositories
      .filter(repo => repo.owner.toLowerCase() === org.login.toLowerCase())
      .map(repo => repo.id)
  )
  const unknown = ids.filter(id => !owned.has(id))
  if (unknown.length === 0) return undefined
  return errorResponse(422, `Invalid repository ids: ${unknown.join(', ')}`, docs)
}

async function publicKey(holder: object, app: SecretApp): Promise<ApiResponse> {
  await sodium.ready
  const pair = keyPairOf(holder, app)
  const answer = json({
    key_id: pair.keyId,
    key: sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL)
  })
  const stores = rotateOnRead.get(holder)
  const reads = stores?.get(app) ?? 0
  if (stores && reads > 0) {
    stores.set(app, reads - 1)
    pairsOf(holder).set(app, newKeyPair())
  }
  return answer
}

function secretName(ctx: HandlerContext): string {
  return ctx.params['secret_name'] ?? ''
}

function findSecret<S extends ScenarioSecret>(secrets: S[] | undefined, name: string): S {
  const wanted = name.toUpperCase()
  const secret = secrets?.find(s => s.name.toUpperCase() === wanted)
  if (!secret) throw new ApiError(404, 'Not Found')
  return secret
}

function findEnvironment(ctx: HandlerContext): ScenarioEnvironment {
  const wanted = (ctx.params['environment_name'] ?? '').toLowerCase()
  const environment = ctx.repository().environments?.find(e => e.name.toLowerCase() === wanted)
  if (!environment) throw new ApiError(404, 'Not Found')
  return environment
}

/**
 * The organization of the path, for a caller holding the store's organization permission
 * (`organization_secrets`, `organization_dependabot_secrets`, `organization_codespaces_secrets`)
 * at `level` (a person's token without listed permissions holds everything, like an org owner's
 * classic token).
 * @throws ApiError 404 for an unknown organization, 403 for a caller without the permission.
 */
function organization(
  ctx: HandlerContext,
  app: SecretApp,
  level: 'read' | 'write'
): ScenarioOrganization {
  const org = findOrganization(ctx.state, ctx.params['org'] ?? '')
  if (!org) throw new ApiError(404, 'Not Found')
  const { info } = ctx.caller
  const granted = info.permissions
    ? info.permissions[ORG_PERMISSION[app]]
    : info.kind === 'user'
      ? 'write'
      : undefined
  if (granted !== 'write' && !(granted === 'read' && level === 'read')) {
    throw new ApiError(403, forbiddenMessage(ctx.caller))
  }
  return org
}

function listSecrets<S extends ScenarioSecret>(
  ctx: HandlerContext,
  secrets: S[],
  present: (secret: S) => Record<string, unknown> = presentSecret
): ApiResponse {
  const sorted = [...secrets].sort((a, b) => a.name.localeCompare(b.name))
  const page = paginate(sorted, ctx.url)
  const body = { total_count: sorted.length, secrets: page.items.map(present) }
  return json(body, 200, page.link ? { link: page.link } : undefined)
}

/**
 * Opens the sealed value of a PUT with the key pair of `app` in the scope and stores the plaintext.
 * @returns 201 when the secret was created, 204 when it was updated; 422 for a value that does
 *   not open, a stale `key_id`, a bad name or a value over 48 KB.
 */
async function writeSecret<S extends ScenarioSecret>(
  ctx: HandlerContext,
  holder: object,
  app: SecretApp,
  secrets: S[],
  docs: string
): Promise<ApiResponse> {
  await sodium.ready
  const name = secretName(ctx)
  if (!SECRET_NAME.test(name) || name.toUpperCase().startsWith('GITHUB_')) {
    return errorResponse(
      422,
      'Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_). Spaces are not allowed. Must start with a letter ([a-z], [A-Z]) or underscores (_). Must not start with GITHUB_.',
      docs
    )
  }
  const body = ctx.body as { encrypted_value?: string; key_id?: string }
  if (body.key_id === undefined) {
    return errorResponse(422, `Invalid request.\n\n"key_id" wasn't supplied.`, docs)
  }
  if (body.encrypted_value === undefined) {
    return errorResponse(422, `Invalid request.\n\n"encrypted_value" wasn't supplied.`, docs)
  }
  const pair = keyPairOf(holder, app)
  if (body.key_id !== pair.keyId) return errorResponse(422, BAD_SEAL, docs)
  let plaintext: string
  try {
    const sealed = sodium.from_base64(body.encrypted_value, sodium.base64_variants.ORIGINAL)
    const opened = sodium.crypto_box_seal_open(sealed, pair.publicKey, pair.privateKey)
    plaintext = Buffer.from(opened).toString('utf8')
  } catch {
    return errorResponse(422, BAD_SEAL, docs)
  }
  if (Buffer.byteLength(plaintext, 'utf8') > MAX_VALUE_BYTES) {
    return errorResponse(422, 'Secret value is too large: the maximum size is 48 KB.', docs)
  }
  const now = isoSeconds(ctx.now())
  const existing = secrets.find(s => s.name.toUpperCase() === name.toUpperCase())
  if (existing) {
    existing.value = plaintext
    existing.updated_at = now
    return { status: 204 }
  }
  secrets.push({
    name: name.toUpperCase(),
    value: plaintext,
    created_at: now,
    updated_at: now
  } as S)
  return json({}, 201)
}

function presentSecret(secret: ScenarioSecret): Record<string, unknown> {
  const created = secret.created_at ?? DEFAULT_TIME
  return { name: secret.name, created_at: created, updated_at: secret.updated_at ?? created }
}

function presentOrgSecret(
  ctx: HandlerContext,
  app: SecretApp,
  org: ScenarioOrganization,
  secret: ScenarioOrgSecret
): Record<string, unknown> {
  return {
    ...presentSecret(secret),
    visibility: secret.visibility,
    ...(secret.visibility === 'selected' && {
      selected_repositories_url: `${ctx.apiBase}/orgs/${org.login}/${app}/secrets/${secret.name}/repositories`
    })
  }
}

function presentEnvironment(
  ctx: HandlerContext,
  repo: RepositoryState,
  environment: ScenarioEnvironment
): Record<string, unknown> {
  const id = environment.id ?? stableId(`${repo.owner}/${repo.name}:${environment.name}`)
  const full = `${repo.owner}/${repo.name}`
  return {
    id,
    node_id: `EN_${Buffer.from(String(id)).toString('base64url')}`,
    name: environment.name,
    url: `${ctx.apiBase}/repos/${full}/environments/${encodeURIComponent(environment.name)}`,
    html_url: `https://github.com/${full}/deployments/activity_log?environments_filter=${encodeURIComponent(environment.name)}`,
    created_at: DEFAULT_TIME,
    updated_at: DEFAULT_TIME,
    protection_rules: [],
    deployment_branch_policy: null
  }
}
