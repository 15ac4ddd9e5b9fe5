/**
 * Actions secrets of repositories, environments and organizations. Every scope holds a real
 * X25519 key pair: a write is opened with `crypto_box_seal_open`, and the plaintext is kept in the
 * live state (`secret.value`) so tests can prove which value reached which place. A value that does
 * not open, or a `key_id` that is not the scope's current one, answers 422 like GitHub.
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
  secrets?: ScenarioOrgSecret[]
}

declare module '../scenario.js' {
  interface ScenarioRepository {
    /** Repository Actions secrets. */
    secrets?: ScenarioSecret[]
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
const REPO_DOCS =
  'https://docs.github.com/rest/actions/secrets#create-or-update-a-repository-secret'
const ENV_DOCS =
  'https://docs.github.com/rest/actions/secrets#create-or-update-an-environment-secret'
const ORG_DOCS =
  'https://docs.github.com/rest/actions/secrets#create-or-update-an-organization-secret'
const BAD_SEAL = 'Bad request - validation failed due to an improperly encrypted secret'

interface KeyPair {
  keyId: string
  publicKey: Uint8Array
  privateKey: Uint8Array
}

/** Each scope's key pair, by the object that holds its secrets (repository, environment, organization). */
const keyPairs = new WeakMap<object, KeyPair>()
let nextKeyId = 568_250_167_242_549_000n

function newKeyPair(): KeyPair {
  const pair = sodium.crypto_box_keypair()
  nextKeyId += 1n
  return { keyId: String(nextKeyId), publicKey: pair.publicKey, privateKey: pair.privateKey }
}

function keyPairOf(holder: object): KeyPair {
  let pair = keyPairs.get(holder)
  if (!pair) {
    pair = newKeyPair()
    keyPairs.set(holder, pair)
  }
  return pair
}

/**
 * Replaces the key pair of a scope (a repository, environment or organization of the live state),
 * as GitHub does when it rotates a public key: a value sealed for the old `key_id` then answers 422.
 * @returns the new `key_id`.
 */
export async function rotatePublicKey(holder: object): Promise<string> {
  await sodium.ready
  const pair = newKeyPair()
  keyPairs.set(holder, pair)
  return pair.keyId
}

/** Scopes whose key rotates right after it is read, with how many more reads do that. */
const rotateOnRead = new WeakMap<object, number>()

/**
 * Makes the next `reads` reads of a scope's public key (default 1; `Infinity` for every read)
 * answer the current key and rotate it right after, so whatever the client seals with that key
 * is refused with 422 (GitHub rotating a key between a client's read and its write).
 */
export function rotatePublicKeyOnRead(holder: object, reads = 1): void {
  rotateOnRead.set(holder, reads)
}

/** The organization named `login` (case-insensitive), if the scenario has it. */
export function findOrganization(state: SimState, login: string): ScenarioOrganization | undefined {
  const wanted = login.toLowerCase()
  return state.organizations?.find(org => org.login.toLowerCase() === wanted)
}

/** Registers the secret, public-key and environment endpoints on `router`. */
export function registerRoutes(router: Router): void {
  router.register('actions/get-repo-public-key', async ctx => publicKey(ctx.repository()))
  router.register('actions/list-repo-secrets', ctx =>
    listSecrets(ctx, (ctx.repository().secrets ??= []))
  )
  router.register('actions/get-repo-secret', ctx =>
    json(presentSecret(findSecret(ctx.repository().secrets, secretName(ctx))))
  )
  router.register('actions/create-or-update-repo-secret', async ctx => {
    const repo = ctx.repository()
    return writeSecret(ctx, repo, (repo.secrets ??= []), REPO_DOCS)
  })

  router.register('repos/get-environment', ctx =>
    json(presentEnvironment(ctx, ctx.repository(), findEnvironment(ctx)))
  )
  router.register('actions/get-environment-public-key', async ctx =>
    publicKey(findEnvironment(ctx))
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
    return writeSecret(ctx, environment, (environment.secrets ??= []), ENV_DOCS)
  })

  router.register('actions/get-org-public-key', async ctx => publicKey(organization(ctx, 'read')))
  router.register('actions/list-org-secrets', ctx => {
    const org = organization(ctx, 'read')
    return listSecrets(ctx, (org.secrets ??= []), secret => presentOrgSecret(ctx, org, secret))
  })
  router.register('actions/get-org-secret', ctx => {
    const org = organization(ctx, 'read')
    return json(presentOrgSecret(ctx, org, findSecret(org.secrets, secretName(ctx))))
  })
  router.register('actions/list-selected-repos-for-org-secret', ctx => {
    const org = organization(ctx, 'read')
    const secret = findSecret(org.secrets, secretName(ctx))
    if (secret.visibility !== 'selected') {
      return errorResponse(409, 'The visibility of the secret is not set to selected.')
    }
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
  router.register('actions/create-or-update-org-secret', async ctx => {
    const org = organization(ctx, 'write')
    const body = ctx.body as { visibility: SecretVisibility; selected_repository_ids?: unknown[] }
    const ids = (body.selected_repository_ids ?? []).map(Number)
    const owned = new Set(
      ctx.state.repositories
        .filter(repo => repo.owner.toLowerCase() === org.login.toLowerCase())
        .map(repo => repo.id)
    )
    const unknown = ids.filter(id => !owned.has(id))
    if (unknown.length > 0) {
      return errorResponse(422, `Invalid repository ids: ${unknown.join(', ')}`, ORG_DOCS)
    }
    const answer = await writeSecret(ctx, org, (org.secrets ??= []), ORG_DOCS)
    if (answer.status === 201 || answer.status === 204) {
      const secret = findSecret(org.secrets, secretName(ctx))
      secret.visibility = body.visibility
      // `selected` without ids clears the list, like GitHub; other visibilities drop it.
      if (body.visibility === 'selected') secret.selected_repository_ids = ids
      else delete secret.selected_repository_ids
    }
    return answer
  })
}

async function publicKey(holder: object): Promise<ApiResponse> {
  await sodium.ready
  const pair = keyPairOf(holder)
  const answer = json({
    key_id: pair.keyId,
    key: sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL)
  })
  const reads = rotateOnRead.get(holder) ?? 0
  if (reads > 0) {
    rotateOnRead.set(holder, reads - 1)
    keyPairs.set(holder, newKeyPair())
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
 * The organization of the path, for a caller holding `organization_secrets` at `level` (a person's
 * token without listed permissions holds everything, like an org owner's classic token).
 * @throws ApiError 404 for an unknown organization, 403 for a caller without the permission.
 */
function organization(ctx: HandlerContext, level: 'read' | 'write'): ScenarioOrganization {
  const org = findOrganization(ctx.state, ctx.params['org'] ?? '')
  if (!org) throw new ApiError(404, 'Not Found')
  const { info } = ctx.caller
  const granted = info.permissions
    ? info.permissions['organization_secrets']
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
 * Opens the sealed value of a PUT with the scope's key pair and stores the plaintext.
 * @returns 201 when the secret was created, 204 when it was updated; 422 for a value that does
 *   not open, a stale `key_id`, a bad name or a value over 48 KB.
 */
async function writeSecret<S extends ScenarioSecret>(
  ctx: HandlerContext,
  holder: object,
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
  const pair = keyPairOf(holder)
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
  org: ScenarioOrganization,
  secret: ScenarioOrgSecret
): Record<string, unknown> {
  return {
    ...presentSecret(secret),
    visibility: secret.visibility,
    ...(secret.visibility === 'selected' && {
      selected_repositories_url: `${ctx.apiBase}/orgs/${org.login}/actions/secrets/${secret.name}/repositories`
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
