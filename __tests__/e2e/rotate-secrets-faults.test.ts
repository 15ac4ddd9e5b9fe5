/**
 * rotate-secrets under faults: 15 secrets into each of REPOSITORIES repositories, with 5xx bursts,
 * dropped connections, hung requests, lost answers, secondary and primary rate limits, and secrets
 * or keys that change between the plan and the writes. After every run, the simulator's state and
 * the action's `result` must agree secret by secret, no write may land twice, and every fault
 * injected must have happened.
 */
import { describe, expect, it } from '@jest/globals'
import {
  BUSY_SECRETS,
  busySecretsWorld,
  isBusyExisting,
  onFirstRequest,
  ROTATOR_TOKEN,
  svc
} from '../../__fixtures__/rotate-secrets.js'
import { simulatorPerFaultTest } from '../../__fixtures__/spent-faults.js'
import {
  rotatePublicKey,
  rotatePublicKeyOnRead,
  type Scenario,
  type ScenarioRepository,
  type Simulator
} from '../../simulator/index.js'
import { atFraction } from '../lib/faults.js'
import { E2E_HEAVY, runAction, type ActionRun } from '../lib/run-action.js'

/**
 * Repositories written, in order: 20 (300 targets) with `ACTIONS_OPS_E2E=heavy`, else 3 (45): the
 * first one's writes go unfaulted, so its proof is the first read once the writes have begun, and
 * the faults go to the two others.
 */
const REPOSITORIES = E2E_HEAVY ? 20 : 3
const TARGETS = REPOSITORIES * BUSY_SECRETS.length
/** The repository `fraction` of the way from the first written (0) to the last (1). */
const at = atFraction(REPOSITORIES)
const VALUE = 'rotated-4mV9qX2pLk7Tz3Wc'

const start = simulatorPerFaultTest()
let world: Scenario = busySecretsWorld(REPOSITORIES)

async function simulate(): Promise<Simulator> {
  world = busySecretsWorld(REPOSITORIES)
  return start(world)
}

/** Rotates BUSY_SECRETS to VALUE in every repository of the world. */
async function rotateAll(s: Simulator): Promise<ActionRun> {
  return runAction({
    apiUrl: s.url,
    token: ROTATOR_TOKEN,
    secrets: [VALUE],
    with: {
      operation: 'rotate-secrets',
      repository: world.repositories.map(r => `${r.owner}/${r.name}`).join('\n'),
      secrets: BUSY_SECRETS.join('\n'),
      value: VALUE,
      limit: '1000'
    }
  })
}

const putPath = (repository: string, name: string): string =>
  `/repos/${repository}/actions/secrets/${name}`
/** The live state of acme/svc-NNN (secrets and key pair hang on it). */
function stateOf(s: Simulator, index: number): ScenarioRepository {
  const found = s.state.repositories.find(r => r.id === 2000 + index)
  if (!found) throw new Error(`no repository ${svc(index)}`)
  return found
}

/** The plaintext of every secret, by `owner/repo NAME`. */
function valuesOf(repositories: ScenarioRepository[]): Map<string, string | undefined> {
  return new Map(
    repositories.flatMap(r =>
      (r.secrets ?? []).map(secret => [`${r.owner}/${r.name} ${secret.name}`, secret.value])
    )
  )
}

/** `updated` for the secrets that exist everywhere, `created` for the new ones. */
const expectedReason = (name: string): string => (isBusyExisting(name) ? 'updated' : 'created')

/**
 * One result per target; a `done` secret, and each of `accepted` (`owner/repo NAME`, written but
 * not verified), holds VALUE and was written exactly once (a 201/204, or one of the `lost` PUTs
 * whose effect landed without its answer); any other secret holds what it held before and was
 * never written.
 */
function expectStateToAgree(
  s: Simulator,
  run: ActionRun,
  lost: string[] = [],
  accepted: string[] = []
): void {
  const targets = world.repositories.flatMap(r =>
    BUSY_SECRETS.map(name => `${r.owner}/${r.name} ${name}`)
  )
  const key = (entry: ActionRun['result'][number]): string =>
    `${entry.repository} ${String(entry.id)}`
  expect(run.result.map(key).sort()).toEqual(targets.sort())
  const applied = new Map<string, number>()
  const count = (path: string): void => void applied.set(path, (applied.get(path) ?? 0) + 1)
  for (const request of s.requests)
    if (request.method === 'PUT' && (request.status === 201 || request.status === 204))
      count(request.path)
  for (const path of lost) count(path)
  const before = valuesOf(world.repositories)
  const after = valuesOf(s.state.repositories)
  for (const entry of run.result) {
    const writes = applied.get(putPath(entry.repository, String(entry.id))) ?? 0
    const written = entry.outcome === 'done' || accepted.includes(key(entry))
    const expected = written ? [VALUE, 1] : [before.get(key(entry)), 0]
    expect([key(entry), after.get(key(entry)), writes]).toEqual([key(entry), ...expected])
  }
}

describe('rotate-secrets under faults', () => {
  it('should survive 5xx bursts, dropped connections, hangs and lost answers without writing twice', async () => {
    const s = await simulate()
    // Reads of the plan: public keys and listings.
    s.faults.add({
      operationId: 'actions/get-repo-public-key',
      kind: 'status',
      status: 502,
      times: 2
    })
    // The third public key read hangs until the client's timeout.
    s.faults.add({ operationId: 'actions/get-repo-public-key', kind: 'hang', times: 1 })
    const [early, late] = [svc(at(1 / 3)), svc(at(2 / 3))]
    s.faults.add({ path: `/repos/${early}/actions/secrets`, kind: 'drop', times: 1 })
    s.faults.add({ path: `/repos/${late}/actions/secrets`, kind: 'status', status: 503, times: 3 })
    // The first read once the writes have begun (the proof that they landed): three failures.
    onFirstRequest(
      s,
      r => r.method === 'PUT',
      () => {
        s.faults.add({ method: 'GET', kind: 'status', status: 500, times: 1 })
        s.faults.add({ method: 'GET', kind: 'drop', times: 1 })
        s.faults.add({ method: 'GET', kind: 'status', status: 503, times: 1 })
      }
    )
    // Writes: each burst within the three retries the client allows.
    s.faults.add({ path: putPath(early, 'KEY_01'), kind: 'status', status: 500, times: 3 })
    s.faults.add({ path: putPath(late, 'KEY_02'), kind: 'status', status: 503, times: 2 })
    s.faults.add({ path: putPath(early, 'KEY_15'), kind: 'drop', times: 2 })
    // Writes that land but whose answer is lost (an error, a dropped connection, no answer at
    // all): updates of existing secrets and creations of new ones.
    const lost = [putPath(late, 'KEY_01'), putPath(late, 'KEY_15'), putPath(early, 'KEY_12')]
    s.faults.add({ path: lost[0], kind: 'status', status: 502, times: 1, after: 'after-handler' })
    s.faults.add({ path: lost[1], kind: 'drop', times: 1, after: 'after-handler' })
    s.faults.add({ path: lost[2], kind: 'hang', times: 1, after: 'after-handler' })

    const run = await rotateAll(s)
    expect(run.exitCode).toBe(0)
    expect(run.result).toHaveLength(TARGETS)
    expect(run.result.filter(r => r.outcome !== 'done')).toEqual([])
    // A lost answer is still reported as what it did: the new secret as created.
    expect(run.result.filter(r => r.reason !== expectedReason(String(r.id)))).toEqual([])
    expectStateToAgree(s, run, lost)
  })

  it('should wait out secondary rate limits, and write secrets and keys that changed after the plan', async () => {
    const s = await simulate()
    const put = 'actions/create-or-update-repo-secret'
    s.faults.add({
      operationId: put,
      kind: 'secondary-rate-limit',
      status: 403,
      retryAfterSeconds: 2,
      times: 2
    })
    s.faults.add({
      operationId: put,
      kind: 'secondary-rate-limit',
      status: 429,
      retryAfterSeconds: 1,
      times: 1
    })
    s.faults.add({
      operationId: 'actions/list-repo-secrets',
      kind: 'secondary-rate-limit',
      status: 429,
      times: 1
    })
    // GitHub rotates one repository's key right after the plan reads it, and a later one's during
    // the writes (once the first repository's begin).
    rotatePublicKeyOnRead(stateOf(s, at(2 / 5)))
    const [deletedIn, createdIn] = [at(9 / 10), REPOSITORIES - 1]
    onFirstRequest(
      s,
      r => r.method === 'PUT',
      () => {
        void rotatePublicKey(stateOf(s, at(4 / 5)))
        // Meanwhile, someone deletes KEY_02 of one repository and creates KEY_14 in the last.
        const deleted = stateOf(s, deletedIn)
        deleted.secrets = deleted.secrets?.filter(secret => secret.name !== 'KEY_02')
        stateOf(s, createdIn).secrets?.push({ name: 'KEY_14', value: 'set-by-someone-else' })
      }
    )

    const run = await rotateAll(s)
    expect(run.exitCode).toBe(0)
    expect(run.result.filter(r => r.outcome !== 'done')).toEqual([])
    expect(run.stdout).toContain('Secondary rate limit')
    expect(run.stdout.match(/the public key changed/g)).toHaveLength(2)
    // What each write did is what the answer said, not what the plan expected.
    const reasonOf = (index: number, name: string): string | undefined =>
      run.result.find(r => r.repository === svc(index) && r.id === name)?.reason
    expect(reasonOf(deletedIn, 'KEY_02')).toBe('created')
    expect(reasonOf(createdIn, 'KEY_14')).toBe('updated')
    expectStateToAgree(s, run)
  })

  it('should fail the step, naming every secret left unwritten or unverified, when the primary rate limit runs out', async () => {
    const s = await simulate()
    const bucket = s.state.rateLimits[ROTATOR_TOKEN]
    if (!bucket) throw new Error('the scenario has no rate-limit bucket for the rotator token')
    // The plan (a public key and a listing per repository), then the first half of the
    // repositories written in full (15 PUTs and one listing to prove them) and one more PUT.
    const written = at(1 / 2)
    const perRepository = BUSY_SECRETS.length
    const allowed = 2 * REPOSITORIES + (perRepository + 1) * written + 1
    bucket.remaining = allowed
    const run = await rotateAll(s)
    const reset = new Date(bucket.reset * 1000).toISOString()
    const done = perRepository * written
    expect(run.result.filter(r => r.outcome === 'done')).toHaveLength(done)
    expect(run.result.filter(r => r.outcome === 'skipped')).toEqual([])
    const failed = run.result.filter(r => r.outcome === 'failed')
    expect(failed).toHaveLength(TARGETS - done)
    // The last write was sent but could not be read back: failed, saying GitHub accepted it.
    const [unverified, ...unwritten] = failed
    expect(unverified).toMatchObject({
      repository: svc(written),
      id: 'KEY_01',
      reason: `GitHub accepted the value (updated, 204), but it could not be read back (rate limit exhausted until ${reset}); check the secret in https://github.com/${svc(written)}/settings/secrets/actions`
    })
    expect(new Set(unwritten.map(r => r.reason))).toEqual(
      new Set([
        `not written: rate limit exhausted until ${reset}; run again after that to write it`
      ])
    )
    // A half-done rotation fails the step, naming each target, so no one revokes the old value.
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`::error::${TARGETS - done} target(s) failed`)
    expect(run.stdout).toContain(
      `${svc(REPOSITORIES - 1)} actions secret KEY_15: not written: rate limit exhausted until ${reset}`
    )
    // The last PUT's answer showed x-ratelimit-remaining: 0: no write or read was sent after it.
    expect(s.requestCount({ method: 'PUT' })).toBe(done + 1)
    expect(s.requests).toHaveLength(allowed)
    expectStateToAgree(s, run, [], [`${svc(written)} KEY_01`])
  })
})
