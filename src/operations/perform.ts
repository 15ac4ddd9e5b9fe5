/**
 * One invocation below the adapters, whichever front door started it: settings → client →
 * repositories → handler. The adapter reads the settings before and reports the results after.
 */
import { createClient, type RequestCounter } from '../boundary/client.js'
import { Mutations, OperationsBudget } from '../boundary/mutations.js'
import { Results, type TargetResult } from '../boundary/outcomes.js'
import { log } from '../log.js'
import { resolveRepositories } from '../readers/repositories.js'
import { runHandler } from './index.js'
import type { Settings } from './settings.js'
import { readsPerRepository } from './sweep-cost.js'

/** What an invocation did, for the adapter to report. */
export interface Performed {
  /** The settings with `repositories` resolved (patterns replaced by what they matched). */
  settings: Settings
  /** One entry per target, in the order they were decided. */
  results: readonly TargetResult[]
  /** The requests sent, retries included. */
  counter: RequestCounter
  /** Operation-specific outputs (`bytes-freed`, `generated-values`), already masked. */
  extraOutputs: Record<string, string>
}

/**
 * Performs the operation of `parsed`: builds the client, resolves repository patterns once, then
 * runs the handler, which plans and (unless a dry run) writes through the mutation boundary.
 * Per-target errors are recorded in the results, not thrown.
 * @throws what fails the whole invocation: a bad target found while planning (an InputError of
 *   rotate-secrets, say), or an error of the client's construction.
 */
export async function performOperation(parsed: Settings): Promise<Performed> {
  const results = new Results()
  const mutations = new Mutations(
    parsed.operation,
    parsed.dryRun,
    new OperationsBudget(parsed.limit),
    results,
    parsed.pacing.retryBaseMs
  )
  // The client tells the mutation boundary what every answer shows of the rate limit.
  const client = await createClient({
    token: parsed.token,
    apiUrl: parsed.runner.apiUrl,
    pacing: parsed.pacing,
    rateLimit: mutations.rateLimit
  })
  // Patterns become repositories once, before any target is looked at; handlers read the
  // resolved list from `settings.repositories`.
  const settings = await resolveRepositories(
    client.octokit,
    parsed,
    results,
    mutations,
    readsPerRepository(parsed)
  )
  const extraOutputs: Record<string, string> = {}
  if (settings.dryRun) {
    log.info('Dry run: targets are found and reported as planned; nothing is changed.')
  }
  await runHandler({
    settings,
    octokit: client.octokit,
    results,
    mutations,
    now: () => new Date(),
    extraOutputs
  })
  return { settings, results: results.all(), counter: client.counter, extraOutputs }
}
