/**
 * What every handler gets, and the per-repository loop they share: each repository in its own log
 * group, and a failure of one (say, a listing the token may not read) recorded without stopping
 * the next.
 */
import * as core from '@actions/core'
import { describeApiError } from '../api-errors.js'
import type { Octokit } from '../client.js'
import type { Mutations } from '../mutations.js'
import type { Results } from '../outcomes.js'
import type { RepositoryRef, SettingsFor, OperationName } from '../settings.js'

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

/** `owner/repo`. */
export function fullName(repository: RepositoryRef): string {
  return `${repository.owner}/${repository.repo}`
}

/**
 * Runs `work` for each repository of the settings, in a log group each. An error thrown by `work`
 * is recorded as a `failed` result for that repository (kind `repository`, action `list`) and the
 * loop goes on.
 */
export async function forEachRepository<O extends OperationName>(
  context: HandlerContext<O>,
  work: (repository: RepositoryRef) => Promise<void>
): Promise<void> {
  for (const repository of context.settings.repositories) {
    const name = fullName(repository)
    await core.group(name, async () => {
      try {
        await work(repository)
      } catch (error) {
        const reason = describeApiError(error, context.settings.operation)
        core.error(`${name}: ${reason}`)
        context.results.add(
          { repository: name, kind: 'repository', id: name, action: 'list', url: '' },
          'failed',
          reason
        )
      }
    })
  }
}
