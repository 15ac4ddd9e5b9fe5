/**
 * What every handler gets, and the per-repository loop they share: each repository in its own log
 * group, a failure of one (say, a listing the token may not read) recorded without stopping the
 * next, and no repository listed once the mutation boundary says the invocation must stop.
 */
import { log } from '../log.js'
import { describeApiError } from '../boundary/api-errors.js'
import type { WorkflowRun } from '../readers/api-types.js'
import type { Octokit } from '../boundary/client.js'
import type { Mutations } from '../boundary/mutations.js'
import type { Results, Target } from '../boundary/outcomes.js'
import { fullName, type RepositoryRef, type OperationName } from '../settings.js'
import type { SettingsFor } from './settings.js'

export interface HandlerContext<O extends OperationName> {
  settings: SettingsFor<O>
  octokit: Octokit
  results: Results
  mutations: Mutations
  /** The clock, so age rules can be tested. */
  now: () => Date
  /** Operation-specific outputs (e.g. `generated-values`), set by the handler, already masked. */
  extraOutputs: Record<string, string>
}

/** A handler plans and applies one operation over every configured target. */
export type Handler<O extends OperationName> = (context: HandlerContext<O>) => Promise<void>

export { fullName }

/** A workflow run as the target of `action` (e.g. `cancel`), linked to its page. */
export function runTarget(
  repository: RepositoryRef,
  run: Pick<WorkflowRun, 'id' | 'html_url'>,
  action: string
): Target {
  return { repository: fullName(repository), kind: 'run', id: run.id, action, url: run.html_url }
}

/**
 * The web page of a run known only by its id (one `run-id` names that GitHub did not find), as
 * GitHub writes a run's `html_url`: `{server}/{owner}/{repo}/actions/runs/{run_id}`.
 */
export function runPageUrl(serverUrl: string, repository: RepositoryRef, runId: number): string {
  return `${serverUrl}/${fullName(repository)}/actions/runs/${runId}`
}

/** A repository as a target of its own: one that could not be read or was not reached. */
function repositoryTarget(repository: RepositoryRef): Target {
  const name = fullName(repository)
  return { repository: name, kind: 'repository', id: name, action: 'list', url: '' }
}

/**
 * Runs `work` for each repository of the settings, in a log group each. Before each one it asks
 * the mutation boundary: once the primary rate limit is spent, the repositories left are not
 * listed but reported `skipped` (kind `repository`) with the reset time. An error thrown by `work`
 * is recorded for that repository (kind `repository`, action `list`) and the loop goes on:
 * `skipped` with the reset time when it was the spent rate limit (the repository was not
 * finished), `failed` otherwise. Tells `log.progress` how many repositories are done.
 */
export async function forEachRepository<O extends OperationName>(
  context: HandlerContext<O>,
  work: (repository: RepositoryRef) => Promise<void>
): Promise<void> {
  const { mutations, results } = context
  const known = context.settings.repositories.length
  for (const [done, repository] of context.settings.repositories.entries()) {
    log.progress({ repositories: { done, known } })
    const name = fullName(repository)
    if (!mutations.canRead()) {
      const skipped = mutations.skipStopped(repositoryTarget(repository), 'read')
      log.info(`${name}: not listed, ${skipped.reason}`)
      continue
    }
    await log.group(name, async () => {
      try {
        await work(repository)
      } catch (error) {
        const stopped = mutations.stoppedBy(error)
        if (stopped !== undefined) {
          log.info(`${name}: not finished, ${stopped}`)
          results.skip(repositoryTarget(repository), stopped)
          return
        }
        const reason = describeApiError(error, context.settings.operation)
        log.error(`${name}: ${reason}`)
        results.add(repositoryTarget(repository), 'failed', reason)
      }
    })
  }
  log.progress({ repositories: { done: known, known } })
}
