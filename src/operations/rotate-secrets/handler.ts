/**
 * rotate-secrets: write a new value of each named secret into every scope that holds it — each
 * repository, an environment of each repository, or an organization — and into every secret store
 * of `app` there (Actions, Dependabot, Codespaces: each with its own public key, endpoints and
 * permission), sealed with that store's public key, and prove the writes by reading the secrets'
 * `updated_at` back.
 *
 * A rotation is all or nothing as far as the action can make it: a consumer left on the old value
 * breaks when the old credential is revoked. So it refuses to start when its writes exceed `limit`,
 * and a write left unsent (the primary rate limit ran out) or not proven fails the step.
 *
 * Two phases. The plan reads everything first: every scope's public key (checked to be one the
 * value can be sealed to), the environment of each repository, the ids of `selected-repositories`,
 * the existing secrets and, for organization secrets whose visibility is kept, every page of their
 * selected repositories — for every store. Any failure there (a store the token may not read
 * included) fails the step before a single write anywhere. Then, place by place and within a place
 * store by store (so a rotation cut short leaves each repository's stores alike as far as it
 * went), the writes go through the mutation boundary, one per secret, and one listing of the
 * store's secrets there proves them all.
 *
 * A PUT is never sent twice once it landed: the client does not retry it, and after a 5xx, a
 * dropped connection or a timeout the secret is read back (`GET …/secrets/{secret_name}`) before
 * the PUT is sent again.
 *
 * Endpoints (see readers/secret-scopes.ts for each scope's), `{app}` being `actions`, `dependabot` or
 * `codespaces`:
 * - `GET /repos/{owner}/{repo}/{app}/secrets/public-key`, `…/secrets`, `…/secrets/{secret_name}`,
 *   `PUT /repos/{owner}/{repo}/{app}/secrets/{secret_name}`;
 * - `GET /repos/{owner}/{repo}/environments/{environment_name}` and its `…/secrets/public-key`,
 *   `…/secrets`, `…/secrets/{secret_name}`, `PUT …/secrets/{secret_name}` (Actions only);
 * - `GET /orgs/{org}/{app}/secrets/public-key`, `…/secrets`, `…/secrets/{secret_name}`,
 *   `…/secrets/{secret_name}/repositories`, `PUT /orgs/{org}/{app}/secrets/{secret_name}`;
 * - `GET /repos/{org}/{repo}` to turn `selected-repositories` names into ids (once, for every store).
 */
import { log } from '../../log.js'
import { describeApiError, describeSecretsApiError, statusOf } from '../../boundary/api-errors.js'
import type { Target, TargetResult } from '../../boundary/outcomes.js'
import { sendLandingOnce, type PlannedWrite } from '../../boundary/mutations.js'
import { InputError } from '../../inputs/parse.js'
import {
  describeAccess,
  isWriteVerified,
  orgSecretAccess,
  SECRET_APP_NAMES,
  type OrgSecretAccess
} from './rules.js'
import { decodePublicKey, sealSecretValue, type PublicKey } from './sealed-box.js'
import {
  environmentScope,
  listSelectedRepositoryIds,
  organizationScope,
  repositoryScope,
  type ExistingSecret,
  type ScopedSecrets
} from '../../readers/secret-scopes.js'
import { generateSecretValue } from './secret-values.js'
import type { RotateSecretsSettings } from './settings.js'
import type { Handler, HandlerContext } from '../context.js'

type Context = HandlerContext<'rotate-secrets'>

/** One store's secrets in one scope, read and ready to be written. */
interface ScopePlan {
  scope: ScopedSecrets
  /** The store's public key there; replaced when GitHub has rotated it meanwhile (cached per plan). */
  key: PublicKey
  /** The secrets that exist now, by upper-cased name. */
  existing: Map<string, ExistingSecret>
  /** Organization scope: the access each secret is written with, by name. */
  access: Map<string, OrgSecretAccess>
}

/**
 * Plans every store in every scope, then writes each secret into each of them and proves each
 * one's writes with one listing. Writes one generated value per secret name everywhere (a rotation
 * gives every consumer, in every store, the same new credential) and publishes in
 * `generated-values` every generated value GitHub accepted (a 2xx answer) in at least one place,
 * verified or not: a value that may be stored must never be unknowable.
 * @throws InputError naming `limit` (nothing read or written) when the writes exceed it; Error (the
 *   step fails, nothing written anywhere) when a store cannot be read in full in some scope (a
 *   missing permission for one store included) or its public key is malformed.
 */
export const rotateSecrets: Handler<'rotate-secrets'> = async context => {
  const { settings } = context
  refusePartialRotation(settings)
  const values = newValues(settings)
  const plans: ScopePlan[] = []
  await log.group('Plan: public keys and existing secrets', async () => {
    // Looked up once, after the first store's key proved the organization readable, for every store.
    let selected: Promise<number[]> | undefined
    const selectedRepositoryIds = async (): Promise<number[]> =>
      (selected ??= resolveRepositoryIds(context, settings.organization ?? ''))
    for (const scope of await targetScopes(context)) {
      plans.push(await planScope(context, scope, selectedRepositoryIds))
    }
  })
  const accepted = new Set<string>()
  for (const plan of plans) {
    await log.group(plan.scope.description, async () => {
      const results = await context.mutations.apply(
        settings.secrets.map(name => writeFor(context, plan, name, values.get(name) ?? '')),
        'written'
      )
      for (const result of results) if (result.outcome === 'done') accepted.add(String(result.id))
      failUnwritten(context, results)
      await verifyWrites(context, plan, results)
    })
  }
  if (settings.source.kind === 'generate') {
    const output = Object.fromEntries([...values].filter(([name]) => accepted.has(name)))
    context.extraOutputs['generated-values'] = JSON.stringify(output)
  }
}

/**
 * Refuses a rotation the `limit` budget would cut short: the writes past it would be skipped and
 * their consumers keep the old value, which the user then revokes. Counts one write per secret per
 * scope per store; a dry run refuses alike, so it shows what the real run would do.
 * @throws InputError naming `limit`, the number of writes planned and the `limit` that fits them.
 */
function refusePartialRotation(settings: RotateSecretsSettings): void {
  const scopes = settings.scope === 'organization' ? 1 : settings.repositories.length
  const writes = settings.secrets.length * scopes * settings.apps.length
  if (writes <= settings.limit) return
  const scopeNouns = {
    repository: ['repository', 'repositories'],
    environment: ['environment', 'environments'],
    organization: ['organization', 'organizations']
  } as const
  const count = (n: number, [one, many]: readonly [string, string]): string =>
    `${n} ${n === 1 ? one : many}`
  const stores =
    settings.apps.length > 1
      ? ` × ${count(settings.apps.length, ['store', 'stores'])} (${settings.apps.join(', ')})`
      : ''
  throw new InputError(
    'limit',
    `${settings.limit} is less than the ${writes} writes this rotation needs (${count(settings.secrets.length, ['secret', 'secrets'])} × ${count(scopes, scopeNouns[settings.scope])}${stores}); stopping part-way would leave some consumers on the old value. Raise 'limit' to at least ${writes} (e.g. 'limit: ${writes}'), or rotate fewer secrets or repositories per step. Nothing was written.`
  )
}

/**
 * Fails each write the mutation boundary left unsent (it skips the rest once the primary rate
 * limit runs out): a rotation that leaves a consumer on the old value must not pass.
 * @param results the results of one scope's writes, updated in place.
 */
function failUnwritten(context: Context, results: TargetResult[]): void {
  for (const result of results) {
    if (result.outcome !== 'skipped') continue
    context.results.update(result, {
      outcome: 'failed',
      reason: `not written: ${result.reason}; run again after that to write it`
    })
  }
}

/** The value of each secret: the `value` input (already masked), or one fresh value per name, masked at once. */
function newValues(settings: RotateSecretsSettings): Map<string, string> {
  const { source } = settings
  return new Map(
    settings.secrets.map(name => {
      if (source.kind === 'value') return [name, source.value]
      const value = generateSecretValue(source.length, source.encoding)
      log.mask(value)
      return [name, value]
    })
  )
}

/**
 * The stores to write in each scope: scopes in input order, and in each the stores in `app` order.
 * For an environment (Actions only), checks that it exists in each repository first
 * (`GET /repos/{owner}/{repo}/environments/{environment_name}`).
 * @throws InputError naming the repository when the environment is missing; the API error otherwise.
 */
async function targetScopes(context: Context): Promise<ScopedSecrets[]> {
  const { settings, octokit } = context
  const { apps } = settings
  const serverUrl = settings.runner.serverUrl
  switch (settings.scope) {
    case 'organization':
      return apps.map(app =>
        organizationScope(octokit, app, settings.organization ?? '', serverUrl)
      )
    case 'repository':
      return settings.repositories.flatMap(repository =>
        apps.map(app => repositoryScope(octokit, app, repository, serverUrl))
      )
    case 'environment': {
      const environment = settings.environment ?? ''
      const scopes: ScopedSecrets[] = []
      for (const repository of settings.repositories) {
        const name = `${repository.owner}/${repository.repo}`
        try {
          const { data } = await octokit.rest.repos.getEnvironment({
            ...repository,
            environment_name: environment
          })
          scopes.push(environmentScope(octokit, repository, environment, data.id, serverUrl))
        } catch (error) {
          if (statusOf(error) === 404) {
            throw new InputError(
              'environment',
              `${JSON.stringify(environment)} does not exist in ${name} (or the token cannot see it). Create it under Settings → Environments of ${name}, or remove ${name} from 'repository'. Nothing was written.`
            )
          }
          throw planError(`read environment ${JSON.stringify(environment)} of ${name}`, error)
        }
      }
      return scopes
    }
  }
}

/**
 * Reads what the writes of one store in one scope need: its public key, its existing secrets and,
 * for an organization, the access each secret keeps or gets. The public key is decoded here, so a
 * malformed one stops the step before the first write rather than after the stores before it were
 * written. These reads need the store's permission, so they prove it before any write.
 * @param selectedRepositoryIds resolves `selected-repositories` to ids in the organization (once).
 * @throws Error naming the store, the scope and the permission to add when any read fails, or
 *   when the public key is malformed.
 */
async function planScope(
  context: Context,
  scope: ScopedSecrets,
  selectedRepositoryIds: () => Promise<number[]>
): Promise<ScopePlan> {
  const { settings, octokit } = context
  const store = SECRET_APP_NAMES[scope.app]
  const key = await read(scope, `read the ${store} public key of ${scope.place}`, scope.publicKey)
  try {
    await decodePublicKey(key)
  } catch (error) {
    throw new Error(
      `rotate-secrets cannot seal values to the ${store} public key of ${scope.place}: ${error instanceof Error ? error.message : String(error)}. GitHub answered a malformed key: run again later, and report it to GitHub Support if it persists. Nothing was written.`
    )
  }
  const existing = await read(scope, `list the ${scope.description}`, scope.list)
  const access = new Map<string, OrgSecretAccess>()
  if (scope.kind === 'organization') {
    const requested = {
      visibility: settings.visibility,
      selectedRepositoryIds: settings.visibility === 'selected' ? await selectedRepositoryIds() : []
    }
    for (const name of settings.secrets) {
      const current = existing.get(name)
      // Kept visibility: send back every selected repository, not just the first page.
      const kept =
        settings.visibility === undefined && current?.visibility !== undefined
          ? {
              visibility: current.visibility,
              ...(current.visibility === 'selected' && {
                selectedRepositoryIds: await read(
                  scope,
                  `list the selected repositories of ${store} secret ${name} of ${scope.place}`,
                  async () => listSelectedRepositoryIds(octokit, scope.app, scope.label, name)
                )
              })
            }
          : undefined
      access.set(name, orgSecretAccess(requested, kept))
    }
  }
  const known = settings.secrets.filter(name => existing.has(name)).length
  log.info(
    `${scope.description}: key_id ${key.key_id}; ${settings.secrets.length} secrets to write (${known} existing, ${settings.secrets.length - known} new)`
  )
  return { scope, key, existing, access }
}

/**
 * The ids of the `selected-repositories`, each looked up with `GET /repos/{org}/{repo}`.
 * @throws InputError listing every name the organization does not have (or the token cannot see).
 */
async function resolveRepositoryIds(context: Context, org: string): Promise<number[]> {
  const ids: number[] = []
  const unknown: string[] = []
  for (const name of context.settings.selectedRepositories) {
    try {
      ids.push((await context.octokit.rest.repos.get({ owner: org, repo: name })).data.id)
    } catch (error) {
      if (statusOf(error) !== 404) throw planError(`look up repository ${org}/${name}`, error)
      unknown.push(name)
    }
  }
  if (unknown.length > 0) {
    throw new InputError(
      'selected-repositories',
      `${unknown.map(name => JSON.stringify(name)).join(', ')} not found in organization ${org} (or the token cannot see ${unknown.length === 1 ? 'it' : 'them'}). List repository names of ${org} without the owner. Nothing was written.`
    )
  }
  return ids
}

/** One write: seal and PUT (once more with a fresh key if GitHub rotated it); `verifyWrites` proves it. */
function writeFor(context: Context, plan: ScopePlan, name: string, value: string): PlannedWrite {
  const { scope } = plan
  const before = plan.existing.get(name)
  const access = plan.access.get(name)
  const target: Target = {
    repository: scope.label,
    kind: 'secret',
    id: name,
    action: 'write-secret',
    url: scope.url,
    app: scope.app
  }
  const what = before ? `replaces the value of ${before.updated_at}` : 'new secret'
  return {
    target,
    reason: access ? `${what}; ${describeAccess(access)}` : what,
    send: async () =>
      (await putLandingOnce(context, plan, name, value, access)) === 201 ? 'created' : 'updated',
    // A 403 names this store's permission in this scope, not the operation's in general.
    onError: error => ({
      outcome: 'failed',
      reason: describeSecretsApiError(error, scope.app, scope.kind)
    })
  }
}

/**
 * PUTs the secret so that it lands once (`sendLandingOnce`). The client does not retry these PUTs:
 * one that failed with 5xx, a dropped connection or a timeout may have been stored with its answer
 * lost, so the secret is read back first (`GET …/secrets/{secret_name}`) and the PUT sent again
 * only when its `updated_at` did not move.
 * @returns 201 created or 204 updated; for a write whose answer was lost, by whether the plan
 *   found the secret.
 * @throws the last error of the PUT, or of the read back.
 */
async function putLandingOnce(
  context: Context,
  plan: ScopePlan,
  name: string,
  value: string,
  access: OrgSecretAccess | undefined
): Promise<number> {
  const before = plan.existing.get(name)
  return sendLandingOnce(
    async () => putSealed(plan, name, value, access),
    async () => {
      const now = await plan.scope.get(name)
      if (!isWriteVerified(before?.updated_at, now?.updated_at)) return undefined
      return before ? 204 : 201
    },
    { backoffMs: context.settings.pacing.retryBaseMs, what: `${plan.scope.description}: ${name}` }
  )
}

/**
 * Seals `value` with the cached key and PUTs it. A 422 may mean GitHub rotated the scope's key
 * since the plan read it: the key is read again and, when its key_id changed, the value is sealed
 * anew and sent once more. Any other error, or a 422 with an unchanged key, is thrown as it is.
 */
async function putSealed(
  plan: ScopePlan,
  name: string,
  value: string,
  access: OrgSecretAccess | undefined
): Promise<number> {
  const { scope } = plan
  const sent = plan.key
  try {
    return await scope.put(name, await sealSecretValue(value, sent), sent.key_id, access)
  } catch (error) {
    if (statusOf(error) !== 422) throw error
    const fresh = await scope.publicKey()
    if (fresh.key_id === sent.key_id) throw error
    log.info(
      `${scope.description}: the public key changed (key_id ${sent.key_id} → ${fresh.key_id}); sealing ${name} again`
    )
    plan.key = fresh
    return await scope.put(name, await sealSecretValue(value, fresh), fresh.key_id, access)
  }
}

/**
 * Proves the writes of one scope with one listing of its secrets: each secret written must be
 * there and, if it existed before, its `updated_at` must have moved. A write not proven, because
 * the listing shows otherwise or cannot be read (the primary rate limit included), becomes
 * `failed`, its reason saying that GitHub accepted the value.
 * @param results the results of the scope's writes, updated in place.
 */
async function verifyWrites(
  context: Context,
  plan: ScopePlan,
  results: TargetResult[]
): Promise<void> {
  const { scope } = plan
  const sent = results.filter(result => result.outcome === 'done')
  if (sent.length === 0) return
  const answer = (result: TargetResult): string =>
    `GitHub accepted the value (${result.reason === 'created' ? 'created, 201' : 'updated, 204'})`
  let listed: Map<string, ExistingSecret>
  try {
    // Once the primary rate limit is spent the listing is not sent: the writes stay unproven.
    const stopped = context.mutations.stopReason('read')
    if (stopped !== undefined) throw new Error(stopped)
    listed = await scope.list()
  } catch (error) {
    const why = describeSecretsApiError(error, scope.app, scope.kind)
    for (const result of sent) {
      context.results.update(result, {
        outcome: 'failed',
        reason: `${answer(result)}, but it could not be read back (${why}); check the secret in ${scope.url}`
      })
    }
    return
  }
  for (const result of sent) {
    const name = String(result.id)
    const after = listed.get(name)
    if (isWriteVerified(plan.existing.get(name)?.updated_at, after?.updated_at)) continue
    const seen = after ? `updated_at is still ${after.updated_at}` : 'it is not there'
    context.results.update(result, {
      outcome: 'failed',
      reason: `${answer(result)}, but reading it back shows ${seen}; the new value may not be stored — check ${scope.url} and run again`
    })
  }
}

/**
 * Runs one read of the plan; its failure fails the step, naming what could not be read and, for
 * a 401 or 403, the permission of `scope`'s store to add.
 */
async function read<T>(scope: ScopedSecrets, what: string, reader: () => Promise<T>): Promise<T> {
  try {
    return await reader()
  } catch (error) {
    throw planError(what, error, describeSecretsApiError(error, scope.app, scope.kind))
  }
}

function planError(
  what: string,
  error: unknown,
  why = describeApiError(error, 'rotate-secrets')
): Error {
  // GitHub answers 404 alike for what does not exist and what the token may not see.
  const hint = statusOf(error) === 404 ? ' (it does not exist, or the token cannot see it)' : ''
  return new Error(`rotate-secrets could not ${what}: ${why}${hint}. Nothing was written.`)
}
