/**
 * One invocation below the adapters, whichever front door started it: settings → client →
 * repositories → handler. The adapter reads the settings before and reports the results after.
 */
import { createClient, type RequestCounter } from '../boundary/client.js'
import { ConditionalRequests } from '../boundary/conditional.js'
import { loadState, saveState } from '../boundary/state-file.js'
import { messageOf } from '../boundary/api-errors.js'
import { Mutations, OperationsBudget } from '../boundary/mutations.js'
import { Results, type TargetResult } from '../boundary/outcomes.js'
import { log } from '../log.js'
import { LISTING_SHAPES } from '../readers/listing-shapes.js'
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
 * Performs the operation of `parsed`: reads the state file (`state-file`, when set), builds the
 * client, resolves repository patterns once, then runs the handler, which plans and (unless a dry
 * run) writes through the mutation boundary; finally rewrites the state file with what this run
 * listed. Per-target errors are recorded in the results, not thrown.
 * @throws what fails the whole invocation: a bad target found while planning (an InputError of
 *   rotate-secrets, say), or an error of the client's construction. A state file that cannot be
 *   read or written is a warning, never a failure.
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
  const conditional = openState(parsed)
  // The client tells the mutation boundary what every answer shows of the rate limit.
  const client = await createClient({
    token: parsed.token,
    apiUrl: parsed.runner.apiUrl,
    pacing: parsed.pacing,
    rateLimit: mutations.rateLimit,
    ...(conditional !== undefined && { conditional })
  })
  const extraOutputs: Record<string, string> = {}
  let settings: Settings = parsed
  try {
    // Patterns become repositories once, before any target is looked at; handlers read the
    // resolved list from `settings.repositories`.
    settings = await resolveRepositories(
      client.octokit,
      parsed,
      results,
      mutations,
      readsPerRepository(parsed)
    )
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
  } finally {
    if (conditional !== undefined && parsed.stateFile !== undefined) {
      closeState(parsed.stateFile, parsed.runner.apiUrl, conditional)
    }
  }
  return { settings, results: results.all(), counter: client.counter, extraOutputs }
}

/**
 * The listings kept by earlier runs (`state-file`), or undefined without a state file. A file
 * that cannot be used starts fresh with one warning naming it; a missing one without.
 */
function openState(settings: Settings): ConditionalRequests | undefined {
  const path = settings.stateFile
  if (path === undefined) return undefined
  const apiUrl = settings.runner.apiUrl
  const loaded = loadState(path, apiUrl, LISTING_SHAPES)
  if (loaded.problem !== undefined) {
    log.warning(
      `state-file ${path} ${loaded.problem}; starting fresh: every listing is read in full this time, and the file is rewritten when the step ends.`
    )
  } else if (loaded.pages.size > 0) {
    log.info(`state-file ${path}: ${loaded.pages.size} listing pages kept from the last run`)
  } else {
    log.info(`state-file ${path}: none yet; starting fresh`)
  }
  return new ConditionalRequests(loaded.pages, LISTING_SHAPES, apiUrl)
}

/** Rewrites the state file with the pages this run read; a failure is a warning. */
function closeState(path: string, apiUrl: string, conditional: ConditionalRequests): void {
  const { sent, notModified } = conditional.tally
  const pages = conditional.pages()
  try {
    const bytes = saveState(path, apiUrl, pages)
    log.info(
      `state-file ${path}: ${notModified} of ${sent} conditional requests answered 304 Not Modified (no rate-limit point); ${pages.size} listing pages kept (${bytes} bytes)`
    )
  } catch (error) {
    log.warning(
      `state-file ${path} could not be written (${messageOf(error)}); the next run starts fresh. Check that the step may write that folder and that the disk has room.`
    )
  }
}
