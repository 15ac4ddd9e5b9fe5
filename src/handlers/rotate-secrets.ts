/**
 * rotate-secrets: write a new value of each named Actions secret into every scope that holds it —
 * each repository, an environment of each repository, or an organization — sealed with the scope's
 * public key, and prove the writes by reading the secrets' `updated_at` back.
 *
 * Two phases. The plan reads everything first: every scope's public key, the environment of each
 * repository, the ids of `selected-repositories`, the existing secrets and, for organization
 * secrets whose visibility is kept, every page of their selected repositories. Any failure there
 * fails the step before a single write. Then, scope by scope, the writes go through the mutation
 * boundary, one per secret, and one listing of the scope's secrets proves them all.
 *
 * A PUT is never sent twice once it landed: the client does not retry it, and after a 5xx, a
 * dropped connection or a timeout the secret is read back (`GET …/secrets/{secret_name}`) before
 * the PUT is sent again.
 *
 * Endpoints (see src/secret-scopes.ts for each scope's):
 * - `GET /repos/{owner}/{repo}/actions/secrets/public-key`, `…/secrets`, `…/secrets/{secret_name}`,
 *   `PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}`;
 * - `GET /repos/{owner}/{repo}/environments/{environment_name}` and its `…/secrets/public-key`,
 *   `…/secrets`, `…/secrets/{secret_name}`, `PUT …/secrets/{secret_name}`;
 * - `GET /orgs/{org}/actions/secrets/public-key`, `…/secrets`, `…/secrets/{secret_name}`,
 *   `…/secrets/{secret_name}/repositories`, `PUT /orgs/{org}/actions/secrets/{secret_name}`;
 * - `GET /repos/{org}/{repo}` to turn `selected-repositories` names into ids.
 */
import * as core from '@actions/core'
import { describeApiError, rateLimitResetOf, statusOf } from '../api-errors.js'
import type { Target, TargetResult } from '../outcomes.js'
import { sendLandingOnce, type PlannedWrite } from '../mutations.js'
import { InputError } from '../parse.js'
import {
  describeAccess,
  isWriteVerified,
  orgSecretAccess,
  type OrgSecretAccess
} from '../rules/secret-writes.js'
import { sealSecretValue, type PublicKey } from '../sealed-box.js'
import {
  environmentScope,
  listSelectedRepositoryIds,
  organizationScope,
  repositoryScope,
  type ExistingSecret,
  type SecretScope
} from '../secret-scopes.js'
import { generateSecretValue } from '../secret-values.js'
import type { RotateSecretsSettings } from '../settings.js'
import type { Handler, HandlerContext } from './context.js'

type Context = HandlerContext<'rotate-secrets'>

/** One scope, read and ready to be written. */
interface ScopePlan {
  scope: SecretScope
  /** The scope's public key; replaced when GitHub has rotated it meanwhile (cache per scope). */
  key: PublicKey
  /** The secrets that exist now, by upper-cased name. */
  existing: Map<string, ExistingSecret>
  /** Organization scope: the access each secret is written with, by name. */
  access: Map<string, OrgSecretAccess>
}

/**
 * Plans every scope, then writes each secret into each of them and proves each scope's writes with
 * one listing. Writes one generated value per secret name everywhere (a rotation gives every
 * consumer the same new credential) and publishes the generated values of the secrets written in
 * `generated-values`.
 * @throws Error (the step fails, nothing written) when a scope cannot be read in full.
 */
export const rotateSecrets: Handler<'rotate-secrets'> = async context => {
  const { settings } = context
  const values = newValues(settings)
  const plans: ScopePlan[] = []
  await core.group('Plan: public keys and existing secrets', async () => {
    for (const scope of await targetScopes(context)) plans.push(await planScope(context, scope))
  })
  const written = new Set<string>()
  for (const plan of plans) {
    await core.group(plan.scope.description, async () => {
      const results = await context.mutations.apply(
        settings.secrets.map(name => writeFor(context, plan, name, values.get(name) ?? '')),
        'written'
      )
      await verifyWrites(context, plan, results)
      for (const result of results) if (result.outcome === 'done') written.add(String(result.id))
    })
  }
  if (settings.source.kind === 'generate') {
    const output = Object.fromEntries([...values].filter(([name]) => written.has(name)))
    context.extraOutputs['generated-values'] = JSON.stringify(output)
  }
}

/** The value of each secret: the `value` input (already masked), or one fresh value per name, masked at once. */
function newValues(settings: RotateSecretsSettings): Map<string, string> {
  const { source } = settings
  return new Map(
    settings.secrets.map(name => {
      if (source.kind === 'value') return [name, source.value]
      const value = generateSecretValue(source.length, source.encoding)
      core.setSecret(value)
      return [name, value]
    })
  )
}

/**
 * The scopes to write, in input order. For an environment, checks that it exists in each
 * repository first (`GET /repos/{owner}/{repo}/environments/{environment_name}`).
 * @throws InputError naming the repository when the environment is missing; the API error otherwise.
 */
async function targetScopes(context: Context): Promise<SecretScope[]> {
  const { settings, octokit } = context
  const serverUrl = settings.runner.serverUrl
  switch (settings.scope) {
    case 'organization':
      return [organizationScope(octokit, settings.organization ?? '', serverUrl)]
    case 'repository':
      return settings.repositories.map(repository =>
        repositoryScope(octokit, repository, serverUrl)
      )
    case 'environment': {
      const environment = settings.environment ?? ''
      const scopes: SecretScope[] = []
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
 * Reads what the writes of one scope need: its public key, its existing secrets and, for an
 * organization, the access each secret keeps or gets.
 * @throws Error naming the scope when any read fails.
 */
async function planScope(context: Context, scope: SecretScope): Promise<ScopePlan> {
  const { settings, octokit } = context
  const key = await read(`read the public key of ${scope.description}`, scope.publicKey)
  const existing = await read(`list the secrets of ${scope.description}`, scope.list)
  const access = new Map<string, OrgSecretAccess>()
  if (scope.kind === 'organization') {
    const selectedRepositoryIds =
      settings.visibility === 'selected' ? await resolveRepositoryIds(context, scope.label) : []
    for (const name of settings.secrets) {
      const current = existing.get(name)
      // Kept visibility: send back every selected repository, not just the first page.
      const kept =
        settings.visibility === undefined && current?.visibility !== undefined
          ? {
              visibility: current.visibility,
              ...(current.visibility === 'selected' && {
                selectedRepositoryIds: await read(
                  `list the selected repositories of ${name} in ${scope.description}`,
                  async () => listSelectedRepositoryIds(octokit, scope.label, name)
                )
              })
            }
          : undefined
      access.set(
        name,
        orgSecretAccess({ visibility: settings.visibility, selectedRepositoryIds }, kept)
      )
    }
  }
  const known = settings.secrets.filter(name => existing.has(name)).length
  core.info(
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
    url: scope.url
  }
  const what = before ? `replaces the value of ${before.updated_at}` : 'new secret'
  return {
    target,
    reason: access ? `${what}; ${describeAccess(access)}` : what,
    send: async () =>
      (await putLandingOnce(context, plan, name, value, access)) === 201 ? 'created' : 'updated'
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
    core.info(
      `${scope.description}: the public key changed (key_id ${sent.key_id} → ${fresh.key_id}); sealing ${name} again`
    )
    plan.key = fresh
    return await scope.put(name, await sealSecretValue(value, fresh), fresh.key_id, access)
  }
}

/**
 * Proves the writes of one scope with one listing of its secrets: each secret written must be
 * there and, if it existed before, its `updated_at` must have moved; a write not proven becomes
 * `failed`. When the primary rate limit leaves no request for the listing, the writes stay `done`
 * (GitHub accepted them, and a generated value must still be published) and say they were not
 * read back.
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
    result.reason === 'created' ? 'created (201)' : 'updated (204)'
  let listed: Map<string, ExistingSecret>
  try {
    listed = await scope.list()
  } catch (error) {
    const why = describeApiError(error, context.settings.operation)
    for (const result of sent) {
      context.results.update(
        result,
        rateLimitResetOf(error)
          ? { reason: `${result.reason}; not read back: ${why}` }
          : {
              outcome: 'failed',
              reason: `${answer(result)}, but reading it back failed (${why}); check the secret in ${scope.url}`
            }
      )
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

/** Runs one read of the plan; its failure fails the step, naming what could not be read. */
async function read<T>(what: string, reader: () => Promise<T>): Promise<T> {
  try {
    return await reader()
  } catch (error) {
    throw planError(what, error)
  }
}

function planError(what: string, error: unknown): Error {
  // GitHub answers 404 alike for what does not exist and what the token may not see.
  const hint = statusOf(error) === 404 ? ' (it does not exist, or the token cannot see it)' : ''
  return new Error(
    `rotate-secrets could not ${what}: ${describeApiError(error, 'rotate-secrets')}${hint}. Nothing was written.`
  )
}
