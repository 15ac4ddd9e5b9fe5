/**
 * The action's entry: settings → client → repositories → handler → report. Exported so tests can
 * call it without side effects at import.
 */
import * as core from '@actions/core'
import { messageOf, redactSecrets } from '../../boundary/api-errors.js'
import { createClient } from '../../boundary/client.js'
import { runHandler } from '../../operations/index.js'
import { getSettings } from '../../inputs/read-settings.js'
import { Mutations, OperationsBudget } from '../../boundary/mutations.js'
import { Results } from '../../boundary/outcomes.js'
import { publish } from './report.js'
import { resolveRepositories } from '../../readers/repositories.js'

/**
 * Runs one invocation. Never throws: every error ends in `core.setFailed` with a message that
 * names the input or target (and never contains the token or a secret value).
 */
export async function run(): Promise<void> {
  try {
    const parsed = getSettings()
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
    const settings = await resolveRepositories(client.octokit, parsed, results, mutations)
    const extraOutputs: Record<string, string> = {}
    if (settings.dryRun)
      core.info('Dry run: targets are found and reported as planned; nothing is changed.')
    await runHandler({
      settings,
      octokit: client.octokit,
      results,
      mutations,
      now: () => new Date(),
      extraOutputs
    })
    await publish(settings, results.all(), client.counter, extraOutputs)
  } catch (error) {
    // The last line of defence: no error text leaves with the token in it.
    core.setFailed(redactSecrets(messageOf(error)))
  }
}
